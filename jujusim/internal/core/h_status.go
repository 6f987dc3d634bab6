package core

import (
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gojuju/juju/internal/facades"
)

// emptyData is shared by every status whose data is {} on the wire; it is
// never written to.
var emptyData = map[string]any{}

var severity = map[string]int{"error": 100, "blocked": 90, "maintenance": 80, "waiting": 70, "active": 60, "terminated": 50, "unknown": 40}

// unitDisplay returns the agent and workload status as status shows them:
// an agent in error is shown idle, with the workload in error.
func unitDisplay(u *unit) (agent, workload status) {
	agent, workload = u.agent, u.workload
	if agent.Status == "error" {
		workload = status{Status: "error", Message: agent.Message, Data: agent.Data, Since: agent.Since}
		agent = status{Status: "idle", Since: agent.Since}
	}
	return agent, workload
}

// appDisplayStatus is the charm-set application status or, when unset,
// the most severe unit workload status.
func (c *Controller) appDisplayStatus(a *application) status {
	return displayStatus(a, a.sortedUnits())
}

// displayStatus is appDisplayStatus given a's units in order.
func displayStatus(a *application, units []*unit) status {
	if a.appStatus != nil {
		return *a.appStatus
	}
	var best status
	bestSev := -1
	for _, u := range units {
		_, w := unitDisplay(u)
		if s := severity[w.Status]; s > bestSev {
			best, bestSev = w, s
		}
	}
	if bestSev < 0 {
		return status{Status: "unknown", Since: a.created}
	}
	best.Data = nil
	return best
}

// statusLife is an entity's life as FullStatus reports it: Juju 4 sends
// every entity's life; Juju 3.6 leaves it empty for a live entity (alive
// being the usual state) and names only dying and dead.
func (c *Controller) statusLife(life string) string {
	if c.major < 4 && life == lifeAlive {
		return ""
	}
	return life
}

func statusWithData(s status, life string) facades.DetailedStatus {
	d := detailed(s, life)
	if d.Data == nil {
		d.Data = emptyData
	}
	return d
}

// statusFilter decides what a FullStatus with patterns includes.
type statusFilter struct {
	all      bool
	apps     map[string]bool            // whole applications
	units    map[string]map[string]bool // app -> units (partial applications)
	machines map[string]bool
}

func (f *statusFilter) appIncluded(name string) bool {
	return f.all || f.apps[name] || f.units[name] != nil
}

func (f *statusFilter) unitIncluded(u *unit) bool {
	if f.all || f.apps[u.app.name] {
		return true
	}
	if us := f.units[u.app.name]; us != nil && us[u.name] {
		return true
	}
	return false
}

func buildFilter(m *model, patterns []string) *statusFilter {
	f := &statusFilter{apps: map[string]bool{}, units: map[string]map[string]bool{}, machines: map[string]bool{}}
	if len(patterns) == 0 {
		f.all = true
		return f
	}
	addUnit := func(u *unit) {
		if f.units[u.app.name] == nil {
			f.units[u.app.name] = map[string]bool{}
		}
		f.units[u.app.name][u.name] = true
		if u.principal != nil {
			pu := u.principal
			if f.units[pu.app.name] == nil {
				f.units[pu.app.name] = map[string]bool{}
			}
			f.units[pu.app.name][pu.name] = true
		}
		for _, s := range u.subs {
			if f.units[s.app.name] == nil {
				f.units[s.app.name] = map[string]bool{}
			}
			f.units[s.app.name][s.name] = true
		}
		if u.machine != nil {
			for mc := u.machine; mc != nil; mc = mc.parent {
				f.machines[mc.id] = true
			}
		}
	}
	for _, p := range patterns {
		for _, n := range m.sortedApps() {
			a := m.apps[n]
			if glob(p, n) {
				f.apps[n] = true
				for _, u := range a.units {
					addUnit(u)
				}
				continue
			}
			for _, u := range a.units {
				if glob(p, u.name) {
					addUnit(u)
				}
			}
		}
		for id, mc := range m.machines {
			if glob(p, id) {
				for x := mc; x != nil; x = x.parent {
					f.machines[x.id] = true
				}
				for _, u := range mc.units {
					addUnit(u)
				}
			}
		}
	}
	return f
}

