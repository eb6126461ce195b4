package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/riverqueue/river"
	_ "modernc.org/sqlite" // registers "sqlite"
)

// Dialect names the SQL dialect of a database.
type Dialect string

// The two supported dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// ErrNotFound is returned when a row does not exist (or is not in the
// instance the caller named, which is the same thing to the caller).
var ErrNotFound = errors.New("not found")

// ErrConflict is returned when a unique value is taken or a row changed
// since it was read.
var ErrConflict = errors.New("conflict")

// Clock tells the store (and the app) the time. Tests set it.
type Clock interface{ Now() time.Time }

// SystemClock is the real clock.
type SystemClock struct{}

// Now returns the current UTC time at microsecond precision, the
// precision both databases keep.
func (SystemClock) Now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// FakeClock is a settable clock for tests.
type FakeClock struct {
	mu sync.Mutex
	t  time.Time
}

// NewFakeClock returns a clock stopped at t.
func NewFakeClock(t time.Time) *FakeClock { return &FakeClock{t: t.UTC().Truncate(time.Microsecond)} }

// Now returns the clock's time.
func (c *FakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// Advance moves the clock forward.
func (c *FakeClock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// Set moves the clock to t.
func (c *FakeClock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t.UTC().Truncate(time.Microsecond)
	c.mu.Unlock()
}

// Store is the database.
type Store struct {
	db      *sql.DB
	dialect Dialect
	clock   Clock
	counter *queryCounter
	stmts   stmtCache
	// onOutbox is called once mail written to the outbox is committed
	// (OnOutboxWrite): the mail worker wakes without every use case
	// having to remember it.
	onOutbox atomic.Pointer[func()]
	// suspect holds, in Unix nanoseconds, until when every pooled
	// connection is pinged before reuse: set when the database was found
	// unreachable (Lost), because after an outage the pool still holds
	// connections whose server is gone, and pgx pings by itself only those
	// idle for over a second.
	suspect *atomic.Int64

	inserterOnce sync.Once
	inserter     *river.Client[*sql.Tx]
	inserterErr  error

	plainOnce sync.Once
	plain     bool // PostgreSQL without Citus (genericPlans)

	link linkKey // LinkKey's, once read
}

// genericPlans reports whether the database is plain PostgreSQL, where a
// statement may be told to take its generic plan; Citus cannot plan some
// router queries without their parameters. A failed check says no: the
// plans stay as PostgreSQL chooses them.
func (s *Store) genericPlans(ctx context.Context) bool {
	s.plainOnce.Do(func() {
		citus, err := s.HasCitus(ctx)
		s.plain = s.dialect == Postgres && err == nil && !citus
	})
	return s.plain
}

// suspectFor is how long after a lost database connections are checked.
const suspectFor = 30 * time.Second

// Lost reports whether err means the database could not be reached (see
// Unavailable); if so, pooled connections are checked before reuse for a
// while, so the first request after the database returns does not meet a
// dead one.
func (s *Store) Lost(err error) bool {
	if !Unavailable(err) {
		return false
	}
	s.suspect.Store(time.Now().Add(suspectFor).UnixNano()) // real time, whatever the data's clock
	return true
}

// OnOutboxWrite sets the function called after every committed write to
// the outbox: after the transaction that enqueued mail commits, or at once
// for an EnqueueMail outside a transaction.
func (s *Store) OnOutboxWrite(f func()) {
	if f == nil {
		s.onOutbox.Store(nil)
		return
	}
	s.onOutbox.Store(&f)
}

func (s *Store) outboxWritten() {
	if f := s.onOutbox.Load(); f != nil {
		(*f)()
	}
}

// Open connects to "sqlite:PATH" or a postgres:// URL and applies the
// migrations.
func Open(ctx context.Context, databaseURL string, clock Clock) (*Store, error) {
	s, err := OpenNoMigrate(databaseURL, clock)
	if err != nil {
		return nil, err
	}
	if err := s.Migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// OpenNoMigrate connects without touching the schema.
func OpenNoMigrate(databaseURL string, clock Clock) (*Store, error) {
	if clock == nil {
		clock = SystemClock{}
	}
	var (
		driver, dsn string
		dialect     Dialect
	)
	switch {
	case strings.HasPrefix(databaseURL, "sqlite:"):
		path := strings.TrimPrefix(databaseURL, "sqlite:")
		path = strings.TrimPrefix(path, "//")
		if path == "" {
			return nil, fmt.Errorf("database URL %q has no file path", databaseURL)
		}
		q := url.Values{}
		q.Add("_pragma", "foreign_keys(1)")
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "busy_timeout(10000)")
		q.Add("_pragma", "synchronous(NORMAL)")
		// A 16 MB page cache per connection (the default is 2 MB) and
		// memory-mapped reads keep a 100,000-member instance's indexes hot.
		q.Add("_pragma", "cache_size(-16384)")
		q.Add("_pragma", "mmap_size(268435456)")
		// Deleted and overwritten content is zeroed, not left in free
		// space: a welcome mail's temporary password, erased from the
		// outbox once delivered, must not stay readable in the file (or,
		// after a checkpoint, in the WAL).
		q.Add("_pragma", "secure_delete(1)")
		q.Set("_txlock", "immediate")
		// Times are written as sortable UTC text and read back as UTC.
		q.Set("_time_format", "sqlite")
		q.Set("_timezone", "UTC")
		driver, dsn, dialect = "sqlite", "file:"+path+"?"+q.Encode(), SQLite
	case strings.HasPrefix(databaseURL, "postgres://"), strings.HasPrefix(databaseURL, "postgresql://"):
		driver, dsn, dialect = "pgx", databaseURL, Postgres
	default:
		return nil, fmt.Errorf("database URL must start with sqlite: or postgres:// (got %q)", redactURL(databaseURL))
	}
	var db *sql.DB
	suspect := new(atomic.Int64)
	if dialect == Postgres {
		cfg, err := pgx.ParseConfig(dsn)
		if err != nil {
			return nil, fmt.Errorf("database URL %s: %w", redactURL(dsn), err)
		}
		if cfg.ConnectTimeout == 0 {
			// A database host that stops answering (rather than refusing)
			// must not hold a request for the kernel's TCP timeout: after
			// this long the request is answered 503 (see Unavailable).
			cfg.ConnectTimeout = 5 * time.Second
		}
		db = stdlib.OpenDB(*cfg, stdlib.OptionAfterConnect(citusSequential),
			stdlib.OptionShouldPing(func(_ context.Context, p stdlib.ShouldPingParams) bool {
				return p.IdleDuration > time.Second || time.Now().UnixNano() < suspect.Load()
			}))
	} else {
		var err error
		if db, err = sql.Open(driver, dsn); err != nil {
			return nil, err
		}
	}
	if dialect == SQLite {
		// One writer at a time is SQLite's rule; more open connections only
		// queue on the lock. Readers still run in parallel under WAL.
		db.SetMaxOpenConns(8)
	} else {
		db.SetMaxOpenConns(20)
		db.SetMaxIdleConns(20)
	}
	db.SetConnMaxIdleTime(5 * time.Minute)
	return &Store{db: db, dialect: dialect, clock: clock, counter: &queryCounter{}, suspect: suspect}, nil
}

// citusSequential runs on every new PostgreSQL connection. Where the
// database has Citus, it asks it to run the multi-shard statements of a
// transaction one connection per node: a transaction that read several
// shards (a fan-out query) may then still write a reference table
// (accounts, instances), which Citus otherwise refuses ("cannot modify
// table … because there was a parallel operation on a distributed
// table"). Yardstick's queries name one instance, so little is lost. A
// setting given in the URL (options or a run-time parameter) wins; plain
// PostgreSQL is left as it is (and nothing is added to the start-up
// parameters, which a connection pooler such as PgBouncer may refuse).
func citusSequential(ctx context.Context, c *pgx.Conn) error {
	if _, set := c.Config().RuntimeParams["citus.multi_shard_modify_mode"]; set {
		return nil
	}
	_, err := c.Exec(ctx, `DO $$ BEGIN
		IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')
			AND current_setting('citus.multi_shard_modify_mode') = 'parallel' THEN
			SET citus.multi_shard_modify_mode TO 'sequential';
		END IF;
	END $$`)
	return err
}

// redactURL hides a password in a URL for messages.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparseable URL)"
	}
	return u.Redacted()
}

