package store

import (
	"context"
	"database/sql"
	"time"

	"yardstick/internal/model"
)

const accountCols = `id, email, name, password_temporary, password_expires_at, time_zone, home_instance_id, created_at, updated_at`

func scanAccount(sc interface{ Scan(...any) error }) (model.Account, error) {
	var a model.Account
	var exp sql.NullTime
	var home sql.NullInt64
	err := sc.Scan(&a.ID, &a.Email, &a.Name, &a.PasswordTemporary, &exp, &a.TimeZone, &home, &a.CreatedAt, &a.UpdatedAt)
	if exp.Valid {
		t := exp.Time.UTC()
		a.PasswordExpiresAt = &t
	}
	if home.Valid {
		a.HomeInstanceID = &home.Int64
	}
	return a, err
}

// CreateAccount inserts an account with a password hash; the email must
// be normalized (lower case). A taken email is ErrConflict.
func (q *Q) CreateAccount(ctx context.Context, a model.Account, hash string) (model.Account, error) {
	now := q.Now()
	a.CreatedAt, a.UpdatedAt = now, now
	// An empty time zone follows each instance's (General Settings).
	err := q.row(ctx, `INSERT INTO accounts (email, name, password_hash, password_temporary, password_expires_at, time_zone, home_instance_id, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		a.Email, a.Name, hash, a.PasswordTemporary, a.PasswordExpiresAt, a.TimeZone, a.HomeInstanceID, now, now).Scan(&a.ID)
	if isUniqueViolation(err) {
		return a, ErrConflict
	}
	return a, err
}

// AccountByEmail finds an account by normalized email.
func (q *Q) AccountByEmail(ctx context.Context, email string) (model.Account, error) {
	a, err := scanAccount(q.row(ctx, `SELECT `+accountCols+` FROM accounts WHERE email = $1`, email))
	return a, notFound(err)
}

// AccountForSignIn finds an account by normalized email with its password
// hash. The hash is read only here and by PasswordHash: model.Account
// does not carry it, so it cannot leak into a page, a log or JSON.
func (q *Q) AccountForSignIn(ctx context.Context, email string) (model.Account, string, error) {
	var hash string
	a, err := scanAccount(withHash{q.row(ctx, `SELECT `+accountCols+`, password_hash FROM accounts WHERE email = $1`, email), &hash})
	return a, hash, notFound(err)
}

// withHash scans the password_hash that follows an account's columns.
type withHash struct {
	sc   interface{ Scan(...any) error }
	hash *string
}

func (w withHash) Scan(dest ...any) error { return w.sc.Scan(append(dest, w.hash)...) }

// PasswordHash returns an account's password hash.
func (q *Q) PasswordHash(ctx context.Context, accountID int64) (string, error) {
	var hash string
	err := q.row(ctx, `SELECT password_hash FROM accounts WHERE id = $1`, accountID).Scan(&hash)
	return hash, notFound(err)
}

// AccountByID finds an account by id.
func (q *Q) AccountByID(ctx context.Context, id int64) (model.Account, error) {
	a, err := scanAccount(q.row(ctx, `SELECT `+accountCols+` FROM accounts WHERE id = $1`, id))
	return a, notFound(err)
}

// SetPassword stores a new password hash. temporary marks a system-made
// password that expires at expires and must be replaced at sign-in.
func (q *Q) SetPassword(ctx context.Context, accountID int64, hash string, temporary bool, expires *time.Time) error {
	res, err := q.exec(ctx, `UPDATE accounts SET password_hash = $1, password_temporary = $2, password_expires_at = $3, updated_at = $4 WHERE id = $5`,
		hash, temporary, expires, q.Now(), accountID)
	return affectedOne(res, err)
}

// UpdateAccountProfile changes name and time zone.
func (q *Q) UpdateAccountProfile(ctx context.Context, accountID int64, name, timeZone string) error {
	res, err := q.exec(ctx, `UPDATE accounts SET name = $1, time_zone = $2, updated_at = $3 WHERE id = $4`,
		name, timeZone, q.Now(), accountID)
	return affectedOne(res, err)
}
