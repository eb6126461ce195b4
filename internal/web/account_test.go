package web_test

import (
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/model"
	"yardstick/internal/testkit"
)

func TestAccountPage(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		e := newEnv(t, db)
		acme, beta := e.instance("ACME", "Acme Community"), e.instance("BETA", "Beta Trust")
		acct, _ := e.member(acme, "dee@example.org", access.PresetPresenter)
		e.member(beta, "dee@example.org", access.PresetDataEntry)
		_, other := e.member(acme, "eve@example.org", access.PresetPresenter)
		account := func(id int64) model.Account {
			t.Helper()
			a, err := e.store.Q().AccountByID(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			return a
		}
		expect(t, "signed out", e.client().get("/account"), http.StatusSeeOther)

		c := e.client()
		c.login("dee@example.org", testkit.Password)
		r := c.get("/account")
		expect(t, "account page", r, http.StatusOK, `id="account-form"`, "dee@example.org", `href="/account/password"`,
			`href="/i/ACME/preferences"`, `href="/i/BETA/preferences"`, "Acme Community", "Beta Trust")
		for _, z := range []string{"UTC", "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles",
			"Europe/London", "Europe/Berlin", "Asia/Tokyo", "Australia/Sydney"} {
			if !strings.Contains(r.Body, `<option value="`+z+`"`) {
				t.Errorf("time zone %s not offered", z)
			}
		}

		before := account(acct.ID)
		otherBefore := account(other.AccountID)
		for _, tt := range []struct {
			name, field, tz, want string
		}{
			{"unknown zone", "Dee", "Mars/Olympus", "Choose a time zone from the list."},
			{"Local", "Dee", "Local", "Choose a time zone from the list."},
			{"empty name", " ", "Asia/Tokyo", "Name"},
		} {
			r := c.post("/account", "name", tt.field, "time_zone", tt.tz)
			expect(t, tt.name, r, http.StatusUnprocessableEntity, `id="account-form"`, tt.want)
			if got := account(acct.ID); !reflect.DeepEqual(got, before) {
				t.Errorf("%s changed the account: %+v", tt.name, got)
			}
		}

		r = c.post("/account", "name", "Dee Dee", "time_zone", "Asia/Tokyo", "email", "eve@example.org",
			"id", strconv.FormatInt(other.AccountID, 10), "home_instance_id", strconv.FormatInt(beta.ID, 10))
		expect(t, "save", r, http.StatusSeeOther)
		if r.Location != "/account?done=saved" {
			t.Errorf("redirect: %q", r.Location)
		}
		got := account(acct.ID)
		if got.Name != "Dee Dee" || got.TimeZone != "Asia/Tokyo" || got.Email != "dee@example.org" || *got.HomeInstanceID != *before.HomeInstanceID {
			t.Errorf("saved: %+v", got)
		}
		if got := account(other.AccountID); !reflect.DeepEqual(got, otherBefore) {
			t.Errorf("another account changed: %+v", got)
		}
		r = c.get(r.Location)
		expect(t, "after save", r, http.StatusOK, "Saved.", `value="Dee Dee"`, `<option value="Asia/Tokyo" selected>`)
		// The member lists show the new name.
		m, err := e.store.Q().MembershipOf(ctx, acme.ID, acct.ID)
		if err != nil || m.Name != "Dee Dee" {
			t.Errorf("membership copy of the name: %q %v", m.Name, err)
		}

		// A zone outside the short list stays selectable and selected.
		if err := e.app.UpdateProfile(ctx, app.Session{Account: got}, "Dee Dee", "America/Argentina/Buenos_Aires"); err != nil {
			t.Fatal(err)
		}
		expect(t, "uncommon zone", c.get("/account"), http.StatusOK, `<option value="America/Argentina/Buenos_Aires" selected>`)
	})
}

