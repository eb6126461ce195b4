package app

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"yardstick/internal/access"
	"yardstick/internal/model"
	"yardstick/internal/notes"
	"yardstick/internal/store"
	"yardstick/internal/terms"
)

// Notes and their history on scorecards, containers and measures (SPEC
// §7, issue 13). A note section is addressed by what it is on (On: a
// scorecard or an object, and its id) and its type; no note id appears
// in a URL, so a note is reached only through an object the actor can
// open, and a partner's notes are read from the owner's instance.

// What notes and comments are on, as URLs name it.
const (
	OnScorecard = "scorecards"
	OnObject    = "objects"
)

// historyPage is how many versions the history list shows at once.
const historyPage = 20

// host is the scorecard or object notes and comments hang on.
type host struct {
	On     string
	ID     int64
	Target model.Target
	Owner  int64  // its instance
	Kind   string // "scorecard", "container" or "measure"
	Title  string
	Can    access.Can
	Locked []model.Scorecard // the locked scorecards that narrowed Can, of own content
}

// name is how the log and messages name the host.
func (h host) name() string { return "“" + h.Title + "”" }

// readOnly refuses a change Can leaves out: a lock's, naming the
// scorecards and reasons, or a partner's content's.
func (h host) readOnly(actor *Actor) error {
	if len(h.Locked) > 0 && !actor.Partner(h.Owner) {
		return lockedError(actor, h.name(), h.Locked)
	}
	return readOnly(actor, h.name())
}

func scorecardHost(s model.Scorecard, can access.Can) host {
	return host{On: OnScorecard, ID: s.ID, Target: model.Target{ScorecardID: s.ID}, Owner: s.InstanceID, Kind: "scorecard", Title: s.Title, Can: can}
}

func objectHost(o model.Object, can access.Can) host {
	return host{On: OnObject, ID: o.ID, Target: model.Target{ObjectID: o.ID}, Owner: o.InstanceID, Kind: o.Kind, Title: o.Title, Can: can}
}

func (a *App) openHost(ctx context.Context, actor *Actor, on string, id int64) (host, error) {
	switch on {
	case OnScorecard:
		s, can, err := a.openScorecard(ctx, actor, id)
		h := scorecardHost(s, can)
		if access.LockOf(s.LockMode) > access.Unlocked {
			h.Locked = []model.Scorecard{s}
		}
		return h, err
	case OnObject:
		o, can, open, locked, err := a.openObjectLocks(ctx, actor, id)
		h := objectHost(o, can.Locked(open))
		if open > access.Unlocked {
			h.Locked = locked
		}
		return h, err
	}
	return host{}, errNotFound()
}

// NotesView is the notes part of a scorecard's, container's or
// measure's page, and its commentary.
type NotesView struct {
	On       string
	ID       int64
	Sections []model.Note     // in type order
	Addable  []model.NoteType // types that may be added as sections (Can.Edit)
	Can      access.Can
	// Commentary stays with the owning instance (SPEC §12): a partner's
	// page has none.
	Comments     []CommentView
	ShowComments bool
	MoreComments int64 // the cursor of the next (older) page; 0: none
}

// CommentView is a comment with what the viewer may do with it.
type CommentView struct {
	model.Comment
	CanEdit, CanDelete bool
}

// commentPage is how many comments a page shows at once.
const commentPage = 50

// notesView reads a host's note sections and a page of its comments: two
// queries, whatever their number.
func (a *App) notesView(ctx context.Context, actor *Actor, h host, before int64) (NotesView, error) {
	view := NotesView{On: h.On, ID: h.ID, Can: h.Can}
	q := a.store.Q()
	all, err := q.Notes(ctx, h.Owner, h.Target)
	if err != nil {
		return view, err
	}
	for _, n := range all {
		if shown(n, h.Kind) {
			view.Sections = append(view.Sections, n)
		} else if h.Can.Edit {
			view.Addable = append(view.Addable, n.Type)
		}
	}
	if actor.Partner(h.Owner) {
		return view, nil
	}
	view.ShowComments = true
	list, err := q.Comments(ctx, actor.Instance.ID, h.Target, before, commentPage+1)
	if err != nil {
		return view, err
	}
	if len(list) > commentPage {
		list = list[:commentPage]
		view.MoreComments = list[commentPage-1].ID
	}
	for _, c := range list {
		view.Comments = append(view.Comments, a.commentView(actor, c))
	}
	return view, nil
}

