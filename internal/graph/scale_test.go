package graph

import (
	"fmt"
	"testing"
)

func TestDomain(t *testing.T) {
	tests := []struct {
		name       string
		lo, hi     float64
		ok         bool
		ymin, ymax *float64
		zero       bool
		want       string // lo..hi by step: ticks
	}{
		{"typical rate", 70.8, 94.1, true, nil, nil, false, "70..95 [70 75 80 85 90 95] d0"},
		{"near zero takes zero", 12, 26, true, nil, nil, false, "0..30 [0 10 20 30] d0"},
		{"bars take zero", 11800, 16020, true, nil, nil, true, "0..20000 [0 5000 10000 15000 20000] d0"},
		{"negative near zero", -26, -12, true, nil, nil, false, "-30..0 [-30 -20 -10 0] d0"},
		{"straddling zero", -120, 1e300, true, nil, nil, false, "0..1e+15 [0 2e+14 4e+14 6e+14 8e+14 1e+15] d0"}, // -120 is a rounding error here
		{"small decimals", 0.12, 0.57, true, nil, nil, false, "0..0.6 [0 0.2 0.4 0.6] d1"},
		{"one value", 50, 50, true, nil, nil, false, "44..56 [44 46 48 50 52 54 56] d0"},
		{"one zero", 0, 0, true, nil, nil, false, "0..1 [0 0.2 0.4 0.6 0.8 1] d1"},
		{"no data", 0, 0, false, nil, nil, false, "0..1 [0 0.2 0.4 0.6 0.8 1] d1"},
		{"manual both", -120, 180, true, ptr(-50), ptr(150), false, "-50..150 [-50 0 50 100 150] d0"},
		{"manual odd bounds", 0, 10, true, ptr(0.5), ptr(9.7), false, "0.5..9.7 [2 4 6 8] d0"},
		{"manual min only", 40, 90, true, ptr(0), nil, false, "0..100 [0 20 40 60 80 100] d0"},
		{"manual max only", 40, 90, true, nil, ptr(200), false, "0..200 [0 50 100 150 200] d0"},
		{"manual min above data", 40, 90, true, ptr(100), nil, false, "100..110 [100 102 104 106 108 110] d0"},
		{"contradictory bounds are ignored", 40, 90, true, ptr(10), ptr(5), false, "0..100 [0 20 40 60 80 100] d0"},
		{"huge manual bounds", 0, 1, true, ptr(-1e308), ptr(1e308), false, "-1e+15..1e+15 [-1e+15 -5e+14 0 5e+14 1e+15] d0"},
		{"span below precision", 0, 1, true, ptr(1e14), ptr(1e14 + 0.02), false, "1e+14..1.0000000000000002e+14 [1e+14] d3"}, // no endless or repeated ticks
		{"tiny span", 1.0000001, 1.0000002, true, nil, nil, false, "1..1.000001 [1 1.000001] d6"},
	}
	for _, tt := range tests {
		s := domain(tt.lo, tt.hi, tt.ok, tt.ymin, tt.ymax, tt.zero, 5)
		got := fmt.Sprintf("%g..%g %g d%d", s.lo, s.hi, s.ticks, s.decimals)
		if got != tt.want {
			t.Errorf("%s: domain(%g, %g) = %s, want %s", tt.name, tt.lo, tt.hi, got, tt.want)
		}
	}
}

func TestNiceStep(t *testing.T) {
	tests := []struct{ raw, want float64 }{
		{0.7, 1}, {1, 1}, {1.2, 2}, {2, 2}, {2.1, 5}, {4.9, 5}, {5.1, 10}, {7, 10},
		{0.03, 0.05}, {1234, 2000}, {0, 1e-6}, {-3, 1e-6},
	}
	for _, tt := range tests {
		if got := niceStep(tt.raw); fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("niceStep(%g) = %g, want %g", tt.raw, got, tt.want)
		}
	}
}

func TestLabelEvery(t *testing.T) {
	tests := []struct {
		width, step float64
		want        int
	}{
		{50, 60, 1}, {50, 50, 1}, {50, 49, 2}, {58, 17.6, 4}, {10, 0, 1},
	}
	for _, tt := range tests {
		if got := labelEvery(tt.width, tt.step); got != tt.want {
			t.Errorf("labelEvery(%g, %g) = %d, want %d", tt.width, tt.step, got, tt.want)
		}
	}
}

func TestFit(t *testing.T) {
	if got := fit("short", 10, 100); got != "short" {
		t.Errorf("fit(short) = %q", got)
	}
	got := fit("a rather long title that cannot fit", 10, 100)
	if w := textWidth(got, 10); w > 100 || got[len(got)-len("…"):] != "…" {
		t.Errorf("fit(long) = %q (width %g), want an ellipsis within 100", got, w)
	}
}

func ptr(v float64) *float64 { return &v }
