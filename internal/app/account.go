package app

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"yardstick/internal/access"
	"yardstick/internal/calc"
	"yardstick/internal/model"
	"yardstick/internal/store"
)

// UpdateProfile changes the signed-in account's own name and time zone.
func (a *App) UpdateProfile(ctx context.Context, s Session, name, timeZone string) error {
	fields := map[string]string{}
	name, msg := cleanText(name, "Name", 1, 120)
	if msg != "" {
		fields["name"] = msg
	}
	// "" follows the time zone of the instance a page is in.
	if timeZone != "" && !ValidZone(timeZone) {
		fields["time_zone"] = "Choose a time zone from the list."
	}
	if len(fields) > 0 {
		return invalid("Please correct the highlighted fields.", fields)
	}
	return a.store.InTx(ctx, func(q *store.Q) error {
		if err := q.UpdateAccountProfile(ctx, s.Account.ID, name, timeZone); err != nil {
			return err
		}
		return q.UpdateAccountName(ctx, s.Account.ID, name)
	})
}

// Preferences is a member's own notification settings.
type Preferences struct {
	DigestWeekly, DigestMonthly, ActionEmails bool
	RemoveFavorites                           []int64
}

// SavePreferences saves the actor's own notification settings and removes
// favourites; it needs no permission beyond membership.
func (a *App) SavePreferences(ctx context.Context, actor *Actor, p Preferences) error {
	return a.store.InTx(ctx, func(q *store.Q) error {
		m, err := q.MembershipByID(ctx, actor.Instance.ID, actor.Membership.ID)
		if err != nil {
			return err
		}
		m.DigestWeekly, m.DigestMonthly, m.ActionEmails = p.DigestWeekly, p.DigestMonthly, p.ActionEmails
		if err := q.UpdateMembership(ctx, m); err != nil {
			return conflictMsg(err, "your preferences")
		}
		for _, id := range p.RemoveFavorites {
			if err := q.SetFavorite(ctx, actor.Instance.ID, m.ID, id, false); err != nil {
				return err
			}
		}
		return nil
	})
}

// Star adds or removes a visible measure from the actor's favourites.
func (a *App) Star(ctx context.Context, actor *Actor, measureID int64, on bool) error {
	m, err := a.ViewObject(ctx, actor, measureID)
	if err != nil {
		return err
	}
	if m.Kind != model.KindMeasure {
		return errNotFound()
	}
	// A measure a partner shares may be starred too: the favourite is the
	// viewer's own and lists while the share lasts.
	return a.store.Q().SetFavorite(ctx, actor.Instance.ID, actor.Membership.ID, measureID, on)
}

// IsFavorite reports whether a measure is one of the actor's favourites.
func (a *App) IsFavorite(ctx context.Context, actor *Actor, measureID int64) (bool, error) {
	return a.store.Q().IsFavorite(ctx, actor.Instance.ID, actor.Membership.ID, measureID)
}

// Favorite is a favourite measure with its latest value.
type Favorite struct {
	Measure model.Object
	Summary calc.Summary
	Site    string // the partner that shares it, "Name (CODE)"; "" for the own instance
}

// Favorites lists the actor's favourite measures it can still see, own and
// partners', with latest value and colour. A partner's measure is read with
// its owner's data, frequencies and bands. Three queries per instance the
// favourites come from, and one for partner names, whatever their number.
func (a *App) Favorites(ctx context.Context, actor *Actor) ([]Favorite, error) {
	v, err := a.Visibility(ctx, actor)
	if err != nil {
		return nil, err
	}
	q := a.store.Q()
	sharing, err := actor.sharingOwners(ctx, q)
	if err != nil {
		return nil, err
	}
	objs, err := q.Favorites(ctx, actor.Instance.ID, actor.Membership.ID, sharing, v)
	if err != nil || len(objs) == 0 {
		return nil, err
	}
	byOwner := map[int64][]int64{}
	for _, o := range objs {
		byOwner[o.InstanceID] = append(byOwner[o.InstanceID], o.ID)
	}
	type owner struct {
		values map[int64][]model.DataValue
		freqs  map[int64]model.Frequency
		bands  map[string]model.BandSetting
	}
	owners := map[int64]owner{}
	for in, ids := range byOwner {
		values, err := q.ValuesOf(ctx, in, ids)
		if err != nil {
			return nil, err
		}
		freqs, err := q.ListFrequencies(ctx, in)
		if err != nil {
			return nil, err
		}
		bands, err := q.Bands(ctx, in)
		if err != nil {
			return nil, err
		}
		ow := owner{values: values, freqs: map[int64]model.Frequency{}, bands: bands}
		for _, f := range freqs {
			ow.freqs[f.ID] = f
		}
		owners[in] = ow
	}
	sites := map[int64]string{}
	if len(byOwner) > 1 || byOwner[actor.Instance.ID] == nil {
		partners, err := q.Sites(ctx, actor.Instance.ID)
		if err != nil {
			return nil, err
		}
		for _, p := range partners {
			sites[p.ID] = p.Label()
		}
	}
	out := make([]Favorite, 0, len(objs))
	for _, o := range objs {
		ow := owners[o.InstanceID]
		pts := Points(ow.freqs, o, ow.values[o.ID])
		out = append(out, Favorite{Measure: o, Site: sites[o.InstanceID],
			Summary: calc.Summarize(pts, o.BaselineKey, calc.Polarity(o.Polarity), MeasureBands(o, ow.bands))})
	}
	return out, nil
}

// PickerLimit is how many active members an assignment list offers by
// name; members past it are assigned from their Edit User page.
const PickerLimit = 500

// AssignmentList is what a scorecard's assignment list offers: the first
// PickerLimit active members by name and everyone the scorecard is
// assigned to, active or not, in name order.
type AssignmentList struct {
	Members  []model.Membership
	Assigned []int64 // ids, ascending
	More     bool    // active members past PickerLimit were left out
}

// AssignmentList loads the assignment list of scorecard id (0: a new
// scorecard) for an actor who may assign (users.manage or objects.edit);
// others get an empty list. The scorecard must be one the actor sees.
func (a *App) AssignmentList(ctx context.Context, actor *Actor, id int64) (AssignmentList, error) {
	if !actor.Can(access.UsersManage) && !actor.Can(access.ObjectsEdit) {
		return AssignmentList{}, nil
	}
	q := a.store.Q()
	page, err := q.ListMembers(ctx, actor.Instance.ID, store.MemberFilter{Sort: "name", HideInactive: true, Limit: PickerLimit})
	if err != nil {
		return AssignmentList{}, err
	}
	l := AssignmentList{Members: page.Members, More: page.Next != ""}
	if id == 0 {
		return l, nil
	}
	if _, err := a.ViewScorecard(ctx, actor, id); err != nil {
		return AssignmentList{}, err
	}
	assignees, err := q.ScorecardAssignees(ctx, actor.Instance.ID, id)
	if err != nil {
		return AssignmentList{}, err
	}
	listed := map[int64]bool{}
	for _, m := range l.Members {
		listed[m.ID] = true
	}
	for _, m := range assignees {
		l.Assigned = append(l.Assigned, m.ID)
		if !listed[m.ID] {
			l.Members = append(l.Members, m)
		}
	}
	slices.Sort(l.Assigned)
	if len(l.Members) > len(page.Members) {
		slices.SortStableFunc(l.Members, func(x, y model.Membership) int {
			if c := strings.Compare(strings.ToLower(x.Name), strings.ToLower(y.Name)); c != 0 {
				return c
			}
			return cmp.Compare(x.ID, y.ID)
		})
	}
	return l, nil
}
