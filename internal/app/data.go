package app

import (
	"context"
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"yardstick/internal/access"
	"yardstick/internal/model"
	"yardstick/internal/store"
	"yardstick/internal/terms"
)

// DataEntry is one period row of the data grid as submitted: the values
// the editor saw (Orig*) and at which version, and the values now.
type DataEntry struct {
	PeriodKey                           string
	Actual, Target, Comment             string
	OrigActual, OrigTarget, OrigComment string
	Forecast, OrigForecast              string // the forecast (issue 28): what the actual would be if nothing changes
	Version                             int64
}

const maxComment = 255

// ParseNumber reads a value as people type or paste it: spaces and
// thousands separators are ignored; more decimals than the measure allows
// are refused. Empty means no value.
func ParseNumber(s string, decimals int, w *terms.Set) (*float64, string) {
	s = strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(s, ",", ""), " ", ""))
	s = strings.ReplaceAll(s, "\u00a0", "")
	if s == "" {
		return nil, ""
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) || strings.ContainsAny(s, "xXpPeEiInN_") {
		return nil, "“" + truncateText(s, 20) + "” is not a number."
	}
	if i := strings.IndexByte(s, '.'); i >= 0 && len(s)-i-1 > decimals {
		if decimals == 0 {
			return nil, "Use whole numbers for this " + w.LowOne(terms.Measure) + "."
		}
		return nil, "Use at most " + itoa(decimals) + " decimals for this " + w.LowOne(terms.Measure) + "."
	}
	if math.Abs(v) >= 1e15 {
		return nil, "The number is too large."
	}
	return &v, ""
}

