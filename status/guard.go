package status

import (
	"sync"
	"time"
)

// ChangeLog is what a Waiter's transient-state guard asks about the
// changes made through the client that waits: when did the controller last
// accept a change touching an application? A wait started right after a
// change must not pass on the state from before it.
//
// The root package's Model keeps one per model, fed by every mutating call
// its connection makes; ChangeRecorder is a ready-made implementation for
// a Waiter over a source of your own.
type ChangeLog interface {
	// LastChange returns when the controller accepted the last change made
	// through the client that touched application app, or, for app "",
	// the whole model (a change whose applications are not known): the
	// local time the reply arrived, with its monotonic clock reading. It
	// returns the zero time when there was none.
	LastChange(app string) time.Time
}

// ChangeRecorder is a ChangeLog filled by hand: call Record after each
// change the controller accepted. Its zero value is ready; it is safe for
// concurrent use.
type ChangeRecorder struct {
	mu        sync.Mutex
	last      map[string]time.Time     // application name, "" = model-wide
	estimates map[string]guardEstimate // the waits' estimates of last, by application
}

// Record notes that a change touching apps (none = the whole model) was
// just accepted by the controller.
func (r *ChangeRecorder) Record(apps ...string) {
	now := time.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.last == nil {
		r.last = make(map[string]time.Time)
	}
	if len(apps) == 0 {
		apps = []string{""}
	}
	for _, app := range apps {
		r.last[app] = now
	}
}

// LastChange implements ChangeLog.
func (r *ChangeRecorder) LastChange(app string) time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.last[app]
}

// estimate returns the controller-time estimate a wait made of the change
// to app at local, if any (see estimateStore).
func (r *ChangeRecorder) estimate(app string, local time.Time) (time.Time, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e, ok := r.estimates[app]
	if !ok || !e.local.Equal(local) {
		return time.Time{}, false
	}
	return e.server, true
}

// setEstimate keeps a wait's estimate of the change to app at local.
func (r *ChangeRecorder) setEstimate(app string, local, server time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.estimates == nil {
		r.estimates = make(map[string]guardEstimate)
	}
	r.estimates[app] = guardEstimate{local: local, server: server}
}

// estimateStore is implemented by ChangeRecorder: the estimates of its
// changes' controller times are kept with it, so that every wait on the
// same log (every Model.Wait on one model) uses the first one made, the
// most precise. With another ChangeLog, each Waiter keeps its own.
type estimateStore interface {
	estimate(app string, local time.Time) (time.Time, bool)
	setEstimate(app string, local, server time.Time)
}

// guardSlack is the margin by which a status may predate the estimated
// time of a change and still count as set by it (see guardEstimates.resolve).
// It bounds the error on an idle period measured from a change.
const guardSlack = 100 * time.Millisecond

// guardEstimates turns the local times of a ChangeLog into controller
// times, for one Waiter (kept with the log when it is a ChangeRecorder).
//
// A change's local time is turned into controller time once, with the
// first snapshot whose request left after the change:
// change ≈ controller-timestamp − (request sent − change noted) − slack,
// measured with the local monotonic clock, where slack (one round trip plus
// 100 ms) lets a status set by the change itself count as after it. The
// estimate is then fixed, so that a simulator's fake clock jumping ahead
// later does not move it.
type guardEstimates struct {
	fixed map[string]guardEstimate // application name, "" = model-wide
}

type guardEstimate struct {
	local  time.Time // the change's local time, as the log gave it
	server time.Time // the controller-time estimate
}

// lookup returns the estimate fixed for the change to app at local.
func (g *guardEstimates) lookup(log ChangeLog, app string, local time.Time) (time.Time, bool) {
	if st, ok := log.(estimateStore); ok {
		return st.estimate(app, local)
	}
	e, ok := g.fixed[app]
	if !ok || !e.local.Equal(local) {
		return time.Time{}, false
	}
	return e.server, true
}

// keep fixes the estimate of the change to app at local.
func (g *guardEstimates) keep(log ChangeLog, app string, local, server time.Time) {
	if st, ok := log.(estimateStore); ok {
		st.setEstimate(app, local, server)
		return
	}
	if g.fixed == nil {
		g.fixed = make(map[string]guardEstimate)
	}
	g.fixed[app] = guardEstimate{local: local, server: server}
}

// resolve asks log about the snapshot's applications and the whole model,
// and returns, per application ("" = model-wide), the controller time of
// the last change. A change made while s was being fetched counts as made
// at s's own time (and is estimated again with the next snapshot).
func (g *guardEstimates) resolve(log ChangeLog, s *Status) map[string]time.Time {
	if log == nil || s == nil {
		return nil
	}
	now := s.Now()
	if now.IsZero() {
		return nil
	}
	var out map[string]time.Time
	add := func(app string) {
		local := log.LastChange(app)
		if local.IsZero() {
			return
		}
		if out == nil {
			out = make(map[string]time.Time)
		}
		if server, ok := g.lookup(log, app, local); ok {
			out[app] = server
			return
		}
		if s.sent.IsZero() || local.After(s.sent) {
			out[app] = now
			return
		}
		// The change happened on the server before the reply that preceded
		// local; allow for one round trip (the fetch's, plus guardSlack) so
		// that a status the change itself set (a simulator at instant
		// speed) counts as after it.
		slack := guardSlack
		if !s.received.IsZero() {
			slack += s.received.Sub(s.sent)
		}
		server := now.Add(-s.sent.Sub(local) - slack)
		g.keep(log, app, local, server)
		out[app] = server
	}
	add("")
	for app := range s.Applications {
		add(app)
	}
	return out
}

// guardFor returns the controller time of the last change made through
// the waiting client that touched app (or the whole model); zero if none.
func (s *Status) guardFor(app string) time.Time {
	if s.guard == nil {
		return time.Time{}
	}
	g := s.guard[app]
	if m := s.guard[""]; m.After(g) {
		g = m
	}
	return g
}

// IdleFor returns for how long, by the controller's clock, the named unit's
// agent has been idle at the snapshot's time. It is 0 if the unit is not
// in the snapshot or its agent is not idle, or if the controller reported
// no time.
//
// In a snapshot taken by a wait, idleness is counted from no earlier than
// the last change made through the same Model to the unit's application
// (the transient-state guard): the state from before a change does not
// count as settled after it.
func (s *Status) IdleFor(unit string) time.Duration {
	u := s.Unit(unit)
	if u == nil {
		return 0
	}
	return s.idleFor(u)
}

func (s *Status) idleFor(u *Unit) time.Duration {
	if u.AgentStatus.Current != "idle" {
		return 0
	}
	now := s.Now()
	start := u.AgentStatus.Since
	if now.IsZero() || start.IsZero() {
		return 0
	}
	if g := s.guardFor(u.Application); g.After(start) {
		start = g
	}
	if d := now.Sub(start); d > 0 {
		return d
	}
	return 0
}
