package app

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"

	"yardstick/internal/access"
	"yardstick/internal/model"
	"yardstick/internal/store"
)

// Visibility returns the filter of what the actor can see (SPEC §3.3),
// computed once per request.
func (a *App) Visibility(ctx context.Context, actor *Actor) (store.Visibility, error) {
	if actor.vis != nil {
		return *actor.vis, nil
	}
	var own, shared []int64
	switch {
	case actor.Can(access.ScorecardsAll):
	case actor.Membership.Assignments != nil: // read with the membership, or with the API key
		own, shared = actor.Membership.Assignments.Own, actor.Membership.Assignments.Shared
	case actor.KeyID != 0:
	default:
		var err error
		if own, shared, err = a.store.Q().MembershipAssignments(ctx, actor.Instance.ID, actor.Membership.ID); err != nil {
			return store.Visibility{}, err
		}
	}
	// A key created with assignments sees exactly them, even once none is
	// left (apikeys.go): it never widens to what its permissions reach.
	v := store.Visibility{Scope: access.ScopeOf(actor.Perms, len(own)+len(shared) > 0 || actor.keyAssigned), MembershipID: actor.Membership.ID,
		KeyID: actor.KeyID, InstanceID: actor.Instance.ID, SharedAssigned: shared}
	if len(own) <= store.AssignedListed {
		v.Assigned = own
	}
	actor.vis = &v
	return v, nil
}

// ScorecardInput is what the scorecard form offers.
type ScorecardInput struct {
	Title       string
	Description string
	ParentID    int64      // 0: top level
	ExtID       string     // the external id (ext:ID); "": none
	Members     Assignment // who gets the scorecard
	SetMembers  bool       // on edit: the form offered an assignment list; apply Members
	// The table's columns and depth (issue 28), applied when SetColumns:
	// a form or API call that does not send them keeps them.
	Columns     ColumnChoice
	ExpandDepth int // 1–4; 0: all levels
	SetColumns  bool
	columns     []string // Columns checked, in order
	// Accountability scores (issue 28, point 7), applied when SetScores:
	// shown on the scorecard and the list, and to partners too.
	ScoresOn, ScoresShared bool
	SetScores              bool
}

// Assignment is a scorecard's assignment list as a form offered it. Only
// the offered members' assignments change, so a list that leaves members
// out (inactive ones, those past PickerLimit) never drops theirs.
type Assignment struct {
	Offered []int64 // the members the list showed
	Chosen  []int64 // those ticked; a chosen member counts as offered
}

// apply is the assignment that results from before.
func (as Assignment) apply(before []int64) []int64 {
	offered := map[int64]bool{}
	for _, ids := range [][]int64{as.Offered, as.Chosen} {
		for _, id := range ids {
			offered[id] = true
		}
	}
	var kept []int64
	for _, id := range before {
		if !offered[id] {
			kept = append(kept, id)
		}
	}
	return uniq(append(kept, as.Chosen...))
}

func (in *ScorecardInput) validate() error {
	fields := map[string]string{}
	var msg string
	if in.Title, msg = cleanText(in.Title, "Title", 1, 200); msg != "" {
		fields["title"] = msg
	}
	if in.Description, msg = cleanMultiline(in.Description, "Description", 5000); msg != "" {
		fields["description"] = msg
	}
	if in.ExtID, msg = cleanExtID(in.ExtID); msg != "" {
		fields["ext_id"] = msg
	}
	if in.SetColumns {
		if in.columns, msg = checkColumns(in.Columns); msg != "" {
			fields["columns"] = msg
		}
		if in.ExpandDepth < 0 || in.ExpandDepth > 4 {
			fields["expand_depth"] = "Show 1 to 4 levels at first, or all."
		}
	}
	if len(fields) > 0 {
		return invalid("Please correct the highlighted fields.", fields)
	}
	return nil
}

