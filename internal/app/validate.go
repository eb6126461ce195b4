package app

import (
	"regexp"
	"strconv"
	"strings"

	"yardstick/internal/textcheck"
)

// NormalizeEmail trims and lower-cases an email and checks its form.
func NormalizeEmail(s string) (string, bool) { return textcheck.Email(s) }

var codePattern = regexp.MustCompile(`^[A-Z0-9-]{2,16}$`)

// NormalizeCode upper-cases an instance code and checks SPEC §1's form:
// 2–16 of A–Z, 0–9 and '-'.
func NormalizeCode(s string) (string, bool) {
	s = strings.ToUpper(strings.TrimSpace(s))
	return s, codePattern.MatchString(s)
}

// cleanText checks a one-line text field (see textcheck.Line).
func cleanText(s, label string, min, max int) (string, string) {
	return textcheck.Line(s, label, min, max)
}

func itoa(n int) string { return strconv.Itoa(n) }

// truncateText shortens s to at most n characters, never splitting one,
// and makes it storable text (see textcheck.Clip).
func truncateText(s string, n int) string { return textcheck.Clip(s, n) }
