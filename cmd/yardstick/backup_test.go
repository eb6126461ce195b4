package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"yardstick/internal/app"
	"yardstick/internal/demo"
	"yardstick/internal/model"
	"yardstick/internal/password"
	"yardstick/internal/store"
	"yardstick/internal/testkit"
	"yardstick/internal/web"
)

// drillDB is a database with the demo loaded, its administrator's
// password known, and the demo's first measure to write to.
type drillDB struct {
	url       string
	store     *store.Store
	instance  int64
	measureID int64
}

func newDrillDB(t *testing.T, u string) drillDB {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	a := app.New(s, app.Config{BaseURL: "http://x"}, nil, nil)
	if _, err := demo.Load(ctx, a); err != nil {
		t.Fatal(err)
	}
	setDemoPassword(t, s)
	in, err := s.Q().InstanceByCode(ctx, demo.Code)
	if err != nil {
		t.Fatal(err)
	}
	var m int64
	if err := s.DB().QueryRowContext(ctx, `SELECT MIN(id) FROM objects WHERE instance_id = $1 AND kind = 'measure'`, in.ID).Scan(&m); err != nil {
		t.Fatal(err)
	}
	return drillDB{url: u, store: s, instance: in.ID, measureID: m}
}

func setDemoPassword(t *testing.T, s *store.Store) {
	t.Helper()
	acct, err := s.Q().AccountByEmail(context.Background(), demo.AdminEmail)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Q().SetPassword(context.Background(), acct.ID, password.Hash(testkit.Password), false, nil); err != nil {
		t.Fatal(err)
	}
}

// writers saves data values from four goroutines, each in its own
// transaction, until stop is closed.
func (d drillDB) writers(t *testing.T, stop chan struct{}) *sync.WaitGroup {
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				v := 1.5
				key := fmt.Sprintf("%04d-%02d-01", 1100+w*200+n/12%200, n%12+1)
				err := d.store.InTx(context.Background(), func(q *store.Q) error {
					_, err := q.SaveDataValue(context.Background(), d.instance, model.DataValue{MeasureID: d.measureID, PeriodKey: key, Actual: &v})
					return err
				})
				if err != nil && err != store.ErrConflict {
					t.Errorf("writer %d: %v", w, err)
					return
				}
			}
		})
	}
	return &wg
}

var countsLine = regexp.MustCompile(`It holds (\d+) instances, (\d+) accounts, (\d+) scorecards, (\d+) measures, (\d+) data values`)

// printedCounts reads the counts a backup or restore command printed.
func printedCounts(t *testing.T, out string) store.Counts {
	t.Helper()
	m := countsLine.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no counts in the output: %q", out)
	}
	var c store.Counts
	fmt.Sscan(strings.Join(m[1:], " "), &c.Instances, &c.Accounts, &c.Scorecards, &c.Measures, &c.DataValues)
	return c
}

