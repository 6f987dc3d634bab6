package status

import (
	"time"

	"github.com/gojuju/juju/internal/facades/apiclient"
)

// What the external tests (package status_test) need of the internals.

// FromWire is fromWire, for the decode benchmarks.
func FromWire(fs *apiclient.FullStatus) *Status { return fromWire(fs) }

// EvaluateIdle evaluates one snapshot as WaitForIdle with the default
// options does, and diffs it against prev, for the benchmarks.
func EvaluateIdle(s, prev *Status) {
	ev := &idleEval{idle: DefaultIdlePeriod, errorSince: map[string]time.Time{}, idleSeen: map[string]time.Time{}}
	ev.opts.AtLeastUnits = 1
	_ = ev.eval(s)
	_ = s.Changes(prev)
}

// ParseFullStatusV1 is ParseFullStatus as it was before the streaming
// decoder (encoding/json into the wire type, then fromWire), for the decode
// benchmarks' comparison.
func ParseFullStatusV1(data []byte) (*Status, error) { return parseFullStatusV1(data) }

// DecodeResult decodes a FullStatus reply as Model.Status does, from a
// response value the connection has validated already.
func DecodeResult(data []byte) (*Status, error) {
	var r fullStatusResult
	if err := r.DecodeResult(data); err != nil {
		return nil, err
	}
	return r.s, nil
}
