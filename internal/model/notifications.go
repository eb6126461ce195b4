package model

import "time"

// Kinds of notification (issue 15): what the bell in the page header
// lists. The database refuses any other (0029).
const (
	NotifyActionAssigned = "action_assigned" // an action was assigned to the member by someone else
	NotifyTodoAssigned   = "todo_assigned"   // a to-do was assigned to the member by someone else
	NotifyDigestWeekly   = "digest_weekly"   // the weekly digest was sent to the member
	NotifyDigestMonthly  = "digest_monthly"  // the monthly digest was sent to the member
	NotifyActionEmail    = "action_email"    // an action email was sent to the member
)

// NotificationKinds are the kinds a notification may have.
var NotificationKinds = []string{NotifyActionAssigned, NotifyTodoAssigned, NotifyDigestWeekly, NotifyDigestMonthly, NotifyActionEmail}

// Notification is one line of a member's notification history.
type Notification struct {
	ID           int64
	InstanceID   int64
	MembershipID int64 // whose it is
	Kind         string
	Title        string // what it is about (an action's title), as it was then
	Path         string // a site-relative link to it (/i/CODE/actions/12), or ""
	CreatedAt    time.Time
	ReadAt       *time.Time // nil while unread
}
