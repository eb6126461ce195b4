package export

import (
	"encoding/binary"
	"errors"
	"sort"
)

// The TrueType tables a PDF needs to draw a CIDFontType2 (ISO 32000-1,
// 9.9): the outlines and what locates and measures them, plus the hinting
// programs when the font has them. cmap is not needed: the PDF names glyphs
// by id.
var subsetTables = []string{"cvt ", "fpgm", "glyf", "head", "hhea", "hmtx", "loca", "maxp", "prep"}

var errBadFont = errors.New("malformed TrueType font")

// readTables keeps the raw tables a subset is made of and reads the
// metrics: advances, ascent and descent, bounding box.
func (s *sfnt) readTables(data []byte) error {
	if len(data) < 12 {
		return errBadFont
	}
	n := int(binary.BigEndian.Uint16(data[4:]))
	all := map[string][]byte{}
	for i := range n {
		rec := 12 + 16*i
		if rec+16 > len(data) {
			return errBadFont
		}
		tag := string(data[rec : rec+4])
		off, length := binary.BigEndian.Uint32(data[rec+8:]), binary.BigEndian.Uint32(data[rec+12:])
		if uint64(off)+uint64(length) > uint64(len(data)) {
			return errBadFont
		}
		all[tag] = data[off : off+length]
	}
	for _, tag := range subsetTables {
		if t, ok := all[tag]; ok {
			s.tables[tag] = t
		}
	}
	s.cmap = unicodeCmap(all["cmap"]) // none in a subset: a PDF names glyphs by id
	head, hhea, maxp, hmtx := all["head"], all["hhea"], all["maxp"], all["hmtx"]
	if len(head) < 54 || len(hhea) < 36 || len(maxp) < 6 || all["glyf"] == nil || all["loca"] == nil {
		return errBadFont
	}
	be := binary.BigEndian
	s.upem = float64(be.Uint16(head[18:]))
	s.longLoca = be.Uint16(head[50:]) == 1
	for i := range 4 {
		s.bbox[i] = int16(be.Uint16(head[36+2*i:]))
	}
	s.ascent, s.descent = int16(be.Uint16(hhea[4:])), int16(be.Uint16(hhea[6:]))
	s.capH = s.ascent
	if os2 := all["OS/2"]; len(os2) >= 90 && be.Uint16(os2) >= 2 {
		s.capH = int16(be.Uint16(os2[88:]))
	}
	s.glyphs = int(be.Uint16(maxp[4:]))
	numH := int(be.Uint16(hhea[34:]))
	if numH == 0 || len(hmtx) < 4*numH {
		return errBadFont
	}
	s.advance = make([]uint16, s.glyphs)
	for g := range s.advance {
		s.advance[g] = be.Uint16(hmtx[4*min(g, numH-1):])
	}
	return nil
}

// unicodeCmap picks the character map's Unicode subtable: format 12 (all
// planes, for emoji) when there is one, else format 4 (the BMP).
func unicodeCmap(cmap []byte) []byte {
	if len(cmap) < 4 {
		return nil
	}
	be := binary.BigEndian
	var bmp, full []byte
	for i := range int(be.Uint16(cmap[2:])) {
		rec := 4 + 8*i
		if rec+8 > len(cmap) {
			break
		}
		platform, encoding, off := be.Uint16(cmap[rec:]), be.Uint16(cmap[rec+2:]), be.Uint32(cmap[rec+4:])
		if off+4 > uint32(len(cmap)) || platform != 0 && !(platform == 3 && (encoding == 1 || encoding == 10)) {
			continue
		}
		sub := cmap[off:]
		switch be.Uint16(sub) {
		case 4:
			bmp = sub
		case 12:
			full = sub
		}
	}
	if full != nil {
		return full
	}
	return bmp
}

