package app

import (
	"context"
	"strconv"
	"time"

	"yardstick/internal/model"
	"yardstick/internal/store"
)

// Activity types of the User Activity log (SPEC §10).
const (
	ActSignIn        = "sign_in"
	ActSignOut       = "sign_out"
	ActSignInFailed  = "sign_in_failed"
	ActViewScorecard = "view_scorecard"
	ActViewMeasure   = "view_measure"
	ActCreate        = "create"
	ActUpdate        = "update"
	ActDelete        = "delete"
	ActRestore       = "restore" // an earlier version of a note made current again
	ActLink          = "link"
	ActUnlink        = "unlink"
	ActDataEntry     = "data_entry"
	ActImport        = "import"
	ActExport        = "export"
	ActPermissions   = "permission_change"
	ActMembership    = "membership_change"
	ActRefused       = "refused"

	// Security events of an account (SPEC §10), logged in every instance
	// it has joined.
	ActPasswordChange = "password_change"        // own, through a reset link, or after a sign-in link
	ActResetRequest   = "password_reset_request" // "Forgot password"
)

// ActivityTypes lists the types for the log page's filter.
var ActivityTypes = []string{ActSignIn, ActSignOut, ActSignInFailed, ActViewScorecard, ActViewMeasure, ActCreate, ActUpdate,
	ActDelete, ActRestore, ActLink, ActUnlink, ActDataEntry, ActImport, ActExport, ActPermissions, ActMembership, ActRefused,
	ActPartnerRequest, ActPartnerAccept, ActPartnerDecline, ActPartnerCancel, ActPartnerShare, ActPartnerUnshare, ActPartnerRevoke, ActPartnerRefer,
	ActInvitation, ActEmailChange, ActPasswordChange, ActResetRequest, ActAPIKeyCreate, ActAPIKeyRevoke,
	ActEmbedEnable, ActEmbedDisable, ActEmbedCreate, ActEmbedRegenerate, ActEmbedRevoke, ActLock, ActMultiSite}

// entry starts a log entry for an act of actor in its instance.
func entry(actor *Actor, activity, objectType string, objectID int64, objectName string, changes ...model.Change) model.Activity {
	e := model.Activity{InstanceID: actor.Instance.ID, Activity: activity, ObjectType: objectType, ObjectName: objectName,
		Changes: changes, ClientAddr: actor.Client.Addr, RequestID: actor.Client.RequestID,
		ActorName: actor.Account.Name, ActorEmail: actor.Account.Email}
	if id := actor.Account.ID; id != 0 {
		e.AccountID = &id
	}
	if objectID != 0 {
		e.ObjectID = &objectID
	}
	return e
}

// record writes entries in the transaction q, the one making the change.
func record(ctx context.Context, q *store.Q, entries ...model.Activity) error {
	return q.RecordActivity(ctx, entries...)
}

// changed lists the fields whose text differs, for before/after columns.
func changed(pairs ...string) []model.Change {
	n := 0
	for i := 0; i+2 < len(pairs); i += 3 {
		if pairs[i+1] != pairs[i+2] {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	out := make([]model.Change, 0, n)
	for i := 0; i+2 < len(pairs); i += 3 {
		if pairs[i+1] != pairs[i+2] {
			out = append(out, model.Change{Field: pairs[i], Before: pairs[i+1], After: pairs[i+2]})
		}
	}
	return out
}

func ftoa(v *float64) string { return FormatRaw(v) }

func btoa(b bool) string { return strconv.FormatBool(b) }

// Outcome is the one place where a use case's error becomes what a
// transport answers: an *Error the person can act on, or, for anything
// else (a failing database, a bug), an Internal error whose message names
// only the request id (the transport logs the cause). A refusal of an
// actor (Forbidden) is recorded here, so that no transport can log fewer
// refusals than another; what names the refused operation (a route
// pattern). Recording failures are logged and do not change the answer.
func (a *App) Outcome(ctx context.Context, actor *Actor, what string, err error) *Error {
	e, ok := AsError(err)
	if !ok && a.store.Lost(err) {
		// Nothing was written (each change is one transaction); the same
		// request can be sent again once the database is back.
		return &Error{Kind: Unavailable, Msg: "Yardstick cannot reach its database; try again in a minute.", RetryAfter: 30 * time.Second}
	}
	if !ok {
		id := ""
		if actor != nil {
			id = actor.Client.RequestID
		}
		return &Error{Kind: Internal, Msg: "Something went wrong on our side. Request id: " + id}
	}
	if e.Kind == Forbidden && actor != nil {
		if rerr := a.recordRefusal(ctx, actor, what, e.Msg); rerr != nil {
			a.log.Error("recording a refusal", "request_id", actor.Client.RequestID, "err", rerr)
		}
	}
	return e
}

// recordRefusal logs a refused action (SPEC §3.4) in its own transaction:
// the refused change itself was rolled back. Refused page views are
// recorded the same way.
func (a *App) recordRefusal(ctx context.Context, actor *Actor, what, reason string) error {
	e := entry(actor, ActRefused, "request", 0, what, model.Change{Field: "reason", After: reason})
	e.Outcome = model.OutcomeRefused
	return a.store.InTx(ctx, func(q *store.Q) error { return record(ctx, q, e) })
}
