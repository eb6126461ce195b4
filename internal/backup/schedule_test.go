package backup_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"yardstick/internal/backup"
	"yardstick/internal/store"
	"yardstick/internal/testkit"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// With a snapshot every 2 s and 3 kept, 10 s leave three snapshots, each a
// database that passes its check.
func TestScheduledSnapshotsSQLite(t *testing.T) {
	db := testkit.NewSQLite(t)
	dir := t.TempDir()
	sc := &backup.Schedule{Store: db.Store, DatabaseURL: db.URL, Dir: dir, Every: 2 * time.Second, Keep: 3, Holder: "test", Log: quiet}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	sc.Run(ctx)
	files, _ := filepath.Glob(filepath.Join(dir, "yardstick-*.db"))
	if len(files) != 3 {
		t.Fatalf("%d snapshots after 10 s, want 3: %v", len(files), files)
	}
	for _, f := range files {
		if _, _, err := store.CheckSQLiteFile(context.Background(), f); err != nil {
			t.Errorf("%s: %v", f, err)
		}
		if st, _ := os.Stat(f); st.Mode().Perm() != 0o600 {
			t.Errorf("%s is readable by others: %v", f, st.Mode())
		}
	}
	if st := sc.Status(); st.LastSuccess.IsZero() || !st.LastFailure.IsZero() {
		t.Errorf("status %+v: want a success and no failure", st)
	}
}

// Two processes on one PostgreSQL database take each period's snapshot
// once between them.
func TestScheduledSnapshotsOncePostgres(t *testing.T) {
	testkit.OnPostgres(t, scheduledSnapshotsOncePostgres)
}

func scheduledSnapshotsOncePostgres(t *testing.T, base string) {
	u := testkit.NewSchema(t, base)
	dir := t.TempDir()
	var schedules []*backup.Schedule
	for _, holder := range []string{"one", "two"} {
		s, err := store.Open(context.Background(), u, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		schedules = append(schedules, &backup.Schedule{Store: s, DatabaseURL: u, Dir: dir, Every: time.Second, Keep: 100, Holder: holder, Log: quiet})
	}
	// Stop 700 ms after a slot begins, time enough for its pg_dump, so
	// that no claimed slot is cut short.
	first := time.Now().Truncate(time.Second).Add(time.Second)
	ctx, cancel := context.WithDeadline(context.Background(), first.Add(3*time.Second+700*time.Millisecond))
	defer cancel()
	done := make(chan struct{})
	for _, sc := range schedules {
		go func() { sc.Run(ctx); done <- struct{}{} }()
	}
	<-done
	<-done
	files, _ := filepath.Glob(filepath.Join(dir, "yardstick-*.dump"))
	var slots []string
	rows, err := schedules[0].Store.DB().Query(`SELECT slot, holder FROM job_slots ORDER BY slot`)
	if err != nil {
		t.Fatal(err)
	}
	holders := map[string]int{}
	for rows.Next() {
		var slot, holder string
		rows.Scan(&slot, &holder)
		slots = append(slots, slot)
		holders[holder]++
	}
	rows.Close()
	sort.Strings(files)
	// Each claimed slot has its snapshot, taken once, except one the
	// deadline cut short: under load a pg_dump can outlast the 700 ms the
	// last slots have, and shutting down mid-snapshot is by design not a
	// failure. Those may only be among the last two slots.
	have := map[string]bool{}
	for _, f := range files {
		have[strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "yardstick-"), ".dump")] = true
	}
	if len(slots) < 3 || len(files) > len(slots) {
		t.Errorf("%d slots claimed (%v), %d snapshot files (%v): want each of at least 3 slots snapshotted once", len(slots), slots, len(files), files)
	}
	for i, slot := range slots {
		if name := strings.TrimPrefix(slot, "snapshot "); !have[name] && i < len(slots)-2 {
			t.Errorf("slot %s was claimed but never snapshotted (slots %v, files %v)", name, slots, files)
		}
	}
	for i, sc := range schedules {
		if st := sc.Status(); !st.LastFailure.IsZero() {
			t.Errorf("process %d had a failed snapshot", i)
		}
	}
	t.Logf("slots by process: %v", holders)
}
