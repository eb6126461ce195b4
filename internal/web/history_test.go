package web_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/testkit"
)

// History pages (issue 28): a scorecard's changes, newest first, with the
// title escaped, a link from the scorecard page, and keyset pages.
func TestHistoryPages(t *testing.T) {
	testkit.SQLiteAndPostgres(t, func(t *testing.T, db *testkit.DB) {
		e := newEnv(t, db)
		in := e.instance("ACME", "Acme")
		acct, _ := e.member(in, "ada@example.org", access.PresetAdministration)
		admin, err := e.app.ActorFor(ctx, app.Session{Account: acct}, "ACME", app.Client{})
		if err != nil {
			t.Fatal(err)
		}
		sc, err := e.app.CreateScorecard(ctx, admin, app.ScorecardInput{Title: "Board"})
		if err != nil {
			t.Fatal(err)
		}
		for i := range 52 {
			sc, err = e.app.ViewScorecard(ctx, admin, sc.ID)
			if err != nil {
				t.Fatal(err)
			}
			title := fmt.Sprintf("Board %02d", i)
			if i == 51 {
				title = "<b>Board</b> =HYPERLINK(1)"
			}
			if err := e.app.UpdateScorecard(ctx, admin, sc.ID, sc.Version, app.ScorecardInput{Title: title}); err != nil {
				t.Fatal(err)
			}
		}
		c := e.client()
		c.login("ada@example.org", testkit.Password)
		base := fmt.Sprintf("/i/ACME/scorecards/%d", sc.ID)
		expect(t, "scorecard page", c.get(base), http.StatusOK, `href="`+base+`/history"`)
		r := c.get(base + "/history")
		expect(t, "history", r, http.StatusOK, `id="history-list"`, "&lt;b&gt;Board&lt;/b&gt; =HYPERLINK(1)", "Board 50", `id="next-page"`)
		if strings.Contains(r.Body, "<b>Board</b>") {
			t.Error("a title reached the page unescaped")
		}
		next := between(r.Body, `href="`, `" id="next-page"`)
		r = c.get(strings.ReplaceAll(next, "&amp;", "&"))
		expect(t, "older", r, http.StatusOK, `id="first-page"`, "Board 00")
		if strings.Contains(r.Body, `id="next-page"`) {
			t.Error("the last page links further")
		}
		expect(t, "bad cursor", c.get(base+"/history?after=zz"), http.StatusUnprocessableEntity)
		expect(t, "unknown scorecard", c.get("/i/ACME/scorecards/999999/history"), http.StatusNotFound)
	})
}

// between is the text of s after the first before and up to the next after.
func between(s, before, after string) string {
	_, rest, ok := strings.Cut(s, after)
	if !ok {
		return ""
	}
	head := s[:len(s)-len(rest)-len(after)]
	i := strings.LastIndex(head, before)
	if i < 0 {
		return ""
	}
	return head[i+len(before):]
}

// Favourite scorecards and the switcher (issue 28): the star on the
// scorecard page, the Favourites section of the list and the dashboard,
// and the header's search that opens a single match.
func TestFavoriteScorecardPages(t *testing.T) {
	testkit.SQLiteAndPostgres(t, func(t *testing.T, db *testkit.DB) {
		e := newEnv(t, db)
		in := e.instance("ACME", "Acme")
		acct, _ := e.member(in, "ada@example.org", access.PresetAdministration)
		admin, err := e.app.ActorFor(ctx, app.Session{Account: acct}, "ACME", app.Client{})
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, title := range []string{"Housing <b>board</b>", "Health board", "Jobs"} {
			sc, err := e.app.CreateScorecard(ctx, admin, app.ScorecardInput{Title: title})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, sc.ID)
		}
		c := e.client()
		c.login("ada@example.org", testkit.Password)
		page := fmt.Sprintf("/i/ACME/scorecards/%d", ids[1])
		expect(t, "unstarred", c.get(page), http.StatusOK, `aria-pressed="false"`, `id="scorecard-switcher"`)
		r := c.post(page+"/star", "on", "1")
		if r.Status != http.StatusSeeOther || r.Location != page {
			t.Fatalf("star: %d → %q", r.Status, r.Location)
		}
		expect(t, "starred", c.get(page), http.StatusOK, `aria-pressed="true"`)
		r = c.get("/i/ACME/scorecards")
		expect(t, "list", r, http.StatusOK, `id="favorite-scorecards"`)
		if i, j := strings.Index(r.Body, "Health board"), strings.Index(r.Body, "Housing"); i < 0 || j < 0 || i > j {
			t.Error("the starred scorecard is not listed first")
		}
		expect(t, "dashboard", c.get("/i/ACME/"), http.StatusOK, `id="favorite-scorecards"`, "Health board")

		r = c.get("/i/ACME/scorecards/jump?q=jobs")
		if r.Status != http.StatusSeeOther || r.Location != fmt.Sprintf("/i/ACME/scorecards/%d", ids[2]) {
			t.Errorf("a single match: %d → %q", r.Status, r.Location)
		}
		r = c.get("/i/ACME/scorecards/jump?q=board")
		expect(t, "several matches", r, http.StatusOK, `id="jump-list"`, "Housing &lt;b&gt;board&lt;/b&gt;")
		if strings.Index(r.Body, "Health board") > strings.Index(r.Body, "Housing") {
			t.Error("the favourite is not first among the matches")
		}
		expect(t, "no match", c.get("/i/ACME/scorecards/jump?q=zzz"), http.StatusOK, `id="no-jump"`)
		expect(t, "too long", c.get("/i/ACME/scorecards/jump?q="+strings.Repeat("é", 201)), http.StatusUnprocessableEntity,
			`aria-invalid="true"`, `id="jump-q-error"`)
	})
}

