package apisuite_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/gojuju/juju"
	"github.com/gojuju/juju/internal/realjuju"
	"github.com/gojuju/juju/jujutest"
	"github.com/gojuju/juju/rpc"
)

func TestMain(m *testing.M) {
	// The real server is a process of its own; jujutest's shared simulator
	// is closed before the leak check.
	goleak.VerifyTestMain(realjuju.Main(jujutest.Main(m)))
}

// limits says what a test bed cannot do. Every limit of the real server's
// test bed is declared here, once; the tests branch on these fields.
type limits struct {
	// Agents: machine and unit agents run, so machines start, units
	// settle, workloads become active and actions complete. Without them
	// machines stay pending, units allocating and actions pending.
	Agents bool
	// RemovalsComplete: removed units, applications, relations, machines
	// and models go away. Without agents they stay dying (and listed).
	RemovalsComplete bool
	// SecretRemovalComplete: a removed user secret is no longer listed.
	SecretRemovalComplete bool
	// CancelAction: Action.Cancel works. Juju 4.0.15's real server fails
	// it with an SQL error (`type "taskStatus" has no "status_id" db tag`), a
	// known server bug.
	CancelAction bool
	// StoragePool is a storage pool a filesystem can be deployed on.
	StoragePool string
	// StoragePoolProvider, when set, is the storage provider of a
	// StoragePool that each model must create first (Storage.CreatePool):
	// the real test bed's dummy provider has no default pools.
	StoragePoolProvider string
	// StorageInstances: the controller records storage instances (and
	// reports them in status).
	StorageInstances bool
	// StorageProvider is a storage provider a new pool can be created
	// with (the real test bed's dummy registry has no rootfs).
	StorageProvider string
	// DefaultStoragePools: the model has its providers' default pools
	// (rootfs, tmpfs, loop). The real test bed has none.
	DefaultStoragePools bool
	// StorageDetachCompletes: detached storage leaves its unit (the unit
	// agent runs storage-detaching). The real test bed reports success
	// and leaves the attachment dying, so the storage stays attached.
	StorageDetachCompletes bool
	// DebugLogCloses: a debug-log stream with NoTail ends after the
	// backlog. The real test bed sends its initial frame and then nothing.
	DebugLogCloses bool
	// MixedResourceUploads: the uploads to an application whose charm
	// declares both a file and an OCI image resource are each stored as
	// their own type. The real 4.0.15 test bed stores all of them as one
	// type or the other, changing from run to run (an OCI image as the
	// uploaded YAML, 53 bytes for "ubuntu:22.04", instead of its image
	// document, 56 bytes; a file as an empty image document, 44 bytes).
	MixedResourceUploads bool
	// OfferConnections: an offer lists the relations consuming models
	// have with it (its connections, and the connected counts in the
	// offering model's status), so removing it without force is refused.
	// The real test bed runs no workers to register them: its offers
	// never have connections.
	OfferConnections bool
}

// bed is where a test runs.
type bed struct {
	name string
	limits
	// opts are jujutest's options for a model on this bed (nil: jujutest's
	// default target).
	opts func(t *testing.T) *jujutest.Options
	// explicit is an explicit connection (Addrs, CACert, Username,
	// Password) to the bed's controller; it skips the test when there is
	// none.
	explicit func(t *testing.T) juju.Config
	// store is a connection through a local store (JujuData, Controller);
	// it skips the test when there is none.
	store func(t *testing.T) juju.Config
}

// simBed is jujutest's default target: the shared simulator (or the
// controller GOJUJU_CONTROLLER names, assumed to be a full one).
var simBed = &bed{
	name: "sim",
	limits: limits{
		Agents:                 true,
		RemovalsComplete:       true,
		SecretRemovalComplete:  true,
		CancelAction:           true,
		StoragePool:            "rootfs",
		StorageInstances:       true,
		StorageProvider:        "tmpfs",
		DefaultStoragePools:    true,
		StorageDetachCompletes: true,
		DebugLogCloses:         true,
		MixedResourceUploads:   true,
		OfferConnections:       true,
	},
	opts: func(*testing.T) *jujutest.Options { return nil },
	explicit: func(t *testing.T) juju.Config {
		sim := jujutest.Simulator(t)
		return juju.Config{Addrs: sim.APIAddresses(), CACert: sim.CACert(), Username: sim.AdminUser(), Password: sim.AdminPassword()}
	},
	store: func(t *testing.T) juju.Config {
		t.Skip("the simulator bed has no JUJU_DATA of its own (the real-CLI suite covers gojuju sim's)")
		return juju.Config{}
	},
}

