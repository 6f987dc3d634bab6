package jujusim

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/gojuju/juju/internal/facades"
)

// TestAppendReplyFrames checks that a reply encoded by the core's appender
// (FullStatus) is the frame encoding/json writes, in both codecs, and that
// other results are left to encoding/json.
func TestAppendReplyFrames(t *testing.T) {
	now := time.Date(2026, 12, 4, 20, 0, 0, 123, time.UTC)
	fs := facades.FullStatus{
		Applications:        map[string]facades.ApplicationStatus{"a<b": {Charm: "ch:x", Units: map[string]facades.UnitStatus{"a/0": {Leader: true}}}},
		ControllerTimestamp: &now,
		Relations:           []facades.RelationStatus{{ID: 3, Endpoints: []facades.EndpointStatus{{Application: "a"}}}},
	}
	for _, v0 := range []bool{false, true} {
		for _, res := range []any{fs, facades.FullStatusJuju36{ControllerTimestamp: &now}} {
			var frame any = response{RequestID: 42, Response: res}
			if v0 {
				frame = responseV0{RequestId: 42, Response: res}
			}
			var want bytes.Buffer
			if err := json.NewEncoder(&want).Encode(frame); err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			got.WriteString("stale")
			got.Reset()
			if !appendReply(&got, 42, v0, res) {
				t.Fatalf("v0=%v %T: appendReply did not encode", v0, res)
			}
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Errorf("v0=%v %T: frame\n got %s\nwant %s", v0, res, got.Bytes(), want.Bytes())
			}
		}
	}
	var buf bytes.Buffer
	if appendReply(&buf, 1, false, map[string]any{"x": 1}) || buf.Len() != 0 {
		t.Errorf("appendReply encoded a result it has no appender for: %q", buf.Bytes())
	}
}
