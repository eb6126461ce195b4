package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"yardstick/internal/app"
)

// importUsersCmd runs Import Users from the command line with the same
// engine as the page: a dry run, then (without --dry-run) the run, and
// the results as CSV on standard output.
func importUsersCmd(ctx context.Context, args []string, stdout io.Writer) error {
	var code *string
	var dryRun *bool
	c, fs, err := parseConfig("import-users", positionalLast(args), func(fs *flag.FlagSet) {
		code = fs.String("instance", "", "instance code")
		dryRun = fs.Bool("dry-run", false, "only show what would happen")
	})
	if err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("import-users: give one CSV file (or - for standard input)")
	}
	a, err := openApp(ctx, c, newLogger(c, io.Discard), nil)
	if err != nil {
		return err
	}
	defer a.Store().Close()
	actor, err := a.OperatorActor(ctx, *code)
	if err != nil {
		return describe(err)
	}
	in := io.Reader(os.Stdin)
	if name := fs.Arg(0); name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	plan, err := a.UploadImport(ctx, actor, fs.Arg(0), in)
	if err != nil {
		return describe(err)
	}
	if *dryRun {
		return printPlan(stdout, plan)
	}
	plan, err = a.RunImport(ctx, actor, plan.ID, plan.Token)
	if err != nil {
		return describe(err)
	}
	results, err := a.ImportResults(ctx, actor, plan.ID)
	if err != nil {
		return err
	}
	_, err = io.WriteString(stdout, results)
	return err
}

func printPlan(w io.Writer, p app.ImportPlan) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "LINE\tUSERNAME\tOUTCOME\tMESSAGE")
	for _, r := range p.Rows {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", r.Line, r.Email, r.Outcome, r.Message)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\n%d invite or create, %d update names, %d no change, %d errors (dry run: nothing written)\n",
		p.Counts[app.OutcomeCreate], p.Counts[app.OutcomeNames], p.Counts[app.OutcomeNone], p.Counts[app.OutcomeError])
	return nil
}

// positionalLast moves the file argument after the flags, so both
// "import-users --instance X FILE --dry-run" (the documented form) and
// "import-users --dry-run --instance X FILE" parse: the flag package
// stops at the first argument that is not a flag.
func positionalLast(args []string) []string {
	var flags, rest []string
	takesValue := false
	for _, a := range args {
		switch {
		case takesValue:
			flags, takesValue = append(flags, a), false
		case a == "-" || !strings.HasPrefix(a, "-"):
			rest = append(rest, a)
		default:
			flags = append(flags, a)
			name := strings.TrimLeft(a, "-")
			takesValue = !strings.Contains(name, "=") && name != "dry-run" && name != "h" && name != "help"
		}
	}
	return append(flags, rest...)
}
