package core

import (
	"sort"
	"strings"
	"time"

	"github.com/gojuju/juju/internal/facades"
)

// ---- cross-model relations: the consuming side (SAAS) ----

// remoteApp is an application consumed from an offer (SAAS): a name in
// the consuming model that relations can use.
type remoteApp struct {
	name        string
	offerURL    string
	offerName   string
	offerUUID   string
	sourceModel string // the offering model's UUID
	controller  string // the offering controller's UUID ("" = this one)
	consumer    string // the user who consumed it
	endpoints   []facades.RemoteEndpoint
	charm       *charm // the endpoints as a charm's relations, for relation inference
	life        string
	status      status
	created     time.Time
	removeEv    *event
	// consumerProxy marks the offering side's stand-in for a consuming
	// model's application (Juju's "remote-..." application): it has
	// relations but is not listed in status.
	consumerProxy bool
}

func (m *model) sortedRemoteApps() []*remoteApp {
	out := make([]*remoteApp, 0, len(m.remoteApps))
	for _, r := range m.remoteApps {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// localOffer returns the offer ra consumes when it is on this controller.
func (c *Controller) localOffer(ra *remoteApp) *offer {
	if ra.controller != "" && ra.controller != c.uuid {
		return nil
	}
	for _, m := range c.models {
		for _, o := range m.offers {
			if o.uuid == ra.offerUUID {
				return o
			}
		}
	}
	return nil
}

func (applicationFacade) Consume(cx *callCtx, a facades.ConsumeApplicationArgsV5) (facades.ErrorResults, error) {
	if err := cx.check("write"); err != nil {
		return facades.ErrorResults{}, err
	}
	c, m := cx.c, cx.m
	return eachErr(a.Args, func(arg facades.ConsumeApplicationArgV5) error {
		name := arg.ApplicationAlias
		if name == "" {
			name = arg.OfferName
		}
		if !validAppName(name) {
			return errNotValid("invalid application name %q", name)
		}
		if arg.OfferUUID == "" || arg.OfferURL == "" {
			return errBadRequest("offer details missing")
		}
		ctrl := ""
		if arg.ExternalController != nil {
			if id, ok := parseTag(arg.ExternalController.ControllerTag, "controller"); ok && id != c.uuid {
				ctrl = id
			}
		}
		if existing := m.remoteApps[name]; existing != nil {
			if existing.offerUUID == arg.OfferUUID && existing.life == lifeAlive {
				return nil // consuming the same offer again changes nothing
			}
			return errAlreadyExists("saas application %q already exists", name)
		}
		if _, ok := m.apps[name]; ok {
			return errAlreadyExists("application %q already exists", name)
		}
		ra := &remoteApp{
			name: name, offerURL: arg.OfferURL, offerName: arg.OfferName, offerUUID: arg.OfferUUID,
			controller: ctrl, consumer: cx.u.name, life: lifeAlive, created: c.now(),
			status: status{Status: "unknown", Message: "waiting for first status update", Since: c.now()},
		}
		if sm, ok := parseTag(arg.SourceModelTag, "model"); ok {
			ra.sourceModel = sm
		}
		if ctrl == "" {
			o := c.localOffer(ra)
			if o == nil {
				return errNotFound("offer %q not found", arg.OfferURL)
			}
			if err := c.needOfferAccess(cx.u, o, "consume"); err != nil {
				return err
			}
		}
		ra.endpoints = append([]facades.RemoteEndpoint(nil), arg.Endpoints...)
		ra.endpoints = append(ra.endpoints, facades.RemoteEndpoint{Name: "juju-info", Role: "provider", Interface: "juju-info"})
		ra.charm = &charm{name: name, relations: map[string]charmRelation{}}
		for _, e := range ra.endpoints {
			ra.charm.relations[e.Name] = charmRelation{Name: e.Name, Role: e.Role, Interface: e.Interface, Limit: e.Limit, Scope: "global"}
		}
		if m.remoteApps == nil {
			m.remoteApps = map[string]*remoteApp{}
		}
		m.remoteApps[name] = ra
		c.record(m, "saas", name, ra.status)
		m.notify()
		return nil
	}), nil
}

func (applicationFacade) DestroyConsumedApplications(cx *callCtx, a facades.DestroyConsumedApplicationsParams) (facades.ErrorResults, error) {
	if err := cx.check("write"); err != nil {
		return facades.ErrorResults{}, err
	}
	c, m := cx.c, cx.m
	return eachErr(a.Applications, func(arg facades.DestroyConsumedApplicationParams) error {
		name, ok := parseTag(arg.ApplicationTag, "application")
		if !ok {
			return errNotValid("%q is not a valid application tag", arg.ApplicationTag)
		}
		ra := m.remoteApps[name]
		if ra == nil {
			return errNotFound("saas application %q not found", name)
		}
		if ra.life != lifeAlive {
			return nil
		}
		ra.life = lifeDying
		for _, r := range m.sortedRelations() {
			if r.involves(name) {
				c.destroyRelation(r, m)
				if arg.Force {
					c.removeRelationNow(r, m)
				}
			}
		}
		m.notify()
		remove := func() {
			if m.remoteApps[name] != ra {
				return
			}
			for _, r := range m.sortedRelations() {
				if r.involves(name) {
					c.removeRelationNow(r, m)
				}
			}
			delete(m.remoteApps, name)
			m.notify()
		}
		if arg.Force && arg.MaxWait != nil && *arg.MaxWait == 0 {
			remove()
			return nil
		}
		ra.removeEv = c.sched.after(c.timing.Removal, remove)
		return nil
	}), nil
}

// remoteAppStatuses is FullStatus's remote-applications section. A SAAS
// consumed from this controller shows its offered application's status.
func (c *Controller) remoteAppStatuses(m *model) map[string]facades.RemoteApplicationStatus {
	out := map[string]facades.RemoteApplicationStatus{}
	for _, ra := range m.sortedRemoteApps() {
		if ra.consumerProxy {
			continue
		}
		st := c.saasStatus(ra)
		rels := map[string][]string{}
		for _, r := range m.sortedRelations() {
			ep, ok := r.endpointFor(ra.name)
			if !ok {
				continue
			}
			rels[ep.rel.Name] = append(rels[ep.rel.Name], r.otherApps(ra.name)...)
		}
		out[ra.name] = facades.RemoteApplicationStatus{
			Endpoints: append([]facades.RemoteEndpoint(nil), ra.endpoints...), Life: c.statusLife(ra.life),
			OfferName: ra.offerName, OfferURL: ra.offerURL, Relations: rels, Status: statusWithData(st, ""),
		}
	}
	return out
}

// saasStatus is a SAAS's status: its offered application's when the offer
// is on this controller, its own otherwise.
func (c *Controller) saasStatus(ra *remoteApp) status {
	if o := c.localOffer(ra); o != nil && ra.life == lifeAlive {
		if a := o.m.apps[o.app]; a != nil {
			if s := c.appDisplayStatus(a); s.Status != "" {
				return s
			}
		}
	}
	return ra.status
}

// isRemote reports whether name is a consumed (SAAS) application of m.
func (m *model) isRemote(name string) bool { return m.remoteApps[name] != nil }

func (applicationFacade) CharmRelations(cx *callCtx, a facades.ApplicationCharmRelations) (facades.ApplicationCharmRelationsResults, error) {
	if err := cx.check("read"); err != nil {
		return facades.ApplicationCharmRelationsResults{}, err
	}
	app, err := cx.c.app(cx.m, a.Application)
	if err != nil {
		return facades.ApplicationCharmRelationsResults{}, err
	}
	names := []string{}
	for _, n := range app.charm.endpointNames() {
		if n != "juju-info" {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return facades.ApplicationCharmRelationsResults{CharmRelations: names}, nil
}

// mirrorRelation gives a relation with a SAAS whose offer is on this
// controller its other half in the offering model: a relation between the
// offered application and a stand-in for the consumer (as Juju's
// "remote-<id>" application), whose hooks the offered units run.
func (c *Controller) mirrorRelation(m *model, r *relation) {
	var ra *remoteApp
	var local relEndpoint
	for _, e := range r.endpoints {
		if x := m.remoteApps[e.app]; x != nil {
			ra = x
		} else {
			local = e
		}
	}
	if ra == nil {
		return
	}
	o := c.localOffer(ra)
	if o == nil || o.m.apps[o.app] == nil {
		return
	}
	om := o.m
	remoteEP, _ := r.endpointFor(ra.name)
	appEP := o.endpoints[remoteEP.rel.Name]
	if remoteEP.rel.Name == "juju-info" {
		appEP = "juju-info"
	}
	rel, ok := om.apps[o.app].charm.relations[appEP]
	if !ok {
		return
	}
	proxy := "remote-" + strings.ReplaceAll(m.uuid, "-", "")[:32]
	if om.remoteApps == nil {
		om.remoteApps = map[string]*remoteApp{}
	}
	px := om.remoteApps[proxy]
	if px == nil {
		px = &remoteApp{name: proxy, consumerProxy: true, life: lifeAlive, created: c.now(), consumer: ra.consumer,
			charm: &charm{name: proxy, relations: map[string]charmRelation{}}, sourceModel: m.uuid}
		om.remoteApps[proxy] = px
	}
	pr := local.rel
	pr.Name = local.rel.Name
	px.charm.relations[pr.Name] = pr
	mr := c.addRelation(om, []relEndpoint{{app: o.app, rel: rel}, {app: proxy, rel: pr}})
	r.mirror, mr.mirror = mr, r
}

// unmirror ends the other half of a cross-model relation as r ends.
func (c *Controller) unmirror(r *relation, remove bool) {
	mr := r.mirror
	if mr == nil {
		return
	}
	r.mirror, mr.mirror = nil, nil
	mm := c.relationModel(mr)
	if mm == nil {
		return
	}
	if remove {
		c.removeRelationNow(mr, mm)
	} else {
		c.destroyRelation(mr, mm)
	}

}

// dropIdleProxies removes the consumer stand-ins of r's endpoints that no
// relation of m uses any more.
func (c *Controller) dropIdleProxies(r *relation, m *model) {
	for _, e := range r.endpoints {
		px := m.remoteApps[e.app]
		if px == nil || !px.consumerProxy {
			continue
		}
		inUse := false
		for _, x := range m.relations {
			inUse = inUse || x.involves(px.name)
		}
		if !inUse {
			delete(m.remoteApps, px.name)
		}
	}
}
