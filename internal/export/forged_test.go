package export

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
)

// forged is a value that tries to pass for a row of its own: a refused
// request path carrying a newline and a fake entry, and a name reversed
// by U+202E.
const forged = "POST /i/ACME/users/1\n2026-12-04 09:00 Boss Admin Signed in\r\x1b[2J/deactivate"

const forgedShown = `POST /i/ACME/users/1\n2026-12-04 09:00 Boss Admin Signed in\r\u001B[2J/deactivate`

// TestOneLineColumnsShowControlsAsEscapes checks that in a column that is
// not MultiLine no control or bidi character reaches a download: each
// format shows the forged value on the row it belongs to, escaped.
func TestOneLineColumnsShowControlsAsEscapes(t *testing.T) {
	cols := []Column{{Title: "Who", Width: 30}, {Title: "What", Width: 120}}
	rows := [][]any{{"Pat \u202Egnp.exe", forged}}

	lines := flatten(mustReadPDF(t, writePDF(t, PDFMeta{Title: "User Activity"}, cols, rows)))
	want := `Pat \u202Egnp.exe | ` + forgedShown
	if count(lines, want) != 1 {
		t.Errorf("PDF: want the row on one line, %q; got\n%s", want, strings.Join(lines, "\n"))
	}
	for _, l := range lines {
		if strings.HasPrefix(l, "2026-12-04") {
			t.Errorf("PDF: the forged entry is a line of its own: %q", l)
		}
	}

	f := openXLSX(t, writeXLSX(t, "Log", cols, rows))
	if got, _ := f.GetCellValue("Log", "A2"); got != `Pat \u202Egnp.exe` {
		t.Errorf("XLSX A2 = %q", got)
	}
	if got, _ := f.GetCellValue("Log", "B2"); got != forgedShown {
		t.Errorf("XLSX B2 = %q, want %q", got, forgedShown)
	}

	var buf bytes.Buffer
	w, err := NewCSV(&buf, cols, CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteRow(rows[0]...); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(buf.String(), "\n"); n != 2 {
		t.Errorf("CSV: %d line ends for a header and one row:\n%s", n, buf.String())
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil || len(recs) != 2 || recs[1][0] != `Pat \u202Egnp.exe` || recs[1][1] != forgedShown {
		t.Errorf("CSV records = %q, %v", recs, err)
	}
}
