package app

import (
	"context"
	"errors"
	"math"
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
// Each changed period is logged as data entry, as on the measure page.
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
	type target struct {
		m  model.Object
		pf period.Frequency
	}
	targets := map[int64]*target{}
	fields := map[string]string{}
	seen := map[string]int{}
	words := actor.Words()
	labels := make([]string, len(rows)) // each row's period as the log names it
	for i, r := range rows {
		row := "values/" + strconv.Itoa(i)
		t, known := targets[r.MeasureID]
		if !known {
			m, err := a.dataTarget(ctx, actor, r.MeasureID)
			switch {
			case KindOf(err) == NotFound:
			case err != nil:
				return 0, err // a read-only partner measure: 403, as on its page
			default:
				freq, ferr := a.measureFrequency(ctx, m.InstanceID, m, "")
				if KindOf(ferr) == Invalid {
					fields[row+"/measure_id"] = words.One(terms.Measure) + " " + strconv.FormatInt(m.ID, 10) + " has no reporting frequency yet, so it takes no data."
					targets[r.MeasureID] = nil
					continue
				}
				if ferr != nil {
					return 0, ferr
				}
				t = &target{m: m, pf: FrequencyOf(freq)}
			}
			targets[r.MeasureID] = t
		}
		if t == nil {
			if fields[row+"/measure_id"] == "" {
				fields[row+"/measure_id"] = "There is no " + words.LowOne(terms.Measure) + " " + strconv.FormatInt(r.MeasureID, 10) + " that you can enter data in."
			}
			continue
		}
		p, err := t.pf.FromKey(r.PeriodKey)
		if err != nil {
			fields[row+"/period"] = "“" + truncateText(r.PeriodKey, 20) + "” is not the first day of a period of this " + words.LowOne(terms.Measure) + "."
			continue
		}
		dup := strconv.FormatInt(r.MeasureID, 10) + "|" + r.PeriodKey
		if j, ok := seen[dup]; ok {
			fields[row+"/period"] = "The same " + words.LowOne(terms.Measure) + " and period as row " + strconv.Itoa(j) + "."
			continue
		}
		seen[dup] = i
		labels[i] = t.pf.Label(p)
		for _, n := range []struct {
			name string
			v    *float64
		}{{"actual", r.Actual}, {"target", r.Target}} {
			if msg := checkNumber(n.v, t.m.Decimals, actor.Words()); msg != "" {
				fields[row+"/"+n.name] = msg
			}
		}
		c := strings.TrimSpace(r.Comment)
		if !textcheck.IsText(c) || utf8.RuneCountInString(c) > maxComment {
			fields[row+"/comment"] = "A comment is text of at most 255 characters, without control characters."
		}
		if r.Version < 0 {
			fields[row+"/version"] = "A version is 0 (no value yet) or the version last read."
		}
	}
	if len(fields) > 0 {
		return 0, invalid("Nothing was saved: "+plural(len(fields), "value")+" to correct (see errors).", fields)
	}
	var by *int64
	if actor.Account.ID != 0 {
		id := actor.Account.ID
		by = &id // an API key has no account: the log names it
	}
	saved := 0
	err := a.store.InTx(ctx, func(q *store.Q) error {
		// What is stored now: one read per owning instance.
		type ownerKeys struct {
			measures []int64
			keys     []string
			seenKey  map[string]bool
		}
		byOwner := map[int64]*ownerKeys{}
		for _, r := range rows {
			owner := targets[r.MeasureID].m.InstanceID
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
		for id, t := range targets {
			if t != nil {
				o := byOwner[t.m.InstanceID]
				o.measures = append(o.measures, id)
			}
		}
		stored := map[int64]map[string]model.DataValue{}
		for owner, o := range byOwner {
			cur, err := q.DataValuesOf(ctx, owner, o.measures, o.keys)
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
		conflicts := map[string]string{}
		// New values go in as multi-row INSERTs per owning instance, and
		// the log in one statement per thousand entries, after the loop:
		// one statement per row made 10,000 values 30× their raw insert.
		entries := make([]model.Activity, 0, len(rows))
		fresh := map[int64][]model.DataValue{} // by owner
		freshRow := map[int64][]int{}          // their rows
		for i, r := range rows {
			t := targets[r.MeasureID]
			owner := t.m.InstanceID
			before, exists := stored[r.MeasureID][r.PeriodKey]
			row := "values/" + strconv.Itoa(i) + "/version"
			if before.Version != r.Version {
				conflicts[row] = "Stored at version " + strconv.FormatInt(before.Version, 10) + ", not " + strconv.FormatInt(r.Version, 10) + ": read it again."
				continue
			}
			v := model.DataValue{MeasureID: r.MeasureID, PeriodKey: r.PeriodKey, Actual: r.Actual, Target: r.Target,
				Comment: strings.TrimSpace(r.Comment), UpdatedBy: by, Version: r.Version}
			if exists && sameValue(before, v) {
				continue
			}
			e := entry(actor, ActDataEntry, "measure", t.m.ID, t.m.Title, changed(
				"period", "", labels[i],
				"actual", ftoa(before.Actual), ftoa(v.Actual), "target", ftoa(before.Target), ftoa(v.Target),
				"comment", before.Comment, v.Comment)...)
			if actor.Partner(owner) {
				entries = append(entries, inBoth(actor, owner, e)...)
			} else {
				entries = append(entries, e)
			}
			var err error
			switch {
			case v.Actual == nil && v.Target == nil && v.Comment == "":
				if exists {
					err = q.DeleteDataValue(ctx, owner, v.MeasureID, v.PeriodKey, v.Version)
				}
			case !exists:
				fresh[owner] = append(fresh[owner], v)
				freshRow[owner] = append(freshRow[owner], i)
				continue
			default:
				_, err = q.SaveDataValue(ctx, owner, v)
			}
			if errors.Is(err, store.ErrConflict) {
				conflicts[row] = "Changed by someone else meanwhile: read it again."
				continue
			}
			if err != nil {
				return err
			}
			saved++
		}
		for owner, vs := range fresh {
			taken, err := q.InsertDataValues(ctx, owner, vs)
			if err != nil {
				return err
			}
			for _, k := range taken {
				conflicts["values/"+strconv.Itoa(freshRow[owner][k])+"/version"] = "Changed by someone else meanwhile: read it again."
			}
			saved += len(vs) - len(taken)
		}
		if len(conflicts) > 0 {
			return &Error{Kind: Conflict, Fields: conflicts, Msg: "Nothing was saved: " +
				plural(len(conflicts), "value") + " changed since read (see errors)."}
		}
		return record(ctx, q, entries...)
	})
	if err != nil {
		return 0, err
	}
	return saved, nil
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
	_, msg := ParseNumber(strconv.FormatFloat(*v, 'f', -1, 64), decimals, w)
	return msg
}
