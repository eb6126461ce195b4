package graph

import (
	"fmt"
	"strings"

	"yardstick/internal/calc"
)

// describe summarises the data in words for the <desc> element, which
// screen readers read out in place of the picture.
func describe(p *plan, ok bool) string {
	c := p.c
	if !ok {
		return "No data yet."
	}
	kind := "Line chart"
	if c.Type == Bar {
		kind = "Bar chart"
	}
	pts := c.Points
	var parts []string
	span := fmt.Sprintf("%s of %d %s", kind, len(pts), plural(len(pts), "period", "periods"))
	if len(pts) > 1 {
		span += fmt.Sprintf(", %s to %s", label(pts[0]), label(pts[len(pts)-1]))
	} else {
		span += ", " + label(pts[0])
	}
	parts = append(parts, span)

	val := func(v *float64) string { return calc.FormatValue(v, c.Decimals, c.Unit, c.UnitBefore) }
	s := calc.Summarize(pts, c.BaselineKey, c.Polarity, c.Bands)
	if cur := s.Current; cur != nil {
		latest := fmt.Sprintf("Latest actual %s in %s", val(cur.Actual), label(*cur))
		if c.ShowTargets && cur.Target != nil {
			latest += " against a target of " + val(cur.Target)
		}
		if s.Color != calc.None {
			latest += " (" + bandWords(s.Color) + ")"
		}
		parts = append(parts, latest)
		lo, hi := -1, -1
		for i, pt := range pts {
			if pt.Actual == nil || !finite(*pt.Actual) {
				continue
			}
			if lo < 0 || *pt.Actual < *pts[lo].Actual {
				lo = i
			}
			if hi < 0 || *pt.Actual > *pts[hi].Actual {
				hi = i
			}
		}
		if lo != hi {
			parts = append(parts, fmt.Sprintf("Lowest %s in %s, highest %s in %s",
				val(pts[lo].Actual), label(pts[lo]), val(pts[hi].Actual), label(pts[hi])))
		}
		if t := s.Trend; t.Length > 0 {
			dir := map[int]string{1: "Rising", -1: "Falling", 0: "Unchanged"}[t.Direction]
			parts = append(parts, fmt.Sprintf("%s for %d %s", dir, t.Length, plural(t.Length, "period", "periods")))
		}
	} else {
		parts = append(parts, "No actuals yet")
	}
	if c.Polarity.Valid() && c.Polarity != calc.NoPolarity {
		parts = append(parts, c.Polarity.String())
	}
	if p.baseline >= 0 {
		parts = append(parts, "Baseline "+label(pts[p.baseline]))
	}
	if f := s.NextForecast; f != nil {
		parts = append(parts, "Forecast "+val(f.Forecast)+" in "+label(*f))
	} else if anyForecast(pts) {
		parts = append(parts, "With forecasts")
	}
	return strings.Join(parts, ". ") + "."
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
