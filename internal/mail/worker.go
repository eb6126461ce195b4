package mail

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"yardstick/internal/model"
	"yardstick/internal/store"
)

// Worker defaults.
const (
	DefaultBatch       = 20
	DefaultPoll        = 2 * time.Second
	DefaultMaxAttempts = 8
	DefaultLease       = 2 * time.Minute
)

// Backoff bounds: the first retry waits baseBackoff, each further one
// twice as long, never more than maxBackoff.
const (
	baseBackoff = 30 * time.Second
	maxBackoff  = time.Hour
)

// Worker delivers the outbox. Several workers (in one process or many)
// may run at once: ClaimMail leases each message to one of them. Delivery
// is at least once: a crash between sending and recording leaves the
// message to be sent again when its lease runs out.
type Worker struct {
	Store       *store.Store
	Sender      Sender
	Log         *slog.Logger
	Batch       int           // messages claimed at a time; DefaultBatch if 0
	Poll        time.Duration // wait when the outbox is empty; DefaultPoll if 0
	MaxAttempts int           // attempts before a message is failed; DefaultMaxAttempts if 0
	Lease       time.Duration // how long a claim holds; DefaultLease if 0

	wakeOnce sync.Once
	wake     chan struct{}
}

// Wake asks a waiting Run to look at the outbox now, for example right
// after a request enqueued a mail. It never blocks.
func (w *Worker) Wake() {
	select {
	case w.wakeCh() <- struct{}{}:
	default: // a nudge is already pending
	}
}

func (w *Worker) wakeCh() chan struct{} {
	w.wakeOnce.Do(func() { w.wake = make(chan struct{}, 1) })
	return w.wake
}

// Run delivers until ctx is cancelled, then returns nil. A batch already
// claimed is finished first, so no message is left leased and unsent.
// Store errors are logged and retried after Poll: a database blip must not
// stop mail for good.
func (w *Worker) Run(ctx context.Context) error {
	if err := w.check(); err != nil {
		return err
	}
	for ctx.Err() == nil {
		msgs, err := w.Store.Q().ClaimMail(ctx, w.batch(), w.lease())
		if err != nil && ctx.Err() == nil {
			w.log().Error("mail: claiming from the outbox", "error", err)
		}
		w.process(ctx, msgs) // store errors are logged inside
		if err == nil && len(msgs) == w.batch() {
			continue // likely more due right now
		}
		t := time.NewTimer(w.poll())
		select {
		case <-ctx.Done():
		case <-w.wakeCh():
		case <-t.C:
		}
		t.Stop()
	}
	return nil
}

// RunOnce claims and processes one batch. failed counts unsuccessful
// attempts, whether the message will be retried or was given up.
func (w *Worker) RunOnce(ctx context.Context) (sent, failed int, err error) {
	if err := w.check(); err != nil {
		return 0, 0, err
	}
	msgs, err := w.Store.Q().ClaimMail(ctx, w.batch(), w.lease())
	if err != nil {
		return 0, 0, err
	}
	return w.process(ctx, msgs)
}

func (w *Worker) check() error {
	if w.Store == nil || w.Sender == nil {
		return errors.New("mail.Worker needs a Store and a Sender")
	}
	return nil
}

// process sends and records with a context that ignores cancellation:
// once claimed, a batch is seen through (each send gets SendTimeout).
// It stops starting sends after half the lease, so that a slow server
// cannot keep a message past its lease while another worker claims it;
// the rest are claimed again when their lease runs out.
func (w *Worker) process(ctx context.Context, msgs []model.OutboxMessage) (sent, failed int, err error) {
	work := context.WithoutCancel(ctx)
	stopAt := w.Store.Now().Add(w.lease() / 2)
	var errs []error
	for _, m := range msgs {
		if w.Store.Now().After(stopAt) {
			w.log().Warn("mail: batch too slow; leaving the rest for the next claim", "left", len(msgs)-sent-failed)
			break
		}
		ok, err := w.deliver(work, m)
		if ok {
			sent++
		} else {
			failed++
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	return sent, failed, errors.Join(errs...)
}

// deliver sends one message and records the outcome. The returned error is
// a store error (already logged); a failed send is an outcome, not an error.
func (w *Worker) deliver(ctx context.Context, m model.OutboxMessage) (bool, error) {
	attempt := m.Attempts + 1
	// Never the body: it may hold a temporary password or sign-in link.
	log := w.log().With("id", m.ID, "kind", m.Kind, "to", m.To, "attempt", attempt)
	sendCtx, cancel := context.WithTimeout(ctx, SendTimeout)
	sendErr := w.Sender.Send(sendCtx, m)
	cancel()
	var err error
	switch {
	case sendErr == nil:
		if err = w.Store.Q().MarkMailSent(ctx, m.ID); err == nil {
			log.Info("mail: delivered")
		}
	case attempt >= w.maxAttempts():
		log.Error("mail: giving up", "error", sendErr)
		err = w.Store.Q().MarkMailFailed(ctx, m.ID, sendErr.Error())
	default:
		next := w.Store.Now().Add(Backoff(m.Attempts))
		log.Warn("mail: attempt failed; will retry", "error", sendErr, "next_attempt_at", next)
		err = w.Store.Q().MarkMailRetry(ctx, m.ID, sendErr.Error(), next)
	}
	if err != nil {
		// After a send, this means the message goes out again once its
		// lease expires: at least once, never lost.
		log.Error("mail: recording the outcome", "sent", sendErr == nil, "error", err)
	}
	return sendErr == nil, err
}

// Backoff is the wait after a failure of a message that had made
// attempts earlier attempts: 30 s, 1 min, 2 min, … capped at one hour.
func Backoff(attempts int) time.Duration {
	if attempts < 0 {
		attempts = 0
	}
	if attempts >= 7 { // 30 s · 2^7 already exceeds the cap
		return maxBackoff
	}
	return min(baseBackoff<<attempts, maxBackoff)
}

func (w *Worker) log() *slog.Logger {
	if w.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return w.Log
}

func (w *Worker) batch() int {
	if w.Batch > 0 {
		return w.Batch
	}
	return DefaultBatch
}

func (w *Worker) poll() time.Duration {
	if w.Poll > 0 {
		return w.Poll
	}
	return DefaultPoll
}

func (w *Worker) maxAttempts() int {
	if w.MaxAttempts > 0 {
		return w.MaxAttempts
	}
	return DefaultMaxAttempts
}

func (w *Worker) lease() time.Duration {
	if w.Lease > 0 {
		return w.Lease
	}
	return DefaultLease
}
