package store

import (
	"context"
	"database/sql"
	"slices"
)

// A list page starts after its cursor, (key, id) > (?, ?) in the order's
// direction. On SQLite, where id is the rowid, the planner seeks that row
// value by its first column only and filters the rest, so a later page in a
// large group of equal keys read the group from its start (DESIGN.md,
// "Keyset pages on SQLite"). An order whose keys repeat pages there in two
// statements instead.

// keyOrder is a list's order: its key and id columns, its direction, and
// whether many rows share a key.
type keyOrder struct {
	col, idCol string
	desc       bool
	repeats    bool
}

// keysetPage is the statements of one page: query, and then, when set, the
// one for the keys after the cursor's, run only if query left the page
// short.
type keysetPage struct {
	query, then    string
	args, thenArgs args
}

// keyset builds a page's statements from its other conditions (where, with
// their arguments a), after the cursor (key, id) unless after is false.
// stmt makes a statement of conditions and an ORDER BY.
func (q *Q) keyset(where []string, a args, o keyOrder, after bool, key any, id int64, stmt func(where []string, order string) string) keysetPage {
	op, dir := ">", "ASC"
	if o.desc {
		op, dir = "<", "DESC"
	}
	order := o.col + " " + dir + ", " + o.idCol + " " + dir
	if !after {
		return keysetPage{query: stmt(where, order), args: a}
	}
	k := a.add(key)
	if q.s.dialect != SQLite || !o.repeats {
		w := append(slices.Clone(where), "("+o.col+", "+o.idCol+") "+op+" ("+k+", "+a.add(id)+")")
		return keysetPage{query: stmt(w, order), args: a}
	}
	p := keysetPage{then: stmt(append(slices.Clone(where), o.col+" "+op+" "+k), order), thenArgs: slices.Clone(a)}
	// The rest of the cursor's key, ordered by id alone: SQLite does not
	// see that an equality on an expression fixes it, and sorted the rest
	// of the group (an action list by end date, 50,000 on one day).
	w := append(slices.Clone(where), o.col+" = "+k, o.idCol+" "+op+" "+a.add(id))
	p.query, p.args = stmt(w, o.idCol+" "+dir), a
	return p
}

// readPage runs a page's statements and hands each row to scan, until
// limit+1 rows (the one more tells that there is a next page).
func (q *Q) readPage(ctx context.Context, p keysetPage, limit int, scan func(*sql.Rows) error) error {
	n := 0
	for _, s := range []struct {
		query string
		a     args
	}{{p.query, p.args}, {p.then, p.thenArgs}} {
		if s.query == "" || n > limit {
			return nil
		}
		rows, err := q.query(ctx, s.query, s.a...)
		if err != nil {
			return err
		}
		for n <= limit && rows.Next() {
			if err := scan(rows); err != nil {
				rows.Close()
				return err
			}
			n++
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return err
		}
	}
	return nil
}
