package status

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gojuju/juju/internal/testshared"
)

// TestStorageTableMatchesCLI renders the FullStatus (include-storage)
// recorded from a real Juju 4.0.15 controller and compares the table with
// what "juju status --storage" printed for it.
func TestStorageTableMatchesCLI(t *testing.T) {
	dir := testshared.ConformanceWave2(t)
	f, err := os.Open(filepath.Join(dir, "storage2-status.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var resp json.RawMessage
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var rec struct {
			Kind string `json:"kind"`
			Msg  struct {
				Response json.RawMessage `json:"response"`
			} `json:"msg"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatal(err)
		}
		if rec.Kind == "ws-frame" && bytes.Contains(rec.Msg.Response, []byte(`"filesystems"`)) {
			resp = rec.Msg.Response
		}
	}
	if resp == nil {
		t.Fatal("no FullStatus with storage in storage2-status.jsonl")
	}
	var results struct {
		Flows map[string]struct {
			Stdout string `json:"stdout"`
		} `json:"flows"`
	}
	data, err := os.ReadFile(filepath.Join(dir, "cli-results.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &results); err != nil {
		t.Fatal(err)
	}
	want := results.Flows["storage2-status"].Stdout
	s, err := ParseFullStatus(resp)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Storage) != 3 || len(s.Filesystems) != 3 {
		t.Fatalf("decoded %d storage instances and %d filesystems", len(s.Storage), len(s.Filesystems))
	}
	var buf bytes.Buffer
	if err := s.WriteTable(&buf, &TableOptions{Controller: "realjuju", Storage: true}); err != nil {
		t.Fatal(err)
	}
	if buf.String() != want {
		t.Errorf("table:\n%s\nthe juju CLI printed:\n%s", buf.String(), want)
	}
	// Without the option, no storage section.
	buf.Reset()
	if err := s.WriteTable(&buf, &TableOptions{Controller: "realjuju"}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "Storage Unit") {
		t.Errorf("storage section without TableOptions.Storage:\n%s", buf.String())
	}
}

func TestHumanMiB(t *testing.T) {
	for in, want := range map[uint64]string{0: "", 1: "1.0 MiB", 512: "512 MiB", 1024: "1.0 GiB", 1536: "1.5 GiB", 20480: "20 GiB", 3 << 20: "3.0 TiB"} {
		if got := humanMiB(in); got != want {
			t.Errorf("humanMiB(%d) = %q, want %q", in, got, want)
		}
	}
}
