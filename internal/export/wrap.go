package export

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// wrap breaks s into lines no wider than w (mm), keeping at most maxLines;
// if text is left over the last line ends in "…". Explicit newlines start a
// new line. See breakLine for where a line breaks.
func (p *PDFWriter) wrap(s string, w float64, maxLines int, bold bool, size float64) []string {
	s = strings.TrimRight(s, "\n") // a final newline is not a line to cut
	if s == "" {
		return nil
	}
	limit := w / (size / 1000 * mmPerPt) // w in thousandths of the font size
	var lines []string
	cut := false
	for para := range strings.SplitSeq(s, "\n") {
		if len(lines) == maxLines {
			cut = true
			break
		}
		for {
			line, rest := p.breakLine(para, limit, bold)
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
		ell := p.ts.runeWidth('…', bold)
		for last != "" && p.units(last, bold)+ell > limit {
			_, n := utf8.DecodeLastRuneInString(last)
			last = last[:len(last)-n]
		}
		lines[len(lines)-1] = strings.TrimRight(last, " ") + "…"
	}
	return lines
}

// breakLine returns the first line of s that fits limit (thousandths of the
// font size) and the rest, without the spaces at the break. It breaks at a
// space; only a word that alone is wider than the line is broken inside,
// after the last "@", ".", "-", "_" or "/" that fits (an email breaks as
// "admin@demo." / "yardstick.test"), else between two characters that are
// not one grapheme (never before a combining mark or after a joiner).
func (p *PDFWriter) breakLine(s string, limit float64, bold bool) (string, string) {
	width := 0.0
	space := -1 // byte index of the last space seen
	punct := -1 // byte index just after the last break point inside a word
	grapheme := -1
	prev := rune(-1)
	for i, r := range s {
		if r == ' ' {
			space = i
		} else if prev != -1 && prev != ' ' && boundary(prev, r) {
			grapheme = i
		}
		width += p.ts.runeWidth(r, bold)
		if width > limit && i > 0 && r != ' ' {
			switch {
			case space > 0:
				return strings.TrimRight(s[:space], " "), strings.TrimLeft(s[space:], " ")
			case punct > 0:
				return s[:punct], s[punct:]
			case grapheme > 0:
				return s[:grapheme], s[grapheme:]
			}
			// One grapheme wider than the line: it goes on a line of its own.
			_, n := utf8.DecodeRuneInString(s[i:])
			return s[:i+n], s[i+n:]
		}
		switch r {
		case '@', '.', '-', '_', '/':
			if i+1 < len(s) {
				punct = i + 1
			}
		}
		prev = r
	}
	return strings.TrimRight(s, " "), ""
}

// boundary reports whether a line may break between a and b inside a word:
// not before a mark, joiner, variation selector or skin tone, not after a
// joiner or a virama (Devanagari conjuncts).
func boundary(a, b rune) bool {
	if b < 0x300 && a < 0x300 {
		return true // Latin without combining marks: the common case
	}
	if unicode.In(b, unicode.Mn, unicode.Me, unicode.Mc) || invisible(b) || b >= 0x1F3FB && b <= 0x1F3FF {
		return false
	}
	return a != 0x200D && a != 0x094D
}

// units is the width of s in thousandths of the font size, as wrapping
// measures it: the sum of each character's advance.
func (p *PDFWriter) units(s string, bold bool) float64 {
	w := 0.0
	for _, r := range s {
		w += p.ts.runeWidth(r, bold)
	}
	return w
}
