package web_test

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/testkit"
)

// TestPartnerScorecardAssign covers the assignment list on a partner's
// scorecard page (SPEC §3.3) through the handlers: who sees it, a save, and
// a refused save that shows the reason with the choices kept and changes
// nothing.
func TestPartnerScorecardAssign(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		e := newEnv(t, db)
		acme, beta := e.instance("ACME", "Acme"), e.instance("BETA", "Beta")
		acmeAdmin, _ := e.member(acme, "ada@acme.example", access.PresetAdministration)
		_, acmeBob := e.member(acme, "bob@acme.example", access.PresetPresenter)
		betaAdmin, _ := e.member(beta, "bea@beta.example", access.PresetAdministration)
		_, pat := e.member(beta, "pat@beta.example", access.PresetPresenter)

		actor := func(acct app.Session, code string) *app.Actor {
			a, err := e.app.ActorFor(ctx, acct, code, app.Client{})
			if err != nil {
				t.Fatal(err)
			}
			return a
		}
		sc, err := e.app.CreateScorecard(ctx, actor(app.Session{Account: acmeAdmin}, "ACME"), app.ScorecardInput{Title: "Shared <b>card</b>"})
		if err != nil {
			t.Fatal(err)
		}
		req, err := e.app.RequestPartner(ctx, actor(app.Session{Account: acmeAdmin}, "ACME"), "BETA")
		if err != nil {
			t.Fatal(err)
		}
		if err := e.app.AnswerPartnerRequest(ctx, actor(app.Session{Account: betaAdmin}, "BETA"), req.ID, true); err != nil {
			t.Fatal(err)
		}
		v, err := e.app.PartnerPage(ctx, actor(app.Session{Account: acmeAdmin}, "ACME"))
		if err != nil || len(v.Sharing) != 1 {
			t.Fatalf("ACME's channels: %+v, %v", v.Sharing, err)
		}
		if err := e.app.SaveShares(ctx, actor(app.Session{Account: acmeAdmin}, "ACME"), v.Sharing[0].ID, []app.ShareChoice{{ScorecardID: sc.ID}}); err != nil {
			t.Fatal(err)
		}
		page := "/i/BETA/scorecards/" + strconv.FormatInt(sc.ID, 10)
		assigned := func() []int64 {
			ids, err := e.store.Q().ScorecardMembershipIDs(ctx, beta.ID, sc.ID)
			if err != nil {
				t.Fatal(err)
			}
			return ids
		}

		bea := e.client()
		bea.login("bea@beta.example", testkit.Password)
		expect(t, "BETA admin opens the shared scorecard", bea.get(page), http.StatusOK,
			`id="scorecard-assign"`, "pat (pat@beta.example)", "bea (bea@beta.example)")
		if body := bea.get(page).Body; strings.Contains(body, "bob@acme.example") {
			t.Error("the assignment list offers the owner's members")
		}

		// A member of the owner is not a member here: refused, the list shown
		// again with the choices and the reason, nothing saved.
		r := bea.post(page+"/members", "member", strconv.FormatInt(pat.ID, 10), "member", strconv.FormatInt(acmeBob.ID, 10))
		expect(t, "assigning an ACME member", r, http.StatusUnprocessableEntity, `id="assign-error"`, "does not exist in this instance")
		if !strings.Contains(r.Body, `value="`+strconv.FormatInt(pat.ID, 10)+`" checked`) {
			t.Errorf("the refused list lost pat's tick: %s", excerpt(r.Body))
		}
		if got := assigned(); len(got) != 0 {
			t.Errorf("a refused assignment saved %v", got)
		}

		r = bea.post(page+"/members", "member", strconv.FormatInt(pat.ID, 10))
		expect(t, "assigning pat", r, http.StatusSeeOther)
		if r.Location != page+"?done=assigned" {
			t.Errorf("after saving, sent to %q", r.Location)
		}
		if got := assigned(); !slices.Equal(got, []int64{pat.ID}) {
			t.Errorf("assigned = %v, want pat", got)
		}
		expect(t, "the page after saving", bea.get(page+"?done=assigned"), http.StatusOK, "Assignments saved.",
			`value="`+strconv.FormatInt(pat.ID, 10)+`" checked`)

		// pat now sees the scorecard, without the list; pat's save is 403.
		p := e.client()
		p.login("pat@beta.example", testkit.Password)
		r = p.get(page)
		expect(t, "pat opens the assigned scorecard", r, http.StatusOK, "Shared &lt;b&gt;card&lt;/b&gt;")
		if strings.Contains(r.Body, `id="scorecard-assign"`) {
			t.Error("a member without Manage Users sees the assignment list")
		}
		expect(t, "pat saves assignments", p.post(page+"/members"), http.StatusForbidden)
		if got := assigned(); !slices.Equal(got, []int64{pat.ID}) {
			t.Errorf("a refused save changed the assignment to %v", got)
		}

		// The owner's own page offers no such list (its edit form has one).
		a := e.client()
		a.login("ada@acme.example", testkit.Password)
		if body := a.get("/i/ACME/scorecards/" + strconv.FormatInt(sc.ID, 10)).Body; strings.Contains(body, `id="scorecard-assign"`) {
			t.Error("the owner's scorecard page shows the partner assignment list")
		}
	})
}
