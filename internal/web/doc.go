// Package web serves Yardstick's HTML pages. Every route is registered in
// routes.go with what it needs (public, signed in, member) and the
// permission that opens it on the same line. Handlers parse input, call
// internal/app and render internal/web/views; they run no SQL and decide
// no permission themselves.
package web
