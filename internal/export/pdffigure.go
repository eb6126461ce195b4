package export

import (
	"errors"
	"math"
	"strconv"
)

// Figure layout, in millimetres: two figures share a page.
const (
	figuresPerPage = 2
	figHeadSize    = 11.0 // points
	figHeadH       = 7.0  // the heading's band above the drawing
	figCaptionMax  = 4    // lines of caption before it is cut with "…"
	figGap         = 5.0  // after a figure's caption
)

// Figure is a drawing surface inside a page of a PDF: coordinates are the
// drawing's own units from its top left, y down, scaled into the figure's
// box. Colours are "#rrggbb"; "" means none. Its methods match
// internal/graph's Surface, so a graph draws straight into the page stream
// and nothing of it is kept once AddFigure returns.
type Figure struct {
	p    *PDFWriter
	x, y float64 // the box's top left, mm
	k    float64 // mm per drawing unit
}

// AddFigure adds a figure after the rows written so far: a heading, a
// drawing of w × h units made by draw, scaled to the width of the page and
// half its height, and a caption below it (what the drawing shows, in
// words, so it is never told by colour alone). The first figure starts a
// page; then two fit on a page. A row written after figures starts a new
// page of the table.
func (p *PDFWriter) AddFigure(heading, caption string, w, h float64, draw func(*Figure)) error {
	if p.closed {
		return ErrClosed
	}
	if !(w > 0 && h > 0) || math.IsInf(w, 0) || math.IsInf(h, 0) {
		return errors.New("export: a figure needs a positive size")
	}
	textW := pageWmm - 2*pdfMargin
	if !p.figures || p.y+p.figureH() > p.bottom+0.01 {
		p.top = p.startPage() + 3
		p.y, p.figures = p.top, true
		p.pages = append(p.pages, pdfPage{obj: p.o.reserve(), footer: p.o.reserve()})
	}
	slot := p.figureH()
	caption = pdfLine(caption)
	lines := p.wrap(caption, textW, figCaptionMax, false, pdfBodySize)

	p.drawText(pdfMargin, p.y+4.5, p.fit(pdfLine(heading), textW, true, figHeadSize), true, figHeadSize, grayText)
	boxH := slot - figHeadH - float64(len(lines))*pdfLineH - 2 - figGap
	f := &Figure{p: p, x: pdfMargin, y: p.y + figHeadH, k: min(textW/w, boxH/h)}
	// The clip keeps a stray drawing off the caption, and ending it
	// restores the graphics state, so the drawing's colours, widths and
	// dashes do not leak into what follows.
	f.Clip(0, 0, w, h)
	draw(f)
	f.EndClip()

	y := f.y + h*f.k + 2 + 0.8*pdfBodySize*mmPerPt
	for i, l := range lines {
		p.drawText(pdfMargin, y+float64(i)*pdfLineH, l, false, pdfBodySize, grayMuted)
	}
	p.y += slot
	return p.o.err
}

// figureH is the height of one figure's slot on a page of figures.
func (p *PDFWriter) figureH() float64 { return (p.bottom - p.top) / figuresPerPage }

// pt converts a point of the drawing to the page's points.
func (f *Figure) pt(x, y float64) (float64, float64) {
	return (f.x + x*f.k) * ptPerMM, (pageHmm - f.y - y*f.k) * ptPerMM
}

// path writes xy as a path: a move and then lines.
func (f *Figure) path(xy []float64) {
	for i := 0; i+1 < len(xy); i += 2 {
		f.p.page.nums(f.pt(xy[i], xy[i+1]))
		if i == 0 {
			f.p.page.b.WriteString("m ")
		} else {
			f.p.page.b.WriteString("l ")
		}
	}
}

// paint sets the colours and pen for a shape and returns the operator that
// fills or strokes it ("b", "f", "s", with "S" for an open path), or "n"
// when it has neither.
func (f *Figure) paint(fill, stroke string, width float64, dash []float64, closed bool) string {
	c := &f.p.page
	fc, hasFill := parseColor(fill)
	sc, hasStroke := parseColor(stroke)
	hasStroke = hasStroke && width > 0
	if hasFill {
		c.fill(fc)
	}
	if hasStroke {
		c.stroke(sc)
		c.nums(width * f.k * ptPerMM)
		c.b.WriteString("w [")
		for _, d := range dash {
			c.nums(d * f.k * ptPerMM)
		}
		c.b.WriteString("] 0 d ")
	}
	switch {
	case hasFill && hasStroke:
		return "b"
	case hasFill:
		return "f"
	case hasStroke && closed:
		return "s"
	case hasStroke:
		return "S"
	}
	return "n"
}

