package web

import (
	"net/url"
	"strings"
	"unicode"
)

// attachment is a Content-Disposition value for a download named name
// (RFC 6266): an ASCII filename that any client reads, plus filename* in
// UTF-8 when the name is not plain ASCII. Control characters, quotes and
// path separators never reach the header, whatever name holds.
func attachment(name string) string {
	var ascii strings.Builder
	plain := true
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			ascii.WriteRune(r)
		default:
			ascii.WriteByte('_')
			plain = false
		}
	}
	v := `attachment; filename="` + ascii.String() + `"`
	if !plain {
		v += "; filename*=UTF-8''" + url.PathEscape(strings.Map(printable, name))
	}
	return v
}

// printable drops control and format characters (bidi overrides and
// zero-width characters among them) and line separators from a name.
func printable(r rune) rune {
	if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '\u2028' || r == '\u2029' {
		return -1
	}
	return r
}
