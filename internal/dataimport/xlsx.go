package dataimport

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"math"
	"path"
	"strconv"
	"strings"
	"time"
)

// maxColumns is the widest sheet a spreadsheet program writes (XFD).
const maxColumns = 16384

// workbook is an opened XLSX: its parts by name, checked for size.
type workbook struct {
	parts map[string]*zip.File
}

func damaged(what string) *FileError {
	return fileErr(0, "This workbook could not be read (%s). Open it in your spreadsheet program, save it as “Excel Workbook (.xlsx)” and try again.", what)
}

// openWorkbook reads the zip directory and refuses, before expanding
// anything, a workbook that would expand beyond MaxUnzipped or a part whose
// ratio is a zip bomb's. The sizes checked are the declared ones; reading a
// part past its declared size fails (archive/zip checks it, and part()
// limits it again).
func openWorkbook(raw []byte) (*workbook, *FileError) {
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		return nil, damaged("it is not a valid zip file")
	}
	wb := &workbook{parts: make(map[string]*zip.File, len(zr.File))}
	var total uint64
	for _, zf := range zr.File {
		u, c := zf.UncompressedSize64, zf.CompressedSize64
		total += u
		if total > MaxUnzipped || total < u {
			return nil, fileErr(0, "The workbook would expand to more than %d MB, so it is refused before being opened. Save the data to import as a smaller workbook or as CSV.", MaxUnzipped>>20)
		}
		if u > ratioFloor && (c == 0 || u/c > MaxRatio) {
			return nil, fileErr(0, "The workbook is compressed far more than a spreadsheet can be (part %s would expand %s times), so it is refused before being opened.", quote(zf.Name, 60), thousands(int(u/max(c, 1))))
		}
		wb.parts[strings.TrimPrefix(zf.Name, "/")] = zf
	}
	return wb, nil
}

// part opens a part by name; nil when the workbook has none.
func (wb *workbook) part(name string) (io.ReadCloser, error) {
	zf := wb.parts[strings.TrimPrefix(name, "/")]
	if zf == nil {
		return nil, nil
	}
	rc, err := zf.Open()
	if err != nil {
		return nil, err
	}
	return struct {
		io.Reader
		io.Closer
	}{bufio.NewReaderSize(io.LimitReader(rc, int64(zf.UncompressedSize64)), 64<<10), rc}, nil
}

// decode walks the XML tokens of a part, calling fn for each; a part that is
// missing is a damaged workbook.
func (wb *workbook) decode(name string, fn func(d *xml.Decoder, t xml.Token) error) *FileError {
	rc, err := wb.part(name)
	if err != nil {
		return damaged("part " + name + " is damaged")
	}
	if rc == nil {
		return damaged("part " + name + " is missing")
	}
	defer rc.Close()
	d := xml.NewDecoder(rc)
	for {
		t, err := d.RawToken()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return damaged("part " + name + " is not well-formed XML")
		}
		if err := fn(d, t); err != nil {
			var fe *FileError
			if errors.As(err, &fe) {
				return fe
			}
			return damaged("part " + name + ": " + err.Error())
		}
	}
}

