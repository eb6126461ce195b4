package web

import (
	"errors"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"yardstick/internal/api"
	"yardstick/internal/importer"
	"yardstick/internal/textcheck"
	"yardstick/internal/web/views"
)

// maxMultipartBody is the body limit of an upload route (gate): the
// import upload's cap (importUpload: the importer's limit plus room for the
// form around the file), the largest body any route takes. Other routes
// refuse multipart bodies and take at most Config.MaxFormBody.
const maxMultipartBody = importer.MaxBytes + 1<<20

// multipartMemory is what a parsed multipart form may keep in memory; with
// the body capped below it, no upload is spilled to a temporary file (and
// any that were are removed when the request ends).
const multipartMemory = 32 << 20

// checkInput refuses a request whose path, query string or form (URL
// encoded or multipart: field names, values and file names) holds a NUL,
// another control character than tab, CR and LF, or bytes that are not
// UTF-8. Every route is behind it, so no field can be forgotten: handlers
// and use cases only ever see text both databases can store and compare
// (PostgreSQL refuses NUL and invalid UTF-8 with an error, which would
// otherwise answer 500). File contents are the importer's to check.
//
// The form is parsed here once; the handler's ParseForm, FormValue and
// FormFile then use what was parsed. The common cases only scan bytes.
func (s *Server) checkInput(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !textcheck.IsText(r.URL.Path) || !queryIsText(r.URL.RawQuery) {
			s.refuseInput(w, r, http.StatusBadRequest, "This address contains "+notText+" Check the link and try again.")
			return
		}
		status, msg := formProblem(r, s.cfg.MaxFormBody)
		if r.MultipartForm != nil {
			// net/http removes the temporary files of the request it
			// made, not of the copies middleware passes on (WithContext).
			defer r.MultipartForm.RemoveAll()
		}
		if msg != "" {
			s.refuseInput(w, r, status, msg)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// notText says what was refused, for the messages.
const notText = "a character that is not allowed: a control character (such as NUL) or bytes that are not UTF-8 text."

// queryIsText checks every name and value of a raw query string. A query
// without escapes and without bytes above ASCII is text as it stands (the
// HTTP server already refused raw control bytes), so most requests are
// only scanned; the rest are decoded as the handlers will decode them.
func queryIsText(raw string) bool {
	plain := true
	for i := 0; i < len(raw); i++ {
		if c := raw[i]; c == '%' || c >= 0x80 || c < 0x20 {
			plain = false
			break
		}
	}
	if plain {
		return true
	}
	vals, _ := url.ParseQuery(raw) // a malformed pair is dropped, as handlers drop it
	_, ok := valuesAreText(vals)
	return ok
}

// formProblem parses a URL-encoded or multipart body, where net/http would
// parse it for a handler, and checks it. It returns the status and message
// of a refusal, or "" when the form (or a request without one) may go on.
// The body is already capped (gate): a form over its limit is refused
// whole, never handed on cut short.
func formProblem(r *http.Request, formLimit int64) (int, string) {
	refused := func(field string) (int, string) {
		if field == "" {
			return http.StatusUnprocessableEntity, "The form contains " + notText + " Remove it and try again."
		}
		return http.StatusUnprocessableEntity, "The field “" + field + "” contains " + notText + " Remove it and try again."
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/x-www-form-urlencoded":
		if r.Method != http.MethodPost && r.Method != http.MethodPut && r.Method != http.MethodPatch {
			return 0, "" // net/http reads no other method's body as a form
		}
		// A malformed pair leaves what could be read, as it does for the
		// handler; a body over the limit is refused.
		if err := r.ParseForm(); err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return http.StatusRequestEntityTooLarge, tooLargeMsg(formLimit)
			}
		}
		if field, ok := valuesAreText(r.PostForm); !ok {
			return refused(field)
		}
	case "multipart/form-data":
		// Whatever the method: FormValue parses a multipart body even on
		// GET. Only upload routes and the few that take a small multipart
		// form get here (gate refuses the rest).
		if err := r.ParseMultipartForm(multipartMemory); err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				// The body stays at its limit: the handler's own read fails
				// the same way and says so (importUpload: "larger than 5 MB").
				return 0, ""
			}
			// Refused here: a handler parsing again would start mid-body,
			// where later parts were never checked.
			return http.StatusBadRequest, "The form could not be read. Reload the page and try again."
		}
		if field, ok := valuesAreText(r.MultipartForm.Value); !ok {
			return refused(field)
		}
		for name, files := range r.MultipartForm.File {
			if !textcheck.IsText(name) {
				return refused("")
			}
			for _, f := range files {
				if !textcheck.IsText(f.Filename) {
					return refused(fieldName(name))
				}
			}
		}
	}
	return 0, ""
}

// valuesAreText checks names and values. It returns false and the name of
// the first field holding something other than text, or "" when a name
// itself is not text.
func valuesAreText(vals map[string][]string) (string, bool) {
	for name, vs := range vals {
		if !textcheck.IsText(name) {
			return "", false
		}
		for _, v := range vs {
			if !textcheck.IsText(v) {
				return fieldName(name), false
			}
		}
	}
	return "", true
}

// fieldName keeps a (checked) field name short enough for a message.
func fieldName(name string) string { return textcheck.Clip(name, 40) }

// refuseInput answers with the error page, as handler errors are answered.
func (s *Server) refuseInput(w http.ResponseWriter, r *http.Request, status int, msg string) {
	if strings.HasPrefix(r.URL.Path, api.BasePath+"/") {
		api.WriteProblem(w, r, status, msg, nil)
		return
	}
	if err := s.render(w, r, status, views.ErrorPage(s.shell(r, nil, "Error"), status, msg)); err != nil {
		s.logger(r).Error("rendering an input refusal", "err", err)
		http.Error(w, msg, status)
	}
}
