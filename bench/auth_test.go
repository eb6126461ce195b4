package bench

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"testing"

	"yardstick/internal/access"
	"yardstick/internal/model"
	"yardstick/internal/testkit"
)

// BenchmarkFoundation measures sign-in throughput and a dashboard render
// against /healthz (the hello-world baseline) on the same server.
func BenchmarkFoundation(b *testing.B) {
	eachDB(b, func(b *testing.B, db *testkit.DB) {
		s := newSite(b, db)
		in := testkit.MustCreateInstance(b, db.Store, "BENCH", "Bench Community")
		_, ada := testkit.MustCreateMember(b, db.Store, in, "ada@example.org", access.PresetAdministration)
		c := s.client()
		s.login(b, c, "ada@example.org")
		mustContain(b, c, s.srv.URL+"/i/BENCH/", "Bench Community")

		b.Run("hello", func(b *testing.B) {
			for b.Loop() {
				get(b, c, s.srv.URL+"/healthz", http.StatusOK)
			}
			reqPerSec(b)
		})
		b.Run("dashboard", func(b *testing.B) {
			for b.Loop() {
				get(b, c, s.srv.URL+"/i/BENCH/", http.StatusOK)
			}
			reqPerSec(b)
		})
		// The same for a member with 1,000 read and 150 unread notifications
		// (issue 15): the bell's count, read with the membership, stops at
		// 100 on the index of the unread ones.
		notify(b, db, in.ID, ada.ID, 1000, 150)
		mustContain(b, c, s.srv.URL+"/i/BENCH/", "Notifications, 99+ unread")
		b.Run("dashboard-notified", func(b *testing.B) {
			for b.Loop() {
				get(b, c, s.srv.URL+"/i/BENCH/", http.StatusOK)
			}
			reqPerSec(b)
		})
		b.Run("signin", func(b *testing.B) {
			form := url.Values{"email": {"ada@example.org"}, "password": {testkit.Password}}
			fresh := s.client()
			for b.Loop() {
				res, err := fresh.PostForm(s.srv.URL+"/login", form)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusSeeOther {
					b.Fatalf("sign-in: %d", res.StatusCode)
				}
			}
			reqPerSec(b)
		})
	})
}

// notify gives a member read notifications, then unread ones, as the
// digest run writes them (one multi-row insert per thousand).
func notify(b *testing.B, db *testkit.DB, instanceID, membershipID int64, read, unread int) {
	b.Helper()
	ctx := context.Background()
	q := db.Store.Q()
	batch := func(n int) {
		ns := make([]model.Notification, n)
		for i := range ns {
			ns[i] = model.Notification{InstanceID: instanceID, MembershipID: membershipID, Kind: model.NotifyActionAssigned,
				Title: "Action " + itoa(int64(i)), Path: "/i/BENCH/actions/1"}
		}
		if err := q.AddNotifications(ctx, ns); err != nil {
			b.Fatal(err)
		}
	}
	batch(read)
	if err := q.MarkNotificationsRead(ctx, instanceID, membershipID, 1<<62); err != nil {
		b.Fatal(err)
	}
	batch(unread)
}
