package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"yardstick/internal/app"
	"yardstick/internal/jobs"
	"yardstick/internal/mail"
	"yardstick/internal/web"
)

// serve runs the web app until SIGINT/SIGTERM, then stops accepting,
// finishes in-flight requests and the mail batch in progress, and exits.
func serve(ctx context.Context, args []string, stderr io.Writer) error {
	var withDemo *bool
	c, _, err := parseConfig("serve", args, func(fs *flag.FlagSet) {
		withDemo = fs.Bool("demo", false, "load the example instance DEMO first, unless it exists")
	})
	if err != nil {
		return err
	}
	log := newLogger(c, stderr)
	worker := &mail.Worker{Log: log}
	queued := make(chan struct{}, 1)
	wake := worker.Wake
	if c.SMTPURL == "" {
		wake = func() {
			select {
			case queued <- struct{}{}:
			default:
			}
		}
	}
	a, err := openApp(ctx, c, log, wake)
	if err != nil {
		return err
	}
	defer a.Store().Close()
	worker.Store = a.Store()
	if *withDemo {
		if err := loadDemoIfAbsent(ctx, a, c.BaseURL, stderr); err != nil {
			return err
		}
	}

	background, stopBackground := context.WithCancel(context.Background())
	defer stopBackground()
	var wg sync.WaitGroup
	if c.SMTPURL != "" {
		sender, err := mail.NewSMTPSender(c.SMTPURL, c.MailFrom)
		if err != nil {
			return err
		}
		worker.Sender = sender
		wg.Go(func() {
			if err := worker.Run(background); err != nil {
				log.Error("mail worker stopped", "err", err)
			}
		})
	} else {
		log.Warn("YARDSTICK_SMTP_URL is not set: mail stays in the outbox; read it with `yardstick mail list` and `yardstick mail show ID`")
		wg.Go(func() { logQueuedMail(background, a.Store(), queued, log) })
	}
	wg.Go(func() { expireSessions(background, a, log) })
	stopRecorder := a.StartRecorder()
	snapshots := startSnapshots(background, c, a.Store(), log, wg.Go)
	// The job engine (digests, reminders, action emails) works on the
	// store's pool; the periodic runs are enqueued by one elected process
	// of the deployment. Its jobs' context is not the signal's: a signal
	// asks for a graceful stop (stopJobs), not a cancelled one.
	engine, err := jobs.New(a, jobs.Config{MailKeep: c.MailKeep}, log)
	if err != nil {
		return fmt.Errorf("job engine: %w", err)
	}
	if err := engine.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("job engine: %w", err)
	}
	stopEngine := func() { // when serving fails: jobs may finish within the shutdown timeout
		sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
		defer cancel()
		stopJobs(sctx, engine, log)
	}

	handler := web.New(a, web.Config{BaseURL: c.BaseURL, MetricsToken: c.MetricsToken, TrustedProxies: c.Proxies,
		MaxInFlight: c.MaxInFlight, QueueWait: c.QueueWait, MaxFormBody: c.MaxFormBody,
		Collectors: append(snapshots, jobs.Collector(a.Store())), CompyleURL: c.CompyleURL, APIRate: c.APIRate, APIBurst: c.APIBurst}, log)
	srv := &http.Server{
		Addr:              c.Addr,
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
	}
	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		stopEngine()
		return fmt.Errorf("listen on %s: %w", c.Addr, err)
	}
	log.Info("yardstick is running", "url", "http://"+ln.Addr().String(), "database", redactedDB(c.DatabaseURL))
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()

	select {
	case err := <-serveErr:
		stopEngine()
		stopRecorder()
		stopBackground()
		wg.Wait()
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing in-flight requests, jobs and the mail batch")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	// Requests and jobs finish side by side, within the one timeout; the
	// store closes (deferred) only after both.
	var jobsDone sync.WaitGroup
	jobsDone.Go(func() { stopJobs(shutdownCtx, engine, log) })
	err = srv.Shutdown(shutdownCtx)
	jobsDone.Wait()
	stopRecorder() // after the last request and job: every queued log entry is written
	stopBackground()
	wg.Wait()
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}

// shutdownTimeout bounds a graceful stop: in-flight requests and jobs.
const shutdownTimeout = 30 * time.Second

// stopJobs stops the job engine: no new job starts, and the jobs in hand
// may finish until ctx ends; then their contexts are cancelled and they
// are given a few seconds more to return, so none still runs when the
// store closes. A job cut short is run again (River retries it; one whose
// process died is rescued after RescueStuckJobsAfter).
func stopJobs(ctx context.Context, e *jobs.Engine, log *slog.Logger) {
	err := e.Stop(ctx)
	if err == nil {
		return
	}
	log.Warn("jobs still running at the shutdown timeout: cancelling them", "err", err)
	cctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := e.StopAndCancel(cctx); err != nil {
		log.Error("jobs did not stop", "err", err)
	}
}

// expireSessions deletes idle sessions every few minutes (each request
// also refuses an idle session on its own; this only keeps the table small).
func expireSessions(ctx context.Context, a *app.App, log *slog.Logger) {
	t := time.NewTicker(5 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := a.ExpireIdleSessions(ctx); err != nil && ctx.Err() == nil {
				log.Warn("expiring sessions", "err", err)
			}
		}
	}
}

// redactedDB hides a password in a database URL for the log.
func redactedDB(u string) string {
	if strings.HasPrefix(u, "sqlite:") {
		return u
	}
	if p, err := url.Parse(u); err == nil {
		return p.Redacted()
	}
	return "(unparseable URL)"
}
