package export

import (
	"archive/zip"
	"compress/flate"
	"fmt"
	"io"
	"strings"
	"time"

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
// compresses that file straight into w.
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
}

// NewXLSX starts an XLSX export to w with one sheet (its name cleaned to what
// Excel accepts) and writes the header row. Nothing reaches w until Close.
func NewXLSX(w io.Writer, sheet string, cols []Column) (*XLSXWriter, error) {
	if err := checkColumns(cols); err != nil {
		return nil, err
	}
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

	dateFmt, dateTimeFmt := "yyyy-mm-dd", "yyyy-mm-dd hh:mm:ss"
	top := &excelize.Alignment{Vertical: "top"}
	styles := map[Kind]*excelize.Style{
		Text:     {NumFmt: textFormat, Alignment: top},
		Number:   {Alignment: top},
		Date:     {CustomNumFmt: &dateFmt, Alignment: top},
		DateTime: {CustomNumFmt: &dateTimeFmt, Alignment: top},
	}
	ids := map[Kind]int{}
	for k, s := range styles {
		if ids[k], err = f.NewStyle(s); err != nil {
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

	for i, c := range x.cols {
		n := i + 1
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
		x.buf[i] = cleanText(c.Title)
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
		c, err := toCell(v)
		if err != nil {
			return err
		}
		size += cellOverhead
		switch c.kind {
		case cellEmpty:
			x.buf[i] = nil
		case cellText:
			size += int64(len(c.s))
			x.buf[i] = c.s
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
	ref, err := excelize.CoordinatesToCellName(1, x.row)
	if err != nil {
		return err
	}
	return x.sw.SetRow(ref, x.buf)
}

// timeValue returns what to hand excelize for a time: the time itself in a
// date column (the column style formats it), a styled cell elsewhere so it
// does not show as a bare serial number, and text before 1900, which Excel's
// date system cannot hold.
func (x *XLSXWriter) timeValue(t time.Time, k Kind) any {
	if t.Year() < 1900 {
		return cell{kind: cellTime, t: t}.text(k)
	}
	if k == Date || k == DateTime {
		return t
	}
	return excelize.Cell{StyleID: x.dtCell, Value: t}
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
	}, cleanText(s))
	if r := []rune(s); len(r) > 31 {
		s = string(r[:31])
	}
	s = strings.Trim(s, "' ")
	if s == "" {
		return "Sheet1"
	}
	return s
}
