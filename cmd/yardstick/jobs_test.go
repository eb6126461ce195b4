package main

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"yardstick/internal/jobs"
	"yardstick/internal/store"
	"yardstick/internal/testkit"
)

// jobsList runs `yardstick jobs list` with args and returns its output.
func jobsList(t *testing.T, u string, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(append([]string{"jobs", "list", "--database-url", u}, args...), &out, &out)
	return out.String(), err
}

// `yardstick jobs list` lists River's jobs newest first with their kind,
// state, attempts and last error, filtered by state and limited, on
// SQLite and PostgreSQL.
func TestJobsList(t *testing.T) {
	check := func(t *testing.T, u string) {
		ctx := context.Background()
		s, err := store.Open(ctx, u, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if err := s.Q().InsertJob(ctx, jobs.DigestRunArgs{Digest: "weekly"}, nil); err != nil {
			t.Fatal(err)
		}
		if err := s.Q().InsertJob(ctx, jobs.RemindersArgs{}, nil); err != nil {
			t.Fatal(err)
		}
		// The digest run failed once: what River writes for an attempt
		// whose worker returned an error (a multi-line one, here).
		failed := `{"at": "2026-03-02T09:00:00Z", "attempt": 1, "error": "smtp: connection refused\n\tdial tcp 10.0.0.9:25", "trace": ""}`
		set := `errors = jsonb_array(jsonb($1))`
		if s.Dialect() == store.Postgres {
			set = `errors = ARRAY[$1::jsonb]`
		}
		if _, err := s.DB().Exec(`UPDATE river_job SET state = 'retryable', attempt = 1, `+set+` WHERE kind = 'digest_run'`, failed); err != nil {
			t.Fatal(err)
		}

		out, err := jobsList(t, u)
		if err != nil {
			t.Fatalf("jobs list: %v\n%s", err, out)
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) != 3 || !regexp.MustCompile(`^ID +KIND +ARGS +STATE +ATTEMPTS +CREATED +LAST ERROR$`).MatchString(lines[0]) {
			t.Fatalf("jobs list printed:\n%s", out)
		}
		for i, want := range []string{
			`^\d+ +action_reminders +- +available +0/25 +\d{4}-\d\d-\d\d \d\d:\d\d *$`,
			`^\d+ +digest_run +\{"digest":"weekly"\} +retryable +1/25 +\d{4}-\d\d-\d\d \d\d:\d\d +smtp: connection refused dial tcp 10\.0\.0\.9:25$`,
		} {
			if !regexp.MustCompile(want).MatchString(lines[i+1]) {
				t.Errorf("row %d: %q, want %s", i+1, lines[i+1], want)
			}
		}
		if out, err := jobsList(t, u, "--state", "retryable"); err != nil || strings.Count(out, "\n") != 2 || !strings.Contains(out, "digest_run") {
			t.Errorf("--state retryable: %v\n%s", err, out)
		}
		if out, err := jobsList(t, u, "--state", "completed,discarded"); err != nil || strings.Count(out, "\n") != 1 {
			t.Errorf("--state completed,discarded: %v\n%s", err, out)
		}
		if out, err := jobsList(t, u, "--limit", "1"); err != nil || strings.Count(out, "\n") != 2 || !strings.Contains(out, "action_reminders") {
			t.Errorf("--limit 1: %v\n%s", err, out)
		}
		if _, err := jobsList(t, u, "--state", "failed"); err == nil || !strings.Contains(err.Error(), "retryable") {
			t.Errorf("--state failed: %v, want a refusal listing the states", err)
		}
		if _, err := jobsList(t, u, "--limit", "0"); err == nil {
			t.Error("--limit 0 was accepted")
		}
	}
	t.Run("sqlite", func(t *testing.T) { check(t, "sqlite:"+filepath.Join(t.TempDir(), "jobs.db")) })
	testkit.OnPostgres(t, func(t *testing.T, base string) { check(t, testkit.NewSchema(t, base)) })
}
