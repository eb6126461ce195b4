package graph

import (
	"fmt"
	"math"
	"strings"

	"yardstick/internal/calc"
)

// drawPoints draws one group per period: a <title> that browsers show on
// hover, an invisible column that makes the whole period hoverable, and
// the marker (line chart) or bar, coloured by band.
func drawPoints(w *pen, p *plan) {
	r := math.Max(2.5, math.Min(4.5, p.step*0.3))
	bw := math.Min(p.step*0.7, 48)
	w.printf(`<g class="points" clip-path="url(#%s-clipm)">`+"\n", p.id)
	w.clip(p.left, p.top-6, p.right-p.left, p.bottom-p.top+12)
	for i, pt := range p.c.Points {
		col := calc.ColorOf(p.c.Polarity, p.c.Bands, pt.Actual, pt.Target)
		w.printf(`<g class="point"><title>%s</title>`, esc(tooltip(p, i, col)))
		w.printf(`<rect class="hit" x="%s" y="%s" width="%s" height="%s" fill="#ffffff" fill-opacity="0"/>`,
			num(p.left+float64(i)*p.step), num(p.top), num(p.step), num(p.bottom-p.top))
		if a := pt.Actual; a != nil && finite(*a) {
			class := "marker"
			if col != calc.None {
				class += " marker-" + string(col)
			}
			switch {
			case *a > p.y.hi || *a < p.y.lo:
				drawOffScale(w, p, i, *a, class, col)
			case p.bar:
				drawBar(w, p, i, *a, bw, class, col)
			default:
				marker(w, class, p.x(i), p.y.px(*a), r, col)
			}
		}
		w.printf("</g>\n")
	}
	w.endClip()
	w.printf("</g>\n")
}

// drawOffScale marks a value beyond manual axis bounds with an arrowhead at
// the edge it lies past, so a clipped value is not mistaken for a gap; on a
// bar chart the bar runs to that edge beneath it.
func drawOffScale(w *pen, p *plan, i int, v float64, class string, col calc.Color) {
	fill := markColor(col)
	if p.bar {
		drawBar(w, p, i, v, math.Min(p.step*0.7, 48), class, col)
		fill = "#ffffff"
	}
	x, y, d := p.x(i), p.top+1, 7.0 // apex, height
	if v < p.y.lo {
		y, d = p.bottom-1, -7
	}
	w.printf(`<path class="off-scale %s" d="M%s %sL%s %sL%s %sZ" fill="%s" stroke="%s" stroke-width="1"/>`,
		class, num(x), num(y), num(x-5), num(y+d), num(x+5), num(y+d), fill, markColor(col))
	w.polygon(fill, markColor(col), 1, x, y, x-5, y+d, x+5, y+d)
}

// drawBar draws one bar from zero, or from the axis edge nearest zero when
// zero is outside manual bounds. A zero value still gets a hairline so the
// period does not look empty.
func drawBar(w *pen, p *plan, i int, v, bw float64, class string, col calc.Color) {
	y0, y1 := p.y.clampPx(0), p.y.clampPx(v)
	top, h := math.Min(y0, y1), math.Abs(y1-y0)
	if h < 1 {
		if v < p.y.lo || v > p.y.hi {
			return // entirely outside the manual bounds
		}
		top, h = math.Min(y0, y1)-0.5, 1
	}
	w.printf(`<rect class="bar %s" x="%s" y="%s" width="%s" height="%s" fill="%s"/>`,
		class, num(p.x(i)-bw/2), num(top), num(bw), num(h), markColor(col))
	w.rect(p.x(i)-bw/2, top, bw, h, markColor(col), "", 0)
	if col != calc.None && v >= p.y.lo && v <= p.y.hi {
		// The bar's colour says its band; the shape on its end says it again
		// for whoever cannot tell the colours apart.
		r := math.Max(2.5, math.Min(4.5, bw*0.2))
		marker(w, "band-mark", p.x(i), p.y.px(v), r, col)
	}
}