// shown reports whether a host of kind has a note section: one saved or
// added and not removed, or one its kind gets by default.
func shown(n model.Note, kind string) bool {
	if n.Present {
		return !n.Removed
	}
	return n.Type.DefaultOn(kind)
}

// NoteForm is the note editor's page.
type NoteForm struct {
	On        string
	ID        int64
	HostTitle string
	HostKind  string
	Note      model.Note
	Base      int    // the version the edit is based on
	Body      string // what the editor holds
	// Theirs is the note as someone else saved it meanwhile, when a save
	// was refused for it: the page shows it beside the typed text.
	Theirs *model.Note
	// The link picker: objects whose title holds LinkQuery, which the
	// editor may link to.
	LinkQuery string
	Links     []model.Object
}

// linkTargets is how many containers and how many measures the link
// picker offers.
const linkTargets = 8

// FindLinkTargets fills the editor's link picker: the actor's own
// instance's containers and measures it can see whose title holds q.
func (a *App) FindLinkTargets(ctx context.Context, actor *Actor, f *NoteForm, q string) error {
	f.LinkQuery = strings.TrimSpace(q)
	if f.LinkQuery == "" {
		return nil
	}
	for _, kind := range []string{model.KindContainer, model.KindMeasure} {
		page, err := a.ListObjects(ctx, actor, ObjectQuery{Kind: kind, Text: f.LinkQuery, Limit: linkTargets})
		if err != nil {
			return err
		}
		f.Links = append(f.Links, page.Objects...)
	}
	return nil
}

// noteFor opens a host and one of its note sections for writing: the
// actor needs Edit Scorecard Object Notes, the host must be the actor's
// own instance's, and the section must be on it.
func (a *App) noteFor(ctx context.Context, actor *Actor, on string, id, typeID int64) (host, model.Note, error) {
	h, err := a.openHost(ctx, actor, on, id)
	if err != nil {
		return h, model.Note{}, err
	}
	if err := actor.Require(access.NotesEdit); err != nil {
		return h, model.Note{}, err
	}
	if !h.Can.EditNotes {
		return h, model.Note{}, h.readOnly(actor)
	}
	n, err := a.store.Q().Note(ctx, h.Owner, h.Target, typeID)
	if err != nil {
		return h, n, mapNotFound(err)
	}
	if !shown(n, h.Kind) {
		return h, n, errNotFound()
	}
	return h, n, nil
}

// EditNote opens the editor of a note section.
func (a *App) EditNote(ctx context.Context, actor *Actor, on string, id, typeID int64) (NoteForm, error) {
	h, n, err := a.noteFor(ctx, actor, on, id, typeID)
	if err != nil {
		return NoteForm{}, err
	}
	body := n.Body
	if n.Version == 0 && body == "" && n.Type.DefaultText != "" {
		body = notes.Sanitize(n.Type.DefaultText)
	}
	return NoteForm{On: on, ID: id, HostTitle: h.Title, HostKind: h.Kind, Note: n, Base: n.Version, Body: body}, nil
}

// checkBody sanitises a typed body and holds it to the limits: the
// stored HTML to notes.MaxBody characters, its text to the type's limit.
func checkBody(words *terms.Set, t model.NoteType, body string) (string, error) {
	clean := notes.Sanitize(body)
	if n := utf8.RuneCountInString(clean); n > notes.MaxBody {
		return "", fieldError("body", fmt.Sprintf("This %s is too long: %d characters with its formatting, the most is %d. Nothing was saved; shorten it and save again.", words.LowOne(terms.Note), n, notes.MaxBody))
	}
	if t.CharLimit > 0 {
		if n := notes.Len(clean); n > t.CharLimit {
			return "", fieldError("body", fmt.Sprintf("%s %s hold at most %d characters; this one has %d. Nothing was saved; shorten it and save again.", t.Name, words.LowMany(terms.Note), t.CharLimit, n))
		}
	}
	return clean, nil
}

// SaveNote saves a note section's new text, based on version base. A
// note saved by someone else since then is refused (Conflict) and the
// returned form holds their text and the typed one, based on theirs, so
// saving again is a deliberate choice (no lost update). A refused body
// comes back in the form too: nothing typed is lost.
func (a *App) SaveNote(ctx context.Context, actor *Actor, on string, id, typeID int64, base int, body string) (NoteForm, error) {
	return a.writeNote(ctx, actor, on, id, typeID, base, body, 0)
}

