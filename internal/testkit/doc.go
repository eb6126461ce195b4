// Package testkit holds test helpers: the two-database runner, fixture
// builders, a real SMTP server that captures mail, the browser, and a PDF
// text reader for checking downloads (PDFLines).
//
// A package whose TestMain calls Main gets its test databases reused
// (reuse.go): each test still starts from a database as new, made for a
// fraction of the cost of migrating one.
//
// A missing Chromium fails the test; so does a missing PostgreSQL in CI
// (CI=true). Outside CI without PostgreSQL the two-database runner says
// so and runs SQLite only. Nothing is skipped.
package testkit
