// Package jujutest gives Go tests a fresh, connected Juju model in one call,
// and makes sure the model goes away afterwards.
//
//	func TestDeploy(t *testing.T) {
//		m := jujutest.NewModel(t, nil)
//		if _, err := m.Deploy(t.Context(), "postgresql", nil); err != nil {
//			t.Fatal(err)
//		}
//		if _, err := m.WaitForIdle(t.Context(), &status.WaitForIdleOptions{Status: "active"}); err != nil {
//			t.Fatal(err)
//		}
//	}
//
// # Where the model lives
//
// By default, on a simulated Juju 4.0 controller (package jujusim) started
// in-process the first time a test asks for a model and shared by every test
// of the test binary; each test gets a model of its own, so tests can run in
// parallel. Nothing needs to be installed.
//
// With the environment variable GOJUJU_CONTROLLER set to the name of a
// controller in the juju CLI's local store (JUJU_DATA, else
// ~/.local/share/juju), the same tests run against that real controller
// instead: NewModel creates the model there, logging in with the password
// the store holds for the controller. Tests that steer the simulator (its
// behaviours, faults or clock) get it from Simulator, which skips them on a
// real controller.
//
// # Cleanup
//
// NewModel registers a cleanup with t.Cleanup that destroys the model with
// its storage, with force, whether the test passed, failed or panicked, and
// waits until the controller no longer knows it. Because a test binary that
// hits its -timeout panics without running cleanups, NewModel also asks the
// controller to destroy the model shortly before the test's deadline if the
// test is still running then.
//
// With GOJUJU_KEEP_MODELS=1 (or Options.Keep) models are kept, and their names
// are written to the test log, for debugging; GOJUJU_KEEP_MODELS=failed keeps
// only the models of failed tests.
//
// # On failure
//
// When the test has failed, the cleanup first writes the model's status, as a
// table, and the last lines of its debug log to the test log, so that a CI
// failure explains itself. With GOJUJU_DUMP_DIR (or Options.DumpDir) naming a
// directory, it also dumps the model there for CI to keep as artifacts:
// <dir>/<model>/status.txt, status.json, show-unit.json (every unit with its
// relation data) and debug-log.txt.
//
// # Iterating on a test
//
// GOJUJU_MODEL (or Options.Model) reuses an existing model instead of
// creating one, and never destroys it: deploy once with GOJUJU_KEEP_MODELS=1,
// then rerun against the kept model, skipping the setup where Reused says so.
//
// # A model per package
//
// SharedModel gives the tests of a package one model (pytest's module
// scope), created by the first test that asks and destroyed by Main after
// the last.
//
// # Charms
//
// DeployCharm deploys a charm, packing it first when it is a source
// directory, and waits for its application to settle, in one call;
// PackCharm only packs.
//
// # Cloud and controller per test or per package
//
// The same test code runs on the simulator and on a real controller.
// GOJUJU_CONTROLLER picks the controller and GOJUJU_CLOUD the kind of model
// ("kubernetes", "machine" or a cloud's name) for a whole test run; per test
// (or per package, through SharedModel's options), Options.Controller or
// Options.Simulator pick another controller, Options.Cloud or
// Options.Kubernetes another kind of model (a Kubernetes model goes on the
// controller's Kubernetes cloud, added on demand on a simulator), and
// Options.AddModel any cloud, region, credential or config.
//
// # Environment variables
//
// Every variable the package reads, each with the option that overrides it
// for one test:
//
//	GOJUJU_CONTROLLER   controller in JUJU_DATA to create models on        Options.Controller, Options.Simulator
//	                    (default: an in-process simulator)
//	GOJUJU_CLOUD        kubernetes (k8s), machine, or a cloud's name       Options.Cloud, Options.Kubernetes
//	                    (default: the controller's default cloud)
//	GOJUJU_MODEL        existing model to reuse, never destroyed           Options.Model
//	GOJUJU_KEEP_MODELS  1 keeps every model, failed those of failed tests  Options.Keep
//	GOJUJU_DUMP_DIR     directory to dump failed tests' models into        Options.DumpDir
//
// JUJU_DATA (else ~/.local/share/juju) is where the controller named by
// GOJUJU_CONTROLLER is looked up, as the juju CLI does.
//
// # The shared simulator and goleak
//
// The shared simulator runs until the test binary exits. A package that checks
// for leaked goroutines in TestMain closes it first by wrapping m with Main:
//
//	func TestMain(m *testing.M) {
//		goleak.VerifyTestMain(jujutest.Main(m))
//	}
//
// or, without goleak, os.Exit(jujutest.Main(m).Run()).
package jujutest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/gojuju/juju"
	"github.com/gojuju/juju/jujudata"
	"github.com/gojuju/juju/jujusim"
	"github.com/gojuju/juju/status"
)

