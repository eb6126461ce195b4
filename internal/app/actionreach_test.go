package app_test

import (
	"fmt"
	"slices"
	"testing"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/testkit"
)

// The Action Manager of a member with assigned scorecards reads their
// actions from action_reach (0026), which the store keeps beside the links
// and the scorecards' trees. Through links and unlinks of actions, objects
// moved, linked twice and deleted, a scorecard deleted and titles and end
// dates changed, the table holds exactly what the links imply, and every
// order and filter of the list, page by page, equals the administrator's
// list cut to the actions the member may open.
func TestActionReach(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		w := newPW(t, db)
		A := w.site("ALPHA", "Alpha Org")
		admin := A.member("admin", access.PresetAdministration)
		A.member("m", access.PresetPresenter)
		A.member("n", access.PresetPresenter)
		S1, S2, S3 := A.scorecard(admin, "S1"), A.scorecard(admin, "S2"), A.scorecard(admin, "S3")
		R1 := A.container(admin, "R1", app.Placement{ScorecardID: S1.ID})
		R2 := A.container(admin, "R2", app.Placement{ScorecardID: S2.ID})
		M1 := A.measure(admin, "M1", app.Placement{ParentID: R1.ID})
		M2 := A.measure(admin, "M2", app.Placement{ParentID: R2.ID})
		if err := w.app.Link(w.ctx, admin, app.Placement{ScorecardID: S3.ID}, R2.ID); err != nil {
			t.Fatal(err)
		}
		if err := A.assign(admin, "m", S1.ID, S2.ID); err != nil {
			t.Fatal(err)
		}
		if err := A.assign(admin, "n", S3.ID); err != nil {
			t.Fatal(err)
		}

		// 24 actions spread over every way of being seen; titles and end
		// dates out of creation order, some equal, some end dates missing.
		hosts := []struct {
			on string
			id int64
		}{{app.OnScorecard, S1.ID}, {app.OnObject, M1.ID}, {app.OnObject, R2.ID}, {app.OnScorecard, S3.ID}, {app.OnObject, M2.ID}, {"", 0}}
		statuses := []string{"On Track", "Behind Schedule", "Completed"}
		var ids []int64
		for i := range 24 {
			in := app.ActionInput{Title: fmt.Sprintf("Step %d", (i*7)%10), Status: statuses[i%3], StartDate: "2026-01-01"}
			if i%4 != 0 {
				in.EndDate = fmt.Sprintf("2026-%02d-01", 1+(i*5)%12)
			}
			if i%6 == 5 {
				in.Assignee = A.members["m"].Email
			}
			h := hosts[i%len(hosts)]
			x, err := w.app.CreateAction(w.ctx, admin, in, h.on, h.id)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, x.ID)
		}

		check := func(step string) {
			t.Helper()
			var wrong int
			if err := db.Store.DB().QueryRowContext(w.ctx, `SELECT
				(SELECT COUNT(*) FROM action_reach r WHERE r.instance_id = $1 AND NOT EXISTS (
					SELECT 1 FROM actions ac WHERE ac.instance_id = r.instance_id AND ac.id = r.action_id
						AND ac.title_key = r.title_key AND COALESCE(ac.end_date, '') = r.end_key
						AND (EXISTS (SELECT 1 FROM action_links l WHERE l.instance_id = r.instance_id AND l.action_id = r.action_id AND l.scorecard_id = r.scorecard_id)
							OR EXISTS (SELECT 1 FROM action_links l JOIN scorecard_objects so ON so.instance_id = l.instance_id AND so.object_id = l.object_id
								WHERE l.instance_id = r.instance_id AND l.action_id = r.action_id AND so.scorecard_id = r.scorecard_id))))
				+ (SELECT COUNT(*) FROM (SELECT l.action_id, l.scorecard_id FROM action_links l WHERE l.instance_id = $1 AND l.scorecard_id IS NOT NULL
						UNION SELECT l.action_id, so.scorecard_id FROM action_links l JOIN scorecard_objects so ON so.instance_id = l.instance_id AND so.object_id = l.object_id
						WHERE l.instance_id = $1) d
					WHERE NOT EXISTS (SELECT 1 FROM action_reach r WHERE r.instance_id = $1 AND r.action_id = d.action_id AND r.scorecard_id = d.scorecard_id))`,
				A.in.ID).Scan(&wrong); err != nil {
				t.Fatal(err)
			}
			if wrong != 0 {
				t.Errorf("%s: %d action_reach rows differ from what the links imply", step, wrong)
			}
			for _, who := range []string{"m", "n"} {
				for _, qy := range []app.ActionQuery{{}, {Desc: true}, {Sort: "end"}, {Sort: "end", Desc: true}, {Status: "On Track"}, {Text: "step 3"}, {Open: true, Sort: "end"}} {
					all := pages(t, w, admin, qy)
					if who == "m" && qy.Status == "" && qy.Text == "" && !qy.Open {
						// The administrator's pages hold every action in the
						// order's sequence (keys shared by several actions
						// included, which SQLite pages in two seeks).
						col, dir := "title_key", "ASC"
						if qy.Sort == "end" {
							col = "COALESCE(end_date, '')"
						}
						if qy.Desc {
							dir = "DESC"
						}
						var ref []int64
						rows, err := db.Store.DB().QueryContext(w.ctx, `SELECT id FROM actions WHERE instance_id = $1 ORDER BY `+col+` `+dir+`, id `+dir, A.in.ID)
						if err != nil {
							t.Fatal(err)
						}
						for rows.Next() {
							var id int64
							if err := rows.Scan(&id); err != nil {
								t.Fatal(err)
							}
							ref = append(ref, id)
						}
						rows.Close()
						if !slices.Equal(all, ref) {
							t.Errorf("%s: the administrator's list %+v: %v, want %v", step, qy, all, ref)
						}
					}
					var want []int64
					for _, id := range all {
						if _, err := w.app.Action(w.ctx, A.as(who), id); err == nil {
							want = append(want, id)
						}
					}
					if got := pages(t, w, A.as(who), qy); !slices.Equal(got, want) {
						t.Errorf("%s: %s's list %+v: %v, want %v", step, who, qy, got, want)
					}
				}
			}
		}
		check("created")

		// An object moved: R2 off S2 (still on S3), M1 under R2 as well.
		if err := w.app.Unlink(w.ctx, admin, app.Placement{ScorecardID: S2.ID}, R2.ID); err != nil {
			t.Fatal(err)
		}
		if err := w.app.Link(w.ctx, admin, app.Placement{ParentID: R2.ID}, M1.ID); err != nil {
			t.Fatal(err)
		}
		check("objects moved")

		// Actions linked and unlinked, retitled and rescheduled.
		if err := w.app.LinkAction(w.ctx, admin, ids[5], app.OnObject, M2.ID, true); err != nil {
			t.Fatal(err)
		}
		if err := w.app.LinkAction(w.ctx, admin, ids[0], app.OnScorecard, S1.ID, false); err != nil {
			t.Fatal(err)
		}
		for _, id := range ids[:6] {
			v, err := w.app.Action(w.ctx, admin, id)
			if err != nil {
				t.Fatal(err)
			}
			x := v.Action
			if _, err := w.app.UpdateAction(w.ctx, admin, id, x.Version, app.ActionInput{Title: "Again " + x.Title, Status: x.Status,
				StartDate: x.StartDate, EndDate: "2026-06-15", Percent: "0"}); err != nil {
				t.Fatal(err)
			}
		}
		check("actions changed")

		// A container deleted (its measure stays, under R2), a scorecard
		// deleted, an action deleted.
		if err := w.app.DeleteObject(w.ctx, admin, R1.ID); err != nil {
			t.Fatal(err)
		}
		check("container deleted")
		if err := w.app.DeleteScorecard(w.ctx, admin, S3.ID); err != nil {
			t.Fatal(err)
		}
		if err := w.app.DeleteAction(w.ctx, admin, ids[7]); err != nil {
			t.Fatal(err)
		}
		check("scorecard and action deleted")
	})
}

// pages reads every page of an Action Manager query, three at a time.
func pages(t *testing.T, w *pw, actor *app.Actor, qy app.ActionQuery) []int64 {
	t.Helper()
	qy.Limit = 3
	var ids []int64
	for range 100 {
		p, err := w.app.Actions(w.ctx, actor, qy)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range p.Actions {
			ids = append(ids, x.ID)
		}
		if p.Next == "" {
			return ids
		}
		qy.After = p.Next
	}
	t.Fatal("more than 100 pages")
	return nil
}
