package app

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"yardstick/internal/access"
	"yardstick/internal/calc"
	"yardstick/internal/model"
	"yardstick/internal/notes"
	"yardstick/internal/password"
	"yardstick/internal/store"
	"yardstick/internal/terms"
)

// Embed codes (SPEC §14, issue 17). A scorecard's Enable Embed switch
// (embed and objects.edit) makes it and the objects it reaches
// embeddable; an object reached through several scorecards is embeddable
// while any of them is. Members with embed who can see a scorecard or
// object make embed codes of it: a token of 256 bits from crypto/rand,
// shown once and kept as a hash, with the options (periods, chart, note
// types, targets) fixed on the server. /embed/{token} shows it to anyone,
// read-only, until the token is revoked or regenerated, embedding is
// switched off, or the object is deleted or no longer on an enabled
// scorecard: every request checks all of that (ResolveEmbed), so the
// answer is 404 on the very next request.

// Activity types of embed codes.
const (
	ActEmbedEnable     = "embed_enabled"
	ActEmbedDisable    = "embed_disabled"
	ActEmbedCreate     = "embed_created"
	ActEmbedRegenerate = "embed_regenerated"
	ActEmbedRevoke     = "embed_revoked"
)

// Embed option bounds.
const (
	MaxEmbedPeriods = 60  // periods an embedded graph shows at most
	MaxEmbedOrigins = 20  // origins a scorecard may allow
	EmbedListPage   = 50  // embed codes listed at once
	maxLiveEmbeds   = 500 // live codes of one scorecard
)

// EmbedOptions are what an embed code shows, fixed at creation.
type EmbedOptions struct {
	Periods     int    // 0: the measure's own graph setting
	Chart       string // "line", "bar"; "": the measure's own
	NoteTypes   []int64
	ShowTargets bool
}

// EmbedInput is what the Embed panel's form sends.
type EmbedInput struct {
	EmbedOptions
	ScorecardID int64 // for an object: the enabled scorecard it is listed under; 0: the first
}

// EmbedCode is an embed code as the lists show it; the token is never in it.
type EmbedCode struct {
	ID            int64
	Kind          string // "scorecard", "container", "measure"
	Title         string // the object's; "" for the scorecard itself
	ScorecardID   int64
	Options       EmbedOptions
	CreatedBy     string
	CreatedAt     time.Time
	RegeneratedAt *time.Time
	RevokedAt     *time.Time
	Views         int64
}

// NewEmbed is a created or regenerated code with its token, shown once.
type NewEmbed struct {
	Code  EmbedCode
	Token string
}

// EmbedSwitchOf returns the scorecard for its Enable Embed form on the
// edit page, with ok false (and no error) for a member without Embed, who
// gets no such form.
func (a *App) EmbedSwitchOf(ctx context.Context, actor *Actor, id int64) (s model.Scorecard, ok bool, err error) {
	if !actor.Can(access.Embed) {
		return s, false, nil
	}
	s, err = a.Scorecard(ctx, actor, id)
	return s, err == nil, err
}

// EmbedPanel is what a scorecard's, container's or measure's Embed panel
// offers a member with embed.
type EmbedPanel struct {
	On        string // OnScorecard or OnObject
	ID        int64
	Kind      string
	Via       []model.Scorecard // the enabled scorecards it is embeddable through
	NoteTypes []model.NoteType
	// On a scorecard: its codes, newest first, and whether there are more.
	Codes []EmbedCode
	More  bool
	// The scorecard's switch, for a member who may change it.
	Enabled   bool
	CanToggle bool
}

// Embeddable reports whether a code can be made now.
func (p EmbedPanel) Embeddable() bool { return len(p.Via) > 0 }

func embedCodeOut(t store.EmbedToken) EmbedCode {
	kind := "scorecard"
	if t.ObjectID != 0 {
		kind = t.ObjectKind
	}
	return EmbedCode{ID: t.ID, Kind: kind, Title: t.ObjectTitle, ScorecardID: t.ScorecardID,
		Options:   EmbedOptions{Periods: t.Periods, Chart: t.Chart, NoteTypes: t.NoteTypes, ShowTargets: t.ShowTargets},
		CreatedBy: t.CreatorName, CreatedAt: t.CreatedAt, RegeneratedAt: t.RegeneratedAt, RevokedAt: t.RevokedAt, Views: t.Views}
}