// realBed is the real Juju 4.0.15 API server of ../shared/realjuju.
var realBed = &bed{
	name: "real",
	limits: limits{
		Agents:                 false,
		RemovalsComplete:       false,
		SecretRemovalComplete:  false,
		CancelAction:           false,
		StoragePool:            "suite",
		StoragePoolProvider:    "static",
		StorageInstances:       true,
		StorageProvider:        "machinescoped",
		DefaultStoragePools:    false,
		StorageDetachCompletes: false,
		DebugLogCloses:         false,
		MixedResourceUploads:   false,
		OfferConnections:       false,
	},
	opts: func(t *testing.T) *jujutest.Options {
		srv := realjuju.Shared(t)
		return &jujutest.Options{
			Controller:    &juju.Config{Controller: realjuju.ControllerName, JujuData: srv.JujuData},
			DestroyNoWait: true, // a destroyed model stays dying
		}
	},
	explicit: func(t *testing.T) juju.Config {
		srv := realjuju.Shared(t)
		return juju.Config{Addrs: []string{srv.Addr}, CACert: srv.Info.CACert, Username: srv.Info.AdminUser, Password: srv.Info.AdminPassword}
	},
	store: func(t *testing.T) juju.Config {
		srv := realjuju.Shared(t)
		return juju.Config{JujuData: srv.JujuData}
	},
}

var beds = []*bed{simBed, realBed}

// run runs f on every bed, as parallel subtests named after the beds.
func run(t *testing.T, f func(t *testing.T, b *bed)) {
	t.Helper()
	t.Parallel()
	for _, b := range beds {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			f(t, b)
		})
	}
}

// newModel gives the test a fresh model on the bed, destroyed at cleanup.
func (b *bed) newModel(t *testing.T) *juju.Model {
	t.Helper()
	return jujutest.NewModel(t, b.opts(t))
}

// newController gives the test a connection to the bed's controller.
func (b *bed) newController(t *testing.T) *juju.Controller {
	t.Helper()
	return jujutest.NewController(t, b.opts(t))
}

// testCtx is a test's context with a deadline.
func testCtx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	t.Cleanup(cancel)
	return c
}

// charmDir is the path of one of the suite's test charms.
func charmDir(t *testing.T, name string) string {
	t.Helper()
	p := "testdata/charms/" + name
	if _, err := os.Stat(p); err != nil {
		t.Fatal(err)
	}
	return p
}

// storagePool returns a storage pool of model m for a filesystem, creating
// it first where the bed needs that.
func (b *bed) storagePool(t *testing.T, m *juju.Model) string {
	t.Helper()
	if b.StoragePoolProvider == "" {
		return b.StoragePool
	}
	if err := m.CreateStoragePool(testCtx(t), b.StoragePool, b.StoragePoolProvider, nil); err != nil {
		t.Fatalf("CreateStoragePool: %v", err)
	}
	return b.StoragePool
}

// errCode describes err with the server's error code, for failure messages.
func errCode(err error) string {
	var se *rpc.Error
	if errors.As(err, &se) {
		return fmt.Sprintf("%v (code %q)", err, se.Code)
	}
	return fmt.Sprintf("%v (no server error)", err)
}

// calls counts the RPC calls of a connection (a juju.Config.Tracer).
type calls struct {
	mu sync.Mutex
	n  []string
}

func (c *calls) TraceCallStart(ctx context.Context, d rpc.CallStartData) context.Context {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n = append(c.n, d.Facade+"."+d.Method)
	return ctx
}

func (c *calls) TraceCallEnd(context.Context, rpc.CallEndData) {}

// expectNone runs f and fails the test if f made any call.
func (c *calls) expectNone(t *testing.T, what string, f func()) {
	t.Helper()
	c.mu.Lock()
	before := len(c.n)
	c.mu.Unlock()
	f()
	c.mu.Lock()
	defer c.mu.Unlock()
	if sent := c.n[before:]; len(sent) > 0 {
		t.Errorf("%s: refused input still sent %v", what, sent)
	}
}

// tracedModel gives the test a fresh model on the bed whose connection
// counts its calls.
func (b *bed) tracedModel(t *testing.T) (*juju.Model, *calls) {
	t.Helper()
	c := &calls{}
	opts := b.opts(t)
	if opts == nil {
		cfg := b.explicit(t)
		opts = &jujutest.Options{Controller: &cfg}
	}
	cfg := *opts.Controller
	cfg.Tracer = c
	opts.Controller = &cfg
	return jujutest.NewModel(t, opts), c
}
