package app

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"yardstick/internal/access"
	"yardstick/internal/model"
	"yardstick/internal/password"
	"yardstick/internal/store"
)

// API keys (SPEC §14, issue 16): Administration → API (instance.admin).
// A key acts in its instance as a service member holding exactly its
// permissions, which its creator chose within the creator's own (the grant
// ceiling of Edit User). The key text is "ys_<instance id>_<secret>": the
// secret is 256 bits from crypto/rand, shown once and kept as a hash; the
// instance id lets the look-up name one instance (store/placement.md).
//
// A key whose creator is deactivated keeps working, with the permissions
// it was given (never widened), until someone revokes it; the API page
// marks it "creator inactive" so an administrator can decide.

// Activity types of API keys (security events, SPEC §10).
const (
	ActAPIKeyCreate = "api_key_created"
	ActAPIKeyRevoke = "api_key_revoked"
)

// MaxLiveAPIKeys bounds the keys of an instance that are not revoked.
const MaxLiveAPIKeys = 100

// apiKeyPrefix starts every key, so a leaked key is recognisable.
const apiKeyPrefix = "ys_"

// APIKey is a key as the API page lists it; the secret is never in it.
type APIKey struct {
	ID              int64
	Name            string
	Prefix          string // the start of the key, to tell keys apart
	Permissions     []string
	Role            string // the preset the set equals, or Custom
	CreatedBy       string // the creator's name, or email when it has none
	CreatorInactive bool   // the creator's membership is deactivated; the key still works
	CreatedAt       time.Time
	ExpiresAt       *time.Time
	LastUsedAt      *time.Time
	RevokedAt       *time.Time
	Expired         bool // at the time of the listing
}

// Live reports whether the key is neither revoked nor expired.
func (k APIKey) Live() bool { return k.RevokedAt == nil && !k.Expired }

// APIKeyInput is what the create form sends.
type APIKeyInput struct {
	Name        string
	Permissions []string
	Expires     string // YYYY-MM-DD, the last day the key works (instance time zone); "" never expires
}

// NewAPIKey is a created key with its secret, shown once.
type NewAPIKey struct {
	Key    APIKey
	Secret string
}

// APIPage is what Administration → API shows.
type APIPage struct {
	Keys      []APIKey
	Grantable []access.Info // the permissions the viewer may give a key (its own)
}

func (a *App) apiKeyOut(k store.APIKey) APIKey {
	perms, _ := access.NewSet(k.Permissions...)
	by := k.CreatorName
	if by == "" {
		by = k.CreatorEmail
	}
	return APIKey{ID: k.ID, Name: k.Name, Prefix: k.Prefix, Permissions: perms.Keys(), Role: access.Role(perms), CreatedBy: by,
		CreatorInactive: !k.CreatorActive, CreatedAt: k.CreatedAt, ExpiresAt: k.ExpiresAt, LastUsedAt: k.LastUsedAt,
		RevokedAt: k.RevokedAt, Expired: k.ExpiresAt != nil && !a.Now().Before(*k.ExpiresAt)}
}

// APIKeys lists the instance's keys, revoked ones too, newest first
// (instance.admin), with the permissions the viewer may give a new one.
func (a *App) APIKeys(ctx context.Context, actor *Actor) (APIPage, error) {
	if err := actor.Require(access.InstanceAdmin); err != nil {
		return APIPage{}, err
	}
	rows, err := a.store.Q().APIKeys(ctx, actor.Instance.ID)
	if err != nil {
		return APIPage{}, err
	}
	page := APIPage{Keys: make([]APIKey, 0, len(rows))}
	for _, k := range rows {
		page.Keys = append(page.Keys, a.apiKeyOut(k))
	}
	for _, p := range access.All {
		if actor.Can(p.Key) {
			page.Grantable = append(page.Grantable, p)
		}
	}
	return page, nil
}