// ListScorecards returns the scorecards the actor can access.
func (a *App) ListScorecards(ctx context.Context, actor *Actor) ([]model.Scorecard, error) {
	v, err := a.Visibility(ctx, actor)
	if err != nil {
		return nil, err
	}
	return a.store.Q().ListScorecards(ctx, actor.Instance.ID, v)
}

// Scorecard returns an accessible scorecard of the actor's instance, to
// change it; a partner's shared scorecard is Forbidden (read-only), any
// other NotFound. Reads use ViewScorecard.
func (a *App) Scorecard(ctx context.Context, actor *Actor, id int64) (model.Scorecard, error) {
	v, err := a.Visibility(ctx, actor)
	if err != nil {
		return model.Scorecard{}, err
	}
	return ownScorecard(ctx, a.store.Q(), actor, v, id)
}

// mapNotFound turns the store's ErrNotFound into the app's NotFound.
func mapNotFound(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return errNotFound()
	}
	return err
}

// CreateScorecard makes a scorecard (objects.edit). A creator who sees
// only assigned scorecards is assigned the new one, or it would vanish.
func (a *App) CreateScorecard(ctx context.Context, actor *Actor, in ScorecardInput) (model.Scorecard, error) {
	return a.createScorecard(ctx, actor, in, nil)
}

// createScorecard is CreateScorecard, kept as the first answer to an
// Idempotency-Key when once is not nil (CreateScorecardOnce).
func (a *App) createScorecard(ctx context.Context, actor *Actor, in ScorecardInput, once *onceRun[model.Scorecard]) (model.Scorecard, error) {
	if err := actor.Require(access.ObjectsEdit); err != nil {
		return model.Scorecard{}, err
	}
	if err := in.validate(); err != nil {
		return model.Scorecard{}, err
	}
	v, err := a.Visibility(ctx, actor)
	if err != nil {
		return model.Scorecard{}, err
	}
	s := model.Scorecard{InstanceID: actor.Instance.ID, Title: in.Title, Description: in.Description, ExtID: in.ExtID}
	err = a.store.InTx(ctx, func(q *store.Q) error {
		if err := once.claim(ctx, q); err != nil {
			return err
		}
		if in.ParentID != 0 {
			if _, err := q.ScorecardByID(ctx, actor.Instance.ID, in.ParentID, v); err != nil {
				return fieldErrorIf(err, "parent", actor.Words().Expand("Choose a parent {scorecard:lower} from the list."))
			}
			s.ParentID = &in.ParentID
		}
		members, err := a.checkMembers(ctx, q, actor, in.Members.Chosen)
		if err != nil {
			return err
		}
		if v.Scope == access.ScopeAssigned && actor.KeyID == 0 && !slices.Contains(members, actor.Membership.ID) {
			members = append(members, actor.Membership.ID)
		}
		if s, err = q.CreateScorecard(ctx, s); err != nil {
			return extTaken(err, actor, "scorecard")
		}
		if err := record(ctx, q, entry(actor, ActCreate, "scorecard", s.ID, s.Title)); err != nil {
			return err
		}
		if err := q.AssignScorecard(ctx, actor.Instance.ID, s.ID, members); err != nil {
			return err
		}
		if v.Scope == access.ScopeAssigned && actor.KeyID != 0 {
			// A key that sees its assigned scorecards gets the ones it
			// creates, as a member does.
			if err := q.AssignAPIKeyScorecard(ctx, actor.Instance.ID, actor.KeyID, s.ID); err != nil {
				return err
			}
		}
		return once.keep(ctx, q, s)
	})
	return s, err
}

