package testkit

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
	"time"

	"yardstick/internal/store"
)

// Epoch is the fixed time fake clocks start at.
var Epoch = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// InCI reports whether the tests run in CI, where nothing may be skipped.
func InCI() bool { return os.Getenv("CI") == "true" }

// PostgresURL returns the throwaway test database, or "" outside CI when
// none is set up. In CI its absence fails the test.
func PostgresURL(t testing.TB) string {
	u := os.Getenv("YARDSTICK_TEST_POSTGRES_URL")
	if u == "" && InCI() {
		t.Fatal("CI=true but YARDSTICK_TEST_POSTGRES_URL is not set: run the tests through `make test`")
	}
	return u
}

// CitusURL returns a database on the test Citus cluster, or "" outside CI
// when none is set up. In CI its absence fails the test.
func CitusURL(t testing.TB) string {
	u := os.Getenv("YARDSTICK_TEST_CITUS_URL")
	if u == "" && InCI() {
		t.Fatal("CI=true but YARDSTICK_TEST_CITUS_URL is not set: run the tests through `make test`")
	}
	return u
}

// ToolPath returns the program scripts/testenv.sh named in env (poppler's
// pdftotext, say), or "" outside CI when it is not set up. In CI its
// absence fails the test: a check that did not run is a gap.
func ToolPath(t testing.TB, env, what string) string {
	p := os.Getenv(env)
	if p == "" && InCI() {
		t.Fatalf("CI=true but %s (%s) is not set: run the tests through `make test`", env, what)
	}
	return p
}

// DB is one database under test.
type DB struct {
	Name  string // "sqlite", "postgres" or "citus"
	URL   string
	Store *store.Store
	Clock *store.FakeClock
}

// EachDB runs fn once against a fresh SQLite database, once against a
// fresh PostgreSQL schema and once against a fresh schema on the Citus
// cluster (each when available), as subtests named "sqlite", "postgres"
// and "citus".
func EachDB(t *testing.T, fn func(t *testing.T, db *DB)) {
	t.Helper()
	for _, d := range append([]namedDB{{"sqlite", NewSQLite}}, serverDBs(t)...) {
		t.Run(d.name, func(t *testing.T) { fn(t, d.open(t)) })
	}
}

// EachDBParallel is EachDB with the subtests run in parallel with one
// another (t.Parallel), for long tests that spend their time waiting on
// the browser or a database server. Each subtest has a database of its
// own, but fn must not measure time or memory nor call t.Setenv, and the
// test must do nothing after EachDBParallel: the subtests run once the
// test function has returned.
func EachDBParallel(t *testing.T, fn func(t *testing.T, db *DB)) {
	t.Helper()
	for _, d := range append([]namedDB{{"sqlite", NewSQLite}}, serverDBs(t)...) {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel()
			fn(t, d.open(t))
		})
	}
}

// SQLiteAndPostgres runs fn on SQLite and PostgreSQL only: for the long
// sweeps whose subject is how values and time behave (hostile input,
// sign-in timing), which Citus's workers, plain PostgreSQL underneath,
// would only repeat at the cost of minutes of make test.
func SQLiteAndPostgres(t *testing.T, fn func(t *testing.T, db *DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, NewSQLite(t)) })
	if PostgresURL(t) != "" {
		t.Run("postgres", func(t *testing.T) { fn(t, NewPostgres(t)) })
	} else {
		t.Log("postgres: YARDSTICK_TEST_POSTGRES_URL not set; ran SQLite only (use `make test`)")
	}
}

// EachServerDB runs fn on PostgreSQL and on Citus, for checks of their
// catalogs, which SQLite does not have.
func EachServerDB(t *testing.T, fn func(t *testing.T, db *DB)) {
	t.Helper()
	for _, d := range serverDBs(t) {
		t.Run(d.name, func(t *testing.T) { fn(t, d.open(t)) })
	}
}

type namedDB struct {
	name string
	open func(testing.TB) *DB
}

// serverDBs are PostgreSQL and Citus where they are set up; it logs the
// ones that are not.
func serverDBs(t *testing.T) []namedDB {
	t.Helper()
	var dbs []namedDB
	if PostgresURL(t) != "" {
		dbs = append(dbs, namedDB{"postgres", NewPostgres})
	} else {
		t.Log("postgres: YARDSTICK_TEST_POSTGRES_URL not set; ran SQLite only (use `make test`)")
	}
	if CitusURL(t) != "" {
		dbs = append(dbs, namedDB{"citus", NewCitus})
	} else {
		t.Log("citus: YARDSTICK_TEST_CITUS_URL not set; Citus not tried (use `make test`)")
	}
	return dbs
}

