package calc

import (
	"fmt"
	"testing"
)

// pts builds monthly points from actuals; nil entries are periods without
// data. Targets, when given, line up with the actuals.
func pts(actuals []*float64, targets ...*float64) []Point {
	out := make([]Point, len(actuals))
	for i, a := range actuals {
		out[i] = Point{Key: fmt.Sprintf("2026-%02d", i+1), Label: fmt.Sprintf("M%d", i+1), Actual: a}
		if i < len(targets) {
			out[i].Target = targets[i]
		}
	}
	return out
}

func vals(vs ...float64) []*float64 {
	out := make([]*float64, len(vs))
	for i := range vs {
		out[i] = f(vs[i])
	}
	return out
}

func TestSummarize(t *testing.T) {
	yes, no := true, false
	tests := []struct {
		name     string
		points   []Point
		baseline string
		p        Polarity
		// want
		current, prior, base  string // keys; "" means nil
		variance, variancePct *float64
		trend                 Trend
		baseChange            *float64
		color                 Color
	}{
		{name: "no points", p: HigherIsBetter},
		{name: "no actuals", points: pts([]*float64{nil, nil}, f(1), f(2)), p: HigherIsBetter},
		{
			name: "one point", points: pts(vals(50), f(40)), p: HigherIsBetter,
			current: "2026-01", base: "2026-01", variance: f(10), variancePct: f(25), color: Green,
		},
		{
			name: "rising run of three", points: pts(vals(1, 5, 3, 4, 6, 8), nil, nil, nil, nil, nil, f(10)), p: HigherIsBetter,
			current: "2026-06", prior: "2026-05", base: "2026-01", variance: f(-2), variancePct: f(-20),
			trend: Trend{1, 3, &yes}, baseChange: f(700), color: Red,
		},
		{
			name: "falling is good when lower is better", points: pts(vals(10, 9, 8), nil, nil, f(8)), p: LowerIsBetter,
			current: "2026-03", prior: "2026-02", base: "2026-01", variance: f(0), variancePct: f(0),
			trend: Trend{-1, 2, &yes}, baseChange: f(-20), color: Green,
		},
		{
			name: "rising is bad when lower is better", points: pts(vals(10, 9, 12)), p: LowerIsBetter,
			current: "2026-03", prior: "2026-02", base: "2026-01",
			trend: Trend{1, 1, &no}, baseChange: f(20),
		},
		{
			name: "gaps are skipped", points: pts([]*float64{nil, f(2), nil, nil, f(3), nil, f(4), nil}), p: HigherIsBetter,
			current: "2026-07", prior: "2026-05", base: "2026-02",
			trend: Trend{1, 2, &yes}, baseChange: f(100),
		},
		{
			name: "flat run", points: pts(vals(9, 7, 7, 7)), p: HigherIsBetter,
			current: "2026-04", prior: "2026-03", base: "2026-01",
			trend: Trend{0, 2, nil}, baseChange: f(-22.22222222222222),
		},
		{
			name: "flat then rise counts only the rise", points: pts(vals(7, 7, 7, 8)), p: HigherIsBetter,
			current: "2026-04", prior: "2026-03", base: "2026-01",
			trend: Trend{1, 1, &yes}, baseChange: f(100.0 / 7),
		},
		{
			name: "no polarity has a direction but no judgement", points: pts(vals(3, 2)), p: NoPolarity,
			current: "2026-02", prior: "2026-01", base: "2026-01",
			trend: Trend{-1, 1, nil}, baseChange: f(-100.0 / 3),
		},
		{
			name: "range: moving toward the target", points: pts(vals(80, 90, 97), nil, nil, f(100)), p: TargetRange,
			current: "2026-03", prior: "2026-02", base: "2026-01", variance: f(-3), variancePct: f(-3),
			trend: Trend{1, 2, &yes}, baseChange: f(21.25), color: Green,
		},
		{
			name: "range: overshooting moves away", points: pts(vals(97, 120), nil, f(100)), p: TargetRange,
			current: "2026-02", prior: "2026-01", base: "2026-01", variance: f(20), variancePct: f(20),
			trend: Trend{1, 1, &no}, baseChange: f((120.0 - 97) * 100 / 97), color: Red,
		},
		{
			name: "range: crossing to the same distance is neither", points: pts(vals(95, 105), nil, f(100)), p: TargetRange,
			current: "2026-02", prior: "2026-01", base: "2026-01", variance: f(5), variancePct: f(5),
			trend: Trend{1, 1, nil}, baseChange: f(10.0 * 100 / 95), color: Green,
		},
		{
			name: "range: no current target, no judgement", points: pts(vals(80, 90), f(100)), p: TargetRange,
			current: "2026-02", prior: "2026-01", base: "2026-01",
			trend: Trend{1, 1, nil}, baseChange: f(12.5),
		},
		{
			name: "explicit baseline", points: pts(vals(10, 20, 40)), baseline: "2026-02", p: HigherIsBetter,
			current: "2026-03", prior: "2026-02", base: "2026-02",
			trend: Trend{1, 2, &yes}, baseChange: f(100),
		},
		{
			name: "explicit baseline without an actual", points: pts([]*float64{f(10), nil, f(40)}), baseline: "2026-02", p: HigherIsBetter,
			current: "2026-03", prior: "2026-01", base: "2026-02",
			trend: Trend{1, 1, &yes},
		},
		{
			name: "unknown baseline key falls back to the first actual", points: pts([]*float64{nil, f(10), f(40)}), baseline: "1999-01", p: HigherIsBetter,
			current: "2026-03", prior: "2026-02", base: "2026-02",
			trend: Trend{1, 1, &yes}, baseChange: f(300),
		},
		{
			name: "baseline is the current point", points: pts([]*float64{f(10), f(40), nil}), baseline: "2026-02", p: HigherIsBetter,
			current: "2026-02", prior: "2026-01", base: "2026-02",
			trend: Trend{1, 1, &yes},
		},
		{
			name: "zero baseline", points: pts(vals(0, 5)), p: HigherIsBetter,
			current: "2026-02", prior: "2026-01", base: "2026-01",
			trend: Trend{1, 1, &yes},
		},
		{
			name: "negative baseline uses its size", points: pts(vals(-10, -5)), p: HigherIsBetter,
			current: "2026-02", prior: "2026-01", base: "2026-01",
			trend: Trend{1, 1, &yes}, baseChange: f(50),
		},
		{
			name: "zero target has a variance but no percentage", points: pts(vals(3), f(0)), p: LowerIsBetter,
			current: "2026-01", base: "2026-01", variance: f(3),
		},
		{
			name: "negative target", points: pts(vals(-5), f(-10)), p: HigherIsBetter,
			current: "2026-01", base: "2026-01", variance: f(5), variancePct: f(50), color: Green,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Summarize(tt.points, tt.baseline, tt.p, DefaultBands(tt.p))
			for _, c := range []struct {
				what string
				got  *Point
				want string
			}{{"Current", s.Current, tt.current}, {"Prior", s.Prior, tt.prior}, {"Baseline", s.Baseline, tt.base}} {
				if got := keyOf(c.got); got != c.want {
					t.Errorf("%s = %q, want %q", c.what, got, c.want)
				}
			}
			checkNum(t, "Variance", s.Variance, tt.variance)
			checkNum(t, "VariancePct", s.VariancePct, tt.variancePct)
			checkNum(t, "BaselineChangePct", s.BaselineChangePct, tt.baseChange)
			if got, want := showTrend(s.Trend), showTrend(tt.trend); got != want {
				t.Errorf("Trend = %s, want %s", got, want)
			}
			if s.Color != tt.color {
				t.Errorf("Color = %q, want %q", s.Color, tt.color)
			}
		})
	}
}

