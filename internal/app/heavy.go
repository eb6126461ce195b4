package app

import (
	"fmt"
	"sync"
	"time"
)

// Heavy work: downloads that build a whole document (the activity log as
// XLSX or PDF, an import's results) and imports (reading an upload,
// running it). One such request costs tens of megabytes and seconds of
// CPU where a page costs kilobytes and milliseconds, so they run under two
// bounds: a number per account (one person cannot take every slot) and a
// number per process (memory stays within the bound × one export's peak
// whatever the number of parallel downloads, and pages keep their CPU).
// Beyond either, the request is refused at once with TooMany and a
// Retry-After, rather than queued: a queued download would hold its
// connection and its place in the server's admission bound while waiting.
const (
	// DefaultHeavyPerMember is how many heavy requests one account may run at once.
	DefaultHeavyPerMember = 2
	// DefaultHeavyTotal is how many heavy requests the process runs at once.
	DefaultHeavyTotal = 4
)

// heavyGate counts the heavy requests running.
type heavyGate struct {
	perMember, total int // ≤ 0: no bound

	mu      sync.Mutex
	running int
	by      map[int64]int // account id → running
	avg     time.Duration // moving average of a run, for Retry-After
	hold    func()        // tests: runs inside each slot before the work
}

func newHeavyGate(perMember, total int) *heavyGate {
	if perMember == 0 {
		perMember = DefaultHeavyPerMember
	}
	if total == 0 {
		total = DefaultHeavyTotal
	}
	return &heavyGate{perMember: perMember, total: total, by: map[int64]int{}, avg: 5 * time.Second}
}

// HeavyLimits reports the bounds in force: per account and per process
// (≤ 0: none).
func (a *App) HeavyLimits() (perMember, total int) { return a.heavy.perMember, a.heavy.total }

// Heavy runs fn, heavy work of the actor, within the bounds. Beyond
// either it returns a TooMany refusal without running fn, saying which
// bound was met and, in RetryAfter, how long a run takes about.
func (a *App) Heavy(actor *Actor, fn func() error) error {
	g := a.heavy
	key := actor.Account.ID
	g.mu.Lock()
	switch {
	case g.perMember > 0 && g.by[key] >= g.perMember:
		wait := g.retryAfter()
		g.mu.Unlock()
		return &Error{Kind: TooMany, RetryAfter: wait, Msg: fmt.Sprintf(
			"You already have %d downloads or imports running, the most one person may run at once. "+
				"Wait for one to finish, then try again (in about %s).", g.by[key], seconds(wait))}
	case g.total > 0 && g.running >= g.total:
		wait := g.retryAfter()
		g.mu.Unlock()
		return &Error{Kind: TooMany, RetryAfter: wait, Msg: fmt.Sprintf(
			"The server is busy with other downloads and imports (%d at once, the most it runs together). "+
				"Try again in about %s.", g.total, seconds(wait))}
	}
	g.running++
	g.by[key]++
	hold := g.hold
	g.mu.Unlock()

	start := time.Now()
	defer func() {
		took := time.Since(start)
		g.mu.Lock()
		g.running--
		if g.by[key]--; g.by[key] <= 0 {
			delete(g.by, key)
		}
		g.avg += (took - g.avg) / 4
		g.mu.Unlock()
	}()
	if hold != nil {
		hold()
	}
	return fn()
}

// retryAfter is the typical run, in whole seconds from 1 s to a minute.
// Called with mu held.
func (g *heavyGate) retryAfter() time.Duration {
	return min(max(g.avg.Round(time.Second), time.Second), time.Minute)
}

func seconds(d time.Duration) string {
	if n := int(d / time.Second); n != 1 {
		return fmt.Sprintf("%d seconds", n)
	}
	return "1 second"
}

// HoldHeavy makes every heavy request call hold inside its slot before its
// work starts, so a test can keep slots taken while it sends more. Tests
// only; nil removes it.
func (a *App) HoldHeavy(hold func()) {
	a.heavy.mu.Lock()
	a.heavy.hold = hold
	a.heavy.mu.Unlock()
}
