package testkit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

// browserTimeout bounds one test's work in the browser. It is generous
// because CI machines are slow and a full-page screenshot takes a while;
// a hung page still fails the test well before `go test -timeout`.
const browserTimeout = 60 * time.Second

// chromiumPath is the browser the tests drive: Debian's Chromium unless
// YARDSTICK_TEST_CHROMIUM names another.
func chromiumPath() string {
	if p := os.Getenv("YARDSTICK_TEST_CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

// Browser returns the context of a new tab for this test, for chromedp.Run
// and chromedp.Do, and closes the tab when the test ends. Under Main the
// tab is in a new browser context (as a new incognito profile: no cookie,
// cache or storage of another test) of one Chromium the package's tests
// share, since starting Chromium took 1.5–3 s a test; elsewhere the test
// starts and stops a Chromium of its own. A missing Chromium fails the
// test: the suite never skips.
func Browser(t testing.TB) context.Context {
	t.Helper()
	return BrowserWithin(t, browserTimeout)
}

// BrowserWithin is Browser for a test whose work in the browser grows
// with the product (every page, in turn): budget bounds it instead of
// browserTimeout.
func BrowserWithin(t testing.TB, budget time.Duration) context.Context {
	t.Helper()
	path := chromiumPath()
	if _, err := exec.LookPath(path); err != nil {
		// Never skipped: a browser journey that did not run is a gap, in CI
		// and on a laptop alike. make test installs Debian's chromium.
		t.Fatalf("Chromium is not available at %s (%v): run the tests through `make test`, which installs it, or set YARDSTICK_TEST_CHROMIUM", path, err)
	}
	var tabCtx context.Context
	if reuse.on {
		shared.once.Do(startShared)
		if shared.err != nil {
			t.Fatal(shared.err)
		}
		shared.mu.Lock()
		shared.logs[t] = t.Logf
		shared.mu.Unlock()
		t.Cleanup(func() {
			shared.mu.Lock()
			delete(shared.logs, t)
			shared.mu.Unlock()
		})
		ctx, closeTab, err := sharedTab(shared.height)
		if err != nil {
			t.Fatalf("open a tab in Chromium: %v", err)
		}
		t.Cleanup(closeTab)
		tabCtx = ctx
	} else {
		// The profile directory is made before the cleanup below is
		// registered, so it is removed only after Chromium has exited.
		ctx, stop, err := startChromium(path, t.TempDir(), t.Logf)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(stop)
		tabCtx = ctx
	}
	ctx, cancel := context.WithTimeout(tabCtx, budget)
	t.Cleanup(cancel)
	return ctx
}

// shared is the Chromium of a package's tests under Main, started by the
// first test that needs it and stopped by Main.
var shared struct {
	once   sync.Once
	ctx    context.Context // of the browser's first tab
	stop   func()
	err    error
	height int64 // of a test's window, for the viewport of a Chromium of its own

	mu   sync.Mutex
	logs map[testing.TB]func(string, ...any) // the tests with a tab open
}

// startShared starts the shared Chromium and works out the height of the
// tests' windows. A test's tab is in a window of its own, as the first tab
// of a Chromium of its own is, but a window opened later has less browser
// around the page: its height is chosen so that the page gets the same
// viewport (1280 × 757 CSS px at a window size of 1280 × 900).
func startShared() {
	shared.ctx, shared.stop, shared.err = startChromium(chromiumPath(), "", sharedLogf)
	if shared.err != nil {
		return
	}
	viewport := func(ctx context.Context) (int64, error) {
		return chromedp.Run(ctx, chromedp.Evaluate[int64](`window.innerHeight`))
	}
	want, err := viewport(shared.ctx)
	if err != nil {
		shared.err = fmt.Errorf("the first tab of Chromium: %w", err)
		return
	}
	const height = 900 // chromedp.WindowSize's
	probe, closeProbe, err := sharedTab(height)
	if err != nil {
		shared.err = fmt.Errorf("open a tab in Chromium: %w", err)
		return
	}
	defer closeProbe()
	got, err := viewport(probe)
	if err != nil {
		shared.err = fmt.Errorf("a second tab of Chromium: %w", err)
		return
	}
	shared.height = height - (got - want)
}

// sharedTab opens a tab in a new window of a new browser context of the
// shared Chromium, not focused (a Chromium's first window is not either),
// and returns its context and a function that closes it.
func sharedTab(height int64) (context.Context, func(), error) {
	bc, err := chromedp.CallBrowser(shared.ctx, target.CreateBrowserContext, target.CreateBrowserContextParams{})
	if err != nil {
		return nil, nil, err
	}
	dispose := func() {
		ctx, cancel := context.WithTimeout(shared.ctx, 10*time.Second)
		defer cancel()
		chromedp.CallBrowser(ctx, target.DisposeBrowserContext, target.DisposeBrowserContextParams(bc))
	}
	yes, no := true, false
	tab, err := chromedp.CallBrowser(shared.ctx, target.CreateTarget, target.CreateTargetParams{URL: "about:blank",
		BrowserContextID: bc.BrowserContextID, NewWindow: &yes, Focus: &no, Width: 1280, Height: height})
	if err != nil {
		dispose()
		return nil, nil, err
	}
	ctx, cancel := chromedp.NewContext(shared.ctx, chromedp.WithTargetID(tab.TargetID))
	closeTab := func() {
		cancel() // closes the tab and waits until it is gone
		dispose()
	}
	if err := chromedp.Do(ctx); err != nil {
		closeTab()
		return nil, nil, err
	}
	return ctx, closeTab, nil
}

// sharedLogf passes what chromedp reports about the shared browser to the
// logs of the tests using it.
func sharedLogf(format string, args ...any) {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	for _, logf := range shared.logs {
		logf(format, args...)
	}
}

// stopSharedBrowser stops the shared Chromium, if a test started it.
func stopSharedBrowser() {
	if shared.stop != nil {
		shared.stop()
	}
}

// startChromium starts a headless Chromium with its profile in dir (a
// temporary directory of its own when dir is "") and returns the context
// of its first tab and a function that stops it and waits for the process.
func startChromium(path, dir string, logf func(string, ...any)) (context.Context, func(), error) {
	var cleanups []func()
	stop := func() {
		for i := len(cleanups) - 1; i >= 0; i-- {
			cleanups[i]()
		}
	}
	if dir == "" {
		d, err := os.MkdirTemp("", "yardstick-chromium-")
		if err != nil {
			return nil, nil, err
		}
		dir = d
		cleanups = append(cleanups, func() { os.RemoveAll(d) })
	}
	var out lockedBuffer
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox, // the tests run as root in containers, where the sandbox cannot start
		chromedp.DisableGPU,
		chromedp.Flag("disable-dev-shm-usage", true), // /dev/shm is tiny in containers
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		// Nothing but the server under test may be contacted, so that tests
		// do not depend on (or wait for) the network.
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.UserDataDir(dir),
		chromedp.WindowSize(1280, 900),
		chromedp.CombinedOutput(&out),
	)
	// Cancelling the allocator kills Chromium if it still runs and waits
	// for the process, so no browser outlives its user.
	cleanups = append(cleanups, cancelAlloc)
	tabCtx, cancelTab := chromedp.NewContext(allocCtx, chromedp.WithLogf(logf), chromedp.WithErrorf(logf))
	cleanups = append(cleanups, cancelTab)

	// The first Run starts the browser, and the browser lives as long as
	// the context of that call, so it must not carry a test's timeout
	// (chromedp documents this). Starting here also reports a broken
	// Chromium as such, rather than as the first step of a test failing.
	if err := chromedp.Do(tabCtx); err != nil {
		stop()
		return nil, nil, fmt.Errorf("start Chromium %s: %v\n%s", path, err, out.String())
	}
	return tabCtx, stop, nil
}

// Screenshot saves a full-page PNG of the tab as a test artifact, in
// $YARDSTICK_TEST_ARTIFACTS (default test-artifacts/ at the module root),
// named after the test and name.
func Screenshot(t testing.TB, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // quality 100 means PNG
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	dir := ArtifactsDir(t)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	file := filepath.Join(dir, sanitize(t.Name())+"-"+sanitize(name)+".png")
	if err := os.WriteFile(file, png, 0o644); err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	t.Logf("screenshot %s: %s", name, file)
}

// Text returns the visible text of the first element matching the CSS
// selector, waiting for it to appear; it fails the test if it does not.
func Text(t testing.TB, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

// ArtifactsDir is where tests keep files for people to look at after the
// run: $YARDSTICK_TEST_ARTIFACTS, or test-artifacts/ at the module root
// (the directory `make test` uses and .gitignore ignores).
func ArtifactsDir(t testing.TB) string {
	t.Helper()
	if d := os.Getenv("YARDSTICK_TEST_ARTIFACTS"); d != "" {
		return d
	}
	root, err := moduleRoot()
	if err != nil {
		t.Fatalf("artifacts directory: %v", err)
	}
	return filepath.Join(root, "test-artifacts")
}

// moduleRoot walks up from the working directory (the package directory
// under go test) to the directory holding go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// sanitize makes a test name (which holds "/" for subtests, and whatever
// a table test chose) safe as a file name.
func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			return r
		}
		return '_'
	}, s)
}

// lockedBuffer collects Chromium's output, which chromedp writes from its
// own goroutine, for the message when the browser does not start.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
