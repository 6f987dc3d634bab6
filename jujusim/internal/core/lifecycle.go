package core

import (
	"fmt"
	"sort"
	"strconv"
	"time"
)

// This file holds the simulated agents: machines pending -> started, unit
// agents allocating -> executing hooks -> idle, workloads waiting ->
// maintenance -> active (or what the behaviour asks), relations joining ->
// joined, and removal through dying to gone. Everything here runs with the
// controller lock held.

const (
	modUniter  = "juju.worker.uniter"
	modOp      = "juju.worker.uniter.operation"
	modMachine = "juju.worker.machiner"
	modProv    = "juju.worker.provisioner"
)

func (c *Controller) now() time.Time { return c.clock.Now() }

// ---- status setters ----

func (c *Controller) setUnitAgent(u *unit, st, msg string, data map[string]any) {
	if u.agent.Status == st && u.agent.Message == msg && !u.agent.Since.IsZero() {
		return
	}
	u.agent = status{Status: st, Message: msg, Data: data, Since: c.now()}
	c.record(u.app.m, "juju-unit", unitTag(u.name), u.agent)
	u.app.m.notify()
}

func (c *Controller) setWorkload(u *unit, st, msg string) {
	if u.workload.Status == st && u.workload.Message == msg && !u.workload.Since.IsZero() {
		return
	}
	u.workload = status{Status: st, Message: msg, Since: c.now()}
	c.record(u.app.m, "workload", unitTag(u.name), u.workload)
	if st != "" {
		c.logf(u.app.m, unitTag(u.name), "DEBUG", modUniter, "workload status %s %q", st, msg)
	}
	u.app.m.notify()
}

func (c *Controller) setMachineAgent(mc *machine, st, msg string) {
	mc.agent = status{Status: st, Message: msg, Since: c.now()}
	c.record(mc.m, "juju-machine", machineTag(mc.id), mc.agent)
	mc.m.notify()
}

func (c *Controller) setInstance(mc *machine, st, msg string) {
	mc.instance = status{Status: st, Message: msg, Since: c.now()}
	c.record(mc.m, "machine", machineTag(mc.id), mc.instance)
	mc.m.notify()
}

func (c *Controller) setRelationStatus(r *relation, m *model, st, msg string) {
	if r.status.Status == st && r.status.Message == msg {
		return
	}
	r.status = status{Status: st, Message: msg, Since: c.now()}
	m.notify()
}

// ---- machines ----

// addMachine creates a machine (or a container when parent is set) and
// starts provisioning it.
func (c *Controller) addMachine(m *model, b base, cons string, parent *machine, ctype string, forUnit bool) *machine {
	now := c.now()
	mc := &machine{
		m:           m,
		base:        b.noRisk(),
		life:        lifeAlive,
		agent:       status{Status: "pending", Since: now},
		instance:    status{Status: "pending", Since: now},
		instanceID:  "pending",
		constraints: cons,
		containers:  map[string]*machine{},
		units:       map[string]*unit{},
		forUnit:     forUnit,
		jobs:        []string{"JobHostUnits"},
	}
	if mc.base.Name == "" {
		mc.base = defaultBase
	}
	if parent != nil {
		if ctype == "" {
			ctype = "lxd"
		}
		mc.id = parent.id + "/" + ctype + "/" + strconv.Itoa(parent.contSeq)
		parent.contSeq++
		mc.parent = parent
		parent.containers[mc.id] = mc
	} else {
		mc.id = strconv.Itoa(m.machineSeq)
		m.machineSeq++
	}
	m.machines[mc.id] = mc
	c.record(m, "juju-machine", machineTag(mc.id), mc.agent)
	c.record(m, "machine", machineTag(mc.id), mc.instance)
	c.logf(m, "machine-0", "INFO", modProv, "provisioning machine %s", mc.id)
	m.notify()
	c.scheduleProvision(mc)
	return mc
}

