package app

import (
	"context"
	"errors"
	"time"

	"yardstick/internal/model"
	"yardstick/internal/store"
)

// History tab (issue 28, point 9): the changes of one scorecard,
// container or measure, read from the activity log, newest first and
// keyset-paged. Whoever can see the object may read its history, on their
// own instance's content only: a partner's scorecard or measure is
// visible but its log is the partner's (403).

// HistoryView is one page of an object's History tab.
type HistoryView struct {
	Kind     string // "scorecard", or the object's kind
	ID       int64
	Title    string
	Location *time.Location
	Page     store.ActivityPage
}

// changesPage is how many entries a page shows.
const changesPage = 50

// ScorecardHistory is a scorecard's History tab.
func (a *App) ScorecardHistory(ctx context.Context, actor *Actor, id int64, after string) (HistoryView, error) {
	s, can, err := a.openScorecard(ctx, actor, id)
	if err != nil {
		return HistoryView{}, err
	}
	if !can.History {
		return HistoryView{}, forbidden("A partner's history stays in its own activity log.")
	}
	return a.history(ctx, actor, HistoryView{Kind: "scorecard", ID: s.ID, Title: s.Title}, after)
}

// ObjectHistory is a container's or measure's History tab.
func (a *App) ObjectHistory(ctx context.Context, actor *Actor, id int64, after string) (HistoryView, error) {
	o, can, err := a.openObject(ctx, actor, id)
	if err != nil {
		return HistoryView{}, err
	}
	if !can.History {
		return HistoryView{}, forbidden("A partner's history stays in its own activity log.")
	}
	return a.history(ctx, actor, HistoryView{Kind: o.Kind, ID: o.ID, Title: o.Title}, after)
}

func (a *App) history(ctx context.Context, actor *Actor, v HistoryView, after string) (HistoryView, error) {
	types := []string{v.Kind}
	if v.Kind != "scorecard" {
		// An object's kind can change between container and measure
		// only through deletion; its id is an object's either way.
		types = []string{model.KindContainer, model.KindMeasure}
	}
	page, err := a.store.Q().ListActivity(ctx, actor.Instance.ID, store.ActivityFilter{
		From: time.Unix(0, 0), To: a.Now().Add(time.Minute), ObjectID: v.ID, ObjectTypes: types, After: after, Limit: changesPage})
	if errors.Is(err, store.ErrBadCursor) {
		return v, invalid("That page link is no longer valid; start from the first page.", nil)
	}
	v.Location, v.Page = viewerLocation(actor), page
	return v, err
}
