package facades

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// FuzzDecodeFullStatus feeds arbitrary bytes to the FullStatus decoder: it
// must never panic, and whatever it accepts must survive an encode/decode
// round trip unchanged.
func FuzzDecodeFullStatus(f *testing.F) {
	small, err := json.Marshal(syntheticStatus(3))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(small)
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"applications":{"a":{"int":3,"units":{"a/0":{"subordinates":{"s/0":{}}}}}},"controller-timestamp":null}`))
	f.Add([]byte(`{"machines":{"0":{"agent-status":{"since":"2026-11-25T23:02:35.5Z","data":{"x":[1,"y",null]}}}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var first FullStatus
		if err := json.Unmarshal(data, &first); err != nil {
			return
		}
		out, err := json.Marshal(first)
		if err != nil {
			t.Fatalf("cannot re-encode an accepted status: %v", err)
		}
		var second FullStatus
		if err := json.Unmarshal(out, &second); err != nil {
			t.Fatalf("cannot decode our own encoding: %v\n%s", err, out)
		}
		if diff := cmp.Diff(first, second); diff != "" {
			t.Fatalf("round trip changed the status (-first +second):\n%s", diff)
		}
	})
}
