package core

import (
	"fmt"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/gojuju/juju/internal/facades"
)

// ---- deploying ----

type deploySpec struct {
	name       string
	ch         *charm
	origin     facades.CharmOrigin
	channel    string
	numUnits   int
	config     map[string]string
	configYAML string
	cons       facades.Value
	placement  []facades.Placement
	bindings   map[string]string
	trust      bool
	base       base
	storage    map[string]facades.Directive
	attach     []string // existing storage tags for the (single) unit
}

func errAppNotFound(name string) *Error {
	return errNotFound("application %q not found", name)
}

// parseConfigYAML returns the settings for app from "<app>:\n  k: v".
func parseConfigYAML(app, y string) (map[string]any, error) {
	if strings.TrimSpace(y) == "" {
		return nil, nil
	}
	var all map[string]map[string]any
	if err := yaml.Unmarshal([]byte(y), &all); err != nil {
		return nil, errNotValid("cannot parse config YAML: %v", err)
	}
	if s, ok := all[app]; ok {
		return normaliseYAML(s).(map[string]any), nil
	}
	return nil, nil
}

// typedConfig converts settings to the charm's option types.
func typedConfig(ch *charm, in map[string]any) (map[string]any, bool, *bool, error) {
	out := map[string]any{}
	var trust *bool
	keys := make([]string, 0, len(in))
	for k := range in {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := in[k]
		if k == "trust" {
			b, err := convertOption(k, charmOption{Type: "boolean"}, v)
			if err != nil {
				return nil, false, nil, errNotValid("%v", err)
			}
			bb, _ := b.(bool)
			trust = &bb
			continue
		}
		opt, ok := ch.config[k]
		if !ok {
			return nil, false, nil, errNotValid("unknown option %q", k)
		}
		tv, err := convertOption(k, opt, v)
		if err != nil {
			return nil, false, nil, errNotValid("%v", err)
		}
		out[k] = tv
	}
	return out, trust != nil, trust, nil
}

// deploy creates an application and its units.
func (c *Controller) deploy(m *model, s deploySpec) (*application, error) {
	if !validAppName(s.name) {
		return nil, errNotValid("invalid application name %q", s.name)
	}
	if m.life != lifeAlive {
		return nil, errNotValid("cannot deploy %q: model is being destroyed", s.name)
	}
	if _, ok := m.apps[s.name]; ok {
		return nil, errAlreadyExists("cannot add application %q: application already exists", s.name)
	}
	if s.numUnits < 0 {
		return nil, errNotValid("cannot deploy %q: number of units must be non-negative", s.name)
	}
	if s.ch.subordinate && s.numUnits > 0 {
		return nil, errNotValid("cannot deploy %q: subordinate application must be deployed without units", s.name)
	}
	settings := map[string]any{}
	fromYAML, err := parseConfigYAML(s.name, s.configYAML)
	if err != nil {
		return nil, err
	}
	for k, v := range fromYAML {
		settings[k] = v
	}
	for k, v := range s.config {
		settings[k] = v
	}
	cfg, hasTrust, trust, err := typedConfig(s.ch, settings)
	if err != nil {
		return nil, err
	}
	if hasTrust {
		s.trust = *trust
	}
	for ep, sp := range s.bindings {
		if ep != "" {
			if _, ok := s.ch.relations[ep]; !ok {
				return nil, errNotValid("cannot deploy %q: endpoint %q not found in charm", s.name, ep)
			}
		}
		if sp != "alpha" && sp != "" {
			return nil, errNotFound("space %q not found", sp)
		}
	}
	stor, err := checkDeployStorage(m, s.name, s.ch, s.storage)
	if err != nil {
		return nil, err
	}
	attach, err := c.checkAttachNew(m, s.name, s.ch, s.attach)
	if err != nil {
		return nil, err
	}
	if len(attach) > 0 && s.numUnits != 1 {
		return nil, errNotValid("cannot deploy %q: AttachStorage is non-empty, but NumUnits is %d", s.name, s.numUnits)
	}
	// Check placement before changing anything.
	if m.typ != "caas" {
		for _, p := range s.placement {
			if err := c.checkPlacement(m, p); err != nil {
				return nil, err
			}
		}
	}
	now := c.now()
	a := &application{
		m: m, name: s.name, charm: s.ch, charmURL: s.ch.url, origin: s.origin, base: s.base, channel: s.channel,
		life: lifeAlive, created: now, config: cfg, trust: s.trust, cons: s.cons, units: map[string]*unit{},
		bindings: map[string]string{"": "alpha"}, storage: stor, attachNext: attach,
	}
	if a.cons.Arch == "" && m.typ != "caas" {
		a.cons.Arch = "amd64"
		if s.origin.Architecture != "" {
			a.cons.Arch = s.origin.Architecture
		}
	}
	for ep := range s.ch.relations {
		a.bindings[ep] = "alpha"
	}
	if b, ok := c.behaviourFor(m.uuid, s.name); ok {
		a.behaviour = b
	}
	m.apps[s.name] = a
	c.record(m, "application", "application-"+a.name, c.appDisplayStatus(a))
	c.logf(m, "machine-0", "INFO", "juju.apiserver.application", "deployed application %q (%s)", a.name, a.charmURL)
	// Peer relations come with the application.
	for _, ep := range s.ch.endpointNames() {
		rel := s.ch.relations[ep]
		if rel.Role == "peer" {
			c.addRelation(m, []relEndpoint{{app: a.name, rel: rel}})
		}
	}
	if m.typ == "caas" {
		a.scale = s.numUnits
	}
	for i := 0; i < s.numUnits; i++ {
		var p *facades.Placement
		if i < len(s.placement) {
			p = &s.placement[i]
		}
		if _, err := c.addUnit(a, p); err != nil {
			return a, err
		}
	}
	m.notify()
	return a, nil
}

