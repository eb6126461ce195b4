package export

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"yardstick/internal/testkit"
)

// scriptNames are member names in the scripts the PDF must draw, with the
// font each must come from.
var scriptNames = []struct{ name, font string }{
	{"山田 太郎", "DroidSansFallbackFull"},             // Japanese (kanji)
	{"さくら ミク", "DroidSansFallbackFull"},            // Japanese (kana)
	{"张伟", "DroidSansFallbackFull"},                // Chinese
	{"김민준", "YardstickHangul"},                     // Korean
	{"محمد العلي", "DejaVuSansCondensed"},          // Arabic, right to left, joined
	{"דוד כהן", "DejaVuSansCondensed"},             // Hebrew, right to left
	{"अमित शर्मा", "NotoSansDevanagari-Condensed"}, // Devanagari, conjuncts
	{"😀👍🚀", "YardstickEmoji"},                      // DejaVu has 😀, the others come from Symbola
}

func scriptsPDF(t *testing.T) []byte {
	t.Helper()
	meta := PDFMeta{Title: "利用状況 — 東京の成果表 📊", Subtitle: "Łódź · مرحبا · שלום", Generated: pdfMeta.Generated}
	var rows [][]any
	for i, n := range scriptNames {
		rows = append(rows, []any{activityTime, n.name, "Sign-in", "Scorecard " + n.name, "ok", i})
	}
	return writePDF(t, meta, activityColumns(), rows)
}

// TestPDFScripts is the golden test of issue 12's scripts: every character
// of every name is in the embedded subset of the font it should come from,
// as a real outline (not the empty .notdef box), and the ToUnicode map
// gives it back.
func TestPDFScripts(t *testing.T) {
	data := scriptsPDF(t)
	fonts, err := testkit.PDFFonts(data)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]testkit.PDFFont{}
	for _, f := range fonts {
		name := f.BaseFont[strings.IndexByte(f.BaseFont, '+')+1:]
		if f.Subtype != "CIDFontType2" || len(f.BaseFont) < 8 || f.BaseFont[6] != '+' {
			t.Errorf("font %s: %s, want a CIDFontType2 subset", f.BaseFont, f.Subtype)
		}
		if len(f.File) > 200<<10 {
			t.Errorf("font %s embeds %d KiB; a subset of a few glyphs should be far smaller", name, len(f.File)>>10)
		}
		byName[name] = f
	}
	subsets := map[string]*sfnt{}
	for name, f := range byName {
		sub := &sfnt{tables: map[string][]byte{}}
		if err := sub.readTables(f.File); err != nil {
			t.Fatalf("%s: embedded subset: %v", name, err)
		}
		subsets[name] = sub
	}
	for _, n := range scriptNames {
		from := map[string]bool{}
		for _, r := range n.name {
			if r == ' ' {
				continue
			}
			found := false
			for name, f := range byName {
				for cid, text := range f.ToUnicode {
					if !strings.ContainsRune(text, r) {
						continue
					}
					found = true
					from[name] = true
					if cid == 0 || len(subsets[name].glyphData(uint16(cid))) == 0 {
						t.Errorf("%s: %q is glyph %d of the %s subset, which has no outline", n.name, r, cid, name)
					}
				}
			}
			if !found {
				t.Errorf("%s: %q (%U) maps back from no glyph of any font", n.name, r, r)
			}
		}
		if !from[n.font] {
			t.Errorf("%s: drawn with %v, want %s among them", n.name, from, n.font)
		}
	}

	// Read back: every name, in reading order, in its row.
	lines := flatten(mustReadPDF(t, data))
	all := strings.Join(lines, "\n")
	for _, n := range scriptNames {
		if !strings.Contains(all, " | "+n.name+" | Sign-in | Scorecard "+n.name+" | ok") {
			t.Errorf("row of %q not read back in:\n%s", n.name, all)
		}
	}
	if lines[0] != "利用状況 — 東京の成果表 📊" {
		t.Errorf("title read back as %q", lines[0])
	}
	artifact(t, "scripts.pdf", data)
	renderPNG(t, data, "scripts")
}

// TestShapeArabic: Arabic letters join (contextual forms, not the isolated
// glyphs of the character map) and are drawn right to left.
func TestShapeArabic(t *testing.T) {
	set, err := loadFonts()
	if err != nil {
		t.Fatal(err)
	}
	ts := newTypesetter(set)
	runs, _ := ts.layout("محمد", false)
	if len(runs) != 1 || runs[0].actual != "محمد" {
		t.Fatalf("runs = %+v, want one run whose text is محمد", runs)
	}
	glyphs := runs[0].glyphs
	if len(glyphs) != 4 {
		t.Fatalf("%d glyphs, want 4", len(glyphs))
	}
	// Drawn left to right, the first glyph is the last letter, dal.
	if glyphs[0].text != "د" || glyphs[3].text != "م" {
		t.Errorf("drawing order %q … %q, want د … م", glyphs[0].text, glyphs[3].text)
	}
	joined := 0
	for _, g := range glyphs {
		nominal, _ := set.regular[0].glyph([]rune(g.text)[0])
		if g.gid != nominal {
			joined++
		}
	}
	if joined < 3 {
		t.Errorf("%d of 4 letters in a contextual form, want at least 3 (initial, medial, final)", joined)
	}

	// Devanagari: the vowel sign i is drawn before its consonant.
	runs, _ = ts.layout("कि", false)
	if len(runs) != 1 || len(runs[0].glyphs) != 2 || runs[0].glyphs[0].text != "ि" {
		t.Errorf("कि shaped as %+v, want the i sign first", runs)
	}
}

