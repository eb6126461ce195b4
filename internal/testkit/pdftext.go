package testkit

// A small PDF text extractor, enough to read back what fpdf writes: xref
// table, FlateDecode streams, Type0 fonts with a ToUnicode CMap, and the text
// operators of a content stream. It exists because the tests must not need
// pdftotext, and the pure-Go reader on the module proxy
// (github.com/ledongthuc/pdf) applies a ToUnicode bfrange to the last byte of
// the code only, reading "Ł" (code 0x0141) as "A"; it would have hidden
// exactly the failures these tests look for. The mapping here goes through
// the document's own ToUnicode CMap, as a viewer's copy-and-paste does, so it
// does not simply assume fpdf's encoding.

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"
)

type pdfName string

type pdfRef int

type pdfStream struct {
	dict map[string]any
	data []byte // decoded
}

// pdfText is one string drawn on a page, at its baseline origin in points.
type pdfItem struct {
	x, y float64
	s    string
}

type pdfFile struct {
	data []byte
	offs map[int]int // object number → byte offset, from the xref table
	objs map[int]any
}

func openPDF(data []byte) (*pdfFile, error) {
	f := &pdfFile{data: data, offs: map[int]int{}, objs: map[int]any{}}
	i := bytes.LastIndex(data, []byte("startxref"))
	if i < 0 {
		return nil, fmt.Errorf("no startxref")
	}
	lx := &pdfLexer{b: data, p: i + len("startxref")}
	off, ok := lx.value().(int)
	if !ok {
		return nil, fmt.Errorf("bad startxref")
	}
	lx = &pdfLexer{b: data, p: off}
	if lx.token() != "xref" {
		return nil, fmt.Errorf("no xref table at %d", off)
	}
	for {
		save := lx.p
		t := lx.token()
		if t == "trailer" {
			lx.p = save
			break
		}
		first, err1 := strconv.Atoi(t)
		count, err2 := strconv.Atoi(lx.token())
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("bad xref subsection")
		}
		for n := range count {
			o, _ := strconv.Atoi(lx.token())
			lx.token() // generation
			if lx.token() == "n" {
				f.offs[first+n] = o
			}
		}
	}
	return f, nil
}

func (f *pdfFile) trailer() map[string]any {
	i := bytes.LastIndex(f.data, []byte("trailer"))
	lx := &pdfLexer{b: f.data, p: i + len("trailer")}
	d, _ := lx.value().(map[string]any)
	return d
}

// get returns object n, or what ref points to, parsed (streams decoded).
func (f *pdfFile) get(v any) any {
	r, ok := v.(pdfRef)
	if !ok {
		return v
	}
	n := int(r)
	if o, ok := f.objs[n]; ok {
		return o
	}
	off, ok := f.offs[n]
	if !ok {
		return nil
	}
	lx := &pdfLexer{b: f.data, p: off}
	lx.token() // number
	lx.token() // generation
	lx.token() // obj
	val := lx.value()
	save := lx.p
	if lx.token() == "stream" {
		if lx.b[lx.p] == '\r' {
			lx.p++
		}
		lx.p++ // the end-of-line after "stream"
		d := val.(map[string]any)
		length := f.get(d["Length"]).(int)
		raw := lx.b[lx.p : lx.p+length]
		s := &pdfStream{dict: d, data: raw}
		if d["Filter"] == pdfName("FlateDecode") {
			zr, err := zlib.NewReader(bytes.NewReader(raw))
			if err == nil {
				s.data, err = io.ReadAll(zr)
			}
			if err != nil {
				s.data = nil
			}
		}
		val = s
	} else {
		lx.p = save
	}
	f.objs[n] = val
	return val
}

func (f *pdfFile) dict(v any) map[string]any {
	d, _ := f.get(v).(map[string]any)
	return d
}

// pages returns the text items of each page, in page order.
func (f *pdfFile) pages() ([][]pdfItem, error) {
	root := f.dict(f.trailer()["Root"])
	var out [][]pdfItem
	var walk func(node map[string]any) error
	walk = func(node map[string]any) error {
		if node["Type"] == pdfName("Pages") {
			kids, _ := f.get(node["Kids"]).([]any)
			for _, k := range kids {
				if err := walk(f.dict(k)); err != nil {
					return err
				}
			}
			return nil
		}
		items, err := f.pageText(node)
		out = append(out, items)
		return err
	}
	err := walk(f.dict(root["Pages"]))
	return out, err
}

