package app

import (
	"context"

	"yardstick/internal/model"
	"yardstick/internal/store"
)

// ScorecardExport is a scorecard's tree as its downloads show it (issue
// 28, point 2): each row's level, type and title, then the scorecard's
// chosen columns in their order, as on the page.
type ScorecardExport struct {
	Scorecard model.Scorecard
	Columns   []Column
	Rows      []Row
}

// ExportScorecard loads what a scorecard's download shows, for whoever
// may open the scorecard (a partner's shared one included), and records
// the download.
func (a *App) ExportScorecard(ctx context.Context, actor *Actor, id int64, format string) (ScorecardExport, error) {
	s, _, rows, err := a.scorecardRows(ctx, actor, id)
	if err != nil {
		return ScorecardExport{}, err
	}
	if err := a.store.InTx(ctx, func(q *store.Q) error {
		return record(ctx, q, entry(actor, ActExport, "scorecard", id, s.Title+" ("+format+")"))
	}); err != nil {
		return ScorecardExport{}, err
	}
	return ScorecardExport{Scorecard: s, Columns: ColumnsOf(s), Rows: rows}, nil
}

// ColumnValue is a measure row's value in column c for a download: a
// float64 for a number column, text for the period and the trend, nil when
// there is none (and for containers and dividers).
func ColumnValue(r Row, c Column) any {
	if r.Divider != nil || r.Object.Kind != model.KindMeasure {
		return nil
	}
	s := r.Summary
	var v *float64
	switch c.ID {
	case ColPeriod:
		if s.Current == nil {
			return nil
		}
		return s.Current.Label
	case ColTrend:
		if s.Trend.Direction == 0 && s.Trend.Length == 0 {
			return nil
		}
		return s.Trend.Words()
	case ColActual:
		v = s.CurrentActual()
	case ColTarget:
		v = s.CurrentTarget()
	case ColPrior:
		v = s.PriorActual()
	case ColNextTarget:
		v = s.NextTarget()
	case ColForecast:
		v = s.ForecastValue()
	case ColVariance:
		v = s.Variance
	case ColPctTarget:
		v = s.PctOfTarget
	case ColBaseline:
		v = s.BaselineChangePct
	}
	if v == nil {
		return nil
	}
	return *v
}
