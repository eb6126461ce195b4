package store

import (
	"context"
	"database/sql"
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"yardstick/internal/model"
	"yardstick/internal/textcheck"
)

const outboxCols = `id, instance_id, kind, to_addr, subject, body, html, unsubscribe_url, has_secret, status, attempts, next_attempt_at, last_error, created_at, sent_at, attachment_name, parts`

// claimCols are outboxCols with the attachment, read only to send.
const claimCols = outboxCols + `, attachment`

func scanOutbox(sc interface{ Scan(...any) error }) (model.OutboxMessage, error) {
	return scanOutboxWith(sc, false)
}

func scanClaimed(sc interface{ Scan(...any) error }) (model.OutboxMessage, error) {
	return scanOutboxWith(sc, true)
}

func scanOutboxWith(sc interface{ Scan(...any) error }, attachment bool) (model.OutboxMessage, error) {
	var m model.OutboxMessage
	var inst sql.NullInt64
	var sent sql.NullTime
	var parts string
	dest := []any{&m.ID, &inst, &m.Kind, &m.To, &m.Subject, &m.Body, &m.HTML, &m.UnsubscribeURL, &m.HasSecret, &m.Status, &m.Attempts,
		&m.NextAttemptAt, &m.LastError, &m.CreatedAt, &sent, &m.AttachmentName, &parts}
	if attachment {
		dest = append(dest, &m.Attachment)
	}
	err := sc.Scan(dest...)
	m.Parts, m.PartsTextAt, m.PartsHTMLAt = parseParts(parts)
	if inst.Valid {
		m.InstanceID = &inst.Int64
	}
	if sent.Valid {
		t := sent.Time.UTC()
		m.SentAt = &t
	}
	m.NextAttemptAt = m.NextAttemptAt.UTC()
	m.CreatedAt = m.CreatedAt.UTC()
	return m, err
}

// EnqueueMail writes a message to the outbox. Call it inside the
// transaction of the change that causes the mail, so both commit or
// neither does.
func (q *Q) EnqueueMail(ctx context.Context, m model.OutboxMessage) (int64, error) {
	now := q.Now()
	var id int64
	var attachment any // NULL without one
	if m.Attachment != nil {
		attachment = m.Attachment
	}
	if err := q.writeParts(ctx, []model.OutboxMessage{m}); err != nil {
		return 0, err
	}
	err := q.row(ctx, `INSERT INTO outbox (instance_id, kind, to_addr, subject, body, html, unsubscribe_url, has_secret, status, attempts, next_attempt_at, created_at,
			attachment_name, attachment, parts)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', 0, $9, $9, $10, $11, $12) RETURNING id`,
		m.InstanceID, m.Kind, m.To, m.Subject, m.Body, m.HTML, m.UnsubscribeURL, m.HasSecret, now, m.AttachmentName, attachment, partsColumn(m)).Scan(&id)
	switch {
	case err != nil:
	case q.inTx:
		q.outbox = true // woken after the commit (InTx)
	default:
		q.s.outboxWritten()
	}
	return id, err
}

// EnqueueMails writes many messages to the outbox, for the digest run's
// batches (bulkInsert: by COPY on PostgreSQL); like EnqueueMail, call it
// inside the transaction of the change that causes them.
func (q *Q) EnqueueMails(ctx context.Context, ms []model.OutboxMessage) error {
	if len(ms) == 0 {
		return nil
	}
	if err := q.writeParts(ctx, ms); err != nil {
		return err
	}
	now := q.Now()
	rows := make([][]any, len(ms))
	for i, m := range ms {
		rows[i] = []any{m.InstanceID, m.Kind, m.To, m.Subject, m.Body, m.HTML, m.UnsubscribeURL, m.HasSecret, now, now, partsColumn(m)}
	}
	if err := q.bulkInsert(ctx, "outbox", []string{"instance_id", "kind", "to_addr", "subject", "body", "html", "unsubscribe_url", "has_secret",
		"next_attempt_at", "created_at", "parts"}, rows); err != nil {
		return err
	}
	if q.inTx {
		q.outbox = true
	} else {
		q.s.outboxWritten()
	}
	return nil
}

