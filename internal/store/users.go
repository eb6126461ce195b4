package store

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"
	"time"

	"yardstick/internal/model"
)

// Member counts are kept on the instance row in the same transaction as
// every membership change, so the users list never counts 100,000 rows;
// a change of active members also moves the account's count of its
// active memberships (accounts.active_memberships), which the session
// look-up reads on every request instead of counting memberships in every
// instance (on Citus, every shard).
func (q *Q) countMember(ctx context.Context, instanceID, accountID int64, total, active int) error {
	if _, err := q.exec(ctx, `UPDATE instances SET member_count = member_count + $1, active_count = active_count + $2 WHERE id = $3`,
		total, active, instanceID); err != nil {
		return err
	}
	if active == 0 {
		return nil
	}
	_, err := q.exec(ctx, `UPDATE accounts SET active_memberships = active_memberships + $1 WHERE id = $2`, active, accountID)
	return err
}

// MemberCounts returns the active and total member counts of an instance.
func (q *Q) MemberCounts(ctx context.Context, instanceID int64) (active, total int, err error) {
	err = q.row(ctx, `SELECT active_count, member_count FROM instances WHERE id = $1`, instanceID).Scan(&active, &total)
	return active, total, notFound(err)
}

// SeatsUsed counts active memberships whose home instance this is.
func (q *Q) SeatsUsed(ctx context.Context, instanceID int64) (int, error) {
	var n int
	err := q.row(ctx, `SELECT COUNT(*) FROM memberships m JOIN accounts a ON a.id = m.account_id
		WHERE m.instance_id = $1 AND m.active AND a.home_instance_id = $1`, instanceID).Scan(&n)
	return n, err
}

// LockInstance serializes changes to an instance's memberships for the
// rest of the transaction (PostgreSQL row lock; SQLite's immediate
// transactions already serialize writers), so rules that count members
// — the last administrator, seats — cannot be raced past.
func (q *Q) LockInstance(ctx context.Context, instanceID int64) error {
	if q.s.dialect != Postgres {
		return nil
	}
	var id int64
	return q.row(ctx, `SELECT id FROM instances WHERE id = $1 FOR UPDATE`, instanceID).Scan(&id)
}

// CountAdministrators counts active members holding both instance.admin
// and users.manage.
func (q *Q) CountAdministrators(ctx context.Context, instanceID int64) (int, error) {
	var n int
	err := q.row(ctx, `SELECT COUNT(*) FROM memberships WHERE instance_id = $1 AND active
		AND (',' || permissions || ',') LIKE '%,instance.admin,%' AND (',' || permissions || ',') LIKE '%,users.manage,%'`, instanceID).Scan(&n)
	return n, err
}

// MembershipByID returns a membership of the instance.
func (q *Q) MembershipByID(ctx context.Context, instanceID, id int64) (model.Membership, error) {
	m, err := scanMembership(q.row(ctx, `SELECT `+membershipCols+` FROM memberships WHERE instance_id = $1 AND id = $2`, instanceID, id))
	return m, notFound(err)
}

// UpdateMembership saves permissions, role, notifications and status of
// a membership edited from m.Version; a stale version is ErrConflict.
func (q *Q) UpdateMembership(ctx context.Context, m model.Membership) error {
	var wasActive bool
	var accountID int64
	if err := q.row(ctx, `SELECT active, account_id FROM memberships WHERE instance_id = $1 AND id = $2`, m.InstanceID, m.ID).
		Scan(&wasActive, &accountID); err != nil {
		return notFound(err)
	}
	// search_text is compared with its old value, and so are the sort
	// keys the sorted postings hold (migration 0017): a change of
	// notifications, or of permissions within the role that keeps their
	// count, leaves the search index as it is.
	res, err := q.exec(ctx, `UPDATE memberships SET permissions = $1, preset = $2, role = $3, perm_count = $4, active = $5,
		digest_weekly = $6, digest_monthly = $7, action_emails = $8, version = version + 1, updated_at = $9,
		search_text = lower(email || ' ' || name || ' ' || $3 || ' ' || CASE WHEN invited THEN 'invited' WHEN $5 THEN 'active' ELSE 'inactive' END),
		search_pending = search_pending OR search_text <> lower(email || ' ' || name || ' ' || $3 || ' ' || CASE WHEN invited THEN 'invited' WHEN $5 THEN 'active' ELSE 'inactive' END)
			OR perm_count <> $4 OR active <> $5
		WHERE instance_id = $10 AND id = $11 AND version = $12`,
		strings.Join(m.Permissions, ","), m.Preset, m.Role, len(m.Permissions), m.Active, m.DigestWeekly, m.DigestMonthly,
		m.ActionEmails, q.Now(), m.InstanceID, m.ID, m.Version)
	if err := affectedOne(res, err); err != nil {
		if err == ErrNotFound {
			return ErrConflict
		}
		return err
	}
	if wasActive != m.Active {
		return q.countMember(ctx, m.InstanceID, accountID, 0, boolInt(m.Active)-boolInt(wasActive))
	}
	return nil
}

