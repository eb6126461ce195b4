package store

import (
	"cmp"
	"context"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"modernc.org/sqlite"
)

// The users list's search index (migration 0014): for every position of a
// membership's search_text where a character starts, the gramLen bytes
// from there, big-endian in one integer, zero-padded past the end. Every
// substring of the text that starts a character is then a prefix of one
// of its grams: a term of up to gramLen bytes finds its members in one
// range of grams, a longer term in the gram of any of its windows. Found
// members are still checked with LIKE, so the index only narrows and the
// matching stays what it was.
const gramLen = 7 // 56 bits: a positive int64 on both databases

// memberGrams returns a search text's grams, ascending and distinct.
func memberGrams(text string) []int64 {
	out := make([]int64, 0, len(text))
	for i := 0; i < len(text); i++ {
		if isContinuation(text[i]) {
			continue
		}
		out = append(out, packGram(text[i:]))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func isContinuation(b byte) bool { return b >= 0x80 && b < 0xC0 }

// packGram packs the first gramLen bytes of s, zero-padded.
func packGram(s string) int64 {
	var g int64
	for j := range gramLen {
		g <<= 8
		if j < len(s) {
			g |= int64(s[j])
		}
	}
	return g
}

// gramProbe is a half-open range of grams whose members may hold a term.
type gramProbe struct{ lo, hi int64 }

// searchProbes returns the ranges of grams to look a (lowercased, non-empty)
// term up in, any one of which holds every member that contains it: the
// grams it prefixes when it is short, else its first, middle and last
// windows (the store reads the first that holds few grams).
func searchProbes(term string) []gramProbe {
	if len(term) <= gramLen {
		lo := packGram(term)
		return []gramProbe{{lo, lo + 1<<(8*(gramLen-len(term)))}}
	}
	var starts []int
	for i := 0; i+gramLen <= len(term); i++ {
		if !isContinuation(term[i]) {
			starts = append(starts, i)
		}
	}
	if len(starts) == 0 { // no character starts in a full window: prefix only
		lo := packGram(term[:gramLen])
		return []gramProbe{{lo, lo + 1}}
	}
	picks := []int{starts[0], starts[len(starts)/2], starts[len(starts)-1]}
	picks = slices.Compact(picks)
	out := make([]gramProbe, len(picks))
	for i, p := range picks {
		g := packGram(term[p:])
		out[i] = gramProbe{g, g + 1}
	}
	return out
}

// gramsJSON writes grams as [[instance, membership, gram], …], the one
// parameter insertGrams and deleteGrams take on both databases, so their
// SQL is fixed and prepared whatever the count.
func gramsJSON(b *strings.Builder, instanceID, membershipID int64, grams []int64) {
	pre := "[" + strconv.FormatInt(instanceID, 10) + "," + strconv.FormatInt(membershipID, 10) + ","
	for _, g := range grams {
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		b.WriteString(pre)
		b.WriteString(strconv.FormatInt(g, 10))
		b.WriteByte(']')
	}
}

// jsonTriples is the dialect's table (i, m, g) of a gramsJSON parameter.
func (q *Q) jsonTriples(ph string) string {
	if q.s.dialect == SQLite {
		return `SELECT value->>0 AS i, value->>1 AS m, value->>2 AS g FROM json_each(` + ph + `)`
	}
	return `SELECT (e->>0)::bigint AS i, (e->>1)::bigint AS m, (e->>2)::bigint AS g FROM json_array_elements(` + ph + `::json) e`
}

// memberSearchText is one membership's search text and sort keys, for
// indexing.
type memberSearchText struct {
	instanceID, id int64
	text           string
	email, nameKey string
	role           string
	permCount      int
	active         bool
}

// indexMembers adds the grams of memberships that have none, in key
// order, so that a batch writes each index page it touches once.
func (q *Q) indexMembers(ctx context.Context, ms ...memberSearchText) error {
	type posting struct{ gram, id, instanceID int64 }
	var all []posting
	for _, m := range ms {
		for _, g := range memberGrams(m.text) {
			all = append(all, posting{g, m.id, m.instanceID})
		}
	}
	if len(all) == 0 {
		return nil
	}
	slices.SortFunc(all, func(a, b posting) int {
		if a.gram != b.gram {
			return cmp.Compare(a.gram, b.gram)
		}
		return cmp.Compare(a.id, b.id)
	})
	var b strings.Builder
	b.WriteByte('[')
	for _, p := range all {
		gramsJSON(&b, p.instanceID, p.id, []int64{p.gram})
	}
	b.WriteByte(']')
	_, err := q.exec(ctx, `INSERT INTO member_grams (instance_id, gram, membership_id) SELECT t.i, t.g, t.m FROM (`+q.jsonTriples("$1")+`) t`, b.String())
	return err
}

// memberGramsSQL is memberGrams in PostgreSQL's SQL, over the memberships
// the WHERE clause appended to it selects (migration 0014 backfills with
// the same expression; a test holds the two to the Go function).
const memberGramsSQL = `SELECT DISTINCT m.instance_id,
        ('x' || encode(substring(b.t || '\x00000000000000'::bytea FROM p.i + 1 FOR 7), 'hex'))::bit(56)::bigint,
        m.id
    FROM memberships m
    CROSS JOIN LATERAL (SELECT convert_to(m.search_text, 'UTF8') AS t) b
    CROSS JOIN LATERAL generate_series(0, length(b.t) - 1) p(i)
    WHERE get_byte(b.t, p.i) NOT BETWEEN 128 AND 191`

// RebuildMemberSearch recomputes the search index of an instance's
// members in bulk, for data loaded around the store (benchmarks) and for
// an operator who suspects it.
func (q *Q) RebuildMemberSearch(ctx context.Context, instanceID int64) error {
	if _, err := q.exec(ctx, `DELETE FROM member_grams WHERE instance_id = $1`, instanceID); err != nil {
		return err
	}
	query := `INSERT INTO member_grams (instance_id, gram, membership_id)
		SELECT m.instance_id, g.value, m.id FROM memberships m, json_each(member_grams(m.search_text)) g WHERE m.instance_id = $1
		ORDER BY 2, 3` // in key order: appends, where random inserts into a large index took minutes
	if q.s.dialect == Postgres {
		query = `INSERT INTO member_grams (instance_id, gram, membership_id) ` + memberGramsSQL + ` AND m.instance_id = $1`
	}
	if _, err := q.exec(ctx, query, instanceID); err != nil {
		return err
	}
	if _, err := q.exec(ctx, `DELETE FROM member_sort_grams WHERE instance_id = $1`, instanceID); err != nil {
		return err
	}
	sorts, order := `(SELECT 1 AS sort UNION ALL SELECT 2 UNION ALL SELECT 3) s`, ` ORDER BY 1, 2, 3, 4, 5`
	if q.s.dialect == Postgres {
		sorts, order = `generate_series(1, 3) s(sort)`, ""
	}
	// As migration 0017 fills it.
	if _, err := q.exec(ctx, `INSERT INTO member_sort_grams (instance_id, sort, gram, sort_key, membership_id)
		SELECT g.instance_id, s.sort, g.gram, CASE WHEN s.sort = 1 THEN m.email WHEN s.sort = 2 THEN m.name_key ELSE `+facetSQL+` END, g.membership_id
		FROM member_grams g JOIN memberships m ON m.instance_id = g.instance_id AND m.id = g.membership_id CROSS JOIN `+sorts+`
		WHERE g.instance_id = $1`+order, instanceID); err != nil {
		return err
	}
	_, err := q.exec(ctx, `UPDATE memberships SET search_pending = FALSE WHERE instance_id = $1 AND search_pending`, instanceID)
	return err
}

// On SQLite, member_grams(text) is memberGrams as a JSON array, for
// migration 0014's backfill and RebuildMemberSearch.
func init() {
	sqlite.MustRegisterDeterministicScalarFunction("member_grams", 1, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		var s string
		switch v := args[0].(type) {
		case string:
			s = v
		case []byte:
			s = string(v)
		}
		var b strings.Builder
		b.WriteByte('[')
		for i, g := range memberGrams(s) {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.FormatInt(g, 10))
		}
		b.WriteByte(']')
		return b.String(), nil
	})
}

