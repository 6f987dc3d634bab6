package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gojuju/juju/internal/testshared"
	"github.com/gojuju/juju/status"
)

// TestStatusJSONCrossModelMatchesRealCLI formats the FullStatus of a
// model that consumes an offer (a SAAS related to a local application) as
// the real "juju status --format=json" printed it (the second set of
// transcripts, flow status-cmr-json): "application-endpoints" included.
func TestStatusJSONCrossModelMatchesRealCLI(t *testing.T) {
	dir := testshared.ConformanceWave2(t)
	f, err := os.Open(filepath.Join(dir, "status-cmr-json.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var reply json.RawMessage
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var rec struct {
			Kind, Dir string
			Msg       struct {
				Response json.RawMessage `json:"response"`
			} `json:"msg"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatal(err)
		}
		if rec.Kind == "ws-frame" && rec.Dir == "server->client" && bytes.Contains(rec.Msg.Response, []byte(`"remote-applications"`)) {
			reply = rec.Msg.Response
		}
	}
	s, err := status.ParseFullStatus(reply)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "cli-results.json"))
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		Flows map[string]struct {
			Stdout string `json:"stdout"`
		} `json:"flows"`
	}
	if err := json.Unmarshal(data, &res); err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(statusDocument(s, "realjuju"))
	if err != nil {
		t.Fatal(err)
	}
	var got, want any
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(res.Flows["status-cmr-json"].Stdout), &want); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("gojuju status --format=json differs from the real CLI's (-real +gojuju):\n%s", diff)
	}
}