// ClaimMail leases up to limit due messages for lease, so that several
// workers (or processes) never send one message twice at once. The lease
// condition is repeated in the outer WHERE because PostgreSQL re-checks
// only that part when a concurrent claimer got there first.
func (q *Q) ClaimMail(ctx context.Context, limit int, lease time.Duration) ([]model.OutboxMessage, error) {
	now := q.Now()
	// On PostgreSQL two workers would otherwise pick the same rows, and
	// the one that waited would find them leased and claim nothing although
	// others were due: each skips the rows another is claiming. (SQLite
	// runs one writer at a time.)
	skip := ""
	if q.s.dialect == Postgres {
		skip = " FOR UPDATE SKIP LOCKED"
	}
	out, err := collect(ctx, q, scanClaimed, `UPDATE outbox SET lease_until = $1
		WHERE id IN (SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= $2
			AND (lease_until IS NULL OR lease_until < $2) ORDER BY next_attempt_at, id LIMIT $3`+skip+`)
		AND status = 'pending' AND (lease_until IS NULL OR lease_until < $2)
		RETURNING `+claimCols, now.Add(lease), now, limit)
	if err != nil {
		return nil, err
	}
	return out, q.wholeMail(ctx, out)
}

// MarkMailSent records a delivery. A body holding a secret (temporary
// password, link) is dropped once delivered.
func (q *Q) MarkMailSent(ctx context.Context, id int64) error {
	now := q.Now()
	res, err := q.exec(ctx, `UPDATE outbox SET status = 'sent', sent_at = $1, attempts = attempts + 1, lease_until = NULL, last_error = '',
		body = CASE WHEN has_secret THEN '(removed after delivery: it contained a secret)' ELSE body END,
		html = CASE WHEN has_secret THEN '' ELSE html END,
		unsubscribe_url = CASE WHEN has_secret THEN '' ELSE unsubscribe_url END,
		parts = CASE WHEN has_secret THEN '' ELSE parts END,
		attachment = NULL
		WHERE id = $2`, now, id)
	return affectedOne(res, err)
}

// MarkMailRetry records a failed attempt and when to try again.
func (q *Q) MarkMailRetry(ctx context.Context, id int64, errText string, next time.Time) error {
	res, err := q.exec(ctx, `UPDATE outbox SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2, lease_until = NULL WHERE id = $3`,
		truncate(errText, 1000), next, id)
	return affectedOne(res, err)
}

// MarkMailFailed gives up on a message.
func (q *Q) MarkMailFailed(ctx context.Context, id int64, errText string) error {
	res, err := q.exec(ctx, `UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = $1, lease_until = NULL, attachment = NULL WHERE id = $2`,
		truncate(errText, 1000), id)
	return affectedOne(res, err)
}

// MailByID returns one message.
func (q *Q) MailByID(ctx context.Context, id int64) (model.OutboxMessage, error) {
	m, err := scanOutbox(q.row(ctx, `SELECT `+outboxCols+` FROM outbox WHERE id = $1`, id))
	if err != nil {
		return m, notFound(err)
	}
	ms := []model.OutboxMessage{m}
	err = q.wholeMail(ctx, ms)
	return ms[0], err
}

// ListMail returns messages newest first, optionally only one status,
// paging by id (before = 0 for the first page).
func (q *Q) ListMail(ctx context.Context, status string, before int64, limit int) ([]model.OutboxMessage, error) {
	if before <= 0 {
		before = 1<<62 - 1
	}
	ms, err := collect(ctx, q, scanOutbox, `SELECT `+outboxCols+` FROM outbox WHERE ($1 = '' OR status = $1) AND id < $2 ORDER BY id DESC LIMIT $3`,
		status, before, limit)
	if err != nil {
		return nil, err
	}
	return ms, q.wholeMail(ctx, ms)
}

// partsColumn is how outbox.parts lists a message's parts (see
// migration 0049): "<byte in body> <byte in html> <key> <key> …".
func partsColumn(m model.OutboxMessage) string {
	if len(m.Parts) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(strconv.Itoa(m.PartsTextAt))
	b.WriteString(" ")
	b.WriteString(strconv.Itoa(m.PartsHTMLAt))
	for _, p := range m.Parts {
		b.WriteString(" ")
		b.WriteString(p.Key)
	}
	return b.String()
}

// parseParts reads partsColumn: the parts' keys, content still to load.
func parseParts(col string) (parts []model.MailPart, textAt, htmlAt int) {
	f := strings.Fields(col)
	if len(f) < 3 {
		return nil, 0, 0
	}
	textAt, _ = strconv.Atoi(f[0])
	htmlAt, _ = strconv.Atoi(f[1])
	parts = make([]model.MailPart, len(f)-2)
	for i, k := range f[2:] {
		parts[i].Key = k
	}
	return parts, textAt, htmlAt
}