// rareGramCap is how many grams of a probe the store counts before it
// calls a term common. Reading and sorting that many members costs about
// what reading the sort's index until a page of matches does for a term
// that common (BenchmarkUsersList, search-*).
var rareGramCap = 500

// termKind is what rareTerm found a search term to be.
type termKind int

const (
	termRare    termKind = iota // its probe holds fewer than rareGramCap grams
	termCommon                  // every probe holds more
	termFlooded                 // rareGramCap members or more are pending
)

// rareTerm returns the first of a term's gram ranges that holds fewer
// than rareGramCap grams (termRare), or, for a common term, the range to
// read it in sort order from (its first). One query; CASE counts the next
// range only when the one before is common, so a rare long term counts
// one range, at most rareGramCap index entries.
func (q *Q) rareTerm(ctx context.Context, instanceID int64, term string) (gramProbe, termKind, error) {
	probes := searchProbes(term)
	a := args{instanceID}
	var b strings.Builder
	// Pending members are read whatever the term: as many as the cap
	// make every term common until the app has indexed them.
	fmt.Fprintf(&b, "SELECT CASE WHEN (SELECT COUNT(*) FROM (SELECT 1 FROM memberships WHERE instance_id = $1 AND search_pending LIMIT %d) x) >= %d THEN -2",
		rareGramCap, rareGramCap)
	for i, p := range probes {
		fmt.Fprintf(&b, " WHEN (SELECT COUNT(*) FROM (SELECT 1 FROM member_grams WHERE instance_id = $1 AND gram >= %s AND gram < %s LIMIT %d) x) < %d THEN %d",
			a.add(p.lo), a.add(p.hi), rareGramCap, rareGramCap, i)
	}
	b.WriteString(" ELSE -1 END")
	var pick int
	if err := q.row(ctx, b.String(), a...).Scan(&pick); err != nil {
		return gramProbe{}, termCommon, err
	}
	switch {
	case pick == -2:
		return gramProbe{}, termFlooded, nil
	case pick < 0:
		return probes[0], termCommon, nil
	}
	return probes[pick], termRare, nil
}

