package app

import (
	"context"
	"errors"
	"strconv"

	"yardstick/internal/calc"
	"yardstick/internal/model"
	"yardstick/internal/store"
)

// MaxReportGraphs is how many measures a Measure data report may cover
// to show their graphs (issue 23).
const MaxReportGraphs = 20

// ReportGraph is one measure's graph as its page draws it.
type ReportGraph struct {
	Measure  model.Object
	Points   []calc.Point
	Baseline string
	Bands    calc.Bands
}

// ReportGraphs returns the graphs of the measures a Measure data report
// with Graphs on covers — those the actor sees that match its filters —
// each read as the measure's page reads it (which checks access again).
// Over MaxReportGraphs measures it is refused with a message tied to the
// graphs option.
func (a *App) ReportGraphs(ctx context.Context, actor *Actor, qy ReportQuery) ([]ReportGraph, error) {
	qy.After, qy.Limit = "", 1
	c, err := a.checkReport(ctx, actor, qy)
	if err != nil || !qy.Graphs {
		return nil, err
	}
	f := c.sf
	f.Sort, f.Desc, f.After, f.Limit = "", false, "", MaxReportGraphs
	page, err := a.store.Q().ListReportObjects(ctx, actor.Instance.ID, f, c.vis)
	if errors.Is(err, store.ErrBadCursor) {
		return nil, invalid("That page link is no longer valid; start from the first page.", nil)
	}
	if err != nil {
		return nil, err
	}
	if page.Next != "" {
		return nil, fieldError("graphs", actor.Words().Expand("Graphs are shown for at most "+strconv.Itoa(MaxReportGraphs)+
			" {measure:lowmany}, and this report covers more: narrow the filters, or clear “Show graphs”."))
	}
	out := make([]ReportGraph, 0, len(page.Objects))
	for _, o := range page.Objects {
		v, err := a.MeasurePage(ctx, actor, o.ID, 0, 0)
		if e, ok := AsError(err); ok && e.Kind == NotFound {
			continue // gone since it was listed
		}
		if err != nil {
			return nil, err
		}
		out = append(out, ReportGraph{Measure: v.Measure, Points: v.GraphPoints, Baseline: v.GraphBaseline, Bands: v.Bands})
	}
	return out, nil
}
