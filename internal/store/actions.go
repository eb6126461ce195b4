package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"yardstick/internal/access"
	"yardstick/internal/model"
)

// actionFilter is a condition on actions aliased ac: SPEC §8 and issue 14.
// scorecards.all sees every action; anyone else an action they are the
// assignee or the assigner of, or one linked to a scorecard or an object
// they can see. An action linked to nothing is seen only by those two and
// scorecards.all.
func (v Visibility) actionFilter(a *args, d Dialect) string {
	if v.Scope == access.ScopeAll {
		return "TRUE"
	}
	m := a.add(v.MembershipID)
	own := "ac.assignee_id = " + m + " OR ac.assigner_id = " + m
	var linked string
	switch v.Scope {
	case access.ScopeLinked:
		linked = "l.scorecard_id IS NOT NULL OR EXISTS (SELECT 1 FROM scorecard_objects so WHERE so.instance_id = l.instance_id AND so.object_id = l.object_id)"
	case access.ScopeAssigned:
		table, who := v.assignments(a)
		if d == Postgres {
			// Two searches, not one with an OR inside: PostgreSQL made the
			// OR a hash of every link of the instance (51 ms a page at
			// 100,000 actions); these two are served from the member's
			// assignments through the indexes (4 ms). SQLite is the other
			// way round (46 ms against 4 ms), so it keeps the OR.
			return "(" + own + " OR EXISTS (SELECT 1 FROM action_links l JOIN " + table +
				" ON ms.instance_id = l.instance_id AND ms.scorecard_id = l.scorecard_id" +
				" WHERE l.instance_id = ac.instance_id AND l.action_id = ac.id AND " + who + ")" +
				" OR EXISTS (SELECT 1 FROM action_links l JOIN scorecard_objects so ON so.instance_id = l.instance_id AND so.object_id = l.object_id" +
				" JOIN " + table + " ON ms.instance_id = so.instance_id AND ms.scorecard_id = so.scorecard_id" +
				" WHERE l.instance_id = ac.instance_id AND l.action_id = ac.id AND " + who + "))"
		}
		linked = "EXISTS (SELECT 1 FROM " + table + " WHERE ms.instance_id = l.instance_id AND " + who +
			" AND (ms.scorecard_id = l.scorecard_id OR EXISTS (SELECT 1 FROM scorecard_objects so WHERE so.instance_id = ms.instance_id" +
			" AND so.scorecard_id = ms.scorecard_id AND so.object_id = l.object_id)))"
	default:
		return "(" + own + ")"
	}
	return "(" + own + " OR EXISTS (SELECT 1 FROM action_links l WHERE l.instance_id = ac.instance_id AND l.action_id = ac.id AND (" + linked + ")))"
}

const actionCols = `ac.id, ac.instance_id, ac.title, ac.description, COALESCE(ac.start_date, ''), COALESCE(ac.end_date, ''), ac.status,
	ac.percent, COALESCE(ac.assignee_id, 0), COALESCE(ac.assigner_id, 0), COALESCE(ma.name, ''), COALESCE(mb.name, ''), COALESCE(ma.email, ''), ac.tags,
	ac.version, ac.assigned_at, ac.completed_at, ac.created_at, ac.updated_at`

const actionFrom = ` FROM actions ac` + actionJoins

// actionJoins are the names of an action's assignee and assigner.
const actionJoins = `
	LEFT JOIN memberships ma ON ma.instance_id = ac.instance_id AND ma.id = ac.assignee_id
	LEFT JOIN memberships mb ON mb.instance_id = ac.instance_id AND mb.id = ac.assigner_id`

func scanAction(sc interface{ Scan(...any) error }) (model.Action, error) {
	var x model.Action
	var tags string
	var assigned, completed sql.NullTime
	err := sc.Scan(&x.ID, &x.InstanceID, &x.Title, &x.Description, &x.StartDate, &x.EndDate, &x.Status, &x.Percent,
		&x.AssigneeID, &x.AssignerID, &x.Assignee, &x.Assigner, &x.AssigneeEmail, &tags, &x.Version, &assigned, &completed, &x.CreatedAt, &x.UpdatedAt)
	if tags != "" {
		x.Tags = strings.Split(tags, "\n")
	}
	if assigned.Valid {
		t := assigned.Time.UTC()
		x.AssignedAt = &t
	}
	if completed.Valid {
		t := completed.Time.UTC()
		x.CompletedAt = &t
	}
	return x, err
}

