package views

import (
	"context"
	"io"
	"net/http"

	"github.com/a-h/templ"
)

func statusTitle(status int) string {
	switch status {
	case http.StatusNotFound:
		return "Not found"
	case http.StatusMethodNotAllowed:
		return "Not available this way"
	case http.StatusForbidden:
		return "Not allowed"
	case http.StatusConflict:
		return "Changed by someone else"
	case http.StatusTooManyRequests:
		return "Please wait and try again"
	case http.StatusUnprocessableEntity, http.StatusBadRequest:
		return "Please check your input"
	case http.StatusRequestEntityTooLarge:
		return "Too large"
	case http.StatusUnsupportedMediaType:
		return "Form not accepted"
	case http.StatusServiceUnavailable:
		return "Busy right now"
	}
	return "Something went wrong"
}

// text writes s, escaped: what { s } does, without the fmt.Sprint templ
// spends on every expression. The users list has five per row and fifty
// rows a page, where it was a tenth of the handler (BenchmarkUsersList).
func text(s string) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		_, err := io.WriteString(w, templ.EscapeString(s))
		return err
	})
}
