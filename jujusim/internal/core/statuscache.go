package core

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gojuju/juju/internal/facades"
)

// Tests and waits poll Client.FullStatus, and a settled model's status does
// not change between polls: the encoded reply of the last poll of each
// model is kept, and served again (with the controller-timestamp of the new
// poll) while nothing in the controller can have changed.
//
// "Nothing can have changed" is the state generation, stateMutex.gen: it
// moves whenever the controller lock is released by anything but a
// read-only call (facades.Mutating), whenever a scheduled step runs (agents
// settling, timers) and whenever a model notifies its watchers. A poll with
// the same params at the same generation is answered from the cache.
//
// In test binaries (those with the testing package's -test.v flag; the
// package itself stays out of what users link) the first reply served from a cached
// encoding, and every eighth after it, is checked against a freshly built
// one, and a difference panics: a change of state that does not move the
// generation is a defect that tests polling after it find, while most
// polls of a settled model in tests still come from the cache.

// stateMutex is the controller lock; gen counts the releases after which
// the state may have changed.
type stateMutex struct {
	sync.Mutex
	gen uint64
}

// Unlock releases the lock after a possible change of state.
func (m *stateMutex) Unlock() {
	m.gen++
	m.Mutex.Unlock()
}

// unlockRead releases the lock after a read that changed nothing.
func (m *stateMutex) unlockRead() { m.Mutex.Unlock() }

// useStatusCache and checkStatusCache say whether FullStatus replies are
// served from the cache, and whether some served from it are compared with
// fresh ones (see above).
var (
	useStatusCache   = true
	checkStatusCache = sync.OnceValue(func() bool { return flag.Lookup("test.v") != nil })
)

// SetStatusCache says whether FullStatus replies are served from the cache
// when nothing changed (true by default) and whether some served from it
// are checked against freshly built ones (by default only in test
// binaries), for benchmarks. Not safe to call while controllers serve.
func SetStatusCache(use, check bool) {
	useStatusCache, checkStatusCache = use, func() bool { return check }
}

// statusCache is a model's last encoded FullStatus reply.
type statusCache struct {
	mu    sync.Mutex
	gen   uint64
	key   string // the call's params
	body  []byte // written over only if never served (hits 0): replies being sent share it
	tsOff int    // the controller-timestamp value: body[tsOff:tsEnd]
	tsEnd int
	hits  int // replies served from body

	skipped bool // the last reply was not kept (see statusReply)

	size atomic.Int64 // the length of the last reply encoded
}

// statusReply is a FullStatus result built by the handler; AppendResult
// encodes it and keeps the encoding in the model's cache.
type statusReply struct {
	v    any // facades.FullStatus or facades.FullStatusJuju36
	slot *statusCache
	gen  uint64
	key  string
}

// MarshalJSON encodes the reply as AppendResult does.
func (r *statusReply) MarshalJSON() ([]byte, error) { return marshalResult(r) }

// cachedStatus is a FullStatus reply served from the cache.
type cachedStatus struct {
	body         []byte
	tsOff, tsEnd int
	ts           time.Time
}

// MarshalJSON encodes the reply as AppendResult does.
func (r *cachedStatus) MarshalJSON() ([]byte, error) { return marshalResult(r) }

func marshalResult(v any) ([]byte, error) {
	b, _, err := AppendResult(nil, v)
	return b, err
}

// ResultSize is about the size AppendResult encodes v to, when it is a
// FullStatus reply of a model polled before (0 when it cannot tell), so
// that the transport can take a buffer that size.
func ResultSize(v any) int {
	switch r := v.(type) {
	case *statusReply:
		return int(r.slot.size.Load())
	case *cachedStatus:
		return len(r.body)
	}
	return 0
}

