package importer

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

const (
	// MaxBytes is the largest file Parse accepts. A realistic row is under
	// 100 bytes, so 5 MiB holds MaxRows with room to spare, while bounding
	// the memory one upload can take: the whole file is kept to hash it and
	// to compare it with the dry run.
	MaxBytes = 5 << 20

	// MaxRows is the most data rows one file may hold. The import applies
	// every valid row in one transaction; this bounds how long that
	// transaction holds the (on SQLite, single) writer lock and how large
	// the preview page gets. Larger lists are split into several files.
	MaxRows = 20000
)

// Row is one data row of the file, normalised, with its problems.
type Row struct {
	Line          int // 1-based line in the file where the row starts (the header is line 1)
	Email         string
	FirstName     string
	LastName      string
	Administrator bool
	SendEmail     bool
	Errors        []string // empty when the row is valid on its own
}

// File is a parsed upload.
type File struct {
	Rows []Row
	// Hash is the hex SHA-256 of the raw bytes, so Run Import can refuse a
	// file that differs from the one the dry run showed.
	Hash string
}

// FileError is a problem with the file as a whole; its message is written
// for the person who uploaded it.
type FileError struct {
	Line int // the line concerned, or 0
	Msg  string
}

// Error returns the message as written for the uploader.
func (e *FileError) Error() string { return e.Msg }

func fileErr(line int, format string, args ...any) *FileError {
	return &FileError{Line: line, Msg: fmt.Sprintf(format, args...)}
}

var (
	bom     = []byte{0xEF, 0xBB, 0xBF}
	utf16LE = []byte{0xFF, 0xFE}
	utf16BE = []byte{0xFE, 0xFF}
)

// Parse reads an uploaded CSV, checks it as a whole and validates each row.
// It returns a *FileError for a file it refuses, or the error of r.
func Parse(r io.Reader) (File, error) {
	// One byte over the limit is enough to know the file is too large; the
	// rest is never read.
	raw, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return File{}, fmt.Errorf("importer: reading the upload: %w", err)
	}
	if len(raw) > MaxBytes {
		return File{}, fileErr(0, "The file is larger than 5 MB. Split it into smaller files and import them one by one.")
	}
	sum := sha256.Sum256(raw)
	data, ferr := text(raw)
	if ferr != nil {
		return File{}, ferr
	}
	rows, ferr := parseRows(data)
	if ferr != nil {
		return File{}, ferr
	}
	return File{Rows: rows, Hash: hex.EncodeToString(sum[:])}, nil
}

// text checks that raw is UTF-8 text and returns it without a byte order
// mark and with every line end as "\n".
func text(raw []byte) ([]byte, *FileError) {
	if bytes.HasPrefix(raw, utf16LE) || bytes.HasPrefix(raw, utf16BE) {
		// Excel's "Unicode Text" and some exports: say what to do instead of
		// calling it binary.
		return nil, fileErr(0, "The file is saved as UTF-16 text. Save it as “CSV UTF-8 (comma delimited)” and try again.")
	}
	data := bytes.TrimPrefix(raw, bom)
	if looksBinary(data) {
		return nil, fileErr(0, "This does not look like a CSV file. Save it from your spreadsheet program as “CSV UTF-8 (comma delimited)” and try again.")
	}
	if bytes.IndexByte(data, '\r') >= 0 {
		data = newlines(data)
	}
	if !utf8.Valid(data) {
		line := firstInvalidLine(data)
		return nil, fileErr(line, "Line %d is not UTF-8 text; the file may have been saved in another encoding. Save it as “CSV UTF-8 (comma delimited)” and try again.", line)
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		// Text with a stray NUL (pasted from another program): no database
		// stores it, so the file is refused, naming the line to fix.
		line := 1 + bytes.Count(data[:i], []byte{'\n'})
		return nil, fileErr(line, "Line %d contains a NUL character (an invisible zero byte), which a CSV file cannot hold. Remove it, save the file as “CSV UTF-8 (comma delimited)” and try again.", line)
	}
	return data, nil
}

// looksBinary reports many control characters near the start, or NUL
// bytes in data that is not UTF-8 text. A few stray control characters
// (NUL included) are left to the later checks, which name the line; a
// workbook, image or archive has far more, or bytes that are not UTF-8.
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
	return ctrl*20 > len(sample) // more than 5%
}

// newlines turns CRLF and lone CR (old Mac Excel) into LF. encoding/csv
// handles CRLF itself but keeps a lone CR inside the field; after this each
// original line end is exactly one "\n", so the reader's line numbers are
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

// delimiter picks ';' when the header line has semicolons and no comma:
// Excel in locales whose decimal mark is ',' saves "CSV" that way. The
// header alone decides, because its names never contain either character.
// Lines of only spaces and delimiters before it are skipped, as the reader
// skips them.
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

// parseRows reads the header and every data row of UTF-8 text with "\n"
// line ends.
func parseRows(data []byte) ([]Row, *FileError) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, noRows()
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = delimiter(data)
	cr.FieldsPerRecord = -1 // checked per row, so one short row is that row's error
	cr.LazyQuotes = false   // a stray quote is reported, not silently glued into a value
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = true

	rec, err := cr.Read()
	for err == nil && blank(rec) {
		// Blank lines above the header, as data rows below skip them.
		rec, err = cr.Read()
	}
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, fileErr(pe.StartLine, "The header row could not be read: %s", quoteProblem(pe))
		}
		return nil, noRows() // io.EOF: nothing but blank lines
	}
	headerLine, _ := cr.FieldPos(0)
	h, ferr := readHeader(rec, headerLine)
	if ferr != nil {
		return nil, ferr
	}

	var rows []Row
	seen := map[string]int{} // valid email → line of its first row
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		var row Row
		emailOK := false
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				// Reading from memory fails only with parse errors.
				return nil, fileErr(0, "The file could not be read: %v", err)
			}
			row = Row{Line: pe.StartLine, Errors: []string{quoteProblem(pe)}}
		} else {
			if blank(rec) {
				// Spreadsheets save emptied rows as ",,,,"; they are not rows.
				continue
			}
			line, _ := cr.FieldPos(0)
			row, emailOK = h.row(line, rec)
		}
		if len(rows) == MaxRows {
			return nil, fileErr(row.Line, "The file has more than %s rows. Split it into files of at most %s rows.", thousands(MaxRows), thousands(MaxRows))
		}
		if emailOK {
			// The first row of an address wins, even when it has other
			// errors: the file is ambiguous about that person until fixed.
			if first, dup := seen[row.Email]; dup {
				row.Errors = append(row.Errors, fmt.Sprintf("Duplicate of line %d.", first))
			} else {
				seen[row.Email] = row.Line
			}
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		return nil, noRows()
	}
	return rows, nil
}

func noRows() *FileError {
	return &FileError{Msg: "The file has no rows. Below the header row, add one row per user."}
}

func blank(rec []string) bool {
	for _, f := range rec {
		if trim(f) != "" {
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

// thousands formats n with comma separators, as the messages show counts.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
