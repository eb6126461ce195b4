package export

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// formulaTexts are cells that a spreadsheet would run if they were written
// as formulas or typed in.
var formulaTexts = []string{
	`=HYPERLINK("http://evil","x")`,
	"+1",
	"-2+3",
	"@SUM(A1)",
	"\t=1+1",
	"\r=1+1",
	"=cmd|' /C calc'!A0",
}

const nonLatin = "Łódź — Αθήνα — Москва — 東京"

func writeXLSX(t *testing.T, sheet string, cols []Column, rows [][]any) []byte {
	t.Helper()
	var buf bytes.Buffer
	x, err := NewXLSX(&buf, sheet, cols)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := x.WriteRow(r...); err != nil {
			t.Fatal(err)
		}
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func openXLSX(t *testing.T, data []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = f.Close() })
	return f
}

func TestXLSXReadBack(t *testing.T) {
	cols := []Column{
		{Title: "When", Kind: DateTime},
		{Title: "Day", Kind: Date},
		{Title: "Text", Width: 40, MultiLine: true}, // keeps the tab and CR of formulaTexts
		{Title: "Value", Kind: Number},
	}
	when := time.Date(2026, 3, 1, 14, 5, 9, 0, time.FixedZone("CET", 3600))
	rows := [][]any{
		{when, when, nonLatin, 42},
		{nil, nil, "control\x00\x07chars", -2.5},
		{nil, when, "time in a text column:", int64(1) << 40},
	}
	for _, s := range formulaTexts {
		rows = append(rows, []any{nil, nil, s, nil})
	}
	data := writeXLSX(t, "Activity", cols, rows)
	f := openXLSX(t, data)
	const sheet = "Activity"

	if got := f.GetSheetList(); len(got) != 1 || got[0] != sheet {
		t.Fatalf("sheets = %q, want [%s]", got, sheet)
	}
	all, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 1+len(rows) {
		t.Fatalf("got %d rows, want %d", len(all), 1+len(rows))
	}
	if got := strings.Join(all[0], "|"); got != "When|Day|Text|Value" {
		t.Errorf("header = %q", got)
	}

	// Header: bold, frozen, widths.
	styleID, _ := f.GetCellStyle(sheet, "A1")
	if st, err := f.GetStyle(styleID); err != nil || st.Font == nil || !st.Font.Bold {
		t.Errorf("header style = %+v, %v; want bold", st, err)
	}
	panes, err := f.GetPanes(sheet)
	if err != nil || !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" {
		t.Errorf("panes = %+v, %v; want the first row frozen", panes, err)
	}
	for col, want := range map[string]float64{"A": 20, "B": 12, "C": 40, "D": 12} {
		if got, _ := f.GetColWidth(sheet, col); got != want {
			t.Errorf("width of %s = %v, want %v", col, got, want)
		}
	}

	// Dates: number cells whose value is the wall clock, in a date format.
	for ref, format := range map[string]string{"A2": "yyyy-mm-dd hh:mm:ss", "B2": "yyyy-mm-dd"} {
		checkDateCell(t, f, sheet, ref, when, format)
	}
	if got, _ := f.GetCellValue(sheet, "A2"); got != "2026-03-01 14:05:09" {
		t.Errorf("A2 shows %q", got)
	}
	if got, _ := f.GetCellValue(sheet, "B2"); got != "2026-03-01" {
		t.Errorf("B2 shows %q", got)
	}

	// Numbers: number cells.
	for ref, want := range map[string]string{"D2": "42", "D3": "-2.5", "D4": "1099511627776"} {
		typ, _ := f.GetCellType(sheet, ref)
		raw, _ := f.GetCellValue(sheet, ref, excelize.Options{RawCellValue: true})
		if typ == excelize.CellTypeInlineString || typ == excelize.CellTypeSharedString || raw != want {
			t.Errorf("%s = %q (type %v), want number %s", ref, raw, typ, want)
		}
	}

	// Text: string cells, exact text, including non-Latin.
	if got, _ := f.GetCellValue(sheet, "C2"); got != nonLatin {
		t.Errorf("C2 = %q, want %q", got, nonLatin)
	}
	if got, _ := f.GetCellValue(sheet, "C3"); got != `control\u0000\u0007chars` {
		t.Errorf("C3 = %q, want control characters shown as escapes", got)
	}
	for i, s := range formulaTexts {
		ref := "C" + strconv.Itoa(5+i)
		formula, err := f.GetCellFormula(sheet, ref)
		if err != nil || formula != "" {
			t.Errorf("%s has formula %q (%v), want none", ref, formula, err)
		}
		if got, _ := f.GetCellValue(sheet, ref); got != s {
			t.Errorf("%s = %q, want the text %q unchanged", ref, got, s)
		}
		if typ, _ := f.GetCellType(sheet, ref); typ != excelize.CellTypeInlineString {
			t.Errorf("%s type = %v, want an inline string", ref, typ)
		}
		// The Text number format keeps the cell text when someone edits it.
		id, _ := f.GetCellStyle(sheet, ref)
		if st, _ := f.GetStyle(id); st == nil || st.NumFmt != textFormat {
			t.Errorf("%s style = %+v, want number format %d (@)", ref, st, textFormat)
		}
	}
	if xml := sheetXML(t, data); strings.Contains(xml, "<f>") || strings.Contains(xml, "<f ") {
		t.Errorf("sheet XML contains a formula element")
	}
}

