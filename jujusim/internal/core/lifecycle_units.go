package core

import (
	"fmt"
	"sort"
	"strconv"
	"time"
)

// ---- units ----

// newUnit creates a unit of a on host (nil for k8s units and when the
// caller assigns later).
func (c *Controller) newUnit(a *application, host *machine) *unit {
	now := c.now()
	u := &unit{
		app:         a,
		num:         a.unitSeq,
		life:        lifeAlive,
		created:     now,
		agent:       status{Status: "allocating", Since: now},
		workload:    status{Status: "waiting", Message: "waiting for machine", Since: now},
		joined:      map[int]bool{},
		joinPending: map[int]bool{},
	}
	if a.m.typ == "caas" {
		u.workload.Message = "installing agent"
	}
	a.unitSeq++
	u.name = a.name + "/" + strconv.Itoa(u.num)
	a.units[u.name] = u
	a.m.unitCount++
	c.record(a.m, "juju-unit", unitTag(u.name), u.agent)
	c.record(a.m, "workload", unitTag(u.name), u.workload)
	c.newUnitStorage(u)
	if host != nil {
		u.machine = host
		host.units[u.name] = u
		if host.agent.Status == "started" {
			c.unitHostReady(u)
		}
	} else if a.m.typ == "caas" {
		t := c.timingFor(a)
		u.hookEv = c.sched.after(t.MachineProvision+t.MachineStart, func() {
			u.address = fmt.Sprintf("10.1.%d.%d", a.unitSeq/250, u.num%250+2)
			c.unitHostReady(u)
		})
	}
	a.m.notify()
	return u
}

// unitHostReady starts the unit agent once its machine (or pod) is up.
func (c *Controller) unitHostReady(u *unit) {
	if u.life != lifeAlive || u.ready {
		return
	}
	u.ready = true
	if u.machine != nil {
		u.address = u.machine.address
	}
	a := u.app
	c.logf(a.m, unitTag(u.name), "INFO", modUniter, "unit %q started", u.name)
	// As on a real controller: install, relation-created for the relations
	// that already exist, leader-elected, config-changed, start, and then
	// the relations' joined and changed hooks.
	q := append(c.storageHooksOnReady(u), "install")
	var joins []string
	for _, r := range a.m.sortedRelations() {
		if r.life == lifeAlive && r.involves(a.name) {
			hooks := c.relationHooks(r, u)
			q = append(q, hooks[0])
			joins = append(joins, hooks[1:]...)
		}
	}
	if a.leader == "" {
		a.leader = u.name
		u.leader = true
		q = append(q, "leader-elected")
	}
	q = append(q, "config-changed", "start")
	q = append(q, joins...)
	u.hookQueue = append(u.hookQueue, q...)
	c.setWorkload(u, "waiting", "agent initialising")
	c.nextHook(u)
	c.greetNewcomer(u)
	// Subordinates created while the principal was not up start with it.
	for _, su := range sortedUnitMap(u.subs) {
		c.unitHostReady(su)
	}
}

// relationHooks returns the hooks unit u runs when it enters r,
// relation-created first, then joined and changed when a unit on the other
// side (another unit of the application, on a peer relation) is already up;
// a lone unit runs only relation-created, as on a real controller.
func (c *Controller) relationHooks(r *relation, u *unit) []string {
	ep, _ := r.endpointFor(u.app.name)
	hooks := []string{ep.rel.Name + "-relation-created"}
	if !c.anyRemoteUnitUp(r, u) {
		r.setSettled(u, true)
		return hooks
	}
	u.joinPending[r.id] = true
	r.setSettled(u, false)
	return append(hooks, ep.rel.Name+"-relation-joined", ep.rel.Name+"-relation-changed")
}

// remoteApps returns the applications whose units unit u sees in r: its
// own application on a peer relation, the other ones otherwise.
func remoteApps(r *relation, u *unit) []*application {
	var out []*application
	for _, ep := range r.endpoints {
		if ep.app == u.app.name && ep.rel.Role != "peer" {
			continue
		}
		if a, ok := u.app.m.apps[ep.app]; ok {
			out = append(out, a)
		}
	}
	return out
}

// anyRemoteUnitUp reports whether a unit that u would see in r is up.
func (c *Controller) anyRemoteUnitUp(r *relation, u *unit) bool {
	// The units of a consumed (SAAS) application are in another model:
	// the simulator takes them as up while the SAAS is alive.
	for _, ep := range r.endpoints {
		if ra := u.app.m.remoteApps[ep.app]; ra != nil && ra.life == lifeAlive {
			return true
		}
	}
	for _, a := range remoteApps(r, u) {
		for o := range r.settled[a.name] {
			if o != u && o.life == lifeAlive {
				return true
			}
		}
		for _, o := range a.units {
			if o != u && o.life == lifeAlive && o.ready {
				return true
			}
		}
	}
	return false
}

