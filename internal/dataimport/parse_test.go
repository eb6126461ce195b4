package dataimport

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

func f64(v float64) *float64 { return &v }

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func txt(s string) Cell     { return Cell{Kind: Text, Text: s} }
func num(v float64) Cell    { return Cell{Kind: Number, Num: v} }
func date(t time.Time) Cell { return Cell{Kind: Date, Date: t} }

func eqf(a, b *float64) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

// checkRow compares the parts of a row a test names.
func checkRow(t *testing.T, got Row, line int, measure, period Cell, actual, target *float64, comment string, errs int) {
	t.Helper()
	if got.Line != line || got.Measure != measure || got.Period != period || !eqf(got.Actual, actual) ||
		!eqf(got.Target, target) || got.Comment != comment || len(got.Errors) != errs {
		t.Errorf("row %d = %+v (actual %v, target %v), want measure %+v period %+v actual %v target %v comment %q, %d errors",
			line, got, fp(got.Actual), fp(got.Target), measure, period, fp(actual), fp(target), comment, errs)
	}
}

func fp(v *float64) string {
	if v == nil {
		return "nil"
	}
	return fmtNum(*v)
}

func TestParseNumber(t *testing.T) {
	for _, c := range []struct {
		in   string
		m    mark
		want float64
		ok   bool
	}{
		{"12", AutoMark, 12, true},
		{"-12.5", AutoMark, -12.5, true},
		{"−3", AutoMark, -3, true},
		{"+3", AutoMark, 3, true},
		{"1,234", AutoMark, 1234, true},
		{"1,5", AutoMark, 1.5, true},
		{"1,234,567.25", AutoMark, 1234567.25, true},
		{"1.234.567,25", AutoMark, 1234567.25, true},
		{"1 234 567,5", AutoMark, 1234567.5, true},
		{"1\u00a0234", AutoMark, 1234, true},
		{"1'234.5", AutoMark, 1234.5, true},
		{".5", AutoMark, 0.5, true},
		{"1.234", CommaMark, 1234, true},
		{"12,75", CommaMark, 12.75, true},
		{"1,234", PointMark, 1234, true},
		{"12,34", PointMark, 0, false},     // not groups of three
		{"1 234,567", PointMark, 0, false}, // two kinds of separator
		{"1.2.3", AutoMark, 0, false},
		{"abc", AutoMark, 0, false},
		{"1e5", AutoMark, 0, false},
		{"NaN", AutoMark, 0, false},
		{"Inf", AutoMark, 0, false},
		{"=1+1", AutoMark, 0, false},
		{"12%", AutoMark, 0, false},
		{"", AutoMark, 0, false},
	} {
		got, msg := ParseNumber(c.in, c.m)
		if (msg == "") != c.ok || (c.ok && got != c.want) {
			t.Errorf("ParseNumber(%q, %d) = %v, %q; want %v ok=%v", c.in, c.m, got, msg, c.want, c.ok)
		}
	}
}

