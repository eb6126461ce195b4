package web_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/model"
	"yardstick/internal/testkit"
)

// Accountability scores and the Instance dashboard through the real stack
// (issue 28, points 7 and 8): switched on on the edit form (and refused
// there under a structure lock), shown on the scorecard, the list and the
// breakdown page; the dashboard's counts and medians, for instance.admin
// only. The clock is testkit.Epoch (March 2026): one measure meets every
// factor, the other none, so both scores are 50.
func TestScoresPages(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		e := newEnv(t, db)
		in := e.instance("ACME", "Acme")
		acct, _ := e.member(in, "ada@example.org", access.PresetAdministration)
		e.member(in, "dan@example.org", access.PresetDataEntry)
		admin, err := e.app.ActorFor(ctx, app.Session{Account: acct}, "ACME", app.Client{})
		if err != nil {
			t.Fatal(err)
		}
		sc, err := e.app.CreateScorecard(ctx, admin, app.ScorecardInput{Title: "Board"})
		if err != nil {
			t.Fatal(err)
		}
		types, _ := e.app.Types(ctx, admin, "")
		freqs, _ := e.app.Frequencies(ctx, admin)
		typeOf := map[string]int64{}
		for _, ty := range types {
			typeOf[ty.Name] = ty.ID
		}
		r, err := e.app.CreateObject(ctx, admin, app.ObjectInput{Kind: model.KindContainer, TypeID: typeOf["Result"], Title: "Ready"},
			app.Placement{ScorecardID: sc.ID})
		if err != nil {
			t.Fatal(err)
		}
		var ms []model.Object
		for _, title := range []string{"Reading", "Health"} {
			m, err := e.app.CreateObject(ctx, admin, app.ObjectInput{Kind: model.KindMeasure, TypeID: typeOf["Indicator"], Title: title,
				Decimals: "0", Polarity: "higher", FrequencyID: freqs[0].ID}, app.Placement{ParentID: r.ID})
			if err != nil {
				t.Fatal(err)
			}
			ms = append(ms, m)
		}
		if _, err := e.app.SaveData(ctx, admin, ms[0].ID, []app.DataEntry{{PeriodKey: "2026-01-01", Actual: "1"},
			{PeriodKey: "2026-02-01", Actual: "2"}, {PeriodKey: "2026-04-01", Forecast: "3"}}); err != nil {
			t.Fatal(err)
		}
		notes, _ := e.app.NoteTypes(ctx, admin)
		db.Clock.Advance(time.Minute)
		if _, err := e.app.SaveNote(ctx, admin, app.OnObject, ms[0].ID, notes[0].ID, 0, "<div>Why</div>"); err != nil {
			t.Fatal(err)
		}

		c := e.client()
		c.login("ada@example.org", testkit.Password)
		id := strconv.FormatInt(sc.ID, 10)
		base := "/i/ACME/scorecards/" + id
		page := c.get(base)
		expect(t, "scorecard, scores off", page, http.StatusOK)
		if strings.Contains(page.Body, `id="scorecard-scores"`) {
			t.Error("scores shown before they were switched on")
		}
		expect(t, "edit form", c.get(base+"/edit"), http.StatusOK, `id="scorecard-scores-settings"`, `name="scores_on"`, `name="scores_shared"`)
		expect(t, "switch on", c.post(base, "version", "1", "title", "Board", "scores_present", "1", "scores_on", "1"), http.StatusSeeOther)
		expect(t, "edit form, on", c.get(base+"/edit"), http.StatusOK, `id="scores_on" value="1" checked`)
		expect(t, "scorecard, scores on", c.get(base), http.StatusOK, `<details class="scores" id="scorecard-scores">`,
			`Engagement <strong>50</strong>`, `Impact <strong>50</strong>`, `id="scorecard-engagement-table"`, "1 of 2 (50 %)", "23.5")
		expect(t, "list", c.get("/i/ACME/scorecards"), http.StatusOK, `id="sc-`+id+`-scores" href="`+base+`/scores"`,
			`Engagement <strong>50</strong>`)
		expect(t, "breakdown page", c.get(base+"/scores"), http.StatusOK, `<details class="scores" id="scorecard-scores" open>`,
			`id="scorecard-impact-table"`)
		expect(t, "breakdown of a missing scorecard", c.get("/i/ACME/scorecards/999999/scores"), http.StatusNotFound)

		// A structure lock refuses the settings like the rest of the form.
		expect(t, "lock", c.post(base+"/lock", "version", "2", "lock_mode", model.LockStructure), http.StatusSeeOther)
		expect(t, "switch off, locked", c.post(base, "version", "3", "title", "Board", "scores_present", "1"), http.StatusForbidden)
		expect(t, "still on", c.get(base), http.StatusOK, `id="scorecard-scores"`)

		// The Instance dashboard.
		expect(t, "dashboard", c.get("/i/ACME/admin/dashboard"), http.StatusOK, `id="count-active">2<`, `id="count-scorecards">1<`,
			`id="count-containers">1<`, `id="count-measures">2<`, `id="count-values">3<`, `id="count-partners">0<`,
			`id="median-engagement">50<`, `id="median-impact">50<`)
		expect(t, "admin menu", c.get("/i/ACME/admin"), http.StatusOK, `href="/i/ACME/admin/dashboard"`)
		dan := e.client()
		dan.login("dan@example.org", testkit.Password)
		expect(t, "dashboard, Data Entry", dan.get("/i/ACME/admin/dashboard"), http.StatusForbidden)
	})
}
