package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
)

// Unavailable reports whether err means the database could not be
// reached or answered that it cannot serve now (as opposed to a query it
// refused): the request may be retried unchanged once it is back.
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	var pe *pgconn.PgError
	switch {
	case errors.As(err, &ce), errors.As(err, &ne), errors.Is(err, driver.ErrBadConn),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF), errors.Is(err, sql.ErrConnDone):
		return true
	case errors.As(err, &pe):
		// Class 08: connection exception; 57P01–57P03: the server is
		// shutting down or not yet accepting connections.
		return strings.HasPrefix(pe.Code, "08") || pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03"
	}
	msg := err.Error()
	// pgx reports a connection lost mid-query in words only, and SQLite a
	// file it can no longer open.
	return strings.Contains(msg, "conn closed") || strings.Contains(msg, "unable to open database file")
}

// Counts are the sizes an operator checks a backup by.
type Counts struct {
	Instances, Accounts, Scorecards, Measures, DataValues int64
}

func (c Counts) String() string {
	return fmt.Sprintf("%d instances, %d accounts, %d scorecards, %d measures, %d data values",
		c.Instances, c.Accounts, c.Scorecards, c.Measures, c.DataValues)
}

// countsSQL spans instances on purpose: an operator command.
const countsSQL = `SELECT (SELECT COUNT(*) FROM instances), (SELECT COUNT(*) FROM accounts),
	(SELECT COUNT(*) FROM scorecards), (SELECT COUNT(*) FROM objects WHERE kind = 'measure'),
	(SELECT COUNT(*) FROM data_values)`

func scanCounts(row *sql.Row) (Counts, error) {
	var c Counts
	err := row.Scan(&c.Instances, &c.Accounts, &c.Scorecards, &c.Measures, &c.DataValues)
	return c, err
}

// Counts reads the sizes of the live database.
func (s *Store) Counts(ctx context.Context) (Counts, error) {
	return scanCounts(s.db.QueryRowContext(ctx, countsSQL))
}

// SnapshotSQLite writes a consistent copy of a SQLite database to path,
// which must not exist, while other connections keep writing. It uses
// SQLite's online backup in one step: the pages are copied as they are
// under one read transaction, so writers go on (WAL) and the copy is one
// moment of the database. (VACUUM INTO, tried first, rebuilds every table
// and index: 18× a file copy on a 1 GB database.)
func (s *Store) SnapshotSQLite(ctx context.Context, path string) error {
	if s.dialect != SQLite {
		return errors.New("SnapshotSQLite: not a SQLite database")
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		b, ok := dc.(interface {
			NewBackup(string) (*sqlite.Backup, error)
		})
		if !ok {
			return fmt.Errorf("SnapshotSQLite: the driver's connection (%T) has no online backup", dc)
		}
		// The copy is a new temporary file, synced and checked before it
		// is renamed into place: it needs no journal of its own.
		bk, err := b.NewBackup("file:" + path + "?_pragma=journal_mode(OFF)&_pragma=synchronous(OFF)")
		if err != nil {
			return err
		}
		_, err = bk.Step(-1)
		if ferr := bk.Finish(); err == nil {
			err = ferr
		}
		if err != nil {
			return err
		}
		return rollbackJournal(ctx, path)
	})
}

// rollbackJournal turns a copy of a WAL database into one self-contained
// file: the copy keeps the source's WAL flag, and would otherwise grow -wal
// and -shm files beside it whenever it is opened. A server opening it
// turns WAL on again.
func rollbackJournal(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		return err
	}
	defer db.Close()
	var mode string
	if err := db.QueryRowContext(ctx, `PRAGMA journal_mode = DELETE`).Scan(&mode); err != nil {
		return err
	}
	if mode != "delete" {
		return fmt.Errorf("the copy stays in %s mode", mode)
	}
	return nil
}

// CheckSQLiteFile opens a SQLite file read-only and checks it: the
// integrity check passes, its schema is one this code knows (not newer),
// and it reads the counts. It is how a backup and a restore verify a copy.
func CheckSQLiteFile(ctx context.Context, path string) (Counts, int, error) {
	if _, err := os.Stat(path); err != nil {
		return Counts{}, 0, err
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=query_only(1)")
	if err != nil {
		return Counts{}, 0, err
	}
	defer db.Close()
	var res string
	if err := db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res); err != nil {
		return Counts{}, 0, fmt.Errorf("%s is not a readable SQLite database: %w", path, err)
	}
	if res != "ok" {
		return Counts{}, 0, fmt.Errorf("%s fails the integrity check: %s", path, res)
	}
	var version sql.NullInt64
	if err := db.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&version); err != nil {
		return Counts{}, 0, fmt.Errorf("%s is not a Yardstick database: %w", path, err)
	}
	ms, err := Migrations(SQLite)
	if err != nil {
		return Counts{}, 0, err
	}
	if int(version.Int64) > ms[len(ms)-1].Version {
		return Counts{}, 0, fmt.Errorf("%w: %s is at migration %04d, this Yardstick knows up to %04d", ErrSchemaNewer, path, version.Int64, ms[len(ms)-1].Version)
	}
	c, err := scanCounts(db.QueryRowContext(ctx, countsSQL))
	return c, int(version.Int64), err
}

// ExportSnapshot opens a read-only repeatable-read transaction on
// PostgreSQL and exports its snapshot, for pg_dump --snapshot: the counts
// read through the returned transaction are those of the dump. The caller
// must end the transaction after pg_dump has finished.
func (s *Store) ExportSnapshot(ctx context.Context) (*sql.Tx, string, Counts, error) {
	if s.dialect != Postgres {
		return nil, "", Counts{}, errors.New("ExportSnapshot: not a PostgreSQL database")
	}
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return nil, "", Counts{}, err
	}
	var id string
	if err := tx.QueryRowContext(ctx, `SELECT pg_export_snapshot()`).Scan(&id); err != nil {
		tx.Rollback()
		return nil, "", Counts{}, err
	}
	c, err := scanCounts(tx.QueryRowContext(ctx, countsSQL))
	if err != nil {
		tx.Rollback()
		return nil, "", Counts{}, err
	}
	return tx, id, c, nil
}

// HasCitus reports whether the database has the citus extension, whose
// distributed tables pg_dump of the coordinator does not hold.
func (s *Store) HasCitus(ctx context.Context) (bool, error) {
	if s.dialect != Postgres {
		return false, nil
	}
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM pg_extension WHERE extname = 'citus'`).Scan(&n)
	return n > 0, err
}

// ClaimSlot records that this process takes the periodic job named for
// the time slot given (e.g. "snapshot 2026-12-05T00:00Z"); it returns
// false when another process already took it, so that several servers on
// one database run each slot once.
func (s *Store) ClaimSlot(ctx context.Context, slot, holder string) (bool, error) {
	res, err := s.db.ExecContext(ctx, `INSERT INTO job_slots (slot, holder, taken_at) VALUES ($1, $2, $3) ON CONFLICT (slot) DO NOTHING`,
		slot, holder, s.Now())
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	if err != nil || n != 1 {
		return false, err
	}
	// The claims only need to outlive the period they guard.
	_, err = s.db.ExecContext(ctx, `DELETE FROM job_slots WHERE taken_at < $1`, s.Now().AddDate(0, 0, -30))
	return true, err
}
