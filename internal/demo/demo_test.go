package demo_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"yardstick/internal/app"
	"yardstick/internal/demo"
	"yardstick/internal/model"
	"yardstick/internal/testkit"
)

func newApp(db *testkit.DB) *app.App {
	return app.New(db.Store, app.Config{BaseURL: "http://x"}, nil, nil)
}

// load loads the demo and signs in as its administrator with the
// temporary password, which is how a person first meets it.
func load(t *testing.T, a *app.App) (demo.Result, *app.Actor) {
	t.Helper()
	ctx := context.Background()
	start := time.Now()
	res, err := demo.Load(ctx, a)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	t.Logf("Load took %v", time.Since(start))
	if res.TempPassword == "" || res.ExistingAccount {
		t.Fatalf("TempPassword %q, ExistingAccount %v: want a new account with a temporary password", res.TempPassword, res.ExistingAccount)
	}
	_, acct, err := a.SignIn(ctx, res.AdminEmail, res.TempPassword, "", app.Client{})
	if err != nil {
		t.Fatalf("sign in with the temporary password: %v", err)
	}
	actor, err := a.ActorFor(ctx, app.Session{Account: acct}, res.Code, app.Client{})
	if err != nil {
		t.Fatalf("ActorFor: %v", err)
	}
	return res, actor
}

func TestLoad(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		ctx := context.Background()
		a := newApp(db)
		res, actor := load(t, a)

		got := fmt.Sprintf("%s %s %d scorecards, %d containers, %d measures, %d values",
			res.Code, res.AdminEmail, res.Scorecards, res.Containers, res.Measures, res.DataValues)
		want := "DEMO admin@demo.yardstick.test 2 scorecards, 5 containers, 13 measures, 225 values"
		if got != want {
			t.Errorf("result:\n got %s\nwant %s", got, want)
		}
		if actor.Instance.Name != demo.Name {
			t.Errorf("instance name %q, want %q", actor.Instance.Name, demo.Name)
		}

		freqs, err := a.Frequencies(ctx, actor)
		if err != nil {
			t.Fatal(err)
		}
		byID := map[int64]model.Frequency{}
		for _, f := range freqs {
			byID[f.ID] = f
		}
		scs, err := a.ListScorecards(ctx, actor)
		if err != nil {
			t.Fatal(err)
		}
		if len(scs) != 2 {
			t.Fatalf("%d scorecards listed, want 2", len(scs))
		}
		for _, sc := range scs {
			if want := sc.ID == res.ScorecardIDs[0]; sc.ScoresOn != want {
				t.Errorf("scorecard %q: scores on %v, want %v (the top one shows them)", sc.Title, sc.ScoresOn, want)
			}
		}
		stored := map[int64]int{} // measure → stored values, each measure once
		appears := map[string]int{}
		for _, id := range res.ScorecardIDs {
			view, err := a.ScorecardPage(ctx, actor, id)
			if err != nil {
				t.Fatalf("ScorecardPage %d: %v", id, err)
			}
			if len(view.Rows) == 0 {
				t.Errorf("%s: no rows", view.Scorecard.Title)
			}
			for _, r := range view.Rows {
				o := r.Object
				appears[o.Title]++
				if o.Kind != model.KindMeasure {
					continue
				}
				s := r.Summary
				if s.Current == nil || s.Current.Actual == nil {
					t.Errorf("%s: %s has no current actual", view.Scorecard.Title, o.Title)
					continue
				}
				// The data ends at the period containing now, whenever the
				// demo is loaded.
				pf := app.FrequencyOf(byID[*o.FrequencyID])
				if want := pf.Key(pf.At(a.Now())); s.Current.Key != want {
					t.Errorf("%s: current period %s, want %s", o.Title, s.Current.Key, want)
				}
				if s.Current.Target == nil {
					t.Errorf("%s: current period has no target", o.Title)
				} else if s.Color == "" {
					t.Errorf("%s: no colour for actual %v against target %v (%s)", o.Title, *s.Current.Actual, *s.Current.Target, o.Polarity)
				}
				if s.Prior == nil || s.Trend.Length == 0 {
					t.Errorf("%s: no prior value or trend", o.Title)
				}
				m, err := a.MeasurePage(ctx, actor, o.ID, 0, 0)
				if err != nil {
					t.Fatalf("MeasurePage %s: %v", o.Title, err)
				}
				stored[o.ID] = len(m.Points)
			}
		}
		total := 0
		for _, n := range stored {
			total += n
		}
		if len(stored) != res.Measures || total != res.DataValues {
			t.Errorf("stored: %d measures with %d values; Load reported %d and %d", len(stored), total, res.Measures, res.DataValues)
		}

		// Sharing: the program sits on its own scorecard and under two
		// results of the community scorecard; the second time it repeats.
		if n := appears["Home Visiting"]; n != 3 {
			t.Errorf("Home Visiting appears %d times on the two scorecards, want 3", n)
		}
		if n := appears["Family Resource Center"]; n != 2 {
			t.Errorf("Family Resource Center appears %d times, want 2", n)
		}

		var polarities, categories []string
		var baseline string
		for id := range stored {
			o, err := a.Object(ctx, actor, id)
			if err != nil {
				t.Fatal(err)
			}
			polarities = append(polarities, o.Polarity)
			categories = append(categories, o.PMCategory)
			if o.BaselineKey != "" {
				baseline = o.Title + " " + o.BaselineKey
			}
		}
		for _, want := range []string{"higher", "lower", "range"} {
			if !strings.Contains(strings.Join(polarities, " "), want) {
				t.Errorf("no measure with polarity %s", want)
			}
		}
		for _, want := range []string{"how_much", "how_well", "better_off"} {
			if !strings.Contains(strings.Join(categories, " "), want) {
				t.Errorf("no performance measure in category %s", want)
			}
		}
		if !strings.HasPrefix(baseline, "% of visits completed on schedule 20") {
			t.Errorf("baseline: got %q, want one on %q", baseline, "% of visits completed on schedule")
		}
	})
}