// Polygon fills and strokes a closed shape; xy holds x, y pairs.
func (f *Figure) Polygon(xy []float64, fill, stroke string, strokeWidth float64) {
	if len(xy) < 6 {
		return
	}
	op := f.paint(fill, stroke, strokeWidth, nil, true)
	f.path(xy)
	f.p.page.b.WriteString("h " + op + "\n")
}

// Polyline strokes an open line, dashed when dash holds on, off lengths.
func (f *Figure) Polyline(xy []float64, stroke string, width float64, dash []float64) {
	if len(xy) < 4 {
		return
	}
	// Round caps and joins, as the graph's SVG lines have: a dotted
	// forecast ("2 4") reads as dots, not as short dashes.
	f.p.page.b.WriteString("1 J 1 j ")
	op := f.paint("", stroke, width, dash, false)
	f.path(xy)
	f.p.page.b.WriteString(op + " 0 J 0 j\n")
}

// Circle draws a circle as four Bézier arcs.
func (f *Figure) Circle(cx, cy, r float64, fill, stroke string, strokeWidth float64) {
	const k = 0.5523 // control point distance for a quarter circle, per radius
	c := &f.p.page
	op := f.paint(fill, stroke, strokeWidth, nil, true)
	c.nums(f.pt(cx+r, cy))
	c.b.WriteString("m ")
	for _, q := range [4][6]float64{
		{cx + r, cy + k*r, cx + k*r, cy + r, cx, cy + r},
		{cx - k*r, cy + r, cx - r, cy + k*r, cx - r, cy},
		{cx - r, cy - k*r, cx - k*r, cy - r, cx, cy - r},
		{cx + k*r, cy - r, cx + r, cy - k*r, cx + r, cy},
	} {
		c.nums(f.pt(q[0], q[1]))
		c.nums(f.pt(q[2], q[3]))
		c.nums(f.pt(q[4], q[5]))
		c.b.WriteString("c ")
	}
	c.b.WriteString("h " + op + "\n")
}

// Text draws one line with its baseline at y; anchor "middle" or "end"
// says x is the line's centre or right end. The text is shaped as all the
// document's text is, in every script.
func (f *Figure) Text(x, y float64, s string, size float64, anchor string, bold bool, fill string) {
	col, _ := parseColor(fill)
	pt := size * f.k / mmPerPt
	runs, units := f.p.ts.layout(pdfLine(s), bold)
	w := units * pt / 1000 * mmPerPt
	left := f.x + x*f.k
	switch anchor {
	case "middle":
		left -= w / 2
	case "end":
		left -= w
	}
	f.p.page.textRGB(f.p, left, f.y+y*f.k, runs, pt, col)
}

// Clip limits what follows to a rectangle, until EndClip.
func (f *Figure) Clip(x, y, w, h float64) {
	c := &f.p.page
	c.b.WriteString("q ")
	x0, y0 := f.pt(x, y+h)
	c.nums(x0, y0, w*f.k*ptPerMM, h*f.k*ptPerMM)
	c.b.WriteString("re W n\n")
}

// EndClip ends the last Clip.
func (f *Figure) EndClip() { f.p.page.b.WriteString("Q\n") }

// rgb is a colour, each part from 0 to 1.
type rgb struct{ r, g, b float64 }

// parseColor reads "#rrggbb"; anything else is no colour.
func parseColor(s string) (rgb, bool) {
	if len(s) != 7 || s[0] != '#' {
		return rgb{}, false
	}
	v, err := strconv.ParseUint(s[1:], 16, 32)
	if err != nil {
		return rgb{}, false
	}
	return rgb{float64(v>>16) / 255, float64(v>>8&0xff) / 255, float64(v&0xff) / 255}, true
}

func (c *canvas) fill(col rgb) {
	c.nums(col.r, col.g, col.b)
	c.b.WriteString("rg ")
}

func (c *canvas) stroke(col rgb) {
	c.nums(col.r, col.g, col.b)
	c.b.WriteString("RG ")
}