func (c *Controller) scheduleProvision(mc *machine) {
	t := c.timing
	// A container waits for its host.
	if mc.parent != nil && mc.parent.agent.Status != "started" {
		return
	}
	mc.provEv = c.sched.after(t.MachineProvision/2, func() {
		if mc.life != lifeAlive {
			return
		}
		c.setInstance(mc, "allocating", "")
		mc.provEv = c.sched.after(t.MachineProvision-t.MachineProvision/2, func() {
			if mc.life != lifeAlive {
				return
			}
			n := c.nextAddress()
			mc.instanceID = "juju-" + mc.m.uuid[len(mc.m.uuid)-6:] + "-" + mangle(mc.id)
			mc.hostname = mc.instanceID
			mc.displayName = ""
			mc.address = fmt.Sprintf("10.%d.%d.%d", 10+n/65536%200, n/256%256, n%256+2)
			if mc.parent != nil {
				mc.address = fmt.Sprintf("10.%d.%d.%d", 100+n/65536%100, n/256%256, n%256+2)
			}
			mc.hardware = "arch=amd64 cores=2 mem=4096M root-disk=20480M"
			c.setInstance(mc, "running", "Running")
			mc.provEv = c.sched.after(t.MachineStart, func() {
				if mc.life != lifeAlive {
					return
				}
				c.setMachineAgent(mc, "started", "")
				c.logf(mc.m, machineTag(mc.id), "INFO", modMachine, "machine %s started", mc.id)
				for _, cont := range mc.containers {
					c.scheduleProvision(cont)
				}
				for _, u := range sortedUnitMap(mc.units) {
					c.unitHostReady(u)
				}
			})
		})
	})
}

func mangle(id string) string {
	out := []byte(id)
	for i, b := range out {
		if b == '/' {
			out[i] = '-'
		}
	}
	return string(out)
}

// nextAddress numbers simulated addresses within the controller.
func (c *Controller) nextAddress() int {
	c.addrSeq++
	return c.addrSeq
}

func sortedUnitMap(m map[string]*unit) []*unit {
	us := make([]*unit, 0, len(m))
	for _, u := range m {
		us = append(us, u)
	}
	sort.Slice(us, func(i, j int) bool { return us[i].name < us[j].name })
	return us
}

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
	q := []string{"install"}
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

// ---- relations ----

func (c *Controller) updateRelationStatus(r *relation) {
	m := c.relationModel(r)
	if m == nil || r.life != lifeAlive {
		return
	}
	for _, ep := range r.endpoints {
		a, ok := m.apps[ep.app]
		if !ok {
			return
		}
		any := false
		for _, u := range a.units {
			if u.joined[r.id] {
				any = true
				break
			}
		}
		if !any {
			return
		}
	}
	c.setRelationStatus(r, m, "joined", "")
}

func (c *Controller) relationModel(r *relation) *model {
	for _, m := range c.models {
		if m.relations[r.id] == r {
			return m
		}
	}
	return nil
}

// ---- removal ----

// destroyUnit makes a unit dying; it runs its departure hooks and goes
// away. A unit in error stays dying until resolved, unless forced. A
// machine that was created for the unit goes with it.
func (c *Controller) destroyUnit(u *unit, force bool) {
	m := u.app.m
	switch u.life {
	case lifeDead:
		return
	case lifeDying:
		if force && u.errHook != "" {
			u.errHook = ""
			c.startDying(u)
		}
		return
	}
	u.life = lifeDying
	c.cancelUnitTimers(u)
	m.notify()
	c.logf(m, unitTag(u.name), "INFO", modUniter, "unit %q is dying", u.name)
	if mc := u.machine; mc != nil && u.principal == nil && mc.forUnit && mc.life == lifeAlive && len(mc.units) == 1 && len(mc.containers) == 0 {
		c.destroyMachine(mc, false)
	}
	for _, su := range sortedUnitMap(u.subs) {
		c.destroyUnit(su, force)
	}
	if u.errHook != "" && !force {
		return // stays dying until resolved
	}
	u.errHook = ""
	c.startDying(u)
}

