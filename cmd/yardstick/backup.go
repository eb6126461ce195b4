package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"yardstick/internal/backup"
	"yardstick/internal/store"
)

// backupCmd writes a consistent copy of the database while a server may
// keep serving it.
func backupCmd(ctx context.Context, args []string, stdout io.Writer) error {
	var force *bool
	c, fs, err := parseConfig("backup", args, func(fs *flag.FlagSet) {
		force = fs.Bool("force", false, "replace FILE if it exists")
	})
	if err != nil {
		return err
	}
	files, err := positional(fs)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		return errors.New("backup: expected one FILE (yardstick backup [--force] FILE)")
	}
	s, err := store.Open(ctx, c.DatabaseURL, nil)
	if err != nil {
		return fmt.Errorf("database: %w", err)
	}
	defer s.Close()
	res, err := backup.Write(ctx, s, c.DatabaseURL, files[0], *force)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	fmt.Fprintf(stdout, "Wrote %s: %s in %s.\nIt holds %s.\n", res.Path, sizeText(res.Size), res.Took.Round(time.Millisecond), res.Counts)
	return nil
}

// restoreCmd checks a SQLite backup and places it at a new path.
func restoreCmd(ctx context.Context, args []string, stdout io.Writer) error {
	var to *string
	_, fs, err := parseConfig("restore", args, func(fs *flag.FlagSet) {
		to = fs.String("to", "", "new path for the restored database (must not exist)")
	})
	if err != nil {
		return err
	}
	files, err := positional(fs)
	if err != nil {
		return err
	}
	if len(files) != 1 || *to == "" {
		return errors.New("restore: expected FILE and --to PATH (yardstick restore FILE --to PATH); for PostgreSQL use pg_restore, see the README")
	}
	counts, err := backup.Restore(ctx, files[0], *to)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	fmt.Fprintf(stdout, "Restored %s to %s. It holds %s.\nStart Yardstick on it with YARDSTICK_DATABASE_URL=sqlite:%s\n", files[0], *to, counts, *to)
	return nil
}

// positional returns the arguments that are not flags, reading flags
// that follow them too ("restore FILE --to PATH"), which the flag package
// alone stops at.
func positional(fs *flag.FlagSet) ([]string, error) {
	var out []string
	for fs.NArg() > 0 {
		out = append(out, fs.Arg(0))
		if err := fs.Parse(fs.Args()[1:]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// startSnapshots runs the snapshot schedule when YARDSTICK_BACKUP_DIR is
// set; the collectors show its last success and failure on /metrics.
func startSnapshots(ctx context.Context, c *Config, s *store.Store, log *slog.Logger, run func(func())) []prometheus.Collector {
	if c.BackupDir == "" {
		return nil
	}
	host, _ := os.Hostname()
	sc := &backup.Schedule{Store: s, DatabaseURL: c.DatabaseURL, Dir: c.BackupDir, Every: c.BackupEvery, Keep: c.BackupKeep,
		Holder: host + ":" + strconv.Itoa(os.Getpid()), Log: log}
	run(func() { sc.Run(ctx) })
	log.Info("scheduled snapshots", "dir", c.BackupDir, "every", c.BackupEvery, "keep", c.BackupKeep)
	unix := func(t time.Time) float64 {
		if t.IsZero() {
			return 0
		}
		return float64(t.Unix())
	}
	return []prometheus.Collector{
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "yardstick_backup_last_success_timestamp_seconds",
			Help: "When this process last wrote a scheduled snapshot (0: not yet)."}, func() float64 { return unix(sc.Status().LastSuccess) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "yardstick_backup_last_failure_timestamp_seconds",
			Help: "When a scheduled snapshot of this process last failed (0: never)."}, func() float64 { return unix(sc.Status().LastFailure) }),
	}
}

func sizeText(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
