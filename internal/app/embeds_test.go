package app_test

import (
	"regexp"
	"slices"
	"strconv"
	"testing"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/model"
	"yardstick/internal/store"
	"yardstick/internal/testkit"
)

// embedWorld is two instances, ALPHA with a scorecard S (enabled) holding
// a result R with a measure M, and BETA with its own of the same shape.
type embedWorld struct {
	*pw
	A, B    *site
	S, T    model.Scorecard // T: ALPHA's second scorecard, not enabled
	R, M    model.Object
	BS      model.Scorecard
	BM      model.Object
	sbcType int64
}

func newEmbedWorld(t *testing.T, db *testkit.DB, tag ...string) *embedWorld {
	w := &embedWorld{pw: newPW(t, db)}
	code := ""
	if len(tag) > 0 {
		code = tag[0]
	}
	w.A, w.B = w.site("ALPHA"+code, "Alpha Org"), w.site("BETA"+code, "Beta Org")
	admin := w.A.member("admin", access.PresetAdministration)
	w.A.member("presenter", access.PresetPresenter)
	w.A.member("builder", access.PresetScorecardBuilder)
	badmin := w.B.member("admin", access.PresetAdministration)
	w.S = w.A.scorecard(admin, "Community")
	w.T = w.A.scorecard(admin, "Internal")
	w.R = w.A.container(admin, "Ready children", app.Placement{ScorecardID: w.S.ID})
	w.M = w.A.measure(admin, "Readiness", app.Placement{ParentID: w.R.ID})
	w.BS = w.B.scorecard(badmin, "Beta card")
	br := w.B.container(badmin, "Beta result", app.Placement{ScorecardID: w.BS.ID})
	w.BM = w.B.measure(badmin, "Beta secret", app.Placement{ParentID: br.ID})
	types, err := w.app.NoteTypes(w.ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	w.sbcType = types[1].ID
	if _, err := w.app.SaveNote(w.ctx, admin, app.OnObject, w.M.ID, w.sbcType, 0, "<p>Why the <b>curve</b> bends</p>"); err != nil {
		t.Fatal(err)
	}
	w.enable(w.A, w.S.ID, true, "")
	w.enable(w.B, w.BS.ID, true, "")
	return w
}

func (w *embedWorld) enable(s *site, id int64, on bool, origins string) {
	w.t.Helper()
	sc, err := w.app.Scorecard(w.ctx, s.as("admin"), id)
	if err != nil {
		w.t.Fatal(err)
	}
	if err := w.app.SetScorecardEmbed(w.ctx, s.as("admin"), id, sc.Version, on, origins); err != nil {
		w.t.Fatalf("embed switch of %d: %v", id, err)
	}
}

func (w *embedWorld) create(s *site, on string, id int64, opt app.EmbedOptions) app.NewEmbed {
	w.t.Helper()
	n, err := w.app.CreateEmbed(w.ctx, s.as("admin"), on, id, app.EmbedInput{EmbedOptions: opt})
	if err != nil {
		w.t.Fatalf("create embed of %s %d: %v", on, id, err)
	}
	return n
}

// shows resolves a token and loads its page; NotFound is (zero, false).
func (w *embedWorld) shows(token string) (app.EmbedView, bool) {
	w.t.Helper()
	ref, err := w.app.ResolveEmbed(w.ctx, token)
	if app.KindOf(err) == app.NotFound {
		return app.EmbedView{}, false
	}
	if err != nil {
		w.t.Fatalf("resolve: %v", err)
	}
	v, err := w.app.EmbedPage(w.ctx, ref)
	if app.KindOf(err) == app.NotFound {
		return app.EmbedView{}, false
	}
	if err != nil {
		w.t.Fatalf("embed page: %v", err)
	}
	return v, true
}

var tokenShape = regexp.MustCompile(`^[A-Za-z0-9_-]{43,}$`)

// 1,000 tokens are unique and 43+ base64url characters (256 bits of
// crypto/rand), and each one resolves to its own code.
func TestEmbedTokensUnique(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		w := newEmbedWorld(t, db)
		w.enable(w.A, w.T.ID, true, "")
		seen := map[string]bool{}
		for i := range 1000 {
			on, id := app.OnObject, w.M.ID // listed under S
			if i%2 == 0 {
				on, id = app.OnScorecard, w.T.ID
			}
			n := w.create(w.A, on, id, app.EmbedOptions{})
			if !tokenShape.MatchString(n.Token) {
				t.Fatalf("token %q is not 43+ base64url characters", n.Token)
			}
			if seen[n.Token] {
				t.Fatalf("token %q made twice", n.Token)
			}
			seen[n.Token] = true
		}
		var n int
		if err := db.Store.DB().QueryRow(`SELECT COUNT(DISTINCT token_hash) FROM embed_tokens`).Scan(&n); err != nil || n != 1000 {
			t.Errorf("stored hashes: %d %v, want 1000", n, err)
		}
		// Only hashes are stored.
		for tok := range seen {
			var found int
			if err := db.Store.DB().QueryRow(`SELECT COUNT(*) FROM embed_tokens WHERE token_hash = $1`, tok).Scan(&found); err != nil || found != 0 {
				t.Fatalf("a token is stored in clear: %d %v", found, err)
			}
			break
		}
	})
}

