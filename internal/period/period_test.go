package period

import (
	"errors"
	"testing"
	"time"
)

func date(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func custom(t testing.TB, n int, m time.Month, d int, prefix string) Frequency {
	t.Helper()
	f, err := NewCustom(n, m, d, prefix)
	if err != nil {
		t.Fatalf("NewCustom(%d, %s, %d, %q): %v", n, m, d, prefix, err)
	}
	return f
}

func TestAt(t *testing.T) {
	fyJul := custom(t, 1, time.July, 1, "FY")
	qJul := custom(t, 4, time.July, 1, "Q")
	mOct := custom(t, 12, time.October, 1, "M")
	mApr6 := custom(t, 12, time.April, 6, "")
	mJan31 := custom(t, 12, time.January, 31, "")
	qJan31 := custom(t, 4, time.January, 31, "Q")
	m30 := custom(t, 12, time.November, 30, "")
	weekly := custom(t, 52, time.January, 1, "W")
	thirteen := custom(t, 13, time.January, 1, "")
	fortnight := custom(t, 26, time.October, 1, "F")
	days365 := custom(t, 365, time.January, 1, "D")
	days366 := custom(t, 366, time.January, 1, "D")
	days366Mar := custom(t, 366, time.March, 1, "D")
	taxYear := custom(t, 1, time.April, 6, "Tax Year")

	tests := []struct {
		name       string
		f          Frequency
		d          time.Time
		label      string
		start, end time.Time
	}{
		{"monthly mid", Monthly(), date(2026, 1, 15), "Jan 2026", date(2026, 1, 1), date(2026, 2, 1)},
		{"monthly leap day", Monthly(), date(2024, 2, 29), "Feb 2024", date(2024, 2, 1), date(2024, 3, 1)},
		{"monthly year end", Monthly(), date(2025, 12, 31), "Dec 2025", date(2025, 12, 1), date(2026, 1, 1)},
		{"quarterly", Quarterly(), date(2026, 5, 20), "Q2 2026", date(2026, 4, 1), date(2026, 7, 1)},
		{"quarterly first day", Quarterly(), date(2026, 10, 1), "Q4 2026", date(2026, 10, 1), date(2027, 1, 1)},
		{"half year", HalfYear(), date(2026, 7, 1), "H2 2026", date(2026, 7, 1), date(2027, 1, 1)},
		{"half year last day", HalfYear(), date(2026, 6, 30), "H1 2026", date(2026, 1, 1), date(2026, 7, 1)},
		{"annual", Annual(), date(2026, 12, 31), "2026", date(2026, 1, 1), date(2027, 1, 1)},
		{"FY Jul first day ends next year", fyJul, date(2025, 7, 1), "FY 2026", date(2025, 7, 1), date(2026, 7, 1)},
		{"FY Jul last day", fyJul, date(2025, 6, 30), "FY 2025", date(2024, 7, 1), date(2025, 7, 1)},
		{"quarters from Jul", qJul, date(2025, 10, 1), "Q2 2026", date(2025, 10, 1), date(2026, 1, 1)},
		{"quarters from Jul Q4", qJul, date(2026, 6, 30), "Q4 2026", date(2026, 4, 1), date(2026, 7, 1)},
		{"months from Oct first", mOct, date(2025, 10, 1), "M1 2026", date(2025, 10, 1), date(2025, 11, 1)},
		{"months from Oct last", mOct, date(2026, 9, 30), "M12 2026", date(2026, 9, 1), date(2026, 10, 1)},
		{"months from Apr 6 last", mApr6, date(2026, 4, 5), "P12 2026", date(2026, 3, 6), date(2026, 4, 6)},
		{"months from Apr 6 first", mApr6, date(2026, 4, 6), "P1 2027", date(2026, 4, 6), date(2026, 5, 6)},
		{"Jan 31 before Feb clamp", mJan31, date(2026, 2, 27), "P1 2027", date(2026, 1, 31), date(2026, 2, 28)},
		{"Jan 31 clamped Feb", mJan31, date(2026, 2, 28), "P2 2027", date(2026, 2, 28), date(2026, 3, 31)},
		{"Jan 31 clamped leap Feb", mJan31, date(2024, 2, 29), "P2 2025", date(2024, 2, 29), date(2024, 3, 31)},
		{"Jan 31 leap Feb 28", mJan31, date(2024, 2, 28), "P1 2025", date(2024, 1, 31), date(2024, 2, 29)},
		{"Jan 31 back to 31st", mJan31, date(2026, 4, 29), "P3 2027", date(2026, 3, 31), date(2026, 4, 30)},
		{"Jan 31 year end", mJan31, date(2026, 1, 30), "P12 2026", date(2025, 12, 31), date(2026, 1, 31)},
		{"Jan 31 quarters", qJan31, date(2026, 5, 1), "Q2 2027", date(2026, 4, 30), date(2026, 7, 31)},
		{"Nov 30 clamps Feb", m30, date(2026, 3, 1), "P4 2026", date(2026, 2, 28), date(2026, 3, 30)},
		{"weekly first", weekly, date(2026, 1, 7), "W1 2026", date(2026, 1, 1), date(2026, 1, 8)},
		{"weekly last is 8 days", weekly, date(2026, 12, 31), "W52 2026", date(2026, 12, 24), date(2027, 1, 1)},
		{"weekly leap last", weekly, date(2024, 12, 24), "W52 2024", date(2024, 12, 24), date(2025, 1, 1)},
		{"weekly leap day", weekly, date(2024, 2, 29), "W9 2024", date(2024, 2, 26), date(2024, 3, 4)},
		{"13 periods first", thirteen, date(2026, 1, 28), "P1 2026", date(2026, 1, 1), date(2026, 1, 29)},
		{"13 periods last", thirteen, date(2026, 12, 31), "P13 2026", date(2026, 12, 3), date(2027, 1, 1)},
		{"26 from Oct", fortnight, date(2025, 10, 14), "F1 2026", date(2025, 10, 1), date(2025, 10, 15)},
		{"365 common last", days365, date(2026, 12, 31), "D365 2026", date(2026, 12, 31), date(2027, 1, 1)},
		{"365 leap day", days365, date(2024, 2, 29), "D60 2024", date(2024, 2, 29), date(2024, 3, 1)},
		{"365 leap last is 2 days", days365, date(2024, 12, 31), "D365 2024", date(2024, 12, 30), date(2025, 1, 1)},
		{"366 common first", days366, date(2026, 1, 1), "D1 2026", date(2026, 1, 1), date(2026, 1, 2)},
		{"366 common last", days366, date(2026, 12, 31), "D365 2026", date(2026, 12, 31), date(2027, 1, 1)},
		{"366 leap last", days366, date(2024, 12, 31), "D366 2024", date(2024, 12, 31), date(2025, 1, 1)},
		{"366 from Mar leap Feb", days366Mar, date(2024, 2, 29), "D366 2024", date(2024, 2, 29), date(2024, 3, 1)},
		{"366 from Mar common", days366Mar, date(2025, 2, 28), "D365 2025", date(2025, 2, 28), date(2025, 3, 1)},
		{"one period mid-year", taxYear, date(2026, 4, 5), "Tax Year 2026", date(2025, 4, 6), date(2026, 4, 6)},
		{"one period mid-year start", taxYear, date(2026, 4, 6), "Tax Year 2027", date(2026, 4, 6), date(2027, 4, 6)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.f.At(tt.d)
			if got := tt.f.Label(p); got != tt.label {
				t.Errorf("label: got %q, want %q", got, tt.label)
			}
			if !p.Start.Equal(tt.start) || !p.End.Equal(tt.end) {
				t.Errorf("span: got [%s, %s), want [%s, %s)", p.Start.Format(time.DateOnly),
					p.End.Format(time.DateOnly), tt.start.Format(time.DateOnly), tt.end.Format(time.DateOnly))
			}
		})
	}
}

