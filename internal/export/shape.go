package export

import (
	"unicode"

	"github.com/go-text/typesetting/bidi"
	"github.com/go-text/typesetting/di"
	"github.com/go-text/typesetting/font"
	"github.com/go-text/typesetting/language"
	"github.com/go-text/typesetting/shaping"
	"golang.org/x/image/math/fixed"
)

// placed is one glyph as drawn: its advance and offset in thousandths of
// the font size, and the text it stands for (text, or else the one
// character r, kept as a rune so the common case allocates nothing).
type placed struct {
	gid    uint16
	r      rune
	text   string
	adv    float64
	dx, dy float64
}

// String is the text the glyph stands for.
func (g placed) String() string {
	if g.text != "" || g.r == 0 {
		return g.text
	}
	return string(g.r)
}

// glyphRun is text in one font, in drawing (left to right) order.
type glyphRun struct {
	font   *sfnt
	bold   bool // bold drawn with a fallback font, which has no bold cut
	glyphs []placed
	// actual is the run's text in reading order when the drawing order
	// differs (right to left, or a script whose glyphs reorder), so that
	// copying the text gives what was typed (ISO 32000-1, 14.9.4).
	actual string
}

// resolved is which font of the chain draws a rune.
type resolved struct {
	font  *sfnt // nil for a character that draws nothing (ZWJ, VS16, …)
	gid   uint16
	width float64
	// missing: no font has the character and "�" stands in; the text layer
	// says "�" too, as one glyph can map back to only one text.
	missing bool
}

// typesetter turns lines of text into glyph runs: bidi reordering, font
// fallback per character, and shaping (HarfBuzz, pure Go) for the scripts
// that need it. One per writer: faces and the shaper are not safe for
// concurrent use.
type typesetter struct {
	set    *fontSet
	cache  [2]map[rune]resolved
	low    [2][]resolved // the cache for runes below lowRunes, by index
	faces  map[*sfnt]*font.Face
	shaper shaping.HarfbuzzShaper
	para   bidi.Paragraph
	runes  []rune
	// The last layout's runs and glyphs, reused by the next: a layout is
	// drawn before the next one is made.
	runs   []glyphRun
	glyphs []placed
	spans  [][2]int
}

// lowRunes covers Latin, Greek, Cyrillic, Hebrew and Arabic, looked up by
// index rather than in a map.
const lowRunes = 0x800

func newTypesetter(set *fontSet) *typesetter {
	return &typesetter{set: set, cache: [2]map[rune]resolved{{}, {}}, faces: map[*sfnt]*font.Face{},
		low: [2][]resolved{make([]resolved, lowRunes), make([]resolved, lowRunes)}}
}

// resolve finds the first font of the chain with a glyph for r; a character
// no font has is drawn as U+FFFD, "�".
func (t *typesetter) resolve(r rune, bold bool) resolved {
	i, chain := 0, t.set.regular
	if bold {
		i, chain = 1, t.set.bold
	}
	if r >= 0 && r < lowRunes {
		if res := t.low[i][r]; res.font != nil {
			return res
		} else if res.width < 0 {
			return resolved{} // looked up before: draws nothing
		}
	} else if res, ok := t.cache[i][r]; ok {
		return res
	}
	var res resolved
	if !invisible(r) {
		res = resolved{font: chain[0], missing: true}
		res.gid, _ = chain[0].glyph(unicode.ReplacementChar)
		for _, f := range chain {
			if g, ok := f.glyph(r); ok {
				res = resolved{font: f, gid: g}
				break
			}
		}
		res.width = res.font.width(res.gid)
	} else {
		res.width = -1 // looked up; draws nothing
	}
	if r >= 0 && r < lowRunes {
		t.low[i][r] = res
	} else {
		t.cache[i][r] = res
	}
	if res.font == nil {
		res.width = 0
	}
	return res
}

// invisible characters join or select glyphs and have no glyph of their own
// when not shaped: zero-width joiners and spaces, variation selectors.
func invisible(r rune) bool {
	return r >= 0x200B && r <= 0x200D || r == 0x2060 || r == 0xFEFF || r >= 0xFE00 && r <= 0xFE0F || r >= 0xE0100 && r <= 0xE01EF
}

