// Package period owns reporting-frequency arithmetic: which period a date
// falls in, how periods follow one another, and how they are labelled and
// keyed for storage.
//
// Rules it keeps:
//
//   - A frequency divides every fiscal year into periods; any date falls in
//     exactly one non-empty period, and consecutive periods are contiguous.
//   - A fiscal year is labelled with the calendar year in which it ends (a
//     year starting 1 Jul 2025 is 2026); with a 1 January start that is the
//     calendar year itself.
//   - When 12 is a multiple of the periods per year, periods follow months
//     from the start day (a start day missing from a shorter month clamps to
//     that month's last day). Otherwise period i of a fiscal year of D days
//     and N periods spans days [floor(i*D/N), floor((i+1)*D/N)).
//   - A fiscal year never has more periods than days: with 366 periods a
//     365-day year has 365 one-day periods, and period 366 exists only in
//     366-day years. So no period is ever empty.
//   - Dates are civil dates at 00:00 UTC; End is exclusive. Periods built
//     here compare with ==.
//   - Labels and keys round-trip for fiscal years MinYear–MaxYear.
//
// The package is pure: no I/O, no clock, no globals that change.
package period
