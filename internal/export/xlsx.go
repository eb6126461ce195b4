package export

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"os"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/xuri/excelize/v2"
)

const (
	// maxSheetBytes stays under 4 GiB with room for the XML this writer does
	// not count exactly.
	maxSheetBytes = 3 << 30
	// cellOverhead is a generous estimate of the XML around one cell value
	// (<c r="AB1048576" s="12" t="inlineStr"><is><t></t></is></c>).
	cellOverhead = 64
	// textFormat is the built-in "@" number format: a cell in it stays text
	// even when someone edits it in the spreadsheet and types a formula.
	textFormat = 49
)

// XLSXWriter writes one worksheet with a bold, frozen header row. It holds
// memory flat: excelize's StreamWriter keeps at most 16 MiB of sheet XML in
// memory and spills the rest to a temporary file (os.TempDir), and Close
// compresses that file straight into w. The peak heap is about 36 MiB,
// however many rows follow (BenchmarkXLSX100k, TestXLSXFlatMemory): the
// 17 MiB sheet buffer (see sheetBuffer) and the garbage collector's
// headroom over it. Text longer than Excel's 32,767
// characters per cell is cut there by excelize.
type XLSXWriter struct {
	f      *excelize.File
	sw     *excelize.StreamWriter
	out    io.Writer
	cols   []Column
	row    int   // last row written; the header is row 1
	bytes  int64 // estimated sheet XML so far, for ErrTooLarge
	buf    []any // reused between rows
	dtCell int   // style for a time in a column that is not a date column
	closed bool
	sheet  *bytes.Buffer // excelize's sheet buffer, when sheetBuffer finds it
}

// NewXLSX starts an XLSX export to w with one sheet (its name cleaned to what
// Excel accepts) and writes the header row. Nothing reaches w until Close.
func NewXLSX(w io.Writer, sheet string, cols []Column) (*XLSXWriter, error) {
	if err := checkColumns(cols); err != nil {
		return nil, err
	}
	// excelize keeps the whole sheet in memory, silently, when it cannot
	// create its temporary file; refuse up front instead.
	probe, err := os.CreateTemp("", "export-probe-*")
	if err != nil {
		return nil, fmt.Errorf("export: XLSX needs a writable temporary directory: %w", err)
	}
	_ = probe.Close()
	_ = os.Remove(probe.Name())

	f := excelize.NewFile()
	x := &XLSXWriter{f: f, out: w, cols: cols, buf: make([]any, len(cols))}
	if err := x.start(sheetName(sheet)); err != nil {
		_ = f.Close()
		return nil, err
	}
	return x, nil
}

func (x *XLSXWriter) start(sheet string) error {
	f := x.f
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	x.sw = sw
	x.sheet = sheetBuffer(sw)

	dateFmt, dateTimeFmt := "yyyy-mm-dd", "yyyy-mm-dd hh:mm:ss"
	top := &excelize.Alignment{Vertical: "top"}
	// In Kind order, so that style ids, and the file, are the same each time.
	styles := []*excelize.Style{
		Text:     {NumFmt: textFormat, Alignment: top},
		Number:   {Alignment: top},
		Date:     {CustomNumFmt: &dateFmt, Alignment: top},
		DateTime: {CustomNumFmt: &dateTimeFmt, Alignment: top},
	}
	ids := map[Kind]int{}
	for k, s := range styles {
		if ids[Kind(k)], err = f.NewStyle(s); err != nil {
			return err
		}
	}
	x.dtCell = ids[DateTime]
	header, err := f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Alignment: &excelize.Alignment{Vertical: "top", WrapText: true},
		Border:    []excelize.Border{{Type: "bottom", Color: "000000", Style: 1}},
	})
	if err != nil {
		return err
	}

	// Last column first: excelize puts each new <col> ahead of the others,
	// and Excel wants them in ascending order.
	for i := len(x.cols) - 1; i >= 0; i-- {
		c, n := x.cols[i], i+1
		if err := sw.SetColWidth(n, n, c.width()); err != nil {
			return err
		}
		id, ok := ids[c.Kind]
		if !ok {
			id = ids[Text]
		}
		if err := sw.SetColStyle(n, n, id); err != nil {
			return err
		}
	}
	// Freezing the header keeps the titles in view while scrolling a long log.
	if err := sw.SetPanes(&excelize.Panes{
		Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}},
	}); err != nil {
		return err
	}

	for i, c := range x.cols {
		x.buf[i] = cleanText(c.Title, false)
	}
	x.row = 1
	return sw.SetRow("A1", x.buf, excelize.RowOpts{StyleID: header})
}

// WriteRow writes one row. Strings become typed string cells (never
// formulas), integers and floats number cells, times date cells.
func (x *XLSXWriter) WriteRow(values ...any) error {
	if x.closed {
		return ErrClosed
	}
	if err := checkRow(values, x.cols); err != nil {
		return err
	}
	if x.row >= excelize.TotalRows {
		return ErrTooManyRows
	}
	size := int64(0)
	for i, v := range values {
		c, err := toCell(v, x.cols[i])
		if err != nil {
			return err
		}
		size += cellOverhead
		// Hand excelize the caller's value where it can take it as is:
		// re-boxing a string or time costs an allocation per cell.
		switch c.kind {
		case cellEmpty:
			x.buf[i] = nil
		case cellText:
			size += int64(len(c.s))
			if s, ok := v.(string); ok && s == c.s {
				x.buf[i] = v
			} else {
				x.buf[i] = c.s
			}
		case cellTime:
			x.buf[i] = x.timeValue(c.t, x.cols[i].Kind)
		default:
			// excelize writes every Go integer and float type as a number.
			x.buf[i] = v
		}
	}
	if x.bytes += size; x.bytes > maxSheetBytes {
		return ErrTooLarge
	}
	x.row++
	return x.sw.SetRow("A"+strconv.Itoa(x.row), x.buf)
}

