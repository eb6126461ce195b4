package graph

import (
	"fmt"
	"math"
	"strconv"
)

// Surface is somewhere other than an SVG document to draw a chart: the PDF
// export's figures. It has only plain types, so a drawing package can
// implement it without importing this one.
//
// Coordinates are the chart's user units from its top left, y down, as in
// the SVG. Colours are "#rrggbb", and "" means none. Every colour is
// opaque: the translucent band fills are blended with the white background
// here, so a surface needs no transparency.
type Surface interface {
	// Polygon fills and strokes a closed shape; xy holds x, y pairs.
	Polygon(xy []float64, fill, stroke string, strokeWidth float64)
	// Polyline strokes an open line, dashed when dash holds on, off lengths.
	Polyline(xy []float64, stroke string, width float64, dash []float64)
	Circle(cx, cy, r float64, fill, stroke string, strokeWidth float64)
	// Text draws one line with its baseline at y; anchor is "start",
	// "middle" or "end" and says which point of the line x is.
	Text(x, y float64, s string, size float64, anchor string, bold bool, fill string)
	// Clip limits what follows to a rectangle, until EndClip.
	Clip(x, y, w, h float64)
	EndClip()
}

// Draw draws the chart on s: the same picture Render writes as SVG, without
// what only a browser uses (hover titles, hit areas, ids). The words that
// the SVG's <desc> carries come from Describe.
func Draw(s Surface, c Chart) {
	render(&pen{s: s}, c)
}

// Describe summarises the chart's data in words: the SVG's <desc>, for a
// surface that shows it beside the picture so status is never told by
// colour alone.
func Describe(c Chart) string {
	p := newPlan(c)
	_, _, ok := extent(p.c)
	return describe(p, ok)
}

// pen is where render draws: the SVG document, a Surface, or both. Every
// shape is written once as SVG markup (printf, whose bytes the golden files
// fix) and once as a call on the surface, side by side, so the two cannot
// drift apart unnoticed (TestSurfaceMatchesSVG counts them).
type pen struct {
	svg *svgWriter // nil when drawing only on a surface
	s   Surface    // nil when writing only SVG
}

func (w *pen) printf(format string, args ...any) {
	if w.svg != nil {
		w.svg.printf(format, args...)
	}
}

func (w *pen) polygon(fill, stroke string, strokeWidth float64, xy ...float64) {
	if w.s != nil {
		w.s.Polygon(xy, fill, stroke, strokeWidth)
	}
}

// rect is a polygon of four corners.
func (w *pen) rect(x, y, width, height float64, fill, stroke string, strokeWidth float64) {
	w.polygon(fill, stroke, strokeWidth, x, y, x+width, y, x+width, y+height, x, y+height)
}

func (w *pen) polyline(stroke string, width float64, dash []float64, xy ...float64) {
	if w.s != nil {
		w.s.Polyline(xy, stroke, width, dash)
	}
}

func (w *pen) circle(cx, cy, r float64, fill, stroke string, strokeWidth float64) {
	if w.s != nil {
		w.s.Circle(cx, cy, r, fill, stroke, strokeWidth)
	}
}

func (w *pen) text(x, y float64, s string, size float64, anchor string, bold bool, fill string) {
	if w.s != nil {
		w.s.Text(x, y, s, size, anchor, bold, fill)
	}
}

func (w *pen) clip(x, y, width, height float64) {
	if w.s != nil {
		w.s.Clip(x, y, width, height)
	}
}

func (w *pen) endClip() {
	if w.s != nil {
		w.s.EndClip()
	}
}

// diamond is a square of side a turned 45° about its centre, as the SVG's
// rotate(45) draws the forecast markers.
func (w *pen) diamond(cx, cy, a float64, fill, stroke string, strokeWidth float64) {
	h := a / math.Sqrt2
	w.polygon(fill, stroke, strokeWidth, cx, cy-h, cx+h, cy, cx, cy+h, cx-h, cy)
}

// overWhite is colour hex at the given opacity over white, as an opaque
// colour. Bands and legend swatches are only ever drawn on the white
// background, so this equals what the SVG's fill-opacity shows.
func overWhite(hex, opacity string) string {
	a, err := strconv.ParseFloat(opacity, 64)
	if err != nil || len(hex) != 7 || hex[0] != '#' {
		return hex
	}
	v, err := strconv.ParseUint(hex[1:], 16, 32)
	if err != nil {
		return hex
	}
	mix := func(c uint64) int { return int(math.Round(float64(c)*a + 255*(1-a))) }
	return fmt.Sprintf("#%02x%02x%02x", mix(v>>16), mix(v>>8&0xff), mix(v&0xff))
}
