package app_test

import (
	"context"
	"fmt"
	"testing"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/demo"
	"yardstick/internal/model"
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
	// The session's look-ups are not under test (placement.md lists the
	// membership count as spanning instances): the actor comes from the
	// plain store.
	actor, err := plain.ActorFor(ctx, app.Session{Account: admin}, in.Code, app.Client{Addr: "192.0.2.1"})
	if err != nil {
		t.Fatal(err)
	}
	strict, err := store.Open(ctx, db.URL+"&citus.multi_task_query_log_level=error", db.Clock)
	if err != nil {
		t.Fatal(err)
	}
	defer strict.Close()
	a := app.New(strict, app.Config{BaseURL: "http://yardstick.test"}, nil, nil)

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
		{"API keys page", func() error { _, err := a.APIKeys(ctx, actor); return err }},
		{"API key revoke", func() error { return a.RevokeAPIKey(ctx, actor, nk.Key.ID) }},
	}
	for _, s := range steps {
		if err := s.run(); err != nil {
			t.Errorf("%s: %v", s.name, err)
		}
	}
}