func (c *Controller) checkPlacement(m *model, p facades.Placement) error {
	switch p.Scope {
	case "#":
		mc, ok := m.machines[p.Directive]
		if !ok || mc.life != lifeAlive {
			return errNotFound("machine %q not found", p.Directive)
		}
	case "lxd", "kvm":
		if p.Directive != "" {
			mc, ok := m.machines[p.Directive]
			if !ok || mc.life != lifeAlive {
				return errNotFound("machine %q not found", p.Directive)
			}
		}
	case "", m.uuid:
	default:
		return errNotValid("invalid placement scope %q", p.Scope)
	}
	return nil
}

// addUnit adds one unit, placing it as asked.
func (c *Controller) addUnit(a *application, p *facades.Placement) (*unit, error) {
	m := a.m
	if m.typ == "caas" {
		return c.newUnit(a, nil), nil
	}
	cons := consString(mergeCons(a.cons, m.constraints))
	var host *machine
	if p != nil {
		if err := c.checkPlacement(m, *p); err != nil {
			return nil, err
		}
		switch p.Scope {
		case "#":
			host = m.machines[p.Directive]
		case "lxd", "kvm":
			parent := m.machines[p.Directive]
			if parent == nil {
				parent = c.addMachine(m, a.base, cons, nil, "", true)
			}
			host = c.addMachine(m, a.base, cons, parent, p.Scope, true)
		}
	}
	if host == nil {
		host = c.addMachine(m, a.base, cons, nil, "", true)
	}
	return c.newUnit(a, host), nil
}

// ensureSubordinates gives every principal unit related to a subordinate
// application over a container-scoped relation its subordinate unit.
func (c *Controller) ensureSubordinates(m *model) {
	for _, r := range m.sortedRelations() {
		if r.life != lifeAlive || r.scope != "container" || r.isPeer() {
			continue
		}
		var sub, prin *application
		for _, e := range r.endpoints {
			a := m.apps[e.app]
			if a == nil {
				continue
			}
			if a.charm.subordinate {
				sub = a
			} else {
				prin = a
			}
		}
		if sub == nil || prin == nil || sub.life != lifeAlive {
			continue
		}
		for _, pu := range prin.sortedUnits() {
			if pu.life != lifeAlive {
				continue
			}
			has := false
			for _, su := range pu.subs {
				has = has || su.app == sub
			}
			if has {
				continue
			}
			su := c.newUnit(sub, nil)
			su.principal = pu
			su.machine = pu.machine
			if pu.subs == nil {
				pu.subs = map[string]*unit{}
			}
			pu.subs[su.name] = su
			if pu.ready {
				c.unitHostReady(su)
			}
		}
	}
}

