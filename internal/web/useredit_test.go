package web_test

import (
	"html"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/mail"
	"yardstick/internal/model"
	"yardstick/internal/terms"
	"yardstick/internal/testkit"
)

// userEditEnv is instance ACME with its only administrator ada, a
// Presenter bob (the member being edited), a manager carl holding only
// users.manage and data.enter, and instance BETA with its own member.
type userEditEnv struct {
	*env
	in, beta model.Instance
	admin    *app.Actor
	ada      *client
	bob      model.Membership
	bobAcct  model.Account
	carl     model.Membership
	betaM    model.Membership
}

func newUserEditEnv(t *testing.T, db *testkit.DB) *userEditEnv {
	t.Helper()
	e := newEnv(t, db)
	u := &userEditEnv{env: e, in: e.instance("ACME", "Acme"), beta: e.instance("BETA", "Beta")}
	adaAcct, _ := e.member(u.in, "ada@example.org", access.PresetAdministration)
	u.bobAcct, u.bob = e.member(u.in, "bob@example.org", access.PresetPresenter)
	_, u.carl = e.member(u.in, "carl@example.org", "")
	setPerms(t, e, u.carl.ID, access.MustSet(access.UsersManage, access.DataEnter))
	_, u.betaM = e.member(u.beta, "bea@example.org", access.PresetAdministration)
	var err error
	if u.admin, err = e.app.ActorFor(ctx, app.Session{Account: adaAcct}, "ACME", app.Client{}); err != nil {
		t.Fatal(err)
	}
	u.ada = e.client()
	u.ada.login("ada@example.org", testkit.Password)
	return u
}

func (u *userEditEnv) path(id int64) string {
	return "/i/ACME/admin/users/" + strconv.FormatInt(id, 10)
}

// editUserState is everything the Edit User page can change about a member.
type editUserState struct {
	Email, Name, TimeZone string
	Home                  int64
	Permissions           []string
	Preset, Role          string
	Active                bool
	Weekly, Monthly, Acts bool
	Version               int64
	Scorecards            []int64
	Favorites             []int64
}

// state reads a member of instance in straight from the store, so it works
// for any instance and whatever the page does.
func (u *userEditEnv) state(in model.Instance, id int64) editUserState {
	u.t.Helper()
	q := u.store.Q()
	m, err := q.MembershipByID(ctx, in.ID, id)
	if err != nil {
		u.t.Fatal(err)
	}
	a, err := q.AccountByID(ctx, m.AccountID)
	if err != nil {
		u.t.Fatal(err)
	}
	ids, err := q.MembershipScorecardIDs(ctx, m.InstanceID, m.ID)
	if err != nil {
		u.t.Fatal(err)
	}
	slices.Sort(ids)
	s := editUserState{Email: a.Email, Name: a.Name, TimeZone: a.TimeZone, Permissions: m.Permissions, Preset: m.Preset,
		Role: m.Role, Active: m.Active, Weekly: m.DigestWeekly, Monthly: m.DigestMonthly, Acts: m.ActionEmails,
		Version: m.Version, Scorecards: ids, Favorites: u.favorites(in, id)}
	if a.HomeInstanceID != nil {
		s.Home = *a.HomeInstanceID
	}
	return s
}

func (u *userEditEnv) favorites(in model.Instance, membershipID int64) []int64 {
	u.t.Helper()
	rows, err := u.store.DB().Query(`SELECT measure_id FROM favorites WHERE instance_id = $1 AND membership_id = $2 ORDER BY measure_id`, in.ID, membershipID)
	if err != nil {
		u.t.Fatal(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			u.t.Fatal(err)
		}
		out = append(out, id)
	}
	return out
}

func (u *userEditEnv) unchanged(what string, in model.Instance, id int64, before editUserState) {
	u.t.Helper()
	if after := u.state(in, id); !reflect.DeepEqual(after, before) {
		u.t.Errorf("%s changed the member:\n got %+v\nwant %+v", what, after, before)
	}
}

// form is the Edit User form as the page fills it for the stored member.
func (u *userEditEnv) form(id int64) url.Values {
	u.t.Helper()
	ue, err := u.app.EditUser(ctx, u.admin, id)
	if err != nil {
		u.t.Fatal(err)
	}
	f := url.Values{"version": {strconv.FormatInt(ue.Membership.Version, 10)}, "name": {ue.Account.Name}, "email": {ue.Account.Email}, "preset": {""}}
	f["perm"] = ue.Perms.Keys()
	for _, sc := range ue.ScorecardIDs {
		f.Add("scorecard", strconv.FormatInt(sc, 10))
	}
	for k, on := range map[string]bool{"digest_weekly": ue.Membership.DigestWeekly, "digest_monthly": ue.Membership.DigestMonthly, "action_emails": ue.Membership.ActionEmails} {
		if on {
			f.Set(k, "1")
		}
	}
	return f
}

