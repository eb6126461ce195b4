package web_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/model"
	"yardstick/internal/testkit"
)

// TestVisibility checks SPEC §3.3 on every surface: scorecard list,
// object lists and search, counts, and pages. Content: scorecard A holds
// result RA with measure MA; scorecard B holds result RB with measure MB;
// measure MX sits on no scorecard.
func TestVisibility(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		e := newEnv(t, db)
		in := e.instance("ACME", "Acme")
		adminAcct, _ := e.member(in, "admin@example.org", access.PresetAdministration)
		admin, err := e.app.ActorFor(ctx, app.Session{Account: adminAcct}, "ACME", app.Client{})
		if err != nil {
			t.Fatal(err)
		}
		types, _ := e.app.Types(ctx, admin, "")
		freqs, _ := e.app.Frequencies(ctx, admin)
		typeOf := map[string]int64{}
		for _, ty := range types {
			typeOf[ty.Name] = ty.ID
		}
		mkScorecard := func(title string) model.Scorecard {
			s, err := e.app.CreateScorecard(ctx, admin, app.ScorecardInput{Title: title})
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		mk := func(kind, typ, title string, at app.Placement) model.Object {
			o, err := e.app.CreateObject(ctx, admin, app.ObjectInput{Kind: kind, TypeID: typeOf[typ], Title: title, Decimals: "0",
				Polarity: "higher", FrequencyID: freqs[0].ID}, at)
			if err != nil {
				t.Fatalf("%s: %v", title, err)
			}
			return o
		}
		sa, sb := mkScorecard("Scorecard Alpha"), mkScorecard("Scorecard Beta")
		ra := mk(model.KindContainer, "Result", "Result Alpha", app.Placement{ScorecardID: sa.ID})
		rb := mk(model.KindContainer, "Result", "Result Beta", app.Placement{ScorecardID: sb.ID})
		ma := mk(model.KindMeasure, "Indicator", "Measure Alpha", app.Placement{ParentID: ra.ID})
		mb := mk(model.KindMeasure, "Indicator", "Measure Beta", app.Placement{ParentID: rb.ID})
		mx := mk(model.KindMeasure, "Indicator", "Measure Orphan", app.Placement{})

		custom := access.MustSet(access.ScorecardsAll)
		_, all := e.member(in, "all@example.org", "")
		setPerms(t, e, all.ID, custom)
		_, assigned := e.member(in, "assigned@example.org", access.PresetDataEntry)
		if err := e.store.Q().SetMembershipScorecards(ctx, in.ID, assigned.ID, []int64{sa.ID}); err != nil {
			t.Fatal(err)
		}
		e.member(in, "builder@example.org", access.PresetScorecardBuilder) // objects.edit, no assignments
		e.member(in, "nobody@example.org", access.PresetPresenter)         // neither

		id := func(o int64) string { return strconv.FormatInt(o, 10) }
		tests := []struct {
			email      string
			scorecards []string // titles visible in the list
			measures   []string // titles in the measure list
			count      int
			pages      map[string]int // path → status
		}{
			{"all@example.org", []string{"Scorecard Alpha", "Scorecard Beta"}, []string{"Measure Alpha", "Measure Beta", "Measure Orphan"}, 3,
				map[string]int{"/scorecards/" + id(sb.ID): 200, "/objects/" + id(mx.ID): 200, "/objects/" + id(mb.ID): 200}},
			{"assigned@example.org", []string{"Scorecard Alpha"}, []string{"Measure Alpha"}, 1,
				map[string]int{"/scorecards/" + id(sa.ID): 200, "/scorecards/" + id(sb.ID): 404, "/objects/" + id(ma.ID): 200,
					"/objects/" + id(mb.ID): 404, "/objects/" + id(rb.ID): 404, "/objects/" + id(mx.ID): 404}},
			{"builder@example.org", []string{"Scorecard Alpha", "Scorecard Beta"}, []string{"Measure Alpha", "Measure Beta"}, 2,
				map[string]int{"/scorecards/" + id(sb.ID): 200, "/objects/" + id(mb.ID): 200, "/objects/" + id(mx.ID): 404}},
			{"nobody@example.org", nil, nil, 0,
				map[string]int{"/scorecards/" + id(sa.ID): 404, "/objects/" + id(ma.ID): 404, "/objects/" + id(mx.ID): 404}},
		}
		allScorecards := []string{"Scorecard Alpha", "Scorecard Beta"}
		allMeasures := []string{"Measure Alpha", "Measure Beta", "Measure Orphan"}
		for _, tt := range tests {
			c := e.client()
			c.login(tt.email, testkit.Password)
			list := c.get("/i/ACME/scorecards")
			checkSet(t, tt.email+" scorecard list", list.Body, allScorecards, tt.scorecards)
			ml := c.get("/i/ACME/objects?kind=measure")
			checkSet(t, tt.email+" measure list", ml.Body, allMeasures, tt.measures)
			if !strings.Contains(ml.Body, `id="object-count">`+strconv.Itoa(tt.count)+" ") {
				t.Errorf("%s: count is not %d", tt.email, tt.count)
			}
			search := c.get("/i/ACME/objects?kind=measure&q=measure")
			checkSet(t, tt.email+" search", search.Body, allMeasures, tt.measures)
			for path, status := range tt.pages {
				expect(t, tt.email+" "+path, c.get("/i/ACME"+path), status)
			}
		}
		// Another instance's object is 404, exactly like a missing one.
		other := e.instance("BETA", "Beta")
		e.member(other, "bob@example.org", access.PresetAdministration)
		b := e.client()
		b.login("bob@example.org", testkit.Password)
		expect(t, "other instance object", b.get("/i/BETA/objects/"+id(ma.ID)), http.StatusNotFound)
		expect(t, "missing object", b.get("/i/BETA/objects/999999"), http.StatusNotFound)
		checkSet(t, "other instance list", b.get("/i/BETA/objects?kind=measure").Body, allMeasures, nil)
	})
}

func setPerms(t *testing.T, e *env, membershipID int64, s access.Set) {
	t.Helper()
	if _, err := e.store.DB().Exec(`UPDATE memberships SET permissions = $1, preset = $2 WHERE id = $3`,
		strings.Join(s.Keys(), ","), access.Role(s), membershipID); err != nil {
		t.Fatal(err)
	}
}

// checkSet asserts exactly the wanted titles of all appear in body.
func checkSet(t *testing.T, what, body string, all, want []string) {
	t.Helper()
	wanted := map[string]bool{}
	for _, w := range want {
		wanted[w] = true
	}
	for _, title := range all {
		if got := strings.Contains(body, ">"+title+"<"); got != wanted[title] {
			t.Errorf("%s: %q shown=%v, want %v", what, title, got, wanted[title])
		}
	}
}
