package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/demo"
	"yardstick/internal/model"
	"yardstick/internal/password"
	"yardstick/internal/store"
	"yardstick/internal/testkit"
)

// TestPagesRouteToOneShard runs the hot use cases on the Citus cluster
// through a store whose connections make every multi-task query (one that
// reaches more than one shard) an error (citus.multi_task_query_log_level):
// the scorecard page, a measure page, a data save (recomputing a
// calculated measure it feeds) and the calculated measure's page, the users list and its
// search, and the activity log and its export must each name one instance
// in every query (issue 27). Queries that span instances on purpose are
// listed in internal/store/placement.md; none of them is on these paths.
func TestPagesRouteToOneShard(t *testing.T) {
	if testkit.CitusURL(t) == "" {
		t.Skip("YARDSTICK_TEST_CITUS_URL not set (use `make test`)")
	}
	ctx := context.Background()
	db := testkit.NewCitus(t)
	plain := app.New(db.Store, app.Config{BaseURL: "http://yardstick.test"}, nil, nil)
	if _, err := demo.Load(ctx, plain); err != nil {
		t.Fatal(err)
	}
	q := db.Store.Q()
	in, err := q.InstanceByCode(ctx, demo.Code)
	if err != nil {
		t.Fatal(err)
	}
	admin, _ := testkit.MustCreateMember(t, db.Store, in, "router@example.org", access.PresetAdministration)
	assignee, _ := testkit.MustCreateMember(t, db.Store, in, "assignee@example.org", access.PresetPresenter)
	const token = "router-session-token"
	if err := q.CreateSession(ctx, model.Session{IDHash: password.HashSecret(token), AccountID: admin.ID}); err != nil {
		t.Fatal(err)
	}
	strict, err := store.Open(ctx, db.URL+"&citus.multi_task_query_log_level=error", db.Clock)
	if err != nil {
		t.Fatal(err)
	}
	defer strict.Close()
	a := app.New(strict, app.Config{BaseURL: "http://yardstick.test"}, nil, nil)
	// The session look-ups of every signed-in request, the instance's
	// pages' and the rest's, run on the strict store too.
	sess, err := a.AuthenticateIn(ctx, token, in.Code)
	if err != nil {
		t.Fatalf("session look-up for an instance page: %v", err)
	}
	if sess.Instances != 1 {
		t.Errorf("session: %d active memberships, want 1", sess.Instances)
	}
	actor, err := a.ActorFor(ctx, sess, in.Code, app.Client{Addr: "192.0.2.1"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Authenticate(ctx, token); err != nil {
		t.Errorf("session look-up: %v", err)
	}
	if _, err := a.ActorFor(ctx, app.Session{Account: admin}, in.Code, app.Client{Addr: "192.0.2.1"}); err != nil {
		t.Errorf("membership look-up by code: %v", err)
	}

	scs, err := q.ListScorecards(ctx, in.ID, store.SeeAll)
	if err != nil || len(scs) == 0 {
		t.Fatalf("demo scorecards: %v, %v", scs, err)
	}
	page, err := q.ListObjects(ctx, in.ID, store.ObjectFilter{Kind: model.KindMeasure, Limit: 1}, store.SeeAll)
	if err != nil || len(page.Objects) == 0 {
		t.Fatalf("demo measures: %v, %v", page, err)
	}
	measure := page.Objects[0]
	values, err := q.ValuesOf(ctx, in.ID, []int64{measure.ID})
	if err != nil || len(values[measure.ID]) == 0 {
		t.Fatalf("demo values: %v, %v", values, err)
	}
	v := values[measure.ID][0]

	// An API key of the instance (issue 16): its look-up, and the API's
	// use cases run as the key, name the instance too.
	nk, err := plain.CreateAPIKey(ctx, actor, app.APIKeyInput{Name: "router", Permissions: access.MustPreset(access.PresetScorecardBuilder).Keys()})
	if err != nil {
		t.Fatal(err)
	}
	var key *app.Actor
	// Embed codes (issue 17): the switch, making a code, and the public
	// page, whose token is looked up on the coordinator (embed_token_keys)
	// before its instance is known, then on the instance's shard.
	// An API create kept for its Idempotency-Key, then changed and deleted.
	var made model.Object
	var idemIn app.ObjectInput
	var idemAt app.Placement
	idemAnswer := func(o model.Object) (app.Answer, error) {
		made = o
		return app.Answer{Status: 201, Body: []byte("{}")}, nil
	}
	var embed app.NewEmbed
	var ref app.EmbedRef
	// A digest for the router member, for its unsubscribe link, and
	// another admin to assign it an action.
	otherAcct, _ := testkit.MustCreateMember(t, db.Store, in, "router2@example.org", access.PresetAdministration)
	other, err := plain.ActorFor(ctx, app.Session{Account: otherAcct}, in.Code, app.Client{Addr: "192.0.2.1"})
	if err != nil {
		t.Fatal(err)
	}
	if err := plain.Star(ctx, actor, measure.ID, true); err != nil {
		t.Fatal(err)
	}
	if err := plain.SavePreferences(ctx, actor, app.Preferences{DigestWeekly: true, ActionEmails: true}); err != nil {
		t.Fatal(err)
	}
	db.Clock.Set(time.Date(2026, 3, 9, 7, 0, 0, 0, time.UTC))
	if _, err := plain.RunDigests(ctx, app.DigestWeekly); err != nil {
		t.Fatal(err)
	}
	var unsubscribe string
	mails, err := q.ListMail(ctx, "", 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range mails {
		if u := testkit.FindLink(m.Body, "http://yardstick.test/unsubscribe/"); u != "" {
			unsubscribe = strings.TrimPrefix(u, "http://yardstick.test/unsubscribe/")
		}
	}
	if unsubscribe == "" {
		t.Fatal("no digest with an unsubscribe link was written")
	}
	// A calculated measure fed by the saved measure (issue 22): the
	// saves below recompute it in their transaction, on the shard.
	box, err := q.ListObjects(ctx, in.ID, store.ObjectFilter{Kind: model.KindContainer, Limit: 1}, store.SeeAll)
	if err != nil || len(box.Objects) == 0 {
		t.Fatalf("demo containers: %v, %v", box, err)
	}
	calcM, err := plain.CreateObject(ctx, actor, app.ObjectInput{Kind: model.KindMeasure, TypeID: measure.TypeID, Title: "Routed calculation",
		Decimals: "2", Polarity: "higher", FrequencyID: *measure.FrequencyID}, app.Placement{ParentID: box.Objects[0].ID})
	if err != nil {
		t.Fatal(err)
	}
	if err := plain.SetCalculation(ctx, actor, calcM.ID, app.CalculationInput{Method: "sum", Inputs: []int64{measure.ID}}); err != nil {
		t.Fatal(err)
	}
	// Accountability scores on and shared (issue 28): the scorecard page
	// computes and keeps them, the data save moves them on, the list and
	// the scores page read or compute them again, the dashboard's medians.
	s0, err := plain.Scorecard(ctx, actor, scs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	var parent int64
	if s0.ParentID != nil {
		parent = *s0.ParentID
	}
	if err := plain.UpdateScorecard(ctx, actor, s0.ID, s0.Version, app.ScorecardInput{Title: s0.Title, Description: s0.Description,
		ParentID: parent, ExtID: s0.ExtID, SetScores: true, ScoresOn: true, ScoresShared: true}); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name string
		run  func() error
	}{
		{"scorecard page", func() error { _, err := a.ScorecardPage(ctx, actor, scs[0].ID); return err }},
		{"scorecard page, scores kept", func() error {
			v, err := a.ScorecardPage(ctx, actor, scs[0].ID)
			if err == nil && v.Scores == nil {
				t.Error("the scorecard page shows no scores")
			}
			return err
		}},
		{"calculated measure page", func() error { _, err := a.MeasurePage(ctx, actor, calcM.ID, 0, 0); return err }},
		{"measure page", func() error { _, err := a.MeasurePage(ctx, actor, measure.ID, 0, 0); return err }},
		{"data save", func() error {
			_, err := a.SaveData(ctx, actor, measure.ID, []app.DataEntry{{PeriodKey: v.PeriodKey, Actual: "12345", OrigActual: "?", Version: v.Version}})
			return err
		}},
		{"scorecard list with scores, after a data save", func() error { _, err := a.ScorecardList(ctx, actor, nil); return err }},
		{"scores page", func() error { _, err := a.ScorecardScores(ctx, actor, scs[0].ID); return err }},
		{"instance dashboard", func() error { _, err := a.InstanceDashboard(ctx, actor); return err }},
		{"users list", func() error { _, err := a.ListUsers(ctx, actor, app.MemberQuery{}); return err }},
		{"users list by activity", func() error {
			_, err := a.ListUsers(ctx, actor, app.MemberQuery{Sort: "activity", Desc: true})
			return err
		}},
		{"users search", func() error { _, err := a.ListUsers(ctx, actor, app.MemberQuery{Search: "router"}); return err }},
		{"activity log", func() error { _, err := a.ActivityLog(ctx, actor, app.ActivityQuery{}); return err }},
		{"activity export", func() error {
			_, err := a.ExportActivity(ctx, actor, app.ActivityQuery{}, "csv", func(model.Activity) error { return nil })
			return err
		}},
		{"API key authentication", func() error { key, err = a.AuthenticateKey(ctx, nk.Secret, in.Code, app.Client{}); return err }},
		{"API measures list", func() error {
			_, err := a.ListObjects(ctx, key, app.ObjectQuery{Kind: model.KindMeasure, Limit: 50})
			return err
		}},
		{"API values", func() error { _, err := a.MeasureValues(ctx, key, measure.ID, "", ""); return err }},
		{"API values upsert", func() error {
			now, err := plain.MeasureValues(ctx, actor, measure.ID, v.PeriodKey, v.PeriodKey) // after the data save
			if err != nil || len(now) != 1 {
				return fmt.Errorf("values before the upsert: %v %v", now, err)
			}
			_, err = a.UpsertValues(ctx, key, []app.ValueRow{{MeasureID: measure.ID, PeriodKey: v.PeriodKey, Actual: now[0].Actual,
				Target: now[0].Target, Comment: "router", Version: now[0].Version}})
			return err
		}},
		{"API lists by place", func() error {
			cs, err := a.ListObjects(ctx, key, app.ObjectQuery{Kind: model.KindContainer, ScorecardID: scs[0].ID})
			if err != nil || len(cs.Objects) == 0 {
				return fmt.Errorf("containers of the scorecard: %v %v", cs, err)
			}
			_, err = a.ListObjects(ctx, key, app.ObjectQuery{Kind: model.KindMeasure, ParentID: cs.Objects[0].ID, ScorecardID: scs[0].ID})
			return err
		}},
		{"API create with an Idempotency-Key", func() error {
			cs, err := plain.ListObjects(ctx, actor, app.ObjectQuery{Kind: model.KindContainer, ScorecardID: scs[0].ID})
			if err != nil || len(cs.Objects) == 0 {
				return fmt.Errorf("containers of the scorecard: %v %v", cs, err)
			}
			idemIn = app.ObjectInput{Kind: model.KindContainer, TypeID: cs.Objects[0].TypeID, Title: "Router"}
			idemAt = app.Placement{ParentID: cs.Objects[0].ID}
			_, err = a.CreateObjectOnce(ctx, key, idemIn, idemAt, app.Once{Key: "router", RequestHash: "h"}, idemAnswer)
			return err
		}},
		{"API create retried", func() error {
			_, err := a.CreateObjectOnce(ctx, key, idemIn, idemAt, app.Once{Key: "router", RequestHash: "h"}, idemAnswer)
			return err
		}},
		{"API update at a version", func() error {
			idemIn.Title, idemIn.ExtID = "Router 2", "router-ext"
			return a.UpdateObject(ctx, key, made.ID, made.Version, idemIn)
		}},
		{"API ext:ID resolved", func() error {
			id, err := a.ResolveID(ctx, key, app.ExtObject, "ext:router-ext")
			if err == nil && id != made.ID {
				return fmt.Errorf("ext:router-ext is %d, want %d", id, made.ID)
			}
			return err
		}},
		{"API delete at a version", func() error { return a.DeleteObjectAt(ctx, key, made.ID, made.Version+1) }},
		{"API keys page", func() error { _, err := a.APIKeys(ctx, actor); return err }},
		{"API cross-reference", func() error {
			if _, err := a.XrefIDs(ctx, actor); err != nil {
				return err
			}
			page, err := a.Xref(ctx, actor, app.XrefQuery{Limit: 2})
			if err != nil || page.Next == "" {
				return fmt.Errorf("first page: %v %v", page, err)
			}
			_, err = a.Xref(ctx, actor, app.XrefQuery{After: page.Next, Text: "a"})
			return err
		}},
		{"API cross-reference export", func() error { return a.ExportXref(ctx, actor, "", func(app.XrefRow) error { return nil }) }},
		{"Enable Embed", func() error {
			sc, err := a.Scorecard(ctx, actor, scs[0].ID)
			if err != nil {
				return err
			}
			return a.SetScorecardEmbed(ctx, actor, sc.ID, sc.Version, true, "https://www.city.example")
		}},
		{"embed code made", func() error {
			embed, err = a.CreateEmbed(ctx, actor, app.OnObject, measure.ID, app.EmbedInput{EmbedOptions: app.EmbedOptions{ShowTargets: true}})
			return err
		}},
		{"embed panel", func() error { _, err := a.EmbedPanel(ctx, actor, app.OnObject, measure.ID); return err }},
		{"embed token resolved", func() error { ref, err = a.ResolveEmbed(ctx, embed.Token); return err }},
		{"embed page", func() error { _, err := a.EmbedPage(ctx, ref); return err }},
		{"embed views written", func() error { return a.FlushEmbedViews(ctx) }},
		{"embed codes list", func() error { _, err := a.EmbedCodes(ctx, actor, scs[0].ID, 0); return err }},
		{"embed code regenerated", func() error { _, err := a.RegenerateEmbed(ctx, actor, embed.Code.ID); return err }},
		{"embed code revoked", func() error { _, err := a.RevokeEmbed(ctx, actor, embed.Code.ID); return err }},
		{"API key revoke", func() error { return a.RevokeAPIKey(ctx, actor, nk.Key.ID) }},
		// Notifications (issue 15): an action email's job, and a digest's
		// unsubscribe link (the digest run itself reads every instance).
		{"action email", func() error {
			x, err := plain.CreateAction(ctx, other, app.ActionInput{Title: "Routed", Status: "On Track", Assignee: "router@example.org"}, "", 0)
			if err != nil {
				return err
			}
			return a.SendActionEmail(ctx, app.ActionEmailArgs{InstanceID: in.ID, ActionID: x.ID, Event: "assigned",
				MembershipID: actor.Membership.ID, ByID: other.Membership.ID})
		}},
		{"unsubscribe page", func() error { _, err := a.UnsubscribeInfo(ctx, unsubscribe); return err }},
		{"unsubscribe", func() error { _, err := a.Unsubscribe(ctx, unsubscribe, app.Client{Addr: "192.0.2.1"}); return err }},
		// Notifications (issue 15): an assignment writes one for the
		// assignee; the page and marking read name the member's instance.
		{"action assigned to another member", func() error {
			_, err := a.CreateAction(ctx, actor, app.ActionInput{Title: "Router", Assignee: assignee.Email}, "", 0)
			return err
		}},
		{"notifications page", func() error { _, err := a.Notifications(ctx, actor); return err }},
		{"notifications marked read", func() error { return a.MarkNotificationsRead(ctx, actor, 1<<62) }},
	}
	for _, s := range steps {
		if err := s.run(); err != nil {
			t.Errorf("%s: %v", s.name, err)
		}
	}
	partnerPagesRouteToOneShard(t, plain, a, actor, scs, measure)
}

// partnerPagesRouteToOneShard is TestPagesRouteToOneShard for Partner
// Connect: a partner instance (PARTNER) receives the demo's scorecards
// for data entry; its members open them, save data on a shared measure
// and use their favourites, assignments and the Partner Connect page, on
// the strict store (a). The reads name the owner's instance, known from
// the channels; a partner's save writes the owner's data and both
// instances' activity logs, each statement naming one instance (a
// two-shard transaction, which the log level does not count: it counts
// statements that reach several shards).
func partnerPagesRouteToOneShard(t *testing.T, plain, a *app.App, owner *app.Actor, scs []model.Scorecard, measure model.Object) {
	ctx := context.Background()
	q := plain.Store().Q()
	partner := testkit.MustCreateInstance(t, plain.Store(), "PARTNER", "Partner")
	padmin, _ := testkit.MustCreateMember(t, plain.Store(), partner, "padmin@example.org", access.PresetAdministration)
	pclerk, pclerkM := testkit.MustCreateMember(t, plain.Store(), partner, "pclerk@example.org", access.PresetDataEntry)
	pactor := func(a *app.App, acct model.Account) *app.Actor {
		t.Helper()
		act, err := a.ActorFor(ctx, app.Session{Account: acct}, partner.Code, app.Client{Addr: "192.0.2.2"})
		if err != nil {
			t.Fatal(err)
		}
		return act
	}
	req, err := plain.RequestPartner(ctx, owner, partner.Code)
	if err != nil {
		t.Fatal(err)
	}
	if err := plain.AnswerPartnerRequest(ctx, pactor(plain, padmin), req.ID, true); err != nil {
		t.Fatal(err)
	}
	view, err := plain.PartnerPage(ctx, owner)
	if err != nil || len(view.Sharing) != 1 {
		t.Fatalf("owner's channels: %+v, %v", view.Sharing, err)
	}
	var choices []app.ShareChoice
	for _, sc := range scs {
		choices = append(choices, app.ShareChoice{ScorecardID: sc.ID, Contribute: true})
	}
	if err := plain.SaveShares(ctx, owner, view.Sharing[0].ID, choices); err != nil {
		t.Fatal(err)
	}
	// The clerk (no scorecards.all) sees what is assigned to it.
	if err := plain.AssignScorecard(ctx, pactor(plain, padmin), scs[0].ID, app.Assignment{Chosen: []int64{pclerkM.ID}}); err != nil {
		t.Fatal(err)
	}
	if _, err := plain.ScorecardPage(ctx, pactor(plain, pclerk), scs[0].ID); err != nil {
		t.Fatalf("assigned partner member's shared scorecard page: %v", err)
	}

	admin, clerk := pactor(a, padmin), pactor(a, pclerk)
	if mv, err := plain.MeasurePage(ctx, pactor(plain, padmin), measure.ID, 0, 0); err != nil || !mv.Can.EnterData {
		t.Fatalf("partner's measure page: can enter data %v, %v", mv.Can.EnterData, err)
	}
	save := func(actor *app.App, who *app.Actor) func() error {
		return func() error {
			values, err := q.ValuesOf(ctx, measure.InstanceID, []int64{measure.ID})
			if err != nil {
				return err
			}
			v := values[measure.ID][0]
			n, err := actor.SaveData(ctx, who, measure.ID, []app.DataEntry{{PeriodKey: v.PeriodKey, Actual: "777", OrigActual: "?", Version: v.Version}})
			if err == nil && n != 1 {
				t.Errorf("partner's save saved %d values, want 1", n)
			}
			return err
		}
	}
	steps := []struct {
		name string
		run  func() error
	}{
		{"partner: session in its instance", func() error {
			_, err := a.ActorFor(ctx, app.Session{Account: padmin}, partner.Code, app.Client{})
			return err
		}},
		{"partner: scorecard list with the owner's site", func() error {
			v, err := a.ScorecardList(ctx, admin, []int64{owner.Instance.ID})
			if err == nil && len(v.Nodes) == 0 {
				t.Error("partner's scorecard list of the owner's site is empty")
			}
			return err
		}},
		{"partner: shared scorecard page", func() error { _, err := a.ScorecardPage(ctx, admin, scs[0].ID); return err }},
		{"partner: shared scorecard page, assigned", func() error { _, err := a.ScorecardPage(ctx, clerk, scs[0].ID); return err }},
		{"partner: shared measure page", func() error { _, err := a.MeasurePage(ctx, admin, measure.ID, 0, 0); return err }},
		{"partner: data save on a shared measure", save(a, admin)},
		{"partner: star a shared measure", func() error { return a.Star(ctx, admin, measure.ID, true) }},
		{"partner: favourites", func() error {
			favs, err := a.Favorites(ctx, admin)
			if err == nil && len(favs) != 1 {
				t.Errorf("partner's favourites: %d, want the shared measure", len(favs))
			}
			return err
		}},
		{"partner: assign a shared scorecard", func() error {
			return a.AssignScorecard(ctx, admin, scs[0].ID, app.Assignment{Chosen: []int64{pclerkM.ID}})
		}},
		// Not Edit User: whether the member belongs to other instances too
		// (its account lock) spans instances (placement.md).
		{"partner: a member's assignments", func() error {
			_, err := a.Store().Q().MembershipScorecardIDs(ctx, partner.ID, pclerkM.ID)
			return err
		}},
		{"partner: Partner Connect page", func() error { _, err := a.PartnerPage(ctx, admin); return err }},
		{"owner: Partner Connect page", func() error { _, err := a.PartnerPage(ctx, owner); return err }},
	}
	for _, s := range steps {
		if err := s.run(); err != nil {
			t.Errorf("%s: %v", s.name, err)
		}
	}
}