// Who may switch embedding and make codes, and what another instance or a
// guessed token gets.
func TestEmbedPermissionsAndInstances(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		w := newEmbedWorld(t, db)
		if err := w.A.assign(w.A.as("admin"), "presenter", w.S.ID); err != nil {
			t.Fatal(err)
		}
		sc, _ := w.app.Scorecard(w.ctx, w.A.as("admin"), w.S.ID)
		for _, tc := range []struct {
			name string
			err  error
			want app.Kind
		}{
			{"presenter switches", w.app.SetScorecardEmbed(w.ctx, w.A.as("presenter"), w.S.ID, sc.Version, false, ""), app.Forbidden},
			{"presenter makes a code", func() error {
				_, err := w.app.CreateEmbed(w.ctx, w.A.as("presenter"), app.OnObject, w.M.ID, app.EmbedInput{})
				return err
			}(), app.Forbidden},
			{"another instance makes a code of ALPHA's measure", func() error {
				_, err := w.app.CreateEmbed(w.ctx, w.B.as("admin"), app.OnObject, w.M.ID, app.EmbedInput{})
				return err
			}(), app.NotFound},
			{"another instance switches ALPHA's scorecard", w.app.SetScorecardEmbed(w.ctx, w.B.as("admin"), w.S.ID, sc.Version, false, ""), app.NotFound},
			{"a code where embedding is off", func() error {
				_, err := w.app.CreateEmbed(w.ctx, w.A.as("admin"), app.OnScorecard, w.T.ID, app.EmbedInput{})
				return err
			}(), app.Conflict},
			{"bad origin", w.app.SetScorecardEmbed(w.ctx, w.A.as("admin"), w.S.ID, sc.Version, true, "javascript:alert(1)"), app.Invalid},
			{"wildcard origin", w.app.SetScorecardEmbed(w.ctx, w.A.as("admin"), w.S.ID, sc.Version, true, "https://*.example"), app.Invalid},
			{"too many periods", func() error {
				_, err := w.app.CreateEmbed(w.ctx, w.A.as("admin"), app.OnObject, w.M.ID, app.EmbedInput{EmbedOptions: app.EmbedOptions{Periods: 61}})
				return err
			}(), app.Invalid},
			{"unknown chart", func() error {
				_, err := w.app.CreateEmbed(w.ctx, w.A.as("admin"), app.OnObject, w.M.ID, app.EmbedInput{EmbedOptions: app.EmbedOptions{Chart: "pie"}})
				return err
			}(), app.Invalid},
			{"another instance's note type", func() error {
				_, err := w.app.CreateEmbed(w.ctx, w.A.as("admin"), app.OnObject, w.M.ID, app.EmbedInput{EmbedOptions: app.EmbedOptions{NoteTypes: []int64{1 << 40}}})
				return err
			}(), app.Invalid},
		} {
			if app.KindOf(tc.err) != tc.want {
				t.Errorf("%s: %v, want %v", tc.name, tc.err, tc.want)
			}
		}
		var codes int
		if err := db.Store.DB().QueryRow(`SELECT COUNT(*) FROM embed_tokens`).Scan(&codes); err != nil || codes != 0 {
			t.Errorf("refused creates left %d codes (%v)", codes, err)
		}
		// A builder (embed and objects.edit) may do both.
		if _, err := w.app.CreateEmbed(w.ctx, w.A.as("builder"), app.OnObject, w.M.ID, app.EmbedInput{}); err != nil {
			t.Errorf("builder makes a code: %v", err)
		}

		a := w.create(w.A, app.OnObject, w.M.ID, app.EmbedOptions{ShowTargets: true})
		b := w.create(w.B, app.OnObject, w.BM.ID, app.EmbedOptions{ShowTargets: true})
		va, ok := w.shows(a.Token)
		if !ok || va.Instance != "Alpha Org" || va.Title != "Readiness" || va.Container != "Ready children" {
			t.Errorf("ALPHA's code shows %+v (%v)", va, ok)
		}
		vb, ok := w.shows(b.Token)
		if !ok || vb.Instance != "Beta Org" || vb.Title != "Beta secret" {
			t.Errorf("BETA's code shows %+v (%v)", vb, ok)
		}
		for _, guess := range []string{"1", "5", "measure/5", "", a.Token[:42], a.Token + "A", "0000000000000000000000000000000000000000000",
			"../" + a.Token, a.Token[:42] + "="} {
			if _, ok := w.shows(guess); ok {
				t.Errorf("guessed token %q shows something", guess)
			}
		}
		// BETA's admin cannot manage ALPHA's codes.
		if _, err := w.app.RevokeEmbed(w.ctx, w.B.as("admin"), a.Code.ID); app.KindOf(err) != app.NotFound {
			t.Errorf("another instance revokes a code: %v, want NotFound", err)
		}
		if _, err := w.app.RegenerateEmbed(w.ctx, w.A.as("presenter"), a.Code.ID); app.KindOf(err) != app.Forbidden {
			t.Errorf("presenter regenerates a code: %v, want Forbidden", err)
		}
		if _, ok := w.shows(a.Token); !ok {
			t.Errorf("a refused revoke stopped the code")
		}
	})
}