// UpdateAccountIdentity changes an account's email and name and the
// copies its memberships keep (not those of invitations: an inviting
// instance keeps seeing only the email it typed). A taken email is
// ErrConflict.
func (q *Q) UpdateAccountIdentity(ctx context.Context, accountID int64, email, name string) error {
	res, err := q.exec(ctx, `UPDATE accounts SET email = $1, name = $2, updated_at = $3 WHERE id = $4`, email, name, q.Now(), accountID)
	if isUniqueViolation(err) {
		return ErrConflict
	}
	if err := affectedOne(res, err); err != nil {
		return err
	}
	_, err = q.exec(ctx, `UPDATE memberships SET email = $1, name = $2, name_key = lower($2),
		search_text = lower($1 || ' ' || $2 || ' ' || role || ' ' || CASE WHEN active THEN 'active' ELSE 'inactive' END), search_pending = TRUE
		WHERE account_id = $3 AND NOT invited`, email, name, accountID)
	return err
}

// UpdateAccountName changes an account's name and its memberships'
// copies, leaving the email alone.
func (q *Q) UpdateAccountName(ctx context.Context, accountID int64, name string) error {
	res, err := q.exec(ctx, `UPDATE accounts SET name = $1, updated_at = $2 WHERE id = $3`, name, q.Now(), accountID)
	if err := affectedOne(res, err); err != nil {
		return err
	}
	_, err = q.exec(ctx, `UPDATE memberships SET name = $1, name_key = lower($1),
		search_text = lower(email || ' ' || $1 || ' ' || role || ' ' || CASE WHEN active THEN 'active' ELSE 'inactive' END), search_pending = TRUE
		WHERE account_id = $2 AND NOT invited`, name, accountID)
	return err
}

// TouchMember sets a member's last activity directly, for tests and data
// loaders; the app moves it only through RecordActivity.
func (q *Q) TouchMember(ctx context.Context, membershipID int64, at time.Time) error {
	_, err := q.exec(ctx, `UPDATE memberships SET last_activity_at = $1, seen_at = $1 WHERE id = $2`, at, membershipID)
	return err
}

// MemberFilter selects and orders the users list.
type MemberFilter struct {
	Sort         string // email, name, activity, role, permissions, status
	Desc         bool
	Search       string
	HideInactive bool
	After        string
	Limit        int
}

// MemberPage is one page of the users list. Its memberships carry only
// what the list shows: id, role, email, name, active, last activity and
// the permission count (MembershipByID reads the whole record).
type MemberPage struct {
	Members []model.Membership
	Next    string
}

// memberSorts maps a sort name to its column; each has an index
// (instance_id, column, id).
var memberSorts = map[string]string{
	"email": "email", "name": "name_key", "activity": "seen_at", "role": "role", "permissions": "perm_count", "status": "active",
}

// maxMemberPage is the most members one ListMembers call returns: an
// assignment list's first page (app.PickerLimit).
const maxMemberPage = 500

// neverSeen is seen_at's default: the member has no activity yet.
var neverSeen = time.Unix(0, 0)

// ListMembers pages through an instance's members by keyset on (sort
// column, id): deep pages cost what the first does.
func (q *Q) ListMembers(ctx context.Context, instanceID int64, f MemberFilter) (MemberPage, error) {
	if q.s.dialect == Postgres && !q.inTx && strings.TrimSpace(f.Search) != "" && q.s.genericPlans(ctx) {
		// A search's statements take PostgreSQL's generic plans. Their
		// parameters (a term's gram range above all) made it plan them
		// afresh at every call, judging the cached plan dearer than a
		// custom one: 0.3–0.4 ms of planning each, a third of a rare term's
		// page (BenchmarkUsersList: rare terms 2.3–3.4× the first page
		// before, 2.2–2.8× in this transaction). SET LOCAL needs a
		// transaction; Citus keeps its own plans.
		var page MemberPage
		err := q.s.InTx(ctx, func(tq *Q) error {
			if _, err := tq.exec(ctx, `SET LOCAL plan_cache_mode = force_generic_plan`); err != nil {
				return err
			}
			var err error
			page, err = tq.listMembers(ctx, instanceID, f)
			return err
		})
		return page, err
	}
	return q.listMembers(ctx, instanceID, f)
}

