package testkit

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"yardstick/internal/access"
	"yardstick/internal/store"
)

func TestMain(m *testing.M) { os.Exit(Main(m)) }

// A database that Main hands out again is as a new one: the same tables
// and rows (only schema_migrations') and sequences at their start, so the
// next instance gets the id it would in a new database.
func TestReusedSchemaIsAsNew(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		fresh, err := store.Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "fresh.db"), store.NewFakeClock(Epoch))
		if err != nil {
			t.Fatal(err)
		}
		defer fresh.Close()
		if got, want := snapshot(t, NewSQLite(t).Store), snapshot(t, fresh); got != want {
			t.Errorf("a copy of the template:\n%s\nwant as a new database:\n%s", got, want)
		}
	})
	EachServerDB(t, func(t *testing.T, db *DB) {
		base := PostgresURL(t)
		if db.Name == "citus" {
			base = CitusURL(t)
		}
		fresh := open(t, db.Name, NewSchema(t, base)).Store
		want := snapshot(t, fresh)
		in := MustCreateInstance(t, fresh, "ACME", "Acme")
		MustCreateMember(t, fresh, in, "ada@example.org", access.PresetAdministration)

		// The first use writes rows and draws ids; the second must not see them.
		var used string
		t.Run("first", func(t *testing.T) {
			db := openSchema(t, db.Name, base)
			used = db.URL
			in := MustCreateInstance(t, db.Store, "ACME", "Acme")
			MustCreateMember(t, db.Store, in, "ada@example.org", access.PresetAdministration)
			MustCreateInstance(t, db.Store, "BETA", "Beta")
		})
		t.Run("again", func(t *testing.T) {
			db := openSchema(t, db.Name, base)
			if db.URL != used {
				t.Fatalf("got schema %s, want %s again", db.URL, used)
			}
			if got := snapshot(t, db.Store); got != want {
				t.Errorf("reused schema:\n%s\nwant as a new one:\n%s", got, want)
			}
			again := MustCreateInstance(t, db.Store, "ACME", "Acme")
			if again.ID != in.ID {
				t.Errorf("first instance of the reused schema has id %d, of a new one %d", again.ID, in.ID)
			}
		})
	})
}

// snapshot describes a database's contents: each table's row count, the
// migrations recorded and where each sequence stands.
func snapshot(t *testing.T, s *store.Store) string {
	t.Helper()
	q := `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1`
	if s.Dialect() == store.SQLite {
		q = `SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY 1`
	}
	var tables []string
	if err := queryStrings(context.Background(), s.DB(), &tables, q); err != nil {
		t.Fatal(err)
	}
	out := ""
	for _, tb := range tables {
		var n int
		if err := s.DB().QueryRow(`SELECT COUNT(*) FROM ` + quoteIdent(tb)).Scan(&n); err != nil {
			t.Fatal(err)
		}
		out += tb + " " + strconv.Itoa(n) + "\n"
	}
	if s.Dialect() != store.SQLite {
		var seqs []string
		if err := queryStrings(context.Background(), s.DB(), &seqs, `SELECT sequencename || ' at ' || COALESCE(last_value::text, 'start')
			FROM pg_sequences WHERE schemaname = current_schema() ORDER BY 1`); err != nil {
			t.Fatal(err)
		}
		for _, sq := range seqs {
			out += sq + "\n"
		}
	}
	var migrations []string
	if err := queryStrings(context.Background(), s.DB(), &migrations,
		`SELECT version || ' ' || name || ' ' || applied_at FROM schema_migrations ORDER BY version`); err != nil {
		t.Fatal(err)
	}
	for _, m := range migrations {
		out += m + "\n"
	}
	return out
}