func (f *pdfFile) pageText(page map[string]any) ([]pdfItem, error) {
	res := f.dict(page["Resources"])
	fonts := f.dict(res["Font"])
	// Contents is one stream or an array of them, read as one.
	var data []byte
	parts, isArray := f.get(page["Contents"]).([]any)
	if !isArray {
		parts = []any{page["Contents"]}
	}
	for _, part := range parts {
		content, ok := f.get(part).(*pdfStream)
		if !ok || content.data == nil {
			return nil, fmt.Errorf("page without a readable content stream")
		}
		data = append(append(data, content.data...), '\n')
	}
	var items []pdfItem
	var cmap map[int]string
	var stack []any
	var tx, ty, lineX, lineY float64
	// Text shown right after other text, with no move in between, continues
	// it (a line drawn in several fonts). Inside a marked-content span with
	// /ActualText, that text replaces what the glyphs map to, as a viewer's
	// copy does (right-to-left runs, reordered clusters).
	cont := false
	actual, inActual := "", false
	lx := &pdfLexer{b: data}
	show := func(s []byte) {
		text := decodeShown(s, cmap)
		if inActual {
			text, actual = actual, ""
		}
		if cont && len(items) > 0 {
			items[len(items)-1].s += text
		} else {
			items = append(items, pdfItem{x: tx, y: ty, s: text})
		}
		cont = true
	}
	for {
		v, op, done := lx.operand()
		if done {
			break
		}
		if op == "" {
			stack = append(stack, v)
			continue
		}
		num := func(i int) float64 {
			j := len(stack) - i
			if j < 0 {
				return math.NaN()
			}
			switch n := stack[j].(type) {
			case int:
				return float64(n)
			case float64:
				return n
			}
			return math.NaN()
		}
		switch op {
		case "BT":
			tx, ty, lineX, lineY = 0, 0, 0, 0
			cont = false
		case "BDC":
			if len(stack) >= 2 {
				if d, ok := stack[len(stack)-1].(map[string]any); ok {
					if b, ok := d["ActualText"].([]byte); ok {
						actual, inActual = utf16BE(bytes.TrimPrefix(b, []byte{0xFE, 0xFF})), true
					}
				}
			}
		case "EMC":
			inActual = false
		case "Tf":
			if name, ok := stack[len(stack)-2].(pdfName); ok {
				cmap = f.toUnicode(fonts[string(name)])
			}
		case "Td", "TD":
			lineX, lineY = lineX+num(2), lineY+num(1)
			tx, ty = lineX, lineY
			cont = false
		case "Tm":
			lineX, lineY = num(2), num(1)
			tx, ty = lineX, lineY
			cont = false
		case "Tj", "'", "\"":
			if s, ok := stack[len(stack)-1].([]byte); ok {
				show(s)
			}
		case "TJ":
			if arr, ok := stack[len(stack)-1].([]any); ok {
				var all []byte
				for _, e := range arr {
					if s, ok := e.([]byte); ok {
						all = append(all, s...)
					}
				}
				show(all)
			}
		}
		stack = stack[:0]
	}
	return items, nil
}

// toUnicode reads a font's ToUnicode CMap into code → text; nil for a simple
// font, whose bytes are then read as Latin-1.
func (f *pdfFile) toUnicode(font any) map[int]string {
	d := f.dict(font)
	s, ok := f.get(d["ToUnicode"]).(*pdfStream)
	if !ok {
		return nil
	}
	m := map[int]string{}
	lx := &pdfLexer{b: s.data}
	var stack []any
	code := func(v any) int {
		b, _ := v.([]byte)
		n := 0
		for _, c := range b {
			n = n<<8 | int(c)
		}
		return n
	}
	for {
		v, op, done := lx.operand()
		if done {
			break
		}
		if op == "" {
			stack = append(stack, v)
			continue
		}
		switch op {
		case "endbfchar":
			for i := 0; i+1 < len(stack); i += 2 {
				m[code(stack[i])] = utf16BE(stack[i+1].([]byte))
			}
		case "endbfrange":
			for i := 0; i+2 < len(stack); i += 3 {
				lo, hi := code(stack[i]), code(stack[i+1])
				switch dst := stack[i+2].(type) {
				case []byte:
					// The whole destination value counts up with the code,
					// as viewers read it (strictly only the last byte may
					// vary, which fpdf's <0000> <FFFF> range ignores).
					base := code(dst)
					for c := lo; c <= hi; c++ {
						v := base + c - lo
						m[c] = string(utf16.Decode([]uint16{uint16(v)}))
					}
				case []any:
					for k, e := range dst {
						m[lo+k] = utf16BE(e.([]byte))
					}
				}
			}
		}
		stack = stack[:0]
	}
	return m
}

func decodeShown(s []byte, cmap map[int]string) string {
	if cmap == nil {
		return string(bytes.Runes(s)) // not used by these documents
	}
	var sb strings.Builder
	for i := 0; i+1 < len(s); i += 2 {
		c := int(s[i])<<8 | int(s[i+1])
		if t, ok := cmap[c]; ok {
			sb.WriteString(t)
		} else {
			sb.WriteRune('\uFFFD')
		}
	}
	return sb.String()
}

