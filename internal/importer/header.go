package importer

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

const (
	colUsername = iota
	colFirstName
	colLastName
	colRoleGroup
	colSendEmail
	numCols
)

// columns are the header names, in the template's order.
var columns = [numCols]string{"username", "first_name", "last_name", "role_group", "send_email"}

var expected = "Expected: " + strings.Join(columns[:], ", ") + "."

// header maps the file's columns to ours.
type header struct {
	width int          // fields every data row must have
	idx   [numCols]int // field index of each of our columns
}

// readHeader checks the header row: each name once, in any order and case,
// nothing unknown. Blank names at the end are allowed, because spreadsheets
// write empty trailing columns once a cell there was touched; values under
// them are refused per row.
func readHeader(rec []string, line int) (header, *FileError) {
	h := header{width: len(rec)}
	for i := range h.idx {
		h.idx[i] = -1
	}
	last := -1
	for i, f := range rec {
		if headerName(f) != "" {
			last = i
		}
	}
	if last < 0 {
		return h, fileErr(line, "The first row must be the header row. %s", expected)
	}
	var unknown, dup, blanks, missing listed
	known := 0
	for i, f := range rec[:last+1] {
		name := headerName(f)
		c := column(name)
		switch {
		case name == "":
			blanks.add(itoa(i + 1))
		case c < 0:
			unknown.add(quote(trim(f), 40)) // as written, for the person to find
		case h.idx[c] >= 0:
			if !contains(dup.names, quote(name, 40)) {
				dup.add(quote(name, 40))
			}
		default:
			h.idx[c] = i
			known++
		}
	}
	if known == 0 {
		// Most likely a file without a header, whose first row is a user.
		return h, fileErr(line, "The first row must be the header row. %s", expected)
	}
	for c, i := range h.idx {
		if i < 0 {
			missing.add(quote(columns[c], 40))
		}
	}
	var msgs []string
	if unknown.n > 0 {
		msgs = append(msgs, plural(unknown.n, "Unknown column ", "Unknown columns ")+unknown.String()+".")
	}
	if dup.n > 0 {
		msgs = append(msgs, plural(dup.n, "Column ", "Columns ")+dup.String()+plural(dup.n, " appears", " appear")+" more than once.")
	}
	if blanks.n > 0 {
		msgs = append(msgs, plural(blanks.n, "Column ", "Columns ")+blanks.String()+plural(blanks.n, " has", " have")+" no name.")
	}
	if missing.n > 0 {
		msgs = append(msgs, plural(missing.n, "Missing column ", "Missing columns ")+missing.String()+".")
	}
	if len(msgs) > 0 {
		return h, fileErr(line, "%s %s", strings.Join(msgs, " "), expected)
	}
	return h, nil
}

// headerName is a header cell as compared: trimmed, lower case, and without
// a second byte order mark that some tools add in front of Excel's.
func headerName(f string) string {
	return strings.ToLower(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(f), "\uFEFF")))
}

func column(name string) int {
	for c, n := range columns {
		if n == name {
			return c
		}
	}
	return -1
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// maxListed bounds the names a message lists, so a header of a million
// columns costs neither a million strings nor a long message.
const maxListed = 5

// listed gathers items for a message: the first maxListed, and a count.
type listed struct {
	names []string
	n     int
}

func (l *listed) add(s string) {
	l.n++
	if len(l.names) < maxListed {
		l.names = append(l.names, s)
	}
}

func (l listed) String() string {
	s := strings.Join(l.names, ", ")
	if l.n > len(l.names) {
		s += " and " + thousands(l.n-len(l.names)) + " more"
	}
	return s
}

// quote puts a value from the file into a message: in typographic quotes,
// cut to max runes, with control characters shown as spaces so a message
// stays one line.
func quote(s string, max int) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	if utf8.RuneCountInString(s) > max {
		s = string([]rune(s)[:max]) + "…"
	}
	return "“" + s + "”"
}
