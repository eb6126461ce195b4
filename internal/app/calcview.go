package app

import (
	"context"
	"errors"
	"slices"

	"yardstick/internal/access"
	"yardstick/internal/calc"
	"yardstick/internal/model"
	"yardstick/internal/period"
	"yardstick/internal/store"
)

// NetworkPeriods is how many periods the network view shows, ending at
// the period data is entered for now.
const NetworkPeriods = 6

// NetworkInput is one input of a calculated measure as its page shows it.
type NetworkInput struct {
	Name    string       // A, B, …
	Measure model.Object // its title and id when Visible
	Owner   string       // the instance it belongs to, "Name (CODE)"
	Partner bool         // another instance's
	// Visible: the viewer may see it. A partner's input no longer shared
	// (or never shared with this member's scope) is named by its owner
	// only.
	Visible bool
	Latest  model.DataValue            // its latest value with an actual; PeriodKey "" when none
	Values  map[string]model.DataValue // at the view's periods and the grid's
}

// PeriodLabel is a period of the network view.
type PeriodLabel struct{ Key, Label string }

// NetworkView is a calculated measure's definition with its inputs: the
// network view ("who has not reported yet") and the grid's hover text.
type NetworkView struct {
	Calc     model.Calculation
	Inputs   []NetworkInput
	Periods  []PeriodLabel   // oldest first
	Unshared map[string]bool // the measure's periods marked "input no longer shared"
}

// Missing lists the inputs without an actual at key.
func (v NetworkView) Missing(key string) []NetworkInput {
	var out []NetworkInput
	for _, in := range v.Inputs {
		if in.Values[key].Actual == nil {
			out = append(out, in)
		}
	}
	return out
}

// Lost reports whether any input is no longer visible.
func (v NetworkView) Lost() bool {
	for _, in := range v.Inputs {
		if !in.Visible {
			return true
		}
	}
	return false
}

// NetworkView returns a calculated measure's network view; NotFound for
// a measure the actor cannot see or one that is not calculated.
func (a *App) NetworkView(ctx context.Context, actor *Actor, id int64) (NetworkView, error) {
	m, _, err := a.viewObject(ctx, actor, id)
	if err != nil {
		return NetworkView{}, err
	}
	if m.Kind != model.KindMeasure {
		return NetworkView{}, errNotFound()
	}
	f, err := a.measureFrequency(ctx, m.InstanceID, m, "")
	if err != nil {
		return NetworkView{}, mapNotFound(err)
	}
	pf := FrequencyOf(f)
	v, err := a.networkView(ctx, actor, m, pf, nil)
	if err == nil && v == nil {
		return NetworkView{}, errNotFound()
	}
	if v == nil {
		return NetworkView{}, err
	}
	return *v, err
}

