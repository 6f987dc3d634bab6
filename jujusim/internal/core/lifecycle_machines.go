package core

import (
	"fmt"
	"sort"
	"strconv"
)

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
		created:     now,
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
