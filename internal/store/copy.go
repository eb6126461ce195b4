package store

import (
	"context"
	"strings"

	"yardstick/internal/model"
)

// The copy engine's statements (app/copy.go): reads of a scorecard's notes
// and of earlier copies, and multi-row writes of a whole tree — objects,
// tags, links, notes, values — a chunk of rows to a statement, so a copy
// costs a handful of statements whatever the scorecard's size.

// copyParams bounds the parameters of one multi-row statement (SQLite
// allows 32,766, PostgreSQL 65,535).
const copyParams = 30000

// insertRows runs head + VALUES (…), (…) + tail for rows, as many rows to
// a statement as copyParams allows. Every row has the same number of
// values. (The copy engine's writes, bulkInsert's without COPY, the
// outbox's parts.)
func (q *Q) insertRows(ctx context.Context, head, tail string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	per := max(1, copyParams/len(rows[0]))
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(start+per, len(rows))]
		var a args
		vals := make([]string, len(chunk))
		for i, r := range chunk {
			ph := make([]string, len(r))
			for j, v := range r {
				ph[j] = a.next(q.s.dialect, v)
			}
			vals[i] = "(" + strings.Join(ph, ", ") + ")"
		}
		if _, err := q.exec(ctx, head+" VALUES "+listMark+strings.Join(vals, ", ")+" "+tail, a...); err != nil {
			return err
		}
	}
	return nil
}

// AllocIDs hands out n new ids of table (objects, scorecards or notes),
// so that a copy knows every id before it writes and can write each table
// in one multi-row statement. PostgreSQL draws them from the table's
// sequence; SQLite, whose writer holds the database's lock for the whole
// transaction, takes the next ones after the table's AUTOINCREMENT
// counter, which the inserts then move on. Run it in a transaction.
func (q *Q) AllocIDs(ctx context.Context, table string, n int) ([]int64, error) {
	if n == 0 {
		return nil, nil
	}
	if q.s.dialect == Postgres {
		return q.ids(ctx, `SELECT nextval(pg_get_serial_sequence($1, 'id')) FROM generate_series(1, $2)`, table, n)
	}
	var last int64
	if err := q.row(ctx, `SELECT MAX(COALESCE((SELECT MAX(seq) FROM sqlite_sequence WHERE name = $1), 0),
		COALESCE((SELECT MAX(id) FROM `+table+`), 0))`, table).Scan(&last); err != nil {
		return nil, err
	}
	out := make([]int64, n)
	for i := range out {
		out[i] = last + int64(i) + 1
	}
	return out, nil
}

// CopyOrigin is where a copied scorecard or object came from: its copy key.
type CopyOrigin struct {
	Instance, ID int64
}

