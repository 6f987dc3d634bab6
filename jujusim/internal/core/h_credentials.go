package core

import (
	"slices"
	"sort"
	"strconv"

	"github.com/gojuju/juju/internal/facades"
)

// ---- Spaces on a provider without them ----

// errNoSpaces is what a provider without network spaces (the dummy
// provider the simulator's clouds are) answers to every Spaces call, as
// the real controller does.
func errNoSpaces() error { return errNotSupported("spaces not supported") }

func (spacesFacade) ListSpaces(cx *callCtx) (facades.ListSpacesResults, error) {
	if cx.m.netSpaces == nil {
		return facades.ListSpacesResults{}, errNoSpaces()
	}
	if err := cx.need("read"); err != nil {
		return facades.ListSpacesResults{}, err
	}
	out := facades.ListSpacesResults{Results: []facades.Space{}}
	for _, n := range spaceKeys(cx.m.netSpaces) {
		sp := facades.Space{ID: cx.m.spaceIDs[n], Name: n, Subnets: []facades.Subnet{}}
		for _, cidr := range cx.m.netSpaces[n] {
			sp.Subnets = append(sp.Subnets, simSubnet(n, cidr))
		}
		out.Results = append(out.Results, sp)
	}
	return out, nil
}

func (f spacesFacade) ListSpacesJuju36(cx *callCtx) (facades.ListSpacesResultsJuju36, error) {
	l, err := f.ListSpaces(cx)
	if err != nil {
		return facades.ListSpacesResultsJuju36{}, err
	}
	out := facades.ListSpacesResultsJuju36{Results: []facades.SpaceJuju36{}}
	for _, sp := range l.Results {
		s36 := facades.SpaceJuju36{ID: sp.ID, Name: sp.Name, Subnets: []facades.SubnetJuju36{}}
		for _, sn := range sp.Subnets {
			s36.Subnets = append(s36.Subnets, subnet36(sn))
		}
		out.Results = append(out.Results, s36)
	}
	return out, nil
}

func simSubnet(space, cidr string) facades.Subnet {
	return facades.Subnet{CIDR: cidr, Life: "alive", SpaceTag: "space-" + space, Zones: []string{"zone1"}}
}

func subnet36(sn facades.Subnet) facades.SubnetJuju36 {
	return facades.SubnetJuju36{CIDR: sn.CIDR, Life: sn.Life, SpaceTag: sn.SpaceTag, Zones: sn.Zones, VLANTag: sn.VLANTag}
}

func spaceKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// spaceOf returns the space holding cidr.
func (m *model) spaceOf(cidr string) string {
	for n, cidrs := range m.netSpaces {
		if slices.Contains(cidrs, cidr) {
			return n
		}
	}
	return ""
}

// moveSubnet moves cidr into space.
func (m *model) moveSubnet(cidr, space string) {
	if old := m.spaceOf(cidr); old != "" {
		m.netSpaces[old] = slices.DeleteFunc(m.netSpaces[old], func(c string) bool { return c == cidr })
	}
	m.netSpaces[space] = append(m.netSpaces[space], cidr)
	sort.Strings(m.netSpaces[space])
}

func (spacesFacade) CreateSpaces(cx *callCtx, a facades.CreateSpacesParams) (facades.ErrorResults, error) {
	if cx.m.netSpaces == nil {
		return facades.ErrorResults{}, errNoSpaces()
	}
	if err := cx.check("admin"); err != nil {
		return facades.ErrorResults{}, err
	}
	return eachErr(a.Spaces, func(p facades.CreateSpaceParams) error {
		n, ok := parseTag(p.SpaceTag, "space")
		if !ok || !validModelName(n) {
			return errNotValid("%q is not a valid space tag", p.SpaceTag)
		}
		if _, ok := cx.m.netSpaces[n]; ok {
			return errAlreadyExists("space %q already exists", n)
		}
		for _, cidr := range p.Cidrs {
			if _, ok := cx.m.subnetIDs[cidr]; !ok {
				return errNotFound("subnet %q not found", cidr)
			}
		}
		cx.m.netSpaces[n] = []string{}
		cx.m.spaceIDs[n] = strconv.Itoa(len(cx.m.spaceIDs))
		for _, cidr := range p.Cidrs {
			cx.m.moveSubnet(cidr, n)
		}
		return nil
	}), nil
}

