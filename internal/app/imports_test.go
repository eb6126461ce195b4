package app_test

import (
	"context"
	"strings"
	"testing"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/model"
	"yardstick/internal/testkit"
)

// TestImportKeepsAccountCounts: Import Users adds members in one
// transaction; each account's count of active memberships (kept on the
// account row, read by the session look-up) stays what its memberships
// say: a new account counts its one membership, an existing account of
// another instance is only invited and counts nothing more.
func TestImportKeepsAccountCounts(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		ctx := context.Background()
		a := app.New(db.Store, app.Config{BaseURL: "http://yardstick.test"}, nil, nil)
		in := testkit.MustCreateInstance(t, db.Store, "ACME", "Acme")
		other := testkit.MustCreateInstance(t, db.Store, "OTHER", "Other")
		admin, _ := testkit.MustCreateMember(t, db.Store, in, "ada@example.org", access.PresetAdministration)
		testkit.MustCreateMember(t, db.Store, other, "bo@example.org", access.PresetPresenter)
		q := db.Store.Q()
		if err := q.SetLicense(ctx, in.ID, "test", 100); err != nil {
			t.Fatal(err)
		}
		actor, err := a.ActorFor(ctx, app.Session{Account: admin}, in.Code, app.Client{Addr: "192.0.2.1"})
		if err != nil {
			t.Fatal(err)
		}
		file := "username,first_name,last_name,role_group,send_email\r\n" +
			"new.one@example.org,New,One,User,false\r\n" +
			"new.two@example.org,New,Two,Administrator,false\r\n" +
			"bo@example.org,Bo,Other,User,false\r\n"
		plan, err := a.UploadImport(ctx, actor, "people.csv", strings.NewReader(file))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.RunImport(ctx, actor, plan.ID, plan.Token); err != nil {
			t.Fatal(err)
		}
		for email, want := range map[string]int{"new.one@example.org": 1, "new.two@example.org": 1, "bo@example.org": 1, "ada@example.org": 1} {
			acct, err := q.AccountByEmail(ctx, email)
			if err != nil {
				t.Fatalf("%s: %v", email, err)
			}
			list, err := q.MemberInstances(ctx, acct.ID)
			if err != nil {
				t.Fatal(err)
			}
			if err := q.CreateSession(ctx, model.Session{IDHash: "import " + email, AccountID: acct.ID}); err != nil {
				t.Fatal(err)
			}
			s, _, err := q.SessionAccount(ctx, "import "+email)
			if err != nil {
				t.Fatal(err)
			}
			if s.Instances != want || len(list) != want {
				t.Errorf("%s: the account counts %d active memberships, its memberships say %d, want %d", email, s.Instances, len(list), want)
			}
		}
	})
}
