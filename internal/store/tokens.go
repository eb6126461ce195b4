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

// CreatePasswordToken stores the hash of a single-use token.
func (q *Q) CreatePasswordToken(ctx context.Context, idHash string, accountID int64, purpose string, expires time.Time) error {
	_, err := q.exec(ctx, `INSERT INTO password_tokens (id_hash, account_id, purpose, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
		idHash, accountID, purpose, q.Now(), expires)
	return err
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
