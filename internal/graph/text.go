package graph

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// svgWriter accumulates the document. Everything that writes user text goes
// through esc, and every coordinate through num, so the two rules of the
// package (escaping, deterministic numbers) hold in one place each.
type svgWriter struct {
	bytes.Buffer
}

// printf writes a formatted fragment. Callers pass text through esc and
// coordinates through num before it.
func (w *svgWriter) printf(format string, args ...any) {
	fmt.Fprintf(&w.Buffer, format, args...)
}

// esc escapes s for XML text or a quoted attribute value. xml.EscapeText
// also replaces bytes that are not valid XML characters (NUL, invalid
// UTF-8) with U+FFFD, which keeps hostile input from breaking the document.
func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s)) // a strings.Builder never fails
	return b.String()
}

// num formats a coordinate with one decimal, never as "-0.0".
func num(v float64) string {
	s := strconv.FormatFloat(v, 'f', 1, 64)
	if s == "-0.0" {
		return "0.0"
	}
	return s
}

// textWidth estimates the rendered width of s at the given font size. SVG
// cannot measure text on the server, so this errs wide: about 0.6em for
// Latin letters and digits, a full em for East Asian wide characters.
func textWidth(s string, size float64) float64 {
	var w float64
	for _, r := range s {
		if wide(r) {
			w += 1.0
		} else {
			w += 0.6
		}
	}
	return w * size
}

// wide reports whether r is usually drawn a full em wide: CJK, Hangul,
// kana, full-width forms and emoji.
func wide(r rune) bool {
	switch {
	case r >= 0x1100 && r <= 0x115F, // Hangul Jamo
		r >= 0x2E80 && r <= 0xA4CF, // CJK radicals … Yi
		r >= 0xAC00 && r <= 0xD7A3, // Hangul syllables
		r >= 0xF900 && r <= 0xFAFF, // CJK compatibility ideographs
		r >= 0xFE30 && r <= 0xFE4F, // CJK compatibility forms
		r >= 0xFF00 && r <= 0xFF60, // full-width forms
		r >= 0xFFE0 && r <= 0xFFE6,
		r >= 0x1F300 && r <= 0x1FAFF, // emoji
		r >= 0x20000 && r <= 0x3FFFD: // CJK extensions
		return true
	}
	return false
}

// fit shortens s with an ellipsis so it fits in maxWidth at size.
func fit(s string, size, maxWidth float64) string {
	if textWidth(s, size) <= maxWidth {
		return s
	}
	ell := textWidth("…", size)
	var b strings.Builder
	var w float64
	for _, r := range s {
		rw := textWidth(string(r), size)
		if w+rw+ell > maxWidth {
			break
		}
		b.WriteRune(r)
		w += rw
	}
	return strings.TrimRight(b.String(), " ") + "…"
}

// cleanLine makes s one line of display text: invalid UTF-8 and line breaks
// become spaces, runs of space collapse.
func cleanLine(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return strings.Join(strings.Fields(s), " ")
}
