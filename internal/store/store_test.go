package store_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"yardstick/internal/access"
	"yardstick/internal/model"
	"yardstick/internal/store"
	"yardstick/internal/testkit"
)

var ctx = context.Background()

func TestMigrationsMatchAcrossDialects(t *testing.T) {
	lite, err := store.Migrations(store.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	pg, err := store.Migrations(store.Postgres)
	if err != nil {
		t.Fatal(err)
	}
	if len(lite) != len(pg) {
		t.Fatalf("sqlite has %d migrations, postgres %d", len(lite), len(pg))
	}
	for i := range lite {
		if lite[i].Name != pg[i].Name {
			t.Errorf("migration %d: sqlite %s, postgres %s", i+1, lite[i].Name, pg[i].Name)
		}
	}
}

func TestSchemasHaveSameTablesAndColumns(t *testing.T) {
	liteDB := testkit.NewSQLite(t)
	lite, err := liteDB.Store.Columns(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(lite) == 0 {
		t.Fatal("no columns read from sqlite")
	}
	if testkit.PostgresURL(t) == "" {
		t.Log("postgres not set up; compared nothing")
		return
	}
	pg, err := testkit.NewPostgres(t).Store.Columns(ctx)
	if err != nil {
		t.Fatal(err)
	}
	key := func(c store.Column) string { return c.Table + "." + c.Name }
	a, b := map[string]bool{}, map[string]bool{}
	for _, c := range lite {
		a[key(c)] = true
	}
	for _, c := range pg {
		b[key(c)] = true
	}
	for k := range a {
		if !b[k] {
			t.Errorf("%s exists in sqlite only", k)
		}
	}
	for k := range b {
		if !a[k] {
			t.Errorf("%s exists in postgres only", k)
		}
	}
}

func TestMigrateIsIdempotent(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		if err := db.Store.Migrate(ctx); err != nil {
			t.Fatalf("second migrate: %v", err)
		}
	})
}

func TestInstancesAndAccounts(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		q := db.Store.Q()
		in, err := q.CreateInstance(ctx, model.Instance{Code: "ACME", Name: "Acme", Seats: 5})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := q.CreateInstance(ctx, model.Instance{Code: "ACME", Name: "Other"}); !errors.Is(err, store.ErrConflict) {
			t.Errorf("duplicate code: got %v, want ErrConflict", err)
		}
		got, err := q.InstanceByCode(ctx, "ACME")
		if err != nil || got.ID != in.ID || got.Name != "Acme" || !got.CreatedAt.Equal(testkit.Epoch) {
			t.Errorf("InstanceByCode = %+v, %v", got, err)
		}
		if _, err := q.InstanceByCode(ctx, "NOPE"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("missing code: got %v", err)
		}
		exp := testkit.Epoch.Add(72 * time.Hour)
		a, err := q.CreateAccount(ctx, model.Account{Email: "jo@example.org", Name: "Jo", PasswordTemporary: true, PasswordExpiresAt: &exp, HomeInstanceID: &in.ID}, "h")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := q.CreateAccount(ctx, model.Account{Email: "jo@example.org", Name: "Jo2"}, "h"); !errors.Is(err, store.ErrConflict) {
			t.Errorf("duplicate email: got %v", err)
		}
		back, err := q.AccountByEmail(ctx, "jo@example.org")
		if err != nil || back.ID != a.ID || !back.PasswordTemporary || back.PasswordExpiresAt == nil || !back.PasswordExpiresAt.Equal(exp) || *back.HomeInstanceID != in.ID {
			t.Errorf("AccountByEmail = %+v, %v", back, err)
		}
		m, err := q.CreateMembership(ctx, model.Membership{InstanceID: in.ID, AccountID: a.ID, Permissions: []string{"embed", "data.enter"}, Preset: "Custom", Active: true})
		if err != nil {
			t.Fatal(err)
		}
		mb, err := q.MembershipOf(ctx, in.ID, a.ID)
		if err != nil || mb.ID != m.ID || !slices.Equal(mb.Permissions, []string{"embed", "data.enter"}) || !mb.Active {
			t.Errorf("MembershipOf = %+v, %v", mb, err)
		}
		list, err := q.MemberInstances(ctx, a.ID)
		if err != nil || len(list) != 1 || list[0].Code != "ACME" {
			t.Errorf("MemberInstances = %+v, %v", list, err)
		}
	})
}

