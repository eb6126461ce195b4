package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"yardstick/internal/app"
	"yardstick/internal/demo"
)

// demoCmd loads the example instance into the configured database and
// prints how to sign in to it.
func demoCmd(ctx context.Context, args []string, stdout io.Writer) error {
	c, fs, err := parseConfig("demo", args, nil)
	if err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("demo: unexpected argument %q", fs.Arg(0))
	}
	a, err := openApp(ctx, c, newLogger(c, io.Discard), nil)
	if err != nil {
		return err
	}
	defer a.Store().Close()
	res, err := demo.Load(ctx, a)
	if errors.Is(err, demo.ErrExists) {
		return fmt.Errorf("%w; sign in with its administrator %s, or load the demo into another database (--database-url)",
			err, demo.AdminEmail)
	}
	if err != nil {
		return describe(err)
	}
	printDemo(stdout, res, c.BaseURL+"/login")
	return nil
}

// loadDemoIfAbsent loads the example instance for `serve --demo` unless it
// is already there, which is not an error: the server restarts with it.
func loadDemoIfAbsent(ctx context.Context, a *app.App, baseURL string, stdout io.Writer) error {
	res, err := demo.Load(ctx, a)
	if errors.Is(err, demo.ErrExists) {
		fmt.Fprintf(stdout, "demo instance %s already exists (administrator %s).\n", demo.Code, demo.AdminEmail)
		return nil
	}
	if err != nil {
		return describe(err)
	}
	printDemo(stdout, res, baseURL+"/login")
	return nil
}

// printDemo tells the operator, once, how to sign in to the demo.
func printDemo(w io.Writer, res demo.Result, signIn string) {
	fmt.Fprintf(w, "Created demo instance %s (%s).\n", res.Code, res.Name)
	if res.ExistingAccount {
		fmt.Fprintf(w, "Administrator: %s (existing account, added with the Administration preset; sign in with its password).\n", res.AdminEmail)
	} else {
		fmt.Fprintf(w, "Administrator: %s\nTemporary password (shown once; expires in 72 hours): %s\n", res.AdminEmail, res.TempPassword)
	}
	fmt.Fprintf(w, "Sign in at %s\n", signIn)
	fmt.Fprintf(w, "Loaded %d scorecards, %d containers, %d measures and %d data values.\n",
		res.Scorecards, res.Containers, res.Measures, res.DataValues)
}
