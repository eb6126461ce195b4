package store_test

import (
	"bufio"
	"os"
	"slices"
	"strings"
	"testing"

	"yardstick/internal/testkit"
)

// placement reads the table of DESIGN.md's "Data placement" section
// (placement.md points there): table → distributed, reference or
// coordinator.
func placement(t *testing.T) map[string]string {
	t.Helper()
	f, err := os.Open("../../DESIGN.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	in := false
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "## ") {
			in = sc.Text() == "## Data placement"
		}
		if !in {
			continue
		}
		cells := strings.Split(sc.Text(), "|")
		if len(cells) < 4 || strings.TrimSpace(cells[0]) != "" {
			continue
		}
		table, place := strings.TrimSpace(cells[1]), strings.TrimSpace(cells[2])
		switch place {
		case "distributed", "reference", "coordinator":
			if _, dup := out[table]; dup {
				t.Errorf("DESIGN.md's data placement names %s twice", table)
			}
			out[table] = place
		}
	}
	if len(out) == 0 {
		t.Fatal("DESIGN.md: no data placement rows read")
	}
	return out
}

// TestPlacementNamesEveryTable: every table of the schema has a row in
// placement.md, every row is a table, and every table with an instance_id
// column is distributed unless its row says why not.
func TestPlacementNamesEveryTable(t *testing.T) {
	want := placement(t)
	db := testkit.NewSQLite(t)
	cols, err := db.Store.Columns(ctx)
	must(t, err)
	tables, tenant := map[string]bool{}, map[string]bool{}
	for _, c := range cols {
		tables[c.Table] = true
		if c.Name == "instance_id" {
			tenant[c.Table] = true
		}
	}
	for table := range tables {
		if _, ok := want[table]; !ok {
			t.Errorf("table %s has no row in placement.md (a tenant table is distributed by instance_id)", table)
		}
	}
	for table, place := range want {
		if !tables[table] {
			t.Errorf("placement.md names %s, which is not a table", table)
		}
		if place == "distributed" && !tenant[table] {
			t.Errorf("%s is distributed but has no instance_id", table)
		}
	}
	for table := range tenant {
		if want[table] != "distributed" && table != "outbox" {
			t.Errorf("%s has instance_id but is placed %q", table, want[table])
		}
	}
}

