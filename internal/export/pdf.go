package export

import (
	"bufio"
	"fmt"
	"image"
	"io"
	"strings"
	"time"
)

// PDFMeta is the text around the table.
type PDFMeta struct {
	Title string // e.g. "User Activity"
	// Subtitle is a second line on the first page and in the running header,
	// e.g. the instance name and code and the date range.
	Subtitle string
	// Generated is when the export was made, in the viewer's time zone; it
	// is printed on the first page and stamped as the document's dates.
	Generated time.Time
	// Logo, when set, is drawn at the top right of the first page (the
	// instance's logo, issue 18).
	Logo image.Image
}

// Layout, in millimetres and points. A4 landscape leaves 277 mm for columns.
const (
	pdfMargin    = 10.0
	pdfFooterH   = 8.0 // band at the bottom for the page number
	pdfPadX      = 1.2
	pdfPadY      = 0.9
	pdfBodySize  = 8.0
	pdfLineH     = 3.5 // line height for pdfBodySize
	pdfTitleSize = 14.0
	pdfSubSize   = 10.0
	pdfSmallSize = 7.0
	// maxCellLines caps a row's height: a long text is cut with "…" rather
	// than one cell growing past a page, which a table cannot split.
	maxCellLines   = 6
	maxHeaderLines = 3
	// Grays of the text and rules (0 is black).
	grayText   = 0.0
	grayMuted  = 90.0 / 255
	grayBand   = 230.0 / 255
	grayRule   = 200.0 / 255
	grayHeader = 0.0
)

// PDFWriter writes an A4 landscape table: title and subtitle on the first
// page, a compact running header on the others, the column header repeated at
// the top of every page of rows, "Page N of M" in the footer. Figures
// (AddFigure) follow on pages of their own. Text wraps within its
// column; a cell longer than maxCellLines lines is cut with "…".
//
// It holds memory flat whatever the number of rows: each page is written as
// soon as it is full, to a spool (memory, then a temporary file), and only
// what the end of the file needs is kept: the pages' object numbers and, per
// font, the glyphs used. Close writes the footers (the page count is known
// then; each page's footer is a content stream of its own that the page
// already points to), the font subsets, the page tree and the
// cross-reference table.
type PDFWriter struct {
	out    io.Writer
	meta   PDFMeta
	cols   []Column
	colX   []float64 // left edge of each column
	colW   []float64
	top    float64 // y where the table body starts on the current page
	y      float64 // y of the next row
	bottom float64 // rows must end above this
	rows   int
	lines  [][]string // the row being drawn, reused between rows
	// hlines is the column header, apart from lines so that a page break in
	// the middle of WriteRow does not overwrite the row.
	hlines [][]string
	ts     *typesetter

	spool    spool
	o        *objWriter
	page     canvas
	pages    []pdfPage
	fonts    map[*sfnt]*docFont
	fontList []*docFont // in order of first use, for stable output
	pagesObj int        // the page tree, written last
	resObj   int        // the resources every page shares, written last
	logo     *pdfImage  // the meta's logo, written once
	figures  bool       // the current page holds figures, not rows
	closed   bool
}

// pdfPage is what Close needs of a page already written.
type pdfPage struct{ obj, footer int }

// NewPDF starts a PDF export. Nothing reaches w until Close.
func NewPDF(w io.Writer, meta PDFMeta, cols []Column) (*PDFWriter, error) {
	if err := checkColumns(cols); err != nil {
		return nil, err
	}
	set, err := loadFonts()
	if err != nil {
		return nil, err
	}
	p := &PDFWriter{
		out: w, meta: meta, cols: cols,
		colX: make([]float64, len(cols)), colW: make([]float64, len(cols)),
		lines: make([][]string, len(cols)), hlines: make([][]string, len(cols)),
		ts:    newTypesetter(set),
		fonts: map[*sfnt]*docFont{},
	}
	p.o = newObjWriter(&p.spool)
	// The header's binary comment tells transfer programs the file is binary.
	p.o.printf("%%PDF-1.7\n%%\xe2\xe3\xcf\xd3\n")
	p.pagesObj, p.resObj = p.o.reserve(), p.o.reserve()
	if meta.Logo != nil {
		p.logo = p.writeImage(meta.Logo)
	}
	p.bottom = pageHmm - pdfMargin - pdfFooterH
	p.layoutColumns(pageWmm - 2*pdfMargin)
	p.newPage()
	return p, p.o.err
}

