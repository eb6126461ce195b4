package app

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"yardstick/internal/model"
	"yardstick/internal/store"
	"yardstick/internal/terms"
)

// GanttLimit is how many actions one Gantt chart draws: the first by end
// date; a chart with more says so and asks for a narrower range.
const GanttLimit = 500

// GanttZoom is a scale of the Gantt chart: how wide a day is, the window
// it shows when no range is given, and the longest range it draws (so a
// chart stays a few thousand pixels wide).
type GanttZoom struct {
	Name     string
	PxPerDay float64
	MaxDays  int
}

// GanttZooms are the chart's scales, finest first.
var GanttZooms = []GanttZoom{
	{Name: "week", PxPerDay: 24, MaxDays: 366},
	{Name: "month", PxPerDay: 5, MaxDays: 1100},
	{Name: "quarter", PxPerDay: 2, MaxDays: 2200},
	{Name: "year", PxPerDay: 0.6, MaxDays: 7400},
}

func ganttZoom(name string) (GanttZoom, bool) {
	for _, z := range GanttZooms {
		if z.Name == name {
			return z, true
		}
	}
	return GanttZoom{}, false
}

// GanttQuery selects a Gantt chart: every visible action, or one
// scorecard's (with the objects under it) or one object's; a zoom and a
// date range (both optional: the zoom's window around today).
type GanttQuery struct {
	On     string
	HostID int64
	Zoom   string
	From   string
	To     string
}

// GanttGroup is the rows of one scorecard, container or measure (Kind ""
// is the actions linked to nothing the viewer can see).
type GanttGroup struct {
	Kind  string
	ID    int64
	Title string
	Rows  []model.Action
}

// GanttView is a Gantt chart's page model.
type GanttView struct {
	On        string
	HostID    int64
	HostTitle string
	Zoom      GanttZoom
	From, To  string // the window drawn, YYYY-MM-DD
	Today     string // in the viewer's time zone
	Groups    []GanttGroup
	Count     int  // actions drawn
	More      bool // more actions match than GanttLimit
	Can       ActionCan
}

// Gantt returns the actions of a Gantt chart the actor may see, grouped by
// the scorecard or object they are linked to, in two queries whatever
// their number (the actions, then all their links).
func (a *App) Gantt(ctx context.Context, actor *Actor, qy GanttQuery) (GanttView, error) {
	view := GanttView{On: qy.On, HostID: qy.HostID, Can: actionCan(actor)}
	loc := time.UTC
	if tz := actor.Account.TimeZone; tz != "" {
		if l, err := time.LoadLocation(tz); err == nil {
			loc = l
		}
	}
	today := a.Now().In(loc)
	view.Today = today.Format("2006-01-02")
	z, from, to, err := ganttWindow(qy, today)
	if err != nil {
		return view, err
	}
	view.Zoom, view.From, view.To = z, from, to
	v, err := a.Visibility(ctx, actor)
	if err != nil {
		return view, err
	}
	f := store.ActionFilter{From: from, To: to}
	within := int64(0)
	if qy.On != "" {
		h, err := a.actionHost(ctx, actor, qy.On, qy.HostID)
		if err != nil {
			return view, err
		}
		view.HostTitle = h.Title
		if qy.On == OnScorecard {
			f.Within, within = qy.HostID, qy.HostID
		} else {
			f.Target = model.Target{ObjectID: qy.HostID}
		}
	}
	q := a.store.Q()
	list, more, err := q.GanttActions(ctx, actor.Instance.ID, f, v, GanttLimit)
	if err != nil {
		return view, err
	}
	view.Count, view.More = len(list), more
	ids := make([]int64, len(list))
	for i, x := range list {
		ids[i] = x.ID
	}
	links, err := q.ActionLinksOf(ctx, actor.Instance.ID, ids, v, within)
	if err != nil {
		return view, err
	}
	if qy.On == OnObject {
		links = keepLinks(links, func(l store.ActionLink) bool { return l.Kind != "scorecard" && l.ID == qy.HostID })
	}
	view.Groups = ganttGroups(list, links, actor.Words())
	return view, nil
}

func keepLinks(links []store.ActionLink, keep func(store.ActionLink) bool) []store.ActionLink {
	out := links[:0]
	for _, l := range links {
		if keep(l) {
			out = append(out, l)
		}
	}
	return out
}

