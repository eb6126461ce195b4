package app

import (
	"context"
	"errors"
	"time"

	"yardstick/internal/access"
	"yardstick/internal/mail"
	"yardstick/internal/model"
	"yardstick/internal/store"
)

// Multi-Site Tools (issue 22, point 1; SPEC §1): an instance the operator
// enabled (`yardstick instance set --code X --multi-site=true`) may have
// child instances. The parent's instance administrators create children,
// list them, add an administrator of the parent to one child or to all,
// and copy scorecards between the parent and its children (copy.go).
// Parent and child stay separate tenants: a child's rows carry its own
// instance_id, and the parent reaches them only through these use cases.

// ActMultiSite is the log's activity for Multi-Site Tools events (a child
// created, an administrator added to children, a scorecard copied across
// instances); each is written in the parent's log and the child's.
const ActMultiSite = "multi_site"

// maxChildren caps how many children one parent may have: the tools read
// and write all of them in one request.
const maxChildren = 200

// maxAdminsListed caps the parent's administrators offered for adding.
const maxAdminsListed = 500

// SetMultiSite is the operator's command that enables or disables an
// instance's Multi-Site Tools.
func (a *App) SetMultiSite(ctx context.Context, code string, on bool) error {
	norm, ok := NormalizeCode(code)
	if !ok {
		return fieldError("code", "Give the instance's code with --code.")
	}
	in, err := a.store.Q().InstanceByCode(ctx, norm)
	if errors.Is(err, store.ErrNotFound) {
		return &Error{Kind: NotFound, Msg: "No instance has the code " + norm + "."}
	}
	if err != nil {
		return err
	}
	return a.store.Q().SetMultiSite(ctx, in.ID, on)
}

// requireMultiSite admits an instance administrator of an instance whose
// Multi-Site Tools are on.
func requireMultiSite(actor *Actor) error {
	if err := actor.Require(access.InstanceAdmin); err != nil {
		return err
	}
	if !actor.Instance.MultiSite {
		return errForbidden("Multi-Site Tools are not enabled for this instance; the operator of this Yardstick turns them on.")
	}
	return nil
}

// ChildSummary is one child in the Multi-Site Tools list.
type ChildSummary struct {
	Code, Name   string
	Members      int // active members
	Scorecards   int
	LastActivity *time.Time
	Member       bool // the viewer is an active member of the child: it can open it
}

// MultiSiteView is what the Multi-Site Tools page shows.
type MultiSiteView struct {
	Enabled  bool
	Children []ChildSummary
	Admins   []AdminChoice // the parent's administrators, for "add to children"
}

// AdminChoice is an administrator of the parent that may be added to
// children.
type AdminChoice struct {
	MembershipID int64
	Name, Email  string
}

// MultiSitePage loads the Multi-Site Tools page (instance.admin): the
// children with members, scorecards and last activity, in a fixed number
// of queries whatever their number. An instance without the tools gets
// the page with Enabled false and nothing else.
func (a *App) MultiSitePage(ctx context.Context, actor *Actor) (MultiSiteView, error) {
	if err := actor.Require(access.InstanceAdmin); err != nil {
		return MultiSiteView{}, err
	}
	if !actor.Instance.MultiSite {
		return MultiSiteView{}, nil
	}
	q := a.store.Q()
	kids, err := q.ChildInstances(ctx, actor.Instance.ID)
	if err != nil {
		return MultiSiteView{}, err
	}
	ids := make([]int64, len(kids))
	for i, k := range kids {
		ids[i] = k.Instance.ID
	}
	mine, err := q.MembershipsIn(ctx, actor.Account.ID, ids)
	if err != nil {
		return MultiSiteView{}, err
	}
	v := MultiSiteView{Enabled: true}
	for _, k := range kids {
		v.Children = append(v.Children, ChildSummary{Code: k.Instance.Code, Name: k.Instance.Name, Members: k.Active,
			Scorecards: k.Scorecards, LastActivity: k.LastActivity, Member: mine[k.Instance.ID].Active})
	}
	admins, err := q.Administrators(ctx, actor.Instance.ID, maxAdminsListed)
	for _, m := range admins {
		v.Admins = append(v.Admins, AdminChoice{MembershipID: m.ID, Name: m.Name, Email: m.Email})
	}
	return v, err
}

// NewChild is the Create child form.
type NewChild struct {
	Code, Name string
	AdminEmail string
}

