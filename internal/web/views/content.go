package views

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/calc"
	"yardstick/internal/model"
)

// Can is what the viewer may do with the content a view shows, as
// internal/app returned it: views show only the controls that would be
// accepted (the server checks again on submit).
type Can = access.Can

// ScorecardNode is a scorecard in the list's tree.
type ScorecardNode = app.ScorecardNode

// SitesFilter is the Scorecards list's Sites filter.
type SitesFilter struct {
	Own      model.Instance
	Partners []model.Instance
	Chosen   map[int64]bool
}

func id(v int64) string { return strconv.FormatInt(v, 10) }

func idURL(in *model.Instance, path string, v int64) templ.SafeURL {
	return templ.SafeURL(InstanceURL(in, path+id(v)))
}

func value(o model.Object, v *float64) string {
	return calc.FormatValue(v, o.Decimals, o.Unit, o.UnitBefore)
}

func pct(v *float64) string { return calc.FormatPct(v) }

func pctPlain(v *float64) string { return calc.FormatPctOf(v) }

func colorClass(c calc.Color) string {
	if c == calc.None {
		return "val"
	}
	return "val band-" + string(c)
}

func currentLabel(s calc.Summary) string {
	if s.Current == nil {
		return ""
	}
	return s.Current.Label
}

// trendText describes a run: "↑ 3", "↓ 2", "→".
func trendText(t calc.Trend) string {
	switch {
	case t.Direction > 0:
		return "↑ " + strconv.Itoa(t.Length)
	case t.Direction < 0:
		return "↓ " + strconv.Itoa(t.Length)
	case t.Length > 0:
		return "→ " + strconv.Itoa(t.Length)
	}
	return ""
}

func trendClass(t calc.Trend) string {
	switch {
	case t.Good == nil:
		return "trend"
	case *t.Good:
		return "trend good"
	}
	return "trend bad"
}

func trendTitle(t calc.Trend) string { return t.Words() }

func pmCategory(c string) string {
	return map[string]string{"how_much": "How much did we do?", "how_well": "How well did we do it?", "better_off": "Is anyone better off?"}[c]
}

func polarityName(ctx context.Context, p string) string {
	switch p {
	case "higher":
		return "Higher is better"
	case "lower":
		return "Lower is better"
	case "range":
		return tx(ctx, "{target} range")
	case "none":
		return "No polarity"
	}
	return ""
}

func indent(depth int) string { return "depth-" + strconv.Itoa(min(depth, 8)) }

func raw(v *float64) string { return app.FormatRaw(v) }

func TagsText(tags []string) string { return strings.Join(tags, ", ") }

// It is written in the catalogue's form (terms.Set.Expand).
func KindPlural(kind string) string {
	if kind == model.KindContainer {
		return "{result:many} and {program:lowmany}"
	}
	return "{measure:many}"
}

func sel(a, b string) bool { return a == b }

func selID(a int64, b string) bool { return id(a) == b }

// gridValue shows what the editor typed when a save was refused, else the
// stored value.
func gridValue(f Form, col, key, stored string) string {
	if f.Values == nil {
		return stored
	}
	if v, ok := f.Values[col+"/"+key]; ok {
		return v
	}
	return stored
}

// signed formats a difference with its sign: +2.0%, −1.5.
func signed(o model.Object, v *float64) string {
	s := value(o, v)
	if v != nil && *v > 0 {
		return "+" + s
	}
	return s
}

// hasAny reports whether a form has an error on any of the fields.
func hasAny(f Form, names ...string) bool {
	for _, n := range names {
		if f.E(n) != "" {
			return true
		}
	}
	return false
}

// dash shows an em dash for an empty cell, so blanks read as "no data".
func dash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func bandWords(ctx context.Context, c calc.Color) string {
	var w string
	switch c {
	case calc.Green:
		w = "on {target:lower}"
	case calc.Yellow:
		w = "near {target:lower}"
	case calc.Red:
		w = "off {target:lower}"
	default:
		return ""
	}
	return tx(ctx, w)
}

// trendWords says whether a trend is good for the measure, in words, as
// the arrow's colour does: "improving", "worsening", or "" when unknown.
func trendWords(t calc.Trend) string {
	switch {
	case t.Good == nil:
		return ""
	case *t.Good:
		return "improving"
	}
	return "worsening"
}

// safeColor passes only #rrggbb colours (types are validated on save;
// this keeps a bad row from breaking out of the attribute's meaning).
func safeColor(c string) string {
	if len(c) == 7 && c[0] == '#' {
		for _, r := range c[1:] {
			if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
				return "#5b6776"
			}
		}
		return c
	}
	return "#5b6776"
}

func itoa(n int) string { return strconv.Itoa(n) }

// slug turns an outcome into a class-name part.
func slug(s string) string { return strings.ReplaceAll(s, " ", "-") }

// badgeFill is a type's colour as a badge's background: darkened, keeping
// its hue, until its white letter reaches 4.5:1 (WCAG 1.4.3). The built-in
// Performance Measure orange (#b26a00) was 4.24:1.
func badgeFill(c string) string {
	c = safeColor(c)
	r, g, b := hexByte(c[1:3]), hexByte(c[3:5]), hexByte(c[5:7])
	for i := 0; i < 40 && contrastWithWhite(r, g, b) < 4.5; i++ {
		r, g, b = r*0.95, g*0.95, b*0.95
	}
	return fmt.Sprintf("#%02x%02x%02x", int(math.Round(r)), int(math.Round(g)), int(math.Round(b)))
}

func hexByte(s string) float64 {
	n, _ := strconv.ParseUint(s, 16, 8)
	return float64(n)
}

// contrastWithWhite is the WCAG contrast ratio of an sRGB colour (0–255
// channels) against white.
func contrastWithWhite(r, g, b float64) float64 {
	lin := func(v float64) float64 {
		v /= 255
		if v <= 0.03928 {
			return v / 12.92
		}
		return math.Pow((v+0.055)/1.055, 2.4)
	}
	l := 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
	return 1.05 / (l + 0.05)
}

// linkAction is the URL a scorecard row's move or unlink button posts to:
// the row's place (its parent, or the scorecard for a top-level row), the
// object, the scorecard to return to and, for a move, the direction.
func linkAction(in *model.Instance, path string, scorecardID int64, r app.Row, delta string) templ.SafeURL {
	b := make([]byte, 0, 96)
	b = append(b, "/i/"...)
	b = append(b, in.Code...)
	b = append(b, path...)
	if r.ParentID == 0 {
		b = append(b, "?scorecard="...)
		b = strconv.AppendInt(b, scorecardID, 10)
	} else {
		b = append(b, "?parent="...)
		b = strconv.AppendInt(b, r.ParentID, 10)
	}
	b = append(b, "&child="...)
	b = strconv.AppendInt(b, r.Object.ID, 10)
	b = append(b, "&back="...)
	b = strconv.AppendInt(b, scorecardID, 10)
	if delta != "" {
		b = append(b, "&delta="...)
		b = append(b, delta...)
	}
	return templ.SafeURL(b)
}
