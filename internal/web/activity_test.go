package web_test

import (
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"

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
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
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
		e.member(in, "dee@example.org", access.PresetDataEntry)
		p.login("dee@example.org", testkit.Password)
		expect(t, "refused", p.post(base+"/scorecards", "title", "nope"), http.StatusForbidden)

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
				if a.ActorEmail != "dee@example.org" || a.ObjectName != "POST /i/ACME/scorecards" {
					t.Errorf("refusal = %+v", a)
				}
			}
			if a.RequestID == "" && a.Activity != "refused" {
				t.Errorf("%s entry has no request id", a.Activity)
			}
		}
	})
}
