package web_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"yardstick/internal/access"
	"yardstick/internal/testkit"
)

// noUpload is the refusal of a multipart body where no file is expected.
const noUpload = "This address takes no file upload"

// filePart opens a multipart body (boundary zz) with a file part whose
// content follows.
const filePart = "--zz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.csv\"\r\nContent-Type: text/csv\r\n\r\n"

// rawRequest sends a request over its own connection: head as given, then
// a body of size bytes, the given prefix and then "x"s (chunked when
// chunked is set, else with a Content-Length), written while the answer
// is read, so a server that answers early is seen to. It returns the status, the body, how long the
// answer took and how many body bytes the server let the client write.
type rawAnswer struct {
	Status  int
	Body    string
	Took    time.Duration
	Written int64
	Err     error
}

func rawRequest(addr, method, path, contentType, prefix string, size int64, chunked bool, cookie string) rawAnswer {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return rawAnswer{Err: err}
	}
	defer conn.Close()
	var head strings.Builder
	fmt.Fprintf(&head, "%s %s HTTP/1.1\r\nHost: %s\r\nContent-Type: %s\r\n", method, path, addr, contentType)
	if cookie != "" {
		fmt.Fprintf(&head, "Cookie: ys_session=%s\r\n", cookie)
	}
	if chunked {
		head.WriteString("Transfer-Encoding: chunked\r\n\r\n")
	} else {
		fmt.Fprintf(&head, "Content-Length: %d\r\n\r\n", size)
	}
	start := time.Now()
	if _, err := io.WriteString(conn, head.String()); err != nil {
		return rawAnswer{Err: err}
	}
	var written atomic.Int64
	go func() {
		xs := bytes.Repeat([]byte("x"), 64<<10)
		for sent := int64(0); sent < size; {
			chunk := xs
			if sent == 0 {
				chunk = append([]byte(prefix), xs[len(prefix):]...)
			}
			n := min(int64(len(chunk)), size-sent)
			var err error
			if chunked {
				_, err = fmt.Fprintf(conn, "%x\r\n%s\r\n", n, chunk[:n])
			} else {
				_, err = conn.Write(chunk[:n])
			}
			if err != nil {
				return // the server stopped reading and closed: expected
			}
			sent += n
			written.Store(sent)
		}
		if chunked {
			io.WriteString(conn, "0\r\n\r\n")
		}
	}()
	conn.SetReadDeadline(time.Now().Add(60 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return rawAnswer{Err: err, Took: time.Since(start)}
	}
	b, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	res.Body.Close()
	return rawAnswer{Status: res.StatusCode, Body: string(b), Took: time.Since(start), Written: written.Load()}
}

// multipartBody is a small multipart form and its content type.
func multipartBody(fields map[string]string) (string, string) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	mw.Close()
	return b.String(), mw.FormDataContentType()
}

// Defect 3: every route has a body limit, set before anything reads the
// body; multipart is refused where no file is expected; a form over the
// limit is refused whole, never read in part.
func TestBodyLimits(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		e := newEnv(t, db)
		in := e.instance("ACME", "Acme")
		e.member(in, "ada@example.org", access.PresetAdministration)
		addr := strings.TrimPrefix(e.srv.URL, "http://")
		const form = "application/x-www-form-urlencoded"
		ada := e.client()
		ada.login("ada@example.org", testkit.Password)
		cookie := sessionCookie(ada)

		small, smallType := multipartBody(map[string]string{"email": "ada@example.org", "password": testkit.Password})
		for _, tc := range []struct {
			name, method, path, ctype, prefix string
			size                              int64
			chunked                           bool
			cookie                            string
			status                            int
			want                              string
		}{
			{"sign-in form of 2 MB, declared", "POST", "/login", form, "email=a&password=", 2 << 20, false, "", 413, "larger than 1 MB"},
			{"sign-in form of 2 MB, chunked", "POST", "/login", form, "email=a&password=", 2 << 20, true, "", 413, "larger than 1 MB"},
			{"sign-in multipart of 300 MB, declared", "POST", "/login", smallType, small, 300 << 20, false, "", 415, noUpload},
			{"sign-in multipart of 300 MB, chunked", "POST", "/login", smallType, small, 300 << 20, true, "", 415, noUpload},
			{"reset link multipart", "POST", "/reset/abc", smallType, small, 1 << 10, false, "", 415, noUpload},
			{"unknown address multipart", "POST", "/nowhere", smallType, small, 1 << 10, false, "", 415, noUpload},
			{"a page GET with a 2 MB body", "GET", "/login", "text/plain", "", 2 << 20, false, "", 413, "larger than 1 MB"},
			{"a member's form of 2 MB, chunked", "POST", "/i/ACME/scorecards", form, "title=", 2 << 20, true, cookie, 413, "larger than 1 MB"},
			{"the upload route over its limit", "POST", "/i/ACME/admin/import", "multipart/form-data; boundary=zz", filePart, 50 << 20, true, cookie, 422, "larger than 5 MB"},
		} {
			got := rawRequest(addr, tc.method, tc.path, tc.ctype, tc.prefix, tc.size, tc.chunked, tc.cookie)
			if got.Err != nil {
				t.Errorf("%s: %v", tc.name, got.Err)
				continue
			}
			expect(t, tc.name, resp{Status: got.Status, Body: got.Body}, tc.status, tc.want)
			// The server reads at most the route's limit (1 MB; 6 MB for
			// the upload); the sockets' buffers take a few MB more.
			if room := int64(8 << 20); got.Written > room+(6<<20) || !strings.Contains(tc.path, "import") && got.Written > room {
				t.Errorf("%s: the client wrote %d MB before the answer", tc.name, got.Written>>20)
			}
		}

		// A multipart sign-in is refused before it is read, whatever it holds.
		res, err := http.Post(e.srv.URL+"/login", smallType, strings.NewReader(small))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		expect(t, "small multipart sign-in", resp{Status: res.StatusCode, Body: string(b)}, http.StatusUnsupportedMediaType, noUpload)

		// A form just under the limit is read as always.
		pad := strings.Repeat("p", 1<<20-200)
		expect(t, "a form under the limit", e.client().do("POST", "/forgot", url.Values{"email": {"ada@example.org"}, "pad": {pad}}),
			http.StatusOK, "If an account exists")
		// A file upload still takes its 5 MB, and says so past it.
		expect(t, "import", ada.multipart("POST", "/i/ACME/admin/import", nil, "users.csv",
			[]byte("username,first_name,last_name,role_group,send_email\nzoe@example.org,Zoe,Lee,User,false\n")), http.StatusSeeOther)
	})
}

