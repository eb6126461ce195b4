package store_test

import (
	"compress/gzip"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"yardstick/internal/model"
	"yardstick/internal/store"
	"yardstick/internal/testkit"
)

// The fixture is a SQLite database at migration 0013 made by the code of
// that time (testdata/at0013_mkfixture.go.txt): the demo, a partner
// instance connected both ways, two shared scorecards, a partner's
// assignment and favourites of shared content, own ones, and a deleted
// scorecard (so an id counter runs past the largest id).
const fixture = "testdata/at0013_demo_partner.db.gz"

// tablesAt0013 lists the tables of migration 0013 in an order that
// satisfies their foreign keys.
var tablesAt0013 = []string{"instances", "accounts", "memberships", "sessions", "password_tokens", "login_throttle", "outbox",
	"object_types", "frequencies", "scorecards", "objects", "object_tags", "scorecard_links", "object_links", "scorecard_objects",
	"membership_scorecards", "data_values", "color_bands", "favorites", "activity_log", "imports", "partner_requests",
	"partner_channels", "partner_shares", "partner_referrals", "email_changes", "client_throttle", "outside_mail"}

// after says where an 0013 table's rows are after the re-keying: the
// query returning them with the 0013 columns, in the 0013 order.
func after(table string, cols []string) string {
	list := strings.Join(cols, ", ")
	switch table {
	case "membership_scorecards":
		return `SELECT ` + list + ` FROM membership_scorecards UNION ALL SELECT ` + list + ` FROM partner_assignments`
	case "favorites":
		return `SELECT ` + list + ` FROM favorites UNION ALL SELECT ` + list + ` FROM partner_favorites`
	case "partner_shares":
		return `SELECT ` + strings.ReplaceAll(list, "owner_instance", "instance_id") + ` FROM partner_shares`
	}
	return `SELECT ` + list + ` FROM ` + table
}

