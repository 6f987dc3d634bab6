package juju

import (
	"context"
	"fmt"

	"github.com/gojuju/juju/internal/facades"
	"github.com/gojuju/juju/internal/facades/apiclient"
)

// CharmInfo describes a charm as the controller knows it
// (Charms.CharmInfo).
type CharmInfo struct {
	// URL is the charm URL ("ch:amd64/postgresql-468", "local:foo-0").
	URL         string
	Name        string // the charm's name
	Revision    int    // the charm's revision
	Summary     string // one-line summary
	Description string // longer description
	Subordinate bool   // whether the charm is a subordinate
	// Config holds the options the charm declares.
	Config map[string]ConfigOption
	// Provides, Requires and Peers hold the charm's endpoints by name.
	Provides map[string]CharmEndpoint // endpoints the charm provides
	Requires map[string]CharmEndpoint // endpoints the charm requires
	Peers    map[string]CharmEndpoint // peer endpoints
	// Actions holds each action's description.
	Actions map[string]string
	// Bases lists the bases the charm declares.
	Bases []Base
	// Resources holds the resources the charm declares, by name.
	Resources map[string]CharmResource
	// Containers holds the workload containers of a Kubernetes charm, by
	// name; a charm that declares any is a Kubernetes charm.
	Containers map[string]CharmContainer
	// Storage holds the storage the charm declares, by name.
	Storage map[string]CharmStorage
}

// CharmEndpoint is one endpoint a charm declares.
type CharmEndpoint struct {
	Interface string // the interface name ("pgsql")
	Role      string // "provider", "requirer", "peer"
	Scope     string // "global" or "container"
	Optional  bool   // whether the charm works without the relation
	Limit     int    // maximum number of relations, 0 = unlimited
}

func endpointsFromWire(in map[string]facades.CharmRelation) map[string]CharmEndpoint {
	if len(in) == 0 {
		return nil
	}
	out := make(map[string]CharmEndpoint, len(in))
	for k, r := range in {
		out[k] = CharmEndpoint{Interface: r.Interface, Role: r.Role, Scope: r.Scope, Optional: r.Optional, Limit: r.Limit}
	}
	return out
}

func optionsFromWire(in map[string]facades.CharmOption) map[string]ConfigOption {
	out := make(map[string]ConfigOption, len(in))
	for k, o := range in {
		out[k] = ConfigOption{Type: o.Type, Description: o.Description, Default: o.Default}
	}
	return out
}

// charmInfo calls Charms.CharmInfo.
func (m *Model) charmInfo(ctx context.Context, conn *apiConn, url string) (*CharmInfo, error) {
	ch := apiclient.NewCharmsClient(conn)
	info := &CharmInfo{URL: url}
	var bases []facades.CharmBase
	c, err := ch.CharmInfo(ctx, facades.CharmURL{URL: url})
	if err != nil {
		return nil, err
	}
	info.Revision, info.Config = c.Revision, optionsFromWire(c.Config)
	if c.Meta != nil {
		info.Name, info.Summary, info.Description, info.Subordinate = c.Meta.Name, c.Meta.Summary, c.Meta.Description, c.Meta.Subordinate
		info.Provides, info.Requires, info.Peers = endpointsFromWire(c.Meta.Provides), endpointsFromWire(c.Meta.Requires), endpointsFromWire(c.Meta.Peers)
		info.Resources, info.Containers = charmResourcesFromWire(c.Meta.Resources), charmContainersFromWire(c.Meta.Containers)
		info.Storage = charmStorageFromWire(c.Meta.Storage)
	}
	if c.Actions != nil {
		info.Actions = map[string]string{}
		for k, a := range c.Actions.Specs {
			info.Actions[k] = a.Description
		}
	}
	if c.Manifest != nil {
		bases = c.Manifest.Bases
	}
	for _, b := range bases {
		info.Bases = append(info.Bases, Base{OS: b.Name, Channel: b.Channel})
	}
	return info, nil
}

// CharmInfo returns the charm the application runs
// (Application.GetCharmURLOrigin, then Charms.CharmInfo).
func (a *Application) CharmInfo(ctx context.Context) (*CharmInfo, error) {
	info, err := a.charmInfo(ctx)
	return info, opError("get charm of application", a.name, err)
}

func (a *Application) charmInfo(ctx context.Context) (*CharmInfo, error) {
	if err := checkApplicationName(a.name); err != nil {
		return nil, err
	}
	conn, err := a.m.conn(ctx)
	if err != nil {
		return nil, err
	}
	origin, err := apiclient.NewApplicationClient(conn).GetCharmURLOrigin(ctx, facades.ApplicationGet{Application: a.name})
	if err != nil {
		return nil, err
	}
	if origin.Error != nil {
		return nil, apiclient.ServerError(origin.Error)
	}
	if origin.URL == "" {
		return nil, fmt.Errorf("the controller gave no charm URL")
	}
	return a.m.charmInfo(ctx, conn, origin.URL)
}
