// Package testshared locates, for tests, the project's shared directory:
// ../shared next to the module root, which holds the Juju facade schemas
// and the transcripts recorded between the real juju CLI and a real
// controller. Users' clones have no such directory; the functions here
// skip the calling test with a clear message when it is absent.
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

// Dir returns the shared directory (../shared next to the module root). It
// skips the test when the directory is absent.
func Dir(t testing.TB) string {
	t.Helper()
	shared := filepath.Join(moduleRoot(t), "..", "shared")
	if _, err := os.Stat(shared); err != nil {
		t.Skipf("skipping: %s is absent (it holds the Juju schemas and the real-controller transcripts; only the project's own workspace has it)", shared)
	}
	return shared
}

// Conformance returns the directory of the transcripts recorded against a
// real Juju 4.0 controller (conformance/juju-4.0 in the shared directory,
// with its README.md). It skips the test when they are absent.
func Conformance(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(Dir(t), "conformance", "juju-4.0")
	if _, err := os.Stat(filepath.Join(dir, "README.md")); err != nil {
		t.Skipf("skipping: conformance transcripts not available (%s): %v", dir, err)
	}
	return dir
}

// Response returns the response of the first request to the named method
// ("FullStatus") in a conformance flow's transcript (flow.jsonl). It skips
// the test when the transcript is absent and fails it when the transcript
// has no such response.
func Response(t testing.TB, flow, request string) json.RawMessage {
	t.Helper()
	path := filepath.Join(Conformance(t), flow+".jsonl")
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("skipping: %v", err)
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
// conformance flow (from cli-results.json). It skips the test when the
// results are absent.
func CLIStdout(t testing.TB, flow string) string {
	t.Helper()
	path := filepath.Join(Conformance(t), "cli-results.json")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("skipping: %v", err)
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