// greetNewcomer makes the units already in u's relations run joined and
// changed for u, which has just come up, as a real controller does when a
// unit enters a relation's scope. A unit that has joined and changed hooks
// for r still queued runs them once for all newcomers.
func (c *Controller) greetNewcomer(u *unit) {
	m := u.app.m
	for _, r := range m.sortedRelations() {
		if r.life != lifeAlive || !r.involves(u.app.name) {
			continue
		}
		var greet []*unit
		for _, a := range remoteApps(r, u) {
			for o := range r.settled[a.name] {
				if o != u && o.life == lifeAlive && o.ready {
					greet = append(greet, o)
				}
			}
		}
		sort.Slice(greet, func(i, j int) bool {
			if greet[i].app.name != greet[j].app.name {
				return greet[i].app.name < greet[j].app.name
			}
			return greet[i].num < greet[j].num
		})
		for _, o := range greet {
			ep, _ := r.endpointFor(o.app.name)
			o.joinPending[r.id] = true
			r.setSettled(o, false)
			c.queueHooks(o, ep.rel.Name+"-relation-joined", ep.rel.Name+"-relation-changed")
		}
	}
}

// relationForHook maps "<ep>-relation-<kind>" on unit u to a relation.
func (c *Controller) relationForHook(u *unit, hook, kind string) *relation {
	for _, r := range u.app.m.relations {
		ep, ok := r.endpointFor(u.app.name)
		if !ok {
			continue
		}
		if hook == ep.rel.Name+"-relation-"+kind {
			return r
		}
	}
	return nil
}

func hookDuration(t Timing, hook string) time.Duration {
	if hook == "install" {
		return t.Install
	}
	return t.Hook
}

// queueHooks appends hooks to the unit's queue and starts them if idle.
func (c *Controller) queueHooks(u *unit, hooks ...string) {
	if u.life == lifeDead || !u.ready {
		return
	}
	u.hookQueue = append(u.hookQueue, hooks...)
	if u.currentHook == "" && u.errHook == "" && u.installed {
		c.nextHook(u)
	}
}

// nextHook runs the next queued hook, or makes the agent idle.
func (c *Controller) nextHook(u *unit) {
	if u.errHook != "" || u.currentHook != "" || u.life == lifeDead {
		return
	}
	a := u.app
	b := a.behaviour
	t := c.timingFor(a)
	if len(u.hookQueue) == 0 {
		if b.NeverSettle && u.life == lifeAlive && u.started {
			d := t.Hook
			if d < minLoop {
				d = minLoop
			}
			u.currentHook = "update-status"
			c.setUnitAgent(u, "executing", "running update-status hook", nil)
			u.hookEv = c.sched.after(d, func() { c.finishHook(u, "update-status") })
			return
		}
		c.setUnitAgent(u, "idle", "", nil)
		if !u.settled && u.started && u.life == lifeAlive {
			u.settled = true
			c.scheduleSettled(u)
		}
		return
	}
	hook := u.hookQueue[0]
	u.hookQueue = u.hookQueue[1:]
	u.currentHook = hook
	c.setUnitAgent(u, "executing", "running "+hook+" hook", nil)
	if hook == "install" {
		c.setWorkload(u, "maintenance", "installing charm software")
	}
	u.hookEv = c.sched.after(hookDuration(t, hook), func() { c.finishHook(u, hook) })
}

// finishHook completes a hook: it fails when the behaviour says so,
// otherwise applies its effects and moves on.
func (c *Controller) finishHook(u *unit, hook string) {
	u.hookEv = nil
	a := u.app
	m := a.m
	b := a.behaviour
	if u.life == lifeDead {
		return
	}
	if b.FailHook != "" && b.FailHook == hook && !u.resolvedFail && u.life == lifeAlive {
		u.currentHook = ""
		u.errHook = hook
		msg := fmt.Sprintf("hook failed: %q", hook)
		c.setUnitAgent(u, "error", msg, map[string]any{"hook": hook})
		c.logf(m, unitTag(u.name), "ERROR", modOp, "hook %q (via hook dispatching script: dispatch) failed: exit status 1", hook)
		return
	}
	u.currentHook = ""
	c.logf(m, unitTag(u.name), "INFO", modOp, "ran %q hook (via hook dispatching script: dispatch)", hook)
	c.applyHook(u, hook)
	c.nextHook(u)
}

