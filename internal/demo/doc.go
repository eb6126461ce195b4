// Package demo loads a realistic example instance, DEMO: a community
// scorecard with population results and indicators, and a program
// scorecard with performance measures in the three RBA categories, with
// several years of data, targets, comments and a baseline.
//
// Rules it keeps:
//
//   - Everything goes through the app's use cases, never SQL, so the demo
//     is validated like anything a person enters and stays consistent
//     with the app as it changes.
//   - The data is deterministic: a fixed seed and the app's clock decide
//     every value, so two loads at the same time give the same numbers and
//     tests and screenshots can rely on them.
//   - It never touches an existing DEMO instance: a second load is refused
//     with ErrExists before anything is written.
//   - It is fast (a few hundred rows), since browser tests load it too.
package demo