// ganttGroups puts each action in the group of every visible object it is
// linked to (in the actions' order), and those linked to none last.
// Groups are ordered scorecards, containers, measures, each by title.
func ganttGroups(list []model.Action, links []store.ActionLink, words *terms.Set) []GanttGroup {
	type key struct {
		kind string
		id   int64
	}
	of := map[int64][]key{}
	titles := map[key]string{}
	for _, l := range links {
		k := key{l.Kind, l.ID}
		of[l.ActionID] = append(of[l.ActionID], k)
		titles[k] = l.Title
	}
	index := map[key]int{}
	var groups []GanttGroup
	var loose []model.Action
	for _, x := range list {
		ks := of[x.ID]
		if len(ks) == 0 {
			loose = append(loose, x)
			continue
		}
		for _, k := range ks {
			i, ok := index[k]
			if !ok {
				i = len(groups)
				index[k] = i
				groups = append(groups, GanttGroup{Kind: k.kind, ID: k.id, Title: titles[k]})
			}
			groups[i].Rows = append(groups[i].Rows, x)
		}
	}
	rank := map[string]int{"scorecard": 0, "container": 1, "measure": 2}
	sort.SliceStable(groups, func(i, j int) bool {
		if rank[groups[i].Kind] != rank[groups[j].Kind] {
			return rank[groups[i].Kind] < rank[groups[j].Kind]
		}
		ti, tj := strings.ToLower(groups[i].Title), strings.ToLower(groups[j].Title)
		if ti != tj {
			return ti < tj
		}
		return groups[i].ID < groups[j].ID
	})
	if len(loose) > 0 {
		groups = append(groups, GanttGroup{Title: words.Expand("Not linked to a {scorecard:lower} or object you can see"), Rows: loose})
	}
	return groups
}

// ganttWindow checks the zoom and the range and fills in what was left
// out: no range is the zoom's window around today; one end alone gets the
// zoom's window from (or up to) it.
func ganttWindow(qy GanttQuery, today time.Time) (GanttZoom, string, string, error) {
	fields := map[string]string{}
	zoom := strings.TrimSpace(qy.Zoom)
	if zoom == "" {
		zoom = "month"
	}
	z, ok := ganttZoom(zoom)
	if !ok {
		fields["zoom"] = "Choose a zoom from the list: week, month, quarter or year."
		z, _ = ganttZoom("month")
	}
	from, to := dayRange(qy.From, qy.To, fields)
	if len(fields) > 0 {
		return z, from, to, invalid("Check the chart's settings: "+summarize(fields), fields)
	}
	day := func(s string) time.Time { t, _ := time.Parse("2006-01-02", s); return t }
	fmtDay := func(t time.Time) string { return t.Format("2006-01-02") }
	switch {
	case from == "" && to == "":
		start, end := defaultWindow(z.Name, time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC))
		from, to = fmtDay(start), fmtDay(end)
	case to == "":
		to = fmtDay(addSpan(z.Name, day(from), 1).AddDate(0, 0, -1))
	case from == "":
		from = fmtDay(addSpan(z.Name, day(to), -1).AddDate(0, 0, 1))
	}
	if n := int(day(to).Sub(day(from)).Hours()/24) + 1; n > z.MaxDays {
		msg := fmt.Sprintf("This range is %d days; the %s zoom draws at most %d. Choose a shorter range or a wider zoom.", n, z.Name, z.MaxDays)
		return z, from, to, invalid("Check the chart's settings: "+msg, map[string]string{"to": msg})
	}
	return z, from, to, nil
}

// windowStart is where a zoom's default window begins for a day: the
// Monday a week before it, the first of the month before it, the first
// day of the quarter before it, or the first of January a year before.
func windowStart(zoom string, d time.Time) time.Time {
	switch zoom {
	case "week":
		wd := (int(d.Weekday()) + 6) % 7 // Monday 0
		return d.AddDate(0, 0, -wd-7)
	case "quarter":
		q := (int(d.Month()) - 1) / 3 * 3
		return time.Date(d.Year(), time.Month(q+1), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -3, 0)
	case "year":
		return time.Date(d.Year()-1, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -1, 0)
}

// defaultWindow is the zoom's window around a day: its span from
// windowStart, last day included.
func defaultWindow(zoom string, d time.Time) (time.Time, time.Time) {
	s := windowStart(zoom, d)
	return s, addSpan(zoom, s, 1).AddDate(0, 0, -1)
}

// addSpan moves a day by the span of a zoom's window (5 weeks, 6 months,
// 4 quarters or 3 years), forward (sign 1) or back (-1).
func addSpan(zoom string, d time.Time, sign int) time.Time {
	switch zoom {
	case "week":
		return d.AddDate(0, 0, 35*sign)
	case "quarter":
		return d.AddDate(0, 12*sign, 0)
	case "year":
		return d.AddDate(3*sign, 0, 0)
	}
	return d.AddDate(0, 6*sign, 0)
}

// ScheduleInput is a change made on the Gantt chart: an action's dates
// (dragging its bar) and percent complete (its slider), as the action
// form takes them.
type ScheduleInput struct{ StartDate, EndDate, Percent string }

// ScheduleAction saves a Gantt chart change through the edit form's use
// case (updateAction, on the action it opened once): the other fields stay as they are at version, and
// the permission (actions.edit), the validation and the version check
// (a stale version is a conflict) are the form's.
func (a *App) ScheduleAction(ctx context.Context, actor *Actor, id int64, version int, in ScheduleInput) (model.Action, error) {
	x, err := a.openAction(ctx, actor, id)
	if err != nil {
		return x, err
	}
	full := ActionInput{Title: x.Title, Description: x.Description, StartDate: in.StartDate, EndDate: in.EndDate,
		Status: x.Status, Percent: in.Percent, Tags: strings.Join(x.Tags, ", ")}
	if x.AssigneeID != 0 {
		full.Assignee = strconv.FormatInt(x.AssigneeID, 10)
	}
	return a.updateAction(ctx, actor, x, version, full)
}
