package apiclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/gojuju/juju/internal/errcode"
	"github.com/gojuju/juju/rpc"
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

// shape is one wire shape of a method whose shape differs between facade
// versions or Juju releases: the versions that speak it, the releases whose
// schema defines it, and how to send the adapter's neutral params in it.
type shape struct {
	versions []int
	releases []string // "4.0", "3.6"
	// params names the shape's params type when it is not the adapter's
	// own; convert converts the adapter's params to it.
	params  string
	convert func(any) (any, error)
}

// ErrUnknownRelease is matched by the error of an adapter that must pick
// between two shapes one facade version has in two Juju releases, through a
// Caller that cannot tell the controller's release (it has no
// Login() rpc.LoginInfo). Nothing was sent.
var ErrUnknownRelease = errors.New("cannot tell the controller's Juju release")

// callShape is call for an adapter: it negotiates the facade version, picks
// the shape that version has (by the controller's release when two releases
// give it different params), converts the params to it and makes the call.
// Any shape's answer decodes into result, a neutral type.
func callShape(ctx context.Context, c Caller, facade, method, id string, shapes []shape, params, result any) error {
	v, err := c.BestVersion(facade)
	if err != nil {
		return fmt.Errorf("cannot call %s.%s: %w", facade, method, err)
	}
	var cands []shape
	var all []int
	for _, s := range shapes {
		if slices.Contains(s.versions, v) {
			cands = append(cands, s)
		}
		all = append(all, s.versions...)
	}
	if len(cands) == 0 {
		slices.Sort(all)
		return &MethodVersionError{Facade: facade, Method: method, Version: v, Versions: slices.Compact(all)}
	}
	pick := cands[0]
	if slices.ContainsFunc(cands[1:], func(s shape) bool { return s.params != pick.params }) {
		rel, ok := release(c)
		if !ok {
			return fmt.Errorf("cannot call %s.%s: version %d has one shape per Juju release: %w", facade, method, v, ErrUnknownRelease)
		}
		pick, ok = shapeFor(cands, rel)
		if !ok {
			return fmt.Errorf("cannot call %s.%s: version %d has no shape for Juju %s: %w", facade, method, v, rel, errcode.ErrNotSupported)
		}
	}
	if pick.convert != nil {
		if params, err = pick.convert(params); err != nil {
			return fmt.Errorf("cannot call %s.%s: %w", facade, method, err)
		}
	}
	return c.CallVersion(ctx, facade, v, method, id, params, result)
}

// release returns the controller's Juju release ("4.0") when the Caller
// tells its login.
func release(c Caller) (string, bool) {
	l, ok := c.(interface{ Login() rpc.LoginInfo })
	if !ok {
		return "", false
	}
	parts := strings.SplitN(l.Login().ServerVersion, ".", 3)
	if len(parts) < 2 {
		return "", false
	}
	return parts[0] + "." + parts[1], true
}

// shapeFor picks the shape of a release: the release's own, else that of
// the same major release.
func shapeFor(cands []shape, rel string) (shape, bool) {
	for _, s := range cands {
		if slices.Contains(s.releases, rel) {
			return s, true
		}
	}
	major, _, _ := strings.Cut(rel, ".")
	for _, s := range cands {
		for _, r := range s.releases {
			if m, _, _ := strings.Cut(r, "."); m == major {
				return s, true
			}
		}
	}
	return shape{}, false
}

// reshape converts neutral params to the shape T: through their JSON
// encoding, so that every field T has is carried (keys match as
// encoding/json matches them) and the fields T lacks are dropped.
func reshape[T any](in any) (any, error) {
	var out T
	data, err := json.Marshal(in)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, err
	}
	return out, nil
}