func (c *Controller) applyHook(u *unit, hook string) {
	a := u.app
	b := a.behaviour
	switch hook {
	case "install":
		u.installed = true
	case "leader-elected":
		if b.AppStatus != "" {
			c.setAppStatus(a, b.AppStatus, b.AppMessage)
		}
	case "start":
		u.started = true
		u.workloadVersion = b.WorkloadVersion
		if len(b.OpenPorts) > 0 {
			u.openedPorts = append([]string(nil), b.OpenPorts...)
		}
		if b.MaintenanceFor > 0 {
			c.setWorkload(u, "maintenance", "configuring workload")
			u.maintEv.cancel()
			u.maintEv = c.sched.after(b.MaintenanceFor, func() {
				u.maintEv = nil
				if u.life == lifeAlive && u.errHook == "" {
					c.setFinalWorkload(u)
				}
			})
		} else {
			c.setFinalWorkload(u)
		}
	case "config-changed":
		if u.started && u.maintEv == nil && !u.flapState {
			c.setFinalWorkload(u)
		}
	case "update-status":
		if b.Flap > 0 && u.started {
			u.flapState = !u.flapState
			if u.flapState {
				c.setWorkload(u, "maintenance", "flapping")
			} else {
				c.setFinalWorkload(u)
			}
		}
	case "stop":
		c.setWorkload(u, "maintenance", "stopping charm software")
	case "remove":
		c.setWorkload(u, "terminated", "")
	default:
		// As on a real controller, the relation is joined once the leader
		// of one of its applications has entered its scope, even with
		// nobody on the other side (a lone unit's peer relation).
		if r := c.relationForHook(u, hook, "created"); r != nil && u.leader && r.life == lifeAlive {
			c.setRelationStatus(r, a.m, "joined", "")
		}
		if r := c.relationForHook(u, hook, "changed"); r != nil {
			u.joined[r.id] = true
			delete(u.joinPending, r.id)
			r.setSettled(u, u.life == lifeAlive)
			c.updateRelationStatus(r)
		}
	}
}

func (c *Controller) setFinalWorkload(u *unit) {
	b := u.app.behaviour
	st := b.Status
	if st == "" {
		st = "active"
	}
	c.setWorkload(u, st, b.Message)
}

func (c *Controller) setAppStatus(a *application, st, msg string) {
	s := status{Status: st, Message: msg, Since: c.now()}
	a.appStatus = &s
	c.record(a.m, "application", "application-"+a.name, s)
	a.m.notify()
}

// scheduleSettled arms update-status (or flapping) for a settled unit; at
// most one such timer is pending per unit.
func (c *Controller) scheduleSettled(u *unit) {
	u.tickEv.cancel()
	u.tickEv = nil
	a := u.app
	t := c.timingFor(a)
	b := a.behaviour
	d := t.UpdateStatusInterval
	if b.Flap > 0 {
		d = b.Flap
	}
	if d <= 0 {
		return
	}
	if d < minLoop {
		d = minLoop
	}
	var tick func()
	tick = func() {
		u.tickEv = nil
		if u.life != lifeAlive {
			return
		}
		if b.Flap > 0 || (u.currentHook == "" && u.errHook == "") {
			c.queueHooks(u, "update-status")
		}
		u.tickEv = c.sched.after(d, tick)
	}
	u.tickEv = c.sched.after(d, tick)
}

func (c *Controller) cancelUnitTimers(u *unit) {
	u.tickEv.cancel()
	u.tickEv = nil
	u.maintEv.cancel()
	u.maintEv = nil
}

// applyBehaviour re-runs config-changed on the application's units so a
// new behaviour takes effect.
func (c *Controller) applyBehaviour(a *application) {
	for _, u := range a.sortedUnits() {
		if u.life != lifeAlive {
			continue
		}
		c.cancelUnitTimers(u)
		u.flapState = false
		u.resolvedFail = false
		if u.settled {
			u.settled = false
		}
		if u.started {
			c.queueHooks(u, "config-changed")
		}
	}
	b := a.behaviour
	if b.AppStatus != "" {
		c.setAppStatus(a, b.AppStatus, b.AppMessage)
	} else if a.appStatus != nil {
		a.appStatus = nil
		a.m.notify()
	}
}

// resolveUnit clears a hook error; with retry the failed hook runs again
// (and succeeds), otherwise it is skipped.
func (c *Controller) resolveUnit(u *unit, retry bool) bool {
	if u.errHook == "" {
		return false
	}
	hook := u.errHook
	u.errHook = ""
	u.resolvedFail = true
	if retry {
		u.hookQueue = append([]string{hook}, u.hookQueue...)
	} else {
		c.applyHook(u, hook)
	}
	c.logf(u.app.m, unitTag(u.name), "INFO", modUniter, "resolved: %s hook %q", map[bool]string{true: "retrying", false: "skipping"}[retry], hook)
	if u.life == lifeDying {
		c.removeUnitNow(u)
		return true
	}
	c.nextHook(u)
	return true
}