// Every way of switching an embed off answers 404 on the next request,
// and an object stays embeddable while any scorecard it is on is enabled.
func TestEmbedSwitchOff(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		for i, tc := range []struct {
			name string
			off  func(w *embedWorld, n app.NewEmbed)
			// which codes stop: the scorecard's, the measure's
			scorecardStops, measureStops bool
		}{
			{"Enable Embed off", func(w *embedWorld, _ app.NewEmbed) { w.enable(w.A, w.S.ID, false, "") }, true, true},
			{"revoked", func(w *embedWorld, n app.NewEmbed) {
				if _, err := w.app.RevokeEmbed(w.ctx, w.A.as("admin"), n.Code.ID); err != nil {
					w.t.Fatal(err)
				}
			}, false, true},
			{"regenerated", func(w *embedWorld, n app.NewEmbed) {
				if _, err := w.app.RegenerateEmbed(w.ctx, w.A.as("admin"), n.Code.ID); err != nil {
					w.t.Fatal(err)
				}
			}, false, true},
			{"scorecard deleted", func(w *embedWorld, _ app.NewEmbed) {
				if err := w.app.DeleteScorecard(w.ctx, w.A.as("admin"), w.S.ID); err != nil {
					w.t.Fatal(err)
				}
			}, true, true},
			{"measure deleted", func(w *embedWorld, _ app.NewEmbed) {
				if err := w.app.DeleteObject(w.ctx, w.A.as("admin"), w.M.ID); err != nil {
					w.t.Fatal(err)
				}
			}, false, true},
			{"result unlinked from the enabled scorecard", func(w *embedWorld, _ app.NewEmbed) {
				if err := w.app.Unlink(w.ctx, w.A.as("admin"), app.Placement{ScorecardID: w.S.ID}, w.R.ID); err != nil {
					w.t.Fatal(err)
				}
			}, false, true},
		} {
			t.Run(tc.name, func(t *testing.T) {
				w := newEmbedWorld(t, db, string(rune('A'+i)))
				sc := w.create(w.A, app.OnScorecard, w.S.ID, app.EmbedOptions{})
				m := w.create(w.A, app.OnObject, w.M.ID, app.EmbedOptions{})
				for _, tok := range []string{sc.Token, m.Token} {
					if _, ok := w.shows(tok); !ok {
						t.Fatal("a new code shows nothing")
					}
				}
				tc.off(w, m)
				if _, ok := w.shows(sc.Token); ok == tc.scorecardStops {
					t.Errorf("scorecard code shows: %v, want %v", ok, !tc.scorecardStops)
				}
				if _, ok := w.shows(m.Token); ok == tc.measureStops {
					t.Errorf("measure code shows: %v, want %v", ok, !tc.measureStops)
				}
			})
		}

		// Reached through two scorecards: embeddable while either is enabled.
		w := newEmbedWorld(t, db, "X")
		if err := w.app.Link(w.ctx, w.A.as("admin"), app.Placement{ScorecardID: w.T.ID}, w.R.ID); err != nil {
			t.Fatal(err)
		}
		m := w.create(w.A, app.OnObject, w.M.ID, app.EmbedOptions{})
		w.enable(w.A, w.S.ID, false, "")
		if _, ok := w.shows(m.Token); ok {
			t.Error("shows with no enabled scorecard reaching it")
		}
		w.enable(w.A, w.T.ID, true, "https://www.city.example")
		v, ok := w.shows(m.Token)
		if !ok || v.Title != "Readiness" {
			t.Errorf("through the other enabled scorecard: %v %+v", ok, v)
		}
		ref, err := w.app.ResolveEmbed(w.ctx, m.Token)
		if err != nil || len(ref.Origins) != 1 || ref.Origins[0] != "https://www.city.example" {
			t.Errorf("origins through T: %v %v", ref.Origins, err)
		}
	})
}

