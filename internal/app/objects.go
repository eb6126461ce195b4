package app

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"yardstick/internal/access"
	"yardstick/internal/model"
	"yardstick/internal/store"
	"yardstick/internal/terms"
)

// ObjectInput is what the container and measure forms offer. Numbers
// arrive as text so a bad one gets a message rather than a zero.
type ObjectInput struct {
	Kind        string
	TypeID      int64
	Title       string
	Description string
	Tags        string // comma-separated; the first is primary
	ExtID       string // the external id (ext:ID); "": none

	Unit        string
	UnitBefore  bool
	Decimals    string
	Polarity    string
	FrequencyID int64
	PMCategory  string
	DataSource  string
	BandGreen   string // empty: the global default of the polarity
	BandYellow  string
}

// Polarities and performance-measure categories (SPEC §5).
var (
	Polarities   = []string{"higher", "lower", "range", "none"}
	PMCategories = []string{"", "how_much", "how_well", "better_off"}
)

const maxTags = 5

// ParseTags splits a comma-separated tag list, trims, drops empties and
// repeats (any case), and checks count and length.
func ParseTags(s string, w *terms.Set) ([]string, string) {
	var out []string
	seen := map[string]bool{}
	for _, t := range strings.Split(s, ",") {
		t, msg := cleanText(t, w.Expand("A {tag:lower}"), 0, 40)
		if msg != "" {
			return nil, msg
		}
		if t == "" || seen[strings.ToLower(t)] {
			continue
		}
		seen[strings.ToLower(t)] = true
		out = append(out, t)
	}
	if len(out) > maxTags {
		return nil, w.Expand("Use at most 5 {tag:lowmany}.")
	}
	return out, ""
}

