package access

// Scope is which scorecards a member can access (SPEC §3.3), from which
// object visibility follows: an object is visible when it sits under an
// accessible scorecard; an object under none only with ScopeAll.
type Scope int

// The four scopes, from widest to narrowest.
const (
	ScopeNone     Scope = iota // no scorecard
	ScopeAssigned              // exactly the assigned scorecards
	ScopeLinked                // every scorecard of the instance (objects.edit, no assignments)
	ScopeAll                   // every scorecard and object, linked or not (scorecards.all)
)

// ScopeOf applies SPEC §3.3 to a member's permissions and whether it has
// scorecards assigned.
func ScopeOf(perms Set, hasAssignments bool) Scope {
	switch {
	case perms.Has(ScorecardsAll):
		return ScopeAll
	case hasAssignments:
		return ScopeAssigned
	case perms.Has(ObjectsEdit):
		return ScopeLinked
	}
	return ScopeNone
}

func (s Scope) String() string {
	return [...]string{"none", "assigned", "linked", "all"}[s]
}
