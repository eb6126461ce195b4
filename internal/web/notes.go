package web

import (
	"net/http"
	"strconv"

	"github.com/a-h/templ"

	"yardstick/internal/app"
	"yardstick/internal/web/views"
)

// Notes, their history and commentary on scorecards, containers and
// measures (issue 13). Every route names the host (/on/{on}/{id}, where
// on is "scorecards" or "objects") and, for a note, its type: the app
// opens the host with the viewer's visibility, so another instance's id
// is 404 and a partner's content read-only (403 on a write). Permissions
// are checked in internal/app; the route table states the one each
// write needs.

// hostOf reads {on} and {id}; anything else is answered like a missing
// object.
func hostOf(r *http.Request) (string, int64, error) {
	on := r.PathValue("on")
	if on != app.OnScorecard && on != app.OnObject {
		return "", 0, &app.Error{Kind: app.NotFound, Msg: "Not found."}
	}
	id, err := pathID(r, "id")
	return on, id, err
}

// noteOf reads the host and {type}.
func noteOf(r *http.Request) (string, int64, int64, error) {
	on, id, err := hostOf(r)
	if err != nil {
		return "", 0, 0, err
	}
	typeID, err := pathID(r, "type")
	return on, id, typeID, err
}

func hostPath(c *req, on string, id int64) string {
	return views.InstanceURL(&c.Actor.Instance, "/"+on+"/"+strconv.FormatInt(id, 10))
}

// noteFlashes are what ?done= may say after a note or comment change, in
// the Common Terms' form.
var noteFlashes = map[string]string{
	"note-saved":      "{note} saved.",
	"note-restored":   "Restored as a new version.",
	"section-added":   "{note} section added.",
	"section-removed": "{note} section removed with its history.",
	"comment-added":   "Comment posted.",
	"comment-saved":   "Comment saved.",
	"comment-deleted": "Comment deleted.",
}

func (s *Server) noteRedirect(w http.ResponseWriter, r *http.Request, c *req, on string, id int64, done, anchor string) error {
	http.Redirect(w, r, hostPath(c, on, id)+"?done="+done+anchor, http.StatusSeeOther)
	return nil
}

// olderComments replaces a page's first page of comments with the one
// ?comments_before= asks for.
func (s *Server) olderComments(r *http.Request, c *req, n *app.NotesView) error {
	before, err := formClamped(r, "comments_before", 0, maxID, 0)
	if err != nil || before == 0 || !n.ShowComments {
		return err
	}
	v, err := s.app.NotesOf(r.Context(), c.Actor, n.On, n.ID, before)
	if err == nil {
		*n = v
	}
	return err
}

// hostPage renders a scorecard's, container's or measure's page with a
// refused comment's text and message.
func (s *Server) hostPage(w http.ResponseWriter, r *http.Request, c *req, on string, id int64, status int, comment views.Form) error {
	if on == app.OnScorecard {
		v, err := s.app.ScorecardPage(r.Context(), c.Actor, id)
		if err != nil {
			return err
		}
		sh := s.shell(r, c, v.Scorecard.Title)
		sh.Notice = partnerNotice(v.Standing)
		var assign *views.MemberAssign
		if v.Picker != nil {
			assign = memberAssign(c, id, *v.Picker, nil, "")
		}
		return s.render(w, r, status, views.ScorecardPage(sh, v, v.Can, v.Containers, assign, comment, s.embedPanel(r, c, app.OnScorecard, id),
			scorecardExtras(r, v, views.LockForm{Mode: v.Scorecard.LockMode, Reason: v.Scorecard.LockReason})))
	}
	page, err := s.app.ObjectPage(r.Context(), c.Actor, id, 0, 0)
	if err != nil {
		return err
	}
	if m := page.Measure; m != nil {
		return s.renderMeasureWith(w, r, c, status, *m, 0, 0, views.Form{}, comment)
	}
	v := page.Container
	sh := s.shell(r, c, v.Object.Title)
	sh.Notice = partnerNotice(v.Standing)
	return s.render(w, r, status, views.ContainerPage(sh, v.Object, v.Children, v.Scorecards, v.Can, v.Notes, v.Actions, comment,
		s.embedPanel(r, c, app.OnObject, id)))
}

