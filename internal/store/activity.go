package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"yardstick/internal/model"
)

// activityChunk entries of 14 parameters stay within SQLite's 32,766.
const activityChunk = 1000

// RecordActivity writes log entries. Called inside the transaction of the
// change it records, so a rolled-back change leaves no entry. An entry
// without an outcome succeeded. It also moves each actor's "last
// activity" in the users list (not for failures, such as a wrong
// password): one UPDATE per member per call, so the list never aggregates
// the log.
func (q *Q) RecordActivity(ctx context.Context, entries ...model.Activity) error {
	if len(entries) == 0 {
		return nil
	}
	b := q.ActivityBatch()
	defer b.Discard()
	if err := b.Add(ctx, entries...); err != nil {
		return err
	}
	return b.Close(ctx)
}

// ActivityBatch writes log entries as they come, activityChunk to one
// INSERT (prepared once in the transaction and reused), so a writer of
// 100,000 values never holds 100,000 entries; Close writes the rest and
// moves the actors' "last activity" once, as RecordActivity does.
type ActivityBatch struct {
	q      *Q
	ins    chunkStmt
	buf    []model.Activity
	latest map[activityMember]time.Time
	json   []byte
}

type activityMember struct{ instance, account int64 }

// ActivityBatch starts a batch of log entries in q's transaction.
func (q *Q) ActivityBatch() *ActivityBatch {
	return &ActivityBatch{q: q, ins: chunkStmt{q: q}, latest: map[activityMember]time.Time{}}
}

// Add queues entries, writing each full chunk.
func (b *ActivityBatch) Add(ctx context.Context, entries ...model.Activity) error {
	for len(entries) > 0 {
		if len(b.buf) == 0 && len(entries) >= activityChunk {
			// A whole chunk at hand is written from where it is.
			if err := b.write(ctx, entries[:activityChunk], true); err != nil {
				return err
			}
			entries = entries[activityChunk:]
			continue
		}
		n := min(activityChunk-len(b.buf), len(entries))
		if b.buf == nil {
			b.buf = make([]model.Activity, 0, min(activityChunk, max(len(entries), 16)))
		}
		b.buf = append(b.buf, entries[:n]...)
		entries = entries[n:]
		if len(b.buf) == activityChunk {
			if err := b.write(ctx, b.buf, true); err != nil {
				return err
			}
			clear(b.buf)
			b.buf = b.buf[:0]
		}
	}
	return nil
}

// Close writes what is queued and the actors' last activity.
func (b *ActivityBatch) Close(ctx context.Context) error {
	defer b.Discard()
	if len(b.buf) > 0 {
		if err := b.write(ctx, b.buf, false); err != nil {
			return err
		}
		b.buf = b.buf[:0]
	}
	for k, at := range b.latest {
		if _, err := b.q.exec(ctx, `UPDATE memberships SET last_activity_at = $1, seen_at = $1
			WHERE instance_id = $2 AND account_id = $3 AND seen_at < $1`, at.UTC(), k.instance, k.account); err != nil {
			return err
		}
	}
	clear(b.latest)
	return nil
}

// Discard releases the batch's prepared statement; queued entries are
// dropped (the transaction is being rolled back).
func (b *ActivityBatch) Discard() { b.ins.close() }