// CreateAPIKey makes a key (instance.admin) with a permission set no wider
// than the creator's own, and returns its secret, which is not kept.
func (a *App) CreateAPIKey(ctx context.Context, actor *Actor, in APIKeyInput) (NewAPIKey, error) {
	if err := actor.Require(access.InstanceAdmin); err != nil {
		return NewAPIKey{}, err
	}
	fields := map[string]string{}
	name, msg := cleanText(in.Name, "Name", 1, 80)
	if msg != "" {
		fields["name"] = msg
	}
	perms, err := access.NewSet(in.Permissions...)
	if err != nil {
		fields["permissions"] = "Unknown permission: " + truncateText(strings.TrimPrefix(err.Error(), "unknown permission "), 60) + "."
	}
	expires, msg := a.keyExpiry(actor, in.Expires)
	if msg != "" {
		fields["expires"] = msg
	}
	if len(fields) > 0 {
		return NewAPIKey{}, invalid("Please correct the highlighted fields.", fields)
	}
	if refused := access.CanGrant(actor.Perms, access.Set{}, perms); len(refused) > 0 {
		return NewAPIKey{}, errCannotGrant(actor, refused)
	}
	secret := apiKeyPrefix + strconv.FormatInt(actor.Instance.ID, 10) + "_" + password.Token()
	k := store.APIKey{InstanceID: actor.Instance.ID, Name: name, Prefix: secret[:len(apiKeyPrefix)+len(strconv.FormatInt(actor.Instance.ID, 10))+7],
		SecretHash: password.HashSecret(secret), Permissions: perms.Keys(), CreatedBy: actor.Membership.ID, ExpiresAt: expires}
	err = a.store.InTx(ctx, func(q *store.Q) error {
		if err := q.LockInstance(ctx, actor.Instance.ID); err != nil {
			return err
		}
		n, err := q.CountLiveAPIKeys(ctx, actor.Instance.ID)
		if err != nil {
			return err
		}
		if n >= MaxLiveAPIKeys {
			return errConflict("This instance has %d keys that are not revoked, the most it may have. Revoke one you no longer use first.", n)
		}
		if k, err = q.CreateAPIKey(ctx, k); err != nil {
			return err
		}
		exp := "never"
		if expires != nil {
			exp = expires.Format(time.RFC3339)
		}
		return record(ctx, q, entry(actor, ActAPIKeyCreate, "API key", k.ID, k.Name, changed(
			"prefix", "", k.Prefix, "permissions", "", strings.Join(k.Permissions, ", "), "expires", "", exp)...))
	})
	if err != nil {
		return NewAPIKey{}, err
	}
	k.CreatorName, k.CreatorEmail, k.CreatorActive = actor.Account.Name, actor.Account.Email, true
	return NewAPIKey{Key: a.apiKeyOut(k), Secret: secret}, nil
}

// errCannotGrant refuses permissions the actor does not hold itself,
// named in the actor's words.
func errCannotGrant(actor *Actor, refused []access.Permission) error {
	names := make([]string, 0, len(refused))
	for _, p := range refused {
		info, _ := access.Lookup(p)
		names = append(names, actor.Words().Expand(info.Name))
	}
	return &Error{Kind: Forbidden, Msg: "You cannot grant permissions you do not hold yourself: " + strings.Join(names, ", ") + "."}
}

// keyExpiry reads the last day a key works: it stops at the end of that
// day in the instance's time zone. The day must be today or later, and
// within five years.
func (a *App) keyExpiry(actor *Actor, s string) (*time.Time, string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, ""
	}
	loc, err := time.LoadLocation(actor.Instance.TimeZone)
	if err != nil || actor.Instance.TimeZone == "" {
		loc = time.UTC
	}
	day, err := time.ParseInLocation("2006-01-02", s, loc)
	if err != nil {
		return nil, "Enter the last day as YYYY-MM-DD, or leave it empty for a key that does not expire."
	}
	end := day.AddDate(0, 0, 1).UTC()
	now := a.Now()
	if !end.After(now) {
		return nil, "The last day cannot be in the past."
	}
	if end.After(now.AddDate(5, 0, 1)) {
		return nil, "The last day can be at most five years ahead."
	}
	return &end, ""
}

