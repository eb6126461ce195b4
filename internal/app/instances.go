package app

import (
	"context"
	"errors"
	"strings"

	"yardstick/internal/access"
	"yardstick/internal/mail"
	"yardstick/internal/model"
	"yardstick/internal/password"
	"yardstick/internal/store"
)

// NewInstance is what creating an instance needs.
type NewInstance struct {
	Code, Name            string
	AdminEmail, AdminName string
	AdminPassword         string // setup page only; the CLI generates a temporary one
}

// CreatedInstance reports the outcome. TempPassword is set when a new
// account was made with a generated password; it is shown once.
type CreatedInstance struct {
	Instance        model.Instance
	Admin           model.Account
	TempPassword    string
	ExistingAccount bool
}

// validate checks the fields of a new instance and normalizes them.
func (n *NewInstance) validate(withPassword bool) error {
	fields := map[string]string{}
	code, ok := NormalizeCode(n.Code)
	if !ok {
		fields["code"] = "Use 2 to 16 letters, digits or dashes (A–Z, 0–9, -)."
	}
	n.Code = code
	var msg string
	if n.Name, msg = cleanText(n.Name, "Organization name", 1, 100); msg != "" {
		fields["name"] = msg
	}
	email, ok := NormalizeEmail(n.AdminEmail)
	if !ok {
		fields["email"] = "Enter a valid email address."
	}
	n.AdminEmail = email
	if n.AdminName == "" && !withPassword {
		n.AdminName = strings.SplitN(email, "@", 2)[0]
	}
	if n.AdminName, msg = cleanText(n.AdminName, "Your name", 1, 100); msg != "" {
		fields["admin_name"] = msg
	}
	if withPassword && fields["email"] == "" {
		if err := password.Check(n.AdminPassword, n.AdminEmail, n.AdminName, n.Name, n.Code); err != nil {
			fields["password"] = upperFirst(strings.TrimPrefix(err.Error(), password.ErrPolicy.Error()+": ")) + "."
		}
	}
	if len(fields) > 0 {
		return invalid("Please correct the highlighted fields.", fields)
	}
	return nil
}

// CreateInstance is the operator's command: it makes an instance and its
// first member with the Administration preset. A new account gets a
// temporary password, returned once; an existing account is told by mail.
func (a *App) CreateInstance(ctx context.Context, n NewInstance) (CreatedInstance, error) {
	if err := n.validate(false); err != nil {
		return CreatedInstance{}, err
	}
	var out CreatedInstance
	err := a.store.InTx(ctx, func(q *store.Q) error {
		var err error
		out, err = a.createInstance(ctx, q, n, "")
		return err
	})
	return out, err
}

// createInstance does the writes of CreateInstance and Setup. A chosen
// password (setup) is stored as is; otherwise a temporary one is made.
func (a *App) createInstance(ctx context.Context, q *store.Q, n NewInstance, chosenHash string) (CreatedInstance, error) {
	var out CreatedInstance
	in, err := q.CreateInstance(ctx, model.Instance{Code: n.Code, Name: n.Name, Seats: 10})
	if errors.Is(err, store.ErrConflict) {
		return out, invalid("That code is taken; codes are never reused.", map[string]string{"code": "The code " + n.Code + " is already taken."})
	}
	if err != nil {
		return out, err
	}
	out.Instance = in
	if err := q.CreateBuiltins(ctx, in.ID); err != nil {
		return out, err
	}
	acct, err := q.AccountByEmail(ctx, n.AdminEmail)
	switch {
	case errors.Is(err, store.ErrNotFound):
		hash, temporary := chosenHash, false
		var expires = a.Now().Add(TempPasswordLife)
		if hash == "" {
			out.TempPassword = password.Temporary()
			hash, temporary = password.HashSecret(out.TempPassword), true
		}
		acct = model.Account{Email: n.AdminEmail, Name: n.AdminName, PasswordTemporary: temporary, HomeInstanceID: &in.ID}
		if temporary {
			acct.PasswordExpiresAt = &expires
		}
		if acct, err = q.CreateAccount(ctx, acct, hash); err != nil {
			return out, err
		}
	case err != nil:
		return out, err
	default:
		out.ExistingAccount = true
		if _, err := q.EnqueueMail(ctx, mail.AddedToInstance(a.cfg.BaseURL, in.Name, in.Code, acct.Email)); err != nil {
			return out, err
		}
	}
	out.Admin = acct
	_, err = q.CreateMembership(ctx, model.Membership{InstanceID: in.ID, AccountID: acct.ID,
		Permissions: access.MustPreset(access.PresetAdministration).Keys(), Preset: access.PresetAdministration,
		Role: access.PresetAdministration, Active: true, ActionEmails: true})
	return out, err
}

