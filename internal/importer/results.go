package importer

import (
	"encoding/csv"
	"io"
	"strconv"
)

// Result is one line of the results file: what the import did with a row.
type Result struct {
	Line    int // the row's line in the uploaded file
	Email   string
	Outcome string
	Message string
}

// WriteResults writes the results file: a header, then one line per result,
// with columns line, username, outcome and message. There is no password
// column, and none may be put in a message (SPEC §2).
//
// The file starts with a UTF-8 byte order mark, unlike the template:
// messages and emails may hold non-ASCII text, and this file is read by
// people in a spreadsheet, which without the mark would decode it in the
// local code page.
func WriteResults(w io.Writer, rows []Result) error {
	if _, err := w.Write(bom); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write([]string{"line", "username", "outcome", "message"}); err != nil {
		return err
	}
	for _, r := range rows {
		rec := []string{strconv.Itoa(r.Line), cell(r.Email), cell(r.Outcome), cell(r.Message)}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// cell neutralises a value a spreadsheet would run as a formula (CSV
// injection): a leading = + - @ tab or CR gets a single quote in front,
// which spreadsheets show as text. Valid emails can start with = + or -.
func cell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}
