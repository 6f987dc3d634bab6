package jujutest_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gojuju/juju"
	"github.com/gojuju/juju/jujudata"
	"github.com/gojuju/juju/jujusim"
	"github.com/gojuju/juju/jujutest"
	"github.com/gojuju/juju/status"
)

// settle deploys ubuntu and waits for it to be active.
func settle(t testing.TB, m *juju.Model) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	if _, err := m.Deploy(ctx, "ubuntu", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := m.WaitForIdle(ctx, &status.WaitForIdleOptions{Status: "active", IdlePeriod: -1, Interval: 50 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
}

// modelGone waits until the simulator no longer knows the model.
func modelGone(t *testing.T, sim *jujusim.Server, qualifier, name string) bool {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if _, ok := sim.ModelUUID(qualifier, name); !ok {
			return true
		}
		time.Sleep(10 * time.Millisecond)
	}
	return false
}

func TestNewModelOnSharedSimulator(t *testing.T) {
	t.Setenv(jujutest.EnvController, "")
	t.Setenv(jujutest.EnvKeepModels, "")
	var qualifier, name string
	t.Run("sub", func(t *testing.T) {
		m := jujutest.NewModel(t, nil)
		qualifier, name = m.Qualifier(), m.Name()
		if !strings.HasPrefix(name, "test-new-model-on-shared-simulator-sub-") {
			t.Errorf("model name %q is not derived from the test name", name)
		}
		sim := jujutest.Simulator(t)
		if _, ok := sim.ModelUUID(qualifier, name); !ok {
			t.Fatalf("model %s/%s is not on the shared simulator", qualifier, name)
		}
		settle(t, m)
	})
	if name == "" {
		t.Fatal("the subtest created no model")
	}
	if !modelGone(t, jujutest.Simulator(t), qualifier, name) {
		t.Errorf("model %s/%s still exists after the test", qualifier, name)
	}
}

func TestParallelModelsAreSeparate(t *testing.T) {
	t.Setenv(jujutest.EnvController, "")
	var mu sync.Mutex
	names := map[string]bool{}
	t.Run("group", func(t *testing.T) {
		for i := range 3 {
			t.Run(fmt.Sprint(i), func(t *testing.T) {
				t.Parallel()
				m := jujutest.NewModel(t, &jujutest.Options{Name: "parallel"})
				mu.Lock()
				names[m.UUID()] = true
				mu.Unlock()
				settle(t, m)
			})
		}
	})
	if len(names) != 3 {
		t.Errorf("3 parallel tests got %d distinct models", len(names))
	}
	sim := jujutest.Simulator(t)
	for _, uuid := range sim.Models() {
		if names[uuid] {
			t.Errorf("model %s outlived its test", uuid)
		}
	}
}

func TestOwnSimulatorAndKeep(t *testing.T) {
	sim, err := jujusim.Start(t.Context(), jujusim.Config{JujuVersion: jujusim.Juju36, Speed: jujusim.SpeedInstant})
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	var name string
	var logs *recordingTB
	t.Run("kept", func(t *testing.T) {
		logs = &recordingTB{TB: t}
		m := jujutest.NewModel(logs, &jujutest.Options{Simulator: sim, Keep: true})
		name = m.Name()
		if v := m.Controller().ServerVersion(); v != jujusim.Juju36 {
			t.Errorf("model on a controller of version %s, want the given 3.6 simulator", v)
		}
	})
	if _, ok := sim.ModelUUID("admin", name); !ok {
		t.Errorf("kept model %q is gone", name)
	}
	if !strings.Contains(logs.String(), "keeping model \"admin/"+name+"\"") {
		t.Errorf("log does not name the kept model:\n%s", logs.String())
	}
}

func TestFakeClockSimulator(t *testing.T) {
	sim, err := jujusim.Start(t.Context(), jujusim.Config{Clock: jujusim.NewFakeClock(time.Time{})})
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	var name string
	rec := &recordingTB{}
	t.Run("frozen", func(t *testing.T) {
		rec.TB = t
		m := jujutest.NewModel(rec, &jujutest.Options{Simulator: sim, DestroyTimeout: 2 * time.Second})
		name = m.Name()
	})
	// The cleanup must not have waited for a model that cannot go before
	// the clock moves.
	if strings.Contains(rec.String(), "still being destroyed") {
		t.Errorf("cleanup waited on the frozen clock:\n%s", rec.String())
	}
	if err := sim.Advance(time.Minute); err != nil {
		t.Fatal(err)
	}
	if !modelGone(t, sim, "admin", name) {
		t.Errorf("model %q still exists after the clock moved on", name)
	}
}

// recordingTB records what is logged, and can pretend the test failed or
// has a deadline.
type recordingTB struct {
	testing.TB
	failed   bool
	deadline time.Time

	mu  sync.Mutex
	buf bytes.Buffer
}

func (r *recordingTB) Failed() bool { return r.failed || r.TB.Failed() }

func (r *recordingTB) Logf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	fmt.Fprintf(&r.buf, format+"\n", args...)
}

