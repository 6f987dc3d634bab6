package juju

import (
	"context"
	"errors"
	"fmt"
	"github.com/gojuju/juju/rpc"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// hookLog records the mutation hooks' calls.
type hookLog struct {
	mu    sync.Mutex
	calls []mutation
}

func (h *hookLog) add(_ context.Context, m mutation) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.calls = append(h.calls, m)
}

func (h *hookLog) take() []mutation {
	h.mu.Lock()
	defer h.mu.Unlock()
	c := h.calls
	h.calls = nil
	return c
}

func defaultModel(t *testing.T, c *Controller) *Model {
	t.Helper()
	m, err := c.Model(testCtx(t), "default")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// Every mutating call the controller accepted reaches the mutation hooks
// once, with its facade, method and params; read-only calls do not.
func TestMutationHook(t *testing.T) {
	srv := startSim(t, "")
	c := connectSim(t, srv)
	m := defaultModel(t, c)
	var h hookLog
	remove := c.onMutation(h.add)
	if _, err := m.Status(testCtx(t), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Config(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	if got := h.take(); len(got) != 0 {
		t.Fatalf("read-only calls reached the mutation hook: %+v", got)
	}
	if err := m.SetConfig(testCtx(t), map[string]any{"logging-config": "<root>=DEBUG"}); err != nil {
		t.Fatal(err)
	}
	got := h.take()
	if len(got) != 1 || got[0].Facade != "ModelConfig" || got[0].Method != "ModelSet" || got[0].Model != m.UUID() || got[0].Params == nil || got[0].Unknown {
		t.Fatalf("hook calls after SetConfig = %+v, want one ModelConfig.ModelSet on the model", got)
	}
	// A refused mutating call is no mutation.
	srv.FailMethod("ModelConfig", "ModelSet", "not valid", 1)
	if err := m.SetConfig(testCtx(t), map[string]any{"logging-config": "<root>=INFO"}); !errors.Is(err, ErrRefused) {
		t.Fatalf("SetConfig with an injected failure: %v, want ErrRefused", err)
	}
	if got := h.take(); len(got) != 0 {
		t.Fatalf("a refused call reached the mutation hook: %+v", got)
	}
	remove()
	if err := m.SetConfig(testCtx(t), map[string]any{"logging-config": "<root>=INFO"}); err != nil {
		t.Fatal(err)
	}
	if got := h.take(); len(got) != 0 {
		t.Fatalf("a removed hook was called: %+v", got)
	}
}

// A read right after the connections dropped succeeds at the first try:
// nothing reached the server, so it is retried on a new connection.
func TestReadRetriedAfterDrop(t *testing.T) {
	srv := startSim(t, "")
	c := connectSim(t, srv)
	m := defaultModel(t, c)
	for i := range 20 {
		if _, err := m.Config(testCtx(t)); err != nil {
			t.Fatalf("round %d: Config: %v", i, err)
		}
		srv.DropConnections()
		if _, err := m.Status(testCtx(t), nil); err != nil {
			t.Fatalf("round %d: Status right after a drop: %v", i, err)
		}
	}
}

// A read whose connection drops while the server holds it is sent again
// on a new connection and succeeds.
func TestReadRetriedAfterDropMidCall(t *testing.T) {
	srv := startSim(t, "")
	c := connectSim(t, srv)
	m := defaultModel(t, c)
	if _, err := m.Config(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	release := srv.Stall("ModelConfig", "ModelGet")
	done := make(chan error, 1)
	go func() {
		_, err := m.Config(testCtx(t))
		done <- err
	}()
	time.Sleep(50 * time.Millisecond) // let the request reach the stall
	srv.DropConnections()
	release()
	if err := <-done; err != nil {
		t.Fatalf("Config whose connection dropped mid-call: %v", err)
	}
}

// A write whose connection drops after the request was sent says its
// outcome is unknown, is not retryable, and reaches the hook as unknown.
func TestWriteOutcomeUnknown(t *testing.T) {
	srv := startSim(t, "")
	c := connectSim(t, srv)
	m := defaultModel(t, c)
	if _, err := m.Config(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	var h hookLog
	defer c.onMutation(h.add)()
	release := srv.Stall("Application", "AddUnits")
	defer release()
	done := make(chan error, 1)
	go func() {
		done <- m.Call(testCtx(t), "Application", "AddUnits", "", map[string]any{"application": "nope", "num-units": 1}, nil)
	}()
	time.Sleep(50 * time.Millisecond)
	srv.DropConnections()
	err := <-done
	if !errors.Is(err, ErrOutcomeUnknown) || errors.Is(err, ErrNotSent) || IsRetryable(err) {
		t.Fatalf("write whose connection dropped mid-call: %v, want ErrOutcomeUnknown, not retryable", err)
	}
	if got := h.take(); len(got) != 1 || !got[0].Unknown || got[0].Method != "AddUnits" {
		t.Fatalf("hook calls = %+v, want one unknown AddUnits", got)
	}
}

// Under concurrent use, a dropped connection is ridden through by every
// read (it used to be reported as ErrClosed to the calls racing the
// redial).
func TestConcurrentReadsRideThroughDrops(t *testing.T) {
	srv := startSim(t, "")
	c := connectSim(t, srv)
	m := defaultModel(t, c)
	ctx := testCtx(t)
	stop := make(chan struct{})
	var dropper sync.WaitGroup
	dropper.Add(1)
	go func() {
		defer dropper.Done()
		for {
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
				srv.DropConnections()
			}
		}
	}()
	var wg sync.WaitGroup
	errs := make(chan error, 16*20)
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				if _, err := m.Config(ctx); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	dropper.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("read under concurrent drops: %v", err)
	}
}

// A read during a controller restart waits for the controller and
// succeeds.
func TestReadRidesThroughRestart(t *testing.T) {
	srv := startSim(t, "")
	c := connectSim(t, srv)
	m := defaultModel(t, c)
	if _, err := m.Config(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	if err := srv.Restart(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Status(testCtx(t), nil); err != nil {
		t.Fatalf("Status after a restart: %v", err)
	}
}

// With retries disabled, a read after a drop fails with a retryable error
// that says nothing was sent.
func TestRetryDisabled(t *testing.T) {
	srv := startSim(t, "")
	cfg := simConfig(srv)
	cfg.RetryTimeout = -1
	c, err := Connect(testCtx(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	m := defaultModel(t, c)
	if _, err := m.Config(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	a, err := m.conn(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	srv.DropConnections()
	// Wait for the client to see the drop, so that the call is not sent.
	<-a.current().Broken()
	err = a.Call(testCtx(t), "ModelConfig", "ModelGet", "", nil, nil)
	if !IsRetryable(err) || !errors.Is(err, ErrNotSent) {
		t.Fatalf("read after a drop without retries: %v, want a retryable error matching ErrNotSent", err)
	}
}

// Formatting or logging a Config never shows its password.
func TestConfigHidesPassword(t *testing.T) {
	cfg := Config{Addrs: []string{"10.0.0.1:17070"}, Username: "admin", Password: "hunter2-s3cret", CACert: "pem"}
	var logs strings.Builder
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	logger.Info("connecting", "config", cfg)
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("connecting", "config", cfg)
	for _, out := range []string{fmt.Sprint(cfg), fmt.Sprintf("%v %+v %#v %s", cfg, cfg, cfg, cfg), fmt.Sprintf("%v", &cfg), logs.String()} {
		if strings.Contains(out, "hunter2") {
			t.Errorf("password in %q", out)
		}
		if !strings.Contains(out, "10.0.0.1:17070") {
			t.Errorf("output %q does not describe the config", out)
		}
	}
}

// The controller's "not valid" refusal of an endpoint the charm lacks
// matches ErrInvalidEndpoint and ErrNotFound.
func TestIntegrateUnknownEndpoint(t *testing.T) {
	for _, v := range []string{"4.0.15", "3.6.28"} {
		t.Run(v, func(t *testing.T) {
			srv := startSim(t, v)
			c := connectSim(t, srv)
			m := defaultModel(t, c)
			if err := srv.Seed(m.UUID(), map[string]int{"a": 1, "b": 1}); err != nil {
				t.Fatal(err)
			}
			_, err := m.Integrate(testCtx(t), "a:nope", "b", nil)
			if !errors.Is(err, ErrInvalidEndpoint) || !errors.Is(err, ErrNotFound) || !errors.Is(err, ErrRefused) {
				t.Fatalf("Integrate with an unknown endpoint: %v, want ErrInvalidEndpoint and ErrNotFound", err)
			}
		})
	}
}

// loginCounter is a tracer that counts Admin.Login calls.
type loginCounter struct{ n atomic.Int32 }

func (l *loginCounter) TraceCallStart(ctx context.Context, d rpc.CallStartData) context.Context {
	if d.Facade == "Admin" && d.Method == "Login" {
		l.n.Add(1)
	}
	return ctx
}
func (l *loginCounter) TraceCallEnd(context.Context, rpc.CallEndData) {}

// Calls made while the connection is being re-established wait for that
// one redial, and then all succeed.
func TestCallsWaitForTheRedial(t *testing.T) {
	srv := startSim(t, "")
	var logins loginCounter
	cfg := simConfig(srv)
	cfg.Tracer = &logins
	c, err := Connect(testCtx(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	m := defaultModel(t, c)
	if _, err := m.Config(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	before := logins.n.Load()
	release := srv.Stall("Admin", "Login")
	srv.DropConnections()
	const n = 8
	errs := make(chan error, n)
	for range n {
		go func() {
			_, err := m.Config(testCtx(t))
			errs <- err
		}()
	}
	time.Sleep(100 * time.Millisecond) // the calls queue behind the stalled login
	release()
	for range n {
		if err := <-errs; err != nil {
			t.Errorf("call made during the redial: %v", err)
		}
	}
	if got := logins.n.Load() - before; got != 1 {
		t.Errorf("%d logins for %d calls made during one redial, want 1", got, n)
	}
}