func TestPreferences(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		u := newUserEditEnv(t, db)
		types, _ := u.app.Types(ctx, u.admin, "")
		typeOf := map[string]int64{}
		for _, ty := range types {
			typeOf[ty.Name] = ty.ID
		}
		freqs, _ := u.app.Frequencies(ctx, u.admin)
		sc := u.scorecard("Health")
		res, err := u.app.CreateObject(ctx, u.admin, app.ObjectInput{Kind: model.KindContainer, TypeID: typeOf["Result"], Title: "Healthy families",
			Decimals: "0", Polarity: "higher", FrequencyID: freqs[0].ID}, app.Placement{ScorecardID: sc.ID})
		if err != nil {
			t.Fatal(err)
		}
		m, err := u.app.CreateObject(ctx, u.admin, app.ObjectInput{Kind: model.KindMeasure, TypeID: typeOf["Indicator"], Title: "Clinic visits",
			Unit: "%", Decimals: "1", Polarity: "higher", FrequencyID: freqs[0].ID}, app.Placement{ParentID: res.ID})
		if err != nil {
			t.Fatal(err)
		}
		mid := strconv.FormatInt(m.ID, 10)
		key := regexp.MustCompile(`data-key="([0-9A-Za-z-]+)"`).FindStringSubmatch(u.ada.get("/i/ACME/objects/" + mid).Body)
		if key == nil {
			t.Fatal("no period key on the measure page")
		}
		expect(t, "data", u.ada.post("/i/ACME/objects/"+mid+"/data", "key", key[1], "version", "0", "orig_actual", "", "actual", "42.5"), http.StatusSeeOther)
		if err := u.app.Star(ctx, u.admin, m.ID, true); err != nil {
			t.Fatal(err)
		}

		adaID := u.admin.Membership.ID
		r := u.ada.get("/i/ACME/preferences")
		expect(t, "preferences", r, http.StatusOK, `id="preferences-form"`, "Clinic visits", "42.5%",
			`name="fav_remove" value="`+mid+`"`, `name="digest_weekly"`, `name="digest_monthly"`, `name="action_emails"`)
		if got := editUserChecked(r.Body, "action_emails"); len(got) != 1 {
			t.Error("stored action emails setting not shown")
		}

		before := u.state(u.in, adaID)
		r = u.ada.post("/i/ACME/preferences", "digest_weekly", "1", "digest_monthly", "1", "fav_remove", mid,
			"perm", "root", "active", "0", "preset", access.PresetPresenter, "scorecard", "1")
		expect(t, "save", r, http.StatusSeeOther)
		if r.Location != "/i/ACME/preferences?done=saved" {
			t.Errorf("redirect: %q", r.Location)
		}
		want := before
		want.Weekly, want.Monthly, want.Acts, want.Favorites, want.Version = true, true, false, nil, before.Version+1
		u.unchanged("saving preferences", u.in, adaID, want)
		expect(t, "after save", u.ada.get(r.Location), http.StatusOK, "Saved.", `id="no-favorites"`)

		// Each member saves only its own settings, whatever it posts.
		bobBefore := u.state(u.in, u.bob.ID)
		bob := u.client()
		bob.login("bob@example.org", testkit.Password)
		r = bob.post("/i/ACME/preferences", "digest_monthly", "1", "membership_id", strconv.FormatInt(adaID, 10), "id", strconv.FormatInt(adaID, 10))
		expect(t, "bob saves", r, http.StatusSeeOther)
		bobWant := bobBefore
		bobWant.Monthly, bobWant.Acts, bobWant.Version = true, false, bobBefore.Version+1
		u.unchanged("bob's preferences", u.in, u.bob.ID, bobWant)
		u.unchanged("ada after bob's save", u.in, adaID, want)
		expect(t, "not a member", bob.get("/i/BETA/preferences"), http.StatusNotFound)
	})
}

// TestFavoriteRemoveIsOwn: removing a favourite on
// one's preferences leaves other members' favourites alone.
func TestFavoriteRemoveIsOwn(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		u := newUserEditEnv(t, db)
		m := u.measure(u.admin, "Shared measure", "", app.Placement{})
		mid := strconv.FormatInt(m.ID, 10)
		f := u.form(u.bob.ID)
		f.Set("fav_add", mid)
		expect(t, "manager sets bob's favourite", u.ada.do("POST", u.path(u.bob.ID), f), http.StatusSeeOther)
		if err := u.app.Star(ctx, u.admin, m.ID, true); err != nil {
			t.Fatal(err)
		}
		expect(t, "ada removes hers", u.ada.post("/i/ACME/preferences", "action_emails", "1", "fav_remove", mid), http.StatusSeeOther)
		if got := u.state(u.in, u.bob.ID).Favorites; len(got) != 1 || got[0] != m.ID {
			t.Errorf("bob's favourites: %v", got)
		}
		if got := u.state(u.in, u.admin.Membership.ID).Favorites; len(got) != 0 {
			t.Errorf("ada's favourites: %v", got)
		}
	})
}
