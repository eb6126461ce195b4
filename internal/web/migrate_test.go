package web_test

import (
	"context"
	"database/sql"
	"html"
	"net/http"
	"regexp"
	"strconv"
	"testing"

	"yardstick/internal/app"
	"yardstick/internal/password"
	"yardstick/internal/testkit"
)

// TestMigratedDatabaseServesItsPages takes the database of migration 0013
// (the demo, a partner connected both ways, two shared scorecards; see
// testkit.At0013) to the latest schema and opens, at the ids it had, every
// scorecard and object page as the owner's administrator and every shared
// one as the partner's: each answers 200 with its title, and each measure's
// data grid holds the values stored before the migration. The users list
// and the activity log open too, and a data save still lands.
func TestMigratedDatabaseServesItsPages(t *testing.T) {
	testkit.EachAt0013(t, func(t *testing.T, db *testkit.DB) {
		ctx := context.Background()
		old := readAt0013(t, db.Store.DB())
		if err := db.Store.Migrate(ctx); err != nil {
			t.Fatalf("migrate from 0013: %v", err)
		}
		e := newEnv(t, db)
		hash := password.Hash(testkit.Password)
		for _, id := range []int64{1, 2} { // the two instances' administrators
			if err := db.Store.Q().SetPassword(ctx, id, hash, false, nil); err != nil {
				t.Fatal(err)
			}
		}
		owner, partner := e.client(), e.client()
		owner.login("admin@demo.yardstick.test", testkit.Password)
		partner.login("pat@partner.example", testkit.Password)

		for _, sc := range old.scorecards {
			expect(t, "owner opens scorecard "+sc.id, owner.get("/i/DEMO/scorecards/"+sc.id), http.StatusOK, html.EscapeString(sc.title))
		}
		grids := 0
		for _, o := range old.objects {
			r := owner.get("/i/DEMO/objects/" + o.id)
			expect(t, "owner opens object "+o.id, r, http.StatusOK, html.EscapeString(o.title))
			if o.kind == "measure" {
				grids += checkGrid(t, o.id, r.Body, old.values[o.id])
			}
		}
		t.Logf("%d grid values matched the 0013 rows", grids)
		if grids == 0 {
			t.Error("no measure's data grid showed a value stored before the migration")
		}
		for _, id := range old.shared {
			sc := old.byID[id]
			expect(t, "partner opens shared scorecard "+id, partner.get("/i/PARTNER/scorecards/"+id), http.StatusOK, html.EscapeString(sc.title))
			for _, oid := range old.onScorecard[id] {
				expect(t, "partner opens shared object "+oid, partner.get("/i/PARTNER/objects/"+oid), http.StatusOK, html.EscapeString(old.objTitle[oid]))
			}
		}
		expect(t, "users list", owner.get("/i/DEMO/admin/users"), http.StatusOK, "admin@demo.yardstick.test")
		expect(t, "activity log", owner.get("/i/DEMO/admin/activity"), http.StatusOK)

		// A save after the migration lands on the old measure.
		m := old.measureWithData
		key := old.values[m][0].key
		r := owner.post("/i/DEMO/objects/"+m+"/data", "key", key, "actual", "42.5", "target", old.values[m][0].target,
			"comment", "", "orig_actual", old.values[m][0].actual, "orig_target", old.values[m][0].target, "orig_comment", old.values[m][0].comment,
			"version", old.values[m][0].version)
		if r.Status != http.StatusSeeOther {
			t.Fatalf("data save after the migration: %d %s", r.Status, excerpt(r.Body))
		}
		if got := gridValues(owner.get("/i/DEMO/objects/" + m).Body)[key]; got != "42.5" {
			t.Errorf("after the save the grid shows %q for %s, want 42.5", got, key)
		}
	})
}

type oldRow struct{ id, title, kind string }

type oldValue struct{ key, actual, target, comment, version string }

// at0013 is what the pages must show, read from the 0013 tables.
type at0013 struct {
	scorecards      []oldRow
	byID            map[string]oldRow
	objects         []oldRow
	objTitle        map[string]string
	values          map[string][]oldValue // by measure id, in period order
	shared          []string              // scorecard ids shared with PARTNER
	onScorecard     map[string][]string   // scorecard id → object ids on it
	measureWithData string
}

