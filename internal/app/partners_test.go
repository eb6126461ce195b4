package app_test

import (
	"context"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/mail"
	"yardstick/internal/model"
	"yardstick/internal/store"
	"yardstick/internal/testkit"
)

// Partner Connect at the app level (SPEC §3.3, §3.4, §12): instances
// ALPHA (A), BETA (B) and GAMMA (C) on one deployment.

// pw is a deployment under test: one app over one database.
type pw struct {
	t   *testing.T
	ctx context.Context
	db  *testkit.DB
	app *app.App
}

func newPW(t *testing.T, db *testkit.DB) *pw {
	return &pw{t: t, ctx: context.Background(), db: db, app: app.New(db.Store, app.Config{BaseURL: "http://yardstick.test"}, nil, nil)}
}

func (w *pw) q() *store.Q { return w.db.Store.Q() }

// site is an instance with its members by short name.
type site struct {
	w       *pw
	in      model.Instance
	members map[string]model.Account
	ms      map[string]model.Membership
	typeOf  map[string]int64
	freq    int64
}

func (w *pw) site(code, name string) *site {
	w.t.Helper()
	in := testkit.MustCreateInstance(w.t, w.db.Store, code, name)
	return &site{w: w, in: in, members: map[string]model.Account{}, ms: map[string]model.Membership{}}
}

// member adds a member with a preset ("" for none) under a short name.
func (s *site) member(name, preset string) *app.Actor {
	s.w.t.Helper()
	acct, m := testkit.MustCreateMember(s.w.t, s.w.db.Store, s.in, name+"@"+strings.ToLower(s.in.Code)+".example.org", preset)
	s.members[name], s.ms[name] = acct, m
	return s.as(name)
}

// as is a fresh actor for a member: visibility is computed per actor, so
// every step that follows a change takes a new one, as a new request does.
func (s *site) as(name string) *app.Actor {
	s.w.t.Helper()
	acct, ok := s.members[name]
	if !ok {
		s.w.t.Fatalf("no member %q in %s", name, s.in.Code)
	}
	a, err := s.w.app.ActorFor(s.w.ctx, app.Session{Account: acct}, s.in.Code, app.Client{Addr: "192.0.2.1"})
	if err != nil {
		s.w.t.Fatalf("actor %s in %s: %v", name, s.in.Code, err)
	}
	return a
}

func (s *site) loadTypes(actor *app.Actor) {
	if s.typeOf != nil {
		return
	}
	types, err := s.w.app.Types(s.w.ctx, actor, "")
	if err != nil {
		s.w.t.Fatal(err)
	}
	s.typeOf = map[string]int64{}
	for _, ty := range types {
		s.typeOf[ty.Name] = ty.ID
	}
	freqs, err := s.w.app.Frequencies(s.w.ctx, actor)
	if err != nil || len(freqs) == 0 {
		s.w.t.Fatalf("frequencies: %v", err)
	}
	s.freq = freqs[0].ID
}

func (s *site) scorecard(actor *app.Actor, title string) model.Scorecard {
	s.w.t.Helper()
	sc, err := s.w.app.CreateScorecard(s.w.ctx, actor, app.ScorecardInput{Title: title})
	if err != nil {
		s.w.t.Fatalf("scorecard %s: %v", title, err)
	}
	return sc
}

func (s *site) container(actor *app.Actor, title string, at app.Placement) model.Object {
	s.w.t.Helper()
	s.loadTypes(actor)
	o, err := s.w.app.CreateObject(s.w.ctx, actor, app.ObjectInput{Kind: model.KindContainer, TypeID: s.typeOf["Result"], Title: title}, at)
	if err != nil {
		s.w.t.Fatalf("container %s: %v", title, err)
	}
	return o
}

func (s *site) measure(actor *app.Actor, title string, at app.Placement) model.Object {
	s.w.t.Helper()
	s.loadTypes(actor)
	o, err := s.w.app.CreateObject(s.w.ctx, actor, app.ObjectInput{Kind: model.KindMeasure, TypeID: s.typeOf["Indicator"], Title: title,
		Decimals: "0", Polarity: "higher", FrequencyID: s.freq}, at)
	if err != nil {
		s.w.t.Fatalf("measure %s: %v", title, err)
	}
	return o
}

// assign sets a member's assigned scorecards through the Edit User save
// path, as manager.
func (s *site) assign(manager *app.Actor, name string, ids ...int64) error {
	s.w.t.Helper()
	ed, err := s.w.app.EditUser(s.w.ctx, manager, s.ms[name].ID)
	if err != nil {
		s.w.t.Fatalf("edit user %s: %v", name, err)
	}
	_, err = s.w.app.SaveUser(s.w.ctx, manager, s.ms[name].ID, app.UserInput{Version: ed.Membership.Version,
		Permissions: ed.Membership.Permissions, ScorecardIDs: ids,
		DigestWeekly: ed.Membership.DigestWeekly, DigestMonthly: ed.Membership.DigestMonthly, ActionEmails: ed.Membership.ActionEmails})
	return err
}

// setPerms changes a member's permissions through the Edit User save path.
func (s *site) setPerms(manager *app.Actor, name string, perms ...access.Permission) {
	s.w.t.Helper()
	ed, err := s.w.app.EditUser(s.w.ctx, manager, s.ms[name].ID)
	if err != nil {
		s.w.t.Fatal(err)
	}
	if _, err := s.w.app.SaveUser(s.w.ctx, manager, s.ms[name].ID, app.UserInput{Version: ed.Membership.Version,
		Permissions: access.MustSet(perms...).Keys(), ScorecardIDs: ed.ScorecardIDs,
		ActionEmails: true}); err != nil {
		s.w.t.Fatalf("set permissions of %s: %v", name, err)
	}
}

func (s *site) assigned(name string) []int64 {
	s.w.t.Helper()
	ids, err := s.w.q().MembershipScorecardIDs(s.w.ctx, s.ms[name].InstanceID, s.ms[name].ID)
	if err != nil {
		s.w.t.Fatal(err)
	}
	return ids
}

// page is the Partner Connect page of the site as its admin sees it.
func (s *site) page() app.PartnerView {
	s.w.t.Helper()
	v, err := s.w.app.PartnerPage(s.w.ctx, s.as("admin"))
	if err != nil {
		s.w.t.Fatalf("partner page of %s: %v", s.in.Code, err)
	}
	return v
}

// sharingWith returns the site's active channel on which it shares with p.
func (s *site) sharingWith(p *site) model.PartnerChannel {
	s.w.t.Helper()
	for _, c := range s.page().Sharing {
		if c.Partner.ID == p.in.ID {
			return c
		}
	}
	s.w.t.Fatalf("%s has no active channel sharing with %s", s.in.Code, p.in.Code)
	return model.PartnerChannel{}
}

// connect runs a request from s to p and its acceptance.
func (w *pw) connect(from, to *site) {
	w.t.Helper()
	req, err := w.app.RequestPartner(w.ctx, from.as("admin"), to.in.Code)
	if err != nil {
		w.t.Fatalf("request %s → %s: %v", from.in.Code, to.in.Code, err)
	}
	if err := w.app.AnswerPartnerRequest(w.ctx, to.as("admin"), req.ID, true); err != nil {
		w.t.Fatalf("accept %s → %s: %v", from.in.Code, to.in.Code, err)
	}
}

func (w *pw) share(owner, partner *site, choices ...app.ShareChoice) {
	w.t.Helper()
	c := owner.sharingWith(partner)
	if err := w.app.SaveShares(w.ctx, owner.as("admin"), c.ID, choices); err != nil {
		w.t.Fatalf("share %s → %s: %v", owner.in.Code, partner.in.Code, err)
	}
}

var kindNames = map[app.Kind]string{app.Internal: "Internal", app.NotFound: "NotFound", app.Forbidden: "Forbidden",
	app.Conflict: "Conflict", app.Invalid: "Invalid", app.Unauthenticated: "Unauthenticated", app.TooMany: "TooMany"}

func kindName(err error) string {
	if err == nil {
		return "nil (success)"
	}
	return kindNames[app.KindOf(err)] + " (" + err.Error() + ")"
}

func wantKind(t *testing.T, what string, err error, want app.Kind) {
	t.Helper()
	if err == nil || app.KindOf(err) != want {
		t.Errorf("%s: got %s, want %s", what, kindName(err), kindNames[want])
	}
}

func wantOK(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Errorf("%s: %v", what, err)
	}
}

// wantField asserts an Invalid error names a field.
func wantField(t *testing.T, what string, err error, field string) {
	t.Helper()
	wantKind(t, what, err, app.Invalid)
	if e, ok := app.AsError(err); ok && e.Fields[field] == "" {
		t.Errorf("%s: no message on field %q (fields %v)", what, field, e.Fields)
	}
}

// sees checks which of the given scorecards and objects an actor can
// open through the read paths: every id in ok opens, every other is
// NotFound.
func (w *pw) sees(t *testing.T, who string, actor func() *app.Actor, scorecards, objects map[string]int64, ok ...string) {
	t.Helper()
	want := map[string]bool{}
	for _, k := range ok {
		want[k] = true
	}
	for name, id := range scorecards {
		_, err := w.app.ViewScorecard(w.ctx, actor(), id)
		_, perr := w.app.ScorecardPage(w.ctx, actor(), id)
		if want[name] {
			wantOK(t, who+" ViewScorecard "+name, err)
			wantOK(t, who+" ScorecardPage "+name, perr)
		} else {
			wantKind(t, who+" ViewScorecard "+name, err, app.NotFound)
			wantKind(t, who+" ScorecardPage "+name, perr, app.NotFound)
		}
	}
	for name, id := range objects {
		o, err := w.app.ViewObject(w.ctx, actor(), id)
		if want[name] {
			wantOK(t, who+" ViewObject "+name, err)
			if err == nil && o.Kind == model.KindMeasure {
				_, err := w.app.MeasurePage(w.ctx, actor(), id, 0, 0)
				wantOK(t, who+" MeasurePage "+name, err)
			}
		} else {
			wantKind(t, who+" ViewObject "+name, err, app.NotFound)
			_, err := w.app.MeasurePage(w.ctx, actor(), id, 0, 0)
			wantKind(t, who+" MeasurePage "+name, err, app.NotFound)
		}
	}
}

