package app

import (
	"context"
	"strings"

	"yardstick/internal/access"
	"yardstick/internal/model"
	"yardstick/internal/store"
	"yardstick/internal/terms"
)

// Lock modes (issue 28, point 1). A scorecard's lock closes what is done
// through it: a structure lock refuses adding, removing, re-linking,
// reordering and editing objects under it (data entry stays open); a data
// lock makes all of it read-only, for administrators too, until someone
// with objects.edit unlocks it. An object on several scorecards takes the
// most open of their locks — it stays editable through an unlocked one —
// except that deleting it, which takes it off every scorecard, needs all
// of them open. access holds the rules; this file reads the locks and
// words the refusals.

// objectLocks reads the scorecards an object of owner sits under, with
// their locks: the most open and the strictest, and the locked ones.
func (a *App) objectLocks(ctx context.Context, q *store.Q, owner, objectID int64) (open, strict access.Lock, locked []model.Scorecard, err error) {
	scs, err := q.ScorecardsOf(ctx, owner, objectID, store.SeeAll)
	if err != nil {
		return 0, 0, nil, err
	}
	locks := make([]access.Lock, len(scs))
	for i, s := range scs {
		locks[i] = access.LockOf(s.LockMode)
		strict = max(strict, locks[i])
		if locks[i] > access.Unlocked {
			locked = append(locked, s)
		}
	}
	return access.ObjectLock(locks...), strict, locked, nil
}

// lockedError refuses a change that a lock closes, naming the locked
// scorecards and their reasons.
func lockedError(actor *Actor, what string, locked []model.Scorecard) error {
	var parts []string
	for _, s := range locked {
		p := "“" + s.Title + "” (" + lockName(access.LockOf(s.LockMode)) + ")"
		if s.LockReason != "" {
			p += ": " + s.LockReason
		}
		parts = append(parts, p)
	}
	return errForbidden("%s is locked by the %s %s. Unlock it to change this.", what,
		actor.Words().LowOne(terms.Scorecard), strings.Join(parts, "; "))
}

// lockName says what a lock closes, for refusals and the pages.
func lockName(l access.Lock) string {
	switch l {
	case access.StructureLocked:
		return "structure locked"
	case access.DataLocked:
		return "structure and data locked"
	}
	return "not locked"
}

// LockName is lockName for the pages.
func LockName(mode string) string { return lockName(access.LockOf(mode)) }

// checkObjectLock refuses a change to an object when its locks reach
// need: judged by the most open of them, or with strict (a delete) by the
// strictest.
func (a *App) checkObjectLock(ctx context.Context, q *store.Q, actor *Actor, o model.Object, need access.Lock, strict bool) error {
	open, strictest, locked, err := a.objectLocks(ctx, q, o.InstanceID, o.ID)
	if err != nil {
		return err
	}
	l := open
	if strict {
		l = strictest
	}
	if l >= need {
		return lockedError(actor, "“"+o.Title+"”", locked)
	}
	return nil
}

// checkScorecardLock refuses a change through a scorecard locked at need
// or beyond.
func checkScorecardLock(actor *Actor, s model.Scorecard, need access.Lock) error {
	if access.LockOf(s.LockMode) >= need {
		return lockedError(actor, "“"+s.Title+"”", []model.Scorecard{s})
	}
	return nil
}

// editableObject is Object for a change of the object itself (its
// fields, graph, baseline): refused under a structure lock.
func (a *App) editableObject(ctx context.Context, actor *Actor, id int64) (model.Object, error) {
	o, err := a.Object(ctx, actor, id)
	if err != nil {
		return o, err
	}
	return o, a.checkObjectLock(ctx, a.store.Q(), actor, o, access.StructureLocked, false)
}

// LockInput is the lock form of a scorecard.
type LockInput struct {
	Mode   string // model.LockNormal, LockStructure or LockData
	Reason string
}

// ActLock is the activity of locking or unlocking a scorecard.
const ActLock = "scorecard_locked"

// SetScorecardLock changes a scorecard's lock mode (objects.edit, own
// scorecards). Locking and unlocking are logged with the reason.
func (a *App) SetScorecardLock(ctx context.Context, actor *Actor, id, version int64, in LockInput) error {
	s, err := a.Scorecard(ctx, actor, id)
	if err != nil {
		return err
	}
	if err := actor.Require(access.ObjectsEdit); err != nil {
		return err
	}
	switch in.Mode {
	case model.LockNormal, model.LockStructure, model.LockData:
	default:
		return fieldError("lock_mode", "Choose how the "+actor.Words().LowOne(terms.Scorecard)+" is locked.")
	}
	reason, msg := cleanText(in.Reason, "The reason", 0, 300)
	if msg != "" {
		return fieldError("lock_reason", msg)
	}
	if in.Mode == model.LockNormal {
		reason = ""
	}
	before := s
	return a.store.InTx(ctx, func(q *store.Q) error {
		if err := q.SetScorecardLock(ctx, actor.Instance.ID, id, version, in.Mode, reason); err != nil {
			return conflictMsg(err, "this "+actor.Words().LowOne(terms.Scorecard))
		}
		return record(ctx, q, entry(actor, ActLock, "scorecard", id, s.Title, changed(
			"lock", lockName(access.LockOf(before.LockMode)), lockName(access.LockOf(in.Mode)),
			"reason", before.LockReason, reason)...))
	})
}