// AssignScorecard changes which of the instance's members a scorecard is
// assigned to (users.manage): the assignment list on a partner's scorecard,
// which nobody here may edit otherwise (SPEC §3.3), and on the actor's own.
// The scorecard must be one the actor sees: another instance's that is not
// shared here is 404.
func (a *App) AssignScorecard(ctx context.Context, actor *Actor, id int64, as Assignment) error {
	s, err := a.ViewScorecard(ctx, actor, id)
	if err != nil {
		return err
	}
	if err := actor.Require(access.UsersManage); err != nil {
		return err
	}
	return a.store.InTx(ctx, func(q *store.Q) error {
		before, err := q.ScorecardMembershipIDs(ctx, actor.Instance.ID, id)
		if err != nil {
			return err
		}
		chosen, err := a.checkMembers(ctx, q, actor, as.Chosen)
		if err != nil {
			return err
		}
		members := Assignment{Offered: as.Offered, Chosen: chosen}.apply(before)
		add, remove := diffIDs(before, members)
		if err := q.ChangeScorecardMembers(ctx, actor.Instance.ID, id, add, remove); err != nil {
			return err
		}
		ch := changed("members", idList(before), idList(members))
		if len(ch) == 0 {
			return nil
		}
		return record(ctx, q, entry(actor, ActMembership, "scorecard", id, s.Title, ch...))
	})
}

// diffIDs is what turns the set from into the set to: the ids to add and
// those to remove.
func diffIDs(from, to []int64) (add, remove []int64) {
	in := func(ids []int64) map[int64]bool {
		m := make(map[int64]bool, len(ids))
		for _, id := range ids {
			m[id] = true
		}
		return m
	}
	inFrom, inTo := in(from), in(to)
	for _, id := range to {
		if !inFrom[id] {
			add = append(add, id)
		}
	}
	for _, id := range from {
		if !inTo[id] {
			remove = append(remove, id)
		}
	}
	return add, remove
}

// idList is ids in order, comma separated, for the log.
func idList(ids []int64) string {
	ids = uniq(ids)
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(parts, ", ")
}

// checkMembers refuses member ids that are not members of the instance.
func (a *App) checkMembers(ctx context.Context, q *store.Q, actor *Actor, ids []int64) ([]int64, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	if !actor.Can(access.UsersManage) && !actor.Can(access.ObjectsEdit) {
		return nil, forbidden(actor.Words().Expand("You cannot assign {scorecard:lowmany} to members."))
	}
	known, err := q.MembershipIDsIn(ctx, actor.Instance.ID, ids)
	if err != nil {
		return nil, err
	}
	if len(known) != len(uniq(ids)) {
		return nil, fieldError("members", "One of the chosen members does not exist in this instance.")
	}
	return known, nil
}

func uniq(ids []int64) []int64 {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}

// fieldErrorIf maps a not-found lookup of a chosen id to a field error.
func fieldErrorIf(err error, field, msg string) error {
	if errors.Is(err, store.ErrNotFound) {
		return fieldError(field, msg)
	}
	return err
}

