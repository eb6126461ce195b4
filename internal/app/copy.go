package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"yardstick/internal/access"
	"yardstick/internal/model"
	"yardstick/internal/store"
)

// The copy engine (issue 28, point 5; issue 22, point 2): one engine copies
// a scorecard with its tree — containers, measures, links, the object
// types, custom frequencies and note types the target lacks, notes, and
// optionally data values and targets — into a target instance: the same
// instance (a template copy) or another of the same network (Multi-Site
// Tools, multisite.go). It works in three steps:
//
//  1. read the source (a fixed number of queries: the tree, its notes, the
//     instance's types, frequencies and note types);
//  2. plan against the target (its types, frequencies and note types, the
//     earlier copies found by their copy key, its scorecard titles): what
//     is created, what updated, what renamed to avoid a clash. A preview
//     stops here and shows the plan;
//  3. write the plan in the target's transaction, each table in multi-row
//     statements (store/copy.go), and log it (in both instances' logs for
//     a copy across instances). The run returns the plan it wrote, which
//     is the preview's when nothing changed in between.
//
// Across instances every copied scorecard and object carries its copy key
// (origin instance and id), so copying the same scorecard again updates
// the earlier copies instead of duplicating them. Within an instance a
// copy is a new scorecard each time, whose tree is duplicated or linked
// (the same containers and measures, shared as the product allows).

// Copy modes and data choices.
const (
	CopyDuplicate = "duplicate" // new containers and measures
	CopyLink      = "link"      // the new scorecard links the same containers and measures (within an instance)

	CopyDataNone    = "none"
	CopyDataTargets = "targets"
	CopyDataAll     = "all" // actuals and targets (with their comments)
)

// CopyOptions says what a copy carries.
type CopyOptions struct {
	Mode  string // CopyDuplicate (default) or CopyLink
	Data  string // CopyDataNone (default), CopyDataTargets or CopyDataAll
	Notes bool   // copy the notes of the scorecard and its objects
	Title string // within an instance: the new scorecard's title ("" = "<title> (copy)")
}

func (o *CopyOptions) validate(sameInstance bool) error {
	fields := map[string]string{}
	switch o.Mode {
	case "":
		o.Mode = CopyDuplicate
	case CopyDuplicate:
	case CopyLink:
		if !sameInstance {
			fields["mode"] = "Objects can be linked only within one instance; copies to another instance duplicate them."
		}
	default:
		fields["mode"] = "Choose to duplicate or to link the containers and measures."
	}
	switch o.Data {
	case "":
		o.Data = CopyDataNone
	case CopyDataNone, CopyDataTargets, CopyDataAll:
	default:
		fields["data"] = "Choose no data, targets only, or actuals and targets."
	}
	var msg string
	if o.Title, msg = cleanText(o.Title, "Title", 0, 200); msg != "" {
		fields["title"] = msg
	}
	if len(fields) > 0 {
		return invalid("Please correct the highlighted fields.", fields)
	}
	return nil
}

// PlanItem is one thing a copy creates or updates.
type PlanItem struct {
	Title       string
	Update      bool   // an earlier copy is updated (false: created)
	RenamedFrom string // the source's name, when the copy takes another to avoid a clash
}

// CopyPlan is what a copy into one target creates and updates: the
// preview, and the run's account of what it wrote.
type CopyPlan struct {
	Target      string // the target instance, "Name (CODE)"
	Scorecard   PlanItem
	Containers  []PlanItem
	Measures    []PlanItem
	Linked      int // objects the new scorecard links, shared (mode link)
	Types       []PlanItem
	Frequencies []PlanItem
	NoteTypes   []PlanItem
	Links       int // scorecard and object links written
	Notes       int // notes written
	Values      int // data values written
}

