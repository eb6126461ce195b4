package store

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"

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
		err := RetryDeadlock(func() error {
			return s.migrationTx(ctx, func(q *Q) error {
				res, err := m.MigrateTx(ctx, q.q.(*sql.Tx), rivermigrate.DirectionUp, &rivermigrate.MigrateOpts{MaxSteps: 1})
				if err != nil {
					return fmt.Errorf("job engine schema: %w", err)
				}
				applied = len(res.Versions)
				return nil
			})
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
