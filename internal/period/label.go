package period

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Label returns the display label of p: "Jan 2026", "Q1 2026", "H1 2026" or
// "2026" for the built-ins; for custom frequencies "FY 2026" with one period
// a year, otherwise the prefix and the 1-based period number ("P3 2026").
func (f Frequency) Label(p Period) string {
	year := strconv.Itoa(p.Year)
	switch f.Kind {
	case KindMonthly:
		return time.Month(p.Index + 1).String()[:3] + " " + year
	case KindQuarterly:
		return "Q" + strconv.Itoa(p.Index+1) + " " + year
	case KindHalfYear:
		return "H" + strconv.Itoa(p.Index+1) + " " + year
	case KindAnnual:
		return year
	}
	if f.PeriodsPerYear == 1 {
		return f.prefix() + " " + year
	}
	return f.prefix() + strconv.Itoa(p.Index+1) + " " + year
}

// Parse returns the period whose label is s, ignoring case, surrounding
// spaces and repeated spaces.
func (f Frequency) Parse(s string) (Period, error) {
	if err := f.Validate(); err != nil {
		return Period{}, err
	}
	// Collapsing spaces lets "q1  2026" and prefixes with inner spaces match.
	norm := strings.Join(strings.Fields(s), " ")
	head, yearText := "", norm
	if i := strings.LastIndexByte(norm, ' '); i >= 0 {
		head, yearText = norm[:i], norm[i+1:]
	}
	y, ok := parseNumber(yearText)
	if !ok {
		return Period{}, f.unknown(s)
	}
	if y < MinYear || y > MaxYear {
		return Period{}, fmt.Errorf("period: year %d in %q is outside %d–%d (write the year in full)", y, s, MinYear, MaxYear)
	}
	i, ok := f.parseHead(head)
	if !ok {
		return Period{}, f.unknown(s)
	}
	if n := f.periodsIn(y); i >= n {
		return Period{}, fmt.Errorf("period: %q does not exist: fiscal year %d has %d periods", s, y, n)
	}
	return f.period(y, i), nil
}

// parseHead reads the part of a label before the year and returns the
// 0-based period index it names.
func (f Frequency) parseHead(head string) (int, bool) {
	switch f.Kind {
	case KindMonthly:
		for m := time.January; m <= time.December; m++ {
			if strings.EqualFold(head, m.String()[:3]) {
				return int(m) - 1, true
			}
		}
		return 0, false
	case KindQuarterly:
		return numbered(head, "Q", 4)
	case KindHalfYear:
		return numbered(head, "H", 2)
	case KindAnnual:
		return 0, head == ""
	}
	prefix := strings.Join(strings.Fields(f.prefix()), " ")
	if f.PeriodsPerYear == 1 {
		return 0, strings.EqualFold(head, prefix)
	}
	return numbered(head, prefix, f.PeriodsPerYear)
}

// numbered reads "{prefix}{n}" with 1 <= n <= max and returns n-1. The
// prefix never ends in a digit (Validate), so the trailing digits are n.
func numbered(head, prefix string, max int) (int, bool) {
	i := len(head)
	for i > 0 && head[i-1] >= '0' && head[i-1] <= '9' {
		i--
	}
	if !strings.EqualFold(head[:i], prefix) {
		return 0, false
	}
	n, ok := parseNumber(head[i:])
	if !ok || n < 1 || n > max {
		return 0, false
	}
	return n - 1, true
}

// parseNumber reads a canonical positive decimal: ASCII digits, no sign, no
// leading zero, at most 4 digits (years and period numbers both fit), so
// each period has exactly one label.
func parseNumber(s string) (int, bool) {
	if s == "" || len(s) > 4 || s[0] == '0' {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

func (f Frequency) unknown(s string) error {
	example := f.Label(f.period(2026, 0))
	return fmt.Errorf("period: %q is not a %s period label (expected something like %q)", s, f.describe(), example)
}

func (f Frequency) describe() string {
	if f.Kind == KindCustom {
		return "custom " + strconv.Itoa(f.PeriodsPerYear) + "-per-year"
	}
	return strings.ToLower(f.Kind.String())
}

// Key returns the storage key of p: its start date as YYYY-MM-DD.
func (f Frequency) Key(p Period) string {
	return fmt.Sprintf("%04d-%02d-%02d", p.Start.Year(), int(p.Start.Month()), p.Start.Day())
}

// FromKey returns the period whose key is s. It refuses a date that is not
// the first day of a period, so a stored value can never sit between
// periods.
func (f Frequency) FromKey(s string) (Period, error) {
	if err := f.Validate(); err != nil {
		return Period{}, err
	}
	d, ok := parseDate(s)
	if !ok {
		return Period{}, fmt.Errorf("period: key %q is not a date in the form YYYY-MM-DD", s)
	}
	p := f.At(d)
	if p.Year < MinYear || p.Year > MaxYear {
		return Period{}, fmt.Errorf("period: key %q is in fiscal year %d, outside %d–%d", s, p.Year, MinYear, MaxYear)
	}
	if p.Start != d {
		return Period{}, fmt.Errorf("period: key %q is not the start of a period (%s starts %s)", s, f.Label(p), f.Key(p))
	}
	return p, nil
}

// parseDate reads exactly YYYY-MM-DD, refusing dates that do not exist.
func parseDate(s string) (time.Time, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return time.Time{}, false
	}
	num := func(t string) (int, bool) {
		n := 0
		for i := 0; i < len(t); i++ {
			if t[i] < '0' || t[i] > '9' {
				return 0, false
			}
			n = n*10 + int(t[i]-'0')
		}
		return n, true
	}
	y, ok1 := num(s[:4])
	m, ok2 := num(s[5:7])
	d, ok3 := num(s[8:])
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || d < 1 || d > daysIn(y, time.Month(m)) {
		return time.Time{}, false
	}
	return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC), true
}