// apply validates the input onto o (a new object or a loaded one).
func (in ObjectInput) apply(ctx context.Context, q *store.Q, actor *Actor, o *model.Object) error {
	instanceID := actor.Instance.ID
	fields := map[string]string{}
	var msg string
	if o.Title, msg = cleanText(in.Title, "Title", 1, 200); msg != "" {
		fields["title"] = msg
	}
	if o.Description, msg = cleanMultiline(in.Description, "Description", 5000); msg != "" {
		fields["description"] = msg
	}
	if o.Tags, msg = ParseTags(in.Tags, actor.Words()); msg != "" {
		fields["tags"] = msg
	}
	if o.ExtID, msg = cleanExtID(in.ExtID); msg != "" {
		fields["ext_id"] = msg
	}
	t, err := q.ObjectType(ctx, instanceID, in.TypeID)
	if err != nil || t.Kind != o.Kind {
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		fields["type"] = "Choose a type from the list."
	}
	// The type's name, badge and colour go with the object, so what a
	// create returns is whole without reading it back.
	o.TypeID, o.TypeName, o.TypeBadge, o.TypeColor = in.TypeID, t.Name, t.Badge, t.Color
	if o.Kind == model.KindMeasure {
		if o.Unit, msg = cleanText(in.Unit, "Unit", 0, 20); msg != "" {
			fields["unit"] = msg
		}
		o.UnitBefore = in.UnitBefore
		d, err := strconv.Atoi(strings.TrimSpace(in.Decimals))
		if err != nil || d < 0 || d > 6 {
			fields["decimals"] = "Decimals must be a whole number from 0 to 6."
		}
		o.Decimals = d
		if !contains(Polarities, in.Polarity) {
			fields["polarity"] = "Choose a polarity from the list."
		}
		o.Polarity = in.Polarity
		if !contains(PMCategories, in.PMCategory) {
			fields["pm_category"] = "Choose a category from the list."
		}
		o.PMCategory = in.PMCategory
		if o.DataSource, msg = cleanText(in.DataSource, "Data source", 0, 300); msg != "" {
			fields["data_source"] = msg
		}
		if _, err := q.FrequencyByID(ctx, instanceID, in.FrequencyID); err != nil {
			if !errors.Is(err, store.ErrNotFound) {
				return err
			}
			fields["frequency"] = "Choose a reporting frequency from the list."
		} else if o.FrequencyID != nil && *o.FrequencyID != in.FrequencyID && o.ID != 0 {
			// Data is keyed by the frequency's periods; changing it would
			// orphan every value.
			if vals, err := q.DataValues(ctx, instanceID, o.ID); err != nil {
				return err
			} else if len(vals) > 0 {
				fields["frequency"] = actor.Words().Expand("This {measure:lower} has data; its reporting frequency can no longer change.")
			}
		}
		o.FrequencyID = &in.FrequencyID
		g, y, msg := parseBands(in.BandGreen, in.BandYellow, in.Polarity, actor.Words())
		if msg != "" {
			fields["bands"] = msg
		}
		if g != nil {
			o.BandGreen, o.BandYellow = g, y
		}
	}
	if len(fields) > 0 {
		return invalid("Please correct the highlighted fields.", fields)
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Placement says where a new object goes: on a scorecard or under a
// container. Without either, the object is unlinked (scorecards.all only,
// since nobody else could see it).
type Placement struct {
	ScorecardID int64
	ParentID    int64
}

// CreateObject makes a container or measure (objects.edit) and links it.
func (a *App) CreateObject(ctx context.Context, actor *Actor, in ObjectInput, at Placement) (model.Object, error) {
	return a.createObject(ctx, actor, in, at, nil)
}

// createObject is CreateObject, kept as the first answer to an
// Idempotency-Key when once is not nil (CreateObjectOnce).
func (a *App) createObject(ctx context.Context, actor *Actor, in ObjectInput, at Placement, once *onceRun[model.Object]) (model.Object, error) {
	if err := actor.Require(access.ObjectsEdit); err != nil {
		return model.Object{}, err
	}
	if in.Kind != model.KindContainer && in.Kind != model.KindMeasure {
		return model.Object{}, invalid("Unknown kind of object.", nil)
	}
	if at.ScorecardID == 0 && at.ParentID == 0 && !actor.Can(access.ScorecardsAll) {
		return model.Object{}, invalid(actor.Words().Expand("Add the object to a {scorecard:lower} or under a {container:lower} you can see."), nil)
	}
	v, err := a.Visibility(ctx, actor)
	if err != nil {
		return model.Object{}, err
	}
	o := model.Object{InstanceID: actor.Instance.ID, Kind: in.Kind, GraphType: "line", GraphTargets: true, GraphPeriods: 12}
	err = a.store.InTx(ctx, func(q *store.Q) error {
		if err := once.claim(ctx, q); err != nil {
			return err
		}
		if err := in.apply(ctx, q, actor, &o); err != nil {
			return err
		}
		if o.Kind == model.KindMeasure && o.BandGreen == nil {
			// A measure starts with the instance's current defaults;
			// changing the defaults later affects only newer measures.
			bands, err := q.Bands(ctx, actor.Instance.ID)
			if err != nil {
				return err
			}
			if b, ok := bands[o.Polarity]; ok {
				o.BandGreen, o.BandYellow = &b.Green, &b.Yellow
			}
		}
		if err := a.checkPlacement(ctx, q, actor, v, in.Kind, at); err != nil {
			return err
		}
		var err error
		if o, err = q.CreateObject(ctx, o); err != nil {
			return extTaken(err, actor, "object")
		}
		if err := record(ctx, q, entry(actor, ActCreate, o.Kind, o.ID, o.Title)); err != nil {
			return err
		}
		if at.ScorecardID != 0 {
			if err := q.LinkToScorecard(ctx, actor.Instance.ID, at.ScorecardID, o.ID); err != nil {
				return err
			}
		}
		if at.ParentID != 0 {
			if err := q.LinkToObject(ctx, actor.Instance.ID, at.ParentID, o.ID); err != nil {
				return err
			}
		}
		return once.keep(ctx, q, o)
	})
	return o, err
}

// checkPlacement refuses a parent the actor cannot see or that cannot
// hold the kind: scorecards hold containers; containers hold both;
// measures hold nothing.
func (a *App) checkPlacement(ctx context.Context, q *store.Q, actor *Actor, v store.Visibility, kind string, at Placement) error {
	if at.ScorecardID != 0 {
		s, err := ownScorecard(ctx, q, actor, v, at.ScorecardID)
		if err != nil {
			return err
		}
		if err := checkScorecardLock(actor, s, access.StructureLocked); err != nil {
			return err
		}
		if kind != model.KindContainer {
			return invalid(actor.Words().Expand("Put {measure:lowmany} under a {result:lower} or {program:lower}, not directly on the {scorecard:lower}."), nil)
		}
	}
	if at.ParentID != 0 {
		p, err := ownObject(ctx, q, actor, v, at.ParentID)
		if err != nil {
			return err
		}
		if p.Kind != model.KindContainer {
			return invalid(actor.Words().Expand("Only {result:lowmany} and {program:lowmany} can hold other objects."), nil)
		}
		if err := a.checkObjectLock(ctx, q, actor, p, access.StructureLocked, false); err != nil {
			return err
		}
	}
	return nil
}

// Object returns an object of the actor's instance that it can see, to
// change it. A partner's object shared with the instance is Forbidden
// (read-only); any other is NotFound. Reads use ViewObject.
func (a *App) Object(ctx context.Context, actor *Actor, id int64) (model.Object, error) {
	v, err := a.Visibility(ctx, actor)
	if err != nil {
		return model.Object{}, err
	}
	return ownObject(ctx, a.store.Q(), actor, v, id)
}

// UpdateObject saves an object edited from version (objects.edit). It is
// shared, not copied: every scorecard shows the change.
func (a *App) UpdateObject(ctx context.Context, actor *Actor, id, version int64, in ObjectInput) error {
	o, err := a.editableObject(ctx, actor, id)
	if err != nil {
		return err
	}
	if err := actor.Require(access.ObjectsEdit); err != nil {
		return err
	}
	in.Kind = o.Kind
	before := o
	return a.store.InTx(ctx, func(q *store.Q) error {
		if err := in.apply(ctx, q, actor, &o); err != nil {
			return err
		}
		o.Version = version
		if err := q.UpdateObject(ctx, o); err != nil {
			return conflictMsg(extTaken(err, actor, "object"), "this object")
		}
		return record(ctx, q, entry(actor, ActUpdate, o.Kind, o.ID, o.Title, objectChanges(before, o)...))
	})
}

// staleOrMissing maps a versioned delete's refusal: changed since
// (Conflict) or gone (NotFound).
func staleOrMissing(err error, what string) error {
	if errors.Is(err, store.ErrConflict) {
		return errConflict("Someone else changed %s since you read it. Read it again and decide again.", what)
	}
	return mapNotFound(err)
}

func conflictMsg(err error, what string) error {
	if errors.Is(err, store.ErrConflict) {
		return errConflict("Someone else changed %s while you were editing. Reload the page and make your change again.", what)
	}
	return err
}

// DeleteObject deletes an object everywhere (objects.delete): its links
// go, and a measure's data values with it.
func (a *App) DeleteObject(ctx context.Context, actor *Actor, id int64) error {
	return a.DeleteObjectAt(ctx, actor, id, 0)
}

// DeleteObjectAt is DeleteObject of the object at version (the API's
// If-Match; 0: whatever its version). An object changed since is a
// Conflict.
func (a *App) DeleteObjectAt(ctx context.Context, actor *Actor, id, version int64) error {
	o, err := a.Object(ctx, actor, id)
	if err != nil {
		return err
	}
	if err := actor.Require(access.ObjectsDelete); err != nil {
		return err
	}
	// Deleting takes it off every scorecard: each must be open.
	if err := a.checkObjectLock(ctx, a.store.Q(), actor, o, access.StructureLocked, true); err != nil {
		return err
	}
	return a.store.InTx(ctx, func(q *store.Q) error {
		scs, err := q.ScorecardsReaching(ctx, actor.Instance.ID, id)
		if err != nil {
			return err
		}
		if err := q.DeleteObject(ctx, actor.Instance.ID, id, version); err != nil {
			return staleOrMissing(err, "this object")
		}
		if err := record(ctx, q, entry(actor, ActDelete, o.Kind, id, o.Title)); err != nil {
			return err
		}
		return q.RebuildReach(ctx, actor.Instance.ID, scs)
	})
}

// Link puts an existing object on a scorecard or under a container
// (objects.edit). Cycles are refused, and so is a link to neither (it
// would name parent 0).
func (a *App) Link(ctx context.Context, actor *Actor, at Placement, childID int64) error {
	if err := actor.Require(access.ObjectsEdit); err != nil {
		return err
	}
	if at.ScorecardID == 0 && at.ParentID == 0 {
		return invalid(actor.Words().Expand("Choose the {scorecard:lower} or the {result:lower} or {program:lower} to link to."), nil)
	}
	child, err := a.Object(ctx, actor, childID)
	if err != nil {
		return err
	}
	v, _ := a.Visibility(ctx, actor)
	return a.store.InTx(ctx, func(q *store.Q) error {
		if err := a.checkPlacement(ctx, q, actor, v, child.Kind, at); err != nil {
			return err
		}
		if err := record(ctx, q, entry(actor, ActLink, child.Kind, childID, child.Title, placementChange(at))); err != nil {
			return err
		}
		if at.ScorecardID != 0 {
			return q.LinkToScorecard(ctx, actor.Instance.ID, at.ScorecardID, childID)
		}
		cycle, err := q.IsDescendant(ctx, actor.Instance.ID, childID, at.ParentID)
		if err != nil {
			return err
		}
		if cycle {
			return invalid("“"+child.Title+"” already contains that "+actor.Words().LowOne(terms.Container)+"; linking it there would make a loop.", nil)
		}
		return q.LinkToObject(ctx, actor.Instance.ID, at.ParentID, childID)
	})
}

// Unlink takes an object off a scorecard or container without deleting it
// (objects.edit).
func (a *App) Unlink(ctx context.Context, actor *Actor, at Placement, childID int64) error {
	if err := a.checkLinkAccess(ctx, actor, at, childID); err != nil {
		return err
	}
	child, err := a.Object(ctx, actor, childID)
	if err != nil {
		return err
	}
	return mapNotFound(a.store.InTx(ctx, func(q *store.Q) error {
		var err error
		if at.ScorecardID != 0 {
			err = q.UnlinkFromScorecard(ctx, actor.Instance.ID, at.ScorecardID, childID)
		} else {
			err = q.UnlinkFromObject(ctx, actor.Instance.ID, at.ParentID, childID)
		}
		if err != nil {
			return err
		}
		return record(ctx, q, entry(actor, ActUnlink, child.Kind, childID, child.Title, placementChange(at)))
	}))
}

// Move changes an object's place among its siblings (objects.edit).
func (a *App) Move(ctx context.Context, actor *Actor, at Placement, childID int64, delta int) error {
	if err := a.checkLinkAccess(ctx, actor, at, childID); err != nil {
		return err
	}
	if err := checkMoveDelta(delta); err != nil {
		return err
	}
	return mapNotFound(a.store.InTx(ctx, func(q *store.Q) error {
		return moveSteps(delta, func(step int) error {
			return q.MoveLink(ctx, actor.Instance.ID, at.ScorecardID, at.ParentID, childID, step)
		})
	}))
}

// MaxMove is how many places one move may take a row (a drag across a
// long scorecard); the Move up/down buttons take one.
const MaxMove = 100

func checkMoveDelta(delta int) error {
	if delta == 0 || delta < -MaxMove || delta > MaxMove {
		return invalid(fmt.Sprintf("Move a row from 1 to %d places up or down.", MaxMove), nil)
	}
	return nil
}

// moveSteps swaps a row with its neighbour |delta| times, in the caller's
// transaction; at the first or last place the rest do nothing.
func moveSteps(delta int, step func(int) error) error {
	dir := 1
	if delta < 0 {
		dir, delta = -1, -delta
	}
	for range delta {
		if err := step(dir); err != nil {
			return err
		}
	}
	return nil
}

func (a *App) checkLinkAccess(ctx context.Context, actor *Actor, at Placement, childID int64) error {
	if _, err := a.Object(ctx, actor, childID); err != nil {
		return err
	}
	if at.ScorecardID != 0 {
		s, err := a.Scorecard(ctx, actor, at.ScorecardID)
		if err != nil {
			return err
		}
		if err := actor.Require(access.ObjectsEdit); err != nil {
			return err
		}
		return checkScorecardLock(actor, s, access.StructureLocked)
	}
	p, err := a.Object(ctx, actor, at.ParentID)
	if err != nil {
		return err
	}
	if err := actor.Require(access.ObjectsEdit); err != nil {
		return err
	}
	return a.checkObjectLock(ctx, a.store.Q(), actor, p, access.StructureLocked, false)
}

// ObjectQuery asks for one page of the objects list.
type ObjectQuery struct {
	Kind   string // container or measure
	TypeID int64  // 0: any type
	Tag    string // "": any tag
	Text   string // matched anywhere in the title, any case
	// ParentID: only objects directly under this container; ScorecardID:
	// only objects anywhere under this scorecard. Each must be one the
	// actor can see (else Invalid, naming parent_id or scorecard_id).
	ParentID    int64
	ScorecardID int64
	Sort        string // "title" (default) or "updated"
	Desc        bool
	After       string // cursor from the previous page
	Limit       int    // at most 200; 0: 50
}

// ObjectPage is one page of the objects list.
type ObjectPage struct {
	Objects []model.Object
	Next    string // cursor of the next page; "" on the last
}

// ListObjects pages through the objects of a kind the actor can see.
func (a *App) ListObjects(ctx context.Context, actor *Actor, f ObjectQuery) (ObjectPage, error) {
	v, err := a.Visibility(ctx, actor)
	if err != nil {
		return ObjectPage{}, err
	}
	q := a.store.Q()
	// A filter on something the actor cannot see is refused, not answered
	// with an empty page that would read as "nothing there".
	if f.ParentID != 0 {
		if p, err := q.ObjectByID(ctx, actor.Instance.ID, f.ParentID, v); err != nil || p.Kind != model.KindContainer {
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return ObjectPage{}, err
			}
			return ObjectPage{}, fieldError("parent_id", "There is no such container.")
		}
	}
	if f.ScorecardID != 0 {
		if _, err := q.ScorecardByID(ctx, actor.Instance.ID, f.ScorecardID, v); err != nil {
			return ObjectPage{}, fieldErrorIf(err, "scorecard_id", "There is no such scorecard.")
		}
	}
	page, err := q.ListObjects(ctx, actor.Instance.ID, store.ObjectFilter{Kind: f.Kind, TypeID: f.TypeID,
		Tag: searchTerm(f.Tag), Text: searchTerm(f.Text), ParentID: f.ParentID, ScorecardID: f.ScorecardID,
		Sort: f.Sort, Desc: f.Desc, After: f.After, Limit: f.Limit}, v)
	if errors.Is(err, store.ErrBadCursor) {
		return ObjectPage{}, invalid("That page link is no longer valid; start from the first page.", nil)
	}
	return ObjectPage{Objects: page.Objects, Next: page.Next}, err
}

// ObjectListView is what the objects list shows.
type ObjectListView struct {
	Page  ObjectPage
	Total int // objects of the kind the actor can see
	Types []model.ObjectType
	Can   access.Can // what the actor may do with the instance's own objects
}

// ObjectList loads a page of the objects list with its filter choices.
func (a *App) ObjectList(ctx context.Context, actor *Actor, f ObjectQuery) (ObjectListView, error) {
	var view ObjectListView
	var err error
	if view.Page, err = a.ListObjects(ctx, actor, f); err != nil {
		return view, err
	}
	if view.Total, err = a.CountObjects(ctx, actor, f.Kind); err != nil {
		return view, err
	}
	if view.Types, err = a.Types(ctx, actor, f.Kind); err != nil {
		return view, err
	}
	v, err := a.Visibility(ctx, actor)
	view.Can = canOn(actor, v, access.Own)
	return view, err
}

// Types lists the instance's object types of a kind ("" for all).
func (a *App) Types(ctx context.Context, actor *Actor, kind string) ([]model.ObjectType, error) {
	return a.store.Q().ListTypes(ctx, actor.Instance.ID, kind, false)
}

// TypesInUse lists the types with how many objects use each, for the
// Object Types page (defaults).
func (a *App) TypesInUse(ctx context.Context, actor *Actor) ([]model.ObjectType, error) {
	if err := actor.Require(access.Defaults); err != nil {
		return nil, err
	}
	return a.store.Q().ListTypes(ctx, actor.Instance.ID, "", true)
}

// Frequencies lists the instance's reporting frequencies.
func (a *App) Frequencies(ctx context.Context, actor *Actor) ([]model.Frequency, error) {
	return a.store.Q().ListFrequencies(ctx, actor.Instance.ID)
}

// Children lists what sits directly under a container the actor can see.
func (a *App) Children(ctx context.Context, actor *Actor, id int64) ([]model.Object, error) {
	o, err := a.ViewObject(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	// Everything under a visible container is visible: it sits under the
	// same scorecards.
	return a.store.Q().ChildObjects(ctx, o.InstanceID, id)
}

// ContainerView is what a container's page shows.
type ContainerView struct {
	Standing
	Object     model.Object
	Children   []model.Object
	Scorecards []model.Scorecard // the scorecards it sits on that the viewer can open
	Notes      NotesView
	Actions    HostActions
}

// containerView loads what sits under a container and the scorecards it
// is on.
func (a *App) containerView(ctx context.Context, actor *Actor, o model.Object, can access.Can) (ContainerView, error) {
	v, err := a.Visibility(ctx, actor)
	if err != nil {
		return ContainerView{}, err
	}
	view := ContainerView{Object: o}
	if view.Standing, err = a.standing(ctx, actor, o.InstanceID, can); err != nil {
		return view, err
	}
	if view.Children, err = a.store.Q().ChildObjects(ctx, o.InstanceID, o.ID); err != nil {
		return view, err
	}
	if view.Scorecards, err = a.scorecardsOf(ctx, actor, v, o); err != nil {
		return view, err
	}
	if view.Notes, err = a.notesView(ctx, actor, objectHost(o, can), 0); err != nil {
		return view, err
	}
	view.Actions, err = a.hostActions(ctx, actor, objectHost(o, can))
	return view, err
}

// ScorecardsOf lists the accessible scorecards an object sits on.
func (a *App) ScorecardsOf(ctx context.Context, actor *Actor, id int64) ([]model.Scorecard, error) {
	v, err := a.Visibility(ctx, actor)
	if err != nil {
		return nil, err
	}
	o, err := a.ViewObject(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	return a.scorecardsOf(ctx, actor, v, o)
}

// scorecardsOf lists the scorecards a visible object sits on that the
// actor can open: its own instance's, or those its partner shares.
func (a *App) scorecardsOf(ctx context.Context, actor *Actor, v store.Visibility, o model.Object) ([]model.Scorecard, error) {
	if actor.Partner(o.InstanceID) {
		return a.store.Q().SharedScorecardsOf(ctx, o.InstanceID, o.ID, v)
	}
	return a.store.Q().ScorecardsOf(ctx, actor.Instance.ID, o.ID, v)
}

// CountObjects counts the objects of a kind the actor can see.
func (a *App) CountObjects(ctx context.Context, actor *Actor, kind string) (int, error) {
	v, err := a.Visibility(ctx, actor)
	if err != nil {
		return 0, err
	}
	return a.store.Q().CountObjects(ctx, actor.Instance.ID, kind, v)
}

// placementChange describes where a link goes, for the log.
func placementChange(at Placement) model.Change {
	if at.ScorecardID != 0 {
		return model.Change{Field: "scorecard", After: strconv.FormatInt(at.ScorecardID, 10)}
	}
	return model.Change{Field: "parent", After: strconv.FormatInt(at.ParentID, 10)}
}

// objectChanges lists the fields an edit changed.
func objectChanges(b, o model.Object) []model.Change {
	return changed(
		"title", b.Title, o.Title, "description", b.Description, o.Description,
		"tags", strings.Join(b.Tags, ", "), strings.Join(o.Tags, ", "), "type", strconv.FormatInt(b.TypeID, 10), strconv.FormatInt(o.TypeID, 10),
		"unit", b.Unit, o.Unit, "decimals", strconv.Itoa(b.Decimals), strconv.Itoa(o.Decimals), "polarity", b.Polarity, o.Polarity,
		"frequency", idText(b.FrequencyID), idText(o.FrequencyID), "category", b.PMCategory, o.PMCategory,
		"data source", b.DataSource, o.DataSource, "green band", ftoa(b.BandGreen), ftoa(o.BandGreen),
		"yellow band", ftoa(b.BandYellow), ftoa(o.BandYellow), "baseline", b.BaselineKey, o.BaselineKey,
		"graph title", b.GraphTitle, o.GraphTitle, "graph type", b.GraphType, o.GraphType,
		"graph targets", btoa(b.GraphTargets), btoa(o.GraphTargets), "graph periods", strconv.Itoa(b.GraphPeriods), strconv.Itoa(o.GraphPeriods),
		"y axis from", ftoa(b.GraphYMin), ftoa(o.GraphYMin), "y axis to", ftoa(b.GraphYMax), ftoa(o.GraphYMax),
		"external id", b.ExtID, o.ExtID)
}
