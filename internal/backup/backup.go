package backup

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"yardstick/internal/store"
)

// Result describes a finished backup.
type Result struct {
	Path   string
	Size   int64
	Took   time.Duration
	Counts store.Counts
}

// ErrExists means the target file exists and force was not given.
var ErrExists = errors.New("file exists")

// Write makes a consistent backup of s at dst: a SQLite database file, or
// a pg_dump custom-format archive for PostgreSQL (databaseURL is the one s
// was opened with; pg_dump connects itself). An existing dst is replaced
// only with force.
func Write(ctx context.Context, s *store.Store, databaseURL, dst string, force bool) (Result, error) {
	start := time.Now()
	if !force {
		if _, err := os.Lstat(dst); err == nil {
			return Result{}, fmt.Errorf("%s: %w (give --force to replace it)", dst, ErrExists)
		}
	}
	tmp, err := tempName(dst)
	if err != nil {
		return Result{}, err
	}
	defer removeAll(tmp) // gone after the rename; a leftover after a failure
	var counts store.Counts
	switch s.Dialect() {
	case store.SQLite:
		if err := s.SnapshotSQLite(ctx, tmp); err != nil {
			return Result{}, fmt.Errorf("copy: %w", err)
		}
		if counts, _, err = store.CheckSQLiteFile(ctx, tmp); err != nil {
			return Result{}, fmt.Errorf("the copy failed its check: %w", err)
		}
	default:
		if counts, err = dumpPostgres(ctx, s, databaseURL, tmp); err != nil {
			return Result{}, err
		}
	}
	// A backup holds password hashes and every instance's data.
	if err := os.Chmod(tmp, 0o600); err != nil {
		return Result{}, err
	}
	if err := syncFile(tmp); err != nil {
		return Result{}, err
	}
	if !force {
		if _, err := os.Lstat(dst); err == nil {
			return Result{}, fmt.Errorf("%s: %w (give --force to replace it)", dst, ErrExists)
		}
	}
	if err := os.Rename(tmp, dst); err != nil {
		return Result{}, err
	}
	syncDir(filepath.Dir(dst))
	st, err := os.Stat(dst)
	if err != nil {
		return Result{}, err
	}
	return Result{Path: dst, Size: st.Size(), Took: time.Since(start), Counts: counts}, nil
}

// dumpPostgres runs pg_dump on the snapshot of a transaction that also
// reads the counts, so the counts describe the dump.
func dumpPostgres(ctx context.Context, s *store.Store, databaseURL, tmp string) (store.Counts, error) {
	if citus, err := s.HasCitus(ctx); err != nil {
		return store.Counts{}, err
	} else if citus {
		return store.Counts{}, errors.New("this database runs Citus: pg_dump of the coordinator does not hold the distributed tables' rows; back up each node with Citus's tools (see the README, \"Scaling out\")")
	}
	bin, err := exec.LookPath("pg_dump")
	if err != nil {
		return store.Counts{}, errors.New("pg_dump is not on the PATH: install PostgreSQL's client tools (Debian: apt-get install postgresql-client) in the version of the server or newer")
	}
	tx, snapshot, counts, err := s.ExportSnapshot(ctx)
	if err != nil {
		return store.Counts{}, fmt.Errorf("snapshot: %w", err)
	}
	defer tx.Rollback()
	conn, env, schema, err := libpqArgs(databaseURL)
	if err != nil {
		return store.Counts{}, err
	}
	args := []string{"--format=custom", "--no-owner", "--snapshot=" + snapshot, "--file=" + tmp}
	if schema != "" {
		args = append(args, "--schema="+schema)
	}
	args = append(args, "--dbname="+conn)
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), env...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return store.Counts{}, fmt.Errorf("pg_dump: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	return counts, nil
}

// libpqArgs turns Yardstick's PostgreSQL URL into what libpq's tools
// accept: the password moves to PGPASSWORD (not the process list), and
// search_path, which pgx takes as a parameter and libpq refuses, becomes
// the schema to dump or restore into.
func libpqArgs(databaseURL string) (conn string, env []string, schema string, err error) {
	u, err := url.Parse(databaseURL)
	if err != nil {
		return "", nil, "", fmt.Errorf("database URL: %w", err)
	}
	if pw, ok := u.User.Password(); ok {
		env = append(env, "PGPASSWORD="+pw)
		u.User = url.User(u.User.Username())
	}
	q := u.Query()
	schema = q.Get("search_path")
	q.Del("search_path")
	u.RawQuery = q.Encode()
	return u.String(), env, schema, nil
}

// Restore checks a SQLite backup and copies it to a new path, which must
// not exist: a restore never overwrites a database, least of all a
// running server's. The operator then points YARDSTICK_DATABASE_URL at it.
func Restore(ctx context.Context, file, to string) (store.Counts, error) {
	if _, err := os.Lstat(to); err == nil {
		return store.Counts{}, fmt.Errorf("%s: %w; restore to a new path, then point YARDSTICK_DATABASE_URL at it", to, ErrExists)
	}
	counts, _, err := store.CheckSQLiteFile(ctx, file)
	if err != nil {
		return store.Counts{}, err
	}
	tmp, err := tempName(to)
	if err != nil {
		return store.Counts{}, err
	}
	defer removeAll(tmp)
	if err := copyFile(file, tmp); err != nil {
		return store.Counts{}, err
	}
	if _, err := os.Lstat(to); err == nil {
		return store.Counts{}, fmt.Errorf("%s: %w", to, ErrExists)
	}
	if err := os.Rename(tmp, to); err != nil {
		return store.Counts{}, err
	}
	syncDir(filepath.Dir(to))
	return counts, nil
}

// tempName is a name beside dst that no one else uses, so the final
// rename stays on one file system and is atomic.
func tempName(dst string) (string, error) {
	b := make([]byte, 6)
	rand.Read(b)
	dir := filepath.Dir(dst)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return "", fmt.Errorf("%s: no such directory", dir)
	}
	return filepath.Join(dir, "."+filepath.Base(dst)+".partial-"+hex.EncodeToString(b)), nil
}

// removeAll removes a temporary copy and the files SQLite may have made
// beside it.
func removeAll(path string) {
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		os.Remove(path + suffix)
	}
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// syncDir makes a rename durable; a failure only weakens that.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