func (r *recordingTB) Deadline() (time.Time, bool) {
	if r.deadline.IsZero() {
		if d, ok := r.TB.(interface{ Deadline() (time.Time, bool) }); ok {
			return d.Deadline()
		}
		return time.Time{}, false
	}
	return r.deadline, true
}

func (r *recordingTB) String() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.buf.String()
}

// TestDiagnosticsOnFailure checks, in-process, what a failed test gets in
// its log: the status table and the debug log.
func TestDiagnosticsOnFailure(t *testing.T) {
	t.Setenv(jujutest.EnvController, "")
	t.Setenv(jujutest.EnvKeepModels, "")
	var name string
	rec := &recordingTB{}
	t.Run("failing", func(t *testing.T) {
		rec.TB = t
		rec.failed = true // as if the test had failed, without failing it
		m := jujutest.NewModel(rec, &jujutest.Options{Name: "diag", DebugLogLines: 5})
		name = m.Name()
		settle(t, m)
	})
	out := rec.String()
	for _, want := range []string{
		`status of model "admin/` + name + `"`,
		"App ", "ubuntu ", "Unit ", "ubuntu/0*", "active", "Machine ",
		`last 5 debug-log lines of model "admin/` + name + `"`,
		"unit-ubuntu-0: ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("log:\n%s", out)
	}
	if !modelGone(t, jujutest.Simulator(t), "admin", name) {
		t.Errorf("model %q still exists after the failed test", name)
	}
}

// TestDestroyBeforeDeadline checks that a model is destroyed while the test
// still runs when its deadline (the binary's -timeout) is near.
func TestDestroyBeforeDeadline(t *testing.T) {
	t.Setenv(jujutest.EnvController, "")
	t.Setenv(jujutest.EnvKeepModels, "")
	sim := jujutest.Simulator(t)
	rec := &recordingTB{}
	t.Run("about to time out", func(t *testing.T) {
		rec.TB = t
		rec.deadline = time.Now().Add(500 * time.Millisecond)
		m := jujutest.NewModel(rec, &jujutest.Options{DebugLogLines: -1})
		if !modelGone(t, sim, "admin", m.Name()) {
			t.Errorf("model %q was not destroyed before the deadline", m.Name())
		}
	})
	if !strings.Contains(rec.String(), "about to time out; destroying model") {
		t.Errorf("log does not say why the model went:\n%s", rec.String())
	}
}

func TestExampleDeploy(t *testing.T) {
	t.Parallel()
	deployTest(t)
}

// TestCleanupAfterTestClosedController checks that a model is destroyed
// even when the test closed the model's Controller itself.
func TestCleanupAfterTestClosedController(t *testing.T) {
	t.Setenv(jujutest.EnvController, "")
	t.Setenv(jujutest.EnvKeepModels, "")
	var name string
	t.Run("closes", func(t *testing.T) {
		m := jujutest.NewModel(t, nil)
		name = m.Name()
		if err := m.Controller().Close(); err != nil {
			t.Fatal(err)
		}
	})
	if !modelGone(t, jujutest.Simulator(t), "admin", name) {
		t.Errorf("model %q still exists after the test", name)
	}
}