// Environment variables that steer the package.
const (
	// EnvController names a controller in the local store (JUJU_DATA) to
	// create the models on, instead of the in-process simulator.
	EnvController = "GOJUJU_CONTROLLER"
	// EnvKeepModels keeps the models after the tests: "1" (or "true",
	// "all") keeps every model, "failed" those of failed tests.
	EnvKeepModels = "GOJUJU_KEEP_MODELS"
	// EnvModel names an existing model to reuse instead of creating one
	// (see Options.Model).
	EnvModel = "GOJUJU_MODEL"
	// EnvCloud picks the kind of model or its cloud for the tests that do
	// not choose (see Options.Cloud).
	EnvCloud = "GOJUJU_CLOUD"
)

// Defaults of Options.
const (
	// DefaultDebugLogLines is how many debug-log lines a failed test gets
	// in its log.
	DefaultDebugLogLines = 100
	// DefaultSimulatorDestroyTimeout bounds the destruction of a model on
	// a simulator.
	DefaultSimulatorDestroyTimeout = time.Minute
	// DefaultControllerDestroyTimeout bounds the destruction of a model on
	// a real controller.
	DefaultControllerDestroyTimeout = 10 * time.Minute
)

// Options are the options of NewModel; nil means defaults.
type Options struct {
	// Name is the stem of the model's name; "" derives it from the test's
	// name. A random suffix is always added, so that parallel tests, reruns
	// and kept models never clash.
	Name string
	// AddModel holds the options of the model's creation (cloud, region,
	// credential, config); nil means the controller's defaults.
	AddModel *juju.AddModelOptions
	// Kubernetes makes the model a Kubernetes (container) model, whose
	// applications scale pods: on the controller's Kubernetes cloud (on a
	// simulator without one, jujutest registers
	// jujusim.DefaultKubernetesCloud first), with AddModel's Credential,
	// else the user's first credential for that cloud. AddModel's Cloud,
	// when set, is used as it is. The test fails when the controller has
	// no Kubernetes cloud.
	Kubernetes bool
	// Cloud picks the kind of model, or its cloud, for tests whose code
	// is the same on every cloud: "kubernetes" (or "k8s") as Kubernetes
	// does, "machine" for a machine model on the controller's first
	// machine cloud, any other value the cloud of that name, with AddModel's
	// Credential, else the user's first credential for it. "" means
	// GOJUJU_CLOUD, and the controller's default cloud when that is unset
	// too. Kubernetes and AddModel's Cloud take precedence.
	Cloud string
	// Simulator, when set, is the simulator to create the model on instead
	// of the shared one, for tests that need a simulator of their own (a
	// FakeClock, Juju 3.6, another speed). It takes precedence over
	// GOJUJU_CONTROLLER. On a simulator running on a FakeClock the cleanup
	// only starts the destruction, which completes at the next Advance.
	Simulator *jujusim.Server
	// Controller, when set, is the connection to the controller to create
	// the model on instead of the shared simulator or GOJUJU_CONTROLLER:
	// an explicit one (Addrs, CACert, Username, Password) or one through a
	// local store (Controller and JujuData). Its Model and ModelUUID are
	// ignored; Logger, when nil, is Options.Logger. Simulator takes
	// precedence.
	Controller *juju.Config
	// DestroyNoWait makes the cleanup ask for the model's destruction
	// without waiting for it to complete, for a controller that never
	// completes one (a test bed without agents, where a destroyed model
	// stays dying).
	DestroyNoWait bool
	// Keep keeps the model after the test, as GOJUJU_KEEP_MODELS=1 does.
	Keep bool
	// DebugLogLines is how many lines of the model's debug log a failed
	// test gets in its log; 0 means DefaultDebugLogLines, negative none.
	DebugLogLines int
	// DestroyTimeout bounds the model's destruction at cleanup; 0 means
	// DefaultSimulatorDestroyTimeout or DefaultControllerDestroyTimeout.
	DestroyTimeout time.Duration
	// Logger is the connection's logger (juju.Config.Logger); nil is
	// silent.
	Logger *slog.Logger
	// DumpDir, when set, is a directory where a failed test's model is
	// dumped for CI to keep as artifacts, in a subdirectory named after
	// the model: status.txt (as juju status prints it), status.json,
	// show-unit.json (juju show-unit of every unit, relation data
	// included) and debug-log.txt (its last DefaultDumpDebugLogLines
	// lines). "" means GOJUJU_DUMP_DIR, and no dump when that is unset
	// too.
	DumpDir string
	// Model, when set, names an existing model ("name" or
	// "qualifier/name") to reuse instead of creating one, as
	// GOJUJU_MODEL does: NewModel connects to it and the cleanup never
	// destroys it (diagnostics and dumps still happen on failure). With
	// GOJUJU_MODEL, every NewModel and SharedModel of the run gets that
	// one model, so tests that expect models of their own run in turn.
	// Reused reports whether a model was reused, so that a test can skip
	// its setup.
	Model string
}

