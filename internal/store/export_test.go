package store

// SetRareGramCap sets how many grams make a search term common, for tests
// that run both of ListMembers' search paths; it returns the undo.
func SetRareGramCap(n int) (undo func()) {
	old := rareGramCap
	rareGramCap = n
	return func() { rareGramCap = old }
}

// SetMaxSortArms sets how many sorted lists a search may read (0: none,
// so the earlier paths answer), for tests that run every path; it
// returns the undo.
func SetMaxSortArms(n int) (undo func()) {
	old := maxSortArms
	maxSortArms = n
	return func() { maxSortArms = old }
}
