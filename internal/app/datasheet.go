package app

import (
	"context"
	"time"

	"yardstick/internal/dataimport"
	"yardstick/internal/model"
	"yardstick/internal/period"
	"yardstick/internal/terms"
)

// DataSheet is a scorecard's template or export of data values (issue 21):
// one row per measure and period, in the layout Import Data reads back.
type DataSheet struct {
	Scorecard model.Scorecard
	Rows      []dataimport.SheetRow
}

// sheetMeasures opens an own scorecard the actor may see and lists its
// measures in the page's order (each once), with their frequencies and
// stored values.
func (a *App) sheetMeasures(ctx context.Context, actor *Actor, scorecardID int64) (model.Scorecard, []Row, loadedTree, error) {
	s, _, err := a.openScorecard(ctx, actor, scorecardID)
	if err != nil {
		return s, nil, loadedTree{}, err
	}
	if actor.Partner(s.InstanceID) {
		return s, nil, loadedTree{}, errForbidden("A partner's %s is exported and imported on the partner's pages.", actor.Words().LowOne(terms.Scorecard))
	}
	t, err := a.loadTree(ctx, actor.Instance.ID, s.ID)
	if err != nil {
		return s, nil, t, err
	}
	var rows []Row
	seen := map[int64]bool{}
	for _, r := range t.rows {
		o := r.Object
		if o.Kind != model.KindMeasure || seen[o.ID] || o.FrequencyID == nil {
			continue
		}
		if _, ok := t.freqs[*o.FrequencyID]; !ok {
			continue
		}
		seen[o.ID] = true
		rows = append(rows, r)
	}
	return s, rows, t, nil
}

// DataTemplate is the file a person fills to import a scorecard's data:
// each measure's periods from from to to (dates; both empty: the periods
// due since its last value, through the period data is entered for now),
// with the values already stored.
func (a *App) DataTemplate(ctx context.Context, actor *Actor, scorecardID int64, from, to string) (DataSheet, error) {
	var fromD, toD time.Time
	fields := map[string]string{}
	for _, d := range []struct {
		name, v string
		dst     *time.Time
	}{{"from", from, &fromD}, {"to", to, &toD}} {
		if d.v == "" {
			continue
		}
		t, err := time.Parse("2006-01-02", d.v)
		if err != nil {
			fields[d.name] = "A date in the form YYYY-MM-DD."
			continue
		}
		*d.dst = t
	}
	if (from == "") != (to == "") && len(fields) == 0 {
		fields["to"] = "Give both dates of the range, or neither."
	}
	if len(fields) == 0 && from != "" && toD.Before(fromD) {
		fields["to"] = "The end of the range is before its start."
	}
	if len(fields) > 0 {
		return DataSheet{}, invalid("Check the range of periods.", fields)
	}
	s, measures, t, err := a.sheetMeasures(ctx, actor, scorecardID)
	if err != nil {
		return DataSheet{}, err
	}
	now := a.Now().In(viewerLocation(actor))
	sheet := DataSheet{Scorecard: s}
	for _, r := range measures {
		m := r.Object
		pf := FrequencyOf(t.freqs[*m.FrequencyID])
		stored := map[string]model.DataValue{}
		last := ""
		for _, v := range t.Values[m.ID] {
			stored[v.PeriodKey] = v
			if v.PeriodKey > last {
				last = v.PeriodKey
			}
		}
		var periods []period.Period
		if from != "" {
			periods = pf.Range(pf.At(fromD), pf.At(toD))
		} else {
			due, err := pf.FromKey(entryKey(pf, now, actor.Instance.DataPeriod))
			if err != nil {
				return DataSheet{}, err
			}
			start := due
			if lp, err := pf.FromKey(last); err == nil && pf.Next(lp).Start.Before(due.Start) {
				start = pf.Next(lp)
			}
			periods = pf.Range(start, due)
		}
		for _, p := range periods {
			v := stored[pf.Key(p)]
			sheet.Rows = append(sheet.Rows, dataimport.SheetRow{Measure: m.ID, Title: m.Title, Period: pf.Label(p),
				Actual: v.Actual, Target: v.Target, Forecast: v.Forecast, Comment: v.Comment})
			if len(sheet.Rows) > dataimport.MaxRows {
				return DataSheet{}, fieldError("to", "The range holds more than a million rows: choose a shorter one.")
			}
		}
	}
	return sheet, nil
}

// ExportDataValues is every stored value of a scorecard's measures, in the
// template's layout, so a corrected export imports back.
func (a *App) ExportDataValues(ctx context.Context, actor *Actor, scorecardID int64) (DataSheet, error) {
	s, measures, t, err := a.sheetMeasures(ctx, actor, scorecardID)
	if err != nil {
		return DataSheet{}, err
	}
	sheet := DataSheet{Scorecard: s}
	for _, r := range measures {
		m := r.Object
		pf := FrequencyOf(t.freqs[*m.FrequencyID])
		for _, v := range t.Values[m.ID] {
			p, err := pf.FromKey(v.PeriodKey)
			if err != nil {
				continue // a value between periods is never stored (FromKey); none to export
			}
			sheet.Rows = append(sheet.Rows, dataimport.SheetRow{Measure: m.ID, Title: m.Title, Period: pf.Label(p),
				Actual: v.Actual, Target: v.Target, Forecast: v.Forecast, Comment: v.Comment})
		}
	}
	return sheet, nil
}
