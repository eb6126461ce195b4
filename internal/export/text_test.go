package export

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestNeutralize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"plain", "plain"},
		{`=HYPERLINK("http://evil","x")`, `'=HYPERLINK("http://evil","x")`},
		{"+1", "'+1"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\t=1+1", "'\t=1+1"},
		{"\r=1+1", "'\r=1+1"},
		{"＝1+1", "'＝1+1"},
		{"a=b", "a=b"},
		{" =1", " =1"}, // a leading space is not a formula start
		{"'quoted", "'quoted"},
		{"Łódź", "Łódź"},
		{"\x00=1", "\uFFFD=1"}, // cleaned first; U+FFFD is not a formula start
	}
	for _, tt := range tests {
		if got := Neutralize(tt.in); got != tt.want {
			t.Errorf("Neutralize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCleanText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"tab\tnewline\nreturn\r", "tab\tnewline\nreturn\r"},
		{"nul\x00bell\x07esc\x1b", "nul\uFFFDbell\uFFFDesc\uFFFD"},
		{"del\x7f", "del\uFFFD"},
		{"c1\u0085\u009f", "c1\uFFFD\uFFFD"},
		{"bad\xffutf8", "bad\uFFFDutf8"},
		{"non\uFFFEchar\uFFFF", "non\uFFFDchar\uFFFD"},
		{"Łódź — Αθήνα — Москва — 東京 😀", "Łódź — Αθήνα — Москва — 東京 😀"},
	}
	for _, tt := range tests {
		if got := cleanText(tt.in); got != tt.want {
			t.Errorf("cleanText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzNeutralize checks the properties the exports rely on, for any input:
// the result is valid UTF-8 without forbidden characters, never starts a
// formula except behind the quote, and only ever adds that quote.
func FuzzNeutralize(f *testing.F) {
	for _, s := range []string{"", "=1", "+1", "-1", "@A", "\t", "\r", "＝", "\x00", "\xff", "Łódź"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Neutralize(s)
		if !utf8.ValidString(got) {
			t.Fatalf("Neutralize(%q) = %q: invalid UTF-8", s, got)
		}
		clean := cleanText(s)
		if cleanText(clean) != clean {
			t.Fatalf("cleanText is not idempotent on %q", s)
		}
		for _, r := range clean {
			if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r >= 0x7f && r <= 0x9f || r == 0xfffe || r == 0xffff {
				t.Fatalf("cleanText(%q) kept %U", s, r)
			}
		}
		if rest, ok := strings.CutPrefix(got, "'"); ok && rest == clean && startsFormula(clean) {
			return
		}
		if got != clean || startsFormula(got) {
			t.Fatalf("Neutralize(%q) = %q", s, got)
		}
	})
}
