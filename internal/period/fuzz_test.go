package period

import (
	"strings"
	"testing"
	"time"
)

// fuzzFrequency maps arbitrary fuzz inputs onto a valid frequency, so the
// fuzzer spends its time on arithmetic rather than on rejected inputs.
func fuzzFrequency(kind uint8, n uint16, month, day uint8, prefix string) Frequency {
	if k := Kind(kind % 8); k >= KindMonthly && k <= KindAnnual {
		return builtin(k) // half the kinds stay custom
	}
	m := time.Month(month%12 + 1)
	f := Frequency{
		PeriodsPerYear: int(n%366) + 1,
		StartMonth:     m,
		StartDay:       int(day)%daysIn(2001, m) + 1,
		LabelPrefix:    prefix,
	}
	if f.Validate() != nil {
		f.LabelPrefix = ""
	}
	return f
}

func FuzzAt(f *testing.F) {
	f.Add(uint8(0), uint16(51), uint8(0), uint8(0), int32(738885), int32(0), int16(0))
	f.Add(uint8(0), uint16(365), uint8(0), uint8(0), int32(738885), int32(86399), int16(14*60))
	f.Add(uint8(0), uint16(365), uint8(2), uint8(0), int32(738580), int32(0), int16(-12*60))
	f.Add(uint8(0), uint16(11), uint8(0), uint8(30), int32(738580), int32(1), int16(0))
	f.Add(uint8(1), uint16(0), uint8(0), uint8(0), int32(0), int32(0), int16(0))
	f.Add(uint8(0), uint16(12), uint8(3), uint8(5), int32(3652058), int32(0), int16(0))
	f.Fuzz(func(t *testing.T, kind uint8, n uint16, month, day uint8, dayNum, secs int32, zoneMin int16) {
		// The prefix only matters to labels, which FuzzParse covers; leaving
		// it out keeps this target on the date arithmetic.
		fr := fuzzFrequency(kind, n, month, day, "P")
		// Dates from 1002-01-01 to 9997-12-31, so their fiscal years
		// stay inside MinYear–MaxYear and labels round-trip.
		const first, span = 365607, 3651329 - 365607 // days after 0001-01-01
		days := first + int(uint32(dayNum)%span)
		base := time.Date(1, 1, 1+days, 0, 0, 0, 0, time.UTC)
		zone := time.FixedZone("fuzz", int(zoneMin)%(15*60)*60)
		d := time.Date(base.Year(), base.Month(), base.Day(), 0, 0, int(uint32(secs)%86400), 0, zone)

		p := fr.At(d)
		if !p.Contains(d) {
			t.Fatalf("%+v: At(%s) = [%s, %s) does not contain it", fr, d, p.Start, p.End)
		}
		checkPeriod(t, fr, p)
		if got := fr.Add(fr.Add(p, 40), -40); got != p {
			t.Fatalf("%+v: Add(Add(p, 40), -40) = %+v, want %+v", fr, got, p)
		}
	})
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"Jan 2026", "q4 1999", "H2 2026", "2026", "FY 2026", "P366 2024",
		"W52 2026", " p 13   2026 ", "Période1 2026", "Q0 2026", "Jan 0", "P1 99999", "\xff 2026"} {
		f.Add(s, uint8(0), uint16(0), uint8(0), uint8(0), "")
	}
	f.Add("FY 2026", uint8(0), uint16(0), uint8(6), uint8(0), "FY")
	f.Add("W12 2026", uint8(0), uint16(51), uint8(0), uint8(0), "W")
	f.Add("P366 2025", uint8(0), uint16(365), uint8(0), uint8(0), "")
	f.Add("Jan 2026", uint8(1), uint16(0), uint8(0), uint8(0), "")
	f.Add("Q1 2026", uint8(2), uint16(0), uint8(0), uint8(0), "")
	f.Add("k1 2026", uint8(0), uint16(3), uint8(0), uint8(0), "\u212a") // Kelvin sign folds to k
	f.Fuzz(func(t *testing.T, s string, kind uint8, n uint16, month, day uint8, prefix string) {
		fr := fuzzFrequency(kind, n, month, day, prefix)
		p, err := fr.Parse(s)
		if err != nil {
			return
		}
		checkPeriod(t, fr, p)
		// One label per period: what parsed is the label, up to case and spacing.
		norm := strings.Join(strings.Fields(s), " ")
		if label := strings.Join(strings.Fields(fr.Label(p)), " "); !strings.EqualFold(label, norm) {
			t.Fatalf("%+v: Parse(%q) = %q, which is not the same label", fr, s, label)
		}
		if _, err := fr.FromKey(s); err == nil {
			t.Fatalf("%+v: %q parsed both as a label and as a key", fr, s)
		}
	})
}

// FuzzLabel checks that every label the app prints parses back to the same
// period, as written, in upper and lower case and with extra spaces: what
// Import Data reads from a spreadsheet it wrote (issue 21).
func FuzzLabel(f *testing.F) {
	f.Add(uint8(1), uint16(0), uint8(0), uint8(0), int32(738885))
	f.Add(uint8(2), uint16(0), uint8(0), uint8(0), int32(738885))
	f.Add(uint8(3), uint16(0), uint8(0), uint8(0), int32(738885))
	f.Add(uint8(4), uint16(0), uint8(0), uint8(0), int32(738885))
	f.Add(uint8(0), uint16(0), uint8(6), uint8(0), int32(738885))
	f.Add(uint8(0), uint16(365), uint8(1), uint8(28), int32(738580))
	f.Add(uint8(0), uint16(51), uint8(3), uint8(5), int32(3650000))
	f.Fuzz(func(t *testing.T, kind uint8, n uint16, month, day uint8, dayNum int32) {
		fr := fuzzFrequency(kind, n, month, day, []string{"", "FY", "P", "W", "Période ", "Wk"}[int(n)%6])
		const first, span = 365607, 3651329 - 365607
		days := first + int(uint32(dayNum)%span)
		p := fr.At(time.Date(1, 1, 1+days, 0, 0, 0, 0, time.UTC))
		label := fr.Label(p)
		for _, s := range []string{label, strings.ToUpper(label), strings.ToLower(label), "  " + strings.ReplaceAll(label, " ", "   ") + " "} {
			got, err := fr.Parse(s)
			if err != nil {
				t.Fatalf("%+v: Parse(%q) of the label of %+v: %v", fr, s, p, err)
			}
			if got != p {
				t.Fatalf("%+v: Parse(%q) = %+v, want %+v", fr, s, got, p)
			}
		}
		if got, err := fr.FromKey(fr.Key(p)); err != nil || got != p {
			t.Fatalf("%+v: FromKey(Key(%+v)) = %+v, %v", fr, p, got, err)
		}
	})
}
