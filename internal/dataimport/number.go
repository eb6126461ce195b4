package dataimport

import (
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// mark is the decimal mark text numbers are read with.
type mark uint8

const (
	// AutoMark reads the last of '.' and ',' as the decimal mark when both
	// appear; a lone ',' is a decimal mark unless it is followed by exactly
	// three digits ("1,234" is a thousand and more; "1,5" one and a half).
	AutoMark mark = iota
	// PointMark: '.' is the decimal mark, ',' separates thousands.
	PointMark
	// CommaMark: ',' is the decimal mark, '.' separates thousands (the
	// CSV of a spreadsheet program in a locale that writes 1.234,5).
	CommaMark
)

// ParseNumber reads a number as people type it into a spreadsheet: a sign
// ('-', '+' or '−'), digits with thousands separators in groups of three
// (',' '.' spaces, no-break spaces, apostrophes) and one decimal mark. It
// returns a message ending in a full stop for text that is not a number,
// starting with "is" so it reads after "The actual".
func ParseNumber(s string, m mark) (float64, string) {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, "is empty."
	}
	if t[0] == '=' {
		return 0, "is a formula (" + quote(t, 40) + "), not a number; formulas are never calculated on import."
	}
	neg := false
	switch {
	case strings.HasPrefix(t, "-"), strings.HasPrefix(t, "+"):
		neg = t[0] == '-'
		t = t[1:]
	case strings.HasPrefix(t, "−"):
		neg = true
		t = t[len("−"):]
	}
	t = strings.TrimSpace(t)
	// Thousands separators that are never decimal marks.
	t = strings.Map(func(r rune) rune {
		if r == '\'' || r == '’' || unicode.IsSpace(r) || r == '\u202F' || r == '\u00A0' {
			return '_'
		}
		return r
	}, t)
	dec := byte('.')
	switch m {
	case CommaMark:
		dec = ','
	case AutoMark:
		lp, lc := strings.LastIndexByte(t, '.'), strings.LastIndexByte(t, ',')
		switch {
		case lc > lp && lp >= 0:
			dec = ','
		case lc >= 0 && lp < 0 && strings.Count(t, ",") == 1 && !threeDigits(t[lc+1:]):
			dec = ','
		}
	}
	sep := byte(',')
	if dec == ',' {
		sep = '.'
	}
	intPart, frac, hasDec := t, "", false
	if i := strings.IndexByte(t, dec); i >= 0 {
		intPart, frac, hasDec = t[:i], t[i+1:], true
		if strings.IndexByte(frac, dec) >= 0 {
			return 0, notNumber(s)
		}
	}
	// The integer part: digits, or groups of three after one kind of
	// separator ("1,234,567", "1 234 567", not "1 234,567" nor "12,34").
	var digits strings.Builder
	switch seps := strings.Count(intPart, "_") + strings.Count(intPart, string(rune(sep))); {
	case intPart == "" && hasDec:
		digits.WriteByte('0')
	case seps == 0:
		if !allDigits(intPart) {
			return 0, notNumber(s)
		}
		digits.WriteString(intPart)
	default:
		by := "_"
		if strings.Count(intPart, "_") != seps {
			by = string(rune(sep))
			if strings.Count(intPart, by) != seps {
				return 0, notNumber(s)
			}
		}
		for i, g := range strings.Split(intPart, by) {
			if !allDigits(g) || (i > 0 && len(g) != 3) || len(g) > 3 {
				return 0, notNumber(s)
			}
			digits.WriteString(g)
		}
	}
	if hasDec {
		if !allDigits(frac) {
			return 0, notNumber(s)
		}
		digits.WriteByte('.')
		digits.WriteString(frac)
	}
	v, err := strconv.ParseFloat(digits.String(), 64)
	if err != nil || math.IsInf(v, 0) {
		return 0, notNumber(s)
	}
	if neg {
		v = -v
	}
	return v, ""
}

func threeDigits(s string) bool { return len(s) == 3 && allDigits(s) }

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func notNumber(s string) string {
	return "is not a number: " + quote(strings.TrimSpace(s), 40) + "."
}

// quote puts a value from the file into a message: in typographic quotes,
// cut to max runes, control characters shown as spaces.
func quote(s string, max int) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	if utf8.RuneCountInString(s) > max {
		s = string([]rune(s)[:max]) + "…"
	}
	return "“" + s + "”"
}

func fmtNum(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
func itoa(n int) string       { return strconv.Itoa(n) }
