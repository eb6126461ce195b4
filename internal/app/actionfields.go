package app

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"

	"yardstick/internal/access"
	"yardstick/internal/model"
	"yardstick/internal/store"
	"yardstick/internal/terms"
)

// Action Custom Fields (issue 14, item 4; Administration → Action Custom
// Fields, under Scorecard Defaults: the defaults permission). Each field
// shows on every action's form and page; its values are checked here, by
// kind, whichever transport sends them.

// ActionFieldInput is the field form.
type ActionFieldInput struct {
	Name, Kind, Options string // Options: a drop-down's choices, one per line
	Required            bool
}

// maxFieldOptions and the lengths below bound a field's definition.
const maxFieldOptions = 100

func (in ActionFieldInput) validate(f *model.ActionField) error {
	fields := map[string]string{}
	var msg string
	if f.Name, msg = cleanText(in.Name, "Name", 1, 60); msg != "" {
		fields["name"] = msg
	}
	f.Kind = strings.TrimSpace(in.Kind)
	known := false
	for _, k := range model.FieldKinds {
		known = known || k.Kind == f.Kind
	}
	if !known {
		fields["kind"] = "Choose a kind of field from the list."
	}
	f.Options = nil
	if f.Kind == model.FieldSelect {
		seen := map[string]bool{}
		for _, line := range strings.Split(strings.ReplaceAll(in.Options, "\r\n", "\n"), "\n") {
			opt, msg := cleanText(line, "Each choice", 0, 100)
			if msg != "" {
				fields["options"] = msg
				break
			}
			if opt == "" || seen[strings.ToLower(opt)] {
				continue
			}
			seen[strings.ToLower(opt)] = true
			f.Options = append(f.Options, opt)
		}
		switch {
		case fields["options"] != "":
		case len(f.Options) == 0:
			fields["options"] = "List the drop-down's choices, one per line."
		case len(f.Options) > maxFieldOptions:
			fields["options"] = "A drop-down holds at most " + itoa(maxFieldOptions) + " choices."
		}
	}
	f.Required = in.Required
	if len(fields) > 0 {
		return invalid("Please correct the highlighted fields.", fields)
	}
	return nil
}

func fieldTaken(name string) error {
	return fieldError("name", "A field named “"+name+"” already exists.")
}

// ActionFields lists the instance's fields with how many actions hold a
// value of each (defaults).
func (a *App) ActionFields(ctx context.Context, actor *Actor) ([]model.ActionField, error) {
	if err := actor.Require(access.Defaults); err != nil {
		return nil, err
	}
	return a.store.Q().ListActionFields(ctx, actor.Instance.ID, true)
}

// ActionFieldByID returns one field with its count of values (defaults).
func (a *App) ActionFieldByID(ctx context.Context, actor *Actor, id int64) (model.ActionField, error) {
	if err := actor.Require(access.Defaults); err != nil {
		return model.ActionField{}, err
	}
	f, err := a.store.Q().ActionFieldByID(ctx, actor.Instance.ID, id)
	return f, mapNotFound(err)
}

// CreateActionField adds a field at the end of the order (defaults).
func (a *App) CreateActionField(ctx context.Context, actor *Actor, in ActionFieldInput) (model.ActionField, error) {
	if err := actor.Require(access.Defaults); err != nil {
		return model.ActionField{}, err
	}
	f := model.ActionField{InstanceID: actor.Instance.ID}
	if err := in.validate(&f); err != nil {
		return f, err
	}
	err := a.store.InTx(ctx, func(q *store.Q) error {
		var err error
		if f, err = q.CreateActionField(ctx, f); errors.Is(err, store.ErrConflict) {
			return fieldTaken(f.Name)
		} else if err != nil {
			return err
		}
		return record(ctx, q, entry(actor, ActCreate, "action field", f.ID, f.Name, changed("kind", "", f.Kind,
			"choices", "", strings.Join(f.Options, ", "), "required", "", btoa(f.Required))...))
	})
	return f, err
}

// UpdateActionField changes a field (defaults). Its kind stays while
// actions hold values of it, since they were checked as that kind; a
// drop-down's removed choice stays on the actions that hold it until
// their next save asks for another.
func (a *App) UpdateActionField(ctx context.Context, actor *Actor, id int64, in ActionFieldInput) error {
	before, err := a.ActionFieldByID(ctx, actor, id)
	if err != nil {
		return err
	}
	f := before
	if err := in.validate(&f); err != nil {
		return err
	}
	if f.Kind != before.Kind && before.InUse > 0 {
		return fieldError("kind", "This field has values on "+itoa(before.InUse)+" "+actor.Words().LowMany(terms.Action)+"; its kind cannot change. Add a new field instead.")
	}
	return a.store.InTx(ctx, func(q *store.Q) error {
		if err := q.UpdateActionField(ctx, f); errors.Is(err, store.ErrConflict) {
			return fieldTaken(f.Name)
		} else if err != nil {
			return mapNotFound(err)
		}
		return record(ctx, q, entry(actor, ActUpdate, "action field", f.ID, f.Name, changed("name", before.Name, f.Name,
			"kind", before.Kind, f.Kind, "choices", strings.Join(before.Options, ", "), strings.Join(f.Options, ", "),
			"required", btoa(before.Required), btoa(f.Required))...))
	})
}