// statusBuild is one FullStatus being built: the filter of its patterns,
// and the times its statuses point to, allocated in blocks rather than one
// by one (a 10,000-unit status has 40,000 of them).
type statusBuild struct {
	c     *Controller
	f     *statusFilter
	times []time.Time
}

// status is s as FullStatus sends it, its data {} when it has none.
func (b *statusBuild) status(s status, life string) facades.DetailedStatus {
	since := s.Since
	s.Since = time.Time{}
	d := statusWithData(s, life)
	if !since.IsZero() {
		if len(b.times) == cap(b.times) {
			b.times = make([]time.Time, 0, 1024)
		}
		b.times = append(b.times, since)
		d.Since = &b.times[len(b.times)-1]
	}
	return d
}

func (b *statusBuild) unitStatus(u *unit) facades.UnitStatus {
	c := b.c
	ag, wl := unitDisplay(u)
	us := facades.UnitStatus{
		AgentStatus:     b.status(ag, c.statusLife(u.life)),
		WorkloadStatus:  b.status(wl, ""),
		WorkloadVersion: u.workloadVersion,
		Leader:          u.leader,
		OpenedPorts:     u.openedPorts,
	}
	// A running unit agent reports its version, the controller's; one
	// still allocating has none (as on a real controller).
	if ag.Status != "" && ag.Status != "allocating" {
		us.AgentStatus.Version = c.version
	}
	if u.app.m.typ == "caas" {
		us.Address = u.address
		if u.address != "" {
			us.ProviderID = u.app.name + "-" + strconv.Itoa(u.num)
		}
	} else {
		if u.machine != nil {
			us.Machine = u.machine.id
		}
		us.PublicAddress = u.address
	}
	if len(u.subs) > 0 {
		us.Subordinates = make(map[string]facades.UnitStatus, len(u.subs))
		for _, s := range u.subs {
			if b.f.unitIncluded(s) {
				us.Subordinates[s.name] = b.unitStatus(s)
			}
		}
	}
	return us
}

// emptyMachines is the containers of every machine without any; it is
// never written to.
var emptyMachines = map[string]facades.MachineStatus{}

func (b *statusBuild) machineStatus(mc *machine) facades.MachineStatus {
	c, f := b.c, b.f
	ms := facades.MachineStatus{
		AgentStatus:        b.status(mc.agent, c.statusLife(mc.life)),
		InstanceStatus:     b.status(mc.instance, c.statusLife(mc.life)),
		ModificationStatus: facades.DetailedStatus{},
		Base:               wireBase(mc.base),
		Constraints:        mc.constraints,
		Containers:         emptyMachines,
		DNSName:            mc.address,
		DisplayName:        mc.displayName,
		Hardware:           mc.hardware,
		Hostname:           mc.hostname,
		ID:                 mc.id,
		InstanceID:         mc.instanceID,
		Jobs:               mc.jobs,
	}
	// Juju 3.6 reports a machine's modification status (its LXD profile
	// changes): idle since the machine was added. Juju 4 sends it empty.
	if c.major < 4 {
		ms.ModificationStatus = b.status(status{Status: "idle", Since: mc.created}, "")
	}
	// A started machine agent reports its version, the controller's; a
	// pending one has none (as on a real controller).
	if mc.agent.Status != "" && mc.agent.Status != "pending" {
		ms.AgentStatus.Version = c.version
	}
	if mc.address != "" {
		ms.NetworkInterfaces = mc.networkInterfaces()
		ms.IPAddresses = ms.NetworkInterfaces["eth0"].IPAddresses
	}
	for id, ct := range mc.containers {
		if f.all || f.machines[id] {
			if len(ms.Containers) == 0 {
				ms.Containers = make(map[string]facades.MachineStatus, len(mc.containers))
			}
			ms.Containers[id] = b.machineStatus(ct)
		}
	}
	return ms
}

// networkInterfaces returns the machine's interfaces as status shows them
// (one, eth0, on its address), made once per address and shared by the
// replies, which never write to them.
func (mc *machine) networkInterfaces() map[string]facades.NetworkInterface {
	if mc.nics == nil || mc.nics["eth0"].IPAddresses[0] != mc.address {
		if mc.mac == "" {
			mc.mac, mc.gateway = macFor(mc.address), gatewayFor(mc.address)
		}
		mc.nics = map[string]facades.NetworkInterface{"eth0": {
			IPAddresses: []string{mc.address}, MACAddress: mc.mac, Gateway: mc.gateway, IsUp: true, Space: "alpha",
			DNSNameservers: []string{mc.gateway},
		}}
	}
	return mc.nics
}

