package app

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"yardstick/internal/access"
	"yardstick/internal/calc"
	"yardstick/internal/mail"
	"yardstick/internal/model"
	"yardstick/internal/period"
	"yardstick/internal/store"
	"yardstick/internal/terms"
)

// Digests (SPEC §9, issue 15): weekly on Mondays and monthly on the 1st,
// at DigestHour in each member's time zone (the account's, else the
// instance's). A run sends every digest due and not yet recorded; runs
// are cheap when nothing is due, so the job engine starts one every few
// minutes, and a digest missed for up to DigestCatchUp (the process was
// down) is still sent.
const (
	DigestHour      = 7
	DigestCatchUp   = 24 * time.Hour
	digestBatch     = 200 // digests recorded and mailed per transaction
	digestMissing   = 6   // due periods without data listed per measure
	digestTodosDays = 7   // to-dos due within this many days are listed
)

// Digest kinds.
const (
	DigestWeekly  = "weekly"
	DigestMonthly = "monthly"
)

// DigestPeriod says, for a digest kind in a time zone at now, the period
// the latest scheduled digest is for (the local date of its Monday or
// 1st), a label for people, and whether it is due (scheduled at or before
// now, within the catch-up window).
func DigestPeriod(kind string, loc *time.Location, now time.Time) (key, label string, due bool) {
	local := now.In(loc)
	var at time.Time
	if kind == DigestMonthly {
		at = time.Date(local.Year(), local.Month(), 1, DigestHour, 0, 0, 0, loc)
		if local.Before(at) {
			at = time.Date(local.Year(), local.Month()-1, 1, DigestHour, 0, 0, 0, loc)
		}
		label = at.Format("January 2006")
	} else {
		back := (int(local.Weekday()) + 6) % 7 // days since Monday
		at = time.Date(local.Year(), local.Month(), local.Day()-back, DigestHour, 0, 0, 0, loc)
		if local.Before(at) {
			at = time.Date(local.Year(), local.Month(), local.Day()-back-7, DigestHour, 0, 0, 0, loc)
		}
		label = "the week of " + at.Format("2 January 2006")
	}
	return at.Format("2006-01-02"), label, !now.Before(at) && now.Sub(at) < DigestCatchUp
}

// DigestResult counts a run's work.
type DigestResult struct {
	Sent    int // digests written to the outbox
	Empty   int // due members with nothing to report (nothing sent)
	Members int // due members read
	Batches int // write transactions (one per digestBatch digests)
}

