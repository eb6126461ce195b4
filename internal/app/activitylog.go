package app

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"yardstick/internal/access"
	"yardstick/internal/model"
	"yardstick/internal/store"
)

// ActivityQuery is the log page's filter as the viewer typed it: dates
// (YYYY-MM-DD) in the viewer's time zone, both days included.
type ActivityQuery struct {
	From, To     string
	MembershipID int64
	MemberEmail  string // the page's member filter; MembershipID wins when set
	Activity     string
	After        string
}

// ActivityView is one page of the log with the filter it applied.
type ActivityView struct {
	Query    ActivityQuery // with defaults filled in
	Location *time.Location
	Page     store.ActivityPage
	Filter   store.ActivityFilter // the resolved filter, for exports
}

// ActivityLog pages through the instance's log (instance.admin).
func (a *App) ActivityLog(ctx context.Context, actor *Actor, in ActivityQuery) (ActivityView, error) {
	if err := actor.Require(access.InstanceAdmin); err != nil {
		return ActivityView{}, err
	}
	return a.activity(ctx, actor, in)
}

// MemberActivity is the Edit User page's User Activity tab: one member's
// entries (users.manage).
func (a *App) MemberActivity(ctx context.Context, actor *Actor, membershipID int64, in ActivityQuery) (ActivityView, error) {
	if err := actor.Require(access.UsersManage); err != nil {
		return ActivityView{}, err
	}
	in.MembershipID = membershipID
	return a.activity(ctx, actor, in)
}

func (a *App) activity(ctx context.Context, actor *Actor, in ActivityQuery) (ActivityView, error) {
	f, err := a.resolveActivity(ctx, actor, &in)
	if err != nil {
		return ActivityView{}, err
	}
	loc := viewerLocation(actor)
	page, err := a.store.Q().ListActivity(ctx, actor.Instance.ID, f)
	if errors.Is(err, store.ErrBadCursor) {
		return ActivityView{}, invalid("That page link is no longer valid; start from the first page.", nil)
	}
	return ActivityView{Query: in, Location: loc, Page: page, Filter: f}, err
}

// Location is the zone the actor's pages show times in.
func (a *Actor) Location() *time.Location { return viewerLocation(a) }

// viewerLocation is the viewer's time zone, else the instance's, else UTC.
func viewerLocation(actor *Actor) *time.Location {
	return firstZone(actor.Account.TimeZone, actor.Instance.TimeZone)
}

// firstZone is the first of the time zones that loads, else UTC.
func firstZone(tzs ...string) *time.Location {
	for _, tz := range tzs {
		if loc, err := time.LoadLocation(tz); err == nil && tz != "" {
			return loc
		}
	}
	return time.UTC
}

// resolveActivity validates a query and turns its days into an instant
// range [start of From, start of the day after To) in the viewer's zone.
func (a *App) resolveActivity(ctx context.Context, actor *Actor, in *ActivityQuery) (store.ActivityFilter, error) {
	loc := viewerLocation(actor)
	today := a.Now().In(loc)
	if strings.TrimSpace(in.To) == "" {
		in.To = today.Format(time.DateOnly)
	}
	if strings.TrimSpace(in.From) == "" {
		in.From = today.AddDate(0, -1, 0).Format(time.DateOnly)
	}
	fields := map[string]string{}
	from, err1 := time.ParseInLocation(time.DateOnly, strings.TrimSpace(in.From), loc)
	to, err2 := time.ParseInLocation(time.DateOnly, strings.TrimSpace(in.To), loc)
	switch {
	case err1 != nil:
		fields["from"] = "Give the start as a date (YYYY-MM-DD)."
	case err2 != nil:
		fields["to"] = "Give the end as a date (YYYY-MM-DD)."
	case to.Before(from):
		fields["to"] = "The end is before the start."
	default:
		// From here on the query carries the dates as parsed, never as
		// typed: they reach file names and the log.
		in.From, in.To = from.Format(time.DateOnly), to.Format(time.DateOnly)
	}
	if in.Activity != "" && !slices.Contains(ActivityTypes, in.Activity) {
		fields["activity"] = "Choose an activity from the list."
	}
	f := store.ActivityFilter{From: from, To: to.AddDate(0, 0, 1), Activity: in.Activity, After: in.After, Limit: 50}
	if in.MembershipID == 0 && strings.TrimSpace(in.MemberEmail) != "" {
		email, _ := NormalizeEmail(in.MemberEmail)
		acct, err := a.store.Q().AccountByEmail(ctx, email)
		if err == nil {
			if m, err := a.store.Q().MembershipOf(ctx, actor.Instance.ID, acct.ID); err == nil {
				in.MembershipID = m.ID
			}
		}
		if in.MembershipID == 0 {
			fields["member"] = "No member of this instance has that email."
		}
	}
	if in.MembershipID != 0 {
		m, err := a.store.Q().MembershipByID(ctx, actor.Instance.ID, in.MembershipID)
		if errors.Is(err, store.ErrNotFound) {
			fields["member"] = "Choose a member from the list."
		} else if err != nil {
			return f, err
		}
		f.AccountID = m.AccountID
	}
	if len(fields) > 0 {
		return f, invalid(summarize(fields), fields)
	}
	return f, nil
}

// ExportActivity streams every entry of a filter to fn, newest first
// (instance.admin), and records the export itself.
func (a *App) ExportActivity(ctx context.Context, actor *Actor, in ActivityQuery, format string, fn func(model.Activity) error) (ActivityQuery, error) {
	if err := actor.Require(access.InstanceAdmin); err != nil {
		return in, err
	}
	f, err := a.resolveActivity(ctx, actor, &in)
	if err != nil {
		return in, err
	}
	if err := a.store.InTx(ctx, func(q *store.Q) error {
		return record(ctx, q, entry(actor, ActExport, "activity log", 0, "User Activity ("+format+")",
			model.Change{Field: "range", After: in.From + " – " + in.To}))
	}); err != nil {
		return in, err
	}
	return in, a.store.Q().ExportActivity(ctx, actor.Instance.ID, f, fn)
}
