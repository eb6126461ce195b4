package access

import "fmt"

// Preset names (SPEC §3.2). Custom is shown when a set matches no preset.
const (
	PresetAdministration   = "Administration"
	PresetScorecardBuilder = "Scorecard Builder"
	PresetDataEntry        = "Data Entry"
	PresetPresenter        = "Presenter"
	Custom                 = "Custom"
)

// PresetNames lists the presets in the order of the Edit User buttons.
var PresetNames = []string{PresetAdministration, PresetScorecardBuilder, PresetDataEntry, PresetPresenter}

// presetTitles are the presets whose names, as pages show them, hold a
// term, in the Common Terms' form like the permissions' names; the names
// above are the keys posted by the Edit User buttons and stored on a
// membership.
var presetTitles = map[string]string{PresetScorecardBuilder: "{scorecard} Builder"}

// PresetTitle is a preset's (or Custom's) name as pages show it, in the
// Common Terms' form.
func PresetTitle(name string) string {
	if t, ok := presetTitles[name]; ok {
		return t
	}
	return name
}

// adminLevel are the permissions Scorecard Builder lacks besides scorecards.all.
var adminLevel = MustSet(InstanceAdmin, Settings, UsersManage, Defaults, Language, Calendars, Import)

// Preset returns the permission set of a named preset.
func Preset(name string) (Set, error) {
	switch name {
	case PresetAdministration:
		s := make(Set, len(All))
		for _, p := range All {
			s[p.Key] = true
		}
		return s, nil
	case PresetScorecardBuilder:
		s := make(Set, len(All))
		for _, p := range All {
			if !adminLevel[p.Key] && p.Key != ScorecardsAll {
				s[p.Key] = true
			}
		}
		return s, nil
	case PresetDataEntry:
		return MustSet(CommentaryAdd, DataEnter, ActionsEdit, ActionsStatus, ActionsTodos), nil
	case PresetPresenter:
		return MustSet(CommentaryAdd, ActionsEdit, ActionsStatus, ActionsTodos), nil
	}
	return nil, fmt.Errorf("unknown preset %q", name)
}

// MustPreset is Preset for the constant names above.
func MustPreset(name string) Set {
	s, err := Preset(name)
	if err != nil {
		panic(err)
	}
	return s
}

// Role names a set: the preset it equals, or Custom.
func Role(s Set) string {
	for _, name := range PresetNames {
		if MustPreset(name).Equal(s) {
			return name
		}
	}
	return Custom
}

// CanGrant reports whether a manager holding `manager` may give a member
// the set `next` when the member held `prev`: every permission added must
// be one the manager holds (the grant ceiling). Permissions the manager
// lacks but the member already had may stay or go.
func CanGrant(manager, prev, next Set) []Permission {
	var refused []Permission
	for _, p := range All {
		if next[p.Key] && !prev[p.Key] && !manager[p.Key] {
			refused = append(refused, p.Key)
		}
	}
	return refused
}

// KeepsAdministration reports whether a set counts toward the rule that an
// instance always keeps an active member able to administer it.
func KeepsAdministration(s Set) bool {
	return s[InstanceAdmin] && s[UsersManage]
}