// write inserts one chunk; reuse: a full chunk, whose statement is
// prepared once in the transaction.
func (b *ActivityBatch) write(ctx context.Context, chunk []model.Activity, reuse bool) error {
	q := b.q
	// One INSERT for up to activityChunk entries: a save of many periods
	// (or a partner's save logged in both instances) is one statement, not
	// one per entry.
	var sb strings.Builder
	sb.Grow(256 + len(chunk)*45)
	sb.WriteString(`INSERT INTO activity_log (instance_id, at, account_id, actor_name, actor_email, actor_instance,
			activity, object_type, object_id, object_name, changes, client_addr, request_id, outcome)
			VALUES `)
	if len(chunk) > 1 {
		sb.WriteString(listMark) // the text varies with the count: never in the statement cache
	}
	a := make(args, 0, 14*len(chunk))
	now := time.Time{}
	for i, e := range chunk {
		changes := ""
		if len(e.Changes) > 0 {
			b.json = appendChanges(b.json[:0], e.Changes)
			changes = string(b.json)
		}
		if e.At.IsZero() {
			if now.IsZero() {
				now = q.Now()
			}
			e.At = now
		}
		if e.Outcome == "" {
			e.Outcome = model.OutcomeSucceeded
		}
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString("(")
		for j, v := range [...]any{e.InstanceID, e.At.UTC(), e.AccountID, truncate(e.ActorName, 200), truncate(e.ActorEmail, 254), e.ActorInstance,
			e.Activity, e.ObjectType, e.ObjectID, truncate(e.ObjectName, 300), changes, truncate(e.ClientAddr, 100), e.RequestID, e.Outcome} {
			if j > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString(a.next(q.s.dialect, v))
		}
		sb.WriteString(")")
		if e.AccountID != nil && e.Activity != "sign_in_failed" && e.Outcome != model.OutcomeFailed {
			k := activityMember{e.InstanceID, *e.AccountID}
			if e.At.After(b.latest[k]) {
				b.latest[k] = e.At
			}
		}
	}
	_, err := b.ins.exec(ctx, sb.String(), reuse, a...)
	return err
}