func (c *Controller) startDying(u *unit) {
	m := u.app.m
	if u.hookEv != nil {
		u.hookEv.cancel()
		u.hookEv = nil
		u.currentHook = ""
	}
	u.hookQueue = nil
	if !u.installed {
		t := c.timingFor(u.app)
		u.removeEv = c.sched.after(t.Removal, func() { c.removeUnitNow(u) })
		return
	}
	for _, r := range m.sortedRelations() {
		if ep, ok := r.endpointFor(u.app.name); ok && u.joined[r.id] {
			u.hookQueue = append(u.hookQueue, ep.rel.Name+"-relation-departed", ep.rel.Name+"-relation-broken")
		}
	}
	u.hookQueue = append(u.hookQueue, "stop", "remove")
	u.settled = false
	c.runDyingHooks(u)
}

func (c *Controller) runDyingHooks(u *unit) {
	if u.life != lifeDying {
		return
	}
	if len(u.hookQueue) == 0 {
		t := c.timingFor(u.app)
		u.removeEv = c.sched.after(t.Removal, func() { c.removeUnitNow(u) })
		return
	}
	hook := u.hookQueue[0]
	u.hookQueue = u.hookQueue[1:]
	u.currentHook = hook
	c.setUnitAgent(u, "executing", "running "+hook+" hook", nil)
	t := c.timingFor(u.app)
	u.hookEv = c.sched.after(t.Hook, func() {
		u.currentHook = ""
		c.logf(u.app.m, unitTag(u.name), "INFO", modOp, "ran %q hook (via hook dispatching script: dispatch)", hook)
		c.applyHook(u, hook)
		c.runDyingHooks(u)
	})
}

// removeUnitNow deletes a unit (and its subordinates).
func (c *Controller) removeUnitNow(u *unit) {
	if u.life == lifeDead {
		return
	}
	a := u.app
	m := a.m
	u.life = lifeDead
	c.cancelUnitTimers(u)
	u.hookEv.cancel()
	u.removeEv.cancel()
	delete(a.units, u.name)
	m.unitCount--
	if u.machine != nil && u.principal == nil {
		delete(u.machine.units, u.name)
		mc := u.machine
		if mc.forUnit && len(mc.units) == 0 && len(mc.containers) == 0 && mc.life == lifeAlive {
			c.destroyMachine(mc, false)
		}
		c.scheduleMachineRemoval(mc)
	}
	c.logf(m, unitTag(u.name), "INFO", modUniter, "unit %q removed", u.name)
	if a.leader == u.name {
		a.leader = ""
		for _, o := range a.sortedUnits() {
			if o.life == lifeAlive && o.installed {
				a.leader = o.name
				o.leader = true
				c.queueHooks(o, "leader-elected")
				break
			}
		}
	}
	// Subordinates go with their principal.
	for _, su := range sortedUnitMap(u.subs) {
		c.removeUnitNow(su)
	}
	if u.principal != nil {
		delete(u.principal.subs, u.name)
	}
	for _, r := range m.relations {
		delete(u.joined, r.id)
		r.setSettled(u, false)
	}
	m.notify()
	if a.life == lifeDying && len(a.units) == 0 {
		c.removeAppNow(a)
	}
	c.checkModelEmpty(m)
}

func (c *Controller) destroyApp(a *application, force bool) {
	if a.life == lifeAlive {
		a.life = lifeDying
		a.m.notify()
	}
	for _, u := range a.sortedUnits() {
		c.destroyUnit(u, force)
	}
	for _, r := range a.m.sortedRelations() {
		if r.involves(a.name) {
			c.destroyRelation(r, a.m)
		}
	}
	if len(a.units) == 0 {
		t := c.timingFor(a)
		a.removeEv.cancel()
		a.removeEv = c.sched.after(t.Removal, func() { c.removeAppNow(a) })
	}
}

func (c *Controller) removeAppNow(a *application) {
	m := a.m
	if m.apps[a.name] != a {
		return
	}
	a.removeEv.cancel()
	for _, r := range m.relations {
		if r.involves(a.name) {
			c.removeRelationNow(r, m)
		}
	}
	delete(m.apps, a.name)
	delete(c.behaviours, m.uuid+"/"+a.name)
	c.logf(m, "machine-0", "INFO", "juju.worker.undertaker", "application %q removed", a.name)
	m.notify()
	c.checkModelEmpty(m)
}

