package web_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/testkit"
	"yardstick/internal/web"
)

// heavyHold keeps every heavy request that got a slot waiting inside it
// until released, and counts them, so a test decides when they end.
type heavyHold struct {
	started chan struct{}
	release chan struct{}
	once    sync.Once
}

func holdHeavy(t *testing.T, a *app.App) *heavyHold {
	h := &heavyHold{started: make(chan struct{}, 100), release: make(chan struct{})}
	_, _, most := a.HeavyLimits()
	a.HoldHeavy(func() {
		if _, running := a.HeavyLoad(); running > most {
			t.Errorf("%d heavy requests running at once, want at most %d", running, most)
		}
		h.started <- struct{}{}
		<-h.release
	})
	t.Cleanup(func() { h.free(); a.HoldHeavy(nil) })
	return h
}

func (h *heavyHold) free() { h.once.Do(func() { close(h.release) }) }

// wait waits for n more heavy requests to be inside their slots.
func (h *heavyHold) wait(t *testing.T, n int) {
	t.Helper()
	for range n {
		select {
		case <-h.started:
		case <-time.After(10 * time.Second):
			t.Fatalf("fewer than %d heavy requests started", n)
		}
	}
}

// none checks that no further heavy request started.
func (h *heavyHold) none(t *testing.T, what string) {
	t.Helper()
	select {
	case <-h.started:
		t.Errorf("%s: a heavy request started past the limit", what)
	default:
	}
}

// fire sends the GETs at once; their answers come on the channel as they
// arrive, and the group is done when all have.
func fire(c *client, paths []string) (chan resp, *sync.WaitGroup) {
	out := make(chan resp, len(paths))
	var wg sync.WaitGroup
	for _, p := range paths {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := c.hc.Get(c.e.srv.URL + p)
			if err != nil {
				out <- resp{Status: -1, Body: err.Error()}
				return
			}
			defer res.Body.Close()
			var b strings.Builder
			buf := make([]byte, 32<<10)
			for {
				n, err := res.Body.Read(buf)
				b.Write(buf[:n])
				if err != nil {
					break
				}
			}
			out <- resp{Status: res.StatusCode, Body: b.String(), Header: res.Header}
		}()
	}
	return out, &wg
}

// refused checks a 429 answer: Retry-After in whole seconds, the error
// page with the message.
func refused(t *testing.T, what string, r resp, msg string) {
	t.Helper()
	if r.Status != http.StatusTooManyRequests {
		t.Errorf("%s: status %d, want 429; body %s", what, r.Status, excerpt(r.Body))
		return
	}
	if s, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || s < 1 || s > 60 {
		t.Errorf("%s: Retry-After %q, want 1 to 60 seconds", what, r.Header.Get("Retry-After"))
	}
	if !strings.Contains(r.Body, msg) {
		t.Errorf("%s: body lacks %q; body %s", what, msg, excerpt(r.Body))
	}
}

// admitted waits until the app has admitted n heavy requests.
func admitted(t *testing.T, a *app.App, n int) {
	t.Helper()
	for start := time.Now(); time.Since(start) < 10*time.Second; time.Sleep(time.Millisecond) {
		if got, _ := a.HeavyLoad(); got == n {
			return
		}
	}
	got, _ := a.HeavyLoad()
	t.Fatalf("%d heavy requests admitted, want %d", got, n)
}

// newHeavyEnv is an env whose app runs one heavy request at a time.
func newHeavyEnv(t *testing.T, db *testkit.DB) *env {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	e := &env{t: t, db: db, store: db.Store}
	e.app = app.New(db.Store, app.Config{BaseURL: "http://yardstick.test", SessionIdle: 120 * time.Minute, HeavyRunning: 1}, log, nil)
	e.web = web.New(e.app, web.Config{BaseURL: "http://yardstick.test", QuietRequests: true}, log)
	e.srv = httptest.NewServer(e.web)
	t.Cleanup(e.srv.Close)
	return e
}

