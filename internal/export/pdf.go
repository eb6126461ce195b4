package export

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"codeberg.org/go-pdf/fpdf"
)

// Limits of a PDF export. fpdf builds the whole document in memory until
// Close, so unlike XLSX and CSV a PDF cannot hold memory flat; these bound it.
// Memory follows the amount of text, so pages are the real bound: 500 pages
// with every cell filled to its six lines peaked at about 43 MiB of heap, and
// 10,000 activity-log rows (about 310 pages) at about 38 MiB (TestPDFMemory).
// MaxPDFRows is the number a caller can check up front by counting; rows
// that wrap a lot reach MaxPDFPages first. Callers offer XLSX or a background
// job for anything larger. Past either limit WriteRow returns ErrTooManyRows
// or ErrTooLarge; nothing has been written to w by then, so the caller can
// still answer with an error page instead.
const (
	MaxPDFRows  = 10000
	MaxPDFPages = 500
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
	fontFamily     = "DejaVu"
)

// PDFWriter writes an A4 landscape table: title and subtitle on the first
// page, a compact running header on the others, the column header repeated at
// the top of every page, "Page N of M" in the footer. Text wraps within its
// column; a cell longer than maxCellLines lines is cut with "…".
type PDFWriter struct {
	pdf    *fpdf.Fpdf
	out    io.Writer
	meta   PDFMeta
	cols   []Column
	colX   []float64 // left edge of each column
	colW   []float64
	top    float64 // y where the table body starts on the current page
	y      float64 // y of the next row
	bottom float64 // rows must end above this
	rows   int
	// maxRows and maxPages are MaxPDFRows and MaxPDFPages; tests lower them.
	maxRows, maxPages int
	lines             [][]string // the row being drawn, reused between rows
	// hlines is the column header, apart from lines so that a page break in
	// the middle of WriteRow does not overwrite the row.
	hlines [][]string
	widths [2]map[rune]float64 // this writer's cache in front of glyphWidth
	closed bool
}

// measurer is a document that only measures text, shared by all writers:
// asking a writer's own document would switch its current font in the middle
// of drawing, and loading the fonts again costs time and memory per export.
var measurer struct {
	once sync.Once
	mu   sync.Mutex
	pdf  *fpdf.Fpdf
}

// glyphWidth is a rune's advance in font units (1/1000 of the font size).
func glyphWidth(r rune, style string) float64 {
	measurer.once.Do(func() {
		m := fpdf.New("L", "mm", "A4", "")
		m.AddUTF8FontFromBytes(fontFamily, "", fontRegular)
		m.AddUTF8FontFromBytes(fontFamily, "B", fontBold)
		measurer.pdf = m
	})
	measurer.mu.Lock()
	defer measurer.mu.Unlock()
	measurer.pdf.SetFont(fontFamily, style, pdfBodySize)
	return float64(measurer.pdf.GetStringSymbolWidth(string(r)))
}

// NewPDF starts a PDF export. Nothing reaches w until Close.
func NewPDF(w io.Writer, meta PDFMeta, cols []Column) (*PDFWriter, error) {
	if err := checkColumns(cols); err != nil {
		return nil, err
	}
	pdf := fpdf.New("L", "mm", "A4", "")
	pdf.AddUTF8FontFromBytes(fontFamily, "", fontRegular)
	pdf.AddUTF8FontFromBytes(fontFamily, "B", fontBold)
	pdf.SetMargins(pdfMargin, pdfMargin, pdfMargin)
	// Page breaks are ours: a row must never split across pages, and the
	// column header must follow each break.
	pdf.SetAutoPageBreak(false, 0)
	// Fixed dates and sorted catalogue make the same input give the same
	// bytes, which keeps golden files and caches honest.
	pdf.SetCatalogSort(true)
	if !meta.Generated.IsZero() {
		pdf.SetCreationDate(meta.Generated)
		pdf.SetModificationDate(meta.Generated)
	}
	pdf.SetTitle(pdfLine(meta.Title), true)
	pdf.SetSubject(pdfLine(meta.Subtitle), true)

	p := &PDFWriter{
		pdf: pdf, out: w, meta: meta, cols: cols,
		colX: make([]float64, len(cols)), colW: make([]float64, len(cols)),
		lines: make([][]string, len(cols)), hlines: make([][]string, len(cols)),
		widths:  [2]map[rune]float64{{}, {}},
		maxRows: MaxPDFRows, maxPages: MaxPDFPages,
	}
	pageW, pageH := pdf.GetPageSize()
	p.bottom = pageH - pdfMargin - pdfFooterH
	p.layoutColumns(pageW - 2*pdfMargin)
	pdf.SetHeaderFunc(p.header)
	pdf.AddPage()
	if err := pdf.Error(); err != nil {
		return nil, err
	}
	return p, nil
}