func rowIDs(v app.ScorecardView) []int64 {
	var ids []int64
	for _, r := range v.Rows {
		ids = append(ids, r.Object.ID)
	}
	return ids
}

func scorecardIDs(list []model.Scorecard) []int64 {
	ids := []int64{}
	for _, s := range list {
		ids = append(ids, s.ID)
	}
	slices.Sort(ids)
	return ids
}

func ids(v ...int64) []int64 {
	out := append([]int64{}, v...)
	slices.Sort(out)
	return out
}

// log returns an instance's log entries of one activity, newest first.
func (w *pw) log(in model.Instance, activity string) []model.Activity {
	w.t.Helper()
	page, err := w.q().ListActivity(w.ctx, in.ID, store.ActivityFilter{From: testkit.Epoch.AddDate(-1, 0, 0),
		To: testkit.Epoch.AddDate(1, 0, 0), Activity: activity, Limit: 1000})
	if err != nil {
		w.t.Fatal(err)
	}
	return page.Entries
}

// TestPartnerLifecycle walks a connection from request to revocation and
// back, checking at each step who sees what (SPEC §3.3, §12).
func TestPartnerLifecycle(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		w := newPW(t, db)
		A, B, C := w.site("ALPHA", "Alpha Org"), w.site("BETA", "Beta Org"), w.site("GAMMA", "Gamma Org")
		adminA := A.member("admin", access.PresetAdministration)
		B.member("admin", access.PresetAdministration)
		B.member("admin2", access.PresetAdministration)
		B.member("former", access.PresetAdministration)    // deactivated below: not mailed
		B.member("builder", access.PresetScorecardBuilder) // objects.edit, no scorecards.all, no assignments
		B.member("clerk", access.PresetDataEntry)          // neither
		C.member("admin", access.PresetAdministration)

		S := A.scorecard(adminA, "Shared Scorecard")
		R := A.container(adminA, "Result R", app.Placement{ScorecardID: S.ID})
		M := A.measure(adminA, "Measure M", app.Placement{ParentID: R.ID})
		T := A.scorecard(adminA, "Private Scorecard")
		RT := A.container(adminA, "Result RT", app.Placement{ScorecardID: T.ID})
		MT := A.measure(adminA, "Measure MT", app.Placement{ParentID: RT.ID})
		U := A.measure(adminA, "Measure U", app.Placement{}) // on no scorecard
		SB := B.scorecard(B.as("admin"), "Beta Scorecard")
		RB := B.container(B.as("admin"), "Result RB", app.Placement{ScorecardID: SB.ID})

		aScorecards := map[string]int64{"S": S.ID, "T": T.ID}
		aObjects := map[string]int64{"R": R.ID, "M": M.ID, "RT": RT.ID, "MT": MT.ID, "U": U.ID}
		adminB := func() *app.Actor { return B.as("admin") }

		if err := w.app.SetActive(w.ctx, B.as("admin"), B.ms["former"].ID, false); err != nil {
			t.Fatal(err)
		}

		// Request: mailed to B's active instance admins only, pending on both pages.
		mailBefore, err := w.q().ListMail(w.ctx, "", 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		req, err := w.app.RequestPartner(w.ctx, A.as("admin"), "beta") // codes are case-insensitive
		if err != nil {
			t.Fatalf("request: %v", err)
		}
		if req.Status != model.RequestPending || req.To.ID != B.in.ID || req.From.ID != A.in.ID {
			t.Errorf("request = %+v, want pending ALPHA → BETA", req)
		}
		mailAfter, err := w.q().ListMail(w.ctx, "", 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		var to []string
		for _, m := range mailAfter[:len(mailAfter)-len(mailBefore)] {
			if m.Kind != mail.KindPartnerRequest {
				t.Errorf("unexpected mail %q to %s", m.Kind, m.To)
				continue
			}
			if m.InstanceID == nil || *m.InstanceID != B.in.ID {
				t.Errorf("request mail to %s not filed under BETA: %v", m.To, m.InstanceID)
			}
			to = append(to, m.To)
		}
		slices.Sort(to)
		want := []string{B.members["admin"].Email, B.members["admin2"].Email}
		slices.Sort(want)
		if !slices.Equal(to, want) {
			t.Errorf("request mailed to %v, want B's instance admins %v", to, want)
		}
		if pa, pb := A.page(), B.page(); len(pa.Outgoing) != 1 || len(pa.Incoming) != 0 || len(pb.Incoming) != 1 || len(pb.Outgoing) != 0 ||
			pb.Incoming[0].ID != req.ID || len(pa.Sharing)+len(pa.Receiving)+len(pb.Sharing)+len(pb.Receiving) != 0 {
			t.Errorf("pending request: A page %+v, B page %+v", pa, pb)
		}
		w.sees(t, "B admin before accept", adminB, aScorecards, aObjects)

		// Accept: two channels, nothing shared.
		if err := w.app.AnswerPartnerRequest(w.ctx, B.as("admin"), req.ID, true); err != nil {
			t.Fatalf("accept: %v", err)
		}
		pa, pb := A.page(), B.page()
		if len(pa.Incoming)+len(pa.Outgoing)+len(pb.Incoming)+len(pb.Outgoing) != 0 {
			t.Errorf("accepted request still pending: %+v %+v", pa, pb)
		}
		if len(pa.Sharing) != 1 || len(pa.Receiving) != 1 || len(pb.Sharing) != 1 || len(pb.Receiving) != 1 {
			t.Fatalf("after accept want one channel each way: A %+v, B %+v", pa, pb)
		}
		chAB := pa.Sharing[0]
		if chAB.Owner.ID != A.in.ID || chAB.Partner.ID != B.in.ID || pb.Receiving[0].ID != chAB.ID ||
			pa.Receiving[0].ID != pb.Sharing[0].ID || pa.Receiving[0].Owner.ID != B.in.ID {
			t.Errorf("channels: A %+v, B %+v", pa, pb)
		}
		if len(chAB.Shares) != 0 || len(pb.Sharing[0].Shares) != 0 {
			t.Errorf("something shared right after accept: %+v %+v", chAB.Shares, pb.Sharing[0].Shares)
		}
		w.sees(t, "B admin after accept, nothing shared", adminB, aScorecards, aObjects)

		// A shares S.
		ed, err := w.app.EditShares(w.ctx, A.as("admin"), chAB.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got := scorecardIDs(ed.Scorecards); !slices.Equal(got, ids(S.ID, T.ID)) || len(ed.Shared) != 0 {
			t.Errorf("share editor offers %v (shared %v), want S and T, none shared", got, ed.Shared)
		}
		w.share(A, B, app.ShareChoice{ScorecardID: S.ID})
		if sh := A.sharingWith(B).Shares; len(sh) != 1 || sh[0].ScorecardID != S.ID || sh[0].Contribute {
			t.Errorf("A's list shows shares %+v, want S view-only", sh)
		}
		if rc := B.page().Receiving; len(rc) != 1 || len(rc[0].Shares) != 1 || rc[0].Shares[0].ScorecardID != S.ID {
			t.Errorf("B's list of what it receives: %+v", rc)
		}

		// B with scorecards.all sees S and all under it, nothing else of A.
		w.sees(t, "B admin", adminB, aScorecards, aObjects, "S", "R", "M")
		if s, err := w.app.ViewScorecard(w.ctx, adminB(), S.ID); err == nil && s.InstanceID != A.in.ID {
			t.Errorf("shared scorecard comes with instance %d, want A's", s.InstanceID)
		}
		if v, err := w.app.ScorecardPage(w.ctx, adminB(), S.ID); err != nil {
			t.Errorf("B ScorecardPage(S): %v", err)
		} else if got := rowIDs(v); !slices.Equal(got, []int64{R.ID, M.ID}) {
			t.Errorf("B ScorecardPage(S) rows %v, want [R M] = %v", got, []int64{R.ID, M.ID})
		}
		if list, err := w.app.ListScorecardsAt(w.ctx, adminB(), []int64{A.in.ID}); err != nil || !slices.Equal(scorecardIDs(list), []int64{S.ID}) {
			t.Errorf("B ListScorecardsAt(A) = %v, %v; want [S]", scorecardIDs(list), err)
		}
		if list, err := w.app.ListScorecardsAt(w.ctx, adminB(), []int64{B.in.ID, A.in.ID}); err != nil || !slices.Equal(scorecardIDs(list), ids(S.ID, SB.ID)) {
			t.Errorf("B ListScorecardsAt(B, A) = %v, %v; want [SB S]", scorecardIDs(list), err)
		}
		if sites, err := w.app.Sites(w.ctx, adminB()); err != nil || len(sites) != 1 || sites[0].ID != A.in.ID {
			t.Errorf("B sites = %+v, %v; want A", sites, err)
		}
		// M also sits under T, and S moves under T: B still learns nothing of T.
		if err := w.app.Link(w.ctx, A.as("admin"), app.Placement{ParentID: RT.ID}, M.ID); err != nil {
			t.Fatal(err)
		}
		sNow, err := w.app.Scorecard(w.ctx, A.as("admin"), S.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.app.UpdateScorecard(w.ctx, A.as("admin"), S.ID, sNow.Version, app.ScorecardInput{Title: S.Title, ParentID: T.ID}); err != nil {
			t.Fatal(err)
		}
		if sc, err := w.app.ScorecardsOf(w.ctx, adminB(), M.ID); err != nil || !slices.Equal(scorecardIDs(sc), []int64{S.ID}) {
			t.Errorf("B ScorecardsOf(M) = %v, %v; want [S] (not T)", scorecardIDs(sc), err)
		}
		if sc, err := w.app.ScorecardsOf(w.ctx, A.as("admin"), M.ID); err != nil || !slices.Equal(scorecardIDs(sc), ids(S.ID, T.ID)) {
			t.Errorf("A ScorecardsOf(M) = %v, %v; want [S T]", scorecardIDs(sc), err)
		}
		if v, err := w.app.ScorecardPage(w.ctx, adminB(), S.ID); err != nil || v.Parent != nil {
			t.Errorf("B ScorecardPage(S) under unshared T: parent %+v, %v; want none shown", v.Parent, err)
		}
		w.sees(t, "B admin, M also under T", adminB, aScorecards, aObjects, "S", "R", "M")

		if ch, err := w.app.Children(w.ctx, adminB(), R.ID); err != nil || len(ch) != 1 || ch[0].ID != M.ID {
			t.Errorf("B Children(R) = %+v, %v; want [M]", ch, err)
		}
		if _, err := w.app.Children(w.ctx, adminB(), RT.ID); app.KindOf(err) != app.NotFound {
			t.Errorf("B Children(RT): got %s, want NotFound", kindName(err))
		}
		if _, err := w.app.Children(w.ctx, C.as("admin"), R.ID); app.KindOf(err) != app.NotFound {
			t.Errorf("C Children(R): got %s, want NotFound", kindName(err))
		}

		// Without scorecards.all and without assignments: no partner scorecard.
		for _, name := range []string{"builder", "clerk"} {
			who := func() *app.Actor { return B.as(name) }
			w.sees(t, "B "+name+" unassigned", who, aScorecards, aObjects)
			if list, err := w.app.ListScorecardsAt(w.ctx, who(), []int64{A.in.ID}); err != nil || len(list) != 0 {
				t.Errorf("B %s ListScorecardsAt(A) = %v, %v; want none", name, scorecardIDs(list), err)
			}
		}
		if _, err := w.app.ViewScorecard(w.ctx, B.as("builder"), SB.ID); err != nil {
			t.Errorf("B builder no longer sees its own scorecards: %v", err)
		}

		// Assigning S through Edit User makes it visible to exactly that member.
		ue, err := w.app.EditUser(w.ctx, adminB(), B.ms["clerk"].ID)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(scorecardIDs(ue.Scorecards), S.ID) || slices.Contains(scorecardIDs(ue.Scorecards), T.ID) {
			t.Errorf("Edit User offers %v, want S (shared) and not T", scorecardIDs(ue.Scorecards))
		}
		for _, name := range []string{"clerk", "builder"} {
			if err := B.assign(adminB(), name, S.ID); err != nil {
				t.Fatalf("assign S to %s: %v", name, err)
			}
			if got := B.assigned(name); !slices.Equal(got, []int64{S.ID}) {
				t.Errorf("%s assigned %v, want [S]", name, got)
			}
			who := func() *app.Actor { return B.as(name) }
			w.sees(t, "B "+name+" assigned S", who, aScorecards, aObjects, "S", "R", "M")
			if list, err := w.app.ListScorecardsAt(w.ctx, who(), []int64{A.in.ID}); err != nil || !slices.Equal(scorecardIDs(list), []int64{S.ID}) {
				t.Errorf("B %s ListScorecardsAt(A) = %v, %v; want [S]", name, scorecardIDs(list), err)
			}
		}
		// A choosing S's own members leaves B's assignments alone.
		sNow, err = w.app.Scorecard(w.ctx, A.as("admin"), S.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.app.UpdateScorecard(w.ctx, A.as("admin"), S.ID, sNow.Version, app.ScorecardInput{Title: S.Title, ParentID: T.ID, SetMembers: true}); err != nil {
			t.Fatal(err)
		}
		if got := B.assigned("clerk"); !slices.Equal(got, []int64{S.ID}) {
			t.Errorf("A setting S's members changed B's assignments: clerk has %v", got)
		}
		// Assigned only S, the builder no longer reaches B's other scorecards (SPEC §3.3).
		w.sees(t, "B builder assigned S, own content", func() *app.Actor { return B.as("builder") },
			map[string]int64{"SB": SB.ID}, map[string]int64{"RB": RB.ID})

		// Links made later are shared live; unlinking takes them out.
		N := A.measure(adminA, "Measure N", app.Placement{})
		nObj := map[string]int64{"N": N.ID}
		w.sees(t, "B admin, N unlinked", adminB, nil, nObj)
		if err := w.app.Link(w.ctx, A.as("admin"), app.Placement{ParentID: R.ID}, N.ID); err != nil {
			t.Fatalf("link N under R: %v", err)
		}
		w.sees(t, "B admin, N under R", adminB, nil, nObj, "N")
		w.sees(t, "B clerk, N under R", func() *app.Actor { return B.as("clerk") }, nil, nObj, "N")
		if v, err := w.app.ScorecardPage(w.ctx, adminB(), S.ID); err != nil || !slices.Equal(rowIDs(v), []int64{R.ID, M.ID, N.ID}) {
			t.Errorf("B ScorecardPage(S) rows %v, %v; want [R M N]", rowIDs(v), err)
		}
		if err := w.app.Unlink(w.ctx, A.as("admin"), app.Placement{ParentID: R.ID}, N.ID); err != nil {
			t.Fatalf("unlink N: %v", err)
		}
		w.sees(t, "B admin, N unlinked again", adminB, nil, nObj)
		w.sees(t, "B clerk, N unlinked again", func() *app.Actor { return B.as("clerk") }, nil, nObj)
		if v, err := w.app.ScorecardPage(w.ctx, adminB(), S.ID); err != nil || !slices.Equal(rowIDs(v), []int64{R.ID, M.ID}) {
			t.Errorf("B ScorecardPage(S) rows %v, %v; want [R M]", rowIDs(v), err)
		}

		// C is connected to nobody: nothing of A or B.
		w.sees(t, "C admin", func() *app.Actor { return C.as("admin") }, map[string]int64{"S": S.ID, "T": T.ID, "SB": SB.ID},
			map[string]int64{"R": R.ID, "M": M.ID, "U": U.ID, "RB": RB.ID})
		if list, err := w.app.ListScorecardsAt(w.ctx, C.as("admin"), []int64{A.in.ID, B.in.ID}); err != nil || len(list) != 0 {
			t.Errorf("C ListScorecardsAt(A, B) = %v, %v; want none", scorecardIDs(list), err)
		}
		if sites, err := w.app.Sites(w.ctx, C.as("admin")); err != nil || len(sites) != 0 {
			t.Errorf("C sites = %+v, %v; want none", sites, err)
		}

		// A revokes A→B: at once nothing is visible, assignments go.
		if err := w.app.RevokeChannel(w.ctx, A.as("admin"), chAB.ID); err != nil {
			t.Fatalf("revoke: %v", err)
		}
		w.sees(t, "B admin after revoke", adminB, aScorecards, aObjects)
		w.sees(t, "B clerk after revoke", func() *app.Actor { return B.as("clerk") }, aScorecards, aObjects)
		for _, name := range []string{"clerk", "builder"} {
			if got := B.assigned(name); len(got) != 0 {
				t.Errorf("%s keeps assignments %v of a revoked channel", name, got)
			}
		}
		if list, err := w.app.ListScorecardsAt(w.ctx, adminB(), []int64{A.in.ID}); err != nil || len(list) != 0 {
			t.Errorf("B ListScorecardsAt(A) after revoke = %v, %v", scorecardIDs(list), err)
		}
		if sites, err := w.app.Sites(w.ctx, adminB()); err != nil || len(sites) != 0 {
			t.Errorf("B sites after revoke = %+v, %v; want none", sites, err)
		}
		wantField(t, "assign S after revoke", B.assign(adminB(), "clerk", S.ID), "scorecards")
		if ue, err := w.app.EditUser(w.ctx, adminB(), B.ms["clerk"].ID); err != nil || slices.Contains(scorecardIDs(ue.Scorecards), S.ID) {
			t.Errorf("Edit User still offers S after revoke: %v, %v", scorecardIDs(ue.Scorecards), err)
		}
		if pa := A.page(); len(pa.Sharing) != 0 || len(pa.Receiving) != 1 {
			t.Errorf("after revoking A→B, A page %+v; want B→A only", pa)
		}
		wantKind(t, "revoke twice", w.app.RevokeChannel(w.ctx, A.as("admin"), chAB.ID), app.NotFound)
		wantKind(t, "share on a revoked channel", w.app.SaveShares(w.ctx, A.as("admin"), chAB.ID, []app.ShareChoice{{ScorecardID: S.ID}}), app.NotFound)
		if sh, err := w.q().Shares(w.ctx, A.in.ID, chAB.ID); err != nil || len(sh) != 0 {
			t.Errorf("revoked channel keeps shares %v, %v", sh, err)
		}

		// B asks again (one channel still stands) and A accepts: both channels
		// active, nothing shared until A shares again.
		req2, err := w.app.RequestPartner(w.ctx, B.as("admin"), "ALPHA")
		if err != nil {
			t.Fatalf("re-request: %v", err)
		}
		if err := w.app.AnswerPartnerRequest(w.ctx, A.as("admin"), req2.ID, true); err != nil {
			t.Fatalf("re-accept: %v", err)
		}
		pa, pb = A.page(), B.page()
		if len(pa.Sharing) != 1 || len(pa.Receiving) != 1 || len(pb.Sharing) != 1 || len(pb.Receiving) != 1 {
			t.Fatalf("after re-accept: A %+v, B %+v", pa, pb)
		}
		chAB2 := pa.Sharing[0]
		if chAB2.ID == chAB.ID || len(chAB2.Shares) != 0 {
			t.Errorf("re-opened channel %+v: want a new channel with no shares (old %d)", chAB2, chAB.ID)
		}
		w.sees(t, "B admin after re-accept", adminB, aScorecards, aObjects)
		w.share(A, B, app.ShareChoice{ScorecardID: S.ID})
		w.sees(t, "B admin after re-share", adminB, aScorecards, aObjects, "S", "R", "M")
		// The old assignments did not come back with the share.
		w.sees(t, "B clerk after re-share", func() *app.Actor { return B.as("clerk") }, aScorecards, aObjects)

		// Fully connected again: another request is refused.
		_, err = w.app.RequestPartner(w.ctx, A.as("admin"), "BETA")
		wantField(t, "request while connected", err, "code")

		// Unsharing (without revoking) hides S at once and clears its assignments.
		if err := B.assign(adminB(), "clerk", S.ID); err != nil {
			t.Fatal(err)
		}
		w.sees(t, "B clerk re-assigned", func() *app.Actor { return B.as("clerk") }, aScorecards, aObjects, "S", "R", "M")
		w.share(A, B)
		w.sees(t, "B admin after unshare", adminB, aScorecards, aObjects)
		w.sees(t, "B clerk after unshare", func() *app.Actor { return B.as("clerk") }, aScorecards, aObjects)
		if got := B.assigned("clerk"); len(got) != 0 {
			t.Errorf("clerk keeps assignment %v of an unshared scorecard", got)
		}
		if pa, pb := A.page(), B.page(); len(pa.Sharing) != 1 || len(pb.Receiving) != 1 || len(pa.Sharing[0].Shares) != 0 {
			t.Errorf("unshare changed the channels: A %+v, B %+v", pa, pb)
		}

		// Deleting a shared scorecard in A ends its share and assignments.
		w.share(A, B, app.ShareChoice{ScorecardID: S.ID})
		if err := B.assign(adminB(), "clerk", S.ID); err != nil {
			t.Fatal(err)
		}
		if err := w.app.DeleteScorecard(w.ctx, A.as("admin"), S.ID); err != nil {
			t.Fatalf("A deletes its shared scorecard: %v", err)
		}
		if sh, err := w.q().Shares(w.ctx, A.in.ID, A.sharingWith(B).ID); err != nil || len(sh) != 0 {
			t.Errorf("deleted scorecard still shared: %v, %v", sh, err)
		}
		if got := B.assigned("clerk"); len(got) != 0 {
			t.Errorf("clerk keeps assignment %v of a deleted scorecard", got)
		}
		w.sees(t, "B admin after S deleted", adminB, map[string]int64{"S": S.ID}, map[string]int64{"R": R.ID, "M": M.ID})
	})
}

// TestPartnerOneWay checks that sharing is directed: A shares with B, B
// shares nothing, so A sees nothing of B.
func TestPartnerOneWay(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		w := newPW(t, db)
		A, B := w.site("ALPHA", "Alpha Org"), w.site("BETA", "Beta Org")
		adminA, adminB := A.member("admin", access.PresetAdministration), B.member("admin", access.PresetAdministration)
		A.member("builder", access.PresetScorecardBuilder)
		S := A.scorecard(adminA, "Alpha Scorecard")
		A.container(adminA, "Alpha Result", app.Placement{ScorecardID: S.ID})
		SB := B.scorecard(adminB, "Beta Scorecard")
		RB := B.container(adminB, "Beta Result", app.Placement{ScorecardID: SB.ID})
		MB := B.measure(adminB, "Beta Measure", app.Placement{ParentID: RB.ID})
		UB := B.measure(adminB, "Beta Unlinked", app.Placement{})

		w.connect(A, B)
		w.share(A, B, app.ShareChoice{ScorecardID: S.ID, Contribute: true})
		w.sees(t, "B admin", func() *app.Actor { return B.as("admin") }, map[string]int64{"S": S.ID}, nil, "S")

		bScorecards := map[string]int64{"SB": SB.ID}
		bObjects := map[string]int64{"RB": RB.ID, "MB": MB.ID, "UB": UB.ID}
		for _, name := range []string{"admin", "builder"} {
			who := func() *app.Actor { return A.as(name) }
			w.sees(t, "A "+name, who, bScorecards, bObjects)
			if list, err := w.app.ListScorecardsAt(w.ctx, who(), []int64{B.in.ID}); err != nil || len(list) != 0 {
				t.Errorf("A %s ListScorecardsAt(B) = %v, %v; want none", name, scorecardIDs(list), err)
			}
		}
		// Writes to another instance's unshared content are 404, like a missing id.
		wantKind(t, "A updates B's measure", w.app.UpdateObject(w.ctx, A.as("admin"), MB.ID, MB.Version,
			app.ObjectInput{Title: "x", Decimals: "0", Polarity: "higher"}), app.NotFound)
		_, err := w.app.SaveData(w.ctx, A.as("admin"), MB.ID, []app.DataEntry{{PeriodKey: "2026-03-01", Actual: "1"}})
		wantKind(t, "A enters data on B's measure", err, app.NotFound)
		wantKind(t, "A deletes B's scorecard", w.app.DeleteScorecard(w.ctx, A.as("admin"), SB.ID), app.NotFound)
		// A's own scorecard list is untouched by B's content.
		if list, err := w.app.ListScorecards(w.ctx, A.as("admin")); err != nil || !slices.Equal(scorecardIDs(list), []int64{S.ID}) {
			t.Errorf("A ListScorecards = %v, %v; want [S]", scorecardIDs(list), err)
		}
		// An A member cannot assign B's scorecard either.
		wantField(t, "A assigns B's scorecard", A.assign(A.as("admin"), "builder", SB.ID), "scorecards")
	})
}

// aState is everything of A that a refused write by a partner must leave alone.
type aState struct {
	Scorecards []model.Scorecard
	Objects    []model.Object
	Data       []model.DataValue
	Shares     map[int64]model.PartnerShare
	Links      [][]int64
}

// TestPartnerRefusals checks every refusal of SPEC §3.4 and §12 for what it
// answers and that it changes nothing.
func TestPartnerRefusals(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		w := newPW(t, db)
		ctx := w.ctx
		A, B, C := w.site("ALPHA", "Alpha Org"), w.site("BETA", "Beta Org"), w.site("GAMMA", "Gamma Org")
		adminA := A.member("admin", access.PresetAdministration)
		B.member("admin", access.PresetAdministration)
		B.member("builder", access.PresetScorecardBuilder) // data.enter, objects.edit, graphs.edit, objects.delete
		B.member("clerk", access.PresetDataEntry)
		C.member("admin", access.PresetAdministration)
		C.member("user", access.PresetPresenter)

		S := A.scorecard(adminA, "Shared Scorecard")
		R := A.container(adminA, "Result R", app.Placement{ScorecardID: S.ID})
		M := A.measure(adminA, "Measure M", app.Placement{ParentID: R.ID})
		T := A.scorecard(adminA, "Private Scorecard")
		SB := B.scorecard(B.as("admin"), "Beta Scorecard")
		RB := B.container(B.as("admin"), "Beta Result", app.Placement{ScorecardID: SB.ID})
		MB := B.measure(B.as("admin"), "Beta Measure", app.Placement{ParentID: RB.ID})
		if _, err := w.app.SaveData(ctx, adminA, M.ID, []app.DataEntry{{PeriodKey: "2026-02-01", Actual: "10", Target: "12"}}); err != nil {
			t.Fatalf("A enters data: %v", err)
		}

		// Requests.
		_, err := w.app.RequestPartner(ctx, A.as("admin"), "alpha")
		wantField(t, "request own code", err, "code")
		_, err = w.app.RequestPartner(ctx, A.as("admin"), "NOSUCH")
		wantField(t, "request unknown code", err, "code")
		_, err = w.app.RequestPartner(ctx, A.as("admin"), "x!")
		wantField(t, "request malformed code", err, "code")
		_, err = w.app.RequestPartner(ctx, B.as("builder"), "ALPHA")
		wantKind(t, "request without instance.admin", err, app.Forbidden)
		if p := A.page(); len(p.Outgoing)+len(p.Incoming) != 0 {
			t.Fatalf("refused requests left pending ones: %+v", p)
		}
		req, err := w.app.RequestPartner(ctx, A.as("admin"), "BETA")
		if err != nil {
			t.Fatal(err)
		}
		_, err = w.app.RequestPartner(ctx, A.as("admin"), "BETA")
		wantField(t, "second request A → B while pending", err, "code")
		_, err = w.app.RequestPartner(ctx, B.as("admin"), "ALPHA")
		wantField(t, "request B → A while A → B pending", err, "code")
		wantKind(t, "C accepts A → B", w.app.AnswerPartnerRequest(ctx, C.as("admin"), req.ID, true), app.NotFound)
		wantKind(t, "C declines A → B", w.app.AnswerPartnerRequest(ctx, C.as("admin"), req.ID, false), app.NotFound)
		wantKind(t, "C cancels A → B", w.app.CancelPartnerRequest(ctx, C.as("admin"), req.ID), app.NotFound)
		wantKind(t, "A accepts its own request", w.app.AnswerPartnerRequest(ctx, A.as("admin"), req.ID, true), app.Forbidden)
		wantKind(t, "B cancels A's request", w.app.CancelPartnerRequest(ctx, B.as("admin"), req.ID), app.Forbidden)
		wantKind(t, "B member without instance.admin accepts", w.app.AnswerPartnerRequest(ctx, B.as("builder"), req.ID, true), app.Forbidden)
		pa, pb := A.page(), B.page()
		if len(pa.Outgoing) != 1 || len(pb.Incoming) != 1 || pa.Outgoing[0].ID != req.ID || pb.Incoming[0].Status != model.RequestPending ||
			len(pa.Sharing)+len(pa.Receiving)+len(pb.Sharing)+len(pb.Receiving) != 0 {
			t.Fatalf("refused answers changed the request: A %+v, B %+v", pa, pb)
		}
		if err := w.app.AnswerPartnerRequest(ctx, B.as("admin"), req.ID, true); err != nil {
			t.Fatal(err)
		}
		wantKind(t, "accept an answered request", w.app.AnswerPartnerRequest(ctx, B.as("admin"), req.ID, true), app.Conflict)
		wantKind(t, "cancel an answered request", w.app.CancelPartnerRequest(ctx, A.as("admin"), req.ID), app.Conflict)
		w.connect(B, C)
		w.share(A, B, app.ShareChoice{ScorecardID: S.ID})
		chAB, chBA, chBC := A.sharingWith(B), B.sharingWith(A), B.sharingWith(C)

		// B's writers that can see S: scorecards.all, and a builder assigned S.
		if err := B.assign(B.as("admin"), "builder", S.ID); err != nil {
			t.Fatal(err)
		}
		snapshot := func() aState {
			t.Helper()
			q := w.q()
			var st aState
			for _, id := range []int64{S.ID, T.ID} {
				s, err := q.ScorecardByID(ctx, A.in.ID, id, store.SeeAll)
				if err != nil {
					t.Fatal(err)
				}
				st.Scorecards = append(st.Scorecards, s)
			}
			for _, id := range []int64{R.ID, M.ID} {
				o, err := q.ObjectByID(ctx, A.in.ID, id, store.SeeAll)
				if err != nil {
					t.Fatal(err)
				}
				st.Objects = append(st.Objects, o)
			}
			if st.Data, err = q.DataValues(ctx, A.in.ID, M.ID); err != nil {
				t.Fatal(err)
			}
			if st.Shares, err = q.Shares(ctx, chAB.Owner.ID, chAB.ID); err != nil {
				t.Fatal(err)
			}
			tree, err := q.ScorecardTree(ctx, A.in.ID, S.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range tree.Links {
				st.Links = append(st.Links, []int64{l.ParentID, l.ChildID})
			}
			return st
		}
		before := snapshot()
		if len(before.Data) != 1 || len(before.Links) != 2 || len(before.Shares) != 1 {
			t.Fatalf("setup: %+v", before)
		}

		type write struct {
			name string
			do   func(actor *app.Actor) error
		}
		writes := []write{
			{"UpdateObject M", func(a *app.Actor) error {
				return w.app.UpdateObject(ctx, a, M.ID, M.Version, app.ObjectInput{Title: "Hacked", TypeID: M.TypeID,
					Decimals: "0", Polarity: "higher", FrequencyID: *M.FrequencyID})
			}},
			{"UpdateObject R", func(a *app.Actor) error {
				return w.app.UpdateObject(ctx, a, R.ID, R.Version, app.ObjectInput{Title: "Hacked", TypeID: R.TypeID})
			}},
			{"SaveData without contribute", func(a *app.Actor) error {
				_, err := w.app.SaveData(ctx, a, M.ID, []app.DataEntry{
					{PeriodKey: "2026-02-01", Actual: "99", OrigActual: "10", Target: "12", OrigTarget: "12", Version: before.Data[0].Version},
					{PeriodKey: "2026-03-01", Actual: "5"}})
				return err
			}},
			{"PasteColumn", func(a *app.Actor) error {
				_, err := w.app.PasteColumn(ctx, a, M.ID, "actual", "2026-01-01", "1\n2\n3")
				return err
			}},
			{"SetGraph", func(a *app.Actor) error {
				return w.app.SetGraph(ctx, a, M.ID, M.Version, app.GraphInput{Title: "Hacked", Type: "bar", Periods: "6", ShowTargets: true})
			}},
			{"SetBaseline", func(a *app.Actor) error { return w.app.SetBaseline(ctx, a, M.ID, M.Version, "2026-02-01") }},
			{"DeleteObject M", func(a *app.Actor) error { return w.app.DeleteObject(ctx, a, M.ID) }},
			{"Unlink M from R", func(a *app.Actor) error { return w.app.Unlink(ctx, a, app.Placement{ParentID: R.ID}, M.ID) }},
			{"Move R on S", func(a *app.Actor) error { return w.app.Move(ctx, a, app.Placement{ScorecardID: S.ID}, R.ID, 1) }},
			{"DeleteScorecard S", func(a *app.Actor) error { return w.app.DeleteScorecard(ctx, a, S.ID) }},
			{"UpdateScorecard S", func(a *app.Actor) error {
				return w.app.UpdateScorecard(ctx, a, S.ID, S.Version, app.ScorecardInput{Title: "Hacked"})
			}},
		}
		for _, name := range []string{"admin", "builder"} {
			for _, wr := range writes {
				wantKind(t, "B "+name+" "+wr.name+" on A's shared content", wr.do(B.as(name)), app.Forbidden)
			}
		}
		// Putting B's own content under A's shared scorecard or container is
		// a write to A's tree and must be refused with 403 (SPEC §3.4: a
		// visible read-only partner object), changing nothing.
		for _, link := range []struct {
			name  string
			at    app.Placement
			child int64
		}{{"Link B's measure under R", app.Placement{ParentID: R.ID}, MB.ID}, {"Link B's result on S", app.Placement{ScorecardID: S.ID}, RB.ID}} {
			err := w.app.Link(ctx, B.as("admin"), link.at, link.child)
			wantKind(t, "B admin "+link.name, err, app.Forbidden)
		}
		// Linking A's measure under B's container: A's object is read-only.
		wantKind(t, "B links A's measure under its own result", w.app.Link(ctx, B.as("admin"), app.Placement{ParentID: RB.ID}, M.ID), app.Forbidden)
		if after := snapshot(); !reflect.DeepEqual(before, after) {
			t.Errorf("refused partner writes changed A:\nbefore %+v\nafter  %+v", before, after)
		}
		if bt, err := w.q().ScorecardTree(ctx, B.in.ID, SB.ID); err != nil || len(bt.Links) != 2 {
			t.Errorf("B's own tree changed by refused links: %+v, %v", bt.Links, err)
		}

		// Re-sharing A's scorecard on B's own channels.
		for _, ch := range []struct {
			name string
			id   int64
		}{{"B → C", chBC.ID}, {"B → A", chBA.ID}} {
			err := w.app.SaveShares(ctx, B.as("admin"), ch.id, []app.ShareChoice{{ScorecardID: S.ID}})
			wantField(t, "B re-shares S on "+ch.name, err, "scorecards")
			err = w.app.SaveShares(ctx, B.as("admin"), ch.id, []app.ShareChoice{{ScorecardID: SB.ID}, {ScorecardID: S.ID, Contribute: true}})
			wantField(t, "B shares SB with S on "+ch.name, err, "scorecards")
			if sh, err := w.q().Shares(ctx, B.in.ID, ch.id); err != nil || len(sh) != 0 {
				t.Errorf("refused share on %s left share rows %v, %v", ch.name, sh, err)
			}
		}
		// A scorecard of A that is not B's to share, even by id.
		wantField(t, "B shares A's T", w.app.SaveShares(ctx, B.as("admin"), chBC.ID, []app.ShareChoice{{ScorecardID: T.ID}}), "scorecards")
		wantField(t, "A shares a missing scorecard", w.app.SaveShares(ctx, A.as("admin"), chAB.ID,
			[]app.ShareChoice{{ScorecardID: S.ID}, {ScorecardID: 999999}}), "scorecards")
		w.sees(t, "C admin after refused re-share", func() *app.Actor { return C.as("admin") }, map[string]int64{"S": S.ID, "T": T.ID},
			map[string]int64{"R": R.ID, "M": M.ID})
		if ed, err := w.app.EditShares(ctx, B.as("admin"), chBC.ID); err != nil {
			t.Errorf("B EditShares(B → C): %v", err)
		} else if got := scorecardIDs(ed.Scorecards); !slices.Equal(got, []int64{SB.ID}) {
			t.Errorf("B's share editor offers %v, want only its own SB", got)
		}

		// Channels of others, and the other side's channel.
		for _, ch := range []struct {
			name string
			id   int64
		}{{"A → B", chAB.ID}, {"B → A", chBA.ID}} {
			_, err := w.app.EditShares(ctx, C.as("admin"), ch.id)
			wantKind(t, "C EditShares "+ch.name, err, app.NotFound)
			wantKind(t, "C SaveShares "+ch.name, w.app.SaveShares(ctx, C.as("admin"), ch.id, nil), app.NotFound)
			wantKind(t, "C RevokeChannel "+ch.name, w.app.RevokeChannel(ctx, C.as("admin"), ch.id), app.NotFound)
		}
		_, err = w.app.EditShares(ctx, B.as("admin"), chAB.ID)
		wantKind(t, "B EditShares on A → B", err, app.Forbidden)
		wantKind(t, "B SaveShares on A → B", w.app.SaveShares(ctx, B.as("admin"), chAB.ID, nil), app.Forbidden)
		wantKind(t, "B SaveShares contribute on A → B", w.app.SaveShares(ctx, B.as("admin"), chAB.ID,
			[]app.ShareChoice{{ScorecardID: S.ID, Contribute: true}}), app.Forbidden)
		_, err = w.app.EditShares(ctx, A.as("admin"), chBA.ID)
		wantKind(t, "A EditShares on B → A", err, app.Forbidden)
		_, err = w.app.PartnerPage(ctx, B.as("builder"))
		wantKind(t, "PartnerPage without instance.admin", err, app.Forbidden)
		wantKind(t, "RevokeChannel without instance.admin", w.app.RevokeChannel(ctx, B.as("builder"), chAB.ID), app.Forbidden)
		_, err = w.app.EditShares(ctx, A.as("admin"), 999999)
		wantKind(t, "EditShares on a missing channel", err, app.NotFound)
		if after := snapshot(); !reflect.DeepEqual(before, after) {
			t.Errorf("refused channel calls changed A: before %+v after %+v", before, after)
		}
		if pa, pb := A.page(), B.page(); len(pa.Sharing) != 1 || len(pa.Receiving) != 1 || len(pb.Sharing) != 2 || len(pb.Receiving) != 2 {
			t.Errorf("refused calls changed the channels: A %+v, B %+v", pa, pb)
		}
		w.sees(t, "B admin after refusals", func() *app.Actor { return B.as("admin") }, map[string]int64{"S": S.ID}, map[string]int64{"M": M.ID}, "S", "M")

		// Assignments of scorecards not shared with the instance.
		cBefore := C.assigned("user")
		cVersion := C.ms["user"].Version
		wantField(t, "C admin assigns A's S", C.assign(C.as("admin"), "user", S.ID), "scorecards")
		ed, err := w.app.EditUser(ctx, C.as("admin"), C.ms["user"].ID)
		if err != nil {
			t.Fatal(err)
		}
		if got := C.assigned("user"); !slices.Equal(got, cBefore) || ed.Membership.Version != cVersion {
			t.Errorf("refused assignment changed C's member: assigned %v (was %v), version %d (was %d)", got, cBefore, ed.Membership.Version, cVersion)
		}
		w.sees(t, "C user after refused assignment", func() *app.Actor { return C.as("user") }, map[string]int64{"S": S.ID}, map[string]int64{"M": M.ID})
		wantField(t, "B admin assigns A's unshared T", B.assign(B.as("admin"), "clerk", T.ID), "scorecards")
		wantField(t, "B admin assigns S with unshared T", B.assign(B.as("admin"), "clerk", S.ID, T.ID), "scorecards")
		if got := B.assigned("clerk"); len(got) != 0 {
			t.Errorf("refused assignment gave B clerk %v", got)
		}
	})
}

