package store

import (
	"context"
	"time"
)

// Token purposes.
const (
	TokenReset  = "reset"  // forgot-password and admin reset links
	TokenSignIn = "signin" // one-time sign-in link in welcome mails
)

// CreatePasswordToken stores the hash of a single-use token. It ends the
// account's older open tokens of the same purpose first: only the newest
// reset (or sign-in) link works (SPEC §2). Call it in a transaction.
func (q *Q) CreatePasswordToken(ctx context.Context, idHash string, accountID int64, purpose string, expires time.Time) error {
	now := q.Now()
	if _, err := q.exec(ctx, `UPDATE password_tokens SET used_at = $1 WHERE account_id = $2 AND purpose = $3 AND used_at IS NULL`,
		now, accountID, purpose); err != nil {
		return err
	}
	_, err := q.exec(ctx, `INSERT INTO password_tokens (id_hash, account_id, purpose, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
		idHash, accountID, purpose, now, expires)
	return err
}

// SpendTemporaryPassword replaces an account's temporary password hash,
// as it was read (current), by next (the hash of a secret nobody holds),
// keeping the account's must-change flag. It reports false when the hash
// is no longer current: another sign-in spent it first. The compare and
// the swap are one statement, so of concurrent sign-ins with one
// temporary password exactly one gets true.
func (q *Q) SpendTemporaryPassword(ctx context.Context, accountID int64, current, next string) (bool, error) {
	res, err := q.exec(ctx, `UPDATE accounts SET password_hash = $1, updated_at = $2
		WHERE id = $3 AND password_hash = $4 AND password_temporary`, next, q.Now(), accountID, current)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// UsePasswordToken marks a valid, unused, unexpired token used and returns
// its account. It is a single UPDATE so two concurrent uses cannot both
// succeed. Any other token is ErrNotFound.
func (q *Q) UsePasswordToken(ctx context.Context, idHash, purpose string) (int64, error) {
	now := q.Now()
	var accountID int64
	err := q.row(ctx, `UPDATE password_tokens SET used_at = $1
		WHERE id_hash = $2 AND purpose = $3 AND used_at IS NULL AND expires_at > $1
		RETURNING account_id`, now, idHash, purpose).Scan(&accountID)
	return accountID, notFound(err)
}

// PeekPasswordToken reports the account of a valid token without using it,
// so a reset form can be shown only for a live link.
func (q *Q) PeekPasswordToken(ctx context.Context, idHash, purpose string) (int64, error) {
	var accountID int64
	err := q.row(ctx, `SELECT account_id FROM password_tokens
		WHERE id_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3`, idHash, purpose, q.Now()).Scan(&accountID)
	return accountID, notFound(err)
}

// InvalidatePasswordTokens spends every open token of an account, so a new
// password or reset makes older links useless.
func (q *Q) InvalidatePasswordTokens(ctx context.Context, accountID int64) error {
	_, err := q.exec(ctx, `UPDATE password_tokens SET used_at = $1 WHERE account_id = $2 AND used_at IS NULL`, q.Now(), accountID)
	return err
}
