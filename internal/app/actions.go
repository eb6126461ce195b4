package app

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strconv"
	"strings"
	"time"

	"yardstick/internal/access"
	"yardstick/internal/model"
	"yardstick/internal/notes"
	"yardstick/internal/store"
)

// ActionInput is the action form.
type ActionInput struct {
	Title, Description, StartDate, EndDate, Status, Percent, Assignee, Tags string
	// Fields are the Action Custom Fields' values by field id; nil leaves
	// them as they are (a change of dates on the Gantt chart).
	Fields map[int64]string
	// Strict refuses values of fields the instance does not have (the
	// API's), which a form quietly drops (a field deleted meanwhile).
	Strict bool
}

// check validates the whole form onto x, the custom fields' values
// included when the input carries them (values nil: leave them as they
// are); every problem comes back in one Invalid error.
func (in ActionInput) check(ctx context.Context, q *store.Q, actor *Actor, x *model.Action) (defs []model.ActionField, values map[int64]string, err error) {
	problems := map[string]string{}
	if err := in.apply(ctx, q, actor, x); err != nil {
		e, ok := AsError(err)
		if !ok || e.Kind != Invalid {
			return nil, nil, err
		}
		maps.Copy(problems, e.Fields)
	}
	if in.Fields != nil {
		if defs, err = q.ListActionFields(ctx, actor.Instance.ID, false); err != nil {
			return nil, nil, err
		}
		var bad map[string]string
		values, bad = checkFieldValues(defs, in.Fields, actor.Words())
		maps.Copy(problems, bad)
		if in.Strict {
			known := map[int64]bool{}
			for _, d := range defs {
				known[d.ID] = true
			}
			for id := range in.Fields {
				if !known[id] {
					problems[FieldKey(id)] = actor.Words().Expand("There is no such {action} Custom Field.")
				}
			}
		}
		if len(defs) == 0 {
			values = nil
		}
	}
	if len(problems) > 0 {
		return nil, nil, invalid("Please correct the highlighted fields.", problems)
	}
	return defs, values, nil
}

// storeFields writes an action's custom field values (when the form
// carried them) and returns the log's changes.
func storeFields(ctx context.Context, q *store.Q, instanceID, id int64, defs []model.ActionField, values map[int64]string) ([]model.Change, error) {
	if values == nil {
		return nil, nil
	}
	before, err := q.ActionFieldValues(ctx, instanceID, id)
	if err != nil {
		return nil, err
	}
	return fieldChanges(defs, before, values), q.SetActionFieldValues(ctx, instanceID, id, values)
}

// apply validates the input onto x; the assignee must be an active member
// of the actor's instance.
func (in ActionInput) apply(ctx context.Context, q *store.Q, actor *Actor, x *model.Action) error {
	instanceID := actor.Instance.ID
	fields := map[string]string{}
	var msg string
	if x.Title, msg = cleanText(in.Title, "Title", 1, 200); msg != "" {
		fields["title"] = msg
	}
	x.Description = notes.Sanitize(in.Description)
	if n := notes.Len(x.Description); n > notes.MaxBody {
		fields["description"] = fmt.Sprintf("The description holds at most %d characters; this has %d.", notes.MaxBody, n)
	}
	var okStart, okEnd bool
	if x.StartDate, okStart = parseDay(in.StartDate); !okStart {
		fields["start_date"] = "Give the start date as a date (YYYY-MM-DD), or leave it empty."
	}
	if x.EndDate, okEnd = parseDay(in.EndDate); !okEnd {
		fields["end_date"] = "Give the end date as a date (YYYY-MM-DD), or leave it empty."
	}
	if okStart && okEnd && x.StartDate != "" && x.EndDate != "" && x.EndDate < x.StartDate {
		fields["end_date"] = "The end date cannot be before the start date."
	}
	x.Status = strings.TrimSpace(in.Status)
	if x.Status == "" {
		x.Status = model.ActionStatuses[0]
	}
	if !model.ActionStatusValid(x.Status) {
		fields["status"] = "Choose a status from the list."
	}
	if p, ok := parsePercent(in.Percent); ok {
		x.Percent = p
	} else {
		fields["percent"] = "Percent complete is a whole number from 0 to 100."
	}
	if x.Tags, msg = ParseTags(in.Tags, actor.Words()); msg != "" {
		fields["tags"] = msg
	}
	x.AssigneeID = 0
	if s := strings.TrimSpace(in.Assignee); s != "" {
		m, err := assigneeOf(ctx, q, instanceID, s)
		switch {
		case errors.Is(err, store.ErrNotFound) || (err == nil && !m.Active):
			fields["assignee"] = "Give the email address of an active member of this instance, or leave it empty."
		case err != nil:
			return err
		default:
			x.AssigneeID = m.ID
		}
	}
	if len(fields) > 0 {
		return invalid("Please correct the highlighted fields.", fields)
	}
	return nil
}