func (u *userEditEnv) scorecard(title string) model.Scorecard {
	u.t.Helper()
	sc, err := u.app.CreateScorecard(ctx, u.admin, app.ScorecardInput{Title: title})
	if err != nil {
		u.t.Fatal(err)
	}
	return sc
}

func (u *userEditEnv) measure(actor *app.Actor, title, tags string, at app.Placement) model.Object {
	u.t.Helper()
	types, err := u.app.Types(ctx, actor, model.KindMeasure)
	if err != nil || len(types) == 0 {
		u.t.Fatalf("measure types: %v %v", types, err)
	}
	freqs, err := u.app.Frequencies(ctx, actor)
	if err != nil || len(freqs) == 0 {
		u.t.Fatalf("frequencies: %v", err)
	}
	o, err := u.app.CreateObject(ctx, actor, app.ObjectInput{Kind: model.KindMeasure, TypeID: types[0].ID, Title: title, Tags: tags,
		Decimals: "0", Polarity: "higher", FrequencyID: freqs[0].ID}, at)
	if err != nil {
		u.t.Fatalf("%s: %v", title, err)
	}
	return o
}

var editUserInputTag = regexp.MustCompile(`<input[^>]*>`)

// editUserChecked lists the values of the checked checkboxes named name.
func editUserChecked(body, name string) []string {
	var out []string
	for _, tag := range editUserInputTag.FindAllString(body, -1) {
		if !strings.Contains(tag, `name="`+name+`"`) || !regexp.MustCompile(`\schecked[\s>/=]`).MatchString(tag) {
			continue
		}
		if m := regexp.MustCompile(`value="([^"]*)"`).FindStringSubmatch(tag); m != nil {
			out = append(out, html.UnescapeString(m[1]))
		}
	}
	return out
}

// editUserInput returns the value of the (first) input named name.
func editUserInput(body, name string) string {
	for _, tag := range editUserInputTag.FindAllString(body, -1) {
		if strings.Contains(tag, `name="`+name+`"`) {
			if m := regexp.MustCompile(`value="([^"]*)"`).FindStringSubmatch(tag); m != nil {
				return html.UnescapeString(m[1])
			}
			return ""
		}
	}
	return "<missing>"
}

func TestEditUserPage(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		u := newUserEditEnv(t, db)
		sc := u.scorecard("Youth Outcomes")
		r := u.ada.get(u.path(u.bob.ID))
		expect(t, "edit page", r, http.StatusOK,
			`id="general"`, `id="scorecards"`, `id="notifications"`, `id="favorites"`, `id="activity"`,
			`href="#general"`, `href="#scorecards"`, `href="#notifications"`, `href="#favorites"`, `href="#activity"`,
			`id="user-save"`, "Role: <strong id=\"user-role\">Presenter</strong>",
			"If none are chosen, the member can access all scorecards only if it has Add/Edit Scorecard Objects.",
			"Youth Outcomes", `name="scorecard" value="`+strconv.FormatInt(sc.ID, 10)+`"`,
			`name="digest_weekly"`, `name="digest_monthly"`, `name="action_emails"`,
			"Add existing measure", `name="fav_type"`, `name="fav_tag"`, `name="fav_q"`, `name="fav_search"`,
			"Last activity: <strong id=\"last-activity\">never", `id="activity-filter"`,
			`name="version" value="1"`)
		if got := strings.Count(r.Body, `name="perm"`); got != 22 {
			t.Errorf("switches: got %d, want 22", got)
		}
		for _, p := range access.All {
			for _, s := range []string{p.Name, p.Description} {
				// The catalogue's text, in an instance's default words.
				if s = terms.Defaults.Expand(s); !strings.Contains(r.Body, html.EscapeString(s)) {
					t.Errorf("page lacks %q", s)
				}
			}
		}
		for _, name := range access.PresetNames {
			if !strings.Contains(r.Body, `name="apply_preset" value="`+name+`"`) {
				t.Errorf("page lacks the %s preset button", name)
			}
		}
		if got, want := editUserChecked(r.Body, "perm"), access.MustPreset(access.PresetPresenter).Keys(); !slices.Equal(got, want) {
			t.Errorf("checked switches: got %v, want %v", got, want)
		}
		if strings.Contains(r.Body, "style=") {
			t.Error("inline style attribute (the CSP forbids them)")
		}
		// The All Scorecards note shows instead of the list for a member
		// that has it; the list stays in the form (hidden) so Save keeps
		// the assignments.
		r = u.ada.get(u.path(u.admin.Membership.ID)) // ada herself, Administration
		expect(t, "admin's edit page", r, http.StatusOK,
			`<p class="notice" id="all-scorecards-note">This member sees every scorecard (All Scorecards is on).</p>`,
			`<div id="scorecard-choices" hidden>`, "Role: <strong id=\"user-role\">Administration</strong>")
		r = u.ada.get(u.path(u.bob.ID))
		expect(t, "presenter's scorecards", r, http.StatusOK, `id="all-scorecards-note" hidden`, `<div id="scorecard-choices">`)

		// Only managers open it; other ids are 404.
		bob := u.client()
		bob.login("bob@example.org", testkit.Password)
		expect(t, "presenter opens edit user", bob.get(u.path(u.bob.ID)), http.StatusForbidden)
		expect(t, "missing member", u.ada.get(u.path(99999)), http.StatusNotFound)
		expect(t, "not a number", u.ada.get("/i/ACME/admin/users/abc"), http.StatusNotFound)
		expect(t, "other instance's member", u.ada.get(u.path(u.betaM.ID)), http.StatusNotFound)
	})
}

