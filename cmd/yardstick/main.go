// Command yardstick runs the Yardstick web app and its operator commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // members choose time zones; minimal hosts may lack the database

	"yardstick/internal/app"
	"yardstick/internal/store"
)

const usage = `Yardstick: Results-Based Accountability scorecards.

Usage:
  yardstick [serve] [flags]        run the web app (default)
  yardstick migrate                apply database migrations and exit
  yardstick instance create --code CODE --name NAME --admin-email EMAIL [--admin-name NAME]
                                   create an instance and its first administrator;
                                   prints the administrator's temporary password once
  yardstick instance list          list instances
  yardstick license set --instance CODE --type NAME --seats N
                                   set an instance's license type and seat count
  yardstick mail list [--status pending|sent|failed] [--limit N]
                                   list queued and sent mail
  yardstick mail show ID           print one mail (how to read mail without SMTP)
  yardstick jobs list [--state S] [--limit N]
                                   list background jobs (digests, action emails, reminders),
                                   newest first, with attempts and the last error
  yardstick import-users --instance CODE FILE [--dry-run]
                                   import users from CSV (same engine as the Import Users page)
  yardstick backup [--force] FILE  write a consistent copy of the database while it serves
                                   (SQLite: a checked database file; PostgreSQL: pg_dump -Fc)
  yardstick restore FILE --to PATH check a SQLite backup and place it at a new path
  yardstick demo                   load a realistic example instance and print its sign-in
  yardstick --demo                 load the example instance (if absent), then serve

Every command takes the flags below; run "yardstick COMMAND --help" for its own.

Environment variables:
`

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "yardstick:", err)
		}
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") && cmd == "serve" {
		fmt.Fprint(stdout, usage+variablesHelp())
		return nil
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	switch cmd {
	case "serve":
		return serve(ctx, args, stderr)
	case "migrate":
		return migrate(ctx, args, stdout)
	case "instance":
		return instanceCmd(ctx, args, stdout)
	case "license":
		return licenseCmd(ctx, args, stdout)
	case "mail":
		return mailCmd(ctx, args, stdout)
	case "jobs":
		return jobsCmd(ctx, args, stdout)
	case "demo":
		return demoCmd(ctx, args, stdout)
	case "import-users":
		return importUsersCmd(ctx, args, stdout)
	case "backup":
		return backupCmd(ctx, args, stdout)
	case "restore":
		return restoreCmd(ctx, args, stdout)
	case "help":
		fmt.Fprint(stdout, usage+variablesHelp())
		return nil
	}
	return fmt.Errorf("unknown command %q; run yardstick --help", cmd)
}

func newLogger(c *Config, w io.Writer) *slog.Logger {
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

// openApp opens the store (migrating it) and builds the app for a command.
func openApp(ctx context.Context, c *Config, log *slog.Logger, wake func()) (*app.App, error) {
	s, err := store.Open(ctx, c.DatabaseURL, nil)
	if err != nil {
		return nil, fmt.Errorf("database: %w", err)
	}
	return app.New(s, app.Config{BaseURL: c.BaseURL, SessionIdle: c.SessionIdle,
		Signup: c.Signup == "true", OperatorEmail: c.OperatorMail,
		ReferralsPerDay: c.ReferralsPerDay, ReferralsPerAddressWeek: c.ReferralsPerAddressWeek,
		HeavyPerMember: c.HeavyPerMember, HeavyTotal: c.HeavyTotal, HeavyRunning: c.HeavyRunning}, log, wake), nil
}
