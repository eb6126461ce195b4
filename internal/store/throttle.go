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