// layoutColumns shares width among the columns in proportion to their
// Width, except that a date column gets at least the width of a date: a
// timestamp broken over two lines doubles every row's height.
func (p *PDFWriter) layoutColumns(avail float64) {
	minW := make([]float64, len(p.cols))
	for i, c := range p.cols {
		switch c.Kind {
		case Date:
			minW[i] = p.textWidth("0000-00-00", false, pdfBodySize) + 2*pdfPadX + 0.5
		case DateTime:
			minW[i] = p.textWidth("0000-00-00 00:00:00", false, pdfBodySize) + 2*pdfPadX + 0.5
		}
	}
	fixed := make([]bool, len(p.cols))
	// Each pass fixes the columns that fell below their minimum; the rest
	// share what is left. A column fixed once stays fixed, so this ends.
	for range p.cols {
		rest, weights := avail, 0.0
		for i, c := range p.cols {
			if fixed[i] {
				rest -= p.colW[i]
			} else {
				weights += c.width()
			}
		}
		changed := false
		for i, c := range p.cols {
			if fixed[i] {
				continue
			}
			p.colW[i] = max(rest, 0) * c.width() / weights
			if p.colW[i] < minW[i] {
				p.colW[i], fixed[i], changed = minW[i], true, true
			}
		}
		if !changed {
			break
		}
	}
	x := pdfMargin
	for i := range p.cols {
		p.colX[i] = x
		x += p.colW[i]
	}
}

// newPage finishes the current page, if any, and starts the next with its
// title block and the column header row.
func (p *PDFWriter) newPage() {
	y := p.startPage()
	textW := pageWmm - 2*pdfMargin

	// Column header: bold titles on a light band.
	n := 1
	for i, c := range p.cols {
		p.hlines[i] = p.wrap(pdfLine(c.Title), p.colW[i]-2*pdfPadX, maxHeaderLines, true, pdfBodySize)
		n = max(n, len(p.hlines[i]))
	}
	h := float64(n)*pdfLineH + 2*pdfPadY
	p.page.rect(pdfMargin, y, textW, h, grayBand)
	p.drawCells(p.hlines, y, true)
	p.page.line(pdfMargin, y+h, pdfMargin+textW, y+h, 0.3, grayHeader)
	p.top = y + h
	p.y = p.top
	p.pages = append(p.pages, pdfPage{obj: p.o.reserve(), footer: p.o.reserve()})
}

// startPage finishes the current page, if any, and starts the next with
// the title block (the first page) or the running header (the others) and
// the footer's title. It returns the y where the page's body starts.
func (p *PDFWriter) startPage() float64 {
	p.endPage()
	p.figures = false
	textW := pageWmm - 2*pdfMargin
	y := pdfMargin
	if len(p.pages) == 0 {
		y += 5
		if lw := p.drawLogo(); lw > 0 {
			textW -= lw + 4 // the title block keeps clear of the logo
		}
		p.drawText(pdfMargin, y, p.fit(pdfLine(p.meta.Title), textW, true, pdfTitleSize), true, pdfTitleSize, grayText)
		if p.meta.Subtitle != "" {
			y += 5.5
			p.drawText(pdfMargin, y, p.fit(pdfLine(p.meta.Subtitle), textW, false, pdfSubSize), false, pdfSubSize, grayText)
		}
		if !p.meta.Generated.IsZero() {
			y += 4.5
			p.drawText(pdfMargin, y, "Generated "+p.meta.Generated.Format("2006-01-02 15:04 MST"), false, pdfSmallSize, grayMuted)
		}
		y += 3
		if p.logo != nil {
			y = max(y, pdfMargin+pdfLogoH+2)
		}
		textW = pageWmm - 2*pdfMargin
	} else {
		running := pdfLine(p.meta.Title)
		if p.meta.Subtitle != "" {
			running += " — " + pdfLine(p.meta.Subtitle)
		}
		y += 3
		p.drawText(pdfMargin, y, p.fit(running, textW, false, pdfSmallSize), false, pdfSmallSize, grayMuted)
		y += 2
	}
	// The footer's title; the page number is drawn at Close.
	p.drawText(pdfMargin, pageHmm-pdfMargin, p.fit(pdfLine(p.meta.Title), textW/2, false, pdfSmallSize), false, pdfSmallSize, grayMuted)
	return y
}

