package testkit

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

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

// Browser starts a headless Chromium for this test and returns the context
// of its one tab, for chromedp.Run and chromedp.Do. The browser is closed
// and its process waited for when the test ends. A missing Chromium fails
// the test: the suite never skips.
func Browser(t testing.TB) context.Context {
	t.Helper()
	path := chromiumPath()
	if _, err := exec.LookPath(path); err != nil {
		// Never skipped: a browser journey that did not run is a gap, in CI
		// and on a laptop alike. make test installs Debian's chromium.
		t.Fatalf("Chromium is not available at %s (%v): run the tests through `make test`, which installs it, or set YARDSTICK_TEST_CHROMIUM", path, err)
	}

	// The profile directory is made before the cleanups below are
	// registered, so it is removed only after Chromium has exited.
	profile := t.TempDir()
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
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 900),
		chromedp.CombinedOutput(&out),
	)
	// Cancelling the allocator kills Chromium if it still runs and waits
	// for the process, so no browser outlives the test.
	t.Cleanup(cancelAlloc)
	tabCtx, cancelTab := chromedp.NewContext(allocCtx, chromedp.WithLogf(t.Logf), chromedp.WithErrorf(t.Logf))
	t.Cleanup(cancelTab)

	// The first Run starts the browser, and the browser lives as long as
	// the context of that call, so it must not carry the per-test timeout
	// (chromedp documents this). Starting here also reports a broken
	// Chromium as such, rather than as the first step of the test failing.
	if err := chromedp.Do(tabCtx); err != nil {
		t.Fatalf("start Chromium %s: %v\n%s", path, err, out.String())
	}
	ctx, cancel := context.WithTimeout(tabCtx, browserTimeout)
	t.Cleanup(cancel)
	return ctx
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
