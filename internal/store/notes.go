package store

import (
	"context"
	"database/sql"
	"errors"
	"math"

	"yardstick/internal/model"
)

// builtinNoteTypes are the standard RBA note types every instance starts
// with (migration 0018 gave them to the instances that existed then).
var builtinNoteTypes = []model.NoteType{
	{Name: "Definition", HelpText: "What this is and how it is measured.", OnContainers: true, OnMeasures: true},
	{Name: "Story Behind the Curve", HelpText: "Why the line looks the way it does: causes and forces at work.", OnContainers: true, OnMeasures: true},
	{Name: "Partners", HelpText: "Who has a role to play in turning the curve.", OnContainers: true, OnMeasures: true},
	{Name: "What Works", HelpText: "What could work to do better, including no-cost and low-cost ideas.", OnContainers: true, OnMeasures: true},
	{Name: "Action Plan", HelpText: "What we propose to do.", OnContainers: true, OnMeasures: true},
}

// targetCol names the column a note or comment points with, and the id.
// The column name is one of two constants, never caller text.
func targetCol(t model.Target) (string, int64) {
	if t.ScorecardID != 0 {
		return "scorecard_id", t.ScorecardID
	}
	return "object_id", t.ObjectID
}

const noteTypeCols = `t.id, t.instance_id, t.name, t.default_text, t.help_text, t.char_limit, t.on_scorecards, t.on_containers,
	t.on_measures, t.builtin, t.position`

func scanNoteType(sc interface{ Scan(...any) error }, extra ...any) (model.NoteType, error) {
	var t model.NoteType
	err := sc.Scan(append([]any{&t.ID, &t.InstanceID, &t.Name, &t.DefaultText, &t.HelpText, &t.CharLimit, &t.OnScorecards,
		&t.OnContainers, &t.OnMeasures, &t.Builtin, &t.Position}, extra...)...)
	return t, err
}