// TestPartnerContribute checks a channel that grants data entry (SPEC §12
// [beyond]): the value lands in the owner's instance, both logs tell it.
func TestPartnerContribute(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		w := newPW(t, db)
		ctx := w.ctx
		A, B := w.site("ALPHA", "Alpha Org"), w.site("BETA", "Beta Org")
		adminA := A.member("admin", access.PresetAdministration)
		adminB := B.member("admin", access.PresetAdministration)
		B.member("viewer", "")                             // scorecards.all only, set below
		B.member("clerk", access.PresetDataEntry)          // data.enter, assigned S below
		B.member("builder", access.PresetScorecardBuilder) // data.enter, objects.edit, unassigned
		B.setPerms(adminB, "viewer", access.ScorecardsAll, access.CommentaryAdd)

		S := A.scorecard(adminA, "Grantee Scorecard")
		R := A.container(adminA, "Result R", app.Placement{ScorecardID: S.ID})
		M := A.measure(adminA, "Measure M", app.Placement{ParentID: R.ID})
		T := A.scorecard(adminA, "Private Scorecard")
		RT := A.container(adminA, "Result RT", app.Placement{ScorecardID: T.ID})
		MT := A.measure(adminA, "Measure MT", app.Placement{ParentID: RT.ID})
		w.connect(A, B)
		w.share(A, B, app.ShareChoice{ScorecardID: S.ID, Contribute: true})
		if err := B.assign(B.as("admin"), "clerk", S.ID); err != nil {
			t.Fatal(err)
		}

		mp, err := w.app.MeasurePage(ctx, A.as("admin"), M.ID, 0, 0)
		if err != nil || len(mp.Grid) == 0 {
			t.Fatalf("measure page: %v", err)
		}
		cur := mp.Grid[len(mp.Grid)-1].Key
		prev := mp.Grid[len(mp.Grid)-2].Key

		// contributes: the measure page offers a partner data entry.
		contributes := func(actor *app.Actor) bool {
			p, err := w.app.MeasurePage(ctx, actor, M.ID, 0, 0)
			return err == nil && p.Partner() && p.Can.EnterData
		}
		if !contributes(B.as("admin")) || !contributes(B.as("clerk")) {
			t.Errorf("contributes false for B members with data.enter on a contribute share")
		}
		if contributes(B.as("viewer")) || contributes(B.as("builder")) || contributes(A.as("admin")) {
			t.Errorf("contributes true without data.enter, without access, or for the owner")
		}

		n, err := w.app.SaveData(ctx, B.as("admin"), M.ID, []app.DataEntry{{PeriodKey: cur, Actual: "42", Target: "50", Comment: "from Beta"}})
		if err != nil || n != 1 {
			t.Fatalf("B admin SaveData on a contribute share: saved %d, %v", n, err)
		}
		vals, err := w.q().DataValues(ctx, A.in.ID, M.ID)
		if err != nil || len(vals) != 1 || vals[0].PeriodKey != cur || vals[0].Actual == nil || *vals[0].Actual != 42 ||
			vals[0].UpdatedBy == nil || *vals[0].UpdatedBy != B.members["admin"].ID {
			t.Fatalf("value in A = %+v, %v; want 42 by B's admin", vals, err)
		}
		if bv, err := w.q().DataValues(ctx, B.in.ID, M.ID); err != nil || len(bv) != 0 {
			t.Errorf("value stored under B too: %+v, %v", bv, err)
		}
		for _, viewer := range []*app.Actor{A.as("admin"), B.as("clerk")} {
			mp, err := w.app.MeasurePage(ctx, viewer, M.ID, 0, 0)
			if err != nil {
				t.Errorf("%s measure page: %v", viewer.Instance.Code, err)
				continue
			}
			got := mp.Grid[len(mp.Grid)-1].Value
			if got.Actual == nil || *got.Actual != 42 || got.Comment != "from Beta" {
				t.Errorf("%s measure page shows %+v for %s, want 42", viewer.Instance.Code, got, cur)
			}
		}
		checkEntry := func(in model.Instance, actorCode string) {
			t.Helper()
			entries := w.log(in, app.ActDataEntry)
			if len(entries) != 1 {
				t.Errorf("%s log has %d data entries, want 1", in.Code, len(entries))
				return
			}
			e := entries[0]
			if e.ActorInstance != actorCode || e.ObjectID == nil || *e.ObjectID != M.ID || e.AccountID == nil ||
				*e.AccountID != B.members["admin"].ID || e.ActorEmail != B.members["admin"].Email {
				t.Errorf("%s log entry %+v: want measure M by B's admin, actor instance %q", in.Code, e, actorCode)
			}
			found := false
			for _, c := range e.Changes {
				found = found || (c.Field == "actual" && c.After == "42")
			}
			if !found {
				t.Errorf("%s log entry does not tell the new actual: %+v", in.Code, e.Changes)
			}
		}
		checkEntry(A.in, "BETA")
		checkEntry(B.in, "")

		// The clerk, assigned S, contributes too, on the earlier period.
		if _, err := w.app.SaveData(ctx, B.as("clerk"), M.ID, []app.DataEntry{{PeriodKey: prev, Actual: "40"}}); err != nil {
			t.Errorf("B clerk SaveData: %v", err)
		}
		stored := func() []model.DataValue {
			v, err := w.q().DataValues(ctx, A.in.ID, M.ID)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		// Pasting a column is data entry too: targets for both periods.
		if n, err := w.app.PasteColumn(ctx, B.as("admin"), M.ID, "target", prev, "38\n48"); err != nil || n != 2 {
			t.Errorf("contributor pastes targets: saved %d, %v", n, err)
		}
		base := stored()
		if len(base) != 2 || base[0].PeriodKey != prev || base[0].Target == nil || *base[0].Target != 38 ||
			base[0].Actual == nil || *base[0].Actual != 40 || base[1].Target == nil || *base[1].Target != 48 {
			t.Fatalf("values after the clerk's entry and the paste: %+v", base)
		}
		if n := len(w.log(A.in, app.ActDataEntry)); n != 4 {
			t.Errorf("A log has %d data entries after 1 + 1 + 2 partner entries", n)
		}
		refuse := func(what string, actor *app.Actor, id int64, want app.Kind) {
			t.Helper()
			_, err := w.app.SaveData(ctx, actor, id, []app.DataEntry{{PeriodKey: cur, Actual: "7", OrigActual: "42",
				Target: "50", OrigTarget: "50", Comment: "from Beta", OrigComment: "from Beta", Version: base[1].Version}})
			wantKind(t, what, err, want)
			if got := stored(); !reflect.DeepEqual(got, base) {
				t.Errorf("%s changed the values: %+v", what, got)
			}
		}
		refuse("B member without data.enter", B.as("viewer"), M.ID, app.Forbidden)
		_, err = w.app.PasteColumn(ctx, B.as("viewer"), M.ID, "actual", cur, "1")
		wantKind(t, "B member without data.enter pastes", err, app.Forbidden)
		refuse("B builder without access to S", B.as("builder"), M.ID, app.NotFound)
		refuse("B admin on A's unshared measure", B.as("admin"), MT.ID, app.NotFound)
		// Contributing is data only: the measure's details stay read-only.
		wantKind(t, "contributor edits the measure", w.app.UpdateObject(ctx, B.as("admin"), M.ID, M.Version,
			app.ObjectInput{Title: "Hacked", TypeID: M.TypeID, Decimals: "0", Polarity: "higher", FrequencyID: *M.FrequencyID}), app.Forbidden)
		wantKind(t, "contributor sets the graph", w.app.SetGraph(ctx, B.as("admin"), M.ID, M.Version,
			app.GraphInput{Type: "bar", Periods: "6"}), app.Forbidden)

		// Back to view only: data entry stops at once.
		w.share(A, B, app.ShareChoice{ScorecardID: S.ID})
		refuse("B admin after contribute was withdrawn", B.as("admin"), M.ID, app.Forbidden)
		refuse("B clerk after contribute was withdrawn", B.as("clerk"), M.ID, app.Forbidden)
		if p, err := w.app.MeasurePage(ctx, B.as("admin"), M.ID, 0, 0); err != nil || p.Can.EnterData {
			t.Errorf("data entry still offered on a view-only share (err %v)", err)
		}
		_, err = w.app.PasteColumn(ctx, B.as("admin"), M.ID, "actual", cur, "1")
		wantKind(t, "B admin pastes after contribute was withdrawn", err, app.Forbidden)
		if got := stored(); !reflect.DeepEqual(got, base) {
			t.Errorf("refused paste changed the values: %+v", got)
		}
		w.sees(t, "B clerk on the view-only share", func() *app.Actor { return B.as("clerk") }, map[string]int64{"S": S.ID}, map[string]int64{"M": M.ID}, "S", "M")
		if n := len(w.log(A.in, app.ActDataEntry)); n != 4 {
			t.Errorf("A log has %d data entries, want 4 (refusals add none)", n)
		}
	})
}

