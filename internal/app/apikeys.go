package app

import (
	"context"
	"errors"
	"slices"
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
//
// A key also has scorecard assignments (0031), chosen among the
// scorecards its creator sees, and SPEC §3.3 applies to it as to a member
// (Visibility): scorecards.all sees every scorecard; a key created with
// assignments exactly those; otherwise objects.edit every scorecard of
// the instance; otherwise none. A key never reaches what its creator could
// not: a creator who sees only assigned scorecards must choose some of
// them for a key that would otherwise see every one (objects.edit). A key
// created with assignments keeps that scope for good: when an assigned
// scorecard is deleted its row goes with it, and when a partner stops
// sharing one (or the channel is revoked) the share's assignments are
// deleted, so the key sees fewer scorecards, or none, and never falls back
// to the wider reach of its permissions. A scorecard the key itself
// creates is assigned to it, as to a member who sees its assigned ones.

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
	// Reach is which scorecards the key sees (SPEC §3.3): ReachAll,
	// ReachAssigned (exactly Scorecards) or ReachPermissions.
	Reach      string
	Scorecards []KeyScorecard // assigned, by title; on the list page only
}

// The reaches of a key, as the API page names them.
const (
	ReachAll         = "all"         // scorecards.all: every scorecard it may see
	ReachAssigned    = "assigned"    // exactly its assigned scorecards
	ReachPermissions = "permissions" // no assignments: as its permissions reach
)

// KeyScorecard is a scorecard as the API page offers or lists it.
type KeyScorecard struct {
	ID      int64
	Title   string
	Partner bool // a partner's scorecard shared with the instance
	owner   int64
}

// MaxKeyScorecards bounds the scorecards assigned to one key.
const MaxKeyScorecards = 500

// Live reports whether the key is neither revoked nor expired.
func (k APIKey) Live() bool { return k.RevokedAt == nil && !k.Expired }

// APIKeyInput is what the create form sends.
type APIKeyInput struct {
	Name        string
	Permissions []string
	Expires     string   // YYYY-MM-DD, the last day the key works (instance time zone); "" never expires
	Scorecards  []string // ids of the scorecards assigned to the key, among those the creator sees; none: as its permissions reach
}

// NewAPIKey is a created key with its secret, shown once.
type NewAPIKey struct {
	Key    APIKey
	Secret string
}

// APIPage is what Administration → API shows.
type APIPage struct {
	Keys      []APIKey
	Grantable []access.Info  // the permissions the viewer may give a key (its own)
	Choosable []KeyScorecard // the scorecards the viewer may assign a key (those it sees), by title
	Assigned  bool           // the viewer sees only its assigned scorecards: a key that would see more must be given some
}

func (a *App) apiKeyOut(k store.APIKey) APIKey {
	perms, _ := access.NewSet(k.Permissions...)
	by := k.CreatorName
	if by == "" {
		by = k.CreatorEmail
	}
	reach := ReachPermissions
	switch {
	case perms.Has(access.ScorecardsAll):
		reach = ReachAll
	case k.Assigned:
		reach = ReachAssigned
	}
	return APIKey{ID: k.ID, Name: k.Name, Prefix: k.Prefix, Permissions: perms.Keys(), Role: access.Role(perms), CreatedBy: by,
		CreatorInactive: !k.CreatorActive, CreatedAt: k.CreatedAt, ExpiresAt: k.ExpiresAt, LastUsedAt: k.LastUsedAt,
		RevokedAt: k.RevokedAt, Expired: k.ExpiresAt != nil && !a.Now().Before(*k.ExpiresAt), Reach: reach}
}

