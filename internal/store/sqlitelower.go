package store

import (
	"database/sql/driver"
	"fmt"
	"strings"

	"modernc.org/sqlite"
)

// SQLite's own lower() folds ASCII letters only: a member named "Élodie"
// kept her É in name_key and in the search text, while search terms are
// lowercased in Go, so "élodie" found nobody. On SQLite, lower() is Go's
// strings.ToLower instead, as PostgreSQL's is in a UTF-8 locale; migration
// 0010 refolds the keys stored before.
func init() {
	sqlite.MustRegisterDeterministicScalarFunction("lower", 1, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		switch v := args[0].(type) {
		case nil:
			return nil, nil
		case string:
			return strings.ToLower(v), nil
		case []byte:
			return strings.ToLower(string(v)), nil
		default: // a number, which SQLite's lower() returns as text
			return fmt.Sprint(v), nil
		}
	})
}