// appendChanges appends changes as encoding/json writes them (the log's
// changes column has always held json.Marshal's text): text of plain ASCII
// as it is, anything else through encoding/json itself.
func appendChanges(dst []byte, changes []model.Change) []byte {
	dst = append(dst, '[')
	for i, c := range changes {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"field":`...)
		dst = appendJSONString(dst, c.Field)
		dst = append(dst, `,"before":`...)
		dst = appendJSONString(dst, c.Before)
		dst = append(dst, `,"after":`...)
		dst = appendJSONString(dst, c.After)
		dst = append(dst, '}')
	}
	return append(dst, ']')
}

func appendJSONString(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			b, _ := json.Marshal(s) // a string always encodes
			return append(dst, b...)
		}
	}
	dst = append(dst, '"')
	dst = append(dst, s...)
	return append(dst, '"')
}

// ActivityFilter selects log entries: [From, To) in UTC, optionally one
// account and one activity type, newest first.
type ActivityFilter struct {
	From, To  time.Time
	AccountID int64
	Activity  string
	// ObjectID with ObjectTypes: the entries of one object (its History
	// tab), whose id the given types share.
	ObjectID    int64
	ObjectTypes []string
	After       string // cursor
	Limit       int
}

// ActivityPage is one page of the log.
type ActivityPage struct {
	Entries []model.Activity
	Next    string
}

// ListActivity pages through an instance's log, newest first, by keyset
// on (at, id): rows inserted meanwhile never shift a page.
func (q *Q) ListActivity(ctx context.Context, instanceID int64, f ActivityFilter) (ActivityPage, error) {
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 50
	}
	var cursor *activityCursor
	if f.After != "" {
		key, id, ok := decodeCursor(f.After)
		t, err := time.Parse(time.RFC3339Nano, key)
		if !ok || err != nil {
			return ActivityPage{}, ErrBadCursor
		}
		cursor = &activityCursor{t.UTC(), id}
	}
	where, a := q.activityWhere(instanceID, f, cursor)
	page := ActivityPage{}
	err := q.EachActivity(ctx, q.activitySelect(f)+strings.Join(where, " AND ")+
		` ORDER BY at DESC, id DESC LIMIT `+strconv.Itoa(f.Limit+1), a, func(e model.Activity) error {
		page.Entries = append(page.Entries, e)
		return nil
	})
	if err != nil {
		return page, err
	}
	if len(page.Entries) > f.Limit {
		page.Entries = page.Entries[:f.Limit]
		last := page.Entries[f.Limit-1]
		page.Next = encodeCursor(last.At.UTC().Format(time.RFC3339Nano), last.ID)
	}
	return page, nil
}

// EachActivity streams the rows of a log query to fn one at a time, so
// exports hold one row in memory whatever the count.
func (q *Q) EachActivity(ctx context.Context, query string, a args, fn func(model.Activity) error) error {
	rows, err := q.query(ctx, query, a...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var e model.Activity
		var acct, obj sql.NullInt64
		var changes string
		if err := rows.Scan(&e.ID, &e.InstanceID, &e.At, &acct, &e.ActorName, &e.ActorEmail, &e.ActorInstance, &e.Activity,
			&e.ObjectType, &obj, &e.ObjectName, &changes, &e.ClientAddr, &e.RequestID, &e.Outcome); err != nil {
			return err
		}
		e.At = e.At.UTC()
		if acct.Valid {
			e.AccountID = &acct.Int64
		}
		if obj.Valid {
			e.ObjectID = &obj.Int64
		}
		if changes != "" && json.Unmarshal([]byte(changes), &e.Changes) != nil {
			// Not ours (a row written by hand or damaged): the audit log
			// shows it as it is rather than failing the whole page.
			e.Changes = []model.Change{{Field: "changes", After: changes}}
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return rows.Err()
}

// ExportActivity streams every entry matching the filter (no paging),
// newest first.
func (q *Q) ExportActivity(ctx context.Context, instanceID int64, f ActivityFilter, fn func(model.Activity) error) error {
	where, a := q.activityWhere(instanceID, f, nil)
	return q.EachActivity(ctx, q.activitySelect(f)+strings.Join(where, " AND ")+` ORDER BY at DESC, id DESC`, a, fn)
}

type activityCursor struct {
	at time.Time
	id int64
}

// activitySelect starts a log query. Without statistics SQLite prefers the
// (instance, at) index, which matches the ORDER BY, even for a member or
// type filter, and then checks every entry of the range: at 5,000,000
// entries a rare member's page took seconds. It is told which index fits.
func (q *Q) activitySelect(f ActivityFilter) string {
	return `SELECT id, instance_id, at, account_id, actor_name, actor_email, actor_instance, activity, object_type,
	object_id, object_name, changes, client_addr, request_id, outcome FROM ` + q.activityFrom(f) + ` WHERE `
}

// activityFrom names the table, with the index that fits the filter on
// SQLite (see activitySelect).
func (q *Q) activityFrom(f ActivityFilter) string {
	if q.s.dialect == SQLite {
		switch {
		case f.AccountID != 0:
			return "activity_log INDEXED BY activity_account"
		case f.Activity != "":
			return "activity_log INDEXED BY activity_type"
		}
	}
	return "activity_log"
}

// activityWhere builds the conditions of a filter; each combination has
// an index starting (instance_id, [account_id | activity,] at). With a
// cursor the cursor is the upper bound (not "at < To" as well): given
// both, SQLite bounds the index scan by To and filters by the cursor,
// walking every newer entry before the page.
func (q *Q) activityWhere(instanceID int64, f ActivityFilter, c *activityCursor) ([]string, args) {
	a := args{instanceID, f.From.UTC()}
	where := []string{"instance_id = $1", "at >= $2"}
	if f.AccountID != 0 {
		where = append(where, "account_id = "+a.add(f.AccountID))
	}
	if f.Activity != "" {
		where = append(where, "activity = "+a.add(f.Activity))
	}
	if f.ObjectID != 0 {
		where = append(where, "object_id = "+a.add(f.ObjectID))
		types := make([]string, len(f.ObjectTypes))
		for i, t := range f.ObjectTypes {
			types[i] = a.add(t)
		}
		where = append(where, "object_type IN ("+listMark+strings.Join(types, ", ")+")")
	}
	to := f.To.UTC()
	if c != nil && c.at.Before(to) {
		where = append(where, "(at, id) < ("+a.add(c.at)+", "+a.add(c.id)+")")
	} else {
		where = append(where, "at < "+a.add(to))
	}
	return where, a
}