// RevokeAPIKey revokes a key (instance.admin); it stops working on the
// next request.
func (a *App) RevokeAPIKey(ctx context.Context, actor *Actor, id int64) error {
	if err := actor.Require(access.InstanceAdmin); err != nil {
		return err
	}
	return a.store.InTx(ctx, func(q *store.Q) error {
		k, err := q.APIKeyByID(ctx, actor.Instance.ID, id)
		if err != nil {
			return mapNotFound(err)
		}
		if k.RevokedAt != nil {
			return errConflict("The key “%s” is revoked already.", k.Name)
		}
		if err := q.RevokeAPIKey(ctx, actor.Instance.ID, id, actor.Membership.ID); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return errConflict("The key “%s” is revoked already.", k.Name)
			}
			return err
		}
		return record(ctx, q, entry(actor, ActAPIKeyRevoke, "API key", k.ID, k.Name, model.Change{Field: "prefix", After: k.Prefix}))
	})
}

// errBadKey is the one answer to a key that does not authenticate:
// malformed, unknown, revoked or expired alike.
var errBadKey error = &Error{Kind: Unauthenticated, Msg: "The API key is missing, unknown, revoked or expired."}

// keyTouchEvery spaces the writes of a key's last use.
const keyTouchEvery = time.Minute

// AuthenticateKey resolves an API key for a request to the instance of
// code: the key's service actor, holding exactly the key's permissions
// and, like a member without assignments, the scorecards they reach
// (access.ScopeOf). A key that does not authenticate is Unauthenticated; a
// live key of another instance, or a code of no instance, is NotFound,
// like any other instance's object. Its last use is recorded at most once
// a minute.
func (a *App) AuthenticateKey(ctx context.Context, key, code string, c Client) (*Actor, error) {
	instanceID, ok := parseKey(key)
	if !ok {
		return nil, errBadKey
	}
	q := a.store.Q()
	k, err := q.APIKeyByHash(ctx, instanceID, password.HashSecret(key))
	if errors.Is(err, store.ErrNotFound) {
		return nil, errBadKey
	}
	if err != nil {
		return nil, err
	}
	now := a.Now()
	if k.RevokedAt != nil || (k.ExpiresAt != nil && !now.Before(*k.ExpiresAt)) {
		return nil, errBadKey
	}
	in, err := q.InstanceByID(ctx, instanceID)
	if err != nil {
		return nil, err
	}
	if norm, ok := NormalizeCode(code); !ok || norm != in.Code {
		return nil, errNotFound()
	}
	perms, err := access.NewSet(k.Permissions...)
	if err != nil {
		return nil, err
	}
	if k.LastUsedAt == nil || now.Sub(*k.LastUsedAt) >= keyTouchEvery {
		if err := q.TouchAPIKey(ctx, in.ID, k.ID); err != nil {
			return nil, err
		}
	}
	return &Actor{Account: model.Account{Name: "API key “" + k.Name + "”", Email: k.Prefix}, Instance: in, Perms: perms, Client: c,
		KeyID: k.ID}, nil
}

// parseKey reads the instance id of "ys_<id>_<secret>".
func parseKey(key string) (int64, bool) {
	rest, ok := strings.CutPrefix(key, apiKeyPrefix)
	if !ok || len(key) > 200 {
		return 0, false
	}
	digits, secret, ok := strings.Cut(rest, "_")
	if !ok || secret == "" || digits == "" || len(digits) > 18 || strings.TrimLeft(digits, "0123456789") != "" {
		return 0, false
	}
	id, err := strconv.ParseInt(digits, 10, 64)
	return id, err == nil && id > 0
}
