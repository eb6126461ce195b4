package calc

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
)

func f(v float64) *float64 { return &v }

func TestColorOfDefaults(t *testing.T) {
	tests := []struct {
		p              Polarity
		actual, target *float64
		want           Color
	}{
		// Higher is better: Green ≥ 100%, Yellow ≥ 90%.
		{HigherIsBetter, f(100), f(100), Green},
		{HigherIsBetter, f(150), f(100), Green},
		{HigherIsBetter, f(99.999), f(100), Yellow},
		{HigherIsBetter, f(90), f(100), Yellow},
		{HigherIsBetter, f(89.999), f(100), Red},
		{HigherIsBetter, f(0), f(100), Red},
		{HigherIsBetter, f(-5), f(100), Red},
		{HigherIsBetter, f(0.9), f(1), Yellow},   // 0.9/1 is 90.00000000000001% unrounded
		{HigherIsBetter, f(0.3), f(0.3), Green},  // equal, not a ratio off by an ulp
		{HigherIsBetter, f(2.7), f(3), Yellow},   // exactly 90%
		{HigherIsBetter, f(-5), f(-10), Green},   // above a negative target
		{HigherIsBetter, f(-10), f(-10), Green},  // on it
		{HigherIsBetter, f(-11), f(-10), Yellow}, // 10% below it
		{HigherIsBetter, f(-11.01), f(-10), Red}, // more than 10% below
		{HigherIsBetter, f(5), f(0), None},       // no percentage of zero
		{HigherIsBetter, nil, f(100), None},      // no actual
		{HigherIsBetter, f(100), nil, None},      // no target
		{HigherIsBetter, f(math.NaN()), f(1), None},
		{HigherIsBetter, f(1), f(math.Inf(1)), None},

		// Lower is better: Green ≤ 100%, Yellow ≤ 110%.
		{LowerIsBetter, f(100), f(100), Green},
		{LowerIsBetter, f(0), f(100), Green},
		{LowerIsBetter, f(-20), f(100), Green},
		{LowerIsBetter, f(100.001), f(100), Yellow},
		{LowerIsBetter, f(110), f(100), Yellow},
		{LowerIsBetter, f(1.1), f(1), Yellow}, // 110.00000000000001% unrounded
		{LowerIsBetter, f(110.001), f(100), Red},
		{LowerIsBetter, f(-10), f(-10), Green},
		{LowerIsBetter, f(-9), f(-10), Yellow}, // 10% above a negative target
		{LowerIsBetter, f(-8), f(-10), Red},
		{LowerIsBetter, f(-12), f(-10), Green},
		{LowerIsBetter, f(0), f(0), None},
		{LowerIsBetter, nil, nil, None},

		// Target range: Green within 5%, Yellow within 10%.
		{TargetRange, f(100), f(100), Green},
		{TargetRange, f(105), f(100), Green},
		{TargetRange, f(95), f(100), Green},
		{TargetRange, f(105.001), f(100), Yellow},
		{TargetRange, f(94.999), f(100), Yellow},
		{TargetRange, f(110), f(100), Yellow},
		{TargetRange, f(90), f(100), Yellow},
		{TargetRange, f(110.001), f(100), Red},
		{TargetRange, f(89.999), f(100), Red},
		{TargetRange, f(1.05), f(1), Green}, // 5.000000000000004% unrounded
		{TargetRange, f(-105), f(-100), Green},
		{TargetRange, f(-111), f(-100), Red},
		{TargetRange, f(0), f(0), None},
		{TargetRange, f(1), nil, None},

		// No polarity never colours.
		{NoPolarity, f(100), f(100), None},
		{NoPolarity, f(1), f(100), None},
		{Polarity("sideways"), f(100), f(100), None},
	}
	for _, tt := range tests {
		got := ColorOf(tt.p, DefaultBands(tt.p), tt.actual, tt.target)
		if got != tt.want {
			t.Errorf("ColorOf(%s, %s, %s) = %q, want %q", tt.p, show(tt.actual), show(tt.target), got, tt.want)
		}
	}
}

