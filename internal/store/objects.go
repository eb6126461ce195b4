package store

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"yardstick/internal/access"
	"yardstick/internal/model"
)

const objectCols = `o.id, o.instance_id, o.kind, o.type_id, t.name, t.badge, t.color, o.title, o.description, o.tags,
	o.unit, o.unit_before, o.decimals, o.polarity, o.frequency_id, o.pm_category, o.data_source, o.baseline_key,
	o.band_green, o.band_yellow, o.graph_title, o.graph_type, o.graph_targets, o.graph_periods, o.graph_ymin, o.graph_ymax,
	o.ext_id, o.version, o.created_at, o.updated_at`

const objectFrom = ` FROM objects o JOIN object_types t ON t.instance_id = o.instance_id AND t.id = o.type_id`

// oneObjectCols and oneObjectFrom read one object with its frequency: a
// measure's page and its data save need both, and on Citus each statement
// costs a coordinator → worker round trip.
const (
	oneObjectCols = objectCols + `, f.id, f.instance_id, f.title, f.kind, f.periods_per_year, f.start_month, f.start_day,
	f.label_prefix, f.builtin, f.created_at`
	oneObjectFrom = objectFrom + ` LEFT JOIN frequencies f ON f.instance_id = o.instance_id AND f.id = o.frequency_id`
)

// scanOneObject scans oneObjectCols.
func scanOneObject(sc interface{ Scan(...any) error }) (model.Object, error) {
	var f struct {
		id, instance, perYear, month, day sql.NullInt64
		title, kind, prefix               sql.NullString
		builtin                           sql.NullBool
		created                           sql.NullTime
	}
	o, err := scanObject(extraScan{sc, []any{&f.id, &f.instance, &f.title, &f.kind, &f.perYear, &f.month, &f.day,
		&f.prefix, &f.builtin, &f.created}})
	if err == nil && f.id.Valid {
		o.Frequency = &model.Frequency{ID: f.id.Int64, InstanceID: f.instance.Int64, Title: f.title.String, Kind: f.kind.String,
			PeriodsPerYear: int(f.perYear.Int64), StartMonth: int(f.month.Int64), StartDay: int(f.day.Int64),
			LabelPrefix: f.prefix.String, Builtin: f.builtin.Bool, CreatedAt: f.created.Time}
	}
	return o, err
}

// extraScan lets a scan function read its columns followed by more.
type extraScan struct {
	sc    interface{ Scan(...any) error }
	extra []any
}

func (e extraScan) Scan(dest ...any) error { return e.sc.Scan(append(dest, e.extra...)...) }

func scanObject(sc interface{ Scan(...any) error }) (model.Object, error) {
	var o model.Object
	var tags string
	var freq sql.NullInt64
	var bg, by, ymin, ymax sql.NullFloat64
	var ext sql.NullString
	err := sc.Scan(&o.ID, &o.InstanceID, &o.Kind, &o.TypeID, &o.TypeName, &o.TypeBadge, &o.TypeColor, &o.Title, &o.Description, &tags,
		&o.Unit, &o.UnitBefore, &o.Decimals, &o.Polarity, &freq, &o.PMCategory, &o.DataSource, &o.BaselineKey,
		&bg, &by, &o.GraphTitle, &o.GraphType, &o.GraphTargets, &o.GraphPeriods, &ymin, &ymax,
		&ext, &o.Version, &o.CreatedAt, &o.UpdatedAt)
	o.ExtID = ext.String
	o.Tags = splitTags(tags)
	if freq.Valid {
		o.FrequencyID = &freq.Int64
	}
	o.BandGreen, o.BandYellow, o.GraphYMin, o.GraphYMax = nullFloat(bg), nullFloat(by), nullFloat(ymin), nullFloat(ymax)
	return o, err
}

func nullFloat(f sql.NullFloat64) *float64 {
	if !f.Valid {
		return nil
	}
	return &f.Float64
}

// tagSep separates stored tags; tags are single-line text without it.
const tagSep = "\x1f"

func splitTags(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, tagSep)
}