func (q *Q) listMembers(ctx context.Context, instanceID int64, f MemberFilter) (MemberPage, error) {
	switch {
	case f.Limit <= 0:
		f.Limit = 50
	case f.Limit > maxMemberPage:
		f.Limit = maxMemberPage
	}
	col, ok := memberSorts[f.Sort]
	if !ok {
		col, f.Sort = "email", "email"
	}
	var cur *memberCursor
	if f.After != "" {
		key, id, ok := decodeCursor(f.After)
		if !ok {
			return MemberPage{}, ErrBadCursor
		}
		cur = &memberCursor{key: key, id: id}
		switch f.Sort {
		case "activity":
			t, err := time.Parse(time.RFC3339Nano, key)
			if err != nil {
				return MemberPage{}, ErrBadCursor
			}
			cur.value = t
		case "permissions":
			n, err := strconv.Atoi(key)
			if err != nil {
				return MemberPage{}, ErrBadCursor
			}
			cur.value = n
		case "status":
			cur.value = key == "1"
		default:
			cur.value = key
		}
	}
	// Only the columns the list shows (and the sort keys): fewer values
	// to parse per row on a page that must stay close to a static one.
	// last_activity_at is seen_at but for the epoch that stands for
	// never, so only seen_at is read: one time to parse per row, not two.
	// The name order's cursor is the stored name_key, read only for that
	// order: lowercasing the name again in Go could differ from the
	// database's lower() (SQLite's folds ASCII only) and skip rows.
	nameCol := ""
	if f.Sort == "name" {
		nameCol = ", name_key"
	}
	a := args{instanceID}
	where := []string{"instance_id = $1"}
	if f.HideInactive {
		where = append(where, "active")
	}
	query, from := "", "memberships"
	rare := false // the search reads only a rare term's members, not the sort's index
	if s := strings.TrimSpace(f.Search); s != "" {
		term := strings.ToLower(s)
		like := "%" + escapeLike(term) + "%"
		// A term few members hold is looked up in the search index and
		// only its members are read and sorted; a common one reads the
		// sort's index, where a page of matches comes soon, from where
		// its members start (the first page; later ones from the cursor).
		boundSort := boundSorts[f.Sort]
		if cur != nil {
			boundSort = 0 // a later page starts at its cursor: no bound to read
		}
		probe, kind, bound, err := q.rareTerm(ctx, instanceID, term, boundSort, f.Desc)
		if err != nil {
			return MemberPage{}, err
		}
		if kind == termCommon && bound.Valid && cur == nil && maxBoundGrams > 0 {
			// A common term's first page starts where its members do.
			query, a = q.boundedSearch(instanceID, f, col, like, bound.String, nameCol)
		}
		if query == "" {
			if kind == termRare {
				rare = true
				if q.s.dialect == SQLite {
					// Not the sort's index but the ids below. Only SQLite
					// needs the hint; Citus routes only on a bare instance_id.
					where[0] = "+instance_id = $1"
				}
				// The term's members, and those not yet indexed
				// (IndexPending), whose grams may be missing or stale: LIKE
				// decides for them too.
				grams := "SELECT membership_id FROM member_grams WHERE instance_id = $1 AND gram >= " +
					a.add(probe.lo) + " AND gram < " + a.add(probe.hi)
				pending := "SELECT id FROM memberships WHERE instance_id = $1 AND search_pending"
				ids := grams + " UNION ALL " + pending
				if q.s.dialect == Postgres {
					// Each arm holds fewer than rareGramCap ids (or the
					// term were common, or flooded): the LIMITs, with room
					// for indexing meanwhile, change no result and bound
					// the planner's estimate of them.
					lim := " LIMIT " + strconv.Itoa(4*rareGramCap)
					ids = "(" + grams + lim + ") UNION ALL (" + pending + lim + ")"
					// The ids first, as an array, each member read by its
					// key in a subquery the planner cannot merge (OFFSET 0),
					// then sorted. Planned as one query, a term's gram range
					// was estimated at one row and PostgreSQL sometimes
					// walked the sort's index from the cursor checking every
					// member against the ids (20,000 rows, 17 ms, for a rare
					// term's next page by status).
					from = "(SELECT instance_id, id, role, email, name, name_key, active, invited, seen_at, perm_count, search_text FROM memberships WHERE instance_id = $1 AND id = ANY(ARRAY(" + ids + ")) OFFSET 0) memberships"
				} else {
					where = append(where, "id IN ("+ids+")")
				}
			}
			where = append(where, `search_text LIKE `+a.add(like)+` ESCAPE '\'`)
		}
	}
	p := keysetPage{query: query, args: a} // a common term's first page from its bound
	if query == "" {
		var key any
		var id int64
		if cur != nil {
			key, id = cur.value, cur.id
		}
		// Keys repeat in every order but email, which is one member's in its
		// instance; a rare term's few members keep the one statement.
		o := keyOrder{col: col, idCol: "id", desc: f.Desc, repeats: !rare && f.Sort != "email"}
		p = q.keyset(where, a, o, cur != nil, key, id, func(where []string, order string) string {
			return `SELECT id, role, email, name, active, invited, ` + q.timeText("seen_at") + `, perm_count` + nameCol + `
		FROM ` + from + ` WHERE ` + strings.Join(where, " AND ") + ` ORDER BY ` + order + ` LIMIT ` + strconv.Itoa(f.Limit+1)
		})
	}
	// One allocation for the page (and the row that tells whether there
	// is a next one): growing a slice of memberships row by row copied
	// more than the rows were worth.
	list := make([]model.Membership, 0, f.Limit+1)
	var nameKey, lastNameKey string // the name order's key, and the page's last one
	err := q.readPage(ctx, p, f.Limit, func(rows *sql.Rows) error {
		list = append(list, model.Membership{InstanceID: instanceID})
		m := &list[len(list)-1]
		var seen textTime
		dest := []any{&m.ID, &m.Role, &m.Email, &m.Name, &m.Active, &m.Invited, &seen, &m.PermCount}
		if nameCol != "" {
			dest = append(dest, &nameKey)
		}
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		if len(list) == f.Limit {
			lastNameKey = nameKey
		}
		if seen.t.After(neverSeen) {
			t := seen.t.UTC()
			m.LastActivityAt = &t
		}
		return nil
	})
	if err != nil {
		return MemberPage{}, err
	}
	if len(list) <= f.Limit {
		return MemberPage{Members: list}, nil
	}
	page := MemberPage{Members: list[:f.Limit]}
	last := list[f.Limit-1]
	var key string
	switch f.Sort {
	case "email":
		key = last.Email
	case "name":
		key = lastNameKey
	case "activity":
		seen := neverSeen
		if last.LastActivityAt != nil {
			seen = *last.LastActivityAt
		}
		key = seen.UTC().Format(time.RFC3339Nano)
	case "role":
		key = last.Role
	case "permissions":
		key = strconv.Itoa(last.PermCount)
	case "status":
		key = strconv.Itoa(boolInt(last.Active))
	}
	page.Next = encodeCursor(key, last.ID)
	return page, nil
}

