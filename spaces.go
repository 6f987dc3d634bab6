package juju

import (
	"context"
	"fmt"
	"slices"

	"github.com/gojuju/juju/internal/facades"
	"github.com/gojuju/juju/internal/facades/apiclient"
)

// Subnet is a subnet of a model's network (Subnets.ListSubnets, as "juju
// subnets" shows it).
type Subnet struct {
	// CIDR is the subnet's CIDR ("10.0.0.0/24").
	CIDR string
	// Space is the name of the space the subnet is in.
	Space string
	// ProviderID and ProviderNetworkID are the cloud's ids of the subnet
	// and its network.
	ProviderID, ProviderNetworkID string
	// VLANTag is the subnet's VLAN tag (0: none).
	VLANTag int
	// Zones are the availability zones the subnet is in.
	Zones []string
	// Life is "alive", "dying" or "dead".
	Life string
}

// SubnetsOptions filter Model.Subnets.
type SubnetsOptions struct {
	// Space lists only the subnets of this space.
	Space string
	// Zone lists only the subnets in this availability zone.
	Zone string
}

// Subnets lists the subnets the controller knows for the model
// (Subnets.ListSubnets, as "juju subnets"). A provider without network
// spaces (the dummy provider, the simulator's clouds) has none: the list
// is empty, as the real controller answers.
func (m *Model) Subnets(ctx context.Context, opts *SubnetsOptions) ([]Subnet, error) {
	sn, err := m.subnets(ctx, opts)
	return sn, opError("list subnets of model", m.name, err)
}

func (m *Model) subnets(ctx context.Context, opts *SubnetsOptions) ([]Subnet, error) {
	if opts == nil {
		opts = &SubnetsOptions{}
	}
	f := facades.SubnetsFilters{Zone: opts.Zone}
	if opts.Space != "" {
		if err := checkSpaceName(opts.Space); err != nil {
			return nil, err
		}
		f.SpaceTag = "space-" + opts.Space
	}
	conn, err := m.conn(ctx)
	if err != nil {
		return nil, err
	}
	res, err := apiclient.NewSubnetsClient(conn).ListSubnets(ctx, f)
	if err != nil {
		return nil, err
	}
	out := make([]Subnet, 0, len(res.Results))
	for _, s := range res.Results {
		space, _ := tagID(s.SpaceTag, "space")
		out = append(out, Subnet{CIDR: s.CIDR, Space: space, ProviderID: s.ProviderID, ProviderNetworkID: s.ProviderNetworkID,
			VLANTag: s.VLANTag, Zones: s.Zones, Life: s.Life})
	}
	return out, nil
}

func checkSpaceName(name string) error {
	if name == "" || !validSpace.MatchString(name) {
		return invalid(ErrInvalidName, "space name", name, "must be lower-case letters and digits in hyphen-separated parts")
	}
	return nil
}

// spaceNamed lists the model's spaces (so that a provider without spaces
// is ErrNotSupported, as the controller answers the listing) and returns
// the one called name, or nil.
func (m *Model) spaceNamed(ctx context.Context, name string) (*Space, []Space, error) {
	sp, err := m.spaces(ctx)
	if err != nil {
		return nil, nil, err
	}
	for i := range sp {
		if sp[i].Name == name {
			return &sp[i], sp, nil
		}
	}
	return nil, sp, nil
}

// ShowSpace shows one of the model's spaces with its subnets; one the
// model does not have is ErrNotFound, and a provider without spaces
// ErrNotSupported.
func (m *Model) ShowSpace(ctx context.Context, name string) (*Space, error) {
	sp, err := m.showSpace(ctx, name)
	return sp, opError("show space", name, err)
}

func (m *Model) showSpace(ctx context.Context, name string) (*Space, error) {
	if err := checkSpaceName(name); err != nil {
		return nil, err
	}
	sp, _, err := m.spaceNamed(ctx, name)
	if err == nil && sp == nil {
		err = fmt.Errorf("space %q: %w", name, ErrNotFound)
	}
	return sp, err
}

// MoveSubnets moves the subnets of the CIDRs into space (Spaces.MoveSubnets,
// as "juju move-to-space"). The model's spaces are read first: a provider
// without spaces is ErrNotSupported (the controller itself answers the
// move with code-less errors there), a space the model lacks ErrNotFound,
// and so is a CIDR no subnet has.
func (m *Model) MoveSubnets(ctx context.Context, space string, cidrs ...string) error {
	return opError("move subnets to space", space, m.moveSubnets(ctx, space, cidrs))
}