// assigneeOf finds a member of the instance by email address (the form)
// or membership id (an integration).
func assigneeOf(ctx context.Context, q *store.Q, instanceID int64, s string) (model.Membership, error) {
	if id, err := strconv.ParseInt(s, 10, 64); err == nil {
		return q.MembershipByID(ctx, instanceID, id)
	}
	acct, err := q.AccountByEmail(ctx, strings.ToLower(s))
	if err != nil {
		return model.Membership{}, err
	}
	return q.MembershipOf(ctx, instanceID, acct.ID)
}

// parseDay reads an optional calendar date.
func parseDay(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", true
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil || t.Year() < 1900 || t.Year() > 2999 {
		return "", false
	}
	return t.Format("2006-01-02"), true
}

func parsePercent(s string) (int, bool) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	if s == "" {
		return 0, true
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n >= 0 && n <= 100
}

// openAction returns an action the actor may see (SPEC §8): partners never
// see actions, and another instance's id is not found.
func (a *App) openAction(ctx context.Context, actor *Actor, id int64) (model.Action, error) {
	v, err := a.Visibility(ctx, actor)
	if err != nil {
		return model.Action{}, err
	}
	x, err := a.store.Q().ActionByID(ctx, actor.Instance.ID, id, v)
	return x, mapNotFound(err)
}

// actionHost is an own scorecard or object an action may be linked to:
// visible to the actor and of the actor's instance (a partner's shared
// content takes no actions).
func (a *App) actionHost(ctx context.Context, actor *Actor, on string, id int64) (host, error) {
	h, err := a.openHost(ctx, actor, on, id)
	if err != nil {
		return h, err
	}
	if h.Owner != actor.Instance.ID {
		return h, forbidden(actor.Words().Expand("{action:many} belong to your own organization's {scorecard:lowmany}; this one is a {partner:lower}'s."))
	}
	return h, nil
}

// CreateAction makes an action (actions.edit), assigned by the actor, and
// links it to the host it was created on, if any (on == "").
func (a *App) CreateAction(ctx context.Context, actor *Actor, in ActionInput, on string, hostID int64) (model.Action, error) {
	return a.createAction(ctx, actor, in, on, hostID, nil)
}

// CreateActionOnce is CreateAction with an Idempotency-Key, as
// CreateScorecardOnce.
func (a *App) CreateActionOnce(ctx context.Context, actor *Actor, in ActionInput, on string, hostID int64, once Once,
	answer func(model.Action) (Answer, error)) (Answer, error) {
	return runOnce(ctx, a, actor, once, answer, func(o *onceRun[model.Action]) error {
		_, err := a.createAction(ctx, actor, in, on, hostID, o)
		return err
	})
}

// createAction is CreateAction, kept as the first answer to an
// Idempotency-Key when once is not nil (CreateActionOnce).
func (a *App) createAction(ctx context.Context, actor *Actor, in ActionInput, on string, hostID int64, once *onceRun[model.Action]) (model.Action, error) {
	if err := actor.Require(access.ActionsEdit); err != nil {
		return model.Action{}, err
	}
	var h host
	if on != "" {
		var err error
		if h, err = a.actionHost(ctx, actor, on, hostID); err != nil {
			return model.Action{}, err
		}
	}
	x := model.Action{InstanceID: actor.Instance.ID, AssignerID: actor.Membership.ID}
	err := a.store.InTx(ctx, func(q *store.Q) error {
		if err := once.claim(ctx, q); err != nil {
			return err
		}
		defs, values, err := in.check(ctx, q, actor, &x)
		if err != nil {
			return err
		}
		if x, err = q.CreateAction(ctx, x); err != nil {
			return err
		}
		// Read back as the lists read it: with the assignee's and
		// assigner's names.
		if x, err = q.ActionByID(ctx, actor.Instance.ID, x.ID, store.SeeAll); err != nil {
			return err
		}
		if err := actionEmailJobs(ctx, q, actor, model.Action{}, x); err != nil {
			return err
		}
		custom, err := storeFields(ctx, q, actor.Instance.ID, x.ID, defs, values)
		if err != nil {
			return err
		}
		if err := notifyAssigned(ctx, q, actor, model.NotifyActionAssigned, 0, x.AssigneeID, x.Title, x.ID); err != nil {
			return err
		}
		es := []model.Activity{entry(actor, ActCreate, "action", x.ID, x.Title, append(actionChanges(model.Action{}, x), custom...)...)}
		if on != "" {
			if err := q.LinkAction(ctx, actor.Instance.ID, x.ID, h.Target); err != nil && !errors.Is(err, store.ErrConflict) {
				return err
			}
			es = append(es, entry(actor, ActLink, "action", x.ID, x.Title, model.Change{Field: h.Kind, After: h.Title}))
		}
		if err := record(ctx, q, es...); err != nil {
			return err
		}
		return once.keep(ctx, q, x)
	})
	return x, err
}

