package views

import (
	"context"
	"strconv"

	"yardstick/internal/app"
	"yardstick/internal/model"
)

// unreadCount is an unread count as the bell shows it: "99+" from
// model.UnreadCounted on, where the store stops counting.
func unreadCount(n int) string {
	if n >= model.UnreadCounted {
		return strconv.Itoa(model.UnreadCounted-1) + "+"
	}
	return strconv.Itoa(n)
}

// bellName is the bell's accessible name: its visible label, then the
// unread count in words.
func bellName(unread int) string {
	if unread == 0 {
		return "Notifications"
	}
	return "Notifications, " + unreadCount(unread) + " unread"
}

func int64Text(n int64) string { return strconv.FormatInt(n, 10) }

// notificationKind says what a notification tells, in the instance's words.
func notificationKind(ctx context.Context, kind string) string {
	switch kind {
	case model.NotifyActionAssigned:
		return tx(ctx, "{action} assigned to you")
	case model.NotifyTodoAssigned:
		return tx(ctx, "{todo:cap} assigned to you")
	case model.NotifyDigestWeekly:
		return "Weekly digest sent"
	case model.NotifyDigestMonthly:
		return "Monthly digest sent"
	case model.NotifyActionEmail:
		return tx(ctx, "{action} email sent")
	}
	return kind
}

// notificationTitle is what a notification is about; one without a title
// is named by its kind alone.
func notificationTitle(n app.NotificationItem) string {
	if n.Title == "" {
		return "(untitled)"
	}
	return n.Title
}