// embedHost opens the scorecard or object an embed code is of: the
// actor's own (a partner's content is embedded by its owner, never
// here), which the actor can see; embed is required.
func (a *App) embedHost(ctx context.Context, actor *Actor, on string, id int64) (host, error) {
	var h host
	switch on {
	case OnScorecard:
		s, can, err := a.openScorecard(ctx, actor, id)
		if err != nil {
			return h, err
		}
		h = scorecardHost(s, can)
	case OnObject:
		o, can, err := a.openObject(ctx, actor, id)
		if err != nil {
			return h, err
		}
		h = objectHost(o, can)
	default:
		return h, errNotFound()
	}
	if err := actor.Require(access.Embed); err != nil {
		return h, err
	}
	if actor.Partner(h.Owner) {
		return h, forbidden(actor.Words().Expand("This is a {partner:lower}'s content: only its owner can embed it."))
	}
	return h, nil
}

// EmbedPanel loads the Embed panel of a scorecard or object (embed).
//
// A member without Embed, or a partner's content, gets no panel (the zero
// EmbedPanel) and no error: the page shows without it.
func (a *App) EmbedPanel(ctx context.Context, actor *Actor, on string, id int64) (EmbedPanel, error) {
	if !actor.Can(access.Embed) {
		return EmbedPanel{}, nil
	}
	h, err := a.embedHost(ctx, actor, on, id)
	if KindOf(err) == Forbidden { // a partner's content
		return EmbedPanel{}, nil
	} else if err != nil {
		return EmbedPanel{}, err
	}
	p := EmbedPanel{On: h.On, ID: h.ID, Kind: h.Kind}
	q := a.store.Q()
	if p.Via, err = a.embedVia(ctx, actor, h); err != nil {
		return p, err
	}
	types, err := q.ListNoteTypes(ctx, actor.Instance.ID, false)
	if err != nil {
		return p, err
	}
	p.NoteTypes = types // any type: a section may have been added where it is not a default
	if h.On == OnScorecard {
		s, err := q.ScorecardByID(ctx, actor.Instance.ID, id, store.SeeAll)
		if err != nil {
			return p, mapNotFound(err)
		}
		p.Enabled = s.EmbedEnabled
		p.CanToggle = actor.Can(access.ObjectsEdit)
		list, err := a.EmbedCodes(ctx, actor, id, 0)
		if err != nil {
			return p, err
		}
		p.Codes, p.More = list.Codes, list.Next != 0
	}
	return p, nil
}

