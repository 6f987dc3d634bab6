package core

import (
	"crypto/sha256"
	"encoding/base64"
	"strconv"

	"github.com/gojuju/juju/internal/facades"
)

// ---- expose, constraints, leader, resolve, scale, charm ----

func (applicationFacade) Expose(cx *callCtx, a facades.ApplicationExpose) error {
	if err := cx.check("write"); err != nil {
		return err
	}
	app, err := cx.c.app(cx.m, a.Application)
	if err != nil {
		return err
	}
	if app.charm.subordinate {
		return errNotValid("cannot expose subordinate application %q", app.name)
	}
	if app.exposedEPs == nil {
		app.exposedEPs = map[string]exposedEndpoint{}
	}
	eps := a.ExposedEndpoints
	if len(eps) == 0 {
		eps = map[string]facades.ExposedEndpoint{"": {}}
	}
	for ep, e := range eps {
		if ep != "" {
			if _, ok := app.charm.relations[ep]; !ok {
				return errNotValid("endpoint %q not found", ep)
			}
		}
		x := exposedEndpoint{Spaces: e.ExposeToSpaces, CIDRs: e.ExposeToCidrs}
		if len(x.Spaces) == 0 && len(x.CIDRs) == 0 {
			x.CIDRs = []string{"0.0.0.0/0", "::/0"}
		}
		app.exposedEPs[ep] = x
	}
	app.exposed = true
	cx.m.notify()
	return nil
}

func (applicationFacade) Unexpose(cx *callCtx, a facades.ApplicationUnexpose) error {
	if err := cx.check("write"); err != nil {
		return err
	}
	app, err := cx.c.app(cx.m, a.Application)
	if err != nil {
		return err
	}
	if len(a.ExposedEndpoints) == 0 {
		app.exposed = false
		app.exposedEPs = nil
	} else {
		for _, ep := range a.ExposedEndpoints {
			if _, ok := app.exposedEPs[ep]; !ok {
				return errNotValid("endpoint %q is not exposed", ep)
			}
		}
		for _, ep := range a.ExposedEndpoints {
			delete(app.exposedEPs, ep)
		}
		app.exposed = len(app.exposedEPs) > 0
	}
	cx.m.notify()
	return nil
}

func (applicationFacade) SetConstraints(cx *callCtx, a facades.SetConstraints) error {
	if err := cx.check("write"); err != nil {
		return err
	}
	app, err := cx.c.app(cx.m, a.Application)
	if err != nil {
		return err
	}
	if app.charm.subordinate {
		return errNotValid("cannot set constraints on subordinate application %q", app.name)
	}
	app.cons = a.Constraints
	cx.m.notify()
	return nil
}

func (applicationFacade) GetConstraints(cx *callCtx, a facades.Entities) (facades.ApplicationGetConstraintsResults, error) {
	if err := cx.check("read"); err != nil {
		return facades.ApplicationGetConstraintsResults{}, err
	}
	return facades.ApplicationGetConstraintsResults{Results: eachItem(a.Entities, func(e facades.Entity) (facades.ApplicationConstraint, error) {
		app, err := cx.c.appFromTag(cx.m, e.Tag)
		if err != nil {
			return facades.ApplicationConstraint{}, err
		}
		return facades.ApplicationConstraint{Constraints: app.cons}, nil
	})}, nil
}

func (applicationFacade) Leader(cx *callCtx, a facades.Entity) (facades.StringResult, error) {
	if err := cx.check("read"); err != nil {
		return facades.StringResult{}, err
	}
	var out facades.StringResult
	app, err := cx.c.appFromTag(cx.m, a.Tag)
	if err != nil {
		setErr(&out.Error, err)
		return out, nil
	}
	if app.leader == "" {
		setErr(&out.Error, errNotFound("application %q has no leader", app.name))
		return out, nil
	}
	out.Result = app.leader
	return out, nil
}

