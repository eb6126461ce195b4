package store

import (
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// A transaction that loses a deadlock or cannot be serialized is run
// again, three times in all; any other error (another SQLSTATE included),
// or success, ends it.
func TestRetryDeadlock(t *testing.T) {
	deadlock := fmt.Errorf("migration 0015: %w", &pgconn.PgError{Code: "40P01"})
	serialization := &pgconn.PgError{Code: "40001"}
	other := errors.New("syntax error")
	unique := &pgconn.PgError{Code: "23505"}
	for _, tc := range []struct {
		name  string
		errs  []error // what each call returns
		calls int
		want  error
	}{
		{"succeeds", []error{nil}, 1, nil},
		{"deadlock then success", []error{deadlock, nil}, 2, nil},
		{"serialization failure then success", []error{serialization, nil}, 2, nil},
		{"other error", []error{other}, 1, other},
		{"another SQLSTATE", []error{unique, nil}, 1, unique},
		{"deadlock three times", []error{deadlock, deadlock, deadlock, nil}, 3, deadlock},
	} {
		t.Run(tc.name, func(t *testing.T) {
			calls := 0
			err := RetryDeadlock(func() error { calls++; return tc.errs[calls-1] })
			if calls != tc.calls || !errors.Is(err, tc.want) {
				t.Errorf("%d calls, %v; want %d, %v", calls, err, tc.calls, tc.want)
			}
		})
	}
}