func utf16BE(b []byte) string {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
	}
	return string(utf16.Decode(u))
}

// pdfLines groups a page's items into lines by baseline, top to bottom, and
// joins the items of one line, left to right, with " | ".
func pdfLines(items []pdfItem) []string {
	type line struct {
		y     float64
		items []pdfItem
	}
	var lines []*line
	for _, it := range items {
		var l *line
		for _, c := range lines {
			if math.Abs(c.y-it.y) < 0.5 {
				l = c
				break
			}
		}
		if l == nil {
			l = &line{y: it.y}
			lines = append(lines, l)
		}
		l.items = append(l.items, it)
	}
	sort.SliceStable(lines, func(i, j int) bool { return lines[i].y > lines[j].y })
	out := make([]string, len(lines))
	for i, l := range lines {
		sort.SliceStable(l.items, func(a, b int) bool { return l.items[a].x < l.items[b].x })
		parts := make([]string, len(l.items))
		for k, it := range l.items {
			parts[k] = it.s
		}
		out[i] = strings.Join(parts, " | ")
	}
	return out
}

// pdfLexer reads PDF tokens and values.
type pdfLexer struct {
	b []byte
	p int
}

func isPDFSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

func isPDFDelim(c byte) bool {
	return strings.IndexByte("()<>[]{}/%", c) >= 0
}

func (l *pdfLexer) skip() {
	for l.p < len(l.b) {
		c := l.b[l.p]
		if isPDFSpace(c) {
			l.p++
		} else if c == '%' {
			for l.p < len(l.b) && l.b[l.p] != '\n' && l.b[l.p] != '\r' {
				l.p++
			}
		} else {
			return
		}
	}
}

// token returns the next bare token (number, keyword or delimiter).
func (l *pdfLexer) token() string {
	l.skip()
	if l.p >= len(l.b) {
		return ""
	}
	start := l.p
	c := l.b[l.p]
	if c == '<' && l.p+1 < len(l.b) && l.b[l.p+1] == '<' {
		l.p += 2
		return "<<"
	}
	if c == '>' && l.p+1 < len(l.b) && l.b[l.p+1] == '>' {
		l.p += 2
		return ">>"
	}
	if isPDFDelim(c) {
		l.p++
		return string(c)
	}
	for l.p < len(l.b) && !isPDFSpace(l.b[l.p]) && !isPDFDelim(l.b[l.p]) {
		l.p++
	}
	return string(l.b[start:l.p])
}

// operand reads the next operand, or the next operator (op != "").
func (l *pdfLexer) operand() (v any, op string, done bool) {
	l.skip()
	if l.p >= len(l.b) {
		return nil, "", true
	}
	c := l.b[l.p]
	if c == '(' || c == '<' || c == '[' || c == '/' || c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9') {
		return l.value(), "", false
	}
	return nil, l.token(), false
}

// value reads one value: number, name, string, array, dictionary or
// reference.
func (l *pdfLexer) value() any {
	l.skip()
	if l.p >= len(l.b) {
		return nil
	}
	switch c := l.b[l.p]; {
	case c == '(':
		return l.literal()
	case c == '<' && l.p+1 < len(l.b) && l.b[l.p+1] != '<':
		l.p++
		var hex []byte
		for l.p < len(l.b) && l.b[l.p] != '>' {
			if !isPDFSpace(l.b[l.p]) {
				hex = append(hex, l.b[l.p])
			}
			l.p++
		}
		l.p++
		if len(hex)%2 == 1 {
			hex = append(hex, '0')
		}
		out := make([]byte, len(hex)/2)
		for i := range out {
			n, _ := strconv.ParseUint(string(hex[2*i:2*i+2]), 16, 8)
			out[i] = byte(n)
		}
		return out
	case c == '/':
		l.p++
		start := l.p
		for l.p < len(l.b) && !isPDFSpace(l.b[l.p]) && !isPDFDelim(l.b[l.p]) {
			l.p++
		}
		return pdfName(l.b[start:l.p])
	}
	t := l.token()
	switch t {
	case "[":
		var arr []any
		for {
			l.skip()
			if l.p < len(l.b) && l.b[l.p] == ']' {
				l.p++
				return arr
			}
			if l.p >= len(l.b) {
				return arr
			}
			arr = append(arr, l.value())
		}
	case "<<":
		d := map[string]any{}
		for {
			l.skip()
			if l.p+1 < len(l.b) && l.b[l.p] == '>' && l.b[l.p+1] == '>' {
				l.p += 2
				return d
			}
			k, ok := l.value().(pdfName)
			if !ok {
				return d
			}
			d[string(k)] = l.value()
		}
	case "true":
		return true
	case "false":
		return false
	case "null":
		return nil
	}
	if n, err := strconv.Atoi(t); err == nil {
		// "n g R" is a reference.
		save := l.p
		if g := l.token(); g != "" {
			if _, err := strconv.Atoi(g); err == nil && l.token() == "R" {
				return pdfRef(n)
			}
		}
		l.p = save
		return n
	}
	if f, err := strconv.ParseFloat(t, 64); err == nil {
		return f
	}
	return pdfName("?" + t)
}