// One administrator starting 50 activity exports at once ran all 50
// (memory 767–856 MB, another member's page p99 from 2 ms to seconds).
// Heavy work is admitted within two bounds, 2 per account and 4 in the
// process (app.DefaultHeavy*), and of the admitted a few run at once, in
// turn (here one). Of 50 parallel exports of one member, 2 are admitted
// and one runs; the other 48 are answered at once with 429, Retry-After
// and the error page saying why. A second administrator gets the two
// places left; past 4 in all, everyone is told the server is busy. Pages
// are not held up by any of it, and the admitted all finish.
func TestExportStormIsBounded(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		e := newHeavyEnv(t, db)
		in := e.instance("ACME", "Acme Community")
		var admins []*client
		for _, email := range []string{"ada@example.org", "bob@example.org", "cat@example.org"} {
			e.member(in, email, access.PresetAdministration)
			c := e.client()
			c.login(email, testkit.Password)
			admins = append(admins, c)
		}
		ada, bob, cat := admins[0], admins[1], admins[2]
		e.member(in, "dan@example.org", access.PresetPresenter)
		dan := e.client()
		dan.login("dan@example.org", testkit.Password)
		if per, total, running := e.app.HeavyLimits(); per != 2 || total != 4 || running != 1 {
			t.Fatalf("limits %d per member, %d in all, %d running; want the defaults 2 and 4, and 1 as configured", per, total, running)
		}
		if _, _, running := newEnv(t, db).app.HeavyLimits(); running != app.DefaultHeavyRunning() || running < 1 {
			t.Errorf("%d heavy requests run at once by default, want %d", running, app.DefaultHeavyRunning())
		}

		h := holdHeavy(t, e.app)
		var storm []string
		for i := range 50 {
			ext := ".xlsx"
			if i%2 == 1 {
				ext = ".pdf"
			}
			storm = append(storm, "/i/ACME/admin/activity"+ext+"?from=2020-01-01&to=2030-12-31")
		}
		answers, wg := fire(ada, storm)
		h.wait(t, 1)
		for i := range 48 {
			select {
			case r := <-answers:
				refused(t, "ada's export "+strconv.Itoa(i), r, "You already have 2 downloads or imports under way")
			case <-time.After(20 * time.Second):
				t.Fatalf("only %d of 48 exports past the limit were answered while two were admitted", i)
			}
		}
		admitted(t, e.app, 2)
		h.none(t, "ada's storm")

		// Another administrator gets the two places left in the process;
		// then everyone is told the server is busy.
		bobs, bwg := fire(bob, storm[:2])
		admitted(t, e.app, 4)
		h.none(t, "bob's exports")
		refused(t, "cat's export", cat.get(storm[0]), "The server is busy with other downloads and imports (4 under way")
		refused(t, "cat's import results", cat.get("/i/ACME/admin/import/1/results.csv"), "The server is busy")
		refused(t, "cat's upload", cat.multipart("POST", "/i/ACME/admin/import", nil, "users.csv", []byte("x")), "The server is busy")
		h.none(t, "cat's requests")

		// Pages are served meanwhile.
		expect(t, "dan's dashboard during the storm", dan.get("/i/ACME/"), http.StatusOK)
		expect(t, "ada's activity page during the storm", ada.get("/i/ACME/admin/activity"), http.StatusOK)

		// The four admitted finish as downloads, one after another.
		h.free()
		wg.Wait()
		bwg.Wait()
		close(answers)
		close(bobs)
		n := 0
		for r := range answers {
			n++
			if r.Status != http.StatusOK || r.Header.Get("Content-Disposition") == "" {
				t.Errorf("an admitted export of ada's: status %d, %q; body %s", r.Status, r.Header.Get("Content-Disposition"), excerpt(r.Body))
			}
		}
		for r := range bobs {
			n++
			if r.Status != http.StatusOK {
				t.Errorf("an admitted export of bob's: status %d", r.Status)
			}
		}
		if n != 4 {
			t.Errorf("%d exports ran to the end, want 4", n)
		}
		if got, running := e.app.HeavyLoad(); got != 0 || running != 0 {
			t.Errorf("after the storm: %d admitted, %d running; want none", got, running)
		}
		r := ada.get("/i/ACME/admin/activity.xlsx")
		expect(t, "ada's export after the storm", r, http.StatusOK)
		if r.Header.Get("Retry-After") != "" {
			t.Errorf("a served export has Retry-After %q", r.Header.Get("Retry-After"))
		}
	})
}
