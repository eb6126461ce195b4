package app

import (
	"context"
	"errors"
	"time"

	"yardstick/internal/model"
	"yardstick/internal/store"
)

// IdempotencyWindow is how long the first answer to an API create sent
// with an Idempotency-Key is kept for its retries (issue 16).
const IdempotencyWindow = 24 * time.Hour

// Once is an Idempotency-Key sent with a create by an API key.
type Once struct {
	Key         string // as sent; keys of two API keys never meet
	RequestHash string // of the operation and its body, made by the transport
}

// Answer is what the transport answered to a create, kept to answer its
// retries with the same status, headers and body.
type Answer struct {
	Status   int
	Location string
	ETag     string
	Body     []byte
	Replayed bool // the answer of an earlier request with the same key
}

// errKeyTaken: another request claimed the Idempotency-Key first; the
// create is rolled back and that request's answer given.
var errKeyTaken = errors.New("idempotency key taken")

// onceRun keeps the answer of one create in the create's transaction, so
// a create and its kept answer commit together or not at all. A nil
// *onceRun (a create without a key) does nothing.
type onceRun[T any] struct {
	actor  *Actor
	once   Once
	now    time.Time
	answer func(T) (Answer, error)
	kept   Answer
}

// claim takes the key first thing in the transaction: a concurrent retry
// waits there (PostgreSQL) or runs after (SQLite), then finds it taken.
func (o *onceRun[T]) claim(ctx context.Context, q *store.Q) error {
	if o == nil {
		return nil
	}
	ok, err := q.ClaimIdempotencyKey(ctx, o.actor.Instance.ID, o.actor.KeyID, o.once.Key, o.once.RequestHash, o.now.Add(-IdempotencyWindow))
	if err == nil && !ok {
		return errKeyTaken
	}
	return err
}

// keep stores the answer to the created v.
func (o *onceRun[T]) keep(ctx context.Context, q *store.Q, v T) error {
	if o == nil {
		return nil
	}
	ans, err := o.answer(v)
	if err != nil {
		return err
	}
	o.kept = ans
	return q.SaveIdempotentAnswer(ctx, o.actor.Instance.ID, o.actor.KeyID, o.once.Key,
		store.IdempotentAnswer{Status: ans.Status, Location: ans.Location, ETag: ans.ETag, Body: string(ans.Body)})
}

// CreateScorecardOnce is CreateScorecard for an API key's create sent with
// an Idempotency-Key: the first request creates and keeps answer(created);
// a retry within IdempotencyWindow gets that answer without creating, and
// the same key with another request is Invalid.
func (a *App) CreateScorecardOnce(ctx context.Context, actor *Actor, in ScorecardInput, once Once,
	answer func(model.Scorecard) (Answer, error)) (Answer, error) {
	return runOnce(ctx, a, actor, once, answer, func(o *onceRun[model.Scorecard]) error {
		_, err := a.createScorecard(ctx, actor, in, o)
		return err
	})
}

// CreateObjectOnce is CreateObject with an Idempotency-Key, as
// CreateScorecardOnce.
func (a *App) CreateObjectOnce(ctx context.Context, actor *Actor, in ObjectInput, at Placement, once Once,
	answer func(model.Object) (Answer, error)) (Answer, error) {
	return runOnce(ctx, a, actor, once, answer, func(o *onceRun[model.Object]) error {
		_, err := a.createObject(ctx, actor, in, at, o)
		return err
	})
}

func runOnce[T any](ctx context.Context, a *App, actor *Actor, once Once, answer func(T) (Answer, error), create func(*onceRun[T]) error) (Answer, error) {
	if actor.KeyID == 0 {
		// Only API keys send Idempotency-Keys; a person's forms have no use for one.
		return Answer{}, errForbidden("Only API keys send an Idempotency-Key.")
	}
	now := a.Now()
	if ans, ok, err := a.keptAnswer(ctx, actor, once, now); ok || err != nil {
		return ans, err
	}
	o := &onceRun[T]{actor: actor, once: once, now: now, answer: answer}
	err := create(o)
	if errors.Is(err, errKeyTaken) {
		ans, ok, err := a.keptAnswer(ctx, actor, once, now)
		if !ok && err == nil {
			// Taken, then gone: the other request expired meanwhile.
			return Answer{}, errConflict("Another request with this Idempotency-Key was under way; send it again.")
		}
		return ans, err
	}
	return o.kept, err
}

// keptAnswer is the kept answer to once, if any, refused when it answered
// another request.
func (a *App) keptAnswer(ctx context.Context, actor *Actor, once Once, now time.Time) (Answer, bool, error) {
	kept, err := a.store.Q().IdempotentAnswer(ctx, actor.Instance.ID, actor.KeyID, once.Key, now.Add(-IdempotencyWindow))
	if errors.Is(err, store.ErrNotFound) {
		return Answer{}, false, nil
	}
	if err != nil {
		return Answer{}, false, err
	}
	if kept.RequestHash != once.RequestHash {
		msg := "This Idempotency-Key was used with another request in the last 24 hours; use a new key for a new request."
		return Answer{}, true, invalid(msg, map[string]string{"header.Idempotency-Key": msg})
	}
	return Answer{Status: kept.Status, Location: kept.Location, ETag: kept.ETag, Body: []byte(kept.Body), Replayed: true}, true, nil
}
