package app

import (
	"context"
	"math"
	"time"

	"yardstick/internal/calc"
	"yardstick/internal/model"
	"yardstick/internal/store"
)

// Accountability scores (issue 28, point 7), each 1–100, for a scorecard
// whose settings switch them on:
//
//   - Engagement: the weighted share of the scorecard's measures with a
//     non-empty note (47 %), whose latest note edit is later than their
//     latest data value (27 %; a measure with notes and no data counts),
//     with a forecast for the period after the current one (13 %) and
//     with an actual for the period before it, the last completed one
//     (13 %), each period by the measure's own frequency in the owning
//     instance's time zone.
//   - Impact: the share trending in the good direction or flat over their
//     last two actuals (60 %; calc.Summarize's trend, as the Trend column
//     shows it) and at or better than their baseline (40 %; the chosen
//     baseline period, else the first actual, as the Baseline % Change
//     column takes it). A measure without polarity counts only when flat
//     or level with its baseline; one with too few actuals does not.
//
// A score is round(Σ weight × share), kept within 1–100 when the scorecard
// has measures; a scorecard without measures has no score (not 0).
//
// The measures are those in the scorecard's tree (the reach table: one
// linked twice counts once) that the viewer may see, read with the
// visibility filter of every other read (store.ScoreInputs). Every object
// under a scorecard the viewer can open is visible to it (SPEC §3.3), so
// a scorecard's counts are the same for everyone allowed to see them, and
// they are kept per scorecard (scorecard_scores, 0044): computed on the
// first read after a write that changes them (data, notes, a measure's
// settings, the tree) or after the period they were computed in ends, in a
// fixed number of queries for any number of scorecards. A partner viewing
// a shared scorecard sees its scores only when the owner shares them.

// Score factor weights, in percent.
const (
	WeightNotes    = 47
	WeightFresh    = 27
	WeightForecast = 13
	WeightActual   = 13
	WeightTrend    = 60
	WeightBaseline = 40
)

// ScoreFactor is one line of a score's breakdown.
type ScoreFactor struct {
	Label  string // with {term} placeholders for the instance's words
	Weight int    // percent of the score
	Count  int    // measures meeting it
	Of     int    // measures counted
}

// Share is the fraction of the measures meeting the factor.
func (f ScoreFactor) Share() float64 {
	if f.Of == 0 {
		return 0
	}
	return float64(f.Count) / float64(f.Of)
}

// Points is what the factor adds to its score.
func (f ScoreFactor) Points() float64 { return float64(f.Weight) * f.Share() }

// Score is Engagement or Impact.
type Score struct {
	Value   int // 1–100; 0: no score (no measures)
	Factors []ScoreFactor
}

// None reports a scorecard without measures: no score.
func (s Score) None() bool { return s.Value == 0 }

// Scores are a scorecard's two scores over Measures measures.
type Scores struct {
	Measures   int
	Engagement Score
	Impact     Score
}

// ScoresOf turns counts into the two scores with their breakdowns.
func ScoresOf(c store.ScoreCounts) Scores {
	n := c.Measures
	s := Scores{Measures: n}
	s.Engagement.Factors = []ScoreFactor{
		{Label: "{measure:many} with {note:lowmany} filled", Weight: WeightNotes, Count: c.NotesFilled, Of: n},
		{Label: "{note:many} edited since the latest data", Weight: WeightFresh, Count: c.NotesFresh, Of: n},
		{Label: "{forecast} for the coming period", Weight: WeightForecast, Count: c.Forecasts, Of: n},
		{Label: "{actual} for the last completed period", Weight: WeightActual, Count: c.Actuals, Of: n},
	}
	s.Impact.Factors = []ScoreFactor{
		{Label: "Trending well or flat", Weight: WeightTrend, Count: c.Trending, Of: n},
		{Label: "At or better than {baseline:lower}", Weight: WeightBaseline, Count: c.Baseline, Of: n},
	}
	s.Engagement.Value, s.Impact.Value = scoreValue(s.Engagement.Factors), scoreValue(s.Impact.Factors)
	return s
}

// scoreValue is round(Σ points), within 1–100; 0 without measures.
func scoreValue(fs []ScoreFactor) int {
	if len(fs) == 0 || fs[0].Of == 0 {
		return 0
	}
	var sum float64
	for _, f := range fs {
		sum += f.Points()
	}
	return min(max(int(math.Round(sum)), 1), 100)
}