// keyChoices are the scorecards the actor may assign a key: those it sees
// itself, its own instance's and partners', by title within each.
func (a *App) keyChoices(ctx context.Context, q *store.Q, actor *Actor) ([]KeyScorecard, store.Visibility, error) {
	v, err := a.Visibility(ctx, actor)
	if err != nil {
		return nil, v, err
	}
	own, err := q.ListScorecards(ctx, actor.Instance.ID, v)
	if err != nil {
		return nil, v, err
	}
	owners, err := actor.sharingOwners(ctx, q)
	if err != nil {
		return nil, v, err
	}
	shared, err := q.ListSharedScorecards(ctx, owners, v)
	if err != nil {
		return nil, v, err
	}
	out := make([]KeyScorecard, 0, len(own)+len(shared))
	for _, s := range own {
		out = append(out, KeyScorecard{ID: s.ID, Title: s.Title})
	}
	for _, s := range shared {
		out = append(out, KeyScorecard{ID: s.ID, Title: s.Title, Partner: true, owner: s.InstanceID})
	}
	return out, v, nil
}

// keyScorecardTitles names the scorecards assigned to the listed keys:
// the instance's own by id, the partners' among those shared with it.
func (a *App) keyScorecardTitles(ctx context.Context, q *store.Q, actor *Actor, rows []store.APIKey) (map[int64]KeyScorecard, error) {
	var own []int64
	partner := false
	for _, k := range rows {
		own = append(own, k.Own...)
		partner = partner || len(k.Shared) > 0
	}
	out := map[int64]KeyScorecard{}
	if len(own) > 0 {
		list, err := q.ScorecardsByIDs(ctx, actor.Instance.ID, own, store.SeeAll)
		if err != nil {
			return nil, err
		}
		for _, s := range list {
			out[s.ID] = KeyScorecard{ID: s.ID, Title: s.Title}
		}
	}
	if partner {
		owners, err := actor.sharingOwners(ctx, q)
		if err != nil {
			return nil, err
		}
		list, err := q.ListSharedScorecards(ctx, owners, store.Visibility{Scope: access.ScopeAll, InstanceID: actor.Instance.ID})
		if err != nil {
			return nil, err
		}
		for _, s := range list {
			out[s.ID] = KeyScorecard{ID: s.ID, Title: s.Title, Partner: true}
		}
	}
	return out, nil
}

// APIKeys lists the instance's keys, revoked ones too, newest first
// (instance.admin), with the permissions the viewer may give a new one.
func (a *App) APIKeys(ctx context.Context, actor *Actor) (APIPage, error) {
	if err := actor.Require(access.InstanceAdmin); err != nil {
		return APIPage{}, err
	}
	q := a.store.Q()
	rows, err := q.APIKeys(ctx, actor.Instance.ID)
	if err != nil {
		return APIPage{}, err
	}
	titles, err := a.keyScorecardTitles(ctx, q, actor, rows)
	if err != nil {
		return APIPage{}, err
	}
	page := APIPage{Keys: make([]APIKey, 0, len(rows))}
	for _, k := range rows {
		out := a.apiKeyOut(k)
		for _, id := range append(slices.Clone(k.Own), k.Shared...) {
			// A partner's scorecard no longer shared has no title here;
			// its row went with the share (SetShares), so this is rare.
			if s, ok := titles[id]; ok {
				out.Scorecards = append(out.Scorecards, s)
			}
		}
		slices.SortFunc(out.Scorecards, func(x, y KeyScorecard) int { return strings.Compare(x.Title, y.Title) })
		page.Keys = append(page.Keys, out)
	}
	var v store.Visibility
	if page.Choosable, v, err = a.keyChoices(ctx, q, actor); err != nil {
		return APIPage{}, err
	}
	page.Assigned = v.Scope == access.ScopeAssigned
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
	chosen, msg := a.keyScorecards(actor, in.Scorecards, perms)
	if msg != "" {
		fields["scorecards"] = msg
	}
	if len(fields) > 0 {
		return NewAPIKey{}, invalid("Please correct the highlighted fields.", fields)
	}
	if refused := access.CanGrant(actor.Perms, access.Set{}, perms); len(refused) > 0 {
		return NewAPIKey{}, errCannotGrant(actor, refused)
	}
	// The grant ceiling of scorecards: only those the creator sees, and no
	// key that would see more of them than the creator does.
	choices, v, err := a.keyChoices(ctx, a.store.Q(), actor)
	if err != nil {
		return NewAPIKey{}, err
	}
	byID := make(map[int64]KeyScorecard, len(choices))
	for _, c := range choices {
		byID[c.ID] = c
	}
	var own, shared []KeyScorecard
	for _, id := range chosen {
		c, ok := byID[id]
		switch {
		case !ok:
			return NewAPIKey{}, fieldError("scorecards", actor.Words().Expand("Choose {scorecard:lowmany} from the list: a key can be given only {scorecard:lowmany} you see yourself."))
		case c.Partner:
			shared = append(shared, c)
		default:
			own = append(own, c)
		}
	}
	if v.Scope == access.ScopeAssigned && len(chosen) == 0 && perms.Has(access.ObjectsEdit) {
		return NewAPIKey{}, fieldError("scorecards", actor.Words().Expand(
			"You see only the {scorecard:lowmany} assigned to you, and with this key's permissions it would see every one: choose the {scorecard:lowmany} it may reach."))
	}
	secret := apiKeyPrefix + strconv.FormatInt(actor.Instance.ID, 10) + "_" + password.Token()
	k := store.APIKey{InstanceID: actor.Instance.ID, Name: name, Prefix: secret[:len(apiKeyPrefix)+len(strconv.FormatInt(actor.Instance.ID, 10))+7],
		SecretHash: password.HashSecret(secret), Permissions: perms.Keys(), CreatedBy: actor.Membership.ID, ExpiresAt: expires,
		Assigned: len(chosen) > 0}
	for _, c := range own {
		k.Own = append(k.Own, c.ID)
	}
	for _, c := range shared {
		k.Shared, k.SharedOwners = append(k.Shared, c.ID), append(k.SharedOwners, c.owner)
	}
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
			"prefix", "", k.Prefix, "permissions", "", strings.Join(k.Permissions, ", "), "expires", "", exp,
			"scorecards", "", keyScorecardsLog(perms, append(own, shared...)))...))
	})
	if err != nil {
		return NewAPIKey{}, err
	}
	k.CreatorName, k.CreatorEmail, k.CreatorActive = actor.Account.Name, actor.Account.Email, true
	out := a.apiKeyOut(k)
	out.Scorecards = append(own, shared...)
	return NewAPIKey{Key: out, Secret: secret}, nil
}

