package juju

import (
	"context"
	"sort"
	"strconv"
	"time"

	"github.com/gojuju/juju/internal/facades"
	"github.com/gojuju/juju/internal/facades/apiclient"
)

// Relation describes a relation Model.Integrate created: its two endpoints
// as the controller resolved them (one, for a peer relation).
type Relation struct {
	Endpoints []RelationEndpoint // sorted by application name
}

// RelationEndpoint is one side of a relation.
type RelationEndpoint struct {
	Application string // the application name
	Name        string // the endpoint name
	Role        string // "provider", "requirer", "peer"
	Interface   string // the interface name
	Scope       string // "global" or "container"
}

// String returns "application:name".
func (e RelationEndpoint) String() string { return e.Application + ":" + e.Name }

// IntegrateOptions are the options of Model.Integrate.
type IntegrateOptions struct {
	// ViaCIDRs are the egress address ranges of a cross-model relation.
	ViaCIDRs []string
}

// Integrate relates two applications, each given as "application" or
// "application:endpoint" (Application.AddRelation); the controller infers
// a missing endpoint name when only one fits.
func (m *Model) Integrate(ctx context.Context, a, b string, opts *IntegrateOptions) (*Relation, error) {
	r, err := m.integrate(ctx, a, b, opts)
	return r, opError("integrate "+strconv.Quote(a)+" with", b, err)
}

func (m *Model) integrate(ctx context.Context, a, b string, opts *IntegrateOptions) (*Relation, error) {
	if opts == nil {
		opts = &IntegrateOptions{}
	}
	ea, err := ParseEndpoint(a)
	if err != nil {
		return nil, err
	}
	eb, err := ParseEndpoint(b)
	if err != nil {
		return nil, err
	}
	for _, c := range opts.ViaCIDRs {
		if err := checkCIDR(c); err != nil {
			return nil, err
		}
	}
	conn, err := m.conn(ctx)
	if err != nil {
		return nil, err
	}
	rel := &Relation{}
	err = resolveWrite(ctx, func() error {
		res, err := apiclient.NewApplicationClient(conn).AddRelation(ctx, facades.AddRelation{
			Endpoints: []string{ea.String(), eb.String()}, ViaCidrs: opts.ViaCIDRs,
		})
		if err != nil {
			return err
		}
		for app, ep := range res.Endpoints {
			rel.Endpoints = append(rel.Endpoints, RelationEndpoint{Application: app, Name: ep.Name, Role: ep.Role, Interface: ep.Interface, Scope: ep.Scope})
		}
		return nil
	}, func() (bool, error) {
		ps, err := m.probe(ctx)
		if err != nil {
			return false, err
		}
		i := ps.relation([]Endpoint{ea, eb}, 0)
		if i < 0 {
			return false, nil
		}
		r := ps.Relations[i]
		for _, e := range r.Endpoints {
			rel.Endpoints = append(rel.Endpoints, RelationEndpoint{Application: e.Application, Name: e.Name, Role: e.Role, Interface: r.Interface, Scope: r.Scope})
		}
		return true, nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(rel.Endpoints, func(i, j int) bool { return rel.Endpoints[i].Application < rel.Endpoints[j].Application })
	return rel, nil
}

// RemoveRelationOptions are the options of removing a relation.
type RemoveRelationOptions struct {
	// Force removes the relation even if its hooks fail.
	Force bool
	// MaxWait, with Force, is how long to wait for a normal removal
	// before forcing it.
	MaxWait *time.Duration
}

// RemoveRelation removes the relation between two endpoints
// ("application[:endpoint]"; Application.DestroyRelation).
func (m *Model) RemoveRelation(ctx context.Context, a, b string, opts *RemoveRelationOptions) error {
	return opError("remove relation "+strconv.Quote(a)+" with", b, m.removeRelation(ctx, []string{a, b}, 0, opts))
}

// RemoveRelationByID removes the relation with the given id (as status
// shows it).
func (m *Model) RemoveRelationByID(ctx context.Context, id int, opts *RemoveRelationOptions) error {
	return opError("remove relation", strconv.Itoa(id), m.removeRelation(ctx, nil, id, opts))
}

func (m *Model) removeRelation(ctx context.Context, endpoints []string, id int, opts *RemoveRelationOptions) error {
	if opts == nil {
		opts = &RemoveRelationOptions{}
	}
	for _, e := range endpoints {
		if _, err := ParseEndpoint(e); err != nil {
			return err
		}
	}
	if endpoints == nil && id < 0 {
		return invalid(ErrInvalidArgument, "relation id", strconv.Itoa(id), "must not be negative")
	}
	if opts.MaxWait != nil && !opts.Force {
		return invalid(ErrInvalidArgument, "option", "MaxWait", "needs Force")
	}
	conn, err := m.conn(ctx)
	if err != nil {
		return err
	}
	var eps []Endpoint
	for _, e := range endpoints {
		ep, _ := ParseEndpoint(e)
		eps = append(eps, ep)
	}
	if err := resolveWrite(ctx, func() error {
		return apiclient.NewApplicationClient(conn).DestroyRelation(ctx, facades.DestroyRelation{
			Endpoints: endpoints, RelationID: id, Force: opts.Force, MaxWait: opts.MaxWait,
		})
	}, func() (bool, error) {
		ps, err := m.probe(ctx)
		if err != nil {
			return false, err
		}
		return ps.relation(eps, id) < 0, nil
	}); err != nil {
		return err
	}
	return nil
}