func (applicationFacade) ResolveUnitErrors(cx *callCtx, a facades.UnitsResolved) (facades.ErrorResults, error) {
	if err := cx.check("write"); err != nil {
		return facades.ErrorResults{}, err
	}
	c := cx.c
	if a.All {
		for _, n := range cx.m.sortedApps() {
			for _, u := range cx.m.apps[n].sortedUnits() {
				c.resolveUnit(u, a.Retry)
			}
		}
		return facades.ErrorResults{Results: []facades.ErrorResult{}}, nil
	}
	var tags []facades.Entity
	if a.Tags != nil {
		tags = a.Tags.Entities
	}
	return eachErr(tags, func(e facades.Entity) error {
		u, err := c.unitByTag(cx.m, e.Tag)
		if err != nil {
			return err
		}
		if !c.resolveUnit(u, a.Retry) {
			return errNotValid("unit %q is not in an error state", u.name)
		}
		return nil
	}), nil
}

func (applicationFacade) ScaleApplications(cx *callCtx, a facades.ScaleApplicationsParamsV2) (facades.ScaleApplicationResults, error) {
	if err := cx.need("write"); err != nil {
		return facades.ScaleApplicationResults{}, err
	}
	c := cx.c
	if cx.m.typ != "caas" {
		return facades.ScaleApplicationResults{}, errNotSupported("scaling applications on a non-container model not supported")
	}
	return facades.ScaleApplicationResults{Results: eachItem(a.Applications, func(s facades.ScaleApplicationParamsV2) (facades.ScaleApplicationResult, error) {
		app, err := c.appFromTag(cx.m, s.ApplicationTag)
		if err != nil {
			return facades.ScaleApplicationResult{}, err
		}
		if s.Scale < 0 {
			return facades.ScaleApplicationResult{}, errNotValid("scale < 0 not valid")
		}
		if s.Scale != 0 && s.ScaleChange != 0 {
			return facades.ScaleApplicationResult{}, errNotValid("requesting both scale and scale-change not valid")
		}
		target := s.Scale
		if s.ScaleChange != 0 {
			target = app.scale + s.ScaleChange
		}
		if target < 0 {
			return facades.ScaleApplicationResult{}, errNotValid("cannot remove more units than currently exist")
		}
		c.scaleTo(app, target)
		return facades.ScaleApplicationResult{Info: &facades.ScaleApplicationInfo{NumUnits: target}}, nil
	})}, nil

}

func (c *Controller) scaleTo(a *application, target int) {
	a.scale = target
	alive := []*unit{}
	for _, u := range a.sortedUnits() {
		if u.life == lifeAlive {
			alive = append(alive, u)
		}
	}
	for len(alive) < target {
		alive = append(alive, c.newUnit(a, nil))
	}
	for i := len(alive) - 1; i >= target; i-- {
		c.destroyUnit(alive[i], false)
	}
	c.ensureSubordinates(a.m)
	a.m.notify()
}

func (applicationFacade) GetCharmURLOrigin(cx *callCtx, a facades.ApplicationGet) (facades.CharmURLOriginResult, error) {
	if err := cx.check("read"); err != nil {
		return facades.CharmURLOriginResult{}, err
	}
	var out facades.CharmURLOriginResult
	app, err := cx.c.app(cx.m, a.Application)
	if err != nil {
		setErr(&out.Error, err)
		return out, nil
	}
	out.URL = app.charmURL
	out.CharmOrigin = app.origin
	if out.CharmOrigin.Source == "local" {
		// The real server records a local charm's archive hash and
		// an instance key for the application (refresh-path-v2.jsonl).
		if app.charm != nil && out.CharmOrigin.Hash == "" {
			out.CharmOrigin.Hash = app.charm.sha256
		}
		if out.CharmOrigin.InstanceKey == "" {
			sum := sha256.Sum256([]byte(cx.m.uuid + "/" + app.name))
			out.CharmOrigin.InstanceKey = base64.RawURLEncoding.EncodeToString(sum[:])
		}
	}
	return out, nil
}

