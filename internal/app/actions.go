package app

import (
	"context"
	"errors"
	"fmt"
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
}

// apply validates the input onto x; the assignee must be an active member
// of the actor's instance.
func (in ActionInput) apply(ctx context.Context, q *store.Q, instanceID int64, x *model.Action) error {
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
	if x.Tags, msg = ParseTags(in.Tags); msg != "" {
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
		return h, errForbidden("Actions belong to your own organization's scorecards; this one is a partner's.")
	}
	return h, nil
}

// CreateAction makes an action (actions.edit), assigned by the actor, and
// links it to the host it was created on, if any (on == "").
func (a *App) CreateAction(ctx context.Context, actor *Actor, in ActionInput, on string, hostID int64) (model.Action, error) {
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
		if err := in.apply(ctx, q, actor.Instance.ID, &x); err != nil {
			return err
		}
		var err error
		if x, err = q.CreateAction(ctx, x); err != nil {
			return err
		}
		es := []model.Activity{entry(actor, ActCreate, "action", x.ID, x.Title, actionChanges(model.Action{}, x)...)}
		if on != "" {
			if err := q.LinkAction(ctx, actor.Instance.ID, x.ID, h.Target); err != nil {
				return err
			}
			es = append(es, entry(actor, ActLink, "action", x.ID, x.Title, model.Change{Field: h.Kind, After: h.Title}))
		}
		return record(ctx, q, es...)
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
	if err := actor.Require(access.ActionsEdit); err != nil {
		return before, err
	}
	x := before
	x.Version = version
	err = a.store.InTx(ctx, func(q *store.Q) error {
		if err := in.apply(ctx, q, actor.Instance.ID, &x); err != nil {
			return err
		}
		saved, err := q.UpdateAction(ctx, x)
		if errors.Is(err, store.ErrConflict) {
			return errConflict("Someone saved this action after you opened it. Reload it to see their changes, then make yours again.")
		} else if err != nil {
			return err
		}
		x = saved
		return record(ctx, q, entry(actor, ActUpdate, "action", x.ID, x.Title, actionChanges(before, x)...))
	})
	return x, err
}

// DeleteAction removes an action with its status log, to-dos and links
// (actions.delete).
func (a *App) DeleteAction(ctx context.Context, actor *Actor, id int64) error {
	x, err := a.openAction(ctx, actor, id)
	if err != nil {
		return err
	}
	if err := actor.Require(access.ActionsDelete); err != nil {
		return err
	}
	return a.store.InTx(ctx, func(q *store.Q) error {
		if err := q.DeleteAction(ctx, actor.Instance.ID, id); err != nil {
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
			err = q.LinkAction(ctx, actor.Instance.ID, id, h.Target)
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
			return errConflict("Someone changed this action after you opened it. Reload it, then add your update again.")
		} else if err != nil {
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
	x, err := a.openAction(ctx, actor, id)
	if err != nil {
		return model.ActionTodo{}, err
	}
	if err := actor.Require(access.ActionsTodos); err != nil {
		return model.ActionTodo{}, err
	}
	t := model.ActionTodo{ActionID: id}
	err = a.store.InTx(ctx, func(q *store.Q) error {
		fields := map[string]string{}
		var msg string
		if t.Title, msg = cleanText(in.Title, "The to-do", 1, 200); msg != "" {
			fields["todo"] = msg
		}
		var ok bool
		if t.DueDate, ok = parseDay(in.DueDate); !ok {
			fields["due_date"] = "Give the due date as a date (YYYY-MM-DD), or leave it empty."
		}
		probe := model.Action{}
		if err := (ActionInput{Title: "x", Assignee: in.Assignee}).apply(ctx, q, actor.Instance.ID, &probe); err != nil {
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
		var err error
		if t, err = q.AddActionTodo(ctx, actor.Instance.ID, t); err != nil {
			return err
		}
		return record(ctx, q, entry(actor, ActCreate, "to-do", x.ID, x.Title, model.Change{Field: "to-do", After: t.Title}))
	})
	return t, err
}

// CheckTodo checks a to-do off (or on again): its assignee may, and anyone
// with actions.todos.
func (a *App) CheckTodo(ctx context.Context, actor *Actor, id, todoID int64, done bool) error {
	x, err := a.openAction(ctx, actor, id)
	if err != nil {
		return err
	}
	todos, err := a.store.Q().ActionTodos(ctx, actor.Instance.ID, id)
	if err != nil {
		return err
	}
	var t *model.ActionTodo
	for i := range todos {
		if todos[i].ID == todoID {
			t = &todos[i]
		}
	}
	if t == nil {
		return errNotFound()
	}
	if t.AssigneeID != actor.Membership.ID {
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

// ActionView is an action's page.
type ActionView struct {
	Action  model.Action
	Links   []model.Target
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
	f := store.ActionFilter{Status: qy.Status, AssigneeID: qy.AssigneeID, Open: qy.Open, Sort: qy.Sort, Desc: qy.Desc, After: qy.After, Limit: qy.Limit}
	if qy.Mine {
		f.Mine = actor.Membership.ID
	}
	switch qy.On {
	case OnScorecard:
		f.Target.ScorecardID = qy.HostID
	case OnObject:
		f.Target.ObjectID = qy.HostID
	}
	page, err := a.store.Q().ListActions(ctx, actor.Instance.ID, f, v)
	if errors.Is(err, store.ErrBadCursor) {
		return ActionList{}, invalid("That page link is not valid; start from the first page.", nil)
	}
	return ActionList{Actions: page.Actions, Next: page.Next, Can: actionCan(actor)}, err
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

// DashboardView is the dashboard (SPEC §9): favourite measures, my open
// actions and my to-dos.
type DashboardView struct {
	Favorites []Favorite
	MyActions []model.Action
	MoreMine  bool
	MyTodos   []TodoItem
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
	if err := a.store.InTx(ctx, func(q *store.Q) error {
		return record(ctx, q, entry(actor, ActExport, "actions", 0, "Action Manager ("+format+")"))
	}); err != nil {
		return err
	}
	qy.After, qy.Limit = "", 200
	for {
		list, err := a.Actions(ctx, actor, qy)
		if err != nil {
			return err
		}
		for _, x := range list.Actions {
			if err := fn(x); err != nil {
				return err
			}
		}
		if list.Next == "" {
			return nil
		}
		qy.After = list.Next
	}
}
