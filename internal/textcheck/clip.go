package textcheck

import (
	"strings"
	"unicode/utf8"
)

// IsText reports whether s is UTF-8 text holding no NUL and no other C0
// control character than tab, line feed and carriage return (which a
// textarea may send). It is what every text input must be before anything
// else looks at it: PostgreSQL refuses NUL and bytes that are not UTF-8,
// so such text would otherwise fail in the database. It only scans bytes.
func IsText(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return false
		}
		i += size
	}
	return true
}

// Clip shortens s to at most n characters (runes), never splitting one, for
// text the system shortens instead of refusing: log columns, delivery
// errors, values quoted in messages. Bytes that are not UTF-8 become
// U+FFFD and NUL is dropped, so the result can be stored by either
// database whatever it was given (a User-Agent header, an SMTP reply).
func Clip(s string, n int) string {
	if n <= 0 {
		return ""
	}
	if len(s) <= n && storable(s) { // n bytes are at most n characters
		return s
	}
	if storable(s) && utf8.RuneCountInString(s) <= n {
		return s
	}
	var b strings.Builder
	b.Grow(min(len(s), 4*n))
	count := 0
	for _, r := range s { // a byte that is not UTF-8 comes as U+FFFD, one at a time
		if r == 0 {
			continue
		}
		if count == n {
			break
		}
		b.WriteRune(r)
		count++
	}
	return b.String()
}

// storable reports valid UTF-8 without NUL.
func storable(s string) bool {
	return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0
}
