package juju

import (
	"sync"
	"time"
)

// changeTracker records the mutating calls made through one Model, so that
// a wait started right after a change cannot pass on the state from before
// it (the transient-state guard). Its zero value is ready; it is safe for
// concurrent use.
//
// The Model calls noteChange after each mutating call the controller
// accepted. A wait turns each recorded local time into controller time once,
// with the first snapshot whose request left after the change:
// change ≈ controller-timestamp − (request sent − change noted) − slack,
// measured with the local monotonic clock, where slack (one round trip plus
// 100 ms) lets a status set by the change itself count as after it. The
// estimate is fixed once made, so a simulator's fake clock jumping ahead
// later does not move it.
type changeTracker struct {
	mu      sync.Mutex
	entries map[string]*wtChange // application name, "" = model-wide
}

type wtChange struct {
	local  time.Time // when noted, with a monotonic reading
	server time.Time // controller-time estimate; zero until fixed
}

// wtGuardKey keys a model's changeTracker in Controller.modelState, so
// that every Model handle on the same model shares one.
type wtGuardKey struct{ uuid string }

// wtTracker returns the model's change tracker.
func (m *Model) wtTracker() *changeTracker {
	if m == nil || m.ctrl == nil {
		return nil
	}
	key := wtGuardKey{m.uuid}
	if v, ok := m.ctrl.modelState.Load(key); ok {
		return v.(*changeTracker)
	}
	v, _ := m.ctrl.modelState.LoadOrStore(key, &changeTracker{})
	return v.(*changeTracker)
}

// noteChange records that a change touching apps (none = the whole model)
// was just accepted by the controller.
func (t *changeTracker) noteChange(apps ...string) {
	if t == nil {
		return
	}
	now := time.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.entries == nil {
		t.entries = make(map[string]*wtChange)
	}
	if len(apps) == 0 {
		apps = []string{""}
	}
	for _, app := range apps {
		t.entries[app] = &wtChange{local: now}
	}
}

// wtGuardSlack is the margin by which a status may predate the estimated
// time of a change and still count as set by it (see resolve). It bounds
// the error on an idle period measured from a change.
const wtGuardSlack = 100 * time.Millisecond

// resolve fixes the controller-time estimate of every change made before
// s was requested and returns, per application ("" = model-wide), the
// controller time of the last change. A change made while s was being
// fetched counts as made at s's own time.
func (t *changeTracker) resolve(s *Status) map[string]time.Time {
	if t == nil || s == nil {
		return nil
	}
	now := s.Now()
	if now.IsZero() {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.entries) == 0 {
		return nil
	}
	out := make(map[string]time.Time, len(t.entries))
	for app, c := range t.entries {
		if c.server.IsZero() {
			if s.sent.IsZero() || c.local.After(s.sent) {
				out[app] = now
				continue
			}
			// The change happened on the server before the reply that
			// preceded c.local; allow for one round trip (the fetch's, plus
			// wtGuardSlack) so that a status the change itself set (a
			// simulator at instant speed) counts as after it.
			slack := wtGuardSlack
			if !s.received.IsZero() {
				slack += s.received.Sub(s.sent)
			}
			c.server = now.Add(-s.sent.Sub(c.local) - slack)
		}
		out[app] = c.server
	}
	return out
}

// stGuardFor returns the controller time of the last change made through
// the waiting client that touched app (or the whole model); zero if none.
func (s *Status) stGuardFor(app string) time.Time {
	if s.stGuard == nil {
		return time.Time{}
	}
	g := s.stGuard[app]
	if m := s.stGuard[""]; m.After(g) {
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
	return s.stIdleFor(u)
}

func (s *Status) stIdleFor(u *UnitStatus) time.Duration {
	if u.AgentStatus.Current != "idle" {
		return 0
	}
	now := s.Now()
	start := u.AgentStatus.Since
	if now.IsZero() || start.IsZero() {
		return 0
	}
	if g := s.stGuardFor(u.Application); g.After(start) {
		start = g
	}
	if d := now.Sub(start); d > 0 {
		return d
	}
	return 0
}
