//go:build unix

package bench

import (
	"context"
	"fmt"
	"net/url"
	"testing"
	"time"

	"yardstick/internal/access"
	"yardstick/internal/model"
	"yardstick/internal/store"
	"yardstick/internal/testkit"
)

// usersIndex builds the users list's search index for members generated
// around the store (usersGenerate), as CreateMembership keeps it.
func usersIndex(b *testing.B, db *testkit.DB, in model.Instance) {
	b.Helper()
	start := time.Now()
	if err := db.Store.InTx(context.Background(), func(q *store.Q) error { return q.RebuildMemberSearch(context.Background(), in.ID) }); err != nil {
		b.Fatal(err)
	}
	// The steady state autovacuum reaches soon after a bulk insert: the
	// grams analyzed, and their pages all-visible, so that the index is
	// read without visiting the table.
	steady := `PRAGMA wal_checkpoint(TRUNCATE)`
	if db.Store.Dialect() == store.Postgres {
		steady = `VACUUM ANALYZE member_grams`
	}
	if _, err := db.Store.DB().ExecContext(context.Background(), steady); err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: indexed the search of %s in %v", db.Name, in.Code, time.Since(start).Round(time.Millisecond))
	usersIndexSize(b, db, in)
}

// usersIndexSize logs the rows and bytes of the search index tables (on
// SQLite the bytes of all instances, from dbstat where the build has it).
func usersIndexSize(b *testing.B, db *testkit.DB, in model.Instance) {
	b.Helper()
	ctx := context.Background()
	for _, table := range []string{"memberships", "member_grams", "member_gram_bounds"} {
		var rows int64
		if err := db.Store.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table+` WHERE instance_id = $1`, in.ID).Scan(&rows); err != nil {
			b.Fatal(err)
		}
		var bytes int64
		size := `SELECT pg_total_relation_size('` + table + `')`
		if db.Store.Dialect() == store.SQLite {
			size = `SELECT COALESCE(SUM(pgsize), 0) FROM dbstat WHERE name = '` + table + `' OR name IN
				(SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = '` + table + `')`
		}
		if err := db.Store.DB().QueryRowContext(ctx, size).Scan(&bytes); err != nil {
			b.Logf("%s: %s: %d rows (size: %v)", db.Name, table, rows, err)
			continue
		}
		b.Logf("%s: %s: %d rows, %.1f MiB with its indexes", db.Name, table, rows, float64(bytes)/(1<<20))
	}
}

// usersSearches are the terms the users list's search is measured with,
// from one member to all of them: a term the index finds few members
// for, and terms so common that the sort's index fills a page at once.
var usersSearches = []struct{ name, term string }{
	{"one", "042424@"},                // one member, by a piece of the email
	{"rare", usersSearch},             // a last name: 250 members
	{"medium", "aaron.ab"},            // a first and half a last name: 0.17%
	{"common", "thwaite"},             // half a last name: 5%
	{"short", "zy"},                   // two letters: 5%
	{"all", "example"},                // every member
	{"role", "administration"},        // 10%, by role
	{"status", "inactive"},            // 7.7%, by status
	{"span", "quarthwaite scorecard"}, // across two fields (name and role): 250 members
}