// cmapLookup is r's glyph in a format 4 or 12 subtable, 0 if none.
func cmapLookup(sub []byte, r rune) uint16 {
	be := binary.BigEndian
	if r < 0 || len(sub) < 16 {
		return 0
	}
	if be.Uint16(sub) == 12 {
		n := int(be.Uint32(sub[12:]))
		if 16+12*n > len(sub) {
			return 0
		}
		c := uint32(r)
		i := sort.Search(n, func(i int) bool { return be.Uint32(sub[16+12*i+4:]) >= c })
		if i == n || be.Uint32(sub[16+12*i:]) > c {
			return 0
		}
		return uint16(be.Uint32(sub[16+12*i+8:]) + c - be.Uint32(sub[16+12*i:]))
	}
	if r > 0xFFFF {
		return 0
	}
	c := uint16(r)
	segs := int(be.Uint16(sub[6:])) / 2
	ends, starts := 14, 16+2*segs
	deltas, ranges := starts+2*segs, starts+4*segs
	if ranges+2*segs > len(sub) {
		return 0
	}
	i := sort.Search(segs, func(i int) bool { return be.Uint16(sub[ends+2*i:]) >= c })
	if i == segs || be.Uint16(sub[starts+2*i:]) > c {
		return 0
	}
	delta, ro := be.Uint16(sub[deltas+2*i:]), int(be.Uint16(sub[ranges+2*i:]))
	if ro == 0 {
		return c + delta
	}
	at := ranges + 2*i + ro + 2*int(c-be.Uint16(sub[starts+2*i:]))
	if at+2 > len(sub) {
		return 0
	}
	if g := be.Uint16(sub[at:]); g != 0 {
		return g + delta
	}
	return 0
}

// glyphData is glyph g's outline in the glyf table (empty for a space).
func (s *sfnt) glyphData(g uint16) []byte {
	loca, glyf := s.tables["loca"], s.tables["glyf"]
	var from, to int
	if s.longLoca {
		if 4*int(g)+8 > len(loca) {
			return nil
		}
		from, to = int(binary.BigEndian.Uint32(loca[4*int(g):])), int(binary.BigEndian.Uint32(loca[4*int(g)+4:]))
	} else {
		if 2*int(g)+4 > len(loca) {
			return nil
		}
		from, to = 2*int(binary.BigEndian.Uint16(loca[2*int(g):])), 2*int(binary.BigEndian.Uint16(loca[2*int(g)+2:]))
	}
	if from >= to || to > len(glyf) {
		return nil
	}
	return glyf[from:to]
}

// lsb is glyph g's left side bearing from hmtx.
func (s *sfnt) lsb(g uint16) uint16 {
	hmtx := s.tables["hmtx"]
	numH := int(binary.BigEndian.Uint16(s.tables["hhea"][34:]))
	i := 4*int(g) + 2
	if int(g) >= numH {
		i = 4*numH + 2*(int(g)-numH)
	}
	if i+2 > len(hmtx) {
		return 0
	}
	return binary.BigEndian.Uint16(hmtx[i:])
}

// Flags of a composite glyph's component (OpenType glyf table).
const (
	argWords      = 0x0001
	haveScale     = 0x0008
	moreComps     = 0x0020
	haveXYScale   = 0x0040
	haveTwoByTwo  = 0x0080
	compositeMark = -1 // numberOfContours of a composite glyph
)

// components calls fn with the offset of each component's glyph id in a
// composite glyph's data; a simple glyph has none.
func components(data []byte, fn func(at int)) {
	if len(data) < 10 || int16(binary.BigEndian.Uint16(data)) != compositeMark {
		return
	}
	p := 10
	for p+4 <= len(data) {
		flags := binary.BigEndian.Uint16(data[p:])
		fn(p + 2)
		p += 4
		if flags&argWords != 0 {
			p += 4
		} else {
			p += 2
		}
		switch {
		case flags&haveScale != 0:
			p += 2
		case flags&haveXYScale != 0:
			p += 4
		case flags&haveTwoByTwo != 0:
			p += 8
		}
		if flags&moreComps == 0 {
			return
		}
	}
}

