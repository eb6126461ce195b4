package store

// SetRareGramCap sets how many grams make a search term common, for tests
// that run both of ListMembers' search paths; it returns the undo.
func SetRareGramCap(n int) (undo func()) {
	old := rareGramCap
	rareGramCap = n
	return func() { rareGramCap = old }
}