// CreateChild makes a child instance of the actor's instance with its
// first administrator (Administration preset), as the operator's instance
// creation does: a new address gets an account whose home is the child
// and the usual welcome mail (temporary password or sign-in link); an
// address that has an account already joins at once and is told by mail.
// Logged in both instances.
func (a *App) CreateChild(ctx context.Context, actor *Actor, in NewChild) (ChildSummary, error) {
	if err := requireMultiSite(actor); err != nil {
		return ChildSummary{}, err
	}
	n := NewInstance{Code: in.Code, Name: in.Name, AdminEmail: in.AdminEmail}
	if err := n.validate(false); err != nil {
		return ChildSummary{}, err
	}
	var out ChildSummary
	err := a.store.InTx(ctx, func(q *store.Q) error {
		if err := q.LockInstance(ctx, actor.Instance.ID); err != nil {
			return err
		}
		ids, err := q.ChildIDs(ctx, actor.Instance.ID)
		if err != nil {
			return err
		}
		if len(ids) >= maxChildren {
			return errConflict("This instance has %d child instances, the most it may have.", maxChildren)
		}
		parent := actor.Instance.ID
		child, err := q.CreateInstance(ctx, model.Instance{Code: n.Code, Name: n.Name, Seats: 10, ParentID: &parent})
		if errors.Is(err, store.ErrConflict) {
			return invalid("That code is taken; codes are never reused.", map[string]string{"code": "The code " + n.Code + " is already taken."})
		}
		if err != nil {
			return err
		}
		if err := q.CreateBuiltins(ctx, child.ID); err != nil {
			return err
		}
		acct, err := q.AccountByEmail(ctx, n.AdminEmail)
		var welcome model.OutboxMessage
		switch {
		case errors.Is(err, store.ErrNotFound):
			if acct, welcome, err = a.newAccount(ctx, q, child, n.AdminEmail, n.AdminName); err != nil {
				return err
			}
		case err != nil:
			return err
		default:
			welcome = withInstance(mail.AddedToInstance(a.cfg.BaseURL, child.Name, child.Code, acct.Email), child.ID)
		}
		m, err := q.CreateMembership(ctx, model.Membership{InstanceID: child.ID, AccountID: acct.ID,
			Permissions: access.MustPreset(access.PresetAdministration).Keys(), Preset: access.PresetAdministration,
			Role: access.PresetAdministration, Active: true, ActionEmails: true})
		if err != nil {
			return err
		}
		if _, err := q.EnqueueMail(ctx, welcome); err != nil {
			return err
		}
		e := entry(actor, ActMultiSite, "instance", child.ID, child.Label(), model.Change{Field: "child created", After: child.Label()},
			model.Change{Field: "administrator", After: acct.Email})
		madmin := entry(actor, ActMembership, "member", m.ID, acct.Email, model.Change{Field: "added", After: "first administrator, " + access.PresetAdministration})
		madmin.InstanceID, madmin.ActorInstance = child.ID, actor.Instance.Code
		if err := record(ctx, q, append(inBoth(actor, child.ID, e), madmin)...); err != nil {
			return err
		}
		out = ChildSummary{Code: child.Code, Name: child.Name, Members: 1, Member: acct.ID == actor.Account.ID}
		return nil
	})
	return out, err
}

// child finds a child of the actor's instance by code: any other code,
// another instance's child included, is NotFound.
func (a *App) child(ctx context.Context, q *store.Q, actor *Actor, code string) (model.Instance, error) {
	norm, ok := NormalizeCode(code)
	if !ok {
		return model.Instance{}, errNotFound()
	}
	in, err := q.ChildByCode(ctx, actor.Instance.ID, norm)
	if errors.Is(err, store.ErrNotFound) {
		return in, errNotFound()
	}
	return in, err
}

// ChildView is one child's page in Multi-Site Tools.
type ChildView struct {
	Child  ChildSummary
	Admins []AdminChoice // the parent's administrators, for "add to this child"
}

// ChildPage loads one child's page (the parent's instance.admin).
func (a *App) ChildPage(ctx context.Context, actor *Actor, code string) (ChildView, error) {
	if err := requireMultiSite(actor); err != nil {
		return ChildView{}, err
	}
	q := a.store.Q()
	in, err := a.child(ctx, q, actor, code)
	if err != nil {
		return ChildView{}, err
	}
	v, err := a.MultiSitePage(ctx, actor)
	if err != nil {
		return ChildView{}, err
	}
	for _, c := range v.Children {
		if c.Code == in.Code {
			return ChildView{Child: c, Admins: v.Admins}, nil
		}
	}
	return ChildView{}, errNotFound()
}

// AddAdminResult says, per child, whether the administrator was added.
type AddAdminResult struct {
	Email   string
	Added   []string // child codes where a membership was made
	Already []string // child codes where the person was a member already
}

