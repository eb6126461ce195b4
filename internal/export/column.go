package export

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"
)

// Kind is what a column holds; it decides the cell format and alignment.
type Kind int

const (
	// Text is free text, left-aligned; XLSX formats the column as Text so that
	// editing a cell in a spreadsheet keeps it text.
	Text Kind = iota
	// Number is right-aligned; XLSX writes numbers as number cells.
	Number
	// Date shows a time.Time as yyyy-mm-dd.
	Date
	// DateTime shows a time.Time as yyyy-mm-dd hh:mm:ss.
	DateTime
)

// Column describes one column of an export.
type Column struct {
	Title string
	Kind  Kind
	// Width is in spreadsheet characters (the XLSX column width). The PDF
	// shares the page width among columns in proportion to it. Zero picks a
	// default for the Kind.
	Width float64
	// MultiLine keeps line breaks and tabs in this column's text. Without
	// it they are shown as `\n`, `\r` and `\t`, so that no value can
	// start what reads as a row of its own.
	MultiLine bool
}

// RowWriter is what every format's writer offers, so a handler can choose the
// format once and then write rows without caring which it is.
type RowWriter interface {
	// WriteRow appends one row; values line up with the columns.
	WriteRow(values ...any) error
	// Close finishes the document and writes whatever is still buffered.
	Close() error
	// Abort gives up: it releases what the writer holds (an XLSX's
	// temporary file) without writing more. After Close it does nothing, so
	// a handler can defer it right after opening, as with a transaction's
	// Rollback.
	Abort()
}

var (
	// ErrClosed is returned by WriteRow after Close.
	ErrClosed = errors.New("export: writer is closed")
	// ErrTooManyRows is returned when a row would not fit the format: past
	// the 1,048,576 rows of a worksheet. A PDF has no limit.
	ErrTooManyRows = errors.New("export: too many rows for this format")
	// ErrTooLarge is returned when the document would grow past what the
	// writer can hold: 4 GiB of sheet XML in an XLSX (Go's zip writer then needs ZIP64, which Excel rejects unless
	// excelize patches the file in memory afterwards — the very buffering
	// XLSXWriter avoids).
	ErrTooLarge = errors.New("export: document too large for this format")
)

// Go layouts matching the XLSX number formats, used for the formats that show
// text (PDF, CSV), so a date reads the same in every download.
const (
	dateLayout     = "2006-01-02"
	dateTimeLayout = "2006-01-02 15:04:05"
)

func defaultWidth(k Kind) float64 {
	switch k {
	case Number:
		return 12
	case Date:
		return 12
	case DateTime:
		return 20
	default:
		return 24
	}
}

func (c Column) width() float64 {
	if c.Width > 0 {
		return c.Width
	}
	return defaultWidth(c.Kind)
}

// cellKind is the type of one value, as the writers see it.
type cellKind uint8

const (
	cellEmpty cellKind = iota
	cellText
	cellInt
	cellFloat
	cellTime
)

// cell is one value, decoded once so the writers share the type rules and no
// writer allocates to inspect a value.
type cell struct {
	kind cellKind
	s    string
	i    int64
	f    float64
	t    time.Time
}

// toCell accepts the value types an export supports and rejects the rest, so
// a caller passing a struct or pointer by mistake finds out in tests rather
// than shipping "{…}" in a download.
func toCell(v any, col Column) (cell, error) {
	switch v := v.(type) {
	case nil:
		return cell{}, nil
	case string:
		return cell{kind: cellText, s: cleanText(v, col.MultiLine)}, nil
	case time.Time:
		if v.IsZero() {
			return cell{}, nil
		}
		return cell{kind: cellTime, t: v}, nil
	case *time.Time:
		if v == nil || v.IsZero() {
			return cell{}, nil
		}
		return cell{kind: cellTime, t: *v}, nil
	case int:
		return cell{kind: cellInt, i: int64(v)}, nil
	case int8:
		return cell{kind: cellInt, i: int64(v)}, nil
	case int16:
		return cell{kind: cellInt, i: int64(v)}, nil
	case int32:
		return cell{kind: cellInt, i: int64(v)}, nil
	case int64:
		return cell{kind: cellInt, i: v}, nil
	case uint8:
		return cell{kind: cellInt, i: int64(v)}, nil
	case uint16:
		return cell{kind: cellInt, i: int64(v)}, nil
	case uint32:
		return cell{kind: cellInt, i: int64(v)}, nil
	case float32:
		return floatCell(float64(v))
	case float64:
		return floatCell(v)
	default:
		return cell{}, fmt.Errorf("export: unsupported value type %T", v)
	}
}

func floatCell(f float64) (cell, error) {
	// A spreadsheet has no NaN or infinity; writing one makes a corrupt file.
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return cell{}, fmt.Errorf("export: number %v cannot be exported", f)
	}
	return cell{kind: cellFloat, f: f}, nil
}

// text is the cell as the text formats show it.
func (c cell) text(k Kind) string {
	switch c.kind {
	case cellText:
		return c.s
	case cellInt:
		return strconv.FormatInt(c.i, 10)
	case cellFloat:
		return strconv.FormatFloat(c.f, 'f', -1, 64)
	case cellTime:
		if k == Date {
			return c.t.Format(dateLayout)
		}
		return c.t.Format(dateTimeLayout)
	}
	return ""
}

// checkRow rejects a row whose length does not match the columns: a shifted
// row would put values under the wrong titles without anyone noticing.
func checkRow(values []any, cols []Column) error {
	if len(values) != len(cols) {
		return fmt.Errorf("export: row has %d values, want %d", len(values), len(cols))
	}
	return nil
}

func checkColumns(cols []Column) error {
	if len(cols) == 0 {
		return errors.New("export: no columns")
	}
	return nil
}

var (
	_ RowWriter = (*XLSXWriter)(nil)
	_ RowWriter = (*CSVWriter)(nil)
	_ RowWriter = (*PDFWriter)(nil)
)
