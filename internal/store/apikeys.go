package store

import (
	"context"
	"database/sql"
	"slices"
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
	// Assigned: the key was created with scorecard assignments (0031), so
	// SPEC §3.3 gives it exactly Own and Shared, its assigned scorecards of
	// its own instance and of partners (ascending), even when they are gone.
	Assigned bool
	Own      []int64
	Shared   []int64
	// SharedOwners are the owners of Shared, in the same order (set by
	// CreateAPIKey's caller; not read back).
	SharedOwners []int64
	// Of the creator's membership, read with the key (not stored on it).
	CreatorName   string
	CreatorEmail  string
	CreatorActive bool
}

// apiKeySelect reads keys aliased k of the instance $1 with their
// creators' memberships (m) and their assignments, joined by commas: the
// subqueries name the instance themselves, so on Citus the whole is one
// shard's, and authenticating a key costs no statement more for them.
func (q *Q) apiKeySelect() string {
	join := "group_concat(scorecard_id, ',')"
	if q.s.dialect == Postgres {
		join = "string_agg(scorecard_id::text, ',')"
	}
	return `SELECT k.id, k.instance_id, k.name, k.prefix, k.secret_hash, k.permissions, k.created_by, k.created_at,
	k.expires_at, k.last_used_at, k.revoked_at, COALESCE(k.revoked_by, 0), m.name, m.email, m.active, k.assigned,
	(SELECT ` + join + ` FROM api_key_scorecards a WHERE a.instance_id = $1 AND a.key_id = k.id),
	(SELECT ` + join + ` FROM api_key_partner_scorecards a WHERE a.instance_id = $1 AND a.key_id = k.id)
	FROM api_keys k JOIN memberships m ON m.instance_id = k.instance_id AND m.id = k.created_by`
}

func scanAPIKey(sc interface{ Scan(...any) error }) (APIKey, error) {
	var k APIKey
	var perms string
	var expires, used, revoked sql.NullTime
	var own, shared sql.NullString
	err := sc.Scan(&k.ID, &k.InstanceID, &k.Name, &k.Prefix, &k.SecretHash, &perms, &k.CreatedBy, &k.CreatedAt,
		&expires, &used, &revoked, &k.RevokedBy, &k.CreatorName, &k.CreatorEmail, &k.CreatorActive, &k.Assigned, &own, &shared)
	k.Permissions = splitPermissions(perms)
	k.Own, k.Shared = splitIDs(own.String), splitIDs(shared.String)
	slices.Sort(k.Own)
	slices.Sort(k.Shared)
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

// CreateAPIKey stores a new key of k.InstanceID with its assignments
// (Own, and Shared with SharedOwners, already checked to be the
// instance's or shared with it); CreatedAt is the store's clock.
func (q *Q) CreateAPIKey(ctx context.Context, k APIKey) (APIKey, error) {
	k.CreatedAt = q.Now()
	var expires any
	if k.ExpiresAt != nil {
		expires = *k.ExpiresAt
	}
	err := q.row(ctx, `INSERT INTO api_keys (instance_id, name, prefix, secret_hash, permissions, created_by, created_at, expires_at, assigned)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		k.InstanceID, k.Name, k.Prefix, k.SecretHash, strings.Join(k.Permissions, ","), k.CreatedBy, k.CreatedAt, expires, k.Assigned).Scan(&k.ID)
	if isUniqueViolation(err) {
		return k, ErrConflict
	}
	if err != nil {
		return k, err
	}
	if len(k.Own) > 0 {
		a := args{}
		rows := make([]string, 0, len(k.Own))
		for _, id := range k.Own {
			rows = append(rows, "("+a.add(k.InstanceID)+", "+a.add(k.ID)+", "+a.add(id)+")")
		}
		if _, err := q.exec(ctx, `INSERT INTO api_key_scorecards (instance_id, key_id, scorecard_id) VALUES `+listMark+strings.Join(rows, ", "), a...); err != nil {
			return k, err
		}
	}
	if len(k.Shared) > 0 {
		a := args{}
		rows := make([]string, 0, len(k.Shared))
		for i, id := range k.Shared {
			rows = append(rows, "("+a.add(k.InstanceID)+", "+a.add(k.ID)+", "+a.add(k.SharedOwners[i])+", "+a.add(id)+")")
		}
		if _, err := q.exec(ctx, `INSERT INTO api_key_partner_scorecards (instance_id, key_id, owner_instance, scorecard_id) VALUES `+
			listMark+strings.Join(rows, ", "), a...); err != nil {
			return k, err
		}
	}
	return k, nil
}

// AssignAPIKeyScorecard adds one of the instance's own scorecards to a
// key's assignments: a scorecard the key created while it sees only its
// assigned ones, as a member who sees its assigned ones gets the
// scorecards it creates.
func (q *Q) AssignAPIKeyScorecard(ctx context.Context, instanceID, keyID, scorecardID int64) error {
	_, err := q.exec(ctx, `INSERT INTO api_key_scorecards (instance_id, key_id, scorecard_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
		instanceID, keyID, scorecardID)
	return err
}

// APIKeys lists the keys of an instance, revoked ones too, newest first.
func (q *Q) APIKeys(ctx context.Context, instanceID int64) ([]APIKey, error) {
	return collect(ctx, q, scanAPIKey, q.apiKeySelect()+`
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
	k, err := scanAPIKey(q.row(ctx, q.apiKeySelect()+`
		WHERE k.instance_id = $1 AND k.id = $2`, instanceID, id))
	return k, notFound(err)
}

// APIKeyByHash returns the key of the instance with this secret hash,
// whether or not it is revoked or expired (the caller decides).
func (q *Q) APIKeyByHash(ctx context.Context, instanceID int64, hash string) (APIKey, error) {
	k, err := scanAPIKey(q.row(ctx, q.apiKeySelect()+`
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