// editorShell is the frame of a page with the rich-text editor: Trix and
// notes.js come as static files, so the CSP needs no exception.
func (s *Server) editorShell(r *http.Request, c *req, title string) views.Shell {
	sh := s.shell(r, c, title)
	sh.ExtraCSS = []string{s.assets.URL("trix.css"), s.assets.URL("trix-defaults.css")}
	sh.ExtraJS = []string{s.assets.URL("trix.js"), s.assets.URL("notes.js")}
	return sh
}

func (s *Server) noteEdit(w http.ResponseWriter, r *http.Request, c *req) error {
	on, id, typeID, err := noteOf(r)
	if err != nil {
		return err
	}
	f, err := s.app.EditNote(r.Context(), c.Actor, on, id, typeID)
	if err != nil {
		return err
	}
	if err := s.app.FindLinkTargets(r.Context(), c.Actor, &f, r.URL.Query().Get("link_q")); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, views.NoteEditPage(s.editorShell(r, c, "Edit "+f.Note.Type.Name), views.NoteEditData{Form: f}))
}

// noteSave saves a note. A refused body or a conflict re-renders the
// editor with what was typed (and, on a conflict, the other person's
// text), so nothing typed is lost.
func (s *Server) noteSave(w http.ResponseWriter, r *http.Request, c *req) error {
	on, id, typeID, err := noteOf(r)
	if err != nil {
		return err
	}
	base, err := formInt(r, "base", 0, maxVersion)
	if err != nil {
		return err
	}
	f, err := s.app.SaveNote(r.Context(), c.Actor, on, id, typeID, int(base), r.PostFormValue("body"))
	if err != nil {
		return s.noteRefused(w, r, c, f, err)
	}
	return s.noteRedirect(w, r, c, on, id, "note-saved", "#note-"+strconv.FormatInt(typeID, 10))
}

func (s *Server) noteRefused(w http.ResponseWriter, r *http.Request, c *req, f app.NoteForm, err error) error {
	e, ok := app.AsError(err)
	if !ok || (e.Kind != app.Invalid && e.Kind != app.Conflict) {
		return err
	}
	d := views.NoteEditData{Form: f, F: views.Form{Errors: e.Fields, Msg: e.Msg}}
	return s.render(w, r, statusOf(e.Kind), views.NoteEditPage(s.editorShell(r, c, "Edit "+f.Note.Type.Name), d))
}

func (s *Server) noteHistory(w http.ResponseWriter, r *http.Request, c *req) error {
	on, id, typeID, err := noteOf(r)
	if err != nil {
		return err
	}
	before, err := formClamped(r, "before", 0, maxVersion, 0)
	if err != nil {
		return err
	}
	v, err := s.app.NoteHistory(r.Context(), c.Actor, on, id, typeID, int(before))
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, views.NoteHistoryPage(s.shell(r, c, "History of "+v.Note.Type.Name), v))
}

func noteVersionOf(r *http.Request) (int, error) {
	v, err := pathID(r, "v")
	if err != nil || v > maxVersion {
		return 0, &app.Error{Kind: app.NotFound, Msg: "Not found."}
	}
	return int(v), nil
}

func (s *Server) noteVersion(w http.ResponseWriter, r *http.Request, c *req) error {
	on, id, typeID, err := noteOf(r)
	if err != nil {
		return err
	}
	ver, err := noteVersionOf(r)
	if err != nil {
		return err
	}
	v, err := s.app.NoteVersion(r.Context(), c.Actor, on, id, typeID, ver)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, views.NoteVersionPage(s.shell(r, c, v.Note.Type.Name+", version "+strconv.Itoa(ver)), v))
}

func (s *Server) noteRestore(w http.ResponseWriter, r *http.Request, c *req) error {
	on, id, typeID, err := noteOf(r)
	if err != nil {
		return err
	}
	ver, err := noteVersionOf(r)
	if err != nil {
		return err
	}
	base, err := formInt(r, "base", 0, maxVersion)
	if err != nil {
		return err
	}
	f, err := s.app.RestoreNote(r.Context(), c.Actor, on, id, typeID, ver, int(base))
	if err != nil {
		return s.noteRefused(w, r, c, f, err)
	}
	return s.noteRedirect(w, r, c, on, id, "note-restored", "#note-"+strconv.FormatInt(typeID, 10))
}