func TestEditUserApplyPresetWithoutJS(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		u := newUserEditEnv(t, db)
		before := u.state(u.in, u.bob.ID)
		f := u.form(u.bob.ID)
		f.Set("name", "Bob Typed")
		f.Set("action_emails", "")
		f.Set("digest_monthly", "1")
		f.Set("apply_preset", access.PresetDataEntry)
		r := u.ada.do("POST", u.path(u.bob.ID), f)
		expect(t, "apply preset", r, http.StatusOK, `id="user-form"`, "Role: <strong id=\"user-role\">Data Entry</strong>")
		if got, want := editUserChecked(r.Body, "perm"), access.MustPreset(access.PresetDataEntry).Keys(); !slices.Equal(got, want) {
			t.Errorf("switches after preset: got %v, want %v", got, want)
		}
		if got := editUserInput(r.Body, "preset"); got != access.PresetDataEntry {
			t.Errorf("hidden preset: got %q", got)
		}
		if got := editUserInput(r.Body, "name"); got != "Bob Typed" {
			t.Errorf("typed name lost: %q", got)
		}
		if got := editUserChecked(r.Body, "digest_monthly"); len(got) != 1 {
			t.Error("typed monthly digest lost")
		}
		if got := editUserChecked(r.Body, "action_emails"); len(got) != 0 {
			t.Error("unticked action emails came back")
		}
		u.unchanged("applying a preset", u.in, u.bob.ID, before)

		// Then Save stores the preset with the switches.
		f.Del("apply_preset")
		f.Set("preset", access.PresetDataEntry)
		f["perm"] = access.MustPreset(access.PresetDataEntry).Keys()
		expect(t, "save after preset", u.ada.do("POST", u.path(u.bob.ID), f), http.StatusSeeOther)
		got := u.state(u.in, u.bob.ID)
		if got.Preset != access.PresetDataEntry || got.Role != access.PresetDataEntry || got.Name != "Bob Typed" || !got.Monthly || got.Acts {
			t.Errorf("saved: %+v", got)
		}

		before = u.state(u.in, u.bob.ID)
		f.Set("apply_preset", "Owner")
		expect(t, "unknown preset button", u.ada.do("POST", u.path(u.bob.ID), f), http.StatusUnprocessableEntity, "Unknown preset")
		u.unchanged("an unknown preset button", u.in, u.bob.ID, before)
	})
}

func TestEditUserSaveAssignsScorecard(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		u := newUserEditEnv(t, db)
		s1, s2 := u.scorecard("North Scorecard"), u.scorecard("South Scorecard")
		bob := u.client()
		bob.login("bob@example.org", testkit.Password)
		r := bob.get("/i/ACME/scorecards")
		if strings.Contains(r.Body, "North Scorecard") || strings.Contains(r.Body, "South Scorecard") {
			t.Fatal("a Presenter without assignments sees scorecards")
		}

		f := u.form(u.bob.ID)
		f.Set("preset", access.PresetDataEntry)
		f["perm"] = access.MustPreset(access.PresetDataEntry).Keys()
		f["scorecard"] = []string{strconv.FormatInt(s1.ID, 10)}
		f.Set("digest_weekly", "1")
		r = u.ada.do("POST", u.path(u.bob.ID), f)
		expect(t, "save", r, http.StatusSeeOther)
		if want := u.path(u.bob.ID) + "?done=saved"; r.Location != want {
			t.Errorf("redirect: got %q, want %q", r.Location, want)
		}
		page := u.ada.get(r.Location)
		expect(t, "after save", page, http.StatusOK, "Saved.", "Role: <strong id=\"user-role\">Data Entry</strong>")
		if got := editUserChecked(page.Body, "scorecard"); !slices.Equal(got, []string{strconv.FormatInt(s1.ID, 10)}) {
			t.Errorf("assigned scorecards shown: %v", got)
		}
		got := u.state(u.in, u.bob.ID)
		if !slices.Equal(got.Scorecards, []int64{s1.ID}) || got.Role != access.PresetDataEntry || !got.Weekly || got.Version != 2 {
			t.Errorf("saved: %+v", got)
		}
		r = bob.get("/i/ACME/scorecards")
		expect(t, "member's scorecards", r, http.StatusOK, "North Scorecard")
		if strings.Contains(r.Body, "South Scorecard") {
			t.Error("member sees a scorecard it was not assigned")
		}
		expect(t, "assigned scorecard", bob.get("/i/ACME/scorecards/"+strconv.FormatInt(s1.ID, 10)), http.StatusOK)
		expect(t, "other scorecard", bob.get("/i/ACME/scorecards/"+strconv.FormatInt(s2.ID, 10)), http.StatusNotFound)
	})
}

