package graph

import (
	"math"
)

// yScale maps values to the vertical pixel range of the plot.
type yScale struct {
	lo, hi   float64   // value domain, lo < hi
	ticks    []float64 // values with a grid line and label
	decimals int       // decimals the tick labels need
	top, bot float64   // pixel rows of hi and lo
}

// px returns the pixel row of v. Values far outside the domain are pinned a
// long way outside the plot: the clip path hides them either way, and the
// pin keeps coordinates short and finite for absurd inputs.
func (s yScale) px(v float64) float64 {
	y := s.bot - (v-s.lo)/(s.hi-s.lo)*(s.bot-s.top)
	const far = 1e5
	return math.Max(s.top-far, math.Min(s.bot+far, y))
}

// clampPx is px limited to the plot area, for shapes that must not be clipped
// (bars, bands).
func (s yScale) clampPx(v float64) float64 {
	return math.Max(s.top, math.Min(s.bot, s.px(v)))
}

// maxAbs bounds the values that shape the automatic domain. Beyond it the
// arithmetic of nice steps loses meaning; such values are still drawn,
// clipped at the edge.
const maxAbs = 1e15

// domain works out the value range to show from the data extent [lo, hi]
// and the optional manual bounds. zero asks that 0 be inside (bar charts).
// maxTicks is how many intervals fit the plot height.
func domain(lo, hi float64, ok bool, ymin, ymax *float64, zero bool, maxTicks int) yScale {
	fixLo := ymin != nil && finite(*ymin)
	fixHi := ymax != nil && finite(*ymax)
	if fixLo && fixHi && *ymin >= *ymax {
		// Contradictory bounds are ignored rather than refused: the graph
		// must render, and the settings form is where they get validated.
		fixLo, fixHi = false, false
	}
	if !ok {
		lo, hi = 0, 1
	}
	lo = math.Max(-maxAbs, math.Min(maxAbs, lo))
	hi = math.Max(-maxAbs, math.Min(maxAbs, hi))
	if zero || lo > 0 && lo < hi-lo || hi < 0 && -hi < hi-lo {
		// A zero origin when asked, or when it costs less than half the
		// height: a line close to zero reads truer against it.
		lo, hi = math.Min(lo, 0), math.Max(hi, 0)
	}
	if fixLo {
		lo = math.Max(-maxAbs, math.Min(maxAbs, *ymin))
		hi = math.Max(hi, lo)
	}
	if fixHi {
		hi = math.Max(-maxAbs, math.Min(maxAbs, *ymax))
		lo = math.Min(lo, hi)
	}
	if hi == lo {
		d := math.Max(math.Abs(lo)*0.1, 1e-6)
		if lo == 0 {
			d = 1
		}
		switch {
		case fixLo:
			hi += d
		case fixHi:
			lo -= d
		default:
			lo, hi = lo-d, hi+d
			if lo < 0 && hi-d >= 0 {
				lo = 0 // don't dip below zero just to centre a positive value
			}
		}
	}
	step := niceStep((hi - lo) / float64(max(maxTicks, 1)))
	dec := stepDecimals(step)
	// Free ends snap outward to a whole step; manual ends stay as given.
	if !fixLo {
		lo = roundTo(math.Floor(lo/step+1e-9)*step, dec)
	}
	if !fixHi {
		hi = roundTo(math.Ceil(hi/step-1e-9)*step, dec)
	}
	s := yScale{lo: lo, hi: hi, decimals: dec}
	first := math.Ceil(lo/step - 1e-9)
	for k := first; k*step <= hi+step*1e-9 && len(s.ticks) < 50; k++ {
		v := roundTo(k*step, dec)
		if n := len(s.ticks); n > 0 && v <= s.ticks[n-1] {
			break // steps below float precision at this magnitude
		}
		s.ticks = append(s.ticks, v)
	}
	return s
}

// niceStep rounds a raw interval up to 1, 2 or 5 times a power of ten, and
// never below 1e-6, the finest a measure's six decimals can show.
func niceStep(raw float64) float64 {
	if !(raw > 1e-6) {
		return 1e-6
	}
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	switch n := raw / mag; {
	case n <= 1+1e-9:
		return mag
	case n <= 2+1e-9:
		return 2 * mag
	case n <= 5+1e-9:
		return 5 * mag
	}
	return 10 * mag
}

// stepDecimals is how many decimals tick labels need to tell steps apart.
func stepDecimals(step float64) int {
	for d := 0; d < 6; d++ {
		v := step * math.Pow(10, float64(d))
		if math.Abs(v-math.Round(v)) < 1e-6*v {
			return d
		}
	}
	return 6
}

func roundTo(v float64, dec int) float64 {
	p := math.Pow(10, float64(dec))
	r := math.Round(v*p) / p
	if r == 0 {
		return 0 // no -0
	}
	return r
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// labelEvery returns k such that drawing every k-th of n labels, each up to
// width wide, at spacing step keeps them from overlapping.
func labelEvery(width, step float64) int {
	if step <= 0 {
		return 1
	}
	return max(1, int(math.Ceil(width/step)))
}
