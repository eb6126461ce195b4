package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a log the server writes while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var (
	runningAt     = regexp.MustCompile(`msg="yardstick is running" url=(http://[0-9.:]+)`)
	completedJobs = regexp.MustCompile(`(?m)^yardstick_jobs\{state="completed"\} (\d+)$`)
)

// `yardstick serve` runs the job engine: the periodic runs (digests,
// reminders) are worked at start, /metrics counts them by state, and a
// shutdown stops the engine before the store closes, leaving no job
// running.
func TestServeRunsJobs(t *testing.T) {
	u := "sqlite:" + filepath.Join(t.TempDir(), "serve.db")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var log syncBuffer
	done := make(chan error, 1)
	go func() { done <- serve(ctx, []string{"--database-url", u, "--addr", "127.0.0.1:0"}, &log) }()

	var base string
	deadline := time.Now().Add(60 * time.Second)
	for base == "" && time.Now().Before(deadline) {
		select {
		case err := <-done:
			t.Fatalf("serve stopped: %v\n%s", err, log.String())
		case <-time.After(20 * time.Millisecond):
		}
		if m := runningAt.FindStringSubmatch(log.String()); m != nil {
			base = m[1]
		}
	}
	if base == "" {
		t.Fatalf("serve did not start:\n%s", log.String())
	}
	var metrics string
	completed := 0
	for completed < 5 && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
		res, err := http.Get(base + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		metrics = string(b)
		if m := completedJobs.FindStringSubmatch(metrics); m != nil {
			completed, _ = strconv.Atoi(m[1])
		}
	}
	// The periodic runs, each worked at start: the weekly and monthly
	// digests, the reminders sweep, the report deliveries and the outbox's
	// pruning.
	if completed < 5 {
		t.Fatalf("/metrics shows %d completed jobs, want the 5 periodic runs:\n%s\nlog:\n%s", completed, grepLines(metrics, "yardstick_jobs"), log.String())
	}
	if !strings.Contains(metrics, "yardstick_jobs_oldest_queued_seconds ") || !strings.Contains(metrics, `yardstick_jobs{state="discarded"} 0`) {
		t.Errorf("/metrics lacks the queue's gauges:\n%s", grepLines(metrics, "yardstick_jobs"))
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve: %v\n%s", err, log.String())
		}
	case <-time.After(45 * time.Second):
		t.Fatalf("serve did not stop:\n%s", log.String())
	}
	if !strings.Contains(log.String(), `msg=stopped`) {
		t.Errorf("no clean stop in the log:\n%s", log.String())
	}
	out, err := jobsList(t, u, "--state", "running,available,retryable")
	if err != nil || strings.Count(out, "\n") != 1 {
		t.Errorf("jobs left after the shutdown: %v\n%s", err, out)
	}
	out, err = jobsList(t, u, "--state", "completed")
	if err != nil || !strings.Contains(out, "digest_run") || !strings.Contains(out, "action_reminders") || !strings.Contains(out, "outbox_prune") {
		t.Errorf("completed jobs: %v\n%s", err, out)
	}
}

// grepLines keeps the lines of s that contain sub.
func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
