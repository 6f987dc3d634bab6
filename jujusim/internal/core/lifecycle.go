package core

import "time"

// This file and the lifecycle_*.go files hold the simulated agents:
// machines pending -> started, unit agents allocating -> executing hooks ->
// idle, workloads waiting -> maintenance -> active (or what the behaviour
// asks), relations joining -> joined, and removal through dying to gone.
// Everything here runs with the controller lock held.

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
