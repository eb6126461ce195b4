package store

import (
	"context"
	"strings"
)

// RecordActionNotice notes that an action email went to a member for an
// event; false when it had already (each is sent at most once).
func (q *Q) RecordActionNotice(ctx context.Context, instanceID, actionID int64, event string, membershipID int64) (bool, error) {
	fresh, err := q.RecordActionNotices(ctx, []ActionNotice{{InstanceID: instanceID, ActionID: actionID, Event: event, MembershipID: membershipID}})
	if err != nil {
		return false, err
	}
	return fresh[0], nil
}

// ActionNotice is one action email to record: the action, the event and
// the recipient.
type ActionNotice struct {
	InstanceID, ActionID int64
	Event                string
	MembershipID         int64
}

// RecordActionNotices is RecordActionNotice for many at once, one
// statement per 500: it returns which of ns were not recorded before
// (fresh[i] for ns[i]), the ones whose email is to be written.
func (q *Q) RecordActionNotices(ctx context.Context, ns []ActionNotice) ([]bool, error) {
	fresh := make([]bool, len(ns))
	now := q.Now()
	for start := 0; start < len(ns); start += 500 {
		chunk := ns[start:min(start+500, len(ns))]
		var a args
		rows := make([]string, len(chunk))
		for i, n := range chunk {
			var ph [5]string
			for j, x := range []any{n.InstanceID, n.ActionID, n.Event, n.MembershipID, now} {
				ph[j] = a.next(q.s.dialect, x)
			}
			rows[i] = "(" + strings.Join(ph[:], ", ") + ")"
		}
		res, err := q.query(ctx, `INSERT INTO action_notices (instance_id, action_id, event, membership_id, sent_at) VALUES `+listMark+
			strings.Join(rows, ", ")+` ON CONFLICT DO NOTHING RETURNING instance_id, action_id, event, membership_id`, a...)
		if err != nil {
			return nil, err
		}
		inserted := map[ActionNotice]bool{}
		for res.Next() {
			var n ActionNotice
			if err := res.Scan(&n.InstanceID, &n.ActionID, &n.Event, &n.MembershipID); err != nil {
				res.Close()
				return nil, err
			}
			inserted[n] = true
		}
		res.Close()
		if err := res.Err(); err != nil {
			return nil, err
		}
		for i, n := range chunk {
			fresh[start+i] = inserted[n]
		}
	}
	return fresh, nil
}

// ActionReminder is an open action whose assignee may be due a reminder
// (start date reached while Not Started, or the end date near), with what
// its email needs.
type ActionReminder struct {
	InstanceID, ActionID, MembershipID int64
	Title, Status, StartDate, EndDate  string
	Percent                            int
	Email, Zone                        string
	InstanceName, InstanceCode, Terms  string
	StartedSent, DueSoonSent           bool
}

// ActionReminders streams, across instances, the open actions whose
// assignee wants action emails and whose start date is on or before
// startBy while Not Started, or whose end date falls between endFrom and
// endBy, and that have not had both reminders. Dates are YYYY-MM-DD; the
// caller widens them by a day each way and decides in the assignee's time
// zone.
func (q *Q) ActionReminders(ctx context.Context, startFrom, startBy, endFrom, endBy string, fn func(ActionReminder) error) error {
	rows, err := q.query(ctx, `SELECT ac.instance_id, ac.id, ac.assignee_id, ac.title, ac.status, COALESCE(ac.start_date, ''), COALESCE(ac.end_date, ''),
			ac.percent, a.email, COALESCE(NULLIF(a.time_zone, ''), i.time_zone), i.name, i.code, i.terms,
			EXISTS (SELECT 1 FROM action_notices n WHERE n.instance_id = ac.instance_id AND n.action_id = ac.id AND n.event = 'started' AND n.membership_id = ac.assignee_id),
			EXISTS (SELECT 1 FROM action_notices n WHERE n.instance_id = ac.instance_id AND n.action_id = ac.id AND n.event = 'due_soon' AND n.membership_id = ac.assignee_id)
		FROM actions ac JOIN memberships m ON m.instance_id = ac.instance_id AND m.id = ac.assignee_id
		JOIN accounts a ON a.id = m.account_id JOIN instances i ON i.id = ac.instance_id
		WHERE m.active AND m.action_emails AND ac.status NOT IN ('Completed', 'Cancelled', 'N/A')
		AND ((ac.status = 'Not Started' AND ac.start_date >= $1 AND ac.start_date <= $2) OR (ac.end_date >= $3 AND ac.end_date <= $4))
		ORDER BY ac.instance_id, ac.id`, startFrom, startBy, endFrom, endBy)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var r ActionReminder
		if err := rows.Scan(&r.InstanceID, &r.ActionID, &r.MembershipID, &r.Title, &r.Status, &r.StartDate, &r.EndDate, &r.Percent,
			&r.Email, &r.Zone, &r.InstanceName, &r.InstanceCode, &r.Terms, &r.StartedSent, &r.DueSoonSent); err != nil {
			return err
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}
