package dataimport

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"time"
)

const (
	// MaxBytes is the largest upload Parse accepts (the upload limit of the
	// page). The whole file is kept in memory to be read twice (preview,
	// then run) and hashed; 20 MiB holds a million short CSV rows.
	MaxBytes = 20 << 20

	// MaxRows is the most data rows one file may hold.
	MaxRows = 1_000_000

	// MaxUnzipped is the most a workbook may expand to, all parts together,
	// and MaxRatio the most any part may expand relative to its compressed
	// size once it is over ratioFloor: real sheets compress 5–30×, a zip
	// bomb thousands of times.
	MaxUnzipped = 256 << 20
	MaxRatio    = 200
	ratioFloor  = 1 << 20

	// maxStrings bounds the shared strings part, which is the one part held
	// in memory whole.
	maxStrings = 64 << 20
)

// Format is the kind of file an upload was read as.
type Format string

// The formats Parse reads.
const (
	CSV  Format = "csv"
	XLSX Format = "xlsx"
)

// Kind is what a cell holds.
type Kind uint8

// Cell kinds.
const (
	Empty Kind = iota
	Text
	Number
	Date
)

// Cell is one cell of a row as the file holds it.
type Cell struct {
	Kind Kind
	Text string    // Text: as written, trimmed
	Num  float64   // Number
	Date time.Time // Date: the civil date, 00:00 UTC
}

func (c Cell) String() string {
	switch c.Kind {
	case Text:
		return c.Text
	case Number:
		return fmtNum(c.Num)
	case Date:
		return c.Date.Format("2006-01-02")
	}
	return ""
}

// Row is one data row of the file.
type Row struct {
	Line     int  // 1-based line (CSV) or row number (XLSX); the header is above it
	Measure  Cell // an id, an external id or a title
	Period   Cell // a date in the period, or its label
	Actual   *float64
	Target   *float64
	Forecast *float64
	Comment  string
	Errors   []string // problems of the row on its own (not a number, a formula)
}

// Columns says which optional columns the file has: a value column the file
// lacks keeps what is stored, where an empty cell of a present column
// clears it.
type Columns struct {
	Actual, Target, Forecast, Comment bool
}

// File is a parsed upload.
type File struct {
	Format  Format
	Sheet   string // XLSX: the sheet read
	Columns Columns
	Rows    []Row
	Hash    string // hex SHA-256 of the upload, to tell the same file again
}

// Options choose what to read.
type Options struct {
	Sheet string // XLSX: the sheet by name; "" is the first
}

// FileError is a problem with the file as a whole, written for the person
// who uploaded it.
type FileError struct {
	Line int // the line or row concerned, or 0
	Msg  string
}

// Error returns the message as written for the uploader.
func (e *FileError) Error() string { return e.Msg }

func fileErr(line int, format string, args ...any) *FileError {
	return &FileError{Line: line, Msg: fmt.Sprintf(format, args...)}
}

// Parse reads an upload (CSV or XLSX, told from its content). It returns a
// *FileError for a file it refuses, or the error of r.
func Parse(r io.Reader, opt Options) (File, error) {
	raw, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return File{}, fmt.Errorf("dataimport: reading the upload: %w", err)
	}
	if len(raw) > MaxBytes {
		return File{}, fileErr(0, "The file is larger than %d MB. Split it into smaller files and import them one by one.", MaxBytes>>20)
	}
	return ParseBytes(raw, opt)
}

// ParseBytes is Parse of an upload already in memory (at most MaxBytes).
func ParseBytes(raw []byte, opt Options) (File, error) {
	return parseBytes(raw, opt, &rowSink{})
}

// ParseEach reads an upload as ParseBytes does, but hands each data row to
// each as it is read instead of keeping it (File.Rows stays empty), so a
// file of 100,000 rows is never held as 100,000 rows. An error of each
// stops the reading and is returned; a *FileError may come after rows were
// handed over (a row past MaxRows, a damaged part further on).
func ParseEach(raw []byte, opt Options, each func(Row) error) (File, error) {
	return parseBytes(raw, opt, &rowSink{each: each})
}

