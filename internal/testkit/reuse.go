package testkit

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"yardstick/internal/store"
)

// Making a migrated database is the dearest part of most database tests:
// on Citus a new schema takes 2–3 s (the migrations distribute some 45
// tables) and about 1 s more to drop, on PostgreSQL 0.3–1 s, on SQLite
// 40 ms. A package whose TestMain runs its tests through Main gets each
// test's database as new for far less:
//
//   - SQLite: a copy of one file migrated once per process;
//   - PostgreSQL and Citus: a schema an earlier test of the process used,
//     emptied when that test ended. A migrated schema holds no row but
//     schema_migrations', so deleting every other row and setting every
//     sequence back to its start leaves it as a new one would be.
//
// Tests cannot tell the difference; TestReusedSchemaIsAsNew checks it.

// reuse is the state of Main; on is false in packages that do not use it.
var reuse struct {
	on bool

	sqliteOnce sync.Once
	sqliteDir  string // holds the migrated template file
	sqliteFile string
	sqliteErr  error

	mu      sync.Mutex
	free    map[string][]string // base URL → emptied schemas ready for a test
	made    map[string][]string // base URL → every schema made, dropped by Main
	tables  map[string][]string // base URL → tables in an order that deletes children first
	counter int
}

// Main runs a package's tests with databases reused as described above and
// removes them afterwards: func TestMain(m *testing.M) { os.Exit(testkit.Main(m)) }.
func Main(m *testing.M) int {
	reuse.on = true
	reuse.free, reuse.made, reuse.tables = map[string][]string{}, map[string][]string{}, map[string][]string{}
	shared.logs = map[testing.TB]func(string, ...any){}
	code := m.Run()
	stopSharedBrowser()
	for base, schemas := range reuse.made {
		if err := dropSchemas(base, schemas); err != nil {
			fmt.Fprintf(os.Stderr, "testkit: dropping the test schemas: %v\n", err)
		}
	}
	if reuse.sqliteDir != "" {
		os.RemoveAll(reuse.sqliteDir)
	}
	return code
}

// newSQLiteCopy puts a copy of the migrated template at path.
func newSQLiteCopy(t testing.TB, path string) {
	t.Helper()
	reuse.sqliteOnce.Do(func() { reuse.sqliteFile, reuse.sqliteErr = makeSQLiteTemplate() })
	if reuse.sqliteErr != nil {
		t.Fatalf("SQLite template: %v", reuse.sqliteErr)
	}
	if err := copyFile(reuse.sqliteFile, path); err != nil {
		t.Fatalf("copy the SQLite template: %v", err)
	}
}

// makeSQLiteTemplate migrates a database at Epoch (as open does, so even
// schema_migrations' times are the same) and folds its WAL into the file,
// which alone is then a whole database.
func makeSQLiteTemplate() (string, error) {
	dir, err := os.MkdirTemp("", "yardstick-testdb-")
	if err != nil {
		return "", err
	}
	reuse.sqliteDir = dir
	file := filepath.Join(dir, "template.db")
	s, err := store.Open(context.Background(), "sqlite:"+file, store.NewFakeClock(Epoch))
	if err != nil {
		return "", err
	}
	return file, closeWhole(s, file)
}

