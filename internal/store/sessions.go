package store

import (
	"context"
	"database/sql"
	"time"

	"yardstick/internal/model"
)

// CreateSession records a new signed-in session by the hash of its token.
func (q *Q) CreateSession(ctx context.Context, s model.Session) error {
	now := q.Now()
	_, err := q.exec(ctx, `INSERT INTO sessions (id_hash, account_id, created_at, last_seen_at, client_addr, user_agent)
		VALUES ($1, $2, $3, $4, $5, $6)`, s.IDHash, s.AccountID, now, now, s.ClientAddr, s.UserAgent)
	return err
}

// SessionByHash finds a session.
func (q *Q) SessionByHash(ctx context.Context, idHash string) (model.Session, error) {
	var s model.Session
	err := q.row(ctx, `SELECT id_hash, account_id, created_at, last_seen_at, client_addr, user_agent FROM sessions WHERE id_hash = $1`, idHash).
		Scan(&s.IDHash, &s.AccountID, &s.CreatedAt, &s.LastSeenAt, &s.ClientAddr, &s.UserAgent)
	return s, notFound(err)
}

// TouchSession records activity on a session.
func (q *Q) TouchSession(ctx context.Context, idHash string, at time.Time) error {
	_, err := q.exec(ctx, `UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2`, at, idHash)
	return err
}

// DeleteSession ends one session.
func (q *Q) DeleteSession(ctx context.Context, idHash string) error {
	_, err := q.exec(ctx, `DELETE FROM sessions WHERE id_hash = $1`, idHash)
	return err
}

// DeleteAccountSessions ends every session of an account except keep
// (which may be empty).
func (q *Q) DeleteAccountSessions(ctx context.Context, accountID int64, keep string) error {
	_, err := q.exec(ctx, `DELETE FROM sessions WHERE account_id = $1 AND id_hash <> $2`, accountID, keep)
	return err
}

// DeleteIdleSessions removes sessions last seen before cutoff.
func (q *Q) DeleteIdleSessions(ctx context.Context, cutoff time.Time) (int64, error) {
	res, err := q.exec(ctx, `DELETE FROM sessions WHERE last_seen_at < $1`, cutoff)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// SessionAccount returns a session and its account in one query; it runs
// on every signed-in request.
func (q *Q) SessionAccount(ctx context.Context, idHash string) (model.Session, model.Account, error) {
	var s model.Session
	var a model.Account
	var exp sql.NullTime
	var home sql.NullInt64
	err := q.row(ctx, `SELECT s.id_hash, s.account_id, s.created_at, s.last_seen_at,
		a.id, a.email, a.name, a.password_hash, a.password_temporary, a.password_expires_at, a.time_zone, a.home_instance_id, a.created_at, a.updated_at
		FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.id_hash = $1`, idHash).
		Scan(&s.IDHash, &s.AccountID, &s.CreatedAt, &s.LastSeenAt,
			&a.ID, &a.Email, &a.Name, &a.PasswordHash, &a.PasswordTemporary, &exp, &a.TimeZone, &home, &a.CreatedAt, &a.UpdatedAt)
	if exp.Valid {
		t := exp.Time.UTC()
		a.PasswordExpiresAt = &t
	}
	if home.Valid {
		a.HomeInstanceID = &home.Int64
	}
	s.LastSeenAt = s.LastSeenAt.UTC()
	return s, a, notFound(err)
}
