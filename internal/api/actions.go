package api

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"yardstick/internal/app"
	"yardstick/internal/model"
)

// Actions, their status updates and to-dos, and the note sections of
// scorecards, containers and measures (issue 16: "and, once they exist,
// actions and notes"). As for the other resources, each operation calls
// the use cases the pages call; what is this file's own is HTTP's and
// JSON's: ETags over the actions' and notes' versions, and the document's
// field names.

// actionFields renames the action forms' fields in a validation error to
// the document's (custom fields are "fields/12"; the filters' hosts
// "scorecard_id" and "object_id"; a status update's text "body"; a
// to-do's "title" and "assignee").
func actionFields(err error, todo bool) error {
	e, ok := app.AsError(err)
	if !ok || len(e.Fields) == 0 {
		return err
	}
	names := map[string]string{"scorecard": "scorecard_id", "object": "object_id", "update": "body", "type": "type_id"}
	if todo {
		names["todo"], names["todo_assignee"] = "title", "assignee"
	}
	out := &app.Error{Kind: e.Kind, Msg: e.Msg, RetryAfter: e.RetryAfter, Fields: map[string]string{}}
	for f, msg := range e.Fields {
		if n, ok := names[f]; ok {
			f = n
		} else if id, ok := strings.CutPrefix(f, "field-"); ok {
			f = "fields/" + id
		}
		out.Fields[f] = msg
	}
	return out
}

// dayOut is an optional date as the document writes it: null for none.
func dayOut(d string) *string {
	if d == "" {
		return nil
	}
	return &d
}

