package app

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"yardstick/internal/access"
	"yardstick/internal/mail"
	"yardstick/internal/model"
	"yardstick/internal/password"
	"yardstick/internal/store"
)

// MemberQuery asks for one page of the users list.
type MemberQuery struct {
	Sort         string // email, name, activity, role, permissions, status
	Desc         bool
	Search       string // matched anywhere in a shown field, any case
	HideInactive bool
	After        string // cursor from the previous page
	Limit        int
}

// MemberPage is one page of the users list. Its memberships carry only
// what the list shows: id, role, email, name, active, last activity and
// the permission count.
type MemberPage struct {
	Members []model.Membership
	Next    string // cursor of the next page; "" on the last
}

// UsersList is a page of the users list with the header counts.
type UsersList struct {
	Page          MemberPage
	Active, Total int
}

// ListUsers pages through the instance's members (users.manage).
func (a *App) ListUsers(ctx context.Context, actor *Actor, f MemberQuery) (UsersList, error) {
	if err := actor.Require(access.UsersManage); err != nil {
		return UsersList{}, err
	}
	q := a.store.Q()
	page, err := q.ListMembers(ctx, actor.Instance.ID, store.MemberFilter{Sort: f.Sort, Desc: f.Desc, Search: searchTerm(f.Search),
		HideInactive: f.HideInactive, After: f.After, Limit: f.Limit})
	if errors.Is(err, store.ErrBadCursor) {
		return UsersList{}, invalid("That page link is no longer valid; start from the first page.", nil)
	}
	if err != nil {
		return UsersList{}, err
	}
	// The counts came with the instance when the request resolved the
	// actor: no extra query.
	return UsersList{Page: MemberPage{Members: page.Members, Next: page.Next}, Active: actor.Instance.ActiveCount, Total: actor.Instance.MemberCount}, nil
}

// NewUser is the Add New User form.
type NewUser struct {
	Email, FirstName, LastName string
	Administrator              bool // account role Administrator: starts with the Administration preset
}

