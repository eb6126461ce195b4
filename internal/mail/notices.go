package mail

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html"
	"strconv"
	"strings"

	"yardstick/internal/model"
	"yardstick/internal/terms"
)

// Kinds of the notification mails (issue 15).
const (
	KindActionAssigned  = "action_assigned"
	KindActionStarted   = "action_started"
	KindActionDueSoon   = "action_due_soon"
	KindActionCompleted = "action_completed"
	KindDigestWeekly    = "digest_weekly"
	KindDigestMonthly   = "digest_monthly"
)

// ActionNotice is what an action email says: the action, who it is for
// and why.
type ActionNotice struct {
	Event                      string // assigned, started, due_soon, completed
	InstanceName, InstanceCode string
	To                         string
	Title                      string
	Status                     string
	Percent                    int
	StartDate, EndDate         string // YYYY-MM-DD or ""
	By                         string // who assigned or completed it, by name
	URL                        string // the action's page
	PreferencesURL             string // where action emails are turned off
}

// ActionMail is one action email, in the instance's Common Terms.
func ActionMail(n ActionNotice, words *terms.Set) model.OutboxMessage {
	name := instanceLabel(n.InstanceName, n.InstanceCode)
	action, title := words.LowOne(terms.Action), quoted(n.Title)
	var b strings.Builder
	var kind, subject string
	b.WriteString("Hello,\n\n")
	switch n.Event {
	case "assigned":
		kind, subject = KindActionAssigned, fmt.Sprintf("%s assigned to you: %s", words.One(terms.Action), userText(n.Title))
		fmt.Fprintf(&b, "%s assigned the %s %s to you in %s.\n", quoted(n.By), action, title, name)
	case "started":
		kind, subject = KindActionStarted, fmt.Sprintf("%s to start: %s", words.One(terms.Action), userText(n.Title))
		fmt.Fprintf(&b, "The %s %s in %s was due to start on %s and is still Not Started.\n", action, title, name, n.StartDate)
	case "due_soon":
		kind, subject = KindActionDueSoon, fmt.Sprintf("%s due on %s: %s", words.One(terms.Action), n.EndDate, userText(n.Title))
		fmt.Fprintf(&b, "The %s %s in %s ends on %s and is not completed (%s, %d%%).\n", action, title, name, n.EndDate, n.Status, n.Percent)
	case "completed":
		kind, subject = KindActionCompleted, fmt.Sprintf("%s completed: %s", words.One(terms.Action), userText(n.Title))
		fmt.Fprintf(&b, "%s marked the %s %s in %s as Completed.\n", quoted(n.By), action, title, name)
	}
	b.WriteString("\n")
	fmt.Fprintf(&b, "Status: %s, %d%% complete\n", n.Status, n.Percent)
	if n.StartDate != "" || n.EndDate != "" {
		fmt.Fprintf(&b, "Dates: %s to %s\n", orDash(n.StartDate), orDash(n.EndDate))
	}
	fmt.Fprintf(&b, "Open it: %s\n", oneLine(n.URL))
	fmt.Fprintf(&b, "\nYou receive these emails because %s emails are on in your preferences: %s\n", action, oneLine(n.PreferencesURL))
	return msg(kind, n.To, subject, b.String(), false)
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

// Digest is one member's weekly or monthly digest.
type Digest struct {
	Kind                       string // weekly or monthly
	Period                     string // "the week of 7 December 2026", "December 2026"
	InstanceName, InstanceCode string
	To, Name                   string
	Measures                   []DigestMeasure
	Actions                    []DigestAction
	Todos                      []DigestTodo
	URL                        string // the instance's dashboard
	UnsubscribeURL             string
	PreferencesURL             string
}

// DigestMeasure is a favourite measure's line: its latest actual and
// target, colour band in words, trend, and the periods due without data.
type DigestMeasure struct {
	Title, Site    string // Site: the partner's name for a partner measure
	Key            string // the title's sort key (measures are listed by it)
	URL            string
	Period         string // of the latest actual; "" when there is none
	Actual, Target string
	Band           string // green, yellow, red or ""
	Trend          string // "up for 3 periods (improving)", or ""
	Missing        []string
	MissingMore    int // due periods without data past those listed

	text, html string         // both parts' lines (Prepare)
	part       model.MailPart // the same, as the outbox keeps it once
}

// Prepare renders the measure's lines of both parts once: a measure many
// members follow is written once per run, not once per member (the app
// keeps the prepared line per measure).
func (m *DigestMeasure) Prepare(words *terms.Set) {
	var b strings.Builder
	b.WriteString("\n* ")
	b.WriteString(userText(m.Title))
	if m.Site != "" {
		b.WriteString(" (" + userText(m.Site) + ")")
	}
	b.WriteString("\n")
	if m.Period != "" {
		b.WriteString("  " + m.Period + ": " + words.One(terms.Actual) + " " + m.Actual + ", " + words.LowOne(terms.Target) + " " + orDash(m.Target))
		if w := bandWords[m.Band]; w != "" {
			b.WriteString(", " + w)
		}
		b.WriteString("\n")
	} else {
		b.WriteString("  No data yet\n")
	}
	if m.Trend != "" {
		b.WriteString("  Trend: " + m.Trend + "\n")
	}
	if len(m.Missing) > 0 {
		b.WriteString("  Due without data: " + strings.Join(m.Missing, ", ") + more(m.MissingMore) + "\n")
	}
	b.WriteString("  " + oneLine(m.URL) + "\n")
	m.text = b.String()
	m.html = measureHTML(*m, words)
	sum := sha256.Sum256([]byte(m.text + "\x00" + m.html))
	m.part = model.MailPart{Key: hex.EncodeToString(sum[:16]), Text: m.text, HTML: m.html}
}

// DigestAction is an open action assigned to the member.
type DigestAction struct {
	Title, URL, Status string
	Percent            int
	EndDate            string
	Overdue, DueSoon   bool
}

// DigestTodo is a to-do assigned to the member, due or overdue.
type DigestTodo struct {
	Title, ActionTitle, URL, DueDate string
	Overdue                          bool
}

// Empty reports whether the digest has nothing to say (it is not sent).
func (d Digest) Empty() bool {
	return len(d.Measures) == 0 && len(d.Actions) == 0 && len(d.Todos) == 0
}

// bandWords names a band, so the colour is never the only sign of it.
var bandWords = map[string]string{"green": "Green (on target)", "yellow": "Yellow (near target)", "red": "Red (off target)"}

// DigestMail writes the digest with a plain text and an HTML part. Its
// body carries the single-use unsubscribe link, so it is erased once
// delivered like other secrets. The favourite measures' lines are the
// message's Parts: the same in every digest of a run that lists the
// measure, they are stored once (most of a digest's bytes).
func DigestMail(d Digest, words *terms.Set) model.OutboxMessage {
	name := instanceLabel(d.InstanceName, d.InstanceCode)
	kind, subject := KindDigestWeekly, "Your weekly digest for "+name
	if d.Kind == "monthly" {
		kind, subject = KindDigestMonthly, "Your monthly digest for "+name
	}
	// Both parts are written into buffers of about their final size (the
	// measures' prepared lines are known; an action or a to-do is its
	// texts and a little markup): growing them as they fill copied each
	// part two or three times.
	links := len(d.URL) + len(d.UnsubscribeURL) + len(d.PreferencesURL)
	text, markup := 512+len(d.Name)+len(d.Period)+len(name)+links+len(signature), 1024+2*(len(d.Name)+len(d.Period)+len(name)+links)
	parts := make([]model.MailPart, len(d.Measures))
	for i := range d.Measures {
		m := &d.Measures[i]
		if m.text == "" {
			m.Prepare(words)
		}
		parts[i] = m.part
	}
	for _, a := range d.Actions {
		n := len(a.Title) + len(a.URL) + len(a.Status) + len(a.EndDate)
		text, markup = text+n+48, markup+2*n+72
	}
	for _, t := range d.Todos {
		n := len(t.Title) + len(t.ActionTitle) + len(t.URL) + len(t.DueDate)
		text, markup = text+n+64, markup+2*n+72
	}
	var b strings.Builder
	b.Grow(text)
	w := func(parts ...string) {
		for _, p := range parts {
			b.WriteString(p)
		}
	}
	w("Hello ", userText(d.Name), ",\n\nHere is your digest for ", d.Period, " in ", name, ".\n")
	textAt := 0
	if len(d.Measures) > 0 {
		w("\n", words.One(terms.Favourite), " ", words.LowMany(terms.Measure), "\n")
		textAt = b.Len() // the measures' lines go here
	}
	if len(d.Actions) > 0 {
		w("\nYour open ", words.LowMany(terms.Action), "\n")
		for _, a := range d.Actions {
			w("\n* ", userText(a.Title), ": ", a.Status, ", ", strconv.Itoa(a.Percent), "%")
			if a.EndDate != "" {
				w(", ends ", a.EndDate)
			}
			switch {
			case a.Overdue:
				b.WriteString(" (OVERDUE)")
			case a.DueSoon:
				b.WriteString(" (due soon)")
			}
			w("\n  ", oneLine(a.URL), "\n")
		}
	}
	if len(d.Todos) > 0 {
		b.WriteString("\nYour to-dos\n")
		for _, t := range d.Todos {
			w("\n* ", userText(t.Title), " (", words.LowOne(terms.Action), " ", quoted(t.ActionTitle), "), due ", t.DueDate)
			if t.Overdue {
				b.WriteString(" (OVERDUE)")
			}
			w("\n  ", oneLine(t.URL), "\n")
		}
	}
	w("\nOpen Yardstick: ", oneLine(d.URL), "\n")
	w("Stop this digest (one click, no sign-in): ", oneLine(d.UnsubscribeURL), "\n")
	w("Change your preferences: ", oneLine(d.PreferencesURL), "\n")
	b.WriteString(signature)
	m := signed(kind, d.To, subject, b.String(), true)
	m.HTML, m.PartsHTMLAt = digestHTML(d, name, words, markup)
	if len(parts) > 0 {
		m.Parts, m.PartsTextAt = parts, textAt
	}
	return m
}

func more(n int) string {
	if n > 0 {
		return fmt.Sprintf(" and %d more", n)
	}
	return ""
}

// digestHTML is the HTML part: a plain layout mail clients render, every
// colour beside its name in words. Written by hand rather than with
// html/template, whose reflection was four tenths of a 10,000-member
// digest run; every text goes through esc. The measures' rows are not
// written: at says where they go.
func digestHTML(d Digest, instance string, words *terms.Set, size int) (_ string, at int) {
	var h strings.Builder
	h.Grow(size)
	w := func(parts ...string) {
		for _, p := range parts {
			h.WriteString(p)
		}
	}
	esc := html.EscapeString
	w(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Your digest</title></head>
<body style="font-family: sans-serif; line-height: 1.4; color: #1f2328; max-width: 40em">
<p>Hello `, esc(d.Name), `,</p>
<p>Here is your digest for `, esc(d.Period), ` in `, esc(instance), `.</p>
`)
	if len(d.Measures) > 0 {
		w(`<h2>`, esc(words.One(terms.Favourite)), ` `, esc(words.LowMany(terms.Measure)), `</h2>
<table role="presentation" cellpadding="4" style="border-collapse: collapse">
`)
		at = h.Len()
		w("</table>\n")
	}
	if len(d.Actions) > 0 {
		w(`<h2>Your open `, esc(words.LowMany(terms.Action)), "</h2><ul>\n")
		for _, a := range d.Actions {
			w(`<li><a href="`, esc(a.URL), `">`, esc(a.Title), `</a>: `, esc(a.Status), `, `, strconv.Itoa(a.Percent), `%`)
			if a.EndDate != "" {
				w(`, ends `, esc(a.EndDate))
			}
			switch {
			case a.Overdue:
				w(` <strong>(overdue)</strong>`)
			case a.DueSoon:
				w(` <strong>(due soon)</strong>`)
			}
			w("</li>\n")
		}
		w("</ul>\n")
	}
	if len(d.Todos) > 0 {
		w("<h2>Your to-dos</h2><ul>\n")
		for _, t := range d.Todos {
			w(`<li><a href="`, esc(t.URL), `">`, esc(t.Title), `</a> (`, esc(t.ActionTitle), `), due `, esc(t.DueDate))
			if t.Overdue {
				w(` <strong>(overdue)</strong>`)
			}
			w("</li>\n")
		}
		w("</ul>\n")
	}
	w(`<p><a href="`, esc(d.URL), `">Open Yardstick</a> · <a href="`, esc(d.UnsubscribeURL), `">Stop this digest</a> · <a href="`,
		esc(d.PreferencesURL), "\">Preferences</a></p>\n</body></html>\n")
	return h.String(), at
}

// measureHTML is a measure's rows of the HTML part.
func measureHTML(m DigestMeasure, words *terms.Set) string {
	var h strings.Builder
	w := func(parts ...string) {
		for _, p := range parts {
			h.WriteString(p)
		}
	}
	esc := html.EscapeString
	w(`<tr><td><a href="`, esc(m.URL), `">`, esc(m.Title), `</a>`)
	if m.Site != "" {
		w(` (`, esc(m.Site), `)`)
	}
	w(`</td><td>`)
	if m.Period != "" {
		w(esc(m.Period), `: `, esc(words.One(terms.Actual)), ` <strong>`, esc(m.Actual), `</strong>, `, esc(words.One(terms.Target)), ` `, esc(orDash(m.Target)))
	} else {
		w(`No data yet`)
	}
	w(`</td><td>`)
	if sw := swatch[m.Band]; sw != "" {
		w(`<span style="display: inline-block; width: 0.8em; height: 0.8em; background: `, sw, `"></span> `, bandWords[m.Band])
	}
	w(`</td><td>`, esc(m.Trend), "</td></tr>\n")
	if len(m.Missing) > 0 {
		w(`<tr><td></td><td colspan="3">Due without data: `, esc(strings.Join(m.Missing, ", ")), esc(more(m.MissingMore)), "</td></tr>\n")
	}
	return h.String()
}

// swatch is each band's colour in the HTML part.
var swatch = map[string]string{"green": "#1a7f37", "yellow": "#b08800", "red": "#cf222e"}