// NeedsSetup reports whether the deployment has no instance yet, so the
// one-time setup page is open.
func (a *App) NeedsSetup(ctx context.Context) (bool, error) {
	n, err := a.store.Q().CountInstances(ctx)
	return n == 0, err
}

// Setup creates the first instance and its administrator with a chosen
// password, and signs the administrator in. Once any instance exists it
// answers NotFound: the page is gone.
func (a *App) Setup(ctx context.Context, n NewInstance, c Client) (string, CreatedInstance, error) {
	if open, err := a.NeedsSetup(ctx); err != nil || !open {
		if err == nil {
			err = errNotFound()
		}
		return "", CreatedInstance{}, err
	}
	if err := n.validate(true); err != nil {
		return "", CreatedInstance{}, err
	}
	hash := password.Hash(n.AdminPassword)
	var out CreatedInstance
	token, err := a.startSession(ctx, "", c, func(q *store.Q) (int64, error) {
		if err := q.LockInstancesForSetup(ctx); err != nil {
			return 0, err
		}
		// Re-checked under the lock: two setups racing create one instance.
		if count, err := q.CountInstances(ctx); err != nil || count > 0 {
			if err == nil {
				err = errNotFound()
			}
			return 0, err
		}
		var err error
		out, err = a.createInstance(ctx, q, n, hash)
		return out.Admin.ID, err
	})
	return token, out, err
}

// ListInstances is for the operator.
func (a *App) ListInstances(ctx context.Context) ([]model.Instance, error) {
	return a.store.Q().ListInstances(ctx)
}

// ActorFor resolves the signed-in account's active membership in the
// instance named by code. Any other case is NotFound: a non-member cannot
// tell another instance from a missing one.
func (a *App) ActorFor(ctx context.Context, s Session, code string, c Client) (*Actor, error) {
	norm, ok := NormalizeCode(code)
	if !ok {
		return nil, errNotFound()
	}
	var in model.Instance
	var m model.Membership
	var err error
	if p := s.member; p != nil && p.code == norm && p.m.AccountID == s.Account.ID {
		in, m = p.in, p.m
	} else {
		in, m, err = a.store.Q().MembershipByCode(ctx, norm, s.Account.ID)
	}
	if errors.Is(err, store.ErrNotFound) || (err == nil && !m.Active) {
		return nil, errNotFound()
	}
	if err != nil {
		return nil, err
	}
	perms, err := access.NewSet(m.Permissions...)
	if err != nil {
		return nil, err
	}
	return &Actor{Account: s.Account, Instance: in, Membership: m, Perms: perms, SessionHash: s.Hash, Client: c}, nil
}

// OperatorActor acts for the operator's commands (import-users): every
// permission in the instance, no membership, named "operator" in the log.
func (a *App) OperatorActor(ctx context.Context, code string) (*Actor, error) {
	norm, ok := NormalizeCode(code)
	if !ok {
		return nil, fieldError("instance", "Give the instance's code with --instance.")
	}
	in, err := a.store.Q().InstanceByCode(ctx, norm)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, &Error{Kind: NotFound, Msg: "No instance has the code " + norm + "."}
		}
		return nil, err
	}
	return &Actor{Account: model.Account{Name: "operator"}, Instance: in, Perms: access.MustPreset(access.PresetAdministration),
		Client: Client{Addr: "command line"}}, nil
}

// MyInstances lists the instances where the account is an active member,
// for the switcher and the landing redirect.
func (a *App) MyInstances(ctx context.Context, accountID int64) ([]model.MemberInstance, error) {
	return a.store.Q().MemberInstances(ctx, accountID)
}

// SetLicense is the operator's command to set an instance's license type
// and seat count.
func (a *App) SetLicense(ctx context.Context, code, licenseType string, seats int) error {
	norm, ok := NormalizeCode(code)
	if !ok {
		return fieldError("instance", "Give the instance's code with --instance.")
	}
	licenseType, msg := cleanText(licenseType, "License type", 1, 50)
	if msg != "" {
		return fieldError("type", msg)
	}
	if seats < 0 || seats > 10_000_000 {
		return fieldError("seats", "Give a seat count of 0 or more with --seats.")
	}
	in, err := a.store.Q().InstanceByCode(ctx, norm)
	if errors.Is(err, store.ErrNotFound) {
		return &Error{Kind: NotFound, Msg: "No instance has the code " + norm + "."}
	}
	if err != nil {
		return err
	}
	return a.store.Q().SetLicense(ctx, in.ID, licenseType, seats)
}
