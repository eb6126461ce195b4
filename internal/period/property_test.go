package period

import (
	"testing"
	"time"
)

// checkPeriod checks the invariants every period of f keeps: non-empty, at
// 00:00 UTC, contiguous with its neighbours, found again by At, Parse and
// FromKey.
func checkPeriod(t testing.TB, f Frequency, p Period) {
	t.Helper()
	name := f.Label(p)
	if !p.Start.Before(p.End) {
		t.Fatalf("%s (%+v): empty period [%s, %s)", name, f, p.Start, p.End)
	}
	if p != f.At(p.Start) || p != f.At(p.End.AddDate(0, 0, -1)) {
		t.Fatalf("%s (%+v): At of its first or last day is another period", name, f)
	}
	if n := f.PeriodsIn(p.Year); p.Index < 0 || p.Index >= n {
		t.Fatalf("%s (%+v): index %d outside [0, %d)", name, f, p.Index, n)
	}
	next, prev := f.Next(p), f.Prev(p)
	if next.Start != p.End || prev.End != p.Start {
		t.Fatalf("%s (%+v): not contiguous: prev ends %s, next starts %s, period is [%s, %s)",
			name, f, prev.End, next.Start, p.Start, p.End)
	}
	if f.Prev(next) != p || f.Next(prev) != p {
		t.Fatalf("%s (%+v): Next and Prev do not undo each other", name, f)
	}
	if p.Year < MinYear || p.Year > MaxYear {
		return // labels and keys only round-trip inside the supported years
	}
	if got, err := f.Parse(name); err != nil || got != p {
		t.Fatalf("Parse(%q) (%+v): got %+v, %v; want %+v", name, f, got, err, p)
	}
	if got, err := f.FromKey(f.Key(p)); err != nil || got != p {
		t.Fatalf("FromKey(%q) (%+v): got %+v, %v; want %+v", f.Key(p), f, got, err, p)
	}
}

// propertyFrequencies covers every periods-per-year count from 1 January,
// and the month-based counts plus awkward day-based ones from start days
// that exercise clamping (31st, 30th), a February start and the year end.
func propertyFrequencies(t testing.TB) []Frequency {
	fs := []Frequency{Monthly(), Quarterly(), HalfYear(), Annual()}
	for n := 1; n <= 366; n++ {
		fs = append(fs, custom(t, n, time.January, 1, "P"))
	}
	starts := []struct {
		m time.Month
		d int
	}{{time.January, 31}, {time.February, 28}, {time.March, 1}, {time.April, 6}, {time.August, 30}, {time.December, 31}}
	for _, n := range []int{1, 2, 3, 4, 5, 6, 7, 12, 13, 26, 52, 53, 183, 364, 365, 366} {
		for _, s := range starts {
			fs = append(fs, custom(t, n, s.m, s.d, "P"))
		}
	}
	return fs
}

func TestPropertiesOverYears(t *testing.T) {
	fs := propertyFrequencies(t)
	for _, f := range fs {
		// Fiscal years 2023–2025 include a leap year for every start date.
		p := f.At(f.fiscalStart(2023))
		end := f.fiscalStart(2026)
		if p.Index != 0 || p.Year != 2023 {
			t.Fatalf("%+v: first period of 2023 is %+v", f, p)
		}
		for p.Start.Before(end) {
			checkPeriod(t, f, p)
			for d := p.Start; d.Before(p.End); d = d.AddDate(0, 0, 1) {
				if got := f.At(d); got != p {
					t.Fatalf("%+v: At(%s) = %s, want %s", f, d.Format(time.DateOnly), f.Label(got), f.Label(p))
				}
			}
			next := f.Next(p)
			wantIndex, wantYear := p.Index+1, p.Year
			if wantIndex == f.PeriodsIn(p.Year) {
				wantIndex, wantYear = 0, p.Year+1
			}
			if next.Index != wantIndex || next.Year != wantYear {
				t.Fatalf("%+v: after %+v came %+v", f, p, next)
			}
			p = next
		}
		if p.Start != end {
			t.Fatalf("%+v: periods overrun the fiscal year end %s: %+v", f, end, p)
		}
	}
}

// TestLabelsDistinct checks that labels within a span are unique, so Parse
// can be an inverse at all.
func TestLabelsDistinct(t *testing.T) {
	for _, f := range propertyFrequencies(t) {
		seen := map[string]bool{}
		for _, p := range f.Range(f.At(date(2023, 1, 1)), f.At(date(2025, 12, 31))) {
			l := f.Label(p)
			if seen[l] {
				t.Fatalf("%+v: label %q used twice", f, l)
			}
			seen[l] = true
		}
	}
}
