package app

import (
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"yardstick/internal/store"
)

// Sorting a report by a column the store cannot page by (issue 23:
// "sortable by every column"). The indexed columns — a kind's first, and
// the period or end date, and the User access report's own — page by
// keyset in the store. The others are computed in Go (variance, band,
// days overdue, the notes filled, the last status update, …) or joined
// per page (scorecards, tags), so no index orders them: the report's
// rows, at most MaxSortedRows, are read through the indexed order a
// store page at a time, sorted by (value, row), and paged by a keyset
// cursor on that pair — so a page link stays right when rows come or go,
// and paging visits every row once. Above MaxSortedRows the sort is
// refused with a message (narrow the filters, or sort by an indexed
// column); an export sorted so holds at most that many rows at once.
const MaxSortedRows = 10000

// sortKey is a cell's place in a sort: empty cells last, then numbers
// (numbers, counts, dates and times), then texts.
type sortKey struct {
	Kind int     `json:"k"` // 0 number, 1 text, 2 empty
	Num  float64 `json:"n,omitempty"`
	Str  string  `json:"s,omitempty"`
	Ref  string  `json:"r"`
}

func keyOf(cell ReportCell, ref string) sortKey {
	k := sortKey{Ref: ref}
	v := cell.Value
	if cell.Sort != nil {
		v = cell.Sort
	}
	switch v := v.(type) {
	case float64:
		k.Num = v
	case int:
		k.Num = float64(v)
	case time.Time:
		k.Num = float64(v.Unix())
	case string:
		if v == "" {
			k.Kind = 2
		} else {
			k.Kind, k.Str = 1, strings.ToLower(v)
		}
	default:
		if cell.Text == "" {
			k.Kind = 2
		} else {
			k.Kind, k.Str = 1, strings.ToLower(cell.Text)
		}
	}
	return k
}

// compareKeys orders keys; empty cells come last both ways.
func compareKeys(a, b sortKey, desc bool) int {
	if (a.Kind == 2) != (b.Kind == 2) {
		return cmpBool(a.Kind == 2, b.Kind == 2)
	}
	c := cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Num, b.Num), cmp.Compare(a.Str, b.Str), cmp.Compare(a.Ref, b.Ref))
	if desc {
		return -c
	}
	return c
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

func encodeSortCursor(k sortKey) string {
	b, _ := json.Marshal(k)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeSortCursor(s string) (sortKey, bool) {
	var k sortKey
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || json.Unmarshal(b, &k) != nil || k.Ref == "" || k.Kind < 0 || k.Kind > 2 {
		return k, false
	}
	return k, true
}

// sortedReportPage is reportPage for a sort by a column that is not
// indexed: it reads the report's rows (at most MaxSortedRows) in the
// kind's indexed order, sorts them by the column and returns the page
// after c's cursor.
func (a *App) sortedReportPage(ctx context.Context, actor *Actor, c *checkedReport) (ReportPage, error) {
	limit := c.sf.Limit
	if c.kind == ReportActions {
		limit = c.af.Limit
	}
	after := c.sf.After
	if c.kind == ReportActions {
		after = c.af.After
	}
	var cursor sortKey
	if after != "" {
		var ok bool
		if cursor, ok = decodeSortCursor(after); !ok {
			return ReportPage{}, store.ErrBadCursor
		}
	}
	inner := *c
	all, _ := actor.ReportColumns(c.kind)
	first := all[slices.IndexFunc(all, func(x ReportColumn) bool { return x.Indexed })]
	inner.sort, inner.sortCol = first.Key, first
	inner.sf.Sort, inner.sf.Desc, inner.sf.After, inner.sf.Limit = "", false, "", maxExportPage
	inner.af.Sort, inner.af.Desc, inner.af.After, inner.af.Limit = "", false, "", maxExportPage
	at := slices.IndexFunc(c.cols, func(x ReportColumn) bool { return x.Key == c.sortCol.Key })
	if at < 0 {
		// Sorted by a column not shown: read it too, then drop it.
		inner.cols = append(slices.Clip(c.cols), c.sortCol)
		at = len(inner.cols) - 1
	}
	type keyed struct {
		key sortKey
		row ReportRow
	}
	var rows []keyed
	for {
		page, err := a.reportPage(ctx, actor, &inner)
		if err != nil {
			return ReportPage{}, err
		}
		for _, r := range page.Rows {
			rows = append(rows, keyed{keyOf(r.Cells[at], r.Ref), r})
		}
		if len(rows) > MaxSortedRows {
			return ReportPage{}, fieldError("sort", "Sorting by “"+c.sortCol.Title+"” works for reports of at most "+
				strconv.Itoa(MaxSortedRows)+" rows, and this one has more: narrow the filters, or sort by "+indexedTitles(all)+".")
		}
		if page.Next == "" {
			break
		}
	}
	slices.SortFunc(rows, func(x, y keyed) int { return compareKeys(x.key, y.key, c.sf.Desc) })
	start := 0
	if after != "" {
		start, _ = slices.BinarySearchFunc(rows, cursor, func(x keyed, k sortKey) int {
			if compareKeys(x.key, k, c.sf.Desc) <= 0 {
				return -1
			}
			return 1
		})
	}
	end := min(len(rows), start+max(1, limit))
	out := ReportPage{Kind: c.kind, Columns: c.cols}
	for _, r := range rows[start:end] {
		r.row.Cells = r.row.Cells[:len(c.cols)]
		out.Rows = append(out.Rows, r.row)
	}
	if end < len(rows) {
		out.Next = encodeSortCursor(rows[end-1].key)
	}
	c.sf.After, c.af.After = out.Next, out.Next
	return out, nil
}

func indexedTitles(cols []ReportColumn) string {
	var out []string
	for _, c := range cols {
		if c.Indexed {
			out = append(out, "“"+c.Title+"”")
		}
	}
	return strings.Join(out, " or ")
}
