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
	"yardstick/internal/period"
	"yardstick/internal/store"
	"yardstick/internal/terms"
	"yardstick/internal/textcheck"
)

// MaxValueRows bounds the values one UpsertValues call writes.
const MaxValueRows = 10000

// ValueRow is one period's value to write, as an integration sends it.
type ValueRow struct {
	MeasureID      int64
	PeriodKey      string // the period's first day, YYYY-MM-DD
	Actual, Target *float64
	Forecast       *float64 // issue 28; nil: none
	Comment        string
	// Version is the stored value's version the sender last read; 0 when
	// the period has no value yet. A row stored at another version is a
	// stale write and refused.
	Version int64
}

// UpsertValues writes values of any measures the actor may enter data in
// (data.enter), all or nothing, in one transaction: every row is checked
// first (the measure exists and takes data from the actor, the period is
// one of its frequency, the numbers fit its decimals, the comment its
// length), and any bad row refuses the whole request, naming each bad row
// by its index ("values/3/period"); then a row whose version is not the
// stored one refuses the whole request as a conflict naming the rows. A
// row with no actual, no target and no comment deletes the period's value.
// The changed periods are logged as data entry, a measure's together
// (bulkLog).
func (a *App) UpsertValues(ctx context.Context, actor *Actor, rows []ValueRow) (int, error) {
	if err := actor.Require(access.DataEnter); err != nil {
		return 0, err
	}
	if len(rows) == 0 {
		return 0, fieldError("values", "Send at least one value.")
	}
	if len(rows) > MaxValueRows {
		return 0, fieldError("values", "Send at most "+strconv.Itoa(MaxValueRows)+" values at once.")
	}
	return a.upsertValues(ctx, actor, rows, nil, nil)
}

// freshFlush is how many new values the engine queues per owner before
// inserting them: a bulk write (at most MaxValueRows) goes in as one batch
// of prepared chunks, an import of a million rows 10,000 at a time.
const freshFlush = MaxValueRows