// TestPartnerLogging checks that every Partner Connect event lands in
// both instances' logs, the other side's copy naming the acting instance.
func TestPartnerLogging(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		w := newPW(t, db)
		ctx := w.ctx
		A, B, C := w.site("ALPHA", "Alpha Org"), w.site("BETA", "Beta Org"), w.site("GAMMA", "Gamma Org")
		adminA := A.member("admin", access.PresetAdministration)
		B.member("admin", access.PresetAdministration)
		C.member("admin", access.PresetAdministration)
		S := A.scorecard(adminA, "Shared Scorecard")

		var reqID int64
		request := func(from, to *site) func() error {
			return func() error {
				r, err := w.app.RequestPartner(ctx, from.as("admin"), to.in.Code)
				reqID = r.ID
				return err
			}
		}
		steps := []struct {
			name     string
			do       func() error
			activity string
			actor    *site
			other    *site
			objectID int64 // 0: the other instance's id
		}{
			{"A requests B", request(A, B), app.ActPartnerRequest, A, B, 0},
			{"A cancels", func() error { return w.app.CancelPartnerRequest(ctx, A.as("admin"), reqID) }, app.ActPartnerCancel, A, B, 0},
			{"B requests A", request(B, A), app.ActPartnerRequest, B, A, 0},
			{"A declines", func() error { return w.app.AnswerPartnerRequest(ctx, A.as("admin"), reqID, false) }, app.ActPartnerDecline, A, B, 0},
			{"A requests B again", request(A, B), app.ActPartnerRequest, A, B, 0},
			{"B accepts", func() error { return w.app.AnswerPartnerRequest(ctx, B.as("admin"), reqID, true) }, app.ActPartnerAccept, B, A, 0},
			{"A shares S", func() error {
				return w.app.SaveShares(ctx, A.as("admin"), A.sharingWith(B).ID, []app.ShareChoice{{ScorecardID: S.ID}})
			}, app.ActPartnerShare, A, B, S.ID},
			{"A lets B contribute to S", func() error {
				return w.app.SaveShares(ctx, A.as("admin"), A.sharingWith(B).ID, []app.ShareChoice{{ScorecardID: S.ID, Contribute: true}})
			}, app.ActPartnerShare, A, B, S.ID},
			{"A unshares S", func() error { return w.app.SaveShares(ctx, A.as("admin"), A.sharingWith(B).ID, nil) }, app.ActPartnerUnshare, A, B, S.ID},
			{"A shares S again", func() error {
				return w.app.SaveShares(ctx, A.as("admin"), A.sharingWith(B).ID, []app.ShareChoice{{ScorecardID: S.ID}})
			}, app.ActPartnerShare, A, B, S.ID},
			{"B revokes A → B", func() error { return w.app.RevokeChannel(ctx, B.as("admin"), A.sharingWith(B).ID) }, app.ActPartnerRevoke, B, A, 0},
			{"A revokes B → A", func() error { return w.app.RevokeChannel(ctx, A.as("admin"), B.sharingWith(A).ID) }, app.ActPartnerRevoke, A, B, 0},
		}
		count := func(in model.Instance, activity string) int { return len(w.log(in, activity)) }
		for _, st := range steps {
			nA, nO := count(st.actor.in, st.activity), count(st.other.in, st.activity)
			if err := st.do(); err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			own, theirs := w.log(st.actor.in, st.activity), w.log(st.other.in, st.activity)
			if len(own) != nA+1 || len(theirs) != nO+1 {
				t.Errorf("%s: %s entries %d → %d in %s and %d → %d in %s; want one more in each", st.name, st.activity,
					nA, len(own), st.actor.in.Code, nO, len(theirs), st.other.in.Code)
				continue
			}
			wantObj := st.other.in.ID
			if st.objectID != 0 {
				wantObj = st.objectID
			}
			for _, c := range []struct {
				e    model.Activity
				in   model.Instance
				code string
			}{{own[0], st.actor.in, ""}, {theirs[0], st.other.in, st.actor.in.Code}} {
				e := c.e
				if e.InstanceID != c.in.ID || e.ActorInstance != c.code || e.ObjectID == nil || *e.ObjectID != wantObj ||
					e.AccountID == nil || *e.AccountID != st.actor.members["admin"].ID || e.ClientAddr != "192.0.2.1" {
					t.Errorf("%s: entry in %s = %+v; want actor %s's admin, actor instance %q, object %d",
						st.name, c.in.Code, e, st.actor.in.Code, c.code, wantObj)
				}
			}
			if st.activity == app.ActPartnerShare || st.activity == app.ActPartnerUnshare {
				var accessChange string
				for _, ch := range theirs[0].Changes {
					if ch.Field == "access" {
						accessChange = ch.Before + " → " + ch.After
					}
				}
				if accessChange == "" {
					t.Errorf("%s: share entry tells no access change: %+v", st.name, theirs[0].Changes)
				}
			}
		}
		// Saving the same shares again logs nothing.
		nShare := count(A.in, app.ActPartnerShare)
		w.connect(A, B)
		w.share(A, B, app.ShareChoice{ScorecardID: S.ID})
		w.share(A, B, app.ShareChoice{ScorecardID: S.ID})
		if n := count(A.in, app.ActPartnerShare); n != nShare+1 {
			t.Errorf("share saved twice unchanged: %d entries, want %d", n, nShare+1)
		}
		// A third instance's log hears nothing of it.
		for _, act := range []string{app.ActPartnerRequest, app.ActPartnerAccept, app.ActPartnerDecline, app.ActPartnerCancel,
			app.ActPartnerShare, app.ActPartnerUnshare, app.ActPartnerRevoke} {
			if n := count(C.in, act); n != 0 {
				t.Errorf("C's log has %d %s entries", n, act)
			}
		}
	})
}