// networkView builds the view of m's calculation (nil when m is not
// calculated), with the inputs' values at the view's periods and at
// extra (the grid's): a fixed number of statements, whatever the inputs.
func (a *App) networkView(ctx context.Context, actor *Actor, m model.Object, pf period.Frequency, extra []string) (*NetworkView, error) {
	q := a.store.Q()
	def, err := q.Calculation(ctx, m.InstanceID, m.ID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	view := &NetworkView{Calc: def}
	end, err := pf.FromKey(entryKey(pf, a.Now().In(viewerLocation(actor)), actor.Instance.DataPeriod))
	if err != nil {
		return nil, err
	}
	keys := slices.Clone(extra)
	for p, i := pf.Add(end, 1-NetworkPeriods), 0; i < NetworkPeriods; p, i = pf.Next(p), i+1 {
		view.Periods = append(view.Periods, PeriodLabel{Key: pf.Key(p), Label: pf.Label(p)})
		keys = append(keys, pf.Key(p))
	}
	v, err := a.Visibility(ctx, actor)
	if err != nil {
		return nil, err
	}
	var own, shared, partners []int64
	for _, in := range def.Inputs {
		if in.InstanceID == actor.Instance.ID {
			own = append(own, in.MeasureID)
		} else {
			shared = append(shared, in.MeasureID)
			partners = append(partners, in.InstanceID)
		}
	}
	seen := map[int64]model.Object{}
	list, err := q.ObjectsByIDs(ctx, actor.Instance.ID, own, v)
	if err != nil {
		return nil, err
	}
	more, err := q.SharedObjectsByIDs(ctx, partners, shared, v)
	if err != nil {
		return nil, err
	}
	for _, o := range append(list, more...) {
		seen[o.ID] = o
	}
	names := map[int64]string{actor.Instance.ID: actor.Instance.Label()}
	if len(partners) > 0 {
		sites, err := q.Sites(ctx, actor.Instance.ID)
		if err != nil {
			return nil, err
		}
		for _, s := range sites {
			names[s.ID] = s.Label()
		}
	}
	var owners, ids []int64
	for _, o := range seen {
		owners, ids = append(owners, o.InstanceID), append(ids, o.ID)
	}
	vals, err := q.ValuesAcross(ctx, owners, ids, uniqStrings(keys))
	if err != nil {
		return nil, err
	}
	latest, err := q.LatestAcross(ctx, owners, ids)
	if err != nil {
		return nil, err
	}
	if view.Unshared, err = q.CalcMarks(ctx, m.InstanceID, m.ID); err != nil {
		return nil, err
	}
	for i, in := range def.Inputs {
		o, ok := seen[in.MeasureID]
		ni := NetworkInput{Name: string(rune('A' + i)), Measure: o, Visible: ok, Partner: in.InstanceID != actor.Instance.ID,
			Owner: names[in.InstanceID], Values: map[string]model.DataValue{}}
		if ni.Owner == "" {
			ni.Owner = actor.Words().Expand("a {partner:lower} organization no longer sharing it")
		}
		if ok {
			for _, dv := range vals {
				if dv.MeasureID == o.ID {
					ni.Values[dv.PeriodKey] = dv
				}
			}
			for _, dv := range latest {
				if dv.MeasureID == o.ID {
					ni.Latest = dv
				}
			}
		}
		view.Inputs = append(view.Inputs, ni)
	}
	return view, nil
}

// CalcChoice is a measure a calculation may read, as the form offers it.
type CalcChoice struct {
	ID    int64
	Label string // "Title", and for a partner's "Title — Name (CODE)"
}

// CalcForm is the calculation form of a measure.
type CalcForm struct {
	Measure model.Object
	Calc    *model.Calculation // nil: not calculated yet
	Choices []CalcChoice       // own measures first, then partners'
	// Rows is how many input rows the form shows.
	Rows int
}

// calcChoiceLimit bounds the measures of each kind the form offers.
const calcChoiceLimit = 1000

// CalculationForm loads the calculation form of a measure (objects.edit):
// the measures of its frequency the member can see, own and partners'.
func (a *App) CalculationForm(ctx context.Context, actor *Actor, id int64) (CalcForm, error) {
	m, err := a.editableObject(ctx, actor, id)
	if err != nil {
		return CalcForm{}, err
	}
	if err := actor.Require(access.ObjectsEdit); err != nil {
		return CalcForm{}, err
	}
	if m.Kind != model.KindMeasure {
		return CalcForm{}, errNotFound()
	}
	view := CalcForm{Measure: m}
	q := a.store.Q()
	if c, err := q.Calculation(ctx, m.InstanceID, m.ID); err == nil {
		view.Calc = &c
	} else if !errors.Is(err, store.ErrNotFound) {
		return view, err
	}
	f, err := a.measureFrequency(ctx, m.InstanceID, m, actor.Words().Expand("Give this {measure:lower} a reporting frequency before making it calculated."))
	if err != nil {
		return view, err
	}
	pf := FrequencyOf(f)
	v, err := a.Visibility(ctx, actor)
	if err != nil {
		return view, err
	}
	owners, err := actor.sharingOwners(ctx, q)
	if err != nil {
		return view, err
	}
	list, err := q.CalcCandidates(ctx, owners, v, calcChoiceLimit)
	if err != nil {
		return view, err
	}
	names := map[int64]string{}
	if len(owners) > 0 {
		sites, err := q.Sites(ctx, actor.Instance.ID)
		if err != nil {
			return view, err
		}
		for _, s := range sites {
			names[s.ID] = s.Label()
		}
	}
	for _, o := range list {
		if o.ID == m.ID || o.Frequency == nil || !sameCalendar(FrequencyOf(*o.Frequency), pf) {
			continue
		}
		label := o.Title
		if o.InstanceID != actor.Instance.ID {
			label += " — " + names[o.InstanceID]
		}
		view.Choices = append(view.Choices, CalcChoice{ID: o.ID, Label: label})
	}
	n := 0
	if view.Calc != nil {
		n = len(view.Calc.Inputs)
	}
	view.Rows = min(calc.MaxInputs, max(n+3, 4))
	return view, nil
}

// MethodName is a calculation method as the form and the page name it.
func MethodName(m string) string {
	switch calc.Method(m) {
	case calc.Sum:
		return "Sum"
	case calc.Average:
		return "Average"
	case calc.Min:
		return "Minimum"
	case calc.Max:
		return "Maximum"
	case calc.Count:
		return "Count of inputs with a value"
	case calc.Percent:
		return "Percent (A / B × 100)"
	case calc.Ratio:
		return "Ratio (A / B)"
	case calc.Formula:
		return "Custom formula"
	case calc.YTDSum:
		return "Year to date: sum"
	case calc.YTDAverage:
		return "Year to date: average"
	case calc.TotalSum:
		return "Running total: sum"
	case calc.TotalAverage:
		return "Running total: average"
	}
	return m
}
