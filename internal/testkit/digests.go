package testkit

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"yardstick/internal/model"
	"yardstick/internal/store"
)

// SeedDigestMembers adds members number from to from+n-1 to in, fast (a
// few statements per 500 rows): each with scorecards.all, the weekly
// digest on, the measures as favourites and actionsEach open actions
// assigned to it, ending around the store's now. Addresses are
// digest.NNNNNN@example.org. It returns the new membership ids in order.
func SeedDigestMembers(t testing.TB, s *store.Store, in model.Instance, from, n int, favorites []int64, actionsEach int) []int64 {
	t.Helper()
	ctx := context.Background()
	tx, err := s.DB().BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	now := s.Now()
	exec := func(head string, rows []string) {
		t.Helper()
		for i := 0; i < len(rows); i += 500 {
			if _, err := tx.ExecContext(ctx, head+strings.Join(rows[i:min(i+500, len(rows))], ", "), now); err != nil {
				t.Fatalf("%.60s…: %v", head, err)
			}
		}
	}
	var rows []string
	for i := from; i < from+n; i++ {
		email := fmt.Sprintf("digest.%06d@example.org", i)
		rows = append(rows, fmt.Sprintf("('%s', 'Member %06d', 'x', %d, 1, $1, $1)", email, i, in.ID))
	}
	exec(`INSERT INTO accounts (email, name, password_hash, home_instance_id, active_memberships, created_at, updated_at) VALUES `, rows)
	accounts := map[string]int64{}
	ids := func(query string, into func(id int64, key string)) {
		t.Helper()
		r, err := tx.QueryContext(ctx, query)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		for r.Next() {
			var id int64
			var key string
			if err := r.Scan(&id, &key); err != nil {
				t.Fatal(err)
			}
			into(id, key)
		}
		if err := r.Err(); err != nil {
			t.Fatal(err)
		}
	}
	ids(`SELECT id, email FROM accounts WHERE email LIKE 'digest.%'`, func(id int64, email string) { accounts[email] = id })
	rows = rows[:0]
	for i := from; i < from+n; i++ {
		email := fmt.Sprintf("digest.%06d@example.org", i)
		rows = append(rows, fmt.Sprintf(`(%d, %d, 'scorecards.all', 'Custom', 'Member', 1, TRUE,
			TRUE, FALSE, TRUE, 1, NULL, $1, $1, $1, '%s', 'Member %06d', 'member %06d', '%s')`, in.ID, accounts[email], email, i, i, email))
	}
	exec(`INSERT INTO memberships (instance_id, account_id, permissions, preset, role, perm_count, active,
		digest_weekly, digest_monthly, action_emails, version, last_activity_at, seen_at, created_at, updated_at,
		email, name, name_key, search_text) VALUES `, rows)
	members := make([]int64, 0, n)
	ids(fmt.Sprintf(`SELECT id, email FROM memberships WHERE instance_id = %d AND email LIKE 'digest.%%' ORDER BY id`, in.ID),
		func(id int64, email string) {
			var i int
			if _, err := fmt.Sscanf(email, "digest.%d@", &i); err == nil && i >= from && i < from+n {
				members = append(members, id)
			}
		})
	rows = rows[:0]
	for _, m := range members {
		for _, f := range favorites {
			rows = append(rows, fmt.Sprintf("(%d, %d, %d, $1)", in.ID, m, f))
		}
	}
	exec(`INSERT INTO favorites (instance_id, membership_id, measure_id, created_at) VALUES `, rows)
	rows = rows[:0]
	for i, m := range members {
		for k := range actionsEach {
			end := now.AddDate(0, 0, (i+k)%21-7).Format("2006-01-02")
			title := fmt.Sprintf("Action %06d-%d", i, k)
			rows = append(rows, fmt.Sprintf("(%d, '%s', '%s', '', NULL, '%s', 'On Track', %d, %d, %d, '', 1, $1, $1)",
				in.ID, title, strings.ToLower(title), end, (i*7+k*13)%100, m, m))
		}
	}
	exec(`INSERT INTO actions (instance_id, title, title_key, description, start_date, end_date, status, percent,
		assignee_id, assigner_id, tags, version, created_at, updated_at) VALUES `, rows)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	return members
}
