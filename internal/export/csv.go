package export

import (
	"encoding/csv"
	"io"
	"strings"
)

// CSVOptions adjusts a CSV export.
type CSVOptions struct {
	// BOM starts the file with a UTF-8 byte order mark. Excel needs it to read
	// the file as UTF-8 rather than the system code page; other readers may
	// show it as a stray character, so it is the caller's choice.
	BOM bool
}

// CSVWriter writes an RFC 4180 CSV (comma, CRLF) with a header row. Text
// fields are neutralised (see Neutralize); numbers and times are written
// plainly, so a negative number stays a number.
type CSVWriter struct {
	w      *csv.Writer
	cols   []Column
	record []string // reused between rows
	closed bool
}

// NewCSV starts a CSV export on w and writes the header row.
func NewCSV(w io.Writer, cols []Column, opts CSVOptions) (*CSVWriter, error) {
	if err := checkColumns(cols); err != nil {
		return nil, err
	}
	if opts.BOM {
		if _, err := io.WriteString(w, "\uFEFF"); err != nil {
			return nil, err
		}
	}
	cw := &CSVWriter{w: csv.NewWriter(w), cols: cols, record: make([]string, len(cols))}
	cw.w.UseCRLF = true
	for i, c := range cols {
		cw.record[i] = Neutralize(c.Title)
	}
	if err := cw.w.Write(cw.record); err != nil {
		return nil, err
	}
	return cw, nil
}

// WriteRow writes one row.
func (cw *CSVWriter) WriteRow(values ...any) error {
	if cw.closed {
		return ErrClosed
	}
	if err := checkRow(values, cw.cols); err != nil {
		return err
	}
	for i, v := range values {
		c, err := toCell(v, cw.cols[i])
		if err != nil {
			return err
		}
		if c.kind == cellText {
			cw.record[i] = csvLineEnds(quoteFormula(c.s))
		} else {
			cw.record[i] = c.text(cw.cols[i].Kind)
		}
	}
	return cw.w.Write(cw.record)
}

// Close flushes what is buffered. It does not close the underlying writer.
func (cw *CSVWriter) Close() error {
	if cw.closed {
		return nil
	}
	cw.closed = true
	cw.w.Flush()
	return cw.w.Error()
}

// csvLineEnds turns a lone carriage return into a line feed. With UseCRLF,
// encoding/csv writes "\n" as CRLF but silently drops a lone "\r", which would
// join two lines of someone's text.
func csvLineEnds(s string) string {
	if !strings.Contains(s, "\r") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// Abort stops the export; rows still buffered are dropped.
func (cw *CSVWriter) Abort() { cw.closed = true }
