package store

import (
	"context"
	"database/sql"
	"time"
)

// CreateEmailChange stores the hash of a single-use link that changes an
// account's email to newEmail, and ends the account's older pending
// changes: only the newest link works.
func (q *Q) CreateEmailChange(ctx context.Context, idHash string, accountID int64, newEmail string, requestedBy int64, expires time.Time) error {
	now := q.Now()
	if _, err := q.exec(ctx, `UPDATE email_changes SET used_at = $1 WHERE account_id = $2 AND used_at IS NULL`, now, accountID); err != nil {
		return err
	}
	by := sql.NullInt64{Int64: requestedBy, Valid: requestedBy != 0}
	_, err := q.exec(ctx, `INSERT INTO email_changes (id_hash, account_id, new_email, requested_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		idHash, accountID, newEmail, by, now, expires)
	return err
}

// PendingEmailChange is a change waiting for its link.
type PendingEmailChange struct {
	AccountID int64
	NewEmail  string
}

// PeekEmailChange returns a live change without using it.
func (q *Q) PeekEmailChange(ctx context.Context, idHash string) (PendingEmailChange, error) {
	var p PendingEmailChange
	err := q.row(ctx, `SELECT account_id, new_email FROM email_changes WHERE id_hash = $1 AND used_at IS NULL AND expires_at > $2`,
		idHash, q.Now()).Scan(&p.AccountID, &p.NewEmail)
	return p, notFound(err)
}

// UseEmailChange spends a live change in one statement, so two clicks
// cannot both apply it. Any other link is ErrNotFound.
func (q *Q) UseEmailChange(ctx context.Context, idHash string) (PendingEmailChange, error) {
	var p PendingEmailChange
	err := q.row(ctx, `UPDATE email_changes SET used_at = $1 WHERE id_hash = $2 AND used_at IS NULL AND expires_at > $1
		RETURNING account_id, new_email`, q.Now(), idHash).Scan(&p.AccountID, &p.NewEmail)
	return p, notFound(err)
}

// PendingEmailOf returns the address an account's newest live change
// waits on, or "".
func (q *Q) PendingEmailOf(ctx context.Context, accountID int64) (string, error) {
	var e string
	err := q.row(ctx, `SELECT new_email FROM email_changes WHERE account_id = $1 AND used_at IS NULL AND expires_at > $2
		ORDER BY created_at DESC LIMIT 1`, accountID, q.Now()).Scan(&e)
	if err == sql.ErrNoRows {
		return "", nil
	}
	return e, err
}