func (c *Controller) destroyRelation(r *relation, m *model) {
	if r.life != lifeAlive {
		return
	}
	r.life = lifeDying
	m.notify()
	for _, ep := range r.endpoints {
		if a, ok := m.apps[ep.app]; ok {
			for _, u := range a.sortedUnits() {
				if u.life == lifeAlive && u.joined[r.id] {
					c.queueHooks(u, ep.rel.Name+"-relation-departed", ep.rel.Name+"-relation-broken")
				}
			}
		}
	}
	t := c.timing
	r.removeEv = c.sched.after(t.Removal, func() { c.removeRelationNow(r, m) })
}

func (c *Controller) removeRelationNow(r *relation, m *model) {
	if m.relations[r.id] != r {
		return
	}
	r.removeEv.cancel()
	delete(m.relations, r.id)
	for _, a := range m.apps {
		for _, u := range a.units {
			delete(u.joined, r.id)
		}
	}
	m.notify()
}

// destroyMachine makes a machine dying and removes it after a while. With
// force, its units and containers go too.
func (c *Controller) destroyMachine(mc *machine, force bool) {
	if mc.life != lifeAlive {
		return
	}
	mc.life = lifeDying
	mc.provEv.cancel()
	m := mc.m
	m.notify()
	for _, u := range sortedUnitMap(mc.units) {
		c.destroyUnit(u, force)
	}
	for _, ct := range mc.containers {
		c.destroyMachine(ct, force)
	}
	c.scheduleMachineRemoval(mc)
}

// scheduleMachineRemoval removes a dying machine once its units and
// containers are gone; it is called again whenever one of them goes.
func (c *Controller) scheduleMachineRemoval(mc *machine) {
	if mc.life != lifeDying || len(mc.units) > 0 || len(mc.containers) > 0 || mc.removeEv != nil {
		return
	}
	mc.removeEv = c.sched.after(c.timing.Removal, func() {
		mc.removeEv = nil
		if len(mc.units) > 0 || len(mc.containers) > 0 {
			return
		}
		c.removeMachineNow(mc)
	})
}

func (c *Controller) removeMachineNow(mc *machine) {
	m := mc.m
	if m.machines[mc.id] != mc {
		return
	}
	mc.life = lifeDead
	mc.provEv.cancel()
	mc.removeEv.cancel()
	delete(m.machines, mc.id)
	if mc.parent != nil {
		delete(mc.parent.containers, mc.id)
		c.scheduleMachineRemoval(mc.parent)
	}
	c.logf(m, "machine-0", "INFO", modProv, "machine %s removed", mc.id)
	m.notify()
	c.checkModelEmpty(m)
}

// checkModelEmpty finishes destroying a dying model once it is empty.
func (c *Controller) checkModelEmpty(m *model) {
	if m.life != lifeDying || len(m.apps) > 0 || len(m.machines) > 0 || m.destroyEv != nil {
		return
	}
	d := c.timing.ModelDestroy
	m.destroyEv = c.sched.after(d, func() { c.removeModelNow(m) })
}

func (c *Controller) removeModelNow(m *model) {
	if c.models[m.uuid] != m {
		return
	}
	m.life = lifeDead
	delete(c.models, m.uuid)
	c.gone[m.uuid] = true
	for k := range c.behaviours {
		if len(k) > len(m.uuid) && k[:len(m.uuid)] == m.uuid {
			delete(c.behaviours, k)
		}
	}
	for id, w := range c.watchers {
		if w.model == m.uuid {
			w.stop()
			delete(c.watchers, id)
		}
	}
	m.notify()
	m.logs.close()
}

// destroyModel starts destroying a model: everything in it goes dying.
func (c *Controller) destroyModel(m *model, opts destroyModelOpts) {
	if m.life != lifeAlive {
		return
	}
	m.life = lifeDying
	m.destroyOpts = opts
	m.status = status{Status: "destroying", Message: "the model is being destroyed", Since: c.now()}
	c.record(m, "model", "model-"+m.uuid, m.status)
	m.notify()
	for _, n := range m.sortedApps() {
		c.destroyApp(m.apps[n], opts.force)
	}
	for _, mc := range m.sortedMachines() {
		c.destroyMachine(mc, opts.force)
	}
	c.checkModelEmpty(m)
}
