package facades

import "github.com/gojuju/juju/internal/errcode"

// Error is the wire type Error of every facade: Juju's params.Error, the
// per-item error of a bulk result ({"message", "code", "info"}). It is this
// package's own type, so that the wire types (and the simulator, which
// shares them) do not depend on the client's connection package; it has the
// same fields as rpc.Error, and the client library converts one to the other
// with (*rpc.Error)(e). errors.Is matches it against the sentinels of its
// code exactly as it matches an rpc.Error (rpc.ErrNotFound, ...).
type Error struct {
	Message string         `json:"message"`
	Code    string         `json:"code"`
	Info    map[string]any `json:"info,omitempty"`
}

// Error returns the server's message (or the code if there is no message).
func (e *Error) Error() string {
	switch {
	case e.Message != "":
		return e.Message
	case e.Code != "":
		return e.Code
	default:
		return "unknown server error"
	}
}

// Is reports whether the error's code maps to target, one of the sentinels
// rpc exports (rpc.ErrNotFound, rpc.ErrNotValid, ...).
func (e *Error) Is(target error) bool { return errcode.Is(e.Code, e.Message, target) }
