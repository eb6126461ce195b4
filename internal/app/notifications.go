package app

import (
	"context"
	"strconv"
	"strings"

	"yardstick/internal/model"
	"yardstick/internal/store"
)

// Notifications (issue 15): the bell in the page header. A member sees
// only its own, and needs no permission beyond being a member. They are
// written in the transaction of what they tell of (an action or a to-do
// assigned by someone else, below) or by the digest run; the header's
// unread count comes with the membership (model.Membership.Unread).

// NotificationsShown is how many notifications the page lists.
const NotificationsShown = 50

// NotificationItem is one line of the notifications page.
type NotificationItem struct {
	model.Notification
	Unread bool
	// Link is Path when it is a page of the member's own instance, else
	// "" (the page shows the title without a link).
	Link string
}

// NotificationsView is the notifications page.
type NotificationsView struct {
	Items  []NotificationItem // newest first
	Unread int                // unread among all, at most model.UnreadCounted
	// UpTo is the newest id listed: "Mark all as read" marks up to it, so
	// one that arrives after the page was shown stays unread.
	UpTo int64
}

// Notifications returns the member's newest notifications.
func (a *App) Notifications(ctx context.Context, actor *Actor) (NotificationsView, error) {
	var v NotificationsView
	if actor == nil || actor.Membership.ID == 0 {
		return v, errNotFound() // an API key or the operator has no notifications
	}
	list, err := a.store.Q().Notifications(ctx, actor.Instance.ID, actor.Membership.ID, NotificationsShown)
	if err != nil {
		return v, err
	}
	prefix := instancePath(actor, "/")
	for _, n := range list {
		it := NotificationItem{Notification: n, Unread: n.ReadAt == nil}
		if strings.HasPrefix(n.Path, prefix) {
			it.Link = n.Path
		}
		if it.Unread {
			v.Unread++
		}
		v.Items = append(v.Items, it)
	}
	if len(list) > 0 {
		v.UpTo = list[0].ID
	}
	if len(list) == NotificationsShown {
		// Older ones beyond the page may be unread too.
		if v.Unread, err = a.store.Q().UnreadNotifications(ctx, actor.Instance.ID, actor.Membership.ID); err != nil {
			return v, err
		}
	}
	return v, nil
}

// MarkNotificationsRead marks the member's notifications up to and
// including id upTo read (upTo 0: nothing).
func (a *App) MarkNotificationsRead(ctx context.Context, actor *Actor, upTo int64) error {
	if actor == nil || actor.Membership.ID == 0 {
		return errNotFound()
	}
	if upTo <= 0 {
		return nil
	}
	return a.store.Q().MarkNotificationsRead(ctx, actor.Instance.ID, actor.Membership.ID, upTo)
}

// instancePath is a site-relative path of a page of the actor's instance.
func instancePath(actor *Actor, path string) string {
	return "/i/" + actor.Instance.Code + path
}

// actionNotePath is where a notification about an action links to.
func actionNotePath(actor *Actor, actionID int64) string {
	return instancePath(actor, "/actions/"+strconv.FormatInt(actionID, 10))
}

// notifyAssigned tells a member, in q's transaction, that the actor
// assigned it an action or a to-do: only a member newly assigned (not
// before) and not the actor itself.
func notifyAssigned(ctx context.Context, q *store.Q, actor *Actor, kind string, before, after int64, title string, actionID int64) error {
	if after == 0 || after == before || after == actor.Membership.ID {
		return nil
	}
	return q.AddNotifications(ctx, []model.Notification{{InstanceID: actor.Instance.ID, MembershipID: after, Kind: kind,
		Title: title, Path: actionNotePath(actor, actionID)}})
}
