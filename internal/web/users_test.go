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
	"sync"
	"testing"
	"time"

	"yardstick/internal/access"
	"yardstick/internal/mail"
	"yardstick/internal/model"
	"yardstick/internal/store"
	"yardstick/internal/testkit"
)

// usersEnv is instance ACME with four members whose every column differs,
// so each sort has one right order (the clock is testkit.Epoch):
//
//	email            name      role               perms  status    last activity
//	ada@example.org  Zoe Ada   Administration     22     active    Epoch (her own requests)
//	bob@example.org  Mia Bob   Scorecard Builder  14     active    Epoch − 3h
//	cat@example.org  Abe Cat   Data Entry          5     inactive  Epoch − 1h
//	dan@example.org  Kim Dan   Presenter           4     active    never
//
// ada is the only administrator and is signed in.
type usersEnv struct {
	*env
	in  model.Instance
	ids map[string]int64 // email → membership id
	ada *client
}

func newUsersEnv(t *testing.T, db *testkit.DB) *usersEnv {
	t.Helper()
	e := newEnv(t, db)
	u := &usersEnv{env: e, in: e.instance("ACME", "Acme Community"), ids: map[string]int64{}}
	q := e.store.Q()
	for _, m := range []struct {
		email, name, preset string
		active              bool
		seen                time.Duration // 0: never
	}{
		{"ada@example.org", "Zoe Ada", access.PresetAdministration, true, 0},
		{"bob@example.org", "Mia Bob", access.PresetScorecardBuilder, true, -3 * time.Hour},
		{"cat@example.org", "Abe Cat", access.PresetDataEntry, false, -time.Hour},
		{"dan@example.org", "Kim Dan", access.PresetPresenter, true, 0},
	} {
		acct, mem := e.member(u.in, m.email, m.preset)
		u.ids[m.email] = mem.ID
		if err := q.UpdateAccountIdentity(ctx, acct.ID, m.email, m.name); err != nil {
			t.Fatal(err)
		}
		if m.seen != 0 {
			if err := q.TouchMember(ctx, mem.ID, testkit.Epoch.Add(m.seen)); err != nil {
				t.Fatal(err)
			}
		}
		if !m.active {
			mem, err := q.MembershipByID(ctx, u.in.ID, mem.ID)
			if err != nil {
				t.Fatal(err)
			}
			mem.Active = false
			if err := q.UpdateMembership(ctx, mem); err != nil {
				t.Fatal(err)
			}
		}
	}
	u.ada = e.client()
	u.ada.login("ada@example.org", testkit.Password)
	return u
}

func (u *usersEnv) path(id int64, action string) string {
	p := "/i/ACME/admin/users/" + strconv.FormatInt(id, 10)
	if action != "" {
		p += "/" + action
	}
	return p
}

var (
	userEmailCell = regexp.MustCompile(`<td class="user-email">([^<]*)</td>`)
	nextPageLink  = regexp.MustCompile(`<a href="([^"]*)" id="next-page"`)
	sentLocation  = regexp.MustCompile(`^/i/ACME/admin/users\?done=sent&to=`)
)

