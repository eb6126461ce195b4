// Package backup makes and restores consistent copies of Yardstick's
// database while the server keeps serving: `yardstick backup` and
// `restore`, and the server's scheduled snapshots. On SQLite a copy is one
// VACUUM INTO snapshot, checked (PRAGMA integrity_check, schema not newer
// than the code) under a temporary name and then renamed into place, so a
// file at the final name is never partial. On PostgreSQL it is pg_dump of
// an exported snapshot, whose counts are read in that same snapshot.
// A Citus cluster is backed up with Citus's own tools, not here.
package backup