// CreateObject inserts a container or measure with its tags.
func (q *Q) CreateObject(ctx context.Context, o model.Object) (model.Object, error) {
	now := q.Now()
	o.CreatedAt, o.UpdatedAt, o.Version = now, now, 1
	err := q.row(ctx, `INSERT INTO objects (instance_id, kind, type_id, title, title_key, description, tags, primary_tag,
		unit, unit_before, decimals, polarity, frequency_id, pm_category, data_source, baseline_key, band_green, band_yellow,
		graph_title, graph_type, graph_targets, graph_periods, graph_ymin, graph_ymax, ext_id, version, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $26, 1, $25, $25)
		RETURNING id`,
		o.InstanceID, o.Kind, o.TypeID, o.Title, Key(o.Title), o.Description, strings.Join(o.Tags, tagSep), primaryTag(o.Tags),
		o.Unit, o.UnitBefore, o.Decimals, o.Polarity, o.FrequencyID, o.PMCategory, o.DataSource, o.BaselineKey, o.BandGreen, o.BandYellow,
		o.GraphTitle, o.GraphType, o.GraphTargets, o.GraphPeriods, o.GraphYMin, o.GraphYMax, now, extValue(o.ExtID)).Scan(&o.ID)
	if err != nil {
		return o, extTaken(err)
	}
	return o, q.setTags(ctx, o.InstanceID, o.ID, o.Tags)
}

func primaryTag(tags []string) string {
	if len(tags) == 0 {
		return ""
	}
	return Key(tags[0])
}

func (q *Q) setTags(ctx context.Context, instanceID, objectID int64, tags []string) error {
	// By instance too: object_tags is keyed (instance_id, object_id, …),
	// and on Citus a delete by object_id alone went to every shard.
	if _, err := q.exec(ctx, `DELETE FROM object_tags WHERE instance_id = $1 AND object_id = $2`, instanceID, objectID); err != nil {
		return err
	}
	for i, t := range tags {
		if _, err := q.exec(ctx, `INSERT INTO object_tags (instance_id, object_id, tag_key, position) VALUES ($1, $2, $3, $4)
			ON CONFLICT DO NOTHING`, instanceID, objectID, Key(t), i); err != nil {
			return err
		}
	}
	return nil
}

// UpdateObject saves an object edited from version o.Version; one changed
// since is ErrConflict. Every field is written: the app loads, changes
// what the form offers, and saves.
func (q *Q) UpdateObject(ctx context.Context, o model.Object) error {
	res, err := q.exec(ctx, `UPDATE objects SET type_id = $1, title = $2, title_key = $3, description = $4, tags = $5, primary_tag = $6,
		unit = $7, unit_before = $8, decimals = $9, polarity = $10, frequency_id = $11, pm_category = $12, data_source = $13,
		baseline_key = $14, band_green = $15, band_yellow = $16, graph_title = $17, graph_type = $18, graph_targets = $19,
		graph_periods = $20, graph_ymin = $21, graph_ymax = $22, ext_id = $27, version = version + 1, updated_at = $23
		WHERE instance_id = $24 AND id = $25 AND version = $26`,
		o.TypeID, o.Title, Key(o.Title), o.Description, strings.Join(o.Tags, tagSep), primaryTag(o.Tags),
		o.Unit, o.UnitBefore, o.Decimals, o.Polarity, o.FrequencyID, o.PMCategory, o.DataSource,
		o.BaselineKey, o.BandGreen, o.BandYellow, o.GraphTitle, o.GraphType, o.GraphTargets,
		o.GraphPeriods, o.GraphYMin, o.GraphYMax, q.Now(), o.InstanceID, o.ID, o.Version, extValue(o.ExtID))
	if err := extTaken(err); err != nil {
		return err
	}
	if err := affectedOne(res, err); err != nil {
		if errors.Is(err, ErrNotFound) {
			return ErrConflict
		}
		return err
	}
	if err := q.StaleScores(ctx, o.InstanceID, []int64{o.ID}); err != nil {
		return err
	}
	return q.setTags(ctx, o.InstanceID, o.ID, o.Tags)
}

// DeleteObject removes an object, its links, reach rows and data values,
// and partners' members' favourites of it. Those are kept with their own
// instance, so no foreign key reaches them; the delete names the instances
// this one has ever shared with (partner_channels, revoked channels too:
// a favourite outlives its share), on Citus their shards only. A version
// other than 0 must be the stored one (deleteAt).
func (q *Q) DeleteObject(ctx context.Context, instanceID, id, version int64) error {
	partners, err := q.ids(ctx, `SELECT DISTINCT partner_instance FROM partner_channels WHERE owner_instance = $1 ORDER BY partner_instance`, instanceID)
	if err != nil {
		return err
	}
	if len(partners) > 0 {
		a := args{instanceID, id}
		if _, err := q.exec(ctx, `DELETE FROM partner_favorites WHERE instance_id IN (`+a.list(partners)+`) AND owner_instance = $1 AND measure_id = $2`,
			a...); err != nil {
			return err
		}
	}
	return q.deleteAt(ctx, "objects", instanceID, id, version)
}

