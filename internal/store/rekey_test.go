package store_test

import (
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"yardstick/internal/model"
	"yardstick/internal/store"
	"yardstick/internal/testkit"
)

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
	testkit.EachAt0013(t, func(t *testing.T, db *testkit.DB) {
		s := db.Store
		before := map[string][]string{}
		columns := map[string][]string{}
		for _, table := range testkit.TablesAt0013 {
			columns[table] = tableColumns(t, s, table)
			before[table] = readRows(t, s.DB(), `SELECT `+strings.Join(columns[table], ", ")+` FROM `+table)
		}
		if len(before["data_values"]) == 0 || len(before["partner_shares"]) == 0 {
			t.Fatalf("fixture is empty: %d data values, %d shares", len(before["data_values"]), len(before["partner_shares"]))
		}
		if err := s.Migrate(ctx); err != nil {
			t.Fatalf("migrate from 0013: %v", err)
		}
		for _, table := range testkit.TablesAt0013 {
			got := readRows(t, s.DB(), after(table, columns[table]))
			if !slices.Equal(got, before[table]) {
				t.Errorf("%s: %d rows before, %d after; first difference: %s", table, len(before[table]), len(got), firstDiff(before[table], got))
			}
		}
		// 0016 fills in each account's count of active memberships.
		counted := map[string]bool{}
		for _, row := range readRows(t, s.DB(), `SELECT account_id, COUNT(*) FROM memberships WHERE active GROUP BY account_id ORDER BY account_id`) {
			counted[row] = true
		}
		busy := 0
		for _, row := range readRows(t, s.DB(), `SELECT id, active_memberships FROM accounts ORDER BY id`) {
			if strings.HasSuffix(row, "|0") {
				continue
			}
			busy++
			if !counted[row] {
				t.Errorf("account's count of active memberships after 0016: %s, not what its memberships say", row)
			}
		}
		if busy != len(counted) || busy == 0 {
			t.Errorf("after 0016, %d accounts count active memberships; memberships say %d", busy, len(counted))
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
