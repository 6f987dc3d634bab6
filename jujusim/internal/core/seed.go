package core

import (
	"sort"
)

// Seed deploys, in one call, one application per entry of apps (name ->
// number of units) into the model, each with that many units on their own
// machines, all running through the simulated lifecycle. Names found in the
// built-in Charmhub catalogue (postgresql, mysql, wordpress, ...) get that
// charm; any other valid name gets a generic charm of the same name.
func (c *Controller) Seed(modelUUID string, apps map[string]int) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	m, ok := c.models[modelUUID]
	if !ok {
		return newErr(CodeModelNotFound, "cannot seed model %q: model not found", modelUUID)
	}
	names := make([]string, 0, len(apps))
	for n, count := range apps {
		if !validAppName(n) {
			return errNotValid("cannot seed model: invalid application name %q", n)
		}
		if count < 0 {
			return errNotValid("cannot seed model: negative unit count for %q", n)
		}
		if _, ok := m.apps[n]; ok {
			return errAlreadyExists("cannot seed model: application %q already exists", n)
		}
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		h, _ := c.hubLookup(n)
		ch := h.toCharm("amd64", -1)
		if existing, ok := m.charms[ch.url]; ok {
			ch = existing
		} else {
			m.charms[ch.url] = ch
		}
		b := base{Name: ch.bases[0].Name, Channel: ch.bases[0].Channel}
		rv := ch.revision
		rb := wireBase(b.withRisk())
		origin := charmhubOrigin(ch, "amd64", &rv, &rb)
		units := apps[n]
		if ch.subordinate {
			units = 0
		}
		if _, err := c.deploy(m, deploySpec{name: n, ch: ch, origin: origin, channel: h.channel, numUnits: units, base: b}); err != nil {
			return err
		}
	}
	c.sched.kick()
	return nil
}