func (m *Model) moveSubnets(ctx context.Context, space string, cidrs []string) error {
	if err := checkSpaceName(space); err != nil {
		return err
	}
	if len(cidrs) == 0 {
		return invalid(ErrInvalidArgument, "subnets to move", "", "name at least one CIDR")
	}
	for _, c := range cidrs {
		if !validCIDR(c) {
			return invalid(ErrInvalidArgument, "subnet CIDR", c, "must be an IPv4 or IPv6 CIDR")
		}
	}
	sp, _, err := m.spaceNamed(ctx, space)
	if err != nil {
		return err
	}
	if sp == nil {
		return fmt.Errorf("space %q: %w", space, ErrNotFound)
	}
	conn, err := m.conn(ctx)
	if err != nil {
		return err
	}
	byCIDR, err := apiclient.NewSubnetsClient(conn).SubnetsByCIDR(ctx, facades.CIDRParams{Cidrs: cidrs})
	if err != nil {
		return err
	}
	if len(byCIDR.Results) != len(cidrs) {
		return fmt.Errorf("expected %d results, got %d", len(cidrs), len(byCIDR.Results))
	}
	var tags []string
	for i, r := range byCIDR.Results {
		if r.Error != nil {
			return apiclient.ServerError(r.Error)
		}
		if len(r.Subnets) == 0 {
			return fmt.Errorf("subnet %s: %w", cidrs[i], ErrNotFound)
		}
		for _, s := range r.Subnets {
			tags = append(tags, "subnet-"+s.ID)
		}
	}
	return resolveWrite(ctx, func() error {
		res, err := apiclient.NewSpacesClient(conn).MoveSubnets(ctx, facades.MoveSubnetsParams{Args: []facades.MoveSubnetsParam{{SpaceTag: "space-" + space, Subnets: tags}}})
		if err != nil {
			return err
		}
		for _, r := range res.Results {
			if r.Error != nil {
				return apiclient.ServerError(r.Error)
			}
		}
		return nil
	}, func() (bool, error) {
		sp, _, err := m.spaceNamed(ctx, space)
		if err != nil || sp == nil {
			return false, err
		}
		for _, c := range cidrs {
			if !slices.Contains(sp.Subnets, c) {
				return false, nil
			}
		}
		return true, nil
	})
}

// RenameSpace renames one of the model's spaces (Spaces.RenameSpace, as
// "juju rename-space"); the spaces are read first, as for MoveSubnets.
func (m *Model) RenameSpace(ctx context.Context, from, to string) error {
	return opError("rename space", from, m.renameSpace(ctx, from, to))
}

func (m *Model) renameSpace(ctx context.Context, from, to string) error {
	if err := checkSpaceName(from); err != nil {
		return err
	}
	if err := checkSpaceName(to); err != nil {
		return err
	}
	sp, _, err := m.spaceNamed(ctx, from)
	if err != nil {
		return err
	}
	if sp == nil {
		return fmt.Errorf("space %q: %w", from, ErrNotFound)
	}
	conn, err := m.conn(ctx)
	if err != nil {
		return err
	}
	return resolveWrite(ctx, func() error {
		return errorResults(apiclient.NewSpacesClient(conn).RenameSpace(ctx, facades.RenameSpacesParams{Changes: []facades.RenameSpaceParams{{
			FromSpaceTag: "space-" + from, ToSpaceTag: "space-" + to}}}))
	}, func() (bool, error) {
		old, all, err := m.spaceNamed(ctx, from)
		if err != nil {
			return false, err
		}
		return old == nil && slices.ContainsFunc(all, func(s Space) bool { return s.Name == to }), nil
	})
}

// RemoveSpaceOptions are the options of Model.RemoveSpace.
type RemoveSpaceOptions struct {
	// Force removes the space even when applications are bound to it or
	// constraints name it.
	Force bool
}

// RemoveSpace removes one of the model's spaces (Spaces.RemoveSpace, as
// "juju remove-space"); the spaces are read first, as for MoveSubnets.
func (m *Model) RemoveSpace(ctx context.Context, name string, opts *RemoveSpaceOptions) error {
	return opError("remove space", name, m.removeSpace(ctx, name, opts))
}

func (m *Model) removeSpace(ctx context.Context, name string, opts *RemoveSpaceOptions) error {
	if opts == nil {
		opts = &RemoveSpaceOptions{}
	}
	if err := checkSpaceName(name); err != nil {
		return err
	}
	sp, _, err := m.spaceNamed(ctx, name)
	if err != nil {
		return err
	}
	if sp == nil {
		return fmt.Errorf("space %q: %w", name, ErrNotFound)
	}
	conn, err := m.conn(ctx)
	if err != nil {
		return err
	}
	return resolveWrite(ctx, func() error {
		res, err := apiclient.NewSpacesClient(conn).RemoveSpace(ctx, facades.RemoveSpaceParams{SpaceParam: []facades.RemoveSpaceParam{{
			Space: facades.Entity{Tag: "space-" + name}, Force: opts.Force}}})
		if err != nil {
			return err
		}
		for _, r := range res.Results {
			if r.Error != nil {
				return apiclient.ServerError(r.Error)
			}
		}
		return nil
	}, func() (bool, error) {
		sp, _, err := m.spaceNamed(ctx, name)
		return sp == nil, err
	})
}