// actionChanges names the fields that differ, for the log.
func actionChanges(before, after model.Action) []model.Change {
	return changed("title", before.Title, after.Title, "description", notes.Text(before.Description), notes.Text(after.Description),
		"start", before.StartDate, after.StartDate, "end", before.EndDate, after.EndDate, "status", before.Status, after.Status,
		"percent complete", itoa(before.Percent), itoa(after.Percent), "assigned to", strconv.FormatInt(before.AssigneeID, 10),
		strconv.FormatInt(after.AssigneeID, 10), "tags", strings.Join(before.Tags, ", "), strings.Join(after.Tags, ", "))
}

// UpdateAction saves the form over version (actions.edit): a save based
// on an older version is a conflict, not a lost update.
func (a *App) UpdateAction(ctx context.Context, actor *Actor, id int64, version int, in ActionInput) (model.Action, error) {
	before, err := a.openAction(ctx, actor, id)
	if err != nil {
		return before, err
	}
	return a.updateAction(ctx, actor, before, version, in)
}

// updateAction is UpdateAction on the action as the actor opened it.
func (a *App) updateAction(ctx context.Context, actor *Actor, before model.Action, version int, in ActionInput) (model.Action, error) {
	if err := actor.Require(access.ActionsEdit); err != nil {
		return before, err
	}
	x := before
	x.Version = version
	err := a.store.InTx(ctx, func(q *store.Q) error {
		defs, values, err := in.check(ctx, q, actor, &x)
		if err != nil {
			return err
		}
		saved, err := q.UpdateAction(ctx, x)
		if errors.Is(err, store.ErrConflict) {
			return conflict(actor.Words().Expand("Someone saved this {action:lower} after you opened it. Reload it to see their changes, then make yours again."))
		} else if err != nil {
			return err
		}
		x = saved
		if err := actionEmailJobs(ctx, q, actor, before, x); err != nil {
			return err
		}
		custom, err := storeFields(ctx, q, actor.Instance.ID, x.ID, defs, values)
		if err != nil {
			return err
		}
		if err := notifyAssigned(ctx, q, actor, model.NotifyActionAssigned, before.AssigneeID, x.AssigneeID, x.Title, x.ID); err != nil {
			return err
		}
		return record(ctx, q, entry(actor, ActUpdate, "action", x.ID, x.Title, append(actionChanges(before, x), custom...)...))
	})
	return x, err
}

// DeleteAction removes an action with its status log, to-dos and links
// (actions.delete).
func (a *App) DeleteAction(ctx context.Context, actor *Actor, id int64) error {
	return a.DeleteActionAt(ctx, actor, id, 0)
}

// DeleteActionAt is DeleteAction of the action at version only (0: at
// any): one changed since is a Conflict and stays.
func (a *App) DeleteActionAt(ctx context.Context, actor *Actor, id int64, version int) error {
	x, err := a.openAction(ctx, actor, id)
	if err != nil {
		return err
	}
	if err := actor.Require(access.ActionsDelete); err != nil {
		return err
	}
	return a.store.InTx(ctx, func(q *store.Q) error {
		if err := q.DeleteAction(ctx, actor.Instance.ID, id, version); errors.Is(err, store.ErrConflict) {
			return conflict(actor.Words().Expand("Someone changed this {action:lower} after you opened it. Reload it, then decide again."))
		} else if err != nil {
			return mapNotFound(err)
		}
		return record(ctx, q, entry(actor, ActDelete, "action", x.ID, x.Title))
	})
}