// TestPartnerReferSignUp follows a referral: the link creates the new
// organization's instance with a request to the referrer waiting, once.
func TestPartnerReferSignUp(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		w := newPW(t, db)
		w.app = app.New(db.Store, app.Config{BaseURL: "http://yardstick.test", Signup: true}, nil, nil)
		ctx := w.ctx
		A := w.site("ALPHA", "Alpha Org")
		A.member("admin", access.PresetAdministration)
		A.member("builder", access.PresetScorecardBuilder)

		wantKind(t, "Refer without instance.admin", w.app.Refer(ctx, A.as("builder"), app.ReferInput{Organization: "Delta", Email: "boss@delta.example.org"}), app.Forbidden)
		wantField(t, "Refer with a bad email", w.app.Refer(ctx, A.as("admin"), app.ReferInput{Organization: "Delta", Email: "nope"}), "email")
		if err := w.app.Refer(ctx, A.as("admin"), app.ReferInput{Organization: "Delta", Email: "Boss@Delta.example.org"}); err != nil {
			t.Fatalf("refer: %v", err)
		}
		msgs, err := w.q().ListMail(ctx, "", 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		var token string
		for _, m := range msgs {
			if m.Kind == mail.KindPartnerReferral && m.To == "boss@delta.example.org" {
				i := strings.Index(m.Body, "/signup/")
				if i < 0 {
					t.Fatalf("referral mail has no sign-up link: %q", m.Body)
				}
				token = strings.Fields(m.Body[i+len("/signup/"):])[0]
			}
		}
		if token == "" {
			t.Fatalf("no referral mail among %d messages", len(msgs))
		}
		if n := len(w.log(A.in, app.ActPartnerRefer)); n != 1 {
			t.Errorf("A log has %d referral entries, want 1", n)
		}
		_, created, err := w.app.SignUp(ctx, token, app.NewInstance{Code: "delta", Name: "Delta Org", AdminEmail: "boss@delta.example.org",
			AdminName: "Dee Boss", AdminPassword: "violet harbour tractor 42"}, app.Client{})
		if err != nil {
			t.Fatalf("sign up: %v", err)
		}
		if created.Instance.Code != "DELTA" {
			t.Errorf("created instance %+v", created.Instance)
		}
		_, _, err = w.app.SignUp(ctx, token, app.NewInstance{Code: "EPSILON", Name: "Epsilon Org", AdminEmail: "e@epsilon.example.org",
			AdminName: "Eps", AdminPassword: "violet harbour tractor 43"}, app.Client{})
		if err == nil {
			t.Errorf("a used sign-up link worked twice")
		}
		pa := A.page()
		if len(pa.Incoming) != 1 || pa.Incoming[0].From.Code != "DELTA" || len(pa.Outgoing) != 0 {
			t.Fatalf("A page after sign-up: %+v; want a request from DELTA", pa)
		}
		var mailed []string
		msgs, _ = w.q().ListMail(ctx, "", 0, 100)
		for _, m := range msgs {
			if m.Kind == mail.KindPartnerRequest {
				mailed = append(mailed, m.To)
			}
		}
		if !slices.Equal(mailed, []string{A.members["admin"].Email}) {
			t.Errorf("sign-up request mailed to %v, want A's admin only", mailed)
		}
		if e := w.log(A.in, app.ActPartnerRequest); len(e) != 1 || e[0].ActorInstance != "DELTA" {
			t.Errorf("A log of the sign-up request: %+v", e)
		}
		if err := w.app.AnswerPartnerRequest(ctx, A.as("admin"), pa.Incoming[0].ID, true); err != nil {
			t.Fatalf("accept the referred organization: %v", err)
		}
		if pa := A.page(); len(pa.Sharing) != 1 || len(pa.Receiving) != 1 || pa.Sharing[0].Partner.Code != "DELTA" {
			t.Errorf("A page after accepting DELTA: %+v", pa)
		}
		closed := app.New(db.Store, app.Config{BaseURL: "http://yardstick.test"}, nil, nil)
		_, _, err = closed.SignupReferral(ctx, token)
		wantKind(t, "sign-up link with sign-up closed", err, app.NotFound)
	})
}