// TestingM is what a TestMain runs: *testing.M, or the value Main returns.
// It has the shape of goleak.TestingM.
type TestingM interface {
	Run() int
}

// Main wraps m so that running it also closes the shared simulator once the
// tests have run, before a leak check such as goleak's looks for goroutines.
func Main(m TestingM) TestingM { return mainM{m} }

type mainM struct{ m TestingM }

func (w mainM) Run() int {
	mainStarted.Store(true)
	code := w.m.Run()
	if err := Close(); err != nil {
		fmt.Fprintf(os.Stderr, "jujutest: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// The shared simulator.
var shared struct {
	mu  sync.Mutex
	sim *jujusim.Server
}

// Close destroys the package's shared models (SharedModel), closes the
// shared simulator, if one was started, and returns once its goroutines
// have exited. It is idempotent; a later NewModel starts a new
// simulator. Models created on it are gone with it.
func Close() error {
	serr := closeShared()
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.sim == nil {
		return serr
	}
	err := shared.sim.Close()
	shared.sim = nil
	if err != nil {
		return errors.Join(serr, fmt.Errorf("cannot close the shared simulator: %w", err))
	}
	return serr
}

// sharedSimulator returns the shared simulator, starting it if needed.
func sharedSimulator(ctx context.Context) (*jujusim.Server, error) {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.sim != nil {
		return shared.sim, nil
	}
	sim, err := jujusim.Start(ctx, jujusim.Config{})
	if err != nil {
		return nil, fmt.Errorf("cannot start the shared simulator: %w", err)
	}
	shared.sim = sim
	return sim, nil
}

// Simulator returns the shared simulator, starting it if needed, so that a
// test can steer it (behaviours, faults). When GOJUJU_CONTROLLER points the
// tests at a real controller, the test is skipped: a test that needs the
// simulator's knobs cannot run there.
func Simulator(t testing.TB) *jujusim.Server {
	t.Helper()
	if name := os.Getenv(EnvController); name != "" {
		t.Skipf("jujutest: this test steers the simulator; %s=%s points the tests at a real controller", EnvController, name)
	}
	sim, err := sharedSimulator(t.Context())
	if err != nil {
		t.Fatalf("jujutest: %v", err)
	}
	return sim
}

// target says where a model is created and how to log in there.
type target struct {
	sim        *jujusim.Server // nil on a real controller
	controller string          // the local store's controller name, or the simulator's name
	cfg        juju.Config     // how to connect
}

func resolveTarget(ctx context.Context, opts *Options) (*target, error) {
	sim := opts.Simulator
	if sim == nil && opts.Controller != nil {
		cfg := *opts.Controller
		cfg.Model, cfg.ModelUUID = "", ""
		if cfg.Logger == nil {
			cfg.Logger = opts.Logger
		}
		name := cfg.Controller
		if name == "" {
			name = strings.Join(cfg.Addrs, ",")
		}
		return &target{controller: name, cfg: cfg}, nil
	}
	if sim == nil {
		if name := os.Getenv(EnvController); name != "" {
			return controllerTarget(name, opts)
		}
		var err error
		if sim, err = sharedSimulator(ctx); err != nil {
			return nil, err
		}
	}
	return &target{
		sim:        sim,
		controller: sim.ControllerName(),
		cfg: juju.Config{
			Addrs:    sim.APIAddresses(),
			CACert:   sim.CACert(),
			Username: sim.AdminUser(),
			Password: sim.AdminPassword(),
			Logger:   opts.Logger,
		},
	}, nil
}

// controllerTarget reads the controller called name from the local store.
func controllerTarget(name string, opts *Options) (*target, error) {
	store, err := jujudata.New(jujudata.Config{})
	if err != nil {
		return nil, fmt.Errorf("cannot read the controller %q (%s) from JUJU_DATA: %w", name, EnvController, err)
	}
	if _, err := store.Controller(name); err != nil {
		return nil, fmt.Errorf("cannot read the controller %q (%s) from %s: %w", name, EnvController, store.Dir(), err)
	}
	return &target{
		controller: name,
		cfg:        juju.Config{Controller: name, Logger: opts.Logger},
	}, nil
}

// keepMode is the parsed GOJUJU_KEEP_MODELS.
type keepMode int

const (
	keepNone keepMode = iota
	keepFailed
	keepAll
)

func parseKeep(v string) keepMode {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "0", "false", "no", "off":
		return keepNone
	case "failed":
		return keepFailed
	default:
		return keepAll
	}
}

// NewModel creates a fresh model for the test and returns it connected,
// with a cleanup registered that destroys it (see the package
// documentation). It fails the test with t.Fatal when the model cannot be
// created. The model's Controller (Model.Controller) is closed by the
// cleanup too; for controller-level tests without a model, see
// NewController.
func NewModel(t testing.TB, opts *Options) *juju.Model {
	t.Helper()
	if opts == nil {
		opts = &Options{}
	}
	ctx := t.Context()
	tg, err := resolveTarget(ctx, opts)
	if err != nil {
		t.Fatalf("jujutest: %v", err)
	}
	ctrl, err := juju.Connect(ctx, tg.cfg)
	if err != nil {
		t.Fatalf("jujutest: %v", err)
	}
	if reuse := opts.reuse(); reuse != "" {
		m, err := ctrl.Model(ctx, reuse)
		if err != nil {
			_ = ctrl.Close()
			t.Fatalf("jujutest: cannot reuse model %q (%s or Options.Model): %v", reuse, EnvModel, err)
		}
		reusedModels.Store(m, true)
		if tg.sim != nil {
			simulatorModels.Store(m, true)
		}
		t.Logf("jujutest: reusing model %q on controller %q", m.QualifiedName(), tg.controller)
		mc := &modelCleanup{t: t, opts: opts, tg: tg, ctrl: ctrl, model: m, reused: true}
		t.Cleanup(mc.cleanup)
		return m
	}
	stem := opts.Name
	if stem == "" {
		stem = t.Name()
	}
	name := modelName(stem)
	addOpts, err := opts.addModelOptions(ctx, tg, ctrl)
	if err != nil {
		_ = ctrl.Close()
		t.Fatalf("jujutest: %v", err)
	}
	m, err := ctrl.AddModel(ctx, name, addOpts)
	if err != nil {
		_ = ctrl.Close()
		t.Fatalf("jujutest: %v", err)
	}
	if tg.sim != nil {
		simulatorModels.Store(m, true)
	}
	t.Logf("jujutest: created model %q on controller %q", m.QualifiedName(), tg.controller)
	mc := &modelCleanup{t: t, opts: opts, tg: tg, ctrl: ctrl, model: m}
	mc.armDeadline()
	t.Cleanup(mc.cleanup)
	return m
}

// reuse returns the name of the model to reuse, or "".
func (o *Options) reuse() string {
	if o.Model != "" {
		return o.Model
	}
	return os.Getenv(EnvModel)
}

// reusedModels holds the models NewModel reused rather than created.
var reusedModels sync.Map // *juju.Model -> true

// Reused reports whether m is an existing model NewModel or SharedModel
// reused (Options.Model or GOJUJU_MODEL) rather than a fresh one, so that a
// test iterating on a model deployed by an earlier run can skip its setup:
//
//	m := jujutest.NewModel(t, nil)
//	if !jujutest.Reused(m) {
//		deploy(t, m)
//	}
func Reused(m *juju.Model) bool {
	_, ok := reusedModels.Load(m)
	return ok
}

// NewController returns a connection to the controller NewModel would
// create a model on (the shared simulator, opts.Simulator, opts.Controller
// or the GOJUJU_CONTROLLER controller), for tests of controller-level calls such
// as Controller.AddModel, Models or DestroyModel. It fails the test with
// t.Fatal when the controller cannot be reached. The cleanup closes the
// connection; of opts only Simulator, Controller and Logger apply.
//
// Models the test adds through the controller are its own to destroy
// (t.Cleanup with Controller.DestroyModel); a test that needs a model the
// package cleans up takes it from NewModel, whose Model.Controller is
// also a *juju.Controller.
func NewController(t testing.TB, opts *Options) *juju.Controller {
	t.Helper()
	if opts == nil {
		opts = &Options{}
	}
	ctx := t.Context()
	tg, err := resolveTarget(ctx, opts)
	if err != nil {
		t.Fatalf("jujutest: %v", err)
	}
	ctrl, err := juju.Connect(ctx, tg.cfg)
	if err != nil {
		t.Fatalf("jujutest: %v", err)
	}
	t.Cleanup(func() { _ = ctrl.Close() })
	return ctrl
}

// modelName builds a valid, unique model name from a test name:
// "TestDeploy/sub_test" gives "test-deploy-sub-test-1a2b3c".
func modelName(stem string) string {
	var b strings.Builder
	prevLower := false
	for _, r := range stem {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			prevLower = true
		case r >= 'A' && r <= 'Z':
			if prevLower {
				b.WriteByte('-')
			}
			b.WriteRune(unicode.ToLower(r))
			prevLower = false
		default:
			b.WriteByte('-')
			prevLower = false
		}
	}
	parts := strings.FieldsFunc(b.String(), func(r rune) bool { return r == '-' })
	s := strings.Join(parts, "-")
	const maxStem = 40
	if len(s) > maxStem {
		s = strings.TrimRight(s[:maxStem], "-")
	}
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		s = "test-" + s
	}
	var suffix [3]byte
	_, _ = rand.Read(suffix[:])
	return strings.TrimRight(s, "-") + "-" + hex.EncodeToString(suffix[:])
}