// rowSink takes the rows a reader reads: into File.Rows, or to each.
type rowSink struct {
	each func(Row) error
	n    int   // rows taken
	err  error // what each returned, which stopped the reading
}

// errStopped stops a reader when each has failed.
var errStopped = &FileError{Msg: "dataimport: stopped"}

func (s *rowSink) add(f *File, row Row) *FileError {
	if s.n == MaxRows {
		return tooMany(row.Line)
	}
	s.n++
	if s.each == nil {
		f.Rows = append(f.Rows, row)
		return nil
	}
	if err := s.each(row); err != nil {
		s.err = err
		return errStopped
	}
	return nil
}

func parseBytes(raw []byte, opt Options, sink *rowSink) (File, error) {
	if len(raw) > MaxBytes {
		return File{}, fileErr(0, "The file is larger than %d MB. Split it into smaller files and import them one by one.", MaxBytes>>20)
	}
	sum := sha256.Sum256(raw)
	var f File
	var ferr *FileError
	if bytes.HasPrefix(raw, []byte("PK\x03\x04")) || bytes.HasPrefix(raw, []byte("PK\x05\x06")) {
		f, ferr = parseXLSX(raw, opt.Sheet, sink)
	} else if bytes.HasPrefix(raw, []byte{0xD0, 0xCF, 0x11, 0xE0}) {
		ferr = fileErr(0, "This is an old Excel workbook (.xls). Save it as “Excel Workbook (.xlsx)” or “CSV UTF-8” and try again.")
	} else {
		f, ferr = parseCSV(raw, sink)
	}
	if ferr == errStopped {
		return File{}, sink.err
	}
	if ferr != nil {
		return File{}, ferr
	}
	f.Hash = hex.EncodeToString(sum[:])
	return f, nil
}

// The columns of a file, in the template's order. Title is shown to people
// and otherwise ignored, unless there is no measure column.
const (
	colMeasure = iota
	colTitle
	colPeriod
	colActual
	colTarget
	colForecast
	colComment
	numCols
)

// Header is the header row of the template, export and results files.
var Header = [numCols]string{"measure", "title", "period", "actual", "target", "forecast", "comment"}

var aliases = map[string]int{
	"measure": colMeasure, "measure id": colMeasure, "id": colMeasure, "ext id": colMeasure, "external id": colMeasure,
	"title": colTitle, "measure title": colTitle, "measure name": colTitle, "name": colTitle,
	"period": colPeriod, "date": colPeriod, "period label": colPeriod,
	"actual": colActual, "actuals": colActual, "value": colActual,
	"target": colTarget, "targets": colTarget,
	"forecast": colForecast, "forecasts": colForecast,
	"comment": colComment, "comments": colComment,
}

const expected = "Expected: measure, period, actual, target, forecast, comment (title and forecast are optional)."

// header maps the file's columns to ours.
type header struct {
	idx  [numCols]int
	line int
}

// readHeader checks the header: known names in any case, order and
// spelling of spaces, underscores and hyphens, each once; trailing blank
// names allowed.
func readHeader(names []string, line int) (header, *FileError) {
	h := header{line: line}
	for i := range h.idx {
		h.idx[i] = -1
	}
	var unknown, dup []string
	known := 0
	for i, n := range names {
		name := headerName(n)
		if name == "" {
			continue
		}
		c, ok := aliases[name]
		switch {
		case !ok:
			unknown = append(unknown, quote(strings.TrimSpace(n), 40))
		case h.idx[c] >= 0:
			dup = append(dup, quote(name, 40))
		default:
			h.idx[c] = i
			known++
		}
	}
	if known == 0 {
		return h, fileErr(line, "The first row must be the header row. %s", expected)
	}
	if h.idx[colMeasure] < 0 && h.idx[colTitle] >= 0 {
		h.idx[colMeasure], h.idx[colTitle] = h.idx[colTitle], -1
	}
	var msgs []string
	if len(unknown) > 0 {
		msgs = append(msgs, "Unknown column "+list(unknown)+".")
	}
	if len(dup) > 0 {
		msgs = append(msgs, "Column "+list(dup)+" appears more than once.")
	}
	var missing []string
	for _, c := range []int{colMeasure, colPeriod} {
		if h.idx[c] < 0 {
			missing = append(missing, quote(Header[c], 40))
		}
	}
	if len(missing) > 0 {
		msgs = append(msgs, "Missing column "+list(missing)+".")
	}
	if h.idx[colActual] < 0 && h.idx[colTarget] < 0 && h.idx[colForecast] < 0 && h.idx[colComment] < 0 {
		msgs = append(msgs, "There is no actual, target, forecast or comment column, so there is nothing to import.")
	}
	if len(msgs) > 0 {
		return h, fileErr(line, "%s %s", strings.Join(msgs, " "), expected)
	}
	return h, nil
}

