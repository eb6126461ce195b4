package app

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"yardstick/internal/access"
	"yardstick/internal/model"
	"yardstick/internal/store"
)

// Commentary (SPEC §7, issue 13): dated plain-text comments on a visible
// scorecard, container or measure of the actor's own instance. A
// partner's content takes none, and a partner sees none (SPEC §12).

// MaxComment is the most characters a comment may hold.
const MaxComment = 4000

// commentEditWindow is how long after writing it an author may still
// edit or delete a comment.
const commentEditWindow = 15 * time.Minute

func (a *App) commentView(actor *Actor, c model.Comment) CommentView {
	// An API key has no account (ID 0, as a comment whose author is gone):
	// it is nobody's author.
	own := c.AuthorID != 0 && c.AuthorID == actor.Account.ID && actor.Can(access.CommentaryAdd) && a.Now().Sub(c.CreatedAt) < commentEditWindow
	return CommentView{Comment: c, CanEdit: own, CanDelete: own || actor.Can(access.InstanceAdmin)}
}

// cleanComment checks a comment's text: not empty, at most MaxComment
// characters (counted as characters, never cut).
func cleanComment(body string) (string, error) {
	body = strings.TrimSpace(strings.ReplaceAll(body, "\r\n", "\n"))
	if body == "" {
		return "", fieldError("body", "Write a comment before saving it.")
	}
	if n := utf8.RuneCountInString(body); n > MaxComment {
		return "", fieldError("body", fmt.Sprintf("A comment holds at most 4,000 characters; this one has %d. Nothing was saved; shorten it and save again.", n))
	}
	return body, nil
}

// AddComment comments on a scorecard or object of the actor's instance
// (commentary.add).
func (a *App) AddComment(ctx context.Context, actor *Actor, on string, id int64, body string) (model.Comment, error) {
	return a.addComment(ctx, actor, on, id, body, nil)
}

// AddCommentOnce is AddComment with an Idempotency-Key, as
// CreateScorecardOnce.
func (a *App) AddCommentOnce(ctx context.Context, actor *Actor, on string, id int64, body string, once Once,
	answer func(model.Comment) (Answer, error)) (Answer, error) {
	return runOnce(ctx, a, actor, once, answer, func(o *onceRun[model.Comment]) error {
		_, err := a.addComment(ctx, actor, on, id, body, o)
		return err
	})
}

// addComment is AddComment, kept as the first answer to an
// Idempotency-Key when once is not nil (AddCommentOnce).
func (a *App) addComment(ctx context.Context, actor *Actor, on string, id int64, body string, once *onceRun[model.Comment]) (model.Comment, error) {
	h, err := a.openHost(ctx, actor, on, id)
	if err != nil {
		return model.Comment{}, err
	}
	if err := actor.Require(access.CommentaryAdd); err != nil {
		return model.Comment{}, err
	}
	if !h.Can.Comment {
		return model.Comment{}, h.readOnly(actor)
	}
	if body, err = cleanComment(body); err != nil {
		return model.Comment{}, err
	}
	var c model.Comment
	err = a.store.InTx(ctx, func(q *store.Q) error {
		if err := once.claim(ctx, q); err != nil {
			return err
		}
		var err error
		c, err = q.AddComment(ctx, model.Comment{InstanceID: actor.Instance.ID, Target: h.Target, AuthorID: actor.Account.ID, Body: body})
		if err != nil {
			return err
		}
		if err := record(ctx, q, entry(actor, ActCreate, "comment", h.ID, "comment on "+h.name())); err != nil {
			return err
		}
		return once.keep(ctx, q, c)
	})
	return c, err
}

// CommentForm is the comment editor's page.
type CommentForm struct {
	Comment   model.Comment
	On        string
	HostID    int64
	HostTitle string
	Body      string
}