// PendingSearchInstances lists the instances with members whose search
// grams are pending. It spans instances by design: it is how the app's
// background pass finds work (one partial index, usually empty).
func (q *Q) PendingSearchInstances(ctx context.Context) ([]int64, error) {
	return q.ids(ctx, `SELECT DISTINCT instance_id FROM memberships WHERE search_pending ORDER BY instance_id`)
}

// IndexPending moves up to limit of an instance's pending members into
// the search index (their old grams out, their text's in) and returns how
// many it did. Run it in a transaction; on PostgreSQL the rows are locked
// (and rows another pass holds skipped), so a write that lands meanwhile
// waits and marks its member pending again.
func (q *Q) IndexPending(ctx context.Context, instanceID int64, limit int) (int, error) {
	lock := ""
	if q.s.dialect == Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	ms, err := collect(ctx, q, func(sc interface{ Scan(...any) error }) (memberSearchText, error) {
		m := memberSearchText{instanceID: instanceID}
		err := sc.Scan(&m.id, &m.text, &m.email, &m.nameKey, &m.role, &m.permCount, &m.active)
		return m, err
	}, `SELECT id, search_text, email, name_key, role, perm_count, active FROM memberships WHERE instance_id = $1 AND search_pending
		ORDER BY id LIMIT `+strconv.Itoa(limit)+lock, instanceID)
	if err != nil || len(ms) == 0 {
		return 0, err
	}
	var ids strings.Builder
	ids.WriteByte('[')
	for _, m := range ms {
		gramsJSON(&ids, instanceID, m.id, []int64{0})
	}
	ids.WriteByte(']')
	if _, err := q.exec(ctx, `DELETE FROM member_grams WHERE instance_id = $1 AND membership_id IN (SELECT t.m FROM (`+q.jsonTriples("$2")+`) t)`,
		instanceID, ids.String()); err != nil {
		return 0, err
	}
	if err := q.indexMembers(ctx, ms...); err != nil {
		return 0, err
	}
	if _, err := q.exec(ctx, `DELETE FROM member_sort_grams WHERE instance_id = $1 AND membership_id IN (SELECT t.m FROM (`+q.jsonTriples("$2")+`) t)`,
		instanceID, ids.String()); err != nil {
		return 0, err
	}
	if err := q.indexSorted(ctx, ms...); err != nil {
		return 0, err
	}
	_, err = q.exec(ctx, `UPDATE memberships SET search_pending = FALSE WHERE instance_id = $1 AND id IN (SELECT t.m FROM (`+q.jsonTriples("$2")+`) t)`,
		instanceID, ids.String())
	return len(ms), err
}

