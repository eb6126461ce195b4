package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

//go:embed migrations
var migrationFiles embed.FS

// Migration is one numbered schema change.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Migrations returns the dialect's migrations in order.
func Migrations(d Dialect) ([]Migration, error) {
	dir := path.Join("migrations", string(d))
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return nil, err
	}
	var out []Migration
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".sql") {
			continue
		}
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name must be NNNN_name.sql", name)
		}
		body, err := fs.ReadFile(migrationFiles, path.Join(dir, name))
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: v, Name: strings.TrimSuffix(name, ".sql"), SQL: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	// Numbers only go up; a gap is allowed, since a number may be taken by
	// work not merged yet (0014 was, when 0015 was written).
	for i, m := range out {
		if i > 0 && m.Version == out[i-1].Version {
			return nil, fmt.Errorf("migration %s: version %d is taken by %s", m.Name, m.Version, out[i-1].Name)
		}
	}
	return out, nil
}

// Migrate applies the migrations not yet recorded, each in its own
// transaction. Forward only.
// River's tables follow ours (see migrateJobs).
func (s *Store) Migrate(ctx context.Context) error {
	if err := s.MigrateTo(ctx, 1<<31-1); err != nil {
		return err
	}
	return s.migrateJobs(ctx)
}

// MigrateTo is Migrate stopping after version last, for tests that start
// from an older schema.
func (s *Store) MigrateTo(ctx context.Context, last int) error {
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("migrations table: %w", err)
	}
	ms, err := Migrations(s.dialect)
	if err != nil {
		return err
	}
	if err := s.refuseNewer(ctx, ms); err != nil {
		return err
	}
	// Read once, so a start on an up-to-date database opens no
	// transaction per migration (on SQLite each one ended in a foreign key
	// check of the whole database: 20 s a start at 1 GB).
	applied, err := s.appliedMigrations(ctx)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if m.Version > last {
			break
		}
		if applied[m.Version] {
			continue
		}
		err := s.migrationTx(ctx, func(q *Q) (bool, error) {
			// Re-checked inside the transaction so two processes starting
			// together apply each migration once; the primary key refuses
			// the loser.
			var n int
			if err := q.row(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = $1`, m.Version).Scan(&n); err != nil {
				return false, err
			}
			if n > 0 {
				return false, nil
			}
			// Straight to the transaction: a migration is several
			// statements, run once, and must not be prepared.
			if _, err := q.q.ExecContext(ctx, m.SQL); err != nil {
				return false, fmt.Errorf("migration %s: %w", m.Name, err)
			}
			_, err := q.exec(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
				m.Version, m.Name, s.Now().Format("2006-01-02T15:04:05Z"))
			return true, err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// appliedMigrations lists the versions schema_migrations records.
func (s *Store) appliedMigrations(ctx context.Context) (map[int]bool, error) {
	vs, err := s.Q().ids(ctx, `SELECT version FROM schema_migrations`)
	out := make(map[int]bool, len(vs))
	for _, v := range vs {
		out[int(v)] = true
	}
	return out, err
}

// RetryDeadlock runs fn again while it fails with a deadlock (40P01) or a
// serialization failure (40001), up to three times in all, after a short
// pause: InTx's retry for a transaction of its own (testkit's schema
// set-up, which races other packages' on the shared Citus metadata).
func RetryDeadlock(fn func() error) error {
	for attempt := 1; ; attempt++ {
		err := fn()
		if attempt == 3 || !retryable(err) {
			return err
		}
		time.Sleep(time.Duration(attempt) * 200 * time.Millisecond)
	}
}

// ErrSchemaNewer means the database was migrated by a newer Yardstick.
var ErrSchemaNewer = errors.New("database schema is newer than this Yardstick")

// refuseNewer stops a server from running on a database that a newer
// release has migrated: its code would not know the newer tables'
// rules, and migrations only go forward.
func (s *Store) refuseNewer(ctx context.Context, ms []Migration) error {
	var have sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&have); err != nil {
		return fmt.Errorf("migrations table: %w", err)
	}
	known := 0
	if len(ms) > 0 {
		known = ms[len(ms)-1].Version
	}
	if have.Valid && int(have.Int64) > known {
		return fmt.Errorf("%w: the database is at migration %04d, this Yardstick knows migrations up to %04d; run the newer release (or restore a backup taken before the upgrade)",
			ErrSchemaNewer, have.Int64, known)
	}
	return nil
}

// migrationTx runs one migration in a transaction; fn says whether it
// changed the schema. On SQLite it runs with foreign keys off, on a
// connection of its own: a migration that rebuilds a table (create, copy,
// drop, rename, the only way to change its keys) must not have the drop
// delete the rows of the tables that reference it (ON DELETE CASCADE), and
// the pragma cannot change inside a transaction. Every foreign key is
// checked before a changing transaction commits instead.
func (s *Store) migrationTx(ctx context.Context, fn func(q *Q) (bool, error)) error {
	if s.dialect != SQLite {
		return s.InTx(ctx, func(q *Q) error {
			// One migration at a time: per schema, so two processes
			// starting together wait for each other instead of one failing
			// on schema_migrations' key; on Citus per database, since
			// distributing tables in two schemas at once deadlocks on the
			// cluster's metadata.
			if _, err := q.q.ExecContext(ctx, `SELECT pg_advisory_xact_lock(CASE
				WHEN EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN hashtext('yardstick migrate')
				ELSE hashtext('yardstick migrate ' || current_schema()) END)`); err != nil {
				return err
			}
			_, err := fn(q)
			return err
		})
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
		return err
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA foreign_keys = ON`)
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	changed, err := fn(&Q{q: tx, s: s, inTx: true, counter: s.counter})
	if err != nil || !changed {
		return err
	}
	rows, err := tx.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return err
	}
	var broken []string
	for rows.Next() {
		var table, parent string
		var rowid sql.NullInt64
		var fk int
		if err := rows.Scan(&table, &rowid, &parent, &fk); err != nil {
			rows.Close()
			return err
		}
		broken = append(broken, fmt.Sprintf("%s row %d → %s", table, rowid.Int64, parent))
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if len(broken) > 0 {
		return fmt.Errorf("foreign keys broken: %s", strings.Join(broken[:min(len(broken), 10)], "; "))
	}
	return tx.Commit()
}

// Column is one column of one table, for the schema-parity test.
type Column struct{ Table, Name string }

// Columns lists the tables and columns of the live schema.
func (s *Store) Columns(ctx context.Context) ([]Column, error) {
	var query string
	switch s.dialect {
	case SQLite:
		query = `SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p
			WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY 1, 2`
	case Postgres:
		query = `SELECT table_name, column_name FROM information_schema.columns
			WHERE table_schema = current_schema() ORDER BY 1, 2`
	}
	rows, err := s.db.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Column
	for rows.Next() {
		var c Column
		if err := rows.Scan(&c.Table, &c.Name); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
