package backup

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"yardstick/internal/store"
)

// Schedule takes a snapshot into Dir every Every and keeps the newest
// Keep. Several processes on one database take each period's snapshot
// once: the first to claim the period's slot in the database runs it.
type Schedule struct {
	Store       *store.Store
	DatabaseURL string
	Dir         string
	Every       time.Duration
	Keep        int
	Holder      string // names this process in the claim (host and pid)
	Log         *slog.Logger

	mu          sync.Mutex
	lastSuccess time.Time
	lastFailure time.Time
}

// Status is what /metrics shows of the schedule.
type Status struct{ LastSuccess, LastFailure time.Time }

// Status returns the times of the last snapshot taken and the last one
// that failed (zero when none).
func (sc *Schedule) Status() Status {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	return Status{sc.lastSuccess, sc.lastFailure}
}

// Run takes snapshots until ctx ends. A failure is logged and counted
// and does not stop the server or the schedule.
func (sc *Schedule) Run(ctx context.Context) {
	for {
		now := time.Now().UTC()
		next := now.Truncate(sc.Every).Add(sc.Every)
		select {
		case <-ctx.Done():
			return
		case <-time.After(next.Sub(now)):
		}
		sc.take(ctx, next)
	}
}

// ext is a snapshot's file extension for the database's dialect.
func (sc *Schedule) ext() string {
	if sc.Store.Dialect() == store.SQLite {
		return ".db"
	}
	return ".dump"
}

const prefix = "yardstick-"

func (sc *Schedule) take(ctx context.Context, slot time.Time) {
	name := slot.Format("20060102T150405Z")
	won, err := sc.Store.ClaimSlot(ctx, "snapshot "+name, sc.Holder)
	if err != nil {
		sc.failed(ctx, err, name)
		return
	}
	if !won {
		sc.Log.Info("snapshot taken by another process", "slot", name)
		return
	}
	res, err := Write(ctx, sc.Store, sc.DatabaseURL, filepath.Join(sc.Dir, prefix+name+sc.ext()), false)
	if err != nil {
		sc.failed(ctx, err, name)
		return
	}
	sc.mu.Lock()
	sc.lastSuccess = time.Now()
	sc.mu.Unlock()
	sc.Log.Info("snapshot", "file", res.Path, "bytes", res.Size, "took", res.Took.Round(time.Millisecond), "counts", res.Counts.String())
	if err := sc.prune(); err != nil {
		sc.Log.Warn("pruning snapshots", "dir", sc.Dir, "err", err)
	}
}

func (sc *Schedule) failed(ctx context.Context, err error, slot string) {
	if ctx.Err() != nil {
		return // shutting down mid-snapshot is not a failure to report
	}
	sc.mu.Lock()
	sc.lastFailure = time.Now()
	sc.mu.Unlock()
	sc.Log.Error("snapshot failed", "slot", slot, "dir", sc.Dir, "err", err)
}

// prune removes all but the newest Keep snapshots; their names sort by
// time.
func (sc *Schedule) prune() error {
	entries, err := os.ReadDir(sc.Dir)
	if err != nil {
		return err
	}
	var names []string
	for _, e := range entries {
		if n := e.Name(); strings.HasPrefix(n, prefix) && strings.HasSuffix(n, sc.ext()) && e.Type().IsRegular() {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	for len(names) > sc.Keep {
		if err := os.Remove(filepath.Join(sc.Dir, names[0])); err != nil {
			return err
		}
		names = names[1:]
	}
	return nil
}
