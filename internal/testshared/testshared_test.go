package testshared

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestDirSkipsWhenAbsent(t *testing.T) {
	tmp := t.TempDir()
	mod := filepath.Join(tmp, "mod")
	if err := os.MkdirAll(filepath.Join(mod, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(mod, "go.mod"), []byte("module example.com/m\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(filepath.Join(mod, "sub"))
	for name, f := range map[string]func(testing.TB) string{"Dir": Dir} {
		var skipped bool
		t.Run(name, func(t *testing.T) {
			defer func() { skipped = t.Skipped() }()
			got := f(t)
			t.Errorf("%s() = %q without a shared directory, want a skip", name, got)
		})
		if !skipped {
			t.Errorf("%s did not skip the test", name)
		}
	}
}

func TestDirFindsTheSharedDirectory(t *testing.T) {
	dir := Dir(t)
	want, err := filepath.Abs(filepath.Join("..", "..", "..", "shared"))
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Clean(dir) != want {
		t.Errorf("Dir() = %q, want %q", dir, want)
	}
}

func TestInModuleCopies(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	for name, tt := range map[string]struct {
		f    func(testing.TB) string
		want string
		file string
	}{
		"Schemas":          {Schemas, filepath.Join(root, "testdata", "schemas"), "juju-4.0.15.json"},
		"Conformance":      {Conformance, filepath.Join(root, "testdata", "conformance", "juju-4.0"), "status.jsonl"},
		"ConformanceWave2": {ConformanceWave2, filepath.Join(root, "testdata", "conformance", "juju-4.0-wave2"), "cli-results.json"},
	} {
		dir := tt.f(t)
		if dir != tt.want {
			t.Errorf("%s() = %q, want %q", name, dir, tt.want)
		}
		if _, err := os.Stat(filepath.Join(dir, tt.file)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestRecordedFlow(t *testing.T) {
	resp := Response(t, "status-json", "FullStatus")
	var status struct {
		Model struct {
			Name string `json:"name"`
		} `json:"model"`
	}
	if err := json.Unmarshal(resp, &status); err != nil || status.Model.Name == "" {
		t.Errorf("FullStatus response = %.200s (%v), want one with a model name", resp, err)
	}
	if out := CLIStdout(t, "status-json"); !strings.Contains(out, `"model"`) {
		t.Errorf("CLI stdout of status-json = %.200q, want the JSON status", out)
	}
}