// TestRekeyKeepsEveryRowAndID migrates the fixture, copied into each
// database, from 0013 to the latest schema: every row of every table
// survives with its ids, the partner rows land in the partner tables,
// and new ids go on after the old counters.
func TestRekeyKeepsEveryRowAndID(t *testing.T) {
	type target struct{ name, base string }
	targets := []target{{"sqlite", ""}}
	if u := testkit.PostgresURL(t); u != "" {
		targets = append(targets, target{"postgres", u})
	}
	if u := testkit.CitusURL(t); u != "" {
		targets = append(targets, target{"citus", u})
	}
	for _, tg := range targets {
		t.Run(tg.name, func(t *testing.T) {
			src := unpackFixture(t)
			var s *store.Store
			var err error
			if tg.base == "" {
				s, err = store.OpenNoMigrate("sqlite:"+src, store.NewFakeClock(testkit.Epoch))
			} else {
				s, err = store.OpenNoMigrate(testkit.NewSchema(t, tg.base), store.NewFakeClock(testkit.Epoch))
				if err == nil {
					err = s.MigrateTo(ctx, 13)
				}
				if err == nil {
					err = copyFixture(t, src, s.DB())
				}
			}
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			before := map[string][]string{}
			columns := map[string][]string{}
			for _, table := range tablesAt0013 {
				columns[table] = tableColumns(t, s, table)
				before[table] = readRows(t, s.DB(), `SELECT `+strings.Join(columns[table], ", ")+` FROM `+table)
			}
			if len(before["data_values"]) == 0 || len(before["partner_shares"]) == 0 {
				t.Fatalf("fixture is empty: %d data values, %d shares", len(before["data_values"]), len(before["partner_shares"]))
			}
			if err := s.Migrate(ctx); err != nil {
				t.Fatalf("migrate from 0013: %v", err)
			}
			for _, table := range tablesAt0013 {
				got := readRows(t, s.DB(), after(table, columns[table]))
				if !slices.Equal(got, before[table]) {
					t.Errorf("%s: %d rows before, %d after; first difference: %s", table, len(before[table]), len(got), firstDiff(before[table], got))
				}
			}
			// 0018 gave every instance there was the five standard note types.
			var instances, noteTypes int
			must(t, s.DB().QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM instances), (SELECT COUNT(*) FROM note_types WHERE builtin)`).Scan(&instances, &noteTypes))
			if instances == 0 || noteTypes != 5*instances {
				t.Errorf("%d standard note types for %d instances, want 5 each", noteTypes, instances)
			}
			q := s.Q()
			partner, err := q.InstanceByCode(ctx, "PARTNER")
			if err != nil {
				t.Fatal(err)
			}
			var moved, favs int
			must(t, s.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM partner_assignments WHERE instance_id = $1`, partner.ID).Scan(&moved))
			must(t, s.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM partner_favorites WHERE instance_id = $1`, partner.ID).Scan(&favs))
			if moved != 1 || favs != 2 {
				t.Errorf("partner rows moved: %d assignments, %d favourites; want 1, 2", moved, favs)
			}
			// Ids go on after the old counters (scorecard 3 was deleted).
			sc, err := q.CreateScorecard(ctx, model.Scorecard{InstanceID: partner.ID, Title: "After"})
			must(t, err)
			if sc.ID != 4 {
				t.Errorf("first scorecard after the migration got id %d, want 4", sc.ID)
			}
			in, err := q.CreateInstance(ctx, model.Instance{Code: "NEWONE", Name: "New", Seats: 1})
			must(t, err)
			if in.ID != 3 {
				t.Errorf("first instance after the migration got id %d, want 3", in.ID)
			}
		})
	}
}

func unpackFixture(t *testing.T) string {
	t.Helper()
	f, err := os.Open(fixture)
	must(t, err)
	defer f.Close()
	zr, err := gzip.NewReader(f)
	must(t, err)
	path := filepath.Join(t.TempDir(), "at0013.db")
	out, err := os.Create(path)
	must(t, err)
	_, err = io.Copy(out, zr)
	must(t, err)
	must(t, out.Close())
	return path
}

func tableColumns(t *testing.T, s *store.Store, table string) []string {
	t.Helper()
	cols, err := s.Columns(ctx)
	must(t, err)
	var out []string
	for _, c := range cols {
		if c.Table == table {
			out = append(out, c.Name)
		}
	}
	if len(out) == 0 {
		t.Fatalf("no columns for %s", table)
	}
	return out
}

// readRows returns a query's rows, each formatted as one line, sorted.
func readRows(t *testing.T, db *sql.DB, query string) []string {
	t.Helper()
	rows, err := db.QueryContext(ctx, query)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	must(t, err)
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		must(t, rows.Scan(ptrs...))
		parts := make([]string, len(vals))
		for i, v := range vals {
			parts[i] = formatValue(v)
		}
		out = append(out, strings.Join(parts, "|"))
	}
	must(t, rows.Err())
	slices.Sort(out)
	return out
}

func formatValue(v any) string {
	switch v := v.(type) {
	case nil:
		return "NULL"
	case time.Time:
		return v.UTC().Format(time.RFC3339Nano)
	case []byte:
		return string(v)
	case bool:
		if v {
			return "1"
		}
		return "0"
	}
	return fmt.Sprint(v)
}

func firstDiff(a, b []string) string {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return fmt.Sprintf("before %q, after %q", a[i], b[i])
		}
	}
	return "(one is a prefix of the other)"
}

// copyFixture copies every row of the SQLite fixture into a PostgreSQL
// schema at 0013, ids included, and sets the identity counters where
// SQLite's were.
func copyFixture(t *testing.T, src string, dst *sql.DB) error {
	t.Helper()
	lite, err := sql.Open("sqlite", "file:"+src+"?mode=ro")
	if err != nil {
		return err
	}
	defer lite.Close()
	for _, table := range tablesAt0013 {
		types := map[string]string{}
		trows, err := dst.QueryContext(ctx, `SELECT column_name, data_type FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = $1`, table)
		if err != nil {
			return err
		}
		for trows.Next() {
			var c, ty string
			if err := trows.Scan(&c, &ty); err != nil {
				return err
			}
			types[c] = ty
		}
		trows.Close()
		rows, err := lite.QueryContext(ctx, `SELECT * FROM `+table)
		if err != nil {
			return err
		}
		cols, err := rows.Columns()
		if err != nil {
			return err
		}
		ph := make([]string, len(cols))
		for i := range ph {
			ph[i] = fmt.Sprintf("$%d", i+1)
		}
		insert := `INSERT INTO ` + table + ` (` + strings.Join(cols, ", ") + `) OVERRIDING SYSTEM VALUE VALUES (` + strings.Join(ph, ", ") + `)`
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return err
			}
			for i, c := range cols {
				if n, ok := vals[i].(int64); ok && types[c] == "boolean" {
					vals[i] = n != 0
				}
			}
			if _, err := dst.ExecContext(ctx, insert, vals...); err != nil {
				rows.Close()
				return fmt.Errorf("copy %s: %w", table, err)
			}
		}
		rows.Close()
	}
	seqs, err := lite.QueryContext(ctx, `SELECT name, seq FROM sqlite_sequence`)
	if err != nil {
		return err
	}
	defer seqs.Close()
	for seqs.Next() {
		var name string
		var seq int64
		if err := seqs.Scan(&name, &seq); err != nil {
			return err
		}
		if _, err := dst.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence($1, 'id'), $2)`, name, seq); err != nil {
			return fmt.Errorf("counter of %s: %w", name, err)
		}
	}
	return seqs.Err()
}