// listedEmails returns the emails of the users table, in order.
func listedEmails(body string) []string {
	var out []string
	for _, m := range userEmailCell.FindAllStringSubmatch(body, -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	return out
}

// hrefOf returns the unescaped href of the link with the given id.
func hrefOf(t *testing.T, body, id string) string {
	t.Helper()
	m := regexp.MustCompile(`<a href="([^"]*)" id="` + regexp.QuoteMeta(id) + `"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no link #%s in %s", id, excerpt(body))
	}
	return html.UnescapeString(m[1])
}

// usersState is what a users-administration write can change.
type usersState struct {
	Members       []model.Membership
	Active, Total int
	Seats         int
	Accounts      int
	Mail          int
}

func (u *usersEnv) state() usersState {
	u.t.Helper()
	q := u.store.Q()
	page, err := q.ListMembers(ctx, u.in.ID, store.MemberFilter{Limit: 200})
	if err != nil {
		u.t.Fatal(err)
	}
	var s usersState
	for _, listed := range page.Members {
		// The whole record, not the list's columns: permissions and the
		// version count too.
		m, err := q.MembershipByID(ctx, u.in.ID, listed.ID)
		if err != nil {
			u.t.Fatal(err)
		}
		// A viewer's own requests record activity; that is not a change.
		m.LastActivityAt = nil
		s.Members = append(s.Members, m)
	}
	if s.Active, s.Total, err = q.MemberCounts(ctx, u.in.ID); err != nil {
		u.t.Fatal(err)
	}
	if s.Seats, err = q.SeatsUsed(ctx, u.in.ID); err != nil {
		u.t.Fatal(err)
	}
	if err := u.store.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM accounts`).Scan(&s.Accounts); err != nil {
		u.t.Fatal(err)
	}
	mails, err := q.ListMail(ctx, "", 0, 1000)
	if err != nil {
		u.t.Fatal(err)
	}
	s.Mail = len(mails)
	return s
}

func (u *usersEnv) unchanged(what string, before usersState) {
	u.t.Helper()
	if after := u.state(); !reflect.DeepEqual(after, before) {
		u.t.Errorf("%s changed something:\n got %+v\nwant %+v", what, after, before)
	}
}

func (u *usersEnv) membership(email string) model.Membership {
	u.t.Helper()
	acct, err := u.store.Q().AccountByEmail(ctx, email)
	if err != nil {
		u.t.Fatalf("account %s: %v", email, err)
	}
	m, err := u.store.Q().MembershipOf(ctx, u.in.ID, acct.ID)
	if err != nil {
		u.t.Fatalf("membership of %s: %v", email, err)
	}
	return m
}

// mailTo returns the queued mails to an address.
func (u *usersEnv) mailTo(to string) []model.OutboxMessage {
	u.t.Helper()
	list, err := u.store.Q().ListMail(ctx, "", 0, 1000)
	if err != nil {
		u.t.Fatal(err)
	}
	var out []model.OutboxMessage
	for _, m := range list {
		if m.To == to {
			out = append(out, m)
		}
	}
	return out
}

func TestUsersListSortsByEveryColumn(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		u := newUsersEnv(t, db)
		for _, tc := range []struct {
			sort string
			want []string // ascending; descending is the reverse
		}{
			{"email", []string{"ada", "bob", "cat", "dan"}},
			{"name", []string{"cat", "dan", "bob", "ada"}},
			{"activity", []string{"dan", "bob", "cat", "ada"}},
			{"role", []string{"ada", "cat", "dan", "bob"}},
			{"permissions", []string{"dan", "cat", "bob", "ada"}},
			{"status", []string{"cat", "ada", "bob", "dan"}},
		} {
			var want []string
			for _, w := range tc.want {
				want = append(want, w+"@example.org")
			}
			r := u.ada.get("/i/ACME/admin/users?sort=" + tc.sort)
			expect(t, "sort "+tc.sort, r, http.StatusOK)
			if got := listedEmails(r.Body); !slices.Equal(got, want) {
				t.Errorf("sort %s asc: got %v, want %v", tc.sort, got, want)
			}
			// The header link of the current ascending column asks for
			// descending, and keeps the search and the switch.
			r = u.ada.get("/i/ACME/admin/users?sort=" + tc.sort + "&q=example&hide=0")
			link, _ := url.Parse(hrefOf(t, r.Body, "sort-"+tc.sort))
			if got := link.Query(); got.Get("dir") != "desc" || got.Get("q") != "example" {
				t.Errorf("sort %s: header link %s, want dir=desc and q=example", tc.sort, link)
			}
			r = u.ada.get(link.String())
			expect(t, "sort "+tc.sort+" desc", r, http.StatusOK)
			slices.Reverse(want)
			if got := listedEmails(r.Body); !slices.Equal(got, want) {
				t.Errorf("sort %s desc: got %v, want %v", tc.sort, got, want)
			}
			// …and from descending, back to ascending.
			link, _ = url.Parse(hrefOf(t, r.Body, "sort-"+tc.sort))
			if link.Query().Has("dir") {
				t.Errorf("sort %s desc: header link %s still descending", tc.sort, link)
			}
		}
		// Keeping the switch: a sort link of a hidden-inactive list hides too.
		r := u.ada.get("/i/ACME/admin/users?hide=1&q=a")
		link, _ := url.Parse(hrefOf(t, r.Body, "sort-name"))
		if got := link.Query(); got.Get("hide") != "1" || got.Get("q") != "a" || got.Get("sort") != "name" {
			t.Errorf("sort link %s does not keep hide=1, q=a", link)
		}
	})
}

