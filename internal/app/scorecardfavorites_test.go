package app_test

import (
	"testing"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/testkit"
)

// Favourite scorecards (issue 28, point 6): own and a partner's, first on
// the dashboard and the Scorecards list, found by the switcher; a share
// that ends hides the partner's, a deleted scorecard takes its stars.
func TestFavoriteScorecards(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		w := newPW(t, db)
		A, B := w.site("ACME", "Acme"), w.site("BETA", "Beta")
		A.member("admin", access.PresetAdministration)
		bob := B.member("admin", access.PresetAdministration)
		zed := B.scorecard(bob, "Zed board")
		alpha := B.scorecard(bob, "Alpha board")
		S := A.scorecard(A.as("admin"), "Shared results")
		w.connect(A, B)
		w.share(A, B, app.ShareChoice{ScorecardID: S.ID})

		for _, id := range []int64{zed.ID, S.ID} {
			if err := w.app.StarScorecard(w.ctx, B.as("admin"), id, true); err != nil {
				t.Fatalf("star %d: %v", id, err)
			}
		}
		// Twice is still once.
		if err := w.app.StarScorecard(w.ctx, B.as("admin"), zed.ID, true); err != nil {
			t.Fatal(err)
		}
		favs, err := w.app.FavoriteScorecards(w.ctx, B.as("admin"))
		if err != nil {
			t.Fatal(err)
		}
		if got := scorecardIDs(favs); len(got) != 2 || got[0] != zed.ID || got[1] != S.ID {
			t.Errorf("favourites %v, want own Zed then A's shared S", got)
		}
		d, err := w.app.Dashboard(w.ctx, B.as("admin"))
		if err != nil || len(d.Scorecards) != 2 {
			t.Errorf("dashboard shows %d favourite scorecards (%v), want 2", len(d.Scorecards), err)
		}
		list, err := w.app.ScorecardList(w.ctx, B.as("admin"), []int64{B.in.ID, A.in.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(list.Favorites) != 2 || list.Favorites[0].Scorecard.ID != zed.ID || list.Favorites[1].Site == "" {
			t.Errorf("list favourites %+v", list.Favorites)
		}
		page, err := w.app.ScorecardPage(w.ctx, B.as("admin"), zed.ID)
		if err != nil || !page.Favorite {
			t.Errorf("Zed's page: favourite %v (%v)", page.Favorite, err)
		}
		if page, _ := w.app.ScorecardPage(w.ctx, B.as("admin"), alpha.ID); page.Favorite {
			t.Error("Alpha shows as a favourite")
		}

		// The switcher: favourites first, any case, own and shared.
		jump, err := w.app.JumpScorecards(w.ctx, B.as("admin"), "BOARD")
		if err != nil {
			t.Fatal(err)
		}
		if len(jump) != 2 || jump[0].Scorecard.ID != zed.ID || jump[1].Scorecard.ID != alpha.ID {
			t.Errorf("jump to BOARD: %+v, want Zed (starred) then Alpha", jump)
		}
		if jump, _ := w.app.JumpScorecards(w.ctx, B.as("admin"), "shared"); len(jump) != 1 || jump[0].Site == "" {
			t.Errorf("jump to a partner's scorecard: %+v", jump)
		}
		if _, err := w.app.JumpScorecards(w.ctx, B.as("admin"), string(make([]rune, 201))); app.KindOf(err) != app.Invalid {
			t.Errorf("a 201-character search: %v", err)
		}

		// Another instance's scorecard cannot be starred: not found.
		other := w.site("GAMMA", "Gamma")
		gAdmin := other.member("admin", access.PresetAdministration)
		G := other.scorecard(gAdmin, "Gamma board")
		wantKind(t, "star another instance's scorecard", w.app.StarScorecard(w.ctx, B.as("admin"), G.ID, true), app.NotFound)

		// The share ends: S is no longer listed. A deletes S: its star goes.
		w.share(A, B)
		if favs, _ := w.app.FavoriteScorecards(w.ctx, B.as("admin")); len(favs) != 1 || favs[0].ID != zed.ID {
			t.Errorf("after the share ended: %v", scorecardIDs(favs))
		}
		w.share(A, B, app.ShareChoice{ScorecardID: S.ID})
		if err := w.app.DeleteScorecard(w.ctx, A.as("admin"), S.ID); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := db.Store.DB().QueryRowContext(w.ctx, `SELECT COUNT(*) FROM partner_scorecard_favorites WHERE instance_id = $1`, B.in.ID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("%d partner favourites left after the scorecard was deleted", n)
		}

		// Unstar.
		if err := w.app.StarScorecard(w.ctx, B.as("admin"), zed.ID, false); err != nil {
			t.Fatal(err)
		}
		if favs, _ := w.app.FavoriteScorecards(w.ctx, B.as("admin")); len(favs) != 0 {
			t.Errorf("after unstarring: %v", scorecardIDs(favs))
		}
	})
}
