package app

import (
	"cmp"
	"context"
	"slices"
	"time"

	"yardstick/internal/access"
	"yardstick/internal/model"
	"yardstick/internal/period"
)

// The Instance dashboard (issue 28, point 8; Administration, instance.admin):
// the instance's counts, the median accountability scores and the
// scorecards whose data is most overdue.
//
// The counts are the whole instance's (indexed COUNT queries naming it):
// numbers, not content. The medians are over the scorecards with scores
// switched on that the viewer may see, without those that have no
// measures (no score); the overdue list names only scorecards the viewer
// may see.

// RecentDays is how far back the dashboard counts data values entered.
const RecentDays = 30

// OverdueListed is how many overdue scorecards the dashboard lists.
const OverdueListed = 10

// InstanceCounts are the dashboard's counts.
type InstanceCounts struct {
	Active, Inactive, Invited        int // members
	Scorecards, Containers, Measures int
	RecentValues                     int // data values entered or changed in the last RecentDays days
	Partners                         int // instances with an open Partner Connect channel
}

// OverdueScorecard is a scorecard with measures whose data is late: the
// oldest period missing since a measure's latest actual (or since it was
// created, without one) up to its last completed period.
type OverdueScorecard struct {
	Scorecard model.Scorecard
	Since     time.Time // the start of that oldest missing period
	Label     string    // its label, e.g. "Mar 2026"
	Measures  int       // its measures that are overdue
}

// InstanceDashboardView is what the Instance dashboard shows.
type InstanceDashboardView struct {
	Counts InstanceCounts
	// The median scores over Scored scorecards; nil when none has a score.
	Scored                         int
	MedianEngagement, MedianImpact *float64
	Overdue                        []OverdueScorecard
}

// InstanceDashboard reads the dashboard (instance.admin): a fixed number
// of queries whatever the instance's size.
func (a *App) InstanceDashboard(ctx context.Context, actor *Actor) (InstanceDashboardView, error) {
	var view InstanceDashboardView
	if err := actor.Require(access.InstanceAdmin); err != nil {
		return view, err
	}
	q := a.store.Q()
	inst := actor.Instance.ID
	now := a.Now()
	c, err := q.CountInstance(ctx, inst, now.AddDate(0, 0, -RecentDays))
	if err != nil {
		return view, err
	}
	view.Counts = InstanceCounts(c)
	v, err := a.Visibility(ctx, actor)
	if err != nil {
		return view, err
	}
	scored, err := q.ScoredScorecards(ctx, inst, v)
	if err != nil {
		return view, err
	}
	scores, err := a.scoresOf(ctx, inst, actor.Instance.TimeZone, scored, v, nil)
	if err != nil {
		return view, err
	}
	var eng, imp []int
	for _, s := range scores {
		if s.Measures > 0 {
			eng, imp = append(eng, s.Engagement.Value), append(imp, s.Impact.Value)
		}
	}
	view.Scored = len(eng)
	view.MedianEngagement, view.MedianImpact = median(eng), median(imp)
	view.Overdue, err = a.overdue(ctx, actor, now)
	return view, err
}

// median of values; nil for none.
func median(vals []int) *float64 {
	if len(vals) == 0 {
		return nil
	}
	slices.Sort(vals)
	n := len(vals)
	m := float64(vals[n/2])
	if n%2 == 0 {
		m = float64(vals[n/2-1]+vals[n/2]) / 2
	}
	return &m
}

// overdue finds the scorecards the viewer may see whose measures' data is
// most overdue, most overdue first: three queries (measures with their
// latest actual, the scorecards' measures, the listed scorecards).
func (a *App) overdue(ctx context.Context, actor *Actor, now time.Time) ([]OverdueScorecard, error) {
	q := a.store.Q()
	inst := actor.Instance.ID
	measures, err := q.MeasuresDue(ctx, inst)
	if err != nil || len(measures) == 0 {
		return nil, err
	}
	freqs, err := q.ListFrequencies(ctx, inst)
	if err != nil {
		return nil, err
	}
	byID := map[int64]period.Frequency{}
	for _, f := range freqs {
		if pf := FrequencyOf(f); pf.Validate() == nil {
			byID[f.ID] = pf
		}
	}
	loc := zoneOf(actor.Instance.TimeZone)
	local := now.In(loc)
	type late struct {
		since time.Time
		label string
	}
	lateOf := map[int64]late{}
	for _, m := range measures {
		pf, ok := byID[m.FrequencyID]
		if !ok {
			continue
		}
		due := pf.Prev(pf.At(local)) // the last completed period
		var since period.Period
		if m.LastActual == "" {
			since = pf.At(m.CreatedAt.In(loc))
		} else if p, err := pf.FromKey(m.LastActual); err == nil {
			since = pf.Next(p)
		} else {
			continue
		}
		if since.Start.After(due.Start) {
			continue // nothing missing up to the last completed period
		}
		lateOf[m.ID] = late{since.Start, pf.Label(since)}
	}
	if len(lateOf) == 0 {
		return nil, nil
	}
	v, err := a.Visibility(ctx, actor)
	if err != nil {
		return nil, err
	}
	pairs, err := q.ScorecardMeasures(ctx, inst, v)
	if err != nil {
		return nil, err
	}
	worst := map[int64]*OverdueScorecard{}
	for _, p := range pairs {
		l, ok := lateOf[p[1]]
		if !ok {
			continue
		}
		o := worst[p[0]]
		if o == nil {
			o = &OverdueScorecard{Scorecard: model.Scorecard{ID: p[0]}, Since: l.since, Label: l.label}
			worst[p[0]] = o
		}
		o.Measures++
		if l.since.Before(o.Since) {
			o.Since, o.Label = l.since, l.label
		}
	}
	list := make([]*OverdueScorecard, 0, len(worst))
	for _, o := range worst {
		list = append(list, o)
	}
	slices.SortFunc(list, func(x, y *OverdueScorecard) int {
		return cmp.Or(x.Since.Compare(y.Since), cmp.Compare(y.Measures, x.Measures), cmp.Compare(x.Scorecard.ID, y.Scorecard.ID))
	})
	list = list[:min(len(list), OverdueListed)]
	ids := make([]int64, len(list))
	for i, o := range list {
		ids[i] = o.Scorecard.ID
	}
	scs, err := q.ScorecardsByIDs(ctx, inst, ids, v)
	if err != nil {
		return nil, err
	}
	byIDs := map[int64]model.Scorecard{}
	for _, s := range scs {
		byIDs[s.ID] = s
	}
	out := make([]OverdueScorecard, 0, len(list))
	for _, o := range list {
		if s, ok := byIDs[o.Scorecard.ID]; ok {
			o.Scorecard = s
			out = append(out, *o)
		}
	}
	return out, nil
}