// Lock modes on the pages (issue 28): the lock form saves and logs, the
// banner says what the lock closes and why, the page offers no structure
// change, and a change posted anyway is refused with the reason.
func TestLockModePages(t *testing.T) {
	testkit.SQLiteAndPostgres(t, func(t *testing.T, db *testkit.DB) {
		e := newEnv(t, db)
		in := e.instance("ACME", "Acme")
		acct, _ := e.member(in, "ada@example.org", access.PresetAdministration)
		admin, err := e.app.ActorFor(ctx, app.Session{Account: acct}, "ACME", app.Client{})
		if err != nil {
			t.Fatal(err)
		}
		sc, err := e.app.CreateScorecard(ctx, admin, app.ScorecardInput{Title: "Board"})
		if err != nil {
			t.Fatal(err)
		}
		c := e.client()
		c.login("ada@example.org", testkit.Password)
		page := fmt.Sprintf("/i/ACME/scorecards/%d", sc.ID)
		expect(t, "lock form", c.get(page), http.StatusOK, `id="lock"`, `name="lock_mode"`, "Add ")
		r := c.post(page+"/lock", "version", "1", "lock_mode", "structure", "lock_reason", strings.Repeat("x", 301))
		expect(t, "too long a reason", r, http.StatusUnprocessableEntity, `id="lock_reason-error"`, `aria-invalid="true"`)
		r = c.post(page+"/lock", "version", "1", "lock_mode", "structure", "lock_reason", "Board <review>")
		if r.Status != http.StatusSeeOther {
			t.Fatalf("lock: %d %.300s", r.Status, r.Body)
		}
		r = c.get(page)
		expect(t, "locked", r, http.StatusOK, `id="lock-notice"`, "structure locked", "Board &lt;review&gt;")
		if strings.Contains(r.Body, "/objects/new?kind=container&amp;scorecard=") {
			t.Error("a structure-locked scorecard still offers to add to it")
		}
		types, err := e.app.Types(ctx, admin, "container")
		if err != nil || len(types) == 0 {
			t.Fatal(err)
		}
		r = c.post("/i/ACME/objects", "kind", "container", "type", fmt.Sprint(types[0].ID), "title", "Sneaked in", "scorecard", fmt.Sprint(sc.ID))
		expect(t, "add under a locked scorecard", r, http.StatusForbidden, "Board &lt;review&gt;")
		expect(t, "history", c.get(page+"/history"), http.StatusOK, "Locked or unlocked a scorecard", "structure locked")
	})
}