// RunDigests sends the digests of kind due now to every member of every
// instance who opted in. It reads through a fixed set of streaming
// statements (store.OpenDigestStreams) whatever the number of members,
// writes the mails digestBatch at a time, and records each (membership,
// period) in the mail's own transaction: a crash loses at most the
// batches in hand (one more than the writers), which the next run sends, and a run in another
// process skips what this one recorded. A failed write ends the run with
// its error; the batches written before it stay sent.
func (a *App) RunDigests(ctx context.Context, kind string) (DigestResult, error) {
	var res DigestResult
	now := a.store.Now()
	q := a.store.Q()
	zones, err := q.DigestZones(ctx)
	if err != nil {
		return res, err
	}
	due := store.DigestDue{Kind: kind}
	type zoneDue struct{ key, label string }
	byZone := map[string]zoneDue{}
	seen := map[string]bool{}
	for _, z := range zones {
		loc, err := time.LoadLocation(z)
		if err != nil {
			continue // a zone time/tzdata does not know: its members get none
		}
		key, label, ok := DigestPeriod(kind, loc, now)
		if !ok {
			continue
		}
		byZone[z] = zoneDue{key, label}
		due.Zones = append(due.Zones, z)
		if !seen[key] {
			seen[key] = true
			due.Periods = append(due.Periods, key)
		}
	}
	if len(due.Zones) == 0 {
		return res, nil
	}
	key, err := a.store.LinkKey(ctx) // of the unsubscribe links
	if err != nil {
		return res, err
	}
	st, err := q.OpenDigestStreams(ctx, due, now.AddDate(0, 0, digestTodosDays+1).Format("2006-01-02"))
	if err != nil {
		return res, err
	}
	defer st.Close()
	w := a.startDigestWriter(ctx, kind)
	defer w.close() // on a panic too; a no-op after finish's
	var (
		inst  digestInstance
		batch []store.DigestSend
	)
	flush := func() bool {
		if len(batch) == 0 {
			return true
		}
		res.Batches++
		ok := w.write(batch)
		batch = make([]store.DigestSend, 0, digestBatch) // the writer holds the last one
		return ok
	}
	// finish waits for the writers, whose error comes first: a failed
	// write stops the run at the next batch it hands over.
	finish := func(err error) (DigestResult, error) {
		sent, werr := w.close()
		res.Sent = sent
		if werr != nil {
			return res, werr
		}
		return res, err
	}
	for {
		m, ok := st.Members.Peek()
		if !ok {
			break
		}
		st.Members.Next()
		res.Members++
		if m.InstanceID != inst.id {
			if inst, err = loadDigestInstance(st, m.InstanceID, terms.Parse(m.Terms), a.cfg.BaseURL+"/i/"+m.InstanceCode, now); err != nil {
				return finish(err)
			}
		}
		zd := byZone[m.Zone]
		d, err := a.composeDigest(ctx, st, &inst, m, kind, zd.label, now)
		if err != nil {
			return finish(err)
		}
		if d.Empty() {
			res.Empty++
			continue
		}
		d.UnsubscribeURL = a.cfg.BaseURL + "/unsubscribe/" + unsubscribeLink{m.InstanceID, m.MembershipID, kind, zd.key}.token(key)
		msg := mail.DigestMail(d, inst.words)
		msg.InstanceID, msg.UnsubscribeURL = &m.InstanceID, d.UnsubscribeURL
		notice := model.Notification{InstanceID: m.InstanceID, MembershipID: m.MembershipID, Kind: model.NotifyDigestWeekly,
			Title: "Weekly digest for " + zd.label, Path: "/i/" + m.InstanceCode + "/"}
		if kind == DigestMonthly {
			notice.Kind, notice.Title = model.NotifyDigestMonthly, "Monthly digest for "+zd.label
		}
		batch = append(batch, store.DigestSend{InstanceID: m.InstanceID, MembershipID: m.MembershipID, Period: zd.key, Mail: msg, Notice: notice})
		if len(batch) >= digestBatch && !flush() {
			return finish(nil)
		}
	}
	for _, e := range []error{st.Members.Err(), st.Favorites.Err(), st.Measures.Err(), st.Values.Err(), st.Actions.Err(), st.Todos.Err()} {
		if e != nil {
			return finish(e)
		}
	}
	flush()
	return finish(nil)
}

// digestWriter writes a run's batches in goroutines of their own while
// the next one is composed: writing takes longer than composing, and on
// two cores the run then costs about the longer of them, not their sum.
// On PostgreSQL three write at once, each batch in its own transaction
// on its own connection: one left the database's second core idle, and
// with two both were still idle at times, each waiting on its commit's
// WAL flush (a run of 10,000 took 0.54-0.60 s with two, 0.49-0.58 s
// with three, the same with four). A digest two runs record is still
// written once (SendDigests). SQLite has one writer at a time anyway.
// The hand-over is unbuffered: at most one batch more than there are
// writers is held, so the heap stays flat however many members a run
// has. (A queue of one more batch ran no faster and held a fifth more
// heap.)
type digestWriter struct {
	jobs   chan []store.DigestSend // a batch to record and mail in one transaction
	done   chan struct{}
	closed sync.Once
	failed atomic.Bool
	mu     sync.Mutex // guards sent and err until done
	sent   int
	err    error // the first failure
}

