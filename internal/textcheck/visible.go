package textcheck

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// IsBidiControl reports the characters that change the order in which
// text around them is displayed: the embeddings and overrides (U+202A–
// U+202E), the isolates (U+2066–U+2069) and the marks (U+200E, U+200F,
// U+061C). With them "txt.exe" can read "exe.txt", and a name can run
// into the column next to it.
func IsBidiControl(r rune) bool {
	switch {
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	case r == 0x200e, r == 0x200f, r == 0x061c:
		return true
	}
	return false
}

// isBidiOverride is IsBidiControl without the marks: the characters that
// reorder text up to their end. A one-line field refuses them (Line); the
// marks have honest uses in right-to-left names and are only shown
// visibly where text is audited.
func isBidiOverride(r rune) bool {
	return r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069
}

// Visible returns s with every character that could forge or hide text
// written as a visible escape, for places where a person must be able to
// trust what they read: the activity log and its exports. Line breaks
// (LF, CR, NEL, U+2028, U+2029), ESC and every other control character
// become `\n`, `\r`, `\t` or `\uXXXX`; the bidi controls become `\uXXXX`
// too (U+202E reads `\u202E`); bytes that are not UTF-8 become U+FFFD.
// Everything else, other scripts included, is left as it is. The result
// is one line.
func Visible(s string) string { return visible(s, false) }

// VisibleLines is Visible for text that may span lines: tab, LF and CR
// stay, everything else Visible escapes is escaped.
func VisibleLines(s string) string { return visible(s, true) }

func visible(s string, lines bool) string {
	// Fast path: most text needs nothing.
	i := 0
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if escapeASCII(c, lines) {
				break
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if escapeRune(r, size) {
			break
		}
		i += size
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r < utf8.RuneSelf && !escapeASCII(byte(r), lines):
			b.WriteByte(byte(r))
		case r == utf8.RuneError && size == 1:
			b.WriteRune(utf8.RuneError)
		case r < utf8.RuneSelf || escapeRune(r, size):
			b.WriteString(escape(r))
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func escapeASCII(c byte, lines bool) bool {
	if c == 0x7f {
		return true
	}
	if c >= 0x20 {
		return false
	}
	return !lines || (c != '\t' && c != '\n' && c != '\r')
}

func escapeRune(r rune, size int) bool {
	switch {
	case r == utf8.RuneError && size == 1:
		return true // invalid UTF-8
	case r >= 0x80 && r <= 0x9f: // C1 controls, NEL among them
		return true
	case r == 0x2028 || r == 0x2029: // line and paragraph separators
		return true
	case r == 0xfffe || r == 0xffff:
		return true
	}
	return IsBidiControl(r)
}

func escape(r rune) string {
	switch r {
	case '\n':
		return `\n`
	case '\r':
		return `\r`
	case '\t':
		return `\t`
	}
	return fmt.Sprintf(`\u%04X`, r)
}
