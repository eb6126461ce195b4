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
		{"\t=1+1", `\t=1+1`}, // shown as an escape, which starts no formula
		{"\r=1+1", `\r=1+1`},
		{"＝1+1", "'＝1+1"},
		{"a=b", "a=b"},
		{" =1", " =1"}, // a leading space is not a formula start
		{"'quoted", "'quoted"},
		{"Łódź", "Łódź"},
		{"\x00=1", `\u0000=1`}, // cleaned first; the escape is not a formula start
	}
	for _, tt := range tests {
		if got := Neutralize(tt.in); got != tt.want {
			t.Errorf("Neutralize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCleanText(t *testing.T) {
	tests := []struct{ in, oneLine, multiLine string }{
		{"", "", ""},
		{"tab\tnewline\nreturn\r", `tab\tnewline\nreturn\r`, "tab\tnewline\nreturn\r"},
		{"nul\x00bell\x07esc\x1b", `nul\u0000bell\u0007esc\u001B`, `nul\u0000bell\u0007esc\u001B`},
		{"del\x7f", `del\u007F`, `del\u007F`},
		{"c1\u0085\u009f", `c1\u0085\u009F`, `c1\u0085\u009F`},
		{"ls\u2028ps\u2029", `ls\u2028ps\u2029`, `ls\u2028ps\u2029`},
		{"bad\xffutf8", "bad\uFFFDutf8", "bad\uFFFDutf8"},
		{"non\uFFFEchar\uFFFF", `non\uFFFEchar\uFFFF`, `non\uFFFEchar\uFFFF`},
		{"Ada \u202Egnp.exe", `Ada \u202Egnp.exe`, `Ada \u202Egnp.exe`},
		{"\u2066iso\u2069 \u200E\u200F\u061C", `\u2066iso\u2069 \u200E\u200F\u061C`, `\u2066iso\u2069 \u200E\u200F\u061C`},
		{"Łódź — Αθήνα — Москва — 東京 😀 עברית", "Łódź — Αθήνα — Москва — 東京 😀 עברית", "Łódź — Αθήνα — Москва — 東京 😀 עברית"},
	}
	for _, tt := range tests {
		if got := cleanText(tt.in, false); got != tt.oneLine {
			t.Errorf("cleanText(%q, one line) = %q, want %q", tt.in, got, tt.oneLine)
		}
		if got := cleanText(tt.in, true); got != tt.multiLine {
			t.Errorf("cleanText(%q, multi-line) = %q, want %q", tt.in, got, tt.multiLine)
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
		clean := cleanText(s, false)
		if cleanText(clean, false) != clean {
			t.Fatalf("cleanText is not idempotent on %q", s)
		}
		for _, r := range clean {
			if r < 0x20 || r >= 0x7f && r <= 0x9f || r == 0xfffe || r == 0xffff || r == 0x2028 || r == 0x2029 ||
				r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 {
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
