package period

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Kind says whether a frequency is one of the built-ins or a custom one.
type Kind int

// The kinds. The zero value is KindCustom so a hand-built Frequency literal
// is custom unless it says otherwise.
const (
	KindCustom Kind = iota
	KindMonthly
	KindQuarterly
	KindHalfYear
	KindAnnual
)

var kindNames = [...]string{"Custom", "Monthly", "Quarterly", "Half Year", "Annual"}

// String returns the kind's display name.
func (k Kind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return fmt.Sprintf("Kind(%d)", int(k))
	}
	return kindNames[k]
}

// MaxPrefixLen is the longest label prefix allowed, in characters.
const MaxPrefixLen = 20

// MinYear and MaxYear bound the fiscal years whose labels and keys Parse and
// FromKey accept. Four-digit years only: keys stay fixed-width, and "Jan 26"
// is refused rather than read as the year 26.
const (
	MinYear = 1000
	MaxYear = 9999
)

// Frequency describes how each fiscal year is divided into periods.
type Frequency struct {
	Kind           Kind
	PeriodsPerYear int        // 1–366
	StartMonth     time.Month // fiscal year start month
	StartDay       int        // fiscal year start day; must exist in a common year
	LabelPrefix    string     // custom kinds only; empty means "P"
}

// Monthly is the built-in monthly frequency: Jan 2026, Feb 2026, …
func Monthly() Frequency { return builtin(KindMonthly) }

// Quarterly is the built-in quarterly frequency: Q1 2026 … Q4 2026.
func Quarterly() Frequency { return builtin(KindQuarterly) }

// HalfYear is the built-in half-year frequency: H1 2026, H2 2026.
func HalfYear() Frequency { return builtin(KindHalfYear) }

// Annual is the built-in annual frequency, labelled with the bare year.
func Annual() Frequency { return builtin(KindAnnual) }

// builtin returns the fixed definition of a built-in kind.
func builtin(k Kind) Frequency {
	n := 1 // KindAnnual
	switch k {
	case KindMonthly:
		n = 12
	case KindQuarterly:
		n = 4
	case KindHalfYear:
		n = 2
	}
	return Frequency{Kind: k, PeriodsPerYear: n, StartMonth: time.January, StartDay: 1}
}

// NewCustom returns a validated custom frequency.
func NewCustom(periodsPerYear int, startMonth time.Month, startDay int, prefix string) (Frequency, error) {
	f := Frequency{
		Kind:           KindCustom,
		PeriodsPerYear: periodsPerYear,
		StartMonth:     startMonth,
		StartDay:       startDay,
		LabelPrefix:    prefix,
	}
	if err := f.Validate(); err != nil {
		return Frequency{}, err
	}
	return f, nil
}

// FieldError reports one invalid field of a Frequency, so a form can show
// the message next to the right input.
type FieldError struct {
	Field   string // Frequency field name, e.g. "StartDay"
	Message string
}

func (e *FieldError) Error() string { return "period: " + e.Message }

func fieldErr(field, format string, args ...any) error {
	return &FieldError{Field: field, Message: fmt.Sprintf(format, args...)}
}

// Validate reports the first problem with f, as a *FieldError, or nil.
func (f Frequency) Validate() error {
	if f.Kind < KindCustom || f.Kind > KindAnnual {
		return fieldErr("Kind", "unknown frequency kind %d", int(f.Kind))
	}
	if f.Kind != KindCustom {
		// Built-ins are fixed so that their labels (Jan, Q1, H1) stay true.
		want := builtin(f.Kind)
		if f != want {
			return fieldErr("Kind", "the built-in %s frequency must have %d periods per year, start on 1 January and have no label prefix",
				f.Kind, want.PeriodsPerYear)
		}
		return nil
	}
	if f.PeriodsPerYear < 1 || f.PeriodsPerYear > 366 {
		return fieldErr("PeriodsPerYear", "periods per year must be between 1 and 366, got %d", f.PeriodsPerYear)
	}
	if f.StartMonth < time.January || f.StartMonth > time.December {
		return fieldErr("StartMonth", "start month must be between 1 and 12, got %d", int(f.StartMonth))
	}
	// A common year, so 29 February is refused: a fiscal year must start on
	// the same date every year.
	if last := daysIn(2001, f.StartMonth); f.StartDay < 1 || f.StartDay > last {
		return fieldErr("StartDay", "start day must be between 1 and %d for %s, got %d", last, f.StartMonth, f.StartDay)
	}
	return validatePrefix(f.LabelPrefix)
}

func validatePrefix(p string) error {
	if !utf8.ValidString(p) {
		return fieldErr("LabelPrefix", "label prefix must be valid UTF-8 text")
	}
	if n := utf8.RuneCountInString(p); n > MaxPrefixLen {
		return fieldErr("LabelPrefix", "label prefix must be at most %d characters, got %d", MaxPrefixLen, n)
	}
	for _, r := range p {
		if !unicode.IsPrint(r) {
			return fieldErr("LabelPrefix", "label prefix must contain only printable characters, found %U", r)
		}
	}
	if strings.TrimSpace(p) != p {
		return fieldErr("LabelPrefix", "label prefix must not start or end with a space")
	}
	// The period number follows the prefix directly (P3), so a trailing
	// digit would make "P13" ambiguous to people and to Parse.
	if r, _ := utf8.DecodeLastRuneInString(p); p != "" && unicode.IsDigit(r) {
		return fieldErr("LabelPrefix", "label prefix must not end with a digit")
	}
	return nil
}

// mustValid guards the arithmetic methods: an invalid frequency is a
// programming error (it was validated when created), and panicking with the
// reason beats a division by zero or silently wrong periods.
func (f Frequency) mustValid() {
	if err := f.Validate(); err != nil {
		panic(err)
	}
}

// monthBased reports whether periods follow calendar months.
func (f Frequency) monthBased() bool { return 12%f.PeriodsPerYear == 0 }

func (f Frequency) prefix() string {
	if f.LabelPrefix == "" {
		return "P"
	}
	return f.LabelPrefix
}

func daysIn(year int, m time.Month) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}
