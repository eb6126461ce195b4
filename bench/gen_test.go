package bench

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"yardstick/internal/model"
	"yardstick/internal/store"
	"yardstick/internal/testkit"
)

// tree describes generated content: Scorecards scorecards, each with
// Containers containers on it, each with Measures measures under it,
// each with Periods months of data ending in the clock's month.
type tree struct {
	Prefix     string // starts every title, so several trees can share an instance
	Scorecards int
	Containers int
	Measures   int
	Periods    int
}

// content is what generate made.
type content struct {
	Scorecards []int64 // in title order
	Measures   []int64 // in title order
}

// Names of the generated titles. Numbers are zero-padded so title order is
// number order, and measure n sits on scorecard n % Scorecards: any subset
// of scorecards is spread evenly through the title-ordered measure list,
// the hard case for a visibility-filtered keyset page.
func scorecardTitle(p string, n int) string { return fmt.Sprintf("%s scorecard %04d", p, n) }
func containerTitle(p string, n int) string { return fmt.Sprintf("%s container %06d", p, n) }
func measureTitle(p string, n int) string   { return fmt.Sprintf("%s measure %07d", p, n) }

// generate writes a tree with raw multi-row INSERTs in one transaction, in
// the shape the store writes (objects, scorecard_links, object_links and
// the scorecard_objects reach rows, data_values). Going through the store
// would cost one statement per row plus a reach rebuild per link: minutes
// for 100,000 measures instead of seconds.
func generate(b testing.TB, db *testkit.DB, in model.Instance, t tree) content {
	b.Helper()
	ctx := context.Background()
	start := time.Now()
	resultType, indicatorType, monthly := builtinIDs(b, db.Store, in.ID)
	tx, err := db.Store.DB().BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	w := &bulk{b: b, tx: tx, now: db.Store.Now()}
	S, C, M := t.Scorecards, t.Containers, t.Measures

	var rows []string
	for s := range S {
		title := scorecardTitle(t.Prefix, s)
		rows = append(rows, fmt.Sprintf("(%d, %s, %s, $1, $1)", in.ID, lit(title), lit(store.Key(title))))
	}
	scIDs := w.insertReturning("INSERT INTO scorecards (instance_id, title, title_key, created_at, updated_at) VALUES ", rows)

	rows = rows[:0]
	for n := range S * C {
		title := containerTitle(t.Prefix, n)
		rows = append(rows, fmt.Sprintf("(%d, 'container', %d, %s, %s, $1, $1)", in.ID, resultType, lit(title), lit(store.Key(title))))
	}
	ctIDs := w.insertReturning("INSERT INTO objects (instance_id, kind, type_id, title, title_key, created_at, updated_at) VALUES ", rows)

	rows = rows[:0]
	for n := range S * C * M {
		title := measureTitle(t.Prefix, n)
		rows = append(rows, fmt.Sprintf("(%d, 'measure', %d, %s, %s, %d, $1, $1)", in.ID, indicatorType, lit(title), lit(store.Key(title)), monthly))
	}
	msIDs := w.insertReturning("INSERT INTO objects (instance_id, kind, type_id, title, title_key, frequency_id, created_at, updated_at) VALUES ", rows)

	// Container n = c*S + s sits on scorecard s at position c; measure
	// (c*M + m)*S + s sits under that container at position m.
	var scLinks, obLinks, reach, values []string
	keys := monthKeys(db.Store.Now(), t.Periods)
	out := content{}
	for s := range S {
		sc := scIDs[store.Key(scorecardTitle(t.Prefix, s))]
		out.Scorecards = append(out.Scorecards, sc)
		for c := range C {
			ct := ctIDs[store.Key(containerTitle(t.Prefix, c*S+s))]
			scLinks = append(scLinks, fmt.Sprintf("(%d, %d, %d, %d)", in.ID, sc, ct, c+1))
			reach = append(reach, fmt.Sprintf("(%d, %d, %d, 'container')", in.ID, sc, ct))
			for m := range M {
				n := (c*M+m)*S + s
				ms := msIDs[store.Key(measureTitle(t.Prefix, n))]
				obLinks = append(obLinks, fmt.Sprintf("(%d, %d, %d, %d)", in.ID, ct, ms, m+1))
				reach = append(reach, fmt.Sprintf("(%d, %d, %d, 'measure')", in.ID, sc, ms))
				for p, k := range keys {
					// A wandering actual against a fixed target gives every
					// colour band and trend something to compute.
					values = append(values, fmt.Sprintf("(%d, %d, '%s', %d, 75, $1)", in.ID, ms, k, 50+(n*7+p*13)%50))
				}
			}
		}
	}
	for n := range S * C * M {
		out.Measures = append(out.Measures, msIDs[store.Key(measureTitle(t.Prefix, n))])
	}
	w.insert("INSERT INTO scorecard_links (instance_id, scorecard_id, object_id, position) VALUES ", scLinks, false)
	w.insert("INSERT INTO object_links (instance_id, parent_id, child_id, position) VALUES ", obLinks, false)
	// The reach rows carry the object's kind, as rebuildReach writes them:
	// the scorecard page reads its measures' values by it.
	w.insert("INSERT INTO scorecard_objects (instance_id, scorecard_id, object_id, kind) VALUES ", reach, false)
	w.insert("INSERT INTO data_values (instance_id, measure_id, period_key, actual, target, updated_at) VALUES ", values, true)
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	if db.Store.Dialect() == store.Postgres {
		// Autovacuum analyzes freshly loaded tables within a minute in
		// production; measure that steady state, not the first minute.
		// (SQLite never gets statistics: the app does not run ANALYZE.)
		if _, err := db.Store.DB().ExecContext(ctx, `ANALYZE scorecards, objects, scorecard_links, object_links,
			scorecard_objects, membership_scorecards, data_values`); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("%s: generated %d scorecards, %d containers, %d measures, %d values in %v",
		db.Name, S, S*C, S*C*M, len(values), time.Since(start).Round(time.Millisecond))
	return out
}

// builtinIDs finds the Result and Indicator types and the Monthly frequency.
func builtinIDs(b testing.TB, s *store.Store, instanceID int64) (result, indicator, monthly int64) {
	b.Helper()
	ctx := context.Background()
	types, err := s.Q().ListTypes(ctx, instanceID, "", false)
	if err != nil {
		b.Fatal(err)
	}
	for _, t := range types {
		switch t.Name {
		case "Result":
			result = t.ID
		case "Indicator":
			indicator = t.ID
		}
	}
	freqs, err := s.Q().ListFrequencies(ctx, instanceID)
	if err != nil {
		b.Fatal(err)
	}
	for _, f := range freqs {
		if f.Title == "Monthly" {
			monthly = f.ID
		}
	}
	if result == 0 || indicator == 0 || monthly == 0 {
		b.Fatal("built-in types or the Monthly frequency are missing")
	}
	return result, indicator, monthly
}

// monthKeys returns the period keys of the n months up to now's, oldest first.
func monthKeys(now time.Time, n int) []string {
	first := time.Date(now.Year(), now.Month()-time.Month(n-1), 1, 0, 0, 0, 0, time.UTC)
	keys := make([]string, n)
	for i := range keys {
		keys[i] = first.AddDate(0, i, 0).Format("2006-01-02")
	}
	return keys
}

// lit quotes a generated string as an SQL literal. Literals rather than
// parameters keep a 500-row statement under both databases' parameter
// limits; the only parameter, $1, is the timestamp.
func lit(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// bulk writes rows in batches inside one transaction.
type bulk struct {
	b   testing.TB
	tx  *sql.Tx
	now time.Time
}

// batch is the rows per INSERT: large enough to amortise a statement,
// small enough to keep the SQL text modest.
const batch = 500

// insert writes rows (SQL tuples) after head; stamped says the tuples
// use $1, the store's current time.
func (w *bulk) insert(head string, rows []string, stamped bool) {
	w.b.Helper()
	for i := 0; i < len(rows); i += batch {
		var args []any
		if stamped {
			args = append(args, w.now)
		}
		stmt := head + strings.Join(rows[i:min(i+batch, len(rows))], ", ")
		if _, err := w.tx.Exec(stmt, args...); err != nil {
			w.b.Fatalf("%.80s…: %v", stmt, err)
		}
	}
}

// insertReturning writes rows that use $1 and returns the new ids by
// title_key: RETURNING promises no row order, the unique titles do.
func (w *bulk) insertReturning(head string, rows []string) map[string]int64 {
	w.b.Helper()
	ids := make(map[string]int64, len(rows))
	for i := 0; i < len(rows); i += batch {
		stmt := head + strings.Join(rows[i:min(i+batch, len(rows))], ", ") + " RETURNING id, title_key"
		res, err := w.tx.Query(stmt, w.now)
		if err != nil {
			w.b.Fatalf("%.80s…: %v", stmt, err)
		}
		for res.Next() {
			var id int64
			var key string
			if err := res.Scan(&id, &key); err != nil {
				w.b.Fatal(err)
			}
			ids[key] = id
		}
		if err := res.Err(); err != nil {
			w.b.Fatal(err)
		}
		res.Close()
	}
	if len(ids) != len(rows) {
		w.b.Fatalf("inserted %d rows, got %d ids back", len(rows), len(ids))
	}
	return ids
}

// itoa is strconv.Itoa for int64 ids in URLs.
func itoa(id int64) string { return strconv.FormatInt(id, 10) }
