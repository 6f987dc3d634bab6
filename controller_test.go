package juju

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gojuju/juju/jujudata"
	"github.com/gojuju/juju/jujusim"
	"github.com/gojuju/juju/rpc"
)

var simVersions = []string{jujusim.Juju40, jujusim.Juju36}

// liveLife is a live entity's life in FullStatus on a simulator of
// version v: Juju 3.6 leaves it empty, Juju 4 sends "alive".
func liveLife(v string) string {
	if v == jujusim.Juju36 {
		return ""
	}
	return "alive"
}

func TestConnectExplicit(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			parallel(t)
			srv := startSim(t, v)
			c := connectSim(t, srv)
			if got := c.ServerVersion(); got != v {
				t.Errorf("ServerVersion = %q, want %q", got, v)
			}
			if got, want := c.IsJuju4(), strings.HasPrefix(v, "4."); got != want {
				t.Errorf("IsJuju4 = %v, want %v", got, want)
			}
			if c.UUID() != srv.ControllerUUID() {
				t.Errorf("UUID = %q, want %q", c.UUID(), srv.ControllerUUID())
			}
			if c.User() != "admin" || c.Name() != "" {
				t.Errorf("User %q Name %q", c.User(), c.Name())
			}
			m, err := c.Model(testCtx(t), "default")
			if err != nil {
				t.Fatal(err)
			}
			if m.UUID() != srv.DefaultModelUUID() || m.QualifiedName() != "admin/default" || m.Type() != ModelIAAS || m.Qualifier() != "admin" {
				t.Errorf("model = %s %s %s", m.UUID(), m.QualifiedName(), m.Type())
			}
			if m.Controller() != c {
				t.Errorf("Controller() is not the controller")
			}
			if err := m.Close(); err != nil {
				t.Errorf("Model.Close: %v", err)
			}
			if err := c.Close(); err != nil || c.Close() != nil {
				t.Errorf("Close not idempotent: %v", err)
			}
			if _, err := c.Model(testCtx(t), "default"); err == nil {
				t.Errorf("Model after Close succeeded")
			}
		})
	}
}