func TestEditUserGrantCeiling(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		u := newUserEditEnv(t, db)
		carl := u.client()
		carl.login("carl@example.org", testkit.Password)
		before := u.state(u.in, u.bob.ID)
		f := u.form(u.bob.ID)
		f.Add("perm", string(access.InstanceAdmin))
		r := carl.do("POST", u.path(u.bob.ID), f)
		expect(t, "grant instance.admin", r, http.StatusForbidden, `id="user-form"`, "You cannot grant permissions you do not hold yourself: Instance Admin.")
		u.unchanged("a grant above the ceiling", u.in, u.bob.ID, before)

		// What the manager holds it may grant.
		f = u.form(u.bob.ID)
		f.Add("perm", string(access.DataEnter))
		expect(t, "grant data.enter", carl.do("POST", u.path(u.bob.ID), f), http.StatusSeeOther)
		if got := u.state(u.in, u.bob.ID); !slices.Contains(got.Permissions, string(access.DataEnter)) {
			t.Errorf("data.enter not granted: %v", got.Permissions)
		}
	})
}

func TestEditUserLastAdministrator(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		u := newUserEditEnv(t, db)
		adaID := u.admin.Membership.ID
		before := u.state(u.in, adaID)
		f := u.form(adaID)
		f["perm"] = access.MustPreset(access.PresetDataEntry).Keys()
		f.Set("preset", access.PresetDataEntry)
		r := u.ada.do("POST", u.path(adaID), f)
		expect(t, "demote the last administrator", r, http.StatusConflict, `id="user-form"`, "without an active member who holds both Instance Admin and Manage Users")
		u.unchanged("demoting the last administrator", u.in, adaID, before)
	})
}

func TestEditUserConcurrentEdit(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		u := newUserEditEnv(t, db)
		version := regexp.MustCompile(`name="version" value="(\d+)"`)
		first := version.FindStringSubmatch(u.ada.get(u.path(u.bob.ID)).Body)
		second := version.FindStringSubmatch(u.ada.get(u.path(u.bob.ID)).Body)
		if first == nil || second == nil {
			t.Fatal("no version field")
		}
		f := u.form(u.bob.ID)
		f.Set("version", first[1])
		f.Set("name", "First Editor")
		expect(t, "first save", u.ada.do("POST", u.path(u.bob.ID), f), http.StatusSeeOther)
		before := u.state(u.in, u.bob.ID)
		f.Set("version", second[1])
		f.Set("name", "Second Editor")
		f["perm"] = access.MustPreset(access.PresetDataEntry).Keys()
		r := u.ada.do("POST", u.path(u.bob.ID), f)
		expect(t, "stale save", r, http.StatusConflict, "Someone else changed this member while you were editing.", "Second Editor")
		u.unchanged("a stale save", u.in, u.bob.ID, before)
		if before.Name != "First Editor" {
			t.Errorf("first save lost: %+v", before)
		}
	})
}

func TestEditUserIgnoresUnofferedFields(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		u := newUserEditEnv(t, db)
		carlBefore := u.state(u.in, u.carl.ID)
		betaBefore := u.state(u.beta, u.betaM.ID)
		before := u.state(u.in, u.bob.ID)
		f := u.form(u.bob.ID)
		f.Set("name", "Bob Renamed")
		for k, v := range map[string]string{
			"active": "0", "account_id": strconv.FormatInt(u.carl.AccountID, 10), "instance_id": strconv.FormatInt(u.beta.ID, 10),
			"home_instance_id": strconv.FormatInt(u.beta.ID, 10), "id": strconv.FormatInt(u.carl.ID, 10),
			"membership_id": strconv.FormatInt(u.betaM.ID, 10), "permissions": "instance.admin,users.manage",
			"role": access.PresetAdministration, "password_hash": "x", "time_zone": "Asia/Tokyo",
		} {
			f.Set(k, v)
		}
		f.Add("version", "999") // a second version (another member's) after the real one
		expect(t, "save with extra fields", u.ada.do("POST", u.path(u.bob.ID), f), http.StatusSeeOther)
		want := before
		want.Name, want.Version = "Bob Renamed", before.Version+1
		if got := u.state(u.in, u.bob.ID); !reflect.DeepEqual(got, want) {
			t.Errorf("member:\n got %+v\nwant %+v", got, want)
		}
		u.unchanged("extra fields (carl)", u.in, u.carl.ID, carlBefore)
		u.unchanged("extra fields (beta)", u.beta, u.betaM.ID, betaBefore)
	})
}

