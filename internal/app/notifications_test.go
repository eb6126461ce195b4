package app_test

import (
	"fmt"
	"strconv"
	"testing"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/model"
	"yardstick/internal/testkit"
)

// Notifications (issue 15, point 5): an action or a to-do assigned by
// someone else tells its new assignee, in the same transaction; assigning
// oneself, keeping the assignee or assigning nobody tells no one; a member
// sees only its own, in its own instance, and marks them read up to what
// it saw.
func TestNotificationsOfAssignments(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		w := newPW(t, db)
		A, B := w.site("ALPHA", "Alpha Org"), w.site("BETA", "Beta Org")
		admin := A.member("admin", access.PresetAdministration)
		A.member("ana", access.PresetPresenter)
		A.member("bo", access.PresetPresenter)
		B.member("admin", access.PresetAdministration)
		ana, bo := A.members["ana"].Email, A.members["bo"].Email
		kinds := func(name string) string {
			t.Helper()
			v, err := w.app.Notifications(w.ctx, A.as(name))
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, it := range v.Items {
				s := it.Kind + ":" + it.Title
				if it.Unread {
					s += "*"
				}
				out = append(out, s)
			}
			return fmt.Sprint(v.Unread, out)
		}

		// Created assigned to ana: she is told; the admin, who assigned
		// itself the second, is not.
		x, err := w.app.CreateAction(w.ctx, admin, app.ActionInput{Title: "Outreach", Assignee: ana}, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		self, err := w.app.CreateAction(w.ctx, admin, app.ActionInput{Title: "Mine", Assignee: A.members["admin"].Email}, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := kinds("ana"), "1 [action_assigned:Outreach*]"; got != want {
			t.Errorf("ana after create: %s, want %s", got, want)
		}
		v, err := w.app.Notifications(w.ctx, A.as("ana"))
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Items) != 1 || v.Items[0].Link != "/i/ALPHA/actions/"+strconv.FormatInt(x.ID, 10) || v.UpTo != v.Items[0].ID {
			t.Errorf("ana's page: %+v", v)
		}
		if a := A.as("ana"); a.Membership.Unread != 1 {
			t.Errorf("ana's membership says %d unread, want 1", a.Membership.Unread)
		}
		// Saved again with the same assignee: nothing new. Reassigned to bo:
		// bo is told. Ana reassigns it to herself: nobody is told.
		if x, err = w.app.UpdateAction(w.ctx, admin, x.ID, x.Version, app.ActionInput{Title: "Outreach", Assignee: ana, Percent: "10"}); err != nil {
			t.Fatal(err)
		}
		if x, err = w.app.UpdateAction(w.ctx, admin, x.ID, x.Version, app.ActionInput{Title: "Outreach 2", Assignee: bo}); err != nil {
			t.Fatal(err)
		}
		A.setPerms(admin, "bo", access.ActionsEdit, access.ActionsTodos, access.ScorecardsAll)
		A.setPerms(admin, "ana", access.ActionsEdit, access.ActionsTodos, access.ScorecardsAll)
		if _, err = w.app.UpdateAction(w.ctx, A.as("ana"), x.ID, x.Version, app.ActionInput{Title: "Outreach 2", Assignee: ana}); err != nil {
			t.Fatal(err)
		}
		if got, want := kinds("ana"), "1 [action_assigned:Outreach*]"; got != want {
			t.Errorf("ana after the updates: %s, want %s", got, want)
		}
		if got, want := kinds("bo"), "1 [action_assigned:Outreach 2*]"; got != want {
			t.Errorf("bo after the updates: %s, want %s", got, want)
		}
		if got, want := kinds("admin"), "0 []"; got != want {
			t.Errorf("admin: %s, want %s", got, want)
		}
		// To-dos: added for bo by ana tells bo; changed to ana by ana tells
		// no one; an edit keeping the assignee tells no one; changed to bo
		// by the admin tells bo again.
		td, err := w.app.AddTodo(w.ctx, A.as("ana"), x.ID, app.TodoInput{Title: "Call", Assignee: bo})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.app.UpdateTodo(w.ctx, A.as("ana"), x.ID, td.ID, app.TodoInput{Title: "Call", Assignee: ana}); err != nil {
			t.Fatal(err)
		}
		if err := w.app.UpdateTodo(w.ctx, admin, x.ID, td.ID, app.TodoInput{Title: "Call them", Assignee: ana}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.app.AddTodo(w.ctx, admin, self.ID, app.TodoInput{Title: "Unassigned"}); err != nil {
			t.Fatal(err)
		}
		if err := w.app.UpdateTodo(w.ctx, admin, x.ID, td.ID, app.TodoInput{Title: "Call them", Assignee: bo}); err != nil {
			t.Fatal(err)
		}
		if got, want := kinds("bo"), "3 [todo_assigned:Call them* todo_assigned:Call* action_assigned:Outreach 2*]"; got != want {
			t.Errorf("bo after the to-dos: %s, want %s", got, want)
		}
		if got, want := kinds("ana"), "1 [action_assigned:Outreach*]"; got != want {
			t.Errorf("ana after the to-dos: %s, want %s", got, want)
		}

		// Marking read stops at what bo saw; a later one stays unread.
		seen, err := w.app.Notifications(w.ctx, A.as("bo"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.app.CreateAction(w.ctx, admin, app.ActionInput{Title: "Later", Assignee: bo}, "", 0); err != nil {
			t.Fatal(err)
		}
		if err := w.app.MarkNotificationsRead(w.ctx, A.as("bo"), seen.UpTo); err != nil {
			t.Fatal(err)
		}
		if got, want := kinds("bo"), "1 [action_assigned:Later* todo_assigned:Call them todo_assigned:Call action_assigned:Outreach 2]"; got != want {
			t.Errorf("bo after marking read: %s, want %s", got, want)
		}
		if a := A.as("bo"); a.Membership.Unread != 1 {
			t.Errorf("bo's membership says %d unread, want 1", a.Membership.Unread)
		}
		// Ana's mark reaches only hers; BETA's admin has none, and marking
		// its own with ana's ids changes nothing of ALPHA's.
		if err := w.app.MarkNotificationsRead(w.ctx, B.as("admin"), 1<<62); err != nil {
			t.Fatal(err)
		}
		if got, want := kinds("ana"), "1 [action_assigned:Outreach*]"; got != want {
			t.Errorf("ana after BETA's mark: %s, want %s", got, want)
		}
		if v, err := w.app.Notifications(w.ctx, B.as("admin")); err != nil || len(v.Items) != 0 {
			t.Errorf("BETA's admin: %+v %v", v, err)
		}
		// A path outside the member's instance is shown without its link.
		if err := w.q().AddNotifications(w.ctx, []model.Notification{{InstanceID: A.in.ID, MembershipID: A.ms["ana"].ID,
			Kind: model.NotifyDigestWeekly, Title: "Weekly digest", Path: "/i/BETA/"}}); err != nil {
			t.Fatal(err)
		}
		if v, err := w.app.Notifications(w.ctx, A.as("ana")); err != nil || len(v.Items) != 2 || v.Items[0].Link != "" || v.Items[1].Link == "" {
			t.Errorf("ana with a foreign path: %+v %v", v, err)
		}
	})
}
