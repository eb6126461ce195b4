package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"
)

// EmbedToken is a stored embed code (0022): of a scorecard (ObjectID 0)
// or of an object reached through it. The token itself is never stored:
// TokenHash is its hash.
type EmbedToken struct {
	ID            int64
	InstanceID    int64
	ScorecardID   int64
	ObjectID      int64 // 0: the scorecard itself
	TokenHash     string
	Periods       int     // periods the graph shows; 0: the measure's own setting
	Chart         string  // "line", "bar"; "": the measure's own
	NoteTypes     []int64 // note types shown
	ShowTargets   bool
	CreatedBy     int64 // membership id
	CreatedAt     time.Time
	RegeneratedAt *time.Time
	RevokedAt     *time.Time
	// Read with the token for lists (not stored on it).
	CreatorName string
	ObjectTitle string
	ObjectKind  string
	Views       int64 // every day's views added up
}

const embedCols = `t.id, t.instance_id, t.scorecard_id, COALESCE(t.object_id, 0), t.token_hash, t.periods, t.chart, t.note_types,
	t.show_targets, t.created_by, t.created_at, t.regenerated_at, t.revoked_at`

func scanEmbed(sc interface{ Scan(...any) error }, extra ...any) (EmbedToken, error) {
	var t EmbedToken
	var types string
	var regen, revoked sql.NullTime
	err := sc.Scan(append([]any{&t.ID, &t.InstanceID, &t.ScorecardID, &t.ObjectID, &t.TokenHash, &t.Periods, &t.Chart, &types,
		&t.ShowTargets, &t.CreatedBy, &t.CreatedAt, &regen, &revoked}, extra...)...)
	t.NoteTypes = splitIDs(types)
	t.CreatedAt = t.CreatedAt.UTC()
	t.RegeneratedAt, t.RevokedAt = nullTime(regen), nullTime(revoked)
	return t, err
}

func splitIDs(s string) []int64 {
	var out []int64
	for _, part := range strings.Split(s, ",") {
		if id, err := strconv.ParseInt(strings.TrimSpace(part), 10, 64); err == nil && id > 0 {
			out = append(out, id)
		}
	}
	return out
}

func joinIDs(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(parts, ",")
}