// LinkAction links an existing action to another visible scorecard or
// object ("Add Existing Action"), or unlinks it (actions.edit).
func (a *App) LinkAction(ctx context.Context, actor *Actor, id int64, on string, hostID int64, link bool) error {
	x, err := a.openAction(ctx, actor, id)
	if err != nil {
		return err
	}
	if err := actor.Require(access.ActionsEdit); err != nil {
		return err
	}
	h, err := a.actionHost(ctx, actor, on, hostID)
	if err != nil {
		return err
	}
	return a.store.InTx(ctx, func(q *store.Q) error {
		act := ActLink
		if link {
			if err = q.LinkAction(ctx, actor.Instance.ID, id, h.Target); errors.Is(err, store.ErrConflict) {
				return nil // already linked: nothing to do or log
			}
		} else {
			act = ActUnlink
			err = mapNotFound(q.UnlinkAction(ctx, actor.Instance.ID, id, h.Target))
		}
		if err != nil {
			return err
		}
		return record(ctx, q, entry(actor, act, "action", x.ID, x.Title, model.Change{Field: h.Kind, After: h.Title}))
	})
}

// AddActionUpdate logs a status update, moving the action to its status
// and percent complete (actions.status).
func (a *App) AddActionUpdate(ctx context.Context, actor *Actor, id int64, version int, body, status, percent string) error {
	x, err := a.openAction(ctx, actor, id)
	if err != nil {
		return err
	}
	if err := actor.Require(access.ActionsStatus); err != nil {
		return err
	}
	fields := map[string]string{}
	text, msg := cleanText(body, "The update", 0, 4000)
	if msg != "" {
		fields["update"] = msg
	}
	status = strings.TrimSpace(status)
	if !model.ActionStatusValid(status) {
		fields["status"] = "Choose a status from the list."
	}
	p, ok := parsePercent(percent)
	if !ok {
		fields["percent"] = "Percent complete is a whole number from 0 to 100."
	}
	if len(fields) > 0 {
		return invalid("Please correct the highlighted fields.", fields)
	}
	return a.store.InTx(ctx, func(q *store.Q) error {
		if _, err := q.AddActionUpdate(ctx, actor.Instance.ID, id, version, actor.Account.ID, text, status, p); errors.Is(err, store.ErrConflict) {
			return conflict(actor.Words().Expand("Someone changed this {action:lower} after you opened it. Reload it, then add your update again."))
		} else if err != nil {
			return err
		}
		after := x
		after.Status, after.Percent = status, p
		if err := actionEmailJobs(ctx, q, actor, x, after); err != nil {
			return err
		}
		return record(ctx, q, entry(actor, ActUpdate, "action", x.ID, x.Title,
			changed("status", x.Status, status, "percent complete", itoa(x.Percent), itoa(p), "status update", "", text)...))
	})
}

// TodoInput is the to-do form.
type TodoInput struct{ Title, Assignee, DueDate string }

// AddTodo adds a to-do to an action (actions.todos).
func (a *App) AddTodo(ctx context.Context, actor *Actor, id int64, in TodoInput) (model.ActionTodo, error) {
	return a.addTodo(ctx, actor, id, in, nil)
}

// AddTodoOnce is AddTodo with an Idempotency-Key, as CreateScorecardOnce.
func (a *App) AddTodoOnce(ctx context.Context, actor *Actor, id int64, in TodoInput, once Once,
	answer func(model.ActionTodo) (Answer, error)) (Answer, error) {
	return runOnce(ctx, a, actor, once, answer, func(o *onceRun[model.ActionTodo]) error {
		_, err := a.addTodo(ctx, actor, id, in, o)
		return err
	})
}

// addTodo is AddTodo, kept as the first answer to an Idempotency-Key
// when once is not nil (AddTodoOnce).
func (a *App) addTodo(ctx context.Context, actor *Actor, id int64, in TodoInput, once *onceRun[model.ActionTodo]) (model.ActionTodo, error) {
	x, err := a.openAction(ctx, actor, id)
	if err != nil {
		return model.ActionTodo{}, err
	}
	if err := actor.Require(access.ActionsTodos); err != nil {
		return model.ActionTodo{}, err
	}
	t := model.ActionTodo{ActionID: id}
	err = a.store.InTx(ctx, func(q *store.Q) error {
		if err := once.claim(ctx, q); err != nil {
			return err
		}
		if err := in.apply(ctx, q, actor, &t); err != nil {
			return err
		}
		var err error
		if t, err = q.AddActionTodo(ctx, actor.Instance.ID, t); err != nil {
			return err
		}
		// Read back as the action's page lists it: with the assignee's name.
		todos, err := q.ActionTodos(ctx, actor.Instance.ID, id)
		if err != nil {
			return err
		}
		for _, td := range todos {
			if td.ID == t.ID {
				t = td
			}
		}
		if err := notifyAssigned(ctx, q, actor, model.NotifyTodoAssigned, 0, t.AssigneeID, t.Title, x.ID); err != nil {
			return err
		}
		if err := record(ctx, q, entry(actor, ActCreate, "to-do", x.ID, x.Title, model.Change{Field: "to-do", After: t.Title})); err != nil {
			return err
		}
		return once.keep(ctx, q, t)
	})
	return t, err
}

