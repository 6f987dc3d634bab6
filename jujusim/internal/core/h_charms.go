package core

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"sort"
	"strings"

	"github.com/gojuju/juju/internal/facades"
)

func (c *Controller) wireCharm(ch *charm) facades.Charm {
	out := facades.Charm{
		Revision: ch.revision,
		URL:      curl{schema: ch.schema, arch: cmp.Or(ch.arch, "amd64"), name: ch.name, revision: ch.revision}.String(),
		Config:   map[string]facades.CharmOption{},
		Actions:  &facades.CharmActions{},
		Meta: &facades.CharmMeta{
			Name: ch.name, Summary: ch.summary, Description: ch.description, Subordinate: ch.subordinate,
			MinJujuVersion: ch.minJuju,
		},
		Manifest: &facades.CharmManifest{},
	}
	for n, o := range ch.config {
		out.Config[n] = facades.CharmOption{Type: o.Type, Description: o.Description, Default: o.Default}
	}
	if len(ch.actions) > 0 {
		out.Actions.Specs = map[string]facades.CharmActionSpec{}
		for n, a := range ch.actions {
			out.Actions.Specs[n] = facades.CharmActionSpec{Description: a.Description, Params: a.Params}
		}
	}
	for n, r := range ch.relations {
		w := wireRelation(r)
		switch r.Role {
		case "provider":
			if out.Meta.Provides == nil {
				out.Meta.Provides = map[string]facades.CharmRelation{}
			}
			out.Meta.Provides[n] = w
		case "requirer":
			if out.Meta.Requires == nil {
				out.Meta.Requires = map[string]facades.CharmRelation{}
			}
			out.Meta.Requires[n] = w
		case "peer":
			if out.Meta.Peers == nil {
				out.Meta.Peers = map[string]facades.CharmRelation{}
			}
			out.Meta.Peers[n] = w
		}
	}
	for _, b := range ch.bases {
		out.Manifest.Bases = append(out.Manifest.Bases, facades.CharmBase{Name: b.Name, Channel: b.Channel, Architectures: b.Architectures})
	}
	wireCharmExtras(out.Meta, ch)
	return out
}

func (charmsFacade) CharmInfo(cx *callCtx, a facades.CharmURL) (facades.Charm, error) {
	if err := cx.check("read"); err != nil {
		return facades.Charm{}, err
	}
	ch := cx.m.charms[a.URL]
	if ch == nil {
		ch = cx.c.findCharm(cx.m, a.URL)
	}
	if ch == nil {
		return facades.Charm{}, errNotFound("charm %q not found", a.URL)
	}
	return cx.c.wireCharm(ch), nil
}

// hubResolve resolves a Charmhub reference and origin to a charm.
func (c *Controller) hubResolve(ref string, o facades.CharmOrigin) (*charm, facades.CharmOrigin, error) {
	u, err := parseCurl(ref)
	if err != nil {
		return nil, o, errNotValid("%v", err)
	}
	if u.schema == "local" {
		return nil, o, errNotValid("cannot resolve local charm %q from Charmhub", ref)
	}
	h, ok := c.hubLookup(u.name)
	if !ok {
		return nil, o, errNotFound("charm or bundle %q not found", u.name)
	}
	arch := cmp.Or(o.Architecture, u.arch, "amd64")
	rev := u.revision
	if o.Revision != nil {
		rev = *o.Revision
	}
	ch := h.toCharm(arch, rev)
	track, risk := "", ""
	if t, r, ok := strings.Cut(h.channel, "/"); ok {
		track, risk = t, r
	} else {
		risk = h.channel
	}
	if o.Track != nil && *o.Track != "" {
		track = *o.Track
	}
	if o.Risk != "" {
		risk = o.Risk
	}
	out := o
	out.Source = "charm-hub"
	out.Type = "charm"
	out.Architecture = arch
	out.ID = "sim-" + ch.name
	out.Hash = ""
	rv := ch.revision
	out.Revision = &rv
	out.Risk = risk
	if track != "" {
		out.Track = &track
	} else {
		out.Track = nil
	}
	if out.Base == nil || out.Base.Name == "" {
		b := facades.Base{Name: ch.bases[0].Name, Channel: ch.bases[0].Channel}
		out.Base = &b
	}
	if track != "" {
		ch.channel = track + "/" + risk
	} else {
		ch.channel = risk
	}
	return ch, out, nil
}