func TestUsersListShowsColumns(t *testing.T) {
	u := newUsersEnv(t, testkit.NewSQLite(t))
	// ada reads times in Tokyo (UTC+9, no daylight saving).
	if _, err := time.LoadLocation("Asia/Tokyo"); err != nil {
		t.Fatal("time zone data:", err)
	}
	acct, err := u.store.Q().AccountByEmail(ctx, "ada@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if err := u.store.Q().UpdateAccountProfile(ctx, acct.ID, acct.Name, "Asia/Tokyo"); err != nil {
		t.Fatal(err)
	}
	r := u.ada.get("/i/ACME/admin/users")
	bobSeen := testkit.Epoch.Add(-3 * time.Hour).In(time.FixedZone("JST", 9*3600)).Format("2 Jan 2006 15:04")
	expect(t, "list", r, http.StatusOK,
		`id="user-counts">3 active · 4 total</p>`,
		"Add New User", `href="/i/ACME/admin/users/new"`,
		"Add Existing User", `href="/i/ACME/admin/users/new?existing=1"`,
		"Mia Bob", "Scorecard Builder", bobSeen, "Never",
		">4 of 22<", ">22 of 22<",
		"Inactive", "Active",
		`name="hide" value="1"`)
	row := func(email string) string {
		i := strings.Index(r.Body, `id="user-`+strconv.FormatInt(u.ids[email], 10)+`"`)
		if i < 0 {
			t.Fatalf("no row for %s", email)
		}
		j := strings.Index(r.Body[i:], "</tr>")
		return r.Body[i : i+j]
	}
	cat, bob := row("cat@example.org"), row("bob@example.org")
	// An inactive row's Edit is greyed but still a link; its menu offers
	// Reactivate, an active row's Deactivate, both Reset password.
	for _, want := range []string{`class="button disabled" aria-disabled="true" href="` + u.path(u.ids["cat@example.org"], "") + `"`,
		`form="user-actions" formaction="` + u.path(u.ids["cat@example.org"], "reactivate") + `">Reactivate<`,
		`form="user-actions" formaction="` + u.path(u.ids["cat@example.org"], "reset") + `" data-confirm="`,
		`<details class="menu row-menu">`} {
		if !strings.Contains(cat, want) {
			t.Errorf("inactive row lacks %q: %s", want, cat)
		}
	}
	if strings.Contains(cat, "/deactivate") {
		t.Errorf("inactive row offers Deactivate: %s", cat)
	}
	for _, want := range []string{`<a class="button" href="` + u.path(u.ids["bob@example.org"], "") + `"`,
		`form="user-actions" formaction="` + u.path(u.ids["bob@example.org"], "deactivate") + `" data-confirm="Deactivate {who}?"`,
		`form="user-actions" formaction="` + u.path(u.ids["bob@example.org"], "reset") + `" data-confirm="Reset the password of {who}?`,
		`data-who="Mia Bob (bob@example.org)"`} {
		if !strings.Contains(bob, want) {
			t.Errorf("active row lacks %q: %s", want, bob)
		}
	}
	if strings.Contains(bob, "/reactivate") || strings.Contains(bob, "disabled") {
		t.Errorf("active row offers Reactivate or a greyed Edit: %s", bob)
	}
	if strings.Contains(r.Body, "style=") {
		t.Errorf("the list has an inline style (CSP forbids them)")
	}

	// Names and emails are text, never markup, in cells and in attributes.
	hostile := `<script>alert(1)</script> "Q" & 'R'`
	if err := u.store.Q().UpdateAccountIdentity(ctx, acct.ID, "ada@example.org", hostile); err != nil {
		t.Fatal(err)
	}
	r = u.ada.get("/i/ACME/admin/users")
	expect(t, "hostile name", r, http.StatusOK, `&lt;script&gt;alert(1)&lt;/script&gt; &#34;Q&#34; &amp; &#39;R&#39;`)
	if strings.Contains(r.Body, "<script>alert") || strings.Contains(r.Body, `"Q"`) {
		t.Errorf("the hostile name reached the page unescaped: %s", row("ada@example.org"))
	}
}

func TestUsersListSearchesEveryColumn(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		u := newUsersEnv(t, db)
		for _, tc := range []struct {
			q    string
			hide bool
			want []string
		}{
			{"ob@exa", false, []string{"bob"}}, // part of an email
			{"example.org", false, []string{"ada", "bob", "cat", "dan"}},
			{"abe c", false, []string{"cat"}}, // part of a name, across first and last
			{"MIA", false, []string{"bob"}},   // any case
			{"entry", false, []string{"cat"}}, // part of a role
			{"builder", false, []string{"bob"}},
			{"inactive", false, []string{"cat"}}, // status
			{"inactive", true, nil},              // hidden
			{"%", false, nil},                    // LIKE characters are literal
			{"_", false, nil},
			{"nobody", false, nil},
		} {
			path := "/i/ACME/admin/users?q=" + url.QueryEscape(tc.q)
			if tc.hide {
				path += "&hide=1"
			}
			r := u.ada.get(path)
			expect(t, "search "+tc.q, r, http.StatusOK, `value="`+html.EscapeString(tc.q)+`"`)
			var want []string
			for _, w := range tc.want {
				want = append(want, w+"@example.org")
			}
			if got := listedEmails(r.Body); !slices.Equal(got, want) {
				t.Errorf("search %q (hide %v): got %v, want %v", tc.q, tc.hide, got, want)
			}
			if len(want) == 0 && !strings.Contains(r.Body, "No users match.") {
				t.Errorf("search %q: no empty-list message", tc.q)
			}
		}
	})
}

func TestUsersListHideInactive(t *testing.T) {
	u := newUsersEnv(t, testkit.NewSQLite(t))
	r := u.ada.get("/i/ACME/admin/users?hide=1")
	// The counts are the instance's, whatever the list shows.
	expect(t, "hide", r, http.StatusOK, "3 active · 4 total", `name="hide" value="1" checked`)
	if got, want := listedEmails(r.Body), []string{"ada@example.org", "bob@example.org", "dan@example.org"}; !slices.Equal(got, want) {
		t.Errorf("hide inactive: got %v, want %v", got, want)
	}
	// The search form carries the sort, so searching keeps it.
	r = u.ada.get("/i/ACME/admin/users?sort=name&dir=desc")
	expect(t, "sorted", r, http.StatusOK, `<input type="hidden" name="sort" value="name">`, `<input type="hidden" name="dir" value="desc">`)
	if strings.Contains(r.Body, `value="1" checked`) {
		t.Errorf("switch on without hide=1")
	}
}