// apply checks the to-do form and sets t's title, assignee and due date.
func (in TodoInput) apply(ctx context.Context, q *store.Q, actor *Actor, t *model.ActionTodo) error {
	fields := map[string]string{}
	var msg string
	if t.Title, msg = cleanText(in.Title, actor.Words().Expand("The {todo:lower}"), 1, 200); msg != "" {
		fields["todo"] = msg
	}
	var ok bool
	if t.DueDate, ok = parseDay(in.DueDate); !ok {
		fields["due_date"] = "Give the due date as a date (YYYY-MM-DD), or leave it empty."
	}
	probe := model.Action{}
	if err := (ActionInput{Title: "x", Assignee: in.Assignee}).apply(ctx, q, actor, &probe); err != nil {
		if e, ok := AsError(err); ok && e.Fields["assignee"] != "" {
			fields["todo_assignee"] = e.Fields["assignee"]
		} else if !ok {
			return err
		}
	}
	t.AssigneeID = probe.AssigneeID
	if len(fields) > 0 {
		return invalid("Please correct the highlighted fields.", fields)
	}
	return nil
}

// todoOf finds one to-do of an action the actor can see.
func (a *App) todoOf(ctx context.Context, actor *Actor, id, todoID int64) (model.Action, model.ActionTodo, error) {
	x, err := a.openAction(ctx, actor, id)
	if err != nil {
		return x, model.ActionTodo{}, err
	}
	todos, err := a.store.Q().ActionTodos(ctx, actor.Instance.ID, id)
	if err != nil {
		return x, model.ActionTodo{}, err
	}
	for _, t := range todos {
		if t.ID == todoID {
			return x, t, nil
		}
	}
	return x, model.ActionTodo{}, errNotFound()
}

// Todo returns one to-do for its edit form (actions.todos).
func (a *App) Todo(ctx context.Context, actor *Actor, id, todoID int64) (model.Action, model.ActionTodo, error) {
	x, t, err := a.todoOf(ctx, actor, id, todoID)
	if err == nil {
		err = actor.Require(access.ActionsTodos)
	}
	return x, t, err
}

// UpdateTodo changes a to-do's title, assignee and due date
// (actions.todos). Two people editing one to-do at once: the later save
// wins, as for checking it off; the log keeps both.
func (a *App) UpdateTodo(ctx context.Context, actor *Actor, id, todoID int64, in TodoInput) error {
	x, before, err := a.Todo(ctx, actor, id, todoID)
	if err != nil {
		return err
	}
	return a.store.InTx(ctx, func(q *store.Q) error {
		t := before
		if err := in.apply(ctx, q, actor, &t); err != nil {
			return err
		}
		if err := q.UpdateTodo(ctx, actor.Instance.ID, t); err != nil {
			return mapNotFound(err)
		}
		if err := notifyAssigned(ctx, q, actor, model.NotifyTodoAssigned, before.AssigneeID, t.AssigneeID, t.Title, x.ID); err != nil {
			return err
		}
		who := before.AssigneeEmail
		if t.AssigneeID != before.AssigneeID {
			who = strings.ToLower(strings.TrimSpace(in.Assignee))
		}
		return record(ctx, q, entry(actor, ActUpdate, "to-do", x.ID, x.Title, changed("to-do", before.Title, t.Title,
			"to-do assignee", before.AssigneeEmail, who, "to-do due", before.DueDate, t.DueDate)...))
	})
}

// DeleteTodo removes a to-do (actions.todos).
func (a *App) DeleteTodo(ctx context.Context, actor *Actor, id, todoID int64) error {
	x, t, err := a.Todo(ctx, actor, id, todoID)
	if err != nil {
		return err
	}
	return a.store.InTx(ctx, func(q *store.Q) error {
		if err := q.DeleteTodo(ctx, actor.Instance.ID, id, todoID); err != nil {
			return mapNotFound(err)
		}
		return record(ctx, q, entry(actor, ActDelete, "to-do", x.ID, x.Title, model.Change{Field: "to-do", Before: t.Title}))
	})
}

