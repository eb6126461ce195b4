package period

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

func TestParse(t *testing.T) {
	fy := custom(t, 1, time.July, 1, "FY")
	weekly := custom(t, 52, time.January, 1, "W")
	noPrefix := custom(t, 13, time.January, 1, "")
	noPrefixAnnual := custom(t, 1, time.April, 6, "")
	spaced := custom(t, 4, time.January, 1, "Fiscal  Qtr")
	days366 := custom(t, 366, time.January, 1, "D")
	tests := []struct {
		f     Frequency
		in    string
		start time.Time // zero means an error is wanted
	}{
		{Monthly(), "Jan 2026", date(2026, 1, 1)},
		{Monthly(), "  dec   2025 ", date(2025, 12, 1)},
		{Monthly(), "DEC 2025", date(2025, 12, 1)},
		{Monthly(), "December 2025", time.Time{}},
		{Monthly(), "Jan", time.Time{}},
		{Monthly(), "Jan 26", time.Time{}},
		{Monthly(), "Jan 1000", date(1000, 1, 1)},
		{Monthly(), "Jan 9999", date(9999, 1, 1)},
		{Monthly(), "Jan 02026", time.Time{}},
		{Monthly(), "Jan 0", time.Time{}},
		{Monthly(), "Jan 10000", time.Time{}},
		{Monthly(), "Jan -2026", time.Time{}},
		{Quarterly(), "q3 2026", date(2026, 7, 1)},
		{Quarterly(), "Q5 2026", time.Time{}},
		{Quarterly(), "Q0 2026", time.Time{}},
		{Quarterly(), "Q01 2026", time.Time{}},
		{Quarterly(), "Q 1 2026", time.Time{}},
		{Quarterly(), "H1 2026", time.Time{}},
		{HalfYear(), "h2 2026", date(2026, 7, 1)},
		{HalfYear(), "H3 2026", time.Time{}},
		{Annual(), "2026", date(2026, 1, 1)},
		{Annual(), " 2026 ", date(2026, 1, 1)},
		{Annual(), "FY 2026", time.Time{}},
		{Annual(), "", time.Time{}},
		{fy, "fy 2026", date(2025, 7, 1)},
		{fy, "FY2026", time.Time{}},
		{fy, "FY1 2026", time.Time{}},
		{weekly, "W52 2026", date(2026, 12, 24)},
		{weekly, "w1 2026", date(2026, 1, 1)},
		{weekly, "W53 2026", time.Time{}},
		{weekly, "W 12 2026", time.Time{}},
		{noPrefix, "P13 2026", date(2026, 12, 3)},
		{noPrefixAnnual, "P 2026", date(2025, 4, 6)},
		{spaced, "fiscal qtr2 2026", date(2026, 4, 1)},
		{days366, "D366 2024", date(2024, 12, 31)},
		{days366, "D366 2025", time.Time{}}, // a common year has 365 periods
		{days366, "D365 2025", date(2025, 12, 31)},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p, err := tt.f.Parse(tt.in)
			if tt.start.IsZero() {
				if err == nil {
					t.Errorf("got %s, want an error", tt.f.Label(p))
				}
				return
			}
			if err != nil {
				t.Fatalf("got error %v, want start %s", err, tt.start.Format(time.DateOnly))
			}
			if p != tt.f.At(tt.start) {
				t.Errorf("got %+v, want %+v", p, tt.f.At(tt.start))
			}
		})
	}
}

func TestParseErrorMessages(t *testing.T) {
	days366 := custom(t, 366, time.January, 1, "D")
	tests := []struct {
		f    Frequency
		in   string
		want string
	}{
		{Quarterly(), "Q5 2026", `"Q5 2026" is not a quarterly period label (expected something like "Q1 2026")`},
		{days366, "D366 2025", `"D366 2025" does not exist: fiscal year 2025 has 365 periods`},
		{Monthly(), "Jan 26", `year 26 in "Jan 26" is outside 1000–9999 (write the year in full)`},
		{Frequency{}, "P1 2026", "periods per year must be between 1 and 366"},
	}
	for _, tt := range tests {
		_, err := tt.f.Parse(tt.in)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Parse(%q): got %v, want an error containing %q", tt.in, err, tt.want)
		}
	}
}

