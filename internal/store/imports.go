package store

import (
	"context"
	"database/sql"
	"strings"
	"time"
)

// Import is an uploaded Import Users file.
type Import struct {
	ID           int64
	InstanceID   int64
	MembershipID int64 // 0 for the operator's command
	FileName     string
	FileHash     string
	Content      string
	Results      string
	CreatedAt    time.Time
	RanAt        *time.Time
}

// CreateImport keeps an uploaded file for its dry run and run.
func (q *Q) CreateImport(ctx context.Context, im Import) (Import, error) {
	im.CreatedAt = q.Now()
	err := q.row(ctx, `INSERT INTO imports (instance_id, membership_id, file_name, file_hash, content, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		im.InstanceID, nullID(im.MembershipID), im.FileName, im.FileHash, im.Content, im.CreatedAt).Scan(&im.ID)
	return im, err
}

// ImportByID returns an upload of the instance.
func (q *Q) ImportByID(ctx context.Context, instanceID, id int64) (Import, error) {
	var im Import
	var ran sql.NullTime
	var member sql.NullInt64
	err := q.row(ctx, `SELECT id, instance_id, membership_id, file_name, file_hash, content, results, created_at, ran_at
		FROM imports WHERE instance_id = $1 AND id = $2`, instanceID, id).
		Scan(&im.ID, &im.InstanceID, &member, &im.FileName, &im.FileHash, &im.Content, &im.Results, &im.CreatedAt, &ran)
	if ran.Valid {
		t := ran.Time.UTC()
		im.RanAt = &t
	}
	im.MembershipID = member.Int64
	return im, notFound(err)
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// FinishImport stores a run's results; an upload runs once.
func (q *Q) FinishImport(ctx context.Context, instanceID, id int64, results string) error {
	res, err := q.exec(ctx, `UPDATE imports SET results = $1, ran_at = $2 WHERE instance_id = $3 AND id = $4 AND ran_at IS NULL`,
		results, q.Now(), instanceID, id)
	if err := affectedOne(res, err); err == ErrNotFound {
		return ErrConflict
	} else {
		return err
	}
}

// AccountsByEmail returns the accounts of the given emails in one query.
func (q *Q) AccountsByEmail(ctx context.Context, emails []string) (map[string]AccountBrief, error) {
	out := map[string]AccountBrief{}
	if len(emails) == 0 {
		return out, nil
	}
	// Batches keep the parameter count far below both databases' limits.
	for start := 0; start < len(emails); start += 1000 {
		batch := emails[start:min(start+1000, len(emails))]
		a := args{}
		ph := make([]string, len(batch))
		for i, e := range batch {
			ph[i] = a.add(e)
		}
		rows, err := q.query(ctx, `SELECT id, email, name, COALESCE(home_instance_id, 0) FROM accounts WHERE email IN (`+strings.Join(ph, ", ")+`)`, a...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var b AccountBrief
			if err := rows.Scan(&b.ID, &b.Email, &b.Name, &b.HomeInstanceID); err != nil {
				rows.Close()
				return nil, err
			}
			out[b.Email] = b
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// AccountBrief is what an import needs of an account.
type AccountBrief struct {
	ID             int64
	Email, Name    string
	HomeInstanceID int64 // 0 when none
}

// MembersOfAccounts returns, for accounts, their membership in the
// instance (account id → membership id and active), in one query per batch.
func (q *Q) MembersOfAccounts(ctx context.Context, instanceID int64, accountIDs []int64) (map[int64]MemberBrief, error) {
	out := map[int64]MemberBrief{}
	for start := 0; start < len(accountIDs); start += 1000 {
		batch := accountIDs[start:min(start+1000, len(accountIDs))]
		a := args{instanceID}
		rows, err := q.query(ctx, `SELECT account_id, id, active, invited FROM memberships WHERE instance_id = $1 AND account_id IN (`+a.list(batch)+`)`, a...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var acct int64
			var b MemberBrief
			if err := rows.Scan(&acct, &b.ID, &b.Active, &b.Invited); err != nil {
				rows.Close()
				return nil, err
			}
			out[acct] = b
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// MemberBrief is what an import needs of a membership.
type MemberBrief struct {
	ID      int64
	Active  bool
	Invited bool
}
