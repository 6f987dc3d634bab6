package apiclient

import (
	"github.com/gojuju/juju/internal/facades"
	"github.com/gojuju/juju/rpc"
)

// ServerError converts the wire types' error (a per-item error of a bulk
// result) to the *rpc.Error the library returns for every controller error;
// nil stays nil. The two types have the same fields and match the same
// sentinels; converting keeps errors.As(err, **rpc.Error) working for the
// library's callers.
func ServerError(e *facades.Error) *rpc.Error { return (*rpc.Error)(e) }

// ServerErrors converts a list of wire errors with ServerError.
func ServerErrors(errs []*facades.Error) []*rpc.Error {
	out := make([]*rpc.Error, len(errs))
	for i, e := range errs {
		out[i] = ServerError(e)
	}
	return out
}
