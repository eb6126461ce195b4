package dataimport

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"unicode/utf8"
)

var (
	bom     = []byte{0xEF, 0xBB, 0xBF}
	utf16LE = []byte{0xFF, 0xFE}
	utf16BE = []byte{0xFE, 0xFF}
)

// parseCSV reads CSV text: the rules of internal/importer (which reads the
// users import) for encoding, line ends, delimiter and quotes.
func parseCSV(raw []byte, sink *rowSink) (File, *FileError) {
	data, ferr := text(raw)
	if ferr != nil {
		return File{}, ferr
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return File{}, noRows()
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = delimiter(data)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = false
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = true
	dec := AutoMark
	if cr.Comma == ';' {
		dec = CommaMark
	}

	rec, err := cr.Read()
	for err == nil && blankRecord(rec) {
		rec, err = cr.Read()
	}
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return File{}, fileErr(pe.StartLine, "The header row could not be read: %s", quoteProblem(pe))
		}
		return File{}, noRows()
	}
	line, _ := cr.FieldPos(0)
	h, ferr := readHeader(rec, line)
	if ferr != nil {
		return File{}, ferr
	}
	f := File{Format: CSV, Columns: h.columns()}
	var cells []rawCell
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		var row Row
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return File{}, fileErr(0, "The file could not be read: %v", err)
			}
			row = Row{Line: pe.StartLine, Errors: []string{quoteProblem(pe)}}
		} else {
			line, _ := cr.FieldPos(0)
			cells = cells[:0]
			for _, v := range rec {
				v = strings.TrimSpace(v)
				c := rawCell{decimal: dec}
				if v != "" {
					// What WriteCSV neutralised reads back as written.
					c.Kind, c.Text = Text, strings.Clone(unneutral(v))
				}
				cells = append(cells, c)
			}
			var ok bool
			if row, ok = h.row(line, cells); !ok {
				continue
			}
		}
		if ferr := sink.add(&f, row); ferr != nil {
			return File{}, ferr
		}
	}
	if sink.n == 0 {
		return File{}, noRows()
	}
	return f, nil
}

func tooMany(line int) *FileError {
	return fileErr(line, "The file has more than %s rows (row %s is one too many). Split it into files of at most %s rows.",
		thousands(MaxRows), thousands(line), thousands(MaxRows))
}

func noRows() *FileError {
	return &FileError{Msg: "The file has no rows. Below the header row, add one row per measure and period."}
}

func blankRecord(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

func quoteProblem(pe *csv.ParseError) string {
	switch {
	case errors.Is(pe.Err, csv.ErrBareQuote):
		return `A quote mark (") is inside a value that does not start with one. Put the whole value in quotes and double the quote mark ("").`
	case errors.Is(pe.Err, csv.ErrQuote):
		return `A quoted value is not closed, or its closing quote is followed by other text. Check the quote marks (") from this line on.`
	}
	return "This row could not be read: " + pe.Err.Error() + "."
}

// text checks that raw is UTF-8 text and returns it without a byte order
// mark and with every line end as "\n".
func text(raw []byte) ([]byte, *FileError) {
	if bytes.HasPrefix(raw, utf16LE) || bytes.HasPrefix(raw, utf16BE) {
		return nil, fileErr(0, "The file is saved as UTF-16 text. Save it as “CSV UTF-8 (comma delimited)” or as an Excel workbook and try again.")
	}
	data := bytes.TrimPrefix(raw, bom)
	if looksBinary(data) {
		return nil, fileErr(0, "This is neither a CSV file nor an Excel workbook (.xlsx). Save it as one of those and try again.")
	}
	if bytes.IndexByte(data, '\r') >= 0 {
		data = newlines(data)
	}
	if !utf8.Valid(data) {
		line := firstInvalidLine(data)
		return nil, fileErr(line, "Line %d is not UTF-8 text; the file may have been saved in another encoding. Save it as “CSV UTF-8 (comma delimited)” and try again.", line)
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		line := 1 + bytes.Count(data[:i], []byte{'\n'})
		return nil, fileErr(line, "Line %d contains a NUL character (an invisible zero byte), which a CSV file cannot hold. Remove it and try again.", line)
	}
	return data, nil
}

func looksBinary(data []byte) bool {
	if bytes.IndexByte(data, 0) >= 0 && !utf8.Valid(data) {
		return true
	}
	sample := data[:min(len(data), 8<<10)]
	ctrl := 0
	for _, b := range sample {
		if (b < 0x20 && b != '\t' && b != '\n' && b != '\r') || b == 0x7F {
			ctrl++
		}
	}
	return ctrl*20 > len(sample)
}

// newlines turns CRLF and lone CR into LF, so the reader's line numbers are
// the file's.
func newlines(data []byte) []byte {
	out := make([]byte, 0, len(data))
	for i := 0; i < len(data); i++ {
		b := data[i]
		if b != '\r' {
			out = append(out, b)
			continue
		}
		out = append(out, '\n')
		if i+1 < len(data) && data[i+1] == '\n' {
			i++
		}
	}
	return out
}

func firstInvalidLine(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return 1 + bytes.Count(data[:i], []byte{'\n'})
		}
		i += size
	}
	return 0
}

// delimiter picks ';' when the header line has semicolons and no comma.
func delimiter(data []byte) rune {
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		if len(bytes.Trim(line, " \t,;")) == 0 {
			continue
		}
		if bytes.IndexByte(line, ',') < 0 && bytes.IndexByte(line, ';') >= 0 {
			return ';'
		}
		return ','
	}
	return ','
}

// thousands formats n with comma separators.
func thousands(n int) string {
	s := itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
