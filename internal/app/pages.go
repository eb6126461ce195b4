package app

import (
	"context"
	"time"

	"yardstick/internal/access"
	"yardstick/internal/calc"
	"yardstick/internal/model"
	"yardstick/internal/period"
)

// Row is one line of a scorecard's tree: an object at a depth, under a
// parent (0: the scorecard), with a measure's computed columns.
type Row struct {
	Divider  *model.Divider // a divider's row (issue 28): no object, no data
	Object   model.Object
	Depth    int
	ParentID int64
	Summary  calc.Summary // measures only
	HasData  bool
	Repeat   bool // the object appears again higher in this tree (shared); its subtree is shown once
}

// ScorecardView is what the scorecard page shows.
type ScorecardView struct {
	Standing
	Scorecard model.Scorecard
	Rows      []Row
	Parent    *model.Scorecard
	// On a partner's scorecard, for a Manage Users holder: the page offers
	// the viewer's instance's assignment list (SPEC §3.3; AssignmentList,
	// AssignScorecard).
	Assignable bool
	Picker     *MemberPicker  // the assignment list, when Assignable
	Containers []model.Object // containers that can be added at the top, when Can.Edit
	Notes      NotesView
	Actions    HostActions
	Favorite   bool // starred by the viewer
	// Scores are its accountability scores, when the viewer sees them
	// (scores.go); nil otherwise.
	Scores *Scores
}

// maxAddable is how many containers the scorecard page offers to add.
const maxAddable = 200

// ScorecardPage loads a scorecard's tree and computes the columns of
// every measure in it, in a fixed number of queries, with what the page
// offers the viewer. Opening it is logged.
func (a *App) ScorecardPage(ctx context.Context, actor *Actor, id int64) (ScorecardView, error) {
	view, err := a.scorecardView(ctx, actor, id)
	if err != nil {
		return view, err
	}
	a.RecordView(ctx, actor, ActViewScorecard, "scorecard", id, view.Scorecard.Title)
	favs, err := a.favoriteScorecardIDs(ctx, actor)
	if err != nil {
		return view, err
	}
	view.Favorite = isFavorite(favs, view.Scorecard.InstanceID, view.Scorecard.ID)
	if view.Can.Edit {
		page, err := a.ListObjects(ctx, actor, ObjectQuery{Kind: model.KindContainer, Limit: maxAddable})
		if err != nil {
			return view, err
		}
		onIt := map[int64]bool{}
		for _, r := range view.Rows {
			if r.Depth == 0 {
				onIt[r.Object.ID] = true
			}
		}
		for _, o := range page.Objects {
			if !onIt[o.ID] {
				view.Containers = append(view.Containers, o)
			}
		}
	}
	if view.Assignable {
		p, err := a.MemberPicker(ctx, actor, id)
		if err != nil {
			return view, err
		}
		view.Picker = &p
	}
	return view, nil
}

// scorecardRows opens a scorecard the actor may see and reads its tree's
// rows with their computed columns and its dividers in place. A partner's
// scorecard is read with its owner's frequencies and bands.
func (a *App) scorecardRows(ctx context.Context, actor *Actor, id int64) (model.Scorecard, access.Can, []Row, error) {
	s, can, err := a.openScorecard(ctx, actor, id)
	if err != nil {
		return s, can, nil, err
	}
	t, err := a.loadTree(ctx, s.InstanceID, id)
	if err != nil {
		return s, can, nil, err
	}
	dividers, err := a.store.Q().Dividers(ctx, s.InstanceID, id)
	if err != nil {
		return s, can, nil, err
	}
	return s, can, withDividers(t.rows, t.Links, dividers), nil
}

