package importer

import (
	"strconv"
	"strings"

	"yardstick/internal/textcheck"
)

// Limits shared with the Add New User form (internal/app).
const (
	maxEmail = textcheck.MaxEmail
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
	r.Email, ok = textcheck.Email(email)
	switch {
	case email == "":
		r.Errors = append(r.Errors, "Username (email) is required.")
	case len(r.Email) > maxEmail:
		r.Errors = append(r.Errors, "Username is too long (at most "+itoa(maxEmail)+" characters).")
	case !ok:
		r.Errors = append(r.Errors, quote(email, 60)+" is not a valid email address.")
	}
	var msg string
	if r.FirstName, msg = textcheck.Line(get(colFirstName), "First name", 1, maxName); msg != "" {
		r.Errors = append(r.Errors, msg)
	}
	if r.LastName, msg = textcheck.Line(get(colLastName), "Last name", 1, maxName); msg != "" {
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

func itoa(n int) string { return strconv.Itoa(n) }