func TestEditUserRefusals(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		u := newUserEditEnv(t, db)
		betaAcct, err := u.store.Q().AccountByID(ctx, u.betaM.AccountID)
		if err != nil {
			t.Fatal(err)
		}
		beta, err := u.app.ActorFor(ctx, app.Session{Account: betaAcct}, "BETA", app.Client{})
		if err != nil {
			t.Fatal(err)
		}
		foreignSC, err := u.app.CreateScorecard(ctx, beta, app.ScorecardInput{Title: "Beta Only"})
		if err != nil {
			t.Fatal(err)
		}
		foreignM := u.measure(beta, "Beta Measure", "", app.Placement{})
		own := u.scorecard("Acme Scorecard")
		tests := []struct {
			name   string
			change func(url.Values)
			status int
			want   string
		}{
			{"unknown permission", func(f url.Values) { f.Add("perm", "root") }, http.StatusUnprocessableEntity, "Unknown permission"},
			{"unknown preset", func(f url.Values) { f.Set("preset", "Owner") }, http.StatusUnprocessableEntity, "Unknown preset"},
			{"other instance's scorecard", func(f url.Values) {
				f["scorecard"] = []string{strconv.FormatInt(own.ID, 10), strconv.FormatInt(foreignSC.ID, 10)}
			}, http.StatusUnprocessableEntity, "does not exist in this instance"},
			{"scorecard not a number", func(f url.Values) { f.Add("scorecard", "abc") }, http.StatusUnprocessableEntity, "does not exist in this instance"},
			{"other instance's measure", func(f url.Values) { f.Add("fav_add", strconv.FormatInt(foreignM.ID, 10)) }, http.StatusUnprocessableEntity, "does not exist in this instance"},
			{"bad email", func(f url.Values) { f.Set("email", "not-an-email") }, http.StatusUnprocessableEntity, "Enter a valid email address."},
			{"empty name", func(f url.Values) { f.Set("name", "  ") }, http.StatusUnprocessableEntity, "Name"},
			{"stale version", func(f url.Values) { f.Set("version", "0") }, http.StatusConflict, "Someone else changed this member"},
		}
		for _, tt := range tests {
			before := u.state(u.in, u.bob.ID)
			f := u.form(u.bob.ID)
			f.Set("name", "Changed Too") // a valid change that must not be saved either
			tt.change(f)
			r := u.ada.do("POST", u.path(u.bob.ID), f)
			expect(t, tt.name, r, tt.status, `id="user-form"`, tt.want)
			u.unchanged(tt.name, u.in, u.bob.ID, before)
		}

		// Another instance's member, by its id: 404 and nothing changes.
		betaBefore := u.state(u.beta, u.betaM.ID)
		f := url.Values{"version": {"1"}, "name": {"Hijacked"}, "email": {"bea@example.org"}}
		expect(t, "other instance's member", u.ada.do("POST", u.path(u.betaM.ID), f), http.StatusNotFound)
		u.unchanged("posting to another instance's member", u.beta, u.betaM.ID, betaBefore)
	})
}

var confirmLink = regexp.MustCompile(`http://yardstick.test(/email/[A-Za-z0-9_-]+)`)