func (charmsFacade) ResolveCharms(cx *callCtx, a facades.ResolveCharmsWithChannel) (facades.ResolveCharmWithChannelResults, error) {
	if err := cx.check("read"); err != nil {
		return facades.ResolveCharmWithChannelResults{}, err
	}
	out := facades.ResolveCharmWithChannelResults{Results: eachItem(a.Resolve, func(r facades.ResolveCharmWithChannel) (facades.ResolveCharmWithChannelResult, error) {
		var res facades.ResolveCharmWithChannelResult
		ch, origin, err := cx.c.hubResolve(r.Reference, r.CharmOrigin)
		if err != nil {
			return res, err
		}
		res.URL = ch.url
		res.CharmOrigin = origin
		res.SupportedBases = []facades.Base{}
		for _, b := range ch.bases {
			res.SupportedBases = append(res.SupportedBases, facades.Base{Name: b.Name, Channel: b.Channel})
		}
		return res, nil
	})}
	return out, nil
}

func (charmsFacade) AddCharm(cx *callCtx, a facades.AddCharmWithOrigin) (facades.CharmOriginResult, error) {
	if err := cx.check("write"); err != nil {
		return facades.CharmOriginResult{}, err
	}
	var out facades.CharmOriginResult
	ch, origin, err := cx.c.hubResolve(a.URL, a.CharmOrigin)
	if err != nil {
		setErr(&out.Error, err)
		return out, nil
	}
	if _, ok := cx.m.charms[ch.url]; !ok {
		cx.m.charms[ch.url] = ch
	}
	out.CharmOrigin = origin
	return out, nil
}

func (charmsFacade) List(cx *callCtx, a facades.CharmsList) (facades.CharmsListResult, error) {
	if err := cx.check("read"); err != nil {
		return facades.CharmsListResult{}, err
	}
	out := facades.CharmsListResult{CharmUrls: []string{}}
	for url, ch := range cx.m.charms {
		if len(a.Names) == 0 || slices.Contains(a.Names, ch.name) {
			out.CharmUrls = append(out.CharmUrls, url)
		}
	}
	sort.Strings(out.CharmUrls)
	return out, nil
}

// UploadCharm stores a local charm archive uploaded with
// PUT /model-<uuid>/charms/<objectName>. objectName is "<name>-<sha256
// prefix>", curl the Juju-Curl header. It returns the charm URL to send
// back (Juju-Curl header and {"charm-url": ...} body).
func (c *Controller) UploadCharm(ctx context.Context, modelUUID, objectName, curlS string, archive []byte) (string, error) {
	return c.uploadCharm(modelUUID, objectName, curlS, "", archive)
}

