package period

import "time"

// Period is one reporting period of a frequency.
type Period struct {
	Year  int       // fiscal year label: the calendar year the fiscal year ends in
	Index int       // 0-based position within the fiscal year
	Start time.Time // first day, 00:00 UTC
	End   time.Time // day after the last day, 00:00 UTC (exclusive)
}

// Contains reports whether the civil date of d falls in p.
func (p Period) Contains(d time.Time) bool {
	c := civil(d)
	return !c.Before(p.Start) && c.Before(p.End)
}

// MaxRange is the most periods Range returns: ten years of a daily
// frequency, far more than any grid or graph shows.
const MaxRange = 3660

// At returns the period containing the date of d, read in d's own location;
// the clock time is ignored.
func (f Frequency) At(d time.Time) Period {
	f.mustValid()
	c := civil(d)
	fy := f.fiscalYear(f.fiscalYearOf(c))
	var i int
	if f.monthBased() {
		step := 12 / f.PeriodsPerYear
		i = ((c.Year()-fy.start.Year())*12 + int(c.Month()) - int(fy.start.Month())) / step
	} else {
		// Largest i with floor(i*days/n) <= offset.
		i = ((daysBetween(fy.start, c)+1)*fy.n - 1) / fy.days
	}
	// The estimates above can be one off around clamped month ends; settle
	// on the exact boundaries rather than trust the arithmetic.
	i = max(0, min(i, fy.n-1))
	for i > 0 && fy.boundary(i).After(c) {
		i--
	}
	for i < fy.n-1 && !fy.boundary(i+1).After(c) {
		i++
	}
	return fy.period(i)
}

// Add returns the period n periods after p (before it when n is negative).
// p must be a period of f.
func (f Frequency) Add(p Period, n int) Period {
	f.mustValid()
	if f.PeriodsPerYear == 366 {
		// Only here does the count per year vary (365 or 366), but every
		// period is then a single day, so count in days.
		return f.At(addDays(f.fiscalStart(p.Year), p.Index+n))
	}
	i := p.Index + n
	years := floorDiv(i, f.PeriodsPerYear)
	return f.period(p.Year+years, i-years*f.PeriodsPerYear)
}

// Next returns the period after p.
func (f Frequency) Next(p Period) Period { return f.Add(p, 1) }

// Prev returns the period before p.
func (f Frequency) Prev(p Period) Period { return f.Add(p, -1) }

// Range returns the periods from the one containing from.Start to the one
// containing to.Start, inclusive, in order. It returns nil when to is before
// from, and stops after MaxRange periods.
func (f Frequency) Range(from, to Period) []Period {
	f.mustValid()
	p, last := f.At(from.Start), f.At(to.Start)
	if last.Start.Before(p.Start) {
		return nil
	}
	var out []Period
	for len(out) < MaxRange {
		out = append(out, p)
		if p == last {
			break
		}
		p = f.Next(p)
	}
	return out
}

// PeriodsIn returns how many periods fiscal year y has: PeriodsPerYear,
// except 365 for a 366-period frequency in a 365-day year.
func (f Frequency) PeriodsIn(y int) int {
	f.mustValid()
	return f.periodsIn(y)
}

func (f Frequency) periodsIn(y int) int { return f.fiscalYear(y).n }

// period builds period i of fiscal year y; i must be in [0, periodsIn(y)).
func (f Frequency) period(y, i int) Period { return f.fiscalYear(y).period(i) }

// fiscalYear holds what every boundary of one fiscal year needs, computed
// once.
type fiscalYear struct {
	f     Frequency
	year  int
	start time.Time
	days  int // 365 or 366
	n     int // periods in this year
}

func (f Frequency) fiscalYear(y int) fiscalYear {
	fy := fiscalYear{f: f, year: y, start: f.fiscalStart(y), n: f.PeriodsPerYear}
	fy.days = daysBetween(fy.start, f.fiscalStart(y+1))
	if !f.monthBased() {
		// Never more periods than days, so no period is empty.
		fy.n = min(fy.n, fy.days)
	}
	return fy
}

func (fy fiscalYear) period(i int) Period {
	return Period{Year: fy.year, Index: i, Start: fy.boundary(i), End: fy.boundary(i + 1)}
}

// boundary returns the start of period i; i may equal n, giving the start
// of the next fiscal year.
func (fy fiscalYear) boundary(i int) time.Time {
	if fy.f.monthBased() {
		// Each boundary is computed from the start day, not from the previous
		// boundary, so a 31st start clamps in short months and returns to the
		// 31st afterwards.
		m := time.Date(fy.start.Year(), fy.start.Month()+time.Month(i*12/fy.n), 1, 0, 0, 0, 0, time.UTC)
		day := min(fy.f.StartDay, daysIn(m.Year(), m.Month()))
		return time.Date(m.Year(), m.Month(), day, 0, 0, 0, 0, time.UTC)
	}
	return addDays(fy.start, i*fy.days/fy.n)
}

// fiscalStart returns the first day of fiscal year y. A 1 January start
// begins in year y itself; any later start ends in the next calendar year,
// so it begins in y-1.
func (f Frequency) fiscalStart(y int) time.Time {
	if f.StartMonth != time.January || f.StartDay != 1 {
		y--
	}
	return time.Date(y, f.StartMonth, f.StartDay, 0, 0, 0, 0, time.UTC)
}

// fiscalYearOf returns the fiscal year containing the civil date c.
func (f Frequency) fiscalYearOf(c time.Time) int {
	y := c.Year()
	if f.fiscalStart(y + 1).After(c) {
		return y
	}
	return y + 1
}

// civil returns d's calendar date at 00:00 UTC.
func civil(d time.Time) time.Time {
	y, m, day := d.Date()
	return time.Date(y, m, day, 0, 0, 0, 0, time.UTC)
}

func addDays(t time.Time, n int) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day()+n, 0, 0, 0, 0, time.UTC)
}

// daysBetween counts days from a to b; both are 00:00 UTC, so Unix seconds
// divide exactly (and, unlike Sub, never saturate).
func daysBetween(a, b time.Time) int {
	return int((b.Unix() - a.Unix()) / 86400)
}

func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}
