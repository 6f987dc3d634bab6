package jujutest_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/gojuju/juju"
	"github.com/gojuju/juju/jujutest"
	"github.com/gojuju/juju/status"
)

// A charm's integration tests, the way pytest-jubilant or pytest-operator
// tests are written: the package's tests share one model (SharedModel,
// which needs jujutest.Main in TestMain), the charm is packed from its
// source directory and waited for in one call (DeployCharm), and the setup
// is skipped when GOJUJU_MODEL points the run at a model an earlier run
// kept (GOJUJU_KEEP_MODELS=1). Compiled but not run here (it needs a
// *testing.T); the package's tests run charmTests (TestExampleCharm).
//
//	go test ./tests/...                                   # on the simulator
//	GOJUJU_CONTROLLER=lxd GOJUJU_DUMP_DIR=out go test ./tests/...
//	GOJUJU_CLOUD=kubernetes go test ./tests/...           # a Kubernetes model
func ExampleDeployCharm() {
	_ = charmTests
}

// charmDir is the charm's source directory, from the test package.
var charmDir = filepath.Join("..", "testdata", "charms", "tiny-app")

func charmTests(t *testing.T) {
	t.Run("deploy", func(t *testing.T) {
		m := jujutest.SharedModel(t, &jujutest.Options{Name: "tiny-app"})
		if jujutest.Reused(m) {
			t.Skip("reusing a deployed model")
		}
		jujutest.DeployCharm(t, m, charmDir, &jujutest.DeployOptions{
			Deploy: &juju.DeployOptions{Name: "app", NumUnits: 2},
		})
		jujutest.DeployCharm(t, m, filepath.Join("..", "testdata", "charms", "tiny-db"), &jujutest.DeployOptions{
			Deploy: &juju.DeployOptions{Name: "db"},
		})
		if _, err := m.Integrate(t.Context(), "app:db", "db:db", nil); err != nil {
			t.Fatal(err)
		}
		if _, err := m.Wait(t.Context(), status.Integrated("app:db", "db:db"), nil); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("relation data", func(t *testing.T) {
		m := jujutest.SharedModel(t, &jujutest.Options{Name: "tiny-app"})
		info, err := m.Unit("app/0").Info(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		rel := info.Relation("db")
		if rel == nil {
			t.Fatal("app/0 is not related on db")
		}
		for unit, data := range rel.RelatedUnits {
			t.Logf("%s: ingress-address %s", unit, data.Data["ingress-address"])
		}
	})
	t.Run("workload", func(t *testing.T) {
		m := jujutest.SharedModel(t, &jujutest.Options{Name: "tiny-app"})
		res, err := m.Exec(t.Context(), "app/leader", "hostname", nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.Code != 0 || strings.TrimSpace(res.Stdout) == "" {
			t.Errorf("hostname on %s: code %d, output %q", res.Unit, res.Code, res.Stdout)
		}
	})
}

func TestExampleCharm(t *testing.T) {
	t.Setenv(jujutest.EnvController, "")
	t.Setenv(jujutest.EnvModel, "")
	charmTests(t)
}