func TestKeys(t *testing.T) {
	mJan31 := custom(t, 12, time.January, 31, "")
	fy := custom(t, 1, time.July, 1, "FY")
	tests := []struct {
		f     Frequency
		key   string
		label string // "" means an error is wanted
	}{
		{Monthly(), "2026-03-01", "Mar 2026"},
		{Monthly(), "2026-03-02", ""},
		{Monthly(), "2026-3-01", ""},
		{Monthly(), "2026-02-30", ""},
		{Monthly(), "2026/03/01", ""},
		{Monthly(), "+026-03-01", ""},
		{Monthly(), "0999-12-01", ""}, // fiscal year 999
		{fy, "0998-07-01", ""},
		{fy, "0999-07-01", "FY 1000"},
		{Monthly(), "9999-12-01", "Dec 9999"},
		{fy, "9999-07-01", ""}, // fiscal year 10000
		{fy, "2025-07-01", "FY 2026"},
		{fy, "2026-01-01", ""},
		{mJan31, "2026-02-28", "P2 2027"},
		{mJan31, "2024-02-29", "P2 2025"},
		{mJan31, "2024-02-28", ""},
	}
	for _, tt := range tests {
		p, err := tt.f.FromKey(tt.key)
		switch {
		case tt.label == "" && err == nil:
			t.Errorf("FromKey(%q): got %s, want an error", tt.key, tt.f.Label(p))
		case tt.label != "" && err != nil:
			t.Errorf("FromKey(%q): got error %v, want %s", tt.key, err, tt.label)
		case tt.label != "":
			if got := tt.f.Label(p); got != tt.label {
				t.Errorf("FromKey(%q): got %s, want %s", tt.key, got, tt.label)
			}
			if got := tt.f.Key(p); got != tt.key {
				t.Errorf("Key(FromKey(%q)): got %q", tt.key, got)
			}
		}
	}
	_, err := Monthly().FromKey("2026-03-15")
	want := `period: key "2026-03-15" is not the start of a period (Mar 2026 starts 2026-03-01)`
	if err == nil || err.Error() != want {
		t.Errorf("mid-period key: got %v, want %s", err, want)
	}
}

// goldenFrequencies is the fixed set whose labels testdata/labels.golden
// records; changing a label rule shows up there as a reviewable diff.
func goldenFrequencies(t testing.TB) []struct {
	name string
	f    Frequency
} {
	return []struct {
		name string
		f    Frequency
	}{
		{"monthly", Monthly()},
		{"quarterly", Quarterly()},
		{"half-year", HalfYear()},
		{"annual", Annual()},
		{"fy-jul-1", custom(t, 1, time.July, 1, "FY")},
		{"quarters-oct-1", custom(t, 4, time.October, 1, "Q")},
		{"months-jan-31", custom(t, 12, time.January, 31, "")},
		{"months-apr-6", custom(t, 12, time.April, 6, "M")},
		{"13-periods", custom(t, 13, time.January, 1, "")},
		{"26-periods-oct-1", custom(t, 26, time.October, 1, "F")},
		{"weekly-52", custom(t, 52, time.January, 1, "W")},
	}
}

func TestLabelsGolden(t *testing.T) {
	var b strings.Builder
	for _, g := range goldenFrequencies(t) {
		// Fiscal years 2024 (leap) and 2025.
		first := g.f.At(g.f.fiscalStart(2024))
		last := g.f.Prev(g.f.At(g.f.fiscalStart(2026)))
		for _, p := range g.f.Range(first, last) {
			// Key is the start date; the last day and length make clamping
			// and uneven day-based periods visible.
			fmt.Fprintf(&b, "%-17s %-9s %s .. %s  %3d days\n", g.name, g.f.Label(p), g.f.Key(p),
				p.End.AddDate(0, 0, -1).Format(time.DateOnly), daysBetween(p.Start, p.End))
		}
	}
	got := b.String()
	path := filepath.Join("testdata", "labels.golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(gl) || i < len(wl); i++ {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Fatalf("labels differ from %s at line %d:\ngot:  %s\nwant: %s\n(run go test -update if the change is intended)", path, i+1, g, w)
			}
		}
	}
}
