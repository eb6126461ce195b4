// Package notes owns note bodies (SPEC §7): the allow-list policy every
// stored body passes (bluemonday), the plain-text reading of a body (for
// character limits and diffs), and the word-level diff of two versions
// (go-diff). It does no I/O and knows nothing of instances or permissions.
package notes
