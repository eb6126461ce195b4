package web

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

type ctxKey int

const requestIDKey ctxKey = 1

// statusWriter remembers the status and size of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

// Flush lets streaming responses (exports) reach the client as they go.
func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the real writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	refused  prometheus.Counter     // 503s of admission control
	probes   *prometheus.CounterVec // 404s to signed-in accounts (audit.go), by kind only
}

// newMetrics registers the HTTP metrics. Labels are route patterns and
// statuses only: never a path, which can hold a secret.
func newMetrics(reg prometheus.Registerer, adm *admission) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "yardstick_http_requests_total", Help: "HTTP requests by route pattern and status.",
		}, []string{"pattern", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "yardstick_http_request_duration_seconds", Help: "HTTP request latency by route pattern.",
			Buckets: prometheus.DefBuckets,
		}, []string{"pattern"}),
	}
	m.refused = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "yardstick_http_overload_refused_total", Help: "Requests answered 503 after waiting their turn for admission in vain.",
	})
	m.probes = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "yardstick_not_found_probes_total",
		Help: "404 answers to signed-in accounts for an instance they are not an active member of (kind=instance) or an id they cannot see (kind=object).",
	}, []string{"kind"})
	m.probes.WithLabelValues("instance") // shown at 0 before the first
	m.probes.WithLabelValues("object")
	reg.MustRegister(m.requests, m.duration, m.refused, m.probes)
	if adm != nil {
		reg.MustRegister(
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{
				Name: "yardstick_http_in_flight", Help: "Requests being served (admission control; health, metrics and static files not counted).",
			}, func() float64 { n, _ := adm.state(); return float64(n) }),
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{
				Name: "yardstick_http_queued", Help: "Requests waiting for admission.",
			}, func() float64 { _, n := adm.state(); return float64(n) }),
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{
				Name: "yardstick_http_max_in_flight", Help: "The bound on requests being served (YARDSTICK_MAX_INFLIGHT).",
			}, func() float64 { return float64(adm.limit) }),
		)
	}
	return m
}

// observe gives each request an id, logs it once, counts it, and recovers
// from panics so one bad request cannot stop the server. The log line and
// the metric labels name the route pattern and the path's ids (pathIDs),
// never the path or query: a path can hold a link's secret token.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := newRequestID()
		w.Header().Set("X-Request-Id", id)
		r = r.WithContext(contextWithRequestID(r.Context(), id))
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				s.log.Error("panic", "request_id", id, "pattern", patternOf(r), "panic", p)
				if sw.status == 0 {
					http.Error(sw, "Internal error. Request id: "+id, http.StatusInternalServerError)
				}
			}
			pattern := patternOf(r)
			d := time.Since(start)
			s.metrics.requests.WithLabelValues(pattern, strconv.Itoa(sw.status)).Inc()
			s.metrics.duration.WithLabelValues(pattern).Observe(d.Seconds())
			if s.cfg.QuietRequests {
				return
			}
			s.log.Info("request", "request_id", id, "method", r.Method, "pattern", pattern, s.pathIDs(r),
				"status", sw.status, "bytes", sw.bytes, "ms", d.Milliseconds(), "client", clientAddr(r))
		}()
		next.ServeHTTP(sw, r)
	})
}

func newRequestID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func isLoopback(r *http.Request) bool {
	ip := net.ParseIP(clientAddr(r))
	return ip != nil && ip.IsLoopback()
}

// logger returns a logger carrying the request id.
func (s *Server) logger(r *http.Request) *slog.Logger {
	return s.log.With("request_id", requestID(r.Context()))
}
