package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"

	"yardstick/internal/app"
	"yardstick/internal/store"
)

func migrate(ctx context.Context, args []string, stdout io.Writer) error {
	c, _, err := parseConfig("migrate", args, nil)
	if err != nil {
		return err
	}
	s, err := store.Open(ctx, c.DatabaseURL, nil)
	if err != nil {
		return err
	}
	defer s.Close()
	fmt.Fprintln(stdout, "database is up to date")
	return nil
}

func instanceCmd(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New("instance: expected create, list or set")
	}
	var code, name, email, adminName, multiSite *string
	sub, args := args[0], args[1:]
	c, fs, err := parseConfig("instance "+sub, args, func(fs *flag.FlagSet) {
		if sub == "create" {
			code = fs.String("code", "", "instance code: 2–16 of A–Z, 0–9, -")
			name = fs.String("name", "", "organization name")
			email = fs.String("admin-email", "", "email of the first administrator")
			adminName = fs.String("admin-name", "", "name of the first administrator (default: the email's local part)")
		}
		if sub == "set" {
			code = fs.String("code", "", "instance code")
			multiSite = fs.String("multi-site", "", "true or false: enable the instance's Multi-Site Tools (child instances, copies)")
		}
	})
	if err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("instance %s: unexpected argument %q", sub, fs.Arg(0))
	}
	a, err := openApp(ctx, c, newLogger(c, io.Discard), nil)
	if err != nil {
		return err
	}
	defer a.Store().Close()
	switch sub {
	case "create":
		out, err := a.CreateInstance(ctx, app.NewInstance{Code: *code, Name: *name, AdminEmail: *email, AdminName: *adminName})
		if err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "Created instance %s (%s).\n", out.Instance.Code, out.Instance.Name)
		if out.ExistingAccount {
			fmt.Fprintf(stdout, "Administrator: %s (existing account, added with the Administration preset; told by mail).\n", out.Admin.Email)
		} else {
			fmt.Fprintf(stdout, "Administrator: %s\nTemporary password (shown once; expires in 72 hours): %s\nSign in at %s/login\n",
				out.Admin.Email, out.TempPassword, c.BaseURL)
		}
		return nil
	case "set":
		if *multiSite == "" {
			return errors.New("instance set: give --multi-site=true or --multi-site=false")
		}
		on, err := strconv.ParseBool(*multiSite)
		if err != nil {
			return fmt.Errorf("instance set: --multi-site takes true or false, not %q", *multiSite)
		}
		if err := a.SetMultiSite(ctx, *code, on); err != nil {
			return describe(err)
		}
		word := "disabled"
		if on {
			word = "enabled"
		}
		fmt.Fprintf(stdout, "Multi-Site Tools %s for %s.\n", word, *code)
		return nil
	case "list":
		list, err := a.ListInstances(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "CODE\tNAME\tLICENSE\tSEATS\tCREATED")
		for _, in := range list {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\n", in.Code, in.Name, in.LicenseType, in.Seats, in.CreatedAt.Format("2006-01-02"))
		}
		return tw.Flush()
	}
	return fmt.Errorf("instance: unknown subcommand %q (create, list, set)", sub)
}

func licenseCmd(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "set" {
		return errors.New("license: expected set --instance CODE --type NAME --seats N")
	}
	var code, typ *string
	var seats *int
	c, _, err := parseConfig("license set", args[1:], func(fs *flag.FlagSet) {
		code = fs.String("instance", "", "instance code")
		typ = fs.String("type", "", "license type name")
		seats = fs.Int("seats", -1, "seat count")
	})
	if err != nil {
		return err
	}
	a, err := openApp(ctx, c, newLogger(c, io.Discard), nil)
	if err != nil {
		return err
	}
	defer a.Store().Close()
	if err := a.SetLicense(ctx, *code, *typ, *seats); err != nil {
		return describe(err)
	}
	fmt.Fprintf(stdout, "License of %s: %s, %d seats.\n", *code, *typ, *seats)
	return nil
}

func mailCmd(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New("mail: expected list or show ID")
	}
	sub, args := args[0], args[1:]
	var status *string
	var limit *int
	c, fs, err := parseConfig("mail "+sub, args, func(fs *flag.FlagSet) {
		if sub == "list" {
			status = fs.String("status", "", "only pending, sent or failed")
			limit = fs.Int("limit", 50, "how many, newest first")
		}
	})
	if err != nil {
		return err
	}
	s, err := store.Open(ctx, c.DatabaseURL, nil)
	if err != nil {
		return err
	}
	defer s.Close()
	switch sub {
	case "list":
		msgs, err := s.Q().ListMail(ctx, *status, 0, *limit)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tSTATUS\tATTEMPTS\tCREATED\tTO\tSUBJECT")
		for _, m := range msgs {
			fmt.Fprintf(tw, "%d\t%s\t%d\t%s\t%s\t%s\n", m.ID, m.Status, m.Attempts, m.CreatedAt.Format("2006-01-02 15:04"), m.To, m.Subject)
		}
		return tw.Flush()
	case "show":
		if fs.NArg() != 1 {
			return errors.New("mail show: expected one message ID")
		}
		id, err := strconv.ParseInt(fs.Arg(0), 10, 64)
		if err != nil {
			return fmt.Errorf("mail show: %q is not a message ID", fs.Arg(0))
		}
		m, err := s.Q().MailByID(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("mail show: no message %d", id)
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "ID: %d\nStatus: %s (attempts %d)\nTo: %s\nSubject: %s\nCreated: %s\n",
			m.ID, m.Status, m.Attempts, m.To, m.Subject, m.CreatedAt.Format("2006-01-02 15:04:05 MST"))
		if m.LastError != "" {
			fmt.Fprintf(stdout, "Last error: %s\n", m.LastError)
		}
		fmt.Fprintf(stdout, "\n%s\n", m.Body)
		return nil
	}
	return fmt.Errorf("mail: unknown subcommand %q (list, show)", sub)
}

// describe turns a validation error into one readable line with its
// field messages.
func describe(err error) error {
	e, ok := app.AsError(err)
	if !ok || len(e.Fields) == 0 {
		return err
	}
	msg := e.Msg
	for f, m := range e.Fields {
		msg += " " + f + ": " + m
	}
	return errors.New(msg)
}
