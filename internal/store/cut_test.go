package store_test

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"yardstick/internal/model"
	"yardstick/internal/store"
	"yardstick/internal/testkit"
)

// The columns the store shortens instead of refusing (log names, delivery
// errors) are cut by characters: a cut by bytes split a character, which
// PostgreSQL refused (SQLSTATE 22021) and SQLite kept broken. Text that is
// not storable at all (NUL, bytes that are not UTF-8: a User-Agent, an SMTP
// reply) is made storable rather than failing the change it records.
func TestStoredTextIsCutByCharacters(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		in := testkit.MustCreateInstance(t, db.Store, "ACME", "Acme")
		q := db.Store.Q()
		for _, c := range []string{"ж", "語", "😀"} {
			t.Run(c, func(t *testing.T) {
				long := func(n int) string { return "A" + strings.Repeat(c, n-1) }
				at := testkit.Epoch.Add(time.Duration(utf8.RuneLen([]rune(c)[0])) * time.Minute)
				tests := []struct {
					name      string
					in        model.Activity
					get       func(model.Activity) string
					want      string
					wantChars int
				}{
					{"actor name at its limit", model.Activity{ActorName: long(200)}, func(a model.Activity) string { return a.ActorName }, long(200), 200},
					{"actor name cut", model.Activity{ActorName: long(260)}, func(a model.Activity) string { return a.ActorName }, long(200), 200},
					{"actor email cut", model.Activity{ActorEmail: long(300) + "@example.org"}, func(a model.Activity) string { return a.ActorEmail }, long(254), 254},
					{"object name at its limit", model.Activity{ObjectName: long(300)}, func(a model.Activity) string { return a.ObjectName }, long(300), 300},
					{"object name cut", model.Activity{ObjectName: long(301)}, func(a model.Activity) string { return a.ObjectName }, long(300), 300},
					{"client address cut", model.Activity{ClientAddr: long(150)}, func(a model.Activity) string { return a.ClientAddr }, long(100), 100},
					{"NUL and broken bytes", model.Activity{ObjectName: "A\x00" + c + "\xd0"}, func(a model.Activity) string { return a.ObjectName }, "A" + c + "\uFFFD", 3},
				}
				for i, tt := range tests {
					e := tt.in
					e.InstanceID, e.Activity, e.At = in.ID, "update", at.Add(time.Duration(i)*time.Second)
					if err := q.RecordActivity(ctx, e); err != nil {
						t.Errorf("%s: %v", tt.name, err)
						continue
					}
					page, err := q.ListActivity(ctx, in.ID, store.ActivityFilter{From: e.At, To: e.At.Add(time.Second), Limit: 5})
					if err != nil || len(page.Entries) != 1 {
						t.Fatalf("%s: read back %d entries, %v", tt.name, len(page.Entries), err)
					}
					if got := tt.get(page.Entries[0]); got != tt.want || utf8.RuneCountInString(got) != tt.wantChars {
						t.Errorf("%s: stored %q (%d characters), want %q", tt.name, got, utf8.RuneCountInString(got), tt.want)
					}
				}

				// A delivery error is kept to 1,000 characters.
				id, err := q.EnqueueMail(ctx, model.OutboxMessage{InstanceID: &in.ID, Kind: "test", To: "ann@example.org", Subject: "s", Body: "b"})
				if err != nil {
					t.Fatal(err)
				}
				if err := q.MarkMailRetry(ctx, id, long(1200)+"\xff", db.Clock.Now()); err != nil {
					t.Fatalf("retry: %v", err)
				}
				if err := q.MarkMailFailed(ctx, id, "550 "+long(1001)); err != nil {
					t.Fatalf("failed: %v", err)
				}
				m, err := q.MailByID(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				if want := "550 " + long(996); m.LastError != want {
					t.Errorf("last error %q (%d characters), want the first 1,000 characters", m.LastError, utf8.RuneCountInString(m.LastError))
				}
			})
		}
	})
}