func checkDateCell(t *testing.T, f *excelize.File, sheet, ref string, want time.Time, format string) {
	t.Helper()
	raw, err := f.GetCellValue(sheet, ref, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	serial, err := strconv.ParseFloat(raw, 64)
	if err != nil {
		t.Fatalf("%s = %q, want a date serial number", ref, raw)
	}
	got, err := excelize.ExcelDateToTime(serial, false)
	if err != nil {
		t.Fatal(err)
	}
	wall := time.Date(want.Year(), want.Month(), want.Day(), want.Hour(), want.Minute(), want.Second(), want.Nanosecond(), time.UTC)
	if d := got.Sub(wall); math.Abs(float64(d)) > float64(time.Millisecond) {
		t.Errorf("%s = %v, want the wall clock %v", ref, got, wall)
	}
	id, _ := f.GetCellStyle(sheet, ref)
	st, err := f.GetStyle(id)
	if err != nil || st.CustomNumFmt == nil || *st.CustomNumFmt != format {
		t.Errorf("%s style = %+v, want number format %q", ref, st, format)
	}
}

// sheetXML returns the first worksheet's XML from an XLSX file.
func sheetXML(t *testing.T, data []byte) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := zr.Open("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestXLSXTimeOutsideDateColumn(t *testing.T) {
	old := time.Date(1900, 2, 28, 23, 0, 0, 0, time.UTC)
	when := time.Date(2026, 3, 1, 14, 5, 9, 0, time.UTC)
	data := writeXLSX(t, "S", []Column{{Title: "Note"}, {Title: "Day", Kind: Date}}, [][]any{
		{when, old},
		{&when, (*time.Time)(nil)},
	})
	f := openXLSX(t, data)
	checkDateCell(t, f, "S", "A2", when, "yyyy-mm-dd hh:mm:ss")
	checkDateCell(t, f, "S", "A3", when, "yyyy-mm-dd hh:mm:ss")
	// Before March 1900 Excel's calendar is off by a day; such a date is
	// written as text.
	if got, _ := f.GetCellValue(sheet(f), "B2"); got != "1900-02-28" {
		t.Errorf("B2 = %q, want 1900-02-28 as text", got)
	}
	if got, _ := f.GetCellValue(sheet(f), "B3"); got != "" {
		t.Errorf("B3 = %q, want empty for a nil time", got)
	}
}

func sheet(f *excelize.File) string { return f.GetSheetList()[0] }

// TestXLSXGolden pins the sheet XML of a small export: column widths and
// styles, frozen header, cell types.
func TestXLSXGolden(t *testing.T) {
	cols := activityColumns()
	var rows [][]any
	for i := range 3 {
		rows = append(rows, activityRow(i))
	}
	data := writeXLSX(t, "User Activity", cols, rows)
	// The worksheet element's fifty namespace declarations are excelize's
	// business, not layout.
	xml := regexp.MustCompile(`<worksheet [^>]*>`).ReplaceAllString(sheetXML(t, data), "<worksheet …>")
	xml = strings.ReplaceAll(xml, "><", ">\n<")
	golden(t, "activity.sheet1.xml", []byte(xml+"\n"))
}

func TestXLSXSheetName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"User Activity", "User Activity"},
		{"a/b\\c?d*e[f]g:h", "a_b_c_d_e_f_g_h"},
		{"", "Sheet1"},
		{"'quoted'", "quoted"},
		{strings.Repeat("x", 40), strings.Repeat("x", 31)},
		{"Łódź activity 2026-03-01 to 2026-03-31", "Łódź activity 2026-03-01 to 202"},
	}
	for _, tt := range tests {
		if got := sheetName(tt.in); got != tt.want {
			t.Errorf("sheetName(%q) = %q, want %q", tt.in, got, tt.want)
		}
		data := writeXLSX(t, tt.in, []Column{{Title: "A"}}, nil)
		if got := sheet(openXLSX(t, data)); got != tt.want {
			t.Errorf("sheet of %q is %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestXLSXRejects(t *testing.T) {
	if _, err := NewXLSX(io.Discard, "S", nil); err == nil {
		t.Error("no columns: want an error")
	}
	x, err := NewXLSX(io.Discard, "S", []Column{{Title: "A"}, {Title: "B"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := x.WriteRow("one"); err == nil {
		t.Error("short row: want an error")
	}
	if err := x.WriteRow(math.NaN(), "b"); err == nil {
		t.Error("NaN: want an error")
	}
	if err := x.WriteRow([]string{"a"}, "b"); err == nil {
		t.Error("slice value: want an error")
	}
	x.row = excelize.TotalRows
	if err := x.WriteRow("a", "b"); !errors.Is(err, ErrTooManyRows) {
		t.Errorf("row past the sheet's end: %v, want ErrTooManyRows", err)
	}
	x.row = 2
	x.bytes = maxSheetBytes
	if err := x.WriteRow("a", "b"); !errors.Is(err, ErrTooLarge) {
		t.Errorf("sheet past 3 GiB: %v, want ErrTooLarge", err)
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	if err := x.WriteRow("a", "b"); !errors.Is(err, ErrClosed) {
		t.Errorf("after Close: %v, want ErrClosed", err)
	}
}

// TestXLSXFlatMemory writes past excelize's 16 MiB in-memory chunk and
// checks that the sheet spills to a temporary file, that the peak heap does
// not grow with the row count, that Close removes the file, and that every
// row arrives.
// TestSheetBufferFound fails when an excelize upgrade moves the
// StreamWriter's sheet buffer: exports still work, but at about two thirds
// of their speed (BenchmarkXLSX100k), so sheetBuffer needs a look.
func TestSheetBufferFound(t *testing.T) {
	for range 2 { // the second export takes the first one's buffer
		var out bytes.Buffer
		x, err := NewXLSX(&out, "Log", activityColumns())
		if err != nil {
			t.Fatal(err)
		}
		if x.sheet == nil {
			t.Fatal("sheetBuffer did not find excelize's StreamWriter buffer")
		}
		if c := x.sheet.Cap(); c < sheetBufferSize {
			t.Errorf("sheet buffer holds %d bytes, want at least %d", c, sheetBufferSize)
		}
		for i := range 10 {
			if err := x.WriteRow(activityRow(i)...); err != nil {
				t.Fatal(err)
			}
		}
		if err := x.Close(); err != nil {
			t.Fatal(err)
		}
		if spareSheet.Load() == nil {
			t.Error("Close did not keep the sheet buffer for the next export")
		}
		// The start of the sheet, written before the swap, survived it.
		f := openXLSX(t, out.Bytes())
		rows, err := f.GetRows(sheet(f))
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 11 || rows[0][1] != "Member" {
			t.Fatalf("sheet read back as %d rows, first %q", len(rows), rows[0])
		}
	}
}

func TestXLSXFlatMemory(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // os.TempDir, which excelize uses, reads it

	write := func(n int, out io.Writer) (peak uint64, spilled bool) {
		peak = peakHeap(func() {
			x, err := NewXLSX(out, "Log", activityColumns())
			if err != nil {
				t.Fatal(err)
			}
			for i := range n {
				if err := x.WriteRow(activityRow(i)...); err != nil {
					t.Fatal(err)
				}
			}
			entries, _ := os.ReadDir(tmp)
			spilled = len(entries) > 0
			if err := x.Close(); err != nil {
				t.Fatal(err)
			}
		})
		return peak, spilled
	}

	small, _ := write(80000, io.Discard)
	// The file goes to disk: a buffer holding it would count as the
	// writer's heap and, being live, raise the garbage collector's goal.
	outPath := filepath.Join(t.TempDir(), "big.xlsx")
	out, err := os.Create(outPath)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	const n = 160000
	big, spilled := write(n, out)
	t.Logf("peak heap: %.1f MiB at 80,000 rows, %.1f MiB at %d rows", float64(small)/mib, float64(big)/mib, n)
	if !spilled {
		t.Error("no temporary file while writing: the sheet stayed in memory")
	}
	if entries, _ := os.ReadDir(tmp); len(entries) != 0 {
		t.Errorf("temporary files left after Close: %v", entries)
	}
	// Flat: twice the rows, not noticeably more heap. The budget is 64 MiB
	// and BenchmarkXLSX100k measures about 36; the peak is where the garbage
	// collector lets the heap grow around excelize's 16 MiB chunk, so the
	// limits here leave room for GC timing on a busy machine. A sheet held
	// in memory would be past 100 MiB at this size.
	if big > small+16*mib {
		t.Errorf("peak heap grew from %.1f to %.1f MiB when the rows doubled", float64(small)/mib, float64(big)/mib)
	}
	if big > 96*mib {
		t.Errorf("peak heap %.1f MiB, want about 36 and at most 96 MiB", float64(big)/mib)
	}

	// Read the sheet back as a stream: opening 160,000 rows with excelize
	// takes longer than writing them.
	zf, err := zip.OpenReader(outPath)
	if err != nil {
		t.Fatal(err)
	}
	defer zf.Close()
	rc, err := zf.Open("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	dec := xml.NewDecoder(rc)
	rows, lastText := 0, ""
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if tok.Name.Local == "row" {
				rows++
			}
		case xml.CharData:
			if s := string(tok); strings.HasPrefix(s, "row-") {
				lastText = s
			}
		}
	}
	if rows != n+1 {
		t.Errorf("sheet has %d rows, want %d", rows, n+1)
	}
	if want := fmt.Sprintf("row-%06d", n-1); !strings.HasPrefix(lastText, want) {
		t.Errorf("last details = %q, want it to start %q", lastText, want)
	}
}

func TestXLSXNeedsTempDir(t *testing.T) {
	t.Setenv("TMPDIR", filepath.Join(t.TempDir(), "missing"))
	if _, err := NewXLSX(io.Discard, "S", []Column{{Title: "A"}}); err == nil {
		t.Error("NewXLSX without a usable temporary directory: want an error, not a sheet held in memory")
	}
}

// TestXLSXAbort gives up on an export that has spilled to disk: the
// temporary file goes and nothing reaches w.
func TestXLSXAbort(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	var out bytes.Buffer
	x, err := NewXLSX(&out, "Log", activityColumns())
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; ; i++ {
		if err := x.WriteRow(activityRow(i)...); err != nil {
			t.Fatal(err)
		}
		if i%1000 == 0 {
			if entries, _ := os.ReadDir(tmp); len(entries) > 0 {
				break
			}
		}
		if i > 500000 {
			t.Fatal("no temporary file after 500,000 rows")
		}
	}
	x.Abort()
	if entries, _ := os.ReadDir(tmp); len(entries) != 0 {
		t.Errorf("temporary files left after Abort: %v", entries)
	}
	if err := x.Close(); err != nil || out.Len() != 0 {
		t.Errorf("Close after Abort: %v, %d bytes written; want nothing", err, out.Len())
	}
}

func TestAbortAfterClose(t *testing.T) {
	cols := []Column{{Title: "A"}}
	var buf bytes.Buffer
	open := map[string]func() (RowWriter, error){
		"csv":  func() (RowWriter, error) { return NewCSV(&buf, cols, CSVOptions{}) },
		"xlsx": func() (RowWriter, error) { return NewXLSX(&buf, "S", cols) },
		"pdf":  func() (RowWriter, error) { return NewPDF(&buf, PDFMeta{Title: "T"}, cols) },
	}
	for name, fn := range open {
		buf.Reset()
		w, err := fn()
		if err != nil {
			t.Fatal(err)
		}
		if err := w.WriteRow("x"); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		n := buf.Len()
		w.Abort()
		if n == 0 || buf.Len() != n {
			t.Errorf("%s: %d bytes after Close, %d after Abort; want the file, untouched", name, n, buf.Len())
		}
		if err := w.WriteRow("y"); !errors.Is(err, ErrClosed) {
			t.Errorf("%s: WriteRow after Close = %v, want ErrClosed", name, err)
		}
	}
}
