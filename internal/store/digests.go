package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"yardstick/internal/model"
)

// A digest run (issue 15) reads everything it needs for every due member
// of every instance in a fixed number of streaming statements, each in
// (instance, membership) order (or (instance, measure) order for the
// favourite measures and their values), which the app walks side by side:
// the statement count does not grow with the members, and only one
// instance's favourite measures are held at a time. Each is ordered by
// its table's key (an index read, no sort of every row); the app puts a
// member's few rows in the order the mail shows them.

// DigestDue says which members a run is for: the digest kind, the time
// zones where it is due now, and the periods it is for there (the local
// date of the Monday or the 1st).
type DigestDue struct {
	Kind    string // weekly or monthly
	Zones   []string
	Periods []string
}

// memberRows is the FROM … WHERE of a member-ordered table's rows of the
// due members (aliased m, with their account a and instance i), given
// its instance and membership columns, and the ORDER BY that keeps them
// in member order and then by rest (sqliteRest on SQLite).
//
// On SQLite the table's rows are found for each due member, after the
// member was found due once (CROSS JOIN keeps that order there): joined
// the other way, the rows in key order each looking their member up, the
// due test ran once per row, ten times a member for ten favourites. A row
// id there is ordered as +id: as a bare column SQLite read the rows in
// that order from the (instance_id, id) key, walking the whole instance's
// table for each member. PostgreSQL plans the first form with hash joins
// and a full sort of the rows (spilled to disk for the actions), so it
// keeps the second, which it reads in key order.
func (d DigestDue) memberRows(a *args, dialect Dialect, table, instCol, memberCol, rest, sqliteRest string) (from, orderBy string) {
	if dialect == SQLite {
		return ` FROM memberships m CROSS JOIN accounts a CROSS JOIN instances i CROSS JOIN ` + table +
				` WHERE a.id = m.account_id AND i.id = m.instance_id AND ` + instCol + ` = m.instance_id AND ` + memberCol + ` = m.id AND ` + d.dueWhere(a),
			` ORDER BY m.instance_id, m.id, ` + sqliteRest
	}
	return ` FROM ` + table + ` JOIN memberships m ON m.instance_id = ` + instCol + ` AND m.id = ` + memberCol +
			` JOIN accounts a ON a.id = m.account_id JOIN instances i ON i.id = m.instance_id WHERE ` + d.dueWhere(a),
		` ORDER BY ` + instCol + `, ` + memberCol + `, ` + rest
}

// dueWhere is the condition on m, a and i of a due member.
func (d DigestDue) dueWhere(a *args) string {
	kind := a.add(d.Kind)
	return `m.active AND ` + d.flag() + ` AND COALESCE(NULLIF(a.time_zone, ''), i.time_zone) IN (` + a.texts(d.Zones) + `)
		AND NOT EXISTS (SELECT 1 FROM digest_sends ds WHERE ds.instance_id = m.instance_id AND ds.membership_id = m.id
			AND ds.kind = ` + kind + ` AND ds.period IN (` + a.texts(d.Periods) + `))`
}

// texts adds a list of text parameters for IN (…); NULL when empty.
func (a *args) texts(ss []string) string {
	ph := make([]string, len(ss))
	for i, s := range ss {
		ph[i] = a.add(s)
	}
	if len(ph) == 0 {
		return "NULL"
	}
	return strings.Join(ph, ", ")
}

// flag is the membership column that turns the digest on.
func (d DigestDue) flag() string {
	if d.Kind == "monthly" {
		return "m.digest_monthly"
	}
	return "m.digest_weekly"
}

// DigestZones lists the time zones in use (accounts' and instances'), for
// the app to work out where a digest is due.
func (q *Q) DigestZones(ctx context.Context) ([]string, error) {
	return collect(ctx, q, scanString, `SELECT time_zone FROM accounts WHERE time_zone <> '' GROUP BY time_zone
		UNION SELECT time_zone FROM instances WHERE time_zone <> '' GROUP BY time_zone`)
}