// CreateEmbedToken stores a new embed code and its look-up key; run it in
// a transaction. CreatedAt is the store's clock.
func (q *Q) CreateEmbedToken(ctx context.Context, t EmbedToken) (EmbedToken, error) {
	t.CreatedAt = q.Now()
	var object any
	if t.ObjectID != 0 {
		object = t.ObjectID
	}
	err := q.row(ctx, `INSERT INTO embed_tokens (instance_id, scorecard_id, object_id, token_hash, periods, chart, note_types, show_targets,
		created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		t.InstanceID, t.ScorecardID, object, t.TokenHash, t.Periods, t.Chart, joinIDs(t.NoteTypes), t.ShowTargets, t.CreatedBy, t.CreatedAt).Scan(&t.ID)
	if isUniqueViolation(err) {
		return t, ErrConflict
	}
	if err != nil {
		return t, err
	}
	return t, q.addEmbedKey(ctx, t.TokenHash, t.InstanceID, t.ID)
}

func (q *Q) addEmbedKey(ctx context.Context, hash string, instanceID, id int64) error {
	_, err := q.exec(ctx, `INSERT INTO embed_token_keys (token_hash, owner_instance, token_id) VALUES ($1, $2, $3)`, hash, instanceID, id)
	if isUniqueViolation(err) {
		return ErrConflict
	}
	return err
}

// EmbedTokens lists a scorecard's embed codes (its own and its objects'),
// newest first, revoked ones too: up to limit of them with an id below
// before (0: from the newest), the keyset of the next page.
func (q *Q) EmbedTokens(ctx context.Context, instanceID, scorecardID, before int64, limit int) ([]EmbedToken, error) {
	if before <= 0 {
		before = 1<<63 - 1
	}
	return collect(ctx, q, func(sc interface{ Scan(...any) error }) (EmbedToken, error) {
		var name, title, kind string
		var views int64
		e, err := scanEmbed(sc, &name, &title, &kind, &views)
		e.CreatorName, e.ObjectTitle, e.ObjectKind, e.Views = name, title, kind, views
		return e, err
	}, `SELECT `+embedCols+`, m.name, COALESCE(o.title, ''), COALESCE(o.kind, ''), COALESCE(v.views, 0)
		FROM embed_tokens t
		JOIN memberships m ON m.instance_id = t.instance_id AND m.id = t.created_by
		LEFT JOIN objects o ON o.instance_id = t.instance_id AND o.id = t.object_id
		LEFT JOIN (SELECT token_id, SUM(views) AS views FROM embed_views WHERE instance_id = $1 GROUP BY token_id) v ON v.token_id = t.id
		WHERE t.instance_id = $1 AND t.scorecard_id = $2 AND t.id < $3
		ORDER BY t.id DESC LIMIT $4`, instanceID, scorecardID, before, limit)
}

// EmbedTokenByID returns an embed code of the instance.
func (q *Q) EmbedTokenByID(ctx context.Context, instanceID, id int64) (EmbedToken, error) {
	t, err := scanEmbed(q.row(ctx, `SELECT `+embedCols+` FROM embed_tokens t WHERE t.instance_id = $1 AND t.id = $2`, instanceID, id))
	return t, notFound(err)
}

// EmbedKey looks a token's hash up: the instance and id of its embed
// code. The one embed query that names no instance; it reads
// embed_token_keys, which stays on the coordinator.
func (q *Q) EmbedKey(ctx context.Context, hash string) (instanceID, id int64, err error) {
	err = q.row(ctx, `SELECT owner_instance, token_id FROM embed_token_keys WHERE token_hash = $1`, hash).Scan(&instanceID, &id)
	return instanceID, id, notFound(err)
}

// LiveEmbedToken returns the embed code of the instance with this id and
// hash that is not revoked; ErrNotFound otherwise.
func (q *Q) LiveEmbedToken(ctx context.Context, instanceID, id int64, hash string) (EmbedToken, error) {
	t, err := scanEmbed(q.row(ctx, `SELECT `+embedCols+` FROM embed_tokens t
		WHERE t.instance_id = $1 AND t.id = $2 AND t.token_hash = $3 AND t.revoked_at IS NULL`, instanceID, id, hash))
	return t, notFound(err)
}

// RegenerateEmbedToken gives a live embed code a new hash; the old hash's
// look-up key goes at once. Run it in a transaction.
func (q *Q) RegenerateEmbedToken(ctx context.Context, instanceID, id int64, oldHash, newHash string) error {
	res, err := q.exec(ctx, `UPDATE embed_tokens SET token_hash = $1, regenerated_at = $2
		WHERE instance_id = $3 AND id = $4 AND token_hash = $5 AND revoked_at IS NULL`, newHash, q.Now(), instanceID, id, oldHash)
	if err := affectedOne(res, err); err != nil {
		return err
	}
	if _, err := q.exec(ctx, `DELETE FROM embed_token_keys WHERE token_hash = $1`, oldHash); err != nil {
		return err
	}
	return q.addEmbedKey(ctx, newHash, instanceID, id)
}

// RevokeEmbedToken revokes a live embed code and drops its look-up key;
// ErrNotFound when it is revoked already. Run it in a transaction.
func (q *Q) RevokeEmbedToken(ctx context.Context, instanceID, id, by int64, hash string) error {
	res, err := q.exec(ctx, `UPDATE embed_tokens SET revoked_at = $1, revoked_by = $2
		WHERE instance_id = $3 AND id = $4 AND revoked_at IS NULL`, q.Now(), by, instanceID, id)
	if err := affectedOne(res, err); err != nil {
		return err
	}
	_, err = q.exec(ctx, `DELETE FROM embed_token_keys WHERE token_hash = $1`, hash)
	return err
}

// EmbedVia is an embed-enabled scorecard and the origins it allows.
type EmbedVia struct {
	ScorecardID int64
	Origins     string
}

// EmbedEnabledVia lists the embed-enabled scorecards of the instance
// through which the target is embeddable: the scorecard itself
// (objectID 0), or every enabled scorecard that reaches the object.
func (q *Q) EmbedEnabledVia(ctx context.Context, instanceID, scorecardID, objectID int64) ([]EmbedVia, error) {
	scan := func(sc interface{ Scan(...any) error }) (EmbedVia, error) {
		var v EmbedVia
		err := sc.Scan(&v.ScorecardID, &v.Origins)
		return v, err
	}
	if objectID == 0 {
		return collect(ctx, q, scan, `SELECT id, embed_origins FROM scorecards WHERE instance_id = $1 AND id = $2 AND embed_enabled`,
			instanceID, scorecardID)
	}
	return collect(ctx, q, scan, `SELECT s.id, s.embed_origins FROM scorecard_objects so
		JOIN scorecards s ON s.instance_id = so.instance_id AND s.id = so.scorecard_id
		WHERE so.instance_id = $1 AND so.object_id = $2 AND s.embed_enabled ORDER BY s.id`, instanceID, objectID)
}

// SetScorecardEmbed switches a scorecard's embeds on or off and sets the
// origins that may frame them, from version; a scorecard changed since is
// ErrConflict.
func (q *Q) SetScorecardEmbed(ctx context.Context, instanceID, id, version int64, enabled bool, origins string) error {
	res, err := q.exec(ctx, `UPDATE scorecards SET embed_enabled = $1, embed_origins = $2, version = version + 1, updated_at = $3
		WHERE instance_id = $4 AND id = $5 AND version = $6`, enabled, origins, q.Now(), instanceID, id, version)
	if err := affectedOne(res, err); err != ErrNotFound {
		return err
	}
	if _, err := q.ScorecardByID(ctx, instanceID, id, SeeAll); err != nil {
		return err
	}
	return ErrConflict
}

// AddEmbedViews adds n views of an embed code on day (YYYY-MM-DD): one
// row per code and day, however many views.
func (q *Q) AddEmbedViews(ctx context.Context, instanceID, id int64, day string, n int64) error {
	_, err := q.exec(ctx, `INSERT INTO embed_views (instance_id, token_id, day, views) VALUES ($1, $2, $3, $4)
		ON CONFLICT (instance_id, token_id, day) DO UPDATE SET views = embed_views.views + excluded.views`, instanceID, id, day, n)
	return err
}

// EmbedViewDays returns an embed code's views per day, newest first, at
// most limit days.
func (q *Q) EmbedViewDays(ctx context.Context, instanceID, id int64, limit int) (map[string]int64, error) {
	type dv struct {
		day string
		n   int64
	}
	rows, err := collect(ctx, q, func(sc interface{ Scan(...any) error }) (dv, error) {
		var d dv
		err := sc.Scan(&d.day, &d.n)
		return d, err
	}, `SELECT day, views FROM embed_views WHERE instance_id = $1 AND token_id = $2 ORDER BY day DESC LIMIT $3`, instanceID, id, limit)
	out := map[string]int64{}
	for _, r := range rows {
		out[r.day] = r.n
	}
	return out, err
}

// CountLiveEmbeds counts a scorecard's embed codes that are not revoked.
func (q *Q) CountLiveEmbeds(ctx context.Context, instanceID, scorecardID int64) (int, error) {
	var n int
	err := q.row(ctx, `SELECT COUNT(*) FROM embed_tokens WHERE instance_id = $1 AND scorecard_id = $2 AND revoked_at IS NULL`,
		instanceID, scorecardID).Scan(&n)
	return n, err
}