// CheckTodo checks a to-do off (or on again): its assignee may, and anyone
// with actions.todos.
func (a *App) CheckTodo(ctx context.Context, actor *Actor, id, todoID int64, done bool) error {
	x, t, err := a.todoOf(ctx, actor, id, todoID)
	if err != nil {
		return err
	}
	// An API key is no member (its Membership.ID is 0, as an unassigned
	// to-do's assignee): it is never the assignee.
	if t.AssigneeID == 0 || t.AssigneeID != actor.Membership.ID {
		if err := actor.Require(access.ActionsTodos); err != nil {
			return err
		}
	}
	return a.store.InTx(ctx, func(q *store.Q) error {
		if err := q.SetTodoDone(ctx, actor.Instance.ID, id, todoID, done); err != nil {
			return mapNotFound(err)
		}
		return record(ctx, q, entry(actor, ActUpdate, "to-do", x.ID, x.Title, changed("to-do "+t.Title+" done", btoa(t.Done), btoa(done))...))
	})
}

// ActionLink is a scorecard or object an action is linked to.
type ActionLink struct {
	On    string // OnScorecard or OnObject
	ID    int64
	Kind  string // scorecard, container or measure
	Title string
}

// actionLinks names the links the actor can see, in two queries.
func (a *App) actionLinks(ctx context.Context, actor *Actor, links []model.Target) ([]ActionLink, error) {
	var scs, objs []int64
	for _, l := range links {
		if l.ScorecardID != 0 {
			scs = append(scs, l.ScorecardID)
		} else {
			objs = append(objs, l.ObjectID)
		}
	}
	if len(links) == 0 {
		return nil, nil
	}
	v, err := a.Visibility(ctx, actor)
	if err != nil {
		return nil, err
	}
	q := a.store.Q()
	var out []ActionLink
	if len(scs) > 0 {
		list, err := q.ScorecardsByIDs(ctx, actor.Instance.ID, scs, v)
		if err != nil {
			return nil, err
		}
		for _, s := range list {
			out = append(out, ActionLink{On: OnScorecard, ID: s.ID, Kind: "scorecard", Title: s.Title})
		}
	}
	if len(objs) > 0 {
		list, err := q.ObjectsByIDs(ctx, actor.Instance.ID, objs, v)
		if err != nil {
			return nil, err
		}
		for _, o := range list {
			out = append(out, ActionLink{On: OnObject, ID: o.ID, Kind: o.Kind, Title: o.Title})
		}
	}
	return out, nil
}

// LinkChoices is the "Add Existing Action" page of a scorecard or object:
// the visible actions not linked to it yet, found by title.
type LinkChoices struct {
	Host    ActionLink
	Actions []model.Action
	Next    string
}

// ActionsToLink lists the actions that could be linked to a scorecard or
// object of the actor's own instance (actions.edit), by title, a page at a
// time.
func (a *App) ActionsToLink(ctx context.Context, actor *Actor, on string, hostID int64, text, after string) (LinkChoices, error) {
	if err := actor.Require(access.ActionsEdit); err != nil {
		return LinkChoices{}, err
	}
	h, err := a.actionHost(ctx, actor, on, hostID)
	if err != nil {
		return LinkChoices{}, err
	}
	out := LinkChoices{Host: ActionLink{On: h.On, ID: h.ID, Kind: h.Kind, Title: h.Title}}
	v, err := a.Visibility(ctx, actor)
	if err != nil {
		return out, err
	}
	page, err := a.store.Q().ListActions(ctx, actor.Instance.ID, store.ActionFilter{Text: strings.TrimSpace(text), NotOn: h.Target, After: after, Limit: 50}, v)
	if errors.Is(err, store.ErrBadCursor) {
		return out, invalid("That page link is not valid; start from the first page.", nil)
	}
	out.Actions, out.Next = page.Actions, page.Next
	return out, err
}

// ActionView is an action's page.
type ActionView struct {
	Action  model.Action
	Links   []model.Target
	Linked  []ActionLink // the links the viewer can see, scorecards first
	Hidden  int          // links to what the viewer cannot see (not named)
	Fields  []FieldValue // the Action Custom Fields, in order, with this action's values
	Updates []model.ActionUpdate
	Todos   []model.ActionTodo
	Can     ActionCan
}

// ActionCan is what the viewer may do with an action.
type ActionCan struct{ Edit, Delete, Status, Todos bool }

func actionCan(actor *Actor) ActionCan {
	return ActionCan{Edit: actor.Can(access.ActionsEdit), Delete: actor.Can(access.ActionsDelete),
		Status: actor.Can(access.ActionsStatus), Todos: actor.Can(access.ActionsTodos)}
}

