package store

import (
	"strconv"
	"strings"

	"yardstick/internal/access"
)

// Visibility is the filter the app hands the store: the member's scope
// and, for ScopeAssigned, whose assignments count. The store turns it into
// a join; it decides nothing itself.
type Visibility struct {
	Scope        access.Scope
	MembershipID int64
	// KeyID is the API key whose assignments count instead of a member's
	// (api_key_scorecards, 0031); 0 for a member.
	KeyID      int64
	InstanceID int64 // the member's instance: what partners share with it is visible too (SPEC §12)
	// SharedAssigned are, for ScopeAssigned, the partners' scorecards
	// assigned to the member (MembershipAssignments): named as a list, so
	// a read of a partner's content reaches the owner's shard only, not
	// also the member's instance's (partner_assignments) in a subquery.
	SharedAssigned []int64
	// Assigned are, for ScopeAssigned, the member's own assigned
	// scorecards when there are at most AssignedListed (nil when more):
	// ListActions then reads their actions from action_reach.
	Assigned []int64
}

// AssignedListed is how many assigned scorecards a member may have for
// Visibility.Assigned to name them, and ListActions to read their actions
// from action_reach, one ordered index range each; with more, the member
// sees enough of the instance that walking the list's order and checking
// each action is as quick.
const AssignedListed = 32

// SeeAll is the visibility of operator commands and the instance itself
// (demo loader, integrity checks), never of a member.
var SeeAll = Visibility{Scope: access.ScopeAll}

// args collects positional parameters for SQL built in pieces.
type args []any

// add appends a parameter and returns its placeholder.
func (a *args) add(v any) string {
	*a = append(*a, v)
	return "$" + strconv.Itoa(len(*a))
}

// next adds a parameter and returns its placeholder, for a long
// statement whose every parameter appears once, in order: "?" on SQLite,
// whose numbered names ($1, …) cost a search of all the statement's names
// each, when it is prepared and again when bound (a 14,000-parameter
// INSERT took over a second); "$n" on PostgreSQL.
func (a *args) next(d Dialect, v any) string {
	if d == SQLite {
		*a = append(*a, v)
		return "?"
	}
	return a.add(v)
}

// idChunk is how many ids a query takes in one IN (…) where a list may be
// long (SQLite allows 32,766 parameters a statement, PostgreSQL 65,535).
const idChunk = 1000

// listMark opens every id list in SQL. Such a statement's text changes with
// the list's length, so the statement cache leaves it unprepared rather
// than fill up with one-off statements (stmtcache.go).
const listMark = "/* ids */ "

// list adds each distinct id as a parameter and returns "$i, $j, …" for
// IN (…), marked with listMark; an empty list matches nothing.
func (a *args) list(ids []int64) string {
	seen := map[int64]bool{}
	ph := make([]string, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			ph = append(ph, a.add(id))
		}
	}
	if len(ph) == 0 {
		return "NULL"
	}
	return listMark + strings.Join(ph, ", ")
}

// idSet adds ids as one parameter and returns a subquery of them, for IN
// (…): unlike list, its text does not change with the ids, so the
// statement is prepared once (SQLite took as long to prepare a statement
// of 1,000 placeholders as to run it).
func (a *args) idSet(d Dialect, ids []int64) string {
	if d == Postgres {
		return "SELECT unnest(" + a.add(ids) + "::bigint[])"
	}
	b := make([]byte, 0, len(ids)*8)
	b = append(b, '[')
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, id, 10)
	}
	return "SELECT value FROM json_each(" + a.add(string(append(b, ']'))) + ")"
}

// assignments names the table of the assignments that count, aliased ms,
// and the condition picking the member's or the key's rows from it: a key
// with assignments sees through the same joins as a member with them.
func (v Visibility) assignments(a *args) (table, who string) {
	if v.KeyID != 0 {
		return "api_key_scorecards ms", "ms.key_id = " + a.add(v.KeyID)
	}
	return "membership_scorecards ms", "ms.membership_id = " + a.add(v.MembershipID)
}

// objectFilter is a condition on objects aliased o.
func (v Visibility) objectFilter(a *args) string {
	switch v.Scope {
	case access.ScopeAll:
		return "TRUE"
	case access.ScopeLinked:
		return "EXISTS (SELECT 1 FROM scorecard_objects so WHERE so.instance_id = o.instance_id AND so.object_id = o.id)"
	case access.ScopeAssigned:
		table, who := v.assignments(a)
		return "EXISTS (SELECT 1 FROM scorecard_objects so JOIN " + table + " ON ms.instance_id = so.instance_id AND ms.scorecard_id = so.scorecard_id" +
			" WHERE so.instance_id = o.instance_id AND so.object_id = o.id AND " + who + ")"
	}
	return "FALSE"
}

// shareFilter is a condition on partner_shares aliased ps: shared with
// the member's instance and within its scope. SPEC §3.3: scorecards.all
// sees every shared scorecard, assigned members their assigned ones, and
// nobody else any.
func (v Visibility) shareFilter(a *args) string {
	switch v.Scope {
	case access.ScopeAll:
		return "ps.partner_instance = " + a.add(v.InstanceID)
	case access.ScopeAssigned:
		// The member's assignments are in its own instance, the shares
		// with their owner: the app read the assignments first.
		return "ps.partner_instance = " + a.add(v.InstanceID) + " AND ps.scorecard_id IN (" + a.list(v.SharedAssigned) + ")"
	}
	return "FALSE"
}

// sharedScorecardFilter is a condition on another instance's scorecards
// aliased s: shared with the member's instance and within its scope.
func (v Visibility) sharedScorecardFilter(a *args) string {
	return "EXISTS (SELECT 1 FROM partner_shares ps WHERE ps.instance_id = s.instance_id AND ps.scorecard_id = s.id AND " + v.shareFilter(a) + ")"
}

// sharedObjectFilter is a condition on another instance's objects aliased
// o: under a scorecard its owner shares with the member's instance, live
// through the reach table, within the member's scope.
func (v Visibility) sharedObjectFilter(a *args) string {
	return "EXISTS (SELECT 1 FROM scorecard_objects so JOIN partner_shares ps ON ps.instance_id = so.instance_id AND ps.scorecard_id = so.scorecard_id" +
		" WHERE so.instance_id = o.instance_id AND so.object_id = o.id AND " + v.shareFilter(a) + ")"
}

// scorecardFilter is a condition on scorecards aliased s.
func (v Visibility) scorecardFilter(a *args) string {
	switch v.Scope {
	case access.ScopeAll, access.ScopeLinked:
		return "TRUE"
	case access.ScopeAssigned:
		table, who := v.assignments(a)
		return "EXISTS (SELECT 1 FROM " + table + " WHERE ms.instance_id = s.instance_id AND ms.scorecard_id = s.id AND " + who + ")"
	}
	return "FALSE"
}