// The sorted postings (migration 0017): member_grams again, per sort list,
// with the list's sort key after the gram, so that a term's members can
// be read in the order a page shows them.
const (
	sortGramEmail = 1 // sort_key: email
	sortGramName  = 2 // sort_key: name_key
	sortGramFacet = 3 // sort_key: "active/perm_count/role" (facetKey); id order within
)

// facetSQL is facetKey over memberships m, in both dialects' SQL.
const facetSQL = `CASE WHEN m.active THEN '1' ELSE '0' END || '/' || m.perm_count || '/' || m.role`

// facetKey joins the low-cardinality sort keys of a member. The role goes
// last, so the two numbers before it split off whatever the role holds.
func facetKey(active bool, permCount int, role string) string {
	return strconv.Itoa(boolInt(active)) + "/" + strconv.Itoa(permCount) + "/" + role
}

// splitFacet is facetKey's inverse.
func splitFacet(k string) (active bool, permCount int, role string, ok bool) {
	a, rest, ok1 := strings.Cut(k, "/")
	p, role, ok2 := strings.Cut(rest, "/")
	n, err := strconv.Atoi(p)
	if !ok1 || !ok2 || err != nil || (a != "0" && a != "1") {
		return false, 0, "", false
	}
	return a == "1", n, role, true
}

// indexSorted adds the sorted postings of memberships that have none, in
// key order.
func (q *Q) indexSorted(ctx context.Context, ms ...memberSearchText) error {
	type posting struct {
		sort       int
		gram       int64
		key        string
		id, instID int64
	}
	var all []posting
	for _, m := range ms {
		facet := facetKey(m.active, m.permCount, m.role)
		for _, g := range memberGrams(m.text) {
			all = append(all, posting{sortGramEmail, g, m.email, m.id, m.instanceID},
				posting{sortGramName, g, m.nameKey, m.id, m.instanceID},
				posting{sortGramFacet, g, facet, m.id, m.instanceID})
		}
	}
	if len(all) == 0 {
		return nil
	}
	slices.SortFunc(all, func(a, b posting) int {
		return cmp.Or(cmp.Compare(a.sort, b.sort), cmp.Compare(a.gram, b.gram), strings.Compare(a.key, b.key), cmp.Compare(a.id, b.id))
	})
	rows := make([][]any, len(all))
	for i, p := range all {
		rows[i] = []any{p.instID, p.sort, p.gram, p.key, p.id}
	}
	js, err := json.Marshal(rows)
	if err != nil {
		return err
	}
	table := `SELECT value->>0 AS i, value->>1 AS s, value->>2 AS g, value->>3 AS k, value->>4 AS m FROM json_each($1)`
	if q.s.dialect == Postgres {
		table = `SELECT (e->>0)::bigint AS i, (e->>1)::smallint AS s, (e->>2)::bigint AS g, e->>3 AS k, (e->>4)::bigint AS m
			FROM json_array_elements($1::json) e`
	}
	_, err = q.exec(ctx, `INSERT INTO member_sort_grams (instance_id, sort, gram, sort_key, membership_id) SELECT t.i, t.s, t.g, t.k, t.m FROM (`+
		table+`) t`, string(js))
	return err
}

