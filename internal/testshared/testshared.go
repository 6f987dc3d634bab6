// Package testshared locates, for tests, the recorded ground truth about
// Juju: the Juju API schemas (testdata/schemas) and the transcripts recorded
// between the real juju CLI and a real controller (testdata/conformance),
// both committed in the module, and the project's shared directory (../shared
// next to the module root), which only adds the real Juju tools. Users'
// clones have no shared directory; Dir skips the calling test with a clear
// message when it is absent.
package testshared

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// moduleRoot walks up from the working directory to the directory holding
// go.mod; go test runs tests in their package's directory, so there always
// is one.
func moduleRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("cannot find the module root (no go.mod above the working directory)")
		}
		dir = parent
	}
}

// Dir returns the shared directory (../shared next to the module root),
// which holds the real Juju tools (realjuju). It skips the test when the
// directory is absent.
func Dir(t testing.TB) string {
	t.Helper()
	shared := filepath.Join(moduleRoot(t), "..", "shared")
	if _, err := os.Stat(shared); err != nil {
		t.Skipf("skipping: %s is absent (it holds the real Juju tools; only the project's own workspace has it)", shared)
	}
	return shared
}

// testdata returns a directory under the module's testdata, failing the
// test when it is missing (it is committed, so it never is in a clone).
func testdata(t testing.TB, elem ...string) string {
	t.Helper()
	dir := filepath.Join(append([]string{moduleRoot(t), "testdata"}, elem...)...)
	if _, err := os.Stat(filepath.Join(dir, "README.md")); err != nil {
		t.Fatalf("the module's %s is missing: %v", dir, err)
	}
	return dir
}

// Schemas returns the directory holding the Juju API schemas the facade
// generator reads (testdata/schemas: juju-4.0.15.json, juju-3.6.28.json,
// supplement.json).
func Schemas(t testing.TB) string {
	t.Helper()
	return testdata(t, "schemas")
}

// Conformance returns the directory of the transcripts recorded against a
// real Juju 4.0 controller (testdata/conformance/juju-4.0, with its
// README.md).
func Conformance(t testing.TB) string {
	t.Helper()
	return testdata(t, "conformance", "juju-4.0")
}

// ConformanceWave2 returns the directory of the second set of transcripts
// recorded against a real Juju 4.0 controller
// (testdata/conformance/juju-4.0-wave2, with its README.md and the inputs
// the flows used).
func ConformanceWave2(t testing.TB) string {
	t.Helper()
	return testdata(t, "conformance", "juju-4.0-wave2")
}

// Response returns the response of the first request to the named method
// ("FullStatus") in a conformance flow's transcript (flow.jsonl of
// Conformance). It fails the test when the transcript is absent or has no
// such response.
func Response(t testing.TB, flow, request string) json.RawMessage {
	t.Helper()
	path := filepath.Join(Conformance(t), flow+".jsonl")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	id := -1
	for sc.Scan() {
		var rec struct {
			Kind string `json:"kind"`
			Dir  string `json:"dir"`
			Msg  struct {
				RequestID int             `json:"request-id"`
				Request   string          `json:"request"`
				Response  json.RawMessage `json:"response"`
			} `json:"msg"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("cannot read %s: %v", path, err)
		}
		if rec.Kind != "ws-frame" {
			continue
		}
		if rec.Dir == "client->server" && rec.Msg.Request == request {
			id = rec.Msg.RequestID
		}
		if rec.Dir == "server->client" && rec.Msg.RequestID == id {
			return rec.Msg.Response
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("cannot read %s: %v", path, err)
	}
	t.Fatalf("no %s response in %s", request, path)
	return nil
}

// CLIStdout returns what the real juju CLI printed on stdout in a
// conformance flow (from cli-results.json of Conformance).
func CLIStdout(t testing.TB, flow string) string {
	t.Helper()
	path := filepath.Join(Conformance(t), "cli-results.json")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var results struct {
		Flows map[string]struct {
			Stdout string `json:"stdout"`
		} `json:"flows"`
	}
	if err := json.Unmarshal(data, &results); err != nil {
		t.Fatalf("cannot read %s: %v", path, err)
	}
	return results.Flows[flow].Stdout
}
