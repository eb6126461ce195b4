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
	var sa sessionRow
	err := q.row(ctx, `SELECT `+sessionCols+` FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.id_hash = $1`, idHash).
		Scan(sa.dest()...)
	sa.finish()
	return sa.s, sa.a, notFound(err)
}

// SessionMember is SessionAccount and MembershipByCode together, for the
// pages of an instance. ErrNotFound means no session or no membership
// there; SessionAccount tells which. The session, its account and the
// instance come in one query that reads no shard on Citus (sessions stays
// on the coordinator, accounts and instances are reference tables); the
// membership in a second that names its instance.
func (q *Q) SessionMember(ctx context.Context, idHash, code string) (model.Session, model.Account, model.Instance, model.Membership, error) {
	var sa sessionRow
	var mr memberRow
	err := q.row(ctx, `SELECT `+sessionCols+`, `+memberInstanceCols+` FROM sessions s JOIN accounts a ON a.id = s.account_id
		JOIN instances i ON i.code = $2 WHERE s.id_hash = $1`, idHash, code).
		Scan(append(sa.dest(), mr.instanceDest()...)...)
	if err == nil {
		err = mr.scanMembership(ctx, q, sa.s.AccountID)
	}
	sa.finish()
	mr.finish()
	return sa.s, sa.a, mr.in, mr.m, notFound(err)
}

// sessionCols are a session's and its account's columns, as sessionRow
// scans them. The count of the account's active memberships is kept on
// the account row (countMember), so the look-up reads the coordinator's
// sessions and the accounts reference table only, never a shard.
const sessionCols = `s.id_hash, s.account_id, s.created_at, s.last_seen_at, a.active_memberships,
	a.id, a.email, a.name, a.password_temporary, a.password_expires_at, a.time_zone, a.home_instance_id, a.created_at, a.updated_at`

type sessionRow struct {
	s    model.Session
	a    model.Account
	exp  sql.NullTime
	home sql.NullInt64
}

func (r *sessionRow) dest() []any {
	s, a := &r.s, &r.a
	return []any{&s.IDHash, &s.AccountID, &s.CreatedAt, &s.LastSeenAt, &s.Instances,
		&a.ID, &a.Email, &a.Name, &a.PasswordTemporary, &r.exp, &a.TimeZone, &r.home, &a.CreatedAt, &a.UpdatedAt}
}

func (r *sessionRow) finish() {
	if r.exp.Valid {
		t := r.exp.Time.UTC()
		r.a.PasswordExpiresAt = &t
	}
	if r.home.Valid {
		r.a.HomeInstanceID = &r.home.Int64
	}
	r.s.LastSeenAt = r.s.LastSeenAt.UTC()
}