// layoutColumns shares width among the columns in proportion to their
// Width, except that a date column gets at least the width of a date: a
// timestamp broken over two lines doubles every row's height.
func (p *PDFWriter) layoutColumns(avail float64) {
	minW := make([]float64, len(p.cols))
	for i, c := range p.cols {
		switch c.Kind {
		case Date:
			minW[i] = p.textWidth("0000-00-00", "", pdfBodySize) + 2*pdfPadX + 0.5
		case DateTime:
			minW[i] = p.textWidth("0000-00-00 00:00:00", "", pdfBodySize) + 2*pdfPadX + 0.5
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

// header draws the page's title block and the column header row.
func (p *PDFWriter) header() {
	pdf := p.pdf
	pageW, _ := pdf.GetPageSize()
	textW := pageW - 2*pdfMargin
	y := pdfMargin
	pdf.SetTextColor(0, 0, 0)
	if pdf.PageNo() == 1 {
		p.setFont("B", pdfTitleSize)
		y += 5
		pdf.Text(pdfMargin, y, p.fit(pdfLine(p.meta.Title), textW, "B", pdfTitleSize))
		if p.meta.Subtitle != "" {
			p.setFont("", pdfSubSize)
			y += 5.5
			pdf.Text(pdfMargin, y, p.fit(pdfLine(p.meta.Subtitle), textW, "", pdfSubSize))
		}
		if !p.meta.Generated.IsZero() {
			p.setFont("", pdfSmallSize)
			pdf.SetTextColor(90, 90, 90)
			y += 4.5
			pdf.Text(pdfMargin, y, "Generated "+p.meta.Generated.Format("2006-01-02 15:04 MST"))
			pdf.SetTextColor(0, 0, 0)
		}
		y += 3
	} else {
		running := pdfLine(p.meta.Title)
		if p.meta.Subtitle != "" {
			running += " — " + pdfLine(p.meta.Subtitle)
		}
		p.setFont("", pdfSmallSize)
		pdf.SetTextColor(90, 90, 90)
		y += 3
		pdf.Text(pdfMargin, y, p.fit(running, textW, "", pdfSmallSize))
		pdf.SetTextColor(0, 0, 0)
		y += 2
	}

	// Column header: bold titles on a light band.
	p.setFont("B", pdfBodySize)
	n := 1
	for i, c := range p.cols {
		p.hlines[i] = p.wrap(pdfLine(c.Title), p.colW[i]-2*pdfPadX, maxHeaderLines, "B", pdfBodySize)
		n = max(n, len(p.hlines[i]))
	}
	h := float64(n)*pdfLineH + 2*pdfPadY
	pdf.SetFillColor(230, 230, 230)
	pdf.Rect(pdfMargin, y, textW, h, "F")
	p.drawCells(p.hlines, y, "B")
	pdf.SetDrawColor(0, 0, 0)
	pdf.SetLineWidth(0.3)
	pdf.Line(pdfMargin, y+h, pdfMargin+textW, y+h)
	p.top = y + h
	p.y = p.top
	p.setFont("", pdfBodySize)
}

// footers draws every page's footer once the page count is known. fpdf's
// alternative, AliasNbPages, replaces a placeholder string throughout the
// page content, and would replace it inside someone's text as well.
func (p *PDFWriter) footers() {
	pdf := p.pdf
	pageW, pageH := pdf.GetPageSize()
	y := pageH - pdfMargin
	title := p.fit(pdfLine(p.meta.Title), (pageW-2*pdfMargin)/2, "", pdfSmallSize)
	n := pdf.PageCount()
	for i := 1; i <= n; i++ {
		pdf.SetPage(i)
		// fpdf skips a font change it believes is in effect, but that belief
		// is about the last page drawn, not page i; switching twice makes it
		// write the font into page i's content.
		p.setFont("B", pdfSmallSize)
		p.setFont("", pdfSmallSize)
		pdf.SetTextColor(90, 90, 90)
		label := fmt.Sprintf("Page %d of %d", i, n)
		pdf.Text(pageW-pdfMargin-p.textWidth(label, "", pdfSmallSize), y, label)
		pdf.Text(pdfMargin, y, title)
	}
	pdf.SetTextColor(0, 0, 0)
}

// WriteRow adds one row, starting a new page (with the column header) when
// the row does not fit on this one.
func (p *PDFWriter) WriteRow(values ...any) error {
	if p.closed {
		return ErrClosed
	}
	if err := checkRow(values, p.cols); err != nil {
		return err
	}
	if p.rows >= p.maxRows {
		return ErrTooManyRows
	}
	n := 1
	for i, v := range values {
		c, err := toCell(v, p.cols[i])
		if err != nil {
			return err
		}
		p.lines[i] = p.wrap(pdfText(c.text(p.cols[i].Kind)), p.colW[i]-2*pdfPadX, maxCellLines, "", pdfBodySize)
		n = max(n, len(p.lines[i]))
	}
	h := float64(n)*pdfLineH + 2*pdfPadY
	if p.y+h > p.bottom && p.y > p.top {
		if p.pdf.PageCount() >= p.maxPages {
			return ErrTooLarge
		}
		p.pdf.AddPage() // header() moves p.y to the top of the new page
	}
	p.drawCells(p.lines, p.y, "")
	p.pdf.SetDrawColor(200, 200, 200)
	p.pdf.SetLineWidth(0.1)
	p.pdf.Line(pdfMargin, p.y+h, p.colX[len(p.colX)-1]+p.colW[len(p.colW)-1], p.y+h)
	p.y += h
	p.rows++
	return p.pdf.Error()
}

// drawCells prints one row of wrapped cells whose top is at y.
func (p *PDFWriter) drawCells(cells [][]string, y float64, style string) {
	// Centre the font's em box in the line; the baseline sits about 0.8 em
	// below the top of that box.
	em := pdfBodySize * mmPerPt
	base := y + pdfPadY + (pdfLineH-em)/2 + 0.8*em
	for i, lines := range cells {
		right := p.cols[i].Kind == Number
		for k, line := range lines {
			x := p.colX[i] + pdfPadX
			if right {
				x = p.colX[i] + p.colW[i] - pdfPadX - p.textWidth(line, style, pdfBodySize)
			}
			p.pdf.Text(x, base+float64(k)*pdfLineH, line)
		}
	}
}

func (p *PDFWriter) setFont(style string, size float64) {
	p.pdf.SetFont(fontFamily, style, size)
}

// runeWidth is a glyph's advance in font units, cached per writer so that
// the hot path takes no lock.
func (p *PDFWriter) runeWidth(r rune, style string) float64 {
	m := p.widths[0]
	if style == "B" {
		m = p.widths[1]
	}
	if w, ok := m[r]; ok {
		return w
	}
	w := glyphWidth(r, style)
	m[r] = w
	return w
}

// units is the width of s in font units.
func (p *PDFWriter) units(s, style string) float64 {
	w := 0.0
	for _, r := range s {
		w += p.runeWidth(r, style)
	}
	return w
}

// mmPerPt converts points to millimetres.
const mmPerPt = 25.4 / 72

func (p *PDFWriter) textWidth(s, style string, size float64) float64 {
	return p.units(s, style) * size / 1000 * mmPerPt
}

// fit cuts s to one line of width w, ending in "…" if anything was cut.
func (p *PDFWriter) fit(s string, w float64, style string, size float64) string {
	if lines := p.wrap(strings.ReplaceAll(s, "\n", " "), w, 1, style, size); len(lines) > 0 {
		return lines[0]
	}
	return ""
}

// wrap breaks s into lines no wider than w (mm) at spaces, or anywhere inside
// a word too long for a line, keeping at most maxLines; if text is left over
// the last line ends in "…". Explicit newlines start a new line.
func (p *PDFWriter) wrap(s string, w float64, maxLines int, style string, size float64) []string {
	s = strings.TrimRight(s, "\n") // a final newline is not a line to cut
	if s == "" {
		return nil
	}
	limit := w / (size / 1000 * mmPerPt) // w in font units
	var lines []string
	cut := false
	for para := range strings.SplitSeq(s, "\n") {
		if len(lines) == maxLines {
			cut = true
			break
		}
		for {
			line, rest := p.breakLine(para, limit, style)
			lines = append(lines, line)
			para = rest
			if para == "" {
				break
			}
			if len(lines) == maxLines {
				cut = true
				break
			}
		}
		if cut {
			break
		}
	}
	if cut {
		last := lines[len(lines)-1]
		ell := p.runeWidth('…', style)
		for last != "" && p.units(last, style)+ell > limit {
			_, n := utf8.DecodeLastRuneInString(last)
			last = last[:len(last)-n]
		}
		lines[len(lines)-1] = strings.TrimRight(last, " ") + "…"
	}
	return lines
}

// breakLine returns the first line of s that fits limit (font units) and the
// rest, without the spaces at the break.
func (p *PDFWriter) breakLine(s string, limit float64, style string) (string, string) {
	width := 0.0
	space := -1 // byte index of the last space seen
	for i, r := range s {
		width += p.runeWidth(r, style)
		if r == ' ' {
			space = i
		}
		if width > limit && i > 0 {
			if space > 0 {
				return strings.TrimRight(s[:space], " "), strings.TrimLeft(s[space:], " ")
			}
			return s[:i], s[i:]
		}
	}
	return strings.TrimRight(s, " "), ""
}

// Close finishes the document and writes it to w. It does not close w.
func (p *PDFWriter) Close() error {
	if p.closed {
		return nil
	}
	p.closed = true
	p.footers()
	return p.pdf.Output(p.out)
}

// pdfLine is pdfText for one-line text (titles): every control
// character shows as an escape (see cleanText).
func pdfLine(s string) string { return pdfText(cleanText(s, false)) }

// pdfText prepares text for fpdf's UTF-8 mode: control characters are made
// visible (see cleanText; a MultiLine cell keeps its line breaks, tabs
// become spaces and line endings "\n"), and characters outside the
// Basic Multilingual Plane (emoji, rare CJK) become U+FFFD. fpdf writes
// two-byte character codes: it turns four-byte UTF-8 into two wrong
// characters, and measuring U+10000 indexes past its width table and panics.
func pdfText(s string) string {
	s = cleanText(s, true) // a cell was cleaned by its column's rule in toCell
	clean := true
	for _, r := range s {
		if r > 0xffff || r == '\t' || r == '\r' {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r > 0xffff:
			return utf8.RuneError
		case r == '\t':
			return ' '
		case r == '\r':
			return '\n'
		}
		return r
	}, s)
}

// Abort drops the document; nothing has been written to w.
func (p *PDFWriter) Abort() {
	if !p.closed {
		p.closed = true
		p.pdf = nil // let the pages go even if the writer is kept
	}
}
