package web

import (
	"mime"
	"net/http"
	"strconv"
	"time"
)

// Defaults of the common layer's limits (Config overrides each).
const (
	// DefaultMaxFormBody is the largest request body of a route that
	// takes no upload: a form. The largest real form (a scorecard's member
	// list, a pasted column of data) is a few kilobytes.
	DefaultMaxFormBody = 1 << 20
	// DefaultQueueWait is how long a request waits for admission.
	DefaultQueueWait = 2 * time.Second
)

// uploadBody is the body limit of a route that takes a file: the import's
// 5 MB file plus room for the form around it (maxMultipartBody).
const uploadBody = maxMultipartBody

// routeMeta is what the common layer knows of a route before its handler
// runs, looked up by the pattern the request matches.
type routeMeta struct {
	upload    bool     // takes a multipart file upload
	multipart bool     // takes a multipart form within the form limit
	maxBody   int64    // its body limit when above the form limit (route.MaxBody)
	unqueued  bool     // never waits for admission
	wildcards []string // names of the pattern's {wildcards}
}

// gate applies, before anything reads the body, the route's body limit,
// refuses multipart bodies where no upload is expected, and then admits the
// request (or queues it, in arrival order) within the in-flight bound.
// Health checks, metrics and static files are never queued, and neither
// are requests no route matches (the mux answers them without work).
func (s *Server) gate(mux *http.ServeMux, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, pattern := mux.Handler(r)
		r.Pattern = pattern // for the log line of a request refused here; the mux sets the same
		meta := s.meta[pattern]
		if meta == nil {
			meta = &routeMeta{unqueued: true}
		}
		limit := s.cfg.MaxFormBody
		if meta.upload {
			limit = uploadBody
		}
		if meta.maxBody > limit {
			limit = meta.maxBody
		}
		if !meta.upload && !meta.multipart && isMultipart(r) {
			w.Header().Set("Connection", "close") // the body is not read
			s.refuseInput(w, r, http.StatusUnsupportedMediaType,
				"This address takes no file upload, so the form was not read. Reload the page and send the form again.")
			return
		}
		if r.ContentLength > limit && !meta.upload {
			// Refused before reading a byte. An upload route reads up to
			// its limit and says in its own form that the file is too big.
			w.Header().Set("Connection", "close")
			s.refuseInput(w, r, http.StatusRequestEntityTooLarge, tooLargeMsg(limit))
			return
		}
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = http.MaxBytesReader(w, r.Body, limit)
		}
		if s.admission != nil && !meta.unqueued {
			if !s.admission.acquire(r.Context()) {
				s.overloaded(w, r)
				return
			}
			defer s.admission.release()
		}
		next.ServeHTTP(w, r)
	})
}

func isMultipart(r *http.Request) bool {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return false
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		// Unparseable: net/http would not parse it as a form either, but
		// a prefix check keeps "multipart/form-data;;" from slipping by.
		return len(ct) >= 10 && equalFoldASCII(ct[:10], "multipart/")
	}
	return len(mt) >= 10 && mt[:10] == "multipart/"
}

func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// tooLargeMsg says what was refused and the limit.
func tooLargeMsg(limit int64) string {
	return "The form is larger than " + byteSize(limit) + ", the most this address accepts, so it was not read."
}

// byteSize writes a limit for people: "1 MB", "512 KB", "100 bytes".
func byteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// overloaded answers a request that waited its turn in vain: 503 with
// Retry-After, on the app's error page.
func (s *Server) overloaded(w http.ResponseWriter, r *http.Request) {
	s.metrics.refused.Inc()
	secs := int((s.cfg.QueueWait + time.Second - 1) / time.Second)
	w.Header().Set("Retry-After", strconv.Itoa(max(secs, 1)))
	s.refuseInput(w, r, http.StatusServiceUnavailable,
		"Yardstick is busy serving other requests. Nothing was changed; try again in a few seconds.")
}