func (a *App) startDigestWriter(ctx context.Context, kind string) *digestWriter {
	w := &digestWriter{jobs: make(chan []store.DigestSend), done: make(chan struct{})}
	writers := 1
	if a.store.Dialect() == store.Postgres {
		writers = 3
	}
	var wg sync.WaitGroup
	for range writers {
		wg.Go(func() {
			for batch := range w.jobs {
				if w.failed.Load() {
					continue // the run stops at the next batch it hands over
				}
				var written []store.DigestSend
				err := a.store.InTx(ctx, func(q *store.Q) (err error) {
					written, err = q.SendDigests(ctx, kind, batch)
					return err
				})
				w.mu.Lock()
				if err != nil && w.err == nil {
					w.err = err
					w.failed.Store(true)
				} else if err == nil {
					w.sent += len(written)
				}
				w.mu.Unlock()
			}
		})
	}
	go func() {
		wg.Wait()
		close(w.done)
	}()
	return w
}

// write hands a batch over; false once a write has failed.
func (w *digestWriter) write(batch []store.DigestSend) bool {
	if w.failed.Load() {
		return false
	}
	w.jobs <- batch
	return true
}

// close waits for the batches handed over and says what they did; it
// may be called again.
func (w *digestWriter) close() (sent int, err error) {
	w.closed.Do(func() { close(w.jobs) })
	<-w.done
	return w.sent, w.err
}

// digestInstance is what a run holds of the instance whose members it is
// writing: its favoured measures summarised, its frequencies and bands.
type digestInstance struct {
	id       int64
	words    *terms.Set
	measures map[int64]*digestMeasure
}

type digestMeasure struct {
	obj     model.Object
	key     string             // the title's sort key
	line    mail.DigestMeasure // as the digests show it, prepared
	linked  bool               // under some scorecard
	summary calc.Summary
	missing []string
	more    int
}

// loadDigestInstance moves the instance-ordered streams to instance id
// and summarises its favoured measures.
func loadDigestInstance(st *store.DigestStreams, id int64, words *terms.Set, base string, now time.Time) (digestInstance, error) {
	inst := digestInstance{id: id, words: words, measures: map[int64]*digestMeasure{}}
	freqs, bands := st.Freqs[id], st.Bands[id]
	for o, ok := st.Measures.Peek(); ok && o.InstanceID <= id; o, ok = st.Measures.Peek() {
		if o.InstanceID == id {
			inst.measures[o.ID] = &digestMeasure{obj: o.Object, linked: o.Linked, key: store.Key(o.Title)}
		}
		st.Measures.Next()
	}
	values := map[int64][]model.DataValue{}
	for v, ok := st.Values.Peek(); ok && v.InstanceID <= id; v, ok = st.Values.Peek() {
		if v.InstanceID == id {
			values[v.MeasureID] = append(values[v.MeasureID], v.DataValue)
		}
		st.Values.Next()
	}
	for _, m := range inst.measures {
		m.summarize(freqs, bands, values[m.obj.ID], now)
		m.line = digestLine(m, base, "")
		m.line.Prepare(words) // once for every member who follows it
	}
	for _, e := range []error{st.Measures.Err(), st.Values.Err()} {
		if e != nil {
			return inst, e
		}
	}
	return inst, nil
}

// summarize computes the measure's summary and the periods due without
// data from its values.
func (m *digestMeasure) summarize(freqs map[int64]model.Frequency, bands map[string]model.BandSetting, values []model.DataValue, now time.Time) {
	m.summary = calc.Summarize(Points(freqs, m.obj, values), m.obj.BaselineKey, calc.Polarity(m.obj.Polarity), MeasureBands(m.obj, bands))
	if f, ok := freqs[derefID(m.obj.FrequencyID)]; ok {
		m.missing, m.more = missingPeriods(FrequencyOf(f), m.summary, now)
	}
}

// missingPeriods lists the periods that have ended since the latest
// actual without one (the last ended period when there is no actual at
// all), at most digestMissing of them and how many more.
func missingPeriods(f period.Frequency, s calc.Summary, now time.Time) ([]string, int) {
	last := f.Prev(f.At(now))
	var from period.Period
	if s.Current == nil {
		from = last
	} else {
		p, err := f.FromKey(s.Current.Key)
		if err != nil {
			return nil, 0
		}
		from = f.Next(p)
	}
	ps := f.Range(from, last)
	var out []string
	for _, p := range ps {
		if len(out) == digestMissing {
			break
		}
		out = append(out, f.Label(p))
	}
	return out, len(ps) - len(out)
}