func TestTransactionRollsBack(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		boom := errors.New("boom")
		err := db.Store.InTx(ctx, func(q *store.Q) error {
			if _, err := q.CreateInstance(ctx, model.Instance{Code: "GONE", Name: "Gone"}); err != nil {
				return err
			}
			if _, err := q.EnqueueMail(ctx, model.OutboxMessage{Kind: "x", To: "a@b.c", Subject: "s", Body: "b"}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("got %v", err)
		}
		if n, _ := db.Store.Q().CountInstances(ctx); n != 0 {
			t.Errorf("instances after rollback: %d", n)
		}
		if ms, _ := db.Store.Q().ListMail(ctx, "", 0, 10); len(ms) != 0 {
			t.Errorf("mail after rollback: %d", len(ms))
		}
	})
}

func TestSessionsAndTokens(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		q := db.Store.Q()
		a, _ := q.CreateAccount(ctx, model.Account{Email: "s@example.org", Name: "S"}, "h")
		for _, h := range []string{"one", "two", "three"} {
			if err := q.CreateSession(ctx, model.Session{IDHash: h, AccountID: a.ID}); err != nil {
				t.Fatal(err)
			}
		}
		if err := q.DeleteAccountSessions(ctx, a.ID, "two"); err != nil {
			t.Fatal(err)
		}
		if _, err := q.SessionByHash(ctx, "one"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("other session survived: %v", err)
		}
		if _, err := q.SessionByHash(ctx, "two"); err != nil {
			t.Errorf("kept session gone: %v", err)
		}
		db.Clock.Advance(3 * time.Hour)
		if n, err := q.DeleteIdleSessions(ctx, db.Clock.Now().Add(-2*time.Hour)); err != nil || n != 1 {
			t.Errorf("DeleteIdleSessions = %d, %v", n, err)
		}

		if err := q.CreatePasswordToken(ctx, "tok", a.ID, store.TokenReset, db.Clock.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if id, err := q.UsePasswordToken(ctx, "tok", store.TokenSignIn); err == nil {
			t.Errorf("wrong purpose accepted: %d", id)
		}
		if id, err := q.UsePasswordToken(ctx, "tok", store.TokenReset); err != nil || id != a.ID {
			t.Errorf("first use = %d, %v", id, err)
		}
		if _, err := q.UsePasswordToken(ctx, "tok", store.TokenReset); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("second use: %v", err)
		}
		q.CreatePasswordToken(ctx, "late", a.ID, store.TokenReset, db.Clock.Now().Add(time.Hour))
		db.Clock.Advance(time.Hour + time.Second)
		if _, err := q.UsePasswordToken(ctx, "late", store.TokenReset); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("expired token: %v", err)
		}
	})
}

func TestThrottleCountsConcurrentFailures(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		const n = 8
		errs := make(chan error, n)
		for range n {
			go func() {
				_, err := db.Store.Q().RecordFailure(ctx, "x@example.org")
				errs <- err
			}()
		}
		for range n {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		th, err := db.Store.Q().ThrottleOf(ctx, "x@example.org")
		if err != nil || th.Failures != n {
			t.Errorf("ThrottleOf = %+v, %v; want %d failures", th, err, n)
		}
	})
}

func TestOutboxClaimIsExclusive(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		for i := range 20 {
			if _, err := db.Store.Q().EnqueueMail(ctx, model.OutboxMessage{Kind: "k", To: "a@b.c", Subject: "s", Body: "b", HasSecret: i%2 == 0}); err != nil {
				t.Fatal(err)
			}
		}
		seen := make(chan int64, 40)
		done := make(chan error, 4)
		for range 4 {
			go func() {
				ms, err := db.Store.Q().ClaimMail(ctx, 10, time.Minute)
				for _, m := range ms {
					seen <- m.ID
				}
				done <- err
			}()
		}
		for range 4 {
			if err := <-done; err != nil {
				t.Fatal(err)
			}
		}
		close(seen)
		got := map[int64]int{}
		for id := range seen {
			got[id]++
			if got[id] > 1 {
				t.Errorf("message %d claimed twice", id)
			}
		}
		if len(got) != 20 {
			t.Errorf("claimed %d distinct messages, want 20", len(got))
		}
		if err := db.Store.Q().MarkMailSent(ctx, 1); err != nil {
			t.Fatal(err)
		}
		m, _ := db.Store.Q().MailByID(ctx, 1)
		if m.Status != model.MailSent || m.Body == "b" || m.SentAt == nil {
			t.Errorf("sent secret message = %+v", m)
		}
	})
}

