package juju

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/gojuju/juju/internal/facades"
	"github.com/gojuju/juju/internal/facades/apiclient"
)

// UnitInfo is what "juju show-unit" shows about a unit
// (Application.UnitsInfo): where it runs and, for each relation of its
// application, the databags the unit can read.
type UnitInfo struct {
	// Name is the unit's name ("pg/0").
	Name string
	// Charm is the charm URL the unit runs ("ch:amd64/postgresql-468").
	Charm string
	// Leader reports whether the unit is its application's leader.
	Leader bool
	// Life is "alive", "dying" or "dead".
	Life string
	// Machine is the machine the unit runs on; "" on Kubernetes.
	Machine string
	// PublicAddress is the unit's public address (machine models);
	// Address its address on Kubernetes, with ProviderID its pod.
	PublicAddress, Address, ProviderID string
	// OpenedPorts are the ports the unit opened ("80/tcp").
	OpenedPorts []string
	// WorkloadVersion is the version the charm reported.
	WorkloadVersion string
	// Relations holds one entry per relation of the unit's application,
	// in the controller's order.
	Relations []UnitRelation
}

// UnitRelation is one relation as a unit sees it.
type UnitRelation struct {
	// ID is the relation's ID.
	ID int
	// Endpoint is the unit's endpoint ("db"); RelatedEndpoint the
	// endpoint at the other end ("database"), the same for a peer
	// relation.
	Endpoint, RelatedEndpoint string
	// CrossModel reports a relation with an application of another
	// model.
	CrossModel bool
	// ApplicationData is the related application's databag (the unit's
	// own application's, for a peer relation).
	ApplicationData map[string]string
	// LocalUnit is the unit's own databag; InScope is false until its
	// agent has entered the relation.
	LocalUnit RelationUnitData
	// RelatedUnits holds the databags of the related units by name
	// (the other peers, for a peer relation).
	RelatedUnits map[string]RelationUnitData
}

// RelationUnitData is one unit's databag in a relation.
type RelationUnitData struct {
	// InScope reports whether the unit has entered the relation.
	InScope bool
	// Data is the unit's databag: the agent's private-address,
	// ingress-address and egress-subnets, and what the charm wrote.
	Data map[string]string
}

// Relation returns the unit's relation on endpoint (the first, if the
// endpoint has several), or nil.
func (u *UnitInfo) Relation(endpoint string) *UnitRelation {
	for i := range u.Relations {
		if u.Relations[i].Endpoint == endpoint {
			return &u.Relations[i]
		}
	}
	return nil
}

// Info returns what "juju show-unit" shows about the unit, relation data
// included (Application.UnitsInfo). A unit that does not exist gets an
// error matching ErrNotFound.
func (u *Unit) Info(ctx context.Context) (*UnitInfo, error) {
	infos, err := u.m.unitsInfo(ctx, []string{u.name})
	if err != nil {
		return nil, opError("get info of unit", u.name, err)
	}
	return infos[0], nil
}

// UnitsInfo returns Unit.Info for each of units, in the same order, in
// one call. The error joins each unit's failure.
func (m *Model) UnitsInfo(ctx context.Context, units ...string) ([]*UnitInfo, error) {
	infos, err := m.unitsInfo(ctx, units)
	return infos, opError("get info of units", strings.Join(units, ","), err)
}

func (m *Model) unitsInfo(ctx context.Context, units []string) ([]*UnitInfo, error) {
	if len(units) == 0 {
		return nil, invalid(ErrInvalidArgument, "units", "", "give at least one unit")
	}
	ents := facades.Entities{Entities: make([]facades.Entity, len(units))}
	for i, u := range units {
		if err := checkUnitName(u); err != nil {
			return nil, err
		}
		ents.Entities[i] = facades.Entity{Tag: unitTag(u)}
	}
	conn, err := m.conn(ctx)
	if err != nil {
		return nil, err
	}
	res, err := apiclient.NewApplicationClient(conn).UnitsInfo(ctx, ents)
	if err != nil {
		return nil, err
	}
	if len(res.Results) != len(units) {
		return nil, fmt.Errorf("the controller returned %d results for %d units", len(res.Results), len(units))
	}
	infos := make([]*UnitInfo, len(units))
	var errs []error
	for i, r := range res.Results {
		switch {
		case r.Error != nil:
			if len(units) == 1 {
				errs = append(errs, apiclient.ServerError(r.Error))
			} else {
				errs = append(errs, fmt.Errorf("%s: %w", units[i], r.Error))
			}
		case r.Result == nil:
			errs = append(errs, fmt.Errorf("%s: the controller returned no result", units[i]))
		default:
			infos[i] = unitInfoFromWire(units[i], r.Result)
		}
	}
	return infos, errors.Join(errs...)
}

func unitInfoFromWire(name string, r *facades.UnitResult) *UnitInfo {
	info := &UnitInfo{Name: name, Charm: r.Charm, Leader: r.Leader, Life: r.Life, Machine: r.Machine,
		PublicAddress: r.PublicAddress, Address: r.Address, ProviderID: r.ProviderID,
		OpenedPorts: r.OpenedPorts, WorkloadVersion: r.WorkloadVersion}
	if info.Life == "" {
		info.Life = "alive"
	}
	for _, rd := range r.RelationData {
		rel := UnitRelation{ID: rd.RelationID, Endpoint: rd.Endpoint, RelatedEndpoint: rd.RelatedEndpoint,
			CrossModel: rd.CrossModel, ApplicationData: databag(rd.ApplicationData), RelatedUnits: map[string]RelationUnitData{}}
		names := make([]string, 0, len(rd.UnitRelationData))
		for n := range rd.UnitRelationData {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			d := rd.UnitRelationData[n]
			ud := RelationUnitData{InScope: d.InScope, Data: databag(d.UnitData)}
			if n == name {
				rel.LocalUnit = ud
				continue
			}
			rel.RelatedUnits[n] = ud
		}
		if rel.LocalUnit.Data == nil {
			rel.LocalUnit.Data = map[string]string{}
		}
		info.Relations = append(info.Relations, rel)
	}
	return info
}

// databag turns a wire databag into strings (databag values are strings;
// anything else is printed as JSON would show it).
func databag(d map[string]any) map[string]string {
	out := make(map[string]string, len(d))
	for k, v := range d {
		switch x := v.(type) {
		case string:
			out[k] = x
		case nil:
			out[k] = ""
		default:
			out[k] = fmt.Sprint(x)
		}
	}
	return out
}
