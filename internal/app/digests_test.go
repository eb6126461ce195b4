package app_test

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/mail"
	"yardstick/internal/model"
	"yardstick/internal/store"
	"yardstick/internal/testkit"
)

// TestDigestPeriod: Monday 07:00 (or the 1st, 07:00) local, not a minute
// before, in zones on both sides of UTC and across a daylight-saving
// change (New York moves to EDT on Sunday 8 March 2026).
func TestDigestPeriod(t *testing.T) {
	zone := func(name string) *time.Location {
		l, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	tokyo, london, ny := zone("Asia/Tokyo"), zone("Europe/London"), zone("America/New_York")
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tc := range []struct {
		kind string
		loc  *time.Location
		now  string
		key  string
		due  bool
	}{
		{app.DigestWeekly, tokyo, "2026-03-08T21:59:00Z", "2026-03-02", false}, // Mon 06:59 in Tokyo: last week's, past catch-up
		{app.DigestWeekly, tokyo, "2026-03-08T22:00:00Z", "2026-03-09", true},
		{app.DigestWeekly, london, "2026-03-09T06:59:59Z", "2026-03-02", false},
		{app.DigestWeekly, london, "2026-03-09T07:00:00Z", "2026-03-09", true},
		{app.DigestWeekly, ny, "2026-03-02T11:59:00Z", "2026-02-23", false}, // EST: 07:00 is 12:00 UTC
		{app.DigestWeekly, ny, "2026-03-02T12:00:00Z", "2026-03-02", true},
		{app.DigestWeekly, ny, "2026-03-09T10:59:00Z", "2026-03-02", false}, // EDT: 07:00 is 11:00 UTC
		{app.DigestWeekly, ny, "2026-03-09T11:00:00Z", "2026-03-09", true},
		{app.DigestWeekly, ny, "2026-03-10T10:59:00Z", "2026-03-09", true},  // within a day: caught up
		{app.DigestWeekly, ny, "2026-03-10T11:00:00Z", "2026-03-09", false}, // a day late: skipped
		{app.DigestWeekly, london, "2026-03-11T12:00:00Z", "2026-03-09", false},
		{app.DigestMonthly, london, "2026-04-01T05:59:00Z", "2026-03-01", false}, // BST: 07:00 is 06:00 UTC
		{app.DigestMonthly, london, "2026-04-01T06:00:00Z", "2026-04-01", true},
		{app.DigestMonthly, tokyo, "2026-01-01T00:00:00Z", "2026-01-01", true}, // 09:00 on the 1st in Tokyo
		{app.DigestMonthly, ny, "2026-01-01T00:00:00Z", "2025-12-01", false},   // still 31 December there
	} {
		key, _, due := app.DigestPeriod(tc.kind, tc.loc, utc(tc.now))
		if key != tc.key || due != tc.due {
			t.Errorf("%s in %s at %s: period %s due %v, want %s %v", tc.kind, tc.loc, tc.now, key, due, tc.key, tc.due)
		}
	}
}

// digestWorld is an instance whose members follow one measure with data,
// with digests on, in three time zones.
type digestWorld struct {
	*pw
	A *site
	M model.Object
}

func newDigestWorld(t *testing.T, db *testkit.DB) *digestWorld {
	w := &digestWorld{pw: newPW(t, db)}
	w.A = w.site("ALPHA", "Alpha Org")
	admin := w.A.member("admin", access.PresetAdministration)
	S := w.A.scorecard(admin, "Literacy")
	R := w.A.container(admin, "Children read", app.Placement{ScorecardID: S.ID})
	w.M = w.A.measure(admin, "Reading <b>level</b> =1+1", app.Placement{ParentID: R.ID})
	// Three periods of data, the last on target (higher is better: green).
	if _, err := w.app.SaveData(w.ctx, admin, w.M.ID, []app.DataEntry{
		{PeriodKey: "2025-11-01", Actual: "40", Target: "50"},
		{PeriodKey: "2025-12-01", Actual: "45", Target: "50"},
		{PeriodKey: "2026-01-01", Actual: "52", Target: "50"},
	}); err != nil {
		t.Fatal(err)
	}
	zones := map[string]string{"tokyo": "Asia/Tokyo", "london": "Europe/London", "ny": "America/New_York", "optout": "UTC", "blind": "UTC", "quiet": "UTC"}
	for name, z := range zones {
		preset := access.PresetAdministration
		if name == "blind" {
			preset = access.PresetPresenter // no scorecard assigned: cannot see the measure it starred
		}
		w.A.member(name, preset)
		if _, err := db.Store.DB().ExecContext(w.ctx, `UPDATE accounts SET time_zone = $1 WHERE id = $2`, z, w.A.members[name].ID); err != nil {
			t.Fatal(err)
		}
		if name != "quiet" && name != "blind" {
			if err := w.app.Star(w.ctx, w.A.as(name), w.M.ID, true); err != nil {
				t.Fatal(err)
			}
		}
		if name != "blind" && name != "optout" {
			w.prefs(w.A, name, true, false)
		}
	}
	// blind starred it while it could see it (admin's star on its behalf).
	if _, err := db.Store.DB().ExecContext(w.ctx, `INSERT INTO favorites (instance_id, membership_id, measure_id, created_at) VALUES ($1, $2, $3, $4)`,
		w.A.in.ID, w.A.ms["blind"].ID, w.M.ID, testkit.Epoch); err != nil {
		t.Fatal(err)
	}
	w.prefs(w.A, "blind", true, false)
	return w
}

func (w *digestWorld) prefs(s *site, name string, weekly, monthly bool) {
	w.t.Helper()
	if err := w.app.SavePreferences(w.ctx, s.as(name), app.Preferences{DigestWeekly: weekly, DigestMonthly: monthly, ActionEmails: true}); err != nil {
		w.t.Fatal(err)
	}
}

// digestsTo lists the digests in the outbox by recipient.
func digestsTo(t *testing.T, db *testkit.DB) map[string][]model.OutboxMessage {
	t.Helper()
	msgs, err := db.Store.Q().ListMail(context.Background(), "", 0, 10000)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]model.OutboxMessage{}
	for _, m := range msgs {
		if m.Kind == mail.KindDigestWeekly || m.Kind == mail.KindDigestMonthly {
			out[m.To] = append(out[m.To], m)
		}
	}
	return out
}

