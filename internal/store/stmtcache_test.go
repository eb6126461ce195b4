package store

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// Statements with an id list change with the list's length: running them
// with hundreds of lengths must not fill the statement cache, or hot
// queries seen later would run unprepared.
func TestIDListsStayUnprepared(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "test.db"), NewFakeClock(time.Unix(0, 0)))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	q := s.Q()
	ids := make([]int64, 0, maxStatements+10)
	for i := range int64(maxStatements + 10) {
		ids = append(ids, i+1)
		if _, err := q.ScorecardIDsIn(ctx, 1, ids); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := q.MemberCounts(ctx, 1); err != ErrNotFound {
		t.Fatalf("MemberCounts of no instance: %v, want ErrNotFound", err)
	}
	s.stmts.mu.RLock()
	defer s.stmts.mu.RUnlock()
	if n := len(s.stmts.stmts); n > 10 {
		t.Errorf("%d statements cached after %d lengths of one id list, want only the fixed queries", n, maxStatements+10)
	}
	if _, ok := s.stmts.stmts[`SELECT active_count, member_count FROM instances WHERE id = $1`]; !ok {
		t.Error("a fixed query run after them was not prepared")
	}
}

// The cache refuses a list of placeholders even when the query was built
// without listMark: the import preview's lookup by email once filled it.
func TestUnmarkedListsStayUnprepared(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "test.db"), NewFakeClock(time.Unix(0, 0)))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	q := s.Q()
	var emails []string
	for i := range maxStatements + 10 {
		emails = append(emails, "person"+strconv.Itoa(i)+"@example.org")
		if _, err := q.AccountsByEmail(ctx, emails); err != nil {
			t.Fatal(err)
		}
	}
	s.stmts.mu.RLock()
	n := len(s.stmts.stmts)
	s.stmts.mu.RUnlock()
	if n > 10 {
		t.Errorf("%d statements cached after %d lengths of an email list, want only the fixed queries", n, maxStatements+10)
	}
	for _, tc := range []struct {
		query string
		list  bool
	}{
		{`SELECT id FROM accounts WHERE email IN ($1, $2)`, true},
		{`SELECT id FROM x WHERE a = $1 AND id in (/* ids */ $2)`, true},
		{`SELECT id FROM x WHERE id IN(  $3)`, true},
		{`SELECT id FROM x WHERE id = ANY($1)`, false},
		{`SELECT id FROM x WHERE kind IN ('measure', 'container') AND id = $1`, false},
	} {
		if got := variableList.MatchString(tc.query); got != tc.list {
			t.Errorf("variableList(%q) = %v, want %v", tc.query, got, tc.list)
		}
	}
}