// composeDigest takes the member's rows from the member-ordered streams
// and writes its digest, with only what the member may see.
func (a *App) composeDigest(ctx context.Context, st *store.DigestStreams, inst *digestInstance, m store.DigestMember, kind, label string, now time.Time) (mail.Digest, error) {
	base := a.cfg.BaseURL + "/i/" + m.InstanceCode
	d := mail.Digest{Kind: kind, Period: label, InstanceName: m.InstanceName, InstanceCode: m.InstanceCode, To: m.Email, Name: m.Name,
		URL: base + "/", PreferencesURL: base + "/preferences"}
	perms, _ := access.NewSet(strings.Split(m.Permissions, ",")...)
	scope := access.ScopeOf(perms, m.HasAssignments)
	sees := func(linked, assigned bool) bool {
		switch scope {
		case access.ScopeAll:
			return true
		case access.ScopeAssigned:
			return assigned
		case access.ScopeLinked:
			return linked
		}
		return false
	}
	// upTo says where a member-ordered row stands against m: < 0 before
	// (a member with no digest due, skipped), 0 m's own, > 0 after.
	upTo := func(i, mm int64) int { return cmp.Or(cmp.Compare(i, m.InstanceID), cmp.Compare(mm, m.MembershipID)) }
	for f, ok := st.Favorites.Peek(); ok && upTo(f.InstanceID, f.MembershipID) <= 0; f, ok = st.Favorites.Peek() {
		if upTo(f.InstanceID, f.MembershipID) == 0 {
			if x := inst.measures[f.MeasureID]; x != nil && sees(x.linked, f.Assigned) {
				d.Measures = append(d.Measures, x.line)
			}
		}
		st.Favorites.Next()
	}
	if m.PartnerFavorites {
		lines, err := a.partnerDigestLines(ctx, m, scope)
		if err != nil {
			return d, err
		}
		d.Measures = append(d.Measures, lines...)
	}
	slices.SortFunc(d.Measures, func(x, y mail.DigestMeasure) int {
		return cmp.Or(cmp.Compare(x.Key, y.Key), cmp.Compare(x.URL, y.URL))
	})
	loc, err := time.LoadLocation(m.Zone)
	if err != nil {
		loc = time.UTC
	}
	today := now.In(loc).Format("2006-01-02")
	soon := now.In(loc).AddDate(0, 0, digestTodosDays).Format("2006-01-02")
	for x, ok := st.Actions.Peek(); ok && upTo(x.InstanceID, x.MembershipID) <= 0; x, ok = st.Actions.Peek() {
		if upTo(x.InstanceID, x.MembershipID) == 0 {
			d.Actions = append(d.Actions, mail.DigestAction{Title: x.Title, URL: base + "/actions/" + strconv.FormatInt(x.ID, 10),
				Status: x.Status, Percent: x.Percent, EndDate: x.EndDate,
				Overdue: x.EndDate != "" && x.EndDate < today, DueSoon: x.EndDate != "" && x.EndDate >= today && x.EndDate <= soon})
		}
		st.Actions.Next()
	}
	slices.SortStableFunc(d.Actions, func(x, y mail.DigestAction) int {
		return cmp.Compare(cmp.Or(x.EndDate, "9999"), cmp.Or(y.EndDate, "9999"))
	})
	for t, ok := st.Todos.Peek(); ok && upTo(t.InstanceID, t.MembershipID) <= 0; t, ok = st.Todos.Peek() {
		if upTo(t.InstanceID, t.MembershipID) == 0 && t.DueDate <= soon && (t.Own || sees(t.Linked, t.Assigned)) {
			d.Todos = append(d.Todos, mail.DigestTodo{Title: t.Title, ActionTitle: t.ActionTitle, DueDate: t.DueDate, Overdue: t.DueDate < today,
				URL: base + "/actions/" + strconv.FormatInt(t.ActionID, 10)})
		}
		st.Todos.Next()
	}
	return d, nil
}

