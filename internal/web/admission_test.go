package web

import (
	"context"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"yardstick/internal/app"
	"yardstick/internal/testkit"
)

// waitFor polls until cond holds, or fails the test after a while.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

// Waiters are admitted in the order they arrived, one per release.
func TestAdmissionIsFirstInFirstOut(t *testing.T) {
	a := newAdmission(2, 10*time.Second, 100)
	ctx := context.Background()
	first, second := a.acquire(ctx), a.acquire(ctx)
	if !first || !second {
		t.Fatal("the first two were not admitted at once")
	}
	const n = 8
	order := make(chan int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			if !a.acquire(ctx) {
				t.Errorf("waiter %d refused", i)
				return
			}
			order <- i
		})
		waitFor(t, "waiter "+strconv.Itoa(i)+" to queue", func() bool { _, q := a.state(); return q == i+1 })
	}
	for i := range n {
		a.release() // hands the slot to the oldest waiter
		if got := <-order; got != i {
			t.Fatalf("admitted waiter %d, want %d (arrival order)", got, i)
		}
	}
	wg.Wait()
	if in, q := a.state(); in != 2 || q != 0 {
		t.Errorf("in flight %d, queued %d; want 2 and 0", in, q)
	}
	a.release()
	a.release()
	if in, _ := a.state(); in != 0 {
		t.Errorf("in flight %d after every release", in)
	}
}

// A waiter gives up at its deadline and leaves the queue; one whose
// client went away leaves at once; a full queue refuses at once.
func TestAdmissionDeadline(t *testing.T) {
	a := newAdmission(1, 100*time.Millisecond, 2)
	ctx := context.Background()
	a.acquire(ctx)
	start := time.Now()
	if a.acquire(ctx) {
		t.Fatal("admitted beyond the bound")
	}
	if d := time.Since(start); d < 100*time.Millisecond || d > 2*time.Second {
		t.Errorf("gave up after %v, want the 100ms deadline", d)
	}
	if _, q := a.state(); q != 0 {
		t.Errorf("%d left in the queue", q)
	}

	gone, cancel := context.WithCancel(ctx)
	done := make(chan bool)
	go func() { done <- a.acquire(gone) }()
	waitFor(t, "the waiter to queue", func() bool { _, q := a.state(); return q == 1 })
	cancel()
	if <-done {
		t.Error("admitted after the client went away")
	}

	long := newAdmission(1, time.Minute, 2)
	long.acquire(ctx)
	for range 2 {
		go long.acquire(ctx)
	}
	waitFor(t, "a full queue", func() bool { _, q := long.state(); return q == 2 })
	start = time.Now()
	if long.acquire(ctx) || time.Since(start) > time.Second {
		t.Error("a full queue did not refuse at once")
	}
}

// Under a storm of short requests with deadlines as short as the work,
// nothing is lost: the bound holds throughout and every slot comes back.
func TestAdmissionStorm(t *testing.T) {
	a := newAdmission(3, 2*time.Millisecond, 1000)
	var mu sync.Mutex
	inside, most := 0, 0
	var wg sync.WaitGroup
	for range 400 {
		wg.Go(func() {
			if !a.acquire(context.Background()) {
				return
			}
			mu.Lock()
			inside++
			most = max(most, inside)
			mu.Unlock()
			time.Sleep(time.Duration(rand.IntN(1000)) * time.Microsecond)
			mu.Lock()
			inside--
			mu.Unlock()
			a.release()
		})
	}
	wg.Wait()
	if in, q := a.state(); in != 0 || q != 0 {
		t.Errorf("after the storm: %d in flight, %d queued", in, q)
	}
	if most > 3 {
		t.Errorf("%d in flight at once, want at most 3", most)
	}
}

// gated is a server with admission of limit requests, whose page route
// (a real pattern) blocks until the test lets it go.
type gated struct {
	s       *Server
	srv     *httptest.Server
	release chan struct{}
	arrived chan string
}

func newGated(t *testing.T, limit int, wait time.Duration) *gated {
	t.Helper()
	db := testkit.NewSQLite(t)
	a := app.New(db.Store, app.Config{BaseURL: "http://yardstick.test", SessionIdle: time.Hour}, nil, nil)
	s := New(a, Config{MaxInFlight: limit, QueueWait: wait, QuietRequests: true}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	g := &gated{s: s, release: make(chan struct{}), arrived: make(chan string, 100)}
	mux := http.NewServeMux()
	page := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g.arrived <- r.URL.Query().Get("n")
		<-g.release
	})
	mux.Handle("GET /i/{code}/scorecards/{id}", page)
	mux.Handle("GET /healthz", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
	mux.Handle("GET /static/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "file") }))
	g.srv = httptest.NewServer(s.observe(s.gate(mux, mux)))
	t.Cleanup(g.srv.Close)
	t.Cleanup(func() { close(g.release) })
	return g
}

func (g *gated) get(t *testing.T, path string) (*http.Response, string) {
	res, err := http.Get(g.srv.URL + path)
	if err != nil {
		t.Error(err)
		return nil, ""
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// Through the HTTP layer: beyond the bound, pages wait and are served in
// arrival order; health checks and static files are served at once; a
// page that waits past the deadline gets the 503 page with Retry-After.
func TestAdmissionOverHTTP(t *testing.T) {
	g := newGated(t, 1, 300*time.Millisecond)
	var wg sync.WaitGroup
	wg.Go(func() { g.get(t, "/i/ACME/scorecards/1?n=first") })
	if got := <-g.arrived; got != "first" {
		t.Fatalf("arrived %q", got)
	}
	for i := range 3 {
		wg.Go(func() { g.get(t, "/i/ACME/scorecards/1?n="+strconv.Itoa(i)) })
		waitFor(t, "a page to queue", func() bool { _, q := g.s.admission.state(); return q == i+1 })
	}
	for _, p := range []string{"/healthz", "/static/abc/app.css"} {
		start := time.Now()
		if res, _ := g.get(t, p); res == nil || res.StatusCode != http.StatusOK || time.Since(start) > 200*time.Millisecond {
			t.Errorf("%s while pages queue: %v after %v", p, res, time.Since(start))
		}
	}
	for i := range 3 {
		g.release <- struct{}{} // the one being served finishes
		if got := <-g.arrived; got != strconv.Itoa(i) {
			t.Errorf("served %q, want %d (arrival order)", got, i)
		}
	}

	// The slot is held; the next page waits 300ms, then gets the 503 page.
	start := time.Now()
	res, body := g.get(t, "/i/ACME/scorecards/2?n=late")
	took := time.Since(start)
	if res == nil || res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") != "1" {
		t.Fatalf("past the deadline: %v, Retry-After %q", res, res.Header.Get("Retry-After"))
	}
	if took < 300*time.Millisecond || took > 3*time.Second {
		t.Errorf("answered after %v, want the 300ms deadline", took)
	}
	for _, want := range []string{"Busy right now", "try again in a few seconds"} {
		if !strings.Contains(body, want) {
			t.Errorf("the 503 page lacks %q", want)
		}
	}
	g.release <- struct{}{}
	wg.Wait()
	if in, q := g.s.admission.state(); in != 0 || q != 0 {
		t.Errorf("after the requests: %d in flight, %d queued", in, q)
	}
}
