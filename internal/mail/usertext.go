package mail

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"yardstick/internal/textcheck"
)

// MaxQuoted is how many characters of one user-written value (an
// organization's or an instance's name) a mail quotes; the rest is cut
// with "…".
const MaxQuoted = 80

// quoted is user-written text as a mail shows it: one line (oneLine), at
// most MaxQuoted characters, bidi controls shown as escapes, between
// typographic quotes so that it reads as someone's words, not ours, and
// with nothing a mail client would turn into a link (unlink). A name such
// as "Your bank: verify at http://evil.example/login" arrives as
// “Your bank: verify at http[:]//evil[.]example/login”.
func quoted(s string) string { return "“" + userText(s) + "”" }

// quoteMarks turns quote marks into plain ones; built once, not per call.
var quoteMarks = strings.NewReplacer("“", `"`, "”", `"`, "„", `"`, "«", `"`, "»", `"`)

// userText is quoted without the quotes.
func userText(s string) string {
	s = textcheck.Visible(oneLine(s))
	// Quote marks inside would let the text close our quote and go on
	// as if it were ours.
	if !isASCII(s) && strings.ContainsAny(s, "“”„«»") {
		s = quoteMarks.Replace(s)
	}
	if utf8.RuneCountInString(s) > MaxQuoted {
		s = strings.TrimRight(textcheck.Clip(s, MaxQuoted-1), " ") + "…"
	}
	return unlink(s)
}

// unlink breaks what mail clients turn into links: a scheme separator
// ("://" becomes "[:]//") and the dot before a domain label ("evil.example"
// becomes "evil[.]example", "www.x.org" "www[.]x[.]org"), the way security
// notices defang addresses. A dot counts as a domain's when a letter, digit
// or hyphen precedes it and a label of two or more letters and digits,
// starting with a letter, follows: "Acme Inc." and "U.S. Fund" stay as
// they are. Full-width and ideographic full stops count as dots.
func unlink(s string) string {
	s = strings.ReplaceAll(s, "://", "[:]//")
	if !hasDot(s) && utf8.ValidString(s) {
		return s // nothing more to break (nor bytes to mend): no copy
	}
	rs := []rune(s)
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i, r := range rs {
		if isDot(r) && i > 0 && isLabelRune(rs[i-1]) && tldAt(rs, i+1) {
			b.WriteString("[.]")
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// hasDot reports whether s holds any of the dots isDot knows.
func hasDot(s string) bool {
	if strings.IndexByte(s, '.') >= 0 {
		return true
	}
	return !isASCII(s) && strings.ContainsAny(s, "．。｡")
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func isDot(r rune) bool { return r == '.' || r == '．' || r == '。' || r == '｡' }

func isLabelRune(r rune) bool { return r == '-' || unicode.IsLetter(r) || unicode.IsDigit(r) }

// tldAt reports whether a domain label that could be a top-level domain
// starts at rs[i]: a letter, then at least one more letter or digit.
func tldAt(rs []rune, i int) bool {
	if i >= len(rs) || !unicode.IsLetter(rs[i]) {
		return false
	}
	n := 0
	for ; i < len(rs) && (unicode.IsLetter(rs[i]) || unicode.IsDigit(rs[i])); i++ {
		n++
	}
	return n >= 2
}