// runeWidth is r's advance in thousandths of the font size, for wrapping.
func (t *typesetter) runeWidth(r rune, bold bool) float64 {
	return max(t.resolve(r, bold).width, 0)
}

// rtl reports whether r belongs to a right-to-left script.
func rtl(r rune) bool {
	return r >= 0x0590 && r <= 0x08FF || r >= 0xFB1D && r <= 0xFDFF || r >= 0xFE70 && r <= 0xFEFF ||
		r >= 0x10800 && r <= 0x10FFF || r >= 0x1E800 && r <= 0x1EFFF
}

// complexScript reports whether r needs shaping: joining, reordering or
// mark placement (Hebrew to Mongolian, the Indic extensions, presentation
// forms).
func complexScript(r rune) bool {
	return r >= 0x0590 && r <= 0x1CFF || r >= 0xA8E0 && r <= 0xA8FF || r >= 0xFB1D && r <= 0xFEFF || rtl(r)
}

// layout returns line's glyph runs in drawing order and its width in
// thousandths of the font size. The runs are valid until the next layout.
func (t *typesetter) layout(line string, bold bool) ([]glyphRun, float64) {
	t.runes = t.runes[:0]
	hasRTL := false
	for _, r := range line {
		t.runes = append(t.runes, r)
		hasRTL = hasRTL || rtl(r)
	}
	text := t.runes
	t.runs, t.glyphs, t.spans = t.runs[:0], t.glyphs[:0], t.spans[:0]
	if !hasRTL {
		t.fontRuns(text, 0, len(text), false, bold)
	} else {
		for _, r := range t.visualRuns(text) {
			t.fontRuns(text, r.Start, r.End, !r.IsLeftToRight(), bold)
		}
	}
	// The glyphs were appended to one slice; the runs take their parts now
	// that it no longer moves.
	for i, sp := range t.spans {
		t.runs[i].glyphs = t.glyphs[sp[0]:sp[1]]
	}
	w := 0.0
	for _, g := range t.glyphs {
		w += g.adv
	}
	return t.runs, w
}

// visualRuns splits text into runs of one direction (Unicode Bidirectional
// Algorithm) in the order they are drawn. The paragraph's direction is that
// of its first strong character, so an Arabic or Hebrew name reads from the
// right even with Latin text after it.
func (t *typesetter) visualRuns(text []rune) []bidi.Run {
	dir := bidi.LeftToRight
	for _, r := range text {
		if rtl(r) && unicode.IsLetter(r) {
			dir = bidi.RightToLeft
			break
		}
		if unicode.IsLetter(r) {
			break
		}
	}
	segs := t.para.Segment(text, dir)
	runs := make([]bidi.Run, segs.NumRuns())
	maxLevel, minOdd := bidi.Level(0), bidi.Level(127)
	for i := range runs {
		runs[i] = segs.Run(i)
		maxLevel = max(maxLevel, runs[i].Level)
		if runs[i].Level%2 == 1 {
			minOdd = min(minOdd, runs[i].Level)
		}
	}
	// Rule L2: from the highest level down to the lowest odd one, reverse
	// every sequence of runs at that level or higher.
	for lvl := maxLevel; lvl >= minOdd && lvl > 0; lvl-- {
		for i := 0; i < len(runs); {
			if runs[i].Level < lvl {
				i++
				continue
			}
			j := i
			for j < len(runs) && runs[j].Level >= lvl {
				j++
			}
			for a, b := i, j-1; a < b; a, b = a+1, b-1 {
				runs[a], runs[b] = runs[b], runs[a]
			}
			i = j
		}
	}
	return runs
}

