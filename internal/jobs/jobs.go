// Package jobs runs Yardstick's background work on River: the digests,
// the scheduled report deliveries, the action reminders, the action emails, the recompute of
// calculations fed by a partner's measures and the pruning of old mail. Jobs are inserted by
// internal/app in the transaction of the change that causes them
// (store.Q.InsertJob); this package works them and schedules the
// periodic ones, which River's elected leader alone enqueues, so they run
// once per deployment however many processes run.
package jobs

import (
	"context"
	"database/sql"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"yardstick/internal/app"
	"yardstick/internal/store"
)

// Config tunes the engine; zero values take the defaults.
type Config struct {
	Workers       int           // jobs worked at once in this process (2)
	DigestEvery   time.Duration // how often due digests are looked for (5 minutes)
	ReminderEvery time.Duration // how often action reminders are looked for (15 minutes)
	PollEvery     time.Duration // how often the queue is polled for new jobs (1 second)
	MailKeep      time.Duration // how long sent and failed mail stays in the outbox (0: for ever)
	PruneEvery    time.Duration // how often mail older than MailKeep is deleted (1 hour)
}

// Engine is River's client working Yardstick's jobs.
type Engine struct {
	client *river.Client[*sql.Tx]
	store  *store.Store
}

// DigestRunArgs is the periodic job sending due digests of one kind.
type DigestRunArgs struct {
	Digest string `json:"digest"` // weekly or monthly
}

// Kind names the job for River.
func (DigestRunArgs) Kind() string { return "digest_run" }

// RemindersArgs is the periodic job sending due action reminders.
type RemindersArgs struct{}

// Kind names the job for River.
func (RemindersArgs) Kind() string { return "action_reminders" }

type digestWorker struct {
	river.WorkerDefaults[DigestRunArgs]
	app *app.App
	log *slog.Logger
}

func (w *digestWorker) Work(ctx context.Context, j *river.Job[DigestRunArgs]) error {
	res, err := w.app.RunDigests(ctx, j.Args.Digest)
	if res.Members > 0 || err != nil {
		w.log.Info("digests", "kind", j.Args.Digest, "due", res.Members, "sent", res.Sent, "nothing_to_say", res.Empty, "err", err)
	}
	return err
}

// Timeout: a run over many members takes its time; River's default
// minute would cut a 10,000-member run short.
func (w *digestWorker) Timeout(*river.Job[DigestRunArgs]) time.Duration { return 30 * time.Minute }

// ReportDeliveriesArgs is the periodic job mailing saved reports due on
// their schedule (issue 23).
type ReportDeliveriesArgs struct{}

// Kind names the job for River.
func (ReportDeliveriesArgs) Kind() string { return "report_deliveries" }

type deliveriesWorker struct {
	river.WorkerDefaults[ReportDeliveriesArgs]
	app *app.App
	log *slog.Logger
}

func (w *deliveriesWorker) Work(ctx context.Context, _ *river.Job[ReportDeliveriesArgs]) error {
	res, err := w.app.RunReportDeliveries(ctx)
	if res.Sent > 0 || err != nil {
		w.log.Info("report deliveries", "scheduled", res.Scheduled, "sent", res.Sent, "refused", res.Refused, "err", err)
	}
	return err
}

// Timeout: each delivery runs a whole report.
func (w *deliveriesWorker) Timeout(*river.Job[ReportDeliveriesArgs]) time.Duration {
	return 30 * time.Minute
}

type remindersWorker struct {
	river.WorkerDefaults[RemindersArgs]
	app *app.App
}

func (w *remindersWorker) Work(ctx context.Context, _ *river.Job[RemindersArgs]) error {
	_, err := w.app.ActionReminders(ctx)
	return err
}

// OutboxPruneArgs is the periodic job deleting sent and failed mail
// older than Keep.
type OutboxPruneArgs struct {
	Keep time.Duration `json:"keep"`
}

// Kind names the job for River.
func (OutboxPruneArgs) Kind() string { return "outbox_prune" }

type outboxPruneWorker struct {
	river.WorkerDefaults[OutboxPruneArgs]
	app *app.App
	log *slog.Logger
}

// Timeout: the first run on a deployment with years of mail deletes it
// all, a batch at a time (each batch stays deleted if it is cut short).
func (w *outboxPruneWorker) Timeout(*river.Job[OutboxPruneArgs]) time.Duration {
	return 30 * time.Minute
}

func (w *outboxPruneWorker) Work(ctx context.Context, j *river.Job[OutboxPruneArgs]) error {
	n, err := w.app.PruneOutbox(ctx, j.Args.Keep)
	if n > 0 {
		w.log.Info("outbox pruned", "deleted", n, "older_than", j.Args.Keep.String())
	}
	return err
}

type actionEmailWorker struct {
	river.WorkerDefaults[app.ActionEmailArgs]
	app *app.App
}

func (w *actionEmailWorker) Work(ctx context.Context, j *river.Job[app.ActionEmailArgs]) error {
	return w.app.SendActionEmail(ctx, j.Args)
}

// calcWorker recomputes an instance's calculations fed by a partner's
// measures after the partner's save (app.CalcRecomputeArgs).
type calcWorker struct {
	river.WorkerDefaults[app.CalcRecomputeArgs]
	app *app.App
}

func (w *calcWorker) Work(ctx context.Context, j *river.Job[app.CalcRecomputeArgs]) error {
	return w.app.RecomputeFromPartner(ctx, j.Args)
}