// CreateNoteType adds a note type at the end of the order; a taken name
// (any case) is ErrConflict.
func (q *Q) CreateNoteType(ctx context.Context, t model.NoteType) (model.NoteType, error) {
	// Two statements: Citus takes no subquery in an INSERT's VALUES. Two
	// types created at once may share a position; the id orders them.
	if err := q.row(ctx, `SELECT COALESCE(MAX(position), 0) + 1 FROM note_types WHERE instance_id = $1`, t.InstanceID).Scan(&t.Position); err != nil {
		return t, err
	}
	err := q.row(ctx, `INSERT INTO note_types (instance_id, name, name_key, default_text, help_text, char_limit,
			on_scorecards, on_containers, on_measures, builtin, position, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
		t.InstanceID, t.Name, Key(t.Name), t.DefaultText, t.HelpText, t.CharLimit, t.OnScorecards, t.OnContainers,
		t.OnMeasures, t.Builtin, t.Position, q.Now()).Scan(&t.ID)
	if isUniqueViolation(err) {
		return t, ErrConflict
	}
	return t, err
}

// ListNoteTypes lists an instance's note types in their order; withUse
// also counts each type's saved notes (for the Notes page).
func (q *Q) ListNoteTypes(ctx context.Context, instanceID int64, withUse bool) ([]model.NoteType, error) {
	use := "0"
	if withUse {
		use = "(SELECT COUNT(*) FROM notes n WHERE n.instance_id = t.instance_id AND n.type_id = t.id AND NOT n.removed AND n.version > 0)"
	}
	return collect(ctx, q, func(sc interface{ Scan(...any) error }) (model.NoteType, error) {
		var n int
		t, err := scanNoteType(sc, &n)
		t.InUse = n
		return t, err
	}, `SELECT `+noteTypeCols+`, `+use+` FROM note_types t WHERE t.instance_id = $1 ORDER BY t.position, t.id`, instanceID)
}

// NoteTypeByID returns a note type of the instance with its count of
// saved notes.
func (q *Q) NoteTypeByID(ctx context.Context, instanceID, id int64) (model.NoteType, error) {
	var n int
	t, err := scanNoteType(q.row(ctx, `SELECT `+noteTypeCols+`,
		(SELECT COUNT(*) FROM notes n WHERE n.instance_id = t.instance_id AND n.type_id = t.id AND NOT n.removed AND n.version > 0)
		FROM note_types t WHERE t.instance_id = $1 AND t.id = $2`, instanceID, id), &n)
	t.InUse = n
	return t, notFound(err)
}

// UpdateNoteType changes a type's name, texts, limit and default kinds.
// Notes refer to their type by id: a rename shows on every note at once.
func (q *Q) UpdateNoteType(ctx context.Context, t model.NoteType) error {
	res, err := q.exec(ctx, `UPDATE note_types SET name = $1, name_key = $2, default_text = $3, help_text = $4, char_limit = $5,
		on_scorecards = $6, on_containers = $7, on_measures = $8 WHERE instance_id = $9 AND id = $10`,
		t.Name, Key(t.Name), t.DefaultText, t.HelpText, t.CharLimit, t.OnScorecards, t.OnContainers, t.OnMeasures, t.InstanceID, t.ID)
	if isUniqueViolation(err) {
		return ErrConflict
	}
	return affectedOne(res, err)
}

// DeleteNoteType deletes a custom type with its notes and their history
// (the foreign keys cascade); a standard type is ErrConflict.
func (q *Q) DeleteNoteType(ctx context.Context, instanceID, id int64) error {
	res, err := q.exec(ctx, `DELETE FROM note_types WHERE instance_id = $1 AND id = $2 AND NOT builtin`, instanceID, id)
	if err := affectedOne(res, err); err == nil {
		// Its notes went with it (ON DELETE CASCADE).
		return q.StaleInstanceScores(ctx, instanceID)
	} else if err != ErrNotFound {
		return err
	}
	if _, err := q.NoteTypeByID(ctx, instanceID, id); err != nil {
		return err
	}
	return ErrConflict
}

// SetNoteTypeOrder numbers the instance's types in the order of ids
// (every type of the instance, each once; the app checks that).
func (q *Q) SetNoteTypeOrder(ctx context.Context, instanceID int64, ids []int64) error {
	for i, id := range ids {
		if _, err := q.exec(ctx, `UPDATE note_types SET position = $1 WHERE instance_id = $2 AND id = $3`, i+1, instanceID, id); err != nil {
			return err
		}
	}
	return nil
}

// NoteTypeNameTaken reports whether another note type of the instance
// has this name (any case).
func (q *Q) NoteTypeNameTaken(ctx context.Context, instanceID int64, name string, except int64) (bool, error) {
	var n int
	err := q.row(ctx, `SELECT COUNT(*) FROM note_types WHERE instance_id = $1 AND name_key = $2 AND id <> $3`,
		instanceID, Key(name), except).Scan(&n)
	return n > 0, err
}

// Notes returns every note type of the instance, in order, each with the
// target's note of that type when it has a row: one query for a page's
// note sections, whatever their number.
func (q *Q) Notes(ctx context.Context, instanceID int64, tg model.Target) ([]model.Note, error) {
	col, id := targetCol(tg)
	return collect(ctx, q, func(sc interface{ Scan(...any) error }) (model.Note, error) {
		var n model.Note
		var at textTime
		var err error
		n.Type, err = scanNoteType(sc, &n.ID, &n.Body, &n.Version, &n.Removed, &n.UpdatedBy, &at)
		n.InstanceID, n.Target, n.Present, n.UpdatedAt = instanceID, tg, n.ID != 0, at.t
		return n, err
	}, `SELECT `+noteTypeCols+`, COALESCE(n.id, 0), COALESCE(n.body, ''), COALESCE(n.version, 0), COALESCE(n.removed, FALSE),
			COALESCE(a.name, ''), `+q.timeText("COALESCE(n.updated_at, t.created_at)")+`
		FROM note_types t
		LEFT JOIN notes n ON n.instance_id = t.instance_id AND n.type_id = t.id AND n.`+col+` = $2
		LEFT JOIN accounts a ON a.id = n.updated_by
		WHERE t.instance_id = $1 ORDER BY t.position, t.id`, instanceID, id)
}

// Note returns the target's note of one type (ID 0 when it has no row).
func (q *Q) Note(ctx context.Context, instanceID int64, tg model.Target, typeID int64) (model.Note, error) {
	col, id := targetCol(tg)
	var n model.Note
	var at textTime
	var err error
	n.Type, err = scanNoteType(q.row(ctx, `SELECT `+noteTypeCols+`, COALESCE(n.id, 0), COALESCE(n.body, ''), COALESCE(n.version, 0),
			COALESCE(n.removed, FALSE), COALESCE(a.name, ''), `+q.timeText("COALESCE(n.updated_at, t.created_at)")+`
		FROM note_types t
		LEFT JOIN notes n ON n.instance_id = t.instance_id AND n.type_id = t.id AND n.`+col+` = $2
		LEFT JOIN accounts a ON a.id = n.updated_by
		WHERE t.instance_id = $1 AND t.id = $3`, instanceID, id, typeID), &n.ID, &n.Body, &n.Version, &n.Removed, &n.UpdatedBy, &at)
	n.InstanceID, n.Target, n.Present, n.UpdatedAt = instanceID, tg, n.ID != 0, at.t
	return n, notFound(err)
}

// SaveNote writes a new version of the target's note of a type, based on
// version base (0: the note was never saved): the body becomes current
// and is kept as version base+1, by authorID; restored names the version
// it brings back, or 0. A note saved by someone else since base is
// ErrConflict and nothing is written (no lost update). Run it in a
// transaction: the note and its version are written together.
func (q *Q) SaveNote(ctx context.Context, instanceID int64, tg model.Target, typeID int64, base int, body string, authorID int64, restored int) (int, error) {
	col, id := targetCol(tg)
	now := q.Now()
	var noteID int64
	var version int
	err := q.row(ctx, `UPDATE notes SET body = $1, version = version + 1, removed = FALSE, updated_by = $2, updated_at = $3
		WHERE instance_id = $4 AND `+col+` = $5 AND type_id = $6 AND version = $7 RETURNING id, version`,
		body, nullID(authorID), now, instanceID, id, typeID, base).Scan(&noteID, &version)
	if errors.Is(err, sql.ErrNoRows) && base == 0 {
		err = q.row(ctx, `INSERT INTO notes (instance_id, type_id, `+col+`, body, version, updated_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, 1, $5, $6, $6) ON CONFLICT DO NOTHING RETURNING id, version`,
			instanceID, typeID, id, body, nullID(authorID), now).Scan(&noteID, &version)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrConflict
	}
	if err != nil {
		return 0, err
	}
	if _, err = q.exec(ctx, `INSERT INTO note_versions (instance_id, note_id, version, body, author_id, restored, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, instanceID, noteID, version, body, nullID(authorID), restored, now); err != nil {
		return 0, err
	}
	return version, q.staleNoteScores(ctx, instanceID, tg)
}

// AddNoteSection gives the target a section of a type (or brings back a
// removed one).
func (q *Q) AddNoteSection(ctx context.Context, instanceID int64, tg model.Target, typeID int64) error {
	col, id := targetCol(tg)
	now := q.Now()
	if _, err := q.exec(ctx, `INSERT INTO notes (instance_id, type_id, `+col+`, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $4) ON CONFLICT DO NOTHING`, instanceID, typeID, id, now); err != nil {
		return err
	}
	if _, err := q.exec(ctx, `UPDATE notes SET removed = FALSE WHERE instance_id = $1 AND `+col+` = $2 AND type_id = $3`, instanceID, id, typeID); err != nil {
		return err
	}
	return q.staleNoteScores(ctx, instanceID, tg)
}

// staleNoteScores moves on the scores of the scorecards a note's object
// sits under ("notes filled" counts a measure's notes).
func (q *Q) staleNoteScores(ctx context.Context, instanceID int64, tg model.Target) error {
	if tg.ObjectID == 0 {
		return nil
	}
	return q.StaleScores(ctx, instanceID, []int64{tg.ObjectID})
}

// RemoveNoteSection takes a section off the target: its body and every
// version go; the row stays, marked removed, so that a type the target's
// kind gets by default does not bring it back.
func (q *Q) RemoveNoteSection(ctx context.Context, instanceID int64, tg model.Target, typeID int64) error {
	col, id := targetCol(tg)
	now := q.Now()
	if _, err := q.exec(ctx, `INSERT INTO notes (instance_id, type_id, `+col+`, removed, created_at, updated_at)
		VALUES ($1, $2, $3, TRUE, $4, $4) ON CONFLICT DO NOTHING`, instanceID, typeID, id, now); err != nil {
		return err
	}
	var noteID int64
	if err := q.row(ctx, `UPDATE notes SET removed = TRUE, body = '' WHERE instance_id = $1 AND `+col+` = $2 AND type_id = $3 RETURNING id`,
		instanceID, id, typeID).Scan(&noteID); err != nil {
		return notFound(err)
	}
	if _, err := q.exec(ctx, `DELETE FROM note_versions WHERE instance_id = $1 AND note_id = $2`, instanceID, noteID); err != nil {
		return err
	}
	return q.staleNoteScores(ctx, instanceID, tg)
}

// NoteVersions lists up to limit versions of a note older than before
// (0: from the newest), newest first: a keyset page of its history.
func (q *Q) NoteVersions(ctx context.Context, instanceID, noteID int64, before, limit int) ([]model.NoteVersion, error) {
	if before <= 0 {
		before = math.MaxInt32
	}
	return collect(ctx, q, scanNoteVersion, `SELECT v.note_id, v.version, v.body, COALESCE(a.name, ''), v.restored, `+q.timeText("v.created_at")+`
		FROM note_versions v LEFT JOIN accounts a ON a.id = v.author_id
		WHERE v.instance_id = $1 AND v.note_id = $2 AND v.version < $3 ORDER BY v.version DESC LIMIT $4`, instanceID, noteID, before, limit)
}

// NoteVersion returns one version of a note.
func (q *Q) NoteVersion(ctx context.Context, instanceID, noteID int64, version int) (model.NoteVersion, error) {
	v, err := scanNoteVersion(q.row(ctx, `SELECT v.note_id, v.version, v.body, COALESCE(a.name, ''), v.restored, `+q.timeText("v.created_at")+`
		FROM note_versions v LEFT JOIN accounts a ON a.id = v.author_id
		WHERE v.instance_id = $1 AND v.note_id = $2 AND v.version = $3`, instanceID, noteID, version))
	return v, notFound(err)
}

func scanNoteVersion(sc interface{ Scan(...any) error }) (model.NoteVersion, error) {
	var v model.NoteVersion
	var at textTime
	err := sc.Scan(&v.NoteID, &v.Version, &v.Body, &v.AuthorName, &v.Restored, &at)
	v.CreatedAt = at.t
	return v, err
}

// NoteByID returns a note of the instance by id, with its type (for the
// history pages, whose URLs name the note).
func (q *Q) NoteByID(ctx context.Context, instanceID, id int64) (model.Note, error) {
	var n model.Note
	var at textTime
	var sc, ob sql.NullInt64
	var err error
	n.Type, err = scanNoteType(q.row(ctx, `SELECT `+noteTypeCols+`, n.id, n.body, n.version, n.removed, COALESCE(a.name, ''),
			`+q.timeText("n.updated_at")+`, n.scorecard_id, n.object_id
		FROM notes n JOIN note_types t ON t.instance_id = n.instance_id AND t.id = n.type_id
		LEFT JOIN accounts a ON a.id = n.updated_by
		WHERE n.instance_id = $1 AND n.id = $2`, instanceID, id), &n.ID, &n.Body, &n.Version, &n.Removed, &n.UpdatedBy, &at, &sc, &ob)
	n.InstanceID, n.Present, n.UpdatedAt = instanceID, true, at.t
	n.Target = model.Target{ScorecardID: sc.Int64, ObjectID: ob.Int64}
	return n, notFound(err)
}
