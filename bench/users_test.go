//go:build unix

package bench

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"yardstick/internal/access"
	"yardstick/internal/model"
	"yardstick/internal/store"
	"yardstick/internal/testkit"
)

// usersMembers is the size of the instance the users list is measured on.
const usersMembers = 100_000

// usersSmall is the size the query count is first taken at: a page must
// cost the same number of statements at 1,000 members as at 100,000.
const usersSmall = 1_000

// usersMaxQueries bounds the statements one users-list request may run
// (session, membership, page, counts and a little slack).
const usersMaxQueries = 8

// BenchmarkUsersList measures the users list (SPEC §4) of an instance with
// 100,000 members — the first page, the page at row 50,000, the sort by
// last activity, a search and every other sort — against /healthz, the
// hello-world handler of the same server, in the same run. Targets (see
// the issue): first ≥ 20% of hello's throughput (metric of-hello ≥ 0.20);
// deep pages and every sort ≤ 1.25× the first page's latency (metric
// x-first ≤ 1.25). Both metrics come from blocks of requests interleaved
// with the baseline's (usersPaired), which a shared, noisy machine skews
// far less than req/s figures taken minutes apart. On SQLite, where the
// whole stack is this process, cpu-of-hello and cpu-x-first are the same
// ratios in CPU time, which other load skews least. Setup fails unless
// one request runs the same, small number of queries at 1,000 and at
// 100,000 members.
func BenchmarkUsersList(b *testing.B) {
	eachDB(b, func(b *testing.B, db *testkit.DB) {
		ctx := context.Background()
		s := newSite(b, db)
		in := testkit.MustCreateInstance(b, db.Store, "BENCH", "Bench Community")
		testkit.MustCreateMember(b, db.Store, in, "ada@example.org", access.PresetAdministration)
		c := s.client()
		s.login(b, c, "ada@example.org")
		users := s.srv.URL + "/i/BENCH/admin/users"

		// Query counts at 1,000 members, then at 100,000.
		usersGenerate(b, db, in, 0, usersSmall-1)
		usersIndex(b, db, in)
		probes := []string{"", "?sort=activity&dir=desc", "?q=" + usersSearch, "?sort=role"}
		small := make([]int64, len(probes))
		for i, p := range probes {
			small[i] = usersQueries(b, db, c, users+p)
		}
		usersGenerate(b, db, in, usersSmall-1, usersMembers)
		usersIndex(b, db, in)
		for i, p := range probes {
			big := usersQueries(b, db, c, users+p)
			b.Logf("%s: GET admin/users%s: %d queries at %d members, %d at %d", db.Name, p, small[i], usersSmall, big, usersMembers+1)
			if big != small[i] || big > usersMaxQueries {
				b.Fatalf("GET admin/users%s: %d queries at %d members, %d at %d; want equal and ≤ %d",
					p, small[i], usersSmall, big, usersMembers+1, usersMaxQueries)
			}
		}

		// The pages measured really are what they claim to be.
		total := strconv.Itoa(usersMembers+1) + " total"
		mustContain(b, c, users, total)
		deepEmail := usersCursor(b, db, in, "email", false, usersMembers/2)
		deepActivity := usersCursor(b, db, in, "activity", true, usersMembers/2)
		deepRole := usersCursor(b, db, in, "role", false, usersMembers/2) // in a role tens of thousands hold
		var hits int
		if err := db.Store.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM memberships WHERE instance_id = $1 AND search_text LIKE $2`,
			in.ID, "%"+usersSearch+"%").Scan(&hits); err != nil {
			b.Fatal(err)
		}
		if hits < 100 || hits > 1000 {
			b.Fatalf("search %q matches %d members, want a few hundred", usersSearch, hits)
		}
		b.Logf("%s: search %q matches %d of %d members", db.Name, usersSearch, hits, usersMembers+1)

		hello, first := s.srv.URL+"/healthz", users
		b.Logf("%s: GET /healthz: %d queries", db.Name, usersQueries(b, db, c, hello))
		b.Run("hello", func(b *testing.B) {
			for b.Loop() {
				get(b, c, hello, http.StatusOK)
			}
			reqPerSec(b)
		})
		page := func(name, query, want string) {
			u := users + query
			mustContain(b, c, u, want)
			b.Logf("%s: %s: %d bytes", db.Name, name, get(b, c, u, http.StatusOK))
			b.Run(name, func(b *testing.B) {
				for b.Loop() {
					get(b, c, u, http.StatusOK)
				}
				reqPerSec(b)
				// The ratios come from requests interleaved with the
				// baseline's, so that load from elsewhere on the machine
				// weighs on both sides alike.
				wall, cpu := usersPaired(b, c, hello, u)
				b.ReportMetric(wall, "of-hello") // throughput relative to hello
				if db.Name == "sqlite" {
					b.ReportMetric(cpu, "cpu-of-hello")
				}
				if name != "first" {
					wall, cpu := usersPaired(b, c, u, first)
					b.ReportMetric(wall, "x-first") // latency relative to the first page
					if db.Name == "sqlite" {
						b.ReportMetric(cpu, "cpu-x-first")
					}
				}
			})
		}
		page("first", "", usersRow(b, db, in, "email", false, 0).Email)
		page("deep", "?after="+url.QueryEscape(deepEmail.cursor), deepEmail.next.Email)
		page("activity", "?sort=activity&dir=desc", usersRow(b, db, in, "activity", true, 0).Email)
		page("activity-deep", "?sort=activity&dir=desc&after="+url.QueryEscape(deepActivity.cursor), deepActivity.next.Email)
		page("role-deep", "?sort=role&after="+url.QueryEscape(deepRole.cursor), deepRole.next.Email)
		var hit string
		if err := db.Store.DB().QueryRowContext(ctx, `SELECT email FROM memberships WHERE instance_id = $1 AND search_text LIKE $2
			ORDER BY email, id LIMIT 1`, in.ID, "%"+usersSearch+"%").Scan(&hit); err != nil {
			b.Fatal(err)
		}
		page("search", "?q="+usersSearch, hit)
		usersSearchPages(b, db, in, page)
		for _, sort := range []string{"name", "role", "permissions", "status"} {
			page(sort, "?sort="+sort, usersRow(b, db, in, sort, false, 0).Email)
		}
		var firstActive string
		if err := db.Store.DB().QueryRowContext(ctx, `SELECT email FROM memberships WHERE instance_id = $1 AND active
			ORDER BY email, id LIMIT 1`, in.ID).Scan(&firstActive); err != nil {
			b.Fatal(err)
		}
		page("hide-inactive", "?hide=1", firstActive)
	})
}

// usersPaired alternates blocks of ten requests to a and to z (for about
// a second, at least three blocks each) and returns the ratios of their
// total wall-clock times and of the process CPU time they took: a's mean
// cost over z's, the inverse of their throughputs. Blocks rather than
// single requests keep most of the garbage collection a page causes on
// its own side. CPU time is what load from other processes skews least,
// but it counts only this process: the server, the client and SQLite, not
// a PostgreSQL server.
func usersPaired(b *testing.B, c *http.Client, a, z string) (wall, cpu float64) {
	b.Helper()
	var wa, wz, ca, cz time.Duration
	block := func(u string, w, c0 *time.Duration) {
		t, ct := time.Now(), usersCPU(b)
		for range 10 {
			get(b, c, u, http.StatusOK)
		}
		*w += time.Since(t)
		*c0 += usersCPU(b) - ct
	}
	start := time.Now()
	for n := 0; n < 3 || (n < 40 && time.Since(start) < time.Second); n++ {
		block(a, &wa, &ca)
		block(z, &wz, &cz)
	}
	return float64(wa) / float64(wz), float64(ca) / float64(cz)
}

// usersCPU is the user and system CPU time this process has used.
func usersCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// usersQueries fetches u twice (the first settles session and activity
// writes) and returns the statements the second request ran.
func usersQueries(b *testing.B, db *testkit.DB, c *http.Client, u string) int64 {
	b.Helper()
	get(b, c, u, http.StatusOK)
	before := db.Store.QueryCount()
	get(b, c, u, http.StatusOK)
	return db.Store.QueryCount() - before
}

// Generated people: first × last names, so that one last name (the
// search) is a few hundred members and emails sort by first name.
var (
	usersFirst = []string{"Aaron", "Beatrix", "Carlos", "Dagny", "Emeka", "Fatima", "Gustav", "Hana", "Ivan", "Jia",
		"Kofi", "Leila", "Mateo", "Nadia", "Oskar", "Priya", "Quentin", "Rosa", "Sven", "Tamar",
		"Umar", "Vera", "Wendell", "Ximena", "Yusuf", "Zofia", "Anouk", "Bram", "Chidi", "Dolores"}
	usersLastA = []string{"Ab", "Bel", "Cor", "Dun", "Elm", "Fenn", "Gar", "Hol", "Ivo", "Jor", "Kel", "Lam", "Mor",
		"Nor", "Ost", "Pel", "Quar", "Rid", "Sol", "Tov"}
	usersLastB = []string{"quist", "wright", "hagen", "brook", "stadt", "ley", "mond", "vik", "ford", "zynski",
		"ridge", "holm", "combe", "ruddock", "thwaite", "bury", "ski", "dottir", "heim", "oyelaran"}
)

// usersSearch matches one generated last name (and so that member's email).
const usersSearch = "quarthwaite"

// usersPerson is member i's email and name.
func usersPerson(i int) (email, name string) {
	first := usersFirst[i%len(usersFirst)]
	j := (i * 37) % (len(usersLastA) * len(usersLastB)) // every last name once in 400 members
	last := usersLastA[j/len(usersLastB)] + usersLastB[j%len(usersLastB)]
	name = first + " " + last
	return strings.ToLower(fmt.Sprintf("%s.%s.%06d@example.org", first, last, i)), name
}

// usersPerms gives member i a preset's permissions (most) or a custom set.
func usersPerms(i int) (perms []string, preset, role string) {
	switch i % 10 {
	case 0:
		preset = access.PresetAdministration
	case 1, 2:
		preset = access.PresetScorecardBuilder
	case 3, 4:
		preset = access.PresetDataEntry
	case 5, 6, 7:
		preset = access.PresetPresenter
	}
	if preset != "" {
		return access.MustPreset(preset).Keys(), preset, preset
	}
	set := access.Set{}
	for k, p := range access.All {
		if (i/10+k)%3 != 0 {
			set[p.Key] = true
		}
	}
	return set.Keys(), "", access.Role(set)
}

// usersTime writes t as both databases read it: modernc.org/sqlite's
// "sqlite" time format (sortable UTC text), which PostgreSQL also parses.
func usersTime(t time.Time) string {
	return usersLit(t.UTC().Format("2006-01-02 15:04:05.999999999-07:00"))
}

// usersLit quotes a generated string as an SQL literal: literals keep a
// usersBatch-row statement under both databases' parameter limits.
func usersLit(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// usersBatch is the rows per generated INSERT.
const usersBatch = 500

// usersCount is 1 for true, 0 for false.
func usersCount(v bool) int {
	if v {
		return 1
	}
	return 0
}

func usersBool(v bool) string {
	if v {
		return "TRUE"
	}
	return "FALSE"
}

// usersGenerate adds members from to to-1 of instance in with raw
// multi-row INSERTs in one transaction: accounts, then memberships with
// every copied column filled as CreateMembership fills it, then the
// instance's counts recomputed. The store would take two statements per
// member plus a count update: minutes instead of seconds.
func usersGenerate(b *testing.B, db *testkit.DB, in model.Instance, from, to int) {
	b.Helper()
	ctx := context.Background()
	start := time.Now()
	conn, err := db.Store.DB().Conn(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	if db.Store.Dialect() == store.SQLite {
		// Nine indexes take random inserts: give this one connection a
		// page cache they fit in while it loads (SQLite's default is 2 MB),
		// and hand it back to the pool as it was.
		var size int64
		if err := conn.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&size); err != nil {
			b.Fatal(err)
		}
		if _, err := conn.ExecContext(ctx, `PRAGMA cache_size = -262144`); err != nil {
			b.Fatal(err)
		}
		defer func() {
			if _, err := conn.ExecContext(ctx, `PRAGMA cache_size = `+strconv.FormatInt(size, 10)); err != nil {
				b.Error(err)
			}
		}()
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	now := db.Store.Now()

	ids := make(map[string]int64, to-from)
	var rows []string
	flushAccounts := func() {
		if len(rows) == 0 {
			return
		}
		res, err := tx.QueryContext(ctx, `INSERT INTO accounts (email, name, password_hash, home_instance_id, active_memberships, created_at, updated_at) VALUES `+
			strings.Join(rows, ", ")+` RETURNING id, email`, now)
		if err != nil {
			b.Fatalf("insert accounts: %v", err)
		}
		for res.Next() {
			var id int64
			var email string
			if err := res.Scan(&id, &email); err != nil {
				b.Fatal(err)
			}
			ids[email] = id
		}
		if err := res.Err(); err != nil {
			b.Fatal(err)
		}
		res.Close()
		rows = rows[:0]
	}
	for i := from; i < to; i++ {
		email, name := usersPerson(i)
		// Each account has its one membership below, active unless i%13 == 0
		// (the count countMember keeps on the account row).
		rows = append(rows, fmt.Sprintf("(%s, %s, 'x', %d, %d, $1, $1)", usersLit(email), usersLit(name), in.ID, usersCount(i%13 != 0)))
		if len(rows) == usersBatch {
			flushAccounts()
		}
	}
	flushAccounts()
	if len(ids) != to-from {
		b.Fatalf("inserted %d accounts, got %d ids back", to-from, len(ids))
	}

	flushMembers := func() {
		if len(rows) == 0 {
			return
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO memberships (instance_id, account_id, permissions, preset, role, perm_count, active,
			digest_weekly, digest_monthly, action_emails, version, last_activity_at, seen_at, created_at, updated_at,
			email, name, name_key, search_text) VALUES `+strings.Join(rows, ", "), now); err != nil {
			b.Fatalf("insert memberships: %v", err)
		}
		rows = rows[:0]
	}
	epoch := time.Unix(0, 0)
	for i := from; i < to; i++ {
		email, name := usersPerson(i)
		perms, preset, role := usersPerms(i)
		active := i%13 != 0
		status := "inactive"
		if active {
			status = "active"
		}
		// One in five has never been seen (seen_at the epoch, no last
		// activity); the rest were seen in the last year, to the second.
		seen, last := usersTime(epoch), "NULL"
		if i%5 != 0 {
			t := now.Add(-time.Duration((i*7919)%(365*24*3600)) * time.Second).Truncate(time.Second)
			seen = usersTime(t)
			last = seen
		}
		rows = append(rows, fmt.Sprintf("(%d, %d, %s, %s, %s, %d, %s, %s, %s, TRUE, 1, %s, %s, $1, $1, %s, %s, %s, %s)",
			in.ID, ids[email], usersLit(strings.Join(perms, ",")), usersLit(preset), usersLit(role), len(perms), usersBool(active),
			usersBool(i%3 == 0), usersBool(i%7 == 0), last, seen,
			usersLit(email), usersLit(name), usersLit(strings.ToLower(name)), usersLit(strings.ToLower(email+" "+name+" "+role+" "+status))))
		if len(rows) == usersBatch {
			flushMembers()
		}
	}
	flushMembers()
	if _, err := tx.ExecContext(ctx, `UPDATE instances SET
		member_count = (SELECT COUNT(*) FROM memberships m WHERE m.instance_id = instances.id),
		active_count = (SELECT COUNT(*) FROM memberships m WHERE m.instance_id = instances.id AND m.active)
		WHERE id = $1`, in.ID); err != nil {
		b.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	// Measure the steady state production reaches within a minute:
	// PostgreSQL's autovacuum analyzes the loaded tables and marks their
	// pages all-visible (index-only scans then skip the table), and SQLite's
	// checkpoints have moved the bulk load out of the write-ahead log (a
	// page still in the log is looked up there on every read).
	steady := `PRAGMA wal_checkpoint(TRUNCATE)`
	if db.Store.Dialect() == store.Postgres {
		steady = `VACUUM ANALYZE accounts, memberships, instances`
	}
	if _, err := db.Store.DB().ExecContext(ctx, steady); err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: generated %d members in %v", db.Name, to-from, time.Since(start).Round(time.Millisecond))
}

// usersAt is a member at a position of a sorted list, with the cursor
// of the page that follows it.
type usersAt struct {
	cursor string
	next   model.Membership // the first member of the page after cursor
}

// usersOrder is the ORDER BY of a users-list sort (store.ListMembers).
func usersOrder(sort string, desc bool) (col, dir string) {
	col = map[string]string{"email": "email", "name": "name_key", "activity": "seen_at", "role": "role",
		"permissions": "perm_count", "status": "active"}[sort]
	dir = "ASC"
	if desc {
		dir = "DESC"
	}
	return col, dir
}

// usersRow returns the member at row n (from 0) of a sort, read with
// OFFSET — fine once in setup, the thing the store must not do per page.
func usersRow(b *testing.B, db *testkit.DB, in model.Instance, sort string, desc bool, n int) model.Membership {
	b.Helper()
	col, dir := usersOrder(sort, desc)
	var m model.Membership
	if err := db.Store.DB().QueryRowContext(context.Background(), `SELECT id, email FROM memberships WHERE instance_id = $1
		ORDER BY `+col+` `+dir+`, id `+dir+` LIMIT 1 OFFSET `+strconv.Itoa(n), in.ID).Scan(&m.ID, &m.Email); err != nil {
		b.Fatal(err)
	}
	return m
}

// usersCursor builds the cursor after row n-1 of a sort the way the store
// encodes it (base64url of key, NUL, id) and checks the store agrees on
// which member comes next.
func usersCursor(b *testing.B, db *testkit.DB, in model.Instance, sort string, desc bool, n int) usersAt {
	b.Helper()
	ctx := context.Background()
	col, dir := usersOrder(sort, desc)
	var id int64
	var key string
	row := db.Store.DB().QueryRowContext(ctx, `SELECT id, `+col+` FROM memberships WHERE instance_id = $1
		ORDER BY `+col+` `+dir+`, id `+dir+` LIMIT 1 OFFSET `+strconv.Itoa(n-1), in.ID)
	switch sort {
	case "activity":
		var t time.Time
		if err := row.Scan(&id, &t); err != nil {
			b.Fatal(err)
		}
		key = t.UTC().Format(time.RFC3339Nano)
	default:
		if err := row.Scan(&id, &key); err != nil {
			b.Fatal(err)
		}
	}
	at := usersAt{cursor: storeCursor(key, id)}
	at.next = usersRow(b, db, in, sort, desc, n)
	page, err := db.Store.Q().ListMembers(ctx, in.ID, store.MemberFilter{Sort: sort, Desc: desc, After: at.cursor, Limit: 1})
	if err != nil {
		b.Fatalf("%s cursor at %d: %v", sort, n, err)
	}
	if len(page.Members) != 1 || page.Members[0].ID != at.next.ID {
		b.Fatalf("%s cursor at %d: store's next is %+v, want id %d", sort, n, page.Members, at.next.ID)
	}
	return at
}