// TestUsersListPagingStable: rows inserted while someone pages, before
// and after the cursor, neither repeat nor push out rows of the original
// set.
func TestUsersListPagingStable(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		u := newUsersEnv(t, db)
		var original []string
		for _, e := range []string{"ada", "bob", "cat", "dan"} {
			original = append(original, e+"@example.org")
		}
		for i := range 116 {
			email := "m" + strconv.Itoa(1000+i) + "@example.org"
			u.member(u.in, email, access.PresetPresenter)
			original = append(original, email)
		}
		slices.Sort(original)

		r := u.ada.get("/i/ACME/admin/users")
		expect(t, "page 1", r, http.StatusOK, "119 active · 120 total")
		seen := listedEmails(r.Body)
		if len(seen) != 50 {
			t.Fatalf("page 1 has %d rows, want 50", len(seen))
		}
		if strings.Contains(r.Body, `id="first-page"`) {
			t.Errorf("page 1 links to the first page")
		}
		// Insert around the cursor: some sort before it, some after.
		for _, email := range []string{"aaa@example.org", "m1010a@example.org", "m1060a@example.org", "zzz@example.org"} {
			u.member(u.in, email, access.PresetPresenter)
		}
		for page := 2; ; page++ {
			m := nextPageLink.FindStringSubmatch(r.Body)
			if m == nil {
				break
			}
			next := html.UnescapeString(m[1])
			r = u.ada.get(next)
			expect(t, "page "+strconv.Itoa(page), r, http.StatusOK, `id="first-page"`)
			seen = append(seen, listedEmails(r.Body)...)
			if page > 5 {
				t.Fatal("paging does not end")
			}
		}
		var got []string
		for _, e := range seen {
			if slices.Contains(original, e) {
				got = append(got, e)
			}
		}
		if !slices.Equal(got, original) {
			t.Errorf("paging lost or repeated rows of the original set: got %d rows %v, want %d", len(got), got, len(original))
		}
		for _, e := range seen {
			if e == "aaa@example.org" || e == "m1010a@example.org" {
				t.Errorf("%s, inserted before the cursor, appeared on a later page", e)
			}
		}
		if !slices.Contains(seen, "m1060a@example.org") || !slices.Contains(seen, "zzz@example.org") {
			t.Errorf("rows inserted after the cursor are missing from later pages")
		}
		// The first page link goes back to the start, keeping the sort.
		r = u.ada.get("/i/ACME/admin/users?sort=name&dir=desc&q=example")
		r = u.ada.get(html.UnescapeString(nextPageLink.FindStringSubmatch(r.Body)[1]))
		first, _ := url.Parse(hrefOf(t, r.Body, "first-page"))
		if q := first.Query(); q.Has("after") || q.Get("sort") != "name" || q.Get("dir") != "desc" || q.Get("q") != "example" {
			t.Errorf("first page link %s", first)
		}
		// A tampered cursor shows the first page and says why.
		r = u.ada.get("/i/ACME/admin/users?after=garbage")
		expect(t, "bad cursor", r, http.StatusUnprocessableEntity, "no longer valid", `id="user-list"`)
	})
}

