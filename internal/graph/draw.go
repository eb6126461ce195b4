package graph

import (
	"math"
	"strings"

	"yardstick/internal/calc"
)

// Colours, after the site palette (internal/web/static/app.css).
const (
	colInk    = "#1d2733"
	colMuted  = "#5b6776"
	colGrid   = "#e6eaef"
	colAxis   = "#9aa5b1"
	colActual = "#1f6f8b"
	colTarget = "#3d4752"
	// The forecast: dotted, with hollow markers, so it is told from the
	// actuals by its shape as well as its colour.
	colForecast = "#8a4b08"
)

// markColor is the fill of a marker or bar in each band.
func markColor(c calc.Color) string {
	switch c {
	case calc.Green:
		return "#2e7d32"
	case calc.Yellow:
		return "#b07800" // 3.8:1 on white; #d99a00 was 2.45:1
	case calc.Red:
		return "#b3261e"
	}
	return colActual
}

// bandFill is the faint background of each band: fill and opacity.
func bandFill(c calc.Color) (string, string) {
	switch c {
	case calc.Green:
		return "#2e7d32", "0.10"
	case calc.Yellow:
		return "#f2c200", "0.20"
	}
	return "#b3261e", "0.08"
}

func (p *plan) clip() string { return `clip-path="url(#` + p.id + `-clip)"` }

// clipLines clips a surface as clip() clips the SVG's lines: exactly at the
// plot's edges.
func (p *plan) clipLines(w *pen) { w.clip(p.left, p.top, p.right-p.left, p.bottom-p.top) }

// drawBands paints each band as a background area around the targets. A
// run of periods with the same target shares one set of rectangles, so a
// constant target gives full-width bands and a changing one gives columns.
func drawBands(w *pen, p *plan) {
	if !p.bands {
		return
	}
	pts := p.c.Points
	w.printf(`<g class="bands">` + "\n")
	for i := 0; i < len(pts); {
		t := pts[i].Target
		if t == nil || !finite(*t) || *t == 0 {
			i++
			continue
		}
		j := i + 1
		for j < len(pts) && pts[j].Target != nil && *pts[j].Target == *t {
			j++
		}
		x0, x1 := p.left+float64(i)*p.step, p.left+float64(j)*p.step
		for _, r := range calc.Regions(p.c.Polarity, p.c.Bands, *t) {
			y0, y1 := p.y.clampPx(r.To), p.y.clampPx(r.From)
			if y1-y0 < 0.05 {
				continue // outside the axis, or a single-value band
			}
			fill, op := bandFill(r.Color)
			w.printf(`<rect class="band band-%s" x="%s" y="%s" width="%s" height="%s" fill="%s" fill-opacity="%s"/>`+"\n",
				r.Color, num(x0), num(y0), num(x1-x0), num(y1-y0), fill, op)
			w.rect(x0, y0, x1-x0, y1-y0, overWhite(fill, op), "", 0)
		}
		i = j
	}
	w.printf("</g>\n")
}

// drawGrid draws the horizontal grid lines with their value labels and the
// x axis.
func drawGrid(w *pen, p *plan) {
	w.printf(`<g class="axis axis-y">` + "\n")
	for _, t := range p.y.ticks {
		y := p.y.px(t)
		stroke := colGrid
		if t == 0 && p.y.lo < 0 {
			stroke = colAxis // the zero line matters when values go negative
		}
		w.printf(`<line class="grid" x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1"/>`+"\n",
			num(p.left), num(y), num(p.right), num(y), stroke)
		w.polyline(stroke, 1, nil, p.left, y, p.right, y)
		s := p.value(t, p.y.decimals)
		w.printf(`<text class="tick-label" x="%s" y="%s" text-anchor="end" fill="%s">%s</text>`+"\n",
			num(p.left-6), num(y+4), colMuted, esc(s))
		w.text(p.left-6, y+4, s, labelSize, "end", false, colMuted)
	}
	w.printf(`<line class="axis-line" x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1"/>`+"\n",
		num(p.left), num(p.bottom), num(p.right), num(p.bottom), colAxis)
	w.polyline(colAxis, 1, nil, p.left, p.bottom, p.right, p.bottom)
	w.printf("</g>\n")
}

// drawXLabels writes the period labels, keeping every k-th one so they do
// not overlap. The count runs back from the latest period, which is the one
// people look for.
func drawXLabels(w *pen, p *plan) {
	pts := p.c.Points
	var widest float64
	for _, pt := range pts {
		widest = math.Max(widest, textWidth(label(pt), labelSize))
	}
	every := labelEvery(widest+8, p.step)
	w.printf(`<g class="axis axis-x">` + "\n")
	prevLeft := math.Inf(1) // left edge of the label drawn last, to its right
	for i := len(pts) - 1; i >= 0; i -= every {
		s := label(pts[i])
		half := textWidth(s, labelSize) / 2
		// Keep the end labels inside the picture, and skip one that the
		// shift (or an unusually long label) would make collide.
		x := math.Max(half+2, math.Min(p.w-half-2, p.x(i)))
		if x+half > prevLeft-4 {
			continue
		}
		prevLeft = x - half
		w.printf(`<line class="tick" x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1"/>`+"\n",
			num(p.x(i)), num(p.bottom), num(p.x(i)), num(p.bottom+4), colAxis)
		w.polyline(colAxis, 1, nil, p.x(i), p.bottom, p.x(i), p.bottom+4)
		w.printf(`<text class="x-label" x="%s" y="%s" text-anchor="middle" fill="%s">%s</text>`+"\n",
			num(x), num(p.bottom+17), colMuted, esc(s))
		w.text(x, p.bottom+17, s, labelSize, "middle", false, colMuted)
	}
	w.printf("</g>\n")
}

