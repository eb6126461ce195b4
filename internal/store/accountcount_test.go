package store_test

import (
	"errors"
	"testing"

	"yardstick/internal/model"
	"yardstick/internal/store"
	"yardstick/internal/testkit"
)

// TestAccountCountsActiveMemberships follows the count of an account's
// active memberships kept on its row (accounts.active_memberships, read by
// the session look-up on every request) through every write that creates,
// deletes, activates or deactivates a membership, and through a rolled
// back transaction and refused writes, checking it each time against the
// memberships themselves. Import Users adds its members through
// CreateMembership, inside its transaction, as below.
func TestAccountCountsActiveMemberships(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		q := db.Store.Q()
		var ins []model.Instance
		for _, code := range []string{"ONE", "TWO", "THREE", "FOUR"} {
			in, err := q.CreateInstance(ctx, model.Instance{Code: code, Name: code, Seats: 10})
			must(t, err)
			ins = append(ins, in)
		}
		acct, err := q.CreateAccount(ctx, model.Account{Email: "count@example.org", Name: "Count"}, "h")
		must(t, err)
		other, err := q.CreateAccount(ctx, model.Account{Email: "other@example.org", Name: "Other"}, "h")
		must(t, err)
		must(t, q.CreateSession(ctx, model.Session{IDHash: "count", AccountID: acct.ID}))
		must(t, q.CreateSession(ctx, model.Session{IDHash: "other", AccountID: other.ID}))

		check := func(step string, want int) {
			t.Helper()
			for _, c := range []struct {
				hash string
				id   int64
				want int
			}{{"count", acct.ID, want}, {"other", other.ID, 1}} {
				list, err := q.MemberInstances(ctx, c.id)
				must(t, err)
				s, _, err := q.SessionAccount(ctx, c.hash)
				must(t, err)
				if s.Instances != len(list) || s.Instances != c.want {
					t.Errorf("%s: account %d: session counts %d active memberships, memberships say %d, want %d",
						step, c.id, s.Instances, len(list), c.want)
				}
				// SessionMember reads the same count.
				if s, _, _, _, err := q.SessionMember(ctx, c.hash, "FOUR"); err == nil && s.Instances != c.want {
					t.Errorf("%s: account %d: SessionMember counts %d, want %d", step, c.id, s.Instances, c.want)
				}
			}
		}
		member := func(in model.Instance, a model.Account, active, invited bool) model.Membership {
			t.Helper()
			m, err := q.CreateMembership(ctx, model.Membership{InstanceID: in.ID, AccountID: a.ID, Preset: "Custom",
				Active: active, Invited: invited})
			must(t, err)
			return m
		}
		setActive := func(m *model.Membership, active bool) {
			t.Helper()
			cur, err := q.MembershipByID(ctx, m.InstanceID, m.ID)
			must(t, err)
			cur.Active = active
			must(t, q.UpdateMembership(ctx, cur))
			*m = cur
		}

		member(ins[3], other, true, false) // a second account's count stays apart
		check("no memberships", 0)
		one := member(ins[0], acct, true, false)
		check("created active", 1)
		two := member(ins[1], acct, false, false)
		check("created inactive", 1)
		setActive(&two, true)
		check("activated", 2)
		setActive(&two, true)
		check("saved active again", 2)
		setActive(&one, false)
		check("deactivated", 1)
		setActive(&one, false)
		check("saved inactive again", 1)
		if _, err := q.CreateMembership(ctx, model.Membership{InstanceID: ins[1].ID, AccountID: acct.ID, Preset: "Custom", Active: true}); !errors.Is(err, store.ErrConflict) {
			t.Errorf("second membership in one instance: %v, want ErrConflict", err)
		}
		check("refused duplicate", 1)
		stale := two
		stale.Version--
		stale.Active = false
		if err := q.UpdateMembership(ctx, stale); !errors.Is(err, store.ErrConflict) {
			t.Errorf("stale edit: %v, want ErrConflict", err)
		}
		check("refused stale edit", 1)

		inv := member(ins[2], acct, false, true)
		check("invited", 1)
		if _, err := q.DeleteInvitation(ctx, acct.ID, inv.ID); err != nil {
			t.Fatal(err)
		}
		check("invitation declined", 1)
		inv = member(ins[2], acct, false, true)
		if _, err := q.AcceptInvitation(ctx, acct.ID, inv.ID); err != nil {
			t.Fatal(err)
		}
		check("invitation accepted", 2)
		if _, err := q.AcceptInvitation(ctx, acct.ID, inv.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("accepting twice: %v, want ErrNotFound", err)
		}
		check("accepted twice", 2)

		boom := errors.New("boom")
		err = db.Store.InTx(ctx, func(q *store.Q) error {
			if _, err := q.CreateMembership(ctx, model.Membership{InstanceID: ins[3].ID, AccountID: acct.ID, Preset: "Custom", Active: true}); err != nil {
				return err
			}
			cur, err := q.MembershipByID(ctx, one.InstanceID, one.ID)
			if err != nil {
				return err
			}
			cur.Active = true
			if err := q.UpdateMembership(ctx, cur); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("transaction: %v", err)
		}
		check("rolled back", 2)

		// Several changes in one transaction, as Import Users makes them.
		must(t, db.Store.InTx(ctx, func(q *store.Q) error {
			if _, err := q.CreateMembership(ctx, model.Membership{InstanceID: ins[3].ID, AccountID: acct.ID, Preset: "Custom", Active: true}); err != nil {
				return err
			}
			cur, err := q.MembershipByID(ctx, one.InstanceID, one.ID)
			if err != nil {
				return err
			}
			cur.Active = true
			return q.UpdateMembership(ctx, cur)
		}))
		check("two changes in one transaction", 4)
	})
}