// embedVia lists the enabled scorecards a host is embeddable through that
// the actor can see.
func (a *App) embedVia(ctx context.Context, actor *Actor, h host) ([]model.Scorecard, error) {
	q := a.store.Q()
	var sid, oid int64
	if h.On == OnScorecard {
		sid = h.ID
	} else {
		oid = h.ID
	}
	via, err := q.EmbedEnabledVia(ctx, actor.Instance.ID, sid, oid)
	if err != nil {
		return nil, err
	}
	v, err := a.Visibility(ctx, actor)
	if err != nil {
		return nil, err
	}
	var out []model.Scorecard
	for _, e := range via {
		s, err := q.ScorecardByID(ctx, actor.Instance.ID, e.ScorecardID, v)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// EmbedCodeList is one page of a scorecard's embed codes.
type EmbedCodeList struct {
	Scorecard model.Scorecard
	Codes     []EmbedCode
	Next      int64 // the keyset of the next page; 0: none
}

// EmbedCodes lists a scorecard's embed codes, newest first, from before
// (an id; 0: the newest), EmbedListPage at a time (embed).
func (a *App) EmbedCodes(ctx context.Context, actor *Actor, scorecardID, before int64) (EmbedCodeList, error) {
	h, err := a.embedHost(ctx, actor, OnScorecard, scorecardID)
	if err != nil {
		return EmbedCodeList{}, err
	}
	out := EmbedCodeList{Scorecard: model.Scorecard{ID: h.ID, Title: h.Title}}
	rows, err := a.store.Q().EmbedTokens(ctx, actor.Instance.ID, scorecardID, before, EmbedListPage+1)
	if err != nil {
		return out, err
	}
	if len(rows) > EmbedListPage {
		rows = rows[:EmbedListPage]
		out.Next = rows[len(rows)-1].ID
	}
	for _, t := range rows {
		out.Codes = append(out.Codes, embedCodeOut(t))
	}
	return out, nil
}

// validate checks the options against the instance's note types.
func (o *EmbedOptions) validate(words *terms.Set, types []model.NoteType) error {
	fields := map[string]string{}
	if o.Periods < 0 || o.Periods > MaxEmbedPeriods {
		fields["periods"] = "Choose from 1 to " + strconv.Itoa(MaxEmbedPeriods) + " periods, or the " + words.LowOne(terms.Measure) + "'s own setting."
	}
	if o.Chart != "" && o.Chart != "line" && o.Chart != "bar" {
		fields["chart"] = words.Expand("Choose a line or bar chart, or the {measure:lower}'s own.")
	}
	known := map[int64]bool{}
	for _, t := range types {
		known[t.ID] = true
	}
	ids := uniq(o.NoteTypes)
	for _, id := range ids {
		if !known[id] {
			fields["note_types"] = words.Expand("Choose {note:lower} types from the list.")
		}
	}
	o.NoteTypes = ids
	if len(fields) > 0 {
		return invalid("Please correct the highlighted fields.", fields)
	}
	return nil
}

// newEmbedToken is a fresh token: 256 bits from crypto/rand, base64url.
func newEmbedToken() string { return password.Token() }

// CreateEmbed makes an embed code of a scorecard or object (embed), which
// must be embeddable: the scorecard enabled, or the object on an enabled
// scorecard. The token is returned once and kept only as a hash.
func (a *App) CreateEmbed(ctx context.Context, actor *Actor, on string, id int64, in EmbedInput) (NewEmbed, error) {
	h, err := a.embedHost(ctx, actor, on, id)
	if err != nil {
		return NewEmbed{}, err
	}
	q := a.store.Q()
	types, err := q.ListNoteTypes(ctx, actor.Instance.ID, false)
	if err != nil {
		return NewEmbed{}, err
	}
	if err := in.validate(actor.Words(), types); err != nil {
		return NewEmbed{}, err
	}
	via, err := a.embedVia(ctx, actor, h)
	if err != nil {
		return NewEmbed{}, err
	}
	if len(via) == 0 {
		w := actor.Words()
		return NewEmbed{}, errConflict("Embedding is off here: switch on Enable Embed on a %s %s first.", w.LowOne(terms.Scorecard),
			map[bool]string{true: w.Expand("(Edit {scorecard:lower})"), false: "this sits on"}[h.On == OnScorecard])
	}
	t := store.EmbedToken{InstanceID: actor.Instance.ID, ScorecardID: via[0].ID, Periods: in.Periods, Chart: in.Chart,
		NoteTypes: in.NoteTypes, ShowTargets: in.ShowTargets, CreatedBy: actor.Membership.ID}
	if h.On == OnObject {
		t.ObjectID = h.ID
		if in.ScorecardID != 0 {
			i := slices.IndexFunc(via, func(s model.Scorecard) bool { return s.ID == in.ScorecardID })
			if i < 0 {
				return NewEmbed{}, fieldError("scorecard", "Choose a scorecard with Enable Embed switched on from the list.")
			}
			t.ScorecardID = via[i].ID
		}
	}
	token := newEmbedToken()
	t.TokenHash = password.HashSecret(token)
	err = a.store.InTx(ctx, func(q *store.Q) error {
		if err := q.LockInstance(ctx, actor.Instance.ID); err != nil {
			return err
		}
		n, err := q.CountLiveEmbeds(ctx, actor.Instance.ID, t.ScorecardID)
		if err != nil {
			return err
		}
		if n >= maxLiveEmbeds {
			return errConflict("This %s has %d embed codes that are not revoked, the most it may have. Revoke one you no longer use first.", actor.Words().LowOne(terms.Scorecard), n)
		}
		if t, err = q.CreateEmbedToken(ctx, t); err != nil {
			return err
		}
		return record(ctx, q, entry(actor, ActEmbedCreate, embedObjectType(h.Kind), h.ID, h.Title, changed(
			"embed code", "", strconv.FormatInt(t.ID, 10), "options", "", optionsText(in.EmbedOptions))...))
	})
	if err != nil {
		return NewEmbed{}, err
	}
	t.CreatorName, t.ObjectTitle, t.ObjectKind = actor.Membership.Name, h.Title, h.Kind
	return NewEmbed{Code: embedCodeOut(t), Token: token}, nil
}

func embedObjectType(kind string) string {
	if kind == "scorecard" {
		return "scorecard"
	}
	return kind
}

func optionsText(o EmbedOptions) string {
	var parts []string
	if o.Periods > 0 {
		parts = append(parts, strconv.Itoa(o.Periods)+" periods")
	}
	if o.Chart != "" {
		parts = append(parts, o.Chart+" chart")
	}
	if o.ShowTargets {
		parts = append(parts, "targets")
	}
	if len(o.NoteTypes) > 0 {
		parts = append(parts, "note types "+idList(o.NoteTypes))
	}
	return strings.Join(parts, ", ")
}

// embedCode opens one of the instance's embed codes for a member with
// embed who can see its scorecard.
func (a *App) embedCode(ctx context.Context, actor *Actor, id int64) (store.EmbedToken, host, error) {
	if err := actor.Require(access.Embed); err != nil {
		return store.EmbedToken{}, host{}, err
	}
	t, err := a.store.Q().EmbedTokenByID(ctx, actor.Instance.ID, id)
	if err != nil {
		return t, host{}, mapNotFound(err)
	}
	h, err := a.embedHost(ctx, actor, OnScorecard, t.ScorecardID)
	return t, h, err
}

// RegenerateEmbed gives an embed code a new token (embed): the old one
// stops on the next request. The new token is returned once.
func (a *App) RegenerateEmbed(ctx context.Context, actor *Actor, id int64) (NewEmbed, error) {
	t, h, err := a.embedCode(ctx, actor, id)
	if err != nil {
		return NewEmbed{}, err
	}
	if t.RevokedAt != nil {
		return NewEmbed{}, errConflict("This embed code is revoked; make a new one instead.")
	}
	token := newEmbedToken()
	hash := password.HashSecret(token)
	err = a.store.InTx(ctx, func(q *store.Q) error {
		if err := q.RegenerateEmbedToken(ctx, actor.Instance.ID, id, t.TokenHash, hash); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return errConflict("This embed code was changed a moment ago; reload the page.")
			}
			return err
		}
		return record(ctx, q, entry(actor, ActEmbedRegenerate, "scorecard", h.ID, h.Title,
			model.Change{Field: "embed code", After: strconv.FormatInt(id, 10)}))
	})
	if err != nil {
		return NewEmbed{}, err
	}
	now := a.Now()
	t.TokenHash, t.RegeneratedAt = hash, &now
	return NewEmbed{Code: embedCodeOut(t), Token: token}, nil
}

