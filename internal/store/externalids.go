package store

import (
	"context"
	"errors"
	"strconv"
	"strings"
)

// External ids (0030): an optional id on a scorecard or an object by which
// integrations address it (`ext:ID` in the API's paths). Unique per
// instance within its table (scorecards; objects, which holds containers
// and measures); stored as NULL when there is none.

// ErrExtIDTaken is a create or update whose external id another row of the
// instance's table has.
var ErrExtIDTaken = errors.New("external id taken")

// extValue is an external id as stored: NULL for none.
func extValue(ext string) any {
	if ext == "" {
		return nil
	}
	return ext
}

// extTaken maps the unique index's refusal to ErrExtIDTaken. The only
// unique indexes a scorecard or object write can break are their primary
// keys (never reused) and the external id's.
func extTaken(err error) error {
	if isUniqueViolation(err) {
		return ErrExtIDTaken
	}
	return err
}

// ScorecardIDByExt is the id of the instance's scorecard with that
// external id (ErrNotFound: none). It says nothing of visibility: the
// caller reads the scorecard by id through its visibility next.
func (q *Q) ScorecardIDByExt(ctx context.Context, instanceID int64, ext string) (int64, error) {
	var id int64
	err := q.row(ctx, `SELECT id FROM scorecards WHERE instance_id = $1 AND ext_id = $2`, instanceID, ext).Scan(&id)
	return id, notFound(err)
}

// ObjectIDByExt is the id of the instance's container or measure with that
// external id (ErrNotFound: none), as ScorecardIDByExt.
func (q *Q) ObjectIDByExt(ctx context.Context, instanceID int64, ext string) (int64, error) {
	var id int64
	err := q.row(ctx, `SELECT id FROM objects WHERE instance_id = $1 AND ext_id = $2`, instanceID, ext).Scan(&id)
	return id, notFound(err)
}

// XrefRow is one scorecard, container or measure of the cross-reference.
type XrefRow struct {
	Kind  string // scorecard, container or measure
	ID    int64
	Title string
	ExtID string
	key   string // title_key, for the cursor
}

// XrefFilter pages the cross-reference.
type XrefFilter struct {
	Text  string // in the title or the external id, any case
	After string // cursor of the previous page
	Limit int
}

// XrefPage is one page of the cross-reference.
type XrefPage struct {
	Rows []XrefRow
	Next string // "" on the last page
}

// xrefKinds are the cross-reference's parts in order: scorecards, then
// containers, then measures, each by title and id.
var xrefKinds = []string{"scorecard", "container", "measure"}

// Xref pages through every scorecard, container and measure of the
// instance (an administrator's list: no visibility applies), by keyset on
// (kind, title, id). Each kind is read from its own index, one statement
// per kind the page reaches, each naming the instance (one shard).
func (q *Q) Xref(ctx context.Context, instanceID int64, f XrefFilter) (XrefPage, error) {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	start, afterKey, afterID := 0, "", int64(0)
	if f.After != "" {
		key, id, ok := decodeCursor(f.After)
		if !ok || key == "" || key[0] < '0' || int(key[0]-'0') >= len(xrefKinds) {
			return XrefPage{}, ErrBadCursor
		}
		start, afterKey, afterID = int(key[0]-'0'), key[1:], id
	}
	var page XrefPage
	want := f.Limit + 1
	for k := start; k < len(xrefKinds) && len(page.Rows) < want; k++ {
		kind := xrefKinds[k]
		a := args{instanceID}
		table, where := "scorecards", []string{"instance_id = $1"}
		if kind != "scorecard" {
			table, where = "objects", append(where, "kind = "+a.add(kind))
		}
		if f.Text != "" {
			like := a.add("%" + escapeLike(Key(f.Text)) + "%")
			where = append(where, `(title_key LIKE `+like+` ESCAPE '\' OR LOWER(ext_id) LIKE `+like+` ESCAPE '\')`)
		}
		if k == start && f.After != "" {
			where = append(where, "(title_key, id) > ("+a.add(afterKey)+", "+a.add(afterID)+")")
		}
		rows, err := q.query(ctx, `SELECT id, title, title_key, COALESCE(ext_id, '') FROM `+table+` WHERE `+strings.Join(where, " AND ")+
			` ORDER BY title_key, id LIMIT `+strconv.Itoa(want-len(page.Rows)), a...)
		if err != nil {
			return XrefPage{}, err
		}
		for rows.Next() {
			r := XrefRow{Kind: kind}
			if err := rows.Scan(&r.ID, &r.Title, &r.key, &r.ExtID); err != nil {
				rows.Close()
				return XrefPage{}, err
			}
			page.Rows = append(page.Rows, r)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return XrefPage{}, err
		}
	}
	if len(page.Rows) > f.Limit {
		page.Rows = page.Rows[:f.Limit]
		last := page.Rows[f.Limit-1]
		rank := 0
		for i, k := range xrefKinds {
			if k == last.Kind {
				rank = i
			}
		}
		page.Next = encodeCursor(strconv.Itoa(rank)+last.key, last.ID)
	}
	return page, nil
}
