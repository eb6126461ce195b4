package app

import (
	"context"
	"errors"

	"yardstick/internal/access"
	"yardstick/internal/model"
	"yardstick/internal/store"
	"yardstick/internal/terms"
)

// The one door for reading scorecards and objects, the actor's own
// instance's and those a partner shares with it (SPEC §3.3, §3.4, §12).
// Every read returns with the content what the actor may do with it
// (access.Can), so no transport re-derives a permission; the write paths
// ask the same function before they change anything.

// Standing is what a page needs to know about whose content it shows:
// what the viewer may do with it and, for a partner's, the partner.
type Standing struct {
	Can  access.Can
	Site string // the owning partner, "Name (CODE)"; "" for own content
}

// Partner reports whether the content belongs to a partner organization.
func (s Standing) Partner() bool { return s.Site != "" }

// Partner reports whether content belongs to another instance than the
// actor's.
func (actor *Actor) Partner(instanceID int64) bool { return instanceID != actor.Instance.ID }

// canOn asks internal/access what the actor may do with visible content
// of the given reach.
func canOn(actor *Actor, v store.Visibility, reach access.Reach) access.Can {
	return access.CanOn(actor.Perms, v.Scope, access.Target{Reach: reach, Accessible: true})
}

// openScorecard returns a scorecard the actor can open, its own
// instance's or one a partner shares, with what the actor may do with it.
func (a *App) openScorecard(ctx context.Context, actor *Actor, id int64) (model.Scorecard, access.Can, error) {
	v, err := a.Visibility(ctx, actor)
	if err != nil {
		return model.Scorecard{}, access.Can{}, err
	}
	q := a.store.Q()
	reach := access.Own
	s, err := q.ScorecardByID(ctx, actor.Instance.ID, id, v)
	if errors.Is(err, store.ErrNotFound) {
		reach = access.Shared
		var owners []int64
		if owners, err = actor.sharingOwners(ctx, q); err == nil {
			s, err = q.SharedScorecardByID(ctx, owners, id, v)
		}
	}
	if err != nil {
		return s, access.Can{}, mapNotFound(err)
	}
	return s, canOn(actor, v, reach).Locked(access.LockOf(s.LockMode)), nil
}

// openObject returns a container or measure the actor can see, with
// what the actor may do with it. A partner's measure is shared for data
// when it sits under a scorecard shared with the actor's instance for
// data entry, within the actor's scope; that is asked only of a member
// who enters data at all.
func (a *App) openObject(ctx context.Context, actor *Actor, id int64) (model.Object, access.Can, error) {
	o, can, open, _, err := a.openObjectLocks(ctx, actor, id)
	return o, can.Locked(open), err
}

// openObjectLocks is openObject with the object's lock apart: what the
// actor could do were it unlocked, the most open lock of the scorecards it
// sits under, and those that are locked. The locks are read only for an
// actor who could change something.
func (a *App) openObjectLocks(ctx context.Context, actor *Actor, id int64) (model.Object, access.Can, access.Lock, []model.Scorecard, error) {
	o, can, err := a.viewObject(ctx, actor, id)
	if err != nil || !(can.Edit || can.Delete || can.EnterData || can.EditGraph || can.EditNotes || can.Comment) {
		return o, can, access.Unlocked, nil, err
	}
	open, _, locked, err := a.objectLocks(ctx, a.store.Q(), o.InstanceID, o.ID)
	return o, can, open, locked, err
}

// viewObject is openObject without the locks, for reads.
func (a *App) viewObject(ctx context.Context, actor *Actor, id int64) (model.Object, access.Can, error) {
	v, err := a.Visibility(ctx, actor)
	if err != nil {
		return model.Object{}, access.Can{}, err
	}
	q := a.store.Q()
	reach := access.Own
	o, err := q.ObjectByID(ctx, actor.Instance.ID, id, v)
	if errors.Is(err, store.ErrNotFound) {
		reach = access.Shared
		var owners []int64
		if owners, err = actor.sharingOwners(ctx, q); err == nil {
			o, err = q.SharedObjectByID(ctx, owners, id, v)
		}
		if err == nil && o.Kind == model.KindMeasure && actor.Can(access.DataEnter) {
			var contribute bool
			if contribute, err = q.ContributeShare(ctx, o.InstanceID, o.ID, v); contribute {
				reach = access.SharedForData
			}
		}
	}
	if err != nil {
		return o, access.Can{}, mapNotFound(err)
	}
	return o, canOn(actor, v, reach), nil
}

// ViewScorecard returns a scorecard the actor can open: its own
// instance's by SPEC §3.3, or one a partner shares with it.
func (a *App) ViewScorecard(ctx context.Context, actor *Actor, id int64) (model.Scorecard, error) {
	s, _, err := a.openScorecard(ctx, actor, id)
	return s, err
}

