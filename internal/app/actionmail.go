package app

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/riverqueue/river"

	"yardstick/internal/access"
	"yardstick/internal/mail"
	"yardstick/internal/model"
	"yardstick/internal/store"
	"yardstick/internal/terms"
)

// Action emails (SPEC §8, issue 15), each at most once per action, event
// and recipient (action_notices), only to members who opted in:
//   - assigned: to the new assignee, when someone else assigns it;
//   - completed: to the assigner, and to the assignee when someone else
//     completed it;
//   - started: its start date reached while Not Started;
//   - due_soon: DueSoonDays before its end date while not completed.
//
// The first two are jobs inserted in the transaction of the change (they
// exist only if it commits); the last two are found by ActionReminders,
// which the job engine runs periodically.
const DueSoonDays = 3

// remindStartedWithin bounds how old a start date may be for its
// reminder: turning the engine on must not mail about every action that
// was due to start years ago.
const remindStartedWithin = 14

// ActionEmailArgs is the job of one action email.
type ActionEmailArgs struct {
	InstanceID   int64  `json:"instance_id"`
	ActionID     int64  `json:"action_id"`
	Event        string `json:"event"` // assigned or completed
	MembershipID int64  `json:"membership_id"`
	ByID         int64  `json:"by_id"` // the member who assigned or completed it
}

// Kind names the job for River.
func (ActionEmailArgs) Kind() string { return "action_email" }

// actionEmailJobs inserts, in the change's transaction q, the jobs of the
// emails a change of an action from before to after causes.
func actionEmailJobs(ctx context.Context, q *store.Q, actor *Actor, before, after model.Action) error {
	by := actor.Membership.ID
	var jobs []river.InsertManyParams
	add := func(event string, to int64) {
		if to == 0 || to == by {
			return
		}
		for _, j := range jobs {
			if j.Args.(ActionEmailArgs).MembershipID == to && j.Args.(ActionEmailArgs).Event == event {
				return
			}
		}
		jobs = append(jobs, river.InsertManyParams{Args: ActionEmailArgs{InstanceID: after.InstanceID, ActionID: after.ID, Event: event,
			MembershipID: to, ByID: by}, InsertOpts: &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}})
	}
	if after.AssigneeID != before.AssigneeID {
		add("assigned", after.AssigneeID)
	}
	if after.Status == model.ActionCompleted && before.Status != model.ActionCompleted {
		add("completed", after.AssignerID)
		add("completed", after.AssigneeID)
	}
	return q.InsertJobs(ctx, jobs)
}

// SendActionEmail writes one action email to the outbox, if the event
// still holds (the action is still assigned to them, still completed),
// the member still wants action emails, and it was not sent before.
func (a *App) SendActionEmail(ctx context.Context, j ActionEmailArgs) error {
	return a.store.InTx(ctx, func(q *store.Q) error {
		x, err := q.ActionByID(ctx, j.InstanceID, j.ActionID, store.Visibility{Scope: access.ScopeAll})
		if errors.Is(err, store.ErrNotFound) {
			return nil // deleted meanwhile
		} else if err != nil {
			return err
		}
		switch j.Event {
		case "assigned":
			if x.AssigneeID != j.MembershipID {
				return nil
			}
		case "completed":
			if x.Status != model.ActionCompleted {
				return nil
			}
		default:
			return nil
		}
		m, err := q.MembershipByID(ctx, j.InstanceID, j.MembershipID)
		if errors.Is(err, store.ErrNotFound) || err == nil && (!m.Active || !m.ActionEmails) {
			return nil
		} else if err != nil {
			return err
		}
		in, err := q.InstanceByID(ctx, j.InstanceID)
		if err != nil {
			return err
		}
		by := ""
		if b, err := q.MembershipByID(ctx, j.InstanceID, j.ByID); err == nil {
			by = b.Name
		}
		fresh, err := q.RecordActionNotice(ctx, j.InstanceID, j.ActionID, j.Event, j.MembershipID)
		if err != nil || !fresh {
			return err
		}
		msg := mail.ActionMail(a.actionNotice(in.Name, in.Code, m.Email, j.Event, x, by), terms.Parse(in.Terms))
		msg.InstanceID = &in.ID
		_, err = q.EnqueueMail(ctx, msg)
		return err
	})
}

func (a *App) actionNotice(instName, code, to, event string, x model.Action, by string) mail.ActionNotice {
	base := a.cfg.BaseURL + "/i/" + code
	return mail.ActionNotice{Event: event, InstanceName: instName, InstanceCode: code, To: to, Title: x.Title, Status: x.Status,
		Percent: x.Percent, StartDate: x.StartDate, EndDate: x.EndDate, By: by,
		URL: base + "/actions/" + strconv.FormatInt(x.ID, 10), PreferencesURL: base + "/preferences"}
}

// ActionReminders sends the reminders due now (start date reached while
// Not Started; end date within DueSoonDays while not completed), each
// day read in the assignee's time zone, in batches. It returns how many
// it wrote.
func (a *App) ActionReminders(ctx context.Context) (int, error) {
	now := a.store.Now()
	day := func(d int) string { return now.AddDate(0, 0, d).UTC().Format("2006-01-02") }
	type pending struct {
		r     store.ActionReminder
		event string
	}
	var batch []pending
	sent := 0
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		var queued int
		err := a.store.InTx(ctx, func(q *store.Q) error {
			ns := make([]store.ActionNotice, len(batch))
			for i, p := range batch {
				ns[i] = store.ActionNotice{InstanceID: p.r.InstanceID, ActionID: p.r.ActionID, Event: p.event, MembershipID: p.r.MembershipID}
			}
			fresh, err := q.RecordActionNotices(ctx, ns)
			if err != nil {
				return err
			}
			var msgs []model.OutboxMessage
			for i, p := range batch {
				if !fresh[i] {
					continue
				}
				x := model.Action{ID: p.r.ActionID, Title: p.r.Title, Status: p.r.Status, Percent: p.r.Percent, StartDate: p.r.StartDate, EndDate: p.r.EndDate}
				msg := mail.ActionMail(a.actionNotice(p.r.InstanceName, p.r.InstanceCode, p.r.Email, p.event, x, ""), terms.Parse(p.r.Terms))
				msg.InstanceID = &p.r.InstanceID
				msgs = append(msgs, msg)
			}
			queued = len(msgs)
			return q.EnqueueMails(ctx, msgs)
		})
		if err == nil {
			sent += queued
		}
		batch = batch[:0]
		return err
	}
	// Collected first, written after: the statement is not kept open
	// across the writes (SQLite's pool is small).
	var found []pending
	err := a.store.Q().ActionReminders(ctx, day(-remindStartedWithin-1), day(1), day(-1), day(DueSoonDays+1), func(r store.ActionReminder) error {
		loc, err := time.LoadLocation(r.Zone)
		if err != nil {
			loc = time.UTC
		}
		today := now.In(loc).Format("2006-01-02")
		soon := now.In(loc).AddDate(0, 0, DueSoonDays).Format("2006-01-02")
		if !r.StartedSent && r.Status == model.ActionNotStarted && r.StartDate != "" && r.StartDate <= today {
			found = append(found, pending{r, "started"})
		}
		if !r.DueSoonSent && r.EndDate != "" && r.EndDate >= today && r.EndDate <= soon {
			found = append(found, pending{r, "due_soon"})
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, p := range found {
		batch = append(batch, p)
		if len(batch) == digestBatch {
			if err := flush(); err != nil {
				return sent, err
			}
		}
	}
	return sent, flush()
}