func scanString(sc interface{ Scan(...any) error }) (string, error) {
	var s string
	err := sc.Scan(&s)
	return s, err
}

// DigestMember is a member a digest is due for.
type DigestMember struct {
	InstanceID, MembershipID   int64
	Email, Name, Zone          string
	Permissions                string
	HasAssignments             bool
	PartnerFavorites           bool
	InstanceName, InstanceCode string
	Terms                      string
}

// DigestStreams are the open statements of one run. Close them all.
type DigestStreams struct {
	Members   *Stream[DigestMember]
	Favorites *Stream[DigestFavorite]
	Measures  *Stream[DigestMeasure]
	Values    *Stream[DigestValue]
	Actions   *Stream[DigestAction]
	Todos     *Stream[DigestTodo]
	// Every instance's frequencies and colour bands, read whole at the
	// start (a few rows an instance): a statement kept open for them would
	// hold one more of SQLite's 8 connections for the whole run.
	Freqs map[int64]map[int64]model.Frequency    // instance → id →
	Bands map[int64]map[string]model.BandSetting // instance → polarity →
}

// Close closes every statement.
func (s *DigestStreams) Close() {
	closeStream(s.Members)
	closeStream(s.Favorites)
	closeStream(s.Measures)
	closeStream(s.Values)
	closeStream(s.Actions)
	closeStream(s.Todos)
}

// closeStream closes a stream that was opened.
func closeStream[T any](s *Stream[T]) {
	if s != nil {
		s.Close()
	}
}

// DigestFavorite is one of a due member's own favourite measures, with
// what decides whether the member still sees it (the app applies the
// scope; whether the measure is under any scorecard comes with the
// measure, DigestMeasure.Linked).
type DigestFavorite struct {
	InstanceID, MembershipID, MeasureID int64
	Assigned                            bool // under a scorecard assigned to the member (not asked for scorecards.all)
}

// DigestMeasure is a measure some due member follows.
type DigestMeasure struct {
	model.Object
	Linked bool // under some scorecard
}

// DigestValue is a data value with its instance.
type DigestValue struct {
	InstanceID int64
	model.DataValue
}

// DigestAction is an open action assigned to a due member.
type DigestAction struct {
	InstanceID, MembershipID, ID int64
	Title, Status, EndDate       string
	Percent                      int
}

// DigestTodo is an open to-do assigned to a due member, due by a date.
type DigestTodo struct {
	InstanceID, MembershipID, ID, ActionID int64
	Title, ActionTitle, DueDate            string
	Own, Linked, Assigned                  bool // visibility of its action, as for DigestFavorite
}

// DigestBand is an instance's colour band setting.
type DigestBand struct {
	InstanceID int64
	model.BandSetting
}

