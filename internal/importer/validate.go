package importer

import (
	"net/mail"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits shared with the Add New User form (internal/app).
const (
	maxEmail = 254
	maxName  = 60
)

// row validates one data record. ok reports whether its email is valid,
// which is what the duplicate check needs.
func (h header) row(line int, rec []string) (r Row, ok bool) {
	r = Row{Line: line}
	if len(rec) != h.width {
		r.Errors = append(r.Errors, "Expected "+itoa(h.width)+" columns, found "+itoa(len(rec))+".")
		return r, false
	}
	for i := numCols; i < len(rec); i++ {
		// readHeader accepted the header, so its first numCols names are
		// ours and any further ones are blank.
		if trim(rec[i]) != "" {
			r.Errors = append(r.Errors, "Column "+itoa(i+1)+" has a value but no name in the header row.")
			break
		}
	}
	get := func(c int) string { return trim(rec[h.idx[c]]) }

	email := get(colUsername)
	r.Email, ok = normalizeEmail(email)
	switch {
	case email == "":
		r.Errors = append(r.Errors, "Username (email) is required.")
	case len(r.Email) > maxEmail:
		r.Errors = append(r.Errors, "Username is too long (at most "+itoa(maxEmail)+" characters).")
	case !ok:
		r.Errors = append(r.Errors, quote(email, 60)+" is not a valid email address.")
	}
	var msg string
	if r.FirstName, msg = cleanText(get(colFirstName), "First name", 1, maxName); msg != "" {
		r.Errors = append(r.Errors, msg)
	}
	if r.LastName, msg = cleanText(get(colLastName), "Last name", 1, maxName); msg != "" {
		r.Errors = append(r.Errors, msg)
	}

	// Empty means User: least privilege, and the Add New User form's default.
	switch role := get(colRoleGroup); strings.ToLower(role) {
	case "", "user":
	case "administrator":
		r.Administrator = true
	default:
		r.Errors = append(r.Errors, "role_group must be User or Administrator, not "+quote(role, 30)+".")
	}

	send := get(colSendEmail)
	var known bool
	if r.SendEmail, known = parseBool(send); !known {
		r.Errors = append(r.Errors, "send_email must be true or false, not "+quote(send, 30)+".")
	}
	return r, ok
}

// parseBool reads send_email. Spreadsheets write TRUE/FALSE, people write
// yes/no or 1/0. Empty means true: a new account learns its temporary
// password only from the welcome mail, so leaving the column blank should
// not leave someone unable to sign in.
func parseBool(s string) (v, ok bool) {
	switch strings.ToLower(s) {
	case "", "true", "yes", "1":
		return true, true
	case "false", "no", "0":
		return false, true
	}
	return false, false
}

func trim(s string) string { return strings.TrimSpace(s) }

// normalizeEmail is internal/app.NormalizeEmail, copied because this
// package stays below app: trim, lower-case, and accept only a bare address
// that net/mail reads back unchanged, with a dot in the domain.
func normalizeEmail(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" || len(s) > maxEmail {
		return s, false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return s, false
	}
	at := strings.LastIndexByte(s, '@')
	if at < 1 || !strings.Contains(s[at+1:], ".") || strings.HasSuffix(s, ".") {
		return s, false
	}
	return s, true
}

// cleanText is internal/app's check of a one-line text, copied for the same
// reason: trimmed, min–max runes, no control characters (so no line breaks
// from a quoted multi-line cell).
func cleanText(s, label string, min, max int) (string, string) {
	s = strings.TrimSpace(s)
	n := utf8.RuneCountInString(s)
	switch {
	case n < min && min == 1:
		return s, label + " is required."
	case n < min:
		return s, label + " is too short."
	case n > max:
		return s, label + " is too long (at most " + strconv.Itoa(max) + " characters)."
	case !utf8.ValidString(s):
		return s, label + " is not valid text."
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return s, label + " must be a single line of text."
		}
	}
	return s, ""
}

func itoa(n int) string { return strconv.Itoa(n) }