// Action returns an action's page model: the action, its links, status log
// and to-dos, and what the actor may do.
func (a *App) Action(ctx context.Context, actor *Actor, id int64) (ActionView, error) {
	x, err := a.openAction(ctx, actor, id)
	if err != nil {
		return ActionView{}, err
	}
	q := a.store.Q()
	v := ActionView{Action: x, Can: actionCan(actor)}
	if v.Links, err = q.ActionLinks(ctx, actor.Instance.ID, id); err != nil {
		return v, err
	}
	if v.Linked, err = a.actionLinks(ctx, actor, v.Links); err != nil {
		return v, err
	}
	v.Hidden = len(v.Links) - len(v.Linked)
	defs, err := q.ListActionFields(ctx, actor.Instance.ID, false)
	if err != nil {
		return v, err
	}
	if len(defs) > 0 {
		values, err := q.ActionFieldValues(ctx, actor.Instance.ID, id)
		if err != nil {
			return v, err
		}
		v.Fields = fieldView(defs, values)
	}
	if v.Updates, err = q.ActionUpdates(ctx, actor.Instance.ID, id); err != nil {
		return v, err
	}
	v.Todos, err = q.ActionTodos(ctx, actor.Instance.ID, id)
	return v, err
}

// ActionQuery selects an Action Manager page.
type ActionQuery struct {
	On         string // with HostID: actions linked to this scorecard or object
	HostID     int64
	Status     string
	AssigneeID int64
	Assignee   string // an email address or membership id, as the action form takes it
	Tag        string
	Text       string // found in the title
	From, To   string // YYYY-MM-DD: actions whose dates meet the range
	Open       bool
	Mine       bool
	Sort       string
	Desc       bool
	After      string
	Limit      int
}

// ActionList is a page of visible actions.
type ActionList struct {
	Actions []model.Action
	Next    string
	Can     ActionCan
}

// Actions pages through the actions the actor may see (Action Manager,
// the dashboard's "My actions").
func (a *App) Actions(ctx context.Context, actor *Actor, qy ActionQuery) (ActionList, error) {
	v, err := a.Visibility(ctx, actor)
	if err != nil {
		return ActionList{}, err
	}
	f, err := a.actionFilter(ctx, actor, qy)
	if err != nil {
		return ActionList{}, err
	}
	page, err := a.store.Q().ListActions(ctx, actor.Instance.ID, f, v)
	if errors.Is(err, store.ErrBadCursor) {
		return ActionList{}, invalid("That page link is not valid; start from the first page.", nil)
	}
	return ActionList{Actions: page.Actions, Next: page.Next, Can: actionCan(actor)}, err
}

// actionFilter checks an Action Manager query and makes it the store's.
func (a *App) actionFilter(ctx context.Context, actor *Actor, qy ActionQuery) (store.ActionFilter, error) {
	f := store.ActionFilter{Status: qy.Status, AssigneeID: qy.AssigneeID, Tag: strings.TrimSpace(qy.Tag), Text: strings.TrimSpace(qy.Text), Open: qy.Open,
		Sort: qy.Sort, Desc: qy.Desc, After: qy.After, Limit: qy.Limit}
	fields := map[string]string{}
	f.From, f.To = dayRange(qy.From, qy.To, fields)
	if f.Status != "" && !model.ActionStatusValid(f.Status) {
		fields["status"] = "Choose a status from the list."
	}
	if who := strings.TrimSpace(qy.Assignee); who != "" {
		m, err := assigneeOf(ctx, a.store.Q(), actor.Instance.ID, who)
		switch {
		case errors.Is(err, store.ErrNotFound):
			fields["assignee"] = "No member of this organization has that email address."
		case err != nil:
			return f, err
		default:
			f.AssigneeID = m.ID
		}
	}
	if qy.On != "" {
		// Only a host the actor can see filters: the actions' links to
		// what it cannot see are not shown, so they do not select either.
		if _, err := a.openHost(ctx, actor, qy.On, qy.HostID); KindOf(err) == NotFound {
			name := map[string]string{OnScorecard: "scorecard"}[qy.On]
			if name == "" {
				name = "object"
			}
			fields[name] = actor.Words().Expand("There is no such {scorecard:lower}, {container:lower} or {measure:lower} you can see.")
		} else if err != nil {
			return f, err
		}
	}
	if len(fields) > 0 {
		return f, invalid("Check the filters: "+summarize(fields), fields)
	}
	if qy.Mine {
		f.Mine = actor.Membership.ID
	}
	switch qy.On {
	case OnScorecard:
		f.Target.ScorecardID = qy.HostID
	case OnObject:
		f.Target.ObjectID = qy.HostID
	}
	return f, nil
}