// ViewObject returns a container or measure the actor can see: its own
// instance's, or one under a scorecard a partner shares with it.
func (a *App) ViewObject(ctx context.Context, actor *Actor, id int64) (model.Object, error) {
	o, _, err := a.viewObject(ctx, actor, id)
	return o, err
}

// standing names the partner of partner content for its page.
func (a *App) standing(ctx context.Context, actor *Actor, owner int64, can access.Can) (Standing, error) {
	st := Standing{Can: can}
	if !actor.Partner(owner) {
		return st, nil
	}
	in, err := a.store.Q().Site(ctx, actor.Instance.ID, owner)
	switch {
	case errors.Is(err, store.ErrNotFound): // the channel closed a moment ago
		st.Site = actor.Words().Expand("a {partner:lower} organization")
	case err != nil:
		return st, err
	default:
		st.Site = in.Label()
	}
	return st, nil
}

// readOnly is the refusal of a write to visible partner content.
func readOnly(actor *Actor, what string) error {
	return errForbidden("%s belongs to a %s organization and is read-only here.", what, actor.Words().LowOne(terms.Partner))
}

// ownObject looks up an object of the actor's instance, to change it or
// to place something under it. A partner's object the actor can see is
// Forbidden (read-only, SPEC §3.4); any other miss is NotFound.
func ownObject(ctx context.Context, q *store.Q, actor *Actor, v store.Visibility, id int64) (model.Object, error) {
	o, err := q.ObjectByID(ctx, actor.Instance.ID, id, v)
	if errors.Is(err, store.ErrNotFound) {
		owners, perr := actor.sharingOwners(ctx, q)
		if perr != nil {
			return o, perr
		}
		p, perr := q.SharedObjectByID(ctx, owners, id, v)
		if perr == nil {
			return o, readOnly(actor, "“"+p.Title+"”")
		} else if !errors.Is(perr, store.ErrNotFound) {
			return o, perr
		}
	}
	return o, mapNotFound(err)
}

// ownScorecard is ownObject for scorecards.
func ownScorecard(ctx context.Context, q *store.Q, actor *Actor, v store.Visibility, id int64) (model.Scorecard, error) {
	s, err := q.ScorecardByID(ctx, actor.Instance.ID, id, v)
	if errors.Is(err, store.ErrNotFound) {
		owners, perr := actor.sharingOwners(ctx, q)
		if perr != nil {
			return s, perr
		}
		p, perr := q.SharedScorecardByID(ctx, owners, id, v)
		if perr == nil {
			return s, readOnly(actor, "“"+p.Title+"”")
		} else if !errors.Is(perr, store.ErrNotFound) {
			return s, perr
		}
	}
	return s, mapNotFound(err)
}

// dataTarget opens a measure to save data on (SaveData, PasteColumn):
// refused without Data Entry, and on a partner's measure unless the
// actor's instance contributes to it.
func (a *App) dataTarget(ctx context.Context, actor *Actor, id int64) (model.Object, error) {
	m, can, open, locked, err := a.openObjectLocks(ctx, actor, id)
	if err != nil {
		return m, err
	}
	if m.Kind != model.KindMeasure {
		return m, errNotFound()
	}
	if err := actor.Require(access.DataEnter); err != nil {
		return m, err
	}
	if !can.EnterData {
		return m, readOnly(actor, "“"+m.Title+"”")
	}
	if open >= access.DataLocked {
		return m, lockedError(actor, "“"+m.Title+"”", locked)
	}
	return m, nil
}

// Sites lists the partner instances that share with the actor's
// instance, for the Scorecards list's Sites filter.
func (a *App) Sites(ctx context.Context, actor *Actor) ([]model.Instance, error) {
	return a.store.Q().Sites(ctx, actor.Instance.ID)
}

// ListScorecardsAt lists the accessible scorecards of the chosen sites:
// this instance (its own ID) and partner instances sharing with it.
func (a *App) ListScorecardsAt(ctx context.Context, actor *Actor, sites []int64) ([]model.Scorecard, error) {
	list, _, err := a.listScorecardsAt(ctx, actor, sites)
	return list, err
}

// listScorecardsAt is ListScorecardsAt with the kept score counts of the
// own instance's scorecards, read in the list's own query (scores.go).
func (a *App) listScorecardsAt(ctx context.Context, actor *Actor, sites []int64) ([]model.Scorecard, map[int64]store.ScoreCounts, error) {
	var out []model.Scorecard
	var kept map[int64]store.ScoreCounts
	var partners []int64
	v, err := a.Visibility(ctx, actor)
	if err != nil {
		return nil, nil, err
	}
	for _, id := range uniq(sites) {
		if id == actor.Instance.ID {
			var own []model.Scorecard
			own, kept, err = a.store.Q().ListScorecardsKept(ctx, actor.Instance.ID, v, a.Now())
			if err != nil {
				return nil, nil, err
			}
			out = append(out, own...)
		} else {
			partners = append(partners, id)
		}
	}
	if len(partners) == 0 {
		return out, kept, nil
	}
	shared, err := a.store.Q().ListSharedScorecards(ctx, partners, v)
	return append(out, shared...), kept, err
}

