package mail_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"yardstick/internal/mail"
	"yardstick/internal/model"
	"yardstick/internal/testkit"
)

// newWorker returns a worker sending through a real SMTP server, logging
// into the returned buffer.
func newWorker(t *testing.T, db *testkit.DB) (*mail.Worker, *testkit.SMTPServer, *syncBuffer) {
	t.Helper()
	srv := testkit.StartSMTP(t)
	s, err := mail.NewSMTPSender(srv.URL(), from)
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	w := &mail.Worker{Store: db.Store, Sender: s, Log: slog.New(slog.NewTextHandler(logs, nil))}
	return w, srv, logs
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func enqueue(t *testing.T, db *testkit.DB, msgs ...model.OutboxMessage) []int64 {
	t.Helper()
	var ids []int64
	for _, m := range msgs {
		id, err := db.Store.Q().EnqueueMail(context.Background(), m)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

func mailByID(t *testing.T, db *testkit.DB, id int64) model.OutboxMessage {
	t.Helper()
	m, err := db.Store.Q().MailByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func runOnce(t *testing.T, w *mail.Worker, wantSent, wantFailed int) {
	t.Helper()
	sent, failed, err := w.RunOnce(context.Background())
	if err != nil || sent != wantSent || failed != wantFailed {
		t.Fatalf("RunOnce = %d sent, %d failed, %v; want %d, %d, nil", sent, failed, err, wantSent, wantFailed)
	}
}

func TestWorkerDelivers(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		w, srv, logs := newWorker(t, db)
		msgs := []model.OutboxMessage{
			mail.Welcome("https://ys.test", "Acme", "ACME", "ann@example.org", "Tmp-secret-1111"),
			mail.PasswordReset("https://ys.test", "bob@example.org", "https://ys.test/reset/tok-2222"),
			mail.PasswordChanged("https://ys.test", "cy@example.org"),
		}
		ids := enqueue(t, db, msgs...)
		runOnce(t, w, 3, 0)

		got := srv.WaitFor(t, 3, 5*time.Second)
		for i, want := range msgs {
			g := got[i]
			if len(g.To) != 1 || g.To[0] != want.To || g.Subject != want.Subject || g.Body != want.Body {
				t.Errorf("message %d: got to %v %q\n%s\nwant to %s %q\n%s", i, g.To, g.Subject, g.Body, want.To, want.Subject, want.Body)
			}
			stored := mailByID(t, db, ids[i])
			if stored.Status != model.MailSent || stored.Attempts != 1 || stored.SentAt == nil {
				t.Errorf("message %d: status %q, attempts %d, sent at %v; want sent, 1, set", i, stored.Status, stored.Attempts, stored.SentAt)
			}
			if scrubbed := stored.Body != want.Body; scrubbed != want.HasSecret {
				t.Errorf("message %d: body scrubbed = %v, want %v (body %q)", i, scrubbed, want.HasSecret, stored.Body)
			}
		}
		if got, want := testkit.FindAfter(got[0].Body, mail.LabelTempPassword), "Tmp-secret-1111"; got != want {
			t.Errorf("temporary password = %q, want %q", got, want)
		}
		if got, want := testkit.FindLink(got[1].Body, "https://ys.test/reset/"), "https://ys.test/reset/tok-2222"; got != want {
			t.Errorf("reset link = %q, want %q", got, want)
		}
		if !strings.Contains(logs.String(), "kind=welcome") || !strings.Contains(logs.String(), "to=ann@example.org") {
			t.Errorf("log lacks the delivery of the welcome mail:\n%s", logs)
		}
		for _, secret := range []string{"Tmp-secret-1111", "tok-2222"} {
			if strings.Contains(logs.String(), secret) {
				t.Errorf("log holds secret %q:\n%s", secret, logs)
			}
		}
		runOnce(t, w, 0, 0) // nothing left
	})
}

func TestWorkerRetriesLater(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		w, srv, _ := newWorker(t, db)
		id := enqueue(t, db, mail.PasswordChanged("https://ys.test", "ann@example.org"))[0]
		srv.RefuseNext(1)
		runOnce(t, w, 0, 1)

		m := mailByID(t, db, id)
		if m.Status != model.MailPending || m.Attempts != 1 || !strings.Contains(m.LastError, "451") {
			t.Errorf("after refusal: status %q, attempts %d, last error %q; want pending, 1, a 451", m.Status, m.Attempts, m.LastError)
		}
		if got, want := m.NextAttemptAt, testkit.Epoch.Add(30*time.Second); !got.Equal(want) {
			t.Errorf("next attempt at %v, want %v", got, want)
		}

		runOnce(t, w, 0, 0) // not due yet
		db.Clock.Advance(31 * time.Second)
		runOnce(t, w, 1, 0)
		srv.WaitFor(t, 1, 5*time.Second)
		if m := mailByID(t, db, id); m.Status != model.MailSent || m.Attempts != 2 || m.LastError != "" {
			t.Errorf("after retry: status %q, attempts %d, last error %q; want sent, 2, empty", m.Status, m.Attempts, m.LastError)
		}
	})
}

