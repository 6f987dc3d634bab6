package core

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
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
		bindings: map[string]string{"": "alpha"},
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
	if b, ok := c.behaviours[m.uuid+"/"+s.name]; ok {
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

func appDeploy(cx *callCtx, p json.RawMessage) (any, error) {
	a, err := params[facades.ApplicationsDeploy](cx, "write", p)
	if err != nil {
		return nil, err
	}
	c := cx.c
	errs := make([]error, len(a.Applications))
	for i, d := range a.Applications {
		ch, ok := cx.m.charms[d.CharmURL]
		if !ok {
			ch = c.findCharm(cx.m, d.CharmURL)
		}
		if ch == nil {
			errs[i] = errNotFound("charm %q not found", d.CharmURL)
			continue
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
			config: d.Config, configYAML: d.ConfigYAML, cons: d.Constraints, placement: d.Placement, bindings: d.EndpointBindings, base: b}
		if err := checkPendingResources(cx.m, d.Application, ch, d.Resources); err != nil {
			errs[i] = err
			continue
		}
		app, err := c.deploy(cx.m, spec)
		if err != nil {
			errs[i] = err
		}
		if app != nil {
			c.attachDeployResources(cx.m, app, d.Resources, nil)
		}
	}
	return errorResults(errs), nil
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

func appDeployFromRepository(cx *callCtx, p json.RawMessage) (any, error) {
	a, err := params[facades.DeployFromRepositoryArgs](cx, "write", p)
	if err != nil {
		return nil, err
	}
	c := cx.c
	m := cx.m
	out := facades.DeployFromRepositoryResults{Results: make([]facades.DeployFromRepositoryResult, len(a.Args))}
	for i, d := range a.Args {
		res := &out.Results[i]
		fail := func(err error) { appendErr(&res.Errors, err) }
		h, ok := hubLookup(d.CharmName)
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
			if reqChannel == "" {
				fail(errBadRequest("specifying a revision requires a channel for future upgrades"))
				continue
			}
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
			cons: d.Cons, placement: d.Placement, bindings: d.EndpointBindings, trust: d.Trust, base: b}
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

func appAddUnits(cx *callCtx, p json.RawMessage) (any, error) {
	a, err := params[facades.AddApplicationUnits](cx, "write", p)
	if err != nil {
		return nil, err
	}
	c := cx.c
	app, err := c.app(cx.m, a.Application)
	if err != nil {
		return nil, err
	}
	if cx.m.typ == "caas" && cx.is4() {
		return nil, errNotSupported("adding units to a container-based model is not supported")
	}
	if app.charm.subordinate {
		return nil, errNotValid("cannot add unit to application %q: application is a subordinate", a.Application)
	}
	if app.life != lifeAlive {
		return nil, errNotValid("cannot add unit to application %q: application is not alive", a.Application)
	}
	if a.NumUnits < 1 {
		return nil, errNotValid("must add at least one unit")
	}
	for _, pl := range a.Placement {
		if err := c.checkPlacement(cx.m, pl); err != nil {
			return nil, err
		}
	}
	out := facades.AddApplicationUnitsResults{Units: []string{}}
	for i := 0; i < a.NumUnits; i++ {
		var pl *facades.Placement
		if i < len(a.Placement) {
			pl = &a.Placement[i]
		}
		u, err := c.addUnit(app, pl)
		if err != nil {
			return nil, err
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

func appDestroyUnit(cx *callCtx, p json.RawMessage) (any, error) {
	a, err := params[facades.DestroyUnitsParams](cx, "write", p)
	if err != nil {
		return nil, err
	}
	c := cx.c
	if cx.m.typ == "caas" && cx.is4() {
		return nil, errNotSupported("removing units on a non-container model is not supported")
	}
	out := facades.DestroyUnitResults{Results: make([]facades.DestroyUnitResult, len(a.Units))}
	for i, d := range a.Units {
		u, err := c.unitByTag(cx.m, d.UnitTag)
		if err != nil {
			setErr(&out.Results[i].Error, err)
			continue
		}
		if u.principal != nil {
			setErr(&out.Results[i].Error, errNotValid("unit %q is a subordinate, to remove use remove-relation", u.name))
			continue
		}
		out.Results[i].Info = &facades.DestroyUnitInfo{}
		if d.DryRun {
			continue
		}
		c.destroyUnit(u, d.Force)
		if d.Force && d.MaxWait != nil && *d.MaxWait == 0 {
			c.removeUnitNow(u)
		}
	}
	return out, nil
}

func appDestroyApplication(cx *callCtx, p json.RawMessage) (any, error) {
	a, err := params[facades.DestroyApplicationsParams](cx, "write", p)
	if err != nil {
		return nil, err
	}
	c := cx.c
	out := facades.DestroyApplicationResults{Results: make([]facades.DestroyApplicationResult, len(a.Applications))}
	for i, d := range a.Applications {
		app, err := c.appFromTag(cx.m, d.ApplicationTag)
		if err != nil {
			setErr(&out.Results[i].Error, err)
			continue
		}
		info := &facades.DestroyApplicationInfo{}
		for _, u := range app.sortedUnits() {
			info.DestroyedUnits = append(info.DestroyedUnits, facades.Entity{Tag: unitTag(u.name)})
		}
		out.Results[i].Info = info
		if d.DryRun {
			continue
		}
		c.destroyApp(app, d.Force)
		if d.Force && d.MaxWait != nil && *d.MaxWait == 0 {
			for _, u := range app.sortedUnits() {
				c.removeUnitNow(u)
			}
			c.removeAppNow(app)
		}
	}
	return out, nil
}

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
	apps := make([]*application, 2)
	for i, r := range refs {
		a, ok := m.apps[r.app]
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

func appAddRelation(cx *callCtx, p json.RawMessage) (any, error) {
	a, err := params[facades.AddRelation](cx, "write", p)
	if err != nil {
		return nil, err
	}
	c := cx.c
	m := cx.m
	refs := make([]epRef, len(a.Endpoints))
	for i, s := range a.Endpoints {
		r, err := parseEndpoint(s)
		if err != nil {
			return nil, err
		}
		refs[i] = r
	}
	eps, err := c.inferRelation(m, refs)
	if err != nil {
		return nil, err
	}
	for _, e := range eps {
		if m.apps[e.app].life != lifeAlive {
			return nil, errNotValid("cannot add relation %q: application %q is not alive", relationKey(eps), e.app)
		}
	}
	key := relationKey(eps)
	for _, r := range m.relations {
		if r.key == key {
			return nil, errAlreadyExists("relation %s already exists", key)
		}
	}
	c.addRelation(m, eps)
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

func appDestroyRelation(cx *callCtx, p json.RawMessage) (any, error) {
	a, err := params[facades.DestroyRelation](cx, "write", p)
	if err != nil {
		return nil, err
	}
	c := cx.c
	m := cx.m
	var rel *relation
	if len(a.Endpoints) > 0 {
		refs := make([]epRef, len(a.Endpoints))
		for i, s := range a.Endpoints {
			r, err := parseEndpoint(s)
			if err != nil {
				return nil, err
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
			return nil, errNotFound("relation %q not found", strings.Join(a.Endpoints, " "))
		}
	} else {
		r, ok := m.relations[a.RelationID]
		if !ok {
			return nil, errNotFound("relation %d not found", a.RelationID)
		}
		rel = r
	}
	if rel.isPeer() {
		return nil, errNotValid("cannot destroy peer relation %q", rel.key)
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
	return struct{}{}, nil
}

// ---- config ----

func (c *Controller) appConfigView(a *application) map[string]any {
	out := make(map[string]any, len(a.charm.config))
	for name, opt := range a.charm.config {
		e := map[string]any{"type": opt.Type}
		if opt.Description != "" {
			e["description"] = opt.Description
		}
		if opt.Default != nil {
			e["default"] = opt.Default
		}
		if v, ok := a.config[name]; ok {
			e["value"] = v
			e["source"] = "user"
		} else if opt.Default != nil {
			e["value"] = opt.Default
			e["source"] = "default"
		} else {
			e["source"] = "unset"
		}
		out[name] = e
	}
	return out
}

func appGet(cx *callCtx, p json.RawMessage) (any, error) {
	a, err := params[facades.ApplicationGet](cx, "read", p)
	if err != nil {
		return nil, err
	}
	c := cx.c
	app, ok := cx.m.apps[a.Application]
	if !ok {
		// The real 4.0 server words this one without quotes.
		return nil, errNotFound("application %s not found", a.Application)
	}
	trustSource := "default"
	if app.trust {
		trustSource = "user"
	}
	return facades.ApplicationGetResults{
		Application: app.name,
		ApplicationConfig: map[string]any{"trust": map[string]any{
			"default": false, "description": "Does this application have access to trusted credentials",
			"source": trustSource, "type": "bool", "value": app.trust,
		}},
		Base:             wireBase(app.base.noRisk()),
		Channel:          app.channel,
		Charm:            app.charm.name,
		Config:           c.appConfigView(app),
		Constraints:      app.cons,
		EndpointBindings: app.bindings,
	}, nil
}

func appCharmConfig(cx *callCtx, p json.RawMessage) (any, error) {
	a, err := params[facades.ApplicationGetArgs](cx, "read", p)
	if err != nil {
		return nil, err
	}
	out := facades.ApplicationGetConfigResults{Results: make([]facades.ConfigResult, len(a.Args))}
	for i, g := range a.Args {
		app, err := cx.c.app(cx.m, g.Application)
		if err != nil {
			setErr(&out.Results[i].Error, err)
			continue
		}
		out.Results[i].Config = cx.c.appConfigView(app)
	}
	return out, nil
}

func appSetConfigs(cx *callCtx, p json.RawMessage) (any, error) {
	a, err := params[facades.ConfigSetArgs](cx, "write", p)
	if err != nil {
		return nil, err
	}
	c := cx.c
	errs := make([]error, len(a.Args))
	for i, s := range a.Args {
		app, err := c.app(cx.m, s.Application)
		if err != nil {
			errs[i] = err
			continue
		}
		settings := map[string]any{}
		y, err := parseConfigYAML(app.name, s.ConfigYAML)
		if err != nil {
			errs[i] = err
			continue
		}
		for k, v := range y {
			settings[k] = v
		}
		for k, v := range s.Config {
			settings[k] = v
		}
		cfg, hasTrust, trust, err := typedConfig(app.charm, settings)
		if err != nil {
			errs[i] = err
			continue
		}
		for k, v := range cfg {
			app.config[k] = v
		}
		if hasTrust {
			app.trust = *trust
		}
		c.configChanged(app)
	}
	return errorResults(errs), nil
}

func (c *Controller) configChanged(a *application) {
	for _, u := range a.sortedUnits() {
		if u.life == lifeAlive && u.ready {
			u.settled = false
			c.queueHooks(u, "config-changed")
		}
	}
	a.m.notify()
}

func appUnsetConfig(cx *callCtx, p json.RawMessage) (any, error) {
	a, err := params[facades.ApplicationConfigUnsetArgs](cx, "write", p)
	if err != nil {
		return nil, err
	}
	c := cx.c
	errs := make([]error, len(a.Args))
	for i, s := range a.Args {
		app, err := c.app(cx.m, s.Application)
		if err != nil {
			errs[i] = err
			continue
		}
		for _, k := range s.Options {
			if k == "trust" {
				app.trust = false
				continue
			}
			if _, ok := app.charm.config[k]; !ok {
				errs[i] = errNotValid("unknown option %q", k)
				break
			}
			delete(app.config, k)
		}
		if errs[i] == nil {
			c.configChanged(app)
		}
	}
	return errorResults(errs), nil
}

// ---- expose, constraints, leader, resolve, scale, charm ----

func appExpose(cx *callCtx, p json.RawMessage) (any, error) {
	a, err := params[facades.ApplicationExpose](cx, "write", p)
	if err != nil {
		return nil, err
	}
	app, err := cx.c.app(cx.m, a.Application)
	if err != nil {
		return nil, err
	}
	if app.charm.subordinate {
		return nil, errNotValid("cannot expose subordinate application %q", app.name)
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
				return nil, errNotValid("endpoint %q not found", ep)
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
	return struct{}{}, nil
}

func appUnexpose(cx *callCtx, p json.RawMessage) (any, error) {
	a, err := params[facades.ApplicationUnexpose](cx, "write", p)
	if err != nil {
		return nil, err
	}
	app, err := cx.c.app(cx.m, a.Application)
	if err != nil {
		return nil, err
	}
	if len(a.ExposedEndpoints) == 0 {
		app.exposed = false
		app.exposedEPs = nil
	} else {
		for _, ep := range a.ExposedEndpoints {
			if _, ok := app.exposedEPs[ep]; !ok {
				return nil, errNotValid("endpoint %q is not exposed", ep)
			}
		}
		for _, ep := range a.ExposedEndpoints {
			delete(app.exposedEPs, ep)
		}
		app.exposed = len(app.exposedEPs) > 0
	}
	cx.m.notify()
	return struct{}{}, nil
}

func appSetConstraints(cx *callCtx, p json.RawMessage) (any, error) {
	a, err := params[facades.SetConstraints](cx, "write", p)
	if err != nil {
		return nil, err
	}
	app, err := cx.c.app(cx.m, a.Application)
	if err != nil {
		return nil, err
	}
	if app.charm.subordinate {
		return nil, errNotValid("cannot set constraints on subordinate application %q", app.name)
	}
	app.cons = a.Constraints
	cx.m.notify()
	return struct{}{}, nil
}

func appGetConstraints(cx *callCtx, p json.RawMessage) (any, error) {
	a, err := params[facades.Entities](cx, "read", p)
	if err != nil {
		return nil, err
	}
	out := facades.ApplicationGetConstraintsResults{Results: make([]facades.ApplicationConstraint, len(a.Entities))}
	for i, e := range a.Entities {
		app, err := cx.c.appFromTag(cx.m, e.Tag)
		if err != nil {
			setErr(&out.Results[i].Error, err)
			continue
		}
		out.Results[i].Constraints = app.cons
	}
	return out, nil
}

func appLeader(cx *callCtx, p json.RawMessage) (any, error) {
	a, err := params[facades.Entity](cx, "read", p)
	if err != nil {
		return nil, err
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

func appResolveUnitErrors(cx *callCtx, p json.RawMessage) (any, error) {
	a, err := params[facades.UnitsResolved](cx, "write", p)
	if err != nil {
		return nil, err
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
	errs := make([]error, len(tags))
	for i, e := range tags {
		u, err := c.unitByTag(cx.m, e.Tag)
		if err != nil {
			errs[i] = err
			continue
		}
		if !c.resolveUnit(u, a.Retry) {
			errs[i] = errNotValid("unit %q is not in an error state", u.name)
		}
	}
	return errorResults(errs), nil
}

func appScaleApplications(cx *callCtx, p json.RawMessage) (any, error) {
	if err := cx.need("write"); err != nil {
		return nil, err
	}
	c := cx.c
	if cx.m.typ != "caas" {
		return nil, errNotSupported("scaling applications on a non-container model is not supported")
	}
	var a facades.ScaleApplicationsParamsV2
	if err := decode(p, &a); err != nil {
		return nil, err
	}
	out := facades.ScaleApplicationResults{Results: make([]facades.ScaleApplicationResult, len(a.Applications))}
	for i, s := range a.Applications {
		app, err := c.appFromTag(cx.m, s.ApplicationTag)
		if err != nil {
			setErr(&out.Results[i].Error, err)
			continue
		}
		if (s.Scale != 0 && s.ScaleChange != 0) || (s.Scale < 0 && s.ScaleChange == 0) {
			setErr(&out.Results[i].Error, errNotValid("requesting both scale and scale-change not valid"))
			continue
		}
		target := s.Scale
		if s.ScaleChange != 0 {
			target = app.scale + s.ScaleChange
		}
		if target < 0 {
			setErr(&out.Results[i].Error, errNotValid("cannot remove more units than currently exist"))
			continue
		}
		c.scaleTo(app, target)
		out.Results[i].Info = &facades.ScaleApplicationInfo{NumUnits: target}
	}
	return out, nil
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

func appGetCharmURLOrigin(cx *callCtx, p json.RawMessage) (any, error) {
	a, err := params[facades.ApplicationGet](cx, "read", p)
	if err != nil {
		return nil, err
	}
	var out facades.CharmURLOriginResult
	app, err := cx.c.app(cx.m, a.Application)
	if err != nil {
		setErr(&out.Error, err)
		return out, nil
	}
	out.URL = app.charmURL
	out.CharmOrigin = app.origin
	return out, nil
}

func appSetCharm(cx *callCtx, p json.RawMessage) (any, error) {
	a, err := params[facades.ApplicationSetCharmV2](cx, "write", p)
	if err != nil {
		return nil, err
	}
	c := cx.c
	app, err := c.app(cx.m, a.Application)
	if err != nil {
		return nil, err
	}
	ch := cx.m.charms[a.CharmURL]
	if ch == nil {
		ch = c.findCharm(cx.m, a.CharmURL)
	}
	if ch == nil {
		return nil, errNotFound("charm %q not found", a.CharmURL)
	}
	if ch.name != app.charm.name && !a.Force {
		// Juju allows switching charms; the simulator only checks that the
		// new charm keeps the endpoints in use.
		for _, r := range cx.m.relations {
			if ep, ok := r.endpointFor(app.name); ok {
				if _, ok := ch.relations[ep.rel.Name]; !ok {
					return nil, errNotValid("cannot upgrade application %q to charm %q: would break relation %q", app.name, ch.url, r.key)
				}
			}
		}
	}
	settings := map[string]any{}
	for k, v := range a.ConfigSettings {
		settings[k] = v
	}
	if y, err := parseConfigYAML(app.name, a.ConfigSettingsYAML); err != nil {
		return nil, err
	} else {
		for k, v := range y {
			settings[k] = v
		}
	}
	cfg, _, _, err := typedConfig(ch, settings)
	if err != nil {
		return nil, err
	}
	app.charm = ch
	app.charmURL = ch.url
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
	return struct{}{}, nil
}

func init() {
	for method, fn := range map[string]handlerFunc{
		"Deploy": appDeploy, "DeployFromRepository": appDeployFromRepository, "AddUnits": appAddUnits,
		"DestroyUnit": appDestroyUnit, "DestroyApplication": appDestroyApplication, "AddRelation": appAddRelation,
		"DestroyRelation": appDestroyRelation, "Get": appGet, "CharmConfig": appCharmConfig, "SetConfigs": appSetConfigs,
		"UnsetApplicationsConfig": appUnsetConfig, "Expose": appExpose, "Unexpose": appUnexpose,
		"SetConstraints": appSetConstraints, "GetConstraints": appGetConstraints, "Leader": appLeader,
		"ResolveUnitErrors": appResolveUnitErrors, "ScaleApplications": appScaleApplications,
		"GetCharmURLOrigin": appGetCharmURLOrigin, "SetCharm": appSetCharm,
	} {
		regAll("Application", method, fn)
	}
}

func appApplicationsInfo(cx *callCtx, p json.RawMessage) (any, error) {
	a, err := params[facades.Entities](cx, "read", p)
	if err != nil {
		return nil, err
	}
	out := facades.ApplicationInfoResults{Results: make([]facades.ApplicationInfoResult, len(a.Entities))}
	for i, e := range a.Entities {
		app, err := cx.c.appFromTag(cx.m, e.Tag)
		if err != nil {
			setErr(&out.Results[i].Error, err)
			continue
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
		out.Results[i].Result = r
	}
	return out, nil
}

func appUnitsInfo(cx *callCtx, p json.RawMessage) (any, error) {
	a, err := params[facades.Entities](cx, "read", p)
	if err != nil {
		return nil, err
	}
	m := cx.m
	out := facades.UnitInfoResults{Results: make([]facades.UnitInfoResult, len(a.Entities))}
	for i, e := range a.Entities {
		u, err := cx.c.unitByTag(m, e.Tag)
		if err != nil {
			setErr(&out.Results[i].Error, err)
			continue
		}
		r := &facades.UnitResult{Tag: e.Tag, Charm: u.app.charmURL, Leader: u.leader, Life: u.life,
			WorkloadVersion: u.workloadVersion, OpenedPorts: u.openedPorts}
		if r.OpenedPorts == nil {
			r.OpenedPorts = []string{}
		}
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
		for _, rel := range m.sortedRelations() {
			ep, ok := rel.endpointFor(u.app.name)
			if !ok {
				continue
			}
			erd := facades.EndpointRelationData{RelationID: rel.id, Endpoint: ep.rel.Name, ApplicationData: map[string]any{},
				UnitRelationData: map[string]facades.RelationData{}}
			for _, o := range rel.endpoints {
				if o.app != u.app.name || rel.isPeer() {
					erd.RelatedEndpoint = o.rel.Name
					if oa := m.apps[o.app]; oa != nil {
						for _, ou := range oa.sortedUnits() {
							if ou.joined[rel.id] && ou != u {
								erd.UnitRelationData[ou.name] = facades.RelationData{InScope: true, UnitData: map[string]any{}}
							}
						}
					}
				}
			}
			r.RelationData = append(r.RelationData, erd)
		}
		out.Results[i].Result = r
	}
	return out, nil
}

func init() {
	regAll("Application", "ApplicationsInfo", appApplicationsInfo)
	regAll("Application", "UnitsInfo", appUnitsInfo)
}