// writeParts writes the parts of messages, each once: a part already
// there is left as it is (same key, same content). A transaction that
// writes a key another one wrote and has not committed yet waits for it,
// so two digest writers may take turns while a run's first lines are
// new; after that every batch finds its lines there.
func (q *Q) writeParts(ctx context.Context, ms []model.OutboxMessage) error {
	byKey := map[string]model.MailPart{}
	for _, m := range ms {
		for _, p := range m.Parts {
			byKey[p.Key] = p
		}
	}
	// In key order, so that two transactions never wait for each other
	// the other way round.
	now := q.Now()
	rows := make([][]any, 0, len(byKey))
	for _, k := range slices.Sorted(maps.Keys(byKey)) {
		rows = append(rows, []any{k, byKey[k].Text, byKey[k].HTML, now})
	}
	return q.insertRows(ctx, "INSERT INTO mail_parts (key, text, html, created_at)", "ON CONFLICT DO NOTHING", rows)
}

// wholeMail puts the parts of messages read from the outbox back in
// place, with one query for all of them. A part is written with the
// first message that names it and never deleted; one missing all the
// same (a hand-edited database) leaves its lines out rather than stop
// the mail.
func (q *Q) wholeMail(ctx context.Context, ms []model.OutboxMessage) error {
	need := map[string]bool{}
	for _, m := range ms {
		for _, p := range m.Parts {
			need[p.Key] = true
		}
	}
	if len(need) == 0 {
		return nil
	}
	got := make(map[string]model.MailPart, len(need))
	for chunk := range slices.Chunk(slices.Sorted(maps.Keys(need)), idChunk) {
		var a args
		parts, err := collect(ctx, q, func(sc interface{ Scan(...any) error }) (model.MailPart, error) {
			var p model.MailPart
			err := sc.Scan(&p.Key, &p.Text, &p.HTML)
			return p, err
		}, `SELECT key, text, html FROM mail_parts WHERE key IN (`+listMark+a.texts(chunk)+`)`, a...)
		if err != nil {
			return err
		}
		for _, p := range parts {
			got[p.Key] = p
		}
	}
	for i := range ms {
		for j, p := range ms[i].Parts {
			ms[i].Parts[j] = got[p.Key]
		}
		ms[i] = ms[i].Whole()
	}
	return nil
}

// truncate shortens a text to at most n characters, never splitting one
// (PostgreSQL refuses a cut UTF-8 sequence), and makes it storable text.
func truncate(s string, n int) string { return textcheck.Clip(s, n) }

// pruneBatch is how many ids one statement of PruneOutbox spans: no
// statement holds the outbox long while mail is being queued.
var pruneBatch = 1000

// PruneOutbox deletes the sent and failed messages queued before cutoff
// and returns how many went; pending ones stay whatever their age. The
// outbox has no index on created_at (each would cost every queued mail),
// so the newest id queued before cutoff is found by a binary search of the
// primary key, ids and queue times rising together, and the messages from
// the oldest sent or failed one up to it go in windows of pruneBatch ids:
// a primary-key range a statement.
func (q *Q) PruneOutbox(ctx context.Context, cutoff time.Time) (int64, error) {
	var first, top sql.NullInt64
	if err := q.row(ctx, `SELECT MIN(id), (SELECT MAX(id) FROM outbox) FROM outbox WHERE status IN ('sent', 'failed')`).Scan(&first, &top); err != nil || !first.Valid {
		return 0, err
	}
	last, err := q.lastOutboxIDBefore(ctx, cutoff, first.Int64, top.Int64)
	if err != nil || last == 0 {
		return 0, err
	}
	var gone int64
	for lo := first.Int64; lo <= last; lo += int64(pruneBatch) {
		if err := ctx.Err(); err != nil {
			return gone, err
		}
		res, err := q.exec(ctx, `DELETE FROM outbox WHERE id >= $1 AND id <= $2 AND status IN ('sent', 'failed')`,
			lo, min(lo+int64(pruneBatch)-1, last))
		if err != nil {
			return gone, err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return gone, err
		}
		gone += n
	}
	return gone, nil
}

// lastOutboxIDBefore is the highest id from low to top of a message
// queued before cutoff (0: none), taking queue times to rise with ids.
func (q *Q) lastOutboxIDBefore(ctx context.Context, cutoff time.Time, low, top int64) (int64, error) {
	found := int64(0)
	for low <= top {
		mid := low + (top-low)/2
		var id int64
		var at time.Time
		err := q.row(ctx, `SELECT id, created_at FROM outbox WHERE id >= $1 ORDER BY id LIMIT 1`, mid).Scan(&id, &at)
		if errors.Is(err, sql.ErrNoRows) {
			top = mid - 1 // pruned meanwhile
			continue
		} else if err != nil {
			return 0, err
		}
		if at.Before(cutoff) {
			found, low = id, id+1
		} else {
			top = mid - 1
		}
	}
	return found, nil
}
