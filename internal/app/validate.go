package app

import (
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// NormalizeEmail trims and lower-cases an email and checks its form.
func NormalizeEmail(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" || len(s) > 254 {
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

var codePattern = regexp.MustCompile(`^[A-Z0-9-]{2,16}$`)

// NormalizeCode upper-cases an instance code and checks SPEC §1's form:
// 2–16 of A–Z, 0–9 and '-'.
func NormalizeCode(s string) (string, bool) {
	s = strings.ToUpper(strings.TrimSpace(s))
	return s, codePattern.MatchString(s)
}

// cleanText trims a one-line text and checks its length and that it holds
// no control characters. It returns a message when the text is refused.
func cleanText(s, label string, min, max int) (string, string) {
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
		if unicode.IsControl(r) {
			return s, label + " must be a single line of text."
		}
	}
	return s, ""
}

func itoa(n int) string { return strconv.Itoa(n) }
