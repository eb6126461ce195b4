package app_test

import (
	"testing"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/mail"
	"yardstick/internal/testkit"
)

// TestActionEmails: each trigger mails once, to whom SPEC §8 says, through
// the job engine; nothing for members who turned action emails off.
func TestActionEmails(t *testing.T) {
	testkit.SQLiteAndPostgres(t, func(t *testing.T, db *testkit.DB) {
		w := newPW(t, db)
		A := w.site("ALPHA", "Alpha Org")
		A.member("admin", access.PresetAdministration)
		A.member("bob", access.PresetAdministration)
		A.member("carol", access.PresetAdministration)
		if err := w.app.SavePreferences(w.ctx, A.as("carol"), app.Preferences{ActionEmails: false}); err != nil {
			t.Fatal(err)
		}
		settle := startJobs(t, w, db, "action_email")
		sent := func() map[string]int { // "kind to" → count
			msgs, err := db.Store.Q().ListMail(w.ctx, "", 0, 1000)
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]int{}
			for _, m := range msgs {
				out[m.Kind+" "+m.To]++
			}
			return out
		}
		email := func(n string) string { return A.members[n].Email }
		expect := func(step string, want map[string]int) {
			t.Helper()
			settle()
			got := sent()
			for k, n := range want {
				if got[k] != n {
					t.Errorf("%s: %q sent %d times, want %d", step, k, got[k], n)
				}
			}
			for k, n := range got {
				if _, ok := want[k]; !ok && n > 0 && k[:6] == "action" {
					t.Errorf("%s: unexpected %q (%d)", step, k, n)
				}
			}
		}

		x, err := w.app.CreateAction(w.ctx, A.as("admin"), app.ActionInput{Title: "Outreach", Status: "On Track", Assignee: email("bob")}, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]int{mail.KindActionAssigned + " " + email("bob"): 1}
		expect("assigned on create", want)

		save := func(who string, in app.ActionInput) {
			t.Helper()
			cur, err := w.app.Action(w.ctx, A.as("admin"), x.ID)
			if err != nil {
				t.Fatal(err)
			}
			in.Title, in.Status = cur.Action.Title, cur.Action.Status
			if x, err = w.app.UpdateAction(w.ctx, A.as(who), x.ID, cur.Action.Version, in); err != nil {
				t.Fatal(err)
			}
		}
		save("admin", app.ActionInput{Assignee: email("bob")}) // unchanged: nothing
		save("admin", app.ActionInput{Assignee: email("carol")})
		save("admin", app.ActionInput{Assignee: email("bob")}) // back: assigned was sent already
		expect("reassigned", want)

		// bob completes it: the assigner (admin) hears, bob does not.
		if err := w.app.AddActionUpdate(w.ctx, A.as("bob"), x.ID, x.Version, "Done", "Completed", "100"); err != nil {
			t.Fatal(err)
		}
		want[mail.KindActionCompleted+" "+email("admin")] = 1
		expect("completed by the assignee", want)

		// admin completes one assigned to bob: bob hears, admin does not.
		y, err := w.app.CreateAction(w.ctx, A.as("admin"), app.ActionInput{Title: "Survey", Status: "On Track", Assignee: email("bob")}, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.app.AddActionUpdate(w.ctx, A.as("admin"), y.ID, y.Version, "", "Completed", "100"); err != nil {
			t.Fatal(err)
		}
		want[mail.KindActionAssigned+" "+email("bob")] = 2
		want[mail.KindActionCompleted+" "+email("bob")] = 1
		expect("completed by someone else", want)

		// Reminders: started while Not Started, and due within 3 days.
		today := testkit.Epoch.Format("2006-01-02")
		soon := testkit.Epoch.AddDate(0, 0, 2).Format("2006-01-02")
		for _, who := range []string{"bob", "carol"} {
			if _, err := w.app.CreateAction(w.ctx, A.as("admin"), app.ActionInput{Title: "Start " + who, Status: "Not Started",
				StartDate: today, EndDate: soon, Assignee: email(who)}, "", 0); err != nil {
				t.Fatal(err)
			}
		}
		for range 2 {
			if _, err := w.app.ActionReminders(w.ctx); err != nil {
				t.Fatal(err)
			}
		}
		want[mail.KindActionAssigned+" "+email("bob")] = 3
		want[mail.KindActionStarted+" "+email("bob")] = 1
		want[mail.KindActionDueSoon+" "+email("bob")] = 1
		expect("reminders", want)
	})
}