func macFor(addr string) string {
	parts := strings.Split(addr, ".")
	b := []string{"00", "16", "3e"}
	for _, p := range parts[1:] {
		n := 0
		for _, ch := range p {
			n = n*10 + int(ch-'0')
		}
		const hexd = "0123456789abcdef"
		b = append(b, string([]byte{hexd[(n>>4)&15], hexd[n&15]}))
	}
	return strings.Join(b, ":")
}

func gatewayFor(addr string) string {
	i := strings.LastIndex(addr, ".")
	return addr[:i] + ".1"
}

func (b *statusBuild) appStatus(a *application, rels []*relation) facades.ApplicationStatus {
	c, m := b.c, a.m
	units := a.sortedUnits()
	as := facades.ApplicationStatus{
		Base:             wireBase(a.base.withRisk()),
		Charm:            a.charmURL,
		CharmProfile:     "",
		CharmVersion:     "",
		EndpointBindings: a.bindings,
		Exposed:          a.exposed,
		Life:             c.statusLife(a.life),
		Relations:        map[string][]string{},
		Status:           detailed(displayStatus(a, units), ""),
		SubordinateTo:    []string{},
		Units:            make(map[string]facades.UnitStatus, len(units)),
	}
	if a.charm != nil {
		// A local charm's revision too (local:app-2 is charm-rev 2 in
		// status-w2-final.jsonl).
		as.CharmRev = a.charm.revision
		if a.charm.schema == "ch" {
			as.CharmChannel = a.channel
		}
	}
	if a.exposed && len(a.exposedEPs) > 0 {
		as.ExposedEndpoints = map[string]facades.ExposedEndpoint{}
		for ep, e := range a.exposedEPs {
			as.ExposedEndpoints[ep] = facades.ExposedEndpoint{ExposeToSpaces: e.Spaces, ExposeToCidrs: e.CIDRs}
		}
	}
	if m.typ == "caas" {
		as.Scale = a.scale
		as.ProviderID = a.name + "-" + m.uuid[:8]
		as.PublicAddress = "10.152.183." + strconv.Itoa(len(a.name)*7%250+2)
	}
	for _, r := range rels {
		ep, ok := r.endpointFor(a.name)
		if !ok {
			continue
		}
		others := r.otherApps(a.name)
		as.Relations[ep.rel.Name] = append(as.Relations[ep.rel.Name], others...)
		if a.charm != nil && a.charm.subordinate && ep.rel.Scope == "container" {
			for _, o := range others {
				if o != a.name && !slices.Contains(as.SubordinateTo, o) {
					as.SubordinateTo = append(as.SubordinateTo, o)
				}
			}
		}
	}
	sort.Strings(as.SubordinateTo)
	for _, u := range units {
		if as.WorkloadVersion == "" {
			as.WorkloadVersion = u.workloadVersion
		}
		if u.principal != nil || !b.f.unitIncluded(u) {
			continue
		}
		as.Units[u.name] = b.unitStatus(u)
	}
	return as
}

func (b *statusBuild) relationStatus(r *relation, m *model) facades.RelationStatus {
	rs := facades.RelationStatus{ID: r.id, Key: r.key, Interface: r.iface, Scope: r.scope, Status: b.status(r.status, "")}
	eps := append([]relEndpoint(nil), r.endpoints...)
	sort.SliceStable(eps, func(i, j int) bool { return roleOrder(eps[i].rel.Role) < roleOrder(eps[j].rel.Role) })
	for _, e := range eps {
		sub := false
		if a, ok := m.apps[e.app]; ok && a.charm != nil {
			sub = a.charm.subordinate
		}
		rs.Endpoints = append(rs.Endpoints, facades.EndpointStatus{Application: e.app, Name: e.rel.Name, Role: e.rel.Role, Subordinate: sub})
	}
	return rs
}

