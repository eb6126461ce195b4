// Package testkit holds test helpers: the two-database runner, fixture
// builders, a real SMTP server that captures mail, and the browser.
//
// In CI (CI=true) a missing PostgreSQL or Chromium fails the test; it is
// never skipped.
package testkit