// Close closes the database.
func (s *Store) Close() error {
	s.stmts.close()
	return s.db.Close()
}

// Dialect reports the database's dialect.
func (s *Store) Dialect() Dialect { return s.dialect }

// Now is the store's clock.
func (s *Store) Now() time.Time { return s.clock.Now() }

// Clock returns the store's clock.
func (s *Store) Clock() Clock { return s.clock }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	err := s.db.PingContext(ctx)
	s.Lost(err)
	return err
}

// DB exposes the pool for tests and benchmarks that need raw SQL.
func (s *Store) DB() *sql.DB { return s.db }

// querier is what both *sql.DB and *sql.Tx offer.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Q runs the store's queries, inside a transaction or not. All data
// methods hang off Q so the same code serves both.
type Q struct {
	q       querier
	s       *Store
	inTx    bool
	conn    *sql.Conn // the transaction's connection on PostgreSQL, for COPY
	counter *queryCounter
	outbox  bool // this transaction enqueued mail
}

// Q returns a non-transactional querier.
func (s *Store) Q() *Q { return &Q{q: s.db, s: s, counter: s.counter} }

// Now is the store's clock, for methods of Q.
func (q *Q) Now() time.Time { return q.s.clock.Now() }

// InTx runs fn in a transaction, committing when fn returns nil.
//
// A transaction the database chose as a deadlock's victim (40P01) or could
// not serialize (40001) is rolled back whole and run again, up to
// txAttempts times in all: the user did nothing wrong, and on Citus two
// transactions of different instances can meet in the cluster's own locks.
// So fn may run more than once: it must set, never add to, what it shares
// with its caller (TestTransactionsCanRunAgain, in internal/app, reads
// every such function).
func (s *Store) InTx(ctx context.Context, fn func(q *Q) error) error {
	for attempt := 1; ; attempt++ {
		err := s.inTx(ctx, fn)
		if attempt == txAttempts || !retryable(err) {
			return err
		}
		// A pause of random length, so the two sides of a deadlock do not
		// meet again in step.
		pause := time.Duration(attempt)*20*time.Millisecond + rand.N(30*time.Millisecond)
		select {
		case <-ctx.Done():
			return err
		case <-time.After(pause):
		}
	}
}

