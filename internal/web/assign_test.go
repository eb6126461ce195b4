package web_test

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/model"
	"yardstick/internal/testkit"
)

// assignBox matches an assignment list's box: the offered marker, then
// the checkbox of the same member.
var assignBox = regexp.MustCompile(`<input type="hidden" name="offered" value="(\d+)"> <input type="checkbox" name="member" value="(\d+)"( checked)?>`)

// assignBoxes returns the members an assignment list offers, and which of
// them are ticked.
func assignBoxes(t *testing.T, body string) (offered, ticked []int64) {
	t.Helper()
	for _, m := range assignBox.FindAllStringSubmatch(body, -1) {
		if m[1] != m[2] {
			t.Errorf("offered marker %s sits with box %s", m[1], m[2])
		}
		id, _ := strconv.ParseInt(m[1], 10, 64)
		offered = append(offered, id)
		if m[3] != "" {
			ticked = append(ticked, id)
		}
	}
	return offered, ticked
}

// TestScorecardAssignmentFromScorecardSide picks the members who get a
// scorecard on its form (SPEC §3.3). A save changes only the members the
// list offered: an inactive member's assignment, or one past the list's
// first PickerLimit members, survives a save that did not show it.
func TestScorecardAssignmentFromScorecardSide(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		u := newUsersEnv(t, db)
		q := u.store.Q()
		ada, bob, cat, dan := u.ids["ada@example.org"], u.ids["bob@example.org"], u.ids["cat@example.org"], u.ids["dan@example.org"]
		id := func(n int64) string { return strconv.FormatInt(n, 10) }
		assigned := func(sc int64) []int64 {
			t.Helper()
			got, err := q.ScorecardMembershipIDs(ctx, u.in.ID, sc)
			if err != nil {
				t.Fatal(err)
			}
			return got
		}

		// The new form offers the active members, none ticked.
		r := u.ada.get("/i/ACME/scorecards/new")
		expect(t, "new form", r, http.StatusOK, `id="scorecard-members"`)
		if offered, ticked := assignBoxes(t, r.Body); !slices.Equal(offered, []int64{dan, bob, ada}) || len(ticked) != 0 {
			t.Errorf("new form offers %v ticked %v; want Kim Dan, Mia Bob, Zoe Ada by name, none ticked", offered, ticked)
		}
		r = u.ada.post("/i/ACME/scorecards", "title", "Reading", "members_present", "1",
			"offered", id(bob), "offered", id(dan), "offered", id(ada), "member", id(bob))
		expect(t, "create", r, http.StatusSeeOther)
		sc, err := strconv.ParseInt(strings.TrimPrefix(r.Location, "/i/ACME/scorecards/"), 10, 64)
		if err != nil {
			t.Fatalf("create went to %s", r.Location)
		}
		if got := assigned(sc); !slices.Equal(got, []int64{bob}) {
			t.Fatalf("assigned after create: %v, want [bob]", got)
		}

		// Cat, inactive, is assigned from her side. The edit form lists her
		// (she is assigned), marked inactive and ticked.
		if err := q.SetMembershipScorecards(ctx, u.in.ID, cat, []int64{sc}); err != nil {
			t.Fatal(err)
		}
		edit := "/i/ACME/scorecards/" + id(sc)
		r = u.ada.get(edit + "/edit")
		expect(t, "edit form", r, http.StatusOK, "Abe Cat (cat@example.org) <span class=\"muted\">(inactive)</span>")
		offered, ticked := assignBoxes(t, r.Body)
		if !slices.Equal(offered, []int64{cat, dan, bob, ada}) || !slices.Equal(ticked, []int64{cat, bob}) {
			t.Errorf("edit form offers %v ticked %v; want cat, dan, bob, ada with cat and bob ticked", offered, ticked)
		}
		version := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(r.Body)
		if version == nil {
			t.Fatal("no version on the edit form")
		}

		// A save from a list that did not show cat keeps her; bob is
		// unticked, dan ticked.
		r = u.ada.post(edit, "title", "Reading", "version", version[1], "members_present", "1",
			"offered", id(ada), "offered", id(bob), "offered", id(dan), "member", id(dan))
		expect(t, "update", r, http.StatusSeeOther)
		if got := assigned(sc); !slices.Equal(got, []int64{cat, dan}) {
			t.Errorf("assigned after update: %v, want [cat dan]", got)
		}
		var logged []model.Change
		for _, a := range activities(t, u.env, u.in) {
			if a.ObjectID != nil && *a.ObjectID == sc && a.Activity == app.ActUpdate {
				logged = a.Changes
			}
		}
		if want := (model.Change{Field: "members", Before: id(bob) + ", " + id(cat), After: id(cat) + ", " + id(dan)}); !slices.Contains(logged, want) {
			t.Errorf("the update logged %+v, want %+v among them", logged, want)
		}

		// Bad input: another instance's member, a malformed id. A clear
		// message, the form again as chosen, nothing changed.
		version = regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(u.ada.get(edit + "/edit").Body)
		_, stranger := u.member(u.instance("OTHR", "Other"), "eve@example.org", access.PresetPresenter)
		for _, bad := range []string{id(stranger.ID), "12abc"} {
			r = u.ada.post(edit, "title", "Renamed", "version", version[1], "members_present", "1",
				"offered", id(dan), "member", id(dan), "member", bad)
			expect(t, "assign "+bad, r, http.StatusUnprocessableEntity, `id="scorecard-members"`, "does not exist in this instance")
			if _, ticked := assignBoxes(t, r.Body); !slices.Equal(ticked, []int64{dan}) {
				t.Errorf("the refused form (%s) shows %v ticked, want [dan] as chosen", bad, ticked)
			}
			if got := assigned(sc); !slices.Equal(got, []int64{cat, dan}) {
				t.Errorf("a refused save (%s) changed the assignments to %v", bad, got)
			}
		}
		expect(t, "after the refusals", u.ada.get(edit), http.StatusOK, `<h1 id="scorecard-title">Reading</h1>`)

		// The assignment list on the scorecard page saves the same way.
		r = u.ada.post(edit+"/members", "offered", id(dan), "offered", id(bob), "member", id(bob))
		expect(t, "assign from the page", r, http.StatusSeeOther)
		if got := assigned(sc); !slices.Equal(got, []int64{bob, cat}) {
			t.Errorf("assigned after the page's save: %v, want [bob cat]", got)
		}

		// Past PickerLimit active members, the list says how to reach the
		// others, and still shows everyone assigned: the first PickerLimit
		// by name (all aa…), then cat and bob.
		for i := range app.PickerLimit {
			u.member(u.in, fmt.Sprintf("aa%04d@example.org", i), access.PresetPresenter)
		}
		r = u.ada.get(edit + "/edit")
		expect(t, "edit form, many members", r, http.StatusOK, `id="members-more"`, "Edit User page")
		offered, ticked = assignBoxes(t, r.Body)
		if len(offered) != app.PickerLimit+2 || !slices.Equal(offered[app.PickerLimit:], []int64{cat, bob}) || !slices.Equal(ticked, []int64{cat, bob}) {
			t.Errorf("many members: %d offered, ending %v, ticked %v; want %d ending with cat and bob, both ticked",
				len(offered), offered[max(0, len(offered)-2):], ticked, app.PickerLimit+2)
		}
	})
}
