package testkit

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// OwnPostgresCluster makes a PostgreSQL 15 cluster for one test (Debian's
// pg_createcluster, as root, on a free loopback port), starts it, and
// returns the URL of a database on it and the cluster's name; the cluster is dropped when the
// test ends. The outage test stops and starts it, which the clusters the
// other tests share must not suffer. It returns "" when it cannot be made
// outside CI; in CI that fails the test.
func OwnPostgresCluster(t testing.TB) (string, string) {
	t.Helper()
	fail := func(format string, args ...any) (string, string) {
		if InCI() {
			t.Fatalf(format, args...)
		}
		t.Logf(format, args...)
		return "", ""
	}
	if os.Getuid() != 0 {
		return fail("a PostgreSQL cluster of its own is made as root")
	}
	if _, err := exec.LookPath("pg_createcluster"); err != nil {
		return fail("pg_createcluster is not installed (postgresql-common)")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	name := fmt.Sprintf("ys_outage_%d", port)
	if out, err := run("pg_createcluster", "15", name, "-p", strconv.Itoa(port), "--", "--auth-local=peer", "--auth-host=trust"); err != nil {
		return fail("pg_createcluster: %v\n%s", err, out)
	}
	t.Cleanup(func() { run("pg_dropcluster", "--stop", "15", name) })
	conf := "listen_addresses = '127.0.0.1'\nfsync = off\nsynchronous_commit = off\n"
	if err := os.WriteFile("/etc/postgresql/15/"+name+"/conf.d/yardstick-outage.conf", []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := run("pg_ctlcluster", "15", name, "start"); err != nil {
		t.Fatalf("start cluster %s: %v\n%s", name, err, out)
	}
	for _, stmt := range []string{"CREATE ROLE outage LOGIN",
		"CREATE DATABASE outage OWNER outage TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"} {
		if out, err := run("runuser", "-u", "postgres", "--", "psql", "-p", strconv.Itoa(port), "-h", "127.0.0.1", "-U", "postgres", "-q", "-c", stmt); err != nil {
			t.Fatalf("make the outage database: %v\n%s", err, out)
		}
	}
	return fmt.Sprintf("postgres://outage@127.0.0.1:%d/outage?sslmode=disable", port), name
}

// ClusterCtl stops (fast: every session is ended) or starts a cluster
// from OwnPostgresCluster, and waits until it is done.
func ClusterCtl(t testing.TB, name, action string) {
	t.Helper()
	args := []string{"15", name, action}
	if action == "stop" {
		args = append(args, "--mode", "fast")
	}
	if out, err := run("pg_ctlcluster", args...); err != nil {
		t.Fatalf("pg_ctlcluster %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// run runs a command whose daemon children must not hold a pipe of ours
// open (pg_ctlcluster start leaves the server running): output goes
// through a file.
func run(name string, args ...string) (string, error) {
	f, err := os.CreateTemp("", "ys-cmd-*")
	if err != nil {
		return "", err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = f, f
	cmd.WaitDelay = 30 * time.Second
	err = cmd.Run()
	b, _ := os.ReadFile(f.Name())
	return string(b), err
}