func (spacesFacade) ShowSpace(*callCtx, facades.Entities) (facades.ShowSpaceResults, error) {
	return facades.ShowSpaceResults{}, errNoSpaces()
}

func (spacesFacade) ShowSpaceJuju36(*callCtx, facades.Entities) (facades.ShowSpaceResultsJuju36, error) {
	return facades.ShowSpaceResultsJuju36{}, errNoSpaces()
}

func (spacesFacade) MoveSubnets(cx *callCtx, a facades.MoveSubnetsParams) (facades.MoveSubnetsResults, error) {
	if cx.m.netSpaces == nil {
		return facades.MoveSubnetsResults{}, errNoSpaces()
	}
	if err := cx.check("admin"); err != nil {
		return facades.MoveSubnetsResults{}, err
	}
	out := facades.MoveSubnetsResults{Results: make([]facades.MoveSubnetsResult, len(a.Args))}
	for i, p := range a.Args {
		r := &out.Results[i]
		n, _ := parseTag(p.SpaceTag, "space")
		if _, ok := cx.m.netSpaces[n]; !ok {
			setErr(&r.Error, errNotFound("space %q not found", n))
			continue
		}
		var cidrs []string
		for _, tag := range p.Subnets {
			id, _ := parseTag(tag, "subnet")
			cidr := ""
			for c, cid := range cx.m.subnetIDs {
				if cid == id {
					cidr = c
				}
			}
			if cidr == "" {
				setErr(&r.Error, errNotFound("subnet %q not found", id))
				break
			}
			cidrs = append(cidrs, cidr)
		}
		if r.Error != nil {
			continue
		}
		if len(cidrs) == 0 {
			setErr(&r.Error, newErr("", "no subnets specified"))
			continue
		}
		r.NewSpace = p.SpaceTag
		for _, cidr := range cidrs {
			r.MovedSubnets = append(r.MovedSubnets, facades.MovedSubnet{CIDR: cidr, Subnet: "subnet-" + cx.m.subnetIDs[cidr], OldSpace: cx.m.spaceOf(cidr)})
			cx.m.moveSubnet(cidr, n)
		}
	}
	return out, nil
}

// RemoveSpace: Juju 3.6 refuses it on a provider without spaces; the real
// 4.0.15 server looks the space up (its database has the alpha space) and
// refuses per space, without error codes.
func (spacesFacade) RemoveSpace(cx *callCtx, a facades.RemoveSpaceParams) (facades.RemoveSpaceResults, error) {
	if !cx.is4() && cx.m.netSpaces == nil {
		return facades.RemoveSpaceResults{}, errNoSpaces()
	}
	if err := cx.check("admin"); err != nil {
		return facades.RemoveSpaceResults{}, err
	}
	out := facades.RemoveSpaceResults{Results: make([]facades.RemoveSpaceResult, len(a.SpaceParam))}
	for i, p := range a.SpaceParam {
		n, _ := parseTag(p.Space.Tag, "space")
		if _, ok := cx.m.netSpaces[n]; ok && n != "alpha" {
			// Its subnets go back to alpha.
			for _, cidr := range slices.Clone(cx.m.netSpaces[n]) {
				cx.m.moveSubnet(cidr, "alpha")
			}
			delete(cx.m.netSpaces, n)
			delete(cx.m.spaceIDs, n)
			continue
		}
		if p.Space.Tag == "space-alpha" {
			setErr(&out.Results[i].Error, newErr("", "the \"alpha\" space cannot be removed"))
		} else {
			setErr(&out.Results[i].Error, newErr("", "space not found"))
		}
	}
	return out, nil
}

// RenameSpace: as RemoveSpace.
func (spacesFacade) RenameSpace(cx *callCtx, a facades.RenameSpacesParams) (facades.ErrorResults, error) {
	if !cx.is4() && cx.m.netSpaces == nil {
		return facades.ErrorResults{}, errNoSpaces()
	}
	if err := cx.check("admin"); err != nil {
		return facades.ErrorResults{}, err
	}
	return eachErr(a.Changes, func(ch facades.RenameSpaceParams) error {
		from, _ := parseTag(ch.FromSpaceTag, "space")
		to, _ := parseTag(ch.ToSpaceTag, "space")
		if cidrs, ok := cx.m.netSpaces[from]; ok && from != "alpha" {
			if _, taken := cx.m.netSpaces[to]; taken || !validModelName(to) {
				return errNotValid("cannot rename space %q to %q", from, to)
			}
			cx.m.netSpaces[to], cx.m.spaceIDs[to] = cidrs, cx.m.spaceIDs[from]
			delete(cx.m.netSpaces, from)
			delete(cx.m.spaceIDs, from)
			return nil
		}
		if from == "alpha" {
			return newErr("", "the %q space cannot be renamed", from)
		}
		return newErr("", "retrieving space %q: space not found with %s: space not found", from, from)
	}), nil
}