func (s *Server) noteSectionAdd(w http.ResponseWriter, r *http.Request, c *req) error {
	on, id, err := hostOf(r)
	if err != nil {
		return err
	}
	typeID, err := formInt(r, "type", 1, maxID)
	if err != nil {
		return err
	}
	if err := s.app.AddNoteSection(r.Context(), c.Actor, on, id, typeID); err != nil {
		return err
	}
	return s.noteRedirect(w, r, c, on, id, "section-added", "#note-"+strconv.FormatInt(typeID, 10))
}

func (s *Server) noteRemoveConfirm(w http.ResponseWriter, r *http.Request, c *req) error {
	on, id, typeID, err := noteOf(r)
	if err != nil {
		return err
	}
	v, err := s.app.RemoveNoteConfirm(r.Context(), c.Actor, on, id, typeID)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, views.RemoveNotePage(s.shell(r, c, "Remove "+v.Note.Type.Name), v))
}

func (s *Server) noteRemove(w http.ResponseWriter, r *http.Request, c *req) error {
	on, id, typeID, err := noteOf(r)
	if err != nil {
		return err
	}
	if err := s.app.RemoveNoteSection(r.Context(), c.Actor, on, id, typeID); err != nil {
		return err
	}
	return s.noteRedirect(w, r, c, on, id, "section-removed", "#notes")
}

// Commentary.

func (s *Server) commentAdd(w http.ResponseWriter, r *http.Request, c *req) error {
	on, id, err := hostOf(r)
	if err != nil {
		return err
	}
	body := r.PostFormValue("body")
	if _, err := s.app.AddComment(r.Context(), c.Actor, on, id, body); err != nil {
		e, ok := app.AsError(err)
		if !ok || e.Kind != app.Invalid {
			return err
		}
		return s.hostPage(w, r, c, on, id, statusOf(e.Kind), views.Form{Values: map[string]string{"body": body}, Errors: e.Fields, Msg: e.Msg})
	}
	return s.noteRedirect(w, r, c, on, id, "comment-added", "#commentary")
}

func (s *Server) commentEdit(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, err := s.app.EditCommentForm(r.Context(), c.Actor, id)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, views.CommentEditPage(s.shell(r, c, "Edit your comment"), views.CommentEditData{Form: f}))
}

func (s *Server) commentSave(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, err := s.app.EditComment(r.Context(), c.Actor, id, r.PostFormValue("body"))
	if err != nil {
		e, ok := app.AsError(err)
		if !ok || e.Kind != app.Invalid {
			return err
		}
		return s.render(w, r, statusOf(e.Kind), views.CommentEditPage(s.shell(r, c, "Edit your comment"),
			views.CommentEditData{Form: f, F: views.Form{Errors: e.Fields, Msg: e.Msg}}))
	}
	return s.noteRedirect(w, r, c, f.On, f.HostID, "comment-saved", "#comment-"+strconv.FormatInt(id, 10))
}

func (s *Server) commentDelete(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	on, hostID, err := s.app.DeleteComment(r.Context(), c.Actor, id)
	if err != nil {
		return err
	}
	return s.noteRedirect(w, r, c, on, hostID, "comment-deleted", "#commentary")
}

// Administration → Notes (defaults).

func (s *Server) noteTypesData(r *http.Request, c *req) (views.NoteTypesData, error) {
	types, err := s.app.NoteTypes(r.Context(), c.Actor)
	return views.NoteTypesData{Types: types, Add: views.Form{Values: map[string]string{"on_containers": "1", "on_measures": "1"}}}, err
}

func (s *Server) noteTypesPage(w http.ResponseWriter, r *http.Request, c *req) error {
	d, err := s.noteTypesData(r, c)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, views.NoteTypesPage(s.notesAdminShell(r, c, true), d))
}

func noteTypeInput(r *http.Request) (app.NoteTypeInput, map[string]string) {
	in := app.NoteTypeInput{Name: r.PostFormValue("name"), HelpText: r.PostFormValue("help_text"), DefaultText: r.PostFormValue("default_text"),
		CharLimit: r.PostFormValue("char_limit"), OnScorecards: r.PostFormValue("on_scorecards") != "",
		OnContainers: r.PostFormValue("on_containers") != "", OnMeasures: r.PostFormValue("on_measures") != ""}
	values := map[string]string{"name": in.Name, "help_text": in.HelpText, "default_text": in.DefaultText, "char_limit": in.CharLimit}
	for k, on := range map[string]bool{"on_scorecards": in.OnScorecards, "on_containers": in.OnContainers, "on_measures": in.OnMeasures} {
		if on {
			values[k] = "1"
		}
	}
	return in, values
}

