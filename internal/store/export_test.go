package store

import "context"

// SetRareGramCap sets how many grams make a search term common, for tests
// that run both of ListMembers' search paths; it returns the undo.
func SetRareGramCap(n int) (undo func()) {
	old := rareGramCap
	rareGramCap = n
	return func() { rareGramCap = old }
}

// SetMaxBoundGrams sets how many grams a common term may span for its
// first page to start at their key bound (0: never), for tests that run
// every path; it returns the undo.
func SetMaxBoundGrams(n int) (undo func()) {
	old := maxBoundGrams
	maxBoundGrams = n
	return func() { maxBoundGrams = old }
}

// ExecForTest runs a statement of the test's own in q.
func (q *Q) ExecForTest(ctx context.Context, query string, args ...any) error {
	_, err := q.exec(ctx, query, args...)
	return err
}

// SetPruneBatch sets how many ids one statement of PruneOutbox spans,
// for tests of its windows; it returns the undo.
func SetPruneBatch(n int) (undo func()) {
	old := pruneBatch
	pruneBatch = n
	return func() { pruneBatch = old }
}
