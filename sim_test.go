package juju

import (
	"context"
	"io"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/gojuju/juju/jujusim"
)

// startSim starts a simulated controller for one test.
func startSim(t *testing.T, version string) *jujusim.Server {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	srv, err := jujusim.Start(ctx, jujusim.Config{JujuVersion: version, Speed: jujusim.SpeedInstant})
	if err != nil {
		t.Fatalf("cannot start simulator: %v", err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// simConfig is an explicit Config for the simulator.
func simConfig(srv *jujusim.Server) Config {
	return Config{
		Addrs:        srv.APIAddresses(),
		CACert:       srv.CACert(),
		Username:     srv.AdminUser(),
		Password:     srv.AdminPassword(),
		PingInterval: -1,
	}
}

// connectSim connects to the simulator's controller.
func connectSim(t *testing.T, srv *jujusim.Server) *Controller {
	t.Helper()
	c, err := Connect(testCtx(t), simConfig(srv))
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// recorder captures the requests a Controller sends (through its
// request hook), to check that refused input sends nothing and that
// requests have the shape the real CLI's have.
type recorder struct {
	mu    sync.Mutex
	calls []recordedCall
}

type recordedCall struct {
	Facade  string
	Version int
	Method  string
	Params  any
}

func record(c *Controller) *recorder {
	r := &recorder{}
	h := func(facade string, version int, method string, params any) {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.calls = append(r.calls, recordedCall{facade, version, method, params})
	}
	c.requestHook.Store(&h)
	return r
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.calls)
}

// methods returns "Facade.Method" of each call since call number from.
func (r *recorder) methods(from int) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, c := range r.calls[from:] {
		out = append(out, c.Facade+"."+c.Method)
	}
	return out
}

// last returns the last call of facade.method.
func (r *recorder) last(facade, method string) (recordedCall, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := len(r.calls) - 1; i >= 0; i-- {
		if c := r.calls[i]; c.Facade == facade && c.Method == method {
			return c, true
		}
	}
	return recordedCall{}, false
}

// expectNothingSent runs f and fails if it sent any request.
func expectNothingSent(t *testing.T, r *recorder, f func()) {
	t.Helper()
	before := r.count()
	f()
	if got := r.methods(before); len(got) != 0 {
		t.Errorf("refused input still sent %v", got)
	}
}

// newTestLogger logs text to w.
func newTestLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(&lockedWriter{w: w}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// parallel marks a simulator test parallel (each test has its own
// simulator).
func parallel(t *testing.T) { t.Helper(); t.Parallel() }

// startSimB starts a simulated controller for a benchmark.
func startSimB(b *testing.B) *jujusim.Server {
	b.Helper()
	srv, err := jujusim.Start(b.Context(), jujusim.Config{Speed: jujusim.SpeedInstant})
	if err != nil {
		b.Fatalf("cannot start simulator: %v", err)
	}
	b.Cleanup(func() { srv.Close() })
	return srv
}

func writeFile(p string, data []byte) error { return os.WriteFile(p, data, 0o644) }