// keyScorecards reads the chosen scorecard ids of a new key; a message for
// the field when they cannot be.
func (a *App) keyScorecards(actor *Actor, in []string, perms access.Set) ([]int64, string) {
	var ids []int64
	for _, s := range in {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			return nil, actor.Words().Expand("Choose {scorecard:lowmany} from the list.")
		}
		ids = append(ids, id)
	}
	ids = uniq(ids)
	switch {
	case len(ids) > MaxKeyScorecards:
		return nil, actor.Words().Expand("A key can be given at most " + strconv.Itoa(MaxKeyScorecards) + " {scorecard:lowmany}.")
	case len(ids) > 0 && perms.Has(access.ScorecardsAll):
		info, _ := access.Lookup(access.ScorecardsAll)
		return nil, actor.Words().Expand("A key with “" + info.Name + "” sees every {scorecard:lower}: untick the {scorecard:lowmany}, or that permission.")
	}
	return ids, ""
}

// keyScorecardsLog is what the activity log records of a new key's
// scorecards: the assigned ones by title and id, or its reach.
func keyScorecardsLog(perms access.Set, chosen []KeyScorecard) string {
	switch {
	case perms.Has(access.ScorecardsAll):
		return "all visible"
	case len(chosen) == 0:
		return "per permissions"
	}
	parts := make([]string, len(chosen))
	for i, c := range chosen {
		parts[i] = c.Title + " (" + strconv.FormatInt(c.ID, 10) + ")"
	}
	return strings.Join(parts, ", ")
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
// and scorecard assignments, read with the key (access.ScopeOf). A key that does not authenticate is Unauthenticated; a
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
	// The key's assignments were read with it: Visibility needs no query.
	return &Actor{Account: model.Account{Name: "API key “" + k.Name + "”", Email: k.Prefix}, Instance: in, Perms: perms, Client: c,
		KeyID: k.ID, keyAssigned: k.Assigned, Membership: model.Membership{Assignments: &model.Assignments{Own: k.Own, Shared: k.Shared}}}, nil
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