// RestoreNote makes an earlier version current again, as a new version
// (nothing is lost), based on version base.
func (a *App) RestoreNote(ctx context.Context, actor *Actor, on string, id, typeID int64, version, base int) (NoteForm, error) {
	h, n, err := a.noteFor(ctx, actor, on, id, typeID)
	if err != nil {
		return NoteForm{}, err
	}
	v, err := a.store.Q().NoteVersion(ctx, h.Owner, n.ID, version)
	if err != nil {
		return NoteForm{}, mapNotFound(err)
	}
	return a.writeNote(ctx, actor, on, id, typeID, base, v.Body, version)
}

func (a *App) writeNote(ctx context.Context, actor *Actor, on string, id, typeID int64, base int, body string, restored int) (NoteForm, error) {
	h, n, err := a.noteFor(ctx, actor, on, id, typeID)
	if err != nil {
		return NoteForm{}, err
	}
	form := NoteForm{On: on, ID: id, HostTitle: h.Title, HostKind: h.Kind, Note: n, Base: base, Body: body}
	clean, err := checkBody(actor.Words(), n.Type, body)
	if err != nil {
		return form, err
	}
	var saved int
	err = a.store.InTx(ctx, func(q *store.Q) error {
		var err error
		if saved, err = q.SaveNote(ctx, h.Owner, h.Target, typeID, base, clean, actor.Account.ID, restored); err != nil {
			return err
		}
		act, what := ActUpdate, "note"
		changes := []model.Change{{Field: "version", Before: itoa(base), After: itoa(saved)}}
		switch {
		case restored != 0:
			act = ActRestore
			changes = append(changes, model.Change{Field: "restored", After: "version " + itoa(restored)})
		case base == 0:
			act = ActCreate
		}
		return record(ctx, q, entry(actor, act, what, h.ID, n.Type.Name+" of "+h.name(), changes...))
	})
	if errors.Is(err, store.ErrConflict) {
		theirs, rerr := a.store.Q().Note(ctx, h.Owner, h.Target, typeID)
		if rerr != nil {
			return form, rerr
		}
		form.Theirs, form.Note, form.Base = &theirs, theirs, theirs.Version
		who := theirs.UpdatedBy
		if who == "" {
			who = "Someone else"
		}
		return form, errConflict("%s saved this %s while you were editing it. Your text is below theirs and was not saved: compare them, then save again to replace theirs.", who, actor.Words().LowOne(terms.Note))
	}
	if err != nil {
		return form, err
	}
	form.Note.Body, form.Note.Version, form.Base, form.Body = clean, saved, saved, clean
	return form, nil
}

// NoteHistoryView lists a note's versions, newest first.
type NoteHistoryView struct {
	On        string
	ID        int64
	HostTitle string
	Note      model.Note
	Versions  []model.NoteVersion
	Before    int // the cursor of the next (older) page; 0: none
	Can       access.Can
}

// NoteHistory lists a note section's versions, a page at a time (before:
// the cursor; 0 from the newest). Whoever sees the host sees its
// history; a partner's too, read-only.
func (a *App) NoteHistory(ctx context.Context, actor *Actor, on string, id, typeID int64, before int) (NoteHistoryView, error) {
	h, err := a.openHost(ctx, actor, on, id)
	if err != nil {
		return NoteHistoryView{}, err
	}
	q := a.store.Q()
	n, err := q.Note(ctx, h.Owner, h.Target, typeID)
	if err != nil {
		return NoteHistoryView{}, mapNotFound(err)
	}
	if !shown(n, h.Kind) {
		return NoteHistoryView{}, errNotFound()
	}
	view := NoteHistoryView{On: on, ID: id, HostTitle: h.Title, Note: n, Can: h.Can}
	if n.ID == 0 {
		return view, nil
	}
	list, err := q.NoteVersions(ctx, h.Owner, n.ID, before, historyPage+1)
	if err != nil {
		return view, err
	}
	if len(list) > historyPage {
		list = list[:historyPage]
		view.Before = list[historyPage-1].Version
	}
	view.Versions = list
	return view, nil
}

// NoteVersionView is one version beside the current text, with the
// word-level differences from it to the current one.
type NoteVersionView struct {
	On        string
	ID        int64
	HostTitle string
	Note      model.Note
	Version   model.NoteVersion
	Diff      []notes.Piece
	Can       access.Can
}

