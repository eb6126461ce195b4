package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// IdempotentAnswer is the stored first answer to an API create sent with
// an Idempotency-Key (0027), kept per API key.
type IdempotentAnswer struct {
	RequestHash string // of the operation and its body
	Status      int    // 0 only inside the claiming transaction
	Location    string
	ETag        string
	Body        string
	CreatedAt   time.Time
}

// IdempotentAnswer returns the answer kept for an API key's Idempotency-Key
// created after since; an older one counts as absent (ErrNotFound).
func (q *Q) IdempotentAnswer(ctx context.Context, instanceID, keyID int64, key string, since time.Time) (IdempotentAnswer, error) {
	var a IdempotentAnswer
	err := q.row(ctx, `SELECT request_hash, status, location, etag, body, created_at FROM idempotency_keys
		WHERE instance_id = $1 AND key_id = $2 AND idem_key = $3 AND created_at >= $4`, instanceID, keyID, key, since).
		Scan(&a.RequestHash, &a.Status, &a.Location, &a.ETag, &a.Body, &a.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return a, ErrNotFound
	}
	a.CreatedAt = a.CreatedAt.UTC()
	return a, err
}

// ClaimIdempotencyKey starts keeping an answer for an API key's
// Idempotency-Key, in the transaction of the create it answers, after
// deleting the instance's answers older than before (this one's too).
// It reports false when the key is taken: by a committed answer, or by a
// concurrent create, whose commit PostgreSQL waits for (SQLite runs one
// writer at a time). The caller then rolls back and reads that answer.
func (q *Q) ClaimIdempotencyKey(ctx context.Context, instanceID, keyID int64, key, requestHash string, before time.Time) (bool, error) {
	if _, err := q.exec(ctx, `DELETE FROM idempotency_keys WHERE instance_id = $1 AND created_at < $2`, instanceID, before); err != nil {
		return false, err
	}
	res, err := q.exec(ctx, `INSERT INTO idempotency_keys (instance_id, key_id, idem_key, request_hash, status, created_at)
		VALUES ($1, $2, $3, $4, 0, $5) ON CONFLICT DO NOTHING`, instanceID, keyID, key, requestHash, q.Now())
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// SaveIdempotentAnswer stores the answer of a claimed key, in the same
// transaction as the claim.
func (q *Q) SaveIdempotentAnswer(ctx context.Context, instanceID, keyID int64, key string, a IdempotentAnswer) error {
	res, err := q.exec(ctx, `UPDATE idempotency_keys SET status = $1, location = $2, etag = $3, body = $4
		WHERE instance_id = $5 AND key_id = $6 AND idem_key = $7`, a.Status, a.Location, a.ETag, a.Body, instanceID, keyID, key)
	return affectedOne(res, err)
}
