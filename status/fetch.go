package status

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/gojuju/juju/internal/facades"
	"github.com/gojuju/juju/internal/facades/apiclient"
	"github.com/gojuju/juju/rpc"
)

// ErrInvalidArgument is matched by the errors of the constructors and waits
// of this package for arguments they refuse (a missing fetch function, a
// negative interval or count). It is the sentinel juju.ErrInvalidArgument
// re-exports.
var ErrInvalidArgument = errors.New("invalid argument")

// Caller is the connection a status request goes through: *rpc.Conn
// implements it (the root package passes its model connection).
type Caller interface {
	// BestVersion returns the version of the facade negotiated with the
	// controller.
	BestVersion(facade string) (int, error)
	// CallVersion calls a method of a facade at a version.
	CallVersion(ctx context.Context, facade string, version int, method, id string, params, result any) error
}

var _ Caller = (*rpc.Conn)(nil)

// Options are the options of a status request (Model.Status, Fetch); nil
// means the whole model without storage.
type Options struct {
	// Patterns restricts the status to the matching applications, units
	// and machines ("pg", "pg/0", "0"); none means the whole model.
	Patterns []string
	// IncludeStorage asks for storage instances, filesystems and volumes.
	IncludeStorage bool
}

// Fetch makes one status request (Client.FullStatus) on a model
// connection and decodes the reply. Model.Status calls it on the model's
// connection; use it directly over an *rpc.Conn of your own.
func Fetch(ctx context.Context, c Caller, opts *Options) (*Status, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	sent := time.Now()
	// Client.FullStatus is version 8 in Juju 4.0 and 3.6 (the shapes of
	// the answer differ a little; the decoder reads both).
	v, err := c.BestVersion("Client")
	if err != nil {
		return nil, fmt.Errorf("cannot call Client.FullStatus: %w", err)
	}
	if v != 8 {
		return nil, &apiclient.MethodVersionError{Facade: "Client", Method: "FullStatus", Version: v, Versions: []int{8}}
	}
	var r fullStatusResult
	err = c.CallVersion(ctx, "Client", v, "FullStatus", "", facades.StatusParams{
		Patterns:       o.Patterns,
		IncludeStorage: o.IncludeStorage,
	}, &r)
	if err != nil {
		return nil, err
	}
	s := r.s
	if s == nil { // no response value: an empty status, as before
		s = fromWire(&apiclient.FullStatus{})
	}
	s.sent, s.received = sent, time.Now()
	return s, nil
}

// fullStatusResult is the result of a Client.FullStatus call: the reply
// decoded straight into a Status, by rpc.Conn as it arrives
// (rpc.StreamResultDecoder) or from the whole frame (rpc.ResultDecoder),
// or by anything that uses encoding/json (json.Unmarshaler).
type fullStatusResult struct{ s *Status }

var (
	_ rpc.StreamResultDecoder = (*fullStatusResult)(nil)
	_ rpc.ResultDecoder       = (*fullStatusResult)(nil)
	_ json.Unmarshaler        = (*fullStatusResult)(nil)
)

// DecodeResultFrom implements rpc.StreamResultDecoder.
func (r *fullStatusResult) DecodeResultFrom(rd io.Reader) error {
	s, err := decodeFullStatusFrom(rd)
	if err != nil {
		return fmt.Errorf("cannot decode full status: %w", err)
	}
	r.s = s
	return nil
}

// DecodeResult implements rpc.ResultDecoder.
func (r *fullStatusResult) DecodeResult(data []byte) error {
	s, err := decodeFullStatus(data)
	if err != nil {
		return fmt.Errorf("cannot decode full status: %w", err)
	}
	r.s = s
	return nil
}

// UnmarshalJSON implements json.Unmarshaler.
func (r *fullStatusResult) UnmarshalJSON(data []byte) error { return r.DecodeResult(data) }
