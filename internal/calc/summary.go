package calc

import (
	"math"
	"strconv"
)

// Point is one period's data for a measure. A slice of points is in period
// order, oldest first, and may include periods without data.
type Point struct {
	Key            string // period key, as period.Frequency.Key gives
	Label          string // period label, e.g. "Jan 2026"
	Actual, Target *float64
	Forecast       *float64 // what this period would be if nothing changes (issue 28)
	Comment        string
}

// Summary holds the scorecard columns of one measure.
type Summary struct {
	Current           *Point   // last point with an actual
	Prior             *Point   // point with an actual just before Current
	Baseline          *Point   // see BaselineIndex
	Variance          *float64 // current actual − current target
	VariancePct       *float64 // Variance as % of |current target|
	Trend             Trend
	BaselineChangePct *float64 // (current − baseline) as % of |baseline|
	Color             Color    // band of the current actual
	PctOfTarget       *float64 // current actual as % of the current target (not of a zero one)
	Next              *Point   // the first point after Current with a target: the next target
	NextForecast      *Point   // the first point after Current with a forecast
}

// The summary's values that sit on one of its points, nil without the
// point: what the pages and the downloads show in a scorecard's columns.
func (s Summary) CurrentActual() *float64 {
	return field(s.Current, func(p *Point) *float64 { return p.Actual })
}
func (s Summary) CurrentTarget() *float64 {
	return field(s.Current, func(p *Point) *float64 { return p.Target })
}
func (s Summary) PriorActual() *float64 {
	return field(s.Prior, func(p *Point) *float64 { return p.Actual })
}
func (s Summary) NextTarget() *float64 {
	return field(s.Next, func(p *Point) *float64 { return p.Target })
}
func (s Summary) ForecastValue() *float64 {
	return field(s.NextForecast, func(p *Point) *float64 { return p.Forecast })
}

func field(p *Point, get func(*Point) *float64) *float64 {
	if p == nil {
		return nil
	}
	return get(p)
}

// Trend is the run of moves ending at the current actual.
type Trend struct {
	// Direction is +1 (up), −1 (down) or 0 (flat, or fewer than two actuals).
	Direction int
	// Length counts consecutive period-to-period moves in Direction ending
	// at the current actual. A flat run counts unchanged moves, so
	// Direction 0 with Length 0 means there is no trend at all.
	Length int
	// Good says whether the direction is good for the polarity: up for
	// higher is better, down for lower is better, toward the current target
	// for a target range. Nil when flat, without polarity, or unknown.
	Good *bool
}

// BaselineIndex returns the index of the baseline point: the point whose key
// is key, or, when key is empty or matches no point, the first point with an
// actual. It returns −1 when there is neither.
func BaselineIndex(points []Point, key string) int {
	if key != "" {
		for i := range points {
			if points[i].Key == key {
				return i
			}
		}
	}
	for i := range points {
		if hasActual(points[i]) {
			return i
		}
	}
	return -1
}

// Summarize computes the scorecard columns from points in period order.
func Summarize(points []Point, baselineKey string, p Polarity, b Bands) Summary {
	var s Summary
	// Indexes of the points with actuals, oldest first: everything below
	// walks these, so periods without data are skipped rather than read as 0.
	var idx []int
	for i := range points {
		if hasActual(points[i]) {
			idx = append(idx, i)
		}
	}
	bi := BaselineIndex(points, baselineKey)
	if bi >= 0 {
		s.Baseline = copyPoint(points[bi])
	}
	if len(idx) == 0 {
		return s
	}
	cur := points[idx[len(idx)-1]]
	s.Current = copyPoint(cur)
	if len(idx) >= 2 {
		s.Prior = copyPoint(points[idx[len(idx)-2]])
	}
	a := *cur.Actual
	if t := cur.Target; t != nil && finite(*t) {
		s.Variance = ptr(a - *t)
		if *t != 0 {
			s.VariancePct = ptr((a - *t) * 100 / math.Abs(*t))
		}
	}
	s.Color = ColorOf(p, b, cur.Actual, cur.Target)
	if t := cur.Target; t != nil && finite(*t) && *t != 0 {
		s.PctOfTarget = ptr(a * 100 / *t)
	}
	for _, pt := range points[idx[len(idx)-1]+1:] {
		if pt.Target != nil && s.Next == nil {
			s.Next = copyPoint(pt)
		}
		if pt.Forecast != nil && s.NextForecast == nil {
			s.NextForecast = copyPoint(pt)
		}
	}
	s.Trend = trend(points, idx, p)

	if bi >= 0 && bi != idx[len(idx)-1] && hasActual(points[bi]) && *points[bi].Actual != 0 {
		base := *points[bi].Actual
		s.BaselineChangePct = ptr((a - base) * 100 / math.Abs(base))
	}
	return s
}

// trend walks back from the current actual over the points with actuals.
func trend(points []Point, idx []int, p Polarity) Trend {
	var t Trend
	n := len(idx)
	if n < 2 {
		return t
	}
	val := func(k int) float64 { return *points[idx[k]].Actual }
	t.Direction = sign(val(n-1) - val(n-2))
	for k := n - 1; k > 0 && sign(val(k)-val(k-1)) == t.Direction; k-- {
		t.Length++
	}
	if t.Direction == 0 {
		return t
	}
	switch p {
	case HigherIsBetter:
		t.Good = ptr(t.Direction > 0)
	case LowerIsBetter:
		t.Good = ptr(t.Direction < 0)
	case TargetRange:
		// Toward the target the measure has now: the distance from it shrank.
		if tg := points[idx[n-1]].Target; tg != nil && finite(*tg) {
			before, after := math.Abs(val(n-2)-*tg), math.Abs(val(n-1)-*tg)
			if after != before {
				t.Good = ptr(after < before)
			}
		}
	}
	return t
}

func hasActual(p Point) bool { return p.Actual != nil && finite(*p.Actual) }

// copyPoint returns a deep copy so a Summary never aliases the caller's data.
func copyPoint(p Point) *Point {
	if p.Actual != nil {
		p.Actual = ptr(*p.Actual)
	}
	if p.Target != nil {
		p.Target = ptr(*p.Target)
	}
	return &p
}

func sign(v float64) int {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

func ptr[T any](v T) *T { return &v }

// Words says a trend in words: "up for 3 periods (good)", "flat for 1
// period", "Not enough data for a trend".
func (t Trend) Words() string {
	if t.Direction == 0 && t.Length == 0 {
		return "Not enough data for a trend"
	}
	dir := map[int]string{1: "up", -1: "down", 0: "flat"}[t.Direction]
	s := dir + " for " + strconv.Itoa(t.Length) + " period"
	if t.Length != 1 {
		s += "s"
	}
	if t.Good != nil {
		if *t.Good {
			s += " (good)"
		} else {
			s += " (bad)"
		}
	}
	return s
}
