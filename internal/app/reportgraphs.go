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
// with Graphs on covers — those the actor sees that match its filters,
// listed through the report's visibility as its rows are — each drawn
// from the same points, window, baseline and bands as the measure's page.
// Their values, frequencies and bands are read once for all of them (a
// statement per owning instance), not a measure page each. Over
// MaxReportGraphs measures it is refused with a message tied to the
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
	insts := c.instances(actor.Instance.ID)
	freqs, err := a.reportFrequencies(ctx, &c, insts)
	if err != nil {
		return nil, err
	}
	bands, err := a.reportBands(ctx, &c, insts)
	if err != nil {
		return nil, err
	}
	values, err := a.valuesOf(ctx, insts, objectIDs(page.Objects))
	if err != nil {
		return nil, err
	}
	out := make([]ReportGraph, 0, len(page.Objects))
	for _, o := range page.Objects {
		g := ReportGraph{Measure: o, Bands: MeasureBands(o, bands[o.InstanceID])}
		g.Points, g.Baseline = graphWindow(Points(freqs, o, values[o.ID]), o.BaselineKey, o.GraphPeriods)
		out = append(out, g)
	}
	return out, nil
}
