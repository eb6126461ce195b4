package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"yardstick/internal/app"
	"yardstick/internal/export"
	"yardstick/internal/model"
	"yardstick/internal/terms"
	"yardstick/internal/web/views"
)

// activityQuery reads the log filter from the URL.
func activityQuery(r *http.Request) app.ActivityQuery {
	q := r.URL.Query()
	return app.ActivityQuery{From: q.Get("from"), To: q.Get("to"), MemberEmail: q.Get("member"), Activity: q.Get("activity"), After: q.Get("after")}
}

// link rebuilds the filter's URL with another cursor.
func activityLink(base string, q app.ActivityQuery, after string) string {
	v := url.Values{"from": {q.From}, "to": {q.To}}
	for k, val := range map[string]string{"member": q.MemberEmail, "activity": q.Activity, "after": after} {
		if val != "" {
			v.Set(k, val)
		}
	}
	return base + "?" + v.Encode()
}

func (s *Server) activityPage(w http.ResponseWriter, r *http.Request, c *req) error {
	q := activityQuery(r)
	base := "/i/" + c.Actor.Instance.Code + "/admin/activity"
	v, err := s.app.ActivityLog(r.Context(), c.Actor, q)
	status, form := http.StatusOK, views.Form{}
	if e, ok := app.AsError(err); ok && e.Kind == app.Invalid {
		// Show the refused filter with its message and no entries.
		status, form = http.StatusUnprocessableEntity, views.Form{Errors: e.Fields, Msg: e.Msg}
		v = app.ActivityView{Query: q, Location: c.Actor.Location()}
	} else if err != nil {
		return err
	}
	d := views.ActivityData{View: v, Types: app.ActivityTypes, Action: base}
	if status == http.StatusOK {
		d.XLSXURL, d.PDFURL = activityLink(base+".xlsx", v.Query, ""), activityLink(base+".pdf", v.Query, "")
	}
	if v.Page.Next != "" {
		d.NextURL = activityLink(base, v.Query, v.Page.Next)
	}
	return s.render(w, r, status, views.ActivityPage(s.shell(r, c, "User Activity"), d, form))
}

// activityColumns are the export's columns.
var activityColumns = []export.Column{
	{Title: "When", Kind: export.DateTime}, {Title: "Who"}, {Title: "Email", Width: 24}, {Title: "Activity", Width: 20},
	{Title: "Outcome", Width: 13}, {Title: "Object type", Width: 14}, {Title: "Object", Width: 30}, {Title: "Changes", Width: 41}, {Title: "Client", Width: 16},
}

// activityRow is one entry as export cells, its time as the viewer's
// wall clock (spreadsheets have no time zones), its activity and object
// type in the instance's words.
func activityRow(e model.Activity, loc *time.Location, words *terms.Set) []any {
	t := e.At.In(loc)
	wall := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
	var changes []string
	for _, c := range e.Changes {
		if c.Before != "" {
			changes = append(changes, c.Field+": "+c.Before+" → "+c.After)
		} else {
			changes = append(changes, c.Field+": "+c.After)
		}
	}
	return []any{wall, e.ActorName + partnerSuffix(e.ActorInstance), e.ActorEmail, views.ActivityName(words, e.Activity), views.OutcomeName(e.Outcome), views.ObjectTypeName(words, e.ObjectType), e.ObjectName, strings.Join(changes, "; "), e.ClientAddr}
}