// AddAdminToChildren gives an administrator of the parent (its membership
// id in the parent) a membership with the Administration preset in one
// child (code) or in every child (code ""), in one transaction: one
// membership per child, active at once (the parent's administrator vouches
// for a colleague it already works with), and no seat used — the person's
// home instance is elsewhere (SPEC §2). A child where the person is a
// member already is left as it is and named in the result.
func (a *App) AddAdminToChildren(ctx context.Context, actor *Actor, membershipID int64, code string) (AddAdminResult, error) {
	if err := requireMultiSite(actor); err != nil {
		return AddAdminResult{}, err
	}
	var out AddAdminResult
	err := a.store.InTx(ctx, func(q *store.Q) error {
		out = AddAdminResult{} // InTx may run this again
		m, err := q.MembershipByID(ctx, actor.Instance.ID, membershipID)
		if errors.Is(err, store.ErrNotFound) || (err == nil && (!m.Active || !hasPerm(m, access.InstanceAdmin))) {
			return fieldError("admin", "Choose an active administrator of this instance.")
		}
		if err != nil {
			return err
		}
		out.Email = m.Email
		var kids []model.Instance
		if code != "" {
			in, err := a.child(ctx, q, actor, code)
			if err != nil {
				return err
			}
			kids = []model.Instance{in}
		} else {
			all, err := q.ChildInstances(ctx, actor.Instance.ID)
			if err != nil {
				return err
			}
			for _, c := range all {
				kids = append(kids, c.Instance)
			}
		}
		ids := make([]int64, len(kids))
		for i, k := range kids {
			ids[i] = k.ID
		}
		have, err := q.MembershipsIn(ctx, m.AccountID, ids)
		if err != nil {
			return err
		}
		var log []model.Activity
		for _, k := range kids {
			if _, ok := have[k.ID]; ok {
				out.Already = append(out.Already, k.Code)
				continue
			}
			cm, err := q.CreateMembership(ctx, model.Membership{InstanceID: k.ID, AccountID: m.AccountID,
				Permissions: access.MustPreset(access.PresetAdministration).Keys(), Preset: access.PresetAdministration,
				Role: access.PresetAdministration, Active: true, ActionEmails: true})
			if err != nil {
				return err
			}
			e := entry(actor, ActMembership, "member", cm.ID, m.Email, model.Change{Field: "added", After: "administrator of the parent " + actor.Instance.Code + ", " + access.PresetAdministration})
			e.InstanceID, e.ActorInstance = k.ID, actor.Instance.Code
			log = append(log, e)
			out.Added = append(out.Added, k.Code)
		}
		if len(out.Added) > 0 {
			log = append(log, entry(actor, ActMultiSite, "member", m.ID, m.Email, model.Change{Field: "added to children", After: joinCodes(out.Added)}))
		}
		return record(ctx, q, log...)
	})
	return out, err
}

func hasPerm(m model.Membership, p access.Permission) bool {
	for _, k := range m.Permissions {
		if k == string(p) {
			return true
		}
	}
	return false
}

func joinCodes(codes []string) string {
	s := ""
	for i, c := range codes {
		if i > 0 {
			s += ", "
		}
		s += c
	}
	return s
}

// SiteCopy is a copy across the network: a scorecard of the parent (From
// "") to children (To, or AllChildren), or a child's scorecard (From its
// code) to the parent.
type SiteCopy struct {
	From        string
	ScorecardID int64
	To          []string
	AllChildren bool
	Options     CopyOptions
}

// SiteCopyResult is one target's part of a copy: its plan, and whether it
// was written or why not.
type SiteCopyResult struct {
	Code, Name string
	Plan       CopyPlan
	Done       bool   // written (a run) — false in a preview
	Err        string // why this target was not copied; the others go on
}

// siteCopy resolves a SiteCopy: the source instance and scorecard, and
// the targets.
func (a *App) siteCopy(ctx context.Context, actor *Actor, in *SiteCopy) (copySource, []model.Instance, error) {
	if err := requireMultiSite(actor); err != nil {
		return copySource{}, nil, err
	}
	if err := in.Options.validate(false); err != nil {
		return copySource{}, nil, err
	}
	q := a.store.Q()
	from := actor.Instance
	var targets []model.Instance
	if in.From != "" {
		child, err := a.child(ctx, q, actor, in.From)
		if err != nil {
			return copySource{}, nil, err
		}
		from, targets = child, []model.Instance{actor.Instance}
	} else {
		if _, _, err := a.openScorecard(ctx, actor, in.ScorecardID); err != nil {
			return copySource{}, nil, err
		}
		if in.AllChildren {
			kids, err := q.ChildInstances(ctx, actor.Instance.ID)
			if err != nil {
				return copySource{}, nil, err
			}
			for _, k := range kids {
				targets = append(targets, k.Instance)
			}
		} else {
			seen := map[string]bool{}
			for _, code := range in.To {
				c, err := a.child(ctx, q, actor, code)
				if err != nil {
					return copySource{}, nil, fieldError("to", "Choose children of this instance.")
				}
				if !seen[c.Code] {
					seen[c.Code] = true
					targets = append(targets, c)
				}
			}
		}
		if len(targets) == 0 {
			return copySource{}, nil, fieldError("to", "Choose a child instance, or all of them.")
		}
	}
	src, err := a.readSource(ctx, q, from, in.ScorecardID, in.Options.Notes)
	if err != nil {
		return src, nil, err
	}
	if src.sc.InstanceID != from.ID {
		return src, nil, errNotFound()
	}
	return src, targets, nil
}