// SaveData saves the changed rows of a measure's data grid in one
// transaction (data.enter). A row someone else changed since the editor
// loaded it is refused, with every other row, naming the period: no
// update is lost. Rows the editor did not touch are skipped.
//
// A partner's measure takes data only from a contributing partner
// (dataTarget); the value is stored with its owner and the entry is
// logged in both instances.
func (a *App) SaveData(ctx context.Context, actor *Actor, measureID int64, entries []DataEntry) (saved int, err error) {
	m, err := a.dataTarget(ctx, actor, measureID)
	if err != nil {
		return 0, err
	}
	owner := m.InstanceID
	freq, err := a.measureFrequency(ctx, owner, m, actor.Words().Expand("Give this {measure:lower} a reporting frequency before entering data."))
	if err != nil {
		return 0, err
	}
	pf := FrequencyOf(freq)
	calculated, err := a.store.Q().CalculatedAmong(ctx, owner, []int64{m.ID})
	if err != nil {
		return 0, err
	}
	isCalc, calcTargets := false, false
	if t, ok := calculated[m.ID]; ok {
		isCalc, calcTargets = true, t
	}
	fields := map[string]string{}
	var changes []model.DataValue
	for _, e := range entries {
		if e.Actual == e.OrigActual && e.Target == e.OrigTarget && e.Comment == e.OrigComment && e.Forecast == e.OrigForecast {
			continue
		}
		p, err := pf.FromKey(e.PeriodKey)
		if err != nil {
			fields[e.PeriodKey] = "“" + truncateText(e.PeriodKey, 20) + "” is not a period of this " + actor.Words().LowOne(terms.Measure) + "."
			continue
		}
		label := pf.Label(p)
		actual, msg1 := ParseNumber(e.Actual, m.Decimals, actor.Words())
		target, msg2 := ParseNumber(e.Target, m.Decimals, actor.Words())
		forecast, msg3 := ParseNumber(e.Forecast, m.Decimals, actor.Words())
		comment := strings.TrimSpace(e.Comment)
		switch {
		case isCalc && e.Actual != e.OrigActual:
			fields[e.PeriodKey] = label + " " + actor.Words().LowOne(terms.Actual) + ": " + calculatedMsg(actor, m, terms.Actual)
		case calcTargets && e.Target != e.OrigTarget:
			fields[e.PeriodKey] = label + " " + actor.Words().LowOne(terms.Target) + ": " + calculatedMsg(actor, m, terms.Target)
		case msg1 != "":
			fields[e.PeriodKey] = label + " " + actor.Words().LowOne(terms.Actual) + ": " + msg1
		case msg2 != "":
			fields[e.PeriodKey] = label + " " + actor.Words().LowOne(terms.Target) + ": " + msg2
		case msg3 != "":
			fields[e.PeriodKey] = label + " " + actor.Words().LowOne(terms.Forecast) + ": " + msg3
		case !utf8.ValidString(comment) || utf8.RuneCountInString(comment) > maxComment:
			fields[e.PeriodKey] = label + commentTooLong
		}
		if fields[e.PeriodKey] != "" {
			continue
		}
		by := actor.Account.ID
		changes = append(changes, model.DataValue{MeasureID: m.ID, PeriodKey: e.PeriodKey, Actual: actual, Target: target,
			Forecast: forecast, Comment: comment, UpdatedBy: &by, Version: e.Version})
	}
	if len(fields) > 0 {
		return 0, invalid("Nothing was saved. "+summarize(fields), fields)
	}
	keys := make([]string, len(changes))
	for i, c := range changes {
		keys[i] = c.PeriodKey
	}
	err = a.store.InTx(ctx, func(q *store.Q) error {
		saved = 0 // InTx may run this again
		current, err := q.DataValuesAt(ctx, owner, m.ID, keys)
		if err != nil {
			return err
		}
		byKey := map[string]model.DataValue{}
		for _, v := range current {
			byKey[v.PeriodKey] = v
		}
		var conflicts, savedKeys []string
		var log []model.Activity // recorded with one statement once all are saved
		for _, c := range changes {
			cur, exists := byKey[c.PeriodKey]
			if isCalc { // the calculated values are not the editor's to change
				c.Actual = cur.Actual
				if calcTargets {
					c.Target = cur.Target
				}
			}
			if exists && sameValue(cur, c) {
				continue // already what the editor wants
			}
			p, _ := pf.FromKey(c.PeriodKey)
			e := entry(actor, ActDataEntry, "measure", m.ID, m.Title, changed(
				"period", "", pf.Label(p),
				"actual", ftoa(cur.Actual), ftoa(c.Actual), "target", ftoa(cur.Target), ftoa(c.Target),
				"forecast", ftoa(cur.Forecast), ftoa(c.Forecast), "comment", cur.Comment, c.Comment)...)
			if actor.Partner(owner) {
				log = append(log, inBoth(actor, owner, e)...)
			} else {
				log = append(log, e)
			}
			if emptyValue(c) {
				if exists {
					if err := q.DeleteDataValue(ctx, owner, m.ID, c.PeriodKey, c.Version); errors.Is(err, store.ErrConflict) {
						conflicts = append(conflicts, c.PeriodKey)
					} else if err != nil {
						return err
					}
				}
				saved++
				savedKeys = append(savedKeys, c.PeriodKey)
				continue
			}
			if _, err := q.SaveDataValue(ctx, owner, c); errors.Is(err, store.ErrConflict) {
				conflicts = append(conflicts, c.PeriodKey)
				continue
			} else if err != nil {
				return err
			}
			saved++
			savedKeys = append(savedKeys, c.PeriodKey)
		}
		if len(conflicts) > 0 {
			labels := make([]string, 0, len(conflicts))
			fields := map[string]string{}
			for _, k := range conflicts {
				p, _ := pf.FromKey(k)
				labels = append(labels, pf.Label(p))
				fields[k] = "Changed by someone else since you loaded the page."
			}
			return &Error{Kind: Conflict, Fields: fields, Msg: "Nothing was saved: someone else changed " + strings.Join(labels, ", ") +
				" while you were editing. The grid now shows their values; make your change again."}
		}
		if len(savedKeys) > 0 {
			if err := a.recalc(ctx, q, owner, map[int64][]string{m.ID: savedKeys}, false, 0); err != nil {
				return err
			}
		}
		return record(ctx, q, log...)
	})
	if err != nil {
		saved = 0
	}
	return saved, err
}

// calculatedMsg refuses a write of a calculated measure's actual (or
// target, when calculated too): the words "calculated measure" say why
// on every path (grid, paste, API, Import Data's preview).
func calculatedMsg(actor *Actor, m model.Object, what terms.Key) string {
	w := actor.Words()
	return "“" + m.Title + "” is a calculated " + w.LowOne(terms.Measure) + ": its " + w.LowOne(what) +
		" is calculated from its inputs and cannot be entered."
}