// TestDigestsAreDueAtSevenLocal: each member's weekly digest goes at
// 07:00 on Monday in its zone, once, with nothing for those who opted
// out, see nothing or follow nothing.
func TestDigestsAreDueAtSevenLocal(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		w := newDigestWorld(t, db)
		email := func(name string) string { return w.A.members[name].Email }
		steps := []struct {
			at   string
			sent []string // recipients of the run, by short name
		}{
			{"2026-03-08T21:59:00Z", nil},
			{"2026-03-08T22:00:00Z", []string{"tokyo"}},
			{"2026-03-08T22:30:00Z", nil}, // again: nothing twice
			{"2026-03-09T06:59:00Z", nil},
			{"2026-03-09T07:00:00Z", []string{"london"}},
			{"2026-03-09T10:59:00Z", nil}, // 06:59 in New York (EDT)
			{"2026-03-09T11:00:00Z", []string{"ny"}},
			{"2026-03-09T12:00:00Z", nil},
		}
		total := 0
		for _, st := range steps {
			now, _ := time.Parse(time.RFC3339, st.at)
			db.Clock.Set(now)
			res, err := w.app.RunDigests(w.ctx, app.DigestWeekly)
			if err != nil {
				t.Fatalf("%s: %v", st.at, err)
			}
			if res.Sent != len(st.sent) {
				t.Errorf("%s: sent %d, want %d (%v)", st.at, res.Sent, len(st.sent), st.sent)
			}
			total += len(st.sent)
			got := digestsTo(t, db)
			for _, name := range st.sent {
				if len(got[email(name)]) != 1 {
					t.Errorf("%s: %s has %d digests, want 1", st.at, name, len(got[email(name)]))
				}
			}
		}
		// Each digest sent is in its member's notifications (the bell).
		for _, name := range []string{"tokyo", "london", "ny"} {
			ns, err := w.app.Notifications(w.ctx, w.A.as(name))
			if err != nil {
				t.Fatal(err)
			}
			if len(ns.Items) != 1 || ns.Items[0].Kind != model.NotifyDigestWeekly {
				t.Errorf("%s's notifications: %+v, want its weekly digest", name, ns)
			}
		}
		got := digestsTo(t, db)
		for _, name := range []string{"optout", "blind", "quiet"} {
			if len(got[email(name)]) != 0 {
				t.Errorf("%s got a digest: %v", name, got[email(name)][0].Subject)
			}
		}
		n := 0
		for _, ms := range got {
			n += len(ms)
		}
		if n != total {
			t.Errorf("%d digests in the outbox, want %d", n, total)
		}
		// Monthly on the 1st: london only asked for it.
		w.prefs(w.A, "london", true, true)
		for _, at := range []string{"2026-04-01T05:59:00Z", "2026-04-01T06:00:00Z", "2026-04-01T06:30:00Z"} {
			now, _ := time.Parse(time.RFC3339, at)
			db.Clock.Set(now)
			if _, err := w.app.RunDigests(w.ctx, app.DigestMonthly); err != nil {
				t.Fatal(err)
			}
		}
		monthly := 0
		for _, m := range digestsTo(t, db)[email("london")] {
			if m.Kind == mail.KindDigestMonthly {
				monthly++
			}
		}
		if monthly != 1 {
			t.Errorf("london has %d monthly digests, want 1", monthly)
		}
	})
}