// ScorecardNode is a scorecard in the list's tree.
type ScorecardNode struct {
	Scorecard model.Scorecard
	Depth     int
	Site      string  // the partner that shares it; "" for the own instance
	Scores    *Scores // its accountability scores when the viewer sees them
}

// ScorecardListView is what the Scorecards list shows.
type ScorecardListView struct {
	Favorites []ScorecardNode // the viewer's starred scorecards among Nodes, first
	Nodes     []ScorecardNode
	Own       model.Instance
	Sites     []model.Instance // partners that share with the actor's instance
	Chosen    map[int64]bool   // the sites shown
	Can       access.Can       // what the actor may do with the instance's own scorecards
}

// ScorecardList shows the accessible scorecards of the chosen sites: this
// instance when none is chosen, and partners that share with it. An id
// that is not one of those sites is ignored, never looked up. Each site's
// scorecards form their own tree, own site first.
func (a *App) ScorecardList(ctx context.Context, actor *Actor, sites []int64) (ScorecardListView, error) {
	view := ScorecardListView{Own: actor.Instance, Chosen: map[int64]bool{}}
	var err error
	if view.Sites, err = a.Sites(ctx, actor); err != nil {
		return view, err
	}
	names := map[int64]string{actor.Instance.ID: ""}
	for _, in := range view.Sites {
		names[in.ID] = in.Label()
	}
	var ids []int64
	for _, id := range sites {
		if _, ok := names[id]; ok && !view.Chosen[id] {
			view.Chosen[id] = true
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		view.Chosen[actor.Instance.ID] = true
		ids = []int64{actor.Instance.ID}
	}
	list, kept, err := a.listScorecardsAt(ctx, actor, ids)
	if err != nil {
		return view, err
	}
	bySite := map[int64][]model.Scorecard{}
	for _, sc := range list {
		bySite[sc.InstanceID] = append(bySite[sc.InstanceID], sc)
	}
	favs, err := a.favoriteScorecardIDs(ctx, actor)
	if err != nil {
		return view, err
	}
	for _, id := range ids {
		for _, n := range scorecardTree(bySite[id]) {
			n.Site = names[id]
			view.Nodes = append(view.Nodes, n)
			if isFavorite(favs, n.Scorecard.InstanceID, n.Scorecard.ID) {
				view.Favorites = append(view.Favorites, ScorecardNode{Scorecard: n.Scorecard, Site: n.Site})
			}
		}
	}
	v, err := a.Visibility(ctx, actor)
	if err != nil {
		return view, err
	}
	view.Can = canOn(actor, v, access.Own)
	// Every listed scorecard's scores: a fixed number of queries per site.
	zones := map[int64]string{actor.Instance.ID: actor.Instance.TimeZone}
	for _, in := range view.Sites {
		zones[in.ID] = in.TimeZone
	}
	scored := map[int64][]int64{}
	for _, n := range view.Nodes {
		if showsScores(actor, n.Scorecard) {
			scored[n.Scorecard.InstanceID] = append(scored[n.Scorecard.InstanceID], n.Scorecard.ID)
		}
	}
	for _, owner := range ids {
		if len(scored[owner]) == 0 {
			continue
		}
		scores, err := a.scoresOf(ctx, owner, zones[owner], scored[owner], v, kept)
		if err != nil {
			return view, err
		}
		for i, n := range view.Nodes {
			if s, ok := scores[n.Scorecard.ID]; ok && n.Scorecard.InstanceID == owner {
				view.Nodes[i].Scores = &s
			}
		}
	}
	return view, nil
}

// scorecardTree orders scorecards as a tree; one whose parent the viewer
// cannot see is shown at the top level.
func scorecardTree(list []model.Scorecard) []ScorecardNode {
	visible := map[int64]bool{}
	for _, sc := range list {
		visible[sc.ID] = true
	}
	children := map[int64][]model.Scorecard{}
	for _, sc := range list {
		parent := int64(0)
		if sc.ParentID != nil && visible[*sc.ParentID] {
			parent = *sc.ParentID
		}
		children[parent] = append(children[parent], sc)
	}
	var out []ScorecardNode
	var walk func(parent int64, depth int)
	walk = func(parent int64, depth int) {
		for _, sc := range children[parent] {
			out = append(out, ScorecardNode{Scorecard: sc, Depth: depth})
			walk(sc.ID, depth+1)
		}
	}
	walk(0, 0)
	return out
}