func TestAtIgnoresClockAndZone(t *testing.T) {
	east := time.FixedZone("UTC+14", 14*3600)
	west := time.FixedZone("UTC-12", -12*3600)
	tests := []struct {
		d    time.Time
		want string
	}{
		{time.Date(2026, 1, 1, 0, 30, 0, 0, east), "Jan 2026"}, // still 31 Dec in UTC
		{time.Date(2025, 12, 31, 23, 59, 59, 999, west), "Dec 2025"},
		{time.Date(2026, 3, 31, 23, 59, 59, 0, time.UTC), "Mar 2026"},
	}
	for _, tt := range tests {
		f := Monthly()
		p := f.At(tt.d)
		if got := f.Label(p); got != tt.want {
			t.Errorf("At(%s): got %q, want %q", tt.d, got, tt.want)
		}
		if p.Start.Location() != time.UTC || p.Start.Hour() != 0 {
			t.Errorf("At(%s).Start = %s, want 00:00 UTC", tt.d, p.Start)
		}
		if !p.Contains(tt.d) {
			t.Errorf("At(%s) = %s does not contain the date", tt.d, f.Label(p))
		}
	}
}

func TestAdd(t *testing.T) {
	days366 := custom(t, 366, time.January, 1, "D")
	weekly := custom(t, 52, time.July, 1, "W")
	tests := []struct {
		name string
		f    Frequency
		from time.Time
		n    int
		want string
	}{
		{"zero", Monthly(), date(2026, 3, 1), 0, "Mar 2026"},
		{"forward across year", Monthly(), date(2026, 11, 1), 3, "Feb 2027"},
		{"back across year", Monthly(), date(2026, 2, 1), -3, "Nov 2025"},
		{"back many years", Quarterly(), date(2026, 1, 1), -42, "Q3 2015"},
		{"back exact years", Quarterly(), date(2026, 1, 1), -8, "Q1 2024"},
		{"annual", Annual(), date(2026, 1, 1), -26, "2000"},
		{"weekly across fiscal year", weekly, date(2026, 6, 30), 1, "W1 2027"},
		{"366 over common year end", days366, date(2025, 12, 31), 1, "D1 2026"},
		{"366 back into leap year", days366, date(2025, 1, 1), -1, "D366 2024"},
		{"366 back into common year", days366, date(2026, 1, 1), -1, "D365 2025"},
		{"366 a leap year forward", days366, date(2024, 1, 1), 366, "D1 2025"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.f.Add(tt.f.At(tt.from), tt.n)
			if l := tt.f.Label(got); l != tt.want {
				t.Errorf("got %q, want %q", l, tt.want)
			}
			if back := tt.f.Add(got, -tt.n); back != tt.f.At(tt.from) {
				t.Errorf("Add back: got %s, want %s", tt.f.Label(back), tt.f.Label(tt.f.At(tt.from)))
			}
		})
	}
}