func (applicationFacade) Deploy(cx *callCtx, a facades.ApplicationsDeploy) (facades.ErrorResults, error) {
	if err := cx.check("write"); err != nil {
		return facades.ErrorResults{}, err
	}
	c := cx.c
	return eachErr(a.Applications, func(d facades.ApplicationDeploy) error {
		ch, ok := cx.m.charms[d.CharmURL]
		if !ok {
			ch = c.findCharm(cx.m, d.CharmURL)
		}
		if ch == nil {
			return errNotFound("charm %q not found", d.CharmURL)
		}
		origin := facades.CharmOrigin{Source: "local", Type: "charm", Architecture: "amd64"}
		if d.CharmOrigin != nil {
			origin = *d.CharmOrigin
			if origin.Architecture == "" {
				origin.Architecture = "amd64"
			}
		}
		b := defaultBase
		if origin.Base != nil && origin.Base.Name != "" {
			b = base{Name: origin.Base.Name, Channel: origin.Base.Channel}
		} else if len(ch.bases) > 0 {
			b = base{Name: ch.bases[0].Name, Channel: ch.bases[0].Channel}
		}
		if d.Application == "" {
			d.Application = ch.name
		}
		spec := deploySpec{name: d.Application, ch: ch, origin: origin, channel: d.Channel, numUnits: d.NumUnits,
			config: d.Config, configYAML: d.ConfigYAML, cons: d.Constraints, placement: d.Placement, bindings: d.EndpointBindings, base: b,
			storage: d.Storage, attach: d.AttachStorage}
		if err := checkPendingResources(cx.m, d.Application, ch, d.Resources); err != nil {
			return err
		}
		if err := checkAllPending(c, ch, d.Resources); err != nil {
			return err
		}
		app, err := c.deploy(cx.m, spec)
		if app != nil {
			c.attachDeployResources(cx.m, app, d.Resources, nil)
		}
		if e := AsError(err); e != nil && e.Code == CodeAlreadyExists && c.is4() {
			// As the real 4.0.15 server's Application.Deploy: the
			// domain error, without a code.
			kind := "IAAS"
			if cx.m.typ == "caas" {
				kind = "CAAS"
			}
			return newErr("", "cannot deploy %[1]q: creating application %[1]q: creating %[2]s application %[1]q: inserting %[2]s application %[1]q: checking if application %[1]q exists: application already exists", d.Application, kind)
		}
		return err
	}), nil
}

// findCharm looks a charm URL up ignoring the architecture segment.
func (c *Controller) findCharm(m *model, url string) *charm {
	u, err := parseCurl(url)
	if err != nil {
		return nil
	}
	for _, ch := range m.charms {
		if ch.name == u.name && ch.schema == u.schema && (u.revision < 0 || ch.revision == u.revision) {
			return ch
		}
	}
	return nil
}