func TestWorkerGivesUp(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		w, srv, _ := newWorker(t, db)
		w.MaxAttempts = 3
		id := enqueue(t, db, mail.PasswordChanged("https://ys.test", "ann@example.org"))[0]
		srv.RefuseNext(100)
		wantWait := []time.Duration{30 * time.Second, time.Minute} // then failed
		for attempt := 1; attempt <= 3; attempt++ {
			now := db.Clock.Now()
			runOnce(t, w, 0, 1)
			m := mailByID(t, db, id)
			if m.Attempts != attempt {
				t.Fatalf("attempts = %d, want %d", m.Attempts, attempt)
			}
			if attempt < 3 {
				if m.Status != model.MailPending || !m.NextAttemptAt.Equal(now.Add(wantWait[attempt-1])) {
					t.Errorf("attempt %d: status %q, next %v; want pending, %v", attempt, m.Status, m.NextAttemptAt, now.Add(wantWait[attempt-1]))
				}
			} else if m.Status != model.MailFailed || m.LastError == "" {
				t.Errorf("attempt %d: status %q, last error %q; want failed with an error", attempt, m.Status, m.LastError)
			}
			db.Clock.Advance(time.Hour)
		}
		runOnce(t, w, 0, 0) // a failed message is not claimed again
		if got := len(srv.Messages()); got != 0 {
			t.Errorf("server got %d messages, want 0", got)
		}
	})
}

// cancelAfterFirst cancels the worker's context once the first message is
// out, as a shutdown signal arriving mid-batch would.
type cancelAfterFirst struct {
	next   mail.Sender
	cancel context.CancelFunc
	mu     sync.Mutex
	sends  int
	errCtx int // sends that got an already cancelled context
}

func (c *cancelAfterFirst) Send(ctx context.Context, m model.OutboxMessage) error {
	c.mu.Lock()
	c.sends++
	if ctx.Err() != nil {
		c.errCtx++
	}
	c.mu.Unlock()
	err := c.next.Send(ctx, m)
	c.cancel()
	return err
}

func TestWorkerRunFinishesBatchOnShutdown(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		w, srv, _ := newWorker(t, db)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		sender := &cancelAfterFirst{next: w.Sender, cancel: cancel}
		w.Sender, w.Poll = sender, time.Hour
		var ids []int64
		for i := range 4 {
			ids = append(ids, enqueue(t, db, mail.PasswordChanged("https://ys.test", fmt.Sprintf("u%d@example.org", i)))...)
		}

		done := make(chan error, 1)
		go func() { done <- w.Run(ctx) }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("Run = %v, want nil", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("Run did not return after its context was cancelled")
		}
		if got := len(srv.Messages()); got != 4 {
			t.Errorf("server got %d messages, want 4", got)
		}
		if sender.errCtx != 0 {
			t.Errorf("%d sends got a cancelled context, want 0", sender.errCtx)
		}
		for _, id := range ids {
			if m := mailByID(t, db, id); m.Status != model.MailSent {
				t.Errorf("message %d: status %q, want sent", id, m.Status)
			}
		}
	})
}

// A full batch is followed at once by the next; Wake ends the poll wait.
func TestWorkerRunDrainsAndWakes(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		w, srv, _ := newWorker(t, db)
		w.Batch, w.Poll = 2, time.Hour
		for i := range 5 {
			enqueue(t, db, mail.PasswordChanged("https://ys.test", fmt.Sprintf("u%d@example.org", i)))
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- w.Run(ctx) }()
		srv.WaitFor(t, 5, 10*time.Second)

		enqueue(t, db, mail.PasswordChanged("https://ys.test", "late@example.org"))
		w.Wake()
		if got := srv.WaitFor(t, 6, 10*time.Second); got[5].To[0] != "late@example.org" {
			t.Errorf("sixth message to %v, want late@example.org", got[5].To)
		}
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run = %v, want nil", err)
		}
	})
}

func TestBackoff(t *testing.T) {
	tests := []struct {
		attempts int
		want     time.Duration
	}{
		{0, 30 * time.Second}, {1, time.Minute}, {2, 2 * time.Minute}, {6, 32 * time.Minute},
		{7, time.Hour}, {8, time.Hour}, {100, time.Hour}, {-1, 30 * time.Second},
	}
	for _, tt := range tests {
		if got := mail.Backoff(tt.attempts); got != tt.want {
			t.Errorf("Backoff(%d) = %v, want %v", tt.attempts, got, tt.want)
		}
	}
}