// modelCleanup destroys one test's model.
type modelCleanup struct {
	t     testing.TB
	opts  *Options
	tg    *target
	ctrl  *juju.Controller
	model *juju.Model

	reused bool         // an existing model (Options.Model): never destroyed
	shared *sharedModel // the package's model (SharedModel): destroyed by Main
	dumped bool         // the model was dumped to DumpDir

	mu        sync.Mutex
	timer     *time.Timer
	early     chan struct{} // closed once the deadline destruction has finished
	destroyed bool          // the deadline destruction was requested
}

// deadliner is implemented by *testing.T.
type deadliner interface {
	Deadline() (time.Time, bool)
}

// earlyMargin is how long before the test binary's deadline the model is
// destroyed if the test is still running: a tenth of the time left, between
// 100 ms and 30 s.
func earlyMargin(left time.Duration) time.Duration {
	return min(max(left/10, 100*time.Millisecond), 30*time.Second)
}

// armDeadline arranges for the model to be destroyed shortly before the
// test binary's -timeout, which panics without running cleanups.
func (mc *modelCleanup) armDeadline() {
	d, ok := mc.t.(deadliner)
	if !ok {
		return
	}
	deadline, ok := d.Deadline()
	if !ok {
		return
	}
	left := time.Until(deadline)
	fire := left - earlyMargin(left)
	if fire <= 0 {
		return
	}
	mc.early = make(chan struct{})
	mc.timer = time.AfterFunc(fire, mc.destroyBeforeDeadline)
}

