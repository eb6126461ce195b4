package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"yardstick/internal/access"
	"yardstick/internal/dataimport"
	"yardstick/internal/model"
	"yardstick/internal/period"
	"yardstick/internal/store"
	"yardstick/internal/terms"
)

// Import Data outcomes, as the preview and the results file name them.
const (
	DataNew      = "new"
	DataUpdate   = "update"
	DataNoChange = "no change"
	DataError    = "error"
)

// DataImportInput is an upload of data values (Import Data, issue 21).
type DataImportInput struct {
	// ScorecardID is the scorecard imported from (its menu): measure titles
	// are looked up among its measures. 0 (Administration): ids and
	// external ids only.
	ScorecardID int64
	FileName    string
	File        dataimport.File
	// Content, when set, is the upload itself (File is then left empty):
	// it is read a row at a time as it is planned, so its rows are never
	// all held at once. Sheet is the XLSX sheet to read ("": the first).
	Content []byte
	Sheet   string
}

// eachRow hands the input's rows to fn in file order, reading Content as
// it goes; it returns the file's description (its Rows empty when read
// from Content).
func (in DataImportInput) eachRow(fn func(dataimport.Row) error) (dataimport.File, error) {
	if in.Content == nil {
		for _, r := range in.File.Rows {
			if err := fn(r); err != nil {
				return in.File, err
			}
		}
		return in.File, nil
	}
	return dataimport.ParseEach(in.Content, dataimport.Options{Sheet: in.Sheet}, fn)
}

// DataImportRow is what the import does, or did, with one row.
type DataImportRow struct {
	Line         int
	Measure      string // as the file names it
	MeasureID    int64  // 0 when unknown
	MeasureTitle string
	Period       string // the period's label; as written when unknown
	PeriodKey    string
	Outcome      string
	Reason       string // why an error; for an update, what changes (old → new)
	Version      int64  // the stored value's version this preview saw (0: none)

	value ValueRow
}

// DataImportPlan is a preview (or, after RunDataImport, the outcome) of an
// upload: rows in error first, then in file order.
type DataImportPlan struct {
	FileName string
	Hash     string
	Rows     []DataImportRow
	Counts   map[string]int
	Ran      bool
	Written  int    // values written by the run
	Token    string // fingerprint of the preview: the versions and outcomes it saw

	ID          int64 // a kept upload's id (UploadDataImport)
	ScorecardID int64
	Sheet       string

	check *valueCheck // the checks of the rows, with the measures they opened, for the run
}

// Seen is what a preview saw, to carry to the run: each row's stored
// version by line.
func (p DataImportPlan) Seen() map[int]int64 {
	out := make(map[int]int64, len(p.Rows))
	for _, r := range p.Rows {
		if r.Outcome != DataError {
			out[r.Line] = r.Version
		}
	}
	return out
}

// Results is the results file's rows (row, outcome, reason), in file order.
func (p DataImportPlan) Results() []dataimport.Result {
	out := make([]dataimport.Result, 0, len(p.Rows))
	for _, r := range p.Rows {
		out = append(out, dataimport.Result{Line: r.Line, Outcome: r.Outcome, Reason: r.Reason})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Line < out[j].Line })
	return out
}

// PreviewDataImport says, row by row, what importing the file would do;
// nothing is written. It needs import and data.enter; each row then needs
// data entry on its measure, or is an error with its reason.
func (a *App) PreviewDataImport(ctx context.Context, actor *Actor, in DataImportInput) (DataImportPlan, error) {
	if err := requireDataImport(actor); err != nil {
		return DataImportPlan{}, err
	}
	return a.planData(ctx, actor, in)
}

func requireDataImport(actor *Actor) error {
	if err := actor.Require(access.Import); err != nil {
		return err
	}
	return actor.Require(access.DataEnter)
}