// scorecardView is the scorecard, its tree and computed columns.
func (a *App) scorecardView(ctx context.Context, actor *Actor, id int64) (ScorecardView, error) {
	s, can, rows, err := a.scorecardRows(ctx, actor, id)
	if err != nil {
		return ScorecardView{}, err
	}
	owner := s.InstanceID
	view := ScorecardView{Scorecard: s, Rows: rows}
	if view.Standing, err = a.standing(ctx, actor, owner, can); err != nil {
		return view, err
	}
	view.Assignable = actor.Partner(s.InstanceID) && can.Assign
	if view.Scores, err = a.scoresShown(ctx, actor, s); err != nil {
		return view, err
	}
	if view.Notes, err = a.notesView(ctx, actor, scorecardHost(s, can), 0); err != nil {
		return view, err
	}
	if view.Actions, err = a.hostActions(ctx, actor, scorecardHost(s, can)); err != nil {
		return view, err
	}
	if s.ParentID != nil {
		// A parent the viewer cannot open is not shown.
		p, err := a.ViewScorecard(ctx, actor, *s.ParentID)
		if err == nil {
			view.Parent = &p
		} else if KindOf(err) != NotFound {
			return view, err
		}
	}
	return view, nil
}

// MeasureBands is a measure's bands: its own, else the global default.
func MeasureBands(o model.Object, global map[string]model.BandSetting) calc.Bands {
	if o.BandGreen != nil && o.BandYellow != nil {
		return calc.Bands{Green: *o.BandGreen, Yellow: *o.BandYellow}
	}
	if b, ok := global[o.Polarity]; ok {
		return calc.Bands{Green: b.Green, Yellow: b.Yellow}
	}
	return calc.DefaultBands(calc.Polarity(o.Polarity))
}

// Points turns stored values into labelled points in period order.
// Values whose key is not a period of the measure's frequency are left
// out rather than drawn at a wrong place.
func Points(freqs map[int64]model.Frequency, o model.Object, values []model.DataValue) []calc.Point {
	f, ok := freqs[derefID(o.FrequencyID)]
	if !ok {
		return nil
	}
	pf := FrequencyOf(f)
	out := make([]calc.Point, 0, len(values))
	for _, v := range values {
		p, err := pf.FromKey(v.PeriodKey)
		if err != nil {
			continue
		}
		out = append(out, calc.Point{Key: v.PeriodKey, Label: pf.Label(p), Actual: v.Actual, Target: v.Target, Forecast: v.Forecast, Comment: v.Comment})
	}
	return out
}

// GridRow is one period of the data grid.
type GridRow struct {
	Key, Label string
	Value      model.DataValue // Version 0 when empty
}

// MeasureView is what the measure page shows.
type MeasureView struct {
	Standing
	Measure   model.Object
	Frequency model.Frequency
	Points    []calc.Point
	Summary   calc.Summary
	Bands     calc.Bands
	Grid      []GridRow // oldest first
	// EntryKey is the period the data grid preselects: the current or
	// the previous one, as the instance's General Settings say.
	EntryKey   string
	Scorecards []model.Scorecard // scorecards it sits on that the viewer can see
	Favorite   bool              // one of the viewer's favourites
	// The graph's window: the measure's last GraphPeriods points, and the
	// baseline found among all points (cutting the window must not move
	// it; one outside the window is not drawn).
	GraphPoints   []calc.Point
	GraphBaseline string
	Notes         NotesView
	Actions       HostActions
	// Calc is the calculation of a calculated measure, with its inputs
	// (the network view, the grid's hover text); nil for a typed one.
	Calc *NetworkView
}

// MeasurePage loads a measure with its data and the grid window: every
// period with data, plus `earlier` periods before the first one (at least
// a year back from now) and `later` periods after now.
func (a *App) MeasurePage(ctx context.Context, actor *Actor, id int64, earlier, later int) (MeasureView, error) {
	m, can, err := a.openObject(ctx, actor, id)
	if err != nil {
		return MeasureView{}, err
	}
	if m.Kind != model.KindMeasure {
		return MeasureView{}, errNotFound()
	}
	return a.measureView(ctx, actor, m, can, earlier, later)
}

