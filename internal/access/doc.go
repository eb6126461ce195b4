// Package access owns who may do what: the 22 permissions of SPEC §3.1,
// the four presets of §3.2, and the visibility rules of §3.3. It is pure:
// no HTTP, no SQL. internal/app asks it before every operation.
package access