// ObjectByID returns an object the visibility allows.
func (q *Q) ObjectByID(ctx context.Context, instanceID, id int64, v Visibility) (model.Object, error) {
	a := args{instanceID, id}
	o, err := scanOneObject(q.row(ctx, `SELECT `+oneObjectCols+oneObjectFrom+` WHERE o.instance_id = $1 AND o.id = $2 AND `+v.objectFilter(&a), a...))
	return o, notFound(err)
}

// ObjectsByIDs returns the objects among ids that the visibility allows,
// by title, in one query per idChunk ids; the others are left out.
func (q *Q) ObjectsByIDs(ctx context.Context, instanceID int64, ids []int64, v Visibility) ([]model.Object, error) {
	var out []model.Object
	for chunk := range slices.Chunk(slices.Compact(slices.Sorted(slices.Values(ids))), idChunk) {
		a := args{instanceID}
		list, err := collect(ctx, q, scanObject, `SELECT `+objectCols+objectFrom+` WHERE o.instance_id = $1 AND o.id IN (`+
			a.list(chunk)+`) AND `+v.objectFilter(&a)+` ORDER BY o.title, o.id`, a...)
		if err != nil {
			return nil, err
		}
		out = append(out, list...)
	}
	return out, nil
}

// ObjectFilter selects and orders an object list.
type ObjectFilter struct {
	Kind   string // container or measure
	TypeID int64  // 0: any type
	Tag    string // "": any tag
	Text   string // matched anywhere in the title, any case
	// ParentID keeps the objects directly under that container, and
	// ScorecardID those anywhere under that scorecard (0: either
	// anywhere). Each is read through its table's key (object_links,
	// scorecard_objects) as a list of ids, then sorted.
	ParentID    int64
	ScorecardID int64
	Sort        string // "title" (default) or "updated"
	Desc        bool
	After       string // cursor from the previous page
	Limit       int
}

// ObjectPage is one page of a list.
type ObjectPage struct {
	Objects []model.Object
	Next    string // cursor of the next page; "" on the last
}

