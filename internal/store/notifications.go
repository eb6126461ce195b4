package store

import (
	"context"
	"database/sql"
	"strconv"

	"yardstick/internal/model"
)

// AddNotifications writes notifications, unread, in one statement
// (bulkInsert: a digest run's batch by COPY on PostgreSQL). The rows may
// belong to several instances (the digest run's batch): on Citus each
// row goes to its instance's shard. A zero CreatedAt is now.
func (q *Q) AddNotifications(ctx context.Context, ns []model.Notification) error {
	now := q.Now().UTC()
	rows := make([][]any, len(ns))
	for i, n := range ns {
		at := n.CreatedAt.UTC()
		if n.CreatedAt.IsZero() {
			at = now
		}
		rows[i] = []any{n.InstanceID, n.MembershipID, n.Kind, n.Title, n.Path, at}
	}
	return q.bulkInsert(ctx, "notifications", []string{"instance_id", "membership_id", "kind", "title", "path", "created_at"}, rows)
}

// Notifications lists a member's newest notifications, newest first, at
// most limit (50 when limit is out of 1–200).
func (q *Q) Notifications(ctx context.Context, instanceID, membershipID int64, limit int) ([]model.Notification, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	return collect(ctx, q, func(sc interface{ Scan(...any) error }) (model.Notification, error) {
		var n model.Notification
		var read sql.NullTime
		err := sc.Scan(&n.ID, &n.InstanceID, &n.MembershipID, &n.Kind, &n.Title, &n.Path, &n.CreatedAt, &read)
		n.CreatedAt = n.CreatedAt.UTC()
		if read.Valid {
			at := read.Time.UTC()
			n.ReadAt = &at
		}
		return n, err
	}, `SELECT id, instance_id, membership_id, kind, title, path, created_at, read_at
		FROM notifications WHERE instance_id = $1 AND membership_id = $2 ORDER BY id DESC LIMIT $3`, instanceID, membershipID, limit)
}

// unreadCount is the count of a member's unread notifications, at most
// model.UnreadCounted: a bounded walk of the unread index
// (notifications_unread), however many the member has. member is the
// SQL of the membership's id; the instance is $1.
func unreadCount(member string) string {
	return `(SELECT COUNT(*) FROM (SELECT 1 FROM notifications n WHERE n.instance_id = $1 AND n.membership_id = ` + member +
		` AND n.read_at IS NULL LIMIT ` + strconv.Itoa(model.UnreadCounted) + `) u)`
}

// UnreadNotifications counts a member's unread notifications, at most
// model.UnreadCounted. Pages read it with the membership instead
// (Membership.Unread); this is for the rest (the API, tests).
func (q *Q) UnreadNotifications(ctx context.Context, instanceID, membershipID int64) (int, error) {
	var n int
	err := q.row(ctx, `SELECT `+unreadCount("$2"), instanceID, membershipID).Scan(&n)
	return n, err
}

// MarkNotificationsRead marks a member's unread notifications up to and
// including upToID read: those the member saw listed, not any that came
// after the page was shown.
func (q *Q) MarkNotificationsRead(ctx context.Context, instanceID, membershipID, upToID int64) error {
	_, err := q.exec(ctx, `UPDATE notifications SET read_at = $1
		WHERE instance_id = $2 AND membership_id = $3 AND id <= $4 AND read_at IS NULL`, q.Now(), instanceID, membershipID, upToID)
	return err
}
