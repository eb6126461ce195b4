package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// Throttle is the sign-in failure state of one email, known or not.
type Throttle struct {
	Failures    int
	LockedUntil time.Time // zero when not locked
}

// ThrottleOf returns the throttle state of a normalized email.
func (q *Q) ThrottleOf(ctx context.Context, email string) (Throttle, error) {
	var t Throttle
	var until sql.NullTime
	err := q.row(ctx, `SELECT failures, locked_until FROM login_throttle WHERE email = $1`, email).Scan(&t.Failures, &until)
	if errors.Is(err, sql.ErrNoRows) {
		return Throttle{}, nil
	}
	if until.Valid {
		t.LockedUntil = until.Time.UTC()
	}
	return t, err
}

// RecordFailure counts a failed sign-in and returns the new count. The
// increment is one statement so concurrent failures all count.
func (q *Q) RecordFailure(ctx context.Context, email string) (int, error) {
	var n int
	err := q.row(ctx, `INSERT INTO login_throttle (email, failures, updated_at) VALUES ($1, 1, $2)
		ON CONFLICT (email) DO UPDATE SET failures = login_throttle.failures + 1, updated_at = $2
		RETURNING failures`, email, q.Now()).Scan(&n)
	return n, err
}

// LockUntil sets the time before which sign-in is refused for an email.
func (q *Q) LockUntil(ctx context.Context, email string, until time.Time) error {
	_, err := q.exec(ctx, `UPDATE login_throttle SET locked_until = $1 WHERE email = $2`, until, email)
	return err
}

// ClearThrottle forgets failures after a successful sign-in.
func (q *Q) ClearThrottle(ctx context.Context, email string) error {
	_, err := q.exec(ctx, `DELETE FROM login_throttle WHERE email = $1`, email)
	return err
}

// ClaimFailure counts a sign-in attempt for email before its password is
// checked, so concurrent attempts cannot all pass a check made before any
// of them counted: the count is the claim, and a success clears it
// (ClearThrottle). When the email is locked at now nothing is counted and
// ok is false, with the end of the lock. Run it in the transaction that
// also sets the lock (LockUntil) the new count calls for.
func (q *Q) ClaimFailure(ctx context.Context, email string) (n int, ok bool, lockedUntil time.Time, err error) {
	now := q.Now()
	err = q.row(ctx, `INSERT INTO login_throttle (email, failures, updated_at) VALUES ($1, 1, $2)
		ON CONFLICT (email) DO UPDATE SET failures = login_throttle.failures + 1, updated_at = $2
		WHERE login_throttle.locked_until IS NULL OR login_throttle.locked_until <= $2
		RETURNING failures`, email, now).Scan(&n)
	if err == nil {
		return n, true, time.Time{}, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, false, time.Time{}, err
	}
	var until sql.NullTime
	err = q.row(ctx, `SELECT locked_until FROM login_throttle WHERE email = $1`, email).Scan(&until)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, now, nil // cleared meanwhile (a reset): try again
	}
	if err != nil {
		return 0, false, time.Time{}, err
	}
	return 0, false, until.Time.UTC(), nil
}

// ClaimClientFailure counts a sign-in attempt from a client (an address or
// an IPv6 /64) in a fixed window, before the password is checked. A window
// older than `window` starts again at now with this attempt. When the
// window already holds limit failures nothing is counted and ok is false,
// with the end of the window (zero when ok). One statement, so concurrent
// attempts from one client (or from processes sharing PostgreSQL) cannot
// overshoot.
func (q *Q) ClaimClientFailure(ctx context.Context, key string, limit int, window time.Duration) (ok bool, windowEnd time.Time, err error) {
	now := q.Now()
	var n int
	err = q.row(ctx, `INSERT INTO client_throttle (client_key, failures, window_start, updated_at) VALUES ($1, 1, $2, $2)
		ON CONFLICT (client_key) DO UPDATE SET
			failures = CASE WHEN client_throttle.window_start <= $3 THEN 1 ELSE client_throttle.failures + 1 END,
			window_start = CASE WHEN client_throttle.window_start <= $3 THEN $2 ELSE client_throttle.window_start END,
			updated_at = $2
		WHERE client_throttle.window_start <= $3 OR client_throttle.failures < $4
		RETURNING failures`, key, now, now.Add(-window), limit).Scan(&n)
	if err == nil {
		return true, time.Time{}, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return false, time.Time{}, err
	}
	var start time.Time
	err = q.row(ctx, `SELECT window_start FROM client_throttle WHERE client_key = $1`, key).Scan(&start)
	if errors.Is(err, sql.ErrNoRows) {
		return false, now, nil // pruned meanwhile: try again
	}
	if err != nil {
		return false, time.Time{}, err
	}
	return false, start.UTC().Add(window), nil
}

// ReleaseClientFailure takes back a claimed attempt that turned out a
// success: the client's window counts failures only. (Forgetting the whole
// window instead would let one valid account reset the count at will.)
func (q *Q) ReleaseClientFailure(ctx context.Context, key string) error {
	_, err := q.exec(ctx, `UPDATE client_throttle SET failures = failures - 1 WHERE client_key = $1 AND failures > 0`, key)
	return err
}

// PruneClientThrottle forgets client windows that started before cutoff.
func (q *Q) PruneClientThrottle(ctx context.Context, cutoff time.Time) error {
	_, err := q.exec(ctx, `DELETE FROM client_throttle WHERE window_start < $1`, cutoff)
	return err
}