// txAttempts is how many times InTx runs a transaction that keeps losing.
const txAttempts = 4

// retryable reports whether err says the database rolled the transaction
// back for a deadlock or a serialization failure: running it again is the
// cure.
func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40P01" || pe.Code == "40001")
}

// inTx is one attempt of InTx.
func (s *Store) inTx(ctx context.Context, fn func(q *Q) error) error {
	tx, conn, err := s.begin(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	q := &Q{q: tx, s: s, inTx: true, conn: conn, counter: s.counter}
	// Whatever way fn ends, a panic included (the server recovers it),
	// the transaction ends and its connection goes back to the pool:
	// unlike a transaction, a connection taken by itself is not given
	// back when the context ends.
	defer func() {
		tx.Rollback() // a no-op after the commit
		closeConn(conn)
	}()
	if err := fn(q); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	if q.outbox {
		s.outboxWritten()
	}
	return nil
}

// begin starts a transaction. On SQLite, BEGIN IMMEDIATE waits up to the
// busy timeout for the write lock, yet under a burst of parallel writers
// on a loaded machine it was seen to give up with SQLITE_BUSY now and
// then; nothing has happened at that point, so it is tried again a few
// times before the error reaches the request. On PostgreSQL the
// transaction runs on a connection taken from the pool by itself, so that
// bulkInsert can reach it (close it with closeConn after the transaction).
func (s *Store) begin(ctx context.Context) (*sql.Tx, *sql.Conn, error) {
	if s.dialect == Postgres {
		conn, err := s.db.Conn(ctx)
		if err != nil {
			return nil, nil, err
		}
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			conn.Close()
			return nil, nil, err
		}
		return tx, conn, nil
	}
	for attempt := 0; ; attempt++ {
		tx, err := s.db.BeginTx(ctx, nil)
		if err == nil || attempt == 4 || !strings.Contains(err.Error(), "database is locked") {
			return tx, nil, err
		}
		select {
		case <-ctx.Done():
			return nil, nil, err
		case <-time.After(time.Duration(attempt+1) * 20 * time.Millisecond):
		}
	}
}

// closeConn returns a transaction's connection (if it has one) to the
// pool; call it after the commit or rollback, which it would wait for.
func closeConn(c *sql.Conn) {
	if c != nil {
		c.Close()
	}
}