// TestDigestContent reads a digest as the SMTP server received it: the
// subject, both parts, the measure's value, band in words and colour,
// trend, an overdue action, a due to-do, and links under the base URL.
func TestDigestContent(t *testing.T) {
	testkit.SQLiteAndPostgres(t, func(t *testing.T, db *testkit.DB) {
		w := newDigestWorld(t, db)
		db.Clock.Set(time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC))
		x, err := w.app.CreateAction(w.ctx, w.A.as("admin"), app.ActionInput{Title: "Library outreach", Status: "Behind Schedule",
			Percent: "40", StartDate: "2026-02-01", EndDate: "2026-03-01", Assignee: w.A.members["london"].Email}, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.app.AddTodo(w.ctx, w.A.as("admin"), x.ID, app.TodoInput{Title: "Call the branch", Assignee: w.A.members["london"].Email, DueDate: "2026-03-10"}); err != nil {
			t.Fatal(err)
		}
		db.Clock.Set(time.Date(2026, 3, 9, 7, 0, 0, 0, time.UTC))
		if _, err := w.app.RunDigests(w.ctx, app.DigestWeekly); err != nil {
			t.Fatal(err)
		}
		srv := testkit.StartSMTP(t)
		sender, err := mail.NewSMTPSender(srv.URL(), "yardstick@yardstick.test")
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := (&mail.Worker{Store: db.Store, Sender: sender}).RunOnce(w.ctx); err != nil {
			t.Fatal(err)
		}
		var got *testkit.CapturedMail
		for _, m := range srv.WaitFor(t, 1, 10*time.Second) {
			if len(m.To) == 1 && m.To[0] == w.A.members["london"].Email {
				got = &m
			}
		}
		if got == nil {
			t.Fatalf("no digest to london among %d mails", len(srv.Messages()))
		}
		if got.Subject != "Your weekly digest for “Alpha Org” (ALPHA)" {
			t.Errorf("subject %q", got.Subject)
		}
		if lu := got.Header.Get("List-Unsubscribe"); !strings.HasPrefix(lu, "<http://yardstick.test/unsubscribe/") ||
			got.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
			t.Errorf("List-Unsubscribe %q, List-Unsubscribe-Post %q", lu, got.Header.Get("List-Unsubscribe-Post"))
		}
		measureURL := "http://yardstick.test/i/ALPHA/objects/" + itoa64(w.M.ID)
		actionURL := "http://yardstick.test/i/ALPHA/actions/" + itoa64(x.ID)
		for _, want := range []string{"the week of 9 March 2026", "Reading <b>level</b> =1+1", "Jan 2026: Actual 52, target 50, Green (on target)",
			"Trend: up for 2 periods (improving)", "Due without data: Feb 2026", measureURL,
			"Library outreach: Behind Schedule, 40%, ends 2026-03-01 (OVERDUE)", actionURL, "Call the branch", "due 2026-03-10",
			"http://yardstick.test/unsubscribe/" + itoa64(w.A.in.ID) + "_"} {
			if !strings.Contains(got.Body, want) {
				t.Errorf("text part lacks %q:\n%s", want, got.Body)
			}
		}
		for _, want := range []string{"Reading &lt;b&gt;level&lt;/b&gt; =1+1", "Green (on target)", "background: #1a7f37", `href="` + measureURL + `"`,
			`href="` + actionURL + `"`, "(overdue)", "Stop this digest"} {
			if !strings.Contains(got.HTML, want) {
				t.Errorf("HTML part lacks %q:\n%s", want, got.HTML)
			}
		}
		if strings.Contains(got.HTML, "<b>level") {
			t.Error("a title's HTML reached the HTML part unescaped")
		}
		// Delivered: the single-use link is erased from the outbox.
		for _, m := range digestsTo(t, db)[w.A.members["london"].Email] {
			if strings.Contains(m.Body, "/unsubscribe/") || m.HTML != "" || m.UnsubscribeURL != "" {
				t.Error("the delivered digest still holds its unsubscribe link in the outbox")
			}
		}
	})
}