// RevokeEmbed revokes an embed code (embed): its page is 404 from the
// next request on. It returns the scorecard the code is listed under.
func (a *App) RevokeEmbed(ctx context.Context, actor *Actor, id int64) (int64, error) {
	t, h, err := a.embedCode(ctx, actor, id)
	if err != nil {
		return 0, err
	}
	if t.RevokedAt != nil {
		return 0, errConflict("This embed code is revoked already.")
	}
	return t.ScorecardID, a.store.InTx(ctx, func(q *store.Q) error {
		if err := q.RevokeEmbedToken(ctx, actor.Instance.ID, id, actor.Membership.ID, t.TokenHash); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return errConflict("This embed code is revoked already.")
			}
			return err
		}
		return record(ctx, q, entry(actor, ActEmbedRevoke, "scorecard", h.ID, h.Title,
			model.Change{Field: "embed code", After: strconv.FormatInt(id, 10)}))
	})
}

// SetScorecardEmbed switches Enable Embed of a scorecard and sets the
// origins allowed to frame its embeds (embed and objects.edit), from the
// version the form was loaded at. Switching it off stops every embed
// through it on the next request.
func (a *App) SetScorecardEmbed(ctx context.Context, actor *Actor, id, version int64, enabled bool, origins string) error {
	if err := actor.Require(access.ObjectsEdit); err != nil {
		return err
	}
	s, err := a.Scorecard(ctx, actor, id)
	if err != nil {
		return err
	}
	if err := actor.Require(access.Embed); err != nil {
		return err
	}
	list, msg := ParseOrigins(origins)
	if msg != "" {
		return fieldError("embed_origins", msg)
	}
	norm := strings.Join(list, "\n")
	return a.store.InTx(ctx, func(q *store.Q) error {
		if err := q.SetScorecardEmbed(ctx, actor.Instance.ID, id, version, enabled, norm); err != nil {
			if errors.Is(err, store.ErrConflict) {
				return conflict(actor.Words().Expand("Someone changed this {scorecard:lower} since you opened it. Reload it and try again."))
			}
			return mapNotFound(err)
		}
		ch := changed("embed origins", s.EmbedOrigins, norm)
		switch {
		case enabled != s.EmbedEnabled && enabled:
			return record(ctx, q, entry(actor, ActEmbedEnable, "scorecard", id, s.Title, ch...))
		case enabled != s.EmbedEnabled:
			return record(ctx, q, entry(actor, ActEmbedDisable, "scorecard", id, s.Title, ch...))
		case len(ch) > 0:
			return record(ctx, q, entry(actor, ActUpdate, "scorecard", id, s.Title, ch...))
		}
		return nil
	})
}