// TestPartnerAssignFromScorecard assigns a partner's scorecard from the
// scorecard's side (SPEC §3.3): a Manage Users holder of the receiving
// instance picks its members; the scorecard, the owner and the other
// instances are untouched, and every refusal changes nothing.
func TestPartnerAssignFromScorecard(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		w := newPW(t, db)
		ctx := w.ctx
		A, B, C := w.site("ALPHA", "Alpha Org"), w.site("BETA", "Beta Org"), w.site("GAMMA", "Gamma Org")
		adminA := A.member("admin", access.PresetAdministration)
		B.member("admin", access.PresetAdministration)
		B.member("pat", access.PresetPresenter)
		B.member("dan", access.PresetDataEntry)
		C.member("admin", access.PresetAdministration)
		C.member("cy", access.PresetPresenter)
		S := A.scorecard(adminA, "Shared")
		P := A.scorecard(adminA, "Private")
		w.connect(A, B)
		w.connect(A, C)
		w.share(A, B, app.ShareChoice{ScorecardID: S.ID})

		// A Presenter without assignments sees no partner scorecard.
		w.sees(t, "B pat before", func() *app.Actor { return B.as("pat") }, map[string]int64{"S": S.ID, "P": P.ID}, nil)

		pat, dan := B.ms["pat"].ID, B.ms["dan"].ID
		wantOK(t, "B admin assigns S to pat", w.app.AssignScorecard(ctx, B.as("admin"), S.ID, app.Assignment{Chosen: []int64{pat, pat}}))
		if got := B.assigned("pat"); !slices.Equal(got, []int64{S.ID}) {
			t.Errorf("pat's assignments = %v, want [S]", got)
		}
		w.sees(t, "B pat after", func() *app.Actor { return B.as("pat") }, map[string]int64{"S": S.ID, "P": P.ID}, nil, "S")
		if v, err := w.app.ScorecardPage(ctx, B.as("admin"), S.ID); err != nil || !v.Assignable {
			t.Errorf("B admin's page of S: assignable %v, %v; want true", v.Assignable, err)
		}
		if l, err := w.app.AssignmentList(ctx, B.as("admin"), S.ID); err != nil || !slices.Equal(l.Assigned, []int64{pat}) {
			t.Errorf("B admin's assignment list of S: assigned %v, %v; want [pat]", l.Assigned, err)
		}
		if v, err := w.app.ScorecardPage(ctx, B.as("pat"), S.ID); err != nil || v.Assignable {
			t.Errorf("pat's page of S offers the assignment list: %v, %v", v.Assignable, err)
		}
		if l, err := w.app.AssignmentList(ctx, B.as("pat"), S.ID); err != nil || l.Members != nil || l.Assigned != nil {
			t.Errorf("pat, without Manage Users, gets an assignment list: %+v, %v", l, err)
		}
		if v, err := w.app.ScorecardPage(ctx, A.as("admin"), S.ID); err != nil || v.Assignable {
			t.Errorf("the owner's page of S offers the partner assignment list: %v, %v", v.Assignable, err)
		}
		entries := w.log(B.in, app.ActMembership)
		if len(entries) != 1 || entries[0].ObjectName != "Shared" || len(entries[0].Changes) != 1 || entries[0].Changes[0].After != strconv.FormatInt(pat, 10) {
			t.Errorf("B's log of the assignment = %+v", entries)
		}
		if len(w.log(A.in, app.ActMembership)) != 0 {
			t.Error("the owner's log names the partner's members")
		}

		state := func() map[string][]int64 {
			return map[string][]int64{"pat": B.assigned("pat"), "dan": B.assigned("dan"), "cy": C.assigned("cy")}
		}
		before := state()
		refusals := []struct {
			what    string
			actor   *app.Actor
			id      int64
			members []int64
			want    app.Kind
		}{
			{"a member who sees S without Manage Users", B.as("pat"), S.ID, []int64{dan}, app.Forbidden},
			{"a member who does not see S", B.as("dan"), S.ID, []int64{dan}, app.NotFound},
			{"the owner's unshared scorecard", B.as("admin"), P.ID, []int64{pat}, app.NotFound},
			{"a scorecard shared with another instance", C.as("admin"), S.ID, []int64{C.ms["cy"].ID}, app.NotFound},
			{"a member of the owner", B.as("admin"), S.ID, []int64{pat, A.ms["admin"].ID}, app.Invalid},
			{"a member of a third instance", B.as("admin"), S.ID, []int64{C.ms["cy"].ID}, app.Invalid},
			{"a missing scorecard", B.as("admin"), 999999, []int64{pat}, app.NotFound},
		}
		for _, r := range refusals {
			wantKind(t, r.what, w.app.AssignScorecard(ctx, r.actor, r.id, app.Assignment{Offered: r.members, Chosen: r.members}), r.want)
			if after := state(); !reflect.DeepEqual(after, before) {
				t.Errorf("%s changed assignments: %v → %v", r.what, before, after)
			}
		}

		// Unsharing takes the assignment away with the share.
		w.share(A, B)
		if got := B.assigned("pat"); len(got) != 0 {
			t.Errorf("after unsharing, pat keeps %v", got)
		}
		wantKind(t, "assigning after unsharing", w.app.AssignScorecard(ctx, B.as("admin"), S.ID, app.Assignment{Chosen: []int64{pat}}), app.NotFound)
	})
}

