package app

import (
	"context"
	"time"

	"yardstick/internal/model"
	"yardstick/internal/store"
)

// High-volume entries (sign-ins, page views) are written in batches off
// the request path: at most a second late, and all of them on shutdown.
const (
	recorderBuffer = 4096
	recorderBatch  = 200
	recorderEvery  = time.Second
)

// RunRecorder writes queued entries until ctx ends, then drains the queue
// and returns. The server cancels ctx only after in-flight requests have
// finished, so nothing queued is lost.
func (a *App) RunRecorder(ctx context.Context) {
	tick := time.NewTicker(recorderEvery)
	defer tick.Stop()
	var batch []model.Activity
	flush := func() {
		if len(batch) == 0 {
			return
		}
		// Its own context: a flush during shutdown must still complete.
		fctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := a.store.InTx(fctx, func(q *store.Q) error { return q.RecordActivity(fctx, batch...) }); err != nil {
			a.log.Error("writing activity entries", "count", len(batch), "err", err)
		}
		batch = batch[:0]
	}
	for {
		select {
		case e := <-a.queue:
			batch = append(batch, e)
			if len(batch) >= recorderBatch {
				flush()
			}
		case <-tick.C:
			flush()
		case <-ctx.Done():
			for {
				select {
				case e := <-a.queue:
					batch = append(batch, e)
				default:
					flush()
					return
				}
			}
		}
	}
}

// later queues an entry for the recorder. Without a running recorder
// (commands, tests that do not start one) or with a full queue, it writes
// at once: an entry is never dropped.
func (a *App) later(ctx context.Context, e model.Activity) {
	if e.At.IsZero() {
		e.At = a.Now()
	}
	if a.recording.Load() {
		select {
		case a.queue <- e:
			return
		default:
		}
	}
	if err := a.store.InTx(ctx, func(q *store.Q) error { return q.RecordActivity(ctx, e) }); err != nil {
		a.log.Error("writing an activity entry", "err", err)
	}
}

// StartRecorder runs the recorder and the search indexer in the
// background and returns a function that stops them after writing
// everything queued.
func (a *App) StartRecorder() (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done, indexed := make(chan struct{}), make(chan struct{})
	a.recording.Store(true)
	go func() {
		a.RunRecorder(ctx)
		close(done)
	}()
	go func() {
		a.RunSearchIndexer(ctx)
		close(indexed)
	}()
	return func() {
		a.recording.Store(false)
		cancel()
		<-done
		<-indexed
	}
}

// signInEntries logs an account event in every instance where the
// account is an active member. A failed sign-in is logged as failed.
func (a *App) signInEntries(ctx context.Context, acct model.Account, activity string, c Client, changes ...model.Change) {
	ins, err := a.store.Q().MemberInstances(ctx, acct.ID)
	if err != nil {
		a.log.Error("listing instances for the log", "err", err)
		return
	}
	outcome := model.OutcomeSucceeded
	if activity == ActSignInFailed {
		outcome = model.OutcomeFailed
	}
	for _, in := range ins {
		id := acct.ID
		a.later(ctx, model.Activity{InstanceID: in.InstanceID, AccountID: &id, ActorName: acct.Name, ActorEmail: acct.Email,
			Activity: activity, ObjectType: "account", ObjectName: acct.Email, ClientAddr: c.Addr, RequestID: c.RequestID,
			Changes: changes, Outcome: outcome})
	}
}

// RecordView logs a member opening a scorecard or measure page.
func (a *App) RecordView(ctx context.Context, actor *Actor, activity, objectType string, id int64, name string) {
	a.later(ctx, entry(actor, activity, objectType, id, name))
}
