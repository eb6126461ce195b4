package store

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"
	"time"

	"yardstick/internal/model"
)

const membershipCols = `id, instance_id, account_id, permissions, preset, role, email, name, active, digest_weekly, digest_monthly, action_emails, version, last_activity_at, created_at, updated_at, invited`

func scanMembership(sc interface{ Scan(...any) error }) (model.Membership, error) {
	var m model.Membership
	var perms string
	var last sql.NullTime
	err := sc.Scan(&m.ID, &m.InstanceID, &m.AccountID, &perms, &m.Preset, &m.Role, &m.Email, &m.Name, &m.Active, &m.DigestWeekly, &m.DigestMonthly,
		&m.ActionEmails, &m.Version, &last, &m.CreatedAt, &m.UpdatedAt, &m.Invited)
	m.Permissions = splitPermissions(perms)
	if last.Valid {
		t := last.Time.UTC()
		m.LastActivityAt = &t
	}
	return m, err
}

func splitPermissions(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// CreateMembership adds an account to an instance. The account's email
// and name are copied from the accounts table; Role must be set by the
// caller (access.Role of the set). An invited membership is never active,
// and its copy of the name stays empty until the person accepts: the
// inviting instance learns nothing of the account but the email it typed.
func (q *Q) CreateMembership(ctx context.Context, m model.Membership) (model.Membership, error) {
	now := q.Now()
	m.CreatedAt, m.UpdatedAt, m.Version = now, now, 1
	if m.Role == "" {
		m.Role = m.Preset
	}
	if m.Invited {
		m.Active = false
	}
	err := q.row(ctx, `INSERT INTO memberships (instance_id, account_id, permissions, preset, role, perm_count, active, digest_weekly, digest_monthly,
			action_emails, version, created_at, updated_at, invited, email, name, name_key, search_text, search_pending)
		SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $11, $11, $12, a.email, CASE WHEN $12 THEN '' ELSE a.name END,
			CASE WHEN $12 THEN '' ELSE lower(a.name) END,
			lower(a.email || ' ' || CASE WHEN $12 THEN '' ELSE a.name END || ' ' || $5 || ' ' || $13), TRUE
		FROM accounts a WHERE a.id = $2 RETURNING id, email, name`,
		m.InstanceID, m.AccountID, strings.Join(m.Permissions, ","), m.Preset, m.Role, len(m.Permissions), m.Active,
		m.DigestWeekly, m.DigestMonthly, m.ActionEmails, now, m.Invited, statusWord(m)).Scan(&m.ID, &m.Email, &m.Name)
	if isUniqueViolation(err) {
		return m, ErrConflict
	}
	if err != nil {
		return m, err
	}
	return m, q.countMember(ctx, m.InstanceID, m.AccountID, 1, boolInt(m.Active))
}

// statusWord is the status the users list shows and searches.
func statusWord(m model.Membership) string {
	switch {
	case m.Invited:
		return "invited"
	case m.Active:
		return "active"
	}
	return "inactive"
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// MembershipOf returns an account's membership in an instance.
func (q *Q) MembershipOf(ctx context.Context, instanceID, accountID int64) (model.Membership, error) {
	m, err := scanMembership(q.row(ctx, `SELECT `+membershipCols+` FROM memberships WHERE instance_id = $1 AND account_id = $2`, instanceID, accountID))
	return m, notFound(err)
}

// Invitation is an instance's invitation waiting for an account's answer.
type Invitation struct {
	MembershipID int64
	InstanceID   int64
	Code, Name   string
	Preset       string
	CreatedAt    time.Time
}

// Invitations lists the invitations waiting for an account, oldest first.
// It spans instances by design: they are the account's own to answer.
func (q *Q) Invitations(ctx context.Context, accountID int64) ([]Invitation, error) {
	return collect(ctx, q, func(sc interface{ Scan(...any) error }) (Invitation, error) {
		var v Invitation
		err := sc.Scan(&v.MembershipID, &v.InstanceID, &v.Code, &v.Name, &v.Preset, &v.CreatedAt)
		return v, err
	}, `SELECT m.id, i.id, i.code, i.name, m.preset, m.created_at FROM memberships m JOIN instances i ON i.id = m.instance_id
		WHERE m.account_id = $1 AND m.invited ORDER BY m.created_at, m.id`, accountID)
}

// AcceptInvitation makes an account's invited membership active and gives
// it the account's name. ErrNotFound when there is no such invitation.
func (q *Q) AcceptInvitation(ctx context.Context, accountID, membershipID int64) (model.Membership, error) {
	var m model.Membership
	err := q.row(ctx, `UPDATE memberships SET invited = FALSE, active = TRUE, version = version + 1, updated_at = $1,
			email = a.email, name = a.name, name_key = lower(a.name),
			search_text = lower(a.email || ' ' || a.name || ' ' || memberships.role || ' active'), search_pending = TRUE
		FROM accounts a WHERE a.id = $2 AND memberships.id = $3 AND memberships.account_id = $2 AND memberships.invited
		RETURNING memberships.id, memberships.instance_id, memberships.email`, q.Now(), accountID, membershipID).
		Scan(&m.ID, &m.InstanceID, &m.Email)
	if err != nil {
		return m, notFound(err)
	}
	return m, q.countMember(ctx, m.InstanceID, accountID, 0, 1)
}

// DeleteInvitation removes an invited membership of the account (declined)
// in the instance. ErrNotFound when there is no such invitation.
func (q *Q) DeleteInvitation(ctx context.Context, accountID, membershipID int64) (model.Membership, error) {
	var m model.Membership
	err := q.row(ctx, `DELETE FROM memberships WHERE id = $1 AND account_id = $2 AND invited RETURNING id, instance_id, email`,
		membershipID, accountID).Scan(&m.ID, &m.InstanceID, &m.Email)
	if err != nil {
		return m, notFound(err)
	}
	return m, q.countMember(ctx, m.InstanceID, accountID, -1, 0)
}

// AccountInstances returns, for each account, the instances it has joined
// (accepted memberships, active or not), in one query per idChunk accounts.
func (q *Q) AccountInstances(ctx context.Context, accountIDs []int64) (map[int64][]int64, error) {
	ids := slices.Compact(slices.Sorted(slices.Values(accountIDs)))
	out := make(map[int64][]int64, len(ids))
	for chunk := range slices.Chunk(ids, idChunk) {
		var a args
		rows, err := q.query(ctx, `SELECT account_id, instance_id FROM memberships WHERE account_id IN (`+a.list(chunk)+`) AND NOT invited`, a...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var acct, in int64
			if err := rows.Scan(&acct, &in); err != nil {
				rows.Close()
				return nil, err
			}
			out[acct] = append(out[acct], in)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ManagedInstances returns the instances where an account is an active
// member holding users.manage.
func (q *Q) ManagedInstances(ctx context.Context, accountID int64) ([]int64, error) {
	return q.ids(ctx, `SELECT instance_id FROM memberships WHERE account_id = $1 AND active AND NOT invited
		AND (',' || permissions || ',') LIKE '%,users.manage,%' ORDER BY instance_id`, accountID)
}

// MemberInstances lists the instances where an account is an active member,
// by name.
func (q *Q) MemberInstances(ctx context.Context, accountID int64) ([]model.MemberInstance, error) {
	rows, err := q.query(ctx, `SELECT i.id, i.code, i.name FROM memberships m JOIN instances i ON i.id = m.instance_id
		WHERE m.account_id = $1 AND m.active ORDER BY i.name, i.code`, accountID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []model.MemberInstance
	for rows.Next() {
		var mi model.MemberInstance
		if err := rows.Scan(&mi.InstanceID, &mi.Code, &mi.Name); err != nil {
			return nil, err
		}
		out = append(out, mi)
	}
	return out, rows.Err()
}

// MembershipByCode returns an instance, by normalized code, with an
// account's membership in it. ErrNotFound when either is missing: to a
// non-member another instance does not exist. Two queries: the instance
// from its reference table, then the membership naming its instance (on
// Citus a join on the code would reach every shard).
func (q *Q) MembershipByCode(ctx context.Context, code string, accountID int64) (model.Instance, model.Membership, error) {
	var r memberRow
	err := q.row(ctx, `SELECT `+memberInstanceCols+` FROM instances i WHERE i.code = $1`, code).Scan(r.instanceDest()...)
	if err == nil {
		err = r.scanMembership(ctx, q, accountID)
	}
	r.finish()
	return r.in, r.m, notFound(err)
}

// memberInstanceCols and memberMembershipCols are an instance's and a
// membership's columns, as memberRow scans them.
const memberInstanceCols = `i.id, i.code, i.name, i.license_type, i.seats, i.welcome_mode, i.time_zone, i.created_at,
	i.member_count, i.active_count, i.data_period, i.logo_version, i.terms, i.multi_site, i.parent_id`

const memberMembershipCols = `m.id, m.instance_id, m.account_id, m.permissions, m.preset, m.active, m.digest_weekly, m.digest_monthly, m.action_emails,
	m.version, m.last_activity_at, m.created_at, m.updated_at`

type memberRow struct {
	in          model.Instance
	m           model.Membership
	perms       string
	last        sql.NullTime
	own, shared sql.NullString
}

func (r *memberRow) instanceDest() []any {
	in := &r.in
	return []any{&in.ID, &in.Code, &in.Name, &in.LicenseType, &in.Seats, &in.WelcomeMode, &in.TimeZone, &in.CreatedAt,
		&in.MemberCount, &in.ActiveCount, &in.DataPeriod, &in.LogoVersion, &in.Terms, &in.MultiSite, &in.ParentID}
}

// scanMembership reads the account's membership in r's instance, naming
// the instance (one shard on Citus), with its assignments
// (MembershipAssignments' lists, joined by commas): the visibility of
// every page of a member without All Scorecards needs them, and a
// subquery here costs less than a second round trip. So does the count of
// its unread notifications, which every page's bell shows. The subqueries
// name the instance themselves: so Citus routes the whole to its one shard.
func (r *memberRow) scanMembership(ctx context.Context, q *Q, accountID int64) error {
	m := &r.m
	join := "group_concat(scorecard_id, ',')"
	if q.s.dialect == Postgres {
		join = "string_agg(scorecard_id::text, ',')"
	}
	return q.row(ctx, `SELECT `+memberMembershipCols+`,
			(SELECT `+join+` FROM (SELECT scorecard_id FROM membership_scorecards ms WHERE ms.instance_id = $1 AND ms.membership_id = m.id
				ORDER BY scorecard_id LIMIT `+strconv.Itoa(AssignedListed+1)+`) o),
			(SELECT `+join+` FROM partner_assignments pa WHERE pa.instance_id = $1 AND pa.membership_id = m.id),
			`+unreadCount("m.id")+`
		FROM memberships m WHERE m.instance_id = $1 AND m.account_id = $2`, r.in.ID, accountID).
		Scan(&m.ID, &m.InstanceID, &m.AccountID, &r.perms, &m.Preset, &m.Active, &m.DigestWeekly, &m.DigestMonthly, &m.ActionEmails,
			&m.Version, &r.last, &m.CreatedAt, &m.UpdatedAt, &r.own, &r.shared, &m.Unread)
}

func (r *memberRow) finish() {
	r.m.Permissions = splitPermissions(r.perms)
	r.m.Assignments = &model.Assignments{Own: splitIDs(r.own.String), Shared: splitIDs(r.shared.String)}
	slices.Sort(r.m.Assignments.Own)
	slices.Sort(r.m.Assignments.Shared)
	if r.last.Valid {
		t := r.last.Time.UTC()
		r.m.LastActivityAt = &t
	}
}

// MembershipIDsIn returns which of ids are memberships of the instance,
// ascending, in one query per idChunk ids: an assignment list may name
// thousands.
func (q *Q) MembershipIDsIn(ctx context.Context, instanceID int64, ids []int64) ([]int64, error) {
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	var out []int64
	for chunk := range slices.Chunk(ids, idChunk) {
		a := args{instanceID}
		known, err := q.ids(ctx, `SELECT id FROM memberships WHERE instance_id = $1 AND id IN (`+a.list(chunk)+`) ORDER BY id`, a...)
		if err != nil {
			return nil, err
		}
		out = append(out, known...)
	}
	return out, nil
}
