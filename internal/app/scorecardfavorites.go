package app

import (
	"context"
	"slices"
	"strings"
	"unicode/utf8"

	"yardstick/internal/model"
	"yardstick/internal/textcheck"
)

// Favourite scorecards (issue 28, point 6): a member stars scorecards it
// can open, own or a partner's; the dashboard and the Scorecards list show
// them first, and the header's switcher jumps to them. A favourite is the
// member's own: starring needs no permission beyond seeing the scorecard,
// and a scorecard that is no longer visible (unassigned, share ended) is
// simply not listed.

// StarScorecard adds (on) or removes a scorecard from the actor's
// favourites.
func (a *App) StarScorecard(ctx context.Context, actor *Actor, id int64, on bool) error {
	s, _, err := a.openScorecard(ctx, actor, id)
	if err != nil {
		return err
	}
	if actor.Membership.ID == 0 {
		return forbidden("Only a member has favourites.")
	}
	return a.store.Q().SetScorecardFavorite(ctx, actor.Instance.ID, actor.Membership.ID, s.InstanceID, s.ID, on)
}

// favoriteScorecardIDs is the actor's starred scorecards by owner; none
// for an actor without a membership (an API key).
func (a *App) favoriteScorecardIDs(ctx context.Context, actor *Actor) (map[int64][]int64, error) {
	if actor.Membership.ID == 0 {
		return nil, nil
	}
	return a.store.Q().ScorecardFavorites(ctx, actor.Instance.ID, actor.Membership.ID)
}

// isFavorite reports whether the scorecard id of owner is starred.
func isFavorite(favs map[int64][]int64, owner, id int64) bool {
	return slices.Contains(favs[owner], id)
}

// FavoriteScorecards lists the actor's starred scorecards it can still
// open, own first, then each partner's, by title: one read of the ids,
// one of the own scorecards and one per partner starred from.
func (a *App) FavoriteScorecards(ctx context.Context, actor *Actor) ([]model.Scorecard, error) {
	favs, err := a.favoriteScorecardIDs(ctx, actor)
	if err != nil || len(favs) == 0 {
		return nil, err
	}
	v, err := a.Visibility(ctx, actor)
	if err != nil {
		return nil, err
	}
	q := a.store.Q()
	var out []model.Scorecard
	if ids := favs[actor.Instance.ID]; len(ids) > 0 {
		if out, err = q.ScorecardsByIDs(ctx, actor.Instance.ID, ids, v); err != nil {
			return nil, err
		}
	}
	owners, err := actor.sharingOwners(ctx, q)
	if err != nil {
		return nil, err
	}
	for _, owner := range owners {
		if len(favs[owner]) == 0 {
			continue
		}
		shared, err := q.ListSharedScorecards(ctx, []int64{owner}, v)
		if err != nil {
			return nil, err
		}
		for _, s := range shared {
			if isFavorite(favs, owner, s.ID) {
				out = append(out, s)
			}
		}
	}
	return out, nil
}

// maxJump bounds the scorecards the switcher's search reads.
const maxJump = 50

// JumpScorecards finds the scorecards the actor can open, own and
// partners', whose title holds text (any case), favourites first, at most
// maxJump: the header's switcher goes straight to a single match and
// lists several.
func (a *App) JumpScorecards(ctx context.Context, actor *Actor, text string) ([]ScorecardNode, error) {
	text = strings.TrimSpace(text)
	if utf8.RuneCountInString(text) > 200 || !textcheck.IsText(text) {
		return nil, fieldError("q", "Search with at most 200 characters of text.")
	}
	favs, err := a.favoriteScorecardIDs(ctx, actor)
	if err != nil {
		return nil, err
	}
	sites, err := a.Sites(ctx, actor)
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	ids := []int64{actor.Instance.ID}
	for _, in := range sites {
		names[in.ID] = in.Label()
		ids = append(ids, in.ID)
	}
	list, err := a.ListScorecardsAt(ctx, actor, ids)
	if err != nil {
		return nil, err
	}
	needle := strings.ToLower(text)
	var starred, rest []ScorecardNode
	for _, s := range list {
		if needle != "" && !strings.Contains(strings.ToLower(s.Title), needle) {
			continue
		}
		n := ScorecardNode{Scorecard: s, Site: names[s.InstanceID]}
		if isFavorite(favs, s.InstanceID, s.ID) {
			starred = append(starred, n)
		} else {
			rest = append(rest, n)
		}
	}
	out := append(starred, rest...)
	if len(out) > maxJump {
		out = out[:maxJump]
	}
	return out, nil
}