// usersSearchPages adds the search sub-benchmarks to BenchmarkUsersList:
// every term by email (the default sort), the rare and the common term in
// every other sort and on their next page.
func usersSearchPages(b *testing.B, db *testkit.DB, in model.Instance, page func(name, query, want string)) {
	b.Helper()
	ctx := context.Background()
	q := db.Store.Q()
	first := func(term, sort string, desc bool, after string) (model.Membership, string) {
		p, err := q.ListMembers(ctx, in.ID, store.MemberFilter{Search: term, Sort: sort, Desc: desc, After: after})
		if err != nil || len(p.Members) == 0 {
			b.Fatalf("search %q by %s: %v, %d members", term, sort, err, len(p.Members))
		}
		return p.Members[0], p.Next
	}
	for _, s := range usersSearches {
		var hits int
		if err := db.Store.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM memberships WHERE instance_id = $1 AND search_text LIKE $2`,
			in.ID, "%"+s.term+"%").Scan(&hits); err != nil {
			b.Fatal(err)
		}
		b.Logf("%s: search-%s %q matches %d members", db.Name, s.name, s.term, hits)
		m, _ := first(s.term, "email", false, "")
		page("search-"+s.name, "?q="+url.QueryEscape(s.term), m.Email)
	}
	for _, term := range []string{usersSearch, "thwaite"} {
		kind := map[string]string{usersSearch: "rare", "thwaite": "common"}[term]
		_, next := first(term, "email", false, "")
		m, _ := first(term, "email", false, next)
		page("search-"+kind+"-next", "?q="+term+"&after="+url.QueryEscape(next), m.Email)
		for _, sort := range []string{"name", "activity", "role", "permissions", "status"} {
			desc := sort == "activity"
			dir := ""
			if desc {
				dir = "&dir=desc"
			}
			m, next := first(term, sort, desc, "")
			page("search-"+kind+"-"+sort, "?q="+term+"&sort="+sort+dir, m.Email)
			m, _ = first(term, sort, desc, next)
			page("search-"+kind+"-"+sort+"-next", "?q="+term+"&sort="+sort+dir+"&after="+url.QueryEscape(next), m.Email)
		}
	}
}

// BenchmarkMemberWrites measures the membership writes the search index
// must follow, each in its own transaction through the store, in an
// instance of 100,000 members: add a person (account and membership),
// change a role, deactivate or reactivate, rename, and the last-activity
// touch; and "index", a person added and then indexed (IndexPending, what
// the app's background pass adds per member, a batch at a time); against a baseline transaction that updates one instance row,
// in the same run. x-base is the write's latency over the baseline's,
// from blocks of ten of each alternating (usersPaired's method).
func BenchmarkMemberWrites(b *testing.B) {
	eachDB(b, func(b *testing.B, db *testkit.DB) {
		ctx := context.Background()
		in := testkit.MustCreateInstance(b, db.Store, "WRIT", "Writes")
		usersGenerate(b, db, in, 0, usersMembers)
		usersIndex(b, db, in)
		if err := db.Store.Q().SetLicense(ctx, in.ID, "Standard", 10*usersMembers); err != nil {
			b.Fatal(err)
		}
		var ids []int64
		rows, err := db.Store.DB().QueryContext(ctx, `SELECT id FROM memberships WHERE instance_id = $1 ORDER BY id LIMIT 2000`, in.ID)
		if err != nil {
			b.Fatal(err)
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				b.Fatal(err)
			}
			ids = append(ids, id)
		}
		rows.Close()
		tx := func(fn func(q *store.Q) error) {
			if err := db.Store.InTx(ctx, fn); err != nil {
				b.Fatal(err)
			}
		}
		var n int
		next := func() int64 { n++; return ids[n%len(ids)] }
		base := func() {
			tx(func(q *store.Q) error { return q.SetLicense(ctx, in.ID, "Standard", 10*usersMembers) })
		}
		created := 0
		writes := []struct {
			name string
			fn   func()
		}{
			{"create", func() {
				created++
				tx(func(q *store.Q) error {
					email := fmt.Sprintf("new.person.%d.%d@example.net", created, time.Now().UnixNano())
					acct, err := q.CreateAccount(ctx, model.Account{Email: email, Name: "New Person", HomeInstanceID: &in.ID}, "x")
					if err != nil {
						return err
					}
					_, err = q.CreateMembership(ctx, model.Membership{InstanceID: in.ID, AccountID: acct.ID, Preset: access.PresetPresenter,
						Role: access.PresetPresenter, Permissions: access.MustPreset(access.PresetPresenter).Keys(), Active: true, ActionEmails: true})
					return err
				})
			}},
			{"role", func() {
				tx(func(q *store.Q) error {
					m, err := q.MembershipByID(ctx, in.ID, next())
					if err != nil {
						return err
					}
					p := access.PresetDataEntry
					if m.Preset == p {
						p = access.PresetPresenter
					}
					m.Preset, m.Role, m.Permissions = p, p, access.MustPreset(p).Keys()
					return q.UpdateMembership(ctx, m)
				})
			}},
			{"status", func() {
				tx(func(q *store.Q) error {
					m, err := q.MembershipByID(ctx, in.ID, next())
					if err != nil {
						return err
					}
					m.Active = !m.Active
					return q.UpdateMembership(ctx, m)
				})
			}},
			{"rename", func() {
				tx(func(q *store.Q) error {
					m, err := q.MembershipByID(ctx, in.ID, next())
					if err != nil {
						return err
					}
					return q.UpdateAccountName(ctx, m.AccountID, fmt.Sprintf("Renamed Person %d", n))
				})
			}},
			{"index", func() {
				// What the app's background pass pays per member written:
				// a create, then IndexPending of that one member.
				created++
				tx(func(q *store.Q) error {
					email := fmt.Sprintf("indexed.person.%d.%d@example.net", created, time.Now().UnixNano())
					acct, err := q.CreateAccount(ctx, model.Account{Email: email, Name: "Indexed Person", HomeInstanceID: &in.ID}, "x")
					if err != nil {
						return err
					}
					_, err = q.CreateMembership(ctx, model.Membership{InstanceID: in.ID, AccountID: acct.ID, Preset: access.PresetPresenter,
						Role: access.PresetPresenter, Permissions: access.MustPreset(access.PresetPresenter).Keys(), Active: true, ActionEmails: true})
					return err
				})
				tx(func(q *store.Q) error { _, err := q.IndexPending(ctx, in.ID, 1000); return err })
			}},
			{"touch", func() {
				tx(func(q *store.Q) error { return q.TouchMember(ctx, next(), db.Store.Now()) })
			}},
		}
		b.Run("base", func(b *testing.B) {
			for b.Loop() {
				base()
			}
		})
		for _, w := range writes {
			b.Run(w.name, func(b *testing.B) {
				if w.name == "index" { // not the backlog the other writes left
					tx(func(q *store.Q) error { _, err := q.IndexPending(ctx, in.ID, 1<<20); return err })
				}
				for b.Loop() {
					w.fn()
				}
				b.ReportMetric(pairedFn(w.fn, base), "x-base")
			})
		}
	})
}

// pairedFn alternates blocks of ten calls of a and of z for about a
// second (at least three blocks each) and returns a's mean wall-clock
// cost over z's.
func pairedFn(a, z func()) float64 {
	var wa, wz time.Duration
	block := func(f func(), w *time.Duration) {
		t := time.Now()
		for range 10 {
			f()
		}
		*w += time.Since(t)
	}
	start := time.Now()
	for n := 0; n < 3 || (n < 40 && time.Since(start) < time.Second); n++ {
		block(a, &wa)
		block(z, &wz)
	}
	return float64(wa) / float64(wz)
}