// maxSortArms is how many (gram, facet) lists the sorted search reads at
// most; a term whose grams spread over more (a letter or two that start
// many grams, a term every facet holds) is searched the earlier ways.
var maxSortArms = 8

// sortArm is one sorted list a page is read from: a gram's, and for the
// low-cardinality orders one facet of it.
type sortArm struct {
	gram  int64
	facet string
}

// sortArms lists the grams of a probe (and their facets, for the facet
// list) by skipping through the sorted postings, one index seek each; ok
// is false when there are more than maxSortArms.
func (q *Q) sortArms(ctx context.Context, instanceID int64, list int, p gramProbe) ([]sortArm, bool, error) {
	a := args{instanceID}
	lo, hi := a.add(p.lo), a.add(p.hi)
	cap := strconv.Itoa(maxSortArms)
	var query string
	if list == sortGramFacet {
		next := `FROM member_sort_grams x WHERE x.instance_id = $1 AND x.sort = 3 AND (x.gram, x.sort_key) > (f.g, f.k) AND x.gram < ` + hi +
			` ORDER BY x.gram, x.sort_key LIMIT 1`
		query = `WITH RECURSIVE f(n, g, k) AS (
			SELECT 1, f0.gram, f0.sort_key FROM (SELECT gram, sort_key FROM member_sort_grams WHERE instance_id = $1 AND sort = 3
				AND gram >= ` + lo + ` AND gram < ` + hi + ` ORDER BY gram, sort_key LIMIT 1) f0
			UNION ALL
			SELECT n + 1, (SELECT x.gram ` + next + `), (SELECT x.sort_key ` + next + `) FROM f WHERE f.g IS NOT NULL AND n <= ` + cap + `
		) SELECT g, k FROM f WHERE g IS NOT NULL`
	} else {
		l := strconv.Itoa(list)
		query = `WITH RECURSIVE f(n, g) AS (
			SELECT 1, (SELECT MIN(gram) FROM member_sort_grams WHERE instance_id = $1 AND sort = ` + l + ` AND gram >= ` + lo + ` AND gram < ` + hi + `)
			UNION ALL
			SELECT n + 1, (SELECT MIN(x.gram) FROM member_sort_grams x WHERE x.instance_id = $1 AND x.sort = ` + l + ` AND x.gram > f.g AND x.gram < ` + hi + `)
			FROM f WHERE f.g IS NOT NULL AND n <= ` + cap + `
		) SELECT g, '' FROM f WHERE g IS NOT NULL`
	}
	arms, err := collect(ctx, q, func(sc interface{ Scan(...any) error }) (sortArm, error) {
		var s sortArm
		err := sc.Scan(&s.gram, &s.facet)
		return s, err
	}, query, a...)
	if err != nil || len(arms) > maxSortArms {
		return nil, false, err
	}
	return arms, true, nil
}

// memberCursor is a users-list cursor: the sort key as encoded and as the
// column's value, and the id.
type memberCursor struct {
	key   string
	value any
	id    int64
}

// sortedLists maps a users-list order to the sorted postings that serve
// it (all but last activity).
var sortedLists = map[string]int{"email": sortGramEmail, "name": sortGramName,
	"role": sortGramFacet, "permissions": sortGramFacet, "status": sortGramFacet}