// ParseOrigins reads the Embed origins list: one origin a line (or
// separated by spaces or commas), scheme and host with an optional port,
// such as https://www.city.example; empty allows any origin. It returns
// the origins in a normal form, or a message for the person.
func ParseOrigins(s string) ([]string, string) {
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' || r == ' ' || r == '\t' || r == ',' })
	if len(fields) > MaxEmbedOrigins {
		return nil, "List at most " + strconv.Itoa(MaxEmbedOrigins) + " origins."
	}
	var out []string
	for _, f := range fields {
		u, err := url.Parse(f)
		bad := err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil ||
			(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || len(f) > 200 ||
			strings.ContainsAny(u.Host, ";'\"* \\")
		if bad {
			return nil, "“" + truncateText(f, 60) + "” is not an origin. Write each as scheme and host, such as https://www.city.example."
		}
		o := strings.ToLower(u.Scheme + "://" + u.Host)
		if !slices.Contains(out, o) {
			out = append(out, o)
		}
	}
	return out, ""
}

// The public side: /embed/{token}.

// EmbedRef is a live embed code found by its token: what a request needs
// before the page (and to key a cached rendering).
type EmbedRef struct {
	InstanceID, TokenID int64
	ScorecardID         int64
	ObjectID            int64
	Via                 int64    // the enabled scorecard whose tree shows it
	Origins             []string // allowed to frame it; nil: any origin
	Options             EmbedOptions
}

// errNoEmbed is the one answer to a token that shows nothing: malformed,
// unknown, revoked, regenerated, switched off or deleted alike.
func errNoEmbed() error {
	return &Error{Kind: NotFound, Msg: "There is nothing to show at this address. The embed may have been switched off or replaced."}
}

// EmbedTokenShaped reports whether s could be a token: 43 base64url
// characters. Anything else is not looked up.
func EmbedTokenShaped(s string) bool {
	if len(s) != 43 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// ResolveEmbed finds the live embed code of a token, checking on every
// request that it is neither revoked nor replaced and that its scorecard
// or object is still embeddable; anything else is NotFound. The view is
// counted (a daily count per code).
func (a *App) ResolveEmbed(ctx context.Context, token string) (EmbedRef, error) {
	if !EmbedTokenShaped(token) {
		return EmbedRef{}, errNoEmbed()
	}
	q := a.store.Q()
	hash := password.HashSecret(token)
	inst, id, err := q.EmbedKey(ctx, hash)
	if errors.Is(err, store.ErrNotFound) {
		return EmbedRef{}, errNoEmbed()
	}
	if err != nil {
		return EmbedRef{}, err
	}
	t, err := q.LiveEmbedToken(ctx, inst, id, hash)
	if errors.Is(err, store.ErrNotFound) {
		return EmbedRef{}, errNoEmbed()
	}
	if err != nil {
		return EmbedRef{}, err
	}
	via, err := q.EmbedEnabledVia(ctx, inst, t.ScorecardID, t.ObjectID)
	if err != nil {
		return EmbedRef{}, err
	}
	if len(via) == 0 {
		return EmbedRef{}, errNoEmbed()
	}
	ref := EmbedRef{InstanceID: inst, TokenID: id, ScorecardID: t.ScorecardID, ObjectID: t.ObjectID, Via: via[0].ScorecardID,
		Options: EmbedOptions{Periods: t.Periods, Chart: t.Chart, NoteTypes: t.NoteTypes, ShowTargets: t.ShowTargets}}
	anyOrigin := false
	for _, v := range via {
		if v.ScorecardID == t.ScorecardID {
			ref.Via = v.ScorecardID // the tree it is listed under, while enabled
		}
		list, _ := ParseOrigins(v.Origins)
		if len(list) == 0 {
			anyOrigin = true
		}
		for _, o := range list {
			if !slices.Contains(ref.Origins, o) {
				ref.Origins = append(ref.Origins, o)
			}
		}
	}
	if anyOrigin {
		ref.Origins = nil
	}
	a.embedViews.add(ctx, a, inst, id)
	return ref, nil
}

// EmbedNote is a note section an embed shows, as plain text.
type EmbedNote struct {
	Type string
	Text string
}

// EmbedView is what an embed page shows: nothing of people, no ids, no
// links into the instance.
type EmbedView struct {
	Instance    string     // the instance's name
	Words       *terms.Set // its Common Terms, which the page is written in
	HasLogo     bool       // the instance has a logo (EmbedLogo serves it)
	Kind        string     // "scorecard", "container", "measure"
	Title       string
	Description string
	Container   string   // a measure's container in the tree it is shown through
	Rows        []Row    // a scorecard's or container's tree
	Columns     []Column // the tree's columns: its scorecard's chosen ones
	ShowTargets bool
	// A measure's.
	Measure   model.Object
	Summary   calc.Summary
	Bands     calc.Bands
	Points    []calc.Point // the graph's window
	Baseline  string
	Frequency string
	Chart     string
	Notes     []EmbedNote
}

// EmbedLogo is the logo of a resolved embed code's instance (General
// Settings), for its page; NotFound when it has none.
func (a *App) EmbedLogo(ctx context.Context, ref EmbedRef) (Logo, error) {
	return a.logoOf(ctx, ref.InstanceID)
}

// EmbedPage loads what a resolved embed code shows.
func (a *App) EmbedPage(ctx context.Context, ref EmbedRef) (EmbedView, error) {
	q := a.store.Q()
	in, err := q.InstanceByID(ctx, ref.InstanceID)
	if err != nil {
		return EmbedView{}, mapEmbedNotFound(err)
	}
	view := EmbedView{Instance: in.Name, Words: terms.Parse(in.Terms), HasLogo: in.LogoVersion > 0, ShowTargets: ref.Options.ShowTargets}
	tree, err := a.loadTree(ctx, ref.InstanceID, ref.Via)
	if err != nil {
		return view, err
	}
	rows := tree.rows
	target := model.Target{ScorecardID: ref.ScorecardID}
	if ref.ObjectID == 0 {
		s, err := q.ScorecardByID(ctx, ref.InstanceID, ref.ScorecardID, store.SeeAll)
		if err != nil {
			return view, mapEmbedNotFound(err)
		}
		view.Kind, view.Title, view.Description, view.Rows = "scorecard", s.Title, s.Description, rows
		view.Columns = EmbedColumns(s, ref.Options.ShowTargets)
	} else {
		target = model.Target{ObjectID: ref.ObjectID}
		o, err := q.ObjectByID(ctx, ref.InstanceID, ref.ObjectID, store.SeeAll)
		if err != nil {
			return view, mapEmbedNotFound(err)
		}
		view.Kind, view.Title, view.Description = o.Kind, o.Title, o.Description
		if o.Kind == model.KindContainer {
			view.Rows = subtree(rows, o.ID)
			// The columns are those of the scorecard it is shown through.
			via, err := q.ScorecardByID(ctx, ref.InstanceID, ref.Via, store.SeeAll)
			if err != nil {
				return view, mapEmbedNotFound(err)
			}
			view.Columns = EmbedColumns(via, ref.Options.ShowTargets)
		} else {
			for _, r := range rows {
				if r.Object.ID == o.ID {
					if p, ok := tree.Objects[r.ParentID]; ok {
						view.Container = p.Title
					}
					break
				}
			}
			a.embedMeasure(&view, o, tree.freqs, tree.Values[o.ID], tree.bands, ref.Options)
		}
	}
	if len(ref.Options.NoteTypes) > 0 {
		list, err := q.Notes(ctx, ref.InstanceID, target)
		if err != nil {
			return view, err
		}
		for _, n := range list {
			if !slices.Contains(ref.Options.NoteTypes, n.Type.ID) || !n.Present || n.Removed {
				continue
			}
			if text := strings.TrimSpace(notes.Text(n.Body)); text != "" {
				view.Notes = append(view.Notes, EmbedNote{Type: n.Type.Name, Text: text})
			}
		}
	}
	return view, nil
}

func mapEmbedNotFound(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return errNoEmbed()
	}
	return err
}

// subtree is the rows under the first row of object id, one level up.
func subtree(rows []Row, id int64) []Row {
	var out []Row
	for i, r := range rows {
		if r.Object.ID != id {
			continue
		}
		for _, c := range rows[i+1:] {
			if c.Depth <= r.Depth {
				break
			}
			c.Depth -= r.Depth + 1
			out = append(out, c)
		}
		break
	}
	return out
}

func (a *App) embedMeasure(view *EmbedView, o model.Object, freqs map[int64]model.Frequency, values []model.DataValue,
	global map[string]model.BandSetting, opt EmbedOptions) {
	view.Measure = o
	view.Bands = MeasureBands(o, global)
	pts := Points(freqs, o, values)
	if f, ok := freqs[derefID(o.FrequencyID)]; ok {
		view.Frequency = f.Title
	}
	view.Summary = calc.Summarize(pts, o.BaselineKey, calc.Polarity(o.Polarity), view.Bands)
	n := o.GraphPeriods
	if opt.Periods > 0 {
		n = opt.Periods
	}
	view.Points, view.Baseline = graphWindow(pts, o.BaselineKey, n)
	view.Chart = o.GraphType
	if opt.Chart != "" {
		view.Chart = opt.Chart
	}
	if !opt.ShowTargets {
		// Targets are not shown: not drawn, not in the table, no variance.
		for i := range view.Points {
			view.Points[i].Target = nil
		}
		view.Summary.Variance = nil
	}
}

// embedViewFlush is how often counted views are written.
const embedViewFlush = 10 * time.Second

// viewCounter adds up embed views in memory and writes them as daily
// counts (one row per code and day), at most every embedViewFlush.
type viewCounter struct {
	mu      sync.Mutex
	counts  map[viewKey]int64
	flushed time.Time
}

type viewKey struct {
	instance, token int64
	day             string
}

func (c *viewCounter) add(ctx context.Context, a *App, instance, token int64) {
	now := a.Now()
	c.mu.Lock()
	if c.counts == nil {
		c.counts = map[viewKey]int64{}
		c.flushed = now
	}
	c.counts[viewKey{instance, token, now.UTC().Format("2006-01-02")}]++
	due := now.Sub(c.flushed) >= embedViewFlush
	c.mu.Unlock()
	if due {
		if err := a.FlushEmbedViews(ctx); err != nil {
			a.log.Warn("embed views not written", "err", err)
		}
	}
}

// FlushEmbedViews writes the embed views counted in memory.
func (a *App) FlushEmbedViews(ctx context.Context) error {
	c := &a.embedViews
	c.mu.Lock()
	counts := c.counts
	c.counts, c.flushed = map[viewKey]int64{}, a.Now()
	c.mu.Unlock()
	var first error
	for k, n := range counts {
		// A code deleted since (its scorecard went) has nowhere to count.
		if err := a.store.Q().AddEmbedViews(ctx, k.instance, k.token, k.day, n); err != nil && first == nil {
			if _, e := a.store.Q().EmbedTokenByID(ctx, k.instance, k.token); !errors.Is(e, store.ErrNotFound) {
				first = err
			}
		}
	}
	return first
}
