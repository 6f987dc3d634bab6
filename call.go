package juju

import (
	"context"
	"fmt"
	"slices"

	"github.com/gojuju/juju/rpc"
)

// Call calls method of a facade on the model connection, for the facades
// and methods gojuju has not wrapped: users are never stuck on a call the
// library lacks. The facade is called at the highest version the
// controller offers on the connection (see CallVersion to pin one); id is
// the object id, "" except for watcher facades. params is encoded as JSON
// (nil is sent as {}) and the response decoded into result unless result
// is nil, so params and result are usually structs with JSON tags or
// maps.
//
// The call shares the Model's connection, opened (or reopened) on first
// use. An error from the controller unwraps to an *rpc.Error (its Code
// matched by ErrNotFound, ErrUnauthorized, ...); a facade the controller
// does not offer matches ErrNotSupported. Bulk calls report per-entity
// errors inside result, which Call does not look at.
func (m *Model) Call(ctx context.Context, facade, method, id string, params, result any) error {
	return m.CallVersion(ctx, facade, 0, method, id, params, result)
}

// CallVersion is Call at facade version version; 0 means the highest the
// controller offers.
func (m *Model) CallVersion(ctx context.Context, facade string, version int, method, id string, params, result any) error {
	return opError("call", facade+"."+method, m.ctrl.call(ctx, m.uuid, facade, version, method, id, params, result))
}

// Call calls method of a facade on the controller connection (the
// connection without a model, which serves controller-wide facades such
// as ModelManager, Controller, Cloud and UserManager); see Model.Call for
// the rules. Use Model.Call for model facades (Client, Application,
// MachineManager, ...).
func (c *Controller) Call(ctx context.Context, facade, method, id string, params, result any) error {
	return c.CallVersion(ctx, facade, 0, method, id, params, result)
}

// CallVersion is Call at facade version version; 0 means the highest the
// controller offers.
func (c *Controller) CallVersion(ctx context.Context, facade string, version int, method, id string, params, result any) error {
	return opError("call", facade+"."+method, c.call(ctx, "", facade, version, method, id, params, result))
}

func (c *Controller) call(ctx context.Context, modelUUID, facade string, version int, method, id string, params, result any) error {
	if facade == "" || method == "" {
		return invalid(ErrInvalidArgument, "facade method", facade+"."+method, "needs a facade and a method name")
	}
	if version < 0 {
		return invalidf(ErrInvalidArgument, "facade version", fmt.Sprint(version), "must not be negative")
	}
	conn, err := c.conn(ctx, modelUUID)
	if err != nil {
		return err
	}
	offered := conn.Login().Facades[facade]
	if version == 0 {
		if len(offered) == 0 {
			return &rpc.VersionError{Facade: facade, Server: offered}
		}
		version = slices.Max(offered)
	} else if !slices.Contains(offered, version) {
		return &rpc.VersionError{Facade: facade, Client: []int{version}, Server: offered}
	}
	return conn.CallVersion(ctx, facade, version, method, id, params, result)
}
