package access

import (
	"slices"
	"strings"
	"testing"

	"yardstick/internal/terms"
)

func TestTwentyTwoPermissions(t *testing.T) {
	if got, want := len(All), 22; got != want {
		t.Fatalf("permissions: got %d, want %d", got, want)
	}
	seen := map[Permission]bool{}
	for _, p := range All {
		if seen[p.Key] || p.Name == "" || p.Description == "" {
			t.Errorf("bad or duplicate permission %+v", p)
		}
		seen[p.Key] = true
	}
}

// TestTextsNameKnownTerms: every placeholder in the permissions' and
// presets' names names a term of the catalogue (Expand keeps the braces
// of one that does not).
func TestTextsNameKnownTerms(t *testing.T) {
	var texts []string
	for _, p := range All {
		texts = append(texts, p.Name, p.Description)
	}
	for _, name := range append(PresetNames, Custom) {
		texts = append(texts, PresetTitle(name))
	}
	for _, s := range texts {
		if got := terms.Defaults.Expand(s); strings.ContainsAny(got, "{}") {
			t.Errorf("%q expands to %q", s, got)
		}
	}
}

func TestPresets(t *testing.T) {
	tests := []struct {
		preset string
		count  int
		has    []Permission
		lacks  []Permission
	}{
		{PresetAdministration, 22, []Permission{InstanceAdmin, ScorecardsAll, ReportsEdit}, nil},
		{PresetScorecardBuilder, 14, []Permission{ObjectsEdit, Embed, Compyle, ReportsView}, []Permission{InstanceAdmin, Settings, UsersManage, Defaults, Language, Calendars, Import, ScorecardsAll}},
		{PresetDataEntry, 5, []Permission{CommentaryAdd, DataEnter, ActionsEdit, ActionsStatus, ActionsTodos}, []Permission{ObjectsEdit}},
		{PresetPresenter, 4, []Permission{CommentaryAdd, ActionsEdit, ActionsStatus, ActionsTodos}, []Permission{DataEnter}},
	}
	for _, tt := range tests {
		s := MustPreset(tt.preset)
		if got := len(s); got != tt.count {
			t.Errorf("%s: got %d permissions, want %d", tt.preset, got, tt.count)
		}
		for _, p := range tt.has {
			if !s.Has(p) {
				t.Errorf("%s lacks %s", tt.preset, p)
			}
		}
		for _, p := range tt.lacks {
			if s.Has(p) {
				t.Errorf("%s has %s", tt.preset, p)
			}
		}
		if got := Role(s); got != tt.preset {
			t.Errorf("Role(%s) = %q", tt.preset, got)
		}
	}
	if _, err := Preset("Owner"); err == nil {
		t.Error("unknown preset accepted")
	}
}

func TestRoleCustom(t *testing.T) {
	s := MustPreset(PresetPresenter)
	s[DataEnter] = true
	s[Embed] = true
	if got := Role(s); got != Custom {
		t.Errorf("got %q, want Custom", got)
	}
}

func TestNewSetRefusesUnknown(t *testing.T) {
	if _, err := NewSet("data.enter", "root"); err == nil {
		t.Fatal("unknown key accepted")
	}
	s, err := NewSet("data.enter", " ", "embed")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := s.Keys(), []string{"embed", "data.enter"}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestGrantCeiling(t *testing.T) {
	manager := MustSet(UsersManage, DataEnter)
	tests := []struct {
		name       string
		prev, next Set
		refused    []Permission
	}{
		{"grant held", MustSet(), MustSet(DataEnter), nil},
		{"grant not held", MustSet(), MustSet(InstanceAdmin), []Permission{InstanceAdmin}},
		{"keep not held", MustSet(InstanceAdmin), MustSet(InstanceAdmin, DataEnter), nil},
		{"remove not held", MustSet(InstanceAdmin), MustSet(), nil},
	}
	for _, tt := range tests {
		if got := CanGrant(manager, tt.prev, tt.next); !slices.Equal(got, tt.refused) {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.refused)
		}
	}
}

func TestScopeOf(t *testing.T) {
	tests := []struct {
		name     string
		perms    Set
		assigned bool
		want     Scope
	}{
		{"all scorecards wins over assignments", MustSet(ScorecardsAll), true, ScopeAll},
		{"all scorecards", MustSet(ScorecardsAll), false, ScopeAll},
		{"assignments", MustSet(DataEnter), true, ScopeAssigned},
		{"assignments with objects.edit", MustSet(ObjectsEdit), true, ScopeAssigned},
		{"objects.edit without assignments", MustSet(ObjectsEdit), false, ScopeLinked},
		{"neither", MustPreset(PresetDataEntry), false, ScopeNone},
		{"administration", MustPreset(PresetAdministration), false, ScopeAll},
		{"scorecard builder", MustPreset(PresetScorecardBuilder), false, ScopeLinked},
	}
	for _, tt := range tests {
		if got := ScopeOf(tt.perms, tt.assigned); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}