// TestPDFNoMidWordBreak: an email in a narrow column breaks after "@" or
// ".", never inside a word (it used to read "admin@demo.yardstick.tes" /
// "t"), and a line breaks at a space before it breaks inside a word.
func TestPDFNoMidWordBreak(t *testing.T) {
	cols := []Column{{Title: "Email", Width: 9}, {Title: "Rest", Width: 100}}
	email := "admin@demo.yardstick.test"
	lines := mustReadPDF(t, writePDF(t, pdfMeta, cols, [][]any{{email, "a"}, {"Ada " + email, "b"}}))[0]
	want := []string{"admin@demo. | a", "yardstick.test", "Ada | b", "admin@demo.", "yardstick.test"}
	got := strings.Join(lines, "\n")
	if !strings.Contains(got, strings.Join(want, "\n")) {
		t.Errorf("want the lines\n%s\nin\n%s", strings.Join(want, "\n"), got)
	}
}

// TestBreakLine pins where a line breaks inside a word too wide for it.
func TestBreakLine(t *testing.T) {
	p, err := NewPDF(io.Discard, PDFMeta{}, []Column{{Title: "A"}})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Abort()
	// Each line has room for fits, and no more.
	for _, tc := range []struct{ s, fits, line string }{
		{"admin@demo.yardstick.test", "admin@demo.yard", "admin@demo."},
		{"first_name-last", "first_na", "first_"},
		{"first_name-last", "first_name-la", "first_name-"},
		{"a b c", "a b c", "a b c"},
		{"Ada admin@demo.yardstick.test", "Ada admin@demo.yard", "Ada"},
		{"xxxxxxxxxx", "xxx", "xxx"},
		{"क्षत्रिय", "क्", "क्ष"},                       // never after a virama: the conjunct is one
		{"e\u0301e\u0301e\u0301", "e\u0301", "e\u0301"}, // a mark stays with its letter
	} {
		limit := p.units(tc.fits, false) + 1
		if line, rest := p.breakLine(tc.s, limit, false); line != tc.line {
			t.Errorf("breakLine(%q) with room for %q = %q, %q; want %q first", tc.s, tc.fits, line, rest, tc.line)
		}
	}
}

// TestPDFToText reads the scripts PDF with poppler's pdftotext, as a
// viewer's copy and search would (YARDSTICK_TEST_PDFTOTEXT, set by
// scripts/testenv.sh).
func TestPDFToText(t *testing.T) {
	bin := testkit.ToolPath(t, "YARDSTICK_TEST_PDFTOTEXT", "poppler's pdftotext")
	if bin == "" {
		t.Log("YARDSTICK_TEST_PDFTOTEXT not set: pdftotext not tried (scripts/testenv.sh installs poppler-utils)")
		return
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "scripts.pdf")
	if err := os.WriteFile(in, scriptsPDF(t), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-layout", in, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	text := string(out)
	for _, want := range []string{"山田 太郎", "さくら ミク", "张伟", "김민준", "अमित शर्मा", "😀👍🚀", "Page 1 of 1", "When", "Member", "Generated 2026-04-01 09:30 CEST"} {
		if !strings.Contains(text, want) {
			t.Errorf("pdftotext lacks %q:\n%s", want, text)
		}
	}
	// Right-to-left text comes out in reading order or, as poppler 22 does,
	// in drawing order (it reverses the ActualText too); either way whole.
	for _, want := range []string{"محمد العلي", "דוד כהן"} {
		rev := []rune(want)
		for a, b := 0, len(rev)-1; a < b; a, b = a+1, b-1 {
			rev[a], rev[b] = rev[b], rev[a]
		}
		if !strings.Contains(text, want) && !strings.Contains(text, string(rev)) {
			t.Errorf("pdftotext lacks %q:\n%s", want, text)
		}
	}
}

// artifact keeps a file for people to look at after the run.
func artifact(t *testing.T, name string, data []byte) {
	t.Helper()
	dir := os.Getenv("YARDSTICK_TEST_ARTIFACTS")
	if dir == "" {
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// renderPNG renders the first page at 60 dpi with poppler's pdftoppm, which
// fails on a font program it cannot read, and keeps the image as an
// artifact.
func renderPNG(t *testing.T, data []byte, name string) {
	t.Helper()
	renderPNGPage(t, data, name, 1)
}

// renderPNGPage is renderPNG for page n.
func renderPNGPage(t *testing.T, data []byte, name string, n int) {
	t.Helper()
	bin := testkit.ToolPath(t, "YARDSTICK_TEST_PDFTOPPM", "poppler's pdftoppm")
	if bin == "" {
		return
	}
	dir := t.TempDir()
	in := filepath.Join(dir, name+".pdf")
	if err := os.WriteFile(in, data, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-r", "60", "-f", strconv.Itoa(n), "-l", strconv.Itoa(n), "-png", "-singlefile", in, filepath.Join(dir, name)).CombinedOutput()
	if err != nil || len(out) > 0 {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	png, err := os.ReadFile(filepath.Join(dir, name+".png"))
	if err != nil {
		t.Fatal(err)
	}
	artifact(t, name+".png", png)
}
