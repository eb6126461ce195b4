package store

import (
	"context"
	"strings"

	"yardstick/internal/model"
)

// Action Custom Fields (issue 14, migration 0025).

const actionFieldCols = `f.id, f.instance_id, f.name, f.kind, f.options, f.required, f.position`

func scanActionField(sc interface{ Scan(...any) error }, extra ...any) (model.ActionField, error) {
	var f model.ActionField
	var options string
	err := sc.Scan(append([]any{&f.ID, &f.InstanceID, &f.Name, &f.Kind, &options, &f.Required, &f.Position}, extra...)...)
	if options != "" {
		f.Options = strings.Split(options, "\n")
	}
	return f, err
}

// actionFieldUse counts the actions holding a value of field f.
const actionFieldUse = `(SELECT COUNT(*) FROM action_field_values v WHERE v.instance_id = f.instance_id AND v.field_id = f.id)`

// ListActionFields lists an instance's fields in their order; withUse also
// counts the actions holding a value of each.
func (q *Q) ListActionFields(ctx context.Context, instanceID int64, withUse bool) ([]model.ActionField, error) {
	use := "0"
	if withUse {
		use = actionFieldUse
	}
	return collect(ctx, q, func(sc interface{ Scan(...any) error }) (model.ActionField, error) {
		var n int
		f, err := scanActionField(sc, &n)
		f.InUse = n
		return f, err
	}, `SELECT `+actionFieldCols+`, `+use+` FROM action_fields f WHERE f.instance_id = $1 ORDER BY f.position, f.id`, instanceID)
}

// ActionFieldByID returns one field with its count of values.
func (q *Q) ActionFieldByID(ctx context.Context, instanceID, id int64) (model.ActionField, error) {
	var n int
	f, err := scanActionField(q.row(ctx, `SELECT `+actionFieldCols+`, `+actionFieldUse+`
		FROM action_fields f WHERE f.instance_id = $1 AND f.id = $2`, instanceID, id), &n)
	f.InUse = n
	return f, notFound(err)
}

// CreateActionField adds a field at the end of the order; a taken name
// (any case) is ErrConflict.
func (q *Q) CreateActionField(ctx context.Context, f model.ActionField) (model.ActionField, error) {
	// Two statements: Citus takes no subquery in an INSERT's VALUES.
	if err := q.row(ctx, `SELECT COALESCE(MAX(position), 0) + 1 FROM action_fields WHERE instance_id = $1`, f.InstanceID).Scan(&f.Position); err != nil {
		return f, err
	}
	err := q.row(ctx, `INSERT INTO action_fields (instance_id, name, name_key, kind, options, required, position, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		f.InstanceID, f.Name, Key(f.Name), f.Kind, strings.Join(f.Options, "\n"), f.Required, f.Position, q.Now()).Scan(&f.ID)
	if isUniqueViolation(err) {
		return f, ErrConflict
	}
	return f, err
}

// UpdateActionField changes a field's name, kind, options and whether it
// is required; a taken name is ErrConflict.
func (q *Q) UpdateActionField(ctx context.Context, f model.ActionField) error {
	res, err := q.exec(ctx, `UPDATE action_fields SET name = $1, name_key = $2, kind = $3, options = $4, required = $5
		WHERE instance_id = $6 AND id = $7`,
		f.Name, Key(f.Name), f.Kind, strings.Join(f.Options, "\n"), f.Required, f.InstanceID, f.ID)
	if isUniqueViolation(err) {
		return ErrConflict
	}
	return affectedOne(res, err)
}

// DeleteActionField deletes a field with every action's value of it.
func (q *Q) DeleteActionField(ctx context.Context, instanceID, id int64) error {
	res, err := q.exec(ctx, `DELETE FROM action_fields WHERE instance_id = $1 AND id = $2`, instanceID, id)
	return affectedOne(res, err)
}

// SetActionFieldOrder numbers the instance's fields in the order of ids.
func (q *Q) SetActionFieldOrder(ctx context.Context, instanceID int64, ids []int64) error {
	for i, id := range ids {
		if _, err := q.exec(ctx, `UPDATE action_fields SET position = $1 WHERE instance_id = $2 AND id = $3`, i+1, instanceID, id); err != nil {
			return err
		}
	}
	return nil
}

// ActionFieldValues returns an action's values by field id.
func (q *Q) ActionFieldValues(ctx context.Context, instanceID, actionID int64) (map[int64]string, error) {
	rows, err := q.query(ctx, `SELECT field_id, value FROM action_field_values WHERE instance_id = $1 AND action_id = $2`, instanceID, actionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var v string
		if err := rows.Scan(&id, &v); err != nil {
			return nil, err
		}
		out[id] = v
	}
	return out, rows.Err()
}

// SetActionFieldValues replaces an action's values with values (an empty
// value is no row), in two statements.
func (q *Q) SetActionFieldValues(ctx context.Context, instanceID, actionID int64, values map[int64]string) error {
	if _, err := q.exec(ctx, `DELETE FROM action_field_values WHERE instance_id = $1 AND action_id = $2`, instanceID, actionID); err != nil {
		return err
	}
	a := args{instanceID, actionID}
	var rows []string
	for id, v := range values {
		if v != "" {
			rows = append(rows, "($1, $2, "+a.add(id)+", "+a.add(v)+")")
		}
	}
	if len(rows) == 0 {
		return nil
	}
	_, err := q.exec(ctx, `INSERT INTO action_field_values (instance_id, action_id, field_id, value) VALUES `+listMark+strings.Join(rows, ", "), a...)
	return err
}
