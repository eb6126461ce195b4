package textcheck

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestClip(t *testing.T) {
	tests := []struct {
		name, in string
		n        int
		want     string
	}{
		{"short ASCII", "abc", 5, "abc"},
		{"ASCII at the limit", "abcde", 5, "abcde"},
		{"ASCII cut", "abcdef", 5, "abcde"},
		{"2-byte at the limit", "Aжжжж", 5, "Aжжжж"},
		{"2-byte cut", "Aжжжжж", 5, "Aжжжж"},
		{"3-byte cut", "A語語語語語", 5, "A語語語語"},
		{"4-byte cut", "A😀😀😀😀😀", 5, "A😀😀😀😀"},
		{"combining marks are characters", "e\u0301e\u0301e\u0301", 4, "e\u0301e\u0301"},
		{"NUL dropped", "a\x00b", 5, "ab"},
		{"invalid bytes replaced", "a\xffb", 5, "a\uFFFDb"},
		{"cut sequence replaced, not passed on", "A\xd0", 5, "A\uFFFD"},
		{"invalid, then cut", "\xff\xfe\xfd\xfc", 2, "\uFFFD\uFFFD"},
		{"zero", "abc", 0, ""},
		{"empty", "", 3, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Clip(tt.in, tt.n)
			if got != tt.want {
				t.Errorf("Clip(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
			}
			if !utf8.ValidString(got) || strings.IndexByte(got, 0) >= 0 || utf8.RuneCountInString(got) > max(tt.n, 0) {
				t.Errorf("Clip(%q, %d) = %q: not storable text of at most %d characters", tt.in, tt.n, got, tt.n)
			}
		})
	}
}

func TestIsText(t *testing.T) {
	tests := []struct {
		name, in string
		want     bool
	}{
		{"empty", "", true},
		{"ASCII", "Community Scorecard", true},
		{"multi-byte", "Aж語😀", true},
		{"tab, CR and LF (a textarea)", "a\tb\r\nc", true},
		{"DEL and C1 are left to the field checks", "a\x7fb\u0085", true},
		{"NUL", "a\x00b", false},
		{"other C0", "a\x01b", false},
		{"escape", "a\x1bb", false},
		{"invalid byte", "a\xffb", false},
		{"cut sequence", "A\xd0", false},
		{"overlong encoding", "\xc0\xaf", false},
		{"surrogate half", "\xed\xa0\x80", false},
	}
	for _, tt := range tests {
		if got := IsText(tt.in); got != tt.want {
			t.Errorf("%s: IsText(%q) = %v, want %v", tt.name, tt.in, got, tt.want)
		}
	}
}

// Line's limits count characters: exactly max characters of 2-, 3- and
// 4-byte text pass, one more is refused naming the limit.
func TestLineCountsCharacters(t *testing.T) {
	for _, c := range []string{"ж", "語", "😀"} {
		at := "A" + strings.Repeat(c, 59)
		if got, msg := Line(at, "First name", 1, 60); msg != "" || got != at {
			t.Errorf("%s × 60: %q, %q; want it accepted unchanged", c, got, msg)
		}
		if _, msg := Line(at+c, "First name", 1, 60); msg != "First name is too long (at most 60 characters)." {
			t.Errorf("%s × 61: message %q", c, msg)
		}
	}
}

func BenchmarkIsText(b *testing.B) {
	s := strings.Repeat("Community Scorecard ", 10) + "Aж語😀"
	for b.Loop() {
		IsText(s)
	}
}

func TestVisible(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text, Łódź, 東京, עברית", "plain text, Łódź, 東京, עברית"},
		{"a\nb\rc\td", `a\nb\rc\td`},
		{"esc\x1b[31m", `esc\u001B[31m`},
		{"nul\x00del\x7f", `nul\u0000del\u007F`},
		{"nel\u0085ls\u2028ps\u2029", `nel\u0085ls\u2028ps\u2029`},
		{"Ada \u202Egnp.exe", `Ada \u202Egnp.exe`},
		{"\u202A\u202B\u202C\u202D\u2066\u2067\u2068\u2069\u200E\u200F\u061C", `\u202A\u202B\u202C\u202D\u2066\u2067\u2068\u2069\u200E\u200F\u061C`},
		{"bad\xffbyte", "bad\uFFFDbyte"},
	}
	for _, tt := range tests {
		if got := Visible(tt.in); got != tt.want {
			t.Errorf("Visible(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := Visible(Visible(tt.in)); got != tt.want {
			t.Errorf("Visible is not idempotent on %q: %q", tt.in, got)
		}
	}
	if got := VisibleLines("a\nb\tc\r\u202E\x1b"); got != "a\nb\tc\r\\u202E\\u001B" {
		t.Errorf("VisibleLines = %q", got)
	}
}

func TestLineRefusesBidiOverrides(t *testing.T) {
	for _, r := range []rune{0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069} {
		s := "Ada " + string(r) + "nimdA"
		_, msg := Line(s, "Name", 1, 80)
		if !strings.Contains(msg, "Name must not contain characters that change the direction of text") {
			t.Errorf("Line(%q) = %q, want it refused", s, msg)
		}
	}
	if _, msg := Line("Ada\u2028Admin", "Name", 1, 80); msg != "Name must be a single line of text." {
		t.Errorf("a line separator: %q", msg)
	}
	// Right-to-left names and their marks are text like any other.
	for _, s := range []string{"דנה כהן", "أحمد\u200F", "Ada Lovelace"} {
		if _, msg := Line(s, "Name", 1, 80); msg != "" {
			t.Errorf("Line(%q) refused: %s", s, msg)
		}
	}
}
