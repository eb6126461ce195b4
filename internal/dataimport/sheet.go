package dataimport

import (
	"encoding/csv"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"
)

// SheetRow is one row of a template or an export: a measure's period with
// its current values, in the layout Parse reads back.
type SheetRow struct {
	Measure        int64
	Title          string
	Period         string // the period's label
	Actual, Target *float64
	Forecast       *float64
	Comment        string
}

// WriteCSV writes rows as CSV: a byte order mark, the header, CRLF line
// ends; numbers with '.' as the decimal mark and no separators; text a
// spreadsheet would run as a formula neutralised (Parse undoes it).
func WriteCSV(w io.Writer, rows []SheetRow) error {
	if _, err := w.Write(bom); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(Header[:]); err != nil {
		return err
	}
	num := func(v *float64) string {
		if v == nil {
			return ""
		}
		return fmtNum(*v)
	}
	for _, r := range rows {
		if err := cw.Write([]string{strconv.FormatInt(r.Measure, 10), Neutral(r.Title), Neutral(r.Period), num(r.Actual), num(r.Target), num(r.Forecast), Neutral(r.Comment)}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteXLSX writes rows as a workbook of one sheet: the measure, title and
// period columns locked (the sheet is protected without a password, so a
// person fills values and cannot shift a row to another measure by
// mistake), the actual, target and forecast columns typed as numbers and
// the comment as text, all four unlocked.
func WriteXLSX(w io.Writer, sheet string, rows []SheetRow) error {
	x := excelize.NewFile()
	defer x.Close()
	if err := x.SetSheetName(x.GetSheetName(0), sheet); err != nil {
		return err
	}
	head, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Protection: &excelize.Protection{Locked: true}})
	if err != nil {
		return err
	}
	number, err := x.NewStyle(&excelize.Style{NumFmt: 0, Protection: &excelize.Protection{Locked: false}})
	if err != nil {
		return err
	}
	text, err := x.NewStyle(&excelize.Style{NumFmt: 49, Protection: &excelize.Protection{Locked: false}})
	if err != nil {
		return err
	}
	// Protected before the stream writer takes the sheet: it writes what
	// follows the rows from the sheet as it is then.
	if err := x.ProtectSheet(sheet, &excelize.SheetProtectionOptions{SelectLockedCells: true, SelectUnlockedCells: true,
		FormatColumns: true, FormatRows: true, Sort: true, AutoFilter: true}); err != nil {
		return err
	}
	sw, err := x.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	if err := sw.SetColWidth(2, 2, 40); err != nil {
		return err
	}
	if err := sw.SetColWidth(7, 7, 40); err != nil {
		return err
	}
	cells := make([]any, len(Header))
	for i, h := range Header {
		cells[i] = excelize.Cell{StyleID: head, Value: h}
	}
	if err := sw.SetRow("A1", cells); err != nil {
		return err
	}
	val := func(v *float64) excelize.Cell {
		if v == nil {
			return excelize.Cell{StyleID: number}
		}
		return excelize.Cell{StyleID: number, Value: *v}
	}
	for i, r := range rows {
		ref, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(ref, []any{r.Measure, r.Title, r.Period, val(r.Actual), val(r.Target), val(r.Forecast),
			excelize.Cell{StyleID: text, Value: r.Comment}}); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	_, err = x.WriteTo(w)
	return err
}
