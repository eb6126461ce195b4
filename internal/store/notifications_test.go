package store_test

import (
	"fmt"
	"testing"
	"time"

	"yardstick/internal/access"
	"yardstick/internal/model"
	"yardstick/internal/testkit"
)

// TestNotifications: a member's notifications come back newest first and
// to it alone, in its own instance only (another instance's member, or
// the same id under another instance, sees none); the unread count is
// read with the membership, bounded, and marking read stops at the id the
// member saw.
func TestNotifications(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		in := testkit.MustCreateInstance(t, db.Store, "ACME", "Acme")
		beta := testkit.MustCreateInstance(t, db.Store, "BETA", "Beta")
		adaAcct, ada := testkit.MustCreateMember(t, db.Store, in, "ada@example.org", access.PresetAdministration)
		_, bob := testkit.MustCreateMember(t, db.Store, in, "bob@example.org", access.PresetPresenter)
		cyAcct, cy := testkit.MustCreateMember(t, db.Store, beta, "cy@example.org", access.PresetAdministration)
		q := db.Store.Q()
		// One batch across both instances, as the digest run writes them.
		must(t, q.AddNotifications(ctx, []model.Notification{
			{InstanceID: in.ID, MembershipID: ada.ID, Kind: model.NotifyActionAssigned, Title: "Reading circles", Path: "/i/ACME/actions/1"},
			{InstanceID: beta.ID, MembershipID: cy.ID, Kind: model.NotifyDigestWeekly, Title: "Weekly digest"},
			{InstanceID: in.ID, MembershipID: ada.ID, Kind: model.NotifyTodoAssigned, Title: "Print flyers", Path: "/i/ACME/actions/1"},
			{InstanceID: in.ID, MembershipID: bob.ID, Kind: model.NotifyActionEmail, Title: "Reading circles"},
			{InstanceID: in.ID, MembershipID: ada.ID, Kind: model.NotifyDigestMonthly, Title: "Monthly digest", Path: "/i/ACME/"},
		}))
		list, err := q.Notifications(ctx, in.ID, ada.ID, 50)
		must(t, err)
		var kinds []string
		for _, n := range list {
			kinds = append(kinds, n.Kind)
			if n.InstanceID != in.ID || n.MembershipID != ada.ID || n.ReadAt != nil || !n.CreatedAt.Equal(db.Clock.Now()) {
				t.Errorf("ada's notification %+v", n)
			}
		}
		if got, want := fmt.Sprint(kinds), "[digest_monthly todo_assigned action_assigned]"; got != want {
			t.Errorf("ada's notifications: got %s, want %s (newest first)", got, want)
		}
		if len(list) == 3 && (list[2].Title != "Reading circles" || list[2].Path != "/i/ACME/actions/1") {
			t.Errorf("oldest: %+v", list[2])
		}
		// Another instance: cy's are its own; ada's id under BETA and cy's
		// under ACME name nobody's.
		for _, c := range []struct {
			what         string
			instance, id int64
			want         int
		}{{"cy in BETA", beta.ID, cy.ID, 1}, {"ada's id in BETA", beta.ID, ada.ID, 0}, {"cy's id in ACME", in.ID, cy.ID, 0}, {"bob", in.ID, bob.ID, 1}} {
			got, err := q.Notifications(ctx, c.instance, c.id, 50)
			must(t, err)
			n, err := q.UnreadNotifications(ctx, c.instance, c.id)
			must(t, err)
			if len(got) != c.want || n != c.want {
				t.Errorf("%s: %d notifications, %d unread; want %d", c.what, len(got), n, c.want)
			}
		}
		unread := func(acctID int64, code string) int {
			t.Helper()
			_, m, err := q.MembershipByCode(ctx, code, acctID)
			must(t, err)
			n, err := q.UnreadNotifications(ctx, m.InstanceID, m.ID)
			must(t, err)
			if n != m.Unread {
				t.Errorf("%s: UnreadNotifications %d, the membership's Unread %d", code, n, m.Unread)
			}
			return m.Unread
		}
		if n := unread(adaAcct.ID, "ACME"); n != 3 {
			t.Errorf("ada unread: %d, want 3", n)
		}
		// Marking read in another instance changes nothing of ada's.
		must(t, q.MarkNotificationsRead(ctx, beta.ID, ada.ID, list[0].ID))
		if n := unread(adaAcct.ID, "ACME"); n != 3 {
			t.Errorf("ada unread after a mark in BETA: %d, want 3", n)
		}
		// Up to the second newest: the newest, come after, stays unread.
		db.Clock.Advance(time.Minute)
		must(t, q.MarkNotificationsRead(ctx, in.ID, ada.ID, list[1].ID))
		if n := unread(adaAcct.ID, "ACME"); n != 1 {
			t.Errorf("ada unread after marking up to the second: %d, want 1", n)
		}
		after, err := q.Notifications(ctx, in.ID, ada.ID, 50)
		must(t, err)
		if len(after) != 3 || after[0].ReadAt != nil || after[1].ReadAt == nil || !after[1].ReadAt.Equal(db.Clock.Now()) || after[2].ReadAt == nil {
			t.Errorf("after marking: %+v", after)
		}
		if n := unread(cyAcct.ID, "BETA"); n != 1 {
			t.Errorf("cy unread: %d, want 1", n)
		}
		// Many at once, more than one statement's worth: all written, the
		// page is the newest 50, the count stops at UnreadCounted.
		var many []model.Notification
		for i := range 1205 {
			many = append(many, model.Notification{InstanceID: in.ID, MembershipID: bob.ID, Kind: model.NotifyActionAssigned, Title: fmt.Sprint("A", i)})
		}
		must(t, q.AddNotifications(ctx, many))
		var total int
		must(t, db.Store.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM notifications WHERE instance_id = $1 AND membership_id = $2`, in.ID, bob.ID).Scan(&total))
		if total != 1206 {
			t.Errorf("bob has %d notifications, want 1206", total)
		}
		page, err := q.Notifications(ctx, in.ID, bob.ID, 50)
		must(t, err)
		if len(page) != 50 || page[0].Title != "A1204" || page[49].Title != "A1155" {
			t.Errorf("bob's page: %d, first %q, last %q", len(page), page[0].Title, page[len(page)-1].Title)
		}
		n, err := q.UnreadNotifications(ctx, in.ID, bob.ID)
		must(t, err)
		if n != model.UnreadCounted {
			t.Errorf("bob unread: %d, want %d", n, model.UnreadCounted)
		}
		must(t, q.AddNotifications(ctx, nil))
		// The database refuses a kind it does not know, and a member of
		// another instance.
		if err := q.AddNotifications(ctx, []model.Notification{{InstanceID: in.ID, MembershipID: ada.ID, Kind: "gossip"}}); err == nil {
			t.Error("an unknown kind was accepted")
		}
		if err := q.AddNotifications(ctx, []model.Notification{{InstanceID: in.ID, MembershipID: cy.ID, Kind: model.NotifyActionAssigned}}); err == nil {
			t.Error("a notification of ACME for BETA's member was accepted")
		}
	})
}
