package notes

import (
	"strings"
	"testing"
	"time"
)

func TestSanitizeHostileInput(t *testing.T) {
	tests := []struct {
		name, in string
		want     string   // the stored body, when it is exact
		keep     []string // must survive
		drop     []string // must not survive (case-insensitive)
	}{
		{name: "script", in: `<p>Hi<script>alert(1)</script></p>`, want: `<p>Hi</p>`},
		{name: "img onerror", in: `<img src=x onerror="alert(1)"><b>ok</b>`, want: `<b>ok</b>`},
		{name: "javascript link", in: `<a href="javascript:alert(1)">x</a>`, drop: []string{"javascript", "href"}, keep: []string{"x"}},
		{name: "javascript link with entities", in: `<a href="jav&#x09;ascript:alert(1)">x</a>`, drop: []string{"ascript:", "href"}},
		{name: "data link", in: `<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>`, drop: []string{"data:", "href"}},
		{name: "iframe", in: `<iframe src="https://evil.example"></iframe><p>after</p>`, want: `<p>after</p>`},
		{name: "svg onload", in: `<svg onload="alert(1)"><circle/></svg>text`, want: `text`},
		{name: "css expression", in: `<p style="width: expression(alert(1))">x</p>`, want: `<p>x</p>`},
		{name: "style element", in: `<style>body{background:url(javascript:x)}</style><p>x</p>`, want: `<p>x</p>`},
		{name: "form", in: `<form action="/x"><input name="a"><button>Go</button></form>`, drop: []string{"<form", "<input", "<button"}},
		{name: "event handler on allowed tag", in: `<b onclick="x()">bold</b>`, want: `<b>bold</b>`},
		{name: "nested and malformed", in: `<b><i>x</b></i><p<script>y`, drop: []string{"<script", "<p<"}},
		{name: "unclosed comment", in: `<p>a</p><!-- <script>alert(1)</script>`, want: `<p>a</p>`},
		{name: "safe formatting", in: `<h1>Title</h1><div><strong>bold</strong> <em>it</em><ul><li>one</li></ul><ol><li>two</li></ol></div>`,
			keep: []string{"<h1>Title</h1>", "<strong>bold</strong>", "<em>it</em>", "<ul><li>one</li></ul>", "<ol><li>two</li></ol>"}},
		{name: "table", in: `<table><tr><th scope="col">A</th></tr><tr><td colspan="2">1</td></tr></table>`,
			keep: []string{"<table>", `<th scope="col">A</th>`, `<td colspan="2">1</td>`}},
		{name: "link gets rel", in: `<a href="https://example.org/x" target="_top">x</a>`, want: `<a href="https://example.org/x" rel="noopener noreferrer">x</a>`},
		{name: "relative link to an object", in: `<a href="/i/ACME/objects/12">M</a>`, keep: []string{`href="/i/ACME/objects/12"`, `noopener noreferrer`}},
		{name: "word paste", in: `<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><style>p.MsoNormal{}</style></head><body>` +
			`<p class="MsoNormal" style="mso-margin-top-alt:auto"><b><span lang="EN-US" style="font-size:12pt">Story</span></b><o:p></o:p></p>` +
			`<!--[if gte mso 9]><xml><w:WordDocument></w:WordDocument></xml><![endif]--></body></html>`,
			want: `<p><b>Story</b></p>`},
		{name: "NUL bytes", in: "a\x00b", want: `<p>ab</p>`},
		{name: "plain text lines", in: "first\nsecond\n\nthird <3", want: `<p>first<br>second</p><p>third &lt;3</p>`},
		{name: "empty", in: "", want: ""},
		{name: "only junk", in: `<script>x</script>`, want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Sanitize(tt.in)
			if tt.want != "" || (tt.keep == nil && tt.drop == nil) {
				if got != tt.want {
					t.Fatalf("Sanitize(%q) = %q, want %q", tt.in, got, tt.want)
				}
			}
			for _, k := range tt.keep {
				if !strings.Contains(got, k) {
					t.Errorf("Sanitize(%q) = %q, lost %q", tt.in, got, k)
				}
			}
			for _, d := range tt.drop {
				if strings.Contains(strings.ToLower(got), strings.ToLower(d)) {
					t.Errorf("Sanitize(%q) = %q, kept %q", tt.in, got, d)
				}
			}
			// Sanitising is stable: a stored body with markup passes again
			// unchanged (one without is read as plain text).
			if again := Sanitize(got); again != got && looksLikeHTML(got) {
				t.Errorf("second pass changed %q to %q", got, again)
			}
		})
	}
}

func TestSanitizeLargeBodies(t *testing.T) {
	tests := []struct {
		name string
		in   string
		max  time.Duration
	}{
		{"1 MB of text", "<p>" + strings.Repeat("word ", 200_000) + "</p>", 5 * time.Second},
		{"100,000 nested <b>", strings.Repeat("<b>", 100_000) + "deep" + strings.Repeat("</b>", 100_000), 5 * time.Second},
		{"100,000 unclosed <b>", strings.Repeat("<b>", 100_000) + "deep", 5 * time.Second},
		{"100,000 script tags", strings.Repeat("<script>", 100_000), 5 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			got := Sanitize(tt.in)
			if d := time.Since(start); d > tt.max {
				t.Errorf("took %v", d)
			}
			if strings.Contains(got, "<script") {
				t.Errorf("script survived")
			}
			// Over the stored limit: the app refuses it with a message.
			if tt.name == "1 MB of text" && len([]rune(got)) <= MaxBody {
				t.Errorf("1 MB body is %d characters stored, want over MaxBody", len([]rune(got)))
			}
		})
	}
}

func TestText(t *testing.T) {
	tests := []struct{ in, want string }{
		{`<p>a &amp; b</p><p>c</p>`, "a & b\nc"},
		{`<ul><li>one</li><li>two</li></ul>`, "one\ntwo"},
		{`<b>é</b>`, "é"},
		{``, ""},
	}
	for _, tt := range tests {
		if got := Text(tt.in); got != tt.want {
			t.Errorf("Text(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDiff(t *testing.T) {
	tests := []struct {
		name, old, new string
		want           []Piece
	}{
		{"same", "<p>a b</p>", "<p>a b</p>", []Piece{{Same, "a b"}}},
		{"word changed", "<p>the cat sat</p>", "<p>the dog sat</p>", []Piece{{Same, "the "}, {Removed, "cat "}, {Added, "dog "}, {Same, "sat"}}},
		{"added at end", "<p>one</p>", "<p>one two</p>", []Piece{{Removed, "one"}, {Added, "one two"}}},
		{"from empty", "", "<p>new</p>", []Piece{{Added, "new"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Diff(tt.old, tt.new)
			if len(got) != len(tt.want) {
				t.Fatalf("Diff = %+v, want %+v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("Diff = %+v, want %+v", got, tt.want)
				}
			}
		})
	}
}