func idOut(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

func actionOut(x model.Action) Action {
	tags := x.Tags
	if tags == nil {
		tags = []string{}
	}
	return Action{Id: x.ID, Title: x.Title, Description: x.Description, StartDate: dayOut(x.StartDate), EndDate: dayOut(x.EndDate),
		Status: x.Status, Percent: x.Percent, AssigneeId: idOut(x.AssigneeID), Assignee: x.Assignee, AssigneeEmail: x.AssigneeEmail,
		Assigner: x.Assigner, Tags: tags, Version: int64(x.Version), CreatedAt: x.CreatedAt.UTC(), UpdatedAt: x.UpdatedAt.UTC()}
}

// actionViewOut is an action with its links and custom fields.
func actionViewOut(v app.ActionView) Action {
	out := actionOut(v.Action)
	links := make([]ActionLink, len(v.Linked))
	for i, l := range v.Linked {
		links[i] = ActionLink{Kind: ActionLinkKind(l.Kind), Id: l.ID, Title: l.Title}
	}
	fields := make([]ActionFieldValue, len(v.Fields))
	for i, f := range v.Fields {
		fields[i] = ActionFieldValue{Id: f.Field.ID, Name: f.Field.Name, Kind: f.Field.Kind, Required: f.Field.Required, Value: f.Value}
		if f.Field.Kind == model.FieldSelect {
			opts := append([]string{}, f.Field.Options...)
			fields[i].Options = &opts
		}
	}
	out.Links, out.Fields, out.HiddenLinks = &links, &fields, &v.Hidden
	return out
}

// fieldValues reads the document's custom field values (by id as text).
func fieldValues(in *ActionFieldValues) (map[int64]string, error) {
	if in == nil {
		return nil, nil
	}
	out := make(map[int64]string, len(*in))
	for k, v := range *in {
		id, err := strconv.ParseInt(k, 10, 64)
		if err != nil || id < 1 {
			msg := "Name a custom field by its id (a whole number)."
			return nil, &app.Error{Kind: app.Invalid, Msg: msg, Fields: map[string]string{"fields/" + truncate(k, 40): msg}}
		}
		out[id] = v
	}
	return out, nil
}

func (h *handlers) ListActions(ctx context.Context, req ListActionsRequestObject) (ListActionsResponseObject, error) {
	p := req.Params
	q := app.ActionQuery{Status: deref(p.Status), Open: deref(p.Open), Assignee: deref(p.Assignee), From: deref(p.From), To: deref(p.To),
		Tag: deref(p.Tag), Text: deref(p.Q), After: deref(p.Cursor), Limit: deref(p.Limit)}
	switch {
	case p.ScorecardId != nil && p.ObjectId != nil:
		msg := "Filter by scorecard_id or object_id, not both."
		return nil, &app.Error{Kind: app.Invalid, Msg: msg, Fields: map[string]string{"object_id": msg}}
	case p.ScorecardId != nil:
		q.On, q.HostID = app.OnScorecard, *p.ScorecardId
	case p.ObjectId != nil:
		q.On, q.HostID = app.OnObject, *p.ObjectId
	}
	list, err := h.app.Actions(ctx, actorOf(ctx), q)
	if err != nil {
		return nil, actionFields(err, false)
	}
	out := ListActions200JSONResponse{Items: make([]Action, len(list.Actions))}
	for i, x := range list.Actions {
		out.Items[i] = actionOut(x)
	}
	if list.Next != "" {
		out.NextCursor = &list.Next
	}
	return out, nil
}

func (h *handlers) GetAction(ctx context.Context, req GetActionRequestObject) (GetActionResponseObject, error) {
	v, err := h.app.Action(ctx, actorOf(ctx), req.ActionId)
	if err != nil {
		return nil, err
	}
	return GetAction200JSONResponse{Body: actionViewOut(v), Headers: GetAction200ResponseHeaders{ETag: etag(int64(v.Action.Version))}}, nil
}

func (c created) VisitCreateActionResponse(w http.ResponseWriter) error { return c.write(w) }

func (h *handlers) CreateAction(ctx context.Context, req CreateActionRequestObject) (CreateActionResponseObject, error) {
	actor := actorOf(ctx)
	b := req.Body
	tags, err := tagList(b.Tags)
	if err != nil {
		return nil, err
	}
	fields, err := fieldValues(b.Fields)
	if err != nil {
		return nil, err
	}
	in := app.ActionInput{Title: b.Title, Description: deref(b.Description), StartDate: deref(b.StartDate), EndDate: deref(b.EndDate),
		Status: deref(b.Status), Assignee: deref(b.Assignee), Tags: tags, Fields: fields, Strict: true}
	if b.Percent != nil {
		in.Percent = strconv.Itoa(*b.Percent)
	}
	if in.Fields == nil {
		in.Fields = map[int64]string{} // every field checked: a required one needs a value
	}
	var on string
	var hostID int64
	switch {
	case b.ScorecardId != nil && b.ObjectId != nil:
		msg := "Send scorecard_id or object_id, not both: link it to more places on its page."
		return nil, &app.Error{Kind: app.Invalid, Msg: msg, Fields: map[string]string{"object_id": msg}}
	case b.ScorecardId != nil:
		on, hostID = app.OnScorecard, *b.ScorecardId
	case b.ObjectId != nil:
		on, hostID = app.OnObject, *b.ObjectId
	}
	// The answer is made in the create's transaction (an Idempotency-Key
	// keeps it with the action): of the action alone, without a read.
	answer := func(x model.Action) (app.Answer, error) {
		return answerOf(h.location(actor, "actions", x.ID), int64(x.Version), actionOut(x))
	}
	c, err := create("createAction", req.Params.IdempotencyKey, b,
		func() (model.Action, error) { return h.app.CreateAction(ctx, actor, in, on, hostID) },
		func(o app.Once, ans func(model.Action) (app.Answer, error)) (app.Answer, error) {
			return h.app.CreateActionOnce(ctx, actor, in, on, hostID, o, ans)
		}, answer)
	return c, actionFields(err, false)
}

// actionInput is what the action form would send for x unchanged, its
// custom fields included.
func actionInput(v app.ActionView) app.ActionInput {
	x := v.Action
	in := app.ActionInput{Title: x.Title, Description: x.Description, StartDate: x.StartDate, EndDate: x.EndDate, Status: x.Status,
		Percent: strconv.Itoa(x.Percent), Tags: strings.Join(x.Tags, ", "), Fields: map[int64]string{}, Strict: true}
	if x.AssigneeID != 0 {
		in.Assignee = strconv.FormatInt(x.AssigneeID, 10)
	}
	for _, f := range v.Fields {
		in.Fields[f.Field.ID] = f.Value
	}
	return in
}

func (h *handlers) UpdateAction(ctx context.Context, req UpdateActionRequestObject) (UpdateActionResponseObject, error) {
	if req.Params.IfMatch == nil {
		return nil, errNoIfMatch
	}
	actor := actorOf(ctx)
	v, err := h.app.Action(ctx, actor, req.ActionId)
	if err != nil {
		return nil, err
	}
	version, err := matchVersion(req.Params.IfMatch, int64(v.Action.Version), "action")
	if err != nil {
		return nil, err
	}
	b := req.Body
	in := actionInput(v)
	setIf(&in.Title, b.Title)
	setIf(&in.Description, b.Description)
	setIf(&in.StartDate, b.StartDate)
	setIf(&in.EndDate, b.EndDate)
	setIf(&in.Status, b.Status)
	setIf(&in.Assignee, b.Assignee)
	if b.Percent != nil {
		in.Percent = strconv.Itoa(*b.Percent)
	}
	if b.Tags != nil {
		if in.Tags, err = tagList(b.Tags); err != nil {
			return nil, err
		}
	}
	sent, err := fieldValues(b.Fields)
	if err != nil {
		return nil, err
	}
	for id, val := range sent {
		in.Fields[id] = val
	}
	if _, err := h.app.UpdateAction(ctx, actor, req.ActionId, int(version), in); err != nil {
		return nil, actionFields(stale(err, "action"), false)
	}
	if v, err = h.app.Action(ctx, actor, req.ActionId); err != nil {
		return nil, err
	}
	return UpdateAction200JSONResponse{Body: actionViewOut(v), Headers: UpdateAction200ResponseHeaders{ETag: etag(int64(v.Action.Version))}}, nil
}

func (h *handlers) DeleteAction(ctx context.Context, req DeleteActionRequestObject) (DeleteActionResponseObject, error) {
	actor := actorOf(ctx)
	v, err := h.app.Action(ctx, actor, req.ActionId)
	if err != nil {
		return nil, err
	}
	version, err := deleteVersion(req.Params.IfMatch, int64(v.Action.Version), "action")
	if err != nil {
		return nil, err
	}
	if err := h.app.DeleteActionAt(ctx, actor, req.ActionId, int(version)); err != nil {
		return nil, stale(err, "action")
	}
	return DeleteAction204Response{}, nil
}

func (h *handlers) ListActionUpdates(ctx context.Context, req ListActionUpdatesRequestObject) (ListActionUpdatesResponseObject, error) {
	v, err := h.app.Action(ctx, actorOf(ctx), req.ActionId)
	if err != nil {
		return nil, err
	}
	out := ListActionUpdates200JSONResponse{Items: make([]ActionUpdate, len(v.Updates))}
	for i, u := range v.Updates {
		out.Items[i] = ActionUpdate{Id: u.ID, Author: u.Author, Body: u.Body, Status: u.Status, Percent: u.Percent, CreatedAt: u.CreatedAt.UTC()}
	}
	return out, nil
}

func (h *handlers) AddActionUpdate(ctx context.Context, req AddActionUpdateRequestObject) (AddActionUpdateResponseObject, error) {
	if req.Params.IfMatch == nil {
		return nil, errNoIfMatch
	}
	actor := actorOf(ctx)
	v, err := h.app.Action(ctx, actor, req.ActionId)
	if err != nil {
		return nil, err
	}
	version, err := matchVersion(req.Params.IfMatch, int64(v.Action.Version), "action")
	if err != nil {
		return nil, err
	}
	b := req.Body
	status, percent := v.Action.Status, strconv.Itoa(v.Action.Percent)
	setIf(&status, b.Status)
	if b.Percent != nil {
		percent = strconv.Itoa(*b.Percent)
	}
	if err := h.app.AddActionUpdate(ctx, actor, req.ActionId, int(version), deref(b.Body), status, percent); err != nil {
		return nil, actionFields(stale(err, "action"), false)
	}
	if v, err = h.app.Action(ctx, actor, req.ActionId); err != nil {
		return nil, err
	}
	return AddActionUpdate201JSONResponse{Body: actionViewOut(v), Headers: AddActionUpdate201ResponseHeaders{ETag: etag(int64(v.Action.Version))}}, nil
}

func todoOut(t model.ActionTodo) Todo {
	out := Todo{Id: t.ID, Title: t.Title, AssigneeId: idOut(t.AssigneeID), Assignee: t.Assignee, AssigneeEmail: t.AssigneeEmail,
		DueDate: dayOut(t.DueDate), Done: t.Done, CreatedAt: t.CreatedAt.UTC()}
	if t.DoneAt != nil {
		at := t.DoneAt.UTC()
		out.DoneAt = &at
	}
	return out
}

func (h *handlers) ListActionTodos(ctx context.Context, req ListActionTodosRequestObject) (ListActionTodosResponseObject, error) {
	v, err := h.app.Action(ctx, actorOf(ctx), req.ActionId)
	if err != nil {
		return nil, err
	}
	out := ListActionTodos200JSONResponse{Items: make([]Todo, len(v.Todos))}
	for i, t := range v.Todos {
		out.Items[i] = todoOut(t)
	}
	return out, nil
}

// todoNow reads a to-do back as the action's page lists it.
func (h *handlers) todoNow(ctx context.Context, actionID, todoID int64) (Todo, error) {
	v, err := h.app.Action(ctx, actorOf(ctx), actionID)
	if err != nil {
		return Todo{}, err
	}
	for _, t := range v.Todos {
		if t.ID == todoID {
			return todoOut(t), nil
		}
	}
	return Todo{}, &app.Error{Kind: app.NotFound, Msg: "Not found."}
}

func (c created) VisitAddActionTodoResponse(w http.ResponseWriter) error { return c.write(w) }

func (h *handlers) AddActionTodo(ctx context.Context, req AddActionTodoRequestObject) (AddActionTodoResponseObject, error) {
	actor := actorOf(ctx)
	b := req.Body
	in := app.TodoInput{Title: b.Title, Assignee: deref(b.Assignee), DueDate: deref(b.DueDate)}
	answer := func(t model.ActionTodo) (app.Answer, error) {
		a, err := answerOf("", 0, todoOut(t))
		a.ETag = ""
		return a, err
	}
	c, err := create("addActionTodo", req.Params.IdempotencyKey, struct {
		ActionID int64
		Body     *AddActionTodoJSONRequestBody
	}{req.ActionId, b},
		func() (model.ActionTodo, error) { return h.app.AddTodo(ctx, actor, req.ActionId, in) },
		func(o app.Once, ans func(model.ActionTodo) (app.Answer, error)) (app.Answer, error) {
			return h.app.AddTodoOnce(ctx, actor, req.ActionId, in, o, ans)
		}, answer)
	return c, actionFields(err, true)
}

func (h *handlers) UpdateActionTodo(ctx context.Context, req UpdateActionTodoRequestObject) (UpdateActionTodoResponseObject, error) {
	actor := actorOf(ctx)
	b := req.Body
	if b.Title != nil || b.Assignee != nil || b.DueDate != nil {
		_, t, err := h.app.Todo(ctx, actor, req.ActionId, req.TodoId)
		if err != nil {
			return nil, err
		}
		in := app.TodoInput{Title: t.Title, DueDate: t.DueDate}
		if t.AssigneeID != 0 {
			in.Assignee = strconv.FormatInt(t.AssigneeID, 10)
		}
		setIf(&in.Title, b.Title)
		setIf(&in.Assignee, b.Assignee)
		setIf(&in.DueDate, b.DueDate)
		if err := h.app.UpdateTodo(ctx, actor, req.ActionId, req.TodoId, in); err != nil {
			return nil, actionFields(err, true)
		}
	}
	if b.Done != nil {
		if err := h.app.CheckTodo(ctx, actor, req.ActionId, req.TodoId, *b.Done); err != nil {
			return nil, err
		}
	}
	out, err := h.todoNow(ctx, req.ActionId, req.TodoId)
	if err != nil {
		return nil, err
	}
	return UpdateActionTodo200JSONResponse(out), nil
}

func (h *handlers) DeleteActionTodo(ctx context.Context, req DeleteActionTodoRequestObject) (DeleteActionTodoResponseObject, error) {
	if err := h.app.DeleteTodo(ctx, actorOf(ctx), req.ActionId, req.TodoId); err != nil {
		return nil, err
	}
	return DeleteActionTodo204Response{}, nil
}

// noteHost is what the pages call the host of notes named by a path's
// {on} and {id}: a scorecard, or an object of the kind the path names (a
// measure at a container's address is missing, and the other way round).
func (h *handlers) noteHost(ctx context.Context, on string, id int64) (string, error) {
	switch on {
	case "scorecards":
		return app.OnScorecard, nil
	case "containers":
		_, err := h.viewKind(ctx, id, model.KindContainer)
		return app.OnObject, err
	case "measures":
		_, err := h.viewKind(ctx, id, model.KindMeasure)
		return app.OnObject, err
	}
	return "", &app.Error{Kind: app.NotFound, Msg: "Not found."}
}

func noteOut(n model.Note) Note {
	out := Note{TypeId: n.Type.ID, TypeName: n.Type.Name, HelpText: n.Type.HelpText, CharLimit: n.Type.CharLimit, Body: n.Body,
		Version: n.Version, UpdatedBy: n.UpdatedBy}
	if !n.UpdatedAt.IsZero() && n.Version > 0 {
		at := n.UpdatedAt.UTC()
		out.UpdatedAt = &at
	}
	return out
}

func (h *handlers) ListNotes(ctx context.Context, req ListNotesRequestObject) (ListNotesResponseObject, error) {
	on, err := h.noteHost(ctx, string(req.On), req.Id)
	if err != nil {
		return nil, err
	}
	v, err := h.app.NotesOf(ctx, actorOf(ctx), on, req.Id, 0)
	if err != nil {
		return nil, err
	}
	out := ListNotes200JSONResponse{Items: make([]Note, len(v.Sections))}
	for i, n := range v.Sections {
		out.Items[i] = noteOut(n)
	}
	return out, nil
}

func (h *handlers) GetNote(ctx context.Context, req GetNoteRequestObject) (GetNoteResponseObject, error) {
	on, err := h.noteHost(ctx, string(req.On), req.Id)
	if err != nil {
		return nil, err
	}
	n, err := h.app.NoteSection(ctx, actorOf(ctx), on, req.Id, req.TypeId)
	if err != nil {
		return nil, err
	}
	return GetNote200JSONResponse{Body: noteOut(n), Headers: GetNote200ResponseHeaders{ETag: etag(int64(n.Version))}}, nil
}

func (h *handlers) AddNoteSection(ctx context.Context, req AddNoteSectionRequestObject) (AddNoteSectionResponseObject, error) {
	actor := actorOf(ctx)
	on, err := h.noteHost(ctx, string(req.On), req.Id)
	if err != nil {
		return nil, err
	}
	typeID := req.Body.TypeId
	_, before := h.app.NoteSection(ctx, actor, on, req.Id, typeID)
	if err := h.app.AddNoteSection(ctx, actor, on, req.Id, typeID); err != nil {
		return nil, actionFields(err, false)
	}
	n, err := h.app.NoteSection(ctx, actor, on, req.Id, typeID)
	if err != nil {
		return nil, err
	}
	if before == nil {
		return AddNoteSection200JSONResponse{Body: noteOut(n), Headers: AddNoteSection200ResponseHeaders{ETag: etag(int64(n.Version))}}, nil
	}
	loc := BasePath + "/i/" + actor.Instance.Code + "/" + string(req.On) + "/" + strconv.FormatInt(req.Id, 10) + "/notes/" + strconv.FormatInt(typeID, 10)
	return AddNoteSection201JSONResponse{Body: noteOut(n), Headers: AddNoteSection201ResponseHeaders{ETag: etag(int64(n.Version)), Location: loc}}, nil
}

func (h *handlers) SaveNote(ctx context.Context, req SaveNoteRequestObject) (SaveNoteResponseObject, error) {
	if req.Params.IfMatch == nil {
		return nil, errNoIfMatch
	}
	actor := actorOf(ctx)
	on, err := h.noteHost(ctx, string(req.On), req.Id)
	if err != nil {
		return nil, err
	}
	n, err := h.app.NoteSection(ctx, actor, on, req.Id, req.TypeId)
	if err != nil {
		return nil, err
	}
	version, err := matchVersion(req.Params.IfMatch, int64(n.Version), "note")
	if err != nil {
		return nil, err
	}
	if _, err := h.app.SaveNote(ctx, actor, on, req.Id, req.TypeId, int(version), req.Body.Body); err != nil {
		return nil, stale(err, "note")
	}
	if n, err = h.app.NoteSection(ctx, actor, on, req.Id, req.TypeId); err != nil {
		return nil, err
	}
	return SaveNote200JSONResponse{Body: noteOut(n), Headers: SaveNote200ResponseHeaders{ETag: etag(int64(n.Version))}}, nil
}

func (h *handlers) RemoveNoteSection(ctx context.Context, req RemoveNoteSectionRequestObject) (RemoveNoteSectionResponseObject, error) {
	actor := actorOf(ctx)
	on, err := h.noteHost(ctx, string(req.On), req.Id)
	if err != nil {
		return nil, err
	}
	n, err := h.app.NoteSection(ctx, actor, on, req.Id, req.TypeId)
	if err != nil {
		return nil, err
	}
	if _, err := deleteVersion(req.Params.IfMatch, int64(n.Version), "note"); err != nil {
		return nil, err
	}
	if err := h.app.RemoveNoteSection(ctx, actor, on, req.Id, req.TypeId); err != nil {
		return nil, err
	}
	return RemoveNoteSection204Response{}, nil
}

func (h *handlers) ListNoteVersions(ctx context.Context, req ListNoteVersionsRequestObject) (ListNoteVersionsResponseObject, error) {
	on, err := h.noteHost(ctx, string(req.On), req.Id)
	if err != nil {
		return nil, err
	}
	before := 0
	if c := deref(req.Params.Cursor); c != "" {
		if before, err = strconv.Atoi(c); err != nil || before < 1 {
			msg := "That cursor is not valid; start from the first page."
			return nil, &app.Error{Kind: app.Invalid, Msg: msg, Fields: map[string]string{"cursor": msg}}
		}
	}
	v, err := h.app.NoteHistory(ctx, actorOf(ctx), on, req.Id, req.TypeId, before)
	if err != nil {
		return nil, err
	}
	out := ListNoteVersions200JSONResponse{Items: make([]NoteVersion, len(v.Versions))}
	for i, nv := range v.Versions {
		out.Items[i] = NoteVersion{Version: nv.Version, Body: nv.Body, Author: nv.AuthorName, CreatedAt: nv.CreatedAt.UTC()}
		if nv.Restored != 0 {
			r := nv.Restored
			out.Items[i].Restored = &r
		}
	}
	if v.Before != 0 {
		next := strconv.Itoa(v.Before)
		out.NextCursor = &next
	}
	return out, nil
}

func commentOut(c model.Comment) Comment {
	out := Comment{Id: c.ID, Author: c.AuthorName, Body: c.Body, CreatedAt: c.CreatedAt.UTC()}
	if c.EditedAt != nil {
		at := c.EditedAt.UTC()
		out.EditedAt = &at
	}
	return out
}

func (h *handlers) ListComments(ctx context.Context, req ListCommentsRequestObject) (ListCommentsResponseObject, error) {
	on, err := h.noteHost(ctx, string(req.On), req.Id)
	if err != nil {
		return nil, err
	}
	var before int64
	if c := deref(req.Params.Cursor); c != "" {
		if before, err = strconv.ParseInt(c, 10, 64); err != nil || before < 1 {
			msg := "That cursor is not valid; start from the first page."
			return nil, &app.Error{Kind: app.Invalid, Msg: msg, Fields: map[string]string{"cursor": msg}}
		}
	}
	v, err := h.app.NotesOf(ctx, actorOf(ctx), on, req.Id, before)
	if err != nil {
		return nil, err
	}
	out := ListComments200JSONResponse{Items: make([]Comment, len(v.Comments))}
	for i, c := range v.Comments {
		out.Items[i] = commentOut(c.Comment)
	}
	if v.MoreComments != 0 {
		next := strconv.FormatInt(v.MoreComments, 10)
		out.NextCursor = &next
	}
	return out, nil
}

func (c created) VisitAddCommentResponse(w http.ResponseWriter) error { return c.write(w) }

func (h *handlers) AddComment(ctx context.Context, req AddCommentRequestObject) (AddCommentResponseObject, error) {
	actor := actorOf(ctx)
	on, err := h.noteHost(ctx, string(req.On), req.Id)
	if err != nil {
		return nil, err
	}
	body := req.Body.Body
	answer := func(c model.Comment) (app.Answer, error) {
		a, err := answerOf("", 0, commentOut(c))
		a.ETag = ""
		return a, err
	}
	c, err := create("addComment", req.Params.IdempotencyKey, struct {
		On   string
		ID   int64
		Body string
	}{string(req.On), req.Id, body},
		func() (model.Comment, error) { return h.app.AddComment(ctx, actor, on, req.Id, body) },
		func(o app.Once, ans func(model.Comment) (app.Answer, error)) (app.Answer, error) {
			return h.app.AddCommentOnce(ctx, actor, on, req.Id, body, o, ans)
		}, answer)
	return c, err
}