func nullText(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// CreateAction inserts an action (version 1) and returns it with its id.
func (q *Q) CreateAction(ctx context.Context, x model.Action) (model.Action, error) {
	now := q.Now()
	x.Version, x.CreatedAt, x.UpdatedAt = 1, now, now
	if x.AssigneeID != 0 {
		x.AssignedAt = &now
	}
	if x.Status == "Completed" {
		x.CompletedAt = &now
	}
	err := q.row(ctx, `INSERT INTO actions (instance_id, title, title_key, description, start_date, end_date, status, percent,
			assignee_id, assigner_id, tags, version, assigned_at, completed_at, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1, $12, $13, $14, $14) RETURNING id`,
		x.InstanceID, x.Title, Key(x.Title), x.Description, nullText(x.StartDate), nullText(x.EndDate), x.Status, x.Percent,
		nullID(x.AssigneeID), nullID(x.AssignerID), strings.Join(x.Tags, "\n"), x.AssignedAt, x.CompletedAt, now).Scan(&x.ID)
	return x, err
}

// UpdateAction writes an action's fields if it is still at x.Version
// (ErrConflict otherwise: someone saved in between) and returns it at its
// new version. Setting another assignee stamps assigned_at, and a status
// becoming Completed stamps completed_at (the notifications issue mails
// from them).
func (q *Q) UpdateAction(ctx context.Context, x model.Action) (model.Action, error) {
	now := q.Now()
	res, err := q.exec(ctx, `UPDATE actions SET title = $1, title_key = $2, description = $3, start_date = $4, end_date = $5,
			status = $6, percent = $7,
			assigned_at = CASE WHEN assignee_id IS NOT DISTINCT FROM $8 THEN assigned_at WHEN $8 IS NULL THEN NULL ELSE $9 END,
			assignee_id = $8,
			completed_at = CASE WHEN $6 = 'Completed' AND status <> 'Completed' THEN $9 WHEN $6 = 'Completed' THEN completed_at ELSE NULL END,
			tags = $10, version = version + 1, updated_at = $9
		WHERE instance_id = $11 AND id = $12 AND version = $13`,
		x.Title, Key(x.Title), x.Description, nullText(x.StartDate), nullText(x.EndDate), x.Status, x.Percent,
		nullID(x.AssigneeID), now, strings.Join(x.Tags, "\n"), x.InstanceID, x.ID, x.Version)
	if err := affectedOne(res, err); err != nil {
		if err == ErrNotFound {
			return x, ErrConflict
		}
		return x, err
	}
	if _, err := q.exec(ctx, `UPDATE action_reach SET title_key = $1, end_key = $2 WHERE instance_id = $3 AND action_id = $4`,
		Key(x.Title), x.EndDate, x.InstanceID, x.ID); err != nil {
		return x, err
	}
	return q.ActionByID(ctx, x.InstanceID, x.ID, SeeAll)
}

// ActionByID returns an action the visibility allows (ErrNotFound
// otherwise, whether it exists or not).
func (q *Q) ActionByID(ctx context.Context, instanceID, id int64, v Visibility) (model.Action, error) {
	a := args{instanceID, id}
	x, err := scanAction(q.row(ctx, `SELECT `+actionCols+actionFrom+` WHERE ac.instance_id = $1 AND ac.id = $2 AND `+v.actionFilter(&a, q.s.dialect), a...))
	return x, notFound(err)
}

// DeleteAction removes an action with its links, updates and to-dos, if
// it is at version (0: at any; ErrConflict when it is at another).
func (q *Q) DeleteAction(ctx context.Context, instanceID, id int64, version int) error {
	res, err := q.exec(ctx, `DELETE FROM actions WHERE instance_id = $1 AND id = $2 AND ($3 = 0 OR version = $3)`, instanceID, id, version)
	if err := affectedOne(res, err); errors.Is(err, ErrNotFound) && version != 0 {
		if _, err := q.ActionByID(ctx, instanceID, id, SeeAll); err == nil {
			return ErrConflict
		}
		return ErrNotFound
	} else if err != nil {
		return err
	}
	return nil
}

// LinkAction links an action to a scorecard or an object; a link already
// there is ErrConflict and changes nothing.
func (q *Q) LinkAction(ctx context.Context, instanceID, actionID int64, tg model.Target) error {
	col, id := targetCol(tg)
	res, err := q.exec(ctx, `INSERT INTO action_links (instance_id, action_id, `+col+`) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
		instanceID, actionID, id)
	if err := affectedOne(res, err); errors.Is(err, ErrNotFound) {
		return ErrConflict
	} else if err != nil {
		return err
	}
	return q.reachAction(ctx, instanceID, actionID)
}

// UnlinkAction removes one link.
func (q *Q) UnlinkAction(ctx context.Context, instanceID, actionID int64, tg model.Target) error {
	col, id := targetCol(tg)
	res, err := q.exec(ctx, `DELETE FROM action_links WHERE instance_id = $1 AND action_id = $2 AND `+col+` = $3`, instanceID, actionID, id)
	if err := affectedOne(res, err); err != nil {
		return err
	}
	return q.reachAction(ctx, instanceID, actionID)
}

// reachInsert adds the missing action_reach rows (0026) of the links cond
// selects (aliased l: an action's own scorecard links and the scorecards
// its objects sit under, aliased so): two statements, each joined on
// instance_id throughout, which Citus runs on the instance's shard.
func (q *Q) reachInsert(ctx context.Context, linkCond, objCond string, a ...any) error {
	const cols = `INSERT INTO action_reach (instance_id, scorecard_id, action_id, title_key, end_key) SELECT DISTINCT `
	const missing = ` AND NOT EXISTS (SELECT 1 FROM action_reach x WHERE x.instance_id = l.instance_id AND x.scorecard_id = %s AND x.action_id = l.action_id)`
	if _, err := q.exec(ctx, cols+`l.instance_id, l.scorecard_id, l.action_id, ac.title_key, COALESCE(ac.end_date, '')
		FROM action_links l JOIN actions ac ON ac.instance_id = l.instance_id AND ac.id = l.action_id
		WHERE l.scorecard_id IS NOT NULL AND `+linkCond+strings.Replace(missing, "%s", "l.scorecard_id", 1), a...); err != nil {
		return err
	}
	_, err := q.exec(ctx, cols+`l.instance_id, so.scorecard_id, l.action_id, ac.title_key, COALESCE(ac.end_date, '')
		FROM action_links l JOIN scorecard_objects so ON so.instance_id = l.instance_id AND so.object_id = l.object_id
			JOIN actions ac ON ac.instance_id = l.instance_id AND ac.id = l.action_id
		WHERE `+objCond+strings.Replace(missing, "%s", "so.scorecard_id", 1), a...)
	return err
}

// reachAction rewrites an action's reach rows after its links changed.
func (q *Q) reachAction(ctx context.Context, instanceID, actionID int64) error {
	if _, err := q.exec(ctx, `DELETE FROM action_reach WHERE instance_id = $1 AND action_id = $2`, instanceID, actionID); err != nil {
		return err
	}
	return q.reachInsert(ctx, "l.instance_id = $1 AND l.action_id = $2", "l.instance_id = $1 AND l.action_id = $2", instanceID, actionID)
}

// reachScorecard brings a scorecard's reach rows in line with its links
// and objects after its tree changed (rebuildReach). Only the difference
// is written: a structural edit of a scorecard with many actions reads
// their links but rewrites none of them.
func (q *Q) reachScorecard(ctx context.Context, instanceID, scorecardID int64) error {
	if _, err := q.exec(ctx, `DELETE FROM action_reach WHERE instance_id = $1 AND scorecard_id = $2
		AND NOT EXISTS (SELECT 1 FROM action_links l WHERE l.instance_id = action_reach.instance_id
			AND l.action_id = action_reach.action_id AND l.scorecard_id = action_reach.scorecard_id)
		AND NOT EXISTS (SELECT 1 FROM action_links l JOIN scorecard_objects so ON so.instance_id = l.instance_id AND so.object_id = l.object_id
			WHERE l.instance_id = action_reach.instance_id AND l.action_id = action_reach.action_id AND so.scorecard_id = action_reach.scorecard_id)`,
		instanceID, scorecardID); err != nil {
		return err
	}
	return q.reachInsert(ctx, "l.instance_id = $1 AND l.scorecard_id = $2", "so.instance_id = $1 AND so.scorecard_id = $2", instanceID, scorecardID)
}

// RebuildActionReach recomputes an instance's action_reach from its links,
// for data loaded around the store (benchmarks): the store's own writes
// keep it.
func (q *Q) RebuildActionReach(ctx context.Context, instanceID int64) error {
	if _, err := q.exec(ctx, `DELETE FROM action_reach WHERE instance_id = $1`, instanceID); err != nil {
		return err
	}
	return q.reachInsert(ctx, "l.instance_id = $1", "l.instance_id = $1", instanceID)
}

// ActionLinks lists what an action is linked to.
func (q *Q) ActionLinks(ctx context.Context, instanceID, actionID int64) ([]model.Target, error) {
	return collect(ctx, q, func(sc interface{ Scan(...any) error }) (model.Target, error) {
		var t model.Target
		var s, o sql.NullInt64
		err := sc.Scan(&s, &o)
		t.ScorecardID, t.ObjectID = s.Int64, o.Int64
		return t, err
	}, `SELECT scorecard_id, object_id FROM action_links WHERE instance_id = $1 AND action_id = $2 ORDER BY scorecard_id, object_id`, instanceID, actionID)
}

// ActionFilter selects and orders an action list.
type ActionFilter struct {
	Status     string // "": any
	AssigneeID int64  // 0: anyone
	Target     model.Target
	NotOn      model.Target // not linked to this scorecard or object ("Add Existing Action")
	Within     int64        // a scorecard: actions linked to it or to an object under it
	Open       bool         // neither Completed nor Cancelled
	Mine       int64        // assigned to or by this membership
	Tag        string       // "": any; else one of the action's tags, as written
	Text       string       // "": any; else found in the title, any case
	From, To   string       // YYYY-MM-DD or "": actions whose dates meet [From, To] (an open end meets all)
	Sort       string       // "title" (default) or "end"
	Desc       bool
	After      string
	Limit      int
}

// ActionPage is one page of actions.
type ActionPage struct {
	Actions []model.Action
	Next    string
}

// actionWhere is the conditions of an action list: the instance ($1,
// already in a), the visibility and the filter.
func (q *Q) actionWhere(f ActionFilter, v Visibility, a *args) []string {
	where := []string{"ac.instance_id = $1", v.actionFilter(a, q.s.dialect)}
	if f.Status != "" {
		where = append(where, "ac.status = "+a.add(f.Status))
	}
	if f.Open {
		where = append(where, "ac.status NOT IN ('Completed', 'Cancelled')")
	}
	if f.AssigneeID != 0 {
		where = append(where, "ac.assignee_id = "+a.add(f.AssigneeID))
	}
	if f.Mine != 0 {
		m := a.add(f.Mine)
		where = append(where, "(ac.assignee_id = "+m+" OR ac.assigner_id = "+m+")")
	}
	if f.Tag != "" {
		// Tags are lines of ac.tags; the filter finds one whole line, as
		// written (LIKE would fold ASCII case on SQLite only).
		find := "strpos"
		if q.s.dialect == SQLite {
			find = "instr"
		}
		where = append(where, find+"('\n' || ac.tags || '\n', "+a.add("\n"+f.Tag+"\n")+") > 0")
	}
	if f.NotOn != (model.Target{}) {
		col, id := targetCol(f.NotOn)
		where = append(where, "NOT EXISTS (SELECT 1 FROM action_links ln WHERE ln.instance_id = ac.instance_id AND ln.action_id = ac.id AND ln."+col+" = "+a.add(id)+")")
	}
	if f.Text != "" {
		where = append(where, `ac.title_key LIKE `+a.add("%"+escapeLike(Key(f.Text))+"%")+` ESCAPE '\'`)
	}
	if f.From != "" {
		where = append(where, "(ac.end_date IS NULL OR ac.end_date >= "+a.add(f.From)+")")
	}
	if f.To != "" {
		where = append(where, "(ac.start_date IS NULL OR ac.start_date <= "+a.add(f.To)+")")
	}
	if f.Target != (model.Target{}) {
		col, id := targetCol(f.Target)
		where = append(where, "EXISTS (SELECT 1 FROM action_links lt WHERE lt.instance_id = ac.instance_id AND lt.action_id = ac.id AND lt."+col+" = "+a.add(id)+")")
	}
	if f.Within != 0 {
		// The scorecard's actions (its own links and its objects') are one
		// range of action_reach, read once, not a search of links per action.
		where = append(where, "ac.id IN (SELECT rw.action_id FROM action_reach rw WHERE rw.instance_id = $1 AND rw.scorecard_id = "+a.add(f.Within)+")")
	}
	return where
}

// ListActions pages through the actions the visibility allows, by keyset
// on (sort column, id).
func (q *Q) ListActions(ctx context.Context, instanceID int64, f ActionFilter, v Visibility) (ActionPage, error) {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	col, reachCol := "ac.title_key", "r.title_key"
	if f.Sort == "end" {
		col, reachCol = "COALESCE(ac.end_date, '')", "r.end_key"
	}
	op, dir := ">", "ASC"
	if f.Desc {
		op, dir = "<", "DESC"
	}
	var key string
	var keyID int64
	if f.After != "" {
		var ok bool
		if key, keyID, ok = decodeCursor(f.After); !ok {
			return ActionPage{}, ErrBadCursor
		}
	}
	a := args{instanceID}
	var p keysetPage
	if v.Scope == access.ScopeAssigned && v.Assigned != nil {
		// The page's ids come in order from reachPage; the actions are
		// looked up by id (ordered by the page, so that the planner does not
		// walk the title index from the start to find them).
		p.query = `SELECT ` + actionCols + ` FROM (` + q.reachPage(f, v, reachCol, col, op, dir, key, keyID, &a) + `) p
			JOIN actions ac ON ac.instance_id = $1 AND ac.id = p.id` + actionJoins + `
			ORDER BY p.k ` + dir + `, p.id ` + dir
		p.args = a
	} else {
		// Many actions share an end date (or have none); titles are nearly
		// unique.
		o := keyOrder{col: col, idCol: "ac.id", desc: f.Desc, repeats: f.Sort == "end"}
		p = q.keyset(q.actionWhere(f, v, &a), a, o, f.After != "", key, keyID, func(where []string, order string) string {
			return `SELECT ` + actionCols + actionFrom + ` WHERE ` + strings.Join(where, " AND ") +
				` ORDER BY ` + order + ` LIMIT ` + strconv.Itoa(f.Limit+1)
		})
	}
	var page ActionPage
	err := q.readPage(ctx, p, f.Limit, func(rows *sql.Rows) error {
		x, err := scanAction(rows)
		if err != nil {
			return err
		}
		page.Actions = append(page.Actions, x)
		return nil
	})
	if err != nil {
		return ActionPage{}, err
	}
	if len(page.Actions) > f.Limit {
		page.Actions = page.Actions[:f.Limit]
		last := page.Actions[f.Limit-1]
		key := Key(last.Title)
		if f.Sort == "end" {
			key = last.EndDate
		}
		page.Next = encodeCursor(key, last.ID)
	}
	return page, nil
}

// reachPage is a page of the ids of the actions a member with assigned
// scorecards sees (ScopeAssigned), for ListActions: the first limit+1 in
// the list's order from each of its scorecards' reach (action_reach, one
// index range each) and from its own actions as assignee and assigner,
// merged and cut to limit+1. It is the same set as actionFilter's, read
// in order instead of checked action by action.
func (q *Q) reachPage(f ActionFilter, v Visibility, reachCol, col, op, dir, key string, keyID int64, a *args) string {
	rest := q.actionWhere(f, SeeAll, a) // the filter's own conditions on ac
	n := strconv.Itoa(f.Limit + 1)
	var after, reachAfter string
	if f.After != "" {
		k, id := a.add(key), a.add(keyID)
		after = " AND (" + col + ", ac.id) " + op + " (" + k + ", " + id + ")"
		reachAfter = " AND (" + reachCol + ", r.action_id) " + op + " (" + k + ", " + id + ")"
	}
	cond := strings.Join(rest, " AND ")
	// The actions themselves are read only for a filter on them (rest is
	// the instance and TRUE without one).
	join, reachCond := "", ""
	if len(rest) > 2 {
		join = " JOIN actions ac ON ac.instance_id = r.instance_id AND ac.id = r.action_id"
		reachCond = " AND " + cond
	}
	var arms []string
	for _, s := range v.Assigned {
		arms = append(arms, `SELECT `+reachCol+` AS k, r.action_id AS id FROM action_reach r`+join+`
			WHERE r.instance_id = $1 AND r.scorecard_id = `+a.add(s)+reachAfter+reachCond+`
			ORDER BY `+reachCol+` `+dir+`, r.action_id `+dir+` LIMIT `+n)
	}
	m := a.add(v.MembershipID)
	for _, who := range []string{"ac.assignee_id", "ac.assigner_id"} {
		arms = append(arms, `SELECT `+col+` AS k, ac.id AS id FROM actions ac
			WHERE `+who+` = `+m+after+` AND `+cond+`
			ORDER BY `+col+` `+dir+`, ac.id `+dir+` LIMIT `+n)
	}
	for i := range arms {
		arms[i] = "SELECT k, id FROM (" + arms[i] + ") a" + strconv.Itoa(i)
	}
	if q.s.dialect == SQLite {
		// A compound SELECT with its own ORDER BY: SQLite merges the arms
		// in order and stops at the LIMIT, where a union in a subquery was
		// built whole in a temporary table and sorted (member's page
		// 1.19 → 0.83 ms).
		return strings.Join(arms, " UNION ") + " ORDER BY 1 " + dir + ", 2 " + dir + " LIMIT " + n
	}
	// UNION ALL under DISTINCT with the order: PostgreSQL merges the arms'
	// ordered ranges (Merge Append, then Unique) and stops at the LIMIT,
	// reading about a page in all; a UNION was a hash of every arm's rows
	// and a sort (0.67 → 0.18 ms).
	return "SELECT DISTINCT k, id FROM (" + strings.Join(arms, " UNION ALL ") + ") u ORDER BY k " + dir + ", id " + dir + " LIMIT " + n
}

// AddActionUpdate logs a status update and moves the action to its status
// and percent, if it is still at version; it returns the new version.
func (q *Q) AddActionUpdate(ctx context.Context, instanceID, actionID int64, version int, authorID int64, body, status string, percent int) (int, error) {
	now := q.Now()
	res, err := q.exec(ctx, `UPDATE actions SET status = $1, percent = $2,
			completed_at = CASE WHEN $1 = 'Completed' AND status <> 'Completed' THEN $3 WHEN $1 = 'Completed' THEN completed_at ELSE NULL END,
			version = version + 1, updated_at = $3
		WHERE instance_id = $4 AND id = $5 AND version = $6`, status, percent, now, instanceID, actionID, version)
	if err := affectedOne(res, err); err != nil {
		if err == ErrNotFound {
			return 0, ErrConflict
		}
		return 0, err
	}
	_, err = q.exec(ctx, `INSERT INTO action_updates (instance_id, action_id, author_id, body, status, percent, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, instanceID, actionID, nullID(authorID), body, status, percent, now)
	return version + 1, err
}

// ActionUpdates lists an action's status log, newest first.
func (q *Q) ActionUpdates(ctx context.Context, instanceID, actionID int64) ([]model.ActionUpdate, error) {
	return collect(ctx, q, func(sc interface{ Scan(...any) error }) (model.ActionUpdate, error) {
		var u model.ActionUpdate
		err := sc.Scan(&u.ID, &u.ActionID, &u.Author, &u.Body, &u.Status, &u.Percent, &u.CreatedAt)
		return u, err
	}, `SELECT u.id, u.action_id, COALESCE(a.name, ''), u.body, u.status, u.percent, u.created_at FROM action_updates u
		LEFT JOIN accounts a ON a.id = u.author_id
		WHERE u.instance_id = $1 AND u.action_id = $2 ORDER BY u.id DESC`, instanceID, actionID)
}

// AddActionTodo adds a to-do to an action.
func (q *Q) AddActionTodo(ctx context.Context, instanceID int64, t model.ActionTodo) (model.ActionTodo, error) {
	t.CreatedAt = q.Now()
	err := q.row(ctx, `INSERT INTO action_todos (instance_id, action_id, title, assignee_id, due_date, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		instanceID, t.ActionID, t.Title, nullID(t.AssigneeID), nullText(t.DueDate), t.CreatedAt).Scan(&t.ID)
	return t, err
}

// ActionTodos lists an action's to-dos in the order they were added.
func (q *Q) ActionTodos(ctx context.Context, instanceID, actionID int64) ([]model.ActionTodo, error) {
	return collect(ctx, q, scanTodo, `SELECT t.id, t.action_id, t.title, COALESCE(t.assignee_id, 0), COALESCE(m.name, ''),
			COALESCE(m.email, ''), COALESCE(t.due_date, ''), t.done, t.done_at, t.created_at
		FROM action_todos t LEFT JOIN memberships m ON m.instance_id = t.instance_id AND m.id = t.assignee_id
		WHERE t.instance_id = $1 AND t.action_id = $2 ORDER BY t.id`, instanceID, actionID)
}

func scanTodo(sc interface{ Scan(...any) error }) (model.ActionTodo, error) {
	var t model.ActionTodo
	var done sql.NullTime
	err := sc.Scan(&t.ID, &t.ActionID, &t.Title, &t.AssigneeID, &t.Assignee, &t.AssigneeEmail, &t.DueDate, &t.Done, &done, &t.CreatedAt)
	if done.Valid {
		d := done.Time.UTC()
		t.DoneAt = &d
	}
	return t, err
}

// UpdateTodo changes a to-do's title, assignee and due date.
func (q *Q) UpdateTodo(ctx context.Context, instanceID int64, t model.ActionTodo) error {
	res, err := q.exec(ctx, `UPDATE action_todos SET title = $1, assignee_id = $2, due_date = $3
		WHERE instance_id = $4 AND action_id = $5 AND id = $6`,
		t.Title, nullID(t.AssigneeID), nullText(t.DueDate), instanceID, t.ActionID, t.ID)
	return affectedOne(res, err)
}

// DeleteTodo removes one to-do of an action.
func (q *Q) DeleteTodo(ctx context.Context, instanceID, actionID, todoID int64) error {
	res, err := q.exec(ctx, `DELETE FROM action_todos WHERE instance_id = $1 AND action_id = $2 AND id = $3`, instanceID, actionID, todoID)
	return affectedOne(res, err)
}

// SetTodoDone checks a to-do off or on again.
func (q *Q) SetTodoDone(ctx context.Context, instanceID, actionID, todoID int64, done bool) error {
	var at *time.Time
	if done {
		now := q.Now()
		at = &now
	}
	res, err := q.exec(ctx, `UPDATE action_todos SET done = $1, done_at = $2 WHERE instance_id = $3 AND action_id = $4 AND id = $5`,
		done, at, instanceID, actionID, todoID)
	return affectedOne(res, err)
}

// OpenTodosOf lists a member's open to-dos in actions the visibility
// allows, soonest due first (the dashboard's "My to-dos").
func (q *Q) OpenTodosOf(ctx context.Context, instanceID, membershipID int64, v Visibility, limit int) ([]model.ActionTodo, []string, error) {
	a := args{instanceID, membershipID}
	rows, err := q.query(ctx, `SELECT t.id, t.action_id, t.title, COALESCE(t.assignee_id, 0), '', COALESCE(t.due_date, ''), t.done, t.done_at,
			t.created_at, ac.title
		FROM action_todos t JOIN actions ac ON ac.instance_id = t.instance_id AND ac.id = t.action_id
		WHERE t.instance_id = $1 AND t.assignee_id = $2 AND NOT t.done AND `+v.actionFilter(&a, q.s.dialect)+`
		ORDER BY COALESCE(t.due_date, '9999-12-31'), t.id LIMIT `+strconv.Itoa(limit), a...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var todos []model.ActionTodo
	var titles []string
	for rows.Next() {
		var t model.ActionTodo
		var done sql.NullTime
		var title string
		if err := rows.Scan(&t.ID, &t.ActionID, &t.Title, &t.AssigneeID, &t.Assignee, &t.DueDate, &t.Done, &done, &t.CreatedAt, &title); err != nil {
			return nil, nil, err
		}
		todos, titles = append(todos, t), append(titles, title)
	}
	return todos, titles, rows.Err()
}
