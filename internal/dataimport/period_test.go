package dataimport

import (
	"strings"
	"testing"
	"time"

	"yardstick/internal/period"
)

func TestPeriodOf(t *testing.T) {
	fy, err := period.NewCustom(1, time.July, 1, "FY")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		f    period.Frequency
		cell Cell
		want string // the period's label, or the start of the message
	}{
		{period.Monthly(), txt("Jan 2024"), "Jan 2024"},
		{period.Monthly(), txt("  jan   2024 "), "Jan 2024"},
		{period.Monthly(), txt("2024-01-31"), "Jan 2024"},
		{period.Monthly(), txt("2024-01-31T00:00:00"), "Jan 2024"},
		{period.Monthly(), date(day(2024, 2, 29)), "Feb 2024"},
		{period.Quarterly(), txt("q1 2024"), "Q1 2024"},
		{period.Quarterly(), date(day(2024, 5, 1)), "Q2 2024"},
		{period.HalfYear(), txt("H2 2024"), "H2 2024"},
		{period.Annual(), num(2024), "2024"},
		{period.Annual(), txt("2024"), "2024"},
		{fy, txt("FY 2025"), "FY 2025"},
		{fy, date(day(2024, 7, 1)), "FY 2025"},
		{period.Quarterly(), txt("Jan 2024"), "“Jan 2024” is not a period of this measure (quarterly): write its label, such as “Q1 2026”"},
		{period.Monthly(), txt("2024-02-30"), "“2024-02-30” is not a date that exists."},
		{period.Annual(), num(2024.5), "“2024.5” is not a period"},
		{period.Monthly(), Cell{}, "The period is empty."},
	} {
		p, msg := PeriodOf(c.f, c.cell)
		got := msg
		if msg == "" {
			got = c.f.Label(p)
		}
		if !strings.HasPrefix(got, c.want) {
			t.Errorf("PeriodOf(%v, %+v) = %q, want %q", c.f.Kind, c.cell, got, c.want)
		}
	}
}

// FuzzPeriodOf: the label and the key of any period, and any date in it,
// read back as that period.
func FuzzPeriodOf(f *testing.F) {
	f.Add(uint8(0), uint16(11), int32(738885))
	f.Add(uint8(3), uint16(0), int32(738885))
	f.Add(uint8(0), uint16(365), int32(1000))
	f.Fuzz(func(t *testing.T, kind uint8, n uint16, dayNum int32) {
		var fr period.Frequency
		switch kind % 6 {
		case 0:
			fr = period.Monthly()
		case 1:
			fr = period.Quarterly()
		case 2:
			fr = period.HalfYear()
		case 3:
			fr = period.Annual()
		default:
			var err error
			fr, err = period.NewCustom(int(n%366)+1, time.Month(n%12+1), 1, []string{"P", "FY", "W"}[kind%3])
			if err != nil {
				t.Skip()
			}
		}
		d := time.Date(1, 1, 1+365607+int(uint32(dayNum)%(3651329-365607)), 0, 0, 0, 0, time.UTC)
		p := fr.At(d)
		for _, c := range []Cell{txt(fr.Label(p)), txt(fr.Key(p)), date(d), txt(d.Format("2006-01-02"))} {
			got, msg := PeriodOf(fr, c)
			if msg != "" || got != p {
				t.Fatalf("%+v: PeriodOf(%+v) = %+v %q, want %+v", fr, c, got, msg, p)
			}
		}
	})
}