// AddNewUser adds a person by email (users.manage) and returns the
// answer to show. A new address gets an account whose home is this
// instance: it takes a seat, starts as Presenter (Administration for an
// Administrator) and is sent the welcome mail. An address that has an
// account already is invited instead (SPEC §4): it joins only when the
// person accepts. Both answer alike, and the seat check comes first for
// both, so the form never tells whether an account exists.
func (a *App) AddNewUser(ctx context.Context, actor *Actor, in NewUser) (string, error) {
	if err := actor.Require(access.UsersManage); err != nil {
		return "", err
	}
	fields := map[string]string{}
	email, ok := NormalizeEmail(in.Email)
	if !ok {
		fields["email"] = "Enter a valid email address."
	}
	first, msg := cleanText(in.FirstName, "First name", 1, 60)
	if msg != "" {
		fields["first_name"] = msg
	}
	last, msg := cleanText(in.LastName, "Last name", 1, 60)
	if msg != "" {
		fields["last_name"] = msg
	}
	if len(fields) > 0 {
		return "", invalid("Please correct the highlighted fields.", fields)
	}
	preset := access.PresetPresenter
	if in.Administrator {
		preset = access.PresetAdministration
	}
	perms := access.MustPreset(preset)
	// The ceiling applies to what the manager chooses; Presenter is the
	// system's default for every new member, not a grant.
	if refused := access.CanGrant(actor.Perms, nil, perms); in.Administrator && len(refused) > 0 {
		return "", errForbidden("You cannot add an Administrator: you do not hold every permission yourself.")
	}
	err := a.store.InTx(ctx, func(q *store.Q) error {
		if err := q.LockInstance(ctx, actor.Instance.ID); err != nil {
			return err
		}
		if err := a.checkSeat(ctx, q, actor.Instance); err != nil {
			return err
		}
		if acct, err := q.AccountByEmail(ctx, email); err == nil {
			_, err := a.inviteAccount(ctx, q, actor, acct, preset, "Add New User", true)
			return err
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		acct, secretMail, err := a.newAccount(ctx, q, actor.Instance, email, first+" "+last)
		if err != nil {
			return err
		}
		m, err := q.CreateMembership(ctx, model.Membership{InstanceID: actor.Instance.ID, AccountID: acct.ID,
			Permissions: perms.Keys(), Preset: preset, Role: preset, Active: true, ActionEmails: true})
		if err != nil {
			return err
		}
		if err := record(ctx, q, entry(actor, ActMembership, "member", m.ID, acct.Email,
			model.Change{Field: "added", After: "new account, " + preset})); err != nil {
			return err
		}
		_, err = q.EnqueueMail(ctx, secretMail)
		return err
	})
	if err != nil {
		return "", err
	}
	return sentTo(email), nil
}

// newAccount makes an account whose home is in, with a temporary password
// (or, in link mode, an unusable one plus a sign-in link), and returns the
// welcome mail to queue. Secrets are high entropy and hashed fast.
func (a *App) newAccount(ctx context.Context, q *store.Q, in model.Instance, email, name string) (model.Account, model.OutboxMessage, error) {
	expires := a.Now().Add(TempPasswordLife)
	temp := password.Temporary()
	acct, err := q.CreateAccount(ctx, model.Account{Email: email, Name: name,
		PasswordTemporary: true, PasswordExpiresAt: &expires, HomeInstanceID: &in.ID}, password.HashSecret(temp))
	if errors.Is(err, store.ErrConflict) { // created by someone else a moment ago
		return acct, model.OutboxMessage{}, errConflict("Someone added this address a moment ago. Try again.")
	}
	if err != nil {
		return acct, model.OutboxMessage{}, err
	}
	if in.WelcomeMode == "link" {
		token := password.Token()
		if err := q.CreatePasswordToken(ctx, hashToken(token), acct.ID, store.TokenSignIn, expires); err != nil {
			return acct, model.OutboxMessage{}, err
		}
		// The temporary password is never sent in link mode: replace it
		// with one nobody knows.
		if err := q.SetPassword(ctx, acct.ID, password.HashSecret(password.Token()), true, &expires); err != nil {
			return acct, model.OutboxMessage{}, err
		}
		return acct, withInstance(mail.WelcomeLink(a.cfg.BaseURL, in.Name, in.Code, email, a.cfg.BaseURL+"/signin/"+token), in.ID), nil
	}
	return acct, withInstance(mail.Welcome(a.cfg.BaseURL, in.Name, in.Code, email, temp), in.ID), nil
}

func withInstance(m model.OutboxMessage, instanceID int64) model.OutboxMessage {
	m.InstanceID = &instanceID
	return m
}

// checkSeat refuses when every seat of the license is used.
func (a *App) checkSeat(ctx context.Context, q *store.Q, in model.Instance) error {
	used, err := q.SeatsUsed(ctx, in.ID)
	if err != nil {
		return err
	}
	if used >= in.Seats {
		return &Error{Kind: Conflict, Msg: fmt.Sprintf("No free seat: your %s license has %d seats and all are in use. See the Billing page to add seats.", in.LicenseType, in.Seats)}
	}
	return nil
}

// AddExistingUser invites the person with this email (users.manage), as
// Presenter, and returns the answer to show. An address with no account
// gets the same invitation mail and the same answer, and nothing else
// happens: no instance learns who has an account elsewhere. Invitations
// use no seat.
func (a *App) AddExistingUser(ctx context.Context, actor *Actor, email string) (string, error) {
	if err := actor.Require(access.UsersManage); err != nil {
		return "", err
	}
	norm, ok := NormalizeEmail(email)
	if !ok {
		return "", fieldError("email", "Enter a valid email address.")
	}
	err := a.store.InTx(ctx, func(q *store.Q) error {
		acct, err := q.AccountByEmail(ctx, norm)
		if errors.Is(err, store.ErrNotFound) {
			return a.inviteNobody(ctx, q, actor, norm, "Add Existing User")
		}
		if err != nil {
			return err
		}
		_, err = a.inviteAccount(ctx, q, actor, acct, access.PresetPresenter, "Add Existing User", true)
		return err
	})
	if err != nil {
		return "", err
	}
	return sentTo(norm), nil
}

// member loads a membership of the actor's instance for a manager.
func (a *App) member(ctx context.Context, q *store.Q, actor *Actor, id int64) (model.Membership, error) {
	if err := actor.Require(access.UsersManage); err != nil {
		return model.Membership{}, err
	}
	m, err := q.MembershipByID(ctx, actor.Instance.ID, id)
	return m, mapNotFound(err)
}

// keepsAdministrator refuses a change that would leave the instance with
// no active member holding instance.admin and users.manage. Call it after
// the change, inside the transaction, with the instance locked.
func keepsAdministrator(ctx context.Context, q *store.Q, instanceID int64) error {
	n, err := q.CountAdministrators(ctx, instanceID)
	if err != nil {
		return err
	}
	if n == 0 {
		return &Error{Kind: Conflict, Msg: "This would leave the instance without an active member who holds both Instance Admin and Manage Users. Give someone else those permissions first."}
	}
	return nil
}

// SetActive deactivates or reactivates a member (users.manage).
// Deactivation ends the member's sessions when this was its only active
// instance (otherwise its access to this instance ends at once anyway);
// reactivation takes a seat when this is the account's home instance.
func (a *App) SetActive(ctx context.Context, actor *Actor, membershipID int64, active bool) error {
	return a.store.InTx(ctx, func(q *store.Q) error {
		if err := q.LockInstance(ctx, actor.Instance.ID); err != nil {
			return err
		}
		m, err := a.member(ctx, q, actor, membershipID)
		if err != nil || m.Active == active {
			return err
		}
		if m.Invited {
			return errConflict("This person has not accepted the invitation yet; they become active when they do.")
		}
		acct, err := q.AccountByID(ctx, m.AccountID)
		if err != nil {
			return err
		}
		if active && acct.HomeInstanceID != nil && *acct.HomeInstanceID == actor.Instance.ID {
			if err := a.checkSeat(ctx, q, actor.Instance); err != nil {
				return err
			}
		}
		m.Active = active
		if err := q.UpdateMembership(ctx, m); err != nil {
			return conflictMsg(err, "this member")
		}
		if err := record(ctx, q, entry(actor, ActMembership, "member", m.ID, m.Email, changed("active", btoa(!active), btoa(active))...)); err != nil {
			return err
		}
		if active {
			return nil
		}
		if err := keepsAdministrator(ctx, q, actor.Instance.ID); err != nil {
			return err
		}
		others, err := q.MemberInstances(ctx, m.AccountID)
		if err != nil {
			return err
		}
		if len(others) == 0 {
			return q.DeleteAccountSessions(ctx, m.AccountID, "")
		}
		return nil
	})
}

// ResetUserPassword gives a member a new temporary password (or sign-in
// link) by mail (users.manage). The manager never sees it; the member's
// sessions end.
func (a *App) ResetUserPassword(ctx context.Context, actor *Actor, membershipID int64) error {
	err := a.store.InTx(ctx, func(q *store.Q) error {
		m, err := a.member(ctx, q, actor, membershipID)
		if err != nil {
			return err
		}
		if lock, err := a.accountLock(ctx, q, actor, m); err != nil || lock != "" {
			if err == nil {
				err = errForbidden("You cannot reset this password. %s", lock)
			}
			return err
		}
		acct, err := q.AccountByID(ctx, m.AccountID)
		if err != nil {
			return err
		}
		expires := a.Now().Add(TempPasswordLife)
		if err := q.InvalidatePasswordTokens(ctx, acct.ID); err != nil {
			return err
		}
		var msg model.OutboxMessage
		if actor.Instance.WelcomeMode == "link" {
			token := password.Token()
			if err := q.CreatePasswordToken(ctx, hashToken(token), acct.ID, store.TokenSignIn, expires); err != nil {
				return err
			}
			if err := q.SetPassword(ctx, acct.ID, password.HashSecret(password.Token()), true, &expires); err != nil {
				return err
			}
			msg = mail.AdminReset(a.cfg.BaseURL, actor.Instance.Name, acct.Email, "", a.cfg.BaseURL+"/signin/"+token)
		} else {
			temp := password.Temporary()
			if err := q.SetPassword(ctx, acct.ID, password.HashSecret(temp), true, &expires); err != nil {
				return err
			}
			msg = mail.AdminReset(a.cfg.BaseURL, actor.Instance.Name, acct.Email, temp, "")
		}
		if err := q.DeleteAccountSessions(ctx, acct.ID, ""); err != nil {
			return err
		}
		if err := q.ClearThrottle(ctx, acct.Email); err != nil {
			return err
		}
		// The reset is the account's security event: every instance it
		// joined records it, the manager's among them (SPEC §10).
		if err := a.accountEvent(ctx, q, acct, actor.Account, ActPasswordChange, actor.Client,
			model.Change{Field: "password", After: "reset by a manager of " + actor.Instance.Label()}); err != nil {
			return err
		}
		_, err = q.EnqueueMail(ctx, withInstance(msg, actor.Instance.ID))
		return err
	})
	return err
}

// UserEdit is what the Edit User page shows.
type UserEdit struct {
	Membership   model.Membership
	Account      model.Account // of an invitation: only the email the instance typed
	AccountLock  string        // why name, email and password are read-only here; "" when they are not
	Self         bool          // the manager's own membership: its email changes on the Account page
	PendingEmail string        // the address an email change waits on, "" when none
	Perms        access.Set
	ScorecardIDs []int64
	Scorecards   []model.Scorecard // every scorecard of the instance, to choose from
	Favorites    []model.Object
}

// EditUser loads a member for the Edit User page (users.manage).
func (a *App) EditUser(ctx context.Context, actor *Actor, membershipID int64) (UserEdit, error) {
	q := a.store.Q()
	m, err := a.member(ctx, q, actor, membershipID)
	if err != nil {
		return UserEdit{}, err
	}
	acct, err := q.AccountByID(ctx, m.AccountID)
	if err != nil {
		return UserEdit{}, err
	}
	lock, err := a.accountLock(ctx, q, actor, m)
	if err != nil {
		return UserEdit{}, err
	}
	pending := ""
	if m.Invited {
		// The person has not joined: the instance sees nothing of the
		// account but the address it invited.
		acct = model.Account{ID: acct.ID, Email: m.Email}
	} else if lock == "" {
		if pending, err = q.PendingEmailOf(ctx, acct.ID); err != nil {
			return UserEdit{}, err
		}
	}
	perms, err := access.NewSet(m.Permissions...)
	if err != nil {
		return UserEdit{}, err
	}
	ids, err := q.MembershipScorecardIDs(ctx, m.InstanceID, m.ID)
	if err != nil {
		return UserEdit{}, err
	}
	scs, err := q.ListScorecards(ctx, actor.Instance.ID, store.SeeAll)
	if err != nil {
		return UserEdit{}, err
	}
	// Scorecards partners share with the instance can be assigned too (SPEC §3.3).
	owners, err := actor.sharingOwners(ctx, q)
	if err != nil {
		return UserEdit{}, err
	}
	shared, err := q.ListSharedScorecards(ctx, owners, store.Visibility{Scope: access.ScopeAll, InstanceID: actor.Instance.ID})
	if err != nil {
		return UserEdit{}, err
	}
	scs = append(scs, shared...)
	// The manager sees the member's favourites it can see itself; others
	// stay untouched and unseen.
	v, err := a.Visibility(ctx, actor)
	if err != nil {
		return UserEdit{}, err
	}
	favs, err := q.Favorites(ctx, actor.Instance.ID, m.ID, owners, v)
	if err != nil {
		return UserEdit{}, err
	}
	return UserEdit{Membership: m, Account: acct, AccountLock: lock, Self: m.AccountID == actor.Account.ID, PendingEmail: pending, Perms: perms, ScorecardIDs: ids,
		Scorecards: scs, Favorites: favs}, nil
}

// UserInput is everything the Edit User page saves with its one Save.
type UserInput struct {
	Version         int64
	NameField       bool   // the form carried the name (it does not when it is read-only)
	EmailField      bool   // the form carried the email (likewise)
	Name, Email     string // the account's; a changed email waits for confirmation
	Preset          string // the preset button last applied ("" keeps the stored one)
	Permissions     []string
	ScorecardIDs    []int64
	DigestWeekly    bool
	DigestMonthly   bool
	ActionEmails    bool
	AddFavorites    []int64
	RemoveFavorites []int64
}

// SaveUser saves all tabs of the Edit User page in one transaction
// (users.manage) and returns a notice for the page ("" when there is
// nothing to add to "Saved."). It refuses, changing nothing: a membership
// edited by someone else since it was loaded; a permission the manager
// does not hold itself; leaving the instance without an administrator;
// another instance's scorecard or measure; a change of name or email of an
// account the manager may not change (accountLock). A new email takes
// effect only when the address confirms it.
func (a *App) SaveUser(ctx context.Context, actor *Actor, membershipID int64, in UserInput) (string, error) {
	fields := map[string]string{}
	var name, email string
	if in.NameField {
		var msg string
		if name, msg = cleanText(in.Name, "Name", 1, 120); msg != "" {
			fields["name"] = msg
		}
	}
	if in.EmailField {
		var ok bool
		if email, ok = NormalizeEmail(in.Email); !ok {
			fields["email"] = "Enter a valid email address."
		}
	}
	next, err := access.NewSet(in.Permissions...)
	if err != nil {
		fields["permissions"] = "Unknown permission: " + strings.TrimPrefix(err.Error(), "unknown permission ") + "."
	}
	if in.Preset != "" {
		if _, err := access.Preset(in.Preset); err != nil {
			fields["preset"] = "Unknown preset “" + truncateText(in.Preset, 40) + "”."
		}
	}
	if len(fields) > 0 {
		return "", invalid("Please correct the highlighted fields.", fields)
	}
	notice := ""
	err = a.store.InTx(ctx, func(q *store.Q) error {
		if err := q.LockInstance(ctx, actor.Instance.ID); err != nil {
			return err
		}
		m, err := a.member(ctx, q, actor, membershipID)
		if err != nil {
			return err
		}
		if m.Version != in.Version {
			return errConflict("Someone else changed this member while you were editing. Reload the page and make your changes again.")
		}
		prev, err := access.NewSet(m.Permissions...)
		if err != nil {
			return err
		}
		if refused := access.CanGrant(actor.Perms, prev, next); len(refused) > 0 {
			return errCannotGrant(actor, refused)
		}
		if err := a.checkScorecards(ctx, q, actor, in.ScorecardIDs); err != nil {
			return err
		}
		if err := a.checkFavorites(ctx, q, actor, in.AddFavorites); err != nil {
			return err
		}
		acct, err := q.AccountByID(ctx, m.AccountID)
		if err != nil {
			return err
		}
		if !in.NameField {
			name = acct.Name
		}
		if !in.EmailField {
			email = acct.Email
		}
		if name != acct.Name || email != acct.Email {
			lock, err := a.accountLock(ctx, q, actor, m)
			if err != nil {
				return err
			}
			if lock != "" {
				return errForbidden("You cannot change this person's name or email. %s", lock)
			}
		}
		if name != acct.Name {
			if err := q.UpdateAccountName(ctx, acct.ID, name); err != nil {
				return err
			}
		}
		if email != acct.Email && acct.ID == actor.Account.ID {
			return errForbidden("Change your own email on your Account page: it needs your current password.")
		}
		if email != acct.Email {
			if err := a.requestEmailChange(ctx, q, acct, email, actor.Account, actor.Client); err != nil {
				return err
			}
			notice = "The email changes to " + email + " when that address confirms it: we sent it a link."
		}
		before := m
		oldScorecards, err := q.MembershipScorecardIDs(ctx, m.InstanceID, m.ID)
		if err != nil {
			return err
		}
		m.Permissions = next.Keys()
		if in.Preset != "" {
			m.Preset = in.Preset
		}
		m.Role = access.Role(next)
		m.DigestWeekly, m.DigestMonthly, m.ActionEmails = in.DigestWeekly, in.DigestMonthly, in.ActionEmails
		if err := q.UpdateMembership(ctx, m); err != nil {
			return conflictMsg(err, "this member")
		}
		perms := changed("permissions", strings.Join(before.Permissions, ", "), strings.Join(m.Permissions, ", "),
			"role", before.Role, m.Role, "scorecards", joinIDs(oldScorecards), joinIDs(uniq(in.ScorecardIDs)))
		if len(perms) > 0 {
			if err := record(ctx, q, entry(actor, ActPermissions, "member", m.ID, email, perms...)); err != nil {
				return err
			}
		}
		other := changed("name", acct.Name, name,
			"weekly digest", btoa(before.DigestWeekly), btoa(m.DigestWeekly), "monthly digest", btoa(before.DigestMonthly), btoa(m.DigestMonthly),
			"action emails", btoa(before.ActionEmails), btoa(m.ActionEmails))
		if len(other) > 0 || len(in.AddFavorites)+len(in.RemoveFavorites) > 0 {
			other = append(other, changed("favourites added", "", joinIDs(in.AddFavorites), "favourites removed", "", joinIDs(in.RemoveFavorites))...)
			if err := record(ctx, q, entry(actor, ActUpdate, "member", m.ID, email, other...)); err != nil {
				return err
			}
		}
		if err := keepsAdministrator(ctx, q, actor.Instance.ID); err != nil {
			return err
		}
		if err := q.SetMembershipScorecards(ctx, actor.Instance.ID, m.ID, uniq(in.ScorecardIDs)); err != nil {
			return err
		}
		for _, id := range in.RemoveFavorites {
			if err := q.SetFavorite(ctx, actor.Instance.ID, m.ID, id, false); err != nil {
				return err
			}
		}
		for _, id := range in.AddFavorites {
			if err := q.SetFavorite(ctx, actor.Instance.ID, m.ID, id, true); err != nil {
				return err
			}
		}
		return nil
	})
	return notice, err
}

// checkScorecards refuses ids that are neither scorecards of the
// instance nor scorecards partners share with it.
func (a *App) checkScorecards(ctx context.Context, q *store.Q, actor *Actor, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	instanceID := actor.Instance.ID
	found, err := q.ScorecardIDsIn(ctx, instanceID, ids)
	if err != nil {
		return err
	}
	if len(found) != len(uniq(ids)) {
		owners, err := q.SharingOwners(ctx, instanceID)
		if err != nil {
			return err
		}
		shared, err := q.SharedScorecardIDsIn(ctx, instanceID, owners, ids)
		if err != nil {
			return err
		}
		found = append(found, shared...)
	}
	if len(uniq(found)) != len(uniq(ids)) {
		return fieldError("scorecards", actor.Words().Expand("One of the chosen {scorecard:lowmany} does not exist in this instance."))
	}
	return nil
}

// checkFavorites refuses ids that are not measures the manager can see:
// a manager cannot reach past its own visibility through a member.
func (a *App) checkFavorites(ctx context.Context, q *store.Q, actor *Actor, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	v, err := a.Visibility(ctx, actor)
	if err != nil {
		return err
	}
	found, err := q.MeasureIDsIn(ctx, actor.Instance.ID, ids, v)
	if err != nil {
		return err
	}
	if len(found) != len(uniq(ids)) {
		return fieldError("favorites", actor.Words().Expand("One of the chosen {measure:lowmany} does not exist in this instance."))
	}
	return nil
}

// Billing is what the Seats and Billing page shows.
type Billing struct {
	LicenseType string
	Seats, Used int
	Measures    int
}

// Billing reports the license and seat use (instance.admin).
func (a *App) Billing(ctx context.Context, actor *Actor) (Billing, error) {
	if err := actor.Require(access.InstanceAdmin); err != nil {
		return Billing{}, err
	}
	q := a.store.Q()
	used, err := q.SeatsUsed(ctx, actor.Instance.ID)
	if err != nil {
		return Billing{}, err
	}
	n, err := q.CountObjects(ctx, actor.Instance.ID, model.KindMeasure, store.SeeAll)
	return Billing{LicenseType: actor.Instance.LicenseType, Seats: actor.Instance.Seats, Used: used, Measures: n}, err
}

func joinIDs(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(parts, ", ")
}
