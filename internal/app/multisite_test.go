package app_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/model"
	"yardstick/internal/store"
	"yardstick/internal/testkit"
)

// networkSite is a parent with Multi-Site Tools on and its administrator.
func networkSite(w *pw, code string) *site {
	w.t.Helper()
	p := w.site(code, "Parent "+code)
	p.member("admin", access.PresetAdministration)
	if err := w.app.SetMultiSite(w.ctx, code, true); err != nil {
		w.t.Fatal(err)
	}
	return p
}

// childSite creates a child through the tools and returns it as a site
// whose "admin" is the child's first administrator.
func childSite(w *pw, p *site, code string) *site {
	w.t.Helper()
	email := "admin@" + strings.ToLower(code) + ".example.org"
	if _, err := w.app.CreateChild(w.ctx, p.as("admin"), app.NewChild{Code: code, Name: "Child " + code, AdminEmail: email}); err != nil {
		w.t.Fatalf("child %s: %v", code, err)
	}
	in, err := w.q().InstanceByCode(w.ctx, code)
	if err != nil {
		w.t.Fatal(err)
	}
	acct, err := w.q().AccountByEmail(w.ctx, email)
	if err != nil {
		w.t.Fatal(err)
	}
	m, err := w.q().MembershipOf(w.ctx, in.ID, acct.ID)
	if err != nil {
		w.t.Fatal(err)
	}
	s := &site{w: w, in: in, members: map[string]model.Account{"admin": acct}, ms: map[string]model.Membership{"admin": m}}
	return s
}

