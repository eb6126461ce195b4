package web

import (
	"container/list"
	"context"
	"sync"
	"time"
)

// admission bounds the requests in flight. A request beyond the bound
// waits in arrival order (first in, first out) for at most wait, then is
// refused. Without it, more concurrent requests than database connections
// are served in random order (database/sql hands a freed connection to a
// random waiter), so under overload some requests wait many times longer
// than the rest; with it, every admitted request meets at most limit-1
// others at the pool, and the queue's order is the order of arrival.
type admission struct {
	limit    int
	wait     time.Duration
	maxQueue int

	mu       sync.Mutex
	inflight int
	queue    list.List // of *waiter, oldest first
}

// waiter is one queued request. ready is closed when a finishing request
// hands its slot over; admitted says so under mu, for a waiter whose
// deadline passed at the same moment.
type waiter struct {
	ready    chan struct{}
	admitted bool
}

// newAdmission allows limit requests in flight; a queue longer than
// maxQueue refuses at once (a flood should not pile up goroutines that
// will only time out).
func newAdmission(limit int, wait time.Duration, maxQueue int) *admission {
	return &admission{limit: limit, wait: wait, maxQueue: maxQueue}
}

// acquire admits the request or queues it. It returns false when the wait
// ran out, the queue was full, or ctx ended first; on true the caller must
// call release when the request is done.
func (a *admission) acquire(ctx context.Context) bool {
	a.mu.Lock()
	if a.inflight < a.limit && a.queue.Len() == 0 {
		a.inflight++
		a.mu.Unlock()
		return true
	}
	if a.queue.Len() >= a.maxQueue {
		a.mu.Unlock()
		return false
	}
	w := &waiter{ready: make(chan struct{})}
	el := a.queue.PushBack(w)
	a.mu.Unlock()

	t := time.NewTimer(a.wait)
	defer t.Stop()
	select {
	case <-w.ready:
		return true
	case <-t.C:
	case <-ctx.Done():
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if w.admitted { // the slot arrived as the wait ended: take it
		return true
	}
	a.queue.Remove(el)
	return false
}

// release ends a request: its slot goes to the oldest waiter, if any.
func (a *admission) release() {
	a.mu.Lock()
	defer a.mu.Unlock()
	if el := a.queue.Front(); el != nil {
		w := a.queue.Remove(el).(*waiter)
		w.admitted = true
		close(w.ready)
		return
	}
	a.inflight--
}

// state reports requests in flight and waiting (tests, metrics).
func (a *admission) state() (inflight, queued int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.inflight, a.queue.Len()
}