func TestColorOfCustomBands(t *testing.T) {
	tests := []struct {
		p              Polarity
		b              Bands
		actual, target float64
		want           Color
	}{
		{HigherIsBetter, Bands{80, 50}, 80, 100, Green},
		{HigherIsBetter, Bands{80, 50}, 79, 100, Yellow},
		{HigherIsBetter, Bands{80, 50}, 50, 100, Yellow},
		{HigherIsBetter, Bands{80, 50}, 49, 100, Red},
		{HigherIsBetter, Bands{100, 100}, 99, 100, Red}, // no yellow band at all
		{HigherIsBetter, Bands{0, 0}, -1, 100, Red},
		{HigherIsBetter, Bands{0, 0}, 0, 100, Green},
		{LowerIsBetter, Bands{90, 120}, 90, 100, Green},
		{LowerIsBetter, Bands{90, 120}, 91, 100, Yellow},
		{LowerIsBetter, Bands{90, 120}, 120, 100, Yellow},
		{LowerIsBetter, Bands{90, 120}, 121, 100, Red},
		{TargetRange, Bands{0, 0}, 100, 100, Green},
		{TargetRange, Bands{0, 0}, 100.001, 100, Red},
		{TargetRange, Bands{0, 20}, 80, 100, Yellow},
		{TargetRange, Bands{1000, 1000}, 1100, 100, Green},
	}
	for _, tt := range tests {
		got := ColorOf(tt.p, tt.b, &tt.actual, &tt.target)
		if got != tt.want {
			t.Errorf("ColorOf(%s, %+v, %g, %g) = %q, want %q", tt.p, tt.b, tt.actual, tt.target, got, tt.want)
		}
	}
}

func TestBandsValidate(t *testing.T) {
	tests := []struct {
		p     Polarity
		b     Bands
		field string // "" means valid
		msg   string // part of the message
	}{
		{HigherIsBetter, DefaultBands(HigherIsBetter), "", ""},
		{LowerIsBetter, DefaultBands(LowerIsBetter), "", ""},
		{TargetRange, DefaultBands(TargetRange), "", ""},
		{NoPolarity, DefaultBands(NoPolarity), "", ""},
		{HigherIsBetter, Bands{100, 100}, "", ""},
		{HigherIsBetter, Bands{0, 0}, "", ""},
		{HigherIsBetter, Bands{1000, 0}, "", ""},
		{HigherIsBetter, Bands{90, 100}, "Yellow", "must not be above the green threshold (90%)"},
		{HigherIsBetter, Bands{100, -1}, "Yellow", "between 0% and 1000%, got -1%"},
		{HigherIsBetter, Bands{1000.5, 90}, "Green", "green threshold must be between 0% and 1000%"},
		{LowerIsBetter, Bands{100, 100}, "", ""},
		{LowerIsBetter, Bands{0, 1000}, "", ""},
		{LowerIsBetter, Bands{110, 100}, "Yellow", "must not be below the green threshold (110%)"},
		{LowerIsBetter, Bands{-1, 100}, "Green", "got -1%"},
		{TargetRange, Bands{0, 0}, "", ""},
		{TargetRange, Bands{10, 5}, "Yellow", "yellow distance (5%) must not be less than the green distance (10%)"},
		{TargetRange, Bands{5, 1001}, "Yellow", "got 1001%"},
		{NoPolarity, Bands{5, 1}, "", ""},
		{NoPolarity, Bands{math.NaN(), 1}, "Green", "got NaN%"},
		{HigherIsBetter, Bands{math.Inf(1), 1}, "Green", "between 0%"},
		{Polarity("up"), Bands{}, "Polarity", `unknown polarity "up"`},
	}
	for _, tt := range tests {
		err := tt.b.Validate(tt.p)
		if tt.field == "" {
			if err != nil {
				t.Errorf("%+v.Validate(%s) = %v, want nil", tt.b, tt.p, err)
			}
			continue
		}
		var fe *FieldError
		if !errors.As(err, &fe) {
			t.Errorf("%+v.Validate(%s) = %v, want a *FieldError", tt.b, tt.p, err)
			continue
		}
		if fe.Field != tt.field || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%+v.Validate(%s) = %s: %q, want %s: …%s…", tt.b, tt.p, fe.Field, err, tt.field, tt.msg)
		}
	}
}

