package core

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
	c.unitStorageGone(u, u.destroyStorage)
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
	c.unmirror(r, false)
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
	c.unmirror(r, true)
	c.dropIdleProxies(r, m)
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
	for k, w := range c.watchers {
		if w.model == m.uuid {
			w.stop()
			delete(c.watchers, k)
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
