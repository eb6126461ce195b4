package dataimport

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"io"
	"strconv"
)

// Result is one line of the results file: what the import did with a row.
type Result struct {
	Line    int
	Outcome string
	Reason  string
}

// WriteResults writes the results file: a byte order mark (spreadsheets
// then read it as UTF-8), a header, and per row its line, outcome and
// reason, with cells a spreadsheet would run as formulas neutralised.
func WriteResults(w io.Writer, rows []Result) error {
	if _, err := w.Write(bom); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write([]string{"row", "outcome", "reason"}); err != nil {
		return err
	}
	for _, r := range rows {
		if err := cw.Write([]string{strconv.Itoa(r.Line), Neutral(r.Outcome), Neutral(r.Reason)}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// Neutral neutralises text a spreadsheet would run as a formula (CSV
// injection): a leading = + - @ tab or CR gets a single quote in front.
func Neutral(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// ReadResults reads back a file written by WriteResults.
func ReadResults(r io.Reader) ([]Result, error) {
	br := bufio.NewReader(r)
	if b, err := br.Peek(len(bom)); err == nil && bytes.Equal(b, bom) {
		br.Discard(len(bom))
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = 3
	var out []Result
	for first := true; ; first = false {
		rec, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		if first {
			continue
		}
		line, err := strconv.Atoi(rec[0])
		if err != nil {
			return nil, err
		}
		out = append(out, Result{Line: line, Outcome: unneutral(rec[1]), Reason: unneutral(rec[2])})
	}
}

func unneutral(s string) string {
	if len(s) > 1 && s[0] == '\'' {
		switch s[1] {
		case '=', '+', '-', '@', '\t', '\r':
			return s[1:]
		}
	}
	return s
}
