package store

import (
	"context"
	"strings"

	"yardstick/internal/model"
)

// builtinTypes are the types every instance starts with.
var builtinTypes = []model.ObjectType{
	{Kind: model.KindContainer, Name: "Result", Plural: "Results", Color: "#1f6f8b", Badge: "R", Builtin: true},
	{Kind: model.KindContainer, Name: "Program", Plural: "Programs", Color: "#6a4c93", Badge: "P", Builtin: true},
	{Kind: model.KindMeasure, Name: "Indicator", Plural: "Indicators", Color: "#2e7d32", Badge: "I", Builtin: true},
	{Kind: model.KindMeasure, Name: "Performance Measure", Plural: "Performance Measures", Color: "#b26a00", Badge: "M", Builtin: true},
}

// Key lower-cases a name for case-insensitive uniqueness and sorting.
func Key(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// CreateType adds an object type; a taken name (any case) is ErrConflict.
func (q *Q) CreateType(ctx context.Context, t model.ObjectType) (model.ObjectType, error) {
	err := q.row(ctx, `INSERT INTO object_types (instance_id, kind, name, name_key, plural, color, badge, builtin, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		t.InstanceID, t.Kind, t.Name, Key(t.Name), t.Plural, t.Color, t.Badge, t.Builtin, q.Now()).Scan(&t.ID)
	if isUniqueViolation(err) {
		return t, ErrConflict
	}
	return t, err
}

// ListTypes lists an instance's types of one kind ("" for both), built-ins
// first. withUse also counts the objects of each type, which only the
// Object Types page needs (an index range per type, still not free).
func (q *Q) ListTypes(ctx context.Context, instanceID int64, kind string, withUse bool) ([]model.ObjectType, error) {
	use := "0"
	if withUse {
		use = "(SELECT COUNT(*) FROM objects o WHERE o.instance_id = t.instance_id AND o.type_id = t.id)"
	}
	rows, err := q.query(ctx, `SELECT t.id, t.instance_id, t.kind, t.name, t.plural, t.color, t.badge, t.builtin, `+use+`
		FROM object_types t WHERE t.instance_id = $1 AND ($2 = '' OR t.kind = $2)
		ORDER BY t.kind, t.builtin DESC, t.name_key`, instanceID, kind)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []model.ObjectType
	for rows.Next() {
		var t model.ObjectType
		if err := rows.Scan(&t.ID, &t.InstanceID, &t.Kind, &t.Name, &t.Plural, &t.Color, &t.Badge, &t.Builtin, &t.InUse); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// TypeByID returns a type of the instance with how many objects use it.
// The count names the instance ($1), not t's column: on Citus a subquery
// correlated by column went to every shard.
func (q *Q) TypeByID(ctx context.Context, instanceID, id int64) (model.ObjectType, error) {
	var t model.ObjectType
	err := q.row(ctx, `SELECT t.id, t.instance_id, t.kind, t.name, t.plural, t.color, t.badge, t.builtin,
		(SELECT COUNT(*) FROM objects o WHERE o.instance_id = $1 AND o.type_id = t.id)
		FROM object_types t WHERE t.instance_id = $1 AND t.id = $2`, instanceID, id).
		Scan(&t.ID, &t.InstanceID, &t.Kind, &t.Name, &t.Plural, &t.Color, &t.Badge, &t.Builtin, &t.InUse)
	return t, notFound(err)
}

// ObjectType returns a type of the instance without its use count: what
// a create or an edit of an object checks, which need not count the
// type's objects every time.
func (q *Q) ObjectType(ctx context.Context, instanceID, id int64) (model.ObjectType, error) {
	var t model.ObjectType
	err := q.row(ctx, `SELECT id, instance_id, kind, name, plural, color, badge, builtin FROM object_types
		WHERE instance_id = $1 AND id = $2`, instanceID, id).
		Scan(&t.ID, &t.InstanceID, &t.Kind, &t.Name, &t.Plural, &t.Color, &t.Badge, &t.Builtin)
	return t, notFound(err)
}

// UpdateType renames or recolours a type. Objects reference the type by
// id, so every page shows the new name at once.
func (q *Q) UpdateType(ctx context.Context, t model.ObjectType) error {
	res, err := q.exec(ctx, `UPDATE object_types SET name = $1, name_key = $2, plural = $3, color = $4, badge = $5
		WHERE instance_id = $6 AND id = $7`, t.Name, Key(t.Name), t.Plural, t.Color, t.Badge, t.InstanceID, t.ID)
	if isUniqueViolation(err) {
		return ErrConflict
	}
	return affectedOne(res, err)
}

// DeleteType removes an unused custom type in one statement, so an
// object created meanwhile cannot lose its type; a used or built-in type
// is ErrConflict.
func (q *Q) DeleteType(ctx context.Context, instanceID, id int64) error {
	res, err := q.exec(ctx, `DELETE FROM object_types WHERE instance_id = $1 AND id = $2 AND NOT builtin
		AND NOT EXISTS (SELECT 1 FROM objects o WHERE o.instance_id = $1 AND o.type_id = $2)`, instanceID, id)
	if err := affectedOne(res, err); err != ErrNotFound {
		return err
	}
	if _, err := q.TypeByID(ctx, instanceID, id); err != nil {
		return err
	}
	return ErrConflict
}

// TypeNameTaken reports whether another type of the instance, of either
// kind, has this name (any case): "Program" must not name two things.
func (q *Q) TypeNameTaken(ctx context.Context, instanceID int64, name string, except int64) (bool, error) {
	var n int
	err := q.row(ctx, `SELECT COUNT(*) FROM object_types WHERE instance_id = $1 AND name_key = $2 AND id <> $3`,
		instanceID, Key(name), except).Scan(&n)
	return n > 0, err
}

// CreateBuiltins gives a new instance its built-in object types, note
// types, frequencies and colour bands.
func (q *Q) CreateBuiltins(ctx context.Context, instanceID int64) error {
	for _, t := range builtinTypes {
		t.InstanceID = instanceID
		if _, err := q.CreateType(ctx, t); err != nil {
			return err
		}
	}
	for _, f := range builtinFrequencies {
		f.InstanceID = instanceID
		if _, err := q.CreateFrequency(ctx, f); err != nil {
			return err
		}
	}
	for _, nt := range builtinNoteTypes {
		nt.InstanceID, nt.Builtin = instanceID, true
		if _, err := q.CreateNoteType(ctx, nt); err != nil {
			return err
		}
	}
	for _, b := range defaultBands {
		if err := q.SetBands(ctx, instanceID, b); err != nil {
			return err
		}
	}
	return nil
}
