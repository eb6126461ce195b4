package views

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"time"

	"yardstick/internal/app"
	"yardstick/internal/model"
	"yardstick/internal/terms"
)

// The Gantt chart's drawing (issue 14): one SVG laid out here from the
// page model, rows of fixed height under a date axis, a label gutter on
// the left. gantt.js moves the bars it draws; the table under the chart
// says the same in text.

const (
	ganttGutter = 220 // px: the label column
	ganttAxis   = 40  // px: the date axis
	ganttRowH   = 30  // px: one row
	ganttBarH   = 16  // px: a bar's height
	ganttLabelW = 150 // px: room kept right of the window for a bar's status
)

// ganttLayout is the chart drawn.
type ganttLayout struct {
	Width, Height int
	Left, Right   float64 // the window's x range
	PxPerDay      float64
	From          string
	Ticks         []ganttTick
	Today         *float64
	Rows          []ganttRow
}

type ganttTick struct {
	X     float64
	Label string
}

// ganttRow is a group's heading or an action's bar.
type ganttRow struct {
	Y       int
	Heading string // a group's row
	Action  model.Action
	Group   int
	Kind    string // "bar", "start" (no end date), "end" (no start date), "none"
	X, W    float64
	DoneW   float64 // the done part of a bar, within the window
	CutL    bool    // the bar starts before the window
	CutR    bool    // … or ends after it
	LabelX  float64
	Anchor  string // of the status label: "start" or "end"
}

func ganttDay(s string) time.Time {
	t, _ := time.Parse("2006-01-02", s)
	return t
}

func days(a, b time.Time) float64 { return b.Sub(a).Hours() / 24 }

func layoutGantt(ctx context.Context, v app.GanttView) ganttLayout {
	from, to := ganttDay(v.From), ganttDay(v.To)
	ppd := v.Zoom.PxPerDay
	span := days(from, to) + 1
	l := ganttLayout{Left: ganttGutter, PxPerDay: ppd, From: v.From}
	l.Right = l.Left + span*ppd
	l.Width = int(l.Right) + ganttLabelW
	x := func(d time.Time) float64 { return l.Left + days(from, d)*ppd }
	l.Ticks = ganttTicks(v.Zoom.Name, from, to, x)
	if v.Today >= v.From && v.Today <= v.To {
		t := x(ganttDay(v.Today)) + ppd/2
		l.Today = &t
	}
	y := ganttAxis
	for gi, g := range v.Groups {
		l.Rows = append(l.Rows, ganttRow{Y: y, Heading: groupHeading(ctx, g), Group: gi})
		y += 30
		for _, a := range g.Rows {
			r := ganttRow{Y: y, Action: a, Group: gi, Anchor: "start"}
			switch {
			case a.StartDate != "" && a.EndDate != "":
				r.Kind = "bar"
				s, e := ganttDay(a.StartDate), ganttDay(a.EndDate).AddDate(0, 0, 1)
				if s.Before(from) {
					s, r.CutL = from, true
				}
				if e.After(to.AddDate(0, 0, 1)) {
					e, r.CutR = to.AddDate(0, 0, 1), true
				}
				r.X, r.W = x(s), x(e)-x(s)
				if r.W < 2 {
					r.W = 2
				}
				full0, full1 := x(ganttDay(a.StartDate)), x(ganttDay(a.EndDate).AddDate(0, 0, 1))
				r.DoneW = max(0, min(full0+(full1-full0)*float64(a.Percent)/100, r.X+r.W)-r.X)
			case a.StartDate != "":
				r.Kind, r.X = "start", clamp(x(ganttDay(a.StartDate))+ppd/2, l.Left, l.Right)
			case a.EndDate != "":
				r.Kind, r.X = "end", clamp(x(ganttDay(a.EndDate))+ppd/2, l.Left, l.Right)
			default:
				r.Kind, r.X = "none", l.Left
			}
			r.LabelX = r.X + r.W + 8
			if r.Kind == "start" || r.Kind == "end" {
				r.LabelX = r.X + 10
			}
			l.Rows = append(l.Rows, r)
			y += ganttRowH
		}
	}
	l.Height = y + 8
	return l
}

func clamp(v, lo, hi float64) float64 { return min(max(v, lo), hi) }