func TestRange(t *testing.T) {
	f := Quarterly()
	from, to := f.At(date(2025, 11, 5)), f.At(date(2026, 7, 1))
	var got []string
	for _, p := range f.Range(from, to) {
		got = append(got, f.Label(p))
	}
	want := []string{"Q4 2025", "Q1 2026", "Q2 2026", "Q3 2026"}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("[%d]: got %q, want %q", i, got[i], want[i])
		}
	}
	if got := f.Range(to, from); got != nil {
		t.Errorf("reversed: got %d periods, want nil", len(got))
	}
	if got := f.Range(from, from); len(got) != 1 || got[0] != from {
		t.Errorf("single: got %v, want [%v]", got, from)
	}
	daily := custom(t, 366, time.January, 1, "")
	long := daily.Range(daily.At(date(2000, 1, 1)), daily.At(date(2030, 1, 1)))
	if len(long) != MaxRange {
		t.Errorf("capped: got %d periods, want %d", len(long), MaxRange)
	}
}

func TestPeriodsIn(t *testing.T) {
	tests := []struct {
		f    Frequency
		year int
		want int
	}{
		{Monthly(), 2024, 12},
		{custom(t, 366, time.January, 1, ""), 2024, 366},
		{custom(t, 366, time.January, 1, ""), 2025, 365},
		{custom(t, 366, time.March, 1, ""), 2024, 366}, // Mar 2023–Feb 2024
		{custom(t, 366, time.March, 1, ""), 2025, 365},
		{custom(t, 365, time.January, 1, ""), 2024, 365},
	}
	for _, tt := range tests {
		if got := tt.f.PeriodsIn(tt.year); got != tt.want {
			t.Errorf("%+v PeriodsIn(%d): got %d, want %d", tt.f, tt.year, got, tt.want)
		}
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name  string
		f     Frequency
		field string // "" means valid
	}{
		{"monthly", Monthly(), ""},
		{"annual", Annual(), ""},
		{"custom min", Frequency{PeriodsPerYear: 1, StartMonth: time.July, StartDay: 1, LabelPrefix: "FY"}, ""},
		{"custom max", Frequency{PeriodsPerYear: 366, StartMonth: time.December, StartDay: 31}, ""},
		{"feb 28", Frequency{PeriodsPerYear: 12, StartMonth: time.February, StartDay: 28}, ""},
		{"unicode prefix", Frequency{PeriodsPerYear: 4, StartMonth: 1, StartDay: 1, LabelPrefix: "Période"}, ""},
		{"inner space prefix", Frequency{PeriodsPerYear: 1, StartMonth: 1, StartDay: 2, LabelPrefix: "Fiscal Year"}, ""},
		{"zero periods", Frequency{PeriodsPerYear: 0, StartMonth: 1, StartDay: 1}, "PeriodsPerYear"},
		{"367 periods", Frequency{PeriodsPerYear: 367, StartMonth: 1, StartDay: 1}, "PeriodsPerYear"},
		{"month 0", Frequency{PeriodsPerYear: 12, StartMonth: 0, StartDay: 1}, "StartMonth"},
		{"month 13", Frequency{PeriodsPerYear: 12, StartMonth: 13, StartDay: 1}, "StartMonth"},
		{"day 0", Frequency{PeriodsPerYear: 12, StartMonth: 1, StartDay: 0}, "StartDay"},
		{"feb 29", Frequency{PeriodsPerYear: 12, StartMonth: time.February, StartDay: 29}, "StartDay"},
		{"apr 31", Frequency{PeriodsPerYear: 12, StartMonth: time.April, StartDay: 31}, "StartDay"},
		{"long prefix", Frequency{PeriodsPerYear: 4, StartMonth: 1, StartDay: 1, LabelPrefix: "abcdefghijklmnopqrstu"}, "LabelPrefix"},
		{"control prefix", Frequency{PeriodsPerYear: 4, StartMonth: 1, StartDay: 1, LabelPrefix: "P\n"}, "LabelPrefix"},
		{"nbsp prefix", Frequency{PeriodsPerYear: 4, StartMonth: 1, StartDay: 1, LabelPrefix: "P\u00a0Q"}, "LabelPrefix"},
		{"spaced prefix", Frequency{PeriodsPerYear: 4, StartMonth: 1, StartDay: 1, LabelPrefix: " P"}, "LabelPrefix"},
		{"digit prefix", Frequency{PeriodsPerYear: 4, StartMonth: 1, StartDay: 1, LabelPrefix: "P2"}, "LabelPrefix"},
		{"bad utf8 prefix", Frequency{PeriodsPerYear: 4, StartMonth: 1, StartDay: 1, LabelPrefix: "P\xff"}, "LabelPrefix"},
		{"builtin altered", Frequency{Kind: KindMonthly, PeriodsPerYear: 12, StartMonth: time.July, StartDay: 1}, "Kind"},
		{"builtin with prefix", Frequency{Kind: KindAnnual, PeriodsPerYear: 1, StartMonth: 1, StartDay: 1, LabelPrefix: "FY"}, "Kind"},
		{"unknown kind", Frequency{Kind: 9, PeriodsPerYear: 1, StartMonth: 1, StartDay: 1}, "Kind"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.f.Validate()
			var fe *FieldError
			switch {
			case tt.field == "" && err != nil:
				t.Errorf("got %v, want nil", err)
			case tt.field != "" && !errors.As(err, &fe):
				t.Errorf("got %v, want a *FieldError for %s", err, tt.field)
			case tt.field != "" && fe.Field != tt.field:
				t.Errorf("field: got %s (%v), want %s", fe.Field, err, tt.field)
			}
		})
	}
}

func TestInvalidFrequencyPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("At on an invalid frequency: got no panic, want one")
		}
	}()
	Frequency{}.At(date(2026, 1, 1))
}
