package export

import _ "embed"

// DejaVu Sans Condensed covers Latin, Greek, Cyrillic, Armenian, Georgian,
// Hebrew, Arabic and many symbols, and its licence (fonts/LICENSE) allows
// redistribution. fpdf's core fonts are cp1252 only, so without an embedded
// font a Polish, Greek or Russian name would print as question marks. The
// condensed cut fits more text into a table column. fpdf embeds only the
// glyphs a document uses, so a PDF carries a few tens of KiB of font, not
// the whole file.
//
// Not covered: CJK and most other scripts of Asia; those characters print as
// the font's empty-box glyph (the text is still in the PDF and copies out
// intact). A CJK font would add 10–20 MiB to the binary.

//go:embed fonts/DejaVuSansCondensed.ttf
var fontRegular []byte

//go:embed fonts/DejaVuSansCondensed-Bold.ttf
var fontBold []byte