// RunDataImport imports the valid rows of a file in one transaction,
// through the engine of the API's bulk upsert: the rows carry the versions
// the preview saw (seen, by line), so a value changed since the preview
// refuses the whole import (Conflict), as does any row in error unless
// validOnly is chosen, which still reports every row. Re-running the same
// file writes nothing. One activity entry tells of the import (file name,
// rows per outcome), besides the usual entry per value written.
func (a *App) RunDataImport(ctx context.Context, actor *Actor, in DataImportInput, seen map[int]int64, validOnly bool) (DataImportPlan, error) {
	if err := requireDataImport(actor); err != nil {
		return DataImportPlan{}, err
	}
	plan, err := a.planData(ctx, actor, in)
	if err != nil {
		return plan, err
	}
	return a.runData(ctx, actor, in.ScorecardID, plan, seen, validOnly, nil)
}

// runData writes a plan's valid rows at the versions seen; after runs in
// the same transaction.
func (a *App) runData(ctx context.Context, actor *Actor, scorecardID int64, plan DataImportPlan, seen map[int]int64, validOnly bool,
	after func(q *store.Q, plan DataImportPlan) error) (DataImportPlan, error) {
	if n := plan.Counts[DataError]; n > 0 && !validOnly {
		return plan, invalid("Nothing was imported: "+plural(n, "row")+" with errors. Correct them, or choose to import only the valid rows.",
			map[string]string{"valid_only": plural(n, "row") + " with errors."})
	}
	rows := make([]ValueRow, 0, plan.Counts[DataNew]+plan.Counts[DataUpdate]+plan.Counts[DataNoChange])
	stale := 0
	for _, r := range plan.Rows {
		if r.Outcome == DataError || r.value.MeasureID == 0 {
			continue // an error, or a row with nothing to import
		}
		v, ok := seen[r.Line]
		if !ok || v != r.Version {
			stale++
		}
		r.value.Version = v
		rows = append(rows, r.value)
	}
	if stale > 0 {
		return plan, staleImport(stale)
	}
	sum := entry(actor, ActImport, "data", scorecardID, plan.FileName, plan.summary()...)
	finish := func(q *store.Q, saved int) error {
		plan.Ran, plan.Written = true, saved
		if err := record(ctx, q, sum); err != nil || after == nil {
			return err
		}
		return after(q, plan)
	}
	var err error
	if len(rows) > 0 {
		_, err = a.upsertValues(ctx, actor, rows, plan.check, finish)
	} else {
		err = a.store.InTx(ctx, func(q *store.Q) error { return finish(q, 0) })
	}
	if e, ok := AsError(err); ok && e.Kind == Conflict && len(e.Fields) > 0 {
		plan.Ran, plan.Written = false, 0
		return plan, staleImport(len(e.Fields))
	}
	if err != nil {
		plan.Ran, plan.Written = false, 0
		return plan, err
	}
	return plan, nil
}

func staleImport(n int) error {
	return errConflict("Nothing was imported: %s changed since the preview. Preview the file again.", plural(n, "value"))
}

func (p DataImportPlan) summary() []model.Change {
	var out []model.Change
	for _, o := range []string{DataNew, DataUpdate, DataNoChange, DataError} {
		out = append(out, model.Change{Field: o, After: strconv.Itoa(p.Counts[o])})
	}
	return out
}

// WriteDataResults writes the results file of a plan.
func WriteDataResults(p DataImportPlan) ([]byte, error) {
	var b bytes.Buffer
	err := dataimport.WriteResults(&b, p.Results())
	return b.Bytes(), err
}