func (applicationFacade) DeployFromRepository(cx *callCtx, a facades.DeployFromRepositoryArgs) (facades.DeployFromRepositoryResults, error) {
	if err := cx.check("write"); err != nil {
		return facades.DeployFromRepositoryResults{}, err
	}
	c := cx.c
	m := cx.m
	out := facades.DeployFromRepositoryResults{Results: make([]facades.DeployFromRepositoryResult, len(a.Args))}
	for i, d := range a.Args {
		res := &out.Results[i]
		fail := func(err error) { appendErr(&res.Errors, err) }
		if !c.is4() && strings.ContainsAny(d.CharmName, ":/") {
			// Juju 3.6 takes a charm URL too (python-libjuju sends the
			// one ResolveCharms gave, with its series):
			// ch:amd64/jammy/postgresql-468.
			u, err := parseCurl(d.CharmName)
			if err == nil && u.schema != "ch" {
				err = fmt.Errorf("unsupported charm schema %q: only charm-hub charms can be deployed from a repository", u.schema)
			}
			if err != nil {
				fail(errNotValid("%v", err))
				continue
			}
			d.CharmName = u.name
			if d.Revision == nil && u.revision >= 0 {
				d.Revision = &u.revision
			}
			if d.Cons.Arch == "" {
				d.Cons.Arch = u.arch
			}
			if b, ok := baseOfSeries(u.series); ok && (d.Base == nil || d.Base.Name == "") {
				d.Base = &facades.Base{Name: b.Name, Channel: b.Channel}
			}
		}
		h, ok := c.hubLookup(d.CharmName)
		if !ok {
			fail(errNotFound("charm or bundle %q not found", d.CharmName))
			continue
		}
		if h.k8s && m.typ != "caas" {
			fail(errNotValid("cannot deploy %q: charm requires a Kubernetes model", d.CharmName))
			continue
		}
		numUnits := 1 // absent num-units means 1 on the real server
		if d.NumUnits != nil {
			numUnits = *d.NumUnits
		}
		if h.subordinate {
			numUnits = 0
		}
		reqChannel := ""
		if d.Channel != nil {
			reqChannel = *d.Channel
		}
		rev := -1
		if d.Revision != nil {
			rev = *d.Revision
		}
		channel := reqChannel
		if channel == "" {
			channel = h.channel
		} else if !strings.Contains(channel, "/") {
			switch channel {
			case "stable", "candidate", "beta", "edge":
				track := "latest"
				if t, _, ok := strings.Cut(h.channel, "/"); ok {
					track = t
				}
				channel = track + "/" + channel
			default:
				channel += "/stable"
			}
		}
		arch := d.Cons.Arch
		if arch == "" {
			arch = "amd64"
		}
		ch := h.toCharm(arch, rev)
		var b base
		if d.Base != nil && d.Base.Name != "" {
			b = base{Name: d.Base.Name, Channel: d.Base.Channel}
			okBase := false
			for _, cb := range ch.bases {
				okBase = okBase || (cb.Name == b.Name && base{Channel: cb.Channel}.track() == b.track())
			}
			if !okBase {
				fail(newErr(CodeIncompatibleBase, "base %q not supported by charm %q, supported bases are: %s", b.String(), ch.name, basesString(ch)))
				continue
			}
		} else {
			b = base{Name: ch.bases[0].Name, Channel: ch.bases[0].Channel}
			// The model's default-base wins when the charm supports it.
			if db, ok := parseBaseString(configString(m, "default-base")); ok {
				for _, cb := range ch.bases {
					if cb.Name == db.Name && (base{Channel: cb.Channel}).track() == db.track() {
						b = base{Name: cb.Name, Channel: cb.Channel}
					}
				}
			}
		}
		appName := d.ApplicationName
		if appName == "" {
			appName = ch.name
		}
		risk := channel
		track := ""
		if t, r, ok := strings.Cut(channel, "/"); ok {
			track, risk = t, r
		}
		wb := wireBase(b.noRisk())
		res.Info = facades.DeployFromRepositoryInfo{Architecture: arch, Base: &wb, Channel: channel, Name: appName, Revision: ch.revision}
		if m.typ == "caas" && !h.k8s {
			res.Info.Warnings = append(res.Info.Warnings, fmt.Sprintf("charm %q is not a Kubernetes charm", ch.name))
		}
		if err := checkRepoResources(appName, ch, d.Resources); err != nil {
			fail(err)
			res.Info = facades.DeployFromRepositoryInfo{}
			continue
		}
		if d.DryRun {
			continue
		}
		if existing, ok := m.charms[ch.url]; ok {
			ch = existing
		} else {
			m.charms[ch.url] = ch
		}
		rb := wireBase(b.withRisk())
		rv := ch.revision
		origin := facades.CharmOrigin{Source: "charm-hub", Type: "charm", ID: "sim-" + ch.name, Hash: "", Risk: risk,
			Revision: &rv, Architecture: arch, Base: &rb}
		if track != "" {
			origin.Track = &track
		}
		spec := deploySpec{name: appName, ch: ch, origin: origin, channel: channel, numUnits: numUnits, configYAML: d.ConfigYAML,
			cons: d.Cons, placement: d.Placement, bindings: d.EndpointBindings, trust: d.Trust, base: b,
			storage: d.Storage, attach: d.AttachStorage}
		app, err := c.deploy(m, spec)
		if err != nil {
			fail(err)
			res.Info = facades.DeployFromRepositoryInfo{}
		}
		if app != nil {
			res.PendingResourceUploads = c.attachDeployResources(m, app, nil, d.Resources)
		}
	}
	return out, nil
}

