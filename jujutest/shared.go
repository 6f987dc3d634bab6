package jujutest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gojuju/juju"
)

// mainStarted is set when Main's Run runs the tests: SharedModel needs it
// to destroy its models after the last test.
var mainStarted atomic.Bool

// The package's shared models, by Options.Name.
var sharedModels struct {
	mu     sync.Mutex
	models map[string]*sharedModel
}

// sharedModel is one model shared by the tests of a package.
type sharedModel struct {
	once   sync.Once
	err    error
	tg     *target
	opts   Options
	ctrl   *juju.Controller
	model  *juju.Model
	reused bool

	mu     sync.Mutex
	failed bool // a test using it failed
}

// SharedModel returns a model shared by every test of the package that asks
// for it with the same opts.Name (module scope in pytest's terms), created
// by the first of them with that call's options and destroyed once all
// the package's tests have run, by Main, which the package's TestMain must
// use (the test fails otherwise). Tests that share a model see each
// other's applications: they run in sequence or use names of their own.
//
// When a test using it fails, its status and debug log go to that test's
// log and, with a dump directory (Options.DumpDir or GOJUJU_DUMP_DIR), to
// <dir>/<model>/<test>. GOJUJU_KEEP_MODELS=failed keeps it when any of
// its tests failed; GOJUJU_MODEL (Options.Model) reuses an existing model
// instead, which is never destroyed. Its connection belongs to the package:
// a test must not close its Controller.
func SharedModel(t testing.TB, opts *Options) *juju.Model {
	t.Helper()
	if !mainStarted.Load() {
		t.Fatalf("jujutest: SharedModel needs the package's TestMain to run the tests through jujutest.Main, which destroys the shared models after the last test")
	}
	if opts == nil {
		opts = &Options{}
	}
	key := opts.Name
	if key == "" {
		key = "shared"
	}
	sharedModels.mu.Lock()
	if sharedModels.models == nil {
		sharedModels.models = map[string]*sharedModel{}
	}
	sm := sharedModels.models[key]
	if sm == nil {
		sm = &sharedModel{opts: *opts}
		sm.opts.Name = key
		sharedModels.models[key] = sm
	}
	sharedModels.mu.Unlock()
	sm.once.Do(func() { sm.err = sm.create(t) })
	if sm.err != nil {
		t.Fatalf("jujutest: shared model %q: %v", key, sm.err)
	}
	mc := &modelCleanup{t: t, opts: &sm.opts, tg: sm.tg, ctrl: sm.ctrl, model: sm.model, shared: sm}
	t.Cleanup(mc.cleanup)
	return sm.model
}

// create connects and creates (or finds, to reuse) the shared model. Its
// lifetime is the package's, not the first test's.
func (sm *sharedModel) create(t testing.TB) error {
	ctx := context.WithoutCancel(t.Context())
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	tg, err := resolveTarget(ctx, &sm.opts)
	if err != nil {
		return err
	}
	ctrl, err := juju.Connect(ctx, tg.cfg)
	if err != nil {
		return err
	}
	sm.tg, sm.ctrl = tg, ctrl
	defer func() {
		if sm.model != nil && tg.sim != nil {
			simulatorModels.Store(sm.model, true)
		}
	}()
	if reuse := sm.opts.reuse(); reuse != "" {
		if sm.model, err = ctrl.Model(ctx, reuse); err != nil {
			_ = ctrl.Close()
			return fmt.Errorf("cannot reuse model %q (%s or Options.Model): %w", reuse, EnvModel, err)
		}
		sm.reused = true
		reusedModels.Store(sm.model, true)
		t.Logf("jujutest: reusing model %q on controller %q for the package's tests", sm.model.QualifiedName(), tg.controller)
		return nil
	}
	addOpts, err := sm.opts.addModelOptions(ctx, tg, ctrl)
	if err != nil {
		_ = ctrl.Close()
		return err
	}
	if sm.model, err = ctrl.AddModel(ctx, modelName(sm.opts.Name), addOpts); err != nil {
		_ = ctrl.Close()
		return err
	}
	t.Logf("jujutest: created model %q on controller %q, shared by the package's tests", sm.model.QualifiedName(), tg.controller)
	return nil
}

// closeShared destroys the shared models (unless kept or reused) and closes
// their connections.
func closeShared() error {
	sharedModels.mu.Lock()
	models := sharedModels.models
	sharedModels.models = nil
	sharedModels.mu.Unlock()
	var errs []error
	for _, sm := range models {
		if sm.ctrl == nil {
			continue
		}
		if err := sm.destroy(); err != nil {
			errs = append(errs, err)
		}
		_ = sm.ctrl.Close()
	}
	return errors.Join(errs...)
}

func (sm *sharedModel) destroy() error {
	if sm.model == nil || sm.reused {
		return nil
	}
	name := sm.model.QualifiedName()
	keep := sm.opts.Keep
	switch parseKeep(os.Getenv(EnvKeepModels)) {
	case keepAll:
		keep = true
	case keepFailed:
		keep = keep || sm.failed
	}
	if keep {
		fmt.Fprintf(os.Stderr, "jujutest: keeping the shared model %q on controller %q (%s or Options.Keep)\n", name, sm.tg.controller, EnvKeepModels)
		return nil
	}
	timeout := sm.opts.DestroyTimeout
	if timeout <= 0 {
		timeout = DefaultControllerDestroyTimeout
		if sm.tg.sim != nil {
			timeout = DefaultSimulatorDestroyTimeout
		}
	}
	// Close runs this after the package's tests, from TestMain: there is no
	// caller's context, only the timeout.
	ctx, cancel := context.WithTimeout(context.Background(), timeout) //nolint:forbidigo // no caller's context at the end of the test binary, as said above
	defer cancel()
	yes := true
	err := sm.ctrl.DestroyModel(ctx, name, &juju.DestroyModelOptions{DestroyStorage: &yes, Force: true, NoWait: sm.opts.DestroyNoWait})
	if err != nil && !errors.Is(err, juju.ErrNotFound) {
		return fmt.Errorf("cannot destroy the shared model %q: %w", name, err)
	}
	return nil
}

// sharedDumpDir is where a failed test's dump of a shared model goes.
func sharedDumpDir(dir string, m *juju.Model, t testing.TB) string {
	return filepath.Join(dir, m.Name(), strings.ReplaceAll(t.Name(), "/", "_"))
}