// subset makes a TrueType font of the given glyphs, glyph i of the subset
// being gids[i]. Components of composite glyphs are appended after them;
// the returned list is the subset's full glyph order.
func (s *sfnt) subset(gids []uint16) ([]byte, []uint16) {
	order := append([]uint16(nil), gids...)
	newID := make(map[uint16]uint16, len(order))
	for i, g := range order {
		newID[g] = uint16(i)
	}
	for i := 0; i < len(order); i++ {
		data := s.glyphData(order[i])
		components(data, func(at int) {
			c := binary.BigEndian.Uint16(data[at:])
			if _, ok := newID[c]; !ok {
				newID[c] = uint16(len(order))
				order = append(order, c)
			}
		})
	}

	be := binary.BigEndian
	var glyf []byte
	loca := make([]byte, 4*(len(order)+1))
	hmtx := make([]byte, 4*len(order))
	for i, g := range order {
		be.PutUint32(loca[4*i:], uint32(len(glyf)))
		start := len(glyf)
		glyf = append(glyf, s.glyphData(g)...)
		components(glyf[start:], func(at int) {
			at += start
			be.PutUint16(glyf[at:], newID[be.Uint16(glyf[at:])])
		})
		for len(glyf)%4 != 0 {
			glyf = append(glyf, 0)
		}
		be.PutUint16(hmtx[4*i:], s.advance[g])
		be.PutUint16(hmtx[4*i+2:], s.lsb(g))
	}
	be.PutUint32(loca[4*len(order):], uint32(len(glyf)))

	head := append([]byte(nil), s.tables["head"]...)
	be.PutUint32(head[8:], 0) // checkSumAdjustment, set below
	be.PutUint16(head[50:], 1)
	hhea := append([]byte(nil), s.tables["hhea"]...)
	be.PutUint16(hhea[34:], uint16(len(order)))
	maxp := append([]byte(nil), s.tables["maxp"]...)
	be.PutUint16(maxp[4:], uint16(len(order)))

	tables := map[string][]byte{"glyf": glyf, "loca": loca, "hmtx": hmtx, "head": head, "hhea": hhea, "maxp": maxp}
	for _, tag := range []string{"cvt ", "fpgm", "prep"} {
		if t, ok := s.tables[tag]; ok {
			tables[tag] = t
		}
	}
	out := sfntFile(tables)
	// The whole file sums to 0xB1B0AFBA once head says so (OpenType, head).
	headAt := int(be.Uint32(out[12+16*indexOf(sortedTags(tables), "head")+8:]))
	be.PutUint32(out[headAt+8:], 0xB1B0AFBA-checksum(out))
	return out, order
}

func sortedTags(tables map[string][]byte) []string {
	tags := make([]string, 0, len(tables))
	for t := range tables {
		tags = append(tags, t)
	}
	sort.Strings(tags)
	return tags
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}

// sfntFile lays out a TrueType file: the table directory, then each table
// padded to four bytes.
func sfntFile(tables map[string][]byte) []byte {
	be := binary.BigEndian
	tags := sortedTags(tables)
	n := len(tags)
	pow := 1
	log := 0
	for pow*2 <= n {
		pow *= 2
		log++
	}
	out := make([]byte, 12+16*n)
	be.PutUint32(out, 0x00010000)
	be.PutUint16(out[4:], uint16(n))
	be.PutUint16(out[6:], uint16(16*pow))
	be.PutUint16(out[8:], uint16(log))
	be.PutUint16(out[10:], uint16(16*(n-pow)))
	for i, tag := range tags {
		t := tables[tag]
		rec := out[12+16*i:]
		copy(rec, tag)
		be.PutUint32(rec[4:], checksum(t))
		be.PutUint32(rec[8:], uint32(len(out)))
		be.PutUint32(rec[12:], uint32(len(t)))
		out = append(out, t...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
	}
	return out
}

func checksum(b []byte) uint32 {
	var sum uint32
	for i := 0; i < len(b); i += 4 {
		var w [4]byte
		copy(w[:], b[i:])
		sum += binary.BigEndian.Uint32(w[:])
	}
	return sum
}