func label(pt calc.Point) string {
	if s := cleanLine(pt.Label); s != "" {
		return s
	}
	return cleanLine(pt.Key)
}

// drawBaseline marks the baseline period with a labelled dashed line.
func drawBaseline(w *pen, p *plan) {
	if p.baseline < 0 {
		return
	}
	x := p.x(p.baseline)
	w.printf(`<g class="baseline">`+"\n"+`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1.2" stroke-dasharray="4 3"/>`+"\n",
		num(x), num(p.top), num(x), num(p.bottom), colMuted)
	w.polyline(colMuted, 1.2, []float64{4, 3}, x, p.top, x, p.bottom)
	anchor, tx := "start", x+4
	if x+4+textWidth("Baseline", labelSize) > p.right {
		anchor, tx = "end", x-4
	}
	w.printf(`<text x="%s" y="%s" text-anchor="%s" fill="%s">Baseline</text>`+"\n</g>\n",
		num(tx), num(p.top+11), anchor, colMuted)
	w.text(tx, p.top+11, "Baseline", labelSize, anchor, false, colMuted)
}

// drawTargets draws the targets as a dashed step line, level across each
// period's column, so it lines up with the bands behind it (a target
// belongs to a whole period, not to the instant at its centre). Periods
// without a target break the line.
func drawTargets(w *pen, p *plan) {
	if !p.targets {
		return
	}
	w.printf(`<g class="series-target" %s fill="none" stroke="%s" stroke-width="1.5" stroke-dasharray="6 4">`+"\n", p.clip(), colTarget)
	p.clipLines(w)
	for _, run := range runs(p.c.Points, func(pt calc.Point) *float64 { return pt.Target }) {
		xy := make([]float64, 0, 4*len(run))
		for _, i := range run {
			y := p.y.px(*p.c.Points[i].Target)
			xy = append(xy, p.left+float64(i)*p.step, y, p.left+float64(i+1)*p.step, y)
		}
		w.printf(`<polyline points="%s"/>`+"\n", svgPoints(xy))
		w.polyline(colTarget, 1.5, []float64{6, 4}, xy...)
	}
	w.endClip()
	w.printf("</g>\n")
}

// drawForecast draws the forecasts ("if nothing changes") as a dotted line
// with hollow markers, broken where a period has none.
func drawForecast(w *pen, p *plan) {
	if !anyForecast(p.c.Points) {
		return
	}
	w.printf(`<g class="series-forecast" %s fill="none" stroke="%s" stroke-width="2" stroke-dasharray="2 4" stroke-linecap="round">`+"\n", p.clip(), colForecast)
	p.clipLines(w)
	for _, run := range runs(p.c.Points, func(pt calc.Point) *float64 { return pt.Forecast }) {
		if len(run) > 1 {
			xy := p.xy(run, func(pt calc.Point) float64 { return *pt.Forecast })
			w.printf(`<polyline points="%s"/>`+"\n", svgPoints(xy))
			w.polyline(colForecast, 2, []float64{2, 4}, xy...)
		}
	}
	w.endClip()
	w.printf("</g>\n")
	w.printf(`<g class="forecast-marks" fill="#ffffff" stroke="%s" stroke-width="1.5">`+"\n", colForecast)
	for i, pt := range p.c.Points {
		if pt.Forecast != nil && finite(*pt.Forecast) {
			w.printf(`<rect x="%s" y="%s" width="6" height="6" transform="rotate(45 %s %s)"><title>%s forecast %s</title></rect>`+"\n",
				num(p.x(i)-3), num(p.y.px(*pt.Forecast)-3), num(p.x(i)), num(p.y.px(*pt.Forecast)), esc(label(pt)), esc(p.value(*pt.Forecast, p.c.Decimals)))
			w.diamond(p.x(i), p.y.px(*pt.Forecast), 6, "#ffffff", colForecast, 1.5)
		}
	}
	w.printf("</g>\n")
}

// drawLine draws the actuals as a line, broken where a period has none.
func drawLine(w *pen, p *plan) {
	w.printf(`<g class="series-actual" %s fill="none" stroke="%s" stroke-width="2" stroke-linejoin="round" stroke-linecap="round">`+"\n", p.clip(), colActual)
	p.clipLines(w)
	actual := func(pt calc.Point) float64 { return *pt.Actual }
	for _, run := range runs(p.c.Points, func(pt calc.Point) *float64 { return pt.Actual }) {
		if len(run) < 2 {
			continue // the marker alone shows it
		}
		xy := p.xy(run, actual)
		w.printf(`<polyline points="%s"/>`+"\n", svgPoints(xy))
		w.polyline(colActual, 2, nil, xy...)
	}
	w.endClip()
	w.printf("</g>\n")
}

// xy is the centres of a run's periods at the heights value gives them.
func (p *plan) xy(run []int, value func(calc.Point) float64) []float64 {
	xy := make([]float64, 0, 2*len(run))
	for _, i := range run {
		xy = append(xy, p.x(i), p.y.px(value(p.c.Points[i])))
	}
	return xy
}

// svgPoints is x, y pairs as an SVG points attribute.
func svgPoints(xy []float64) string {
	var b strings.Builder
	for k := 0; k < len(xy); k += 2 {
		if k > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(num(xy[k]) + "," + num(xy[k+1]))
	}
	return b.String()
}

// runs returns the index runs of consecutive points where get has a value.
func runs(pts []calc.Point, get func(calc.Point) *float64) [][]int {
	var out [][]int
	var cur []int
	for i, pt := range pts {
		if v := get(pt); v != nil && finite(*v) {
			cur = append(cur, i)
			continue
		}
		if cur != nil {
			out, cur = append(out, cur), nil
		}
	}
	if cur != nil {
		out = append(out, cur)
	}
	return out
}
