package bench

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/testkit"
	"yardstick/internal/web"
)

// overloadMaxSpread is the target at 8× overload: the p99 of the requests
// served within this multiple of their p50.
const overloadMaxSpread = 5

// BenchmarkOverload opens a scorecard page (10 containers × 10 measures,
// 36 months of data, 201 KiB) from many clients at once, each asking again
// as soon as it has its answer (a 503 too). Server and clients share the
// process, as in the other benchmarks: with the server in a process of
// its own on one core, the clients on the other core of the 2-core
// development machine, not the server, set the pace (the server answered
// in 2 ms at three quarters of its core). The server's capacity is its
// bound on requests in flight, at the default: twice the database pool
// (16 on SQLite, 40 on PostgreSQL). "1x" runs as many clients as that, "8x"
// eight times as many; "8x-unbounded" is the same load on a server
// without admission control (MaxInFlight -1), as before it existed, for
// comparison. Each run makes at least 10 requests per client. Reported:
// p50 and p99 of the requests served (200) in ms, p99/p50 ("spread";
// the benchmark fails above 5 at 8× with admission), the 503s, and the
// pages served per second.
func BenchmarkOverload(b *testing.B) {
	eachDB(b, func(b *testing.B, db *testkit.DB) {
		in := testkit.MustCreateInstance(b, db.Store, "BENCH", "Bench Community")
		testkit.MustCreateMember(b, db.Store, in, "ada@example.org", access.PresetAdministration)
		gen := generate(b, db, in, tree{Prefix: "Load", Scorecards: 1, Containers: 10, Measures: 10, Periods: 36})

		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		a := app.New(db.Store, app.Config{BaseURL: "http://bench.test", SessionIdle: 24 * time.Hour}, log, nil)
		b.Cleanup(a.StartRecorder()) // as the service runs: page views logged in batches
		capacity := web.DefaultMaxInFlight(db.Store.DB().Stats().MaxOpenConnections)
		bounded := httptest.NewServer(web.New(a, web.Config{QuietRequests: true}, log))
		b.Cleanup(bounded.Close)
		unbounded := httptest.NewServer(web.New(a, web.Config{QuietRequests: true, MaxInFlight: -1}, log))
		b.Cleanup(unbounded.Close)

		c := overloadClient(8 * capacity)
		s := &site{db: db, app: a, srv: bounded}
		s.login(b, c, "ada@example.org") // the cookie serves both servers: same host
		page := "/i/BENCH/scorecards/" + itoa(gen.Scorecards[0])
		mustContain(b, c, bounded.URL+page, measureTitle("Load", 99))
		mustContain(b, c, unbounded.URL+page, measureTitle("Load", 99))
		b.Logf("%s: capacity %d requests in flight (database pool %d); the page is %d KiB",
			db.Name, capacity, db.Store.DB().Stats().MaxOpenConnections, get(b, c, bounded.URL+page, http.StatusOK)>>10)

		for _, run := range []struct {
			name string
			srv  *httptest.Server
			load int
		}{
			{"1x", bounded, 1},
			{"8x", bounded, 8},
			{"8x-unbounded", unbounded, 8},
		} {
			b.Run(run.name, func(b *testing.B) {
				clients := run.load * capacity
				overloadLoop(b, c, run.srv.URL+page, clients, clients) // warm: connections open, caches full
				r := overloadLoop(b, c, run.srv.URL+page, clients, max(b.N, 10*clients, 400))
				p50, p99 := overloadPercentile(r.served, 0.50), overloadPercentile(r.served, 0.99)
				spread := float64(p99) / float64(max(p50, 1))
				b.ReportMetric(float64(r.elapsed.Nanoseconds())/float64(r.total), "ns/op")
				b.ReportMetric(overloadMS(p50), "p50-ms")
				b.ReportMetric(overloadMS(p99), "p99-ms")
				b.ReportMetric(spread, "spread")
				b.ReportMetric(float64(r.refused), "503s")
				b.ReportMetric(float64(len(r.served))/r.elapsed.Seconds(), "served/s")
				b.Logf("%s %s: %d clients, %d requests: %d served (p50 %v, p99 %v, max %v), %d answered 503, in %v",
					db.Name, run.name, clients, r.total, len(r.served), p50.Round(time.Microsecond), p99.Round(time.Microsecond),
					slices.Max(r.served).Round(time.Microsecond), r.refused, r.elapsed.Round(time.Millisecond))
				if run.name == "8x" && spread > overloadMaxSpread {
					b.Errorf("%s: at 8× overload p99 %v is %.1f× p50 %v; want ≤ %d×", db.Name, p99, spread, p50, overloadMaxSpread)
				}
			})
		}
	})
}

// overloadClient is a signed-in browser that keeps a connection open per
// client of the benchmark.
func overloadClient(conns int) *http.Client {
	jar, _ := cookiejar.New(nil)
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = conns
	t.ReadBufferSize = 256 << 10 // a page in a few reads: the clients should cost little next to the server
	return &http.Client{Jar: jar, Transport: t, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// overloadResult is one run: latencies of the pages served, the 503s.
type overloadResult struct {
	served  []time.Duration
	refused int
	total   int
	elapsed time.Duration
}

// overloadLoop makes total requests of u from clients goroutines, each
// asking again as soon as it has an answer.
func overloadLoop(b *testing.B, c *http.Client, u string, clients, total int) overloadResult {
	var next, refused atomic.Int64
	lat := make([][]time.Duration, clients)
	var failOnce sync.Once
	var wg sync.WaitGroup
	start := time.Now()
	for i := range clients {
		wg.Go(func() {
			for next.Add(1) <= int64(total) {
				t := time.Now()
				res, err := c.Get(u)
				if err != nil {
					failOnce.Do(func() { b.Errorf("GET %s: %v", u, err) })
					return
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				switch res.StatusCode {
				case http.StatusOK:
					lat[i] = append(lat[i], time.Since(t))
				case http.StatusServiceUnavailable:
					if res.Header.Get("Retry-After") == "" {
						failOnce.Do(func() { b.Errorf("a 503 without Retry-After") })
					}
					refused.Add(1)
				default:
					failOnce.Do(func() { b.Errorf("GET %s: %d", u, res.StatusCode) })
					return
				}
			}
		})
	}
	wg.Wait()
	r := overloadResult{refused: int(refused.Load()), total: total, elapsed: time.Since(start)}
	for _, l := range lat {
		r.served = append(r.served, l...)
	}
	if len(r.served) == 0 {
		b.Fatalf("GET %s: nothing served", u)
	}
	return r
}

// overloadPercentile is the p-quantile of lat (nearest rank).
func overloadPercentile(lat []time.Duration, p float64) time.Duration {
	s := slices.Clone(lat)
	slices.Sort(s)
	i := int(float64(len(s))*p+0.5) - 1
	return s[min(max(i, 0), len(s)-1)]
}

func overloadMS(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