// destroyBeforeDeadline runs when the test is about to time out.
func (mc *modelCleanup) destroyBeforeDeadline() {
	defer close(mc.early)
	mc.mu.Lock()
	defer mc.mu.Unlock()
	name := mc.model.QualifiedName()
	if mc.keep(true) {
		mc.t.Logf("jujutest: the test is about to time out; keeping model %q on controller %q (%s)", name, mc.tg.controller, EnvKeepModels)
		return
	}
	mc.t.Logf("jujutest: the test is about to time out; destroying model %q now", name)
	ctx, cancel := context.WithTimeout(context.WithoutCancel(mc.t.Context()), 10*time.Second)
	defer cancel()
	mc.diagnose(ctx)
	mc.dump(ctx)
	if mc.reused {
		return
	}
	yes := true
	err := mc.ctrl.DestroyModel(ctx, name, &juju.DestroyModelOptions{DestroyStorage: &yes, Force: true, NoWait: true})
	if err != nil {
		mc.t.Logf("jujutest: %v", err)
		return
	}
	mc.destroyed = true
}

// keep reports whether the model is to be kept.
func (mc *modelCleanup) keep(failed bool) bool {
	if mc.opts.Keep {
		return true
	}
	switch parseKeep(os.Getenv(EnvKeepModels)) {
	case keepAll:
		return true
	case keepFailed:
		return failed
	}
	return false
}

