package app

import (
	"errors"
	"fmt"
	"time"
)

// Kind classifies an error for the layers that answer requests.
type Kind int

// Error kinds. Internal is anything not made by this package.
const (
	Internal Kind = iota
	NotFound
	Forbidden
	Conflict
	Invalid
	Unauthenticated
	TooMany
	Unavailable // the database cannot be reached; retry later
)

// Error is a refusal the user can act on.
type Error struct {
	Kind       Kind
	Msg        string            // shown to the user
	Fields     map[string]string // field name → message, for forms
	RetryAfter time.Duration     // for TooMany
}

func (e *Error) Error() string { return e.Msg }

// KindOf returns the kind of err, Internal when it is not an *Error.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}

// AsError returns err as an *Error when it is one.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

func errNotFound() error { return &Error{Kind: NotFound, Msg: "Not found."} }

func errForbidden(format string, args ...any) error {
	return &Error{Kind: Forbidden, Msg: fmt.Sprintf(format, args...)}
}

func errConflict(format string, args ...any) error {
	return &Error{Kind: Conflict, Msg: fmt.Sprintf(format, args...)}
}

// forbidden and conflict take a message as it is, not as a format: one
// written in the instance's terms may hold a %.
func forbidden(msg string) error { return &Error{Kind: Forbidden, Msg: msg} }

func conflict(msg string) error { return &Error{Kind: Conflict, Msg: msg} }

// invalid builds a validation error; fields maps form fields to messages.
func invalid(msg string, fields map[string]string) error {
	return &Error{Kind: Invalid, Msg: msg, Fields: fields}
}

// fieldError is a validation error on one field.
func fieldError(field, msg string) error {
	return invalid(msg, map[string]string{field: msg})
}

// ErrUnauthenticated means no valid session.
var ErrUnauthenticated error = &Error{Kind: Unauthenticated, Msg: "Please sign in."}