// parseBaseString parses "ubuntu@22.04[/risk]".
func parseBaseString(s string) (base, bool) {
	name, ch, ok := strings.Cut(s, "@")
	if !ok || name == "" || ch == "" {
		return base{}, false
	}
	return base{Name: name, Channel: ch}, true
}

func basesString(ch *charm) string {
	var out []string
	for _, b := range ch.bases {
		out = append(out, b.Name+"@"+base{Channel: b.Channel}.track())
	}
	return strings.Join(out, ", ")
}

func (c *Controller) app(m *model, name string) (*application, error) {
	a, ok := m.apps[name]
	if !ok {
		return nil, errAppNotFound(name)
	}
	return a, nil
}

func (c *Controller) appFromTag(m *model, tag string) (*application, error) {
	name, ok := parseTag(tag, "application")
	if !ok {
		return nil, errNotValid("%q is not a valid application tag", tag)
	}
	return c.app(m, name)
}

func (applicationFacade) AddUnits(cx *callCtx, a facades.AddApplicationUnits) (facades.AddApplicationUnitsResults, error) {
	if err := cx.check("write"); err != nil {
		return facades.AddApplicationUnitsResults{}, err
	}
	c := cx.c
	app, err := c.app(cx.m, a.Application)
	if err != nil {
		return facades.AddApplicationUnitsResults{}, err
	}
	if cx.m.typ == "caas" {
		// Juju 4 words it anew; 3.6 says it as the Juju 3 code did.
		if cx.is4() {
			return facades.AddApplicationUnitsResults{}, errNotSupported("adding units to a container-based model is not supported")
		}
		return facades.AddApplicationUnitsResults{}, errNotSupported("adding units to a container-based model not supported")
	}
	if app.charm.subordinate {
		return facades.AddApplicationUnitsResults{}, errNotValid("cannot add unit to application %q: application is a subordinate", a.Application)
	}
	if app.life != lifeAlive {
		return facades.AddApplicationUnitsResults{}, errNotValid("cannot add unit to application %q: application is not alive", a.Application)
	}
	if a.NumUnits < 1 {
		return facades.AddApplicationUnitsResults{}, errNotValid("must add at least one unit")
	}
	for _, pl := range a.Placement {
		if err := c.checkPlacement(cx.m, pl); err != nil {
			return facades.AddApplicationUnitsResults{}, err
		}
	}
	attach, err := c.checkAttachNew(cx.m, app.name, app.charm, a.AttachStorage)
	if err != nil {
		return facades.AddApplicationUnitsResults{}, err
	}
	if len(attach) > 0 && a.NumUnits != 1 {
		return facades.AddApplicationUnitsResults{}, errNotValid("AttachStorage is non-empty, but NumUnits is %d", a.NumUnits)
	}
	app.attachNext = attach
	out := facades.AddApplicationUnitsResults{Units: []string{}}
	for i := 0; i < a.NumUnits; i++ {
		var pl *facades.Placement
		if i < len(a.Placement) {
			pl = &a.Placement[i]
		}
		u, err := c.addUnit(app, pl)
		if err != nil {
			return facades.AddApplicationUnitsResults{}, err
		}
		out.Units = append(out.Units, u.name)
		if cx.m.typ == "caas" {
			app.scale++
		}
	}
	c.ensureSubordinates(cx.m)
	return out, nil
}

