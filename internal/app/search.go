package app

import "yardstick/internal/textcheck"

// MaxSearch is the longest search term, in characters; the search fields
// say so. A longer one is cut: a LIKE pattern of tens of thousands of
// characters is refused by SQLite ("pattern too complex") and costs a
// scan either way.
const MaxSearch = 200

// searchTerm cuts s to MaxSearch characters.
func searchTerm(s string) string { return textcheck.Clip(s, MaxSearch) }
