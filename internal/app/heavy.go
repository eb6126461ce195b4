package app

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"time"
)

// Heavy work: downloads that build a whole document (the activity log as
// XLSX or PDF, an import's results) and imports (reading an upload,
// running it). One costs tens of megabytes and a processor for a second
// where a page costs kilobytes and a millisecond, so heavy work is
// admitted within two bounds, a number per account (one person cannot
// take every place) and a number per process, and the admitted run a few
// at a time, in arrival order: at most half the processors (at least
// one), so pages always find a free processor, and memory stays within the
// running bound × one export's peak however many downloads are asked for.
// Beyond either admission bound the request is refused at once with
// TooMany and a Retry-After rather than queued, since a waiting download
// holds its connection and a place in the server's in-flight bound.
const (
	// DefaultHeavyPerMember is how many heavy requests one account may
	// have admitted (running or waiting) at once.
	DefaultHeavyPerMember = 2
	// DefaultHeavyTotal is how many heavy requests the process admits.
	DefaultHeavyTotal = 4
	// heavyMaxWait is the longest an admitted request waits for its turn
	// before it is refused after all (a run slot held by a long import).
	heavyMaxWait = 30 * time.Second
)

// DefaultHeavyRunning is how many admitted heavy requests run at once:
// half the processors Go uses, at least one.
func DefaultHeavyRunning() int { return max(1, runtime.GOMAXPROCS(0)/2) }

// heavyGate admits and runs heavy requests.
type heavyGate struct {
	perMember, total, running int           // ≤ 0 (perMember, total): no bound
	turn                      chan struct{} // a token per running request

	mu       sync.Mutex
	admitted int
	by       map[int64]int // account id → admitted
	avg      time.Duration // moving average of a run, for Retry-After
	hold     func()        // tests: runs first in each turn
}

func newHeavyGate(perMember, total, running int) *heavyGate {
	if perMember == 0 {
		perMember = DefaultHeavyPerMember
	}
	if total == 0 {
		total = DefaultHeavyTotal
	}
	if running <= 0 {
		running = DefaultHeavyRunning()
	}
	return &heavyGate{perMember: perMember, total: total, running: running, turn: make(chan struct{}, running),
		by: map[int64]int{}, avg: 2 * time.Second}
}

// HeavyLimits reports the bounds in force: admitted per account and per
// process (≤ 0: none), and running at once.
func (a *App) HeavyLimits() (perMember, total, running int) {
	return a.heavy.perMember, a.heavy.total, a.heavy.running
}

// HeavyLoad reports the heavy requests admitted and, of them, running.
func (a *App) HeavyLoad() (admitted, running int) {
	a.heavy.mu.Lock()
	defer a.heavy.mu.Unlock()
	return a.heavy.admitted, len(a.heavy.turn)
}

// Heavy runs fn, heavy work of the actor, within the bounds: it is
// admitted or refused at once, and then waits for its turn. A refusal is
// TooMany, saying which bound was met, with RetryAfter about one run.
func (a *App) Heavy(ctx context.Context, actor *Actor, fn func() error) error {
	g := a.heavy
	key := actor.Account.ID
	g.mu.Lock()
	switch {
	case g.perMember > 0 && g.by[key] >= g.perMember:
		n, wait := g.by[key], g.retryAfter()
		g.mu.Unlock()
		return &Error{Kind: TooMany, RetryAfter: wait, Msg: fmt.Sprintf(
			"You already have %d downloads or imports under way, the most one person may have at once. "+
				"Wait for one to finish, then try again (in about %s).", n, seconds(wait))}
	case g.total > 0 && g.admitted >= g.total:
		wait := g.retryAfter()
		g.mu.Unlock()
		return g.busy(wait)
	}
	g.admitted++
	g.by[key]++
	g.mu.Unlock()
	defer func() {
		g.mu.Lock()
		g.admitted--
		if g.by[key]--; g.by[key] <= 0 {
			delete(g.by, key)
		}
		g.mu.Unlock()
	}()

	timer := time.NewTimer(heavyMaxWait)
	defer timer.Stop()
	select {
	case g.turn <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		g.mu.Lock()
		wait := g.retryAfter()
		g.mu.Unlock()
		return g.busy(wait)
	}
	start := time.Now()
	defer func() {
		<-g.turn
		g.mu.Lock()
		g.avg += (time.Since(start) - g.avg) / 4
		g.mu.Unlock()
	}()
	g.mu.Lock()
	hold := g.hold
	g.mu.Unlock()
	if hold != nil {
		hold()
	}
	return fn()
}

func (g *heavyGate) busy(wait time.Duration) error {
	return &Error{Kind: TooMany, RetryAfter: wait, Msg: fmt.Sprintf(
		"The server is busy with other downloads and imports (%d under way, the most it takes at once). "+
			"Try again in about %s.", g.total, seconds(wait))}
}

// retryAfter is about one run, in whole seconds from 1 s to a minute.
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

// HoldHeavy makes every heavy request call hold first thing in its turn,
// so a test can keep turns taken while it sends more. Tests only; nil
// removes it.
func (a *App) HoldHeavy(hold func()) {
	a.heavy.mu.Lock()
	a.heavy.hold = hold
	a.heavy.mu.Unlock()
}
