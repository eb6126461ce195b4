package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"yardstick/internal/store"
)

// jobStates are River's job states, for --state.
var jobStates = []string{"available", "scheduled", "pending", "running", "retryable", "completed", "discarded", "cancelled"}

// jobsCmd is `yardstick jobs list`: the background jobs (digests, action
// emails, reminders) for an operator asking why a mail did not go.
func jobsCmd(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "list" {
		return errors.New("jobs: expected list [--state S] [--limit N]")
	}
	var state *string
	var limit *int
	c, fs, err := parseConfig("jobs list", args[1:], func(fs *flag.FlagSet) {
		state = fs.String("state", "", "only jobs in these states, comma-separated: "+strings.Join(jobStates, ", "))
		limit = fs.Int("limit", 50, "how many, newest first")
	})
	if err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("jobs list: unexpected argument %q", fs.Arg(0))
	}
	if *limit < 1 || *limit > 10000 {
		return errors.New("jobs list: --limit must be between 1 and 10000")
	}
	var states []string
	for _, st := range strings.Split(*state, ",") {
		if st = strings.TrimSpace(st); st == "" {
			continue
		}
		if !slices.Contains(jobStates, st) {
			return fmt.Errorf("jobs list: no state %q (states: %s)", st, strings.Join(jobStates, ", "))
		}
		states = append(states, st)
	}
	s, err := store.Open(ctx, c.DatabaseURL, nil)
	if err != nil {
		return err
	}
	defer s.Close()
	list, err := s.ListJobs(ctx, states, *limit)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tKIND\tARGS\tSTATE\tATTEMPTS\tCREATED\tLAST ERROR")
	for _, j := range list {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d/%d\t%s\t%s\n", j.ID, j.Kind, jobArgs(j.Args), j.State, j.Attempt, j.MaxAttempt,
			j.CreatedAt.Format("2006-01-02 15:04"), oneLine(j.LastError, 160))
	}
	return tw.Flush()
}

// jobArgs is a job's arguments as compact JSON (a weekly digest run
// from a monthly one), "-" when it has none.
func jobArgs(raw string) string {
	var b bytes.Buffer
	if json.Compact(&b, []byte(raw)) != nil {
		return oneLine(raw, 80)
	}
	if s := b.String(); s != "{}" && s != "" {
		return oneLine(s, 80)
	}
	return "-"
}

// oneLine keeps an error on its row of the table: whitespace runs
// (newlines, tabs, which would break the columns) become one space, and
// past n runes it is cut with an ellipsis.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