func (l *pdfLexer) literal() []byte {
	l.p++ // (
	var out []byte
	depth := 1
	for l.p < len(l.b) {
		c := l.b[l.p]
		l.p++
		switch c {
		case '\\':
			if l.p >= len(l.b) {
				return out
			}
			e := l.b[l.p]
			l.p++
			switch e {
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case '\r', '\n':
				// line continuation
			default:
				if e >= '0' && e <= '7' {
					n := int(e - '0')
					for k := 0; k < 2 && l.p < len(l.b) && l.b[l.p] >= '0' && l.b[l.p] <= '7'; k++ {
						n = n*8 + int(l.b[l.p]-'0')
						l.p++
					}
					out = append(out, byte(n))
				} else {
					out = append(out, e)
				}
			}
		case '(':
			depth++
			out = append(out, c)
		case ')':
			depth--
			if depth == 0 {
				return out
			}
			out = append(out, c)
		default:
			out = append(out, c)
		}
	}
	return out
}

// PDFLines extracts the lines of every page of a PDF (internal/export
// writes them; tests read them back), each line its strings left to right
// joined by " | ".
func PDFLines(data []byte) ([][]string, error) {
	f, err := openPDF(data)
	if err != nil {
		return nil, err
	}
	pages, err := f.pages()
	if err != nil {
		return nil, err
	}
	out := make([][]string, len(pages))
	for i, items := range pages {
		out[i] = pdfLines(items)
	}
	return out, nil
}

// PDFFont is one font of a PDF as the tests inspect it: its name, the
// TrueType program embedded for it, and its ToUnicode map (code → text).
type PDFFont struct {
	BaseFont  string
	Subtype   string // of the descendant font for a Type0 font
	File      []byte // FontFile2, decoded
	ToUnicode map[int]string
}

// PDFFonts returns the fonts that the pages of a PDF use, each once.
func PDFFonts(data []byte) ([]PDFFont, error) {
	f, err := openPDF(data)
	if err != nil {
		return nil, err
	}
	var out []PDFFont
	f.eachResource("Font", func(_ string, r pdfRef) {
		d := f.dict(r)
		font := PDFFont{ToUnicode: f.toUnicode(r)}
		font.BaseFont = pdfNameText(d["BaseFont"])
		desc := d
		if kids, ok := f.get(d["DescendantFonts"]).([]any); ok && len(kids) > 0 {
			desc = f.dict(kids[0])
		}
		font.Subtype = pdfNameText(desc["Subtype"])
		if s, ok := f.get(f.dict(desc["FontDescriptor"])["FontFile2"]).(*pdfStream); ok {
			font.File = s.data
		}
		out = append(out, font)
	})
	return out, nil
}

// eachResource calls fn once for each object that a page's resources
// name under kind ("Font", "XObject"), with its resource name.
func (f *pdfFile) eachResource(kind string, fn func(name string, r pdfRef)) {
	seen := map[pdfRef]bool{}
	var walk func(node map[string]any)
	walk = func(node map[string]any) {
		if node["Type"] == pdfName("Pages") {
			kids, _ := f.get(node["Kids"]).([]any)
			for _, k := range kids {
				walk(f.dict(k))
			}
			return
		}
		for name, ref := range f.dict(f.dict(node["Resources"])[kind]) {
			if r, ok := ref.(pdfRef); ok && !seen[r] {
				seen[r] = true
				fn(name, r)
			}
		}
	}
	walk(f.dict(f.dict(f.trailer()["Root"])["Pages"]))
}

// pdfNameText is a name's text without the slash, "" for anything else.
func pdfNameText(v any) string {
	n, _ := v.(pdfName)
	return string(n)
}

// PDFImage is an image XObject that a page of a PDF uses.
type PDFImage struct {
	Name          string // its resource name
	Width, Height int
	Data          []byte // decoded samples
}

// PDFImages returns the images the pages of a PDF use, each once.
func PDFImages(data []byte) ([]PDFImage, error) {
	f, err := openPDF(data)
	if err != nil {
		return nil, err
	}
	var out []PDFImage
	f.eachResource("XObject", func(name string, r pdfRef) {
		s, ok := f.get(r).(*pdfStream)
		if !ok || s.dict["Subtype"] != pdfName("Image") {
			return
		}
		w, _ := f.get(s.dict["Width"]).(int)
		h, _ := f.get(s.dict["Height"]).(int)
		out = append(out, PDFImage{Name: name, Width: w, Height: h, Data: s.data})
	})
	return out, nil
}