// closeWhole closes a SQLite store at file and makes sure the file alone
// holds the database: closing the last connection checkpoints the WAL.
func closeWhole(s *store.Store, file string) error {
	if err := s.Close(); err != nil {
		return err
	}
	if fi, err := os.Stat(file + "-wal"); err == nil && fi.Size() > 0 {
		return fmt.Errorf("%s: the WAL was not checkpointed on close", file)
	}
	return nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// takeSchema returns the URL of a migrated schema in the database at base
// for this test alone, and whether it still needs migrating (it is new).
// When the test ends (after the store on it is closed, as open's cleanup
// is registered later) the schema is emptied and kept for another test.
func takeSchema(t testing.TB, base string) (u string, fresh bool) {
	t.Helper()
	reuse.mu.Lock()
	var schema string
	if free := reuse.free[base]; len(free) > 0 {
		schema, reuse.free[base] = free[len(free)-1], free[:len(free)-1]
	}
	reuse.mu.Unlock()
	if schema == "" {
		fresh = true
		reuse.mu.Lock()
		reuse.counter++
		schema = fmt.Sprintf("t_reused_%d_%d", os.Getpid(), reuse.counter)
		reuse.made[base] = append(reuse.made[base], schema)
		reuse.mu.Unlock()
		if err := createSchema(base, schema); err != nil {
			t.Fatalf("create schema: %v", err)
		}
	}
	u = schemaURL(t, base, schema)
	t.Cleanup(func() {
		if err := emptySchema(base, u); err != nil {
			// Left for Main to drop; the next test makes another.
			t.Logf("schema %s is not reused: %v", schema, err)
			return
		}
		reuse.mu.Lock()
		reuse.free[base] = append(reuse.free[base], schema)
		reuse.mu.Unlock()
	})
	return u, fresh
}

// emptySchema deletes every row of the schema at u but schema_migrations'
// and sets its sequences back to their start.
func emptySchema(base, u string) error {
	db, err := sql.Open("pgx", u)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	tables, err := deleteOrder(ctx, base, db)
	if err != nil {
		return err
	}
	// Only the tables holding rows: on Citus a DELETE reaches every shard,
	// and one query finding the few a test wrote is cheaper.
	probes := make([]string, len(tables))
	for i, tb := range tables {
		probes[i] = fmt.Sprintf(`SELECT %d WHERE EXISTS (SELECT 1 FROM %s)`, i, quoteIdent(tb))
	}
	rows, err := db.QueryContext(ctx, strings.Join(probes, " UNION ALL "))
	if err != nil {
		return err
	}
	var dirty []int
	for rows.Next() {
		var i int
		if err := rows.Scan(&i); err != nil {
			rows.Close()
			return err
		}
		dirty = append(dirty, i)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	slices.Sort(dirty) // deleteOrder's order: children first
	return store.RetryDeadlock(func() error {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		// Citus refuses a write to a reference table after a multi-shard
		// DELETE in the same transaction unless it runs on one connection
		// per node, as the store's connections do (store.citusSequential).
		if _, err := tx.ExecContext(ctx, `DO $$ BEGIN
			IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
				SET LOCAL citus.multi_shard_modify_mode TO 'sequential';
			END IF;
		END $$`); err != nil {
			return err
		}
		for _, i := range dirty {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+quoteIdent(tables[i])); err != nil {
				return fmt.Errorf("empty %s: %w", tables[i], err)
			}
		}
		if _, err := tx.ExecContext(ctx, `SELECT setval(format('%I.%I', schemaname, sequencename)::regclass, start_value, false)
			FROM pg_sequences WHERE schemaname = current_schema() AND last_value IS NOT NULL`); err != nil {
			return fmt.Errorf("reset sequences: %w", err)
		}
		return tx.Commit()
	})
}

// deleteOrder lists the schema's tables but schema_migrations, each after
// the tables whose foreign keys reference it; every schema of base has the
// same tables, so the list is made once.
func deleteOrder(ctx context.Context, base string, db *sql.DB) ([]string, error) {
	reuse.mu.Lock()
	tables, ok := reuse.tables[base]
	reuse.mu.Unlock()
	if ok {
		return tables, nil
	}
	var names []string
	if err := queryStrings(ctx, db, &names, `SELECT tablename FROM pg_tables
		WHERE schemaname = current_schema() AND tablename NOT IN ('schema_migrations', 'river_migration') ORDER BY 1`); err != nil {
		return nil, err
	}
	var edges []string // "child parent" pairs
	if err := queryStrings(ctx, db, &edges, `SELECT c.conrelid::regclass::text || ' ' || c.confrelid::regclass::text
		FROM pg_constraint c WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace AND c.conrelid <> c.confrelid`); err != nil {
		return nil, err
	}
	referencedBy := map[string][]string{}
	for _, e := range edges {
		child, parent, _ := strings.Cut(e, " ")
		referencedBy[unqualify(parent)] = append(referencedBy[unqualify(parent)], unqualify(child))
	}
	// Depth-first: a table is listed once every table referencing it is.
	state := map[string]int{} // 1 visiting, 2 listed
	var visit func(string) error
	visit = func(tb string) error {
		switch state[tb] {
		case 1:
			return fmt.Errorf("foreign keys form a cycle through %s", tb)
		case 2:
			return nil
		}
		state[tb] = 1
		for _, c := range referencedBy[tb] {
			if err := visit(c); err != nil {
				return err
			}
		}
		state[tb] = 2
		tables = append(tables, tb)
		return nil
	}
	for _, tb := range names {
		if err := visit(tb); err != nil {
			return nil, err
		}
	}
	reuse.mu.Lock()
	reuse.tables[base] = tables
	reuse.mu.Unlock()
	return tables, nil
}

func queryStrings(ctx context.Context, db *sql.DB, out *[]string, query string) error {
	rows, err := db.QueryContext(ctx, query)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return err
		}
		*out = append(*out, s)
	}
	return rows.Err()
}