func TestConnectModelByUUIDAndName(t *testing.T) {
	srv := startSim(t, "")
	cfg := simConfig(srv)
	cfg.ModelUUID = srv.DefaultModelUUID()
	m, err := ConnectModel(testCtx(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if m.QualifiedName() != "admin/default" || m.Type() != ModelIAAS {
		t.Errorf("model %q type %q", m.QualifiedName(), m.Type())
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Config(testCtx(t)); !errors.Is(err, ErrClosed) {
		t.Errorf("Config after Close: %v, want ErrClosed", err)
	}

	cfg = simConfig(srv)
	cfg.Model = "admin/default"
	m, err = ConnectModel(testCtx(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if m.UUID() != srv.DefaultModelUUID() {
		t.Errorf("UUID = %q", m.UUID())
	}
}

func TestConnectErrors(t *testing.T) {
	srv := startSim(t, "")
	tests := []struct {
		name  string
		cfg   func(Config) Config
		match error
		msg   string
	}{
		{"bad password", func(c Config) Config { c.Password = "wrong"; return c }, ErrUnauthorized, "cannot connect to"},
		{"bad model name", func(c Config) Config { c.Model = "Bad_Model"; return c }, ErrInvalidName, `cannot connect: invalid model name "Bad_Model"`},
		{"bad uuid", func(c Config) Config { c.ModelUUID = "nope"; return c }, ErrInvalidArgument, `cannot connect: invalid model UUID "nope"`},
		{"controller with addrs", func(c Config) Config { c.Model = "ctl:m"; return c }, ErrInvalidArgument, "cannot connect"},
		{"bad user", func(c Config) Config { c.Username = "-x"; return c }, ErrInvalidName, `cannot connect: invalid user name "-x"`},
		{"unknown model uuid", func(c Config) Config { c.ModelUUID = "deadbeef-0000-4000-8000-000000000000"; return c }, ErrNotFound, "cannot connect to"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Connect(testCtx(t), tt.cfg(simConfig(srv)))
			if err == nil {
				c.Close()
				t.Fatal("Connect succeeded")
			}
			if !errors.Is(err, tt.match) || !strings.HasPrefix(err.Error(), tt.msg) {
				t.Errorf("error %q; want prefix %q matching %v", err, tt.msg, tt.match)
			}
		})
	}
	// A name that does not exist fails when the model is opened.
	cfg := simConfig(srv)
	cfg.Model = "nosuch"
	_, err := ConnectModel(testCtx(t), cfg)
	if !errors.Is(err, ErrNotFound) || err.Error() != `cannot open model "admin/nosuch": model "admin/nosuch" not found` {
		t.Errorf("ConnectModel(nosuch) = %v", err)
	}
}

// writeJujuData writes a local store describing srv, as the juju CLI
// would after bootstrap.
func writeJujuData(t *testing.T, srv *jujusim.Server, withModels bool) string {
	t.Helper()
	dir := t.TempDir()
	ctx := testCtx(t)
	st, err := jujudata.New(jujudata.Config{Dir: dir, Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.UpdateController(ctx, "sim", jujudata.ControllerDetails{
		UUID: srv.ControllerUUID(), APIEndpoints: srv.APIAddresses(), CACert: srv.CACert(), Cloud: "dummy",
	}); err != nil {
		t.Fatal(err)
	}
	if err := st.SetCurrentController(ctx, "sim"); err != nil {
		t.Fatal(err)
	}
	if err := st.UpdateAccount(ctx, "sim", jujudata.AccountDetails{User: "admin", Password: srv.AdminPassword()}); err != nil {
		t.Fatal(err)
	}
	if withModels {
		if err := st.UpdateModel(ctx, "sim", "admin/default", jujudata.ModelDetails{UUID: srv.DefaultModelUUID(), Type: "iaas"}); err != nil {
			t.Fatal(err)
		}
		if err := st.SetCurrentModel(ctx, "sim", "admin/default"); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestConnectJujuData(t *testing.T) {
	srv := startSim(t, "")
	t.Setenv("JUJU_MODEL", "")
	t.Setenv("JUJU_CONTROLLER", "")
	dir := writeJujuData(t, srv, true)
	for _, model := range []string{"", "default", "admin/default", "sim:default", "sim:admin/default", "sim:"} {
		t.Run("model="+model, func(t *testing.T) {
			m, err := ConnectModel(testCtx(t), Config{JujuData: dir, Model: model, PingInterval: -1})
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			if m.UUID() != srv.DefaultModelUUID() || m.Controller().Name() != "sim" {
				t.Errorf("got model %s on %q", m.UUID(), m.Controller().Name())
			}
			if _, err := m.Config(testCtx(t)); err != nil {
				t.Errorf("Config: %v", err)
			}
		})
	}

	// A model models.yaml does not know is found through ListModels.
	c, err := Connect(testCtx(t), Config{JujuData: dir, Controller: "sim", PingInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r := record(c)
	m, err := c.Model(testCtx(t), "controller")
	if err != nil {
		t.Fatal(err)
	}
	if m.UUID() != srv.ControllerModelUUID() {
		t.Errorf("controller model UUID %q, want %q", m.UUID(), srv.ControllerModelUUID())
	}
	if diff := cmp.Diff([]string{"ModelManager.ListModels"}, r.methods(0)); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
	// The second time the name is cached.
	if _, err := c.Model(testCtx(t), "admin/controller"); err != nil {
		t.Fatal(err)
	}
	if r.count() != 1 {
		t.Errorf("name not cached: %v", r.methods(0))
	}

	// No current model: a controller connection works, a model does not.
	dir2 := writeJujuData(t, srv, false)
	c2, err := Connect(testCtx(t), Config{JujuData: dir2, PingInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	if _, err := c2.Model(testCtx(t), ""); !errors.Is(err, ErrNotFound) {
		t.Errorf("Model(\"\") with no current model: %v", err)
	}
	if _, err := Connect(testCtx(t), Config{JujuData: dir2, Controller: "other"}); !errors.Is(err, jujudata.ErrNotFound) || !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown controller: %v", err)
	}
	if _, err := Connect(testCtx(t), Config{JujuData: dir2, Controller: "sim", Model: "other:m"}); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("conflicting controllers: %v", err)
	}
}

func TestReconnectAfterDrop(t *testing.T) {
	srv := startSim(t, "")
	c := connectSim(t, srv)
	m, err := c.Model(testCtx(t), "default")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Config(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	if n := srv.DropConnections(); n == 0 {
		t.Fatalf("no connection dropped")
	}
	// The dropped connection is noticed and replaced; allow the first call
	// to fail with a broken connection if it raced the drop.
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, err := m.Config(testCtx(t))
		if err == nil {
			break
		}
		if !IsRetryable(err) || time.Now().After(deadline) {
			t.Fatalf("Config after drop: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestConnectErrorText checks that a failed connection says the address
// once and that a cancelled context is said first.
func TestConnectErrorText(t *testing.T) {
	srv := startSim(t, "")
	addr := srv.APIAddresses()[0]
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	errStop := errors.New("test is over")
	withCause, cancelCause := context.WithCancelCause(context.Background())
	cancelCause(errStop)
	expired, cancelExpired := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancelExpired()
	tests := []struct {
		name  string
		ctx   context.Context
		cfg   func(Config) Config
		match []error
		msg   string
	}{
		{"bad password", context.Background(), func(c Config) Config { c.Password = "wrong"; return c },
			[]error{ErrUnauthorized},
			`cannot connect to "` + addr + `": cannot log in: invalid entity name or password`},
		{"cancelled", cancelled, func(c Config) Config { return c },
			[]error{context.Canceled},
			`cannot connect to "` + addr + `": cancelled (context canceled)`},
		{"cancelled model", cancelled, func(c Config) Config { c.Model = "default"; return c },
			[]error{context.Canceled},
			`cannot connect to "` + addr + `": cancelled (context canceled)`},
		{"cancelled with cause", withCause, func(c Config) Config { return c },
			[]error{context.Canceled, errStop},
			`cannot connect to "` + addr + `": cancelled (test is over)`},
		{"deadline", expired, func(c Config) Config { return c },
			[]error{context.DeadlineExceeded},
			`cannot connect to "` + addr + `": timed out (context deadline exceeded)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := ConnectModel(tt.ctx, tt.cfg(simConfig(srv)))
			if err == nil {
				m.Close()
				t.Fatal("ConnectModel succeeded")
			}
			if err.Error() != tt.msg {
				t.Errorf("error %q\nwant  %q", err, tt.msg)
			}
			for _, want := range tt.match {
				if !errors.Is(err, want) {
					t.Errorf("error %q does not match %v", err, want)
				}
			}
			var de *rpc.DialError
			if tt.name == "bad password" && !errors.As(err, &de) {
				t.Errorf("error %q holds no *rpc.DialError", err)
			}
		})
	}
}