func (spacesFacade) ReloadSpaces(*callCtx) error { return errNoSpaces() }

// The simulator's clouds have no subnets: Subnets answers as the real
// test bed's dummy provider does, with nothing (not with "not supported":
// listing subnets works on any provider).

func (subnetsFacade) AllZones(cx *callCtx) (facades.ZoneResults, error) {
	if err := cx.need("read"); err != nil {
		return facades.ZoneResults{}, err
	}
	return facades.ZoneResults{Results: []facades.ZoneResult{}}, nil
}

func (subnetsFacade) ListSubnets(cx *callCtx, f facades.SubnetsFilters) (facades.ListSubnetsResults, error) {
	if err := cx.need("read"); err != nil {
		return facades.ListSubnetsResults{}, err
	}
	var out facades.ListSubnetsResults // none: "results": null, as the real test bed
	for _, cidr := range spaceKeys(cx.m.subnetIDs) {
		sn := simSubnet(cx.m.spaceOf(cidr), cidr)
		if f.SpaceTag != "" && sn.SpaceTag != f.SpaceTag || f.Zone != "" && !slices.Contains(sn.Zones, f.Zone) {
			continue
		}
		out.Results = append(out.Results, sn)
	}
	return out, nil
}

func (s subnetsFacade) ListSubnetsJuju36(cx *callCtx, f facades.SubnetsFilters) (facades.ListSubnetsResultsJuju36, error) {
	l, err := s.ListSubnets(cx, f)
	var out facades.ListSubnetsResultsJuju36
	for _, sn := range l.Results {
		out.Results = append(out.Results, subnet36(sn))
	}
	return out, err
}

// SubnetsByCIDR answers the subnet of each CIDR (an empty result for one
// no subnet has).
func (subnetsFacade) SubnetsByCIDR(cx *callCtx, a facades.CIDRParams) (facades.SubnetsResults, error) {
	if err := cx.need("read"); err != nil {
		return facades.SubnetsResults{}, err
	}
	out := facades.SubnetsResults{Results: make([]facades.SubnetsResult, len(a.Cidrs))}
	for i, cidr := range a.Cidrs {
		if id, ok := cx.m.subnetIDs[cidr]; ok {
			out.Results[i].Subnets = []facades.SubnetV2{{Subnet: simSubnet(cx.m.spaceOf(cidr), cidr), ID: id}}
		}
	}
	return out, nil
}

func (s subnetsFacade) SubnetsByCIDRJuju36(cx *callCtx, a facades.CIDRParams) (facades.SubnetsResultsJuju36, error) {
	r, err := s.SubnetsByCIDR(cx, a)
	out := facades.SubnetsResultsJuju36{Results: make([]facades.SubnetsResultJuju36, len(r.Results))}
	for i, res := range r.Results {
		for _, sn := range res.Subnets {
			out.Results[i].Subnets = append(out.Results[i].Subnets, facades.SubnetV2Juju36{SubnetJuju36: subnet36(sn.Subnet), ID: sn.ID})
		}
	}
	return out, err
}

// EnableSpaces makes the provider of model modelUUID one with network
// spaces, with subnets of cidrs, all in the "alpha" space.
func (c *Controller) EnableSpaces(modelUUID string, cidrs ...string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	m, ok := c.models[modelUUID]
	if !ok {
		return newErr(CodeModelNotFound, "model %q not found", modelUUID)
	}
	if m.netSpaces == nil {
		m.netSpaces = map[string][]string{"alpha": {}}
		m.spaceIDs = map[string]string{"alpha": "0"}
		m.subnetIDs = map[string]string{}
	}
	for _, cidr := range cidrs {
		if _, ok := m.subnetIDs[cidr]; !ok {
			m.subnetIDs[cidr] = newUUID()
			m.moveSubnet(cidr, "alpha")
		}
	}
	return nil
}