// endPage writes the current page: its content, then the page object,
// which points at the footer stream that Close will write.
func (p *PDFWriter) endPage() {
	if len(p.pages) == 0 {
		return
	}
	pg := p.pages[len(p.pages)-1]
	content := p.o.reserve()
	p.o.stream(content, "", p.page.b.Bytes())
	p.page.b.Reset()
	p.o.object(pg.obj, fmt.Sprintf("<< /Type /Page /Parent %d 0 R /Resources %d 0 R /MediaBox [0 0 %s %s] /Contents [%d 0 R %d 0 R] >>",
		p.pagesObj, p.resObj, fmtNum(pageWmm*ptPerMM), fmtNum(pageHmm*ptPerMM), content, pg.footer))
}

func fmtNum(v float64) string { return string(num(nil, v)) }

// WriteRow adds one row, starting a new page (with the column header) when
// the row does not fit on this one.
func (p *PDFWriter) WriteRow(values ...any) error {
	if p.closed {
		return ErrClosed
	}
	if err := checkRow(values, p.cols); err != nil {
		return err
	}
	n := 1
	for i, v := range values {
		c, err := toCell(v, p.cols[i])
		if err != nil {
			return err
		}
		p.lines[i] = p.wrap(pdfText(c.text(p.cols[i].Kind)), p.colW[i]-2*pdfPadX, maxCellLines, false, pdfBodySize)
		n = max(n, len(p.lines[i]))
	}
	h := float64(n)*pdfLineH + 2*pdfPadY
	if p.figures || p.y+h > p.bottom && p.y > p.top {
		p.newPage() // moves p.y to the top of the new page, below a column header
	}
	p.drawCells(p.lines, p.y, false)
	p.page.line(pdfMargin, p.y+h, p.colX[len(p.colX)-1]+p.colW[len(p.colW)-1], p.y+h, 0.1, grayRule)
	p.y += h
	p.rows++
	return p.o.err
}

// drawCells prints one row of wrapped cells whose top is at y.
func (p *PDFWriter) drawCells(cells [][]string, y float64, bold bool) {
	// Centre the font's em box in the line; the baseline sits about 0.8 em
	// below the top of that box.
	em := pdfBodySize * mmPerPt
	base := y + pdfPadY + (pdfLineH-em)/2 + 0.8*em
	for i, lines := range cells {
		right := p.cols[i].Kind == Number
		for k, line := range lines {
			runs, w := p.ts.layout(line, bold)
			x := p.colX[i] + pdfPadX
			if right {
				x = p.colX[i] + p.colW[i] - pdfPadX - w*pdfBodySize/1000*mmPerPt
			}
			p.page.text(p, x, base+float64(k)*pdfLineH, runs, pdfBodySize, grayText)
		}
	}
}

// drawText draws one line of text with the left end of its baseline at x, y.
func (p *PDFWriter) drawText(x, y float64, s string, bold bool, size, gray float64) {
	runs, _ := p.ts.layout(s, bold)
	p.page.text(p, x, y, runs, size, gray)
}

// docFont returns the document's font for src, adding it on first use.
func (p *PDFWriter) docFont(src *sfnt) *docFont {
	f := p.fonts[src]
	if f == nil {
		f = newDocFont(src, fmt.Sprintf("F%d", len(p.fontList)+1), p.o.reserve())
		p.fonts[src] = f
		p.fontList = append(p.fontList, f)
	}
	return f
}