// TestRegionsAgreeWithColorOf checks that the intervals a graph draws give
// every value the colour ColorOf gives it, boundaries included.
func TestRegionsAgreeWithColorOf(t *testing.T) {
	cases := []struct {
		p Polarity
		b Bands
	}{
		{HigherIsBetter, DefaultBands(HigherIsBetter)},
		{HigherIsBetter, Bands{120, 80}},
		{HigherIsBetter, Bands{100, 100}},
		{LowerIsBetter, DefaultBands(LowerIsBetter)},
		{LowerIsBetter, Bands{50, 150}},
		{TargetRange, DefaultBands(TargetRange)},
		{TargetRange, Bands{0, 25}},
	}
	for _, c := range cases {
		for _, target := range []float64{100, 40, -40, 0.5} {
			rs := Regions(c.p, c.b, target)
			if len(rs) == 0 {
				t.Fatalf("Regions(%s, %+v, %g) is empty", c.p, c.b, target)
			}
			if !math.IsInf(rs[0].From, -1) || !math.IsInf(rs[len(rs)-1].To, 1) {
				t.Errorf("Regions(%s, %+v, %g) = %v, want it to cover every value", c.p, c.b, target, rs)
			}
			for i, r := range rs {
				if i > 0 && rs[i-1].To != r.From {
					t.Errorf("Regions(%s, %+v, %g) = %v: gap or overlap at %d", c.p, c.b, target, rs, i)
				}
				for _, v := range []float64{r.From, (r.From + r.To) / 2, r.To} {
					if math.IsInf(v, 0) || math.IsNaN(v) {
						continue
					}
					got := ColorOf(c.p, c.b, &v, &target)
					// A shared boundary takes the better colour of the two.
					if got != r.Color && !onBoundaryOf(rs, v, got) {
						t.Errorf("value %g against %g (%s, %+v): ColorOf = %q, region says %q", v, target, c.p, c.b, got, r.Color)
					}
				}
			}
		}
	}
	for _, p := range []Polarity{NoPolarity, HigherIsBetter} {
		if rs := Regions(p, DefaultBands(p), 0); rs != nil {
			t.Errorf("Regions(%s, …, 0) = %v, want nil", p, rs)
		}
	}
	if rs := Regions(NoPolarity, Bands{}, 10); rs != nil {
		t.Errorf("Regions(none, …, 10) = %v, want nil", rs)
	}
}

func onBoundaryOf(rs []Region, v float64, c Color) bool {
	for _, r := range rs {
		if r.Color == c && (r.From == v || r.To == v) {
			return true
		}
	}
	return false
}

func TestParsePolarity(t *testing.T) {
	for _, p := range Polarities() {
		got, err := ParsePolarity(" " + strings.ToUpper(string(p)) + " ")
		if err != nil || got != p {
			t.Errorf("ParsePolarity(%q) = %q, %v, want %q", p, got, err, p)
		}
	}
	for _, s := range []string{"", "up", "higher is better"} {
		if got, err := ParsePolarity(s); err == nil {
			t.Errorf("ParsePolarity(%q) = %q, want an error", s, got)
		}
	}
}

func show(v *float64) string {
	if v == nil {
		return "nil"
	}
	return fmt.Sprint(*v)
}
