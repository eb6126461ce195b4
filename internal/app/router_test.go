package app_test

import (
	"context"
	"testing"

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
// the scorecard page, a measure page, a data save, the users list and its
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

	steps := []struct {
		name string
		run  func() error
	}{
		{"scorecard page", func() error { _, err := a.ScorecardPage(ctx, actor, scs[0].ID); return err }},
		{"measure page", func() error { _, err := a.MeasurePage(ctx, actor, measure.ID, 0, 0); return err }},
		{"data save", func() error {
			_, err := a.SaveData(ctx, actor, measure.ID, []app.DataEntry{{PeriodKey: v.PeriodKey, Actual: "12345", OrigActual: "?", Version: v.Version}})
			return err
		}},
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
	}
	for _, s := range steps {
		if err := s.run(); err != nil {
			t.Errorf("%s: %v", s.name, err)
		}
	}
}