// mmPerPt converts points to millimetres.
const mmPerPt = 25.4 / 72

func (p *PDFWriter) textWidth(s string, bold bool, size float64) float64 {
	return p.units(s, bold) * size / 1000 * mmPerPt
}

// fit cuts s to one line of width w, ending in "…" if anything was cut.
func (p *PDFWriter) fit(s string, w float64, bold bool, size float64) string {
	if lines := p.wrap(strings.ReplaceAll(s, "\n", " "), w, 1, bold, size); len(lines) > 0 {
		return lines[0]
	}
	return ""
}

// Close finishes the document and writes it to w. It does not close w.
func (p *PDFWriter) Close() error {
	if p.closed {
		return nil
	}
	p.closed = true
	defer p.spool.release()
	p.endPage()
	if p.o.err != nil {
		return p.o.err
	}
	bw := bufio.NewWriterSize(p.out, 64<<10)
	if err := p.spool.copyTo(bw); err != nil {
		return err
	}
	p.o.w = bw

	// Footers: "Page N of M", right-aligned.
	for i, pg := range p.pages {
		label := fmt.Sprintf("Page %d of %d", i+1, len(p.pages))
		runs, w := p.ts.layout(label, false)
		p.page.b.Reset()
		p.page.text(p, pageWmm-pdfMargin-w*pdfSmallSize/1000*mmPerPt, pageHmm-pdfMargin, runs, pdfSmallSize, grayMuted)
		p.o.stream(pg.footer, "", p.page.b.Bytes())
	}

	var fonts strings.Builder
	for _, f := range p.fontList {
		f.write(p.o)
		fmt.Fprintf(&fonts, "/%s %d 0 R ", f.res, f.obj)
	}
	xobj := ""
	if p.logo != nil {
		xobj = fmt.Sprintf(" /XObject << /Logo %d 0 R >>", p.logo.obj)
	}
	p.o.object(p.resObj, "<< /ProcSet [/PDF /Text /ImageC] /Font << "+fonts.String()+">>"+xobj+" >>")
	var kids strings.Builder
	for _, pg := range p.pages {
		fmt.Fprintf(&kids, "%d 0 R ", pg.obj)
	}
	p.o.object(p.pagesObj, fmt.Sprintf("<< /Type /Pages /Count %d /Kids [%s] >>", len(p.pages), kids.String()))

	info := p.o.reserve()
	meta := "/Producer (Yardstick) /Title " + pdfString(pdfLine(p.meta.Title)) + " /Subject " + pdfString(pdfLine(p.meta.Subtitle))
	if !p.meta.Generated.IsZero() {
		d := pdfDate(p.meta.Generated)
		meta += " /CreationDate " + d + " /ModDate " + d
	}
	p.o.object(info, "<< "+meta+" >>")
	root := p.o.reserve()
	p.o.object(root, fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", p.pagesObj))
	if err := p.o.finish(root, info); err != nil {
		return err
	}
	return bw.Flush()
}

// pdfDate is t as a PDF date string, e.g. (D:20260401093000+02'00').
func pdfDate(t time.Time) string {
	_, off := t.Zone()
	sign := '+'
	if off < 0 {
		sign, off = '-', -off
	}
	return fmt.Sprintf("(D:%s%c%02d'%02d')", t.Format("20060102150405"), sign, off/3600, off%3600/60)
}

// pdfLine is pdfText for one-line text (titles): every control
// character shows as an escape (see cleanText).
func pdfLine(s string) string { return pdfText(cleanText(s, false)) }

// pdfText prepares a cell's text for drawing: control characters are made
// visible (see cleanText; a MultiLine cell keeps its line breaks, tabs
// become spaces and line endings "\n").
func pdfText(s string) string {
	s = cleanText(s, true) // a cell was cleaned by its column's rule in toCell
	if !strings.ContainsAny(s, "\t\r") {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.NewReplacer("\t", " ", "\r", "\n").Replace(s)
}

// Abort drops the document; nothing has been written to w.
func (p *PDFWriter) Abort() {
	if !p.closed {
		p.closed = true
		p.spool.release()
	}
}