func (s *Server) noteTypeCreate(w http.ResponseWriter, r *http.Request, c *req) error {
	in, values := noteTypeInput(r)
	if _, err := s.app.CreateNoteType(r.Context(), c.Actor, in); err != nil {
		d, derr := s.noteTypesData(r, c)
		if derr != nil {
			return derr
		}
		return s.formError(w, r, err, func(f views.Form) templ.Component {
			d.Add = f
			return views.NoteTypesPage(s.notesAdminShell(r, c, false), d)
		}, values)
	}
	return s.defaultsRedirect(w, r, c, "/admin/notes", "added")
}

func (s *Server) noteTypeEdit(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := defaultsID(r)
	if err != nil {
		return err
	}
	t, err := s.app.NoteTypeByID(r.Context(), c.Actor, id)
	if err != nil {
		return err
	}
	d := views.NoteTypeEditData{Type: t, F: views.Form{Values: views.NoteTypeValues(t)}}
	return s.render(w, r, http.StatusOK, views.NoteTypeEditPage(s.shell(r, c, "Edit "+t.Name), d))
}

func (s *Server) noteTypeUpdate(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := defaultsID(r)
	if err != nil {
		return err
	}
	in, values := noteTypeInput(r)
	if err := s.app.UpdateNoteType(r.Context(), c.Actor, id, in); err != nil {
		t, terr := s.app.NoteTypeByID(r.Context(), c.Actor, id)
		if terr != nil {
			return terr
		}
		return s.formError(w, r, err, func(f views.Form) templ.Component {
			return views.NoteTypeEditPage(s.shell(r, c, "Edit "+t.Name), views.NoteTypeEditData{Type: t, F: f})
		}, values)
	}
	return s.defaultsRedirect(w, r, c, "/admin/notes", "saved")
}

func (s *Server) noteTypeMove(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := defaultsID(r)
	if err != nil {
		return err
	}
	if err := s.app.MoveNoteType(r.Context(), c.Actor, id, r.PostFormValue("dir") == "up"); err != nil {
		return err
	}
	http.Redirect(w, r, views.InstanceURL(&c.Actor.Instance, "/admin/notes")+"?saved=saved#note-type-"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}

// noteTypeOrder saves the order the Notes page's drag and drop posts
// (notes.js); the Up and Down buttons do the same one step at a time
// without JavaScript.
func (s *Server) noteTypeOrder(w http.ResponseWriter, r *http.Request, c *req) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	if err := s.app.OrderNoteTypes(r.Context(), c.Actor, formIDs(r.PostForm["order"])); err != nil {
		msg := conflictRefusal(err)
		if msg == "" {
			return err
		}
		d, err := s.noteTypesData(r, c)
		if err != nil {
			return err
		}
		d.Refusal = msg
		return s.render(w, r, http.StatusConflict, views.NoteTypesPage(s.notesAdminShell(r, c, false), d))
	}
	return s.defaultsRedirect(w, r, c, "/admin/notes", "saved")
}

// notesAdminShell is the Notes page's frame, with notes.js for dragging
// rows.
func (s *Server) notesAdminShell(r *http.Request, c *req, flash bool) views.Shell {
	sh := s.termShell(r, c, "{note:many}")
	if flash {
		sh = s.defaultsShell(r, c, "{note:many}")
	}
	sh.ExtraJS = []string{s.assets.URL("notes.js")}
	return sh
}

func (s *Server) noteTypeDeleteConfirm(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := defaultsID(r)
	if err != nil {
		return err
	}
	t, err := s.app.NoteTypeByID(r.Context(), c.Actor, id)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, views.NoteTypeDeletePage(s.shell(r, c, "Delete "+t.Name), views.NoteTypeEditData{Type: t}))
}

func (s *Server) noteTypeDelete(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := defaultsID(r)
	if err != nil {
		return err
	}
	if err := s.app.DeleteNoteType(r.Context(), c.Actor, id, r.PostFormValue("confirm") != ""); err != nil {
		msg := conflictRefusal(err)
		if msg == "" {
			return err
		}
		d, err := s.noteTypesData(r, c)
		if err != nil {
			return err
		}
		d.Refusal = msg
		return s.render(w, r, http.StatusConflict, views.NoteTypesPage(s.notesAdminShell(r, c, false), d))
	}
	return s.defaultsRedirect(w, r, c, "/admin/notes", "deleted")
}