// marker is the shape of an actual in its band, so a band never rests on
// colour alone (WCAG 1.4.1): a square on target, a diamond near it, a cross
// off it, and a plain circle without a band. The dark outline keeps every
// shape at 3:1 or more against the plot (WCAG 1.4.11).
func marker(w *pen, class string, x, y, r float64, col calc.Color) {
	fill := markColor(col)
	switch col {
	case calc.Green:
		a := r * 0.9
		w.printf(`<rect class="%s" x="%s" y="%s" width="%s" height="%s" fill="%s" stroke="%s" stroke-width="1"/>`,
			class, num(x-a), num(y-a), num(2*a), num(2*a), fill, colInk)
		w.rect(x-a, y-a, 2*a, 2*a, fill, colInk, 1)
	case calc.Yellow:
		a := r * 1.3
		w.printf(`<path class="%s" d="M%s %sL%s %sL%s %sL%s %sZ" fill="%s" stroke="%s" stroke-width="1"/>`,
			class, num(x), num(y-a), num(x+a), num(y), num(x), num(y+a), num(x-a), num(y), fill, colInk)
		w.polygon(fill, colInk, 1, x, y-a, x+a, y, x, y+a, x-a, y)
	case calc.Red:
		a, t := r*1.1, r*0.45 // half-span, half-thickness of the arms
		xy := []float64{x - a, y - a + t, x - a + t, y - a, x, y - t, x + a - t, y - a, x + a, y - a + t, x + t, y,
			x + a, y + a - t, x + a - t, y + a, x, y + t, x - a + t, y + a, x - a, y + a - t, x - t, y}
		var d strings.Builder
		for k := 0; k < len(xy); k += 2 {
			if k == 0 {
				d.WriteByte('M')
			} else {
				d.WriteByte('L')
			}
			d.WriteString(num(xy[k]) + " " + num(xy[k+1]))
		}
		w.printf(`<path class="%s" d="%sZ" fill="%s" stroke="%s" stroke-width="0.75"/>`, class, d.String(), fill, colInk)
		w.polygon(fill, colInk, 0.75, xy...)
	default:
		w.printf(`<circle class="%s" cx="%s" cy="%s" r="%s" fill="%s" stroke="#ffffff" stroke-width="1.5"/>`,
			class, num(x), num(y), num(r), fill)
		w.circle(x, y, r, fill, "#ffffff", 1.5)
	}
}

// tooltip is the hover text of period i: label, actual with its band,
// target, baseline and comment, one per line.
func tooltip(p *plan, i int, col calc.Color) string {
	pt := p.c.Points[i]
	lines := []string{label(pt)}
	if a := p.c.Points[i].Actual; a != nil && finite(*a) {
		s := "Actual: " + calc.FormatValue(a, p.c.Decimals, p.c.Unit, p.c.UnitBefore)
		if col != calc.None {
			s += " (" + bandWords(col) + ")"
		}
		lines = append(lines, s)
	} else {
		lines = append(lines, "Actual: no data")
	}
	if t := pt.Target; p.c.ShowTargets && t != nil && finite(*t) {
		lines = append(lines, "Target: "+calc.FormatValue(t, p.c.Decimals, p.c.Unit, p.c.UnitBefore))
	}
	if i == p.baseline {
		lines = append(lines, "Baseline period")
	}
	if c := cleanLine(pt.Comment); c != "" {
		lines = append(lines, c)
	}
	return strings.Join(lines, "\n")
}