func TestSummarizeDoesNotAlias(t *testing.T) {
	points := pts(vals(1, 2), f(3), f(4))
	s := Summarize(points, "", HigherIsBetter, DefaultBands(HigherIsBetter))
	*s.Current.Actual = 99
	s.Current.Label = "changed"
	if *points[1].Actual != 2 || points[1].Label != "M2" {
		t.Errorf("changing the summary changed the input: %+v", points[1])
	}
}

func TestBaselineIndex(t *testing.T) {
	points := pts([]*float64{nil, f(1), f(2)})
	tests := []struct {
		key  string
		want int
	}{
		{"", 1}, {"2026-01", 0}, {"2026-03", 2}, {"nope", 1},
	}
	for _, tt := range tests {
		if got := BaselineIndex(points, tt.key); got != tt.want {
			t.Errorf("BaselineIndex(%q) = %d, want %d", tt.key, got, tt.want)
		}
	}
	if got := BaselineIndex(pts([]*float64{nil}), ""); got != -1 {
		t.Errorf("BaselineIndex(no actuals) = %d, want -1", got)
	}
}

func keyOf(p *Point) string {
	if p == nil {
		return ""
	}
	return p.Key
}

func checkNum(t *testing.T, what string, got, want *float64) {
	t.Helper()
	switch {
	case got == nil && want == nil:
	case got == nil || want == nil:
		t.Errorf("%s = %s, want %s", what, show(got), show(want))
	case *got-*want > 1e-9 || *want-*got > 1e-9:
		t.Errorf("%s = %v, want %v", what, *got, *want)
	}
}

func showTrend(tr Trend) string {
	return fmt.Sprintf("{Direction:%d Length:%d Good:%s}", tr.Direction, tr.Length, showBool(tr.Good))
}

func showBool(b *bool) string {
	if b == nil {
		return "nil"
	}
	return fmt.Sprint(*b)
}

// TestPercentOfTargetAndNextTarget: the chosen columns' Percent of target
// (none for a zero target) and Next target (the first later point with a
// target, whether or not it has an actual).
func TestPercentOfTargetAndNextTarget(t *testing.T) {
	pts := []Point{
		{Key: "2026-01-01", Actual: f(40), Target: f(50)},
		{Key: "2026-02-01", Actual: f(45), Target: f(60)},
		{Key: "2026-03-01", Comment: "no numbers"},
		{Key: "2026-04-01", Target: f(70)},
		{Key: "2026-05-01", Target: f(80)},
	}
	s := Summarize(pts, "", HigherIsBetter, DefaultBands(HigherIsBetter))
	if s.PctOfTarget == nil || *s.PctOfTarget != 75 {
		t.Errorf("percent of target = %v, want 75", s.PctOfTarget)
	}
	if s.Next == nil || s.Next.Key != "2026-04-01" || *s.Next.Target != 70 {
		t.Errorf("next = %+v, want April's 70", s.Next)
	}
	s = Summarize([]Point{{Key: "2026-01-01", Actual: f(5), Target: f(0)}}, "", HigherIsBetter, DefaultBands(HigherIsBetter))
	if s.PctOfTarget != nil || s.Next != nil {
		t.Errorf("zero target, no later point: %v, %v", s.PctOfTarget, s.Next)
	}
}
