package importer

import (
	"bufio"
	"bytes"
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

// ReadResults reads back a file written by WriteResults, undoing the
// formula neutralisation, so a finished import can be shown as it ran.
func ReadResults(r io.Reader) ([]Result, error) {
	br := bufio.NewReader(r)
	if b, err := br.Peek(len(bom)); err == nil && bytes.Equal(b, bom) {
		br.Discard(len(bom))
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = 4
	recs, err := cr.ReadAll()
	if err != nil {
		return nil, err
	}
	var out []Result
	for i, rec := range recs {
		if i == 0 {
			continue // header
		}
		line, err := strconv.Atoi(rec[0])
		if err != nil {
			return nil, err
		}
		out = append(out, Result{Line: line, Email: uncell(rec[1]), Outcome: uncell(rec[2]), Message: uncell(rec[3])})
	}
	return out, nil
}

// uncell undoes cell: the quote it added is dropped, any other kept.
func uncell(s string) string {
	if len(s) > 1 && s[0] == '\'' {
		switch s[1] {
		case '=', '+', '-', '@', '\t', '\r':
			return s[1:]
		}
	}
	return s
}