// Favorites lists a member's favourite measures the visibility allows: the
// instance's own and those under a scorecard one of owners (the instances
// sharing with it, SharingOwners) shares with it. A favourite of a partner
// measure that is no longer shared stays stored but unlisted, and lists
// again if it is shared again.
func (q *Q) Favorites(ctx context.Context, instanceID, membershipID int64, owners []int64, v Visibility) ([]model.Object, error) {
	// Two queries: the own ones name the instance (one shard on Citus);
	// the partner ones name their owners (their shards).
	a := args{instanceID, membershipID}
	own, err := collect(ctx, q, scanObject, `SELECT `+objectCols+objectFrom+`
		WHERE o.instance_id = $1 AND o.kind = 'measure'
		AND o.id IN (SELECT measure_id FROM favorites WHERE instance_id = $1 AND membership_id = $2) AND `+v.objectFilter(&a)+`
		ORDER BY o.title_key, o.id`, a...)
	if err != nil || len(owners) == 0 {
		return own, err
	}
	a = args{instanceID, membershipID}
	in := a.list(owners)
	shared, err := collect(ctx, q, scanObject, `SELECT `+objectCols+objectFrom+`
		WHERE o.instance_id IN (`+in+`) AND o.instance_id <> $1 AND o.kind = 'measure'
		AND o.id IN (SELECT measure_id FROM partner_favorites WHERE instance_id = $1 AND membership_id = $2 AND owner_instance IN (`+in+`))
		AND `+v.sharedObjectFilter(&a)+`
		ORDER BY o.title_key, o.id`, a...)
	if err != nil || len(shared) == 0 {
		return own, err
	}
	all := append(own, shared...)
	slices.SortStableFunc(all, func(x, y model.Object) int {
		if c := strings.Compare(Key(x.Title), Key(y.Title)); c != 0 {
			return c
		}
		return cmp.Compare(x.ID, y.ID)
	})
	return all, nil
}