func (mc *modelCleanup) cleanup() {
	if mc.timer != nil && !mc.timer.Stop() {
		<-mc.early // it fired: let it finish
	}
	mc.mu.Lock()
	defer mc.mu.Unlock()
	if mc.shared == nil {
		defer func() { _ = mc.ctrl.Close() }()
	}
	t := mc.t
	// t.Context is done by now; cleanup work gets its own deadline.
	timeout := mc.opts.DestroyTimeout
	if timeout <= 0 {
		timeout = DefaultControllerDestroyTimeout
		if mc.tg.sim != nil {
			timeout = DefaultSimulatorDestroyTimeout
		}
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(t.Context()), timeout)
	defer cancel()

	name := mc.model.QualifiedName()
	// A panicking test is not marked failed until its cleanups have run.
	failed := t.Failed() || panicking()
	if failed && !mc.destroyed {
		mc.diagnose(ctx)
	}
	if failed {
		mc.dump(ctx)
	}
	if mc.shared != nil {
		if failed {
			mc.shared.mu.Lock()
			mc.shared.failed = true
			mc.shared.mu.Unlock()
		}
		return
	}
	if mc.destroyed {
		return
	}
	if mc.reused {
		t.Logf("jujutest: leaving the reused model %q on controller %q (%s or Options.Model)", name, mc.tg.controller, EnvModel)
		return
	}
	if mc.keep(failed) {
		if mc.tg.sim != nil {
			t.Logf("jujutest: keeping model %q on the simulator %q (%s or Options.Keep) until it is closed", name, mc.tg.controller, EnvKeepModels)
			return
		}
		t.Logf("jujutest: keeping model %q on controller %q (%s or Options.Keep); destroy it with: juju destroy-model --no-prompt --destroy-storage --force %s:%s",
			name, mc.tg.controller, EnvKeepModels, mc.tg.controller, name)
		return
	}
	yes := true
	destroy := &juju.DestroyModelOptions{DestroyStorage: &yes, Force: true, NoWait: mc.opts.DestroyNoWait}
	if mc.tg.sim != nil {
		if _, fake := mc.tg.sim.Clock().(*jujusim.FakeClock); fake {
			// Nothing moves until the test advances the clock: the
			// model goes at the simulator's next Advance.
			destroy.NoWait = true
		}
	}
	err := mc.ctrl.DestroyModel(ctx, name, destroy)
	if errors.Is(err, juju.ErrClosed) {
		// The test closed the model's Controller: connect again.
		var c *juju.Controller
		if c, err = juju.Connect(ctx, mc.tg.cfg); err == nil {
			err = c.DestroyModel(ctx, name, destroy)
			_ = c.Close()
		}
	}
	switch {
	case err == nil:
	case errors.Is(err, juju.ErrNotFound):
		// The test destroyed it itself.
	case errors.Is(err, context.DeadlineExceeded):
		t.Logf("jujutest: model %q is still being destroyed after %s: %v", name, timeout, err)
	default:
		t.Errorf("jujutest: %v", err)
	}
}