// uploadCharm stores an uploaded charm archive; a series (Juju 3's
// legacy upload) is kept in its URL (local:jammy/name-0).
func (c *Controller) uploadCharm(modelUUID, objectName, curlS, series string, archive []byte) (string, error) {
	sum := sha256.Sum256(archive)
	hexSum := hex.EncodeToString(sum[:])
	i := strings.LastIndex(objectName, "-")
	if i <= 0 || len(objectName)-i-1 < 7 {
		return "", errBadRequest("invalid object name %q: expected <charm name>-<sha256 prefix>", objectName)
	}
	name, prefix := objectName[:i], objectName[i+1:]
	if !strings.HasPrefix(hexSum, prefix) {
		return "", errBadRequest("cannot upload charm %q: sha256 prefix %q does not match the archive", name, prefix)
	}
	u, err := parseCurl(curlS)
	if err != nil {
		return "", errBadRequest("cannot upload charm: %v", err)
	}
	if u.schema != "local" && u.schema != "ch" {
		return "", errBadRequest("cannot upload charm: unsupported schema %q", u.schema)
	}
	ch, err := charmFromArchive(archive)
	if err != nil {
		return "", errBadRequest("cannot upload charm %q: %v", name, err)
	}
	if ch.name != u.name || ch.name != name {
		return "", errBadRequest("cannot upload charm: charm name %q does not match %q", ch.name, u.name)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	m, ok := c.models[modelUUID]
	if !ok {
		return "", newErr(CodeModelNotFound, "unknown model: %q", modelUUID)
	}
	rev := u.revision
	if rev < 0 {
		rev = ch.revision
	}
	// Every upload is a new revision, the same content too, as on the
	// real 4.0.15 server (refresh-path-resource.jsonl re-uploads app.charm
	// as local:app-2).
	maxRev := -1
	for _, existing := range m.charms {
		if existing.schema != u.schema || existing.name != ch.name {
			continue
		}
		if existing.revision > maxRev {
			maxRev = existing.revision
		}
	}
	if rev <= maxRev {
		rev = maxRev + 1
	}
	ch.schema = u.schema
	ch.revision = rev
	ch.arch = "amd64"
	ch.sha256 = hexSum
	ch.objectName = objectName
	ch.url = curl{schema: u.schema, series: series, name: ch.name, revision: rev}.String()
	m.charms[ch.url] = ch
	m.notify()
	return ch.url, nil
}

// UploadCharmLegacy stores a local charm archive uploaded with Juju 3's
// POST /model/<uuid>/charms?series=<series> (which 3.6 still serves and
// python-libjuju uses). The charm is stored under, and answered with, a
// URL with the series in it when one was given, as Juju 3.6 does
// (local:jammy/mycharm-0). Juju 4 has no such endpoint: ErrNotFound.
func (c *Controller) UploadCharmLegacy(ctx context.Context, modelUUID, schema, series string, archive []byte) (string, error) {
	if c.major >= 4 {
		return "", errNotFound("not found")
	}
	if schema != "" && schema != "local" {
		return "", errBadRequest("unsupported schema %q", schema)
	}
	if series != "" {
		if _, ok := baseOfSeries(series); !ok {
			return "", errBadRequest("series name %q not valid", series)
		}
	}
	ch, err := charmFromArchive(archive)
	if err != nil {
		return "", errBadRequest("cannot read charm archive: %v", err)
	}
	sum := sha256.Sum256(archive)
	return c.uploadCharm(modelUUID, ch.name+"-"+hex.EncodeToString(sum[:])[:7], "local:"+ch.name, series, archive)
}

// ---- MachineManager ----

func (machineManagerFacade) AddMachines(cx *callCtx, a facades.AddMachines) (facades.AddMachinesResults, error) {
	if err := cx.check("write"); err != nil {
		return facades.AddMachinesResults{}, err
	}
	c := cx.c
	m := cx.m
	out := facades.AddMachinesResults{Machines: make([]facades.AddMachinesResult, len(a.Params))}
	for i, mp := range a.Params {
		b := defaultBase
		if c.major < 4 {
			b = base{Name: "ubuntu", Channel: "22.04"}
		}
		if db, ok := parseBaseString(configString(m, "default-base")); ok {
			b = db
		}
		if mp.Base != nil && mp.Base.Name != "" {
			b = base{Name: mp.Base.Name, Channel: mp.Base.Channel}
			if b.Name != "ubuntu" && b.Name != "centos" {
				setErr(&out.Machines[i].Error, errNotValid("base %q not supported", b.String()))
				continue
			}
		}
		cons := consString(mergeCons(mp.Constraints, m.constraints))
		parentID, ctype := mp.ParentID, mp.ContainerType
		if mp.Placement != nil {
			switch mp.Placement.Scope {
			case "lxd", "kvm":
				ctype, parentID = mp.Placement.Scope, mp.Placement.Directive
			case "#":
				setErr(&out.Machines[i].Error, errNotValid("cannot add a machine with placement on existing machine %q", mp.Placement.Directive))
				continue
			}
		}
		var parent *machine
		if ctype != "" {
			if ctype != "lxd" && ctype != "kvm" {
				setErr(&out.Machines[i].Error, errNotValid("invalid container type %q", ctype))
				continue
			}
			if parentID != "" {
				parent = m.machines[parentID]
				if parent == nil || parent.life != lifeAlive {
					setErr(&out.Machines[i].Error, errNotFound("machine %s not found", parentID))
					continue
				}
			} else {
				parent = c.addMachine(m, b, cons, nil, "", false)
			}
		}
		mc := c.addMachine(m, b, cons, parent, ctype, false)
		if c.major >= 4 && mp.Base != nil && mp.Base.Name != "" {
			// The real 4.0.15 server reports an added machine's base
			// with its risk ("22.04" sent, "22.04/stable" in
			// FullStatus); the machines it creates for units have the
			// bare track.
			mc.base = b.withRisk()
		}
		out.Machines[i].Machine = mc.id
	}
	return out, nil
}

func (machineManagerFacade) DestroyMachineWithParams(cx *callCtx, a facades.DestroyMachinesParams) (facades.DestroyMachineResults, error) {
	if err := cx.check("write"); err != nil {
		return facades.DestroyMachineResults{}, err
	}
	c := cx.c
	m := cx.m
	out := facades.DestroyMachineResults{Results: eachItem(a.MachineTags, func(tag string) (facades.DestroyMachineResult, error) {
		var r facades.DestroyMachineResult
		id, ok := machineIDFromTag(tag)
		if !ok {
			return r, errNotValid("%q is not a valid machine tag", tag)
		}
		mc, ok := m.machines[id]
		if !ok {
			return r, errNotFound("machine %s not found", id)
		}
		if !a.Force {
			if us := sortedUnitMap(mc.units); len(us) > 0 {
				return r, newErr(CodeHasAssignedUnits, "machine %s has unit %q assigned", id, us[0].name)
			}
			if len(mc.containers) > 0 {
				return r, newErr("machine is hosting containers", "machine %s is hosting containers", id)
			}
		}
		r.Info = c.destroyMachineInfo(mc)
		if a.DryRun {
			return r, nil
		}
		c.destroyMachine(mc, a.Force)
		if a.Force && a.MaxWait != nil && *a.MaxWait == 0 {
			c.forceRemoveMachine(mc)
		}
		return r, nil
	})}
	return out, nil
}

func (c *Controller) destroyMachineInfo(mc *machine) *facades.DestroyMachineInfo {
	info := &facades.DestroyMachineInfo{MachineID: mc.id}
	for _, u := range sortedUnitMap(mc.units) {
		info.DestroyedUnits = append(info.DestroyedUnits, facades.Entity{Tag: unitTag(u.name)})
	}
	ids := make([]string, 0, len(mc.containers))
	for id := range mc.containers {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		info.DestroyedContainers = append(info.DestroyedContainers, facades.DestroyMachineResult{Info: c.destroyMachineInfo(mc.containers[id])})
	}
	return info
}

func (c *Controller) forceRemoveMachine(mc *machine) {
	for _, ct := range mc.containers {
		c.forceRemoveMachine(ct)
	}
	for _, u := range sortedUnitMap(mc.units) {
		c.removeUnitNow(u)
	}
	c.removeMachineNow(mc)
}

func charmhubOrigin(ch *charm, arch string, rev *int, b *facades.Base) facades.CharmOrigin {
	o := facades.CharmOrigin{Source: "charm-hub", Type: "charm", ID: "sim-" + ch.name, Architecture: arch, Revision: rev, Base: b}
	if t, r, ok := strings.Cut(ch.channel, "/"); ok {
		o.Track = &t
		o.Risk = r
	} else {
		o.Risk = ch.channel
	}
	return o
}