// NoteVersion shows one version of a note section and how the current
// text differs from it.
func (a *App) NoteVersion(ctx context.Context, actor *Actor, on string, id, typeID int64, version int) (NoteVersionView, error) {
	h, err := a.openHost(ctx, actor, on, id)
	if err != nil {
		return NoteVersionView{}, err
	}
	q := a.store.Q()
	n, err := q.Note(ctx, h.Owner, h.Target, typeID)
	if err != nil || n.ID == 0 || !shown(n, h.Kind) {
		return NoteVersionView{}, errNotFound()
	}
	v, err := q.NoteVersion(ctx, h.Owner, n.ID, version)
	if err != nil {
		return NoteVersionView{}, mapNotFound(err)
	}
	return NoteVersionView{On: on, ID: id, HostTitle: h.Title, Note: n, Version: v, Diff: notes.Diff(v.Body, n.Body), Can: h.Can}, nil
}

// sectionFor opens a host to add or remove a note section: that changes
// the object, so it needs Add/Edit Scorecard Objects.
func (a *App) sectionFor(ctx context.Context, actor *Actor, on string, id, typeID int64) (host, model.Note, error) {
	h, err := a.openHost(ctx, actor, on, id)
	if err != nil {
		return h, model.Note{}, err
	}
	if err := actor.Require(access.ObjectsEdit); err != nil {
		return h, model.Note{}, err
	}
	if !h.Can.Edit {
		return h, model.Note{}, h.readOnly(actor)
	}
	n, err := a.store.Q().Note(ctx, h.Owner, h.Target, typeID)
	if errors.Is(err, store.ErrNotFound) {
		return h, n, errNoSuchType
	}
	return h, n, err
}

// errNoSuchType is a note type id that is not the instance's: NotFound
// in a URL, a field error in a form.
var errNoSuchType error = &Error{Kind: NotFound, Msg: "Not found."}

// AddNoteSection gives a host a section of a note type it lacks.
func (a *App) AddNoteSection(ctx context.Context, actor *Actor, on string, id, typeID int64) error {
	h, n, err := a.sectionFor(ctx, actor, on, id, typeID)
	if err == errNoSuchType {
		return fieldError("type", actor.Words().Expand("Choose a {note:lower} type from the list."))
	}
	if err != nil {
		return err
	}
	if shown(n, h.Kind) {
		return nil
	}
	return a.store.InTx(ctx, func(q *store.Q) error {
		if err := q.AddNoteSection(ctx, h.Owner, h.Target, typeID); err != nil {
			return err
		}
		return record(ctx, q, entry(actor, ActCreate, "note section", h.ID, n.Type.Name+" of "+h.name()))
	})
}

// RemoveNoteInfo is what the removal's confirmation says.
type RemoveNoteInfo struct {
	On        string
	ID        int64
	HostTitle string
	Note      model.Note
}

// RemoveNoteConfirm describes a section about to be removed.
func (a *App) RemoveNoteConfirm(ctx context.Context, actor *Actor, on string, id, typeID int64) (RemoveNoteInfo, error) {
	h, n, err := a.sectionFor(ctx, actor, on, id, typeID)
	if err == nil && !shown(n, h.Kind) {
		err = errNotFound()
	}
	return RemoveNoteInfo{On: on, ID: id, HostTitle: h.Title, Note: n}, err
}

// RemoveNoteSection takes a section off its host with its text and every
// version of it.
func (a *App) RemoveNoteSection(ctx context.Context, actor *Actor, on string, id, typeID int64) error {
	h, n, err := a.sectionFor(ctx, actor, on, id, typeID)
	if err != nil {
		return err
	}
	if !shown(n, h.Kind) {
		return errNotFound()
	}
	return a.store.InTx(ctx, func(q *store.Q) error {
		if err := q.RemoveNoteSection(ctx, h.Owner, h.Target, typeID); err != nil {
			return err
		}
		return record(ctx, q, entry(actor, ActDelete, "note", h.ID, n.Type.Name+" of "+h.name(),
			model.Change{Field: "versions", Before: itoa(n.Version), After: "0"}))
	})
}

// NoteTypeInput is the note type form.
type NoteTypeInput struct {
	Name, DefaultText, HelpText, CharLimit string
	OnScorecards, OnContainers, OnMeasures bool
}