// An email change by a manager waits for the new address to confirm it;
// the old address is told; a taken address is refused at confirmation
// (the manager's form answers alike, so it does not tell who has an
// account).
func TestEditUserEmailChange(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		u := newUserEditEnv(t, db)
		f := u.form(u.bob.ID)
		f.Set("email", "Robert@Example.org")
		r := u.ada.do("POST", u.path(u.bob.ID), f)
		expect(t, "change email", r, http.StatusSeeOther)
		if got := u.state(u.in, u.bob.ID).Email; got != "bob@example.org" {
			t.Errorf("email before confirmation: got %q, want it unchanged", got)
		}
		expect(t, "edit page says it waits", u.ada.get(u.path(u.bob.ID)+"?done=saved-email"), http.StatusOK,
			"when the new address confirms it", `id="pending-email"`, "robert@example.org")
		confirm := lastMailTo(t, u.env, "robert@example.org", mail.KindEmailChangeConfirm)
		if n := len(mailsTo(t, u.env, "bob@example.org", mail.KindEmailChangeNotice)); n != 1 {
			t.Errorf("notices to the old address: %d, want 1", n)
		}
		link := confirmLink.FindStringSubmatch(confirm.Body)
		if link == nil {
			t.Fatalf("no confirmation link in %q", confirm.Body)
		}
		anon := u.client()
		expect(t, "confirm page", anon.get(link[1]), http.StatusOK, "robert@example.org", "Confirm")
		if got := u.state(u.in, u.bob.ID).Email; got != "bob@example.org" {
			t.Errorf("GET of the link changed the email to %q", got)
		}
		expect(t, "confirm", anon.post(link[1]), http.StatusOK, "is now")
		if got := u.state(u.in, u.bob.ID).Email; got != "robert@example.org" {
			t.Errorf("email after confirmation: got %q", got)
		}
		expect(t, "the link works once", anon.post(link[1]), http.StatusNotFound)
		if n := len(mailsTo(t, u.env, "bob@example.org", mail.KindEmailChanged)); n != 1 {
			t.Errorf("changed notices to the old address: %d, want 1", n)
		}
		c := u.client()
		c.login("robert@example.org", testkit.Password)
		expect(t, "member signs in with the new email", c.get("/i/ACME/"), http.StatusOK)
		old := u.client().post("/login", "email", "bob@example.org", "password", testkit.Password)
		if old.Status == http.StatusSeeOther {
			t.Error("the old email still signs in")
		}

		// A taken address: the form answers as for a free one; the
		// confirmation refuses and changes nothing.
		f = u.form(u.bob.ID)
		f.Set("email", "CARL@example.org")
		expect(t, "taken email", u.ada.do("POST", u.path(u.bob.ID), f), http.StatusSeeOther)
		link = confirmLink.FindStringSubmatch(lastMailTo(t, u.env, "carl@example.org", mail.KindEmailChangeConfirm).Body)
		expect(t, "confirm a taken address", anon.post(link[1]), http.StatusConflict, "Another account uses this address")
		if got := u.state(u.in, u.bob.ID).Email; got != "robert@example.org" {
			t.Errorf("email after refused confirmation: got %q", got)
		}

		// The manager's own email is changed only with the password.
		f = u.form(u.admin.Membership.ID)
		f.Set("email", "ada2@example.org")
		expect(t, "own email on Edit User", u.ada.do("POST", u.path(u.admin.Membership.ID), f), http.StatusForbidden, "Account page")
	})
}