// TestPartnerFavorites stars a measure a partner shares (SPEC §12: "Favourites
// may include partner measures"): it lists with the owner's latest value,
// colour (as its owner shows it) and name while shared, disappears when unshared, and a partner
// measure that is not shared cannot be starred.
func TestPartnerFavorites(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		w := newPW(t, db)
		ctx := w.ctx
		A, B := w.site("ALPHA", "Alpha Org"), w.site("BETA", "Beta Org")
		adminA := A.member("admin", access.PresetAdministration)
		adminB := B.member("admin", access.PresetAdministration)
		S := A.scorecard(adminA, "Shared")
		R := A.container(adminA, "Result", app.Placement{ScorecardID: S.ID})
		M := A.measure(adminA, "Shared Measure", app.Placement{ParentID: R.ID})
		U := A.measure(adminA, "Unshared Measure", app.Placement{})
		SB := B.scorecard(adminB, "Own")
		RB := B.container(adminB, "Own Result", app.Placement{ScorecardID: SB.ID})
		MB := B.measure(adminB, "Own Measure", app.Placement{ParentID: RB.ID})
		if _, err := w.app.SaveData(ctx, adminA, M.ID, []app.DataEntry{{PeriodKey: "2026-02-01", Actual: "10", Target: "12"}}); err != nil {
			t.Fatal(err)
		}
		w.connect(A, B)
		w.share(A, B, app.ShareChoice{ScorecardID: S.ID})

		wantKind(t, "starring an unshared partner measure", w.app.Star(ctx, B.as("admin"), U.ID, true), app.NotFound)
		wantOK(t, "starring the shared measure", w.app.Star(ctx, B.as("admin"), M.ID, true))
		wantOK(t, "starring an own measure", w.app.Star(ctx, B.as("admin"), MB.ID, true))
		if on, err := w.app.IsFavorite(ctx, B.as("admin"), M.ID); err != nil || !on {
			t.Errorf("IsFavorite(shared) = %v, %v", on, err)
		}

		favs, err := w.app.Favorites(ctx, B.as("admin"))
		if err != nil {
			t.Fatal(err)
		}
		owner, err := w.app.MeasurePage(ctx, A.as("admin"), M.ID, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(favs) != 2 || favs[0].Measure.ID != MB.ID || favs[1].Measure.ID != M.ID {
			t.Fatalf("B's favourites = %+v, want the own and the shared measure by title", favs)
		}
		if favs[0].Site != "" || favs[1].Site != "Alpha Org (ALPHA)" {
			t.Errorf("favourite sites = %q, %q; want none and Alpha Org (ALPHA)", favs[0].Site, favs[1].Site)
		}
		got := favs[1].Summary
		if got.Current == nil || *got.Current.Actual != 10 || got.Color != owner.Summary.Color || got.Color == "" {
			t.Errorf("the shared favourite reads %+v, want actual 10 coloured %q as its owner shows it", got, owner.Summary.Color)
		}
		if len(w.log(A.in, app.ActMembership)) != 0 {
			t.Error("starring wrote to the owner's log")
		}

		// Unshared, it drops out; shared again, it is back.
		w.share(A, B)
		favs, err = w.app.Favorites(ctx, B.as("admin"))
		if err != nil || len(favs) != 1 || favs[0].Measure.ID != MB.ID {
			t.Errorf("after unsharing, favourites = %+v, %v; want only the own measure", favs, err)
		}
		wantKind(t, "unstarring what is no longer shared", w.app.Star(ctx, B.as("admin"), M.ID, false), app.NotFound)
		w.share(A, B, app.ShareChoice{ScorecardID: S.ID})
		if favs, err = w.app.Favorites(ctx, B.as("admin")); err != nil || len(favs) != 2 {
			t.Errorf("shared again, favourites = %+v, %v; want both", favs, err)
		}
	})
}