// signInDemo serves the database at u and signs in the demo's
// administrator: a 303 to the dashboard.
func signInDemo(t *testing.T, u string) {
	t.Helper()
	s, err := store.Open(context.Background(), u, nil)
	if err != nil {
		t.Fatalf("open the restored database: %v", err)
	}
	defer s.Close()
	srv := httptest.NewServer(web.New(app.New(s, app.Config{BaseURL: "http://x"}, nil, nil), web.Config{BaseURL: "http://x", QuietRequests: true}, nil))
	defer srv.Close()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.PostForm(srv.URL+"/login", url.Values{"email": {demo.AdminEmail}, "password": {testkit.Password}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || strings.Contains(res.Header.Get("Location"), "login") {
		t.Errorf("sign-in on the restored database: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
}

// TestBackupRestoreDrillSQLite backs up a SQLite database ten times while
// four writers save data values, restores each copy to a new path, and
// checks it: integrity, the counts the backup printed, and (once) a server
// on it that signs the demo administrator in.
func TestBackupRestoreDrillSQLite(t *testing.T) {
	dir := t.TempDir()
	d := newDrillDB(t, "sqlite:"+filepath.Join(dir, "live.db"))
	stop := make(chan struct{})
	wg := d.writers(t, stop)
	defer func() { close(stop); wg.Wait() }()
	var first, last store.Counts
	for i := range 10 {
		time.Sleep(50 * time.Millisecond)
		file := filepath.Join(dir, fmt.Sprintf("backup-%d.db", i))
		var out bytes.Buffer
		if err := run([]string{"backup", "--database-url", d.url, file}, &out, &out); err != nil {
			t.Fatalf("backup %d: %v\n%s", i, err, out.String())
		}
		printed := printedCounts(t, out.String())
		if printed.DataValues == 0 {
			t.Fatalf("backup %d holds no data values: %s", i, out.String())
		}
		if i == 0 {
			first = printed
		}
		last = printed
		// A second backup to the same name is refused without --force.
		if err := run([]string{"backup", "--database-url", d.url, file}, &out, &out); err == nil || !strings.Contains(err.Error(), "--force") {
			t.Errorf("backup over an existing file: %v, want a refusal naming --force", err)
		}
		to := filepath.Join(dir, fmt.Sprintf("restored-%d.db", i))
		out.Reset()
		if err := run([]string{"restore", file, "--to", to}, &out, &out); err != nil {
			t.Fatalf("restore %d: %v", i, err)
		}
		if got := printedCounts(t, out.String()); got != printed {
			t.Errorf("restore %d printed %v, the backup %v", i, got, printed)
		}
		got, _, err := store.CheckSQLiteFile(context.Background(), to)
		if err != nil {
			t.Fatalf("restored copy %d: %v", i, err)
		}
		if got != printed {
			t.Errorf("copy %d holds %v, the backup printed %v", i, got, printed)
		}
		if i == 0 {
			signInDemo(t, "sqlite:"+to)
		}
		// Restoring onto an existing file is refused.
		if err := run([]string{"restore", file, "--to", to}, &out, &out); err == nil {
			t.Error("restore onto an existing file was accepted")
		}
	}
	if last.DataValues <= first.DataValues {
		t.Errorf("the writers wrote nothing between the first backup (%d values) and the last (%d)", first.DataValues, last.DataValues)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*partial*")); len(left) > 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}

// TestBackupRestoreDrillPostgres is the drill with pg_dump and pg_restore
// into a new database.
func TestBackupRestoreDrillPostgres(t *testing.T) { testkit.OnPostgres(t, backupRestoreDrillPostgres) }

func backupRestoreDrillPostgres(t *testing.T, base string) {
	restoreBin, err := exec.LookPath("pg_restore")
	if err != nil {
		// PostgreSQL's client tools come with the server make test installs.
		t.Fatalf("pg_restore is not on the PATH: %v", err)
	}
	u := testkit.NewSchema(t, base)
	d := newDrillDB(t, u)
	stop := make(chan struct{})
	wg := d.writers(t, stop)
	time.Sleep(200 * time.Millisecond)
	file := filepath.Join(t.TempDir(), "yardstick.dump")
	var out bytes.Buffer
	err = run([]string{"backup", "--database-url", d.url, file}, &out, &out)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatalf("backup: %v\n%s", err, out.String())
	}
	printed := printedCounts(t, out.String())

	// pg_restore into a database of its own, as the README says.
	target := newDatabase(t, base)
	parsed, _ := url.Parse(target)
	pw, _ := parsed.User.Password()
	parsed.User = url.User(parsed.User.Username())
	cmd := exec.Command(restoreBin, "--no-owner", "--exit-on-error", "--dbname="+parsed.String(), file)
	cmd.Env = append(os.Environ(), "PGPASSWORD="+pw)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("pg_restore: %v\n%s", err, b)
	}
	schema, _ := url.Parse(u)
	q := parsed.Query()
	q.Set("search_path", schema.Query().Get("search_path"))
	parsed.RawQuery = q.Encode()
	parsed.User = url.UserPassword(parsed.User.Username(), pw)
	s, err := store.Open(context.Background(), parsed.String(), nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Counts(context.Background())
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	if got != printed || got.DataValues == 0 {
		t.Errorf("the restored database holds %v, the backup printed %v", got, printed)
	}
	signInDemo(t, parsed.String())
}

// newDatabase creates an empty database beside base's and drops it when
// the test ends.
func newDatabase(t *testing.T, base string) string {
	t.Helper()
	u, _ := url.Parse(base)
	name := fmt.Sprintf("ys_restore_%d", time.Now().UnixNano())
	s, err := store.OpenNoMigrate(base, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.DB().Exec(`CREATE DATABASE ` + name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s, err := store.OpenNoMigrate(base, nil)
		if err == nil {
			s.DB().Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
			s.Close()
		}
	})
	u.Path = "/" + name
	return u.String()
}

// A server does not start on a database a newer release has migrated, and
// says which versions meet.
func TestRefusesNewerDatabase(t *testing.T) {
	u := "sqlite:" + filepath.Join(t.TempDir(), "newer.db")
	s, err := store.Open(context.Background(), u, nil)
	if err != nil {
		t.Fatal(err)
	}
	ms, _ := store.Migrations(store.SQLite)
	latest := ms[len(ms)-1].Version
	if _, err := s.DB().Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'from_the_future', '2027-01-01T00:00:00Z')`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	var out bytes.Buffer
	err = run([]string{"serve", "--database-url", u, "--addr", "127.0.0.1:0"}, &out, &out)
	if err == nil || !strings.Contains(err.Error(), "9999") || !strings.Contains(err.Error(), fmt.Sprintf("%04d", latest)) {
		t.Errorf("serve on a newer database: %v; want a refusal naming 9999 and %04d", err, latest)
	}
	if _, err := backupRestoreCheck(u); err == nil {
		t.Error("restore accepted a database newer than this code")
	}
}

// backupRestoreCheck is what restore checks a file with.
func backupRestoreCheck(u string) (store.Counts, error) {
	c, _, err := store.CheckSQLiteFile(context.Background(), strings.TrimPrefix(u, "sqlite:"))
	return c, err
}
