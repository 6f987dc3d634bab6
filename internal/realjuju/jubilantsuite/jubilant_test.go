package jubilantsuite_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/gojuju/juju/internal/realjuju"
	"github.com/gojuju/juju/internal/realjuju/simcli"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(realjuju.Main(m))
}

// jubilantDir finds ../shared/clients/jubilant, skipping the test when it
// is absent.
func jubilantDir(t *testing.T) string {
	t.Helper()
	dir, err := realjuju.FindDir()
	if err != nil {
		t.Skipf("skipping: %v", err)
	}
	p := filepath.Join(filepath.Dir(dir), "clients", "jubilant")
	if _, err := os.Stat(filepath.Join(p, "jubilant", "__init__.py")); err != nil {
		t.Skipf("skipping: jubilant's source is not in %s", p)
	}
	return p
}

// python finds python3 with PyYAML, skipping the test when either is
// missing.
func python(t *testing.T) string {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("skipping: python3 is not installed")
	}
	if out, err := exec.Command(py, "-c", "import yaml").CombinedOutput(); err != nil {
		t.Skipf("skipping: python3 has no PyYAML (Debian: python3-yaml): %s", strings.TrimSpace(string(out)))
	}
	return py
}

// steps are what testdata/flow.py prints, in order, when all pass.
var steps = []string{
	"temp_model", "deploy", "config", "integrate", "wait all_active", "status",
	"run action", "exec", "secret", "scale", "show_unit", "local charm with resource",
	"secret rename", "debug_log", "remove", "destroy temp model",
}

// TestJubilant runs testdata/flow.py with each real CLI against the
// simulator in the matching mode.
func TestJubilant(t *testing.T) {
	jub := jubilantDir(t)
	py := python(t)
	flow, err := filepath.Abs(filepath.Join("testdata", "flow.py"))
	if err != nil {
		t.Fatal(err)
	}
	for _, mode := range []struct{ name, cli, version string }{
		{"sim-4.0", realjuju.CLI40, "4.0.15"},
		{"sim-3.6", realjuju.CLI36, "3.6.28"},
	} {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			cliPath := realjuju.CLI(t, mode.cli)
			jujuData, _ := simcli.StartSim(t, mode.version)
			// jubilant.temp_model runs "juju" from PATH.
			bin := t.TempDir()
			if err := os.Symlink(cliPath, filepath.Join(bin, "juju")); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, py, flow, jub, "juju")
			cmd.Env = append(os.Environ(), "JUJU_DATA="+jujuData, "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
				"NO_COLOR=1", "TERM=dumb", "PYTHONDONTWRITEBYTECODE=1")
			cmd.Dir = t.TempDir()
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			cmd.WaitDelay = time.Second
			runErr := cmd.Run()
			passed := map[string]bool{}
			for _, line := range strings.Split(out.String(), "\n") {
				if s, ok := strings.CutPrefix(line, "ok: "); ok {
					passed[s] = true
				}
			}
			for _, s := range steps {
				if !passed[s] {
					t.Errorf("step %q did not pass", s)
				}
			}
			if runErr != nil || t.Failed() {
				t.Fatalf("flow.py: %v\n%s", runErr, out.String())
			}
		})
	}
}