// MoveActionField moves a field one place up or down (defaults).
func (a *App) MoveActionField(ctx context.Context, actor *Actor, id int64, up bool) error {
	if err := actor.Require(access.Defaults); err != nil {
		return err
	}
	return a.store.InTx(ctx, func(q *store.Q) error {
		list, err := q.ListActionFields(ctx, actor.Instance.ID, false)
		if err != nil {
			return err
		}
		ids := make([]int64, len(list))
		for k, f := range list {
			ids[k] = f.ID
		}
		i, j, err := moveStep(ids, id, up)
		if err != nil || i == j {
			return err // not found, or already first or last
		}
		list[i], list[j] = list[j], list[i]
		if err := q.SetActionFieldOrder(ctx, actor.Instance.ID, ids); err != nil {
			return err
		}
		return record(ctx, q, entry(actor, ActUpdate, "action field", id, list[j].Name,
			model.Change{Field: "position", Before: itoa(i + 1), After: itoa(j + 1)}))
	})
}

// DeleteActionField deletes a field with every action's value of it; one
// that actions hold values of goes only with confirmed set (the page's
// confirmation says how many).
func (a *App) DeleteActionField(ctx context.Context, actor *Actor, id int64, confirmed bool) error {
	if err := actor.Require(access.Defaults); err != nil {
		return err
	}
	return a.store.InTx(ctx, func(q *store.Q) error {
		f, err := q.ActionFieldByID(ctx, actor.Instance.ID, id)
		if err != nil {
			return mapNotFound(err)
		}
		if f.InUse > 0 && !confirmed {
			return errConflict("“%s” has a value on %d %s. Confirm to delete the field with those values.", f.Name, f.InUse, actor.Words().LowMany(terms.Action))
		}
		if err := q.DeleteActionField(ctx, actor.Instance.ID, id); err != nil {
			return mapNotFound(err)
		}
		return record(ctx, q, entry(actor, ActDelete, "action field", id, f.Name, model.Change{Field: "values", Before: itoa(f.InUse), After: "0"}))
	})
}

// FieldKey is the form key of a custom field's value.
func FieldKey(id int64) string { return "field-" + strconv.FormatInt(id, 10) }

// checkFieldValues reads the form's values of the instance's fields: each
// in its kind's canonical text, a required one present; problems by
// FieldKey. Values of fields that no longer exist are ignored.
func checkFieldValues(defs []model.ActionField, in map[int64]string, w *terms.Set) (map[int64]string, map[string]string) {
	out, problems := map[int64]string{}, map[string]string{}
	for _, f := range defs {
		raw := strings.TrimSpace(in[f.ID])
		if raw == "" {
			if f.Required {
				problems[FieldKey(f.ID)] = f.Name + " is required."
			}
			continue
		}
		switch f.Kind {
		case model.FieldText:
			v, msg := cleanText(raw, f.Name, 0, 500)
			if msg != "" {
				problems[FieldKey(f.ID)] = msg
			}
			out[f.ID] = v
		case model.FieldNumber:
			n, msg := ParseNumber(raw, 6, w)
			if msg != "" || n == nil {
				problems[FieldKey(f.ID)] = f.Name + ": " + strings.TrimSuffix(orText(msg, "enter a number"), ".") + "."
				continue
			}
			out[f.ID] = strconv.FormatFloat(*n, 'f', -1, 64)
		case model.FieldDate:
			d, ok := parseDay(raw)
			if !ok {
				problems[FieldKey(f.ID)] = f.Name + ": give a date (YYYY-MM-DD)."
				continue
			}
			out[f.ID] = d
		case model.FieldSelect:
			found := false
			for _, o := range f.Options {
				found = found || o == raw
			}
			if !found {
				problems[FieldKey(f.ID)] = f.Name + ": choose one of the listed choices."
				continue
			}
			out[f.ID] = raw
		case model.FieldYesNo:
			if raw != "yes" && raw != "no" {
				problems[FieldKey(f.ID)] = f.Name + ": choose Yes or No."
				continue
			}
			out[f.ID] = raw
		}
	}
	return out, problems
}

func orText(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// fieldChanges names the custom fields whose values differ, for the log.
func fieldChanges(defs []model.ActionField, before, after map[int64]string) []model.Change {
	var pairs []string
	for _, f := range defs {
		pairs = append(pairs, f.Name, before[f.ID], after[f.ID])
	}
	return changed(pairs...)
}

// FieldValue is a custom field with an action's value, for its page.
type FieldValue struct {
	Field model.ActionField
	Value string
}

// fieldView pairs the fields with an action's values, in field order.
func fieldView(defs []model.ActionField, values map[int64]string) []FieldValue {
	out := make([]FieldValue, 0, len(defs))
	for _, f := range defs {
		out = append(out, FieldValue{Field: f, Value: values[f.ID]})
	}
	return out
}

// ActionFormFields returns the instance's fields for the action form
// (actions.edit).
func (a *App) ActionFormFields(ctx context.Context, actor *Actor) ([]model.ActionField, error) {
	if err := actor.Require(access.ActionsEdit); err != nil {
		return nil, err
	}
	return a.store.Q().ListActionFields(ctx, actor.Instance.ID, false)
}

// moveStep moves id one place up or down ids, in place: it returns where
// it was and where it is now (equal when it is already first or last).
func moveStep(ids []int64, id int64, up bool) (i, j int, err error) {
	i = slices.Index(ids, id)
	if i < 0 {
		return 0, 0, errNotFound()
	}
	j = i + 1
	if up {
		j = i - 1
	}
	if j < 0 || j >= len(ids) {
		return i, i, nil
	}
	ids[i], ids[j] = ids[j], ids[i]
	return i, j, nil
}
