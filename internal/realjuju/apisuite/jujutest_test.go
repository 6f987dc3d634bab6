package apisuite_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gojuju/juju"
	"github.com/gojuju/juju/internal/realjuju"
	"github.com/gojuju/juju/jujutest"
	"github.com/gojuju/juju/status"
)

// failedTB is a test that reports itself failed, so that jujutest's
// cleanup does what it does for a failed test, without failing it.
type failedTB struct{ testing.TB }

func (failedTB) Failed() bool { return true }

// TestJujutestDeployAndDump packs a charm directory and deploys it with
// jujutest (DeployCharm where agents run, PackCharm and Deploy where they do
// not), then checks the dump of the failed test's model.
func TestJujutestDeployAndDump(t *testing.T) {
	run(t, func(t *testing.T, b *bed) {
		dir := t.TempDir()
		var name string
		t.Run("failing", func(t *testing.T) {
			ft := failedTB{t}
			opts := b.opts(t)
			if opts == nil {
				opts = &jujutest.Options{}
			}
			opts.DumpDir = dir
			opts.DebugLogLines = -1
			m := jujutest.NewModel(ft, opts)
			name = m.Name()
			if b.Agents {
				jujutest.DeployCharm(t, m, charmDir(t, "suite-db"), &jujutest.DeployOptions{Deploy: &juju.DeployOptions{Name: "db", NumUnits: 2}})
			} else {
				p := jujutest.PackCharm(t, charmDir(t, "suite-db"))
				if filepath.Base(p) != "suite-db.charm" {
					t.Errorf("packed to %s", p)
				}
				if _, err := m.Deploy(testCtx(t), p, &juju.DeployOptions{Name: "db", NumUnits: 2}); err != nil {
					t.Fatal(err)
				}
			}
		})
		out := filepath.Join(dir, name)
		st, err := os.ReadFile(filepath.Join(out, "status.txt"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(st), "db/0") || !strings.Contains(string(st), "db/1") {
			t.Errorf("status.txt lacks the units:\n%s", st)
		}
		su, err := os.ReadFile(filepath.Join(out, "show-unit.json"))
		if err != nil {
			t.Fatal(err)
		}
		var units map[string]juju.UnitInfo
		if err := json.Unmarshal(su, &units); err != nil {
			t.Fatal(err)
		}
		if _, ok := units["db/1"]; !ok || len(units) != 2 {
			t.Errorf("show-unit.json: %s", su)
		}
		if _, err := os.Stat(filepath.Join(out, "debug-log.txt")); err != nil {
			t.Error(err)
		}
	})
}

// TestJujutestReuseModel keeps a model, then reuses it by name.
func TestJujutestReuseModel(t *testing.T) {
	run(t, func(t *testing.T, b *bed) {
		var kept string
		t.Run("keep", func(t *testing.T) {
			opts := b.opts(t)
			if opts == nil {
				opts = &jujutest.Options{}
			}
			opts.Keep = true
			m := jujutest.NewModel(t, opts)
			kept = m.Name()
			if _, err := m.Deploy(testCtx(t), charmDir(t, "suite-db"), &juju.DeployOptions{Name: "db"}); err != nil {
				t.Fatal(err)
			}
		})
		c := b.newController(t)
		t.Cleanup(func() {
			yes := true
			_ = c.DestroyModel(testCtx(t), kept, &juju.DestroyModelOptions{DestroyStorage: &yes, Force: true, NoWait: true})
		})
		t.Run("reuse", func(t *testing.T) {
			opts := b.opts(t)
			if opts == nil {
				opts = &jujutest.Options{}
			}
			opts.Model = kept
			m := jujutest.NewModel(t, opts)
			if !jujutest.Reused(m) || m.Name() != kept {
				t.Fatalf("model %q, reused %v", m.Name(), jujutest.Reused(m))
			}
			st, err := m.Status(testCtx(t), nil)
			if err != nil {
				t.Fatal(err)
			}
			if st.Applications["db"] == nil {
				t.Error("the reused model lacks its application")
			}
		})
		if _, err := c.Model(testCtx(t), kept); err != nil {
			t.Errorf("the reused model is gone: %v", err)
		}
	})
}

// TestJujutestSharedModel checks that two tests get the same shared model
// (destroyed by jujutest.Main after the package's tests).
func TestJujutestSharedModel(t *testing.T) {
	run(t, func(t *testing.T, b *bed) {
		shared := func(t *testing.T) *juju.Model {
			opts := b.opts(t)
			if opts == nil {
				opts = &jujutest.Options{}
			}
			opts.Name = "apisuite-shared-" + b.name
			return jujutest.SharedModel(t, opts)
		}
		var uuid string
		t.Run("first", func(t *testing.T) {
			m := shared(t)
			uuid = m.UUID()
			if _, err := m.Deploy(testCtx(t), charmDir(t, "suite-db"), &juju.DeployOptions{Name: "db"}); err != nil {
				t.Fatal(err)
			}
		})
		t.Run("second", func(t *testing.T) {
			m := shared(t)
			if m.UUID() != uuid {
				t.Fatalf("second test got model %s, want %s", m.UUID(), uuid)
			}
			if _, err := m.Status(testCtx(t), &status.Options{}); err != nil {
				t.Fatal(err)
			}
		})
	})
}

// TestJujutestCloudChoice checks that one option (GOJUJU_CLOUD's) picks a
// Kubernetes or a machine model on a controller with both kinds of cloud:
// the simulator (Kubernetes cloud added on demand) and a real server
// started with a Kubernetes cloud.
func TestJujutestCloudChoice(t *testing.T) {
	run(t, func(t *testing.T, b *bed) {
		for _, tt := range []struct{ cloud, wantType string }{
			{"kubernetes", juju.ModelCAAS},
			{"machine", "iaas"},
		} {
			t.Run(tt.cloud, func(t *testing.T) {
				opts := &jujutest.Options{Cloud: tt.cloud}
				if b == realBed {
					srv := realjuju.SharedKubernetes(t)
					opts.Controller = &juju.Config{Controller: realjuju.ControllerName, JujuData: srv.JujuData}
					opts.DestroyNoWait = true
				}
				m := jujutest.NewModel(t, opts)
				if m.Type() != tt.wantType {
					t.Errorf("model type %q, want %q", m.Type(), tt.wantType)
				}
				// The model list, not ModelInfo: the real server's
				// ModelInfo of a Kubernetes model fails listing its
				// secret backends.
				models, err := m.Controller().Models(testCtx(t))
				if err != nil {
					t.Fatal(err)
				}
				var info juju.ModelSummary
				for _, s := range models {
					if s.UUID == m.UUID() {
						info = s
					}
				}
				if tt.cloud == "kubernetes" && b == realBed && info.Cloud != realjuju.KubernetesCloud {
					t.Errorf("model on cloud %q, want %q", info.Cloud, realjuju.KubernetesCloud)
				}
				if tt.cloud == "machine" && info.Cloud != "dummy" {
					t.Errorf("model on cloud %q, want dummy", info.Cloud)
				}
			})
		}
	})
}

// TestJujutestCharmcraftYAML deploys a charm source directory whose
// metadata is in a unified charmcraft.yaml (packed with the files
// charmcraft would generate) and checks that the controller read them:
// its config options, its endpoint, its base.
func TestJujutestCharmcraftYAML(t *testing.T) {
	run(t, func(t *testing.T, b *bed) {
		m := b.newModel(t)
		ctx := testCtx(t)
		p := jujutest.PackCharm(t, charmDir(t, "suite-cc"))
		app, err := m.Deploy(ctx, p, &juju.DeployOptions{Config: map[string]any{"port": 9000}})
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := app.Config(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if v := cfg["port"].Value; v != 9000 && v != int64(9000) && v != float64(9000) {
			t.Errorf("port = %#v, want 9000", v)
		}
		if _, err := m.Deploy(ctx, charmDir(t, "suite-db"), &juju.DeployOptions{Name: "db"}); err != nil {
			t.Fatal(err)
		}
		if _, err := m.Integrate(ctx, "suite-cc:db", "db:db", nil); err != nil {
			t.Fatalf("integrate on the endpoint from charmcraft.yaml: %v", err)
		}
		st, err := m.Status(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if a := st.Applications["suite-cc"]; a == nil || a.Base.String() != "ubuntu@22.04" {
			t.Errorf("suite-cc in status: %+v", a)
		}
	})
}