// unqualify drops the schema a regclass name may carry.
func unqualify(name string) string {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		name = name[i+1:]
	}
	return strings.Trim(name, `"`)
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func createSchema(base, schema string) error {
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return err
	}
	defer admin.Close()
	return schemaDDL(admin, `CREATE SCHEMA `+schema)
}

func dropSchemas(base string, schemas []string) error {
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return err
	}
	defer admin.Close()
	var errs []error
	for _, s := range schemas {
		errs = append(errs, schemaDDL(admin, `DROP SCHEMA IF EXISTS `+s+` CASCADE`))
	}
	return errors.Join(errs...)
}

// schemaURL is base with schema as its search_path.
func schemaURL(t testing.TB, base, schema string) string {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// SQLiteTemplate is a SQLite database built once per process (the content
// many tests start from, when building it is dear and the tests are many)
// of which each test gets a copy of its own, with the value the build
// returned (the ids and sessions it made). Copy and build share nothing
// but the file's bytes: the copy is what the build left, as a new build
// would leave it. Without Main each test builds it anew.
type SQLiteTemplate[T any] struct {
	once  sync.Once
	file  string
	now   time.Time // the build's clock when it was done
	value T
}

// Copy returns a copy of the template's database and the build's value;
// the first call builds it with build, which must fail t if it cannot.
// build may use db only until it returns: the template is closed then.
func (tp *SQLiteTemplate[T]) Copy(t testing.TB, build func(db *DB) T) (*DB, T) {
	t.Helper()
	if !reuse.on {
		db := NewSQLite(t)
		return db, build(db)
	}
	tp.once.Do(func() {
		reuse.sqliteOnce.Do(func() { reuse.sqliteFile, reuse.sqliteErr = makeSQLiteTemplate() })
		if reuse.sqliteErr != nil {
			t.Fatalf("SQLite template: %v", reuse.sqliteErr)
		}
		f, err := os.CreateTemp(reuse.sqliteDir, "built-*.db")
		if err != nil {
			t.Fatal(err)
		}
		f.Close()
		if err := copyFile(reuse.sqliteFile, f.Name()); err != nil {
			t.Fatal(err)
		}
		clock := store.NewFakeClock(Epoch)
		s, err := store.OpenNoMigrate("sqlite:"+f.Name(), clock)
		if err != nil {
			t.Fatal(err)
		}
		closed := false
		defer func() {
			if !closed {
				s.Close()
			}
		}()
		value := build(&DB{Name: "sqlite", URL: "sqlite:" + f.Name(), Store: s, Clock: clock})
		closed = true
		if err := closeWhole(s, f.Name()); err != nil {
			t.Fatal(err)
		}
		tp.file, tp.now, tp.value = f.Name(), clock.Now(), value
	})
	if tp.file == "" {
		t.Fatal("the SQLite template could not be built: see the first test that used it")
	}
	path := filepath.Join(t.TempDir(), "test.db")
	if err := copyFile(tp.file, path); err != nil {
		t.Fatal(err)
	}
	db := openMigrated(t, "sqlite", "sqlite:"+path)
	db.Clock.Set(tp.now)
	return db, tp.value
}
