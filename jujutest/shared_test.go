package jujutest_test

import (
	"bytes"
	"context"
	"github.com/gojuju/juju"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gojuju/juju/jujusim"
	"github.com/gojuju/juju/jujutest"
)

// TestReuseModel checks that Options.Model and GOJUJU_MODEL reuse an
// existing model, which Reused reports and the cleanup leaves in place,
// even when the test failed.
func TestReuseModel(t *testing.T) {
	t.Setenv(jujutest.EnvController, "")
	t.Setenv(jujutest.EnvKeepModels, "")
	t.Setenv(jujutest.EnvModel, "")
	t.Setenv(jujutest.EnvDumpDir, "")
	sim := jujutest.Simulator(t)
	var existing string
	t.Run("setup", func(t *testing.T) {
		m := jujutest.NewModel(t, &jujutest.Options{Keep: true, Name: "iterate"})
		if jujutest.Reused(m) {
			t.Error("a fresh model is reported reused")
		}
		existing = m.Name()
		settle(t, m)
	})
	t.Cleanup(func() { destroyModel(t, sim, existing) })

	rec := &recordingTB{}
	t.Run("option", func(t *testing.T) {
		rec.TB = t
		rec.failed = true
		m := jujutest.NewModel(rec, &jujutest.Options{Model: existing, DebugLogLines: -1})
		if !jujutest.Reused(m) || m.Name() != existing {
			t.Fatalf("got model %q (reused %v), want %q reused", m.Name(), jujutest.Reused(m), existing)
		}
		st, err := m.Status(t.Context(), nil)
		if err != nil {
			t.Fatal(err)
		}
		if st.Applications["ubuntu"] == nil {
			t.Error("the reused model lacks the application deployed earlier")
		}
	})
	if _, ok := sim.ModelUUID("admin", existing); !ok {
		t.Fatalf("the reused model %q was destroyed", existing)
	}
	if !strings.Contains(rec.String(), "leaving the reused model") {
		t.Errorf("log:\n%s", rec.String())
	}

	t.Run("env", func(t *testing.T) {
		t.Setenv(jujutest.EnvModel, "admin/"+existing)
		m := jujutest.NewModel(t, nil)
		if !jujutest.Reused(m) || m.Name() != existing {
			t.Fatalf("got model %q (reused %v), want %q reused", m.Name(), jujutest.Reused(m), existing)
		}
	})
	if _, ok := sim.ModelUUID("admin", existing); !ok {
		t.Fatalf("the reused model %q was destroyed", existing)
	}

	t.Run("missing", func(t *testing.T) {
		ft := &fatalTB{TB: t}
		done := make(chan struct{})
		go func() {
			defer close(done)
			jujutest.NewModel(ft, &jujutest.Options{Model: "no-such-model"})
		}()
		<-done
		if !strings.Contains(ft.msg, `cannot reuse model "no-such-model"`) {
			t.Errorf("failure: %s", ft.msg)
		}
	})
}

// TestSharedModelInChildProcess runs a package whose tests share a model
// (TestHelperShared, run in a child test process against a simulator of
// ours) and checks that the tests saw one model, that the failing test's
// dump went to <dir>/<model>/<test> and that the model is gone once the
// child's TestMain has run Main.
func TestSharedModelInChildProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child test process")
	}
	sim, err := jujusim.Start(t.Context(), jujusim.Config{Speed: jujusim.SpeedFast, ControllerName: "parent"})
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	data := registerSim(t, sim, "parent")
	dump := t.TempDir()
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestHelperShared$", "-test.v")
	cmd.Env = append(os.Environ(),
		"JUJUTEST_HELPER=shared",
		"JUJU_DATA="+data,
		jujutest.EnvController+"=parent",
		jujutest.EnvKeepModels+"=",
		jujutest.EnvModel+"=",
		jujutest.EnvDumpDir+"="+dump,
	)
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Errorf("the child's failing test did not fail it:\n%s", out)
	}
	const marker = `jujutest: created model "admin/`
	if n := bytes.Count(out, []byte(marker)); n != 1 {
		t.Fatalf("child created %d models, want 1 shared:\n%s", n, out)
	}
	name := createdModel(string(out))
	for _, want := range []string{"shared by the package's tests", "--- PASS: TestHelperShared/deploy", "--- PASS: TestHelperShared/sees", "--- FAIL: TestHelperShared/fails"} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("child output lacks %q:\n%s", want, out)
		}
	}
	if _, err := os.Stat(filepath.Join(dump, name, "TestHelperShared_fails", "status.txt")); err != nil {
		t.Errorf("no dump of the failing test: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dump, name, "TestHelperShared_sees")); !os.IsNotExist(err) {
		t.Errorf("a passing test was dumped: %v", err)
	}
	if !modelGone(t, sim, "admin", name) {
		t.Errorf("shared model %q still exists after the child's TestMain", name)
	}
}

// TestHelperShared is the child of TestSharedModelInChildProcess; it does
// nothing in a normal run.
func TestHelperShared(t *testing.T) {
	if os.Getenv("JUJUTEST_HELPER") != "shared" {
		return
	}
	var first string
	t.Run("deploy", func(t *testing.T) {
		m := jujutest.SharedModel(t, nil)
		first = m.UUID()
		settle(t, m)
	})
	t.Run("sees", func(t *testing.T) {
		m := jujutest.SharedModel(t, nil)
		if m.UUID() != first {
			t.Errorf("second test got model %s, want the shared %s", m.UUID(), first)
		}
		st, err := m.Status(t.Context(), nil)
		if err != nil {
			t.Fatal(err)
		}
		if st.Applications["ubuntu"] == nil {
			t.Error("the shared model lacks the first test's application")
		}
	})
	t.Run("fails", func(t *testing.T) {
		jujutest.SharedModel(t, nil)
		t.Error("failing on purpose")
	})
}

// destroyModel destroys a model the test kept on purpose.
func destroyModel(t *testing.T, sim *jujusim.Server, name string) {
	c, err := juju.Connect(context.WithoutCancel(t.Context()), juju.Config{Addrs: sim.APIAddresses(), CACert: sim.CACert(), Password: sim.AdminPassword()})
	if err != nil {
		t.Error(err)
		return
	}
	defer c.Close()
	yes := true
	if err := c.DestroyModel(context.WithoutCancel(t.Context()), name, &juju.DestroyModelOptions{DestroyStorage: &yes}); err != nil {
		t.Error(err)
	}
}