func (h header) columns() Columns {
	return Columns{Actual: h.idx[colActual] >= 0, Target: h.idx[colTarget] >= 0, Forecast: h.idx[colForecast] >= 0, Comment: h.idx[colComment] >= 0}
}

func headerName(s string) string {
	s = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(s), "\uFEFF"))
	s = strings.NewReplacer("_", " ", "-", " ").Replace(s)
	return strings.Join(strings.Fields(s), " ")
}

func list(items []string) string {
	if len(items) > 5 {
		return strings.Join(items[:5], ", ") + fmt.Sprintf(" and %d more", len(items)-5)
	}
	return strings.Join(items, ", ")
}

// rawCell is a cell as a reader found it, before the column says what it
// must be.
type rawCell struct {
	Cell
	formula string // XLSX: the cell's formula; "" for a value
	ref     string // XLSX: its reference ("D5"), for messages
	decimal mark   // how text numbers in it are read
}

// row builds a data row from the cells of one line; ok is false for a blank
// row, which is skipped.
func (h header) row(line int, cells []rawCell) (Row, bool) {
	get := func(c int) rawCell {
		if i := h.idx[c]; i >= 0 && i < len(cells) {
			return cells[i]
		}
		return rawCell{}
	}
	blank := true
	for _, c := range []int{colMeasure, colPeriod, colActual, colTarget, colForecast, colComment} {
		if x := get(c); x.Kind != Empty || x.formula != "" {
			blank = false
		}
	}
	if blank {
		return Row{}, false
	}
	r := Row{Line: line}
	for c := 0; c < numCols; c++ {
		x := get(c)
		if x.formula != "" && c != colTitle {
			where := "A cell"
			if x.ref != "" {
				where = "Cell " + x.ref
			}
			r.Errors = append(r.Errors, where+" ("+Header[c]+") holds a formula ("+quote(x.formula, 40)+"). Formulas are never calculated on import: replace it with its value.")
		}
	}
	r.Measure = get(colMeasure).Cell
	r.Period = get(colPeriod).Cell
	if r.Measure.Kind == Empty && get(colMeasure).formula == "" {
		r.Errors = append(r.Errors, "The measure is empty.")
	}
	if r.Period.Kind == Empty && get(colPeriod).formula == "" {
		r.Errors = append(r.Errors, "The period is empty.")
	}
	for _, n := range []struct {
		col int
		dst **float64
	}{{colActual, &r.Actual}, {colTarget, &r.Target}, {colForecast, &r.Forecast}} {
		x := get(n.col)
		if x.formula != "" {
			continue
		}
		v, msg := x.number()
		if msg != "" {
			r.Errors = append(r.Errors, "The "+Header[n.col]+" "+msg)
			continue
		}
		*n.dst = v
	}
	if x := get(colComment); x.formula == "" {
		r.Comment = x.String()
	}
	return r, true
}

// number reads a value cell: a number cell as it is, text as people write
// numbers.
func (x rawCell) number() (*float64, string) {
	switch x.Kind {
	case Empty:
		return nil, ""
	case Number:
		v := x.Num
		return &v, ""
	case Date:
		return nil, "is a date (" + x.Date.Format("2006-01-02") + "), not a number."
	}
	v, err := ParseNumber(x.Text, x.decimal)
	if err != "" {
		return nil, err
	}
	return &v, ""
}