// statusReply encodes r and stores the encoding in its cache slot
// unless a newer one is there.
func (e *jsonAppender) statusReply(r *statusReply) {
	// Room for a reply of the last one's size, at once rather than by
	// doubling (megabytes for a large model).
	if n := int(r.slot.size.Load()); cap(e.b)-len(e.b) < n {
		e.b = slices.Grow(e.b, n+n/8)
	}
	start := len(e.b)
	switch v := r.v.(type) {
	case facades.FullStatus:
		e.fullStatus(&v)
	case facades.FullStatusJuju36:
		e.fullStatus36(&v)
	default:
		e.marshal(v)
		return
	}
	if e.err != nil || e.tsEnd == 0 {
		return
	}
	r.slot.size.Store(int64(len(e.b) - start))
	if !useStatusCache {
		return
	}
	s := r.slot
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.body != nil && r.gen < s.gen {
		return // a newer one is there
	}
	if s.body != nil && s.hits == 0 && !s.skipped {
		// The last one kept was never served: while the model keeps
		// changing, keep only every other reply (a copy of megabytes).
		s.skipped = true
		return
	}
	s.skipped = false
	// A body never served is read by no reply: its array takes the new
	// one (a copy into memory in use rather than megabytes allocated).
	body := s.body[:0]
	if s.hits > 0 {
		body = nil
	}
	s.gen, s.key, s.body = r.gen, r.key, append(body, e.b[start:]...)
	s.tsOff, s.tsEnd, s.hits = e.tsOff-start, e.tsEnd-start, 0
}

// cachedStatus appends a reply from the cache with its own timestamp.
func (e *jsonAppender) cachedStatus(r *cachedStatus) {
	e.b = append(e.b, r.body[:r.tsOff]...)
	e.time(&r.ts)
	e.b = append(e.b, r.body[r.tsEnd:]...)
}

// equal says whether r encodes to b, without encoding it.
func (r *cachedStatus) equal(b []byte) bool {
	var ts jsonAppender
	ts.time(&r.ts)
	head, tail := r.body[:r.tsOff], r.body[r.tsEnd:]
	return len(b) == len(head)+len(ts.b)+len(tail) && bytes.HasPrefix(b, head) && bytes.HasSuffix(b, tail) &&
		bytes.Equal(b[len(head):len(head)+len(ts.b)], ts.b)
}

// fullStatusCall serves Client.FullStatus (called with the lock held):
// from the model's cache when nothing changed since the reply kept there,
// else from the handler, as a statusReply that fills the cache.
func (c *Controller) fullStatusCall(h dispatchEntry, cx *callCtx, params []byte) (any, error) {
	if err := cx.check("read"); err != nil {
		return nil, err
	}
	m := cx.m
	if m.statusCache == nil {
		m.statusCache = &statusCache{}
	}
	slot, gen := m.statusCache, c.mu.gen
	slot.mu.Lock()
	hit := useStatusCache && slot.body != nil && slot.gen == gen && slot.key == string(params)
	cached := &cachedStatus{body: slot.body, tsOff: slot.tsOff, tsEnd: slot.tsEnd}
	check := false
	if hit {
		slot.hits++
		check = slot.hits%8 == 1 && checkStatusCache()
	}
	slot.mu.Unlock()
	if hit && !check {
		cached.ts = c.now()
		return cached, nil
	}
	res, err := h.call(served, cx, params)
	if err != nil {
		return nil, err
	}
	if hit {
		// Test binaries: the cached reply must be the fresh one.
		switch fs := res.(type) {
		case facades.FullStatus:
			cached.ts = *fs.ControllerTimestamp
		case facades.FullStatusJuju36:
			cached.ts = *fs.ControllerTimestamp
		}
		fresh, _, err := AppendResult(make([]byte, 0, len(cached.body)+64), res)
		if err == nil && !cached.equal(fresh) {
			got, _, _ := AppendResult(nil, cached)
			panic(fmt.Sprintf("jujusim: the FullStatus reply cache served a stale status (a change of state did not move the state generation):\ncached: %s\n fresh: %s", got, fresh))
		}
		return cached, nil
	}
	return &statusReply{v: res, slot: slot, gen: gen, key: string(params)}, nil
}

var _ json.Marshaler = (*statusReply)(nil)