// Renamed lists what the copy renames to avoid a clash.
func (p CopyPlan) Renamed() []PlanItem {
	var out []PlanItem
	for _, l := range [][]PlanItem{{p.Scorecard}, p.Types, p.Frequencies, p.NoteTypes} {
		for _, it := range l {
			if it.RenamedFrom != "" {
				out = append(out, it)
			}
		}
	}
	return out
}

// copySource is a scorecard read for copying.
type copySource struct {
	in        model.Instance
	sc        model.Scorecard
	tree      store.Tree
	order     []int64 // object ids in tree order (parents before children)
	types     map[int64]model.ObjectType
	freqs     map[int64]model.Frequency
	noteTypes map[int64]model.NoteType
	notes     []store.CopyNote
}

// readSource reads a scorecard of in with everything a copy may carry.
func (a *App) readSource(ctx context.Context, q *store.Q, in model.Instance, scorecardID int64, notes bool) (copySource, error) {
	src := copySource{in: in}
	var err error
	if src.sc, err = q.ScorecardByID(ctx, in.ID, scorecardID, store.SeeAll); err != nil {
		return src, mapNotFound(err)
	}
	if src.tree, err = q.ScorecardTree(ctx, in.ID, scorecardID); err != nil {
		return src, err
	}
	// Tree order: breadth first from the scorecard, each object once.
	seen := map[int64]bool{}
	kids := map[int64][]int64{}
	for _, l := range src.tree.Links {
		kids[l.ParentID] = append(kids[l.ParentID], l.ChildID)
	}
	queue := []int64{0}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, c := range kids[p] {
			if !seen[c] {
				seen[c] = true
				src.order = append(src.order, c)
				queue = append(queue, c)
			}
		}
	}
	types, err := q.ListTypes(ctx, in.ID, "", false)
	if err != nil {
		return src, err
	}
	src.types = map[int64]model.ObjectType{}
	for _, t := range types {
		src.types[t.ID] = t
	}
	freqs, err := q.ListFrequencies(ctx, in.ID)
	if err != nil {
		return src, err
	}
	src.freqs = map[int64]model.Frequency{}
	for _, f := range freqs {
		src.freqs[f.ID] = f
	}
	if notes {
		nts, err := q.ListNoteTypes(ctx, in.ID, false)
		if err != nil {
			return src, err
		}
		src.noteTypes = map[int64]model.NoteType{}
		for _, t := range nts {
			src.noteTypes[t.ID] = t
		}
		if src.notes, err = q.NotesOf(ctx, in.ID, scorecardID, src.order); err != nil {
			return src, err
		}
	}
	return src, nil
}

// copyTarget is what the plan needs of the target instance.
type copyTarget struct {
	in        model.Instance
	types     []model.ObjectType
	freqs     []model.Frequency
	noteTypes []model.NoteType
	titles    map[string]int64 // scorecard title key → id
	prior     model.Scorecard  // the earlier copy of the scorecard (ID 0: none)
	copies    map[int64]int64  // source object id → its earlier copy
	notes     []store.CopyNote // notes of the earlier copies
}