// timeValue returns what to hand excelize for a time: its serial number in a
// date column (the column style formats it), a styled cell elsewhere so it
// does not show as a bare number, and text before March 1900, where Excel's
// calendar has its invented 29 February.
func (x *XLSXWriter) timeValue(t time.Time, k Kind) any {
	serial, ok := excelSerial(t)
	if !ok {
		return cell{kind: cellTime, t: t}.text(k)
	}
	if k == Date || k == DateTime {
		return serial
	}
	return excelize.Cell{StyleID: x.dtCell, Value: serial}
}

// excelEpoch is day 0 of Excel's 1900 date system as it counts from March
// 1900 on (it believes 1900 was a leap year).
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).Unix()

// excelSerial is t's wall clock as an Excel date number. Doing it here
// rather than handing excelize a time.Time saves a workbook lookup, a style
// check and a number parse per cell, a good part of a date column's cost.
func excelSerial(t time.Time) (float64, bool) {
	if t.Before(time.Date(1900, 3, 1, 0, 0, 0, 0, t.Location())) {
		return 0, false
	}
	_, offset := t.Zone()
	secs := t.Unix() + int64(offset) - excelEpoch
	return float64(secs)/86400 + float64(t.Nanosecond())/86400e9, true
}

// Close finishes the sheet, writes the workbook to w and removes the
// temporary file. It does not close w.
func (x *XLSXWriter) Close() (err error) {
	if x.closed {
		return nil
	}
	x.closed = true
	defer func() {
		if cerr := x.f.Close(); err == nil {
			err = cerr
		}
		x.keepSheetBuffer()
	}()
	if err := x.sw.Flush(); err != nil {
		return err
	}
	// excelize assembles the zip in a bytes.Buffer, so a large sheet would sit
	// in memory whole. Its ZipWriter hook lets the zip go straight to w
	// instead; the buffer stays empty. What is given up is excelize's ZIP64
	// header patch, which ErrTooLarge makes unnecessary.
	zw := zip.NewWriter(x.out)
	// Fastest deflate: the sheet XML is repetitive enough that the file is
	// barely larger, and compression is most of the cost of a big export.
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestSpeed)
	})
	x.f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zw })
	buf, err := x.f.WriteToBuffer()
	if err != nil {
		return err
	}
	if buf.Len() != 0 {
		return fmt.Errorf("export: excelize wrote %d bytes around the zip writer", buf.Len())
	}
	return nil
}

// Abort removes the temporary file without writing anything to w.
func (x *XLSXWriter) Abort() {
	if !x.closed {
		x.closed = true
		_ = x.f.Close()
		x.keepSheetBuffer()
	}
}

// sheetName makes s a valid worksheet name: at most 31 characters, none of
// : \ / ? * [ ], not starting or ending with an apostrophe, not empty.
func sheetName(s string) string {
	s = strings.Map(func(r rune) rune {
		switch r {
		case ':', '\\', '/', '?', '*', '[', ']':
			return '_'
		}
		if r < 0x20 {
			return -1
		}
		return r
	}, cleanText(s, false))
	if r := []rune(s); len(r) > 31 {
		s = string(r[:31])
	}
	s = strings.Trim(s, "' ")
	if s == "" {
		return "Sheet1"
	}
	return s
}

// The sheet buffer. excelize's StreamWriter collects sheet XML in a
// bytes.Buffer and moves it to its temporary file each time it passes
// excelize.StreamChunkSize. Left alone, the buffer grows by doubling to
// twice that, and every growth clears a fresh, larger slice that the
// garbage collector cannot interrupt: a third of an export's time in
// BenchmarkXLSX100k. sheetBuffer gives the StreamWriter a buffer that
// already holds a chunk and a megabyte past it (rows larger than that
// still grow it, once), and the last export's buffer is kept for the
// next, so a server does not fault in new pages each time. The buffer
// only ever returns what the export writing into it wrote.
const (
	sheetBufferSize = excelize.StreamChunkSize + 1<<20
	sheetBufferKeep = 2 * sheetBufferSize // a larger one is left to the GC
)

// spareSheet is the buffer of the last finished export.
var spareSheet atomic.Pointer[[]byte]

// sheetBuffer swaps sw's sheet buffer for a presized one, keeping what
// excelize has written so far, and returns it. It reads an unexported
// field, so it returns nil, and the writer works as before, when this
// excelize version lays the StreamWriter out differently;
// TestSheetBufferFound fails then.
func sheetBuffer(sw *excelize.StreamWriter) *bytes.Buffer {
	v := reflect.ValueOf(sw).Elem().FieldByName("rawData")
	if !v.IsValid() || v.Kind() != reflect.Struct {
		return nil
	}
	v = v.FieldByName("buf")
	if !v.IsValid() || v.Type() != reflect.TypeFor[bytes.Buffer]() {
		return nil
	}
	b := (*bytes.Buffer)(unsafe.Pointer(v.UnsafeAddr()))
	var buf []byte
	if p := spareSheet.Swap(nil); p != nil {
		buf = (*p)[:0]
	} else {
		buf = make([]byte, 0, sheetBufferSize)
	}
	*b = *bytes.NewBuffer(append(buf, b.Bytes()...))
	return b
}

// keepSheetBuffer keeps the sheet buffer for the next export. It runs after
// the workbook is closed, when excelize no longer reads the buffer.
func (x *XLSXWriter) keepSheetBuffer() {
	if x.sheet == nil {
		return
	}
	buf := x.sheet.Bytes()[:0]
	x.sheet = nil
	if cap(buf) <= sheetBufferKeep {
		spareSheet.Store(&buf)
	}
}
