// Package app holds Yardstick's use cases. Each takes the acting member
// (or, for operator commands, none), asks internal/access whether the act
// is allowed, and does its writes in one store transaction together with
// the mail (and activity log) they cause.
//
// Errors carry a Kind (NotFound, Forbidden, Conflict, Invalid,
// Unauthenticated, TooMany, Unavailable); Outcome maps any error to one
// at the boundary, and the web and API layers map kinds to responses and
// never decide permissions themselves.
package app
