// Package textcheck holds the checks of user-typed text that internal/app and
// internal/importer share (an email address, a one-line text field), the
// check internal/web applies to every input (IsText), and the one way text
// is shortened (Clip: by characters, never splitting one).
package textcheck

import (
	"net/mail"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxEmail is the longest email address accepted (RFC 5321's path limit).
const MaxEmail = 254

// NormalizeEmail trims and lower-cases an email and checks its form: a
// bare address that net/mail reads back unchanged, with a dot in the domain.
func Email(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" || len(s) > MaxEmail {
		return s, false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return s, false
	}
	at := strings.LastIndexByte(s, '@')
	if at < 1 || !strings.Contains(s[at+1:], ".") || strings.HasSuffix(s, ".") {
		return s, false
	}
	return s, true
}

// Line trims a one-line text and checks its length (min–max runes), that
// it holds no control characters, so no line breaks, and no bidi
// embedding, override or isolate (U+202A–U+202E, U+2066–U+2069), which
// would reverse how it and the text after it read in lists and the log.
// It returns a message naming label when the text is refused. It is the
// one check of every one-line field.
func Line(s, label string, min, max int) (string, string) {
	s = strings.TrimSpace(s)
	n := utf8.RuneCountInString(s)
	switch {
	case n < min && min == 1:
		return s, label + " is required."
	case n < min:
		return s, label + " is too short."
	case n > max:
		return s, label + " is too long (at most " + strconv.Itoa(max) + " characters)."
	case !utf8.ValidString(s):
		return s, label + " is not valid text."
	}
	for _, r := range s {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return s, label + " must be a single line of text."
		}
		if isBidiOverride(r) {
			return s, label + " must not contain characters that change the direction of text (" + escape(r) + ")."
		}
	}
	return s, ""
}