// Defect 3, the attack: eight 50 MB bodies streamed at once to the
// sign-in page (four URL-encoded, four multipart) and two to the upload
// route. Each is answered quickly, the server reads about its limit of
// each, no temporary file appears, and the heap stays bounded.
func TestParallelOversizedBodies(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		e := newEnv(t, db)
		in := e.instance("ACME", "Acme")
		e.member(in, "ada@example.org", access.PresetAdministration)
		ada := e.client()
		ada.login("ada@example.org", testkit.Password)
		cookie := sessionCookie(ada)
		addr := strings.TrimPrefix(e.srv.URL, "http://")

		tmp := t.TempDir()
		t.Setenv("TMPDIR", tmp) // where net/http's multipart parser would spool
		runtime.GC()
		var base runtime.MemStats
		runtime.ReadMemStats(&base)

		var peakHeap atomic.Uint64
		var tempSeen atomic.Int64
		stop := make(chan struct{})
		var sampler sync.WaitGroup
		sampler.Go(func() {
			var m runtime.MemStats
			for {
				select {
				case <-stop:
					return
				case <-time.After(5 * time.Millisecond):
				}
				runtime.ReadMemStats(&m)
				if m.HeapInuse > peakHeap.Load() {
					peakHeap.Store(m.HeapInuse)
				}
				if ents, _ := os.ReadDir(tmp); len(ents) > int(tempSeen.Load()) {
					tempSeen.Store(int64(len(ents)))
				}
			}
		})

		type shot struct {
			name, path, ctype, cookie string
			status                    int
		}
		var shots []shot
		for i := range 4 {
			shots = append(shots,
				shot{fmt.Sprintf("URL-encoded sign-in %d", i), "/login", "application/x-www-form-urlencoded", "", 413},
				shot{fmt.Sprintf("multipart sign-in %d", i), "/login", "multipart/form-data; boundary=zz", "", 415})
		}
		for i := range 2 {
			shots = append(shots, shot{fmt.Sprintf("upload %d", i), "/i/ACME/admin/import", "multipart/form-data; boundary=zz", cookie, 422})
		}
		answers := make([]rawAnswer, len(shots))
		var wg sync.WaitGroup
		for i, s := range shots {
			prefix := "email=a&password="
			if s.status != 413 {
				prefix = filePart
			}
			wg.Go(func() { answers[i] = rawRequest(addr, "POST", s.path, s.ctype, prefix, 50<<20, true, s.cookie) })
		}
		wg.Wait()
		close(stop)
		sampler.Wait()

		for i, s := range shots {
			a := answers[i]
			switch {
			case a.Err != nil:
				t.Errorf("%s: %v", s.name, a.Err)
			case a.Status != s.status:
				t.Errorf("%s: status %d, want %d; body %s", s.name, a.Status, s.status, excerpt(a.Body))
			case a.Took > 10*time.Second:
				t.Errorf("%s: answered after %v", s.name, a.Took)
			case a.Written > 14<<20 || s.status != 422 && a.Written > 8<<20:
				t.Errorf("%s: the client wrote %d MB before the answer", s.name, a.Written>>20)
			}
		}
		growth := int64(peakHeap.Load()) - int64(base.HeapInuse)
		t.Logf("%s: heap in use %d MB before, peak %d MB during (+%d MB); slowest answer %v",
			db.Name, base.HeapInuse>>20, peakHeap.Load()>>20, growth>>20, slowest(answers))
		if growth > 96<<20 {
			t.Errorf("the heap grew by %d MB during ten 50 MB bodies, want at most 96 MB", growth>>20)
		}
		if n := tempSeen.Load(); n > 0 {
			t.Errorf("%d temporary files appeared", n)
		}
		if ents, _ := os.ReadDir(tmp); len(ents) > 0 {
			t.Errorf("temporary files left: %v", ents)
		}
	})
}

func slowest(as []rawAnswer) time.Duration {
	var d time.Duration
	for _, a := range as {
		d = max(d, a.Took)
	}
	return d
}