// commentFor finds a comment of the actor's instance on a host the actor
// can see; any other id is NotFound.
func (a *App) commentFor(ctx context.Context, actor *Actor, id int64) (model.Comment, host, error) {
	c, err := a.store.Q().CommentByID(ctx, actor.Instance.ID, id)
	if err != nil {
		return c, host{}, mapNotFound(err)
	}
	on, hid := OnObject, c.Target.ObjectID
	if c.Target.ScorecardID != 0 {
		on, hid = OnScorecard, c.Target.ScorecardID
	}
	h, err := a.openHost(ctx, actor, on, hid)
	return c, h, err
}

// EditCommentForm opens the editor of the actor's own recent comment.
func (a *App) EditCommentForm(ctx context.Context, actor *Actor, id int64) (CommentForm, error) {
	c, h, err := a.commentFor(ctx, actor, id)
	if err != nil {
		return CommentForm{}, err
	}
	if err := a.mayEditComment(actor, c); err != nil {
		return CommentForm{}, err
	}
	return CommentForm{Comment: c, On: h.On, HostID: h.ID, HostTitle: h.Title, Body: c.Body}, nil
}

func (a *App) mayEditComment(actor *Actor, c model.Comment) error {
	if err := actor.Require(access.CommentaryAdd); err != nil {
		return err
	}
	if c.AuthorID == 0 || c.AuthorID != actor.Account.ID {
		return errForbidden("Only its author can edit a comment.")
	}
	if a.Now().Sub(c.CreatedAt) >= commentEditWindow {
		return errForbidden("A comment can be edited for 15 minutes after it was written; this one is older.")
	}
	return nil
}

// EditComment changes the text of the actor's own comment, within 15
// minutes of writing it. A refused text comes back in the form.
func (a *App) EditComment(ctx context.Context, actor *Actor, id int64, body string) (CommentForm, error) {
	c, h, err := a.commentFor(ctx, actor, id)
	if err != nil {
		return CommentForm{}, err
	}
	form := CommentForm{Comment: c, On: h.On, HostID: h.ID, HostTitle: h.Title, Body: body}
	if err := a.mayEditComment(actor, c); err != nil {
		return form, err
	}
	clean, err := cleanComment(body)
	if err != nil {
		return form, err
	}
	return form, a.store.InTx(ctx, func(q *store.Q) error {
		if err := q.UpdateComment(ctx, actor.Instance.ID, id, clean); err != nil {
			return mapNotFound(err)
		}
		return record(ctx, q, entry(actor, ActUpdate, "comment", h.ID, "comment on "+h.name(), changed("text", c.Body, clean)...))
	})
}

// DeleteComment deletes a comment: its author within 15 minutes of
// writing it, an Instance Admin holder any time. It returns where the
// comment was, for the page to go back to.
func (a *App) DeleteComment(ctx context.Context, actor *Actor, id int64) (on string, hostID int64, err error) {
	c, h, err := a.commentFor(ctx, actor, id)
	if err != nil {
		return "", 0, err
	}
	if !a.commentView(actor, c).CanDelete {
		if c.AuthorID != 0 && c.AuthorID == actor.Account.ID && actor.Can(access.CommentaryAdd) {
			return "", 0, errForbidden("A comment can be deleted by its author for 15 minutes after it was written; after that only an administrator can.")
		}
		return "", 0, errForbidden("Only its author (for 15 minutes) or an administrator can delete a comment.")
	}
	return h.On, h.ID, a.store.InTx(ctx, func(q *store.Q) error {
		if err := q.DeleteComment(ctx, actor.Instance.ID, id); err != nil {
			return mapNotFound(err)
		}
		return record(ctx, q, entry(actor, ActDelete, "comment", h.ID, "comment on "+h.name(), model.Change{Field: "text", Before: c.Body}))
	})
}

// NotesOf returns the notes part of a host's page with a page of its
// comments older than before (0: the newest).
func (a *App) NotesOf(ctx context.Context, actor *Actor, on string, id, before int64) (NotesView, error) {
	h, err := a.openHost(ctx, actor, on, id)
	if err != nil {
		return NotesView{}, err
	}
	return a.notesView(ctx, actor, h, before)
}