func (a *App) measureView(ctx context.Context, actor *Actor, m model.Object, can access.Can, earlier, later int) (MeasureView, error) {
	q, owner, id := a.store.Q(), m.InstanceID, m.ID
	view := MeasureView{Measure: m}
	st, err := a.standing(ctx, actor, owner, can)
	if err != nil {
		return view, err
	}
	view.Standing = st
	v, err := a.Visibility(ctx, actor)
	if err != nil {
		return view, err
	}
	if view.Scorecards, err = a.scorecardsOf(ctx, actor, v, m); err != nil {
		return view, err
	}
	values, err := q.DataValues(ctx, owner, id)
	if err != nil {
		return view, err
	}
	global, err := q.Bands(ctx, owner)
	if err != nil {
		return view, err
	}
	if view.Favorite, err = q.IsFavorite(ctx, actor.Instance.ID, actor.Membership.ID, id); err != nil {
		return view, err
	}
	if view.Notes, err = a.notesView(ctx, actor, objectHost(m, can), 0); err != nil {
		return view, err
	}
	if view.Actions, err = a.hostActions(ctx, actor, objectHost(m, can)); err != nil {
		return view, err
	}
	view.Bands = MeasureBands(m, global)
	f, err := a.measureFrequency(ctx, owner, m, "")
	if KindOf(err) == Invalid {
		return view, nil // a measure without frequency shows no data
	} else if err != nil {
		return view, err
	}
	view.Frequency = f
	view.Points = Points(map[int64]model.Frequency{f.ID: f}, m, values)
	view.Summary = calc.Summarize(view.Points, m.BaselineKey, calc.Polarity(m.Polarity), view.Bands)
	pf := FrequencyOf(f)
	view.Grid = grid(pf, values, a.Now(), earlier, later)
	view.EntryKey = entryKey(pf, a.Now().In(viewerLocation(actor)), actor.Instance.DataPeriod)
	view.GraphPoints, view.GraphBaseline = graphWindow(view.Points, m.BaselineKey, m.GraphPeriods)
	gridKeys := make([]string, len(view.Grid))
	for i, r := range view.Grid {
		gridKeys[i] = r.Key
	}
	if view.Calc, err = a.networkView(ctx, actor, m, pf, gridKeys); err != nil {
		return view, err
	}
	return view, nil
}

// graphWindow cuts the points to the last n (all when n ≤ 0) and finds
// the baseline among all of them.
func graphWindow(pts []calc.Point, baseline string, n int) ([]calc.Point, string) {
	if i := calc.BaselineIndex(pts, baseline); i >= 0 {
		baseline = pts[i].Key
	}
	if n > 0 && len(pts) > n {
		pts = pts[len(pts)-n:]
	}
	return pts, baseline
}

// ObjectView is what an object's page shows: a measure or a container.
type ObjectView struct {
	Measure   *MeasureView
	Container *ContainerView
}

// ObjectPage opens an object's page; opening a measure is logged. earlier
// and later widen a measure's data grid (MeasurePage).
func (a *App) ObjectPage(ctx context.Context, actor *Actor, id int64, earlier, later int) (ObjectView, error) {
	o, can, err := a.openObject(ctx, actor, id)
	if err != nil {
		return ObjectView{}, err
	}
	if o.Kind != model.KindMeasure {
		c, err := a.containerView(ctx, actor, o, can)
		return ObjectView{Container: &c}, err
	}
	a.RecordView(ctx, actor, ActViewMeasure, "measure", id, o.Title)
	m, err := a.measureView(ctx, actor, o, can, earlier, later)
	return ObjectView{Measure: &m}, err
}

// grid lists the periods of the data grid, oldest first (as a
// spreadsheet column runs): every period
// with data, the current one, a default window before it, plus the
// earlier and later periods the editor asked for.
func grid(pf period.Frequency, values []model.DataValue, now time.Time, earlier, later int) []GridRow {
	window := min(max(pf.PeriodsPerYear, 4), 24)
	cur := pf.At(now)
	first := pf.Add(cur, -(window - 1 + clamp(earlier, 0, 1000)))
	last := pf.Add(cur, clamp(later, 0, 1000))
	byKey := map[string]model.DataValue{}
	for _, v := range values {
		p, err := pf.FromKey(v.PeriodKey)
		if err != nil {
			continue
		}
		byKey[v.PeriodKey] = v
		if p.Start.Before(first.Start) {
			first = p
		}
		if p.Start.After(last.Start) {
			last = p
		}
	}
	periods := pf.Range(first, last)
	out := make([]GridRow, 0, len(periods))
	for _, p := range periods {
		k := pf.Key(p)
		v, ok := byKey[k]
		if !ok {
			v = model.DataValue{PeriodKey: k}
		}
		out = append(out, GridRow{Key: k, Label: pf.Label(p), Value: v})
	}
	return out
}

