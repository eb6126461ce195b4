package testkit

import (
	"compress/gzip"
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"yardstick/internal/store"
)

// TablesAt0013 lists the tables of migration 0013 in an order that
// satisfies their foreign keys.
var TablesAt0013 = []string{"instances", "accounts", "memberships", "sessions", "password_tokens", "login_throttle", "outbox",
	"object_types", "frequencies", "scorecards", "objects", "object_tags", "scorecard_links", "object_links", "scorecard_objects",
	"membership_scorecards", "data_values", "color_bands", "favorites", "activity_log", "imports", "partner_requests",
	"partner_channels", "partner_shares", "partner_referrals", "email_changes", "client_throttle", "outside_mail"}

// At0013 opens a database of the kind named ("sqlite", "postgres" or
// "citus") at migration 0013, not migrated further, holding the rows of
// store/testdata/at0013_demo_partner.db.gz: a SQLite database made by the
// code of that time (at0013_mkfixture.go.txt beside it) with the demo, a
// partner instance connected both ways, two shared scorecards, a partner's
// assignment and favourites of shared content, own ones, and a deleted
// scorecard (so an id counter runs past the largest id). The migration
// tests migrate it and look at what survived.
func At0013(t testing.TB, name string) *DB {
	t.Helper()
	src := unpackAt0013(t)
	clock := store.NewFakeClock(Epoch)
	var u string
	switch name {
	case "sqlite":
		u = "sqlite:" + src
	case "postgres":
		u = NewSchema(t, PostgresURL(t))
	case "citus":
		u = NewSchema(t, CitusURL(t))
	default:
		t.Fatalf("At0013: unknown database %q", name)
	}
	s, err := store.OpenNoMigrate(u, clock)
	if err != nil {
		t.Fatalf("open %s: %v", name, err)
	}
	t.Cleanup(func() { s.Close() })
	if name != "sqlite" {
		ctx := context.Background()
		if err := s.MigrateTo(ctx, 13); err != nil {
			t.Fatalf("%s: migrate to 0013: %v", name, err)
		}
		if err := copyAt0013(ctx, src, s.DB()); err != nil {
			t.Fatalf("%s: load the fixture: %v", name, err)
		}
	}
	return &DB{Name: name, URL: u, Store: s, Clock: clock}
}

// EachAt0013 runs fn on At0013 of each database EachDB would use.
func EachAt0013(t *testing.T, fn func(t *testing.T, db *DB)) {
	t.Helper()
	names := []string{"sqlite"}
	if PostgresURL(t) != "" {
		names = append(names, "postgres")
	}
	if CitusURL(t) != "" {
		names = append(names, "citus")
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) { fn(t, At0013(t, name)) })
	}
}

func unpackAt0013(t testing.TB) string {
	t.Helper()
	_, here, _, _ := runtime.Caller(0)
	f, err := os.Open(filepath.Join(filepath.Dir(here), "..", "store", "testdata", "at0013_demo_partner.db.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "at0013.db")
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, zr); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// copyAt0013 copies every row of the SQLite fixture into a PostgreSQL
// schema at 0013, ids included, and sets the identity counters where
// SQLite's were.
func copyAt0013(ctx context.Context, src string, dst *sql.DB) error {
	lite, err := sql.Open("sqlite", "file:"+src+"?mode=ro")
	if err != nil {
		return err
	}
	defer lite.Close()
	for _, table := range TablesAt0013 {
		if err := copyTable(ctx, lite, dst, table); err != nil {
			return err
		}
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

func copyTable(ctx context.Context, lite, dst *sql.DB, table string) error {
	types := map[string]string{}
	trows, err := dst.QueryContext(ctx, `SELECT column_name, data_type FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = $1`, table)
	if err != nil {
		return err
	}
	for trows.Next() {
		var c, ty string
		if err := trows.Scan(&c, &ty); err != nil {
			trows.Close()
			return err
		}
		types[c] = ty
	}
	trows.Close()
	rows, err := lite.QueryContext(ctx, `SELECT * FROM `+table)
	if err != nil {
		return err
	}
	defer rows.Close()
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
			return err
		}
		for i, c := range cols {
			if n, ok := vals[i].(int64); ok && types[c] == "boolean" {
				vals[i] = n != 0
			}
		}
		if _, err := dst.ExecContext(ctx, insert, vals...); err != nil {
			return fmt.Errorf("copy %s: %w", table, err)
		}
	}
	return rows.Err()
}
