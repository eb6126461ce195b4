package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// OutsideMailSent counts an instance's mails of one kind to outside
// addresses sent since daySince, and those to one address (by its hash)
// since addressSince. Call it after LockInstance in the transaction that
// records the next one (RecordOutsideMail), so parallel requests and
// processes cannot all pass the same count.
func (q *Q) OutsideMailSent(ctx context.Context, instanceID int64, kind, recipientHash string, daySince, addressSince time.Time) (day, address int, err error) {
	err = q.row(ctx, `SELECT
		(SELECT COUNT(*) FROM outside_mail WHERE instance_id = $1 AND kind = $2 AND sent_at >= $3),
		(SELECT COUNT(*) FROM outside_mail WHERE instance_id = $1 AND kind = $2 AND recipient_hash = $4 AND sent_at >= $5)`,
		instanceID, kind, daySince.UTC(), recipientHash, addressSince.UTC()).Scan(&day, &address)
	return day, address, err
}

// OldestOutsideMail returns when the oldest mail of a kind sent since
// since was (to one address when recipientHash is set), or the zero time,
// to tell how long a limit lasts.
func (q *Q) OldestOutsideMail(ctx context.Context, instanceID int64, kind, recipientHash string, since time.Time) (time.Time, error) {
	query := `SELECT sent_at FROM outside_mail WHERE instance_id = $1 AND kind = $2 AND sent_at >= $3`
	a := args{instanceID, kind, since.UTC()}
	if recipientHash != "" {
		query += ` AND recipient_hash = ` + a.add(recipientHash)
	}
	var t time.Time
	err := q.row(ctx, query+` ORDER BY sent_at LIMIT 1`, a...).Scan(&t)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	return t.UTC(), err
}

// RecordOutsideMail counts one mail of kind from an instance to an outside
// address, and forgets the instance's mails of that kind sent before
// forgetBefore (zero: keep them).
func (q *Q) RecordOutsideMail(ctx context.Context, instanceID int64, kind, recipientHash string, forgetBefore time.Time) error {
	if !forgetBefore.IsZero() {
		if _, err := q.exec(ctx, `DELETE FROM outside_mail WHERE instance_id = $1 AND kind = $2 AND sent_at < $3`,
			instanceID, kind, forgetBefore.UTC()); err != nil {
			return err
		}
	}
	// The caller holds the instance lock (OutsideMailSent), so the next id
	// within the instance is read and taken without a race.
	_, err := q.exec(ctx, `INSERT INTO outside_mail (instance_id, id, kind, recipient_hash, sent_at)
		SELECT $1, COALESCE(MAX(id), 0) + 1, $2, $3, $4 FROM outside_mail WHERE instance_id = $1`,
		instanceID, kind, recipientHash, q.Now().UTC())
	return err
}