// TestOpenUpToDateChecksNothingWhole: opening a database that has every
// migration reads schema_migrations and runs none of them. Each used to
// run in a transaction ending in a foreign key check of the whole
// database (20 s a start at 1 GB on SQLite); a row the check would find
// now shows that none ran.
func TestOpenUpToDateChecksNothingWhole(t *testing.T) {
	path := filepath.Join(t.TempDir(), "y.db")
	s, err := store.Open(ctx, "sqlite:"+path, store.NewFakeClock(testkit.Epoch))
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	raw, err := sql.Open("sqlite", path) // foreign keys off: a row no instance owns
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`INSERT INTO color_bands (instance_id, polarity, green, yellow, updated_at) VALUES (999, 'higher', 1, 0, '2026-01-01')`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	s, err = store.Open(ctx, "sqlite:"+path, store.NewFakeClock(testkit.Epoch))
	if err != nil {
		t.Fatalf("opening an up-to-date database: %v", err)
	}
	s.Close()
}

// TestInTxRunsADeadlocksLoserAgain: two transactions taking the same two
// rows in opposite order deadlock; the database rolls one back, InTx runs
// it again, and both commit, each change made once.
func TestInTxRunsADeadlocksLoserAgain(t *testing.T) {
	testkit.EachServerDB(t, func(t *testing.T, db *testkit.DB) {
		in := testkit.MustCreateInstance(t, db.Store, "ACME", "Acme")
		_, a := testkit.MustCreateMember(t, db.Store, in, "a@example.org", access.PresetPresenter)
		_, b := testkit.MustCreateMember(t, db.Store, in, "b@example.org", access.PresetPresenter)
		bump := func(q *store.Q, id int64) error {
			return q.ExecForTest(ctx, `UPDATE memberships SET version = version + 1 WHERE instance_id = $1 AND id = $2`, in.ID, id)
		}
		// Each transaction's first run waits, holding its first row, until
		// the other holds its own: then neither can go on.
		var holding sync.WaitGroup
		holding.Add(2)
		both := make(chan struct{})
		go func() { holding.Wait(); close(both) }()
		var runs atomic.Int32
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, order := range [][2]int64{{a.ID, b.ID}, {b.ID, a.ID}} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				first := true
				errs[i] = db.Store.InTx(ctx, func(q *store.Q) error {
					runs.Add(1)
					if err := bump(q, order[0]); err != nil {
						return err
					}
					if first {
						first = false
						holding.Done()
						select {
						case <-both:
						case <-time.After(10 * time.Second):
							return errors.New("the other transaction never took its first row")
						}
					}
					return bump(q, order[1])
				})
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("transaction %d: %v", i, err)
			}
		}
		// Three runs at least: a deadlock, its loser run again. Under load
		// the loser's second run can take its first row before the winner
		// takes it back, and they deadlock once more.
		if n := runs.Load(); n < 3 {
			t.Errorf("the transactions ran %d times in all, want at least 3 (a deadlock, its loser run again)", n)
		}
		for _, m := range []model.Membership{a, b} {
			got, err := db.Store.Q().MembershipByID(ctx, in.ID, m.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Version != m.Version+2 {
				t.Errorf("membership %d is at version %d, want %d: each transaction's change once", m.ID, got.Version, m.Version+2)
			}
		}
	})
}

// TestInTxPanicGivesTheConnectionBack: a panic inside a transaction (the
// server recovers it) ends the transaction and gives its connection back
// to the pool; on PostgreSQL, where a transaction holds a connection
// taken by itself, more panics than the pool has connections must not
// leave later transactions waiting for one.
func TestInTxPanicGivesTheConnectionBack(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		// A leaked connection makes a later transaction wait for the
		// pool: until this deadline, and then fail.
		c, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		for range 25 { // the PostgreSQL pool holds 20
			func() {
				defer func() { recover() }()
				db.Store.InTx(c, func(q *store.Q) error {
					if _, err := q.EnqueueMail(c, model.OutboxMessage{Kind: "k", To: "a@b.c", Subject: "s", Body: "lost"}); err != nil {
						return err
					}
					panic("boom")
				})
			}()
		}
		if err := db.Store.InTx(c, func(q *store.Q) error {
			_, err := q.EnqueueMail(c, model.OutboxMessage{Kind: "k", To: "a@b.c", Subject: "s", Body: "kept"})
			return err
		}); err != nil {
			t.Fatalf("a transaction after the panics: %v", err)
		}
		ms, err := db.Store.Q().ListMail(ctx, "", 0, 100)
		if err != nil || len(ms) != 1 || ms[0].Body != "kept" {
			t.Errorf("outbox = %d messages (%v); want only the one committed", len(ms), err)
		}
	})
}