func (applicationFacade) SetCharm(cx *callCtx, a facades.ApplicationSetCharmV2) error {
	if err := cx.check("write"); err != nil {
		return err
	}
	c := cx.c
	app, err := c.app(cx.m, a.Application)
	if err != nil {
		return err
	}
	ch := cx.m.charms[a.CharmURL]
	if ch == nil {
		ch = c.findCharm(cx.m, a.CharmURL)
	}
	if ch == nil {
		return errNotFound("charm %q not found", a.CharmURL)
	}
	if err := checkSetCharmResources(cx.m, app.name, ch, a.ResourceIds); err != nil {
		return err
	}
	if ch.name != app.charm.name && !a.Force {
		// Juju allows switching charms; the simulator only checks that the
		// new charm keeps the endpoints in use.
		for _, r := range cx.m.relations {
			if ep, ok := r.endpointFor(app.name); ok {
				if _, ok := ch.relations[ep.rel.Name]; !ok {
					return errNotValid("cannot upgrade application %q to charm %q: would break relation %q", app.name, ch.url, r.key)
				}
			}
		}
	}
	settings := map[string]any{}
	for k, v := range a.ConfigSettings {
		settings[k] = v
	}
	if y, err := parseConfigYAML(app.name, a.ConfigSettingsYAML); err != nil {
		return err
	} else {
		for k, v := range y {
			settings[k] = v
		}
	}
	cfg, _, _, err := typedConfig(ch, settings)
	if err != nil {
		return err
	}
	stor, err := refreshStorage(cx.m, app, ch, a.StorageDirectives)
	if err != nil {
		return err
	}
	app.storage = stor
	app.charm = ch
	app.charmURL = ch.url
	attachSetCharmResources(cx.m, app, a.ResourceIds)
	if a.CharmOrigin != nil {
		app.origin = *a.CharmOrigin
	}
	if a.Channel != "" {
		app.channel = a.Channel
	}
	for k := range app.config {
		if _, ok := ch.config[k]; !ok {
			delete(app.config, k)
		}
	}
	for k, v := range cfg {
		app.config[k] = v
	}
	for ep := range ch.relations {
		if _, ok := app.bindings[ep]; !ok {
			app.bindings[ep] = "alpha"
		}
	}
	for _, u := range app.sortedUnits() {
		if u.life == lifeAlive && u.ready {
			u.settled = false
			c.queueHooks(u, "upgrade-charm", "config-changed")
		}
	}
	cx.m.notify()
	return nil
}

func (applicationFacade) ApplicationsInfo(cx *callCtx, a facades.Entities) (facades.ApplicationInfoResults, error) {
	if err := cx.check("read"); err != nil {
		return facades.ApplicationInfoResults{}, err
	}
	return facades.ApplicationInfoResults{Results: eachItem(a.Entities, func(e facades.Entity) (facades.ApplicationInfoResult, error) {
		app, err := cx.c.appFromTag(cx.m, e.Tag)
		if err != nil {
			return facades.ApplicationInfoResult{}, err
		}
		b := wireBase(app.base.withRisk())
		cons := app.cons
		r := &facades.ApplicationResult{
			Tag: e.Tag, Charm: app.charm.name, Base: &b, Channel: app.channel, Constraints: &cons,
			Principal: !app.charm.subordinate, Exposed: app.exposed, Life: app.life, EndpointBindings: app.bindings,
		}
		if len(app.exposedEPs) > 0 {
			r.ExposedEndpoints = map[string]facades.ExposedEndpoint{}
			for ep, x := range app.exposedEPs {
				r.ExposedEndpoints[ep] = facades.ExposedEndpoint{ExposeToSpaces: x.Spaces, ExposeToCidrs: x.CIDRs}
			}
		}
		return facades.ApplicationInfoResult{Result: r}, nil
	})}, nil
}

func (applicationFacade) UnitsInfo(cx *callCtx, a facades.Entities) (facades.UnitInfoResults, error) {
	if err := cx.check("read"); err != nil {
		return facades.UnitInfoResults{}, err
	}
	m := cx.m
	return facades.UnitInfoResults{Results: eachItem(a.Entities, func(e facades.Entity) (facades.UnitInfoResult, error) {
		u, err := cx.c.unitByTag(m, e.Tag)
		if err != nil {
			return facades.UnitInfoResult{}, err
		}
		r := &facades.UnitResult{Tag: e.Tag, Charm: u.app.charmURL, Leader: u.leader, Life: u.life,
			WorkloadVersion: u.workloadVersion, OpenedPorts: u.openedPorts}
		if m.typ == "caas" {
			r.Address = u.address
			if u.address != "" {
				r.ProviderID = u.app.name + "-" + strconv.Itoa(u.num)
			}
		} else {
			if u.machine != nil {
				r.Machine = u.machine.id
			}
			r.PublicAddress = u.address
		}
		r.RelationData = cx.c.unitRelationData(m, u)
		return facades.UnitInfoResult{Result: r}, nil
	})}, nil

}
