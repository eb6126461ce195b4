package web_test

import (
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"yardstick/internal/access"
	"yardstick/internal/model"
	"yardstick/internal/store"
	"yardstick/internal/testkit"
)

// activities returns the instance's log, oldest first.
func activities(t *testing.T, e *env, in model.Instance) []model.Activity {
	t.Helper()
	page, err := e.store.Q().ListActivity(ctx, in.ID, store.ActivityFilter{From: time.Time{}, To: e.db.Clock.Now().Add(time.Hour), Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	slices.Reverse(page.Entries)
	return page.Entries
}

func TestActivityIsRecordedWithTheChange(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		e := newEnv(t, db)
		in := e.instance("ACME", "Acme")
		e.member(in, "ada@example.org", access.PresetAdministration)
		_, pat := e.member(in, "pat@example.org", access.PresetPresenter)
		c := e.client()
		c.login("ada@example.org", testkit.Password)
		sc, _, m := buildScorecard(t, e, c, in)
		base := "/i/ACME"

		// A refused validation writes neither the change nor an entry.
		n := len(activities(t, e, in))
		expect(t, "invalid", c.post(base+"/scorecards/"+sc, "title", "", "version", "1"), http.StatusUnprocessableEntity)
		if got := len(activities(t, e, in)); got != n {
			t.Errorf("a rejected edit left %d entries", got-n)
		}
		expect(t, "rename", c.post(base+"/scorecards/"+sc, "title", "Renamed", "description", "Our shared results", "version", "1"), http.StatusSeeOther)
		key := regexp.MustCompile(`name="key" value="([0-9-]+)"`).FindStringSubmatch(c.get(base + "/objects/" + m).Body)[1]
		expect(t, "data", c.post(base+"/objects/"+m+"/data", "key", key, "version", "0", "actual", "7"), http.StatusSeeOther)
		expect(t, "deactivate", c.post(base+"/admin/users/"+strconv.FormatInt(pat.ID, 10)+"/deactivate"), http.StatusSeeOther)
		p := e.client()
		_, dee := e.member(in, "dee@example.org", access.PresetDataEntry)
		p.login("dee@example.org", testkit.Password)
		expect(t, "refused", p.post(base+"/scorecards", "title", "nope"), http.StatusForbidden)
		// The Edit User page's activity tab shows that member's entries only.
		tab := c.get(base + "/admin/users/" + strconv.FormatInt(dee.ID, 10))
		expect(t, "member activity tab", tab, http.StatusOK, "Refused", "POST /i/{code}/scorecards", "Signed in")
		if i := strings.Index(tab.Body, `id="activity-list"`); i < 0 || strings.Contains(tab.Body[i:], "Entered data") {
			t.Error("the member's tab shows another member's entries")
		}

		log := activities(t, e, in)
		var kinds []string
		for _, a := range log {
			kinds = append(kinds, a.Activity+":"+a.ObjectType)
		}
		for _, want := range []string{"create:scorecard", "create:container", "create:measure", "update:scorecard",
			"data_entry:measure", "membership_change:member", "refused:request"} {
			if !slices.Contains(kinds, want) {
				t.Errorf("no %s entry in %v", want, kinds)
			}
		}
		for _, a := range log {
			switch a.Activity + ":" + a.ObjectType {
			case "update:scorecard":
				if len(a.Changes) != 1 || a.Changes[0].Field != "title" || a.Changes[0].After != "Renamed" || a.ActorEmail != "ada@example.org" {
					t.Errorf("update entry = %+v", a)
				}
			case "data_entry:measure":
				if !slices.ContainsFunc(a.Changes, func(c model.Change) bool { return c.Field == "actual" && c.After == "7" }) {
					t.Errorf("data entry = %+v", a.Changes)
				}
			case "refused:request":
				if a.ActorEmail != "dee@example.org" || a.ObjectName != "POST /i/{code}/scorecards" {
					t.Errorf("refusal = %+v", a)
				}
			}
			if a.RequestID == "" && a.Activity != "refused" {
				t.Errorf("%s entry has no request id", a.Activity)
			}
		}
	})
}

func TestActivityPageAndExports(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		e := newEnv(t, db)
		in := e.instance("ACME", "Acme")
		e.member(in, "ada@example.org", access.PresetAdministration)
		c := e.client()
		c.login("ada@example.org", testkit.Password)
		// Entries whose text came from users, including formula bait.
		for _, title := range []string{`=HYPERLINK("http://evil","x")`, "+1", "@SUM(A1)", "Łódź — Αθήνα — Москва"} {
			expect(t, "create "+title, c.post("/i/ACME/scorecards", "title", title), http.StatusSeeOther)
		}
		page := c.get("/i/ACME/admin/activity")
		expect(t, "log page", page, http.StatusOK, "User Activity", "Created", "Łódź — Αθήνα — Москва", "&#34;http://evil&#34;")
		expect(t, "bad range", c.get("/i/ACME/admin/activity?from=2026-03-10&to=2026-03-01"), http.StatusUnprocessableEntity, "The end is before the start.")
		expect(t, "by type", c.get("/i/ACME/admin/activity?activity=create"), http.StatusOK, "+1")
		if body := c.get("/i/ACME/admin/activity?activity=sign_in").Body; strings.Contains(body, "@SUM(A1)") {
			t.Error("the type filter let a create entry through")
		}

		r := c.get("/i/ACME/admin/activity.xlsx?activity=create")
		if r.Status != http.StatusOK || !strings.Contains(r.Header.Get("Content-Disposition"), "yardstick-activity-ACME-2026-02-02-to-2026-03-02.xlsx") {
			t.Fatalf("xlsx: %d %q", r.Status, r.Header.Get("Content-Disposition"))
		}
		f, err := excelize.OpenReader(strings.NewReader(r.Body))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := f.GetRows("User Activity")
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 5 || rows[0][0] != "When" {
			t.Fatalf("xlsx rows = %v", rows)
		}
		for i := 2; i <= 5; i++ {
			cell := "F" + strconv.Itoa(i)
			if formula, _ := f.GetCellFormula("User Activity", cell); formula != "" {
				t.Errorf("%s holds a formula %q", cell, formula)
			}
		}
		if typ, _ := f.GetCellType("User Activity", "A2"); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
			t.Errorf("the When cell is text, want a date")
		}
		r = c.get("/i/ACME/admin/activity.pdf")
		if r.Status != http.StatusOK || !strings.HasPrefix(r.Body, "%PDF") || r.Header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("pdf: %d %q", r.Status, excerpt(r.Body))
		}
		// The exports themselves are logged.
		if body := c.get("/i/ACME/admin/activity?activity=export").Body; !strings.Contains(body, "User Activity (pdf)") {
			t.Error("the PDF export was not recorded")
		}
	})
}