// Options are fixed at creation; views are counted per day; every act is
// in the activity log.
func TestEmbedOptionsViewsAndLog(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		w := newEmbedWorld(t, db)
		admin := w.A.as("admin")
		f, _ := w.app.Frequencies(w.ctx, admin)
		pf := app.FrequencyOf(f[0])
		cur := pf.At(testkit.Epoch)
		var entries []app.DataEntry
		for i := range 10 {
			entries = append(entries, app.DataEntry{PeriodKey: pf.Key(pf.Add(cur, -i)), Actual: strconv.Itoa(50 + i), Target: "60"})
		}
		if _, err := w.app.SaveData(w.ctx, admin, w.M.ID, entries); err != nil {
			t.Fatal(err)
		}
		plain := w.create(w.A, app.OnObject, w.M.ID, app.EmbedOptions{Periods: 4, Chart: "bar"})
		full := w.create(w.A, app.OnObject, w.M.ID, app.EmbedOptions{ShowTargets: true, NoteTypes: []int64{w.sbcType}})
		v, _ := w.shows(plain.Token)
		if len(v.Points) != 4 || v.Chart != "bar" || len(v.Notes) != 0 {
			t.Errorf("4 periods, bars, no notes: %d points, %q, %d notes", len(v.Points), v.Chart, len(v.Notes))
		}
		for _, p := range v.Points {
			if p.Target != nil {
				t.Errorf("targets shown by a code without them: %+v", p)
			}
		}
		v, _ = w.shows(full.Token)
		if len(v.Points) != 10 || v.Points[9].Target == nil || len(v.Notes) != 1 || v.Notes[0].Text != "Why the curve bends" {
			t.Errorf("full code: %d points, notes %+v", len(v.Points), v.Notes)
		}
		sv, _ := w.shows(w.create(w.A, app.OnScorecard, w.S.ID, app.EmbedOptions{}).Token)
		if sv.Kind != "scorecard" || len(sv.Rows) != 2 || sv.Rows[1].Object.Title != "Readiness" {
			t.Errorf("scorecard code rows: %+v", sv.Rows)
		}
		cv, _ := w.shows(w.create(w.A, app.OnObject, w.R.ID, app.EmbedOptions{}).Token)
		if cv.Kind != model.KindContainer || len(cv.Rows) != 1 || cv.Rows[0].Depth != 0 {
			t.Errorf("container code rows: %+v", cv.Rows)
		}

		// Views: counted in memory, written as one row per code and day.
		for range 3 {
			w.shows(plain.Token)
		}
		if err := w.app.FlushEmbedViews(w.ctx); err != nil {
			t.Fatal(err)
		}
		w.shows(plain.Token)
		if err := w.app.FlushEmbedViews(w.ctx); err != nil {
			t.Fatal(err)
		}
		var rows, views int
		if err := db.Store.DB().QueryRow(`SELECT COUNT(*), SUM(views) FROM embed_views WHERE token_id = $1`, plain.Code.ID).Scan(&rows, &views); err != nil {
			t.Fatal(err)
		}
		if rows != 1 || views != 5 { // 4 here and 1 above
			t.Errorf("view rows %d, views %d; want 1 and 5", rows, views)
		}
		list, err := w.app.EmbedCodes(w.ctx, admin, w.S.ID, 0)
		if err != nil || len(list.Codes) != 4 {
			t.Fatalf("list: %v %d", err, len(list.Codes))
		}
		for _, c := range list.Codes {
			if c.CreatedBy == "" || c.CreatedAt.IsZero() {
				t.Errorf("code without creator or time: %+v", c)
			}
			if c.ID == plain.Code.ID && c.Views != 5 {
				t.Errorf("listed views %d, want 5", c.Views)
			}
		}

		if _, err := w.app.RegenerateEmbed(w.ctx, admin, plain.Code.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := w.app.RevokeEmbed(w.ctx, admin, full.Code.ID); err != nil {
			t.Fatal(err)
		}
		w.enable(w.A, w.S.ID, false, "")
		for act, want := range map[string]int{app.ActEmbedEnable: 1, app.ActEmbedDisable: 1, app.ActEmbedCreate: 4,
			app.ActEmbedRegenerate: 1, app.ActEmbedRevoke: 1} {
			if got := len(w.log(w.A.in, act)); got != want {
				t.Errorf("%s logged %d times, want %d", act, got, want)
			}
		}
	})
}