// digestLine is a favourite measure's line of the digest.
func digestLine(x *digestMeasure, base, site string) mail.DigestMeasure {
	o, s := x.obj, x.summary
	line := mail.DigestMeasure{Title: o.Title, Key: x.key, Site: site, URL: base + "/objects/" + strconv.FormatInt(o.ID, 10),
		Missing: x.missing, MissingMore: x.more, Band: string(s.Color)}
	if s.Current != nil {
		line.Period = s.Current.Label
		line.Actual = calc.FormatValue(s.Current.Actual, o.Decimals, o.Unit, o.UnitBefore)
		if s.Current.Target != nil {
			line.Target = calc.FormatValue(s.Current.Target, o.Decimals, o.Unit, o.UnitBefore)
		}
	}
	if t := s.Trend; t.Direction != 0 || t.Length > 0 {
		dir := map[int]string{1: "up", -1: "down", 0: "flat"}[t.Direction]
		line.Trend = fmt.Sprintf("%s for %d period%s", dir, t.Length, map[bool]string{true: "", false: "s"}[t.Length == 1])
		if t.Good != nil {
			line.Trend += map[bool]string{true: " (improving)", false: " (worsening)"}[*t.Good]
		}
	}
	return line
}

// partnerDigestLines are a member's favourites among partner measures
// still shared with it, each with its partner's name. Partner favourites
// are few; they are read per member who has any (not per measure).
func (a *App) partnerDigestLines(ctx context.Context, m store.DigestMember, scope access.Scope) ([]mail.DigestMeasure, error) {
	q := a.store.Q()
	_, shared, err := q.MembershipAssignments(ctx, m.InstanceID, m.MembershipID)
	if err != nil {
		return nil, err
	}
	owners, err := q.SharingOwners(ctx, m.InstanceID)
	if err != nil || len(owners) == 0 {
		return nil, err
	}
	v := store.Visibility{Scope: scope, MembershipID: m.MembershipID, InstanceID: m.InstanceID, SharedAssigned: shared}
	objs, err := q.Favorites(ctx, m.InstanceID, m.MembershipID, owners, v)
	if err != nil {
		return nil, err
	}
	sites, err := q.Sites(ctx, m.InstanceID)
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	for _, p := range sites {
		names[p.ID] = p.Label()
	}
	var out []mail.DigestMeasure
	cache := map[int64]digestInstance{}
	for _, o := range objs {
		if o.InstanceID == m.InstanceID {
			continue // own favourites came from the streams
		}
		in, ok := cache[o.InstanceID]
		if !ok {
			freqs, err := q.ListFrequencies(ctx, o.InstanceID)
			if err != nil {
				return nil, err
			}
			bands, err := q.Bands(ctx, o.InstanceID)
			if err != nil {
				return nil, err
			}
			in = digestInstance{id: o.InstanceID, measures: map[int64]*digestMeasure{}}
			fm := map[int64]model.Frequency{}
			for _, f := range freqs {
				fm[f.ID] = f
			}
			values, err := q.ValuesOf(ctx, o.InstanceID, partnerIDs(objs, o.InstanceID))
			if err != nil {
				return nil, err
			}
			for _, x := range objs {
				if x.InstanceID != o.InstanceID {
					continue
				}
				dm := &digestMeasure{obj: x, key: store.Key(x.Title)}
				dm.summarize(fm, bands, values[x.ID], a.store.Now())
				in.measures[x.ID] = dm
			}
			cache[o.InstanceID] = in
		}
		line := digestLine(in.measures[o.ID], a.cfg.BaseURL+"/i/"+m.InstanceCode, names[o.InstanceID])
		line.Missing, line.MissingMore = nil, 0 // the partner's to enter, not the member's
		out = append(out, line)
	}
	return out, nil
}

func partnerIDs(objs []model.Object, instanceID int64) []int64 {
	var ids []int64
	for _, o := range objs {
		if o.InstanceID == instanceID {
			ids = append(ids, o.ID)
		}
	}
	return ids
}
