package jobs_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/jobs"
	"yardstick/internal/model"
	"yardstick/internal/store"
	"yardstick/internal/testkit"
)

// childEnv carries the database URL to the digest run this test binary
// starts as a child process (TestDigestRunSurvivesKill) and then kills.
const childEnv = "YARDSTICK_TEST_DIGEST_CHILD"

// monday is past 07:00 on a Monday in UTC, the members' zone.
var monday = time.Date(2026, 3, 9, 12, 0, 0, 0, time.UTC)

func TestMain(m *testing.M) {
	if u := os.Getenv(childEnv); u != "" {
		os.Exit(digestChild(u))
	}
	os.Exit(m.Run())
}

// digestChild runs the weekly digests on the database at u, as a
// yardstick process's job would, until it is killed.
func digestChild(u string) int {
	s, err := store.OpenNoMigrate(u, store.NewFakeClock(monday))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	a := app.New(s, app.Config{BaseURL: "http://yardstick.test"}, nil, nil)
	if _, err := a.RunDigests(context.Background(), app.DigestWeekly); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// digestFixture makes an instance with one measure with data and n
// members following it with the weekly digest on.
func digestFixture(t *testing.T, db *testkit.DB, n int) (*app.App, model.Instance) {
	t.Helper()
	ctx := context.Background()
	a := app.New(db.Store, app.Config{BaseURL: "http://yardstick.test"}, nil, nil)
	in := testkit.MustCreateInstance(t, db.Store, "NET", "Network")
	acct, _ := testkit.MustCreateMember(t, db.Store, in, "admin@net.example.org", access.PresetAdministration)
	admin, err := a.ActorFor(ctx, app.Session{Account: acct}, in.Code, app.Client{Addr: "192.0.2.1"})
	if err != nil {
		t.Fatal(err)
	}
	sc, err := a.CreateScorecard(ctx, admin, app.ScorecardInput{Title: "Results"})
	if err != nil {
		t.Fatal(err)
	}
	types, err := a.Types(ctx, admin, "")
	if err != nil {
		t.Fatal(err)
	}
	freqs, err := a.Frequencies(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	typeOf := map[string]int64{}
	for _, ty := range types {
		typeOf[ty.Name] = ty.ID
	}
	r, err := a.CreateObject(ctx, admin, app.ObjectInput{Kind: model.KindContainer, TypeID: typeOf["Result"], Title: "Families thrive"},
		app.Placement{ScorecardID: sc.ID})
	if err != nil {
		t.Fatal(err)
	}
	m, err := a.CreateObject(ctx, admin, app.ObjectInput{Kind: model.KindMeasure, TypeID: typeOf["Indicator"], Title: "Households served",
		Decimals: "0", Polarity: "higher", FrequencyID: freqs[0].ID}, app.Placement{ParentID: r.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.SaveData(ctx, admin, m.ID, []app.DataEntry{{PeriodKey: "2026-01-01", Actual: "120", Target: "100"}}); err != nil {
		t.Fatal(err)
	}
	testkit.SeedDigestMembers(t, db.Store, in, 0, n, []int64{m.ID}, 0)
	return a, in
}

// TestDigestRunSurvivesKill: a process killed (SIGKILL) in the middle of
// a 10,000-member digest run, then a run after restart: every member has
// exactly one digest.
func TestDigestRunSurvivesKill(t *testing.T) {
	const members = 10000
	testkit.SQLiteAndPostgres(t, func(t *testing.T, db *testkit.DB) {
		ctx := context.Background()
		a, _ := digestFixture(t, db, members)
		sent := func() int {
			var n int
			if err := db.Store.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM digest_sends`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		// On PostgreSQL the child's connections carry a name of their own,
		// so the test can wait for them to end: a COMMIT the child sent
		// just before it was killed still lands after the kill.
		childURL, child := db.URL, fmt.Sprintf("digestchild-%d", time.Now().UnixNano())
		if db.Name != "sqlite" {
			u, err := url.Parse(db.URL)
			if err != nil {
				t.Fatal(err)
			}
			q := u.Query()
			q.Set("application_name", child)
			u.RawQuery = q.Encode()
			childURL = u.String()
		}
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), childEnv+"="+childURL)
		var out strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(2 * time.Minute)
		for sent() < members/5 && time.Now().Before(deadline) { // a fifth in: well inside the run
			time.Sleep(2 * time.Millisecond)
		}
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		cmd.Wait()
		for db.Name != "sqlite" && time.Now().Before(deadline) {
			var n int
			if err := db.Store.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = $1`, child).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		partial := sent()
		if partial == 0 || partial >= members {
			t.Fatalf("the child was killed after %d of %d digests, not in the middle of its run (output: %s)", partial, members, out.String())
		}
		t.Logf("killed after %d of %d digests", partial, members)
		db.Clock.Set(monday)
		res, err := a.RunDigests(ctx, app.DigestWeekly)
		if err != nil {
			t.Fatal(err)
		}
		if res.Sent != members-partial {
			t.Errorf("the run after restart sent %d, want %d", res.Sent, members-partial)
		}
		var mails, recipients int
		if err := db.Store.DB().QueryRowContext(ctx, `SELECT COUNT(*), COUNT(DISTINCT to_addr) FROM outbox WHERE kind = 'digest_weekly'`).Scan(&mails, &recipients); err != nil {
			t.Fatal(err)
		}
		if mails != members || recipients != members || sent() != members {
			t.Errorf("%d digests to %d members, %d recorded; want %d each", mails, recipients, sent(), members)
		}
	})
}

// TestDigestRunStopsAtFailedWrite: the batches are written by a goroutine
// of their own while the next is composed; when a batch's write fails,
// the run says so and stops, the batches before it stay sent and the
// failed one leaves nothing behind, and the next run sends the rest, each
// digest once.
func TestDigestRunStopsAtFailedWrite(t *testing.T) {
	const members = 2000 // ten batches
	testkit.SQLiteAndPostgres(t, func(t *testing.T, db *testkit.DB) {
		ctx := context.Background()
		a, _ := digestFixture(t, db, members)
		db.Clock.Set(monday)
		exec := func(stmts ...string) {
			for _, q := range stmts {
				if _, err := db.Store.DB().ExecContext(ctx, q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
		}
		// The outbox refuses mail past the first two batches.
		drop := `DROP TRIGGER outbox_full ON outbox`
		if db.Store.Dialect() == store.SQLite {
			drop = `DROP TRIGGER outbox_full`
			exec(`CREATE TRIGGER outbox_full BEFORE INSERT ON outbox WHEN (SELECT COUNT(*) FROM outbox) >= 400
				BEGIN SELECT RAISE(ABORT, 'outbox full'); END`)
		} else {
			exec(`CREATE FUNCTION outbox_full() RETURNS trigger LANGUAGE plpgsql AS $$
				BEGIN IF (SELECT COUNT(*) FROM outbox) >= 400 THEN RAISE EXCEPTION 'outbox full'; END IF; RETURN NEW; END $$`,
				`CREATE TRIGGER outbox_full BEFORE INSERT ON outbox FOR EACH ROW EXECUTE FUNCTION outbox_full()`)
		}
		count := func(q string) (n int) {
			if err := db.Store.DB().QueryRowContext(ctx, q).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		res, err := a.RunDigests(ctx, app.DigestWeekly)
		if err == nil || !strings.Contains(err.Error(), "outbox full") {
			t.Fatalf("run against a failing outbox: %+v, %v; want the write's error", res, err)
		}
		// SQLite's one writer stops at exactly 400. PostgreSQL's two write
		// side by side, and each transaction's trigger counts only the
		// committed mail: a batch more or so may pass before one fails.
		// Whatever passed is whole batches, counted, recorded and mailed
		// alike.
		sent := res.Sent
		if sent != 400 && (db.Store.Dialect() == store.SQLite || sent < 400 || sent%200 != 0) ||
			count(`SELECT COUNT(*) FROM digest_sends`) != sent || count(`SELECT COUNT(*) FROM outbox`) != sent {
			t.Errorf("after the failed write: sent %d, %d recorded, %d mails; want 400 each (PostgreSQL: whole batches, from 400)", sent,
				count(`SELECT COUNT(*) FROM digest_sends`), count(`SELECT COUNT(*) FROM outbox`))
		}
		if sent >= members || res.Members >= members {
			t.Errorf("the run sent %d and read %d of %d members after a write failed", sent, res.Members, members)
		}
		exec(drop)
		res, err = a.RunDigests(ctx, app.DigestWeekly)
		if err != nil || res.Sent != members-sent {
			t.Fatalf("the next run: %+v, %v; want %d sent", res, err, members-sent)
		}
		if n, to := count(`SELECT COUNT(*) FROM outbox`), count(`SELECT COUNT(DISTINCT to_addr) FROM outbox`); n != members || to != members {
			t.Errorf("%d digests to %d members, want %d each", n, to, members)
		}
	})
}

// TestTwoEnginesOneDigestEach: two job engines (two processes' worth: a
// store, an app and a River client each) on one database, with the clock
// past Monday 07:00 and the digest run every 100 ms: River's elected
// leader enqueues the runs, and every due member gets exactly one digest
// however many runs the two engines work.
func TestTwoEnginesOneDigestEach(t *testing.T) {
	const members = 500
	testkit.SQLiteAndPostgres(t, func(t *testing.T, db *testkit.DB) {
		ctx := context.Background()
		digestFixture(t, db, members)
		db.Clock.Set(monday)
		for range 2 {
			s, err := store.OpenNoMigrate(db.URL, db.Clock)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			e, err := jobs.New(app.New(s, app.Config{BaseURL: "http://yardstick.test"}, nil, nil),
				jobs.Config{DigestEvery: 100 * time.Millisecond, PollEvery: 50 * time.Millisecond}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := e.Start(ctx); err != nil {
				t.Fatal(err)
			}
			defer e.Stop(context.WithoutCancel(ctx))
		}
		count := func(query string) int {
			var n int
			if err := db.Store.DB().QueryRowContext(ctx, query).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		deadline := time.Now().Add(90 * time.Second)
		for count(`SELECT COUNT(*) FROM digest_sends`) < members && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		// Let more runs come and go: they must find nothing to send.
		runs := func() int {
			return count(`SELECT COUNT(*) FROM river_job WHERE kind = 'digest_run' AND state = 'completed'`)
		}
		for start := runs(); runs() < start+4 && time.Now().Before(deadline); {
			time.Sleep(50 * time.Millisecond)
		}
		if n := runs(); n < 4 {
			t.Errorf("only %d digest runs completed", n)
		}
		mails, recipients := 0, 0
		if err := db.Store.DB().QueryRowContext(ctx, `SELECT COUNT(*), COUNT(DISTINCT to_addr) FROM outbox WHERE kind = 'digest_weekly'`).Scan(&mails, &recipients); err != nil {
			t.Fatal(err)
		}
		if mails != members || recipients != members {
			t.Errorf("%d digests to %d members, want %d each", mails, recipients, members)
		}
	})
}

// TestEngineDeliversScheduledReportOnce: the job engine looks for due
// report deliveries as often as for digests, and a weekly report is
// written to the outbox once for its period however many runs come.
func TestEngineDeliversScheduledReportOnce(t *testing.T) {
	testkit.SQLiteAndPostgres(t, func(t *testing.T, db *testkit.DB) {
		ctx := context.Background()
		a, in := digestFixture(t, db, 0)
		acct, err := db.Store.Q().AccountByEmail(ctx, "admin@net.example.org")
		if err != nil {
			t.Fatal(err)
		}
		admin, err := a.ActorFor(ctx, app.Session{Account: acct}, in.Code, app.Client{Addr: "192.0.2.1"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.CreateSavedReport(ctx, admin, app.SavedReportInput{Name: "Weekly data", Kind: app.ReportMeasureData, Schedule: app.DigestWeekly}); err != nil {
			t.Fatal(err)
		}
		db.Clock.Set(monday)
		e, err := jobs.New(a, jobs.Config{DigestEvery: 100 * time.Millisecond, PollEvery: 50 * time.Millisecond}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.Start(ctx); err != nil {
			t.Fatal(err)
		}
		defer e.Stop(context.WithoutCancel(ctx))
		count := func(query string) int {
			var n int
			if err := db.Store.DB().QueryRowContext(ctx, query).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		runs := func() int {
			return count(`SELECT COUNT(*) FROM river_job WHERE kind = 'report_deliveries' AND state = 'completed'`)
		}
		deadline := time.Now().Add(90 * time.Second)
		for runs() < 4 && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		if n := runs(); n < 4 {
			t.Errorf("only %d delivery runs completed", n)
		}
		if n := count(`SELECT COUNT(*) FROM outbox WHERE kind = 'report_delivery' AND attachment IS NOT NULL`); n != 1 {
			t.Errorf("%d report deliveries in the outbox, want 1", n)
		}
	})
}

// TestEnginePrunesOldMail: with MailKeep set, the engine deletes the sent
// mail older than that, and leaves newer and pending mail; without it,
// nothing is deleted.
func TestEnginePrunesOldMail(t *testing.T) {
	testkit.SQLiteAndPostgres(t, func(t *testing.T, db *testkit.DB) {
		ctx := context.Background()
		a := app.New(db.Store, app.Config{BaseURL: "http://yardstick.test"}, nil, nil)
		q := db.Store.Q()
		queue := func(subject string, sent bool) int64 {
			id, err := q.EnqueueMail(ctx, model.OutboxMessage{Kind: "k", To: "a@example.org", Subject: subject, Body: "b"})
			if err == nil && sent {
				err = q.MarkMailSent(ctx, id)
			}
			if err != nil {
				t.Fatal(err)
			}
			return id
		}
		old := queue("old, sent", true)
		oldPending := queue("old, pending", false)
		db.Clock.Advance(40 * 24 * time.Hour)
		recent := queue("recent, sent", true)
		left := func() map[int64]bool {
			ms, err := q.ListMail(ctx, "", 0, 10)
			if err != nil {
				t.Fatal(err)
			}
			ids := map[int64]bool{}
			for _, m := range ms {
				ids[m.ID] = true
			}
			return ids
		}
		run := func(cfg jobs.Config, wait func() bool) {
			cfg.PruneEvery, cfg.PollEvery = 100*time.Millisecond, 50*time.Millisecond
			e, err := jobs.New(a, cfg, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := e.Start(ctx); err != nil {
				t.Fatal(err)
			}
			defer e.Stop(context.WithoutCancel(ctx))
			deadline := time.Now().Add(60 * time.Second)
			for !wait() && time.Now().Before(deadline) {
				time.Sleep(50 * time.Millisecond)
			}
		}
		// No MailKeep: the engine runs its other jobs a while, and every
		// message stays.
		runs := func() int {
			var n int
			if err := db.Store.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM river_job WHERE kind = 'action_reminders' AND state = 'completed'`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		run(jobs.Config{}, func() bool { return runs() > 0 })
		if got := left(); len(got) != 3 {
			t.Fatalf("without MailKeep %d messages are left, want all 3", len(got))
		}
		run(jobs.Config{MailKeep: 30 * 24 * time.Hour}, func() bool { return !left()[old] })
		got := left()
		if got[old] || !got[oldPending] || !got[recent] || len(got) != 2 {
			t.Errorf("left %v; want the old pending message (%d) and the recent one (%d)", got, oldPending, recent)
		}
	})
}