// entryKey is the key of the period data entry starts at: the one now
// falls in, or the one before it.
func entryKey(pf period.Frequency, now time.Time, setting string) string {
	p := pf.At(now)
	if setting == PeriodPrevious {
		p = pf.Prev(p)
	}
	return pf.Key(p)
}

func clamp(v, lo, hi int) int { return min(max(v, lo), hi) }

// ObjectFormChoices is what the object form offers to choose from.
type ObjectFormChoices struct {
	Types       []model.ObjectType
	Frequencies []model.Frequency
}

// ObjectForm loads the choices of the object form for a kind.
func (a *App) ObjectForm(ctx context.Context, actor *Actor, kind string) (ObjectFormChoices, error) {
	var out ObjectFormChoices
	var err error
	if out.Types, err = a.Types(ctx, actor, kind); err != nil {
		return out, err
	}
	out.Frequencies, err = a.Frequencies(ctx, actor)
	return out, err
}

// ScorecardFormChoices is what the scorecard form offers to choose from.
type ScorecardFormChoices struct {
	Parents []model.Scorecard // scorecards the actor can open
	Picker  MemberPicker      // the assignment list
}

// ScorecardForm loads the choices of the form of scorecard id (0: new).
func (a *App) ScorecardForm(ctx context.Context, actor *Actor, id int64) (ScorecardFormChoices, error) {
	var out ScorecardFormChoices
	var err error
	if out.Parents, err = a.ListScorecards(ctx, actor); err != nil {
		return out, err
	}
	out.Picker, err = a.MemberPicker(ctx, actor, id)
	return out, err
}

// FavoriteQuery is the Edit User page's search for measures to add to a
// member's favourites.
type FavoriteQuery struct {
	Search    bool // a search was asked for
	TypeID    int64
	Tag, Text string
	Limit     int
	Chosen    []int64 // measures ticked in earlier searches, kept across searches
}

// FavoriteChoices is what that search offers.
type FavoriteChoices struct {
	Types   []model.ObjectType
	Results []model.Object
	More    bool
	Pending []model.Object // chosen earlier, not among Results, that the manager can see
}

// FavoriteChoices runs the favourites search of the Edit User page
// (users.manage): the manager's own view of the measures, so nothing is
// offered that the manager could not open.
func (a *App) FavoriteChoices(ctx context.Context, actor *Actor, f FavoriteQuery) (FavoriteChoices, error) {
	var out FavoriteChoices
	if err := actor.Require(access.UsersManage); err != nil {
		return out, err
	}
	var err error
	if out.Types, err = a.Types(ctx, actor, model.KindMeasure); err != nil {
		return out, err
	}
	shown := map[int64]bool{}
	if f.Search {
		page, err := a.ListObjects(ctx, actor, ObjectQuery{Kind: model.KindMeasure, TypeID: f.TypeID, Tag: f.Tag, Text: f.Text, Limit: f.Limit})
		if err != nil {
			return out, err
		}
		out.Results, out.More = page.Objects, page.Next != ""
		for _, o := range page.Objects {
			shown[o.ID] = true
		}
	}
	var rest []int64
	for _, id := range f.Chosen {
		if !shown[id] && id > 0 {
			rest = append(rest, id)
		}
	}
	if len(rest) == 0 {
		return out, nil
	}
	v, err := a.Visibility(ctx, actor)
	if err != nil {
		return out, err
	}
	list, err := a.store.Q().ObjectsByIDs(ctx, actor.Instance.ID, rest, v)
	for _, o := range list {
		if o.Kind == model.KindMeasure {
			out.Pending = append(out.Pending, o)
		}
	}
	return out, err
}
