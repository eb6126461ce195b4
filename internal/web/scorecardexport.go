package web

import (
	"net/http"

	"yardstick/internal/app"
	"yardstick/internal/export"
	"yardstick/internal/terms"
)

// scorecardExport downloads a scorecard's tree with its chosen columns
// (issue 28, point 2) as CSV, XLSX or PDF; whoever may open the scorecard
// may download it. Numbers go out as numbers, text formula-neutral.
func (s *Server) scorecardExport(format string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, c *req) error {
		return s.heavy(func(w http.ResponseWriter, r *http.Request, c *req) error {
			id, err := pathID(r, "id")
			if err != nil {
				return err
			}
			x, err := s.app.ExportScorecard(r.Context(), c.Actor, id, format)
			if err != nil {
				return err
			}
			words := terms.From(r.Context())
			cols := []export.Column{{Title: "Level", Kind: export.Number, Width: 6}, {Title: "Type", Width: 18}, {Title: "Title", Width: 48}}
			for _, col := range x.Columns {
				kind := export.Text
				if col.Num {
					kind = export.Number
				}
				cols = append(cols, export.Column{Title: words.Expand(col.Head), Kind: kind, Width: 14})
			}
			var out export.RowWriter
			mime := map[string]string{"csv": "text/csv; charset=utf-8", "pdf": "application/pdf",
				"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}[format]
			w.Header().Set("Content-Type", mime)
			w.Header().Set("Content-Disposition", attachment("yardstick-scorecard-"+c.Actor.Instance.Code+"-"+r.PathValue("id")+"."+format))
			switch format {
			case "xlsx":
				out, err = export.NewXLSX(w, words.One(terms.Scorecard), cols)
			case "pdf":
				out, err = export.NewPDF(w, export.PDFMeta{Title: x.Scorecard.Title, Subtitle: c.Actor.Instance.Label(),
					Generated: s.app.Now().In(c.Actor.Location()), Logo: s.app.LogoImage(r.Context(), c.Actor)}, cols)
			default:
				out, err = export.NewCSV(w, cols, export.CSVOptions{})
			}
			if err != nil {
				return err
			}
			defer out.Abort()
			for _, row := range x.Rows {
				vals := make([]any, 0, len(cols))
				if row.Divider != nil {
					vals = append(vals, nil, "Divider", row.Divider.Title)
				} else {
					vals = append(vals, row.Depth+1, words.TypeName(row.Object.TypeName), row.Object.Title)
				}
				for _, col := range x.Columns {
					vals = append(vals, app.ColumnValue(row, col))
				}
				if err := out.WriteRow(vals...); err != nil {
					s.logger(r).Error("writing a scorecard export", "format", format, "err", err)
					return nil
				}
			}
			if err := out.Close(); err != nil {
				s.logger(r).Error("writing a scorecard export", "format", format, "err", err)
			}
			return nil
		}, w, r, c)
	}
}
