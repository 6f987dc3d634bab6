package jujusim

import (
	"fmt"
	"sync"
	"time"

	"github.com/gojuju/juju/jujusim/internal/core"
)

// faults holds the fault injection settings of a Server.
type faults struct {
	mu           sync.Mutex
	latency      time.Duration
	dropAfter    int // frames after which the next API connection drops; -1 = none
	dropIn       int // frames (over all API connections) after which the carrying one drops; -1 = none
	refuseLogins bool
	stalls       map[methodKey]*stall
	fails        map[methodKey]*failure
}

type methodKey struct{ facade, method string }

type stall struct {
	refs     int
	released chan struct{}
}

type failure struct {
	code string
	n    int
}

func (f *faults) init() {
	f.dropAfter = -1
	f.dropIn = -1
	f.stalls = make(map[methodKey]*stall)
	f.fails = make(map[methodKey]*failure)
}

// DropConnections closes every open websocket connection (RPC and
// debug-log) at once, without a close handshake, as a network failure
// would. The listener stays open, so clients can reconnect immediately.
// It returns the number of connections dropped.
func (s *Server) DropConnections() int {
	s.mu.Lock()
	g := s.gen
	s.mu.Unlock()
	n := g.dropAll()
	s.logger.Info("jujusim dropped connections", "count", n)
	return n
}

// DropAfterFrames arranges for the next RPC connection (to /api or
// /model/<uuid>/api) to be dropped abruptly once exactly n websocket
// frames have passed on it, counting frames in both directions: n=2 lets
// the login request and its reply through and drops the connection after
// them; n=3 lets the next request through, runs it to the end and drops
// the connection instead of sending its reply. n=0 drops it as soon as
// the websocket handshake is done. A negative n cancels a pending drop.
func (s *Server) DropAfterFrames(n int) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	if n < 0 {
		n = -1
	}
	s.faults.dropAfter = n
}

// DropInFrames arranges for the RPC connection that carries the nth frame
// from now, counting the frames of every RPC connection in both
// directions, to be dropped abruptly right after that frame: a request
// frame is run to the end but its reply is not sent; a reply frame is
// sent. n=1 drops the connection of the next frame. A value < 1 cancels a
// pending drop. It is how a fault lands on a chosen frame of a sequence
// of calls, whichever connection they use.
func (s *Server) DropInFrames(n int) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	if n < 1 {
		n = -1
	}
	s.faults.dropIn = n
}

// passGlobalFrame charges one frame against the DropInFrames budget.
func (f *faults) passGlobalFrame() (pass, last bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case f.dropIn < 0:
		return true, false
	case f.dropIn == 0:
		return false, false // unreachable: reset below
	}
	f.dropIn--
	if f.dropIn == 0 {
		f.dropIn = -1
		return true, true
	}
	return true, false
}

// takeDropAfter returns and clears the pending frame budget (-1 if none).
func (f *faults) takeDropAfter() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := f.dropAfter
	f.dropAfter = -1
	return n
}

// SetLatency delays every reply frame on RPC connections by d (0 turns
// latency off). Replies are delayed independently, so concurrent calls
// still overlap as they would on a slow network.
func (s *Server) SetLatency(d time.Duration) {
	if d < 0 {
		d = 0
	}
	s.faults.mu.Lock()
	s.faults.latency = d
	s.faults.mu.Unlock()
}

func (f *faults) getLatency() time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.latency
}

// Stall makes calls of facade.method block before they run, until the
// returned release function is called or the caller's connection closes.
// An empty method stalls every method of the facade. Calls already
// blocked and calls made later are all held until every Stall for the
// same facade and method has been released. release is idempotent.
func (s *Server) Stall(facade, method string) (release func()) {
	k := methodKey{facade, method}
	s.faults.mu.Lock()
	st := s.faults.stalls[k]
	if st == nil {
		st = &stall{released: make(chan struct{})}
		s.faults.stalls[k] = st
	}
	st.refs++
	s.faults.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			s.faults.mu.Lock()
			defer s.faults.mu.Unlock()
			st.refs--
			if st.refs == 0 {
				close(st.released)
				if s.faults.stalls[k] == st {
					delete(s.faults.stalls, k)
				}
			}
		})
	}
}

// stallsFor returns the channels a call of facade.method must wait on.
func (f *faults) stallsFor(facade, method string) []chan struct{} {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.stalls) == 0 {
		return nil
	}
	var chans []chan struct{}
	if st := f.stalls[methodKey{facade, method}]; st != nil {
		chans = append(chans, st.released)
	}
	if st := f.stalls[methodKey{facade, ""}]; st != nil {
		chans = append(chans, st.released)
	}
	return chans
}

// FailMethod makes the next n calls of facade.method (an empty method
// matches every method of the facade) fail with the given Juju error code,
// such as "try again" or "not found", before they reach the controller.
// Admin.Login can be failed too. n <= 0 cancels pending failures.
func (s *Server) FailMethod(facade, method, code string, n int) {
	k := methodKey{facade, method}
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	if n <= 0 {
		delete(s.faults.fails, k)
		return
	}
	s.faults.fails[k] = &failure{code: code, n: n}
}

// takeFailure consumes one injected failure for facade.method, if any.
func (f *faults) takeFailure(facade, method string) *core.Error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.fails) == 0 {
		return nil
	}
	for _, k := range []methodKey{{facade, method}, {facade, ""}} {
		fl := f.fails[k]
		if fl == nil {
			continue
		}
		fl.n--
		if fl.n <= 0 {
			delete(f.fails, k)
		}
		return &core.Error{
			Code:    fl.code,
			Message: fmt.Sprintf("%s (injected by jujusim into %s.%s)", fl.code, facade, method),
		}
	}
	return nil
}

// RefuseLogins makes every Admin.Login fail with code "unauthorized
// access" (as for a wrong password) while refuse is true; HTTP endpoints
// refuse their Basic credentials the same way.
func (s *Server) RefuseLogins(refuse bool) {
	s.faults.mu.Lock()
	s.faults.refuseLogins = refuse
	s.faults.mu.Unlock()
}

func (f *faults) loginsRefused() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.refuseLogins
}
