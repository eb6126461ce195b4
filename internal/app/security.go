package app

import (
	"context"

	"yardstick/internal/model"
	"yardstick/internal/store"
)

// anonymous is the actor of an account event that nobody signed in
// caused, such as a "Forgot password" request: the entry names no one.
var anonymous = model.Account{Name: "Not signed in"}

// accountEventOutcome is accountEvent (email.go) for an event that did not
// succeed: it records a security event of acct, by by, in every instance
// the account has joined, with its outcome (SPEC §10).
func (a *App) accountEventOutcome(ctx context.Context, q *store.Q, acct, by model.Account, activity, outcome string, c Client, changes ...model.Change) error {
	joined, err := q.AccountInstances(ctx, []int64{acct.ID})
	if err != nil {
		return err
	}
	entries := make([]model.Activity, 0, len(joined[acct.ID]))
	for _, in := range joined[acct.ID] {
		e := model.Activity{InstanceID: in, ActorName: by.Name, ActorEmail: by.Email, Activity: activity, Outcome: outcome,
			ObjectType: "account", ObjectName: acct.Email, ClientAddr: c.Addr, RequestID: c.RequestID, Changes: changes}
		if by.ID != 0 {
			id := by.ID
			e.AccountID = &id
		}
		entries = append(entries, e)
	}
	if len(entries) == 0 {
		return nil
	}
	return record(ctx, q, entries...)
}
