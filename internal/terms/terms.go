// Package terms is the catalogue of the product's vocabulary (issue 18,
// SPEC §13 Common Terms): each term has a key, and a singular and plural
// default. An instance may override any of them; views ask the request's
// context (From) for the instance's Set instead of writing the words
// themselves, so renaming "Result" to "Goal" reaches every page, export
// and mail without rewriting rendered text (and never user content).
//
// The defaults are English; a translation would supply another Defaults
// table with the same keys.
package terms

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Key names one term.
type Key int

// The terms an instance may rename.
const (
	Scorecard Key = iota
	Result
	Program
	Container
	Indicator
	PerformanceMeasure
	Measure
	Action
	ToDo
	Target
	Actual
	Baseline
	Forecast
	Tag
	Note
	Commentary
	Partner
	Favourite
	count
)

// Term is one entry of the catalogue.
type Term struct {
	ID        string // stable key of the stored overrides and the form
	One, Many string // the default singular and plural
	Hint      string // what the term names, for the Common Terms page
}

// catalogue is the defaults, indexed by Key.
var catalogue = [count]Term{
	Scorecard:          {"scorecard", "Scorecard", "Scorecards", "the top-level page of results, programs and measures"},
	Result:             {"result", "Result", "Results", "a population-level condition of well-being (a built-in container type)"},
	Program:            {"program", "Program", "Programs", "a service or strategy (a built-in container type)"},
	Container:          {"container", "Container", "Containers", "any object that holds others (results, programs, your own types)"},
	Indicator:          {"indicator", "Indicator", "Indicators", "a measure of a result (a built-in measure type)"},
	PerformanceMeasure: {"performance_measure", "Performance Measure", "Performance Measures", "a measure of a program (a built-in measure type)"},
	Measure:            {"measure", "Measure", "Measures", "any object that holds data over periods"},
	Action:             {"action", "Action", "Actions", "work planned to turn the curve"},
	ToDo:               {"todo", "To-Do", "To-Dos", "a step of an action"},
	Target:             {"target", "Target", "Targets", "the value a measure aims at in a period"},
	Actual:             {"actual", "Actual", "Actuals", "the value a measure reached in a period"},
	Baseline:           {"baseline", "Baseline", "Baselines", "the period a measure's change is counted from"},
	Forecast:           {"forecast", "Forecast", "Forecasts", "the value a measure is expected to reach"},
	Tag:                {"tag", "Tag", "Tags", "a label to find objects by"},
	Note:               {"note", "Note", "Notes", "a section of text on a scorecard or object"},
	Commentary:         {"commentary", "Commentary", "Commentaries", "members' comments on a scorecard or object"},
	Partner:            {"partner", "Partner", "Partners", "another instance connected through Partner Connect"},
	Favourite:          {"favourite", "Favourite", "Favourites", "a measure a member starred for the dashboard"},
}

// All lists every key in catalogue order.
func All() []Key {
	out := make([]Key, count)
	for i := range out {
		out[i] = Key(i)
	}
	return out
}

// Default is a key's catalogue entry.
func Default(k Key) Term { return catalogue[k] }

// ByID finds a key by its stable id.
func ByID(id string) (Key, bool) {
	for i, t := range catalogue {
		if t.ID == id {
			return Key(i), true
		}
	}
	return 0, false
}

// MaxLen is the longest term an instance may give.
const MaxLen = 40

// Set is one instance's vocabulary: the defaults with its overrides.
type Set struct {
	one, many [count]string
	lowOne    [count]string
	lowMany   [count]string
	set       [count][2]bool // which forms the instance overrode
}

// Defaults is the Set of an instance that renamed nothing.
var Defaults = build(nil)

// Overrides are an instance's own terms by id: [singular, plural]; an
// empty form keeps the default.
type Overrides map[string][2]string

func build(o Overrides) *Set {
	s := &Set{}
	for i, t := range catalogue {
		s.one[i], s.many[i] = t.One, t.Many
		if v, ok := o[t.ID]; ok {
			if v[0] != "" {
				s.one[i], s.set[i][0] = v[0], true
			}
			if v[1] != "" {
				s.many[i], s.set[i][1] = v[1], true
			}
		}
		s.lowOne[i], s.lowMany[i] = lower(s.one[i]), lower(s.many[i])
	}
	return s
}

// lower writes a term inside a sentence: each word that is capitalised
// (a capital, then only small letters: "Performance Measure", "To-Do")
// gets a small first letter; a word with other capitals ("KPI", "eMail")
// stays as it is.
func lower(s string) string {
	b := []byte(s)
	start := 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) && s[i] != ' ' && s[i] != '-' {
			continue
		}
		word := s[start:i]
		if r, n := utf8.DecodeRuneInString(word); n > 0 && unicode.IsUpper(r) && !strings.ContainsFunc(word[n:], unicode.IsUpper) {
			low := string(unicode.ToLower(r))
			if len(low) == n {
				copy(b[start:], low)
			}
		}
		start = i + 1
	}
	return string(b)
}