func attr(e xml.StartElement, local string) string {
	for _, a := range e.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// rels reads a relationships part: id → target resolved against base, and
// type suffix → target.
func (wb *workbook) rels(name, base string) (byID, byType map[string]string, ferr *FileError) {
	byID, byType = map[string]string{}, map[string]string{}
	ferr = wb.decode(name, func(_ *xml.Decoder, t xml.Token) error {
		if e, ok := t.(xml.StartElement); ok && e.Name.Local == "Relationship" {
			target := attr(e, "Target")
			if strings.HasPrefix(target, "/") {
				target = target[1:]
			} else {
				target = path.Join(base, target)
			}
			byID[attr(e, "Id")] = target
			typ := attr(e, "Type")
			byType[typ[strings.LastIndexByte(typ, '/')+1:]] = target
		}
		return nil
	})
	return byID, byType, ferr
}

// parseXLSX reads the chosen sheet of a workbook.
func parseXLSX(raw []byte, sheet string, sink *rowSink) (File, *FileError) {
	wb, ferr := openWorkbook(raw)
	if ferr != nil {
		return File{}, ferr
	}
	_, root, ferr := wb.rels("_rels/.rels", "")
	if ferr != nil {
		return File{}, ferr
	}
	book := root["officeDocument"]
	if book == "" {
		return File{}, damaged("it has no workbook part")
	}
	dir := path.Dir(book)
	ids, types, ferr := wb.rels(path.Join(dir, "_rels", path.Base(book)+".rels"), dir)
	if ferr != nil {
		return File{}, ferr
	}
	type sheetRef struct{ name, target string }
	var sheets []sheetRef
	date1904 := false
	ferr = wb.decode(book, func(_ *xml.Decoder, t xml.Token) error {
		e, ok := t.(xml.StartElement)
		if !ok {
			return nil
		}
		switch e.Name.Local {
		case "workbookPr":
			v := attr(e, "date1904")
			date1904 = v == "1" || v == "true"
		case "sheet":
			sheets = append(sheets, sheetRef{attr(e, "name"), ids[attr(e, "id")]})
		}
		return nil
	})
	if ferr != nil {
		return File{}, ferr
	}
	var chosen sheetRef
	for _, s := range sheets {
		if sheet == "" || strings.EqualFold(strings.TrimSpace(s.name), strings.TrimSpace(sheet)) {
			chosen = s
			break
		}
	}
	if chosen.target == "" {
		if sheet != "" {
			var names []string
			for _, s := range sheets {
				names = append(names, quote(s.name, 40))
			}
			return File{}, fileErr(0, "The workbook has no sheet named %s. Its sheets: %s.", quote(sheet, 40), list(names))
		}
		return File{}, damaged("it has no worksheet")
	}
	dates, ferr := wb.dateStyles(types["styles"])
	if ferr != nil {
		return File{}, ferr
	}
	strs, ferr := wb.sharedStrings(types["sharedStrings"])
	if ferr != nil {
		return File{}, ferr
	}
	s := sheetReader{dates: dates, strs: strs, date1904: date1904, sink: sink}
	if ferr := wb.decode(chosen.target, s.token); ferr != nil {
		return File{}, ferr
	}
	if s.err != nil {
		return File{}, s.err
	}
	if !s.haveHeader {
		return File{}, fileErr(0, "The sheet %s is empty. The first row must be the header row. %s", quote(chosen.name, 40), expected)
	}
	if sink.n == 0 {
		return File{}, noRows()
	}
	s.file.Format, s.file.Sheet = XLSX, chosen.name
	return s.file, nil
}

// dateStyles reads which cell styles (cellXfs, by index) show a date.
func (wb *workbook) dateStyles(name string) ([]bool, *FileError) {
	if name == "" || wb.parts[name] == nil {
		return nil, nil
	}
	custom := map[string]string{}
	var xfs []bool
	inXfs := false
	var fmts []string
	ferr := wb.decode(name, func(_ *xml.Decoder, t xml.Token) error {
		switch e := t.(type) {
		case xml.StartElement:
			switch e.Name.Local {
			case "numFmt":
				custom[attr(e, "numFmtId")] = attr(e, "formatCode")
			case "cellXfs":
				inXfs = true
			case "xf":
				if inXfs {
					fmts = append(fmts, attr(e, "numFmtId"))
				}
			}
		case xml.EndElement:
			if e.Name.Local == "cellXfs" {
				inXfs = false
			}
		}
		return nil
	})
	for _, id := range fmts {
		n, _ := strconv.Atoi(id)
		code, ok := custom[id]
		xfs = append(xfs, (!ok && builtinDate(n)) || (ok && dateCode(code)))
	}
	return xfs, ferr
}

// builtinDate reports the built-in number formats that show dates.
func builtinDate(id int) bool {
	return id >= 14 && id <= 17 || id == 22 || id >= 27 && id <= 36 || id >= 50 && id <= 58
}

// dateCode reports a custom number format that shows a day, month or year:
// d, m or y outside quoted text, escapes and [brackets].
func dateCode(code string) bool {
	in := false
	for i := 0; i < len(code); i++ {
		switch c := code[i]; {
		case c == '"':
			in = !in
		case in:
		case c == '\\' || c == '_' || c == '*':
			i++
		case c == '[':
			if j := strings.IndexByte(code[i:], ']'); j >= 0 {
				i += j
			}
		case c == 'd' || c == 'D' || c == 'y' || c == 'Y' || c == 'm' || c == 'M':
			return true
		}
	}
	return false
}

// sharedStrings reads the shared strings, the one part kept whole.
func (wb *workbook) sharedStrings(name string) ([]string, *FileError) {
	zf := wb.parts[name]
	if name == "" || zf == nil {
		return nil, nil
	}
	if zf.UncompressedSize64 > maxStrings {
		return nil, fileErr(0, "The workbook's text cells take more than %d MB. Save the data to import as a smaller workbook or as CSV.", maxStrings>>20)
	}
	var out []string
	var b strings.Builder
	inT, inPh := false, 0
	ferr := wb.decode(name, func(_ *xml.Decoder, t xml.Token) error {
		switch e := t.(type) {
		case xml.StartElement:
			switch e.Name.Local {
			case "si":
				b.Reset()
			case "t":
				inT = inPh == 0
			case "rPh":
				inPh++
			}
		case xml.EndElement:
			switch e.Name.Local {
			case "si":
				out = append(out, b.String())
			case "t":
				inT = false
			case "rPh":
				inPh--
			}
		case xml.CharData:
			if inT {
				b.Write(e)
			}
		}
		return nil
	})
	return out, ferr
}

// sheetReader turns a worksheet's tokens into rows, one row at a time.
type sheetReader struct {
	dates    []bool
	strs     []string
	date1904 bool
	sink     *rowSink

	file       File
	h          header
	haveHeader bool
	width      int // columns that matter once the header is read
	err        *FileError

	rowNum  int
	cells   []rawCell
	cur     rawCell
	col     int
	typ     string
	style   int
	inV     bool
	inF     bool
	inT     bool
	hasF    bool
	v, f, s strings.Builder
}

func (r *sheetReader) token(_ *xml.Decoder, t xml.Token) error {
	if r.err != nil {
		return r.err
	}
	switch e := t.(type) {
	case xml.StartElement:
		switch e.Name.Local {
		case "row":
			n, err := strconv.Atoi(attr(e, "r"))
			if err != nil || n <= r.rowNum {
				n = r.rowNum + 1
			}
			r.rowNum = n
			r.cells = r.cells[:0]
			r.col = -1
		case "c":
			ref := attr(e, "r")
			col := colIndex(ref)
			if col < 0 {
				col = r.col + 1
			}
			r.col = col
			r.cur = rawCell{ref: ref, decimal: AutoMark}
			r.typ = attr(e, "t")
			r.style, _ = strconv.Atoi(attr(e, "s"))
			r.hasF = false
			r.v.Reset()
			r.f.Reset()
			r.s.Reset()
		case "v":
			r.inV = true
		case "f":
			r.inF, r.hasF = true, true
		case "t":
			r.inT = true
		}
	case xml.EndElement:
		switch e.Name.Local {
		case "v":
			r.inV = false
		case "f":
			r.inF = false
		case "t":
			r.inT = false
		case "c":
			r.endCell()
		case "row":
			r.endRow()
		}
	case xml.CharData:
		switch {
		case r.inV:
			r.v.Write(e)
		case r.inF:
			r.f.Write(e)
		case r.inT:
			r.s.Write(e)
		}
	}
	return nil
}

func (r *sheetReader) endCell() {
	if r.col >= maxColumns || (r.haveHeader && r.col >= r.width) {
		return
	}
	c := r.cur
	if r.hasF {
		c.formula = "=" + strings.TrimSpace(r.f.String())
		if c.formula == "=" {
			c.formula = "=…" // a shared formula's later cells name only its group
		}
	}
	v := strings.TrimSpace(r.v.String())
	switch r.typ {
	case "s":
		if i, err := strconv.Atoi(v); err == nil && i >= 0 && i < len(r.strs) {
			c.Kind, c.Text = Text, strings.TrimSpace(r.strs[i])
		}
	case "inlineStr":
		c.Kind, c.Text = Text, strings.TrimSpace(r.s.String())
	case "str", "e", "b":
		c.Kind, c.Text = Text, v
	case "d":
		if d, err := time.Parse("2006-01-02", v[:min(len(v), 10)]); err == nil {
			c.Kind, c.Date = Date, d
		} else {
			c.Kind, c.Text = Text, v
		}
	default:
		if v == "" {
			break
		}
		n, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsInf(n, 0) || math.IsNaN(n) {
			c.Kind, c.Text = Text, v
			break
		}
		if r.style >= 0 && r.style < len(r.dates) && r.dates[r.style] {
			if d, ok := serialDate(n, r.date1904); ok {
				c.Kind, c.Date = Date, d
				break
			}
		}
		c.Kind, c.Num = Number, n
	}
	if c.Kind == Text && c.Text == "" {
		c.Kind = Empty
	}
	for len(r.cells) < r.col {
		r.cells = append(r.cells, rawCell{})
	}
	r.cells = append(r.cells[:r.col], c)
}

func (r *sheetReader) endRow() {
	if !r.haveHeader {
		names := make([]string, len(r.cells))
		blank := true
		for i, c := range r.cells {
			names[i] = c.String()
			if names[i] != "" {
				blank = false
			}
		}
		if blank {
			return
		}
		h, ferr := readHeader(names, r.rowNum)
		if ferr != nil {
			r.err = ferr
			return
		}
		r.h, r.haveHeader = h, true
		r.file.Columns = h.columns()
		for _, i := range h.idx {
			r.width = max(r.width, i+1)
		}
		return
	}
	row, ok := r.h.row(r.rowNum, r.cells)
	if !ok {
		return
	}
	if ferr := r.sink.add(&r.file, row); ferr != nil {
		r.err = ferr
	}
}

// colIndex reads the column of a cell reference ("AB12" → 27); -1 when it
// has none.
func colIndex(ref string) int {
	n, i := 0, 0
	for ; i < len(ref) && i < 4; i++ {
		c := ref[i]
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		if c < 'A' || c > 'Z' {
			break
		}
		n = n*26 + int(c-'A'+1)
	}
	if i == 0 {
		return -1
	}
	return n - 1
}

// serialDate reads a spreadsheet date serial (the time of day is dropped).
// In the 1900 system serial 60 is the 29 February 1900 that never was, kept
// by Excel for Lotus 1-2-3's sake.
func serialDate(v float64, date1904 bool) (time.Time, bool) {
	if v < 1 || v >= 2958466 {
		return time.Time{}, false
	}
	days := int(math.Floor(v))
	switch {
	case date1904:
		return time.Date(1904, 1, 1+days, 0, 0, 0, 0, time.UTC), true
	case days < 60:
		return time.Date(1899, 12, 31+days, 0, 0, 0, 0, time.UTC), true
	}
	return time.Date(1899, 12, 30+days, 0, 0, 0, 0, time.UTC), true
}