func readAt0013(t *testing.T, db *sql.DB) at0013 {
	t.Helper()
	o := at0013{byID: map[string]oldRow{}, objTitle: map[string]string{}, values: map[string][]oldValue{}, onScorecard: map[string][]string{}}
	query(t, db, `SELECT id, title FROM scorecards WHERE instance_id = 1 ORDER BY id`, func(f []string) {
		r := oldRow{id: f[0], title: f[1]}
		o.scorecards = append(o.scorecards, r)
		o.byID[r.id] = r
	})
	query(t, db, `SELECT id, title, kind FROM objects WHERE instance_id = 1 ORDER BY id`, func(f []string) {
		o.objects = append(o.objects, oldRow{id: f[0], title: f[1], kind: f[2]})
		o.objTitle[f[0]] = f[1]
	})
	query(t, db, `SELECT measure_id, period_key, actual, target, comment, version FROM data_values WHERE instance_id = 1
		ORDER BY measure_id, period_key`, func(f []string) {
		o.values[f[0]] = append(o.values[f[0]], oldValue{key: f[1], actual: f[2], target: f[3], comment: f[4], version: f[5]})
		if o.measureWithData == "" {
			o.measureWithData = f[0]
		}
	})
	query(t, db, `SELECT scorecard_id FROM partner_shares WHERE owner_instance = 1 AND partner_instance = 2 ORDER BY scorecard_id`, func(f []string) {
		o.shared = append(o.shared, f[0])
	})
	query(t, db, `SELECT scorecard_id, object_id FROM scorecard_objects WHERE instance_id = 1 ORDER BY scorecard_id, object_id`, func(f []string) {
		o.onScorecard[f[0]] = append(o.onScorecard[f[0]], f[1])
	})
	if len(o.scorecards) < 2 || len(o.objects) == 0 || len(o.shared) == 0 || o.measureWithData == "" {
		t.Fatalf("the 0013 fixture is not what this test expects: %d scorecards, %d objects, %d shared", len(o.scorecards), len(o.objects), len(o.shared))
	}
	return o
}

// query runs q and hands each row to fn as text; NULL is "" and numbers
// are formatted as the data grid writes them.
func query(t *testing.T, db *sql.DB, q string, fn func([]string)) {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		f := make([]string, len(vals))
		for i, v := range vals {
			switch v := v.(type) {
			case nil:
			case float64:
				f[i] = app.FormatRaw(&v)
			case int64:
				f[i] = strconv.FormatInt(v, 10)
			case []byte:
				f[i] = string(v)
			case string:
				f[i] = v
			default:
				t.Fatalf("%s: column %s has a %T", q, cols[i], v)
			}
		}
		fn(f)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}

var gridRow = regexp.MustCompile(`(?s)<tr[^>]* data-key="([^"]+)".*?name="orig_actual" value="([^"]*)"`)

// gridValues reads a measure page's data grid: period key → actual.
func gridValues(body string) map[string]string {
	out := map[string]string{}
	for _, m := range gridRow.FindAllStringSubmatch(body, -1) {
		out[m[1]] = html.UnescapeString(m[2])
	}
	return out
}

// checkGrid compares a measure page's grid with the values stored before
// the migration: every stored actual is shown for its period, and no
// period shows an actual that was not stored. It says how many matched.
func checkGrid(t *testing.T, id, body string, want []oldValue) int {
	t.Helper()
	got := gridValues(body)
	if len(got) == 0 {
		t.Errorf("measure %s: no data grid", id)
	}
	stored := map[string]string{}
	matched := 0
	for _, v := range want {
		stored[v.key] = v.actual
		if v.actual == "" {
			continue
		}
		if g, ok := got[v.key]; !ok || g != v.actual {
			t.Errorf("measure %s, period %s: the grid shows %q (shown: %v), before the migration %q", id, v.key, g, ok, v.actual)
		} else {
			matched++
		}
	}
	for key, g := range got {
		if g != stored[key] {
			t.Errorf("measure %s, period %s: the grid shows %q, before the migration %q", id, key, g, stored[key])
		}
	}
	return matched
}
