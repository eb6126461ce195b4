// Package dataimport owns the file side of Import Data (issue 21): it reads
// an uploaded CSV or XLSX of data values into rows of cells, reads a period
// cell against a measure's frequency, parses numbers as people type them,
// and writes the results file, the template and the export in one layout.
//
// Rules it keeps:
//
//   - What a row means (which measure, may the actor write it, new, update
//     or no change) is decided in internal/app; this package only says
//     whether the row itself is sound and what its cells hold.
//   - Pure: no database, no HTTP, no clock. Parse never reads more than
//     MaxBytes+1 bytes of the upload, so a huge upload is refused by size
//     before anything else; a workbook's zip directory is checked (total
//     uncompressed size, ratio per part, declared sizes enforced while
//     reading) before any part is expanded, so a zip bomb costs nothing.
//   - The format is told from the content, not the file name: a zip is a
//     workbook (XLSX), anything else is CSV text.
//   - XLSX is read with our own streaming reader of the sheet XML
//     (archive/zip + encoding/xml), one row at a time. excelize's row
//     iterator returns each cell's formatted text only: it cannot tell a
//     formula from a value (so a formula's cached result would be imported
//     as if typed) nor a date cell from a number. Here numeric cells are
//     numbers, date-formatted cells are dates, and a formula cell is refused
//     per row: never evaluated, its cached result never used.
//   - CSV as spreadsheet programs save it: UTF-8 byte order mark, CRLF, LF
//     or CR line ends, quoted fields, ';' as the delimiter when the header
//     has semicolons and no comma, and then ',' as the decimal mark.
//     Numbers may have thousands separators (',', '.', spaces, apostrophes
//     in groups of three).
//   - A problem with the file as a whole (size, format, header, no rows,
//     more than MaxRows rows) is a *FileError and no rows are returned. A
//     problem with one row is in that Row's Errors and the others still
//     count: the preview shows both.
//   - Text is kept as written; cells a spreadsheet would run as a formula
//     are neutralised only when written out (results, template, export).
package dataimport