// fullStatus builds FullStatus in the 4.0 shape. Applications, units and
// machines go into maps (which the encoder sorts): they are visited in
// no particular order.
func (c *Controller) fullStatus(m *model, patterns []string) facades.FullStatus {
	b := &statusBuild{c: c, f: buildFilter(m, patterns)}
	f := b.f
	fs := facades.FullStatus{
		Applications:        make(map[string]facades.ApplicationStatus, len(m.apps)),
		ControllerTimestamp: timePtr(c.now()),
		Machines:            make(map[string]facades.MachineStatus, len(m.machines)),
		Model: facades.ModelStatusInfo{
			Name: m.name, Type: m.typ, CloudTag: "cloud-" + m.cloud, Region: m.region, Version: c.version,
			ModelStatus: detailed(m.status, ""),
		},
		Offers:             c.offerStatuses(m),
		RemoteApplications: c.remoteAppStatuses(m),
	}
	rels := m.sortedRelations()
	for n, a := range m.apps {
		if f.appIncluded(n) {
			fs.Applications[n] = b.appStatus(a, rels)
		}
	}
	for _, mc := range m.machines {
		if mc.parent == nil && (f.all || f.machines[mc.id]) {
			fs.Machines[mc.id] = b.machineStatus(mc)
		}
	}
	for _, r := range rels {
		include := f.all
		for _, e := range r.endpoints {
			include = include || f.appIncluded(e.app)
		}
		if include {
			fs.Relations = append(fs.Relations, b.relationStatus(r, m))
		}
	}
	return fs
}

// emptyMachines36 is emptyMachines in the 3.6 shape.
var emptyMachines36 = map[string]facades.MachineStatusJuju36{}

func machine36(ms facades.MachineStatus) facades.MachineStatusJuju36 {
	out := facades.MachineStatusJuju36{
		AgentStatus: ms.AgentStatus, Base: ms.Base, Constraints: ms.Constraints, DNSName: ms.DNSName,
		DisplayName: ms.DisplayName, Hardware: ms.Hardware, HasVote: ms.HasVote, Hostname: ms.Hostname, ID: ms.ID,
		IPAddresses: ms.IPAddresses, InstanceID: ms.InstanceID, InstanceStatus: ms.InstanceStatus, Jobs: ms.Jobs,
		ModificationStatus: ms.ModificationStatus, NetworkInterfaces: ms.NetworkInterfaces, WantsVote: ms.WantsVote,
		Containers: emptyMachines36,
	}
	for id, ct := range ms.Containers {
		if len(out.Containers) == 0 {
			out.Containers = make(map[string]facades.MachineStatusJuju36, len(ms.Containers))
		}
		out.Containers[id] = machine36(ct)
	}
	return out
}

// fullStatus36 converts to the 3.6 shape.
func fullStatus36(fs facades.FullStatus) facades.FullStatusJuju36 {
	out := facades.FullStatusJuju36{
		Applications:        make(map[string]facades.ApplicationStatusJuju36, len(fs.Applications)),
		ControllerTimestamp: fs.ControllerTimestamp,
		Machines:            make(map[string]facades.MachineStatusJuju36, len(fs.Machines)),
		Model: facades.ModelStatusInfoJuju36{
			AvailableVersion: fs.Model.AvailableVersion, CloudTag: fs.Model.CloudTag, ModelStatus: fs.Model.ModelStatus,
			Name: fs.Model.Name, Region: fs.Model.Region, Type: fs.Model.Type, Version: fs.Model.Version,
			SLA: "unsupported",
		},
		Offers: fs.Offers, Relations: fs.Relations, RemoteApplications: fs.RemoteApplications,
	}
	for n, a := range fs.Applications {
		out.Applications[n] = facades.ApplicationStatusJuju36{
			Base: a.Base, CanUpgradeTo: a.CanUpgradeTo, Charm: a.Charm, CharmChannel: a.CharmChannel, CharmProfile: a.CharmProfile,
			CharmRev: a.CharmRev, CharmVersion: a.CharmVersion, EndpointBindings: a.EndpointBindings, Exposed: a.Exposed,
			ExposedEndpoints: a.ExposedEndpoints, Life: a.Life, ProviderID: a.ProviderID, PublicAddress: a.PublicAddress,
			Relations: a.Relations, Scale: a.Scale, Status: a.Status, SubordinateTo: a.SubordinateTo, Units: a.Units,
			WorkloadVersion: a.WorkloadVersion,
		}
	}
	for id, ms := range fs.Machines {
		out.Machines[id] = machine36(ms)
	}
	return out
}