// upsertValues is the engine of UpsertValues and Import Data: the checks of
// valueChecker, then the versioned write in one transaction; then, in that
// transaction, after (an import's own entry and results), when not nil.
// checked is the checker that has already checked every row, in order (an
// import's plan), or nil to check them here.
func (a *App) upsertValues(ctx context.Context, actor *Actor, rows []ValueRow, checked *valueCheck, after func(q *store.Q, saved int) error) (int, error) {
	check := checked
	if check == nil {
		check = a.valueChecker(actor)
		fields := map[string]string{}
		for i, r := range rows {
			if _, err := check.row(ctx, r, func(field, msg string) {
				fields["values/"+strconv.Itoa(i)+"/"+field] = msg
			}); err != nil {
				return 0, err // a read-only partner measure: 403, as on its page
			}
		}
		if len(fields) > 0 {
			return 0, invalid("Nothing was saved: "+plural(len(fields), "value")+" to correct (see errors).", fields)
		}
	}
	var by *int64
	if actor.Account.ID != 0 {
		id := actor.Account.ID
		by = &id // an API key has no account: the log names it
	}
	saved := 0
	err := a.store.InTx(ctx, func(q *store.Q) error {
		saved = 0 // InTx may run this again
		// What is stored now: one read per owning instance.
		type ownerKeys struct {
			measures []int64
			keys     []string
			seenKey  map[string]bool
		}
		byOwner := map[int64]*ownerKeys{}
		for _, r := range rows {
			owner := check.targets[r.MeasureID].m.InstanceID
			o := byOwner[owner]
			if o == nil {
				o = &ownerKeys{seenKey: map[string]bool{}}
				byOwner[owner] = o
			}
			if !o.seenKey[r.PeriodKey] {
				o.seenKey[r.PeriodKey] = true
				o.keys = append(o.keys, r.PeriodKey)
			}
		}
		for id, t := range check.targets {
			if t != nil {
				if o := byOwner[t.m.InstanceID]; o != nil {
					o.measures = append(o.measures, id)
				}
			}
		}
		stored := map[int64]map[string]model.DataValue{}
		for owner, o := range byOwner {
			for m := 0; m < len(o.measures); m += MaxValueRows {
				for k := 0; k < len(o.keys); k += MaxValueRows {
					cur, err := q.DataValuesOf(ctx, owner, o.measures[m:min(m+MaxValueRows, len(o.measures))], o.keys[k:min(k+MaxValueRows, len(o.keys))])
					if err != nil {
						return err
					}
					for _, v := range cur {
						if stored[v.MeasureID] == nil {
							stored[v.MeasureID] = map[string]model.DataValue{}
						}
						stored[v.MeasureID][v.PeriodKey] = v
					}
				}
			}
		}
		conflicts := map[string]string{}
		// New values go in as multi-row INSERTs per owning instance, and
		// the log in one statement per thousand entries, as the loop goes:
		// one statement per row made 10,000 values 30× their raw insert,
		// and holding every entry made an import of 100,000 values hold
		// 100,000 entries.
		log := q.ActivityBatch()
		defer log.Discard()
		logged := bulkLog{actor: actor, log: log, open: map[int64]int{}}
		fresh := map[int64][]model.DataValue{}    // by owner
		recalcs := map[int64]map[int64][]string{} // owner → measure → periods written
		freshRow := map[int64][]int{}             // their rows
		insertFresh := func(owner int64) error {
			vs := fresh[owner]
			if len(vs) == 0 {
				return nil
			}
			taken, err := q.InsertDataValues(ctx, owner, vs)
			if err != nil {
				return err
			}
			for _, k := range taken {
				conflicts["values/"+strconv.Itoa(freshRow[owner][k])+"/version"] = "Changed by someone else meanwhile: read it again."
			}
			saved += len(vs) - len(taken)
			fresh[owner], freshRow[owner] = vs[:0], freshRow[owner][:0]
			return nil
		}
		for i, r := range rows {
			t := check.targets[r.MeasureID]
			owner := t.m.InstanceID
			before, exists := stored[r.MeasureID][r.PeriodKey]
			if before.Version != r.Version {
				conflicts["values/"+strconv.Itoa(i)+"/version"] = "Stored at version " + strconv.FormatInt(before.Version, 10) + ", not " + strconv.FormatInt(r.Version, 10) + ": read it again."
				continue
			}
			v := model.DataValue{MeasureID: r.MeasureID, PeriodKey: r.PeriodKey, Actual: r.Actual, Target: r.Target, Forecast: r.Forecast,
				Comment: strings.TrimSpace(r.Comment), UpdatedBy: by, Version: r.Version}
			if t.calc { // the calculated values stay as calculated
				v.Actual = before.Actual
				if t.calcTargets {
					v.Target = before.Target
				}
			}
			if exists && sameValue(before, v) {
				continue
			}
			if recalcs[owner] == nil {
				recalcs[owner] = map[int64][]string{}
			}
			recalcs[owner][v.MeasureID] = append(recalcs[owner][v.MeasureID], v.PeriodKey)
			if err := logged.add(ctx, t.m, changed(
				"period", "", check.period(t.pf, r.PeriodKey).label,
				"actual", ftoa(before.Actual), ftoa(v.Actual), "target", ftoa(before.Target), ftoa(v.Target),
				"forecast", ftoa(before.Forecast), ftoa(v.Forecast), "comment", before.Comment, v.Comment)); err != nil {
				return err
			}
			var err error
			switch {
			case emptyValue(v):
				if exists {
					err = q.DeleteDataValue(ctx, owner, v.MeasureID, v.PeriodKey, v.Version)
				}
			case !exists:
				fresh[owner] = append(fresh[owner], v)
				freshRow[owner] = append(freshRow[owner], i)
				if len(fresh[owner]) >= freshFlush {
					if err := insertFresh(owner); err != nil {
						return err
					}
				}
				continue
			default:
				_, err = q.SaveDataValue(ctx, owner, v)
			}
			if errors.Is(err, store.ErrConflict) {
				conflicts["values/"+strconv.Itoa(i)+"/version"] = "Changed by someone else meanwhile: read it again."
				continue
			}
			if err != nil {
				return err
			}
			saved++
		}
		for owner := range fresh {
			if err := insertFresh(owner); err != nil {
				return err
			}
		}
		if len(conflicts) > 0 {
			return &Error{Kind: Conflict, Fields: conflicts, Msg: "Nothing was saved: " +
				plural(len(conflicts), "value") + " changed since read (see errors)."}
		}
		if err := logged.flush(ctx); err != nil {
			return err
		}
		if err := log.Close(ctx); err != nil {
			return err
		}
		owners := make([]int64, 0, len(recalcs))
		for o := range recalcs {
			owners = append(owners, o)
		}
		slices.Sort(owners)
		for _, o := range owners {
			if err := a.recalc(ctx, q, o, recalcs[o], false, 0); err != nil {
				return err
			}
		}
		if after == nil {
			return nil
		}
		return after(q, saved)
	})
	if err != nil {
		return 0, err
	}
	return saved, nil
}

