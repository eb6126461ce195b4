package web

import (
	"math"
	"net/http"
	"strconv"
	"strings"

	"yardstick/internal/app"
)

// Numbers in forms, query strings and paths. Every number a handler reads
// goes through these helpers, parsed with its range, so none reaches a use
// case or a database column as a value it cannot hold: a version past the
// int4 column, a parse error read as 0 or as MaxInt64, an id of 0 where
// none was meant. A value that is not a number in range is refused with a
// field error (422, the form shown again with it where there is one), a
// path id with 404. Only decimal ASCII digits with an optional sign count:
// "1e3", "0x10", "1_000", "NaN" and other scripts' digits are refused, not
// read as something else. (Numbers a user types, such as decimals or data
// values, are text to the app, which parses them with its own messages.)
//
// A test (TestSweepListsEveryField) finds every field the handlers read, so
// the hostile-value sweep over the route table covers each one.

// Ranges of the numbers the handlers read.
const (
	maxID      = math.MaxInt64 // row ids are BIGINT
	maxVersion = math.MaxInt32 // row versions are INTEGER
)

// parseWhole parses s, spaces around it allowed, as a decimal whole number
// from lo to hi.
func parseWhole(s string, lo, hi int64) (int64, bool) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n < lo || n > hi {
		return 0, false
	}
	return n, true
}

// numberError refuses the value of one field.
func numberError(field string, lo, hi int64) error {
	msg := "“" + field + "” must be a whole number from " + strconv.FormatInt(lo, 10) + " to " + strconv.FormatInt(hi, 10) +
		". Reload the page and try again."
	return &app.Error{Kind: app.Invalid, Msg: msg, Fields: map[string]string{field: msg}}
}

// formInt reads field name (the form's, or the query's on a GET) as a
// whole number from lo to hi; empty counts as missing.
func formInt(r *http.Request, name string, lo, hi int64) (int64, error) {
	n, ok := parseWhole(r.FormValue(name), lo, hi)
	if !ok {
		return 0, numberError(name, lo, hi)
	}
	return n, nil
}

// formOptInt is formInt with a default for an empty or absent field.
func formOptInt(r *http.Request, name string, lo, hi, def int64) (int64, error) {
	if strings.TrimSpace(r.FormValue(name)) == "" {
		return def, nil
	}
	return formInt(r, name, lo, hi)
}

// formClamped reads a whole number that only chooses how much to show
// (periods before and after): one past the range, however far, is the
// nearest end of it; empty or absent is def; what is not a whole number
// at all is refused.
func formClamped(r *http.Request, name string, lo, hi, def int64) (int64, error) {
	s := strings.TrimSpace(r.FormValue(name))
	if s == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); !ok || ne.Err != strconv.ErrRange {
			return 0, numberError(name, lo, hi)
		}
		// n is MaxInt64 or MinInt64: the side the number was on.
	}
	return min(max(n, lo), hi), nil
}

// formVersion reads the version a form was loaded at.
func formVersion(r *http.Request) (int64, error) { return formInt(r, "version", 0, maxVersion) }

// formID reads an optional id: 0 when empty, absent or 0 (a select's
// "None" option).
func formID(r *http.Request, name string) (int64, error) { return formOptInt(r, name, 0, maxID, 0) }

// formIDs parses a form's list of ids (checkboxes); one that is not an id
// becomes 0, which no lookup finds, so the app refuses the save naming it
// and the form shows the list as it was ticked, rather than the id being
// dropped.
func formIDs(raw []string) []int64 {
	if len(raw) == 0 {
		return nil
	}
	out := make([]int64, 0, len(raw))
	for _, v := range raw {
		n, _ := parseWhole(v, 1, maxID)
		out = append(out, n)
	}
	return out
}

// pathID parses a numeric path value; anything else is NotFound, like a
// missing id.
func pathID(r *http.Request, name string) (int64, error) {
	n, ok := parseWhole(r.PathValue(name), 1, maxID)
	if !ok {
		return 0, &app.Error{Kind: app.NotFound, Msg: "Not found."}
	}
	return n, nil
}

// firstErr returns the first error that is not nil.
func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