// UpdateScorecard saves a scorecard edited from version (objects.edit).
// A parent that would make the scorecard its own ancestor is refused.
func (a *App) UpdateScorecard(ctx context.Context, actor *Actor, id, version int64, in ScorecardInput) error {
	if err := actor.Require(access.ObjectsEdit); err != nil {
		return err
	}
	s, err := a.Scorecard(ctx, actor, id)
	if err != nil {
		return err
	}
	if err := checkScorecardLock(actor, s, access.StructureLocked); err != nil {
		return err
	}
	if err := in.validate(); err != nil {
		return err
	}
	v, _ := a.Visibility(ctx, actor)
	before := s
	return a.store.InTx(ctx, func(q *store.Q) error {
		s.Title, s.Description, s.Version, s.ParentID, s.ExtID = in.Title, in.Description, version, nil, in.ExtID
		if in.SetColumns {
			s.Columns, s.ExpandDepth = in.columns, in.ExpandDepth
			if slices.Equal(s.Columns, DefaultColumns) {
				s.Columns = nil // the standard seven, whatever they become
			}
		}
		if in.SetScores {
			s.ScoresOn, s.ScoresShared = in.ScoresOn, in.ScoresOn && in.ScoresShared
		}
		if in.ParentID != 0 {
			if in.ParentID == id {
				return fieldError("parent", actor.Words().Expand("A {scorecard:lower} cannot be its own parent."))
			}
			if _, err := q.ScorecardByID(ctx, actor.Instance.ID, in.ParentID, v); err != nil {
				return fieldErrorIf(err, "parent", actor.Words().Expand("Choose a parent {scorecard:lower} from the list."))
			}
			up, err := q.ScorecardAncestors(ctx, actor.Instance.ID, in.ParentID)
			if err != nil {
				return err
			}
			if slices.Contains(up, id) {
				return fieldError("parent", actor.Words().Expand("That {scorecard:lower} sits under this one; choosing it as parent would make a loop."))
			}
			s.ParentID = &in.ParentID
		}
		err := extTaken(q.UpdateScorecard(ctx, s), actor, "scorecard")
		if errors.Is(err, store.ErrConflict) {
			return conflict(actor.Words().Expand("Someone else changed this {scorecard:lower} while you were editing. Reload it and make your change again."))
		}
		if err != nil {
			return err
		}
		ch := changed("title", before.Title, s.Title, "description", before.Description, s.Description,
			"parent", idText(before.ParentID), idText(s.ParentID), "external id", before.ExtID, s.ExtID,
			"columns", columnsText(before.Columns), columnsText(s.Columns),
			"levels shown", strconv.Itoa(before.ExpandDepth), strconv.Itoa(s.ExpandDepth),
			"accountability scores", onOff(before.ScoresOn), onOff(s.ScoresOn),
			"scores shared with partners", onOff(before.ScoresShared), onOff(s.ScoresShared))
		if in.SetMembers {
			was, err := q.ScorecardMembershipIDs(ctx, actor.Instance.ID, id)
			if err != nil {
				return err
			}
			chosen, err := a.checkMembers(ctx, q, actor, in.Members.Chosen)
			if err != nil {
				return err
			}
			members := Assignment{Offered: in.Members.Offered, Chosen: chosen}.apply(was)
			add, remove := diffIDs(was, members)
			if err := q.ChangeScorecardMembers(ctx, actor.Instance.ID, id, add, remove); err != nil {
				return err
			}
			ch = append(ch, changed("members", idList(was), idList(members))...)
		}
		return record(ctx, q, entry(actor, ActUpdate, "scorecard", s.ID, s.Title, ch...))
	})
}

// DeleteScorecard deletes a scorecard (objects.delete). Its containers
// and measures stay; they are only unlinked from it.
func (a *App) DeleteScorecard(ctx context.Context, actor *Actor, id int64) error {
	return a.DeleteScorecardAt(ctx, actor, id, 0)
}

// DeleteScorecardAt is DeleteScorecard of the scorecard at version (the
// API's If-Match; 0: whatever its version). A scorecard changed since is
// a Conflict.
func (a *App) DeleteScorecardAt(ctx context.Context, actor *Actor, id, version int64) error {
	s, err := a.Scorecard(ctx, actor, id)
	if err != nil {
		return err
	}
	if err := actor.Require(access.ObjectsDelete); err != nil {
		return err
	}
	if err := checkScorecardLock(actor, s, access.StructureLocked); err != nil {
		return err
	}
	return a.store.InTx(ctx, func(q *store.Q) error {
		if err := q.DeleteScorecard(ctx, actor.Instance.ID, id, version); err != nil {
			return staleOrMissing(err, "this scorecard")
		}
		return record(ctx, q, entry(actor, ActDelete, "scorecard", id, s.Title))
	})
}

func idText(p *int64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatInt(*p, 10)
}

// cleanMultiline checks a multi-line text: length and valid UTF-8; line
// breaks and tabs are allowed, other control characters are not.
func cleanMultiline(s, label string, max int) (string, string) {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	if len([]rune(s)) > max {
		return s, label + " is too long (at most " + itoa(max) + " characters)."
	}
	for _, r := range s {
		if r < 0x20 && r != '\n' && r != '\t' {
			return s, label + " contains characters that are not allowed."
		}
	}
	return s, ""
}