// panicking reports whether the calling goroutine is unwinding a panic:
// the testing package runs a panicking test's cleanups before it marks the
// test failed, so t.Failed cannot tell.
func panicking() bool {
	pcs := make([]uintptr, 100)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(2, pcs)])
	for {
		f, more := frames.Next()
		if f.Function == "runtime.gopanic" {
			return true
		}
		if !more {
			return false
		}
	}
}

// dump writes the model to the dump directory, once, when one is set.
func (mc *modelCleanup) dump(ctx context.Context) {
	dir := mc.opts.dumpDir()
	if dir == "" || mc.dumped {
		return
	}
	mc.dumped = true
	dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	out := filepath.Join(dir, mc.model.Name())
	if mc.shared != nil {
		out = sharedDumpDir(dir, mc.model, mc.t)
	}
	if err := dump(dctx, mc.tg, mc.model, out); err != nil {
		mc.t.Logf("jujutest: %v", err)
	}
	mc.t.Logf("jujutest: dumped model %q to %s", mc.model.QualifiedName(), out)
}

// diagnose writes the model's status and the end of its debug log to the
// test log.
func (mc *modelCleanup) diagnose(ctx context.Context) {
	t := mc.t
	name := mc.model.QualifiedName()
	dctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	st, err := mc.model.Status(dctx, nil)
	if err != nil {
		t.Logf("jujutest: cannot get the status of model %q: %v", name, err)
	} else {
		var b strings.Builder
		_ = st.WriteTable(&b, &status.TableOptions{Controller: mc.tg.controller, Relations: true}) // a strings.Builder does not fail
		t.Logf("jujutest: status of model %q:\n%s", name, b.String())
	}
	lines := mc.opts.DebugLogLines
	if lines == 0 {
		lines = DefaultDebugLogLines
	}
	if lines < 0 {
		return
	}
	logs, err := debugLogTail(dctx, mc.tg, mc.model, lines)
	switch {
	case err != nil:
		t.Logf("jujutest: cannot read the debug log of model %q: %v", name, err)
	case len(logs) == 0:
		t.Logf("jujutest: the debug log of model %q is empty", name)
	default:
		t.Logf("jujutest: last %d debug-log lines of model %q:\n%s", len(logs), name, strings.Join(logs, "\n"))
	}
}
