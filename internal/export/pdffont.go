package export

import (
	"fmt"
	"strings"
	"unicode/utf16"
)

// docFont is one font as a document uses it. Glyphs get character ids
// (CIDs) in the order they are first drawn, and CID i is glyph i of the
// embedded subset, so pages can be written before the glyph set is known;
// the subset, its widths and its ToUnicode map are written at Close.
type docFont struct {
	src  *sfnt
	res  string   // resource name, e.g. "F1"
	obj  int      // the Type0 font's object number
	cids []uint16 // source glyph id → CID; 0 for none yet
	gids []uint16 // CID → source glyph id; CID 0 is .notdef
	text []string // CID → the text it stands for, for ToUnicode
}

func newDocFont(src *sfnt, res string, obj int) *docFont {
	return &docFont{src: src, res: res, obj: obj, cids: make([]uint16, src.glyphs), gids: []uint16{0}, text: []string{""}}
}

// cid returns the CID for glyph g, noting what text it shows the first
// time it shows any (a glyph is a character's, or a cluster's, however it is
// reached).
func (f *docFont) cid(g placed) uint16 {
	if int(g.gid) >= len(f.cids) || g.gid == 0 {
		return 0
	}
	if c := f.cids[g.gid]; c != 0 {
		if f.text[c] == "" {
			f.text[c] = g.String()
		}
		return c
	}
	c := uint16(len(f.gids))
	f.cids[g.gid] = c
	f.gids = append(f.gids, g.gid)
	f.text = append(f.text, g.String())
	return c
}

// write emits the Type0 font, its CIDFontType2 descendant, the descriptor,
// the subset and the ToUnicode CMap.
func (f *docFont) write(o *objWriter) {
	cidFont, desc, file, toUni := o.reserve(), o.reserve(), o.reserve(), o.reserve()
	data, order := f.src.subset(f.gids)
	// A subset's name starts with six capitals and "+" (ISO 32000-1, 9.6.4);
	// the font's position in the document keeps them unique.
	name := subsetTag(f.res) + "+" + f.src.name
	o.object(f.obj, fmt.Sprintf("<< /Type /Font /Subtype /Type0 /BaseFont /%s /Encoding /Identity-H /DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>",
		name, cidFont, toUni))
	o.object(cidFont, fmt.Sprintf("<< /Type /Font /Subtype /CIDFontType2 /BaseFont /%s /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor %d 0 R /DW 0 /W %s /CIDToGIDMap /Identity >>",
		name, desc, f.widths(order)))
	s := f.src
	scale := func(v int16) int { return int(float64(v) * 1000 / s.upem) }
	o.object(desc, fmt.Sprintf("<< /Type /FontDescriptor /FontName /%s /Flags 4 /FontBBox [%d %d %d %d] /ItalicAngle 0 /Ascent %d /Descent %d /CapHeight %d /StemV 80 /FontFile2 %d 0 R >>",
		name, scale(s.bbox[0]), scale(s.bbox[1]), scale(s.bbox[2]), scale(s.bbox[3]), scale(s.ascent), scale(s.descent), scale(s.capH), file))
	o.stream(file, fmt.Sprintf("/Length1 %d", len(data)), data)
	o.stream(toUni, "", []byte(f.toUnicode()))
}

func subsetTag(res string) string {
	tag := []byte("YARDAA")
	n := 0
	fmt.Sscanf(strings.TrimPrefix(res, "F"), "%d", &n)
	tag[4] += byte(n / 26 % 26)
	tag[5] += byte(n % 26)
	return string(tag)
}

// widths is the /W array: each CID's advance in thousandths of an em.
func (f *docFont) widths(order []uint16) string {
	var b strings.Builder
	b.WriteString("[0 [")
	for i, g := range order {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%d", int(f.src.width(g)+0.5))
	}
	b.WriteString("]]")
	return b.String()
}

// toUnicode is the CMap that maps each CID back to its text, so copying
// and searching the PDF give the characters that were drawn.
func (f *docFont) toUnicode() string {
	var b strings.Builder
	b.WriteString("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n" +
		"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n" +
		"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n" +
		"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n")
	var entries []string
	for c, t := range f.text {
		if t == "" {
			continue
		}
		var hex strings.Builder
		for _, u := range utf16.Encode([]rune(t)) {
			fmt.Fprintf(&hex, "%04X", u)
		}
		entries = append(entries, fmt.Sprintf("<%04X> <%s>", c, hex.String()))
	}
	// At most 100 entries to a block (PostScript's operand stack).
	for len(entries) > 0 {
		n := min(len(entries), 100)
		fmt.Fprintf(&b, "%d beginbfchar\n%s\nendbfchar\n", n, strings.Join(entries[:n], "\n"))
		entries = entries[n:]
	}
	b.WriteString("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n")
	return b.String()
}