// IsFavorite reports whether a measure is one of a member's favourites.
func (q *Q) IsFavorite(ctx context.Context, instanceID, membershipID, measureID int64) (bool, error) {
	var n int
	err := q.row(ctx, `SELECT (SELECT COUNT(*) FROM favorites WHERE instance_id = $1 AND membership_id = $2 AND measure_id = $3)
		+ (SELECT COUNT(*) FROM partner_favorites WHERE instance_id = $1 AND membership_id = $2 AND measure_id = $3)`,
		instanceID, membershipID, measureID).Scan(&n)
	return n > 0, err
}

// SetFavorite adds (on) or removes a favourite: a measure of the
// instance's own, or one under a scorecard a partner shares with it,
// which partner_favorites keeps with its owner (the database refuses a
// favourite that joins two instances anywhere else); the owner is looked
// for among the instances sharing with this one (SharingOwners), so the
// query names them. A measure that is neither is ErrNotFound.
func (q *Q) SetFavorite(ctx context.Context, instanceID, membershipID, measureID int64, on bool) error {
	if !on {
		for _, table := range []string{"favorites", "partner_favorites"} {
			if _, err := q.exec(ctx, `DELETE FROM `+table+` WHERE instance_id = $1 AND membership_id = $2 AND measure_id = $3`,
				instanceID, membershipID, measureID); err != nil {
				return err
			}
		}
		return nil
	}
	var n int
	if err := q.row(ctx, `SELECT COUNT(*) FROM objects WHERE instance_id = $1 AND id = $2`, instanceID, measureID).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		_, err := q.exec(ctx, `INSERT INTO favorites (instance_id, membership_id, measure_id, created_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT DO NOTHING`, instanceID, membershipID, measureID, q.Now())
		return err
	}
	owners, err := q.SharingOwners(ctx, instanceID)
	if err != nil || len(owners) == 0 {
		return cmp.Or(err, ErrNotFound)
	}
	var owner sql.NullInt64
	a := args{instanceID, measureID}
	if err := q.row(ctx, `SELECT MIN(ps.instance_id) FROM partner_shares ps JOIN scorecard_objects so
			ON so.instance_id = ps.instance_id AND so.scorecard_id = ps.scorecard_id
		WHERE ps.instance_id IN (`+a.list(owners)+`) AND ps.partner_instance = $1 AND so.object_id = $2`, a...).Scan(&owner); err != nil {
		return err
	}
	if !owner.Valid {
		return ErrNotFound
	}
	_, err = q.exec(ctx, `INSERT INTO partner_favorites (instance_id, membership_id, owner_instance, measure_id, created_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT DO NOTHING`, instanceID, membershipID, owner.Int64, measureID, q.Now())
	return err
}

// ValuesOf returns the data values of several measures in one query.
func (q *Q) ValuesOf(ctx context.Context, instanceID int64, measureIDs []int64) (map[int64][]model.DataValue, error) {
	out := map[int64][]model.DataValue{}
	if len(measureIDs) == 0 {
		return out, nil
	}
	a := args{instanceID}
	rows, err := q.query(ctx, `SELECT `+dataCols+` FROM data_values dv WHERE dv.instance_id = $1 AND dv.measure_id IN (`+a.list(measureIDs)+`)
		ORDER BY dv.measure_id, dv.period_key`, a...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		v, err := scanData(rows)
		if err != nil {
			return nil, err
		}
		out[v.MeasureID] = append(out[v.MeasureID], v)
	}
	return out, rows.Err()
}
