package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
)

// Background work (digests, action emails, reminders) runs on River.
// Both of its drivers used here work on database/sql, which the store
// already uses on both databases, so a job is inserted with the very
// *sql.Tx of the change that causes it, and River's own tables live
// beside ours (placement: coordinator).

// JobDriver is River's driver for this database, on the store's pool.
// On PostgreSQL River polls for new jobs (database/sql has no LISTEN);
// on SQLite every River statement waits for the write lock under the
// store's busy timeout like ours do.
func (s *Store) JobDriver() riverdriver.Driver[*sql.Tx] {
	if s.dialect == Postgres {
		return riverdatabasesql.New(s.db)
	}
	return riversqlite.New(s.db)
}

// migrateJobs brings River's tables up to the version of the River in
// go.mod, one River migration per migration transaction (PostgreSQL
// refuses an enum value in the transaction that added it), so two
// processes starting together take turns as for our own migrations.
func (s *Store) migrateJobs(ctx context.Context) error {
	m, err := rivermigrate.New(s.JobDriver(), &rivermigrate.Config{Logger: quietLogger()})
	if err != nil {
		return err
	}
	for {
		var applied int
		err := s.migrationTx(ctx, func(q *Q) (bool, error) {
			// MigrateTx is deprecated because several River migrations
			// cannot share a transaction; one a transaction (MaxSteps 1)
			// is what it warns of, and ours holds the migration lock.
			//lint:ignore SA1019 one River migration per transaction, under our lock
			res, err := m.MigrateTx(ctx, q.q.(*sql.Tx), rivermigrate.DirectionUp, &rivermigrate.MigrateOpts{MaxSteps: 1})
			if err != nil {
				return false, fmt.Errorf("job engine schema: %w", err)
			}
			applied = len(res.Versions)
			return applied > 0, nil
		})
		if err != nil || applied == 0 {
			return err
		}
	}
}

// jobInserter inserts jobs without working them: River's client with no
// queues is insert-only.
func (s *Store) jobInserter() (*river.Client[*sql.Tx], error) {
	s.inserterOnce.Do(func() {
		s.inserter, s.inserterErr = river.NewClient(s.JobDriver(), &river.Config{Logger: quietLogger()})
	})
	return s.inserter, s.inserterErr
}

// InsertJob adds a job in this transaction: it runs only if the change
// that caused it commits. Outside a transaction it is inserted at once.
// A unique job (opts.UniqueOpts) already waiting is not added twice.
func (q *Q) InsertJob(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error {
	c, err := q.s.jobInserter()
	if err != nil {
		return err
	}
	q.counter.add()
	if tx, ok := q.q.(*sql.Tx); ok {
		_, err = c.InsertTx(ctx, tx, args, opts)
	} else {
		_, err = c.Insert(ctx, args, opts)
	}
	return err
}

// InsertJobs is InsertJob for many jobs at once.
func (q *Q) InsertJobs(ctx context.Context, params []river.InsertManyParams) error {
	if len(params) == 0 {
		return nil
	}
	c, err := q.s.jobInserter()
	if err != nil {
		return err
	}
	q.counter.add()
	if tx, ok := q.q.(*sql.Tx); ok {
		_, err = c.InsertManyTx(ctx, tx, params)
	} else {
		_, err = c.InsertMany(ctx, params)
	}
	return err
}

// quietLogger drops River's informational logging (its migrations and
// the insert-only client); the running engine logs through the caller's.
func quietLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// JobRow is one job of River's queue, for `yardstick jobs list`.
type JobRow struct {
	ID         int64
	Kind       string
	Args       string // the job's arguments, as JSON
	State      string
	Attempt    int
	MaxAttempt int
	CreatedAt  time.Time
	LastError  string
}

// ListJobs lists jobs in the given states (all when empty), newest first.
func (s *Store) ListJobs(ctx context.Context, states []string, limit int) ([]JobRow, error) {
	lastErr, argsText := `COALESCE(json_extract(errors, '$[#-1].error'), '')`, `json(args)`
	if s.dialect == Postgres {
		lastErr, argsText = `COALESCE(errors[array_length(errors, 1)]->>'error', '')`, `args::text`
	}
	var a args
	where := "TRUE"
	if len(states) > 0 {
		where = "state IN (" + a.texts(states) + ")"
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, kind, `+argsText+`, state, attempt, max_attempts, created_at, `+lastErr+`
		FROM river_job WHERE `+where+` ORDER BY id DESC LIMIT `+strconv.Itoa(limit), a...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []JobRow
	for rows.Next() {
		var j JobRow
		if err := rows.Scan(&j.ID, &j.Kind, &j.Args, &j.State, &j.Attempt, &j.MaxAttempt, &j.CreatedAt, &j.LastError); err != nil {
			return nil, err
		}
		j.CreatedAt = j.CreatedAt.UTC()
		out = append(out, j)
	}
	return out, rows.Err()
}

// JobCounts counts River's jobs by state, and says when the oldest job
// still waiting to run (available or retryable) was created.
func (s *Store) JobCounts(ctx context.Context) (map[string]int, *time.Time, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT state, COUNT(*) FROM river_job GROUP BY state`)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var state string
		var n int
		if err := rows.Scan(&state, &n); err != nil {
			return nil, nil, err
		}
		out[state] = n
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	var t time.Time
	err = s.db.QueryRowContext(ctx, `SELECT created_at FROM river_job WHERE state IN ('available', 'retryable') ORDER BY id LIMIT 1`).Scan(&t)
	if errors.Is(err, sql.ErrNoRows) {
		return out, nil, nil
	}
	t = t.UTC()
	return out, &t, err
}