// mailsTo lists the queued mails of a kind to an address, newest first.
func mailsTo(t *testing.T, e *env, to, kind string) []model.OutboxMessage {
	t.Helper()
	ms, err := e.store.Q().ListMail(ctx, "", 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []model.OutboxMessage
	for _, m := range ms {
		if m.To == to && m.Kind == kind {
			out = append(out, m)
		}
	}
	return out
}

func lastMailTo(t *testing.T, e *env, to, kind string) model.OutboxMessage {
	t.Helper()
	ms := mailsTo(t, e, to, kind)
	if len(ms) == 0 {
		t.Fatalf("no %s mail to %s", kind, to)
	}
	return ms[0]
}

func TestEditUserFavoritesDialog(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		u := newUserEditEnv(t, db)
		clients := u.measure(u.admin, "Clients served", "health", app.Placement{})
		beds := u.measure(u.admin, "Beds available", "housing", app.Placement{})
		idOf := func(o model.Object) string { return strconv.FormatInt(o.ID, 10) }

		// Searching is a submit of the main form: typed values stay, nothing is saved.
		before := u.state(u.in, u.bob.ID)
		f := u.form(u.bob.ID)
		f.Set("name", "Bob Unsaved")
		f.Set("fav_q", "clients")
		f.Set("fav_search", "1")
		r := u.ada.do("POST", u.path(u.bob.ID), f)
		expect(t, "search by title", r, http.StatusOK, `id="fav-results"`, "Clients served", `name="fav_add" value="`+idOf(clients)+`"`)
		if strings.Contains(r.Body, "Beds available") {
			t.Error("title filter ignored")
		}
		if got := editUserInput(r.Body, "name"); got != "Bob Unsaved" {
			t.Errorf("typed name lost: %q", got)
		}
		if !strings.Contains(r.Body, `<details class="dialog" id="fav-dialog" open>`) {
			t.Error("dialog not open after a search")
		}
		u.unchanged("a favourites search", u.in, u.bob.ID, before)

		f.Set("fav_q", "")
		f.Set("fav_tag", "housing")
		r = u.ada.do("POST", u.path(u.bob.ID), f)
		expect(t, "search by tag", r, http.StatusOK, "Beds available")
		if strings.Contains(r.Body, "Clients served") {
			t.Error("tag filter ignored")
		}
		// A measure ticked in an earlier search stays chosen.
		f.Add("fav_add", idOf(clients))
		r = u.ada.do("POST", u.path(u.bob.ID), f)
		expect(t, "ticked earlier", r, http.StatusOK, `id="favorite-pending"`)
		if got := editUserChecked(r.Body, "fav_add"); !slices.Equal(got, []string{idOf(clients)}) {
			t.Errorf("chosen to add: %v", got)
		}
		// The type filter: no measure has the second type.
		types, _ := u.app.Types(ctx, u.admin, model.KindMeasure)
		if len(types) > 1 {
			g := u.form(u.bob.ID)
			g.Set("fav_type", strconv.FormatInt(types[1].ID, 10))
			g.Set("fav_search", "1")
			expect(t, "search by type", u.ada.do("POST", u.path(u.bob.ID), g), http.StatusOK, `id="fav-none"`)
		}
		// Links may carry the filter too.
		expect(t, "GET filter", u.ada.get(u.path(u.bob.ID)+"?fav_q=beds"), http.StatusOK, `name="fav_add" value="`+idOf(beds)+`"`)

		// Save adds the ticked measure.
		f = u.form(u.bob.ID)
		f.Set("fav_add", idOf(clients))
		expect(t, "add favourite", u.ada.do("POST", u.path(u.bob.ID), f), http.StatusSeeOther)
		if got := u.state(u.in, u.bob.ID).Favorites; !slices.Equal(got, []int64{clients.ID}) {
			t.Fatalf("favourites: %v", got)
		}
		r = u.ada.get(u.path(u.bob.ID))
		expect(t, "favourite listed", r, http.StatusOK, `id="favorite-list"`, "Clients served", `name="fav_remove" value="`+idOf(clients)+`"`)
		// A search marks favourites already there instead of offering them.
		f.Set("fav_search", "1")
		f.Del("fav_add")
		r = u.ada.do("POST", u.path(u.bob.ID), f)
		if strings.Contains(r.Body, `name="fav_add" value="`+idOf(clients)+`"`) {
			t.Error("an existing favourite is offered again")
		}

		// Remove one and add another in the same Save.
		f = u.form(u.bob.ID)
		f.Set("fav_remove", idOf(clients))
		f.Set("fav_add", idOf(beds))
		expect(t, "swap favourites", u.ada.do("POST", u.path(u.bob.ID), f), http.StatusSeeOther)
		if got := u.state(u.in, u.bob.ID).Favorites; !slices.Equal(got, []int64{beds.ID}) {
			t.Errorf("favourites after swap: %v", got)
		}
	})
}

func TestEditUserLastActivityInViewerZone(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		u := newUserEditEnv(t, db)
		bob := u.client()
		bob.login("bob@example.org", testkit.Password)
		bob.get("/i/ACME/") // records activity
		if err := u.app.UpdateProfile(ctx, app.Session{Account: u.admin.Account}, u.admin.Account.Name, "Asia/Tokyo"); err != nil {
			t.Fatal(err)
		}
		r := u.ada.get(u.path(u.bob.ID))
		expect(t, "last activity", r, http.StatusOK, "Last activity: <strong id=\"last-activity\">")
		if !strings.Contains(r.Body, " JST</strong>") {
			t.Errorf("last activity not in the viewer's zone: %s", excerpt(r.Body[strings.Index(r.Body, "Last activity"):]))
		}
	})
}

