package dataimport

import (
	"math"
	"strings"
	"time"

	"yardstick/internal/period"
)

// PeriodOf reads a period cell against a measure's frequency: a date cell
// or a date written YYYY-MM-DD is the period containing it; text is the
// period's label as the app prints it ("Jan 2026", "Q1 2026", "FY 2026"),
// in any case and spacing; a whole number is a label too (an annual
// "2026" that a spreadsheet stored as a number). The message, when the
// cell names no period of f, starts with the cell's text.
func PeriodOf(f period.Frequency, c Cell) (period.Period, string) {
	var d time.Time
	switch c.Kind {
	case Date:
		d = c.Date
	case Number:
		if c.Num != math.Trunc(c.Num) {
			return period.Period{}, notPeriod(f, c.String())
		}
		return label(f, c.String())
	case Text:
		t := strings.TrimSpace(c.Text)
		if len(t) >= 10 && t[4] == '-' && t[7] == '-' && (len(t) == 10 || t[10] == 'T' || t[10] == ' ') {
			x, err := time.Parse("2006-01-02", t[:10])
			if err != nil {
				return period.Period{}, quote(t, 40) + " is not a date that exists."
			}
			d = x
			break
		}
		return label(f, t)
	default:
		return period.Period{}, "The period is empty."
	}
	p := f.At(d)
	if p.Year < period.MinYear || p.Year > period.MaxYear {
		return period.Period{}, quote(d.Format("2006-01-02"), 40) + " is outside the years a period can have."
	}
	return p, ""
}

func label(f period.Frequency, s string) (period.Period, string) {
	p, err := f.Parse(s)
	if err != nil {
		return period.Period{}, notPeriod(f, s)
	}
	return p, ""
}

func notPeriod(f period.Frequency, s string) string {
	ex := f.At(time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC))
	return quote(s, 40) + " is not a period of this measure (" + strings.ToLower(kindName(f)) +
		"): write its label, such as " + quote(f.Label(ex), 20) + ", or a date inside it, such as " + quote("2026-01-15", 20) + "."
}

func kindName(f period.Frequency) string {
	if f.Kind == period.KindCustom {
		return "custom frequency"
	}
	return f.Kind.String()
}