func (a *App) readTarget(ctx context.Context, q *store.Q, in model.Instance, src copySource, opts CopyOptions) (copyTarget, error) {
	t := copyTarget{in: in, copies: map[int64]int64{}}
	var err error
	if t.types, err = q.ListTypes(ctx, in.ID, "", false); err != nil {
		return t, err
	}
	if t.freqs, err = q.ListFrequencies(ctx, in.ID); err != nil {
		return t, err
	}
	if opts.Notes {
		if t.noteTypes, err = q.ListNoteTypes(ctx, in.ID, false); err != nil {
			return t, err
		}
	}
	scs, err := q.ListScorecards(ctx, in.ID, store.SeeAll)
	if err != nil {
		return t, err
	}
	t.titles = map[string]int64{}
	for _, s := range scs {
		t.titles[store.Key(s.Title)] = s.ID
	}
	if in.ID == src.in.ID {
		return t, nil
	}
	t.prior, err = q.ScorecardCopyOf(ctx, in.ID, src.in.ID, src.sc.ID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return t, err
	}
	if t.copies, err = q.CopiesOf(ctx, in.ID, src.in.ID, src.order); err != nil {
		return t, err
	}
	if opts.Notes {
		ids := make([]int64, 0, len(t.copies))
		for _, id := range t.copies {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		if t.notes, err = q.NotesOf(ctx, in.ID, t.prior.ID, ids); err != nil {
			return t, err
		}
	}
	return t, nil
}

// copyWork is a plan with what the write needs: the public plan, and the
// maps from source ids to target ids (0: to be allocated).
type copyWork struct {
	plan      CopyPlan
	src       copySource
	dst       copyTarget
	opts      CopyOptions
	cross     bool
	sc        model.Scorecard // the target scorecard (ID 0: new)
	objects   map[int64]int64 // source object id → target id (0: new)
	newTypes  []model.ObjectType
	typeOf    map[int64]int64 // source type id → target type id (0: new, at newTypeAt)
	newTypeAt map[int64]int
	newFreqs  []model.Frequency
	freqOf    map[int64]int64
	newFreqAt map[int64]int
	newNTs    []model.NoteType
	ntOf      map[int64]int64
	newNTAt   map[int64]int
}

// plan works out what copying src into dst does.
func plan(src copySource, dst copyTarget, opts CopyOptions) (*copyWork, error) {
	w := &copyWork{src: src, dst: dst, opts: opts, cross: src.in.ID != dst.in.ID, objects: map[int64]int64{},
		typeOf: map[int64]int64{}, newTypeAt: map[int64]int{}, freqOf: map[int64]int64{}, newFreqAt: map[int64]int{},
		ntOf: map[int64]int64{}, newNTAt: map[int64]int{}}
	w.plan.Target = dst.in.Label()

	// The scorecard: an earlier copy is updated; a new one takes the
	// source's title (within an instance, the chosen one or "… (copy)"),
	// numbered when a scorecard of the target has it already.
	if dst.prior.ID != 0 {
		if dst.prior.LockMode != "" && dst.prior.LockMode != model.LockNormal {
			reason := ""
			if dst.prior.LockReason != "" {
				reason = " (" + dst.prior.LockReason + ")"
			}
			return nil, errConflict("The earlier copy %q in %s is locked%s; unlock it there before copying again.", dst.prior.Title, dst.in.Label(), reason)
		}
		w.sc = dst.prior
		w.sc.Description = src.sc.Description
		w.plan.Scorecard = PlanItem{Title: dst.prior.Title, Update: true}
	} else {
		want := src.sc.Title
		if !w.cross {
			want = opts.Title
			if want == "" {
				want = src.sc.Title + " (copy)"
			}
		}
		title := want
		for n := 2; dst.titles[store.Key(title)] != 0; n++ {
			title = want + " (" + strconv.Itoa(n) + ")"
		}
		w.sc = model.Scorecard{InstanceID: dst.in.ID, Title: title, Description: src.sc.Description,
			Columns: src.sc.Columns, ExpandDepth: src.sc.ExpandDepth, ScoresOn: src.sc.ScoresOn}
		w.plan.Scorecard = PlanItem{Title: title}
		if title != want || (!w.cross && opts.Title == "") {
			w.plan.Scorecard.RenamedFrom = src.sc.Title
		}
	}

	if opts.Mode == CopyLink {
		// The same objects, linked: nothing of theirs is written.
		for _, l := range src.tree.Links {
			if l.ParentID == 0 {
				w.plan.Links++
			}
		}
		w.plan.Linked = len(src.order)
		w.planNotes(true)
		return w, nil
	}

	// Types, frequencies and note types: a cross-instance copy maps each
	// to the target's of the same name, and creates those the target lacks.
	for _, id := range src.order {
		o := src.tree.Objects[id]
		if w.cross {
			w.mapType(src.types[o.TypeID])
			if o.FrequencyID != nil {
				w.mapFreq(src.freqs[*o.FrequencyID])
			}
		}
		if prior, ok := dst.copies[id]; ok {
			w.objects[id] = prior
		}
		item := PlanItem{Title: o.Title, Update: w.objects[id] != 0}
		if o.Kind == model.KindMeasure {
			w.plan.Measures = append(w.plan.Measures, item)
			if opts.Data != CopyDataNone {
				for _, v := range src.tree.Values[id] {
					if opts.Data == CopyDataAll || v.Target != nil {
						w.plan.Values++
					}
				}
			}
		} else {
			w.plan.Containers = append(w.plan.Containers, item)
		}
		// Hook for calculated measures (issue 22, point 3): a calculated
		// measure carries its definition here, its inputs mapped through
		// w.objects when they are on the copied scorecard (otherwise it is
		// copied without them and the plan says so).
	}
	w.plan.Links = len(src.tree.Links)
	w.planNotes(false)
	return w, nil
}

func (w *copyWork) mapType(t model.ObjectType) {
	if _, ok := w.typeOf[t.ID]; ok {
		return
	}
	for _, d := range w.dst.types {
		if d.Kind == t.Kind && store.Key(d.Name) == store.Key(t.Name) {
			w.typeOf[t.ID] = d.ID
			return
		}
	}
	w.typeOf[t.ID] = 0
	w.newTypeAt[t.ID] = len(w.newTypes)
	nt := t
	nt.ID, nt.InstanceID, nt.Builtin = 0, w.dst.in.ID, false
	w.newTypes = append(w.newTypes, nt)
	w.plan.Types = append(w.plan.Types, PlanItem{Title: t.Name})
}

func sameFrequency(a, b model.Frequency) bool {
	return a.Kind == b.Kind && a.PeriodsPerYear == b.PeriodsPerYear && a.StartMonth == b.StartMonth && a.StartDay == b.StartDay &&
		a.LabelPrefix == b.LabelPrefix
}

// mapFreq maps a frequency to the target's of the same title and
// definition; a title the target uses for another definition is
// numbered ("Fiscal (2)"), and an earlier copy under that number is
// found again.
func (w *copyWork) mapFreq(f model.Frequency) {
	if _, ok := w.freqOf[f.ID]; ok {
		return
	}
	byTitle := map[string]model.Frequency{}
	for _, d := range w.dst.freqs {
		byTitle[store.Key(d.Title)] = d
	}
	for _, nf := range w.newFreqs {
		byTitle[store.Key(nf.Title)] = nf
	}
	title := f.Title
	for n := 2; ; n++ {
		d, taken := byTitle[store.Key(title)]
		if !taken {
			break
		}
		if sameFrequency(d, f) {
			if d.ID != 0 {
				w.freqOf[f.ID] = d.ID
				return
			}
			break
		}
		title = f.Title + " (" + strconv.Itoa(n) + ")"
	}
	w.freqOf[f.ID] = 0
	w.newFreqAt[f.ID] = len(w.newFreqs)
	nf := f
	nf.ID, nf.InstanceID, nf.Builtin, nf.Title = 0, w.dst.in.ID, false, title
	w.newFreqs = append(w.newFreqs, nf)
	item := PlanItem{Title: title}
	if title != f.Title {
		item.RenamedFrom = f.Title
	}
	w.plan.Frequencies = append(w.plan.Frequencies, item)
}

func (w *copyWork) mapNoteType(t model.NoteType) {
	if _, ok := w.ntOf[t.ID]; ok {
		return
	}
	if !w.cross {
		w.ntOf[t.ID] = t.ID
		return
	}
	for _, d := range w.dst.noteTypes {
		if store.Key(d.Name) == store.Key(t.Name) {
			w.ntOf[t.ID] = d.ID
			return
		}
	}
	w.ntOf[t.ID] = 0
	w.newNTAt[t.ID] = len(w.newNTs)
	nt := t
	nt.ID, nt.InstanceID, nt.Builtin = 0, w.dst.in.ID, false
	w.newNTs = append(w.newNTs, nt)
	w.plan.NoteTypes = append(w.plan.NoteTypes, PlanItem{Title: t.Name})
}

// planNotes counts the notes the copy writes (the scorecard's alone when
// the objects are linked) and maps their types.
func (w *copyWork) planNotes(scorecardOnly bool) {
	if !w.opts.Notes {
		return
	}
	for _, n := range w.src.notes {
		if n.Removed || (scorecardOnly && n.ObjectID != 0) {
			continue
		}
		w.mapNoteType(w.src.noteTypes[n.TypeID])
		w.plan.Notes++
	}
}

// write carries out the plan in q, the target's transaction.
func (a *App) writeCopy(ctx context.Context, q *store.Q, actor *Actor, w *copyWork) (model.Scorecard, error) {
	dst := w.dst.in.ID
	for i, t := range w.newTypes {
		nt, err := q.CreateType(ctx, t)
		if err != nil {
			return model.Scorecard{}, err
		}
		w.newTypes[i] = nt
	}
	for src, at := range w.newTypeAt {
		w.typeOf[src] = w.newTypes[at].ID
	}
	for i, f := range w.newFreqs {
		nf, err := q.CreateFrequency(ctx, f)
		if err != nil {
			return model.Scorecard{}, err
		}
		w.newFreqs[i] = nf
	}
	for src, at := range w.newFreqAt {
		w.freqOf[src] = w.newFreqs[at].ID
	}
	for i, t := range w.newNTs {
		nt, err := q.CreateNoteType(ctx, t)
		if err != nil {
			return model.Scorecard{}, err
		}
		w.newNTs[i] = nt
	}
	for src, at := range w.newNTAt {
		w.ntOf[src] = w.newNTs[at].ID
	}

	// Ids: the scorecard's, the new objects', the new notes'.
	newSC := w.sc.ID == 0
	if newSC {
		ids, err := q.AllocIDs(ctx, "scorecards", 1)
		if err != nil {
			return model.Scorecard{}, err
		}
		w.sc.ID = ids[0]
	}
	var origin *store.CopyOrigin
	if w.cross {
		origin = &store.CopyOrigin{Instance: w.src.in.ID, ID: w.src.sc.ID}
	}
	if err := q.UpsertCopiedScorecard(ctx, w.sc, origin, newSC); err != nil {
		return model.Scorecard{}, err
	}

	var scLinks, objLinks []store.Link
	if w.opts.Mode == CopyLink {
		for _, l := range w.src.tree.Links {
			if l.ParentID == 0 {
				scLinks = append(scLinks, store.Link{ParentID: w.sc.ID, ChildID: l.ChildID, Position: l.Position})
			}
		}
	} else {
		var fresh []int64
		for _, id := range w.src.order {
			if w.objects[id] == 0 {
				fresh = append(fresh, id)
			}
		}
		ids, err := q.AllocIDs(ctx, "objects", len(fresh))
		if err != nil {
			return model.Scorecard{}, err
		}
		for i, id := range fresh {
			w.objects[id] = ids[i]
		}
		objs := make([]store.CopyObject, 0, len(w.src.order))
		for _, id := range w.src.order {
			o := w.src.tree.Objects[id]
			o.ID, o.InstanceID, o.ExtID = w.objects[id], dst, ""
			c := store.CopyObject{Object: o, New: slices.Contains(fresh, id)}
			if w.cross {
				o.TypeID = w.typeOf[o.TypeID]
				if o.FrequencyID != nil {
					f := w.freqOf[*o.FrequencyID]
					o.FrequencyID = &f
				}
				c.Object, c.Origin = o, &store.CopyOrigin{Instance: w.src.in.ID, ID: id}
			}
			objs = append(objs, c)
		}
		if err := q.UpsertObjects(ctx, dst, objs); err != nil {
			return model.Scorecard{}, err
		}
		for _, l := range w.src.tree.Links {
			if l.ParentID == 0 {
				scLinks = append(scLinks, store.Link{ParentID: w.sc.ID, ChildID: w.objects[l.ChildID], Position: l.Position})
			} else {
				objLinks = append(objLinks, store.Link{ParentID: w.objects[l.ParentID], ChildID: w.objects[l.ChildID], Position: l.Position})
			}
		}
	}
	if err := q.UpsertLinks(ctx, dst, scLinks, objLinks); err != nil {
		return model.Scorecard{}, err
	}
	// Reach: the copy's scorecard, and any other scorecard of the target
	// reaching an object the copy updated (its links may have grown).
	rebuild := []int64{w.sc.ID}
	if w.cross && len(w.dst.copies) > 0 {
		prior := make([]int64, 0, len(w.dst.copies))
		for _, id := range w.dst.copies {
			prior = append(prior, id)
		}
		others, err := q.ScorecardsReachingAny(ctx, dst, prior)
		if err != nil {
			return model.Scorecard{}, err
		}
		for _, s := range others {
			if s != w.sc.ID {
				rebuild = append(rebuild, s)
			}
		}
	}
	if err := q.RebuildReach(ctx, dst, rebuild); err != nil {
		return model.Scorecard{}, err
	}

	if w.opts.Mode != CopyLink && w.opts.Data != CopyDataNone {
		var vs []model.DataValue
		for _, id := range w.src.order {
			for _, v := range w.src.tree.Values[id] {
				if w.opts.Data == CopyDataTargets {
					if v.Target == nil {
						continue
					}
					v.Actual, v.Comment = nil, ""
				}
				v.MeasureID = w.objects[id]
				vs = append(vs, v)
			}
		}
		if err := q.UpsertDataValues(ctx, dst, vs, actor.Account.ID, w.opts.Data == CopyDataTargets); err != nil {
			return model.Scorecard{}, err
		}
	}
	if err := a.writeNotes(ctx, q, actor, w); err != nil {
		return model.Scorecard{}, err
	}
	if newSC && !w.cross {
		if v, err := a.Visibility(ctx, actor); err == nil && v.Scope == access.ScopeAssigned && actor.KeyID == 0 {
			if err := q.AssignScorecard(ctx, dst, w.sc.ID, []int64{actor.Membership.ID}); err != nil {
				return model.Scorecard{}, err
			}
		}
	}
	return w.sc, nil
}

func (a *App) writeNotes(ctx context.Context, q *store.Q, actor *Actor, w *copyWork) error {
	if !w.opts.Notes || w.plan.Notes == 0 {
		return nil
	}
	type key struct {
		sc, obj, typ int64
	}
	existing := map[key]store.CopyNote{}
	for _, n := range w.dst.notes {
		existing[key{n.ScorecardID, n.ObjectID, n.TypeID}] = n
	}
	var out []store.CopyNote
	var fresh []int
	for _, n := range w.src.notes {
		if n.Removed || (w.opts.Mode == CopyLink && n.ObjectID != 0) {
			continue
		}
		c := store.CopyNote{TypeID: w.ntOf[n.TypeID], Body: n.Body}
		if n.ScorecardID != 0 {
			c.ScorecardID = w.sc.ID
		} else {
			c.ObjectID = w.objects[n.ObjectID]
		}
		if old, ok := existing[key{c.ScorecardID, c.ObjectID, c.TypeID}]; ok {
			if old.Body == c.Body && !old.Removed {
				continue // as it is already: no new version
			}
			c.ID, c.Version = old.ID, old.Version+1
		} else {
			if c.Body != "" {
				c.Version = 1
			}
			fresh = append(fresh, len(out))
		}
		out = append(out, c)
	}
	ids, err := q.AllocIDs(ctx, "notes", len(fresh))
	if err != nil {
		return err
	}
	for i, at := range fresh {
		out[at].ID = ids[i]
	}
	return q.UpsertNotes(ctx, w.dst.in.ID, out, actor.Account.ID)
}

// copyLog is the log entry of a copy, in the target's instance.
func copyLog(actor *Actor, w *copyWork, sc model.Scorecard) model.Activity {
	p := w.plan
	what := fmt.Sprintf("%d %s, %d %s, %d links, %d notes, %d values", len(p.Containers), "containers", len(p.Measures), "measures",
		p.Links, p.Notes, p.Values)
	if p.Linked > 0 {
		what = fmt.Sprintf("%d objects linked, %d notes", p.Linked, p.Notes)
	}
	verb := "copied from"
	if p.Scorecard.Update {
		verb = "updated from"
	}
	src := w.src.sc.Title
	if w.cross {
		src += " in " + w.src.in.Label()
	}
	return model.Activity{InstanceID: w.dst.in.ID, Activity: ActCreate, ObjectType: "scorecard", ObjectID: &sc.ID, ObjectName: sc.Title,
		Changes: []model.Change{{Field: verb, After: src}, {Field: "copied", After: what}}}
}

// stamp fills an entry's actor fields.
func stamp(actor *Actor, e model.Activity) model.Activity {
	base := entry(actor, e.Activity, e.ObjectType, 0, e.ObjectName, e.Changes...)
	base.InstanceID, base.ObjectID = e.InstanceID, e.ObjectID
	if e.InstanceID != actor.Instance.ID {
		base.ActorInstance = actor.Instance.Code
	}
	return base
}

// PreviewScorecardCopy says what copying a scorecard within the actor's
// instance would create (objects.edit; nothing is written).
func (a *App) PreviewScorecardCopy(ctx context.Context, actor *Actor, scorecardID int64, opts CopyOptions) (CopyPlan, error) {
	w, err := a.localCopy(ctx, a.store.Q(), actor, scorecardID, &opts)
	if err != nil {
		return CopyPlan{}, err
	}
	return w.plan, nil
}

// CopyScorecard copies a scorecard within the actor's instance
// (objects.edit) in one transaction, logs it, and returns the new
// scorecard with the plan it carried out.
func (a *App) CopyScorecard(ctx context.Context, actor *Actor, scorecardID int64, opts CopyOptions) (model.Scorecard, CopyPlan, error) {
	var sc model.Scorecard
	var p CopyPlan
	err := a.store.InTx(ctx, func(q *store.Q) error {
		w, err := a.localCopy(ctx, q, actor, scorecardID, &opts)
		if err != nil {
			return err
		}
		if sc, err = a.writeCopy(ctx, q, actor, w); err != nil {
			return err
		}
		p = w.plan
		return record(ctx, q, stamp(actor, copyLog(actor, w, sc)))
	})
	return sc, p, err
}

func (a *App) localCopy(ctx context.Context, q *store.Q, actor *Actor, scorecardID int64, opts *CopyOptions) (*copyWork, error) {
	if err := actor.Require(access.ObjectsEdit); err != nil {
		return nil, err
	}
	if err := opts.validate(true); err != nil {
		return nil, err
	}
	s, _, err := a.openScorecard(ctx, actor, scorecardID)
	if err != nil {
		return nil, err
	}
	if s.InstanceID != actor.Instance.ID {
		return nil, errForbidden("%s", actor.Words().Expand("A partner's {scorecard:lower} cannot be copied; only your instance's own."))
	}
	src, err := a.readSource(ctx, q, actor.Instance, scorecardID, opts.Notes)
	if err != nil {
		return nil, err
	}
	dst, err := a.readTarget(ctx, q, actor.Instance, src, *opts)
	if err != nil {
		return nil, err
	}
	return plan(src, dst, *opts)
}