func (in NoteTypeInput) validate(t *model.NoteType) error {
	fields := map[string]string{}
	var msg string
	if t.Name, msg = cleanText(in.Name, "Name", 1, 60); msg != "" {
		fields["name"] = msg
	}
	if t.HelpText, msg = cleanText(in.HelpText, "Help text", 0, 200); msg != "" {
		fields["help_text"] = msg
	}
	t.DefaultText = strings.TrimSpace(strings.ReplaceAll(in.DefaultText, "\r\n", "\n"))
	if n := utf8.RuneCountInString(t.DefaultText); n > 4000 {
		fields["default_text"] = fmt.Sprintf("Default text holds at most 4,000 characters; this has %d.", n)
	}
	t.CharLimit = 0
	if s := strings.TrimSpace(in.CharLimit); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > notes.MaxBody {
			fields["char_limit"] = fmt.Sprintf("The character limit is a whole number from 1 to %d, or empty for none.", notes.MaxBody)
		} else {
			t.CharLimit = n
		}
	}
	t.OnScorecards, t.OnContainers, t.OnMeasures = in.OnScorecards, in.OnContainers, in.OnMeasures
	if len(fields) > 0 {
		return invalid("Please correct the highlighted fields.", fields)
	}
	return nil
}

// NoteTypes lists the instance's note types with their counts of notes
// (defaults).
func (a *App) NoteTypes(ctx context.Context, actor *Actor) ([]model.NoteType, error) {
	if err := actor.Require(access.Defaults); err != nil {
		return nil, err
	}
	return a.store.Q().ListNoteTypes(ctx, actor.Instance.ID, true)
}

// NoteTypeByID returns one note type with its count of notes (defaults).
func (a *App) NoteTypeByID(ctx context.Context, actor *Actor, id int64) (model.NoteType, error) {
	if err := actor.Require(access.Defaults); err != nil {
		return model.NoteType{}, err
	}
	t, err := a.store.Q().NoteTypeByID(ctx, actor.Instance.ID, id)
	return t, mapNotFound(err)
}

func noteTypeTaken(words *terms.Set, name string) error {
	return fieldError("name", "A "+words.LowOne(terms.Note)+" type named “"+name+"” already exists.")
}

// CreateNoteType adds a custom note type at the end of the order.
func (a *App) CreateNoteType(ctx context.Context, actor *Actor, in NoteTypeInput) (model.NoteType, error) {
	if err := actor.Require(access.Defaults); err != nil {
		return model.NoteType{}, err
	}
	t := model.NoteType{InstanceID: actor.Instance.ID}
	if err := in.validate(&t); err != nil {
		return t, err
	}
	if taken, err := a.store.Q().NoteTypeNameTaken(ctx, actor.Instance.ID, t.Name, 0); err != nil || taken {
		if err == nil {
			err = noteTypeTaken(actor.Words(), t.Name)
		}
		return t, err
	}
	err := a.store.InTx(ctx, func(q *store.Q) error {
		var err error
		if t, err = q.CreateNoteType(ctx, t); errors.Is(err, store.ErrConflict) {
			return noteTypeTaken(actor.Words(), t.Name)
		} else if err != nil {
			return err
		}
		return record(ctx, q, entry(actor, ActCreate, "note type", t.ID, t.Name))
	})
	return t, err
}

// UpdateNoteType changes a note type; a rename shows on every note of the
// type at once, since notes refer to it.
func (a *App) UpdateNoteType(ctx context.Context, actor *Actor, id int64, in NoteTypeInput) error {
	if err := actor.Require(access.Defaults); err != nil {
		return err
	}
	before, err := a.store.Q().NoteTypeByID(ctx, actor.Instance.ID, id)
	if err != nil {
		return mapNotFound(err)
	}
	t := before
	if err := in.validate(&t); err != nil {
		return err
	}
	if taken, err := a.store.Q().NoteTypeNameTaken(ctx, actor.Instance.ID, t.Name, id); err != nil || taken {
		if err == nil {
			err = noteTypeTaken(actor.Words(), t.Name)
		}
		return err
	}
	return a.store.InTx(ctx, func(q *store.Q) error {
		if err := q.UpdateNoteType(ctx, t); errors.Is(err, store.ErrConflict) {
			return noteTypeTaken(actor.Words(), t.Name)
		} else if err != nil {
			return mapNotFound(err)
		}
		return record(ctx, q, entry(actor, ActUpdate, "note type", t.ID, t.Name, changed(
			"name", before.Name, t.Name, "help text", before.HelpText, t.HelpText, "default text", before.DefaultText, t.DefaultText,
			"character limit", itoa(before.CharLimit), itoa(t.CharLimit),
			"on scorecards", btoa(before.OnScorecards), btoa(t.OnScorecards), "on containers", btoa(before.OnContainers), btoa(t.OnContainers),
			"on measures", btoa(before.OnMeasures), btoa(t.OnMeasures))...))
	})
}