// commentTooLong ends the message of a comment over maxComment.
const commentTooLong = ": comments are at most 255 characters."

// DataColumn is the grid column ("actual", "target" or "comment") that a
// SaveData field message is about, so a page can mark the exact cell; a
// message about the whole row (a conflict, a bad period) names "actual",
// the row's first cell. It reads the messages SaveData writes above, in
// the instance's words w.
func DataColumn(msg string, w *terms.Set) string {
	switch {
	case strings.Contains(msg, " "+w.LowOne(terms.Target)+": "):
		return "target"
	case strings.HasSuffix(msg, commentTooLong):
		return "comment"
	}
	return "actual"
}

func sameValue(a, b model.DataValue) bool {
	return eqPtr(a.Actual, b.Actual) && eqPtr(a.Target, b.Target) && eqPtr(a.Forecast, b.Forecast) && a.Comment == b.Comment
}

// emptyValue is a value with nothing in it: saving it deletes the period's row.
func emptyValue(v model.DataValue) bool {
	return v.Actual == nil && v.Target == nil && v.Forecast == nil && v.Comment == ""
}

func eqPtr(a, b *float64) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func derefID(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// PasteColumn fills one column (actual or target) from lines pasted from
// a spreadsheet, starting at a period and going forward one period per
// line. It is a fresh edit based on the values current now.
//
// It reads like SaveData (a contributing partner may paste into a
// partner's measure); SaveData decides whether the values may be saved.
func (a *App) PasteColumn(ctx context.Context, actor *Actor, measureID int64, column, startKey, text string) (int, error) {
	m, err := a.dataTarget(ctx, actor, measureID)
	if err != nil {
		return 0, err
	}
	if column != "actual" && column != "target" && column != "forecast" {
		return 0, fieldError("column", actor.Words().Expand("Choose the {actual:lower}, the {target:lower} or the {forecast:lower} column."))
	}
	freq, err := a.measureFrequency(ctx, m.InstanceID, m, actor.Words().Expand("Give this {measure:lower} a reporting frequency before entering data."))
	if err != nil {
		return 0, err
	}
	pf := FrequencyOf(freq)
	p, err := pf.FromKey(startKey)
	if err != nil {
		return 0, fieldError("start", "Choose the first period from the list.")
	}
	lines := strings.Split(strings.ReplaceAll(strings.TrimRight(text, "\r\n"), "\r\n", "\n"), "\n")
	if len(lines) > 500 {
		return 0, fieldError("paste", "Paste at most 500 values at once.")
	}
	current, err := a.store.Q().DataValues(ctx, m.InstanceID, m.ID)
	if err != nil {
		return 0, err
	}
	byKey := map[string]model.DataValue{}
	for _, v := range current {
		byKey[v.PeriodKey] = v
	}
	var entries []DataEntry
	for _, line := range lines {
		cell := strings.TrimSpace(strings.SplitN(line, "\t", 2)[0])
		key := pf.Key(p)
		cur := byKey[key]
		e := DataEntry{PeriodKey: key, Version: cur.Version,
			Actual: fmtPtr(cur.Actual), Target: fmtPtr(cur.Target), Forecast: fmtPtr(cur.Forecast), Comment: cur.Comment}
		e.OrigActual, e.OrigTarget, e.OrigForecast, e.OrigComment = e.Actual, e.Target, e.Forecast, e.Comment
		switch column {
		case "actual":
			e.Actual = cell
		case "target":
			e.Target = cell
		default:
			e.Forecast = cell
		}
		entries = append(entries, e)
		p = pf.Next(p)
	}
	return a.SaveData(ctx, actor, measureID, entries)
}

func fmtPtr(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', -1, 64)
}

// FormatRaw is a value as the grid's input shows it.
func FormatRaw(v *float64) string { return fmtPtr(v) }

// SetBaseline chooses a measure's baseline period (objects.edit); ""
// returns to the default, the first period with an actual.
func (a *App) SetBaseline(ctx context.Context, actor *Actor, measureID, version int64, key string) error {
	m, err := a.editableObject(ctx, actor, measureID)
	if err != nil {
		return err
	}
	if err := actor.Require(access.ObjectsEdit); err != nil {
		return err
	}
	if key != "" {
		freq, err := a.measureFrequency(ctx, actor.Instance.ID, m, actor.Words().Expand("This {measure:lower} has no reporting frequency."))
		if err != nil {
			return err
		}
		if _, err := FrequencyOf(freq).FromKey(key); err != nil {
			return fieldError("baseline", "Choose the baseline from the list of periods.")
		}
	}
	before := m
	m.BaselineKey, m.Version = key, version
	return a.saveMeasure(ctx, actor, before, m)
}

// GraphInput is the graph settings form.
type GraphInput struct {
	Title, Type, Periods, YMin, YMax string
	ShowTargets                      bool
}

// SetGraph changes a measure's graph settings (graphs.edit).
func (a *App) SetGraph(ctx context.Context, actor *Actor, measureID, version int64, in GraphInput) error {
	m, err := a.editableObject(ctx, actor, measureID)
	if err != nil {
		return err
	}
	if err := actor.Require(access.GraphsEdit); err != nil {
		return err
	}
	fields := map[string]string{}
	var msg string
	before := m
	if m.GraphTitle, msg = cleanText(in.Title, "Graph title", 0, 200); msg != "" {
		fields["graph_title"] = msg
	}
	if in.Type != "line" && in.Type != "bar" {
		fields["graph_type"] = "Choose line or bar."
	}
	n, err := strconv.Atoi(strings.TrimSpace(in.Periods))
	if err != nil || n < 1 || n > 120 {
		fields["graph_periods"] = "Show from 1 to 120 periods."
	}
	ymin, m1 := ParseNumber(in.YMin, 6, actor.Words())
	ymax, m2 := ParseNumber(in.YMax, 6, actor.Words())
	switch {
	case m1 != "":
		fields["graph_ymin"] = m1
	case m2 != "":
		fields["graph_ymax"] = m2
	case ymin != nil && ymax != nil && *ymin >= *ymax:
		fields["graph_ymax"] = "The top of the axis must be above the bottom."
	}
	if len(fields) > 0 {
		return invalid("Please correct the highlighted fields.", fields)
	}
	m.GraphType, m.GraphPeriods, m.GraphYMin, m.GraphYMax, m.GraphTargets, m.Version = in.Type, n, ymin, ymax, in.ShowTargets, version
	return a.saveMeasure(ctx, actor, before, m)
}

// summarize lists up to three field messages in a stable order, so a
// problem with a row the page no longer shows is still told.
func summarize(fields map[string]string) string {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var msgs []string
	for _, k := range keys[:min(3, len(keys))] {
		msgs = append(msgs, fields[k])
	}
	if len(keys) > 3 {
		msgs = append(msgs, "and "+itoa(len(keys)-3)+" more.")
	}
	return strings.Join(msgs, " ")
}

// saveMeasure writes an edited measure and its log entry together.
func (a *App) saveMeasure(ctx context.Context, actor *Actor, before, m model.Object) error {
	return a.store.InTx(ctx, func(q *store.Q) error {
		if err := q.UpdateObject(ctx, m); err != nil {
			return conflictMsg(err, "this "+actor.Words().LowOne(terms.Measure))
		}
		return record(ctx, q, entry(actor, ActUpdate, m.Kind, m.ID, m.Title, objectChanges(before, m)...))
	})
}

// measureFrequency loads the reporting frequency of measure m (of
// instance owner). A measure without one is refused with msg; any other
// error (a failing database) stays an internal error, never a message
// that sends the person to fix the measure.
func (a *App) measureFrequency(ctx context.Context, owner int64, m model.Object, msg string) (model.Frequency, error) {
	if m.FrequencyID == nil {
		return model.Frequency{}, invalid(msg, nil)
	}
	if m.Frequency != nil { // read with the measure
		return *m.Frequency, nil
	}
	f, err := a.store.Q().FrequencyByID(ctx, owner, *m.FrequencyID)
	if errors.Is(err, store.ErrNotFound) {
		return f, invalid(msg, nil)
	}
	return f, err
}