// showsScores reports whether the actor sees a scorecard's scores: when
// they are on and, for a partner's scorecard, shared.
func showsScores(actor *Actor, s model.Scorecard) bool {
	return s.ScoresOn && (!actor.Partner(s.InstanceID) || s.ScoresShared)
}

// scoresOf returns the scores of scorecards of owner, computing those not
// kept or no longer current: a fixed number of queries whatever their
// number. zone is the owner's time zone; known are counts already read
// current (with the Scorecards list), not read again.
func (a *App) scoresOf(ctx context.Context, owner int64, zone string, ids []int64, v store.Visibility, known map[int64]store.ScoreCounts) (map[int64]Scores, error) {
	out := make(map[int64]Scores, len(ids))
	var rest []int64
	for _, id := range ids {
		if c, ok := known[id]; ok {
			out[id] = ScoresOf(c)
		} else {
			rest = append(rest, id)
		}
	}
	counts, err := a.scoreCounts(ctx, owner, zone, rest, v)
	if err != nil {
		return nil, err
	}
	for id, c := range counts {
		out[id] = ScoresOf(c)
	}
	return out, nil
}

func (a *App) scoreCounts(ctx context.Context, owner int64, zone string, ids []int64, v store.Visibility) (map[int64]store.ScoreCounts, error) {
	out := map[int64]store.ScoreCounts{}
	if len(ids) == 0 {
		return out, nil
	}
	q := a.store.Q()
	kept, err := q.ScoreRows(ctx, owner, ids)
	if err != nil {
		return nil, err
	}
	now := a.Now()
	var stale, missing []int64
	for _, id := range ids {
		r, ok := kept[id]
		if ok && r.Current(now) {
			out[id] = r.ScoreCounts
			continue
		}
		stale = append(stale, id)
		if !ok {
			missing = append(missing, id)
		}
	}
	if len(stale) == 0 {
		return out, nil
	}
	// A row first, so that a write landing from here on moves its gen on
	// and what is computed below from older data is not kept.
	if err := q.OpenScoreRows(ctx, owner, missing); err != nil {
		return nil, err
	}
	in, err := q.ScoreInputs(ctx, owner, stale, v)
	if err != nil {
		return nil, err
	}
	freqs, err := q.ListFrequencies(ctx, owner)
	if err != nil {
		return nil, err
	}
	computed, until := computeScores(in, freqs, now.In(zoneOf(zone)))
	rows := make([]store.ScoreRow, 0, len(stale))
	for _, id := range stale {
		c := computed[id]
		out[id] = c
		rows = append(rows, store.ScoreRow{ScorecardID: id, Gen: kept[id].Gen, ValidUntil: until, ScoreCounts: c})
	}
	if err := q.SaveScoreRows(ctx, owner, rows); err != nil {
		// Only the keeping failed (a scorecard deleted meanwhile): the
		// scores shown are right, and the next read computes them again.
		a.log.WarnContext(ctx, "keeping accountability scores", "instance", owner, "err", err)
	}
	return out, nil
}

// zoneOfOwner is the time zone of the instance owning content the actor
// sees: its own, or a partner's.
func (a *App) zoneOfOwner(ctx context.Context, actor *Actor, owner int64) (string, error) {
	if !actor.Partner(owner) {
		return actor.Instance.TimeZone, nil
	}
	in, err := a.store.Q().InstanceByID(ctx, owner)
	return in.TimeZone, err
}

// zoneOf is an instance's time zone, UTC when unknown.
func zoneOf(name string) *time.Location {
	if loc, err := time.LoadLocation(name); err == nil && name != "" {
		return loc
	}
	return time.UTC
}

// scoreFacts is which factors one measure meets.
type scoreFacts struct{ filled, fresh, forecast, actual, trending, baseline bool }