// CopiesOf maps the ids of objects copied from originInstance (origin id →
// id in instanceID), for those of originIDs copied before.
func (q *Q) CopiesOf(ctx context.Context, instanceID, originInstance int64, originIDs []int64) (map[int64]int64, error) {
	out := map[int64]int64{}
	for start := 0; start < len(originIDs); start += idChunk {
		a := args{instanceID, originInstance}
		list := a.list(originIDs[start:min(start+idChunk, len(originIDs))])
		rows, err := q.query(ctx, `SELECT origin_id, id FROM objects WHERE instance_id = $1 AND origin_instance = $2
			AND origin_id IN (`+list+`)`, a...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var o, id int64
			if err := rows.Scan(&o, &id); err != nil {
				rows.Close()
				return nil, err
			}
			out[o] = id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ScorecardCopyOf returns the scorecard of instanceID copied before from
// originInstance's scorecard originID (ErrNotFound: none).
func (q *Q) ScorecardCopyOf(ctx context.Context, instanceID, originInstance, originID int64) (model.Scorecard, error) {
	s, err := scanScorecard(q.row(ctx, `SELECT `+scorecardCols+` FROM scorecards s WHERE s.instance_id = $1 AND s.origin_instance = $2
		AND s.origin_id = $3`, instanceID, originInstance, originID))
	return s, notFound(err)
}

// CopyNote is a note row as the copy engine reads and writes it.
type CopyNote struct {
	ID          int64
	TypeID      int64
	ScorecardID int64 // one of ScorecardID and ObjectID is set
	ObjectID    int64
	Body        string
	Version     int
	Removed     bool
}

// NotesOf reads the notes of a scorecard and of objects (their current
// bodies), in two queries at most per idChunk objects.
func (q *Q) NotesOf(ctx context.Context, instanceID, scorecardID int64, objectIDs []int64) ([]CopyNote, error) {
	scan := func(sc interface{ Scan(...any) error }) (CopyNote, error) {
		var n CopyNote
		var s, o *int64
		err := sc.Scan(&n.ID, &n.TypeID, &s, &o, &n.Body, &n.Version, &n.Removed)
		if s != nil {
			n.ScorecardID = *s
		}
		if o != nil {
			n.ObjectID = *o
		}
		return n, err
	}
	const cols = `SELECT id, type_id, scorecard_id, object_id, body, version, removed FROM notes WHERE instance_id = $1 AND `
	var out []CopyNote
	if scorecardID != 0 {
		ns, err := collect(ctx, q, scan, cols+`scorecard_id = $2 ORDER BY id`, instanceID, scorecardID)
		if err != nil {
			return nil, err
		}
		out = append(out, ns...)
	}
	for start := 0; start < len(objectIDs); start += idChunk {
		a := args{instanceID}
		list := a.list(objectIDs[start:min(start+idChunk, len(objectIDs))])
		ns, err := collect(ctx, q, scan, cols+`object_id IN (`+list+`) ORDER BY id`, a...)
		if err != nil {
			return nil, err
		}
		out = append(out, ns...)
	}
	return out, nil
}

// CopyObject is an object the copy engine writes: New objects are
// inserted with their (allocated) ID, the others updated in place.
type CopyObject struct {
	model.Object
	Origin *CopyOrigin
	New    bool
}

// conflictID is the conflict target of an upsert by id: SQLite's id is
// the rowid, which a clash on reports first; PostgreSQL's key leads with
// instance_id (Citus needs the distribution column in it).
func (q *Q) conflictID() string {
	if q.s.dialect == SQLite {
		return "(id)"
	}
	return "(instance_id, id)"
}

// UpsertObjects writes objects in multi-row statements: new ones with
// their ids and copy keys, existing ones updated (every field a copy
// carries; their external id, copy key and creation time stay), then
// their tags.
func (q *Q) UpsertObjects(ctx context.Context, instanceID int64, objs []CopyObject) error {
	now := q.Now()
	rows := make([][]any, 0, len(objs))
	var tags [][]any
	ids := make([]int64, 0, len(objs))
	for _, c := range objs {
		o := c.Object
		var oi, oid *int64
		if c.Origin != nil {
			oi, oid = &c.Origin.Instance, &c.Origin.ID
		}
		rows = append(rows, []any{o.ID, instanceID, o.Kind, o.TypeID, o.Title, Key(o.Title), o.Description, strings.Join(o.Tags, tagSep),
			primaryTag(o.Tags), o.Unit, o.UnitBefore, o.Decimals, o.Polarity, o.FrequencyID, o.PMCategory, o.DataSource, o.BaselineKey,
			o.BandGreen, o.BandYellow, o.GraphTitle, o.GraphType, o.GraphTargets, o.GraphPeriods, o.GraphYMin, o.GraphYMax, oi, oid, 1, now, now})
		if !c.New {
			ids = append(ids, o.ID)
		}
		seen := map[string]bool{}
		for i, t := range o.Tags {
			if k := Key(t); !seen[k] {
				seen[k] = true
				tags = append(tags, []any{instanceID, o.ID, k, i})
			}
		}
	}
	set := []string{}
	for _, c := range []string{"kind", "type_id", "title", "title_key", "description", "tags", "primary_tag", "unit", "unit_before", "decimals",
		"polarity", "frequency_id", "pm_category", "data_source", "baseline_key", "band_green", "band_yellow", "graph_title", "graph_type",
		"graph_targets", "graph_periods", "graph_ymin", "graph_ymax", "updated_at"} {
		set = append(set, c+" = excluded."+c)
	}
	if err := q.insertRows(ctx, `INSERT INTO objects (id, instance_id, kind, type_id, title, title_key, description, tags, primary_tag,
		unit, unit_before, decimals, polarity, frequency_id, pm_category, data_source, baseline_key, band_green, band_yellow,
		graph_title, graph_type, graph_targets, graph_periods, graph_ymin, graph_ymax, origin_instance, origin_id, version, created_at, updated_at)`,
		`ON CONFLICT `+q.conflictID()+` DO UPDATE SET `+strings.Join(set, ", ")+`, version = objects.version + 1`, rows); err != nil {
		return err
	}
	for start := 0; start < len(ids); start += idChunk {
		a := args{instanceID}
		list := a.list(ids[start:min(start+idChunk, len(ids))])
		if _, err := q.exec(ctx, `DELETE FROM object_tags WHERE instance_id = $1 AND object_id IN (`+list+`)`, a...); err != nil {
			return err
		}
	}
	return q.insertRows(ctx, `INSERT INTO object_tags (instance_id, object_id, tag_key, position)`, ``, tags)
}

// UpsertCopiedScorecard inserts a new scorecard with its id, copy key and
// layout (chosen columns, levels shown), or updates the title and
// description of an earlier copy; an earlier copy keeps the layout its
// owners may have changed since.
func (q *Q) UpsertCopiedScorecard(ctx context.Context, s model.Scorecard, origin *CopyOrigin, isNew bool) error {
	now := q.Now()
	if !isNew {
		res, err := q.exec(ctx, `UPDATE scorecards SET title = $1, title_key = $2, description = $3, version = version + 1, updated_at = $4
			WHERE instance_id = $5 AND id = $6`, s.Title, Key(s.Title), s.Description, now, s.InstanceID, s.ID)
		return affectedOne(res, err)
	}
	var oi, oid *int64
	if origin != nil {
		oi, oid = &origin.Instance, &origin.ID
	}
	_, err := q.exec(ctx, `INSERT INTO scorecards (id, instance_id, title, title_key, description, origin_instance, origin_id, columns, expand_depth,
		scores_on, version, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $9, $10, $11, 1, $8, $8)`, s.ID, s.InstanceID, s.Title, Key(s.Title), s.Description, oi, oid, now,
		strings.Join(s.Columns, ","), s.ExpandDepth, s.ScoresOn)
	return err
}

// UpsertLinks writes scorecard links (ParentID is the scorecard) and
// object links, inserting new ones and moving existing ones to the given
// positions; links already there and not given stay.
func (q *Q) UpsertLinks(ctx context.Context, instanceID int64, scorecard, objects []Link) error {
	rows := make([][]any, len(scorecard))
	for i, l := range scorecard {
		rows[i] = []any{instanceID, l.ParentID, l.ChildID, l.Position}
	}
	if err := q.insertRows(ctx, `INSERT INTO scorecard_links (instance_id, scorecard_id, object_id, position)`,
		`ON CONFLICT (instance_id, scorecard_id, object_id) DO UPDATE SET position = excluded.position`, rows); err != nil {
		return err
	}
	rows = make([][]any, len(objects))
	for i, l := range objects {
		rows[i] = []any{instanceID, l.ParentID, l.ChildID, l.Position}
	}
	return q.insertRows(ctx, `INSERT INTO object_links (instance_id, parent_id, child_id, position)`,
		`ON CONFLICT (instance_id, parent_id, child_id) DO UPDATE SET position = excluded.position`, rows)
}

// UpsertDataValues writes values of measures of one instance by
// (measure, period): new rows at version 1, existing ones overwritten
// with a new version. targetsOnly writes targets alone (the actual of an
// existing row stays; a new row has none).
func (q *Q) UpsertDataValues(ctx context.Context, instanceID int64, vs []model.DataValue, by int64, targetsOnly bool) error {
	now := q.Now()
	rows := make([][]any, len(vs))
	for i, v := range vs {
		rows[i] = []any{instanceID, v.MeasureID, v.PeriodKey, v.Actual, v.Target, v.Comment, nullID(by), now, 1}
	}
	if err := q.StaleInstanceScores(ctx, instanceID); err != nil {
		return err
	}
	set := `actual = excluded.actual, target = excluded.target, comment = excluded.comment`
	if targetsOnly {
		set = `target = excluded.target`
	}
	return q.insertRows(ctx, `INSERT INTO data_values (instance_id, measure_id, period_key, actual, target, comment, updated_by, updated_at, version)`,
		`ON CONFLICT (instance_id, measure_id, period_key) DO UPDATE SET `+set+`, updated_by = excluded.updated_by,
		updated_at = excluded.updated_at, version = data_values.version + 1`, rows)
}

// UpsertNotes writes notes (new ones with their ids) and, for each whose
// Version is set, that version of its body, by authorID.
func (q *Q) UpsertNotes(ctx context.Context, instanceID int64, notes []CopyNote, authorID int64) error {
	if err := q.StaleInstanceScores(ctx, instanceID); err != nil {
		return err
	}
	now := q.Now()
	rows := make([][]any, len(notes))
	var versions [][]any
	for i, n := range notes {
		var s, o *int64
		if n.ScorecardID != 0 {
			s = &notes[i].ScorecardID
		} else {
			o = &notes[i].ObjectID
		}
		rows[i] = []any{n.ID, instanceID, n.TypeID, s, o, n.Body, n.Version, n.Removed, nullID(authorID), now, now}
		if n.Version > 0 {
			versions = append(versions, []any{instanceID, n.ID, n.Version, n.Body, nullID(authorID), 0, now})
		}
	}
	if err := q.insertRows(ctx, `INSERT INTO notes (id, instance_id, type_id, scorecard_id, object_id, body, version, removed, updated_by, created_at, updated_at)`,
		`ON CONFLICT `+q.conflictID()+` DO UPDATE SET body = excluded.body, version = excluded.version, removed = excluded.removed,
		updated_by = excluded.updated_by, updated_at = excluded.updated_at`, rows); err != nil {
		return err
	}
	return q.insertRows(ctx, `INSERT INTO note_versions (instance_id, note_id, version, body, author_id, restored, created_at)`,
		`ON CONFLICT DO NOTHING`, versions)
}

// ScorecardsReachingAny lists the scorecards of the instance that reach
// any of the objects.
func (q *Q) ScorecardsReachingAny(ctx context.Context, instanceID int64, objectIDs []int64) ([]int64, error) {
	seen := map[int64]bool{}
	var out []int64
	for start := 0; start < len(objectIDs); start += idChunk {
		a := args{instanceID}
		list := a.list(objectIDs[start:min(start+idChunk, len(objectIDs))])
		ids, err := q.ids(ctx, `SELECT DISTINCT scorecard_id FROM scorecard_objects WHERE instance_id = $1 AND object_id IN (`+list+`)`, a...)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			if !seen[id] {
				seen[id] = true
				out = append(out, id)
			}
		}
	}
	return out, nil
}