// OpenDigestStreams starts the run's statements. todosBy is the last due
// date (YYYY-MM-DD) of the to-dos listed.
func (q *Q) OpenDigestStreams(ctx context.Context, d DigestDue, todosBy string) (_ *DigestStreams, err error) {
	s := &DigestStreams{}
	defer func() {
		if err != nil {
			s.Close()
		}
	}()
	var a args
	w := d.dueWhere(&a)
	if s.Members, err = openStream(ctx, q, func(sc *sql.Rows) (DigestMember, error) {
		var m DigestMember
		err := sc.Scan(&m.InstanceID, &m.MembershipID, &m.Email, &m.Name, &m.Zone, &m.Permissions, &m.HasAssignments, &m.PartnerFavorites,
			&m.InstanceName, &m.InstanceCode, &m.Terms)
		return m, err
	}, `SELECT m.instance_id, m.id, a.email, a.name, COALESCE(NULLIF(a.time_zone, ''), i.time_zone), m.permissions,
			EXISTS (SELECT 1 FROM membership_scorecards ms WHERE ms.instance_id = m.instance_id AND ms.membership_id = m.id),
			EXISTS (SELECT 1 FROM partner_favorites pf WHERE pf.instance_id = m.instance_id AND pf.membership_id = m.id),
			i.name, i.code, i.terms
		FROM memberships m JOIN accounts a ON a.id = m.account_id JOIN instances i ON i.id = m.instance_id
		WHERE `+w+` ORDER BY m.instance_id, m.id`, a...); err != nil {
		return nil, err
	}
	a = nil
	j, order := d.memberRows(&a, q.s.dialect, "favorites f", "f.instance_id", "f.membership_id", "f.measure_id", "f.measure_id")
	if s.Favorites, err = openStream(ctx, q, func(sc *sql.Rows) (DigestFavorite, error) {
		var f DigestFavorite
		err := sc.Scan(&f.InstanceID, &f.MembershipID, &f.MeasureID, &f.Assigned)
		return f, err
	}, `SELECT f.instance_id, f.membership_id, f.measure_id,
			(',' || m.permissions || ',') NOT LIKE '%,scorecards.all,%'
			AND EXISTS (SELECT 1 FROM scorecard_objects so JOIN membership_scorecards ms ON ms.instance_id = so.instance_id AND ms.scorecard_id = so.scorecard_id
				WHERE so.instance_id = f.instance_id AND so.object_id = f.measure_id AND ms.membership_id = f.membership_id)`+j+order, a...); err != nil {
		return nil, err
	}
	// The favourite measures of any member with the digest on: a superset
	// of the due members' (cheaper to say than theirs exactly), each once.
	favored := `EXISTS (SELECT 1 FROM favorites f JOIN memberships m ON m.instance_id = f.instance_id AND m.id = f.membership_id
		WHERE f.instance_id = %s.instance_id AND f.measure_id = %s AND m.active AND ` + d.flag() + `)`
	if s.Measures, err = openStream(ctx, q, func(sc *sql.Rows) (DigestMeasure, error) {
		var m DigestMeasure
		var err error
		m.Object, err = scanObject(suffixed{sc, &m.Linked})
		return m, err
	}, `SELECT `+objectCols+`, EXISTS (SELECT 1 FROM scorecard_objects so WHERE so.instance_id = o.instance_id AND so.object_id = o.id)`+
		objectFrom+` WHERE o.kind = 'measure' AND `+fmt.Sprintf(favored, "o", "o.id")+` ORDER BY o.instance_id, o.id`); err != nil {
		return nil, err
	}
	if s.Values, err = openStream(ctx, q, func(sc *sql.Rows) (DigestValue, error) {
		var v DigestValue
		var err error
		v.DataValue, err = scanData(prefixed{sc, &v.InstanceID})
		return v, err
	}, `SELECT dv.instance_id, `+dataCols+` FROM data_values dv WHERE `+fmt.Sprintf(favored, "dv", "dv.measure_id")+`
		ORDER BY dv.instance_id, dv.measure_id, dv.period_key`); err != nil {
		return nil, err
	}
	a = nil
	j, order = d.memberRows(&a, q.s.dialect, "actions ac", "ac.instance_id", "ac.assignee_id", "ac.id", "+ac.id")
	if s.Actions, err = openStream(ctx, q, func(sc *sql.Rows) (DigestAction, error) {
		var x DigestAction
		err := sc.Scan(&x.InstanceID, &x.MembershipID, &x.ID, &x.Title, &x.Status, &x.EndDate, &x.Percent)
		return x, err
	}, `SELECT ac.instance_id, ac.assignee_id, ac.id, ac.title, ac.status, COALESCE(ac.end_date, ''), ac.percent`+j+`
			AND ac.status NOT IN ('Completed', 'Cancelled', 'N/A')`+order, a...); err != nil {
		return nil, err
	}
	a = nil
	j, order = d.memberRows(&a, q.s.dialect, "action_todos t JOIN actions ac ON ac.instance_id = t.instance_id AND ac.id = t.action_id",
		"t.instance_id", "t.assignee_id", "t.due_date, t.id", "t.due_date, +t.id")
	by := a.add(todosBy)
	if s.Todos, err = openStream(ctx, q, func(sc *sql.Rows) (DigestTodo, error) {
		var t DigestTodo
		err := sc.Scan(&t.InstanceID, &t.MembershipID, &t.ID, &t.ActionID, &t.Title, &t.ActionTitle, &t.DueDate, &t.Own, &t.Linked, &t.Assigned)
		return t, err
	}, `SELECT t.instance_id, t.assignee_id, t.id, t.action_id, t.title, ac.title, t.due_date,
			ac.assignee_id = t.assignee_id OR ac.assigner_id = t.assignee_id,
			EXISTS (SELECT 1 FROM action_links l WHERE l.instance_id = ac.instance_id AND l.action_id = ac.id
				AND (l.scorecard_id IS NOT NULL OR EXISTS (SELECT 1 FROM scorecard_objects so WHERE so.instance_id = l.instance_id AND so.object_id = l.object_id))),
			EXISTS (SELECT 1 FROM action_links l JOIN membership_scorecards ms ON ms.instance_id = l.instance_id AND ms.membership_id = t.assignee_id
				WHERE l.instance_id = ac.instance_id AND l.action_id = ac.id
				AND (ms.scorecard_id = l.scorecard_id OR EXISTS (SELECT 1 FROM scorecard_objects so WHERE so.instance_id = ms.instance_id
					AND so.scorecard_id = ms.scorecard_id AND so.object_id = l.object_id)))`+j+`
			AND NOT t.done AND t.due_date IS NOT NULL AND t.due_date <> '' AND t.due_date <= `+by+order, a...); err != nil {
		return nil, err
	}
	freqs, err := collect(ctx, q, scanFrequency, `SELECT `+frequencyCols+` FROM frequencies`)
	if err != nil {
		return nil, err
	}
	s.Freqs = map[int64]map[int64]model.Frequency{}
	for _, f := range freqs {
		if s.Freqs[f.InstanceID] == nil {
			s.Freqs[f.InstanceID] = map[int64]model.Frequency{}
		}
		s.Freqs[f.InstanceID][f.ID] = f
	}
	bands, err := collect(ctx, q, func(sc interface{ Scan(...any) error }) (DigestBand, error) {
		var b DigestBand
		err := sc.Scan(&b.InstanceID, &b.Polarity, &b.Green, &b.Yellow)
		return b, err
	}, `SELECT instance_id, polarity, green, yellow FROM color_bands`)
	if err != nil {
		return nil, err
	}
	s.Bands = map[int64]map[string]model.BandSetting{}
	for _, b := range bands {
		if s.Bands[b.InstanceID] == nil {
			s.Bands[b.InstanceID] = map[string]model.BandSetting{}
		}
		s.Bands[b.InstanceID][b.Polarity] = b.BandSetting
	}
	return s, nil
}

