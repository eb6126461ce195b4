package store

import (
	"cmp"
	"context"
	"database/sql/driver"
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

// memberSearchText is one membership's search text, for indexing.
type memberSearchText struct {
	instanceID, id int64
	text           string
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

// rareTerm returns the first of a term's gram ranges that holds fewer
// than rareGramCap grams, and whether there is one. One query; CASE
// counts the next range only when the one before is common, so a rare
// long term counts one range, at most rareGramCap index entries.
func (q *Q) rareTerm(ctx context.Context, instanceID int64, term string) (gramProbe, bool, error) {
	probes := searchProbes(term)
	a := args{instanceID}
	var b strings.Builder
	// Pending members are read whatever the term: as many as the cap
	// make every term common until the app has indexed them.
	fmt.Fprintf(&b, "SELECT CASE WHEN (SELECT COUNT(*) FROM (SELECT 1 FROM memberships WHERE instance_id = $1 AND search_pending LIMIT %d) x) >= %d THEN -1",
		rareGramCap, rareGramCap)
	for i, p := range probes {
		fmt.Fprintf(&b, " WHEN (SELECT COUNT(*) FROM (SELECT 1 FROM member_grams WHERE instance_id = $1 AND gram >= %s AND gram < %s LIMIT %d) x) < %d THEN %d",
			a.add(p.lo), a.add(p.hi), rareGramCap, rareGramCap, i)
	}
	b.WriteString(" ELSE -1 END")
	var pick int
	if err := q.row(ctx, b.String(), a...).Scan(&pick); err != nil || pick < 0 {
		return gramProbe{}, false, err
	}
	return probes[pick], true, nil
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
		err := sc.Scan(&m.id, &m.text)
		return m, err
	}, `SELECT id, search_text FROM memberships WHERE instance_id = $1 AND search_pending ORDER BY id LIMIT `+strconv.Itoa(limit)+lock, instanceID)
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
	_, err = q.exec(ctx, `UPDATE memberships SET search_pending = FALSE WHERE instance_id = $1 AND id IN (SELECT t.m FROM (`+q.jsonTriples("$2")+`) t)`,
		instanceID, ids.String())
	return len(ms), err
}