// copyMin is the fewest rows bulkInsert copies: COPY costs a round trip
// more than an INSERT (pgx first asks for the columns' types), which
// pays off only for a batch.
const copyMin = 16

// bulkInsert writes rows to table's cols: with PostgreSQL's COPY in a
// transaction there (InTx) for a batch of copyMin rows or more, otherwise
// by insertRows. For a batch of large rows (the digest run's mails) COPY
// takes about half the time of a multi-row INSERT: no statement text to
// parse and plan, and PostgreSQL writes the rows a page at a time.
func (q *Q) bulkInsert(ctx context.Context, table string, cols []string, rows [][]any) error {
	if q.conn == nil || len(rows) < copyMin {
		return q.insertRows(ctx, "INSERT INTO "+table+" ("+strings.Join(cols, ", ")+")", "", rows)
	}
	q.counter.add()
	return q.conn.Raw(func(dc any) error {
		_, err := dc.(*stdlib.Conn).Conn().CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(rows))
		return err
	})
}

func (q *Q) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	q.counter.add()
	if st := q.stmt(ctx, query); st != nil {
		defer q.release(st)
		return st.ExecContext(ctx, args...)
	}
	return q.q.ExecContext(ctx, query, args...)
}

func (q *Q) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	q.counter.add()
	if st := q.stmt(ctx, query); st != nil {
		defer q.release(st)
		return st.QueryContext(ctx, args...)
	}
	return q.q.QueryContext(ctx, query, args...)
}

func (q *Q) row(ctx context.Context, query string, args ...any) *sql.Row {
	q.counter.add()
	if st := q.stmt(ctx, query); st != nil {
		defer q.release(st)
		return st.QueryRowContext(ctx, args...)
	}
	return q.q.QueryRowContext(ctx, query, args...)
}

// stmt returns a prepared statement for a query the store runs often,
// bound to the transaction when there is one; nil means run it unprepared.
// A transaction never prepares a new one: that would take a second pooled
// connection while the transaction may hold locks the preparation needs
// (PostgreSQL's LOCK TABLE during setup blocked it forever). It reuses
// cached ones, which Tx.StmtContext re-prepares on its own connection.
func (q *Q) stmt(ctx context.Context, query string) *sql.Stmt {
	st := q.s.stmts.get(ctx, q.s.db, query, !q.inTx)
	if st == nil || !q.inTx {
		return st
	}
	return q.q.(*sql.Tx).StmtContext(ctx, st)
}

// release closes a transaction's copy of a statement (the pooled one
// stays for the next query).
func (q *Q) release(st *sql.Stmt) {
	if q.inTx {
		st.Close()
	}
}

// isUniqueViolation recognises a unique-constraint failure in either dialect.
func isUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	msg := err.Error()
	return strings.Contains(msg, "UNIQUE constraint failed") || // SQLite
		strings.Contains(msg, "SQLSTATE 23505") // PostgreSQL
}

// notFound maps sql.ErrNoRows to ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

// collect runs a query and scans every row with scan, so list methods
// need not repeat the rows loop.
func collect[T any](ctx context.Context, q *Q, scan func(interface{ Scan(...any) error }) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// timeText selects a timestamp column for textTime. On SQLite it is read
// as text: the driver would otherwise try Go's time.String layout first and
// build an error for every value before parsing the one SQLite stores, a
// cost that shows on lists of many rows (BenchmarkUsersList).
func (q *Q) timeText(col string) string {
	if q.s.dialect == SQLite {
		return "CAST(" + col + " AS TEXT)"
	}
	return col
}

// textTime scans a timestamp selected with timeText.
type textTime struct{ t time.Time }

// timeLayouts are the layouts SQLite may hold a time in, the store's own
// (_time_format=sqlite) first, then the others the driver reads.
var timeLayouts = []string{
	"2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02T15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04",
	"2006-01-02T15:04",
	"2006-01-02",
}

func (x *textTime) Scan(v any) error {
	switch v := v.(type) {
	case time.Time:
		x.t = v
		return nil
	case string:
		return x.parse(v)
	case []byte:
		return x.parse(string(v))
	}
	return fmt.Errorf("store: cannot read %T as a time", v)
}

func (x *textTime) parse(s string) error {
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, strings.TrimSuffix(s, "Z")); err == nil {
			x.t = t
			return nil
		}
	}
	return fmt.Errorf("store: %q is not a time", s)
}
