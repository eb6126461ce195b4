package app

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/riverqueue/river"

	"yardstick/internal/access"
	"yardstick/internal/calc"
	"yardstick/internal/model"
	"yardstick/internal/period"
	"yardstick/internal/store"
	"yardstick/internal/terms"
)

// Calculated measures (issue 22, point 3). The arithmetic is
// internal/calc's; this file stores a definition after checking it (the
// inputs visible to the member, one frequency, no cycle), and keeps the
// calculated values — the measure's own data_values rows, so graphs,
// scorecards, exports, embeds and digests read them like typed ones —
// in step with the inputs:
//
//   - An own input's save recomputes, in the save's transaction, the
//     calculations it feeds, in calc.Inputs.Order order, for the periods
//     saved only (recalc, hooked into SaveData — and so PasteColumn — and
//     upsertValues, the engine of the API's bulk write and Import Data).
//   - A partner's save feeds this instance's calculations through the job
//     engine: the save's transaction enqueues a calc_recompute job per
//     instance whose calculation reads a changed measure, which recomputes
//     there as soon as the engine takes it.
//   - A revoke marks every stored period of the calculations the revoked
//     channel fed "input no longer shared" (calc_marks); a recompute that
//     finds a partner input no longer shared marks instead of computing,
//     so those values stay, marked, and stop updating.
//
// Locks: the recompute is a system write caused by an allowed save, not
// data entry, so a data lock does not stop it. A calculated measure that
// sits only on data-locked scorecards still follows its inputs; to
// freeze it, lock the scorecards its inputs sit on (their saves are then
// refused, and nothing recomputes).

// CalculationInput is the calculation form of a measure.
type CalculationInput struct {
	Method      string
	Formula     string
	Partial     bool
	CalcTargets bool
	Inputs      []int64 // measures, in order A, B, …
}

// calcMaxDepth bounds how many partner hops a recompute travels (a
// cycle across instances is refused at save; this is the guard for two
// saves racing each other).
const calcMaxDepth = 8

// sameCalendar reports whether two frequencies have the same periods.
func sameCalendar(a, b period.Frequency) bool {
	return a.PeriodsPerYear == b.PeriodsPerYear && a.StartMonth == b.StartMonth && a.StartDay == b.StartDay
}

// calcGraph loads the calculations of inst and, following their partner
// inputs, of every instance they reach: the graph a cycle is looked for
// in. ids maps each calculated measure to its instance.
func (a *App) calcGraph(ctx context.Context, q *store.Q, inst int64) (calc.Inputs, map[int64]int64, error) {
	g, where := calc.Inputs{}, map[int64]int64{}
	seen := map[int64]bool{}
	queue := []int64{inst}
	for len(queue) > 0 && len(seen) < 100 {
		at := queue[0]
		queue = queue[1:]
		if seen[at] {
			continue
		}
		seen[at] = true
		defs, err := q.Calculations(ctx, at)
		if err != nil {
			return nil, nil, err
		}
		for id, c := range defs {
			where[id] = at
			for _, in := range c.Inputs {
				g[id] = append(g[id], in.MeasureID)
				if !seen[in.InstanceID] {
					queue = append(queue, in.InstanceID)
				}
			}
		}
	}
	return g, where, nil
}