// valueTarget is a measure that takes data from the actor, with its
// frequency.
type valueTarget struct {
	m  model.Object
	pf period.Frequency
	// calc: a calculated measure, whose actual (and, calcTargets, target)
	// is not written by people.
	calc, calcTargets bool
}

// valueCheck holds the per-row checks of a value write, shared by the API's
// bulk upsert and Import Data, with what it has read so far: each measure
// is opened once, and a repeated measure and period is seen.
type valueCheck struct {
	a       *App
	actor   *Actor
	words   *terms.Set
	targets map[int64]*valueTarget // nil: no measure of that id takes data from the actor
	noFreq  map[int64]bool
	seen    map[valueKey]int // measure and period → index of its first row
	periods map[periodOf]periodSeen
	n       int // rows checked
	// ownDups: the caller refuses a repeated measure and period itself
	// (Import Data, with the file's line), so seen is not kept.
	ownDups bool
}

// valueKey is one measure's period.
type valueKey struct {
	measure int64
	key     string
}

// periodOf is a period key of one frequency, and periodSeen what it is:
// each distinct key is parsed and labelled once, not once per row.
type periodOf struct {
	pf  period.Frequency
	key string
}

type periodSeen struct {
	ok    bool
	label string // as the log and the preview name it
}

// period reads a period key of a frequency, once per distinct key.
func (c *valueCheck) period(pf period.Frequency, key string) periodSeen {
	k := periodOf{pf, key}
	if s, ok := c.periods[k]; ok {
		return s
	}
	var s periodSeen
	if p, err := pf.FromKey(key); err == nil {
		s = periodSeen{ok: true, label: pf.Label(p)}
	}
	c.periods[k] = s
	return s
}

func (a *App) valueChecker(actor *Actor) *valueCheck {
	return &valueCheck{a: a, actor: actor, words: actor.Words(), targets: map[int64]*valueTarget{},
		noFreq: map[int64]bool{}, seen: map[valueKey]int{}, periods: map[periodOf]periodSeen{}}
}

// target opens a measure for data entry once: nil for one that does not
// exist for the actor or has no frequency yet (bad says why); an error for
// one the actor may see but not enter data in (a read-only partner
// measure, or one on no scorecard the actor may edit: Forbidden).
func (c *valueCheck) target(ctx context.Context, id int64) (*valueTarget, string, error) {
	t, known := c.targets[id]
	if !known {
		m, err := c.a.dataTarget(ctx, c.actor, id)
		switch {
		case KindOf(err) == NotFound:
		case err != nil:
			return nil, "", err
		default:
			freq, ferr := c.a.measureFrequency(ctx, m.InstanceID, m, "")
			if KindOf(ferr) == Invalid {
				c.noFreq[id] = true
				break
			}
			if ferr != nil {
				return nil, "", ferr
			}
			t = &valueTarget{m: m, pf: FrequencyOf(freq)}
			calculated, err := c.a.store.Q().CalculatedAmong(ctx, m.InstanceID, []int64{id})
			if err != nil {
				return nil, "", err
			}
			t.calcTargets, t.calc = calculated[id]
		}
		c.targets[id] = t
	}
	switch {
	case c.noFreq[id]:
		return nil, c.words.One(terms.Measure) + " " + strconv.FormatInt(id, 10) + " has no reporting frequency yet, so it takes no data.", nil
	case t == nil:
		return nil, "There is no " + c.words.LowOne(terms.Measure) + " " + strconv.FormatInt(id, 10) + " that you can enter data in.", nil
	}
	return t, "", nil
}

