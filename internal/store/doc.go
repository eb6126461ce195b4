// Package store holds all SQL, for SQLite and PostgreSQL. One SQL string
// serves both dialects wherever possible ($n placeholders, RETURNING,
// ON CONFLICT); the few differences live in Dialect.
//
// Rules it keeps: every method on tenant data takes the instance id as an
// explicit argument; the store makes no permission decisions beyond the
// visibility filter the app hands it; lists page by keyset. Tenant tables
// are keyed by instance: instance_id leads every primary key, is in every
// unique constraint and on both sides of every foreign key between tenant
// tables, so they distribute on Citus; placement.md says where each table
// lives there, and placement_test.go holds the schema to it.
package store
