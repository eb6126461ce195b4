package store

import (
	"context"
	"database/sql"
	"strings"
	"time"
)

// APIKey is a stored API key (0019). The secret itself is never stored:
// SecretHash is its hash, Prefix the start of the key shown in lists.
type APIKey struct {
	ID          int64
	InstanceID  int64
	Name        string
	Prefix      string
	SecretHash  string
	Permissions []string
	CreatedBy   int64 // membership id
	CreatedAt   time.Time
	ExpiresAt   *time.Time
	LastUsedAt  *time.Time
	RevokedAt   *time.Time
	RevokedBy   int64 // membership id, 0 while not revoked
	// Of the creator's membership, read with the key (not stored on it).
	CreatorName   string
	CreatorEmail  string
	CreatorActive bool
}

const apiKeyCols = `k.id, k.instance_id, k.name, k.prefix, k.secret_hash, k.permissions, k.created_by, k.created_at,
	k.expires_at, k.last_used_at, k.revoked_at, COALESCE(k.revoked_by, 0), m.name, m.email, m.active`

func scanAPIKey(sc interface{ Scan(...any) error }) (APIKey, error) {
	var k APIKey
	var perms string
	var expires, used, revoked sql.NullTime
	err := sc.Scan(&k.ID, &k.InstanceID, &k.Name, &k.Prefix, &k.SecretHash, &perms, &k.CreatedBy, &k.CreatedAt,
		&expires, &used, &revoked, &k.RevokedBy, &k.CreatorName, &k.CreatorEmail, &k.CreatorActive)
	k.Permissions = splitPermissions(perms)
	k.CreatedAt = k.CreatedAt.UTC()
	k.ExpiresAt, k.LastUsedAt, k.RevokedAt = nullTime(expires), nullTime(used), nullTime(revoked)
	return k, err
}

func nullTime(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	u := t.Time.UTC()
	return &u
}

// CreateAPIKey stores a new key of k.InstanceID; CreatedAt is the store's clock.
func (q *Q) CreateAPIKey(ctx context.Context, k APIKey) (APIKey, error) {
	k.CreatedAt = q.Now()
	var expires any
	if k.ExpiresAt != nil {
		expires = *k.ExpiresAt
	}
	err := q.row(ctx, `INSERT INTO api_keys (instance_id, name, prefix, secret_hash, permissions, created_by, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		k.InstanceID, k.Name, k.Prefix, k.SecretHash, strings.Join(k.Permissions, ","), k.CreatedBy, k.CreatedAt, expires).Scan(&k.ID)
	if isUniqueViolation(err) {
		return k, ErrConflict
	}
	return k, err
}

// APIKeys lists the keys of an instance, revoked ones too, newest first.
func (q *Q) APIKeys(ctx context.Context, instanceID int64) ([]APIKey, error) {
	return collect(ctx, q, scanAPIKey, `SELECT `+apiKeyCols+` FROM api_keys k
		JOIN memberships m ON m.instance_id = k.instance_id AND m.id = k.created_by
		WHERE k.instance_id = $1 ORDER BY k.created_at DESC, k.id DESC`, instanceID)
}

// CountLiveAPIKeys counts an instance's keys that are not revoked.
func (q *Q) CountLiveAPIKeys(ctx context.Context, instanceID int64) (int, error) {
	var n int
	err := q.row(ctx, `SELECT COUNT(*) FROM api_keys WHERE instance_id = $1 AND revoked_at IS NULL`, instanceID).Scan(&n)
	return n, err
}

// APIKeyByID returns a key of the instance.
func (q *Q) APIKeyByID(ctx context.Context, instanceID, id int64) (APIKey, error) {
	k, err := scanAPIKey(q.row(ctx, `SELECT `+apiKeyCols+` FROM api_keys k
		JOIN memberships m ON m.instance_id = k.instance_id AND m.id = k.created_by
		WHERE k.instance_id = $1 AND k.id = $2`, instanceID, id))
	return k, notFound(err)
}

// APIKeyByHash returns the key of the instance with this secret hash,
// whether or not it is revoked or expired (the caller decides).
func (q *Q) APIKeyByHash(ctx context.Context, instanceID int64, hash string) (APIKey, error) {
	k, err := scanAPIKey(q.row(ctx, `SELECT `+apiKeyCols+` FROM api_keys k
		JOIN memberships m ON m.instance_id = k.instance_id AND m.id = k.created_by
		WHERE k.instance_id = $1 AND k.secret_hash = $2`, instanceID, hash))
	return k, notFound(err)
}

// RevokeAPIKey revokes a key that is not revoked yet; ErrNotFound otherwise.
func (q *Q) RevokeAPIKey(ctx context.Context, instanceID, id, by int64) error {
	res, err := q.exec(ctx, `UPDATE api_keys SET revoked_at = $1, revoked_by = $2
		WHERE instance_id = $3 AND id = $4 AND revoked_at IS NULL`, q.Now(), by, instanceID, id)
	return affectedOne(res, err)
}

// TouchAPIKey records that a key was used at the store's clock.
func (q *Q) TouchAPIKey(ctx context.Context, instanceID, id int64) error {
	_, err := q.exec(ctx, `UPDATE api_keys SET last_used_at = $1 WHERE instance_id = $2 AND id = $3`, q.Now(), instanceID, id)
	return err
}