// Chosen columns and levels (issue 28): the edit form keeps the standard
// seven as they are, saves a chosen five in their order, refuses two at
// one position or seven that are not the standard ones, and the page shows
// the chosen headings in order and the first levels only.
func TestScorecardColumnsAndLevels(t *testing.T) {
	testkit.SQLiteAndPostgres(t, func(t *testing.T, db *testkit.DB) {
		e := newEnv(t, db)
		in := e.instance("ACME", "Acme")
		acct, _ := e.member(in, "ada@example.org", access.PresetAdministration)
		admin, err := e.app.ActorFor(ctx, app.Session{Account: acct}, "ACME", app.Client{})
		if err != nil {
			t.Fatal(err)
		}
		sc, err := e.app.CreateScorecard(ctx, admin, app.ScorecardInput{Title: "Board"})
		if err != nil {
			t.Fatal(err)
		}
		types, _ := e.app.Types(ctx, admin, "container")
		top, err := e.app.CreateObject(ctx, admin, app.ObjectInput{Kind: "container", TypeID: types[0].ID, Title: "Top"}, app.Placement{ScorecardID: sc.ID})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.app.CreateObject(ctx, admin, app.ObjectInput{Kind: "container", TypeID: types[0].ID, Title: "Deeper"}, app.Placement{ParentID: top.ID}); err != nil {
			t.Fatal(err)
		}
		c := e.client()
		c.login("ada@example.org", testkit.Password)
		page := fmt.Sprintf("/i/ACME/scorecards/%d", sc.ID)
		r := c.get(page + "/edit")
		expect(t, "edit form", r, http.StatusOK, `id="scorecard-columns"`, `name="col_baseline"`)
		post := func(version string, kv ...string) resp {
			return c.post(page, append([]string{"version", version, "title", "Board", "columns_present", "1"}, kv...)...)
		}
		// The standard seven as the form shows them: kept, still the default.
		std := []string{"col_period", "1", "col_actual", "2", "col_target", "3", "col_variance", "4", "col_prior", "5", "col_trend", "6", "col_baseline", "7"}
		if r := post("1", std...); r.Status != http.StatusSeeOther {
			t.Fatalf("standard seven: %d %s", r.Status, r.Body)
		}
		expect(t, "seven others", post("2", "col_period", "1", "col_actual", "2", "col_target", "3", "col_variance", "4", "col_prior", "5", "col_trend", "6", "col_pct_target", "7"),
			http.StatusUnprocessableEntity, "at most 6 columns")
		expect(t, "two at one position", post("2", "col_period", "1", "col_actual", "1"), http.StatusUnprocessableEntity, "Two columns are at position 1")
		expect(t, "none", post("2"), http.StatusUnprocessableEntity, "Show at least one column")
		expect(t, "bad depth", post("2", "col_period", "1", "expand_depth", "9"), http.StatusUnprocessableEntity, "1 to 4 levels")
		if r := post("2", "col_next_target", "1", "col_actual", "2", "col_pct_target", "3", "col_period", "4", "col_trend", "5", "expand_depth", "1"); r.Status != http.StatusSeeOther {
			t.Fatalf("five chosen: %d %.300s", r.Status, r.Body)
		}
		r = c.get(page)
		heads := []string{"Next target", "Actual", "% of target", "Period", "Trend"}
		at := 0
		for _, h := range heads {
			i := strings.Index(r.Body[at:], ">"+h+"</th>")
			if i < 0 {
				t.Fatalf("heading %q missing or out of order", h)
			}
			at += i
		}
		if strings.Contains(r.Body, "Baseline % change</th>") {
			t.Error("a column not chosen is shown")
		}
		expect(t, "first level only", r, http.StatusOK, `id="levels-all"`, "Top")
		if strings.Contains(r.Body, ">Deeper</a>") {
			t.Error("a second-level row shows with one level chosen")
		}
		expect(t, "all levels", c.get(page+"?levels=all"), http.StatusOK, ">Deeper</a>", `id="levels-default"`)
	})
}

// Dividers on the page (issue 28): added with a title, shown as a heading
// row with its menu, a refused title kept with its message, moved and
// deleted through the menu's forms.
func TestDividerPages(t *testing.T) {
	testkit.SQLiteAndPostgres(t, func(t *testing.T, db *testkit.DB) {
		e := newEnv(t, db)
		in := e.instance("ACME", "Acme")
		acct, _ := e.member(in, "ada@example.org", access.PresetAdministration)
		admin, err := e.app.ActorFor(ctx, app.Session{Account: acct}, "ACME", app.Client{})
		if err != nil {
			t.Fatal(err)
		}
		sc, err := e.app.CreateScorecard(ctx, admin, app.ScorecardInput{Title: "Board"})
		if err != nil {
			t.Fatal(err)
		}
		c := e.client()
		c.login("ada@example.org", testkit.Password)
		page := fmt.Sprintf("/i/ACME/scorecards/%d", sc.ID)
		expect(t, "form", c.get(page), http.StatusOK, `id="add-divider"`)
		expect(t, "empty title", c.post(page+"/dividers", "divider_title", "  "), http.StatusUnprocessableEntity,
			`id="divider_title-error"`, `aria-invalid="true"`)
		if r := c.post(page+"/dividers", "divider_title", "Health <b>"); r.Status != http.StatusSeeOther {
			t.Fatalf("add: %d %.300s", r.Status, r.Body)
		}
		r := c.get(page)
		expect(t, "shown", r, http.StatusOK, `class="divider"`, "Health &lt;b&gt;", `aria-label="Menu for divider Health &lt;b&gt;"`)
		m := regexp.MustCompile(`<tr class="divider" id="divider-(\d+)"`).FindStringSubmatch(r.Body)
		if m == nil {
			t.Fatal("no divider id on the page")
		}
		did := m[1]
		if r := c.post(page+"/dividers/"+did+"/move", "delta", "1"); r.Status != http.StatusSeeOther {
			t.Errorf("move: %d", r.Status)
		}
		if r := c.post(page+"/dividers/"+did, "divider_title", "Jobs"); r.Status != http.StatusSeeOther {
			t.Errorf("rename: %d", r.Status)
		}
		expect(t, "renamed", c.get(page), http.StatusOK, ">Jobs</th>")
		if r := c.post(page + "/dividers/" + did + "/delete"); r.Status != http.StatusSeeOther {
			t.Errorf("delete: %d", r.Status)
		}
		if strings.Contains(c.get(page).Body, `class="divider"`) {
			t.Error("the deleted divider still shows")
		}
		expect(t, "another's divider", c.post(page+"/dividers/999999/delete"), http.StatusNotFound)
	})
}