// exportActivity streams the filtered log into a writer made by open and
// sends it as a download named for the instance code and the range.
//
// Export writers send nothing before Close, so a refusal, even one found
// halfway through the rows, is still an ordinary error page.
func (s *Server) exportActivity(w http.ResponseWriter, r *http.Request, c *req, format, mime string, open func() (export.RowWriter, error)) error {
	out, err := open()
	if err != nil {
		return err
	}
	defer out.Abort() // frees a spilled temporary file when we do not get to Close
	loc, words := c.Actor.Location(), terms.From(r.Context())
	var pace pacer
	q, err := s.app.ExportActivity(r.Context(), c.Actor, activityQuery(r), format, func(e model.Activity) error {
		pace.row()
		return out.WriteRow(activityRow(e, loc, words)...)
	})
	if errors.Is(err, export.ErrTooLarge) || errors.Is(err, export.ErrTooManyRows) {
		return &app.Error{Kind: app.Invalid, Msg: "This export is too large for one " + strings.ToUpper(format) +
			" file: narrow the date range or the filters."}
	}
	if err != nil {
		return err
	}
	name := "yardstick-activity-" + c.Actor.Instance.Code + "-" + q.From + "-to-" + q.To + "." + format
	w.Header().Set("Content-Type", mime)
	w.Header().Set("Content-Disposition", attachment(name))
	if err := out.Close(); err != nil {
		// Headers are gone; all that is left is to log it once.
		s.logger(r).Error("writing an export", "format", format, "err", err)
	}
	return nil
}

// activityXLSX and activityPDF download the filtered log (heavy work, see
// limits.go).
func (s *Server) activityXLSX(w http.ResponseWriter, r *http.Request, c *req) error {
	return s.heavy(s.exportActivityXLSX, w, r, c)
}

func (s *Server) exportActivityXLSX(w http.ResponseWriter, r *http.Request, c *req) error {
	return s.exportActivity(w, r, c, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", func() (export.RowWriter, error) {
		return export.NewXLSX(w, "User Activity", activityColumns)
	})
}

func (s *Server) activityPDF(w http.ResponseWriter, r *http.Request, c *req) error {
	return s.heavy(s.exportActivityPDF, w, r, c)
}

func (s *Server) exportActivityPDF(w http.ResponseWriter, r *http.Request, c *req) error {
	in := c.Actor.Instance
	q := activityQuery(r)
	logo := s.app.LogoImage(r.Context(), c.Actor)
	return s.exportActivity(w, r, c, "pdf", "application/pdf", func() (export.RowWriter, error) {
		return export.NewPDF(w, export.PDFMeta{Title: "User Activity", Subtitle: in.Label() + " · " + rangeText(q),
			Generated: s.app.Now().In(c.Actor.Location()), Logo: logo}, activityColumns)
	})
}

func rangeText(q app.ActivityQuery) string {
	if q.From == "" && q.To == "" {
		return "the last month"
	}
	return q.From + " to " + q.To
}

// memberActivity is the Edit User page's User Activity tab: the member's
// entries with the log's filters (dates and type), paged.
func (s *Server) memberActivity(r *http.Request, c *req, membershipID int64) (views.ActivityData, views.Form) {
	qv := r.URL.Query()
	q := app.ActivityQuery{From: qv.Get("from"), To: qv.Get("to"), Activity: qv.Get("activity"), After: qv.Get("after")}
	base := "/i/" + c.Actor.Instance.Code + "/admin/users/" + strconv.FormatInt(membershipID, 10)
	d := views.ActivityData{Types: app.ActivityTypes, Action: base + "#activity", OneMember: true}
	v, err := s.app.MemberActivity(r.Context(), c.Actor, membershipID, q)
	if err != nil {
		msg := "The activity could not be read."
		if e, ok := app.AsError(err); ok {
			msg = e.Msg
		} else {
			s.logger(r).Error("member activity", "err", err)
		}
		d.View = app.ActivityView{Query: q, Location: c.Actor.Location()}
		return d, views.Form{Msg: msg}
	}
	d.View = v
	if v.Page.Next != "" {
		d.NextURL = activityLink(base, v.Query, v.Page.Next) + "#activity"
	}
	return d, views.Form{}
}

// partnerSuffix marks an actor of a partner organization in exports.
func partnerSuffix(code string) string {
	if code == "" {
		return ""
	}
	return " (" + code + ")"
}