func (c *Controller) unitByTag(m *model, tag string) (*unit, error) {
	name, ok := unitNameFromTag(tag)
	if !ok {
		return nil, errNotValid("%q is not a valid unit tag", tag)
	}
	return c.unitByName(m, name)
}

func (c *Controller) unitByName(m *model, name string) (*unit, error) {
	app, _, ok := splitUnitName(name)
	if !ok {
		return nil, errNotValid("%q is not a valid unit name", name)
	}
	if a, ok := m.apps[app]; ok {
		if u, ok := a.units[name]; ok {
			return u, nil
		}
	}
	return nil, errNotFound("unit %q not found", name)
}

func (applicationFacade) DestroyUnit(cx *callCtx, a facades.DestroyUnitsParams) (facades.DestroyUnitResults, error) {
	if err := cx.check("write"); err != nil {
		return facades.DestroyUnitResults{}, err
	}
	c := cx.c
	if cx.m.typ == "caas" {
		// (sic: real controllers say "non-container" for a container model)
		return facades.DestroyUnitResults{}, errNotSupported("removing units on a non-container model not supported")
	}
	return facades.DestroyUnitResults{Results: eachItem(a.Units, func(d facades.DestroyUnitParams) (facades.DestroyUnitResult, error) {
		u, err := c.unitByTag(cx.m, d.UnitTag)
		if err != nil {
			return facades.DestroyUnitResult{}, err
		}
		if u.principal != nil {
			return facades.DestroyUnitResult{}, errNotValid("unit %q is a subordinate, to remove use remove-relation", u.name)
		}
		res := facades.DestroyUnitResult{Info: &facades.DestroyUnitInfo{}}
		for _, si := range unitStorage(u, "") {
			if d.DestroyStorage {
				res.Info.DestroyedStorage = append(res.Info.DestroyedStorage, facades.Entity{Tag: storageTag(si.id)})
			} else {
				res.Info.DetachedStorage = append(res.Info.DetachedStorage, facades.Entity{Tag: storageTag(si.id)})
			}
		}
		if d.DryRun {
			return res, nil
		}
		u.destroyStorage = d.DestroyStorage
		c.destroyUnit(u, d.Force)
		if d.Force && d.MaxWait != nil && *d.MaxWait == 0 {
			c.removeUnitNow(u)
		}
		return res, nil
	})}, nil
}

func (applicationFacade) DestroyApplication(cx *callCtx, a facades.DestroyApplicationsParams) (facades.DestroyApplicationResults, error) {
	if err := cx.check("write"); err != nil {
		return facades.DestroyApplicationResults{}, err
	}
	c := cx.c
	return facades.DestroyApplicationResults{Results: eachItem(a.Applications, func(d facades.DestroyApplicationParams) (facades.DestroyApplicationResult, error) {
		app, err := c.appFromTag(cx.m, d.ApplicationTag)
		if err != nil {
			return facades.DestroyApplicationResult{}, err
		}
		info := &facades.DestroyApplicationInfo{}
		for _, u := range app.sortedUnits() {
			info.DestroyedUnits = append(info.DestroyedUnits, facades.Entity{Tag: unitTag(u.name)})
			for _, si := range unitStorage(u, "") {
				if d.DestroyStorage {
					info.DestroyedStorage = append(info.DestroyedStorage, facades.Entity{Tag: storageTag(si.id)})
				} else {
					info.DetachedStorage = append(info.DetachedStorage, facades.Entity{Tag: storageTag(si.id)})
				}
			}
		}
		res := facades.DestroyApplicationResult{Info: info}
		if d.DryRun {
			return res, nil
		}
		for _, u := range app.sortedUnits() {
			u.destroyStorage = d.DestroyStorage
		}
		c.destroyApp(app, d.Force)
		if d.Force && d.MaxWait != nil && *d.MaxWait == 0 {
			for _, u := range app.sortedUnits() {
				c.removeUnitNow(u)
			}
			c.removeAppNow(app)
		}
		return res, nil
	})}, nil

}
