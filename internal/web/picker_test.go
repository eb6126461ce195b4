package web_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"yardstick/internal/testkit"
)

// A member who may build scorecards (objects.edit) but not manage users
// was handed every member's name and email in the scorecard form's
// assignment list. Only a users.manage holder sees the emails; a builder
// sees names, two members of one name told apart by a number, not by
// their addresses.
func TestMemberPickerShowsEmailsOnlyToManagers(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		u := newUsersEnv(t, db)
		q := u.store.Q()
		var danas []string // membership ids, in the list's order
		for _, email := range []string{"dana.one@example.org", "dana.two@example.org"} {
			acct, m := u.member(u.in, email, "")
			if err := q.UpdateAccountIdentity(ctx, acct.ID, email, "Dana Rivera"); err != nil {
				t.Fatal(err)
			}
			danas = append(danas, strconv.FormatInt(m.ID, 10))
		}
		sc := u.ada.post("/i/ACME/scorecards", "title", "Reading")
		expect(t, "create", sc, http.StatusSeeOther)
		others := []string{"ada@example.org", "dan@example.org", "dana.one@example.org", "dana.two@example.org"}

		builder := u.client()
		builder.login("bob@example.org", testkit.Password)
		for _, path := range []string{"/i/ACME/scorecards/new", sc.Location + "/edit"} {
			r := builder.get(path)
			expect(t, "builder: "+path, r, http.StatusOK, `id="scorecard-members"`, "Zoe Ada", "Kim Dan",
				`value="`+danas[0]+`"> Dana Rivera </label>`, `value="`+danas[1]+`"> Dana Rivera (2) </label>`)
			for _, email := range others {
				if strings.Contains(r.Body, email) {
					t.Errorf("builder: %s shows %s", path, email)
				}
			}
			if strings.Contains(r.Body, "Dana Rivera (3)") {
				t.Errorf("builder: %s numbers a name that occurs twice a third time", path)
			}
		}

		for _, path := range []string{"/i/ACME/scorecards/new", sc.Location + "/edit"} {
			r := u.ada.get(path)
			expect(t, "manager: "+path, r, http.StatusOK, "Zoe Ada (ada@example.org)", "Kim Dan (dan@example.org)",
				"Dana Rivera (dana.one@example.org)", "Dana Rivera (dana.two@example.org)")
			if strings.Contains(r.Body, "Dana Rivera (2)") {
				t.Errorf("manager: %s numbers names it tells apart by email", path)
			}
		}
	})
}
