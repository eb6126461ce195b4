package export

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"yardstick/internal/testkit"
)

var pdfMeta = PDFMeta{
	Title:     "User Activity",
	Subtitle:  "Łódź Water (LDZ) · 2026-03-01 to 2026-03-31",
	Generated: time.Date(2026, 4, 1, 9, 30, 0, 0, time.FixedZone("CEST", 2*3600)),
}

func writePDF(t *testing.T, meta PDFMeta, cols []Column, rows [][]any) []byte {
	t.Helper()
	var buf bytes.Buffer
	p, err := NewPDF(&buf, meta, cols)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := p.WriteRow(r...); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func mustReadPDF(t *testing.T, data []byte) [][]string {
	t.Helper()
	pages, err := testkit.PDFLines(data)
	if err != nil {
		t.Fatal(err)
	}
	return pages
}

const headerLine = "When | Member | Activity | Object | Details | Count"

func TestPDFReadBack(t *testing.T) {
	const n = 150
	var rows [][]any
	for i := range n {
		rows = append(rows, activityRow(i))
	}
	pages := mustReadPDF(t, writePDF(t, pdfMeta, activityColumns(), rows))
	if len(pages) < 3 {
		t.Fatalf("%d rows made %d pages, want several", n, len(pages))
	}
	all := strings.Join(flatten(pages), "\n")

	// Every row, once, whole.
	for i := range n {
		r := activityRow(i)
		want := fmt.Sprintf("%s | %s | %s | %s | %s | %d",
			r[0].(time.Time).Format("2006-01-02 15:04:05"), r[1], r[2], r[3], r[4], r[5])
		if c := strings.Count(all, want); c != 1 {
			t.Errorf("row %d appears %d times, want once: %q", i, c, want)
		}
	}

	for i, lines := range pages {
		// The column header on every page, once.
		if c := count(lines, headerLine); c != 1 {
			t.Errorf("page %d has the column header %d times, want once", i+1, c)
		}
		// The page number in the footer: the last line, right of the title.
		want := fmt.Sprintf("User Activity | Page %d of %d", i+1, len(pages))
		if got := lines[len(lines)-1]; got != want {
			t.Errorf("page %d ends with %q, want %q", i+1, got, want)
		}
		if i == 0 {
			continue
		}
		// A running header above the column header on later pages.
		if want := "User Activity — " + pdfMeta.Subtitle; lines[0] != want {
			t.Errorf("page %d starts with %q, want the running header %q", i+1, lines[0], want)
		}
	}
	first := pages[0]
	for k, want := range []string{pdfMeta.Title, pdfMeta.Subtitle, "Generated 2026-04-01 09:30 CEST", headerLine} {
		if first[k] != want {
			t.Errorf("page 1 line %d = %q, want %q", k+1, first[k], want)
		}
	}
	if c := strings.Count(all, headerLine); c != len(pages) {
		t.Errorf("column header appears %d times in %d pages", c, len(pages))
	}
}

// TestPDFText covers text that must survive: non-Latin scripts, characters
// outside the Basic Multilingual Plane, characters no font has, and text
// that looks like PDF syntax.
func TestPDFText(t *testing.T) {
	cols := []Column{{Title: "Name", Width: 60}, {Title: "Note", Width: 60, MultiLine: true}}
	rows := [][]any{
		{"Łódź — Αθήνα — Москва", "Ελληνικά, русский, polski: żółć"},
		{"東京 (CJK, not in the font)", "emoji 😀 outside the BMP"},
		{") Tj ET BT /F1 99 Tf (x", `back\slash (paren) \) \050`},
		{"tab\there", "cr\rlf\r\nend"},
		{"ctrl\x00\x07", `=HYPERLINK("http://evil","x")`},
		{"{nb} stays", "Page 1 of {nb}"},
		{"\U00010000 first astral", "trailing newline\n"},
	}
	lines := flatten(mustReadPDF(t, writePDF(t, pdfMeta, cols, rows)))
	for _, want := range []string{
		"Łódź — Αθήνα — Москва | Ελληνικά, русский, polski: żółć",
		// CJK and emoji come from the fallback fonts (TestPDFScripts).
		"東京 (CJK, not in the font) | emoji 😀 outside the BMP",
		// A character no font has is drawn, and read back, as "�".
		`) Tj ET BT /F1 99 Tf (x | back\slash (paren) \) \050`,
		`tab\there | cr`,
		"lf",
		"end",
		`ctrl\u0000\u0007 | =HYPERLINK("http://evil","x")`,
		"{nb} stays | Page 1 of {nb}",
		"\uFFFD first astral | trailing newline",
	} {
		if count(lines, want) != 1 {
			t.Errorf("missing line %q in:\n%s", want, strings.Join(lines, "\n"))
		}
	}
}

func TestPDFWrap(t *testing.T) {
	long := strings.Repeat("lorem ipsum dolor sit amet ", 60)
	word := strings.Repeat("x", 300)
	cols := []Column{{Title: "A long column title that wraps in a narrow column", Width: 10}, {Title: "Text", Width: 40}, {Title: "N", Kind: Number, Width: 5}}
	pages := mustReadPDF(t, writePDF(t, pdfMeta, cols, [][]any{{"short", long, 1}, {"w", word, 2}}))
	lines := pages[0]
	t.Logf("\n%s", strings.Join(lines, "\n"))

	var textLines []string
	for _, l := range lines {
		if strings.Contains(l, "lorem") {
			textLines = append(textLines, l)
		}
	}
	if len(textLines) != maxCellLines {
		t.Errorf("long text took %d lines, want the cap of %d", len(textLines), maxCellLines)
	}
	if last := textLines[len(textLines)-1]; !strings.HasSuffix(last, "…") {
		t.Errorf("last line of cut text = %q, want it to end in …", last)
	}
	joined := strings.Join(lines, "\n")
	if !strings.Contains(joined, "A long") || strings.Contains(joined, "A long column title that wraps in a narrow column") {
		t.Errorf("a long column title should wrap:\n%s", joined)
	}
	// A word wider than the column is broken, not left to overflow.
	xs := 0
	for _, l := range lines {
		if strings.Contains(l, "xxxx") {
			xs++
		}
	}
	if xs < 2 {
		t.Errorf("an unbreakable word used %d lines, want it broken over several", xs)
	}
}

// TestPDFGolden pins the text layout of a three-row export: what is on which
// line, in which order.
func TestPDFGolden(t *testing.T) {
	var rows [][]any
	for i := range 3 {
		rows = append(rows, activityRow(i))
	}
	rows = append(rows, []any{nil, "Дмитрий Иванов", "Data entry", "Scorecard Ω", strings.Repeat("a long detail ", 20), 12345.5})
	data := writePDF(t, pdfMeta, activityColumns(), rows)
	var out strings.Builder
	for i, lines := range mustReadPDF(t, data) {
		fmt.Fprintf(&out, "--- page %d\n%s\n", i+1, strings.Join(lines, "\n"))
	}
	golden(t, "activity.pdf.txt", []byte(out.String()))

	// Same input, same bytes: fixed dates and a sorted catalogue.
	if again := writePDF(t, pdfMeta, activityColumns(), rows); !bytes.Equal(data, again) {
		t.Error("two identical exports differ")
	}
}

func TestPDFEmpty(t *testing.T) {
	pages := mustReadPDF(t, writePDF(t, PDFMeta{Title: "Nothing"}, []Column{{Title: "A"}}, nil))
	if len(pages) != 1 {
		t.Fatalf("got %d pages, want 1", len(pages))
	}
	if want := []string{"Nothing", "A", "Nothing | Page 1 of 1"}; strings.Join(pages[0], "\n") != strings.Join(want, "\n") {
		t.Errorf("page = %q, want %q", pages[0], want)
	}
}

// TestPDFNothingBeforeClose: a handler that meets an error halfway through
// the rows can still answer with an error page, whatever the length.
func TestPDFNothingBeforeClose(t *testing.T) {
	var buf bytes.Buffer
	p, err := NewPDF(&buf, pdfMeta, activityColumns())
	if err != nil {
		t.Fatal(err)
	}
	for i := range 20000 { // past the in-memory spool, into the temporary file
		if err := p.WriteRow(activityRow(i)...); err != nil {
			t.Fatal(err)
		}
	}
	if buf.Len() != 0 {
		t.Errorf("%d bytes written before Close; a refused export must leave w untouched", buf.Len())
	}
	if err := p.WriteRow("x"); err == nil {
		t.Error("short row: want an error")
	}
	p.Abort()
	if err := p.Close(); err != nil || buf.Len() != 0 {
		t.Errorf("Close after Abort: %v, %d bytes; want nothing written", err, buf.Len())
	}
}

// TestPDFMemory writes 100,000 activity rows and a document of dense text,
// every cell filled to its six lines: pages are written as they fill, so
// the heap stays flat (the budget is 128 MiB).
func TestPDFMemory(t *testing.T) {
	out := &countingWriter{}
	var pages int
	const rows = 100000
	peak := peakHeap(func() {
		p, err := NewPDF(out, pdfMeta, activityColumns())
		if err != nil {
			t.Fatal(err)
		}
		for i := range rows {
			if err := p.WriteRow(activityRow(i)...); err != nil {
				t.Fatal(err)
			}
		}
		pages = len(p.pages)
		if err := p.Close(); err != nil {
			t.Fatal(err)
		}
	})
	t.Logf("%d rows: %d pages, %.1f MiB file, peak heap %.1f MiB", rows, pages, float64(out.n)/mib, float64(peak)/mib)
	checkPDFPeak(t, peak)

	dense := strings.Repeat("Dense text, every cell filled to its six lines: Łódź Αθήνα Москва 東京 😀. ", 12)
	out = &countingWriter{}
	peak = peakHeap(func() {
		p, err := NewPDF(out, pdfMeta, activityColumns())
		if err != nil {
			t.Fatal(err)
		}
		for i := range 10000 {
			if err := p.WriteRow(activityTime, dense, dense, dense, dense, i); err != nil {
				t.Fatal(err)
			}
		}
		pages = len(p.pages)
		if err := p.Close(); err != nil {
			t.Fatal(err)
		}
	})
	t.Logf("dense text: %d pages, %.1f MiB file, peak heap %.1f MiB", pages, float64(out.n)/mib, float64(peak)/mib)
	checkPDFPeak(t, peak)
}

// checkPDFPeak holds a PDF's peak heap to the budget of 128 MiB. A writer
// that kept the document in memory would pass it at 100,000 rows.
func checkPDFPeak(t *testing.T, peak uint64) {
	t.Helper()
	if peak > 128*mib {
		t.Errorf("peak heap %.1f MiB, want at most 128 MiB", float64(peak)/mib)
	}
}

func flatten(pages [][]string) []string {
	var all []string
	for _, p := range pages {
		all = append(all, p...)
	}
	return all
}

func count(lines []string, s string) int {
	n := 0
	for _, l := range lines {
		if l == s {
			n++
		}
	}
	return n
}

// TestPDFDateColumnFits: with many wide columns a date column's share of the
// page would break its timestamp over two lines; it gets the room it needs.
func TestPDFDateColumnFits(t *testing.T) {
	cols := []Column{
		{Title: "When", Kind: DateTime}, {Title: "Who"}, {Title: "Email", Width: 28}, {Title: "Activity", Width: 20},
		{Title: "Object type", Width: 14}, {Title: "Object", Width: 30}, {Title: "Changes", Width: 50}, {Title: "Client", Width: 16},
		{Title: "Day", Kind: Date, Width: 1},
	}
	row := []any{activityTime, "ada", "ada@example.org", "import", "users", "people.csv", "create: 2", "127.0.0.1", activityTime}
	lines := mustReadPDF(t, writePDF(t, pdfMeta, cols, [][]any{row}))[0]
	want := "2026-03-01 08:00:00 | ada | ada@example.org | import | users | people.csv | create: 2 | 127.0.0.1 | 2026-03-01"
	if count(lines, want) != 1 {
		t.Errorf("want the row on one line, %q; got\n%s", want, strings.Join(lines, "\n"))
	}
}

// TestPDFConcurrent runs exports side by side, as a server does; they share
// the text measurer (run with -race).
func TestPDFConcurrent(t *testing.T) {
	errs := make(chan error, 4)
	for g := range 4 {
		go func() {
			var buf bytes.Buffer
			p, err := NewPDF(&buf, pdfMeta, activityColumns())
			if err == nil {
				for i := range 50 {
					row := activityRow(g*1000 + i)
					row[3] = scriptNames[(g+i)%len(scriptNames)].name // shaping and fallback fonts too
					if err = p.WriteRow(row...); err != nil {
						break
					}
				}
			}
			if err == nil {
				err = p.Close()
			}
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