// prefixed scans a leading column into first, then hands the rest to
// the scanner of a shared column list.
type prefixed struct {
	sc    interface{ Scan(...any) error }
	first any
}

func (p prefixed) Scan(dest ...any) error { return p.sc.Scan(append([]any{p.first}, dest...)...) }

// suffixed scans a trailing column into last after those of a shared
// column list.
type suffixed struct {
	sc   interface{ Scan(...any) error }
	last any
}

func (p suffixed) Scan(dest ...any) error { return p.sc.Scan(append(dest, p.last)...) }

// streamChunk is how many rows a stream's reader hands over at a time.
const streamChunk = 256

// Stream is an open statement read ahead, so a caller walking several in
// the same order can look at the next row before taking it. A goroutine
// of its own reads the rows (the database's work for them on SQLite, the
// decoding on PostgreSQL) while the caller composes: on two cores a
// digest run's reading went on one core after the other before. It
// hands them over streamChunk at a time and holds at most three chunks,
// so the heap stays flat however long the statement.
type Stream[T any] struct {
	rows   *sql.Rows
	chunks chan []T // closed when the reader stopped
	quit   chan struct{}
	done   chan struct{}
	closed sync.Once
	buf    []T // the chunk being taken, nil once the stream ended
	i      int
	ended  bool
	err    error // the reader's; read once chunks is closed
}