func TestUsersDeactivateReactivateAndReset(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		u := newUsersEnv(t, db)
		bob := u.ids["bob@example.org"]
		bobc := u.client()
		bobc.login("bob@example.org", testkit.Password)

		// Deactivate from a searched, sorted, switched list: back to it.
		// The row buttons post the list's shared form, which carries that
		// state in the body.
		list := u.ada.get("/i/ACME/admin/users?q=b&hide=1&sort=name&dir=desc")
		expect(t, "list", list, http.StatusOK, `<form method="post" id="user-actions">`)
		state := list.Body[strings.Index(list.Body, `id="user-actions"`):]
		state = state[:strings.Index(state, "</form>")]
		for _, kv := range [][2]string{{"q", "b"}, {"hide", "1"}, {"sort", "name"}, {"dir", "desc"}} {
			if want := `<input type="hidden" name="` + kv[0] + `" value="` + kv[1] + `">`; !strings.Contains(state, want) {
				t.Errorf("the row actions' form lacks %s: %s", want, state)
			}
		}
		r := u.ada.post(u.path(bob, "deactivate"), "q", "b", "hide", "1", "sort", "name", "dir", "desc")
		expect(t, "deactivate", r, http.StatusSeeOther)
		loc, _ := url.Parse(r.Location)
		if got := loc.Query(); loc.Path != "/i/ACME/admin/users" || got.Get("q") != "b" || got.Get("hide") != "1" ||
			got.Get("sort") != "name" || got.Get("dir") != "desc" || got.Get("done") != "deactivated" {
			t.Errorf("deactivate went to %s", r.Location)
		}
		r = u.ada.get(r.Location)
		expect(t, "after deactivate", r, http.StatusOK, "The member was deactivated", "2 active · 4 total")
		if slices.Contains(listedEmails(r.Body), "bob@example.org") {
			t.Errorf("deactivated bob still listed with hide=1")
		}
		if u.membership("bob@example.org").Active {
			t.Errorf("bob still active")
		}
		// Bob's only instance: his session ended.
		if r := bobc.get("/i/ACME/"); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/login") {
			t.Errorf("deactivated bob: GET dashboard %d %s, want a redirect to sign-in", r.Status, r.Location)
		}

		r = u.ada.post(u.path(bob, "reactivate"))
		expect(t, "reactivate", r, http.StatusSeeOther)
		if r.Location != "/i/ACME/admin/users?done=reactivated" {
			t.Errorf("reactivate went to %s", r.Location)
		}
		expect(t, "after reactivate", u.ada.get(r.Location), http.StatusOK, "The member was reactivated", "3 active · 4 total")

		// Reset: bob is mailed a new temporary password the manager never sees.
		bobc.login("bob@example.org", testkit.Password)
		r = u.ada.post(u.path(bob, "reset") + "?q=bob")
		expect(t, "reset", r, http.StatusSeeOther)
		if r.Location != "/i/ACME/admin/users?done=reset&q=bob" {
			t.Errorf("reset went to %s", r.Location)
		}
		page := u.ada.get(r.Location)
		expect(t, "after reset", page, http.StatusOK, "was sent a new temporary password by mail")
		mails := u.mailTo("bob@example.org")
		if len(mails) != 1 || mails[0].Kind != mail.KindAdminReset {
			t.Fatalf("mails to bob: %+v, want one %s", mails, mail.KindAdminReset)
		}
		temp := testkit.FindAfter(mails[0].Body, mail.LabelTempPassword)
		if len(temp) < 12 {
			t.Fatalf("no temporary password in %q", mails[0].Body)
		}
		for what, body := range map[string]string{"reset response": r.Body + r.Location, "list": page.Body} {
			if strings.Contains(body, temp) {
				t.Errorf("the manager sees the temporary password in the %s", what)
			}
		}
		if r := bobc.get("/i/ACME/"); r.Status != http.StatusSeeOther {
			t.Errorf("bob's session survived the reset: %d", r.Status)
		}
		if r := u.client().post("/login", "email", "bob@example.org", "password", testkit.Password); r.Status == http.StatusSeeOther {
			t.Errorf("bob's old password still works after the reset")
		}
	})
}

func TestUsersOtherInstanceMemberIsNotFound(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		u := newUsersEnv(t, db)
		other := u.instance("OTHER", "Other Place")
		_, eve := u.member(other, "eve@example.org", access.PresetAdministration)
		before := u.state()
		for _, action := range []string{"deactivate", "reactivate", "reset"} {
			expect(t, action+" another instance's member", u.ada.post(u.path(eve.ID, action)), http.StatusNotFound)
			expect(t, action+" a missing id", u.ada.post(u.path(999999, action)), http.StatusNotFound)
			expect(t, action+" a malformed id", u.ada.post("/i/ACME/admin/users/x1/"+action), http.StatusNotFound)
		}
		expect(t, "edit another instance's member", u.ada.get(u.path(eve.ID, "")), http.StatusNotFound)
		u.unchanged("refused actions", before)
		if m, err := u.store.Q().MembershipByID(ctx, other.ID, eve.ID); err != nil || !m.Active {
			t.Errorf("eve's membership: %+v, %v", m, err)
		}
		if got := u.mailTo("eve@example.org"); len(got) != 0 {
			t.Errorf("eve was mailed: %+v", got)
		}
	})
}

func TestUsersLastAdministratorStays(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		u := newUsersEnv(t, db)
		before := u.state()
		r := u.ada.post(u.path(u.ids["ada@example.org"], "deactivate") + "?sort=role")
		// The list comes back (in the order it was in) with the refusal.
		expect(t, "deactivate the only administrator", r, http.StatusConflict, `id="users-refusal"`,
			"without an active member who holds both Instance Admin and Manage Users", `id="user-list"`)
		if got, want := listedEmails(r.Body), []string{"ada@example.org", "cat@example.org", "dan@example.org", "bob@example.org"}; !slices.Equal(got, want) {
			t.Errorf("refusal list: got %v, want %v (sorted by role)", got, want)
		}
		u.unchanged("refused deactivation", before)
		if !u.membership("ada@example.org").Active {
			t.Errorf("the only administrator was deactivated")
		}
	})
}

