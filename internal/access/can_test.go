package access

import "testing"

func TestCanOn(t *testing.T) {
	admin := MustPreset(PresetAdministration)
	builder := MustPreset(PresetScorecardBuilder)
	entry := MustPreset(PresetDataEntry)
	presenter := MustPreset(PresetPresenter)
	graphsOnly := MustSet(GraphsEdit, ScorecardsAll)

	own := Target{Reach: Own, Accessible: true}
	ownElsewhere := Target{Reach: Own} // under no scorecard of the member's scope
	view := Target{Reach: Shared, Accessible: true}
	contribute := Target{Reach: SharedForData, Accessible: true}
	unassignedShare := Target{Reach: SharedForData}
	foreign := Target{Reach: Foreign, Accessible: true}

	tests := []struct {
		name  string
		perms Set
		scope Scope
		t     Target
		want  Can
	}{
		{"admin, own", admin, ScopeAll, own, Can{View: true, Edit: true, Delete: true, EnterData: true, EditGraph: true, Assign: true, EditNotes: true, Comment: true, History: true, Lock: true}},
		{"admin, own object under no scorecard", admin, ScopeAll, ownElsewhere, Can{View: true, Edit: true, Delete: true, EnterData: true, EditGraph: true, Assign: true, EditNotes: true, Comment: true, History: true, Lock: true}},
		{"builder unassigned sees linked content", builder, ScopeLinked, own, Can{View: true, Edit: true, Delete: true, EnterData: true, EditGraph: true, EditNotes: true, Comment: true, History: true, Lock: true}},
		{"builder unassigned, object under no scorecard", builder, ScopeLinked, ownElsewhere, Can{}},
		{"data entry, assigned", entry, ScopeAssigned, own, Can{View: true, EnterData: true, Comment: true, History: true}},
		{"data entry, not assigned there", entry, ScopeAssigned, ownElsewhere, Can{}},
		{"data entry, no assignment at all", entry, ScopeNone, own, Can{}},
		{"presenter, assigned", presenter, ScopeAssigned, own, Can{View: true, Comment: true, History: true}},
		{"graphs only", graphsOnly, ScopeAll, own, Can{View: true, EditGraph: true, History: true}},
		{"partner viewer (admin)", admin, ScopeAll, view, Can{View: true, Assign: true}},
		{"partner viewer (presenter, assigned)", presenter, ScopeAssigned, view, Can{View: true}},
		{"partner viewer without all scorecards or assignment", builder, ScopeLinked, view, Can{}},
		{"contributing partner, data entry", entry, ScopeAssigned, contribute, Can{View: true, EnterData: true}},
		{"contributing partner, presenter", presenter, ScopeAssigned, contribute, Can{View: true}},
		{"contributing partner, admin", admin, ScopeAll, contribute, Can{View: true, EnterData: true, Assign: true}},
		{"contributed share not assigned to the member", entry, ScopeAssigned, unassignedShare, Can{}},
		{"another instance, admin", admin, ScopeAll, foreign, Can{}},
		{"another instance, data entry", entry, ScopeAssigned, foreign, Can{}},
		{"notes only", MustSet(NotesEdit), ScopeAll, own, Can{View: true, EditNotes: true, History: true}},
		{"notes and commentary on a partner's content", MustSet(NotesEdit, CommentaryAdd, ScorecardsAll), ScopeAll, view, Can{View: true}},
	}
	for _, tt := range tests {
		if got := CanOn(tt.perms, tt.scope, tt.t); got != tt.want {
			t.Errorf("%s: got %+v, want %+v", tt.name, got, tt.want)
		}
	}
}
