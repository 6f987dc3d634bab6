package core

import (
	"fmt"
	"strings"

	"github.com/gojuju/juju/internal/facades"
)

// ---- relations ----

type epRef struct {
	app string
	ep  string
}

func parseEndpoint(s string) (epRef, error) {
	app, ep, _ := strings.Cut(s, ":")
	if !validAppName(app) {
		return epRef{}, errNotValid("invalid endpoint %q", s)
	}
	return epRef{app: app, ep: ep}, nil
}

func compatible(a, b charmRelation) bool {
	if a.Interface != b.Interface {
		return false
	}
	return (a.Role == "provider" && b.Role == "requirer") || (a.Role == "requirer" && b.Role == "provider")
}

// inferRelation picks the endpoints of a relation between two
// applications, as Juju does.
func (c *Controller) inferRelation(m *model, refs []epRef) ([]relEndpoint, error) {
	if len(refs) != 2 {
		return nil, errNotValid("a relation must involve two applications")
	}
	apps := make([]relSide, 2)
	for i, r := range refs {
		a, ok := m.relSide(r.app)
		if !ok {
			return nil, errAppNotFound(r.app)
		}
		if r.ep != "" {
			if _, ok := a.charm.relations[r.ep]; !ok {
				return nil, errNotValid("application %q has no %q relation", r.app, r.ep)
			}
		}
		apps[i] = a
	}
	if refs[0].app == refs[1].app {
		return nil, errNotValid("cannot relate application %q to itself", refs[0].app)
	}
	if m.isRemote(refs[0].app) && m.isRemote(refs[1].app) {
		return nil, errNotValid("cannot add relation between saas applications %q and %q", refs[0].app, refs[1].app)
	}
	var cands [][2]relEndpoint
	for _, e0 := range apps[0].charm.endpointNames() {
		r0 := apps[0].charm.relations[e0]
		if refs[0].ep != "" && refs[0].ep != e0 {
			continue
		}
		for _, e1 := range apps[1].charm.endpointNames() {
			r1 := apps[1].charm.relations[e1]
			if refs[1].ep != "" && refs[1].ep != e1 {
				continue
			}
			if compatible(r0, r1) {
				cands = append(cands, [2]relEndpoint{{app: apps[0].name, rel: r0}, {app: apps[1].name, rel: r1}})
			}
		}
	}
	// Implicit juju-info relations lose against explicit ones.
	if len(cands) > 1 {
		var explicit [][2]relEndpoint
		for _, cd := range cands {
			if !isImplicit(cd[0].rel) && !isImplicit(cd[1].rel) {
				explicit = append(explicit, cd)
			}
		}
		if len(explicit) > 0 {
			cands = explicit
		}
	}
	desc := refs[0].app + " " + refs[1].app
	if refs[0].ep != "" || refs[1].ep != "" {
		desc = endpointDesc(refs[0]) + " " + endpointDesc(refs[1])
	}
	switch len(cands) {
	case 0:
		if !c.is4() {
			return nil, &Error{Message: "no relations found"}
		}
		return nil, errNotValid("no compatible endpoints found between applications %q and %q", refs[0].app, refs[1].app)
	case 1:
		return cands[0][:], nil
	}
	var opts []string
	for _, cd := range cands {
		opts = append(opts, fmt.Sprintf("%q", cd[0].app+":"+cd[0].rel.Name+" "+cd[1].app+":"+cd[1].rel.Name))
	}
	return nil, errNotValid("ambiguous relation: %q could refer to %s", desc, strings.Join(opts, "; "))
}

// relSide is one application a relation can be added with: a local
// application or a consumed (SAAS) one.
type relSide struct {
	name  string
	charm *charm
	life  string
}

func (m *model) relSide(name string) (relSide, bool) {
	if a, ok := m.apps[name]; ok {
		return relSide{name: a.name, charm: a.charm, life: a.life}, true
	}
	if ra, ok := m.remoteApps[name]; ok {
		return relSide{name: ra.name, charm: ra.charm, life: ra.life}, true
	}
	return relSide{}, false
}

// isImplicit reports whether r is the implicit juju-info provider every
// charm has.
func isImplicit(r charmRelation) bool {
	return r.Name == "juju-info" && r.Interface == "juju-info" && r.Role == "provider"
}

func (c *Controller) is4() bool { return c.major >= 4 }

func endpointDesc(r epRef) string {
	if r.ep == "" {
		return r.app
	}
	return r.app + ":" + r.ep
}