// ListObjects pages through the objects the visibility allows, by keyset
// on (sort column, id), which an index serves in both directions.
func (q *Q) ListObjects(ctx context.Context, instanceID int64, f ObjectFilter, v Visibility) (ObjectPage, error) {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	a := args{instanceID, f.Kind}
	where := []string{"o.instance_id = $1", "o.kind = $2", v.objectFilter(&a)}
	if f.TypeID != 0 {
		where = append(where, "o.type_id = "+a.add(f.TypeID))
	}
	if f.Tag != "" {
		where = append(where, "EXISTS (SELECT 1 FROM object_tags ot WHERE ot.instance_id = o.instance_id AND ot.object_id = o.id AND ot.tag_key = "+a.add(Key(f.Tag))+")")
	}
	// A place filter names a few objects of many: they are read from the
	// link table's key first and then sorted. CROSS JOIN makes SQLite
	// start there (its planner otherwise walks the instance's objects in
	// title order, checking each); PostgreSQL plans it as any join.
	from := objectFrom
	switch {
	case f.ParentID != 0:
		from = ` FROM object_links ol CROSS JOIN objects o JOIN object_types t ON t.instance_id = o.instance_id AND t.id = o.type_id`
		where = append(where, "ol.instance_id = $1 AND ol.parent_id = "+a.add(f.ParentID)+" AND o.instance_id = ol.instance_id AND o.id = ol.child_id")
		if f.ScorecardID != 0 {
			where = append(where, "o.id IN (SELECT sf.object_id FROM scorecard_objects sf WHERE sf.instance_id = $1 AND sf.scorecard_id = "+a.add(f.ScorecardID)+")")
		}
	case f.ScorecardID != 0:
		from = ` FROM scorecard_objects sf CROSS JOIN objects o JOIN object_types t ON t.instance_id = o.instance_id AND t.id = o.type_id`
		where = append(where, "sf.instance_id = $1 AND sf.scorecard_id = "+a.add(f.ScorecardID)+" AND o.instance_id = sf.instance_id AND o.id = sf.object_id")
	}
	if f.Text != "" {
		where = append(where, `o.title_key LIKE `+a.add("%"+escapeLike(Key(f.Text))+"%")+` ESCAPE '\'`)
	}
	// A title is nearly unique; a scorecard copy, an import or a generated
	// tree gives many objects one time.
	o := keyOrder{col: "o.title_key", idCol: "o.id", desc: f.Desc}
	if f.Sort == "updated" {
		o.col, o.repeats = "o.updated_at", true
	}
	var kv any
	var id int64
	if f.After != "" {
		key, kid, ok := decodeCursor(f.After)
		if !ok {
			return ObjectPage{}, ErrBadCursor
		}
		kv, id = key, kid
		if f.Sort == "updated" {
			t, err := time.Parse(time.RFC3339Nano, key)
			if err != nil {
				return ObjectPage{}, ErrBadCursor
			}
			kv = t
		}
	}
	p := q.keyset(where, a, o, f.After != "", kv, id, func(where []string, order string) string {
		return `SELECT ` + objectCols + from + ` WHERE ` + strings.Join(where, " AND ") + ` ORDER BY ` + order + ` LIMIT ` + strconv.Itoa(f.Limit+1)
	})
	var page ObjectPage
	err := q.readPage(ctx, p, f.Limit, func(rows *sql.Rows) error {
		o, err := scanObject(rows)
		if err != nil {
			return err
		}
		page.Objects = append(page.Objects, o)
		return nil
	})
	if err != nil {
		return ObjectPage{}, err
	}
	if len(page.Objects) > f.Limit {
		page.Objects = page.Objects[:f.Limit]
		last := page.Objects[f.Limit-1]
		key := Key(last.Title)
		if f.Sort == "updated" {
			key = last.UpdatedAt.UTC().Format(time.RFC3339Nano)
		}
		page.Next = encodeCursor(key, last.ID)
	}
	return page, nil
}

// CountObjects counts the objects of a kind the visibility allows. For the
// scorecard scopes it counts from the reach table (an index range per
// scorecard), never probing every object of the instance.
func (q *Q) CountObjects(ctx context.Context, instanceID int64, kind string, v Visibility) (int, error) {
	var n int
	var err error
	switch v.Scope {
	case access.ScopeAll:
		err = q.row(ctx, `SELECT COUNT(*) FROM objects WHERE instance_id = $1 AND kind = $2`, instanceID, kind).Scan(&n)
	case access.ScopeLinked:
		err = q.row(ctx, `SELECT COUNT(DISTINCT object_id) FROM scorecard_objects WHERE instance_id = $1 AND kind = $2`, instanceID, kind).Scan(&n)
	case access.ScopeAssigned:
		a := args{instanceID, kind}
		table, who := v.assignments(&a)
		err = q.row(ctx, `SELECT COUNT(DISTINCT so.object_id) FROM `+table+`
			JOIN scorecard_objects so ON so.instance_id = ms.instance_id AND so.scorecard_id = ms.scorecard_id AND so.kind = $2
			WHERE ms.instance_id = $1 AND `+who, a...).Scan(&n)
	}
	return n, err
}

// ErrBadCursor is a page cursor that was not made by the store.
var ErrBadCursor = errors.New("bad page cursor")

func encodeCursor(key string, id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(key + "\x00" + strconv.FormatInt(id, 10)))
}

func decodeCursor(c string) (string, int64, bool) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return "", 0, false
	}
	key, idText, ok := strings.Cut(string(b), "\x00")
	id, err := strconv.ParseInt(idText, 10, 64)
	return key, id, ok && err == nil
}

func escapeLike(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}

// MeasureIDsIn returns which of ids are measures of the instance that
// the visibility allows.
func (q *Q) MeasureIDsIn(ctx context.Context, instanceID int64, ids []int64, v Visibility) ([]int64, error) {
	a := args{instanceID}
	in := a.list(ids)
	return q.ids(ctx, `SELECT o.id FROM objects o WHERE o.instance_id = $1 AND o.kind = 'measure' AND o.id IN (`+in+`) AND `+
		v.objectFilter(&a)+` ORDER BY o.id`, a...)
}