// PreviewSiteCopy says, per target, what a copy across the network would
// create, update and rename (nothing is written).
func (a *App) PreviewSiteCopy(ctx context.Context, actor *Actor, in SiteCopy) ([]SiteCopyResult, error) {
	src, targets, err := a.siteCopy(ctx, actor, &in)
	if err != nil {
		return nil, err
	}
	q := a.store.Q()
	out := make([]SiteCopyResult, len(targets))
	for i, t := range targets {
		out[i] = SiteCopyResult{Code: t.Code, Name: t.Name}
		dst, err := a.readTarget(ctx, q, t, src, in.Options)
		if err != nil {
			return nil, err
		}
		w, err := plan(src, dst, in.Options)
		if err != nil {
			out[i].Err = a.copyError(actor, err)
			continue
		}
		out[i].Plan = w.plan
	}
	return out, nil
}

// RunSiteCopy copies across the network, one transaction per target: a
// target that fails is left untouched and named with the reason, and the
// others are copied all the same. Each copy is logged in the target's log
// and in the source's.
func (a *App) RunSiteCopy(ctx context.Context, actor *Actor, in SiteCopy) ([]SiteCopyResult, error) {
	src, targets, err := a.siteCopy(ctx, actor, &in)
	if err != nil {
		return nil, err
	}
	out := make([]SiteCopyResult, len(targets))
	for i, t := range targets {
		out[i] = SiteCopyResult{Code: t.Code, Name: t.Name}
		err := a.store.InTx(ctx, func(q *store.Q) error {
			dst, err := a.readTarget(ctx, q, t, src, in.Options)
			if err != nil {
				return err
			}
			w, err := plan(src, dst, in.Options)
			if err != nil {
				return err
			}
			sc, err := a.writeCopy(ctx, q, actor, w)
			if err != nil {
				return err
			}
			out[i].Plan = w.plan
			there := stamp(actor, copyLog(actor, w, sc))
			srcID := src.sc.ID
			here := stamp(actor, model.Activity{InstanceID: src.in.ID, Activity: ActMultiSite, ObjectType: "scorecard", ObjectID: &srcID,
				ObjectName: src.sc.Title, Changes: []model.Change{{Field: "copied to", After: t.Label()}, there.Changes[1]}})
			return record(ctx, q, there, here)
		})
		if err != nil {
			out[i].Plan, out[i].Err = CopyPlan{}, a.copyError(actor, err)
			continue
		}
		out[i].Done = true
	}
	return out, nil
}

// copyError is the reason a target's copy failed, for the summary: a
// use-case error's message, or for anything else the request id (logged).
func (a *App) copyError(actor *Actor, err error) string {
	if e, ok := AsError(err); ok {
		return e.Msg
	}
	a.log.Error("copying a scorecard", "request_id", actor.Client.RequestID, "err", err)
	return "Something went wrong on our side; nothing was copied here. Request id: " + actor.Client.RequestID
}

// SiteCopyChoices is what the Multi-Site Tools copy form offers: the
// children, and the scorecards of the source (this instance's the actor
// sees, or a child's).
type SiteCopyChoices struct {
	Children []ChildSummary
	Sources  []model.Scorecard
}

// SiteCopyForm loads the copy form's choices for a source: "" this
// instance, or a child's code.
func (a *App) SiteCopyForm(ctx context.Context, actor *Actor, from string) (SiteCopyChoices, error) {
	if err := requireMultiSite(actor); err != nil {
		return SiteCopyChoices{}, err
	}
	v, err := a.MultiSitePage(ctx, actor)
	if err != nil {
		return SiteCopyChoices{}, err
	}
	out := SiteCopyChoices{Children: v.Children}
	q := a.store.Q()
	if from == "" {
		vis, err := a.Visibility(ctx, actor)
		if err != nil {
			return out, err
		}
		out.Sources, err = q.ListScorecards(ctx, actor.Instance.ID, vis)
		return out, err
	}
	child, err := a.child(ctx, q, actor, from)
	if err != nil {
		return out, err
	}
	out.Sources, err = q.ListScorecards(ctx, child.ID, store.SeeAll)
	return out, err
}