// TestLoadTwice checks that a second load is refused and writes nothing.
func TestLoadTwice(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		ctx := context.Background()
		a := newApp(db)
		_, actor := load(t, a)
		before := snapshot(t, a, actor)
		db.Clock.Advance(40 * 24 * time.Hour) // a later load would make other data
		if _, err := demo.Load(ctx, a); !errors.Is(err, demo.ErrExists) {
			t.Fatalf("second Load: got %v, want ErrExists", err)
		}
		if after := snapshot(t, a, actor); after != before {
			t.Errorf("second Load changed the instance:\nbefore:\n%s\nafter:\n%s", before, after)
		}
	})
}

// TestLoadDeterministic checks that two loads at the same time give the
// same numbers, which screenshots and browser tests rely on.
func TestLoadDeterministic(t *testing.T) {
	a1, a2 := newApp(testkit.NewSQLite(t)), newApp(testkit.NewSQLite(t))
	_, actor1 := load(t, a1)
	_, actor2 := load(t, a2)
	if s1, s2 := snapshot(t, a1, actor1), snapshot(t, a2, actor2); s1 != s2 {
		t.Errorf("two loads differ:\n%s\n---\n%s", s1, s2)
	}
}

// snapshot renders what the instance holds: instances, scorecards, their
// trees and every measure's values.
func snapshot(t *testing.T, a *app.App, actor *app.Actor) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	ins, err := a.ListInstances(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "%d instances\n", len(ins))
	scs, err := a.ListScorecards(ctx, actor)
	if err != nil {
		t.Fatal(err)
	}
	for _, sc := range scs {
		view, err := a.ScorecardPage(ctx, actor, sc.ID)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "scorecard %s\n", sc.Title)
		for _, r := range view.Rows {
			fmt.Fprintf(&b, "%s%s\n", strings.Repeat("  ", r.Depth+1), r.Object.Title)
			if r.Object.Kind != model.KindMeasure || r.Repeat {
				continue
			}
			m, err := a.MeasurePage(ctx, actor, r.Object.ID, 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range m.Points {
				fmt.Fprintf(&b, "%s%s %s %s %q\n", strings.Repeat("  ", r.Depth+2), p.Label,
					app.FormatRaw(p.Actual), app.FormatRaw(p.Target), p.Comment)
			}
		}
	}
	return b.String()
}
