package views

import "net/http"

func boolAttr(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func statusTitle(status int) string {
	switch status {
	case http.StatusNotFound:
		return "Not found"
	case http.StatusForbidden:
		return "Not allowed"
	case http.StatusConflict:
		return "Changed by someone else"
	case http.StatusTooManyRequests:
		return "Too many attempts"
	case http.StatusUnprocessableEntity, http.StatusBadRequest:
		return "Please check your input"
	}
	return "Something went wrong"
}
