package app_test

import (
	"context"
	"testing"
	"time"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/testkit"
)

// TestSessionInUseNeverEnds: with a one-minute idle time, a session used
// every 10 seconds, or after gaps of exactly the idle time, stays signed
// in; one left unused ends soon after the idle time. The clock is the
// store's fake clock.
func TestSessionInUseNeverEnds(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		ctx := context.Background()
		a := app.New(db.Store, app.Config{BaseURL: "http://yardstick.test", SessionIdle: time.Minute}, nil, nil)
		in := testkit.MustCreateInstance(t, db.Store, "ACME", "Acme")
		testkit.MustCreateMember(t, db.Store, in, "ada@example.org", access.PresetAdministration)
		token, _, err := a.SignIn(ctx, "ada@example.org", testkit.Password, "", app.Client{Addr: "127.0.0.1"})
		if err != nil {
			t.Fatal(err)
		}
		use := func(what string) {
			t.Helper()
			if _, err := a.AuthenticateIn(ctx, token, "ACME"); err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			if _, err := a.ExpireIdleSessions(ctx); err != nil {
				t.Fatal(err)
			}
		}
		start := db.Clock.Now()
		for i := 1; i <= 30; i++ {
			db.Clock.Advance(10 * time.Second)
			use("used every 10 s, at " + db.Clock.Now().Sub(start).String())
		}
		// A short gap, then a gap of the whole idle time, several times.
		for i := range 5 {
			db.Clock.Advance(14 * time.Second)
			use("after 14 s, round " + itoa(i))
			db.Clock.Advance(time.Minute)
			use("after a gap of exactly the idle time, round " + itoa(i))
		}
		// Unused, it ends: within the idle time and a quarter of it.
		db.Clock.Advance(time.Minute + time.Minute/4 + time.Second)
		if _, err := a.AuthenticateIn(ctx, token, "ACME"); err == nil {
			t.Fatal("a session unused for longer than the idle time is still signed in")
		}
	})
}