// computeScores counts each scorecard's measures meeting each factor at
// now, and says until when the counts hold: the end of the earliest
// current period among the frequencies used (at most a day ahead, so that
// counts are never older than a day).
func computeScores(in store.ScoreInput, freqs []model.Frequency, now time.Time) (map[int64]store.ScoreCounts, time.Time) {
	byID := make(map[int64]model.Frequency, len(freqs))
	for _, f := range freqs {
		byID[f.ID] = f
	}
	until := now.Add(24 * time.Hour)
	type due struct{ completed, coming string }
	dues := map[int64]due{}
	for id, f := range byID {
		pf := FrequencyOf(f)
		if pf.Validate() != nil {
			continue
		}
		cur := pf.At(now)
		dues[id] = due{completed: pf.Key(pf.Prev(cur)), coming: pf.Key(pf.Next(cur))}
		end := time.Date(cur.End.Year(), cur.End.Month(), cur.End.Day(), 0, 0, 0, 0, now.Location())
		if end.Before(until) {
			until = end
		}
	}
	facts := make(map[int64]scoreFacts, len(in.Measures))
	for id, m := range in.Measures {
		var f scoreFacts
		vals := in.Values[id]
		notesAt, filled := in.NotesAt[id]
		f.filled = filled
		var dataAt time.Time
		for _, v := range vals {
			if v.UpdatedAt.After(dataAt) {
				dataAt = v.UpdatedAt
			}
		}
		f.fresh = filled && (len(vals) == 0 || notesAt.After(dataAt))
		if m.FrequencyID != nil {
			if d, ok := dues[*m.FrequencyID]; ok {
				for _, v := range vals {
					f.actual = f.actual || (v.PeriodKey == d.completed && v.Actual != nil)
					f.forecast = f.forecast || (v.PeriodKey == d.coming && v.Forecast != nil)
				}
			}
		}
		p := calc.Polarity(m.Polarity)
		sum := calc.Summarize(Points(byID, model.Object{FrequencyID: m.FrequencyID}, vals), m.BaselineKey, p, calc.Bands{})
		if sum.Current != nil && sum.Prior != nil {
			t := sum.Trend
			f.trending = t.Direction == 0 || (t.Good != nil && *t.Good)
		}
		if sum.Current != nil && sum.Baseline != nil && sum.Baseline.Actual != nil {
			f.baseline = atOrBetter(p, *sum.Current.Actual, *sum.Baseline.Actual, sum.Current.Target)
		}
		facts[id] = f
	}
	out := make(map[int64]store.ScoreCounts, len(in.On))
	for sc, ms := range in.On {
		c := store.ScoreCounts{Measures: len(ms)}
		for _, id := range ms {
			f := facts[id]
			c.NotesFilled += b2i(f.filled)
			c.NotesFresh += b2i(f.fresh)
			c.Forecasts += b2i(f.forecast)
			c.Actuals += b2i(f.actual)
			c.Trending += b2i(f.trending)
			c.Baseline += b2i(f.baseline)
		}
		out[sc] = c
	}
	return out, until
}

// atOrBetter reports whether a current actual is at or better than the
// baseline's for the polarity: for a target range, as close to the
// current target or closer; without polarity (or a range without a
// target), level with it.
func atOrBetter(p calc.Polarity, cur, base float64, target *float64) bool {
	switch p {
	case calc.HigherIsBetter:
		return cur >= base
	case calc.LowerIsBetter:
		return cur <= base
	case calc.TargetRange:
		if target != nil && !math.IsNaN(*target) && !math.IsInf(*target, 0) {
			return math.Abs(cur-*target) <= math.Abs(base-*target)
		}
	}
	return cur == base
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// onOff words a switch for the activity log.
func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// ScoresView is a scorecard's scores page: their breakdown, linked from
// the Scorecards list.
type ScoresView struct {
	Standing
	Scorecard model.Scorecard
	Scores    *Scores // nil when the viewer does not see them (off, or a partner's not shared)
}

// ScorecardScores returns a scorecard's scores for its breakdown page:
// any scorecard the actor can open; its scores only when the actor sees
// them.
func (a *App) ScorecardScores(ctx context.Context, actor *Actor, id int64) (ScoresView, error) {
	s, can, err := a.openScorecard(ctx, actor, id)
	if err != nil {
		return ScoresView{}, err
	}
	view := ScoresView{Scorecard: s}
	if view.Standing, err = a.standing(ctx, actor, s.InstanceID, can); err != nil {
		return view, err
	}
	view.Scores, err = a.scoresShown(ctx, actor, s)
	return view, err
}

// scoresShown is an open scorecard's scores when the actor sees them,
// else nil.
func (a *App) scoresShown(ctx context.Context, actor *Actor, s model.Scorecard) (*Scores, error) {
	if !showsScores(actor, s) {
		return nil, nil
	}
	v, err := a.Visibility(ctx, actor)
	if err != nil {
		return nil, err
	}
	zone, err := a.zoneOfOwner(ctx, actor, s.InstanceID)
	if err != nil {
		return nil, err
	}
	scores, err := a.scoresOf(ctx, s.InstanceID, zone, []int64{s.ID}, v, nil)
	if err != nil {
		return nil, err
	}
	sc := scores[s.ID]
	return &sc, nil
}
