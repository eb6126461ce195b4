package export

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"unicode/utf16"
)

// A4 landscape in points, the PDF's unit; the layout works in millimetres
// from the top left, as fpdf did, and drawing converts.
const (
	pageWmm = 297.0
	pageHmm = 210.0
	ptPerMM = 72 / 25.4
)

// canvas builds one page's content stream.
type canvas struct {
	b bytes.Buffer
}

// num appends v with at most three decimals, the precision of a PDF
// position that matters at any zoom. (strconv's float formatting was a
// tenth of an export's time.)
func num(b []byte, v float64) []byte {
	n := int64(math.Round(v * 1000))
	if n < 0 {
		b = append(b, '-')
		n = -n
	}
	b = strconv.AppendInt(b, n/1000, 10)
	if frac := n % 1000; frac != 0 {
		b = append(b, '.', byte('0'+frac/100), byte('0'+frac/10%10), byte('0'+frac%10))
		b = bytes.TrimRight(b, "0")
	}
	return b
}

func (c *canvas) nums(vs ...float64) {
	var tmp [32]byte
	for _, v := range vs {
		c.b.Write(num(tmp[:0], v))
		c.b.WriteByte(' ')
	}
}

// rect fills a rectangle (mm, top left origin) in gray g (0 black, 1 white).
func (c *canvas) rect(x, y, w, h, g float64) {
	c.nums(g)
	c.b.WriteString("g ")
	c.nums(x*ptPerMM, (pageHmm-y-h)*ptPerMM, w*ptPerMM, h*ptPerMM)
	c.b.WriteString("re f\n")
}

// line strokes a line of width lw (mm) in gray g.
func (c *canvas) line(x1, y1, x2, y2, lw, g float64) {
	c.nums(g)
	c.b.WriteString("G ")
	c.nums(lw * ptPerMM)
	c.b.WriteString("w ")
	c.nums(x1*ptPerMM, (pageHmm-y1)*ptPerMM)
	c.b.WriteString("m ")
	c.nums(x2*ptPerMM, (pageHmm-y2)*ptPerMM)
	c.b.WriteString("l S\n")
}

// text draws runs with the left end of their baseline at x, y (mm). Every
// run starts a TJ whose numbers move glyphs to where shaping put them; a
// bold run in a fallback font is filled and stroked, as the font has no
// bold cut.
func (c *canvas) text(p *PDFWriter, x, y float64, runs []glyphRun, size, gray float64) {
	c.b.WriteString("BT ")
	c.nums(gray)
	c.b.WriteString("g ")
	c.nums(gray)
	c.b.WriteString("G ")
	c.glyphs(p, x, y, runs, size)
}

// textRGB is text in a colour (a figure's labels).
func (c *canvas) textRGB(p *PDFWriter, x, y float64, runs []glyphRun, size float64, col rgb) {
	c.b.WriteString("BT ")
	c.fill(col)
	c.stroke(col)
	c.glyphs(p, x, y, runs, size)
}

// glyphs is the rest of text, once its colour is set.
func (c *canvas) glyphs(p *PDFWriter, x, y float64, runs []glyphRun, size float64) {
	c.nums(x*ptPerMM, (pageHmm-y)*ptPerMM)
	c.b.WriteString("Td\n")
	var tmp [32]byte
	for _, r := range runs {
		if len(r.glyphs) == 0 {
			continue
		}
		f := p.docFont(r.font)
		c.b.WriteByte('/')
		c.b.WriteString(f.res)
		c.b.WriteByte(' ')
		c.nums(size)
		c.b.WriteString("Tf ")
		if r.actual != "" {
			c.b.WriteString("/Span << /ActualText <FEFF")
			for _, u := range utf16.Encode([]rune(r.actual)) {
				fmt.Fprintf(&c.b, "%04X", u)
			}
			c.b.WriteString("> >> BDC ")
		}
		if r.bold {
			c.b.WriteString("2 Tr ")
			c.nums(size / 30)
			c.b.WriteString("w ")
		}
		rise := 0.0
		c.b.WriteByte('[')
		for _, g := range r.glyphs {
			if dy := g.dy * size / 1000; dy != rise {
				c.b.WriteString("] TJ ")
				c.nums(dy)
				c.b.WriteString("Ts [")
				rise = dy
			}
			if g.dx != 0 {
				c.b.Write(num(tmp[:0], -g.dx))
				c.b.WriteByte(' ')
			}
			cid := f.cid(g)
			const digits = "0123456789ABCDEF"
			c.b.Write([]byte{'<', digits[cid>>12], digits[cid>>8&15], digits[cid>>4&15], digits[cid&15], '>'})
			if adj := g.dx + f.src.width(g.gid) - g.adv; adj > 0.01 || adj < -0.01 {
				c.b.Write(num(tmp[:0], adj))
				c.b.WriteByte(' ')
			}
		}
		c.b.WriteString("] TJ")
		if rise != 0 {
			c.b.WriteString(" 0 Ts")
		}
		if r.bold {
			c.b.WriteString(" 0 Tr")
		}
		if r.actual != "" {
			c.b.WriteString(" EMC")
		}
		c.b.WriteByte('\n')
	}
	c.b.WriteString("ET\n")
}

// pdfString is s as a PDF text string: UTF-16BE with a byte order mark,
// written in hex so that no character needs escaping.
func pdfString(s string) string {
	var b bytes.Buffer
	b.WriteString("<FEFF")
	for _, u := range utf16.Encode([]rune(s)) {
		fmt.Fprintf(&b, "%04X", u)
	}
	b.WriteByte('>')
	return b.String()
}
