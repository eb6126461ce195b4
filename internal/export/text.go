package export

import (
	"strings"
	"unicode/utf8"
)

// Neutralize returns s made safe for a CSV field that a spreadsheet will open:
// cleaned of control characters (see cleanText), and prefixed with a single
// quote when it starts with a character that would make the spreadsheet read
// it as a formula. The set is SPEC §10's (=, +, -, @, tab, carriage return)
// plus their full-width forms (＝ ＋ － ＠), which some East Asian spreadsheet
// setups also accept as a formula start.
//
// The quote is what Excel, LibreOffice and Google Sheets themselves use to
// mark "this is text"; Excel hides it in the cell. A program reading the CSV
// as data sees it, which is the accepted price (OWASP, ASVS 1.2.10).
//
// XLSX does not use Neutralize: there a string is written as a typed string
// cell, which no spreadsheet evaluates, so the text stays exactly as entered.
func Neutralize(s string) string {
	s = cleanText(s)
	if startsFormula(s) {
		return "'" + s
	}
	return s
}

func startsFormula(s string) bool {
	if s == "" {
		return false
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return true
	}
	r, _ := utf8.DecodeRuneInString(s)
	switch r {
	case '＝', '＋', '－', '＠':
		return true
	}
	return false
}

// cleanText replaces what cannot be written or shown with U+FFFD: invalid
// UTF-8, the C0 controls other than tab, line feed and carriage return, DEL,
// the C1 controls, and the noncharacters U+FFFE and U+FFFF. XML 1.0 (inside
// XLSX) forbids most of these outright, and on paper or in a cell they mean
// nothing except a way to hide text. Replacing rather than dropping keeps it
// visible that something was there.
func cleanText(s string) string {
	// Fast path: most text needs nothing, and this runs for every cell.
	i := 0
	for i < len(s) {
		b := s[i]
		if b < utf8.RuneSelf {
			if badASCII(b) {
				break
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if badRune(r, size) {
			break
		}
		i += size
	}
	if i == len(s) {
		return s
	}

	var sb strings.Builder
	sb.Grow(len(s) + 2)
	sb.WriteString(s[:i])
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r < utf8.RuneSelf && badASCII(byte(r))) || badRune(r, size) {
			sb.WriteRune(utf8.RuneError)
		} else {
			sb.WriteString(s[i : i+size])
		}
		i += size
	}
	return sb.String()
}

func badASCII(b byte) bool {
	return (b < 0x20 && b != '\t' && b != '\n' && b != '\r') || b == 0x7f
}

func badRune(r rune, size int) bool {
	if r == utf8.RuneError && size == 1 {
		return true // invalid UTF-8
	}
	return (r >= 0x80 && r <= 0x9f) || r == 0xfffe || r == 0xffff
}