// addRelation creates a relation and starts its hooks on ready units.
func (c *Controller) addRelation(m *model, eps []relEndpoint) *relation {
	scope := "global"
	for _, e := range eps {
		if e.rel.Scope == "container" {
			scope = "container"
		}
	}
	r := &relation{id: m.relSeq, endpoints: eps, iface: eps[0].rel.Interface, scope: scope, life: lifeAlive,
		status: status{Status: "joining", Since: c.now()}, created: c.now()}
	m.relSeq++
	r.key = relationKey(eps)
	m.relations[r.id] = r
	for _, e := range eps {
		if a, ok := m.apps[e.app]; ok {
			for _, u := range a.sortedUnits() {
				if u.life == lifeAlive && u.ready {
					c.queueHooks(u, c.relationHooks(r, u)...)
				}
			}
		}
	}
	m.notify()
	return r
}

func (applicationFacade) AddRelation(cx *callCtx, a facades.AddRelation) (facades.AddRelationResults, error) {
	if err := cx.check("write"); err != nil {
		return facades.AddRelationResults{}, err
	}
	c := cx.c
	m := cx.m
	refs := make([]epRef, len(a.Endpoints))
	for i, s := range a.Endpoints {
		r, err := parseEndpoint(s)
		if err != nil {
			return facades.AddRelationResults{}, err
		}
		refs[i] = r
	}
	eps, err := c.inferRelation(m, refs)
	if err != nil {
		return facades.AddRelationResults{}, err
	}
	for _, e := range eps {
		if side, _ := m.relSide(e.app); side.life != lifeAlive {
			return facades.AddRelationResults{}, errNotValid("cannot add relation %q: application %q is not alive", relationKey(eps), e.app)
		}
	}
	key := relationKey(eps)
	for _, r := range m.relations {
		if r.key == key {
			if c.is4() && len(a.Endpoints) == 2 {
				// As the real 4.0.15 server: the domain error, without a code.
				return facades.AddRelationResults{}, newErr("", "adding relation between endpoints %q and %q: cannot add relation %q, %q: relation %s: already exists",
					a.Endpoints[0], a.Endpoints[1], a.Endpoints[0], a.Endpoints[1], key)
			}
			return facades.AddRelationResults{}, errAlreadyExists("relation %s already exists", key)
		}
	}
	c.mirrorRelation(m, c.addRelation(m, eps))
	c.ensureSubordinates(m)
	out := facades.AddRelationResults{Endpoints: map[string]facades.CharmRelation{}}
	for _, e := range eps {
		out.Endpoints[e.app] = wireRelation(e.rel)
	}
	return out, nil
}

func wireRelation(r charmRelation) facades.CharmRelation {
	return facades.CharmRelation{Interface: r.Interface, Limit: r.Limit, Name: r.Name, Optional: r.Optional, Role: r.Role, Scope: r.Scope}
}

func (applicationFacade) DestroyRelation(cx *callCtx, a facades.DestroyRelation) error {
	if err := cx.check("write"); err != nil {
		return err
	}
	c := cx.c
	m := cx.m
	var rel *relation
	if len(a.Endpoints) > 0 {
		refs := make([]epRef, len(a.Endpoints))
		for i, s := range a.Endpoints {
			r, err := parseEndpoint(s)
			if err != nil {
				return err
			}
			refs[i] = r
		}
		for _, r := range m.sortedRelations() {
			if len(r.endpoints) != len(refs) {
				continue
			}
			match := true
			for _, ref := range refs {
				ep, ok := r.endpointFor(ref.app)
				if !ok || (ref.ep != "" && ep.rel.Name != ref.ep) {
					match = false
				}
			}
			if match {
				rel = r
				break
			}
		}
		if rel == nil {
			return errNotFound("relation %q not found", strings.Join(a.Endpoints, " "))
		}
	} else {
		r, ok := m.relations[a.RelationID]
		if !ok {
			return errNotFound("relation %d not found", a.RelationID)
		}
		rel = r
	}
	if rel.isPeer() {
		return errNotValid("cannot destroy peer relation %q", rel.key)
	}
	c.destroyRelation(rel, m)
	if a.Force && a.MaxWait != nil && *a.MaxWait == 0 {
		c.removeRelationNow(rel, m)
	}
	// Subordinate units go with a container-scoped relation.
	if rel.scope == "container" {
		for _, e := range rel.endpoints {
			if sa := m.apps[e.app]; sa != nil && sa.charm.subordinate {
				for _, su := range sa.sortedUnits() {
					c.destroyUnit(su, a.Force)
				}
			}
		}
	}
	return nil
}
