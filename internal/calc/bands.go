package calc

import (
	"fmt"
	"math"
)

// Color is the band a value falls in. None means no colour applies: no
// polarity, a missing actual or target, or a zero target.
type Color string

// The colours.
const (
	Green  Color = "green"
	Yellow Color = "yellow"
	Red    Color = "red"
	None   Color = ""
)

// Bands holds the two thresholds, as percentages of the target, whose
// meaning depends on the polarity:
//
//   - Higher is better: actual as % of target; Green at or above Green,
//     Yellow at or above Yellow, else Red.
//   - Lower is better: actual as % of target; Green at or below Green,
//     Yellow at or below Yellow, else Red.
//   - Target range: distance from target as % of target; Green within
//     Green, Yellow within Yellow, else Red.
type Bands struct {
	Green, Yellow float64
}

// MaxBand is the largest threshold accepted, in percent.
const MaxBand = 1000

// DefaultBands returns the built-in thresholds for p; zero Bands for
// NoPolarity or an unknown polarity.
func DefaultBands(p Polarity) Bands {
	switch p {
	case HigherIsBetter:
		return Bands{Green: 100, Yellow: 90}
	case LowerIsBetter:
		return Bands{Green: 100, Yellow: 110}
	case TargetRange:
		return Bands{Green: 5, Yellow: 10}
	}
	return Bands{}
}

// FieldError reports one invalid Bands field, so a form can show the
// message next to the right input.
type FieldError struct {
	Field   string // "Green", "Yellow" or "Polarity"
	Message string
}

func (e *FieldError) Error() string { return "calc: " + e.Message }

// Validate reports the first problem with b for polarity p, as a
// *FieldError, or nil. NoPolarity ignores the thresholds beyond their range.
func (b Bands) Validate(p Polarity) error {
	if !p.Valid() {
		return &FieldError{"Polarity", fmt.Sprintf("unknown polarity %q", string(p))}
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"Green", b.Green}, {"Yellow", b.Yellow}} {
		if math.IsNaN(f.v) || f.v < 0 || f.v > MaxBand {
			return &FieldError{f.name, fmt.Sprintf("the %s threshold must be between 0%% and %d%%, got %s%%",
				lower(f.name), MaxBand, fmtNum(f.v))}
		}
	}
	switch p {
	case HigherIsBetter:
		if b.Green < b.Yellow {
			return &FieldError{"Yellow", fmt.Sprintf("when higher is better the yellow threshold (%s%%) must not be above the green threshold (%s%%)",
				fmtNum(b.Yellow), fmtNum(b.Green))}
		}
	case LowerIsBetter:
		if b.Yellow < b.Green {
			return &FieldError{"Yellow", fmt.Sprintf("when lower is better the yellow threshold (%s%%) must not be below the green threshold (%s%%)",
				fmtNum(b.Yellow), fmtNum(b.Green))}
		}
	case TargetRange:
		if b.Yellow < b.Green {
			return &FieldError{"Yellow", fmt.Sprintf("for a target range the yellow distance (%s%%) must not be less than the green distance (%s%%)",
				fmtNum(b.Yellow), fmtNum(b.Green))}
		}
	}
	return nil
}

func lower(field string) string {
	if field == "Green" {
		return "green"
	}
	return "yellow"
}

func fmtNum(v float64) string { return fmt.Sprintf("%g", v) }

// ColorOf returns the band of actual against target for polarity p.
func ColorOf(p Polarity, b Bands, actual, target *float64) Color {
	if actual == nil || target == nil || !finite(*actual) || !finite(*target) || *target == 0 {
		return None
	}
	a, t := *actual, *target
	switch p {
	case HigherIsBetter:
		r := ratio(a, t)
		switch {
		case r >= b.Green:
			return Green
		case r >= b.Yellow:
			return Yellow
		}
		return Red
	case LowerIsBetter:
		r := ratio(a, t)
		switch {
		case r <= b.Green:
			return Green
		case r <= b.Yellow:
			return Yellow
		}
		return Red
	case TargetRange:
		d := round6(math.Abs(a-t) * 100 / math.Abs(t))
		switch {
		case d <= b.Green:
			return Green
		case d <= b.Yellow:
			return Yellow
		}
		return Red
	}
	return None
}

// ratio is actual as a percentage of target. For a positive target that is
// actual/target·100; written as 100 + the change relative to |target| it
// keeps its meaning for a negative target too (−5 against a target of −10 is
// better than the target when higher is better, where a plain quotient would
// say 50%).
func ratio(a, t float64) float64 {
	return round6(100 + (a-t)*100/math.Abs(t))
}

// round6 rounds a percentage to 1e-6 so thresholds compare as written.
func round6(v float64) float64 {
	if math.Abs(v) > 1e12 {
		return v // beyond any threshold; rounding would overflow the scaling
	}
	return math.Round(v*1e6) / 1e6
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// Region is one value interval of a target's bands: values in [From, To]
// (From may be −Inf, To +Inf) have Color. Where two regions meet, the
// boundary belongs to the better colour, as in ColorOf.
type Region struct {
	Color    Color
	From, To float64
}

// Regions returns the value intervals that ColorOf would colour for the
// given target, from low to high, leaving out empty ones; nil when no
// colour applies (NoPolarity, zero or non-finite target). Graphs draw them.
// Only a Green region may be a single value (From == To).
func Regions(p Polarity, b Bands, target float64) []Region {
	if !finite(target) || target == 0 {
		return nil
	}
	at := func(pct float64) float64 { return target + math.Abs(target)*(pct-100)/100 }
	dev := func(pct float64) float64 { return math.Abs(target) * pct / 100 }
	inf := math.Inf(1)
	var rs []Region
	switch p {
	case HigherIsBetter:
		y, g := at(b.Yellow), at(b.Green)
		rs = []Region{{Red, -inf, y}, {Yellow, y, g}, {Green, g, inf}}
	case LowerIsBetter:
		g, y := at(b.Green), at(b.Yellow)
		rs = []Region{{Green, -inf, g}, {Yellow, g, y}, {Red, y, inf}}
	case TargetRange:
		g, y := dev(b.Green), dev(b.Yellow)
		rs = []Region{
			{Red, -inf, target - y}, {Yellow, target - y, target - g},
			{Green, target - g, target + g},
			{Yellow, target + g, target + y}, {Red, target + y, inf},
		}
	default:
		return nil
	}
	out := rs[:0]
	for _, r := range rs {
		// A target range with a 0% green band is green exactly on target:
		// keep that one-value region so Regions still agrees with ColorOf.
		if r.From < r.To || r.Color == Green {
			out = append(out, r)
		}
	}
	return out
}