// SetCalculation makes a measure calculated from inputs the member can
// see (objects.edit), or changes how: its own instance's measures or
// partners' shared ones, all of the measure's frequency, closing no
// cycle. Its values are recomputed at once, with those it feeds.
func (a *App) SetCalculation(ctx context.Context, actor *Actor, measureID int64, in CalculationInput) error {
	m, err := a.editableObject(ctx, actor, measureID)
	if err != nil {
		return err
	}
	if err := actor.Require(access.ObjectsEdit); err != nil {
		return err
	}
	if m.Kind != model.KindMeasure {
		return errNotFound()
	}
	w := actor.Words()
	freq, err := a.measureFrequency(ctx, m.InstanceID, m, w.Expand("Give this {measure:lower} a reporting frequency before making it calculated."))
	if err != nil {
		return err
	}
	pf := FrequencyOf(freq)
	def := calc.Calculation{Method: calc.Method(in.Method), Formula: strings.TrimSpace(in.Formula), Partial: in.Partial}
	if def.Method != calc.Formula {
		def.Formula = ""
	}
	if _, err := def.Check(len(in.Inputs)); err != nil {
		var de *calc.DefinitionError
		if errors.As(err, &de) {
			return fieldError(de.Field, de.Msg)
		}
		return err
	}
	inputs := make([]model.CalcInput, len(in.Inputs))
	titles := map[int64]string{m.ID: m.Title}
	for i, id := range in.Inputs {
		name := string(rune('A' + i))
		if j := slices.Index(in.Inputs, id); j < i {
			return fieldError("inputs", "Input "+name+" is input "+string(rune('A'+j))+" again: choose each "+w.LowOne(terms.Measure)+" once.")
		}
		o, _, err := a.viewObject(ctx, actor, id)
		if KindOf(err) == NotFound || (err == nil && o.Kind != model.KindMeasure) {
			return fieldError("inputs", "Input "+name+": there is no "+w.LowOne(terms.Measure)+" "+strconv.FormatInt(id, 10)+" that you can see.")
		} else if err != nil {
			return err
		}
		f, err := a.measureFrequency(ctx, o.InstanceID, o, "")
		if KindOf(err) == Invalid || (err == nil && !sameCalendar(FrequencyOf(f), pf)) {
			return fieldError("inputs", "Input "+name+" (“"+o.Title+"”) does not report "+freq.Title+
				": every input must have the "+w.LowOne(terms.Measure)+"'s reporting frequency.")
		} else if err != nil {
			return err
		}
		inputs[i] = model.CalcInput{InstanceID: o.InstanceID, MeasureID: o.ID}
		titles[o.ID] = o.Title
	}
	return a.store.InTx(ctx, func(q *store.Q) error {
		g, where, err := a.calcGraph(ctx, q, m.InstanceID)
		if err != nil {
			return err
		}
		if path := g.Cycle(m.ID, in.Inputs); path != nil {
			names := make([]string, len(path))
			for i, id := range path {
				t, ok := titles[id]
				if !ok {
					o, err := q.ObjectByID(ctx, where[id], id, store.SeeAll)
					if err != nil && !errors.Is(err, store.ErrNotFound) {
						return err
					}
					t = o.Title
				}
				names[i] = "“" + t + "”"
			}
			return fieldError("inputs", "That would calculate “"+m.Title+"” from itself: "+strings.Join(names, " → ")+".")
		}
		before, err := q.Calculation(ctx, m.InstanceID, m.ID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		c := model.Calculation{InstanceID: m.InstanceID, MeasureID: m.ID, Method: string(def.Method), Formula: def.Formula,
			Partial: def.Partial, CalcTargets: in.CalcTargets, Inputs: inputs}
		if err := q.SetCalculation(ctx, c); err != nil {
			return err
		}
		if err := q.SetFeeds(ctx, c, partnersOf(before)); err != nil {
			return err
		}
		if err := a.recalcAll(ctx, q, m.InstanceID, m.ID); err != nil {
			return err
		}
		return record(ctx, q, entry(actor, ActUpdate, m.Kind, m.ID, m.Title,
			changed("calculation", describeCalc(before, titles), describeCalc(c, titles))...))
	})
}

// partnersOf lists the other instances a calculation's inputs belong to.
func partnersOf(c model.Calculation) []int64 {
	var out []int64
	for _, in := range c.Inputs {
		if in.InstanceID != c.InstanceID && !slices.Contains(out, in.InstanceID) {
			out = append(out, in.InstanceID)
		}
	}
	return out
}

// describeCalc is a calculation as the activity log shows it.
func describeCalc(c model.Calculation, titles map[int64]string) string {
	if c.Method == "" {
		return ""
	}
	s := c.Method
	if c.Method == string(calc.Formula) {
		s += " " + c.Formula
	}
	var names []string
	for i, in := range c.Inputs {
		t := titles[in.MeasureID]
		if t == "" {
			t = strconv.FormatInt(in.MeasureID, 10)
		}
		names = append(names, string(rune('A'+i))+" = "+t)
	}
	if len(names) > 0 {
		s += " of " + strings.Join(names, ", ")
	}
	if c.Partial {
		s += " (using the inputs that have a value)"
	}
	if c.CalcTargets {
		s += ", targets calculated"
	}
	return s
}

// ClearCalculation makes a calculated measure a plain one (objects.edit):
// its values stay and can be typed over.
func (a *App) ClearCalculation(ctx context.Context, actor *Actor, measureID int64) error {
	m, err := a.editableObject(ctx, actor, measureID)
	if err != nil {
		return err
	}
	if err := actor.Require(access.ObjectsEdit); err != nil {
		return err
	}
	return a.store.InTx(ctx, func(q *store.Q) error {
		before, err := q.Calculation(ctx, m.InstanceID, m.ID)
		if errors.Is(err, store.ErrNotFound) {
			return errConflict("“%s” is not calculated (any more).", m.Title)
		} else if err != nil {
			return err
		}
		if err := q.DeleteCalculation(ctx, m.InstanceID, m.ID); err != nil {
			return err
		}
		if err := q.SetFeeds(ctx, model.Calculation{InstanceID: m.InstanceID, MeasureID: m.ID}, partnersOf(before)); err != nil {
			return err
		}
		return record(ctx, q, entry(actor, ActUpdate, m.Kind, m.ID, m.Title,
			changed("calculation", describeCalc(before, map[int64]string{}), "")...))
	})
}

// recalcAll recomputes every period of one calculated measure, and what
// it feeds.
func (a *App) recalcAll(ctx context.Context, q *store.Q, inst, measureID int64) error {
	return a.recalc(ctx, q, inst, map[int64][]string{}, false, 0, measureID)
}

// CalcChange is a measure's periods whose values changed.
type CalcChange struct {
	MeasureID int64    `json:"measure_id"`
	Keys      []string `json:"keys"`
}

// CalcRecomputeArgs is the job recomputing an instance's calculations fed
// by a partner's measures after the partner's save.
type CalcRecomputeArgs struct {
	InstanceID int64        `json:"instance_id"` // whose calculations
	Owner      int64        `json:"owner"`       // whose measures changed
	Changes    []CalcChange `json:"changes"`
	Depth      int          `json:"depth"` // partner hops so far
}

// Kind names the job for River.
func (CalcRecomputeArgs) Kind() string { return "calc_recompute" }

// RecomputeFromPartner is the calc_recompute job: the instance's
// calculations fed by the partner's changed measures, in one transaction.
func (a *App) RecomputeFromPartner(ctx context.Context, j CalcRecomputeArgs) error {
	changed := map[int64][]string{}
	for _, c := range j.Changes {
		changed[c.MeasureID] = append(changed[c.MeasureID], c.Keys...)
	}
	return a.store.InTx(ctx, func(q *store.Q) error {
		return a.recalc(ctx, q, j.InstanceID, changed, true, j.Depth)
	})
}

// calcOf is one calculated measure being recomputed.
type calcOf struct {
	def   *model.Calculation
	c     calc.Calculation
	accum bool
	lost  bool // a partner input is no longer shared
}

// recalc is the one hook of the data write paths: in the save's
// transaction q, it recomputes the calculations of inst fed — directly or
// through each other — by the measures in changed (measure → period keys
// saved; another instance's measures when foreign, a partner's save), for
// those periods only (an accumulation, from its input's start), in
// calc.Inputs.Order order, reading every value it needs in one statement
// per owning instance and writing in batches; then it enqueues the
// recompute of partners' calculations fed by what changed here. all, when
// set, are calculated measures to recompute in full (a new definition).
func (a *App) recalc(ctx context.Context, q *store.Q, inst int64, changed map[int64][]string, foreign bool, depth int, all ...int64) error {
	defs, err := q.Calculations(ctx, inst)
	if err != nil {
		return err
	}
	written := map[int64]map[string]bool{} // own measures whose values changed here
	if !foreign {
		for id, keys := range changed {
			for _, k := range keys {
				if written[id] == nil {
					written[id] = map[string]bool{}
				}
				written[id][k] = true
			}
		}
	}
	if len(defs) > 0 {
		if err := a.recompute(ctx, q, inst, defs, changed, written, all); err != nil {
			return err
		}
	}
	ids := make([]int64, 0, len(written))
	for id := range written {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	// Every data write passes here with what it wrote, and what it
	// recomputed: the scores of the scorecards above move on.
	if err := q.StaleScores(ctx, inst, ids); err != nil {
		return err
	}
	if len(written) == 0 || depth >= calcMaxDepth {
		return nil
	}
	partners, err := q.PartnerCalculators(ctx, inst, ids)
	if err != nil || len(partners) == 0 {
		return err
	}
	var changes []CalcChange
	for _, id := range ids {
		keys := make([]string, 0, len(written[id]))
		for k := range written[id] {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		changes = append(changes, CalcChange{MeasureID: id, Keys: keys})
	}
	jobs := make([]river.InsertManyParams, len(partners))
	for i, p := range partners {
		jobs[i] = river.InsertManyParams{Args: CalcRecomputeArgs{InstanceID: p, Owner: inst, Changes: changes, Depth: depth + 1}}
	}
	return q.InsertJobs(ctx, jobs)
}

// recompute is recalc's work within inst; it adds the periods it changed
// to written.
func (a *App) recompute(ctx context.Context, q *store.Q, inst int64, defs map[int64]*model.Calculation,
	changed map[int64][]string, written map[int64]map[string]bool, all []int64) error {
	g := calc.Inputs{}
	for id, d := range defs {
		for _, in := range d.Inputs {
			g[id] = append(g[id], in.MeasureID)
		}
	}
	starts := make([]int64, 0, len(changed))
	for id := range changed {
		starts = append(starts, id)
	}
	order := g.Order(append(starts, all...))
	for _, id := range all { // the new definition first, then what it feeds
		if _, ok := defs[id]; ok && !slices.Contains(order, id) {
			order = append([]int64{id}, order...)
		}
	}
	if len(order) == 0 {
		return nil
	}
	// The calculations, and whether any needs whole series: an
	// accumulation, or a new definition.
	calcs := map[int64]*calcOf{}
	series := len(all) > 0
	partnerIns := map[int64][]int64{} // owner → partner inputs
	for _, id := range order {
		d := defs[id]
		c := calc.Calculation{Method: calc.Method(d.Method), Formula: d.Formula, Partial: d.Partial}
		co := &calcOf{def: d, c: c}
		switch c.Method {
		case calc.YTDSum, calc.YTDAverage, calc.TotalSum, calc.TotalAverage:
			co.accum, series = true, true
		}
		calcs[id] = co
		for _, in := range d.Inputs {
			if in.InstanceID != inst {
				partnerIns[in.InstanceID] = append(partnerIns[in.InstanceID], in.MeasureID)
			}
		}
	}
	// Partner inputs still shared with this instance.
	shared := map[int64]bool{}
	for owner, ids := range partnerIns {
		got, err := q.SharedMeasuresWith(ctx, inst, owner, ids)
		if err != nil {
			return err
		}
		for _, id := range got {
			shared[id] = true
		}
	}
	var lost []int64
	for _, id := range order {
		for _, in := range calcs[id].def.Inputs {
			if in.InstanceID != inst && !shared[in.MeasureID] {
				calcs[id].lost = true
			}
		}
		if calcs[id].lost {
			lost = append(lost, id)
		}
	}
	// Read every value needed: per owning instance, the inputs and the
	// calculations themselves (to write only what differs).
	need := map[int64][]int64{inst: slices.Clone(order)}
	keySet := map[string]bool{}
	for _, keys := range changed {
		for _, k := range keys {
			keySet[k] = true
		}
	}
	for _, id := range order {
		for _, in := range calcs[id].def.Inputs {
			if in.InstanceID == inst || shared[in.MeasureID] {
				need[in.InstanceID] = append(need[in.InstanceID], in.MeasureID)
			}
		}
	}
	keys := make([]string, 0, len(keySet))
	for k := range keySet {
		keys = append(keys, k)
	}
	vals := map[int64]map[string]model.DataValue{}
	owners := make([]int64, 0, len(need))
	for o := range need {
		owners = append(owners, o)
	}
	slices.Sort(owners)
	for _, owner := range owners {
		var got []model.DataValue
		var err error
		if series {
			got, err = q.DataSeries(ctx, owner, need[owner])
		} else {
			got, err = q.DataValuesOf(ctx, owner, need[owner], keys)
		}
		if err != nil {
			return err
		}
		for _, v := range got {
			if vals[v.MeasureID] == nil {
				vals[v.MeasureID] = map[string]model.DataValue{}
			}
			vals[v.MeasureID][v.PeriodKey] = v
		}
	}
	// Compute in order, each from fresh inputs.
	touched := map[int64]map[string]bool{} // measure → keys to recompute
	for id, ks := range changed {
		touched[id] = map[string]bool{}
		for _, k := range ks {
			touched[id][k] = true
		}
	}
	var writes []store.CalcWrite
	var freshKeys []string
	var unmark []int64
	for _, id := range order {
		co := calcs[id]
		if co.lost || co.def.Frequency == nil {
			continue
		}
		pf := FrequencyOf(*co.def.Frequency)
		want := map[string]bool{}
		full := co.accum || slices.Contains(all, id)
		for _, in := range co.def.Inputs {
			for k := range touched[in.MeasureID] {
				want[k] = true
			}
			if full {
				for k := range vals[in.MeasureID] {
					want[k] = true
				}
			}
		}
		if full {
			for k := range vals[id] {
				want[k] = true
			}
		}
		if len(want) == 0 {
			continue
		}
		ks := make([]string, 0, len(want))
		for k := range want {
			if _, err := pf.FromKey(k); err == nil {
				ks = append(ks, k)
			}
		}
		slices.Sort(ks)
		if co.accum {
			// An accumulation runs from its input's first value: add the
			// periods from there, and after the first changed one, every
			// period it has or its input has.
			ks = accumKeys(ks, vals[co.def.Inputs[0].MeasureID], vals[id], pf)
		}
		years := make([]int, len(ks))
		for i, k := range ks {
			p, _ := pf.FromKey(k)
			years[i] = p.Year
		}
		actIn := make([][]*float64, len(co.def.Inputs))
		tgtIn := make([][]*float64, len(co.def.Inputs))
		for i, in := range co.def.Inputs {
			actIn[i] = make([]*float64, len(ks))
			tgtIn[i] = make([]*float64, len(ks))
			for j, k := range ks {
				v := vals[in.MeasureID][k]
				actIn[i][j], tgtIn[i][j] = v.Actual, v.Target
			}
		}
		acts := co.c.Compute(years, actIn)
		var tgts []*float64
		if co.def.CalcTargets {
			tgts = co.c.Compute(years, tgtIn)
		}
		for j, k := range ks {
			cur, exists := vals[id][k]
			next := cur
			next.MeasureID, next.PeriodKey = id, k
			next.Actual = acts[j]
			if co.def.CalcTargets {
				next.Target = tgts[j]
			}
			if exists && eqPtr(cur.Actual, next.Actual) && eqPtr(cur.Target, next.Target) {
				continue
			}
			if !exists && next.Actual == nil && next.Target == nil {
				continue
			}
			writes = append(writes, store.CalcWrite{MeasureID: id, PeriodKey: k, Actual: next.Actual, Target: next.Target, WithTarget: co.def.CalcTargets})
			if vals[id] == nil {
				vals[id] = map[string]model.DataValue{}
			}
			vals[id][k] = next
			if touched[id] == nil {
				touched[id] = map[string]bool{}
			}
			touched[id][k] = true
			if written[id] == nil {
				written[id] = map[string]bool{}
			}
			written[id][k] = true
			freshKeys = append(freshKeys, k)
		}
		if len(partnerIns) > 0 && hasPartnerInput(co.def, inst) {
			unmark = append(unmark, id)
		}
	}
	if err := q.WriteCalculated(ctx, inst, writes); err != nil {
		return err
	}
	if len(unmark) > 0 {
		if err := q.ClearMarks(ctx, inst, unmark, uniqStrings(freshKeys)); err != nil {
			return err
		}
	}
	return q.MarkCalculations(ctx, inst, lost)
}

func hasPartnerInput(d *model.Calculation, inst int64) bool {
	for _, in := range d.Inputs {
		if in.InstanceID != inst {
			return true
		}
	}
	return false
}

// accumKeys are the periods an accumulation recomputes: from the first
// of its input's values (or the changed periods, if earlier) through the
// last period the input or the measure has, every period between
// (the run goes on past a period without a value).
func accumKeys(changed []string, input, own map[string]model.DataValue, pf period.Frequency) []string {
	var lo, hi string
	see := func(k string) {
		if lo == "" || k < lo {
			lo = k
		}
		if k > hi {
			hi = k
		}
	}
	for _, k := range changed {
		see(k)
	}
	for k := range input {
		see(k)
	}
	for k := range own {
		see(k)
	}
	if lo == "" {
		return nil
	}
	from, err1 := pf.FromKey(lo)
	to, err2 := pf.FromKey(hi)
	if err1 != nil || err2 != nil {
		return changed
	}
	var out []string
	for _, p := range pf.Range(from, to) {
		out = append(out, pf.Key(p))
	}
	return out
}

func uniqStrings(ss []string) []string {
	slices.Sort(ss)
	return slices.Compact(ss)
}

// MarkRevoked marks the calculations of partner that owner's revoked
// channel fed, in the revoke's transaction.
func markRevoked(ctx context.Context, q *store.Q, partner, owner int64) error {
	_, err := q.MarkUnshared(ctx, partner, owner)
	return err
}