// planData decides each row's outcome: one look-up per distinct measure
// and one read of stored values per measure.
func (a *App) planData(ctx context.Context, actor *Actor, in DataImportInput) (DataImportPlan, error) {
	name, msg := cleanText(in.FileName, "File name", 0, 200)
	if msg != "" || name == "" {
		name = "upload"
	}
	plan := DataImportPlan{FileName: name, Hash: in.File.Hash, Counts: map[string]int{}}
	words := actor.Words()
	titles := map[string][]int64{}
	if in.ScorecardID != 0 {
		s, _, err := a.openScorecard(ctx, actor, in.ScorecardID)
		if err != nil {
			return plan, err
		}
		if actor.Partner(s.InstanceID) {
			return plan, errForbidden("Import data on your own organization's %s; a partner's take data on their pages.", words.LowMany(terms.Scorecard))
		}
		tree, err := a.store.Q().ScorecardTree(ctx, actor.Instance.ID, s.ID)
		if err != nil {
			return plan, err
		}
		for _, o := range tree.Objects {
			if o.Kind == model.KindMeasure {
				titles[o.Title] = append(titles[o.Title], o.ID)
			}
		}
	}
	check := a.valueChecker(actor)
	check.ownDups = true // firstLine below names the earlier line
	// Each distinct measure cell is resolved once, and its text kept once:
	// 100,000 rows name about a thousand measures.
	type measureRef struct {
		id   int64
		text string
		msg  string
	}
	ids := map[dataimport.Cell]measureRef{}
	resolve := func(c dataimport.Cell) (measureRef, error) {
		if ref, ok := ids[c]; ok {
			return ref, nil
		}
		key := c.String()
		ref := measureRef{text: key}
		switch {
		case c.Kind == dataimport.Number:
			if c.Num >= 1 && c.Num == math.Trunc(c.Num) && c.Num < 1<<53 {
				ref.id = int64(c.Num)
			}
		case len(titles[key]) > 1:
			ref.msg = "Several " + words.LowMany(terms.Measure) + " on this " + words.LowOne(terms.Scorecard) + " are titled “" + truncateText(key, 60) + "”: name it by its id."
		case len(titles[key]) == 1:
			ref.id = titles[key][0]
		default:
			if n, err := strconv.ParseInt(key, 10, 64); err == nil && n > 0 {
				ref.id = n
				break
			}
			ext, _ := strings.CutPrefix(key, ExtPrefix)
			if ext, msg := cleanExtID(ext); msg == "" && ext != "" {
				got, err := a.store.Q().ObjectIDByExt(ctx, actor.Instance.ID, ext)
				if err != nil && !errors.Is(err, store.ErrNotFound) {
					return ref, err
				}
				ref.id = got
			}
		}
		ids[c] = ref
		return ref, nil
	}
	// Each distinct period cell of a frequency is read once, its label and
	// key kept once.
	type periodRef struct {
		label, key, msg string
	}
	type periodCell struct {
		pf period.Frequency
		c  dataimport.Cell
	}
	periods := map[periodCell]periodRef{}
	periodOf := func(pf period.Frequency, c dataimport.Cell) periodRef {
		k := periodCell{pf, c}
		if ref, ok := periods[k]; ok {
			return ref
		}
		var ref periodRef
		if p, msg := dataimport.PeriodOf(pf, c); msg != "" {
			ref.msg = msg
		} else {
			ref.label, ref.key = pf.Label(p), pf.Key(p)
		}
		periods[k] = ref
		return ref
	}
	unknown := func(s string) string {
		return "Unknown " + words.LowOne(terms.Measure) + " “" + truncateText(s, 60) + "”."
	}

	rows := make([]DataImportRow, 0, len(in.File.Rows))
	byMeasure := map[int64][]int{} // rows still valid after the checks, by measure
	file, err := in.eachRow(func(fr dataimport.Row) error {
		r := DataImportRow{Line: fr.Line}
		fail := func(msg string) { r.Outcome, r.Reason = DataError, msg }
		if len(fr.Errors) > 0 {
			r.Measure, r.Period = fr.Measure.String(), fr.Period.String()
			fail(strings.Join(fr.Errors, " "))
			rows = append(rows, r)
			return nil
		}
		ref, err := resolve(fr.Measure)
		if err != nil {
			return err
		}
		r.Measure = ref.text
		id, msg := ref.id, ref.msg
		if msg != "" {
			r.Period = fr.Period.String()
			fail(msg)
			rows = append(rows, r)
			return nil
		}
		var t *valueTarget
		if r.Period == "" {
			r.Period = fr.Period.String() // as written, until read as a period
		}
		if id != 0 {
			t, msg, err = check.target(ctx, id)
			switch {
			case KindOf(err) == Forbidden:
				m, _, oerr := a.openObject(ctx, actor, id)
				if oerr == nil && actor.Partner(m.InstanceID) {
					fail("“" + m.Title + "” belongs to a partner organization: enter its data on its page there.")
				} else {
					fail("You may not enter data in “" + m.Title + "”: it is on no " + words.LowOne(terms.Scorecard) + " you may edit.")
				}
				rows = append(rows, r)
				return nil
			case err != nil:
				return err
			}
		}
		if t == nil {
			if !check.noFreq[id] {
				msg = unknown(r.Measure)
			}
			fail(msg)
			rows = append(rows, r)
			return nil
		}
		r.MeasureID, r.MeasureTitle = t.m.ID, t.m.Title
		if actor.Partner(t.m.InstanceID) {
			fail("“" + t.m.Title + "” belongs to a partner organization: enter its data on its page there.")
			rows = append(rows, r)
			return nil
		}
		pr := periodOf(t.pf, fr.Period)
		if pr.msg != "" {
			fail(pr.msg)
			rows = append(rows, r)
			return nil
		}
		r.Period, r.PeriodKey = pr.label, pr.key
		if fr.Actual == nil && fr.Target == nil && fr.Forecast == nil && fr.Comment == "" {
			r.Outcome, r.Reason = DataNoChange, "No value in the row: the period is left as it is."
			rows = append(rows, r)
			return nil
		}
		r.value = ValueRow{MeasureID: t.m.ID, PeriodKey: r.PeriodKey, Actual: fr.Actual, Target: fr.Target, Forecast: fr.Forecast, Comment: fr.Comment}
		byMeasure[t.m.ID] = append(byMeasure[t.m.ID], len(rows))
		rows = append(rows, r)
		return nil
	})
	if err != nil {
		return plan, err
	}
	plan.Hash, plan.Sheet = file.Hash, file.Sheet

	// What is stored now, one read per measure; then the value checks of
	// the bulk upsert, in file order, and the outcome.
	q := a.store.Q()
	stored := map[int64]map[string]model.DataValue{}
	for id, idx := range byMeasure {
		keys := make([]string, 0, len(idx))
		for _, i := range idx {
			keys = append(keys, rows[i].PeriodKey)
		}
		cur, err := q.DataValuesAt(ctx, check.targets[id].m.InstanceID, id, keys)
		if err != nil {
			return plan, err
		}
		stored[id] = make(map[string]model.DataValue, len(cur))
		for _, v := range cur {
			stored[id][v.PeriodKey] = v
		}
	}
	cols := file.Columns
	firstLine := make(map[valueKey]int, len(rows))
	for i := range rows {
		r := &rows[i]
		if r.Outcome != "" {
			continue
		}
		before, exists := stored[r.MeasureID][r.PeriodKey]
		v := &r.value
		// A column the file lacks keeps what is stored (a calculated value
		// is kept by the write itself, and sent would be refused).
		t := check.targets[r.MeasureID]
		if !cols.Actual && !t.calc {
			v.Actual = before.Actual
		}
		if !cols.Target && !t.calcTargets {
			v.Target = before.Target
		}
		if !cols.Forecast {
			v.Forecast = before.Forecast
		}
		if !cols.Comment {
			v.Comment = before.Comment
		}
		v.Version, r.Version = before.Version, before.Version
		dup := valueKey{r.MeasureID, r.PeriodKey}
		if first, ok := firstLine[dup]; ok {
			r.Outcome, r.Reason = DataError, "Duplicate of row "+strconv.Itoa(first)+" (the same "+words.LowOne(terms.Measure)+" and period)."
			continue
		}
		firstLine[dup] = r.Line
		var msgs []string
		if _, err := check.row(ctx, *v, func(field, msg string) {
			if field == "actual" || field == "target" || field == "forecast" {
				msg = "The " + field + ": " + msg
			}
			msgs = append(msgs, msg)
		}); err != nil {
			return plan, err
		}
		nv := model.DataValue{Actual: v.Actual, Target: v.Target, Forecast: v.Forecast, Comment: strings.TrimSpace(v.Comment)}
		if t.calc {
			nv.Actual = before.Actual
		}
		if t.calcTargets {
			nv.Target = before.Target
		}
		switch {
		case len(msgs) > 0:
			r.Outcome, r.Reason = DataError, strings.Join(msgs, " ")
		case !exists:
			r.Outcome = DataNew
		case sameValue(before, nv):
			r.Outcome = DataNoChange
		default:
			r.Outcome = DataUpdate
			var ch []string
			for _, c := range changed("actual", ftoa(before.Actual), ftoa(nv.Actual), "target", ftoa(before.Target), ftoa(nv.Target),
				"forecast", ftoa(before.Forecast), ftoa(nv.Forecast),
				"comment", before.Comment, nv.Comment) {
				ch = append(ch, c.Field+" "+orNone(c.Before)+" → "+orNone(c.After))
			}
			r.Reason = strings.Join(ch, "; ")
		}
	}
	for _, r := range rows {
		plan.Counts[r.Outcome]++
	}
	// Errors first, then the file's order.
	sort.SliceStable(rows, func(i, j int) bool {
		return rows[i].Outcome == DataError && rows[j].Outcome != DataError
	})
	plan.Rows = rows
	plan.check = check
	h := sha256.New()
	h.Write([]byte(plan.Hash))
	var line []byte
	for _, r := range rows { // as fmt's "\n%d %s %d %s", without its cost per row
		line = append(strconv.AppendInt(append(line[:0], '\n'), int64(r.Line), 10), ' ')
		line = append(strconv.AppendInt(append(append(line, r.Outcome...), ' '), r.Version, 10), ' ')
		h.Write(append(line, r.Reason...))
	}
	plan.Token = hex.EncodeToString(h.Sum(nil))
	return plan, nil
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// UploadDataImport reads an upload of data values (import and data.enter),
// keeps it for the run, and returns its preview. scorecardID is the
// scorecard it is uploaded from (0: Administration); sheet the XLSX sheet
// ("" the first). A file refused as a whole is Invalid on the field file.
func (a *App) UploadDataImport(ctx context.Context, actor *Actor, scorecardID int64, fileName, sheet string, r io.Reader) (DataImportPlan, error) {
	if err := requireDataImport(actor); err != nil {
		return DataImportPlan{}, err
	}
	if scorecardID != 0 {
		if _, _, err := a.openScorecard(ctx, actor, scorecardID); err != nil {
			return DataImportPlan{}, err
		}
	}
	raw, err := io.ReadAll(io.LimitReader(r, dataimport.MaxBytes+1))
	if err != nil {
		return DataImportPlan{}, err
	}
	sheet = strings.TrimSpace(sheet)
	file, err := dataimport.ParseBytes(raw, dataimport.Options{Sheet: sheet})
	var fe *dataimport.FileError
	if errors.As(err, &fe) {
		return DataImportPlan{}, fieldError("file", fe.Msg)
	}
	if err != nil {
		return DataImportPlan{}, err
	}
	name, msg := cleanText(fileName, "File name", 0, 200)
	if msg != "" || name == "" {
		name = "upload." + string(file.Format)
	}
	im, err := a.store.Q().CreateDataImport(ctx, store.DataImport{InstanceID: actor.Instance.ID, MembershipID: actor.Membership.ID,
		ScorecardID: scorecardID, FileName: name, Sheet: sheet, FileHash: file.Hash, Content: raw})
	if err != nil {
		return DataImportPlan{}, err
	}
	plan, err := a.planData(ctx, actor, DataImportInput{ScorecardID: scorecardID, FileName: name, File: file})
	plan.ID, plan.ScorecardID, plan.Sheet = im.ID, scorecardID, file.Sheet
	return plan, err
}

// keptImport reads the actor's own kept upload, to be parsed again.
func (a *App) keptImport(ctx context.Context, q *store.Q, actor *Actor, id int64) (store.DataImport, DataImportInput, error) {
	im, err := q.DataImportByID(ctx, actor.Instance.ID, actor.Membership.ID, id)
	if err != nil {
		return im, DataImportInput{}, mapNotFound(err)
	}
	// Read again as it is planned, a row at a time (it was read whole
	// when uploaded, so it reads).
	return im, DataImportInput{ScorecardID: im.ScorecardID, FileName: im.FileName, Content: im.Content, Sheet: im.Sheet}, nil
}

// DataImportPreview is a kept upload's preview against the values as they
// are now, or, once it ran, what the run did.
func (a *App) DataImportPreview(ctx context.Context, actor *Actor, id int64) (DataImportPlan, error) {
	if err := requireDataImport(actor); err != nil {
		return DataImportPlan{}, err
	}
	im, in, err := a.keptImport(ctx, a.store.Q(), actor, id)
	if err != nil {
		return DataImportPlan{}, err
	}
	if im.RanAt != nil {
		return ranDataPlan(im)
	}
	plan, err := a.planData(ctx, actor, in)
	plan.ID, plan.ScorecardID = im.ID, im.ScorecardID
	return plan, err
}

// ranDataPlan shows what a run did, from its stored results.
func ranDataPlan(im store.DataImport) (DataImportPlan, error) {
	results, err := dataimport.ReadResults(strings.NewReader(im.Results))
	if err != nil {
		return DataImportPlan{}, err
	}
	p := DataImportPlan{ID: im.ID, ScorecardID: im.ScorecardID, FileName: im.FileName, Hash: im.FileHash, Sheet: im.Sheet,
		Counts: map[string]int{}, Ran: true, Written: im.Written}
	for _, r := range results {
		p.Rows = append(p.Rows, DataImportRow{Line: r.Line, Outcome: r.Outcome, Reason: r.Reason})
		p.Counts[r.Outcome]++
	}
	sort.SliceStable(p.Rows, func(i, j int) bool { return p.Rows[i].Outcome == DataError && p.Rows[j].Outcome != DataError })
	return p, nil
}

// RunKeptDataImport runs a kept upload as previewed: token is the
// preview's fingerprint, and a plan that no longer matches it (a value
// changed, a measure moved) refuses the run; inside the run's transaction
// each row's version is checked again, as RunDataImport does.
func (a *App) RunKeptDataImport(ctx context.Context, actor *Actor, id int64, token string, validOnly bool) (DataImportPlan, error) {
	if err := requireDataImport(actor); err != nil {
		return DataImportPlan{}, err
	}
	im, in, err := a.keptImport(ctx, a.store.Q(), actor, id)
	if err != nil {
		return DataImportPlan{}, err
	}
	if im.RanAt != nil {
		return DataImportPlan{}, errConflict("This file was imported already. Upload it again to import it once more.")
	}
	plan, err := a.planData(ctx, actor, in)
	plan.ID, plan.ScorecardID = im.ID, im.ScorecardID
	if err != nil {
		return plan, err
	}
	if plan.Token != token {
		return plan, errConflict("Nothing was imported: values changed since the preview. Check the new preview and run it again.")
	}
	return a.runData(ctx, actor, im.ScorecardID, plan, plan.Seen(), validOnly, func(q *store.Q, done DataImportPlan) error {
		res, err := WriteDataResults(done)
		if err != nil {
			return err
		}
		err = q.FinishDataImport(ctx, actor.Instance.ID, id, string(res), done.Written)
		if errors.Is(err, store.ErrConflict) {
			return errConflict("This file was imported already. Upload it again to import it once more.")
		}
		return err
	})
}

// DataImportResults is a run's results file.
func (a *App) DataImportResults(ctx context.Context, actor *Actor, id int64) ([]byte, error) {
	if err := requireDataImport(actor); err != nil {
		return nil, err
	}
	im, err := a.store.Q().DataImportByID(ctx, actor.Instance.ID, actor.Membership.ID, id)
	if err != nil {
		return nil, mapNotFound(err)
	}
	if im.RanAt == nil {
		return nil, errNotFound()
	}
	return []byte(im.Results), nil
}
