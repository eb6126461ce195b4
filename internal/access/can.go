package access

// Reach is how a scorecard or object stands to the viewer's instance
// (SPEC §3.4, §12): its own, shared by a partner, or neither.
type Reach int

// The reaches, from closest to farthest.
const (
	Own           Reach = iota // the viewer's instance's own content
	SharedForData              // a partner shares it for viewing and data entry
	Shared                     // a partner shares it for viewing only
	Foreign                    // another instance's content, not shared: never visible
)

// Target is one scorecard or object as the member meets it.
type Target struct {
	Reach Reach
	// Accessible: it sits under a scorecard within the member's scope
	// (for a scorecard: the scorecard itself is). The store's visibility
	// filter computes it; anything it returns is accessible.
	Accessible bool
}

// Can is what a member may do with one scorecard or object. Transports
// render it and decide nothing themselves; internal/app's write paths
// refuse what it leaves false (a permission through Actor.Require, a
// partner's content through ownObject and ownScorecard, data through
// dataTarget, which asks CanOn itself).
type Can struct {
	View      bool // it is visible at all
	Edit      bool // change it, create or link under it
	Delete    bool
	EnterData bool // save data values (measures)
	EditGraph bool // a measure's graph settings
	Assign    bool // choose which of the viewer's members get a scorecard
	EditNotes bool // change the text of its note sections (adding or removing a section is Edit)
	Comment   bool // add commentary; a partner's content takes none (SPEC §12)
	History   bool // read its changes in the activity log: own content only, a partner's log is the partner's
	Lock      bool // change a scorecard's lock mode (objects.edit, own content); a lock never takes it
}

// Visible applies SPEC §3.3 and §3.4: own content by scope; a partner's
// to All Scorecards holders, or to members it is assigned to; another
// instance's never.
func Visible(scope Scope, t Target) bool {
	switch {
	case scope == ScopeNone || t.Reach == Foreign:
		return false
	case scope == ScopeAll:
		return true
	case t.Reach == Own:
		return t.Accessible
	}
	return scope == ScopeAssigned && t.Accessible
}

// CanOn is what a member holding perms within scope may do with t. A
// partner's content is read-only except data entry on a measure shared
// for it; assignments are the viewer's own instance's, so they follow
// Manage Users wherever the scorecard comes from.
func CanOn(perms Set, scope Scope, t Target) Can {
	if !Visible(scope, t) {
		return Can{}
	}
	c := Can{View: true, Assign: perms.Has(UsersManage), EnterData: perms.Has(DataEnter)}
	switch t.Reach {
	case Own:
		c.Edit = perms.Has(ObjectsEdit)
		c.Delete = perms.Has(ObjectsDelete)
		c.EditGraph = perms.Has(GraphsEdit)
		c.EditNotes = perms.Has(NotesEdit)
		c.Comment = perms.Has(CommentaryAdd)
		c.History = true
		c.Lock = c.Edit
	case Shared:
		c.EnterData = false
	}
	return c
}
