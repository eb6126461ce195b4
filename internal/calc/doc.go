// Package calc owns the numbers behind a measure's scorecard row and graph:
// polarity, colour bands, the current/prior/trend/baseline columns, how
// values are formatted for people, and calculated measures: how a
// calculation combines its inputs' series (Calculation.Compute), custom
// formulas (Parse), and the order in which chained calculations are
// recomputed, with cycles refused (Inputs).
//
// Rules it keeps:
//
//   - Pure: no I/O, no clock, no globals that change. Inputs are plain
//     values, so views, exports and the API all compute the same answer.
//   - A missing number is a nil *float64, never a zero. Anything that needs
//     a missing number (or a percentage of a zero target) is itself missing:
//     nil, or the colour None.
//   - Band thresholds are percentages of the target. Comparisons are made
//     after rounding the percentage to 1e-6, so a value that sits exactly on
//     a threshold on paper (110% of 1.1) is on it in floating point too.
//   - Points are in period order; only points with an actual take part in
//     current, prior and trend, so a period without data is a gap, not a 0.
package calc