func (clientFacade) FullStatus(cx *callCtx, a facades.StatusParams) (facades.FullStatus, error) {
	if err := cx.check("read"); err != nil {
		return facades.FullStatus{}, err
	}
	fs := cx.c.fullStatus(cx.m, a.Patterns)
	if a.IncludeStorage {
		fs.Storage, fs.Filesystems, fs.Volumes = cx.c.storageStatus(cx.m)
	}
	return fs, nil
}

func (clientFacade) FullStatusJuju36(cx *callCtx, a facades.StatusParams) (facades.FullStatusJuju36, error) {
	if err := cx.check("read"); err != nil {
		return facades.FullStatusJuju36{}, err
	}
	fs := fullStatus36(cx.c.fullStatus(cx.m, a.Patterns))
	if a.IncludeStorage {
		fs.Storage, fs.Filesystems, fs.Volumes = cx.c.storageStatus(cx.m)
	}
	return fs, nil
}

// ---- StatusHistory ----

var historyKinds = map[string]string{
	"unit": "workload", "workload": "workload", "juju-unit": "juju-unit", "machine": "machine",
	"juju-machine": "juju-machine", "container": "machine", "juju-container": "juju-machine",
	"application": "application", "model": "model",
}

func (clientFacade) StatusHistory(cx *callCtx, a facades.StatusHistoryRequests) (facades.StatusHistoryResults, error) {
	if err := cx.check("read"); err != nil {
		return facades.StatusHistoryResults{}, err
	}
	m := cx.m
	out := facades.StatusHistoryResults{Results: eachItem(a.Requests, func(r facades.StatusHistoryRequest) (facades.StatusHistoryResult, error) {
		var res facades.StatusHistoryResult
		kind, ok := historyKinds[r.HistoryKind]
		if !ok {
			return res, errNotValid("unrecognised status history kind %q", r.HistoryKind)
		}
		if err := cx.c.checkHistoryEntity(m, kind, r.Tag); err != nil {
			return res, err
		}
		var hist []status
		if kind == "workload" && r.HistoryKind == "unit" {
			hist = mergeHistory(m.history["workload:"+r.Tag], m.history["juju-unit:"+r.Tag])
		} else {
			hist = m.history[kind+":"+r.Tag]
		}
		size := r.Filter.Size
		if size == 0 {
			size = r.Size
		}
		var sts []facades.DetailedStatus
		now := cx.c.now()
		for j := len(hist) - 1; j >= 0; j-- {
			h := hist[j]
			if r.Filter.Date != nil && h.Since.Before(*r.Filter.Date) {
				continue
			}
			if r.Filter.Delta > 0 && now.Sub(h.Since) > r.Filter.Delta {
				continue
			}
			if slices.Contains(r.Filter.Exclude, h.Message) {
				continue
			}
			d := detailed(h, "")
			d.Kind = kindName(kind, hist, j)
			if d.Data == nil {
				d.Data = emptyData
			}
			sts = append(sts, d)
			if size > 0 && len(sts) >= size {
				break
			}
		}
		// Oldest first, as the real server returns them.
		for l, r := 0, len(sts)-1; l < r; l, r = l+1, r-1 {
			sts[l], sts[r] = sts[r], sts[l]
		}
		if sts == nil {
			sts = []facades.DetailedStatus{}
		}
		res.History.Statuses = sts
		return res, nil
	})}
	return out, nil
}

func kindName(kind string, _ []status, _ int) string { return kind }

func mergeHistory(a, b []status) []status {
	out := append(append([]status(nil), a...), b...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Since.Before(out[j].Since) })
	return out
}

func (c *Controller) checkHistoryEntity(m *model, kind, tag string) error {
	if len(m.history[kind+":"+tag]) > 0 {
		return nil
	}
	switch {
	case strings.HasPrefix(tag, "unit-"):
		return errNotFound("unit %q not found", tag)
	case strings.HasPrefix(tag, "machine-"):
		return errNotFound("machine %q not found", tag)
	case strings.HasPrefix(tag, "application-"):
		return errNotFound("application %q not found", tag)
	case strings.HasPrefix(tag, "model-"):
		return errNotFound("model %q not found", tag)
	}
	return errNotValid("%q is not a valid tag", tag)
}
