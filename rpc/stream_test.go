package rpc_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/gojuju/juju/rpc"
)

// streamResult decodes its result as it arrives, or from the whole frame,
// and says which.
type streamResult struct {
	v        map[string]any
	streamed bool
	failAt   int // > 0: DecodeResultFrom fails after reading this many bytes
}

func (r *streamResult) DecodeResultFrom(rd io.Reader) error {
	r.streamed = true
	if r.failAt > 0 {
		if _, err := io.ReadFull(rd, make([]byte, r.failAt)); err != nil {
			return err
		}
		return errors.New("not what I want")
	}
	data, err := io.ReadAll(rd)
	if err != nil {
		return err
	}
	return json.Unmarshal(data, &r.v)
}

func (r *streamResult) DecodeResult(data []byte) error { return json.Unmarshal(data, &r.v) }

// rawCall asks the test server for frame (with %d replaced by the request
// id the call will have, the second on a fresh connection) as the answer
// of a call whose result is res.
func rawCall(c *rpc.Conn, frame string, res any) error {
	return c.Call(context.Background(), "Test", "Raw", "", map[string]any{"frame": strings.ReplaceAll(frame, "%d", "2")}, res)
}

func TestStreamedResult(t *testing.T) {
	long := strings.Repeat("é\\n\\\"x", 2000) // past the first bytes read whole
	value := fmt.Sprintf(`{"long":"%s","n":[1,-2.5e3,true,null],"o":{}}`, long)
	s := newTestServer(t)
	tests := []struct {
		name     string
		frame    string
		streamed bool
		failAt   int
		wantErr  func(error) bool
		broken   bool
	}{
		{name: "streamed", frame: `{"request-id":%d,"response":` + value + "}\n", streamed: true},
		{name: "spaces", frame: ` { "request-id" : %d , "response" : ` + value + " } ", streamed: true},
		{name: "error after the response", frame: `{"request-id":%d,"response":` + value + `,"error":"gone","error-code":"not found"}`, streamed: true,
			wantErr: func(err error) bool { return errors.Is(err, rpc.ErrNotFound) && errors.Is(err, rpc.ErrRefused) }},
		{name: "response before the request id", frame: `{"response":` + value + `,"request-id":%d}`},
		{name: "decoding fails", frame: `{"request-id":%d,"response":` + value + `}`, streamed: true, failAt: 1000,
			wantErr: func(err error) bool {
				return err != nil && strings.Contains(err.Error(), "cannot decode the result of Test.Raw: not what I want")
			}},
		{name: "bad JSON in the response", frame: `{"request-id":%d,"response":` + value[:len(value)-1] + `]}`, streamed: true, broken: true},
		{name: "bad JSON after the response", frame: `{"request-id":%d,"response":` + value + `,}`, streamed: true, broken: true},
		{name: "truncated", frame: `{"request-id":%d,"response":` + value, streamed: true, broken: true},
		{name: "a second response", frame: `{"request-id":%d,"response":` + value + `,"response":{}}`, streamed: true, broken: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := dial(t, s.config())
			res := &streamResult{failAt: tt.failAt}
			err := rawCall(c, tt.frame, res)
			if res.streamed != tt.streamed {
				t.Errorf("streamed = %t, want %t", res.streamed, tt.streamed)
			}
			if tt.broken {
				var fe *rpc.FrameError
				if !errors.Is(err, rpc.ErrBroken) || !errors.Is(err, rpc.ErrOutcomeUnknown) || !errors.As(err, &fe) {
					t.Fatalf("error = %v, want ErrBroken and ErrOutcomeUnknown with a *FrameError", err)
				}
				if !strings.HasPrefix(string(fe.Frame), strings.ReplaceAll(tt.frame, "%d", "2")[:20]) {
					t.Errorf("FrameError.Frame = %q, want the start of the frame", fe.Frame)
				}
				waitFor(t, c.Broken(), "Broken()")
				return
			}
			if tt.wantErr != nil {
				if !tt.wantErr(err) {
					t.Fatalf("error = %v", err)
				}
			} else if err != nil {
				t.Fatal(err)
			} else if res.v["long"] != strings.ReplaceAll(strings.ReplaceAll(long, `\n`, "\n"), `\"`, `"`) || len(res.v["n"].([]any)) != 4 {
				t.Errorf("result = %.80v", res.v)
			}
			// The connection still works.
			var echo map[string]any
			if err := c.Call(context.Background(), "Test", "Echo", "", map[string]any{"x": 1}, &echo); err != nil {
				t.Fatalf("Echo after: %v", err)
			}
		})
	}
}

// TestStreamedResultConnectionLost: a connection lost in the middle of a
// streamed reply is broken, and the call's outcome is unknown (a read is
// then retried on a new connection by the root package).
func TestStreamedResultConnectionLost(t *testing.T) {
	s := newTestServer(t)
	c := dial(t, s.config())
	frame := fmt.Sprintf(`{"request-id":2,"response":{"long":"%s"}}`, strings.Repeat("x", 100000))
	res := &streamResult{}
	err := c.Call(context.Background(), "Test", "Half", "", map[string]any{"frame": frame, "n": 50000}, res)
	// (The websocket reports the end of the message: the frame is cut
	// short, as it was when frames were read whole.)
	if !errors.Is(err, rpc.ErrBroken) || !errors.Is(err, rpc.ErrOutcomeUnknown) || rpc.IsRetryable(err) {
		t.Fatalf("error = %v, want ErrBroken and ErrOutcomeUnknown", err)
	}
	if !res.streamed {
		t.Error("the reply was not streamed")
	}
	waitFor(t, c.Broken(), "Broken()")
}
