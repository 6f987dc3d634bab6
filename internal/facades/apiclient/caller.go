package apiclient

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/gojuju/juju/internal/errcode"
)

// Caller is what the generated clients call through. *rpc.Conn implements it.
type Caller interface {
	// BestVersion returns the version of the facade negotiated with the
	// controller; its error matches rpc.ErrNotSupported when the controller
	// offers no version the client speaks.
	BestVersion(facade string) (int, error)
	// CallVersion calls a method of a facade at a version. A nil params is
	// sent as {}; a nil result discards the response.
	CallVersion(ctx context.Context, facade string, version int, method, id string, params, result any) error
}

// MethodVersionError reports a call to a method that does not exist in the
// negotiated version of its facade. Nothing was sent. It matches
// rpc.ErrNotSupported.
type MethodVersionError struct {
	Facade   string // facade name, such as "Application"
	Method   string // method name on the wire, such as "ScaleApplications"
	Version  int    // the negotiated facade version
	Versions []int  // the versions in which the method exists
}

// Error implements error.
func (e *MethodVersionError) Error() string {
	vs := make([]string, len(e.Versions))
	for i, v := range e.Versions {
		vs[i] = strconv.Itoa(v)
	}
	return fmt.Sprintf("cannot call %s.%s: the controller speaks %s version %d but the method exists only in versions %s: %v",
		e.Facade, e.Method, e.Facade, e.Version, strings.Join(vs, ", "), errcode.ErrNotSupported)
}

// Is reports whether target is rpc.ErrNotSupported.
func (e *MethodVersionError) Is(target error) bool { return target == errcode.ErrNotSupported }

// call negotiates the facade version, checks that the method exists in it
// and makes the call.
func call(ctx context.Context, c Caller, facade, method, id string, versions []int, params, result any) error {
	v, err := c.BestVersion(facade)
	if err != nil {
		return fmt.Errorf("cannot call %s.%s: %w", facade, method, err)
	}
	if !slices.Contains(versions, v) {
		return &MethodVersionError{Facade: facade, Method: method, Version: v, Versions: slices.Clone(versions)}
	}
	return c.CallVersion(ctx, facade, v, method, id, params, result)
}
