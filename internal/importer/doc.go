// Package importer owns the file side of Import Users (SPEC §11): it reads an
// uploaded CSV, checks its header, and validates each row on its own, so the
// app layer can plan and apply the rows against the database. It also writes
// the downloadable template and the results file.
//
// Rules it keeps:
//
//   - What a row means for the instance (create, add an existing account,
//     update names, seats, who may import Administrators) is decided in
//     internal/app; this package only says whether the row itself is sound.
//   - Pure: no database, no HTTP, no clock. Parse takes an io.Reader and
//     never reads more than MaxBytes+1 bytes from it, so a huge upload costs
//     at most that much memory and is refused by size.
//   - A problem with the file as a whole (size, encoding, binary content,
//     header, no rows, too many rows) is a *FileError and no rows are
//     returned. A problem with one row is a message in that Row's Errors and
//     the other rows still count: the preview shows both.
//   - Files as spreadsheet programs save them are accepted: a UTF-8 byte
//     order mark, CRLF, LF or CR-only line ends, quoted values holding
//     commas, quotes or line breaks, header names in any case and order, and
//     ';' as the delimiter when the header has semicolons but no comma
//     (European Excel, where ',' is the decimal mark).
//   - Emails and names are checked by internal/textcheck, as the Add New
//     User form checks them, so an imported row and a typed one are held to
//     the same rules.
//   - An empty role_group means User (least privilege, as on the form) and
//     an empty send_email means true (a new account can only learn its
//     temporary password from the welcome mail).
//   - Values are kept as the text they are: a name such as "=1+1" is a name.
//     Cells that a spreadsheet would run as a formula are neutralised only
//     when written out (WriteResults). No password ever appears in any file
//     this package writes.
package importer
