package store

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"

	"yardstick/internal/model"
	"yardstick/internal/textcheck"
)

const outboxCols = `id, instance_id, kind, to_addr, subject, body, html, unsubscribe_url, has_secret, status, attempts, next_attempt_at, last_error, created_at, sent_at, attachment_name`

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
	dest := []any{&m.ID, &inst, &m.Kind, &m.To, &m.Subject, &m.Body, &m.HTML, &m.UnsubscribeURL, &m.HasSecret, &m.Status, &m.Attempts,
		&m.NextAttemptAt, &m.LastError, &m.CreatedAt, &sent, &m.AttachmentName}
	if attachment {
		dest = append(dest, &m.Attachment)
	}
	err := sc.Scan(dest...)
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
	err := q.row(ctx, `INSERT INTO outbox (instance_id, kind, to_addr, subject, body, html, unsubscribe_url, has_secret, status, attempts, next_attempt_at, created_at,
			attachment_name, attachment)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', 0, $9, $9, $10, $11) RETURNING id`,
		m.InstanceID, m.Kind, m.To, m.Subject, m.Body, m.HTML, m.UnsubscribeURL, m.HasSecret, now, m.AttachmentName, attachment).Scan(&id)
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
// batches: with COPY on PostgreSQL (copyRows), otherwise one statement
// per 500; like EnqueueMail, call it inside the transaction of the change
// that causes them.
func (q *Q) EnqueueMails(ctx context.Context, ms []model.OutboxMessage) error {
	now := q.Now()
	copied, err := q.copyRows(ctx, "outbox", []string{"instance_id", "kind", "to_addr", "subject", "body", "html", "unsubscribe_url", "has_secret", "next_attempt_at", "created_at"},
		len(ms), func(i int) []any {
			m := ms[i]
			return []any{m.InstanceID, m.Kind, m.To, m.Subject, m.Body, m.HTML, m.UnsubscribeURL, m.HasSecret, now, now}
		})
	if err != nil {
		return err
	}
	for chunk := range slices.Chunk(ms, 500) {
		if copied {
			break
		}
		var a args
		rows := make([]string, len(chunk))
		for i, m := range chunk {
			var ph [10]string
			for j, x := range []any{m.InstanceID, m.Kind, m.To, m.Subject, m.Body, m.HTML, m.UnsubscribeURL, m.HasSecret, now, now} {
				ph[j] = a.next(q.s.dialect, x)
			}
			rows[i] = "(" + strings.Join(ph[:], ", ") + ")"
		}
		if _, err := q.exec(ctx, `INSERT INTO outbox (instance_id, kind, to_addr, subject, body, html, unsubscribe_url, has_secret, next_attempt_at, created_at)
			VALUES `+listMark+strings.Join(rows, ", "), a...); err != nil {
			return err
		}
	}
	if len(ms) > 0 {
		if q.inTx {
			q.outbox = true
		} else {
			q.s.outboxWritten()
		}
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
	rows, err := q.query(ctx, `UPDATE outbox SET lease_until = $1
		WHERE id IN (SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= $2
			AND (lease_until IS NULL OR lease_until < $2) ORDER BY next_attempt_at, id LIMIT $3`+skip+`)
		AND status = 'pending' AND (lease_until IS NULL OR lease_until < $2)
		RETURNING `+claimCols, now.Add(lease), now, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []model.OutboxMessage
	for rows.Next() {
		m, err := scanClaimed(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// MarkMailSent records a delivery. A body holding a secret (temporary
// password, link) is dropped once delivered.
func (q *Q) MarkMailSent(ctx context.Context, id int64) error {
	now := q.Now()
	res, err := q.exec(ctx, `UPDATE outbox SET status = 'sent', sent_at = $1, attempts = attempts + 1, lease_until = NULL, last_error = '',
		body = CASE WHEN has_secret THEN '(removed after delivery: it contained a secret)' ELSE body END,
		html = CASE WHEN has_secret THEN '' ELSE html END,
		unsubscribe_url = CASE WHEN has_secret THEN '' ELSE unsubscribe_url END,
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
	return m, notFound(err)
}

// ListMail returns messages newest first, optionally only one status,
// paging by id (before = 0 for the first page).
func (q *Q) ListMail(ctx context.Context, status string, before int64, limit int) ([]model.OutboxMessage, error) {
	if before <= 0 {
		before = 1<<62 - 1
	}
	return collect(ctx, q, scanOutbox, `SELECT `+outboxCols+` FROM outbox WHERE ($1 = '' OR status = $1) AND id < $2 ORDER BY id DESC LIMIT $3`,
		status, before, limit)
}

// truncate shortens a text to at most n characters, never splitting one
// (PostgreSQL refuses a cut UTF-8 sequence), and makes it storable text.
func truncate(s string, n int) string { return textcheck.Clip(s, n) }