// TestBrowserEditUser drives the Edit User page with JavaScript: the tab
// bar switches sections in place, a preset button sets the switches
// without a round trip, the Scorecards tab follows the All Scorecards
// switch, Enter in the favourites filter searches instead of saving, and
// one Save stores every tab.
func TestBrowserEditUser(t *testing.T) {
	u := newUserEditEnv(t, testkit.NewSQLite(t))
	north := u.scorecard("North Scorecard")
	clinic := u.measure(u.admin, "Clinic visits", "health", app.Placement{})
	ctx := a11yBrowser(t)
	uiSignIn(t, ctx, u.srv.URL, "ada@example.org", testkit.Password)
	if err := chromedp.Do(ctx, chromedp.Navigate(u.srv.URL+u.path(u.bob.ID)), chromedp.WaitVisible(chromedp.CSS("#user-form"))); err != nil {
		t.Fatal(err)
	}
	checkAxe(t, ctx, "Edit User")
	shown := func() []string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('#user-form [data-tab]')].filter(p => p.offsetParent !== null).map(p => p.id)`))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	visible := func(sel string) bool {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const el = document.querySelector(`+jsString(sel)+`); return !!el && el.offsetParent !== null; })()`))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	checked := func() []string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('input[name=perm]:checked')].map(c => c.value)`))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if got := shown(); !slices.Equal(got, []string{"general"}) {
		t.Fatalf("sections shown at first: %v", got)
	}
	if err := chromedp.Do(ctx, uiClick(`#user-tabs a[href="#scorecards"]`)); err != nil {
		t.Fatal(err)
	}
	if got := shown(); !slices.Equal(got, []string{"scorecards"}) {
		t.Errorf("after the Scorecards tab: %v", got)
	}
	if !visible("#scorecard-choices") || visible("#all-scorecards-note") {
		t.Error("a Presenter's scorecard list is not shown")
	}

	// A preset button sets the switches in place: no request, no reload.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.noReload = true`)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, uiClick(`#user-tabs a[href="#general"]`), uiClick(`button[name=apply_preset][value="Data Entry"]`)); err != nil {
		t.Fatal(err)
	}
	if got, want := checked(), access.MustPreset(access.PresetDataEntry).Keys(); !slices.Equal(got, want) {
		t.Errorf("switches after the preset: %v, want %v", got, want)
	}
	if got := uiValue(t, ctx, "#user-preset"); got != access.PresetDataEntry {
		t.Errorf("hidden preset: %q", got)
	}
	if got := testkit.Text(t, ctx, "#user-role"); got != access.PresetDataEntry {
		t.Errorf("role shown: %q", got)
	}
	if still, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.noReload === true`)); !still {
		t.Error("the preset button reloaded the page")
	}
	testkit.Screenshot(t, ctx, "general-tab")

	// All Scorecards on hides the list and shows the note, live.
	if err := chromedp.Do(ctx, uiClick(`input[name=perm][value="scorecards.all"]`), uiClick(`#user-tabs a[href="#scorecards"]`)); err != nil {
		t.Fatal(err)
	}
	if visible("#scorecard-choices") || !visible("#all-scorecards-note") {
		t.Error("All Scorecards on: the list still shows")
	}
	if got := testkit.Text(t, ctx, "#user-role"); got != "" && got != "Custom" {
		t.Errorf("role after a switch: %q", got)
	}
	if err := chromedp.Do(ctx, uiClick(`#user-tabs a[href="#general"]`), uiClick(`input[name=perm][value="scorecards.all"]`), uiClick(`#user-tabs a[href="#scorecards"]`)); err != nil {
		t.Fatal(err)
	}
	if !visible("#scorecard-choices") || visible("#all-scorecards-note") {
		t.Error("All Scorecards off: the list is not back")
	}
	if err := chromedp.Do(ctx, uiClick(`input[name=scorecard][value="`+strconv.FormatInt(north.ID, 10)+`"]`)); err != nil {
		t.Fatal(err)
	}
	testkit.Screenshot(t, ctx, "scorecards-tab")
	uiFollow(t, ctx, "#user-save", http.StatusOK)
	uiWait(t, ctx, ".flash")
	if got := shown(); !slices.Equal(got, []string{"scorecards"}) {
		t.Errorf("after Save the page shows %v, want the tab it was saved from", got)
	}
	got := u.state(u.in, u.bob.ID)
	if got.Role != access.PresetDataEntry || got.Preset != access.PresetDataEntry || !slices.Equal(got.Scorecards, []int64{north.ID}) {
		t.Errorf("saved: %+v", got)
	}

	// Enter in the favourites filter searches; nothing is saved.
	before := u.state(u.in, u.bob.ID)
	if err := chromedp.Do(ctx, uiClick(`#user-tabs a[href="#favorites"]`), uiClick("#fav-dialog > summary")); err != nil {
		t.Fatal(err)
	}
	res, err := chromedp.RunResponse(ctx, chromedp.SendKeys(chromedp.CSS(`input[name=fav_q]`), "clinic\r"))
	if err != nil {
		t.Fatalf("search: %v", err)
	}
	checkAxe(t, ctx, "favourites searched")
	if res.Status != http.StatusOK {
		t.Fatalf("search: status %d", res.Status)
	}
	uiWait(t, ctx, "#fav-results")
	if got := shown(); !slices.Equal(got, []string{"favorites"}) {
		t.Errorf("after the search the page shows %v", got)
	}
	u.unchanged("the favourites search", u.in, u.bob.ID, before)
	if err := chromedp.Do(ctx, uiClick(`input[name=fav_add][value="`+strconv.FormatInt(clinic.ID, 10)+`"]`)); err != nil {
		t.Fatal(err)
	}
	testkit.Screenshot(t, ctx, "favorites-search")
	uiFollow(t, ctx, "#user-save", http.StatusOK)
	if got := u.state(u.in, u.bob.ID).Favorites; !slices.Equal(got, []int64{clinic.ID}) {
		t.Errorf("favourites: %v", got)
	}
	uiWait(t, ctx, "#favorite-list")
}