// fontRuns appends the glyph runs of text[start:end], one per font, in
// drawing order.
func (t *typesetter) fontRuns(text []rune, start, end int, rightToLeft, bold bool) {
	first := len(t.runs)
	for i := start; i < end; {
		r := text[i]
		f := t.resolve(r, bold).font
		if f == nil {
			i++
			continue // an invisible character leading the text draws nothing
		}
		j := i + 1
		for ; j < end; j++ {
			g := t.resolve(text[j], bold).font
			// A mark or joiner stays with the character it belongs to, in that
			// character's font if it has the mark.
			if g != f && (g == nil || unicode.In(text[j], unicode.Mn, unicode.Me, unicode.Mc) && hasGlyph(f, text[j])) {
				g = f
			}
			if g != f {
				break
			}
		}
		t.runs = append(t.runs, glyphRun{font: f, bold: bold && f != t.chain(bold)[0]})
		t.spans = append(t.spans, [2]int{i, j}) // the text for now; glyphs below
		i = j
	}
	if rightToLeft {
		for a, b := first, len(t.runs)-1; a < b; a, b = a+1, b-1 {
			t.runs[a], t.runs[b] = t.runs[b], t.runs[a]
			t.spans[a], t.spans[b] = t.spans[b], t.spans[a]
		}
	}
	for k := first; k < len(t.runs); k++ {
		run := &t.runs[k]
		from, to := t.spans[k][0], t.spans[k][1]
		at := len(t.glyphs)
		shape := rightToLeft
		for _, r := range text[from:to] {
			shape = shape || complexScript(r)
		}
		if shape {
			t.glyphs = t.shape(t.glyphs, text, from, to, run.font, rightToLeft)
			run.actual = string(text[from:to])
		} else {
			for _, r := range text[from:to] {
				res := t.resolve(r, bold)
				if res.font != run.font { // a joiner kept in this run
					continue
				}
				if res.missing {
					r = unicode.ReplacementChar
				}
				t.glyphs = append(t.glyphs, placed{gid: res.gid, r: r, adv: res.width})
			}
		}
		t.spans[k] = [2]int{at, len(t.glyphs)}
	}
}

func (t *typesetter) chain(bold bool) []*sfnt {
	if bold {
		return t.set.bold
	}
	return t.set.regular
}

func hasGlyph(f *sfnt, r rune) bool {
	if f == nil {
		return false
	}
	_, ok := f.glyph(r)
	return ok
}

// shape runs HarfBuzz over text[start:end] (the rest of the line is
// context, so Arabic letters join across a font change).
func (t *typesetter) shape(out []placed, text []rune, start, end int, f *sfnt, rightToLeft bool) []placed {
	face := t.faces[f]
	if face == nil {
		ft, err := f.shaper()
		if err != nil { // the embedded fonts parse; a test would have failed
			panic(err)
		}
		face = font.NewFace(ft)
		t.faces[f] = face
	}
	in := shaping.Input{
		Text: text, RunStart: start, RunEnd: end,
		Direction: di.DirectionLTR, Face: face,
		Size:   fixed.I(1000),
		Script: language.Common,
	}
	if rightToLeft {
		in.Direction = di.DirectionRTL
	}
	for _, r := range text[start:end] {
		if s := language.LookupScript(r); s != language.Common && s != language.Inherited {
			in.Script = s
			break
		}
	}
	res := t.shaper.Shape(in)
	at := len(out)
	for _, g := range res.Glyphs {
		out = append(out, placed{
			gid: uint16(g.GlyphID),
			adv: float64(g.Advance) / 64,
			dx:  float64(g.XOffset) / 64, dy: float64(g.YOffset) / 64,
		})
	}
	assignText(out[at:], res.Glyphs, text[:end], f)
	return out
}

// assignText notes which text each glyph stands for: a glyph that is a
// character's own glyph stands for it, and the first glyph of a cluster
// takes what its other glyphs do not (a ligature, a conjunct, a joined form).
func assignText(out []placed, glyphs []shaping.Glyph, text []rune, f *sfnt) {
	for i := 0; i < len(glyphs); {
		c := glyphs[i]
		j := i + max(c.GlyphsCount(), 1)
		j = min(j, len(glyphs))
		cluster := text[c.TextIndex():min(c.TextIndex()+c.RunesCount(), len(text))]
		claimed := make([]bool, len(cluster))
		first := -1
		for k := i; k < j; k++ {
			for n, r := range cluster {
				if g, ok := f.glyph(r); ok && !claimed[n] && g == out[k].gid {
					claimed[n], out[k].text = true, string(r)
					break
				}
			}
			if out[k].text == "" && first < 0 {
				first = k
			}
		}
		if first < 0 {
			first = i
		}
		var rest []rune
		for n, r := range cluster {
			if !claimed[n] {
				rest = append(rest, r)
			}
		}
		out[first].text += string(rest)
		i = j
	}
}
