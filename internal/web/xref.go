package web

import (
	"net/http"
	"net/url"

	"yardstick/internal/app"
	"yardstick/internal/export"
	"yardstick/internal/web/views"
)

// Administration → API XREF (issue 16, instance.admin): the ids an
// integration needs and every scorecard, container and measure with its
// external id, searched and paged like the other lists, and as CSV.

func (s *Server) xrefPage(w http.ResponseWriter, r *http.Request, c *req) error {
	ids, err := s.app.XrefIDs(r.Context(), c.Actor)
	if err != nil {
		return err
	}
	qs := r.URL.Query()
	text, after := qs.Get("q"), qs.Get("after")
	page, err := s.app.Xref(r.Context(), c.Actor, app.XrefQuery{Text: text, After: after, Limit: 50})
	if err != nil {
		return err
	}
	base := "/i/" + c.Actor.Instance.Code + "/admin/xref"
	link := func(path, after string) string {
		v := url.Values{}
		if text != "" {
			v.Set("q", text)
		}
		if after != "" {
			v.Set("after", after)
		}
		if len(v) == 0 {
			return path
		}
		return path + "?" + v.Encode()
	}
	v := views.XrefView{IDs: ids, Page: page, Text: text, CSVURL: link(base+".csv", "")}
	if page.Next != "" {
		v.NextURL = link(base, page.Next)
	}
	if after != "" {
		v.FirstURL = link(base, "")
	}
	return s.render(w, r, http.StatusOK, views.XrefPage(s.shell(r, c, "API cross-reference"), v))
}

// xrefColumns are the CSV's columns.
var xrefColumns = []export.Column{
	{Title: "Id", Kind: export.Number}, {Title: "Kind", Kind: export.Text}, {Title: "Title", Kind: export.Text, Width: 40},
	{Title: "External id", Kind: export.Text, Width: 30},
}

// xrefCSV streams the cross-reference (the search applied) as CSV, a page
// of rows at a time; text is neutralised by the CSV writer as in every
// export, so a title or an external id cannot become a formula.
func (s *Server) xrefCSV(w http.ResponseWriter, r *http.Request, c *req) error {
	return s.heavy(func(w http.ResponseWriter, r *http.Request, c *req) error {
		text := r.URL.Query().Get("q")
		// Refused (permission, a bad search) before a header or a byte is written.
		if _, err := s.app.Xref(r.Context(), c.Actor, app.XrefQuery{Text: text, Limit: 1}); err != nil {
			return err
		}
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", attachment("yardstick-xref-"+c.Actor.Instance.Code+".csv"))
		out, err := export.NewCSV(w, xrefColumns, export.CSVOptions{})
		if err != nil {
			return err
		}
		defer out.Abort()
		words := c.Actor.Words()
		kinds := map[string]string{"scorecard": words.Expand("{scorecard}"), "container": words.Expand("{container}"), "measure": words.Expand("{measure}")}
		err = s.app.ExportXref(r.Context(), c.Actor, text, func(x app.XrefRow) error {
			return out.WriteRow(x.ID, kinds[x.Kind], x.Title, x.ExtID)
		})
		if err != nil {
			s.logger(r).Error("writing the API cross-reference", "err", err)
			return nil // the header is sent: the download ends short
		}
		if err := out.Close(); err != nil {
			s.logger(r).Error("writing the API cross-reference", "err", err)
		}
		return nil
	}, w, r, c)
}
