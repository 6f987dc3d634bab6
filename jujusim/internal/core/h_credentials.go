package core

import (
	"github.com/gojuju/juju/internal/facades"
)

// ---- Spaces on a provider without them ----

// errNoSpaces is what a provider without network spaces (the dummy
// provider the simulator's clouds are) answers to every Spaces call, as
// the real controller does.
func errNoSpaces() error { return errNotSupported("spaces not supported") }

func (spacesFacade) ListSpaces(*callCtx) (facades.ListSpacesResults, error) {
	return facades.ListSpacesResults{}, errNoSpaces()
}

func (spacesFacade) ListSpacesJuju36(*callCtx) (facades.ListSpacesResultsJuju36, error) {
	return facades.ListSpacesResultsJuju36{}, errNoSpaces()
}

func (spacesFacade) CreateSpaces(*callCtx, facades.CreateSpacesParams) (facades.ErrorResults, error) {
	return facades.ErrorResults{}, errNoSpaces()
}

func (spacesFacade) ShowSpace(*callCtx, facades.Entities) (facades.ShowSpaceResults, error) {
	return facades.ShowSpaceResults{}, errNoSpaces()
}

func (spacesFacade) ShowSpaceJuju36(*callCtx, facades.Entities) (facades.ShowSpaceResultsJuju36, error) {
	return facades.ShowSpaceResultsJuju36{}, errNoSpaces()
}

func (spacesFacade) MoveSubnets(*callCtx, facades.MoveSubnetsParams) (facades.MoveSubnetsResults, error) {
	return facades.MoveSubnetsResults{}, errNoSpaces()
}

// RemoveSpace: Juju 3.6 refuses it on a provider without spaces; the real
// 4.0.15 server looks the space up (its database has the alpha space) and
// refuses per space, without error codes.
func (spacesFacade) RemoveSpace(cx *callCtx, a facades.RemoveSpaceParams) (facades.RemoveSpaceResults, error) {
	if !cx.is4() {
		return facades.RemoveSpaceResults{}, errNoSpaces()
	}
	if err := cx.check("admin"); err != nil {
		return facades.RemoveSpaceResults{}, err
	}
	out := facades.RemoveSpaceResults{Results: make([]facades.RemoveSpaceResult, len(a.SpaceParam))}
	for i, p := range a.SpaceParam {
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
	if !cx.is4() {
		return facades.ErrorResults{}, errNoSpaces()
	}
	if err := cx.check("admin"); err != nil {
		return facades.ErrorResults{}, err
	}
	return eachErr(a.Changes, func(ch facades.RenameSpaceParams) error {
		from, _ := parseTag(ch.FromSpaceTag, "space")
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

func (subnetsFacade) ListSubnets(cx *callCtx, _ facades.SubnetsFilters) (facades.ListSubnetsResults, error) {
	return facades.ListSubnetsResults{}, cx.need("read")
}

func (subnetsFacade) ListSubnetsJuju36(cx *callCtx, _ facades.SubnetsFilters) (facades.ListSubnetsResultsJuju36, error) {
	return facades.ListSubnetsResultsJuju36{}, cx.need("read")
}

// SubnetsByCIDR answers an empty result for each CIDR (no subnet has it).
func (subnetsFacade) SubnetsByCIDR(cx *callCtx, a facades.CIDRParams) (facades.SubnetsResults, error) {
	if err := cx.need("read"); err != nil {
		return facades.SubnetsResults{}, err
	}
	return facades.SubnetsResults{Results: make([]facades.SubnetsResult, len(a.Cidrs))}, nil
}

func (subnetsFacade) SubnetsByCIDRJuju36(cx *callCtx, a facades.CIDRParams) (facades.SubnetsResultsJuju36, error) {
	if err := cx.need("read"); err != nil {
		return facades.SubnetsResultsJuju36{}, err
	}
	return facades.SubnetsResultsJuju36{Results: make([]facades.SubnetsResultJuju36, len(a.Cidrs))}, nil
}
