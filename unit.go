package juju

import (
	"context"

	"github.com/gojuju/juju/internal/facades"
	"github.com/gojuju/juju/internal/facades/apiclient"
	"github.com/gojuju/juju/rpc"
	"github.com/gojuju/juju/status"
)

// Unit is a handle on one unit of a model ("pg/0"). Getting one sends
// nothing; every method checks the name before sending anything. It holds
// no state from the controller. It is safe for concurrent use.
type Unit struct {
	m    *Model
	name string
}

// Unit returns a handle on the unit called name ("pg/0"). The name is
// checked (and the unit looked up) when a method is called.
func (m *Model) Unit(name string) *Unit { return &Unit{m: m, name: name} }

// Name returns the unit's name ("pg/0").
func (u *Unit) Name() string { return u.name }

// Model returns the model the unit belongs to.
func (u *Unit) Model() *Model { return u.m }

// Application returns a handle on the unit's application ("pg" for
// "pg/0").
func (u *Unit) Application() *Application { return u.m.Application(unitApplication(u.name)) }

// ResolveOptions are the options of Unit.Resolve and
// Application.ResolveErrors. The zero value marks the failed hook as
// resolved without running it again ("juju resolve --no-retry").
type ResolveOptions struct {
	// Retry runs the failed hook again instead of skipping it.
	Retry bool
}

// Resolve clears the unit's error after a failed hook
// (Application.ResolveUnitErrors), as "juju resolve" does: the hook is
// skipped, or with opts.Retry run again, and the unit agent moves on. A
// unit that is not in error is refused by the controller with an error
// matching ErrNotValid. Wait for the unit to settle afterwards (Model.Wait,
// Model.WaitForIdle).
func (u *Unit) Resolve(ctx context.Context, opts *ResolveOptions) error {
	if err := checkUnitName(u.name); err != nil {
		return opError("resolve", u.name, err)
	}
	return opError("resolve", u.name, u.m.resolveUnits(ctx, []string{u.name}, opts))
}

// resolveUnits calls Application.ResolveUnitErrors for units.
func (m *Model) resolveUnits(ctx context.Context, units []string, opts *ResolveOptions) error {
	if opts == nil {
		opts = &ResolveOptions{}
	}
	conn, err := m.conn(ctx)
	if err != nil {
		return err
	}
	tags := make([]facades.Entity, len(units))
	for i, n := range units {
		tags[i] = facades.Entity{Tag: unitTag(n)}
	}
	res, err := apiclient.NewApplicationClient(conn).ResolveUnitErrors(ctx, facades.UnitsResolved{
		Retry: opts.Retry, Tags: &facades.Entities{Entities: tags},
	})
	if err != nil {
		return err
	}
	errs := make([]*rpc.Error, len(res.Results))
	for i, r := range res.Results {
		errs[i] = apiclient.ServerError(r.Error)
	}
	return rpc.BulkError(errs)
}

// Remove removes the unit (see Model.RemoveUnits). With opts.Wait it
// returns once the unit is gone.
func (u *Unit) Remove(ctx context.Context, opts *RemoveOptions) error {
	return u.m.RemoveUnits(ctx, []string{u.name}, opts)
}

// RunAction enqueues action on the unit; see Model.RunAction.
func (u *Unit) RunAction(ctx context.Context, action string, params map[string]any, opts *RunActionOptions) (*Action, error) {
	return u.m.RunAction(ctx, u.name, action, params, opts)
}

// Status returns the unit's status, from a snapshot of the model
// restricted to the unit (Client.FullStatus). A unit the model does not
// have gets an error matching ErrNotFound.
func (u *Unit) Status(ctx context.Context) (*status.Unit, error) {
	if err := checkUnitName(u.name); err != nil {
		return nil, opError("get status of", u.name, err)
	}
	s, err := u.m.Status(ctx, &status.Options{Patterns: []string{u.name}})
	if err != nil {
		return nil, err
	}
	if us := s.Unit(u.name); us != nil {
		return us, nil
	}
	return nil, opError("get status of", u.name, notFoundf("unit %q not found", u.name))
}

// ResolveErrors resolves every unit of the application that is in error
// after a failed hook (see Unit.Resolve), and returns their names; none
// in error is no error. The units are found in a status snapshot first.
func (a *Application) ResolveErrors(ctx context.Context, opts *ResolveOptions) ([]string, error) {
	units, err := a.resolveErrors(ctx, opts)
	return units, opError("resolve errors of", a.name, err)
}

func (a *Application) resolveErrors(ctx context.Context, opts *ResolveOptions) ([]string, error) {
	if err := checkApplicationName(a.name); err != nil {
		return nil, err
	}
	s, err := a.m.Status(ctx, &status.Options{Patterns: []string{a.name}})
	if err != nil {
		return nil, err
	}
	if s.Applications[a.name] == nil {
		return nil, notFoundf("application %q not found", a.name)
	}
	var units []string
	for _, us := range s.Units(a.name) {
		if us.AgentStatus.Current == "error" || us.WorkloadStatus.Current == "error" {
			units = append(units, us.Name)
		}
	}
	if len(units) == 0 {
		return nil, nil
	}
	return units, a.m.resolveUnits(ctx, units, opts)
}

// Machine is a handle on one machine or container of a model ("3",
// "0/lxd/1"). Getting one sends nothing; every method checks the id
// before sending anything. It is safe for concurrent use.
type Machine struct {
	m  *Model
	id string
}

// Machine returns a handle on the machine id ("3", "0/lxd/1"). The id is
// checked (and the machine looked up) when a method is called.
func (m *Model) Machine(id string) *Machine { return &Machine{m: m, id: id} }

// ID returns the machine's id.
func (x *Machine) ID() string { return x.id }

// Model returns the model the machine belongs to.
func (x *Machine) Model() *Model { return x.m }

// Remove removes the machine (see Model.RemoveMachines): opts.Force
// removes it even if it hosts units, opts.KeepInstance leaves the cloud
// instance running, and with opts.Wait it returns once the machine is
// gone.
func (x *Machine) Remove(ctx context.Context, opts *RemoveMachineOptions) error {
	return x.m.RemoveMachines(ctx, []string{x.id}, opts)
}

// Status returns the machine's status, from a snapshot of the model
// restricted to it (Client.FullStatus). A machine the model does not have
// gets an error matching ErrNotFound.
func (x *Machine) Status(ctx context.Context) (*status.Machine, error) {
	if err := checkMachineID(x.id); err != nil {
		return nil, opError("get status of machine", x.id, err)
	}
	s, err := x.m.Status(ctx, &status.Options{Patterns: []string{x.id}})
	if err != nil {
		return nil, err
	}
	if ms := s.Machine(x.id); ms != nil {
		return ms, nil
	}
	return nil, opError("get status of machine", x.id, notFoundf("machine %q not found", x.id))
}