// MoveNoteType moves a note type one place up or down the order.
func (a *App) MoveNoteType(ctx context.Context, actor *Actor, id int64, up bool) error {
	if err := actor.Require(access.Defaults); err != nil {
		return err
	}
	return a.store.InTx(ctx, func(q *store.Q) error {
		list, err := q.ListNoteTypes(ctx, actor.Instance.ID, false)
		if err != nil {
			return err
		}
		ids := make([]int64, len(list))
		for k, t := range list {
			ids[k] = t.ID
		}
		i, j, err := moveStep(ids, id, up)
		if err != nil || i == j {
			return err // not found, or already first or last
		}
		list[i], list[j] = list[j], list[i]
		if err := q.SetNoteTypeOrder(ctx, actor.Instance.ID, ids); err != nil {
			return err
		}
		return record(ctx, q, entry(actor, ActUpdate, "note type", id, list[j].Name,
			model.Change{Field: "position", Before: itoa(i + 1), After: itoa(j + 1)}))
	})
}

// OrderNoteTypes puts the instance's note types in the order of ids (the
// Notes page's drag and drop): every type once. A list that no longer
// matches the types (one added or deleted meanwhile) is a Conflict and
// changes nothing.
func (a *App) OrderNoteTypes(ctx context.Context, actor *Actor, ids []int64) error {
	if err := actor.Require(access.Defaults); err != nil {
		return err
	}
	return a.store.InTx(ctx, func(q *store.Q) error {
		list, err := q.ListNoteTypes(ctx, actor.Instance.ID, false)
		if err != nil {
			return err
		}
		names := make(map[int64]string, len(list))
		var before []string
		for _, t := range list {
			names[t.ID] = t.Name
			before = append(before, t.Name)
		}
		seen := map[int64]bool{}
		var after []string
		for _, id := range ids {
			if names[id] == "" || seen[id] {
				break
			}
			seen[id] = true
			after = append(after, names[id])
		}
		if len(seen) != len(list) || len(ids) != len(list) {
			return conflict(actor.Words().Expand("The {note:lower} types changed since the page was loaded; nothing was moved. Here is their order now."))
		}
		if err := q.SetNoteTypeOrder(ctx, actor.Instance.ID, ids); err != nil {
			return err
		}
		return record(ctx, q, entry(actor, ActUpdate, "note types", 0, actor.Words().Expand("{note:lower} type order"),
			changed("order", strings.Join(before, ", "), strings.Join(after, ", "))...))
	})
}

// DeleteNoteType deletes a custom note type. One that has notes goes only
// with confirmed set (the page's confirmation names how many notes go
// with it); the notes and their history go too. Standard types stay.
func (a *App) DeleteNoteType(ctx context.Context, actor *Actor, id int64, confirmed bool) error {
	if err := actor.Require(access.Defaults); err != nil {
		return err
	}
	return a.store.InTx(ctx, func(q *store.Q) error {
		t, err := q.NoteTypeByID(ctx, actor.Instance.ID, id)
		if err != nil {
			return mapNotFound(err)
		}
		if t.Builtin {
			return errConflict("“%s” is a standard %s type and cannot be deleted; you can rename it.", t.Name, actor.Words().LowOne(terms.Note))
		}
		if t.InUse > 0 && !confirmed {
			return errConflict("“%s” has %d %s. Confirm to delete the type with them.", t.Name, t.InUse, actor.Words().LowMany(terms.Note))
		}
		if err := q.DeleteNoteType(ctx, actor.Instance.ID, id); err != nil {
			return mapNotFound(err)
		}
		return record(ctx, q, entry(actor, ActDelete, "note type", id, t.Name, model.Change{Field: "notes", Before: itoa(t.InUse), After: "0"}))
	})
}

// NoteSection returns one note section of a host the actor can see (a
// partner's too, read-only): the API's read of a note. A section the host
// does not show is NotFound.
func (a *App) NoteSection(ctx context.Context, actor *Actor, on string, id, typeID int64) (model.Note, error) {
	h, err := a.openHost(ctx, actor, on, id)
	if err != nil {
		return model.Note{}, err
	}
	n, err := a.store.Q().Note(ctx, h.Owner, h.Target, typeID)
	if err != nil {
		return n, mapNotFound(err)
	}
	if !shown(n, h.Kind) {
		return n, errNotFound()
	}
	return n, nil
}
