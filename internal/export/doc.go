// Package export owns the streaming writers for tabular downloads: XLSX, PDF
// and CSV. A caller describes the columns once and then hands over rows one at
// a time, so a handler can copy a database cursor straight into the response.
//
// Rules it keeps:
//
//   - A row is a list of plain values: string, time.Time, the integer and
//     float types, or nil for an empty cell. The value's type decides the
//     cell's type; the column's Kind decides its format and alignment.
//   - Text that came from users can never act: an XLSX text cell is always a
//     typed string cell (never a formula) in a Text-formatted column, a CSV
//     field that a spreadsheet would read as a formula gets a leading
//     apostrophe (Neutralize), and PDF text is only ever drawn, escaped, with
//     no links, actions or scripts. Control characters (line breaks and ESC
//     among them) and bidi controls (U+202E, …) are shown as visible escapes
//     (`\n`, `\u202E`) everywhere, so no value can forge a row of its own or
//     reverse how its neighbours read; only a column marked MultiLine keeps
//     its line breaks and tabs. Bytes that are not UTF-8 become U+FFFD.
//   - Every writer holds memory flat whatever the row count: excelize's
//     stream writer spills the sheet to a temporary file beyond 16 MiB and
//     Close compresses it straight into the destination; the PDF writer
//     (our own: fpdf kept the whole document until Close) writes each page
//     as it fills to a spool that moves to a temporary file beyond 4 MiB,
//     and keeps only object numbers and the glyphs used per font.
//   - PDF text is drawn in every script: each character from the first font
//     of the embedded chain that has it (fonts.go), right-to-left runs
//     reordered (Unicode bidi), Arabic, Hebrew and Devanagari shaped with a
//     pure-Go HarfBuzz; fonts are embedded as subsets of the glyphs used,
//     with a ToUnicode map, so copying gives back the text. Lines wrap at
//     spaces; a word is broken only when it alone is wider than its column.
//   - A PDF may end with figures (AddFigure): a heading, a drawing made on a
//     Figure, whose methods match internal/graph's Surface so this package
//     needs no graph types, and a caption saying in words what it shows.
//     A figure is drawn straight into its page's stream, so memory stays
//     flat with figures too.
//   - Nothing reaches the destination before Close for XLSX and PDF, so a
//     handler can still answer a refusal or a database error with an error
//     page. Abort releases a writer that will not be closed.
//   - Times are written as their wall clock in their own location; callers
//     convert to the viewer's time zone first.
package export