func openStream[T any](ctx context.Context, q *Q, scan func(*sql.Rows) (T, error), query string, a ...any) (*Stream[T], error) {
	q.counter.add()
	rows, err := q.q.QueryContext(ctx, query, a...) // long-lived: never from the statement cache
	if err != nil {
		return nil, err
	}
	s := &Stream[T]{rows: rows, chunks: make(chan []T, 1), quit: make(chan struct{}), done: make(chan struct{})}
	go s.read(scan)
	s.take()
	if err := s.Err(); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// read runs in the stream's goroutine until the rows end or Close.
func (s *Stream[T]) read(scan func(*sql.Rows) (T, error)) {
	defer close(s.done)
	defer close(s.chunks)
	chunk := make([]T, 0, streamChunk)
	for s.rows.Next() {
		v, err := scan(s.rows)
		if err != nil {
			s.err = err
			return // a row it cannot read ends the stream, as an error
		}
		if chunk = append(chunk, v); len(chunk) == streamChunk {
			select {
			case s.chunks <- chunk:
			case <-s.quit:
				return
			}
			chunk = make([]T, 0, streamChunk)
		}
	}
	if s.err = s.rows.Err(); s.err != nil || len(chunk) == 0 {
		return
	}
	select {
	case s.chunks <- chunk:
	case <-s.quit:
	}
}

// take moves to the next chunk; the stream has ended when there is none.
func (s *Stream[T]) take() {
	s.buf, s.i = <-s.chunks, 0
	s.ended = s.buf == nil
}

// Peek returns the next row without taking it; false at the end.
func (s *Stream[T]) Peek() (T, bool) {
	if s.i < len(s.buf) {
		return s.buf[s.i], true
	}
	var zero T
	return zero, false
}

// Next takes the next row.
func (s *Stream[T]) Next() {
	if s.ended {
		return
	}
	if s.i++; s.i >= len(s.buf) {
		s.take()
	}
}

// Err is the statement's error, once the stream ended (nil before).
func (s *Stream[T]) Err() error {
	if !s.ended {
		return nil
	}
	return s.err
}

// Close ends the statement and its reader; it may be called again.
func (s *Stream[T]) Close() {
	s.closed.Do(func() {
		close(s.quit)
		s.rows.Close() // after a Next under way; the reader then stops
		<-s.done
	})
}

// DigestSend is one digest to record and mail.
type DigestSend struct {
	InstanceID, MembershipID int64
	Period                   string // the digest's, by the member's zone: the local date of its Monday or 1st
	Mail                     model.OutboxMessage
	Notice                   model.Notification // for the member's bell
}

// SendDigests records a batch of digests of kind as sent for their periods
// and writes the mails and notifications of those not
// recorded before: a digest another run recorded meanwhile is skipped, so
// none is sent twice. Run it in a transaction. It returns the
// sends it wrote.
func (q *Q) SendDigests(ctx context.Context, kind string, sends []DigestSend) ([]DigestSend, error) {
	if len(sends) == 0 {
		return nil, nil
	}
	res, err := q.recordDigests(ctx, kind, sends)
	if err != nil {
		return nil, err
	}
	type key struct{ i, m int64 }
	fresh := map[key]bool{}
	for res.Next() {
		var k key
		if err := res.Scan(&k.i, &k.m); err != nil {
			res.Close()
			return nil, err
		}
		fresh[k] = true
	}
	res.Close()
	if err := res.Err(); err != nil {
		return nil, err
	}
	var mails []model.OutboxMessage
	var notes []model.Notification
	var written []DigestSend
	for _, s := range sends {
		if !fresh[key{s.InstanceID, s.MembershipID}] {
			continue
		}
		mails = append(mails, s.Mail)
		notes = append(notes, s.Notice)
		written = append(written, s)
	}
	if len(mails) == 0 {
		return nil, nil
	}
	if err := q.AddNotifications(ctx, notes); err != nil {
		return nil, err
	}
	return written, q.EnqueueMails(ctx, mails)
}

// recordDigests inserts the batch's digest_sends rows, returning the
// (instance, membership) of those it inserted. On PostgreSQL the rows go
// as arrays: one statement text whatever the batch, prepared once a
// connection, instead of a VALUES list of 1,000 parameters parsed for
// every batch (a fifth less time a batch).
func (q *Q) recordDigests(ctx context.Context, kind string, sends []DigestSend) (*sql.Rows, error) {
	now := q.Now()
	if q.s.dialect == Postgres {
		insts, members, periods := make([]int64, len(sends)), make([]int64, len(sends)), make([]string, len(sends))
		for i, s := range sends {
			insts[i], members[i], periods[i] = s.InstanceID, s.MembershipID, s.Period
		}
		return q.query(ctx, `INSERT INTO digest_sends (instance_id, membership_id, kind, period, sent_at)
			SELECT i, m, $3, p, $5 FROM unnest($1::bigint[], $2::bigint[], $4::text[]) AS u(i, m, p)
			ON CONFLICT DO NOTHING RETURNING instance_id, membership_id`, insts, members, kind, periods, now)
	}
	var a args
	rows := make([]string, len(sends))
	for i, s := range sends {
		rows[i] = "(" + a.next(q.s.dialect, s.InstanceID) + ", " + a.next(q.s.dialect, s.MembershipID) + ", " +
			a.next(q.s.dialect, kind) + ", " + a.next(q.s.dialect, s.Period) + ", " + a.next(q.s.dialect, now) + ")"
	}
	return q.query(ctx, `INSERT INTO digest_sends (instance_id, membership_id, kind, period, sent_at) VALUES `+listMark+strings.Join(rows, ", ")+`
		ON CONFLICT DO NOTHING RETURNING instance_id, membership_id`, a...)
}

// DigestLink says whether the digest of kind and period sent to a
// membership exists and whether its unsubscribe link was used:
// ErrNotFound when no such digest was sent (or the membership is gone).
func (q *Q) DigestLink(ctx context.Context, instanceID, membershipID int64, kind, period string) (used bool, err error) {
	var u sql.NullTime
	err = q.row(ctx, `SELECT link_used_at FROM digest_sends WHERE instance_id = $1 AND membership_id = $2 AND kind = $3 AND period = $4`,
		instanceID, membershipID, kind, period).Scan(&u)
	return u.Valid, notFound(err)
}

// Unsubscribe uses the unsubscribe link of a digest DigestLink found:
// once, turning that digest off for that membership. It returns
// ErrConflict for a link used already (or meanwhile).
func (q *Q) Unsubscribe(ctx context.Context, instanceID, membershipID int64, kind, period string, now time.Time) error {
	res, err := q.exec(ctx, `UPDATE digest_sends SET link_used_at = $1
		WHERE instance_id = $2 AND membership_id = $3 AND kind = $4 AND period = $5 AND link_used_at IS NULL`,
		now, instanceID, membershipID, kind, period)
	if err := affectedOne(res, err); errors.Is(err, ErrNotFound) {
		return ErrConflict
	} else if err != nil {
		return err
	}
	col := "digest_weekly"
	if kind == "monthly" {
		col = "digest_monthly"
	}
	_, err = q.exec(ctx, `UPDATE memberships SET `+col+` = FALSE, version = version + 1, updated_at = $1 WHERE instance_id = $2 AND id = $3`,
		now, instanceID, membershipID)
	return err
}