// sortedSearch is the query for one page of a search read from the
// sorted postings: per arm, its first page of matches in the page's order
// (the postings' order is the list's for every member that is not
// pending, and their keys are those the member was indexed with); then
// the pending members' first page; then the page of their union. Each
// member of the true page is in the first page of an arm it is in, so
// the union holds the page. LIKE decides, as everywhere.
func (q *Q) sortedSearch(instanceID int64, f MemberFilter, col string, list int, arms []sortArm, like string, cur *memberCursor, nameCol string) (string, args) {
	a := args{instanceID}
	likeP := a.add(like)
	op, dir := ">", "ASC"
	if f.Desc {
		op, dir = "<", "DESC"
	}
	limit := strconv.Itoa(f.Limit + 1)
	cols := `m.id, m.role, m.email, m.name, m.active, m.invited, ` + q.timeText("m.seen_at") + ` AS seen_at, m.perm_count, m.name_key`
	filter := ` AND m.search_text LIKE ` + likeP + ` ESCAPE '\'`
	if f.HideInactive {
		filter += " AND m.active"
	}
	var parts []string
	for i, arm := range arms {
		active, perm, role, ok := splitFacet(arm.facet)
		if list == sortGramFacet && (!ok || (f.HideInactive && !active)) {
			continue
		}
		w := "p.instance_id = $1 AND p.sort = " + strconv.Itoa(list) + " AND p.gram = " + a.add(arm.gram)
		order := "p.sort_key " + dir + ", p.membership_id " + dir
		if list == sortGramFacet {
			w += " AND p.sort_key = " + a.add(arm.facet)
			order = "p.membership_id " + dir
			if cur != nil {
				// The facet's value against the cursor's, compared by the
				// database (a role's order is its collation's): an arm
				// before the cursor reads nothing, the cursor's own reads
				// after its id, a later one from its start.
				var v any
				var typ string
				switch f.Sort {
				case "role":
					v, typ = role, "TEXT"
				case "permissions":
					v, typ = perm, "INTEGER"
				default:
					v, typ = active, "BOOLEAN"
				}
				vp, cp := "CAST("+a.add(v)+" AS "+typ+")", "CAST("+a.add(cur.value)+" AS "+typ+")"
				from := "-1"
				if f.Desc {
					from = "9223372036854775807"
				}
				w += " AND " + vp + " " + op + "= " + cp + " AND p.membership_id " + op + " CASE WHEN " + vp + " = " + cp +
					" THEN CAST(" + a.add(cur.id) + " AS BIGINT) ELSE CAST(" + from + " AS BIGINT) END"
			}
		} else if cur != nil {
			w += " AND (p.sort_key, p.membership_id) " + op + " (" + a.add(cur.key) + ", " + a.add(cur.id) + ")"
		}
		parts = append(parts, "SELECT * FROM (SELECT "+cols+" FROM member_sort_grams p CROSS JOIN memberships m WHERE "+w+
			" AND m.instance_id = $1 AND m.id = p.membership_id AND NOT m.search_pending"+filter+
			" ORDER BY "+order+" LIMIT "+limit+") a"+strconv.Itoa(i))
	}
	pw := "m.instance_id = $1"
	if q.s.dialect == SQLite {
		pw = "+m.instance_id = $1" // the pending ids, not the sort's index
	}
	pw += " AND m.id IN (SELECT id FROM memberships WHERE instance_id = $1 AND search_pending)"
	if cur != nil {
		pw += " AND (m." + col + ", m.id) " + op + " (" + a.add(cur.value) + ", " + a.add(cur.id) + ")"
	}
	parts = append(parts, "SELECT * FROM (SELECT "+cols+" FROM memberships m WHERE "+pw+filter+
		" ORDER BY m."+col+" "+dir+", m.id "+dir+" LIMIT "+limit+") ap")
	return "SELECT id, role, email, name, active, invited, seen_at, perm_count" + nameCol + " FROM (" + strings.Join(parts, " UNION ") +
		") u ORDER BY " + col + " " + dir + ", id " + dir + " LIMIT " + limit, a
}