// ganttTicks marks the axis: each day at the week zoom (labelled on
// Mondays), each month at month zoom, each quarter, each year.
func ganttTicks(zoom string, from, to time.Time, x func(time.Time) float64) []ganttTick {
	var out []ganttTick
	end := to.AddDate(0, 0, 1)
	switch zoom {
	case "week":
		d := from
		for !d.After(to) {
			if d.Weekday() == time.Monday {
				out = append(out, ganttTick{X: x(d), Label: d.Format("2 Jan")})
			}
			d = d.AddDate(0, 0, 1)
		}
	case "month":
		for d := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, time.UTC); d.Before(end); d = d.AddDate(0, 1, 0) {
			if !d.Before(from) {
				out = append(out, ganttTick{X: x(d), Label: d.Format("Jan 2006")})
			}
		}
	case "quarter":
		for d := time.Date(from.Year(), 1, 1, 0, 0, 0, 0, time.UTC); d.Before(end); d = d.AddDate(0, 3, 0) {
			if !d.Before(from) {
				out = append(out, ganttTick{X: x(d), Label: "Q" + strconv.Itoa((int(d.Month())-1)/3+1) + " " + strconv.Itoa(d.Year())})
			}
		}
	default:
		for d := time.Date(from.Year(), 1, 1, 0, 0, 0, 0, time.UTC); d.Before(end); d = d.AddDate(1, 0, 0) {
			if !d.Before(from) {
				out = append(out, ganttTick{X: x(d), Label: strconv.Itoa(d.Year())})
			}
		}
	}
	return out
}

// groupHeading names a group by the kind of what its actions are linked
// to, in the viewer's words.
func groupHeading(ctx context.Context, g app.GanttGroup) string {
	switch g.Kind {
	case "scorecard":
		return tm(ctx).One(terms.Scorecard) + ": " + g.Title
	case "container":
		return tm(ctx).One(terms.Container) + ": " + g.Title
	case "measure":
		return tm(ctx).One(terms.Measure) + ": " + g.Title
	}
	return g.Title
}

// statusClass is a status's colour class; the status is always written
// next to the bar too (never colour alone).
func statusClass(status string) string {
	return "st-" + strings.ToLower(statusClassChars.Replace(status))
}

// statusClassChars is built once: a Replacer prepares itself on first use,
// which cost more than the rest of a 500-row chart's status classes.
var statusClassChars = strings.NewReplacer(" ", "-", "/", "")

// barText is what a bar says beside it and in its title.
func barText(a model.Action) string {
	return a.Status + " · " + strconv.Itoa(a.Percent) + "%"
}

func barTitle(a model.Action) string {
	dates := "no dates"
	switch {
	case a.StartDate != "" && a.EndDate != "":
		dates = a.StartDate + " to " + a.EndDate
	case a.StartDate != "":
		dates = "starts " + a.StartDate + ", no end date"
	case a.EndDate != "":
		dates = "ends " + a.EndDate + ", no start date"
	}
	return a.Title + ": " + barText(a) + ", " + dates
}

func fnum(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

// ganttQuery is the chart's query, for links and the forms' way back.
func ganttQuery(v app.GanttView) url.Values {
	q := url.Values{"zoom": {v.Zoom.Name}, "from": {v.From}, "to": {v.To}}
	if v.On != "" {
		q.Set("on", v.On)
		q.Set("id", id(v.HostID))
	}
	return q
}

// ganttRowID names an action's row in a group (an action linked to two
// objects has a row in each).
func ganttRowID(gi int, a model.Action) string { return "g" + strconv.Itoa(gi) + "-a" + id(a.ID) }

// short cuts a title to n characters for the chart's label column (the
// whole title is in the bar's title and the table).
func short(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// diamond is a marker of an action with one date.
func diamond(x float64, y int) string {
	yy := float64(y)
	return "M" + fnum(x) + " " + fnum(yy-8) + " L" + fnum(x+8) + " " + fnum(yy) + " L" + fnum(x) + " " + fnum(yy+8) + " L" + fnum(x-8) + " " + fnum(yy) + " Z"
}

// rowText is what a row says beside its bar: the status and percent, and
// which dates are missing.
func rowText(r ganttRow) string {
	switch r.Kind {
	case "start":
		return barText(r.Action) + " · starts " + r.Action.StartDate + ", no end date"
	case "end":
		return barText(r.Action) + " · ends " + r.Action.EndDate + ", no start date"
	case "none":
		return barText(r.Action) + " · no dates"
	}
	return barText(r.Action)
}

// shown is an SVG visibility: a bar's end outside the window has no handle.
func shown(b bool) string {
	if b {
		return "visible"
	}
	return "hidden"
}