// TestTenantKeysDistribute checks on PostgreSQL (and Citus) what Citus
// needs of every distributed table and what keeps instances apart:
// instance_id NOT NULL, leading the primary key, in every unique index,
// and on both sides of every foreign key between distributed tables.
func TestTenantKeysDistribute(t *testing.T) {
	want := placement(t)
	var dist []string
	for table, place := range want {
		if place == "distributed" {
			dist = append(dist, table)
		}
	}
	slices.Sort(dist)
	// Catalogs of PostgreSQL and Citus. SQLite keeps rowid ids; its
	// composite keys are checked by TestDatabaseRefusesRowsJoiningTwoInstances.
	testkit.EachServerDB(t, func(t *testing.T, db *testkit.DB) {
		sqlDB := db.Store.DB()
		for _, table := range dist {
			var nullable, lead string
			if err := sqlDB.QueryRowContext(ctx, `SELECT is_nullable FROM information_schema.columns
				WHERE table_schema = current_schema() AND table_name = $1 AND column_name = 'instance_id'`, table).Scan(&nullable); err != nil {
				t.Errorf("%s: instance_id: %v", table, err)
				continue
			}
			if nullable != "NO" {
				t.Errorf("%s: instance_id may be NULL", table)
			}
			if err := sqlDB.QueryRowContext(ctx, `SELECT a.attname FROM pg_index i
				JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
				WHERE i.indisprimary AND i.indrelid = (current_schema() || '.' || $1)::regclass`, table).Scan(&lead); err != nil {
				t.Errorf("%s: primary key: %v", table, err)
			} else if lead != "instance_id" {
				t.Errorf("%s: primary key leads with %s, want instance_id", table, lead)
			}
			rows, err := sqlDB.QueryContext(ctx, `SELECT ic.relname FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
				WHERE i.indisunique AND i.indrelid = (current_schema() || '.' || $1)::regclass
				AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = i.indrelid AND a.attname = 'instance_id' AND a.attnum = ANY (i.indkey))`, table)
			must(t, err)
			for rows.Next() {
				var name string
				must(t, rows.Scan(&name))
				t.Errorf("%s: unique index %s lacks instance_id", table, name)
			}
			rows.Close()
		}
		// Foreign keys between two distributed tables pair instance_id
		// with instance_id.
		rows, err := sqlDB.QueryContext(ctx, `SELECT c.conname, c.conrelid::regclass::text, c.confrelid::regclass::text,
				EXISTS (SELECT 1 FROM unnest(c.conkey, c.confkey) AS k(a, b)
					JOIN pg_attribute x ON x.attrelid = c.conrelid AND x.attnum = k.a
					JOIN pg_attribute y ON y.attrelid = c.confrelid AND y.attnum = k.b
					WHERE x.attname = 'instance_id' AND y.attname = 'instance_id')
			FROM pg_constraint c WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace`)
		must(t, err)
		defer rows.Close()
		for rows.Next() {
			var name, from, to string
			var paired bool
			must(t, rows.Scan(&name, &from, &to, &paired))
			if want[from] == "distributed" && want[to] == "distributed" && !paired {
				t.Errorf("foreign key %s from %s to %s does not pair instance_id on both sides", name, from, to)
			}
			if want[to] == "distributed" && want[from] != "distributed" {
				t.Errorf("foreign key %s: %s (%s) references the distributed %s", name, from, want[from], to)
			}
		}
		must(t, rows.Err())
	})
}

// TestCitusPlacement: after the migrations on the Citus cluster,
// pg_dist_partition lists each table exactly as placement.md says.
func TestCitusPlacement(t *testing.T) {
	want := placement(t)
	if testkit.CitusURL(t) == "" {
		t.Skip("YARDSTICK_TEST_CITUS_URL not set (use `make test`)")
	}
	db := testkit.NewCitus(t)
	rows, err := db.Store.DB().QueryContext(ctx, `SELECT c.relname, p.partmethod, p.repmodel,
			COALESCE(column_to_column_name(p.logicalrelid, p.partkey), ''), p.colocationid
		FROM pg_dist_partition p JOIN pg_class c ON c.oid = p.logicalrelid
		WHERE c.relnamespace = current_schema()::regnamespace`)
	must(t, err)
	defer rows.Close()
	got := map[string]string{}
	colocation := map[int64][]string{}
	for rows.Next() {
		var table, method, repmodel, column string
		var group int64
		must(t, rows.Scan(&table, &method, &repmodel, &column, &group))
		switch {
		case method == "h" && column == "instance_id":
			got[table] = "distributed"
			colocation[group] = append(colocation[group], table)
		case method == "n" && repmodel == "t":
			got[table] = "reference"
		case method == "n" && repmodel == "s":
			got[table] = "coordinator" // a Citus local table
		default:
			got[table] = "partitioned by " + method + " on " + column
		}
	}
	must(t, rows.Err())
	for table, place := range want {
		have, ok := got[table]
		if !ok {
			have = "coordinator" // a plain table on the coordinator
		}
		if have != place {
			t.Errorf("%s is %s on Citus, placement.md says %s", table, have, place)
		}
	}
	for table := range got {
		if _, ok := want[table]; !ok {
			t.Errorf("%s is in pg_dist_partition (%s) but not in placement.md", table, got[table])
		}
	}
	if len(colocation) != 1 {
		t.Errorf("distributed tables fall in %d colocation groups, want 1: %v", len(colocation), colocation)
	}
}