// Issue 22, point 1: children are created, listed and given the parent's
// administrators, one membership each and no seat.
func TestChildInstances(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		w := newPW(t, db)
		P := w.site("NET", "Network")
		P.member("admin", access.PresetAdministration)
		ann := P.member("ann", access.PresetAdministration)
		P.member("builder", access.PresetScorecardBuilder)
		_ = ann

		// Off until the operator turns it on.
		_, err := w.app.CreateChild(w.ctx, P.as("admin"), app.NewChild{Code: "KID1", Name: "Kid", AdminEmail: "k@kid.example.org"})
		wantKind(t, "create a child without Multi-Site Tools", err, app.Forbidden)
		if v, err := w.app.MultiSitePage(w.ctx, P.as("admin")); err != nil || v.Enabled {
			t.Errorf("page without the tools: %+v, %v", v, err)
		}
		if err := w.app.SetMultiSite(w.ctx, "NET", true); err != nil {
			t.Fatal(err)
		}
		_, err = w.app.CreateChild(w.ctx, P.as("builder"), app.NewChild{Code: "KID1", Name: "Kid", AdminEmail: "k@kid.example.org"})
		wantKind(t, "a builder creates a child", err, app.Forbidden)

		// Bad input: fields.
		_, err = w.app.CreateChild(w.ctx, P.as("admin"), app.NewChild{Code: "x", Name: "", AdminEmail: "nope"})
		if e, ok := app.AsError(err); !ok || e.Fields["code"] == "" || e.Fields["name"] == "" || e.Fields["email"] == "" {
			t.Errorf("bad child: %v", err)
		}
		_, err = w.app.CreateChild(w.ctx, P.as("admin"), app.NewChild{Code: "NET", Name: "Taken", AdminEmail: "k@kid.example.org"})
		if e, ok := app.AsError(err); !ok || e.Fields["code"] == "" {
			t.Errorf("taken code: %v", err)
		}

		// A new address gets the welcome mail; an existing account joins.
		mailsBefore := w.mailsOf("welcome")
		k1 := childSite(w, P, "KID1")
		if got := w.mailsOf("welcome"); got != mailsBefore+1 {
			t.Errorf("welcome mails %d, want %d", got, mailsBefore+1)
		}
		if k1.in.ParentID == nil || *k1.in.ParentID != P.in.ID {
			t.Errorf("KID1's parent %v, want %d", k1.in.ParentID, P.in.ID)
		}
		if k1.members["admin"].HomeInstanceID == nil || *k1.members["admin"].HomeInstanceID != k1.in.ID {
			t.Error("the new administrator's home is not the child")
		}
		if _, err := w.app.CreateChild(w.ctx, P.as("admin"), app.NewChild{Code: "KID2", Name: "Kid 2", AdminEmail: P.members["ann"].Email}); err != nil {
			t.Fatal(err)
		}
		k3 := childSite(w, P, "KID3")
		k1.scorecard(k1.as("admin"), "Kid one's board")
		k1.scorecard(k1.as("admin"), "Kid one's second board")
		k3.scorecard(k3.as("admin"), "Kid three's board")

		// Listing: in a fixed number of queries.
		padmin := P.as("admin")
		before := db.Store.QueryCount()
		v, err := w.app.MultiSitePage(w.ctx, padmin)
		if err != nil {
			t.Fatal(err)
		}
		if n := db.Store.QueryCount() - before; n > 6 {
			t.Errorf("listing 3 children took %d statements", n)
		}
		if len(v.Children) != 3 || v.Children[0].Code != "KID1" || v.Children[0].Scorecards != 2 || v.Children[0].Members != 1 ||
			v.Children[1].Scorecards != 0 || v.Children[2].Scorecards != 1 {
			t.Errorf("children %+v", v.Children)
		}
		if v.Children[0].LastActivity == nil {
			// The child's admin acted (ActorFor marks activity) — or not:
			// last activity is what the memberships say.
			t.Log("KID1 has no last activity yet")
		}
		if v.Children[1].Member || v.Children[0].Member {
			t.Error("the parent's admin shows as a member of a child it has not joined")
		}

		// Nothing of a child is visible in the parent as content.
		list, err := w.app.ScorecardList(w.ctx, P.as("admin"), nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(list.Nodes) != 0 {
			t.Errorf("the parent lists %d scorecards; its children's must not show", len(list.Nodes))
		}

		// Add the parent's admin to all children: one membership each,
		// Administration, active, no seat; ann is in KID2 already.
		seats := map[int64]int{}
		for _, in := range []model.Instance{k1.in, k3.in} {
			seats[in.ID], _ = w.q().SeatsUsed(w.ctx, in.ID)
		}
		res, err := w.app.AddAdminToChildren(w.ctx, P.as("admin"), P.ms["ann"].ID, "")
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(res.Added, ",") != "KID1,KID3" || strings.Join(res.Already, ",") != "KID2" {
			t.Errorf("added %v, already %v", res.Added, res.Already)
		}
		for _, in := range []model.Instance{k1.in, k3.in} {
			m, err := w.q().MembershipOf(w.ctx, in.ID, P.members["ann"].ID)
			if err != nil || !m.Active || m.Preset != access.PresetAdministration || len(m.Permissions) != len(access.All) {
				t.Errorf("ann in %s: %+v, %v", in.Code, m, err)
			}
			if n, _ := w.q().SeatsUsed(w.ctx, in.ID); n != seats[in.ID] {
				t.Errorf("seats used in %s: %d, want %d", in.Code, n, seats[in.ID])
			}
		}
		again, err := w.app.AddAdminToChildren(w.ctx, P.as("admin"), P.ms["ann"].ID, "")
		if err != nil || len(again.Added) != 0 || len(again.Already) != 3 {
			t.Errorf("second add: %+v, %v", again, err)
		}
		// One child: the parent's own admin.
		one, err := w.app.AddAdminToChildren(w.ctx, P.as("admin"), P.ms["admin"].ID, "kid3")
		if err != nil || strings.Join(one.Added, ",") != "KID3" {
			t.Errorf("add to KID3: %+v, %v", one, err)
		}
		if v, _ := w.app.MultiSitePage(w.ctx, P.as("admin")); !v.Children[2].Member || v.Children[0].Member {
			t.Errorf("after joining KID3: %+v", v.Children)
		}
		// Not an administrator; not a child.
		_, err = w.app.AddAdminToChildren(w.ctx, P.as("admin"), P.ms["builder"].ID, "")
		wantKind(t, "add a builder", err, app.Invalid)
		other := networkSite(w, "OTHER")
		childSite(w, other, "OKID")
		_, err = w.app.AddAdminToChildren(w.ctx, P.as("admin"), P.ms["ann"].ID, "OKID")
		wantKind(t, "add to another parent's child", err, app.NotFound)
		_, err = w.app.ChildPage(w.ctx, P.as("admin"), "OKID")
		wantKind(t, "open another parent's child", err, app.NotFound)
		if c, err := w.app.ChildPage(w.ctx, P.as("admin"), "kid1"); err != nil || c.Child.Code != "KID1" {
			t.Errorf("KID1's page: %+v, %v", c, err)
		}

		// Both logs tell of the child's creation.
		if e := w.log(k1.in, app.ActMultiSite); len(e) != 1 || e[0].ActorInstance != "NET" {
			t.Errorf("KID1's log: %+v", e)
		}
		if e := w.log(P.in, app.ActMultiSite); len(e) < 3 {
			t.Errorf("NET's log has %d Multi-Site entries", len(e))
		}
	})
}