// TestUsersAdministratorsDeactivateEachOther: two administrators
// deactivate each other at the same moment; exactly one succeeds, so one
// administrator remains (SQLite serializes writers; PostgreSQL relies on
// the instance row lock).
func TestUsersAdministratorsDeactivateEachOther(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		u := newUsersEnv(t, db)
		_, zed := u.member(u.in, "zed@example.org", access.PresetAdministration)
		ada := u.ids["ada@example.org"]
		zedc := u.client()
		for round := range 4 {
			// Both active administrators, both signed in.
			for _, id := range []int64{ada, zed.ID} {
				m, err := u.store.Q().MembershipByID(ctx, u.in.ID, id)
				if err != nil {
					t.Fatal(err)
				}
				if !m.Active {
					m.Active = true
					if err := u.store.Q().UpdateMembership(ctx, m); err != nil {
						t.Fatal(err)
					}
				}
			}
			adac := u.client()
			adac.login("ada@example.org", testkit.Password)
			zedc.login("zed@example.org", testkit.Password)
			// Warm both sessions so the two POSTs race on the change itself.
			adac.get("/i/ACME/admin/users")
			zedc.get("/i/ACME/admin/users")

			type result struct {
				status   int
				location string
				err      error
			}
			results := make([]result, 2)
			var start, done sync.WaitGroup
			start.Add(1)
			for i, tc := range []struct {
				c      *client
				target int64
			}{{adac, zed.ID}, {zedc, ada}} {
				done.Add(1)
				go func() {
					defer done.Done()
					req, err := http.NewRequest("POST", u.srv.URL+u.path(tc.target, "deactivate"), nil)
					if err != nil {
						results[i].err = err
						return
					}
					start.Wait()
					res, err := tc.c.hc.Do(req)
					if err != nil {
						results[i].err = err
						return
					}
					res.Body.Close()
					results[i] = result{status: res.StatusCode, location: res.Header.Get("Location")}
				}()
			}
			start.Done()
			done.Wait()
			succeeded := 0
			for i, res := range results {
				if res.err != nil {
					t.Fatalf("round %d request %d: %v", round, i, res.err)
				}
				switch {
				case res.status == http.StatusSeeOther && strings.Contains(res.location, "done=deactivated"):
					succeeded++
				case res.status == http.StatusConflict, res.status == http.StatusNotFound,
					res.status == http.StatusSeeOther && strings.HasPrefix(res.location, "/login"):
					// Refused: the last administrator, or the actor was
					// deactivated (and signed out) before its turn.
				default:
					t.Errorf("round %d request %d: status %d location %q", round, i, res.status, res.location)
				}
			}
			if succeeded != 1 {
				t.Errorf("round %d: %d deactivations succeeded, want exactly 1 (%+v)", round, succeeded, results)
			}
			n, err := u.store.Q().CountAdministrators(ctx, u.in.ID)
			if err != nil {
				t.Fatal(err)
			}
			if n != 1 {
				t.Fatalf("round %d: %d active administrators remain, want 1", round, n)
			}
		}
	})
}

func TestAddUserFormsExplain(t *testing.T) {
	u := newUsersEnv(t, testkit.NewSQLite(t))
	expect(t, "add new form", u.ada.get("/i/ACME/admin/users/new"), http.StatusOK,
		`action="/i/ACME/admin/users"`, `name="email"`, `name="first_name"`, `name="last_name"`,
		`type="radio" name="role" value="User" checked`, `type="radio" name="role" value="Administrator"`,
		"welcome email", "temporary password", `href="/i/ACME/admin/users/new?existing=1"`)
	r := u.ada.get("/i/ACME/admin/users/new?existing=1")
	expect(t, "add existing form", r, http.StatusOK,
		"Add Existing User", `action="/i/ACME/admin/users/existing"`, `name="email"`, "no seat", "invitation")
	if strings.Contains(r.Body, `name="first_name"`) || strings.Contains(r.Body, `name="role"`) {
		t.Errorf("the existing-user form asks for more than the email")
	}
	// Without users.manage: no Users pages.
	bobc := u.client()
	bobc.login("bob@example.org", testkit.Password)
	for _, p := range []string{"/i/ACME/admin/users", "/i/ACME/admin/users/new"} {
		expect(t, "builder GET "+p, bobc.get(p), http.StatusForbidden)
	}
	before := u.state()
	expect(t, "builder adds", bobc.post("/i/ACME/admin/users", "email", "x@example.org", "first_name", "X", "last_name", "Y"), http.StatusForbidden)
	expect(t, "builder deactivates", bobc.post(u.path(u.ids["dan@example.org"], "deactivate")), http.StatusForbidden)
	u.unchanged("builder's refused writes", before)
}

