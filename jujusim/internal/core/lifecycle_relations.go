package core

// ---- relations ----

func (c *Controller) updateRelationStatus(r *relation) {
	m := c.relationModel(r)
	if m == nil || r.life != lifeAlive {
		return
	}
	for _, ep := range r.endpoints {
		if m.isRemote(ep.app) {
			continue // a SAAS counts as joined: its units are in another model
		}
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