// capFirst gives s a capital first letter.
func capFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// One is the singular, as a heading or label writes it ("Result").
func (s *Set) One(k Key) string { return s.one[k] }

// Many is the plural ("Results").
func (s *Set) Many(k Key) string { return s.many[k] }

// one and many inside a sentence ("no results yet").
func (s *Set) LowOne(k Key) string  { return s.lowOne[k] }
func (s *Set) LowMany(k Key) string { return s.lowMany[k] }

// Overridden reports whether the instance gave its own singular or plural.
func (s *Set) Overridden(k Key) (one, many bool) { return s.set[k][0], s.set[k][1] }

// builtinTypes maps the built-in object types' default names to their
// terms: a type still called "Result" shows the instance's term for it; a
// type renamed on the Object Types page keeps the name it was given.
var builtinTypes = map[string]Key{"Result": Result, "Program": Program, "Indicator": Indicator, "Performance Measure": PerformanceMeasure}
var builtinPlurals = map[string]Key{"Results": Result, "Programs": Program, "Indicators": Indicator, "Performance Measures": PerformanceMeasure}

// TypeName is the name to show for an object type called name.
func (s *Set) TypeName(name string) string {
	if k, ok := builtinTypes[name]; ok {
		return s.one[k]
	}
	return name
}

// TypePlural is TypeName for a type's plural.
func (s *Set) TypePlural(name string) string {
	if k, ok := builtinPlurals[name]; ok {
		return s.many[k]
	}
	return name
}

// Encode is the stored form of overrides ("" for none).
func Encode(o Overrides) string {
	if len(o) == 0 {
		return ""
	}
	b, _ := json.Marshal(o)
	return string(b)
}

// Decode reads stored overrides; unknown ids and bad text are dropped.
func Decode(stored string) Overrides {
	if stored == "" {
		return nil
	}
	var o Overrides
	if json.Unmarshal([]byte(stored), &o) != nil {
		return nil
	}
	for id := range o {
		if _, ok := ByID(id); !ok {
			delete(o, id)
		}
	}
	return o
}

// cache holds the Sets built from stored overrides: an instance's row is
// read on every request, and its terms change rarely.
var cache sync.Map // string → *Set
var cached int64
var cacheMu sync.Mutex

const cacheMax = 4096

// Parse returns the Set of an instance's stored overrides.
func Parse(stored string) *Set {
	if stored == "" {
		return Defaults
	}
	if s, ok := cache.Load(stored); ok {
		return s.(*Set)
	}
	s := build(Decode(stored))
	cacheMu.Lock()
	if cached >= cacheMax {
		cache.Clear()
		cached = 0
	}
	cached++
	cacheMu.Unlock()
	cache.Store(stored, s)
	return s
}

type ctxKey struct{}

// With returns a context whose views use s.
func With(ctx context.Context, s *Set) context.Context { return context.WithValue(ctx, ctxKey{}, s) }

// From is the Set of the request (the defaults outside an instance).
func From(ctx context.Context) *Set {
	if ctx != nil {
		if s, ok := ctx.Value(ctxKey{}).(*Set); ok {
			return s
		}
	}
	return Defaults
}

// Clean trims a submitted term; "" keeps the default.
func Clean(s string) string { return strings.Join(strings.Fields(s), " ") }

// Expand writes the terms into a text of the catalogue's form, for text
// kept in Go code (menu labels, permission descriptions): {measure} is
// the singular, {measure:many} the plural, {measure:lower} and
// {measure:lowmany} the same inside a sentence, and {todo:cap} the
// singular starting a sentence ("To-do saved."). Braces that name no term
// stay as they are.
func (s *Set) Expand(text string) string {
	if strings.IndexByte(text, '{') < 0 {
		return text
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(text, '{')
		if i < 0 {
			b.WriteString(text)
			return b.String()
		}
		j := strings.IndexByte(text[i:], '}')
		if j < 0 {
			b.WriteString(text)
			return b.String()
		}
		b.WriteString(text[:i])
		name, form, _ := strings.Cut(text[i+1:i+j], ":")
		k, ok := ByID(name)
		switch {
		case !ok:
			b.WriteString(text[i : i+j+1])
		case form == "":
			b.WriteString(s.one[k])
		case form == "many":
			b.WriteString(s.many[k])
		case form == "lower":
			b.WriteString(s.lowOne[k])
		case form == "lowmany":
			b.WriteString(s.lowMany[k])
		case form == "cap":
			b.WriteString(capFirst(s.lowOne[k]))
		default:
			b.WriteString(text[i : i+j+1])
		}
		text = text[i+j+1:]
	}
}