// New builds the engine over the app's store; Start runs it.
func New(a *app.App, cfg Config, log *slog.Logger) (*Engine, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg.Workers = max(cfg.Workers, 2)
	if cfg.DigestEvery <= 0 {
		cfg.DigestEvery = 5 * time.Minute
	}
	if cfg.ReminderEvery <= 0 {
		cfg.ReminderEvery = 15 * time.Minute
	}
	if cfg.PollEvery <= 0 {
		cfg.PollEvery = time.Second
	}
	if cfg.PruneEvery <= 0 {
		cfg.PruneEvery = time.Hour
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, &digestWorker{app: a, log: log})
	river.AddWorker(workers, &remindersWorker{app: a})
	river.AddWorker(workers, &deliveriesWorker{app: a, log: log})
	river.AddWorker(workers, &actionEmailWorker{app: a})
	river.AddWorker(workers, &calcWorker{app: a})
	river.AddWorker(workers, &outboxPruneWorker{app: a, log: log})
	// One run of each kind waits or runs at a time: a tick that comes while
	// the last run is still going adds nothing.
	once := &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning, rivertype.JobStateRetryable, rivertype.JobStateScheduled}}}
	periodic := func(every time.Duration, args river.JobArgs) *river.PeriodicJob {
		return river.NewPeriodicJob(river.PeriodicInterval(every),
			func() (river.JobArgs, *river.InsertOpts) { return args, once },
			&river.PeriodicJobOpts{RunOnStart: true})
	}
	periodicJobs := []*river.PeriodicJob{
		periodic(cfg.DigestEvery, DigestRunArgs{Digest: app.DigestWeekly}),
		periodic(cfg.DigestEvery, DigestRunArgs{Digest: app.DigestMonthly}),
		periodic(cfg.ReminderEvery, RemindersArgs{}),
		// Saved reports are scheduled at the digests' hour: looked for as often.
		periodic(cfg.DigestEvery, ReportDeliveriesArgs{}),
	}
	if cfg.MailKeep > 0 {
		periodicJobs = append(periodicJobs, periodic(cfg.PruneEvery, OutboxPruneArgs{Keep: cfg.MailKeep}))
	}
	rc := &river.Config{
		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cfg.Workers}},
		Workers:           workers,
		PeriodicJobs:      periodicJobs,
		FetchPollInterval: cfg.PollEvery,
		FetchCooldown:     min(cfg.PollEvery, 100*time.Millisecond),
		Logger:            slog.New(levelAtLeast{log.Handler(), slog.LevelWarn}),
		// A job whose process died (kill -9) is run again after this.
		RescueStuckJobsAfter: 35 * time.Minute,
	}
	s := a.Store()
	c, err := river.NewClient(s.JobDriver(), rc)
	if err != nil {
		return nil, err
	}
	return &Engine{client: c, store: s}, nil
}

// Start begins working jobs; it returns once started.
func (e *Engine) Start(ctx context.Context) error { return e.client.Start(ctx) }

// Stop waits for the jobs in hand to finish (until ctx ends).
func (e *Engine) Stop(ctx context.Context) error { return e.client.Stop(ctx) }

// StopAndCancel stops at once, cancelling the context of the jobs in
// hand, and waits (until ctx ends) for them to return: after a Stop that
// ran out of time. A digest run cut short loses at most the batch in
// hand (each batch commits on its own); River runs the job again.
func (e *Engine) StopAndCancel(ctx context.Context) error { return e.client.StopAndCancel(ctx) }

// Client is River's client (tests subscribe to its events).
func (e *Engine) Client() *river.Client[*sql.Tx] { return e.client }

// levelAtLeast passes River's warnings and errors to the app's log and
// drops its chatter.
type levelAtLeast struct {
	slog.Handler
	min slog.Level
}

func (h levelAtLeast) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

// WithAttrs and WithGroup keep the filter on River's derived loggers.
func (h levelAtLeast) WithAttrs(as []slog.Attr) slog.Handler {
	return levelAtLeast{h.Handler.WithAttrs(as), h.min}
}

func (h levelAtLeast) WithGroup(name string) slog.Handler {
	return levelAtLeast{h.Handler.WithGroup(name), h.min}
}

// Collector reports the queue to Prometheus: jobs by state and the age of
// the oldest job waiting to run, read from the database at each scrape.
func Collector(s *store.Store) prometheus.Collector { return &collector{s: s} }

type collector struct{ s *store.Store }

var (
	jobsDesc = prometheus.NewDesc("yardstick_jobs", "Background jobs by state (available, scheduled and retryable are queued; completed are done; discarded failed for good).",
		[]string{"state"}, nil)
	oldestDesc = prometheus.NewDesc("yardstick_jobs_oldest_queued_seconds", "Age of the oldest job waiting to run (0 when none).", nil, nil)
)

func (c *collector) Describe(ch chan<- *prometheus.Desc) { ch <- jobsDesc; ch <- oldestDesc }

func (c *collector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	counts, oldest, err := c.s.JobCounts(ctx)
	if err != nil {
		return
	}
	for _, st := range []string{"available", "scheduled", "retryable", "running", "pending", "completed", "discarded", "cancelled"} {
		ch <- prometheus.MustNewConstMetric(jobsDesc, prometheus.GaugeValue, float64(counts[st]), st)
	}
	age := 0.0
	if oldest != nil {
		age = max(0, c.s.Now().Sub(*oldest).Seconds())
	}
	ch <- prometheus.MustNewConstMetric(oldestDesc, prometheus.GaugeValue, age)
}