func TestAddUserNewSendsWelcome(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		u := newUsersEnv(t, db)
		r := u.ada.post("/i/ACME/admin/users", "email", " Nina.Ng@Example.org ", "first_name", "Nina", "last_name", "Ng", "role", "User")
		expect(t, "add new user", r, http.StatusSeeOther)
		if !sentLocation.MatchString(r.Location) {
			t.Fatalf("add new user went to %q, want the users list saying where the mail went", r.Location)
		}
		expect(t, "the list says where the mail went", u.ada.get(r.Location), http.StatusOK, "We sent an email to nina.ng@example.org.")
		mem := u.membership("nina.ng@example.org")
		if mem.Email != "nina.ng@example.org" || mem.Name != "Nina Ng" || mem.Role != access.PresetPresenter || !mem.Active {
			t.Errorf("new member %+v, want nina.ng@example.org, Nina Ng, Presenter, active", mem)
		}
		mails := u.mailTo("nina.ng@example.org")
		if len(mails) != 1 || mails[0].Kind != mail.KindWelcome {
			t.Fatalf("mails to nina: %+v, want one %s", mails, mail.KindWelcome)
		}
		temp := testkit.FindAfter(mails[0].Body, mail.LabelTempPassword)
		if len(temp) < 12 {
			t.Fatalf("no temporary password in the welcome mail %q", mails[0].Body)
		}
		list := u.ada.get("/i/ACME/admin/users?q=nina")
		expect(t, "list with nina", list, http.StatusOK, "nina.ng@example.org", "Nina Ng", "Presenter", "4 active · 5 total")
		edit := u.ada.get(u.path(mem.ID, ""))
		for what, body := range map[string]string{"create response": r.Body + r.Location, "list": list.Body, "edit page": edit.Body} {
			if strings.Contains(body, temp) {
				t.Errorf("the manager sees the temporary password in the %s", what)
			}
		}
		// The temporary password signs nina in (and must be replaced).
		if r := u.client().post("/login", "email", "nina.ng@example.org", "password", temp); r.Status != http.StatusSeeOther {
			t.Errorf("nina cannot sign in with the mailed password: %d", r.Status)
		}

		// Account role Administrator starts with every permission.
		r = u.ada.post("/i/ACME/admin/users", "email", "root@example.org", "first_name", "Ro", "last_name", "Ot", "role", "Administrator")
		expect(t, "add administrator", r, http.StatusSeeOther)
		if mem := u.membership("root@example.org"); mem.Role != access.PresetAdministration || len(mem.Permissions) != 22 {
			t.Errorf("administrator: %+v", mem)
		}
	})
}

func TestAddUserRefusals(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		u := newUsersEnv(t, db)
		before := u.state()
		for _, tc := range []struct {
			what   string
			form   []string
			status int
			want   []string
		}{
			{"malformed email", []string{"email", "not-an-email", "first_name", "No", "last_name", "Body"}, http.StatusUnprocessableEntity,
				[]string{"Enter a valid email address.", `value="not-an-email"`, `value="No"`, `value="Body"`}},
			{"a member's email", []string{"email", "BOB@example.org", "first_name", "Bob", "last_name", "Again"}, http.StatusUnprocessableEntity,
				[]string{"This person is already a member of this instance."}},
			{"missing names", []string{"email", "new@example.org", "first_name", " ", "last_name", ""}, http.StatusUnprocessableEntity,
				[]string{`id="err-first_name"`, `id="err-last_name"`, `value="new@example.org"`}},
		} {
			r := u.ada.post("/i/ACME/admin/users", tc.form...)
			expect(t, tc.what, r, tc.status, append(tc.want, `id="user-new-form"`)...)
		}
		r := u.ada.post("/i/ACME/admin/users/existing", "email", "dan@example.org")
		expect(t, "existing: already a member", r, http.StatusUnprocessableEntity, "already a member of this instance")
		r = u.ada.post("/i/ACME/admin/users/existing", "email", "dan@")
		expect(t, "existing: malformed", r, http.StatusUnprocessableEntity, "Enter a valid email address.")
		u.unchanged("refused adds", before)
	})
}

// TestAddUserAdministratorNeedsEveryPermission: a manager holding only
// users.manage may add a User but not an Administrator.
func TestAddUserAdministratorNeedsEveryPermission(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		u := newUsersEnv(t, db)
		_, mgr := u.member(u.in, "max@example.org", access.PresetPresenter)
		if _, err := u.store.DB().ExecContext(ctx, `UPDATE memberships SET permissions = $1, role = 'Custom', perm_count = 1 WHERE id = $2`,
			string(access.UsersManage), mgr.ID); err != nil {
			t.Fatal(err)
		}
		maxc := u.client()
		maxc.login("max@example.org", testkit.Password)
		expect(t, "custom manager lists", maxc.get("/i/ACME/admin/users"), http.StatusOK, "max@example.org", "1 of 22")
		before := u.state()
		r := maxc.post("/i/ACME/admin/users", "email", "boss@example.org", "first_name", "Big", "last_name", "Boss", "role", "Administrator")
		expect(t, "custom manager adds an Administrator", r, http.StatusForbidden,
			"You cannot add an Administrator", `id="user-new-form"`, `value="boss@example.org"`, `value="Administrator" checked`)
		u.unchanged("refused Administrator", before)
		if _, err := u.store.Q().AccountByEmail(ctx, "boss@example.org"); err == nil {
			t.Errorf("the refused account exists")
		}
		r = maxc.post("/i/ACME/admin/users", "email", "user@example.org", "first_name", "Us", "last_name", "Er", "role", "User")
		expect(t, "custom manager adds a User", r, http.StatusSeeOther)
	})
}