// tree builds a scorecard of containers × measures with periods of data
// (actual and target) and a note on each container, written in batches.
func buildTree(t *testing.T, w *pw, s *site, actor *app.Actor, title string, containers, measures, periods int) model.Scorecard {
	t.Helper()
	sc := s.scorecard(actor, title)
	s.loadTypes(actor)
	ctx := w.ctx
	err := w.db.Store.InTx(ctx, func(q *store.Q) error {
		n := containers * (1 + measures)
		ids, err := q.AllocIDs(ctx, "objects", n)
		if err != nil {
			return err
		}
		var objs []store.CopyObject
		var scl, ol []store.Link
		var vs []model.DataValue
		k := 0
		for c := 0; c < containers; c++ {
			cid := ids[k]
			k++
			objs = append(objs, store.CopyObject{New: true, Object: model.Object{ID: cid, Kind: model.KindContainer, TypeID: s.typeOf["Result"],
				Title: fmt.Sprintf("Result %d", c), Tags: []string{"alpha", "beta"}, GraphType: "line", Polarity: "higher", GraphPeriods: 12}})
			scl = append(scl, store.Link{ParentID: sc.ID, ChildID: cid, Position: c})
			for m := 0; m < measures; m++ {
				mid := ids[k]
				k++
				f := s.freq
				objs = append(objs, store.CopyObject{New: true, Object: model.Object{ID: mid, Kind: model.KindMeasure, TypeID: s.typeOf["Indicator"],
					Title: fmt.Sprintf("Measure %d.%d", c, m), Polarity: "higher", FrequencyID: &f, GraphType: "line", GraphPeriods: 12}})
				ol = append(ol, store.Link{ParentID: cid, ChildID: mid, Position: m})
				for p := 0; p < periods; p++ {
					a, tg := float64(p), float64(p+1)
					vs = append(vs, model.DataValue{MeasureID: mid, PeriodKey: fmt.Sprintf("%04d-%02d-01", 2020+p/12, p%12+1), Actual: &a, Target: &tg})
				}
			}
		}
		if err := q.UpsertObjects(ctx, s.in.ID, objs); err != nil {
			return err
		}
		if err := q.UpsertLinks(ctx, s.in.ID, scl, ol); err != nil {
			return err
		}
		if err := q.RebuildReach(ctx, s.in.ID, []int64{sc.ID}); err != nil {
			return err
		}
		_, err = q.InsertDataValues(ctx, s.in.ID, vs)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// counts reads what an instance holds: scorecards, objects, links, values, notes.
type holdings struct{ scorecards, objects, links, values, notes int }

func countIn(t *testing.T, w *pw, in int64) holdings {
	t.Helper()
	var h holdings
	for _, c := range []struct {
		n *int
		q string
	}{
		{&h.scorecards, "SELECT COUNT(*) FROM scorecards WHERE instance_id = $1"},
		{&h.objects, "SELECT COUNT(*) FROM objects WHERE instance_id = $1"},
		{&h.links, "SELECT (SELECT COUNT(*) FROM scorecard_links WHERE instance_id = $1) + (SELECT COUNT(*) FROM object_links WHERE instance_id = $1)"},
		{&h.values, "SELECT COUNT(*) FROM data_values WHERE instance_id = $1"},
		{&h.notes, "SELECT COUNT(*) FROM notes WHERE instance_id = $1"},
	} {
		if err := w.db.Store.DB().QueryRowContext(w.ctx, c.q, in).Scan(c.n); err != nil {
			t.Fatal(err)
		}
	}
	return h
}

func saveNote(t *testing.T, w *pw, in int64, tg model.Target, typeID int64, body string) {
	t.Helper()
	if err := w.db.Store.InTx(w.ctx, func(q *store.Q) error {
		n, err := q.Note(w.ctx, in, tg, typeID)
		if err != nil {
			return err
		}
		_, err = q.SaveNote(w.ctx, in, tg, typeID, n.Version, body, 0, 0)
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

func noteType(t *testing.T, w *pw, in int64) int64 {
	t.Helper()
	nts, err := w.q().ListNoteTypes(w.ctx, in, false)
	if err != nil || len(nts) == 0 {
		t.Fatalf("note types: %v", err)
	}
	return nts[0].ID
}

// Issue 28, point 5: a copy within the instance, each option; the preview
// equals what the copy does.
func TestCopyWithinInstance(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		w := newPW(t, db)
		S := w.site("ONE", "One")
		S.member("admin", access.PresetAdministration)
		S.member("viewer", access.PresetDataEntry)
		admin := S.as("admin")
		sc := buildTree(t, w, S, admin, "Board", 2, 3, 4)
		nt := noteType(t, w, S.in.ID)
		tree, err := w.q().ScorecardTree(w.ctx, S.in.ID, sc.ID)
		if err != nil {
			t.Fatal(err)
		}
		var first int64
		for _, l := range tree.Links {
			if l.ParentID == 0 {
				first = l.ChildID
				break
			}
		}
		saveNote(t, w, S.in.ID, model.Target{ObjectID: first}, nt, "<p>Story</p>")
		saveNote(t, w, S.in.ID, model.Target{ScorecardID: sc.ID}, nt, "<p>About the board</p>")
		// The layout goes with every copy: five chosen columns, two
		// levels, the accountability scores.
		layout, err := w.q().ScorecardByID(w.ctx, S.in.ID, sc.ID, store.SeeAll)
		if err != nil {
			t.Fatal(err)
		}
		layout.Columns, layout.ExpandDepth, layout.ScoresOn = []string{app.ColActual, app.ColForecast, app.ColTarget, app.ColTrend, app.ColPeriod}, 2, true
		if err := w.q().UpdateScorecard(w.ctx, layout); err != nil {
			t.Fatal(err)
		}

		_, err = w.app.PreviewScorecardCopy(w.ctx, S.as("viewer"), sc.ID, app.CopyOptions{})
		wantKind(t, "a data-entry member copies", err, app.Forbidden)
		_, err = w.app.PreviewScorecardCopy(w.ctx, admin, sc.ID, app.CopyOptions{Mode: "both", Data: "some"})
		if e, ok := app.AsError(err); !ok || e.Fields["mode"] == "" || e.Fields["data"] == "" {
			t.Errorf("bad options: %v", err)
		}

		cases := []struct {
			name               string
			opts               app.CopyOptions
			objects, values    int
			notes, links       int
			sameObjects        bool
			wantTitle, renamed string
		}{
			{"duplicate with data and notes", app.CopyOptions{Data: app.CopyDataAll, Notes: true}, 8, 24, 2, 8, false, "Board (copy)", "Board"},
			{"duplicate, targets only, no notes", app.CopyOptions{Data: app.CopyDataTargets, Title: "Template"}, 8, 24, 0, 8, false, "Template", ""},
			{"duplicate without data", app.CopyOptions{Title: "Template"}, 8, 0, 0, 8, false, "Template (2)", "Board"},
			{"linked with notes", app.CopyOptions{Mode: app.CopyLink, Notes: true, Data: app.CopyDataAll}, 0, 0, 1, 2, true, "Linked", ""},
		}
		for _, c := range cases {
			if c.name == "linked with notes" {
				c.opts.Title = "Linked"
			}
			before := countIn(t, w, S.in.ID)
			preview, err := w.app.PreviewScorecardCopy(w.ctx, admin, sc.ID, c.opts)
			if err != nil {
				t.Fatalf("%s: preview: %v", c.name, err)
			}
			if after := countIn(t, w, S.in.ID); after != before {
				t.Errorf("%s: the preview wrote: %+v → %+v", c.name, before, after)
			}
			got, done, err := w.app.CopyScorecard(w.ctx, admin, sc.ID, c.opts)
			if err != nil {
				t.Fatalf("%s: copy: %v", c.name, err)
			}
			if fmt.Sprintf("%+v", done) != fmt.Sprintf("%+v", preview) {
				t.Errorf("%s: the copy did\n%+v\nthe preview said\n%+v", c.name, done, preview)
			}
			after := countIn(t, w, S.in.ID)
			if d := after.objects - before.objects; d != c.objects || d != len(done.Containers)+len(done.Measures) {
				t.Errorf("%s: %d objects made, want %d (plan %d)", c.name, d, c.objects, len(done.Containers)+len(done.Measures))
			}
			if d := after.values - before.values; d != c.values || d != done.Values {
				t.Errorf("%s: %d values, want %d (plan %d)", c.name, d, c.values, done.Values)
			}
			if d := after.notes - before.notes; d != c.notes || d != done.Notes {
				t.Errorf("%s: %d notes, want %d (plan %d)", c.name, d, c.notes, done.Notes)
			}
			if d := after.links - before.links; d != c.links || d != done.Links {
				t.Errorf("%s: %d links, want %d (plan %d)", c.name, d, c.links, done.Links)
			}
			if got.Title != c.wantTitle || done.Scorecard.Title != c.wantTitle || done.Scorecard.RenamedFrom != c.renamed {
				t.Errorf("%s: title %q (plan %+v), want %q renamed from %q", c.name, got.Title, done.Scorecard, c.wantTitle, c.renamed)
			}
			page, err := w.app.ScorecardPage(w.ctx, admin, got.ID)
			if err != nil {
				t.Fatalf("%s: the copy's page: %v", c.name, err)
			}
			copied, _ := w.q().ScorecardTree(w.ctx, S.in.ID, got.ID)
			if len(copied.Objects) != 8 {
				t.Errorf("%s: the copy reaches %d objects, want 8", c.name, len(copied.Objects))
			}
			shared := 0
			for id := range copied.Objects {
				if _, ok := tree.Objects[id]; ok {
					shared++
				}
			}
			if (shared == 8) != c.sameObjects || (!c.sameObjects && shared != 0) {
				t.Errorf("%s: %d of the copy's objects are the source's", c.name, shared)
			}
			if !slices.Equal(page.Scorecard.Columns, layout.Columns) || page.Scorecard.ExpandDepth != 2 || !page.Scorecard.ScoresOn {
				t.Errorf("%s: the copy shows columns %q, %d levels, scores %v; want the source's %q, 2, true", c.name,
					page.Scorecard.Columns, page.Scorecard.ExpandDepth, page.Scorecard.ScoresOn, layout.Columns)
			}
			if e := w.log(S.in, app.ActCreate); len(e) == 0 || e[0].ObjectName != got.Title {
				t.Errorf("%s: no log entry of the copy", c.name)
			}
		}
		// A partner's scorecard is not copied; another instance's is not found.
		O := w.site("TWO", "Two")
		O.member("admin", access.PresetAdministration)
		osc := O.scorecard(O.as("admin"), "Theirs")
		_, _, err = w.app.CopyScorecard(w.ctx, admin, osc.ID, app.CopyOptions{})
		wantKind(t, "copy another instance's scorecard", err, app.NotFound)
	})
}

// Issue 22, point 2: a copy to a child and back creates the types,
// frequencies and note types the target lacks, renames a clashing
// frequency, is logged in both instances, and updates on a second run.
func TestCopyAcrossInstances(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		w := newPW(t, db)
		P := networkSite(w, "HUB")
		K := childSite(w, P, "SPOKE")
		admin := P.as("admin")
		ctx := w.ctx
		sc := buildTree(t, w, P, admin, "Network board", 2, 2, 3)
		// A custom type and frequency on one measure; a note type the child lacks.
		var measure model.Object
		tree, _ := w.q().ScorecardTree(ctx, P.in.ID, sc.ID)
		for _, o := range tree.Objects {
			if o.Kind == model.KindMeasure {
				measure = o
				break
			}
		}
		var typ model.ObjectType
		var freq model.Frequency
		var ntID int64
		err := db.Store.InTx(ctx, func(q *store.Q) error {
			var err error
			if typ, err = q.CreateType(ctx, model.ObjectType{InstanceID: P.in.ID, Kind: model.KindMeasure, Name: "Outcome", Plural: "Outcomes", Color: "#225588", Badge: "O"}); err != nil {
				return err
			}
			if freq, err = q.CreateFrequency(ctx, model.Frequency{InstanceID: P.in.ID, Title: "Fiscal", Kind: "Custom", PeriodsPerYear: 4, StartMonth: 7, StartDay: 1, LabelPrefix: "FY"}); err != nil {
				return err
			}
			// The child has a "Fiscal" of its own, another calendar.
			if _, err = q.CreateFrequency(ctx, model.Frequency{InstanceID: K.in.ID, Title: "Fiscal", Kind: "Custom", PeriodsPerYear: 4, StartMonth: 10, StartDay: 1, LabelPrefix: "FY"}); err != nil {
				return err
			}
			nt, err := q.CreateNoteType(ctx, model.NoteType{InstanceID: P.in.ID, Name: "Funder notes", OnMeasures: true})
			ntID = nt.ID
			if err != nil {
				return err
			}
			measure.TypeID, measure.FrequencyID = typ.ID, &freq.ID
			return q.UpsertObjects(ctx, P.in.ID, []store.CopyObject{{Object: measure}})
		})
		if err != nil {
			t.Fatal(err)
		}
		saveNote(t, w, P.in.ID, model.Target{ObjectID: measure.ID}, ntID, "<p>Funded since 2020</p>")

		req := app.SiteCopy{ScorecardID: sc.ID, To: []string{"spoke"}, Options: app.CopyOptions{Data: app.CopyDataAll, Notes: true}}
		_, err = w.app.PreviewSiteCopy(ctx, K.as("admin"), req)
		wantKind(t, "a child without the tools previews", err, app.Forbidden)
		_, err = w.app.PreviewSiteCopy(ctx, admin, app.SiteCopy{ScorecardID: sc.ID, Options: app.CopyOptions{Mode: app.CopyLink}})
		if e, ok := app.AsError(err); !ok || e.Fields["mode"] == "" {
			t.Errorf("link across instances: %v", err)
		}
		preview, err := w.app.PreviewSiteCopy(ctx, admin, req)
		if err != nil || len(preview) != 1 || preview[0].Err != "" {
			t.Fatalf("preview: %+v, %v", preview, err)
		}
		p := preview[0].Plan
		if len(p.Types) != 1 || p.Types[0].Title != "Outcome" || len(p.Frequencies) != 1 || p.Frequencies[0].Title != "Fiscal (2)" ||
			p.Frequencies[0].RenamedFrom != "Fiscal" || len(p.NoteTypes) != 1 || p.Values != 12 || p.Notes != 1 || len(p.Measures) != 4 {
			t.Errorf("plan %+v", p)
		}
		if len(p.Renamed()) != 1 {
			t.Errorf("renamed %+v", p.Renamed())
		}
		before := countIn(t, w, K.in.ID)
		done, err := w.app.RunSiteCopy(ctx, admin, req)
		if err != nil || len(done) != 1 || !done[0].Done {
			t.Fatalf("run: %+v, %v", done, err)
		}
		if fmt.Sprintf("%+v", done[0].Plan) != fmt.Sprintf("%+v", p) {
			t.Errorf("the copy did\n%+v\nthe preview said\n%+v", done[0].Plan, p)
		}
		after := countIn(t, w, K.in.ID)
		if after.objects-before.objects != 6 || after.values-before.values != 12 || after.scorecards-before.scorecards != 1 || after.notes-before.notes != 1 {
			t.Errorf("child holds %+v, before %+v", after, before)
		}
		copySC, err := w.q().ScorecardCopyOf(ctx, K.in.ID, P.in.ID, sc.ID)
		if err != nil || copySC.Title != "Network board" {
			t.Fatalf("the child's copy: %+v, %v", copySC, err)
		}
		// The child's admin sees it like any of its scorecards.
		if _, err := w.app.ScorecardPage(ctx, K.as("admin"), copySC.ID); err != nil {
			t.Errorf("the child's admin opens the copy: %v", err)
		}
		// Logged in both.
		if e := w.log(K.in, app.ActCreate); len(e) == 0 || e[0].ActorInstance != "HUB" {
			t.Errorf("the child's log: %+v", e)
		}
		if e := w.log(P.in, app.ActMultiSite); len(e) == 0 || !strings.Contains(e[0].Changes[0].After, "SPOKE") {
			t.Errorf("the parent's log: %+v", e)
		}

		// Re-run after a change in the parent: updates, no duplicates.
		measure.Title = "Renamed measure"
		if err := db.Store.InTx(ctx, func(q *store.Q) error {
			return q.UpsertObjects(ctx, P.in.ID, []store.CopyObject{{Object: measure}})
		}); err != nil {
			t.Fatal(err)
		}
		again, err := w.app.RunSiteCopy(ctx, admin, req)
		if err != nil || !again[0].Done {
			t.Fatalf("again: %+v, %v", again, err)
		}
		ap := again[0].Plan
		if !ap.Scorecard.Update || len(ap.Types) != 0 || len(ap.Frequencies) != 0 || len(ap.NoteTypes) != 0 {
			t.Errorf("second plan %+v", ap)
		}
		for _, m := range append(ap.Measures, ap.Containers...) {
			if !m.Update {
				t.Errorf("second run creates %q", m.Title)
			}
		}
		if now := countIn(t, w, K.in.ID); now != after {
			t.Errorf("after a second copy the child holds %+v, want %+v", now, after)
		}
		objs, err := w.q().CopiesOf(ctx, K.in.ID, P.in.ID, []int64{measure.ID})
		if err != nil || len(objs) != 1 {
			t.Fatal(objs, err)
		}
		o, err := w.q().ObjectByID(ctx, K.in.ID, objs[measure.ID], store.SeeAll)
		if err != nil || o.Title != "Renamed measure" || o.TypeName != "Outcome" {
			t.Errorf("updated copy %+v, %v", o, err)
		}

		// And back: the child's scorecard to the parent.
		ksc := K.scorecard(K.as("admin"), "Spoke's own")
		back, err := w.app.RunSiteCopy(ctx, admin, app.SiteCopy{From: "SPOKE", ScorecardID: ksc.ID})
		if err != nil || len(back) != 1 || !back[0].Done || back[0].Code != "HUB" {
			t.Errorf("copy back: %+v, %v", back, err)
		}
		// A parent's scorecard id named as the child's is not found.
		_, err = w.app.PreviewSiteCopy(ctx, admin, app.SiteCopy{From: "SPOKE", ScorecardID: sc.ID})
		wantKind(t, "a parent's scorecard as the child's", err, app.NotFound)
	})
}

// A copy to all children runs one transaction per child: a failure in
// the 3rd of 5 leaves the others copied, the 3rd untouched, and says so.
func TestCopyToAllChildren(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		w := newPW(t, db)
		P := networkSite(w, "LEAD")
		var kids []*site
		for i := 1; i <= 5; i++ {
			kids = append(kids, childSite(w, P, fmt.Sprintf("AGENCY%d", i)))
		}
		admin := P.as("admin")
		sc := buildTree(t, w, P, admin, "Shared results", 2, 2, 3)
		// The 3rd has an earlier copy, locked there.
		if _, err := w.app.RunSiteCopy(w.ctx, admin, app.SiteCopy{ScorecardID: sc.ID, To: []string{"AGENCY3"}}); err != nil {
			t.Fatal(err)
		}
		prior, err := w.q().ScorecardCopyOf(w.ctx, kids[2].in.ID, P.in.ID, sc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.q().SetScorecardLock(w.ctx, kids[2].in.ID, prior.ID, prior.Version, model.LockStructure, "Board review"); err != nil {
			t.Fatal(err)
		}
		third := countIn(t, w, kids[2].in.ID)

		res, err := w.app.RunSiteCopy(w.ctx, admin, app.SiteCopy{ScorecardID: sc.ID, AllChildren: true, Options: app.CopyOptions{Data: app.CopyDataAll}})
		if err != nil {
			t.Fatal(err)
		}
		if len(res) != 5 {
			t.Fatalf("%d results", len(res))
		}
		for i, r := range res {
			if i == 2 {
				if r.Done || !strings.Contains(r.Err, "locked") || !strings.Contains(r.Err, "Board review") {
					t.Errorf("the 3rd: %+v", r)
				}
				continue
			}
			if !r.Done || r.Err != "" || len(r.Plan.Measures) != 4 {
				t.Errorf("child %d: %+v", i+1, r)
			}
			if h := countIn(t, w, kids[i].in.ID); h.objects != 6 || h.values != 12 || h.scorecards != 1 {
				t.Errorf("child %d holds %+v", i+1, h)
			}
		}
		if now := countIn(t, w, kids[2].in.ID); now != third {
			t.Errorf("the 3rd changed: %+v → %+v", third, now)
		}
		if v, _ := w.q().ScorecardCopyOf(w.ctx, kids[2].in.ID, P.in.ID, sc.ID); v.Version != prior.Version+1 {
			t.Errorf("the 3rd's copy is at version %d, want %d (the lock's)", v.Version, prior.Version+1)
		}
	})
}

// A copy of a 50 × 10 scorecard with 36 periods of data is a handful of
// statements, not one per object or value.
func TestCopyStatements(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		w := newPW(t, db)
		P := networkSite(w, "BIG")
		K := childSite(w, P, "BIGKID")
		admin := P.as("admin")
		sc := buildTree(t, w, P, admin, "Large", 50, 10, 36)
		before := db.Store.QueryCount()
		_, done, err := w.app.CopyScorecard(w.ctx, admin, sc.ID, app.CopyOptions{Data: app.CopyDataAll, Notes: true})
		if err != nil {
			t.Fatal(err)
		}
		n := db.Store.QueryCount() - before
		if done.Values != 50*10*36 || len(done.Measures) != 500 {
			t.Errorf("plan %d values, %d measures", done.Values, len(done.Measures))
		}
		t.Logf("a copy within the instance: %d statements", n)
		if n > 40 {
			t.Errorf("a copy within the instance took %d statements", n)
		}
		before = db.Store.QueryCount()
		res, err := w.app.RunSiteCopy(w.ctx, admin, app.SiteCopy{ScorecardID: sc.ID, To: []string{"BIGKID"}, Options: app.CopyOptions{Data: app.CopyDataAll, Notes: true}})
		if err != nil || !res[0].Done {
			t.Fatal(res, err)
		}
		n = db.Store.QueryCount() - before
		t.Logf("a copy to a child: %d statements", n)
		if n > 50 {
			t.Errorf("a copy to a child took %d statements", n)
		}
		if h := countIn(t, w, K.in.ID); h.values != 18000 || h.objects != 550 {
			t.Errorf("child holds %+v", h)
		}
	})
}
