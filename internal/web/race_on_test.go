//go:build race

package web_test

// raceEnabled: the race detector slows argon2id about threefold, so the
// timing test runs fewer rounds under it.
const raceEnabled = true