func TestSimulatorSkipsOnRealController(t *testing.T) {
	t.Setenv(jujutest.EnvController, "somewhere")
	reached := false
	t.Run("steering", func(t *testing.T) {
		jujutest.Simulator(t)
		reached = true
	})
	if reached {
		t.Error("Simulator did not skip the test although GOJUJU_CONTROLLER is set")
	}
}

func TestUnknownControllerFails(t *testing.T) {
	t.Setenv("JUJU_DATA", t.TempDir())
	t.Setenv(jujutest.EnvController, "nowhere")
	rec := &fatalTB{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		jujutest.NewModel(rec, nil)
	}()
	<-done
	if !strings.Contains(rec.msg, `controller "nowhere"`) {
		t.Errorf("NewModel with an unknown controller: fatal message %q", rec.msg)
	}
}

// fatalTB records Fatalf and stops the goroutine as t.Fatalf would.
type fatalTB struct {
	testing.TB
	msg string
}

func (f *fatalTB) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	runtimeGoexit()
}

// registerSim writes sim into a fresh JUJU_DATA as controller name.
func registerSim(t *testing.T, sim *jujusim.Server, name string) string {
	t.Helper()
	dir := t.TempDir()
	store, err := jujudata.New(jujudata.Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	if err := store.UpdateController(ctx, name, jujudata.ControllerDetails{
		UUID: sim.ControllerUUID(), APIEndpoints: sim.APIAddresses(), CACert: sim.CACert(),
		Cloud: "dummy", Region: "dummy-region", CloudType: "dummy", AgentVersion: sim.JujuVersion(),
	}); err != nil {
		t.Fatal(err)
	}
	if err := store.UpdateAccount(ctx, name, jujudata.AccountDetails{User: sim.AdminUser(), Password: sim.AdminPassword(), LastKnownAccess: "superuser"}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestCleanupInFailingTestProcess runs real failing tests (t.Fatal, a panic,
// the -timeout) in a child test process pointed at a simulator of ours
// through GOJUJU_CONTROLLER, and checks that each left no model behind and
// logged the model's status and debug log.
func TestCleanupInFailingTestProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child test processes")
	}
	sim, err := jujusim.Start(t.Context(), jujusim.Config{Speed: jujusim.SpeedFast, ControllerName: "parent"})
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	dir := registerSim(t, sim, "parent")
	before := len(sim.Models())

	tests := []struct {
		mode     string
		args     []string
		keep     string
		wantKept bool
		want     []string
	}{
		{mode: "fatal", want: []string{"failing on purpose", "status of model", "ubuntu/0*", "debug-log lines of model"}},
		{mode: "panic", want: []string{"panicking on purpose", "status of model", "ubuntu/0*"}},
		{mode: "timeout", args: []string{"-test.timeout=3s"}, want: []string{"about to time out; destroying model", "status of model", "test timed out"}},
		{mode: "fatal", keep: "failed", wantKept: true, want: []string{"keeping model"}},
		{mode: "pass", keep: "failed", want: []string{"--- PASS: TestHelperProcess"}},
	}
	t.Run("children", func(t *testing.T) {
		for _, tt := range tests {
			t.Run(tt.mode+"/keep="+tt.keep, func(t *testing.T) {
				t.Parallel()
				cmd := exec.CommandContext(t.Context(), os.Args[0], append([]string{"-test.run=^TestHelperProcess$", "-test.v"}, tt.args...)...)
				cmd.Env = append(os.Environ(),
					"JUJUTEST_HELPER="+tt.mode,
					"JUJU_DATA="+dir,
					jujutest.EnvController+"=parent",
					jujutest.EnvKeepModels+"="+tt.keep,
				)
				out, err := cmd.CombinedOutput()
				if (err == nil) != (tt.mode == "pass") {
					t.Errorf("child test process: %v", err)
				}
				for _, w := range tt.want {
					if !bytes.Contains(out, []byte(w)) {
						t.Errorf("child output lacks %q", w)
					}
				}
				name := createdModel(string(out))
				if name == "" {
					t.Fatalf("child output names no model:\n%s", out)
				}
				if tt.wantKept {
					if _, ok := sim.ModelUUID("admin", name); !ok {
						t.Errorf("model %q was not kept", name)
					}
					yes := true
					c, err := juju.Connect(t.Context(), juju.Config{Addrs: sim.APIAddresses(), CACert: sim.CACert(), Password: sim.AdminPassword()})
					if err != nil {
						t.Fatal(err)
					}
					defer c.Close()
					if err := c.DestroyModel(t.Context(), name, &juju.DestroyModelOptions{DestroyStorage: &yes}); err != nil {
						t.Fatal(err)
					}
				} else if !modelGone(t, sim, "admin", name) {
					t.Errorf("model %q still exists after the child test", name)
				}
				if t.Failed() {
					t.Logf("child output:\n%s", out)
				}
			})
		}
	})
	if got := len(sim.Models()); got != before {
		t.Errorf("%d models on the controller after the child tests, want %d", got, before)
	}
}

// createdModel finds the model name NewModel logged.
func createdModel(out string) string {
	const marker = `jujutest: created model "admin/`
	i := strings.Index(out, marker)
	if i < 0 {
		return ""
	}
	rest := out[i+len(marker):]
	name, _, _ := strings.Cut(rest, `"`)
	return name
}

// TestHelperProcess is the child of TestCleanupInFailingTestProcess; it does
// nothing in a normal run.
func TestHelperProcess(t *testing.T) {
	mode := os.Getenv("JUJUTEST_HELPER")
	if mode == "" {
		return
	}
	m := jujutest.NewModel(t, &jujutest.Options{Name: "child-" + mode, DebugLogLines: 20})
	settle(t, m)
	switch mode {
	case "fatal":
		t.Fatal("failing on purpose")
	case "panic":
		panic("panicking on purpose")
	case "timeout":
		<-make(chan struct{}) // until the -timeout panic
	}
}

func TestNewController(t *testing.T) {
	t.Setenv(jujutest.EnvController, "")
	own, err := jujusim.Start(t.Context(), jujusim.Config{JujuVersion: jujusim.Juju36, Speed: jujusim.SpeedInstant})
	if err != nil {
		t.Fatal(err)
	}
	defer own.Close()
	for _, tt := range []struct {
		name string
		opts *jujutest.Options
		sim  func(t *testing.T) *jujusim.Server
	}{
		{"shared simulator", nil, func(t *testing.T) *jujusim.Server { return jujutest.Simulator(t) }},
		{"own simulator", &jujutest.Options{Simulator: own}, func(*testing.T) *jujusim.Server { return own }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var c *juju.Controller
			t.Run("use", func(t *testing.T) {
				c = jujutest.NewController(t, tt.opts)
				sim := tt.sim(t)
				if c.UUID() != sim.ControllerUUID() {
					t.Fatalf("controller UUID %q, want the simulator's %q", c.UUID(), sim.ControllerUUID())
				}
				ctx := t.Context()
				name := "newcontroller-" + strings.ReplaceAll(strings.ToLower(tt.name), " ", "-")
				m, err := c.AddModel(ctx, name, nil)
				if err != nil {
					t.Fatal(err)
				}
				if _, ok := sim.ModelUUID(m.Qualifier(), name); !ok {
					t.Fatalf("model %q is not on the simulator", name)
				}
				if err := c.DestroyModel(ctx, name, nil); err != nil {
					t.Fatal(err)
				}
			})
			if c == nil {
				t.Fatal("the subtest got no controller")
			}
			if _, err := c.Models(t.Context()); !errors.Is(err, juju.ErrClosed) {
				t.Errorf("Models after the test = %v, want ErrClosed (the cleanup closes the controller)", err)
			}
		})
	}
}
