package testkit

import (
	"context"
	"testing"

	"yardstick/internal/access"
	"yardstick/internal/model"
	"yardstick/internal/password"
	"yardstick/internal/store"
)

// Password is the password builders give accounts.
const Password = "correct tram lamp staple"

// passwordHash is computed once: argon2id is deliberately slow.
var passwordHash = password.Hash(Password)

// MustCreateInstance creates an instance with a generous seat count.
func MustCreateInstance(t testing.TB, s *store.Store, code, name string) model.Instance {
	t.Helper()
	in, err := s.Q().CreateInstance(context.Background(), model.Instance{Code: code, Name: name, Seats: 100})
	if err != nil {
		t.Fatalf("create instance %s: %v", code, err)
	}
	if err := s.Q().CreateBuiltins(context.Background(), in.ID); err != nil {
		t.Fatalf("builtins of %s: %v", code, err)
	}
	return in
}

// MustCreateMember creates (or reuses) the account of email, with password
// Password, and makes it an active member of in with a preset's
// permissions ("" means none).
func MustCreateMember(t testing.TB, s *store.Store, in model.Instance, email, preset string) (model.Account, model.Membership) {
	t.Helper()
	ctx := context.Background()
	q := s.Q()
	acct, err := q.AccountByEmail(ctx, email)
	if err != nil {
		acct, err = q.CreateAccount(ctx, model.Account{Email: email, Name: nameOf(email), HomeInstanceID: &in.ID}, passwordHash)
		if err != nil {
			t.Fatalf("create account %s: %v", email, err)
		}
	}
	var perms []string
	role := access.Custom
	if preset != "" {
		perms = access.MustPreset(preset).Keys()
		role = preset
	}
	m, err := q.CreateMembership(ctx, model.Membership{InstanceID: in.ID, AccountID: acct.ID, Permissions: perms,
		Preset: preset, Role: role, Active: true, ActionEmails: true})
	if err != nil {
		t.Fatalf("create membership %s in %s: %v", email, in.Code, err)
	}
	return acct, m
}

func nameOf(email string) string {
	for i := range len(email) {
		if email[i] == '@' {
			return email[:i]
		}
	}
	return email
}