// row checks one row, in the order the API reports: the measure, the
// period, a repeat of an earlier row's measure and period, the numbers,
// the comment, the version. bad is called with each field and message; the
// first three stop the row's checks. ok is whether nothing was bad.
func (c *valueCheck) row(ctx context.Context, r ValueRow, bad func(field, msg string)) (ok bool, err error) {
	i := c.n
	c.n++
	t, msg, err := c.target(ctx, r.MeasureID)
	if err != nil {
		return false, err
	}
	if t == nil {
		bad("measure_id", msg)
		return false, nil
	}
	if !c.period(t.pf, r.PeriodKey).ok {
		bad("period", "“"+truncateText(r.PeriodKey, 20)+"” is not the first day of a period of this "+c.words.LowOne(terms.Measure)+".")
		return false, nil
	}
	if !c.ownDups {
		dup := valueKey{r.MeasureID, r.PeriodKey}
		if j, ok := c.seen[dup]; ok {
			bad("period", "The same "+c.words.LowOne(terms.Measure)+" and period as row "+strconv.Itoa(j)+".")
			return false, nil
		}
		c.seen[dup] = i
	}
	ok = true
	for _, n := range []struct {
		name string
		v    *float64
	}{{"actual", r.Actual}, {"target", r.Target}, {"forecast", r.Forecast}} {
		if msg := checkNumber(n.v, t.m.Decimals, c.words); msg != "" {
			bad(n.name, msg)
			ok = false
		}
	}
	if t.calc && r.Actual != nil {
		bad("actual", calculatedMsg(c.actor, t.m, terms.Actual))
		ok = false
	}
	if t.calcTargets && r.Target != nil {
		bad("target", calculatedMsg(c.actor, t.m, terms.Target))
		ok = false
	}
	cm := strings.TrimSpace(r.Comment)
	if !textcheck.IsText(cm) || utf8.RuneCountInString(cm) > maxComment {
		bad("comment", "A comment is text of at most 255 characters, without control characters.")
		ok = false
	}
	if r.Version < 0 {
		bad("version", "A version is 0 (no value yet) or the version last read.")
		ok = false
	}
	return ok, nil
}

// checkNumber refuses a number the measure could not show: more decimals
// than it has, or too large.
func checkNumber(v *float64, decimals int, w *terms.Set) string {
	if v == nil {
		return ""
	}
	if math.IsNaN(*v) || math.IsInf(*v, 0) || math.Abs(*v) >= 1e15 {
		return "The number is too large."
	}
	if *v == math.Trunc(*v) {
		return "" // a whole number below 1e15: no decimals, what ParseNumber takes
	}
	_, msg := ParseNumber(strconv.FormatFloat(*v, 'f', -1, 64), decimals, w)
	return msg
}

// periodsPerEntry is how many of a measure's changed periods one log entry
// of a bulk write lists.
const periodsPerEntry = 25

// bulkLog logs a bulk write's data entry (the API's values and Import
// Data) as one entry per measure listing each changed period with its
// before and after, up to periodsPerEntry periods an entry, where the
// measure page logs an entry per period. A write of 10,000 values over 100
// measures is 400 entries a reader can follow instead of 10,000: the log's
// rows were 40 % of the write's time on SQLite (five B-trees a row), and an
// import of a million values made a million entries.
type bulkLog struct {
	actor   *Actor
	log     *store.ActivityBatch
	open    map[int64]int // measure → its entry in pending
	pending []pendingEntry
}

type pendingEntry struct {
	m       model.Object
	periods int
	changes []model.Change
}

// add appends one period's changes to the measure's entry, writing the
// entry once it holds periodsPerEntry periods.
func (l *bulkLog) add(ctx context.Context, m model.Object, changes []model.Change) error {
	i, ok := l.open[m.ID]
	if !ok {
		i = len(l.pending)
		l.open[m.ID] = i
		l.pending = append(l.pending, pendingEntry{m: m})
	}
	p := &l.pending[i]
	p.changes = append(p.changes, changes...)
	if p.periods++; p.periods < periodsPerEntry {
		return nil
	}
	err := l.write(ctx, *p)
	*p = pendingEntry{m: m}
	return err
}

// flush writes the entries not yet full, in the order their measures first
// came.
func (l *bulkLog) flush(ctx context.Context) error {
	for _, p := range l.pending {
		if p.periods > 0 {
			if err := l.write(ctx, p); err != nil {
				return err
			}
		}
	}
	l.pending, l.open = nil, map[int64]int{}
	return nil
}

func (l *bulkLog) write(ctx context.Context, p pendingEntry) error {
	e := entry(l.actor, ActDataEntry, "measure", p.m.ID, p.m.Title, p.changes...)
	if l.actor.Partner(p.m.InstanceID) {
		return l.log.Add(ctx, inBoth(l.actor, p.m.InstanceID, e)...)
	}
	return l.log.Add(ctx, e)
}
