package core

import (
	"maps"

	"github.com/gojuju/juju/internal/facades"
)

// Relation data: the application and unit databags that show-unit reads
// (Application.UnitsInfo). A unit in a relation's scope carries the keys
// its agent writes (private-address, ingress-address, egress-subnets);
// charms add to the databags through Behaviour.RelationAppData and
// Behaviour.RelationUnitData, and tests through SetRelationData.

// relDataKey is the key of data set by SetRelationData.
func relDataKey(modelUUID, entity, endpoint string) string {
	return modelUUID + "\x00" + entity + "\x00" + endpoint
}

// SetRelationData sets (for modelUUID AnyModel: in every model without
// its own) keys in the databag of entity, an application
// ("pg", its application databag) or a unit ("pg/0"), in the relations of
// its endpoint, on top of what its Behaviour sets. An empty value removes
// a key; nil data removes everything SetRelationData set there.
func (c *Controller) SetRelationData(modelUUID, entity, endpoint string, data map[string]string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.relData == nil {
		c.relData = map[string]map[string]string{}
	}
	k := relDataKey(modelUUID, entity, endpoint)
	if data == nil {
		delete(c.relData, k)
	} else {
		c.relData[k] = maps.Clone(data)
	}
	if m, ok := c.models[modelUUID]; ok {
		m.notify()
	}
}

// databag merges base with the data set for entity on endpoint; keys set
// to "" are dropped.
func (c *Controller) databag(m *model, entity, endpoint string, base map[string]string) map[string]any {
	out := map[string]any{}
	for k, v := range base {
		out[k] = v
	}
	set, ok := c.relData[relDataKey(m.uuid, entity, endpoint)]
	if !ok {
		set = c.relData[relDataKey(AnyModel, entity, endpoint)]
	}
	for k, v := range set {
		out[k] = v
	}
	for k, v := range out {
		if v == "" {
			delete(out, k)
		}
	}
	return out
}

// unitDatabag is what u has in its databag of relation endpoint ep: the
// agent's address keys, then the charm's.
func (c *Controller) unitDatabag(m *model, u *unit, ep string) map[string]any {
	base := map[string]string{}
	if u.address != "" {
		base["private-address"] = u.address
		base["ingress-address"] = u.address
		base["egress-subnets"] = u.address + "/32"
	}
	maps.Copy(base, u.app.behaviour.RelationUnitData[ep])
	return c.databag(m, u.name, ep, base)
}

// appDatabag is application a's databag on its endpoint ep.
func (c *Controller) appDatabag(m *model, a *application, ep string) map[string]any {
	return c.databag(m, a.name, ep, a.behaviour.RelationAppData[ep])
}

// unitRelationData is the relation-data of UnitsInfo for u: one entry per
// relation of its application, with the related application's databag
// (its own, for a peer relation), the related units (those not in the
// relation's scope yet with InScope false and no data, as the real server
// lists them: show-unit.jsonl) and u itself once in scope.
func (c *Controller) unitRelationData(m *model, u *unit) []facades.EndpointRelationData {
	var out []facades.EndpointRelationData
	for _, rel := range m.sortedRelations() {
		ep, ok := rel.endpointFor(u.app.name)
		if !ok {
			continue
		}
		erd := facades.EndpointRelationData{RelationID: rel.id, Endpoint: ep.rel.Name, ApplicationData: map[string]any{},
			UnitRelationData: map[string]facades.RelationData{}}
		for _, o := range rel.endpoints {
			if o.app == u.app.name && !rel.isPeer() {
				continue
			}
			erd.RelatedEndpoint = o.rel.Name
			oa := m.apps[o.app]
			if oa == nil {
				continue
			}
			erd.ApplicationData = c.appDatabag(m, oa, o.rel.Name)
			for _, ou := range oa.sortedUnits() {
				switch {
				case ou == u || ou.life == lifeDead:
				case inScope(ou, rel):
					erd.UnitRelationData[ou.name] = facades.RelationData{InScope: true, UnitData: c.unitDatabag(m, ou, o.rel.Name)}
				default:
					erd.UnitRelationData[ou.name] = facades.RelationData{UnitData: map[string]any{}}
				}
			}
		}
		if inScope(u, rel) {
			erd.UnitRelationData[u.name] = facades.RelationData{InScope: true, UnitData: c.unitDatabag(m, u, ep.rel.Name)}
		}
		out = append(out, erd)
	}
	return out
}

// inScope reports whether u's agent has entered rel's scope: it has run
// the relation's joined/changed hooks, or (a lone unit, or one whose
// related units have not come up) its agent is up and has installed the
// charm, after which it enters the scope of its application's relations.
func inScope(u *unit, rel *relation) bool {
	if u.life == lifeDead || rel.life != lifeAlive {
		return false
	}
	return u.joined[rel.id] || u.installed
}