// TestDigestsTwoEngines: two processes' runs on one PostgreSQL database,
// at once, past Monday 07:00: every due member gets exactly one digest.
func TestDigestsTwoEngines(t *testing.T) {
	testkit.SQLiteAndPostgres(t, func(t *testing.T, db *testkit.DB) {
		w := newDigestWorld(t, db)
		const extra = 300
		for i := range extra {
			name := "m" + itoa64(int64(i))
			w.A.member(name, access.PresetAdministration)
			if err := w.app.Star(w.ctx, w.A.as(name), w.M.ID, true); err != nil {
				t.Fatal(err)
			}
			w.prefs(w.A, name, true, false)
		}
		db.Clock.Set(time.Date(2026, 3, 9, 12, 0, 0, 0, time.UTC))
		// A second store (pool) and app on the same database: another process.
		other, err := store.OpenNoMigrate(db.URL, db.Clock)
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		apps := []*app.App{w.app, app.New(other, app.Config{BaseURL: "http://yardstick.test"}, nil, nil)}
		var wg sync.WaitGroup
		sent := make([]int, 2)
		errs := make([]error, 2)
		for i, a := range apps {
			wg.Go(func() {
				res, err := a.RunDigests(context.Background(), app.DigestWeekly)
				sent[i], errs[i] = res.Sent, err
			})
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		got := digestsTo(t, db)
		want := extra + 3 // tokyo, london, ny are past 07:00 too
		if len(got) != want || sent[0]+sent[1] != want {
			t.Errorf("%d members got digests (runs sent %d + %d), want %d", len(got), sent[0], sent[1], want)
		}
		for to, ms := range got {
			if len(ms) != 1 {
				t.Errorf("%s got %d digests", to, len(ms))
			}
		}
	})
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

// TestDigestsAcrossInstances: one run walks the members of several
// instances side by side with their measures and actions; each digest
// holds its own instance's rows only.
func TestDigestsAcrossInstances(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		w := newPW(t, db)
		type inst struct {
			s     *site
			title string
		}
		var all []inst
		for i := range 5 {
			code := "SITE" + itoa64(int64(i))
			s := w.site(code, "Site "+itoa64(int64(i)))
			admin := s.member("admin", access.PresetAdministration)
			S := s.scorecard(admin, "Card")
			R := s.container(admin, "Result", app.Placement{ScorecardID: S.ID})
			title := "Measure of " + code
			M := s.measure(admin, title, app.Placement{ParentID: R.ID})
			for _, name := range []string{"a", "b"} {
				s.member(name, access.PresetAdministration)
				if i%2 == 0 || name == "a" { // some instances with one follower, some two
					if err := w.app.Star(w.ctx, s.as(name), M.ID, true); err != nil {
						t.Fatal(err)
					}
				}
				if _, err := w.app.CreateAction(w.ctx, admin, app.ActionInput{Title: "Task of " + code + " " + name, Status: "On Track",
					Assignee: s.members[name].Email}, "", 0); err != nil {
					t.Fatal(err)
				}
				if err := w.app.SavePreferences(w.ctx, s.as(name), app.Preferences{DigestWeekly: true, ActionEmails: true}); err != nil {
					t.Fatal(err)
				}
			}
			all = append(all, inst{s, title})
		}
		db.Clock.Set(time.Date(2026, 3, 9, 7, 0, 0, 0, time.UTC))
		res, err := w.app.RunDigests(w.ctx, app.DigestWeekly)
		if err != nil {
			t.Fatal(err)
		}
		if res.Sent != 10 {
			t.Errorf("sent %d digests, want 10", res.Sent)
		}
		got := digestsTo(t, db)
		for i, x := range all {
			for _, name := range []string{"a", "b"} {
				ms := got[x.s.members[name].Email]
				if len(ms) != 1 {
					t.Errorf("%s %s: %d digests", x.s.in.Code, name, len(ms))
					continue
				}
				body := ms[0].Body
				follows := i%2 == 0 || name == "a"
				if strings.Contains(body, x.title) != follows || !strings.Contains(body, "Task of "+x.s.in.Code+" "+name) {
					t.Errorf("%s %s: digest lacks its own rows (follows %v):\n%s", x.s.in.Code, name, follows, body)
				}
				for j, y := range all {
					if j != i && (strings.Contains(body, y.title) || strings.Contains(body, "Task of "+y.s.in.Code+" ")) {
						t.Errorf("%s %s: digest shows %s's rows", x.s.in.Code, name, y.s.in.Code)
					}
				}
			}
		}
	})
}
