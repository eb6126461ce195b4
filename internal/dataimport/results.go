package dataimport

import (
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