func TestSeatLimitOnAddAndReactivate(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		u := newUsersEnv(t, db)
		// ada, bob and dan hold the three seats (cat is inactive).
		if err := u.store.Q().SetLicense(ctx, u.in.ID, "Standard", 3); err != nil {
			t.Fatal(err)
		}
		before := u.state()
		r := u.ada.post("/i/ACME/admin/users", "email", "new@example.org", "first_name", "New", "last_name", "Person", "role", "User")
		expect(t, "add beyond the seats", r, http.StatusConflict, "No free seat", "Standard license has 3 seats",
			"Billing", `href="/i/ACME/admin/billing"`, `value="new@example.org"`)
		r = u.ada.post(u.path(u.ids["cat@example.org"], "reactivate") + "?q=cat")
		expect(t, "reactivate beyond the seats", r, http.StatusConflict, `id="users-refusal"`, "No free seat", "Billing",
			`href="/i/ACME/admin/billing"`, `id="user-list"`, `value="cat"`)
		u.unchanged("refused seat use", before)

		// Add Existing User uses no seat: it works with every seat taken.
		other := u.instance("OTHER", "Other Place")
		u.member(other, "eve@example.org", access.PresetAdministration)
		before = u.state()
		r = u.ada.post("/i/ACME/admin/users/existing", "email", "eve@example.org")
		expect(t, "add existing", r, http.StatusSeeOther)
		if !sentLocation.MatchString(r.Location) {
			t.Errorf("add existing went to %q, want the users list", r.Location)
		}
		after := u.state()
		if after.Seats != before.Seats || after.Total != before.Total+1 || after.Active != before.Active || after.Accounts != before.Accounts {
			t.Errorf("add existing: %+v → %+v, want one more (invited) member, the same seats, active members and accounts", before, after)
		}
		if m := u.membership("eve@example.org"); !m.Invited || m.Active {
			t.Errorf("eve: %+v, want invited and not active until she accepts", m)
		}
		mails := u.mailTo("eve@example.org")
		if len(mails) != 1 || mails[0].Kind != mail.KindInvitation {
			t.Errorf("mails to eve: %+v, want one %s", mails, mail.KindInvitation)
		}

		// A seat freed by deactivation can be used by a reactivation.
		expect(t, "deactivate dan", u.ada.post(u.path(u.ids["dan@example.org"], "deactivate")), http.StatusSeeOther)
		expect(t, "reactivate cat", u.ada.post(u.path(u.ids["cat@example.org"], "reactivate")), http.StatusSeeOther)
		if !u.membership("cat@example.org").Active {
			t.Errorf("cat not reactivated into the freed seat")
		}
	})
}

func TestBillingPage(t *testing.T) {
	u := newUsersEnv(t, testkit.NewSQLite(t))
	if err := u.store.Q().SetLicense(ctx, u.in.ID, "Standard", 5); err != nil {
		t.Fatal(err)
	}
	expect(t, "billing", u.ada.get("/i/ACME/admin/billing"), http.StatusOK, "Seats and Billing",
		`id="license-type">Standard<`, `id="seats-used">3 of 5<`, `id="seats-free">2<`, `id="measures-count">0<`,
		"yardstick license set")
	// A users manager without instance.admin gets no Billing link in a
	// seat refusal, and no Billing page.
	_, mgr := u.member(u.in, "max@example.org", access.PresetPresenter)
	if _, err := u.store.DB().ExecContext(ctx, `UPDATE memberships SET permissions = $1, role = 'Custom', perm_count = 1 WHERE id = $2`,
		string(access.UsersManage), mgr.ID); err != nil {
		t.Fatal(err)
	}
	if err := u.store.Q().SetLicense(ctx, u.in.ID, "Standard", 4); err != nil {
		t.Fatal(err)
	}
	maxc := u.client()
	maxc.login("max@example.org", testkit.Password)
	expect(t, "max billing", maxc.get("/i/ACME/admin/billing"), http.StatusForbidden)
	r := maxc.post("/i/ACME/admin/users", "email", "new@example.org", "first_name", "New", "last_name", "Person")
	expect(t, "max adds beyond the seats", r, http.StatusConflict, "Billing")
	if strings.Contains(r.Body, `href="/i/ACME/admin/billing"`) {
		t.Errorf("a link to a Billing page max may not open")
	}
}

// Each row menu is named for its member: a screen-reader user hears whose
// Deactivate and Reset password it holds (it read "@text(m.Email)").
func TestUserRowMenusNameTheMember(t *testing.T) {
	u := newUsersEnv(t, testkit.NewSQLite(t))
	r := u.ada.get("/i/ACME/admin/users")
	expect(t, "users list", r, http.StatusOK, "More actions for Zoe Ada (ada@example.org)", "More actions for Kim Dan (dan@example.org)")
	if strings.Contains(r.Body, "@text(") {
		t.Error("the page shows template source")
	}
}