// NewSQLite opens a migrated SQLite database in a temporary directory.
func NewSQLite(t testing.TB) *DB {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.db")
	if reuse.on {
		newSQLiteCopy(t, path)
		return openMigrated(t, "sqlite", "sqlite:"+path)
	}
	return open(t, "sqlite", "sqlite:"+path)
}

// NewPostgres creates a schema of its own in the test database, opens a
// migrated store on it, and drops the schema when the test ends.
func NewPostgres(t testing.TB) *DB {
	t.Helper()
	base := PostgresURL(t)
	if base == "" {
		t.Fatal("NewPostgres: YARDSTICK_TEST_POSTGRES_URL not set")
	}
	return openSchema(t, "postgres", base)
}

// NewCitus is NewPostgres on the Citus cluster's coordinator: the
// migrations distribute the tables there.
func NewCitus(t testing.TB) *DB {
	t.Helper()
	base := CitusURL(t)
	if base == "" {
		t.Fatal("NewCitus: YARDSTICK_TEST_CITUS_URL not set")
	}
	return openSchema(t, "citus", base)
}

// openSchema opens a migrated store on a schema of its own in the database
// at base: a new one, or under Main one an earlier test emptied.
func openSchema(t testing.TB, name, base string) *DB {
	t.Helper()
	if !reuse.on {
		return open(t, name, NewSchema(t, base))
	}
	u, fresh := takeSchema(t, base)
	if fresh {
		return open(t, name, u)
	}
	return openMigrated(t, name, u)
}

// NewSchema creates an empty schema of its own in the PostgreSQL (or
// Citus) database at base, drops it when the test ends, and returns base
// with the schema as its search_path.
func NewSchema(t testing.TB, base string) string {
	t.Helper()
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if err := schemaDDL(admin, `CREATE SCHEMA `+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer a.Close()
		schemaDDL(a, `DROP SCHEMA `+schema+` CASCADE`)
	})
	return schemaURL(t, base, schema)
}

func open(t testing.TB, name, u string) *DB {
	t.Helper()
	clock := store.NewFakeClock(Epoch)
	s, err := store.Open(context.Background(), u, clock)
	if err != nil {
		t.Fatalf("open %s: %v", name, err)
	}
	t.Cleanup(func() { s.Close() })
	return &DB{Name: name, URL: u, Store: s, Clock: clock}
}

// openMigrated is open on a database already at the latest migration (a
// copy or an emptied schema), where store.Open's Migrate would find
// nothing to do.
func openMigrated(t testing.TB, name, u string) *DB {
	t.Helper()
	clock := store.NewFakeClock(Epoch)
	s, err := store.OpenNoMigrate(u, clock)
	if err != nil {
		t.Fatalf("open %s: %v", name, err)
	}
	t.Cleanup(func() { s.Close() })
	return &DB{Name: name, URL: u, Store: s, Clock: clock}
}

// schemaDDL runs a statement making or dropping a test's schema under the
// lock store.Migrate takes on Citus: dropping one schema's distributed
// tables while another's are distributed deadlocked on the cluster's
// metadata when test packages ran in parallel.
func schemaDDL(db *sql.DB, stmt string) error {
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.Exec(`SELECT pg_advisory_xact_lock(hashtext('yardstick migrate'))
		WHERE EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')`); err != nil {
		return err
	}
	if _, err := tx.Exec(stmt); err != nil {
		return err
	}
	return tx.Commit()
}

// OnPostgres runs fn, as a subtest named "postgres", with the URL of the
// test PostgreSQL database, for tests that are about PostgreSQL itself
// (pg_dump, a server going away). Without one it says so, as EachServerDB
// does; in CI PostgresURL has failed the test already.
func OnPostgres(t *testing.T, fn func(t *testing.T, base string)) {
	t.Helper()
	base := PostgresURL(t)
	if base == "" {
		t.Log("postgres: YARDSTICK_TEST_POSTGRES_URL not set; not tried (use `make test`)")
		return
	}
	t.Run("postgres", func(t *testing.T) { fn(t, base) })
}
