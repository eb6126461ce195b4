package export

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"sync"

	"github.com/go-text/typesetting/font"
)

// The PDF's fonts, in fallback order: a character is drawn with the first
// font of the chain that has a glyph for it. Each licence allows embedding
// and redistribution (fonts/LICENSE*; fonts/subset-fonts.sh remakes the two
// subsets). All are glyf-based TrueType, which a PDF embeds as it is
// (CIDFontType2); a document carries subsets of only the glyphs it uses.
//
//   - DejaVu Sans Condensed (regular and bold): Latin, Greek, Cyrillic,
//     Hebrew, Arabic (with joining forms), many symbols. The condensed cut
//     fits more text into a table column.
//   - Noto Sans Devanagari Condensed: Hindi, Marathi, Nepali, …
//   - Droid Sans Fallback: Chinese and Japanese (4 MiB, a tenth of a Noto
//     CJK collection, which is also CFF and so not embeddable as TrueType).
//   - Yardstick Hangul: the Hangul blocks of NanumGothic (Droid has none).
//   - Yardstick Emoji: the emoji and pictograph blocks of Symbola, drawn in
//     outline: colour emoji fonts (bitmaps, or COLR layers) do not print
//     in a PDF text run.
//
// With the shaper they grow the binary by about 8 MiB (README, Performance).

//go:embed fonts/DejaVuSansCondensed.ttf
var fontRegular []byte

//go:embed fonts/DejaVuSansCondensed-Bold.ttf
var fontBold []byte

//go:embed fonts/NotoSansDevanagari-Condensed.ttf
var fontDevanagari []byte

//go:embed fonts/DroidSansFallbackFull.ttf
var fontCJK []byte

//go:embed fonts/YardstickHangul.ttf
var fontHangul []byte

//go:embed fonts/YardstickEmoji.ttf
var fontEmoji []byte

// sfnt is one embedded font, parsed once and shared read-only by every
// export: its character map, advances, and the raw tables a subset needs.
type sfnt struct {
	name     string // PostScript name, for the PDF's BaseFont
	data     []byte
	cmap     []byte // the Unicode subtable of the character map
	upem     float64
	advance  []uint16 // per glyph id, in font units
	ascent   int16
	descent  int16
	capH     int16
	bbox     [4]int16
	tables   map[string][]byte // glyf, loca, head, hhea, maxp, cvt , fpgm, prep
	longLoca bool
	glyphs   int
	// shaping is the font parsed for HarfBuzz, on the first text that needs
	// shaping: the parse holds the whole font in memory (17 MiB for Droid
	// Sans Fallback), which text without such scripts need not pay.
	shaping struct {
		once sync.Once
		font *font.Font
		err  error
	}
}

// fontSet is the parsed chain; regular[0] and bold[0] differ, the
// fallbacks are shared (bold fallback text is drawn with a stroke).
type fontSet struct {
	regular, bold []*sfnt
}

var fonts struct {
	once sync.Once
	set  fontSet
	err  error
}

// loadFonts parses the embedded fonts on first use, so that a process that
// never makes a PDF does not pay for it.
func loadFonts() (*fontSet, error) {
	fonts.once.Do(func() {
		var all []*sfnt
		for _, f := range []struct {
			name string
			data []byte
		}{
			{"DejaVuSansCondensed", fontRegular},
			{"DejaVuSansCondensed-Bold", fontBold},
			{"NotoSansDevanagari-Condensed", fontDevanagari},
			{"DroidSansFallbackFull", fontCJK},
			{"YardstickHangul", fontHangul},
			{"YardstickEmoji", fontEmoji},
		} {
			s, err := parseSfnt(f.name, f.data)
			if err != nil {
				fonts.err = fmt.Errorf("export: font %s: %w", f.name, err)
				return
			}
			all = append(all, s)
		}
		fonts.set = fontSet{
			regular: []*sfnt{all[0], all[2], all[3], all[4], all[5]},
			bold:    []*sfnt{all[1], all[2], all[3], all[4], all[5]},
		}
	})
	return &fonts.set, fonts.err
}

func parseSfnt(name string, data []byte) (*sfnt, error) {
	s := &sfnt{name: name, data: data, tables: map[string][]byte{}}
	if err := s.readTables(data); err != nil {
		return nil, err
	}
	if s.cmap == nil {
		return nil, errors.New("no Unicode character map")
	}
	return s, nil
}

// shaper returns the font as HarfBuzz needs it, parsed on first use.
func (s *sfnt) shaper() (*font.Font, error) {
	s.shaping.once.Do(func() {
		face, err := font.ParseTTF(bytes.NewReader(s.data))
		if err != nil {
			s.shaping.err = fmt.Errorf("export: font %s: %w", s.name, err)
			return
		}
		s.shaping.font = face.Font
	})
	return s.shaping.font, s.shaping.err
}

// glyph returns the font's glyph for r, if it has one.
func (s *sfnt) glyph(r rune) (uint16, bool) {
	g := cmapLookup(s.cmap, r)
	return g, g != 0
}

// width is glyph g's advance in thousandths of the font size, the unit of
// a PDF's widths and text positions.
func (s *sfnt) width(g uint16) float64 {
	if int(g) >= len(s.advance) {
		return 0
	}
	return float64(s.advance[g]) * 1000 / s.upem
}
