package juju

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/gojuju/juju/internal/facades"
	"github.com/gojuju/juju/internal/facades/apiclient"
	"github.com/gojuju/juju/rpc"
)

// AddMachineOptions are the options of Model.AddMachines. The zero value
// adds machines on the model's default base without constraints.
type AddMachineOptions struct {
	// Base is the machine's base ("ubuntu@24.04").
	Base string
	// Series is the legacy name of the base; refused by Juju 4
	// controllers (see DeployOptions.Series).
	Series string
	// Constraints are the machines' constraints; see ParseConstraints for
	// the CLI's language ("mem=8G cores=4").
	Constraints Constraints
	// To says where: "lxd" (a container on a new machine), "lxd:3" (a
	// container on machine 3), or a provider directive
	// ("zone=us-east-1a"). Empty means a new machine.
	To string
	// Disks are storage directives for the machine's disks ("ebs,10G").
	Disks []string
}

// AddMachines adds n machines (MachineManager.AddMachines) and returns
// their ids ("3", "0/lxd/2").
func (m *Model) AddMachines(ctx context.Context, n int, opts *AddMachineOptions) ([]string, error) {
	ids, err := m.addMachines(ctx, n, opts)
	return ids, opError("add machine to model", m.QualifiedName(), err)
}

func (m *Model) addMachines(ctx context.Context, n int, opts *AddMachineOptions) ([]string, error) {
	if opts == nil {
		opts = &AddMachineOptions{}
	}
	if n < 1 {
		return nil, invalidf(ErrInvalidArgument, "number of machines", strconv.Itoa(n), "must be at least 1")
	}
	base, err := m.ctrl.chooseBase(ctx, opts.Base, opts.Series)
	if err != nil {
		return nil, err
	}
	cons := opts.Constraints
	if err := cons.check(); err != nil {
		return nil, err
	}
	var placement *facades.Placement
	var containerType string
	if opts.To != "" {
		p, err := ParsePlacement(opts.To)
		if err != nil {
			return nil, err
		}
		switch {
		case p.IsNewMachine():
		case p.Scope == MachineScope:
			return nil, invalid(ErrInvalidPlacement, "placement", opts.To, `machine `+p.Directive+` exists already; to add a container to it, write "lxd:`+p.Directive+`"`)
		case isContainerType(p.Scope) && p.Directive == "":
			containerType = p.Scope
		default:
			wp := p.wire(m.uuid)
			placement = &wp
		}
	}
	var disks []StorageDirective
	for _, d := range opts.Disks {
		sd, err := ParseStorageDirective(d)
		if err != nil {
			return nil, err
		}
		disks = append(disks, sd)
	}
	if m.modelType == ModelCAAS {
		return nil, fmt.Errorf("a Kubernetes model has no machines: %w", ErrNotSupported)
	}
	conn, err := m.conn(ctx)
	if err != nil {
		return nil, err
	}
	// MachineManager 10 (3.6) and 11 (4.0) take the same AddMachines
	// shape on the wire.
	p := facades.AddMachineParams{Base: base.wire(), Constraints: cons.wire(), Jobs: []string{"JobHostUnits"},
		Placement: placement, ContainerType: containerType}
	for _, d := range disks {
		p.Disks = append(p.Disks, facades.Directive{Pool: d.Pool, Size: int(d.Size), Count: int(d.Count)})
	}
	args := facades.AddMachines{}
	for range n {
		args.Params = append(args.Params, p)
	}
	res, err := apiclient.NewMachineManagerClient(conn).AddMachines(ctx, args)
	if err != nil {
		return nil, err
	}
	var ids []string
	errs := make([]*rpc.Error, len(res.Machines))
	for i, r := range res.Machines {
		errs[i] = apiclient.ServerError(r.Error)
		if r.Error == nil {
			ids = append(ids, r.Machine)
		}
	}
	if err := rpc.BulkError(errs); err != nil {
		return ids, err
	}
	return ids, nil
}

// RemoveMachineOptions are the options of Model.RemoveMachines.
type RemoveMachineOptions struct {
	// Force removes the machines even if they host units or their agents
	// do not answer.
	Force bool
	// KeepInstance leaves the cloud instance running.
	KeepInstance bool
	// MaxWait, with Force, is how long to wait for a normal removal.
	MaxWait *time.Duration
	// Wait returns only once the machines are gone from the model.
	Wait bool
}

// RemoveMachines removes machines ("3", "0/lxd/1";
// MachineManager.DestroyMachineWithParams). With opts.Wait it returns once
// they are gone.
func (m *Model) RemoveMachines(ctx context.Context, ids []string, opts *RemoveMachineOptions) error {
	entity := ""
	op := "remove machine"
	if len(ids) == 1 {
		entity = ids[0]
	} else if len(ids) > 1 {
		op = "remove machines " + quoteList(ids)
	}
	return opError(op, entity, m.removeMachines(ctx, ids, opts))
}

func (m *Model) removeMachines(ctx context.Context, ids []string, opts *RemoveMachineOptions) error {
	if opts == nil {
		opts = &RemoveMachineOptions{}
	}
	if len(ids) == 0 {
		return invalid(ErrInvalidArgument, "machines", "", "none given")
	}
	var tags []string
	for _, id := range ids {
		if err := checkMachineID(id); err != nil {
			return err
		}
		tags = append(tags, machineTag(id))
	}
	if opts.MaxWait != nil && !opts.Force {
		return invalid(ErrInvalidArgument, "option", "MaxWait", "needs Force")
	}
	conn, err := m.conn(ctx)
	if err != nil {
		return err
	}
	err = resolveWrite(ctx, func() error {
		res, err := apiclient.NewMachineManagerClient(conn).DestroyMachineWithParams(ctx, facades.DestroyMachinesParams{
			MachineTags: tags, Force: opts.Force, Keep: opts.KeepInstance, MaxWait: opts.MaxWait,
		})
		if err != nil {
			return err
		}
		errs := make([]*rpc.Error, len(res.Results))
		for i, r := range res.Results {
			errs[i] = apiclient.ServerError(r.Error)
		}
		return rpc.BulkError(errs)
	}, func() (bool, error) {
		ps, err := m.probe(ctx)
		if err != nil {
			return false, err
		}
		for _, id := range ids {
			if ps.machineAlive(id) {
				return false, nil
			}
		}
		return true, nil
	})
	if err != nil {
		return err
	}
	if !opts.Wait {
		return nil
	}
	return pollUntil(ctx, func() (bool, error) {
		fs, err := apiclient.NewClientClient(conn).FullStatus(ctx, facades.StatusParams{Patterns: ids})
		if err != nil {
			return false, err
		}
		for _, id := range ids {
			if machineInStatus(fs.Machines, id) {
				return false, nil
			}
		}
		return true, nil
	})
}

// machineInStatus reports whether a machine (or container) is listed.
func machineInStatus(ms map[string]apiclient.MachineStatus, id string) bool {
	for mid, ms := range ms {
		if mid == id {
			return true
		}
		if machineInStatus(ms.Containers, id) {
			return true
		}
	}
	return false
}