// An embedded scorecard or container shows its scorecard's chosen columns
// in their order (issue 28, point 2), less those that tell a target when
// the code hides targets.
func TestEmbedColumns(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		w := newEmbedWorld(t, db)
		ids := func(cols []app.Column) []string {
			var out []string
			for _, c := range cols {
				out = append(out, c.ID)
			}
			return out
		}
		v, _ := w.shows(w.create(w.A, app.OnScorecard, w.S.ID, app.EmbedOptions{}).Token)
		if want := []string{app.ColPeriod, app.ColActual, app.ColPrior, app.ColTrend, app.ColBaseline}; !slices.Equal(ids(v.Columns), want) {
			t.Errorf("standard columns without targets: %q, want %q", ids(v.Columns), want)
		}
		sc, err := w.q().ScorecardByID(w.ctx, w.A.in.ID, w.S.ID, store.SeeAll)
		if err != nil {
			t.Fatal(err)
		}
		sc.Columns = []string{app.ColActual, app.ColTarget, app.ColForecast, app.ColTrend, app.ColPctTarget}
		if err := w.q().UpdateScorecard(w.ctx, sc); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name    string
			on      string
			id      int64
			targets bool
			want    []string
		}{
			{"scorecard with targets", app.OnScorecard, w.S.ID, true, sc.Columns},
			{"scorecard without targets", app.OnScorecard, w.S.ID, false, []string{app.ColActual, app.ColForecast, app.ColTrend}},
			{"container, through its scorecard", app.OnObject, w.R.ID, true, sc.Columns},
		} {
			v, ok := w.shows(w.create(w.A, c.on, c.id, app.EmbedOptions{ShowTargets: c.targets}).Token)
			if !ok || !slices.Equal(ids(v.Columns), c.want) {
				t.Errorf("%s: columns %q, want %q", c.name, ids(v.Columns), c.want)
			}
		}
	})
}
