// Package web serves Yardstick's HTML pages. Every route is registered in
// routes.go with what it needs (public, signed in, member) and the
// permission that opens it on the same line. Handlers parse input, call
// internal/app and render internal/web/views; they run no SQL and decide
// no permission themselves. Before any route, input.go refuses a path,
// query or form holding NUL, other control characters or bytes that are
// not UTF-8, so no handler has to remember to.
package web