// A CSV as Excel saves it in a locale whose decimal mark is the comma: a
// byte order mark, CRLF, semicolons, decimal commas, thousands points.
func TestCSVFromSpreadsheet(t *testing.T) {
	raw, err := os.ReadFile("testdata/excel-de.csv")
	if err != nil {
		t.Fatal(err)
	}
	f, err := Parse(bytes.NewReader(raw), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if f.Format != CSV || len(f.Rows) != 4 || f.Columns != (Columns{Actual: true, Target: true, Comment: true}) || len(f.Hash) != 64 {
		t.Fatalf("file = %+v", f)
	}
	checkRow(t, f.Rows[0], 2, txt("101"), txt("Jan 2024"), f64(1234.5), f64(1200), "Winter; dip", 0)
	checkRow(t, f.Rows[1], 3, txt("101"), txt("2024-02-29"), f64(12.75), nil, "", 0)
	checkRow(t, f.Rows[2], 4, txt("Visitors served"), txt("Q1 2024"), f64(-0.5), f64(1000), "", 0)
	// The blank line 5 is skipped; a text actual is the row's error; a
	// formula in a comment is text, kept as written.
	checkRow(t, f.Rows[3], 6, txt("101"), txt("Mar 2024"), nil, f64(12.5), `=HYPERLINK("http://x")`, 1)
	if !strings.Contains(f.Rows[3].Errors[0], "The actual is not a number: “abc”") {
		t.Errorf("error = %q", f.Rows[3].Errors[0])
	}
}

// An XLSX saved by LibreOffice Calc 7.4 (testdata/libreoffice.fods converted
// with `soffice --headless --convert-to xlsx`): numbers are numbers, the
// date cell a date, and formula cells are refused with their formula, never
// read by their cached result.
func TestLibreOfficeXLSX(t *testing.T) {
	raw, err := os.ReadFile("testdata/libreoffice.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	f, err := Parse(bytes.NewReader(raw), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if f.Format != XLSX || f.Sheet != "Values" || len(f.Rows) != 3 {
		t.Fatalf("file = %+v", f)
	}
	checkRow(t, f.Rows[0], 2, num(101), date(day(2024, 1, 31)), f64(1234.5), f64(1200), "Winter dip, ça va", 0)
	checkRow(t, f.Rows[1], 3, txt("Visitors served"), txt("Q1 2024"), f64(0.25), nil, "", 1)
	if e := f.Rows[1].Errors[0]; !strings.Contains(e, "Cell E3 (comment) holds a formula (“=HYPERLINK(") || !strings.Contains(e, "never calculated") {
		t.Errorf("formula error = %q", e)
	}
	// "1.234,5" typed as text reads with the last mark as the decimal one.
	checkRow(t, f.Rows[2], 4, txt("ext:ABC-7"), txt("FY 2025"), f64(1234.5), nil, "", 1)
	if e := f.Rows[2].Errors[0]; !strings.Contains(e, "Cell D4 (target) holds a formula (“=C2*2”)") {
		t.Errorf("formula error = %q", e)
	}
	if _, err := Parse(bytes.NewReader(raw), Options{Sheet: "values"}); err != nil {
		t.Errorf("sheet by name: %v", err)
	}
	_, err = Parse(bytes.NewReader(raw), Options{Sheet: "Other"})
	var fe *FileError
	if !errors.As(err, &fe) || !strings.Contains(fe.Msg, "no sheet named “Other”. Its sheets: “Values”") {
		t.Errorf("unknown sheet: %v", err)
	}
}

// excelizeBook writes a workbook as excelize does, with date cells in a
// built-in and a custom date format.
func excelizeBook(t *testing.T, rows [][]any, formula map[string]string) []byte {
	t.Helper()
	x := excelize.NewFile()
	defer x.Close()
	sheet := x.GetSheetName(0)
	iso, err := x.NewStyle(&excelize.Style{NumFmt: 14})
	if err != nil {
		t.Fatal(err)
	}
	custom := "mmm yyyy"
	monthly, err := x.NewStyle(&excelize.Style{CustomNumFmt: &custom})
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		for j, v := range r {
			ref, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if err := x.SetCellValue(sheet, ref, v); err != nil {
				t.Fatal(err)
			}
			if d, ok := v.(time.Time); ok {
				st := iso
				if d.Day() == 1 {
					st = monthly
				}
				if err := x.SetCellStyle(sheet, ref, ref, st); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	for ref, fm := range formula {
		if err := x.SetCellFormula(sheet, ref, fm); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := x.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestExcelizeDates(t *testing.T) {
	raw := excelizeBook(t, [][]any{
		{"MEASURE_ID", "Measure Title", "Period", "Actual", "Target", "Comment"},
		{7, "Calls", day(2024, 3, 15), 12.5, 10, "ok"},
		{7, "Calls", day(2024, 4, 1), "1,234.5", nil, nil},
		{},
		{"Calls", nil, "Q2 2024", 3, nil, "=HYPERLINK(\"x\")"},
		{"Calls", nil, 2024, nil, nil, "x"},
	}, map[string]string{"E6": "SUM(D2:D3)"})
	f, err := Parse(bytes.NewReader(raw), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Rows) != 4 {
		t.Fatalf("rows = %+v", f.Rows)
	}
	checkRow(t, f.Rows[0], 2, num(7), date(day(2024, 3, 15)), f64(12.5), f64(10), "ok", 0)
	checkRow(t, f.Rows[1], 3, num(7), date(day(2024, 4, 1)), f64(1234.5), nil, "", 0)
	// A string value starting with '=' is text (excelize writes it as a
	// string cell, as a person typing '=… does).
	checkRow(t, f.Rows[2], 5, txt("Calls"), txt("Q2 2024"), f64(3), nil, `=HYPERLINK("x")`, 0)
	checkRow(t, f.Rows[3], 6, txt("Calls"), num(2024), nil, nil, "x", 1)
}

func TestHeader(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"measure,period\n1,Jan 2024\n", "There is no actual, target, forecast or comment column"},
		{"measure,actual\n1,2\n", "Missing column “period”"},
		{"measure,period,actual,actual\n1,Jan 2024,2,3\n", "Column “actual” appears more than once"},
		{"measure,period,actual,colour\n1,Jan 2024,2,3\n", "Unknown column “colour”"},
		{"1,Jan 2024,2\n", "The first row must be the header row"},
		{"measure,period,actual\n", "The file has no rows"},
		{"", "The file has no rows"},
		{"\xff\xfem\x00", "UTF-16"},
		{"\xd0\xcf\x11\xe0rest", "old Excel workbook (.xls)"},
	} {
		_, err := Parse(strings.NewReader(c.in), Options{})
		var fe *FileError
		if !errors.As(err, &fe) || !strings.Contains(fe.Msg, c.want) {
			t.Errorf("Parse(%q) = %v, want a file error with %q", c.in, err, c.want)
		}
	}
	// A title column stands in for a missing measure column.
	f, err := Parse(strings.NewReader("Title,Period,Target\nCalls,Jan 2024,5\n"), Options{})
	if err != nil || f.Rows[0].Measure != txt("Calls") || f.Columns != (Columns{Target: true}) {
		t.Errorf("title as measure: %+v, %v", f, err)
	}
}

// endless is a reader of n bytes of CSV-looking text, never held whole.
type endless struct{ n int }

func (e *endless) Read(p []byte) (int, error) {
	if e.n <= 0 {
		return 0, io.EOF
	}
	k := min(len(p), e.n)
	for i := range p[:k] {
		p[i] = "1,Jan 2024,5\n"[i%13]
	}
	e.n -= k
	return k, nil
}

func TestHostileFiles(t *testing.T) {
	var fe *FileError
	// 50 MB: refused by size, having read one byte past the limit.
	r := &endless{n: 50 << 20}
	if _, err := Parse(r, Options{}); !errors.As(err, &fe) || !strings.Contains(fe.Msg, "larger than 20 MB") {
		t.Errorf("50 MB: %v", err)
	}
	if read := 50<<20 - r.n; read != MaxBytes+1 {
		t.Errorf("50 MB: read %d bytes, want %d", read, MaxBytes+1)
	}

	// A zip bomb dressed as a workbook: its sheet expands to 300 MB of zeros.
	if _, err := ParseBytes(bomb(t, 300<<20, false), Options{}); !errors.As(err, &fe) || !strings.Contains(fe.Msg, "refused before being opened") {
		t.Errorf("bomb: %v", err)
	}
	// One that lies about its size in the directory: reading stops at the
	// declared size, so it is a damaged workbook, not 64 MB in memory.
	if _, err := ParseBytes(bomb(t, 64<<20, true), Options{}); !errors.As(err, &fe) || !strings.Contains(fe.Msg, "could not be read") {
		t.Errorf("lying bomb: %v", err)
	}
	if _, err := ParseBytes([]byte("PK\x03\x04garbage"), Options{}); !errors.As(err, &fe) || !strings.Contains(fe.Msg, "not a valid zip") {
		t.Errorf("damaged zip: %v", err)
	}
}

// bomb builds a minimal workbook whose sheet expands to size bytes of
// zeros; lie declares it 1 KB in the zip directory.
func bomb(t *testing.T, size int64, lie bool) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, body := range map[string]string{
		"[Content_Types].xml":        `<Types/>`,
		"_rels/.rels":                `<Relationships><Relationship Id="r1" Type="x/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
		"xl/workbook.xml":            `<workbook><sheets><sheet name="S" r:id="r1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<Relationships><Relationship Id="r1" Type="x/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
	} {
		w, _ := zw.Create(name)
		w.Write([]byte(body))
	}
	var comp bytes.Buffer
	fw, err := flate.NewWriter(&comp, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	zero := make([]byte, 1<<20)
	for n := int64(0); n < size; n += int64(len(zero)) {
		fw.Write(zero)
	}
	fw.Close()
	declared := uint64(size)
	if lie {
		declared = 1 << 10
	}
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate,
		CompressedSize64: uint64(comp.Len()), UncompressedSize64: declared})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(comp.Bytes())
	zw.Close()
	return b.Bytes()
}

func TestRowLimit(t *testing.T) {
	var b bytes.Buffer
	b.Grow(15 << 20)
	b.WriteString("measure,period,actual\n")
	line := []byte("1,Jan 2024,5\n")
	for i := 0; i < MaxRows+1; i++ {
		b.Write(line)
	}
	_, err := ParseBytes(b.Bytes(), Options{})
	var fe *FileError
	want := "The file has more than 1,000,000 rows (row 1,000,002 is one too many). Split it into files of at most 1,000,000 rows."
	if !errors.As(err, &fe) || fe.Msg != want {
		t.Errorf("1,000,001 rows: %v, want %q", err, want)
	}
	// Exactly the limit is read.
	f, err := ParseBytes(b.Bytes()[:b.Len()-len(line)], Options{})
	if err != nil || len(f.Rows) != MaxRows {
		t.Errorf("1,000,000 rows: %d rows, %v", len(f.Rows), err)
	}
}

func TestWriteResults(t *testing.T) {
	var b bytes.Buffer
	if err := WriteResults(&b, []Result{{2, "new", ""}, {3, "error", `=HYPERLINK("x")`}}); err != nil {
		t.Fatal(err)
	}
	want := "\ufeffrow,outcome,reason\r\n2,new,\r\n3,error,\"'=HYPERLINK(\"\"x\"\")\"\r\n"
	if b.String() != want {
		t.Errorf("results = %q, want %q", b.String(), want)
	}
}

// What WriteCSV and WriteXLSX write, Parse reads back as written; the
// workbook's measure and period columns are locked, its value columns not.
func TestSheetsReadBack(t *testing.T) {
	rows := []SheetRow{
		{Measure: 7, Title: "=Calls", Period: "Jan 2024", Actual: f64(-1234.5), Target: f64(10), Comment: "=HYPERLINK(\"x\")"},
		{Measure: 8, Title: "Visits, all", Period: "Q1 2024"},
	}
	var c, x bytes.Buffer
	if err := WriteCSV(&c, rows); err != nil {
		t.Fatal(err)
	}
	if err := WriteXLSX(&x, "Data values", rows); err != nil {
		t.Fatal(err)
	}
	for name, raw := range map[string][]byte{"csv": c.Bytes(), "xlsx": x.Bytes()} {
		f, err := ParseBytes(raw, Options{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(f.Rows) != 2 {
			t.Fatalf("%s: %+v", name, f.Rows)
		}
		measure := num(7)
		if name == "csv" {
			measure = txt("7")
		}
		checkRow(t, f.Rows[0], 2, measure, txt("Jan 2024"), f64(-1234.5), f64(10), `=HYPERLINK("x")`, 0)
	}
	zr, err := zip.NewReader(bytes.NewReader(x.Bytes()), int64(x.Len()))
	if err != nil {
		t.Fatal(err)
	}
	for _, zf := range zr.File {
		if zf.Name == "xl/worksheets/sheet1.xml" {
			rc, _ := zf.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			if !bytes.Contains(b, []byte("<sheetProtection")) {
				t.Errorf("the sheet is not protected")
			}
		}
	}
	wb, err := excelize.OpenReader(bytes.NewReader(x.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	for ref, locked := range map[string]bool{"A2": true, "C2": true, "D2": false, "E3": false, "F2": false} {
		id, err := wb.GetCellStyle("Data values", ref)
		if err != nil {
			t.Fatal(err)
		}
		st, err := wb.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		got := st.Protection == nil || st.Protection.Locked
		if got != locked {
			t.Errorf("%s locked = %v, want %v", ref, got, locked)
		}
	}
}
