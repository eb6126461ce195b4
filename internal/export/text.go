package export

import (
	"unicode/utf8"

	"yardstick/internal/textcheck"
)

// Neutralize returns s made safe for a CSV field that a spreadsheet will open:
// control characters made visible (see cleanText), and prefixed with a single
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
func Neutralize(s string) string { return quoteFormula(cleanText(s, false)) }

// quoteFormula is Neutralize for text cleanText has seen already.
func quoteFormula(s string) string {
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

// cleanText makes text safe to write and honest to read: every control
// character (ESC, NUL, line breaks, …) and every bidi control (U+202E, …)
// becomes a visible escape such as `\n` or `\u202E`, and bytes that are not
// UTF-8 become U+FFFD (see textcheck.Visible). XML 1.0 (inside XLSX) forbids
// most controls outright; on paper or in a cell they mean nothing except a
// way to hide text, or to forge a line of the activity log ("…\n2026-12-04
// 09:00 Boss Admin Signed in"). A column marked MultiLine keeps tab, line
// feed and carriage return (textcheck.VisibleLines).
func cleanText(s string, multiLine bool) string {
	if multiLine {
		return textcheck.VisibleLines(s)
	}
	return textcheck.Visible(s)
}
