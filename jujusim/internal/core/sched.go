package core

import (
	"container/heap"
	"sync"
	"time"
)

// scheduler runs simulated agent steps at simulated times. All its methods
// except fire must be called with the controller lock held; the steps run
// with the lock held. Steps due at the same time run in the order they were
// scheduled, so a FakeClock gives a deterministic simulation.
type scheduler struct {
	mu    *stateMutex // the controller lock
	clock Clock

	q      eventHeap
	seq    uint64
	timer  Timer
	token  uint64
	at     time.Time
	closed bool
	wg     sync.WaitGroup

	// running is set while runDue runs steps; now is its instant. A step
	// scheduled then with no delay is due at that instant, not at the
	// (real) clock's reading a few nanoseconds later, so that a chain of
	// instantaneous steps finishes within one kick (Instant timing
	// promises a deploy returns with the model settled).
	running bool
	now     time.Time
}

type event struct {
	at        time.Time
	seq       uint64
	fn        func()
	cancelled bool
	idx       int
}

// cancel stops the event from running. Safe on nil.
func (e *event) cancel() {
	if e != nil {
		e.cancelled = true
	}
}

type eventHeap []*event

func (h eventHeap) Len() int { return len(h) }
func (h eventHeap) Less(i, j int) bool {
	if !h[i].at.Equal(h[j].at) {
		return h[i].at.Before(h[j].at)
	}
	return h[i].seq < h[j].seq
}
func (h eventHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].idx = i
	h[j].idx = j
}
func (h *eventHeap) Push(x any) {
	e := x.(*event)
	e.idx = len(*h)
	*h = append(*h, e)
}
func (h *eventHeap) Pop() any {
	old := *h
	n := len(old)
	e := old[n-1]
	old[n-1] = nil
	*h = old[:n-1]
	return e
}

func newScheduler(mu *stateMutex, clock Clock) *scheduler {
	return &scheduler{mu: mu, clock: clock}
}

// after schedules fn to run d from now (d <= 0: at the next kick).
func (s *scheduler) after(d time.Duration, fn func()) *event {
	if d < 0 {
		d = 0
	}
	s.seq++
	at := s.clock.Now().Add(d)
	if d == 0 && s.running {
		at = s.now
	}
	e := &event{at: at, seq: s.seq, fn: fn}
	heap.Push(&s.q, e)
	return e
}

// kick runs every step that is due and arms the clock for the next one.
func (s *scheduler) kick() {
	if s.closed {
		return
	}
	s.runDue()
	s.rearm()
}

// maxStepsPerRun bounds how many steps one kick runs, so that a step that
// keeps rescheduling itself at the same instant cannot hold the controller
// lock forever; the rest runs at the next kick.
const maxStepsPerRun = 5_000_000

func (s *scheduler) runDue() {
	now := s.clock.Now()
	s.running, s.now = true, now
	defer func() { s.running = false }()
	for n := 0; s.q.Len() > 0 && !s.closed && n < maxStepsPerRun; n++ {
		e := s.q[0]
		if e.at.After(now) {
			return
		}
		heap.Pop(&s.q)
		if e.cancelled {
			continue
		}
		e.cancelled = true
		e.fn()
		s.mu.gen++ // a step changes state (statuscache.go)
	}
}

func (s *scheduler) rearm() {
	// Drop cancelled events at the head so that they do not keep timers.
	for s.q.Len() > 0 && s.q[0].cancelled {
		heap.Pop(&s.q)
	}
	if s.closed || s.q.Len() == 0 {
		s.stopTimer()
		return
	}
	next := s.q[0].at
	if s.timer != nil && s.at.Equal(next) {
		return
	}
	s.stopTimer()
	d := next.Sub(s.clock.Now())
	if d < 0 {
		d = 0
	}
	s.token++
	tok := s.token
	s.at = next
	s.wg.Add(1)
	s.timer = s.clock.AfterFunc(d, func() { s.fire(tok) })
}

func (s *scheduler) stopTimer() {
	if s.timer != nil {
		if s.timer.Stop() {
			s.wg.Done()
		}
		s.timer = nil
	}
}

func (s *scheduler) fire(tok uint64) {
	defer s.wg.Done()
	s.mu.Lock()
	defer s.mu.Unlock()
	if tok == s.token {
		s.timer = nil
	}
	s.kick()
}

// close stops the scheduler. It must be called WITHOUT the controller lock;
// it returns after any running timer callback has finished.
func (s *scheduler) close() {
	s.mu.Lock()
	s.closed = true
	s.stopTimer()
	s.q = nil
	s.mu.Unlock()
	s.wg.Wait()
}