// drawLegend writes a key along the bottom edge: actual, target, baseline
// and, when there is room, what each band colour means.
func drawLegend(w *pen, p *plan) {
	type item struct {
		swatch func(x, y float64)
		text   string
	}
	items := []item{{func(x, y float64) {
		switch {
		case p.bar && p.coloured:
			// Bars take their band's colour, so the key shows all three.
			w.printf(`<rect x="%s" y="%s" width="4" height="7" fill="%s"/><rect x="%s" y="%s" width="4" height="11" fill="%s"/><rect x="%s" y="%s" width="4" height="9" fill="%s"/>`,
				num(x+2), num(y-2), markColor(calc.Red), num(x+7), num(y-6), markColor(calc.Yellow), num(x+12), num(y-4), markColor(calc.Green))
			w.rect(x+2, y-2, 4, 7, markColor(calc.Red), "", 0)
			w.rect(x+7, y-6, 4, 11, markColor(calc.Yellow), "", 0)
			w.rect(x+12, y-4, 4, 9, markColor(calc.Green), "", 0)
		case p.bar:
			w.printf(`<rect x="%s" y="%s" width="12" height="10" fill="%s"/>`, num(x+2), num(y-5), colActual)
			w.rect(x+2, y-5, 12, 10, colActual, "", 0)
		default:
			w.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="2"/><circle cx="%s" cy="%s" r="3.5" fill="%s"/>`,
				num(x), num(y), num(x+16), num(y), colActual, num(x+8), num(y), colActual)
			w.polyline(colActual, 2, nil, x, y, x+16, y)
			w.circle(x+8, y, 3.5, colActual, "", 0)
		}
	}, "Actual"}}
	if p.targets {
		items = append(items, item{func(x, y float64) {
			w.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1.5" stroke-dasharray="4 3"/>`,
				num(x), num(y), num(x+16), num(y), colTarget)
			w.polyline(colTarget, 1.5, []float64{4, 3}, x, y, x+16, y)
		}, "Target"})
	}
	if anyForecast(p.c.Points) {
		items = append(items, item{func(x, y float64) {
			w.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="2" stroke-dasharray="2 4" stroke-linecap="round"/><rect x="%s" y="%s" width="6" height="6" fill="#ffffff" stroke="%s" stroke-width="1.5" transform="rotate(45 %s %s)"/>`,
				num(x), num(y), num(x+16), num(y), colForecast, num(x+5), num(y-3), colForecast, num(x+8), num(y))
			w.polyline(colForecast, 2, []float64{2, 4}, x, y, x+16, y)
			w.diamond(x+8, y, 6, "#ffffff", colForecast, 1.5)
		}, "Forecast"})
	}
	if p.baseline >= 0 {
		items = append(items, item{func(x, y float64) {
			w.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1.2" stroke-dasharray="3 2"/>`,
				num(x+8), num(y-6), num(x+8), num(y+6), colMuted)
			w.polyline(colMuted, 1.2, []float64{3, 2}, x+8, y-6, x+8, y+6)
		}, "Baseline"})
	}
	width := func(its []item) float64 {
		var total float64
		for _, it := range its {
			total += 20 + textWidth(it.text, labelSize) + 14
		}
		return total
	}
	if p.bands {
		var bands []item
		for _, b := range bandLegend(p.c.Polarity, p.c.Bands) {
			fill, op := bandFill(b.color)
			color := b.color
			bands = append(bands, item{func(x, y float64) {
				w.printf(`<rect x="%s" y="%s" width="14" height="10" fill="%s" fill-opacity="%s" stroke="%s" stroke-opacity="0.5"/>`,
					num(x+1), num(y-5), fill, op, fill)
				w.rect(x+1, y-5, 14, 10, overWhite(fill, op), overWhite(fill, "0.5"), 1)
				marker(w, "key", x+8, y, 3.5, color)
			}, b.text})
		}
		if width(items)+width(bands) <= p.w-2*pad {
			items = append(items, bands...)
		}
	}
	x, y := p.left, p.h-12
	if x+width(items) > p.w-pad {
		x = pad
	}
	w.printf(`<g class="legend" fill="%s">`+"\n", colInk)
	for _, it := range items {
		it.swatch(x, y-4)
		w.printf(`<text x="%s" y="%s">%s</text>`+"\n", num(x+20), num(y), esc(it.text))
		w.text(x+20, y, it.text, labelSize, "start", false, colInk)
		x += 20 + textWidth(it.text, labelSize) + 14
	}
	w.printf("</g>\n")
}

// bandWords is a band's status in words, as the pages say it.
func bandWords(c calc.Color) string {
	switch c {
	case calc.Green:
		return "on target"
	case calc.Yellow:
		return "near target"
	case calc.Red:
		return "off target"
	}
	return ""
}

// bandLegend says in words what each band's colour and shape mean for the
// polarity.
func bandLegend(pol calc.Polarity, b calc.Bands) []struct {
	color calc.Color
	text  string
} {
	g, y := fmt.Sprintf("%g%%", b.Green), fmt.Sprintf("%g%%", b.Yellow)
	type e = struct {
		color calc.Color
		text  string
	}
	switch pol {
	case calc.HigherIsBetter:
		return []e{{calc.Green, "on target ≥ " + g}, {calc.Yellow, "near ≥ " + y}, {calc.Red, "off < " + y}}
	case calc.LowerIsBetter:
		return []e{{calc.Green, "on target ≤ " + g}, {calc.Yellow, "near ≤ " + y}, {calc.Red, "off > " + y}}
	case calc.TargetRange:
		return []e{{calc.Green, "on target within " + g}, {calc.Yellow, "near within " + y}, {calc.Red, "off further"}}
	}
	return nil
}