// dayRange checks a range of days a list is filtered by (fields "from"
// and "to", either may be empty), noting what is wrong in fields.
func dayRange(from, to string, fields map[string]string) (string, string) {
	f, ok := parseDay(from)
	if !ok {
		fields["from"] = "Enter the first day as a date, e.g. 2026-01-31."
	}
	t, ok := parseDay(to)
	if !ok {
		fields["to"] = "Enter the last day as a date, e.g. 2026-12-31."
	}
	if f != "" && t != "" && t < f {
		fields["to"] = "The last day is before the first."
	}
	return f, t
}

// HostActions is the Actions section of a scorecard's, container's or
// measure's page: the actions linked to it that the viewer may see. A
// partner's page has none (SPEC §12).
type HostActions struct {
	Show   bool
	On     string
	ID     int64
	List   []model.Action
	More   bool // more than the section shows: the Action Manager has them
	CanAdd bool
}

// hostActionsShown is how many actions a page's section lists.
const hostActionsShown = 20

func (a *App) hostActions(ctx context.Context, actor *Actor, h host) (HostActions, error) {
	if h.Owner != actor.Instance.ID {
		return HostActions{}, nil
	}
	v, err := a.Visibility(ctx, actor)
	if err != nil {
		return HostActions{}, err
	}
	page, err := a.store.Q().ListActions(ctx, actor.Instance.ID, store.ActionFilter{Target: h.Target, Limit: hostActionsShown}, v)
	if err != nil {
		return HostActions{}, err
	}
	return HostActions{Show: true, On: h.On, ID: h.ID, List: page.Actions, More: page.Next != "", CanAdd: actor.Can(access.ActionsEdit)}, nil
}

// DashboardView is the dashboard (SPEC §9): favourite scorecards and measures, my open
// actions and my to-dos.
type DashboardView struct {
	Scorecards []model.Scorecard // starred scorecards, first on the page
	Favorites  []Favorite
	MyActions  []model.Action
	MoreMine   bool
	MyTodos    []TodoItem
	// Message is the instance's administrator message (General
	// Settings), sanitised HTML; "" when there is none.
	Message string
}

// TodoItem is a to-do with the title of its action.
type TodoItem struct {
	model.ActionTodo
	ActionTitle string
}

// dashboardShown is how many actions and to-dos the dashboard lists.
const dashboardShown = 10

// Dashboard returns the dashboard's page model.
func (a *App) Dashboard(ctx context.Context, actor *Actor) (DashboardView, error) {
	var v DashboardView
	var err error
	if v.Scorecards, err = a.FavoriteScorecards(ctx, actor); err != nil {
		return v, err
	}
	if v.Favorites, err = a.Favorites(ctx, actor); err != nil {
		return v, err
	}
	if v.Message, err = a.AdminMessage(ctx, actor); err != nil {
		return v, err
	}
	vis, err := a.Visibility(ctx, actor)
	if err != nil {
		return v, err
	}
	q := a.store.Q()
	page, err := q.ListActions(ctx, actor.Instance.ID, store.ActionFilter{Mine: actor.Membership.ID, Open: true, Sort: "end", Limit: dashboardShown}, vis)
	if err != nil {
		return v, err
	}
	v.MyActions, v.MoreMine = page.Actions, page.Next != ""
	todos, titles, err := q.OpenTodosOf(ctx, actor.Instance.ID, actor.Membership.ID, vis, dashboardShown)
	for i := range todos {
		v.MyTodos = append(v.MyTodos, TodoItem{ActionTodo: todos[i], ActionTitle: titles[i]})
	}
	return v, err
}

// ExportActions hands every action of the query the actor may see to fn,
// in the Action Manager's order, a page of the store at a time (memory
// stays flat however many there are), and logs the export.
func (a *App) ExportActions(ctx context.Context, actor *Actor, qy ActionQuery, format string, fn func(model.Action) error) error {
	qy.After, qy.Limit = "", 200
	f, err := a.actionFilter(ctx, actor, qy) // refused before anything is written or logged
	if err != nil {
		return err
	}
	v, err := a.Visibility(ctx, actor)
	if err != nil {
		return err
	}
	if err := a.store.InTx(ctx, func(q *store.Q) error {
		return record(ctx, q, entry(actor, ActExport, "actions", 0, actor.Words().Expand("{action} Manager (")+format+")"))
	}); err != nil {
		return err
	}
	for {
		page, err := a.store.Q().ListActions(ctx, actor.Instance.ID, f, v)
		if err != nil {
			return err
		}
		for _, x := range page.Actions {
			if err := fn(x); err != nil {
				return err
			}
		}
		if page.Next == "" {
			return nil
		}
		f.After = page.Next
	}
}
