package status_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	juju "github.com/gojuju/juju"
	"github.com/gojuju/juju/internal/facades"
	"github.com/gojuju/juju/jujusim"
	"github.com/gojuju/juju/rpc"
	"github.com/gojuju/juju/status"
)

// These tests run the wait engine against the simulator over a real
// loopback websocket, in Juju 4.0 and 3.6 modes. The simulator runs on a
// fake clock that a driver goroutine moves forward while a wait polls, so
// that idle periods of 15 s cost milliseconds of real time. They do not run
// in parallel: simulators advanced concurrently share a global counter in
// the simulator's core (a data race reported to its owner).

var simVersions = []string{jujusim.Juju40, jujusim.Juju36}

// testPoll is the polling interval the sim tests use.
const testPoll = 5 * time.Millisecond

// startSim starts a simulator on a fake clock and connects to its default
// model.
func startSim(t *testing.T, version string) (*jujusim.Server, *juju.Model) {
	t.Helper()
	srv, m, _ := startSimRecorded(t, version)
	return srv, m
}

// startSimRecorded is startSim with a recorder of the calls the model
// makes (through the Config's rpc.Tracer).
func startSimRecorded(t *testing.T, version string) (*jujusim.Server, *juju.Model, *recorder) {
	t.Helper()
	ctx := testCtx(t)
	srv, err := jujusim.Start(ctx, jujusim.Config{
		JujuVersion: version,
		Clock:       jujusim.NewFakeClock(time.Time{}),
		Speed:       jujusim.SpeedFast,
	})
	if err != nil {
		t.Fatalf("cannot start simulator: %v", err)
	}
	t.Cleanup(func() { srv.Close() })
	r := &recorder{}
	m, err := juju.ConnectModel(ctx, juju.Config{
		Addrs:        srv.APIAddresses(),
		CACert:       srv.CACert(),
		Username:     srv.AdminUser(),
		Password:     srv.AdminPassword(),
		ModelUUID:    srv.DefaultModelUUID(),
		PingInterval: -1,
		Tracer:       r,
	})
	if err != nil {
		t.Fatalf("ConnectModel: %v", err)
	}
	t.Cleanup(func() { m.Close() })
	return srv, m, r
}

// recorder is an rpc.Tracer that records the methods called
// ("Facade.Method").
type recorder struct {
	mu    sync.Mutex
	calls []string
}

func (r *recorder) TraceCallStart(ctx context.Context, d rpc.CallStartData) context.Context {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, d.Facade+"."+d.Method)
	return ctx
}

func (r *recorder) TraceCallEnd(context.Context, rpc.CallEndData) {}

// count returns the number of calls recorded.
func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.calls)
}

// methods returns the methods called from the from-th call on.
func (r *recorder) methods(from int) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.calls[from:])
}

// countOf returns how many times method ("Facade.Method") was called
// from the from-th call on.
func (r *recorder) countOf(from int, method string) int {
	n := 0
	for _, c := range r.methods(from) {
		if c == method {
			n++
		}
	}
	return n
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// driver moves the simulator's fake clock by step every millisecond of
// real time until stopped.
type driver struct {
	stopOnce sync.Once
	stopCh   chan struct{}
	done     chan struct{}
}

func drive(t *testing.T, srv *jujusim.Server, step time.Duration) *driver {
	t.Helper()
	d := &driver{stopCh: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(d.done)
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-d.stopCh:
				return
			case <-tick.C:
			}
			if err := srv.Advance(step); err != nil {
				t.Errorf("Advance: %v", err)
				return
			}
		}
	}()
	t.Cleanup(d.stop)
	return d
}

func (d *driver) stop() {
	d.stopOnce.Do(func() { close(d.stopCh) })
	<-d.done
}

func seed(t *testing.T, srv *jujusim.Server, apps map[string]int) {
	t.Helper()
	if err := srv.Seed(srv.DefaultModelUUID(), apps); err != nil {
		t.Fatalf("Seed: %v", err)
	}
}

// settle drives the clock until the model is idle.
func settle(t *testing.T, srv *jujusim.Server, m *juju.Model, opts *status.WaitForIdleOptions) *status.Status {
	t.Helper()
	d := drive(t, srv, time.Second)
	defer d.stop()
	var o status.WaitForIdleOptions
	if opts != nil {
		o = *opts
	}
	if o.Interval == 0 {
		o.Interval = testPoll
	}
	s, err := m.WaitForIdle(testCtx(t), &o)
	if err != nil {
		t.Fatalf("WaitForIdle: %v", err)
	}
	return s
}

func checkSettled(t *testing.T, s *status.Status, apps ...string) {
	t.Helper()
	for _, app := range apps {
		units := s.Units(app)
		if len(units) == 0 {
			t.Errorf("%s has no units in the final snapshot", app)
		}
		for _, u := range units {
			if u.AgentStatus.Current != "idle" || s.IdleFor(u.Name) < status.DefaultIdlePeriod {
				t.Errorf("%s: agent %s, idle for %v at the end of the wait", u.Name, u.AgentStatus, s.IdleFor(u.Name))
			}
		}
	}
}

func forVersions(t *testing.T, f func(t *testing.T, version string)) {
	for _, v := range simVersions {
		t.Run("juju-"+v, func(t *testing.T) { f(t, v) })
	}
}

func TestSimWaitForIdleSettles(t *testing.T) {
	forVersions(t, func(t *testing.T, version string) {
		srv, m := startSim(t, version)
		seed(t, srv, map[string]int{"pg": 2, "web": 1})
		var busySeen bool
		s := settle(t, srv, m, &status.WaitForIdleOptions{Status: "active", Progress: func(p status.WaitProgress) {
			busySeen = busySeen || len(p.Busy) > 0
		}})
		if !busySeen {
			t.Error("the wait never saw the model busy: it was not exercised")
		}
		checkSettled(t, s, "pg", "web")
		for _, u := range s.AllUnits() {
			if u.WorkloadStatus.Current != "active" {
				t.Errorf("%s: workload %s", u.Name, u.WorkloadStatus)
			}
		}
		if l := s.Leader("pg"); l == nil {
			t.Error("pg has no leader")
		}
		if s.Model.Version != version {
			t.Errorf("model version %q, want %q", s.Model.Version, version)
		}

		// The model has now been settled for longer than the idle period
		// (by the controller's clock): another wait passes on its first
		// snapshot, with the clock standing still.
		polls := 0
		if _, err := m.WaitForIdle(testCtx(t), &status.WaitForIdleOptions{Interval: testPoll, Progress: func(status.WaitProgress) { polls++ }}); err != nil {
			t.Fatal(err)
		}
		if polls != 1 {
			t.Errorf("a settled model took %d snapshots, want 1", polls)
		}
	})
}

func TestSimWaitForIdleSlowUnit(t *testing.T) {
	forVersions(t, func(t *testing.T, version string) {
		srv, m := startSim(t, version)
		srv.SetBehaviour(srv.DefaultModelUUID(), "slow", jujusim.Behaviour{MaintenanceFor: time.Minute, Message: "ready"})
		seed(t, srv, map[string]int{"quick": 1, "slow": 1})
		var sawMaintenance bool
		var quickReadyWhileSlowBusy bool
		s := settle(t, srv, m, &status.WaitForIdleOptions{Status: "active", Progress: func(p status.WaitProgress) {
			slowBusy := false
			for _, b := range p.Busy {
				if strings.HasPrefix(b, "slow/0: workload maintenance") {
					sawMaintenance = true
				}
				if strings.HasPrefix(b, "slow") {
					slowBusy = true
				}
			}
			if slowBusy && !slices.ContainsFunc(p.Busy, func(b string) bool { return strings.HasPrefix(b, "quick") }) {
				quickReadyWhileSlowBusy = true
			}
		}})
		if !sawMaintenance {
			t.Error("the slow unit was never reported in maintenance")
		}
		if !quickReadyWhileSlowBusy {
			t.Error("never saw the quick application settled while the slow one was busy")
		}
		checkSettled(t, s, "quick", "slow")
	})
}

func TestSimWaitBlocked(t *testing.T) {
	forVersions(t, func(t *testing.T, version string) {
		srv, m := startSim(t, version)
		srv.SetBehaviour(srv.DefaultModelUUID(), "b", jujusim.Behaviour{Status: "blocked", Message: "needs a database"})
		seed(t, srv, map[string]int{"b": 1})
		d := drive(t, srv, time.Second)
		ctx := testCtx(t)
		_, err := m.WaitForIdle(ctx, &status.WaitForIdleOptions{RaiseOnBlocked: true, Interval: testPoll})
		var we *status.WaitError
		if !errors.Is(err, status.ErrBlocked) || !errors.As(err, &we) {
			t.Fatalf("WaitForIdle = %v, want status.ErrBlocked", err)
		}
		if len(we.Failed) != 1 || !strings.HasPrefix(we.Failed[0], "b/0: workload blocked since ") || !strings.HasSuffix(we.Failed[0], "(needs a database)") {
			t.Errorf("failed = %q", we.Failed)
		}
		if !strings.Contains(err.Error(), "cannot wait for model \"admin/default\" to be idle: blocked status; failed: b/0: workload blocked") {
			t.Errorf("error = %q", err)
		}

		// Waiting for blocked works too.
		if _, err := m.Wait(ctx, status.All(status.AllBlocked("b"), status.AllAgentsIdle("b")), &status.WaitOptions{Interval: testPoll, Error: status.AnyError()}); err != nil {
			t.Fatalf("Wait(status.AllBlocked) = %v", err)
		}
		d.stop()
	})
}

func TestSimWaitHookErrorThenRecovery(t *testing.T) {
	forVersions(t, func(t *testing.T, version string) {
		srv, m := startSim(t, version)
		srv.SetBehaviour(srv.DefaultModelUUID(), "h", jujusim.Behaviour{FailHook: "install"})
		seed(t, srv, map[string]int{"h": 1})
		drive(t, srv, time.Second)
		ctx := testCtx(t)

		// By default an error fails the wait at once.
		_, err := m.WaitForIdle(ctx, &status.WaitForIdleOptions{Interval: testPoll})
		var we *status.WaitError
		if !errors.Is(err, status.ErrError) || !errors.As(err, &we) {
			t.Fatalf("WaitForIdle = %v, want status.ErrError", err)
		}
		if len(we.Failed) != 1 || !strings.Contains(we.Failed[0], `h/0: workload error since `) || !strings.Contains(we.Failed[0], `install`) {
			t.Errorf("failed = %q", we.Failed)
		}
		if we.Last == nil || we.Last.Unit("h/0").WorkloadStatus.Current != "error" {
			t.Error("the last snapshot does not show the error")
		}

		// With a grace period, the error is tolerated while it is resolved.
		resolved := false
		s, err := m.WaitForIdle(ctx, &status.WaitForIdleOptions{Interval: testPoll, ErrorGrace: time.Hour, Progress: func(p status.WaitProgress) {
			if resolved || !slices.ContainsFunc(p.Busy, func(b string) bool { return strings.Contains(b, "tolerated") }) {
				return
			}
			resolved = true
			var res facades.ErrorResults
			err := m.Call(ctx, "Application", "ResolveUnitErrors", "", facades.UnitsResolved{
				Tags: &facades.Entities{Entities: []facades.Entity{{Tag: "unit-h-0"}}},
			}, &res)
			if err != nil || len(res.Results) != 1 || res.Results[0].Error != nil {
				t.Errorf("ResolveUnitErrors = %+v, %v", res, err)
			}
		}})
		if err != nil {
			t.Fatalf("WaitForIdle with grace = %v", err)
		}
		if !resolved {
			t.Error("the error was never reported as tolerated")
		}
		checkSettled(t, s, "h")
	})
}

func TestSimWaitFlapping(t *testing.T) {
	forVersions(t, func(t *testing.T, version string) {
		srv, m := startSim(t, version)
		srv.SetBehaviour(srv.DefaultModelUUID(), "f", jujusim.Behaviour{Flap: 5 * time.Second})
		seed(t, srv, map[string]int{"f": 1})
		d := drive(t, srv, time.Second)
		ctx, cancel := context.WithCancel(testCtx(t))
		defer cancel()
		var start time.Time
		var sawFlap bool
		_, err := m.WaitForIdle(ctx, &status.WaitForIdleOptions{Status: "active", Interval: testPoll, Timeout: -1, Progress: func(p status.WaitProgress) {
			now := p.Status.Now()
			if start.IsZero() {
				start = now
			}
			for _, c := range p.Changes {
				if c.Name == "f/0" && strings.Contains(c.New, "maintenance") && strings.Contains(c.Old, "active") {
					sawFlap = true
				}
			}
			// Two simulated minutes of flapping must not settle.
			if now.Sub(start) > 2*time.Minute {
				cancel()
			}
		}})
		d.stop()
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("WaitForIdle on a flapping unit = %v, want it still waiting when cancelled", err)
		}
		if !sawFlap {
			t.Error("never saw the unit flap from active to maintenance")
		}
	})
}

func TestSimWaitScaleDown(t *testing.T) {
	forVersions(t, func(t *testing.T, version string) {
		srv, m := startSim(t, version)
		seed(t, srv, map[string]int{"pg": 3})
		settle(t, srv, m, nil)

		ctx := testCtx(t)
		if err := m.RemoveUnits(ctx, []string{"pg/2"}, nil); err != nil {
			t.Fatalf("RemoveUnits: %v", err)
		}

		var first []string
		s := settle(t, srv, m, &status.WaitForIdleOptions{Apps: []string{"pg"}, ExactUnits: 2, Progress: func(p status.WaitProgress) {
			if first == nil {
				first = append([]string{}, p.Busy...)
			}
		}})
		if len(first) == 0 {
			t.Error("the wait right after the scale-down passed on its first snapshot")
		}
		if got := len(s.Units("pg")); got != 2 || s.Unit("pg/2") != nil {
			t.Errorf("pg has %d units after the wait (pg/2: %v), want 2 without pg/2", got, s.Unit("pg/2"))
		}
		checkSettled(t, s, "pg")
	})
}

func TestSimWaitRightAfterDeploy(t *testing.T) {
	forVersions(t, func(t *testing.T, version string) {
		srv, m := startSim(t, version)
		ctx := testCtx(t)
		if _, err := m.Deploy(ctx, "wordpress", &juju.DeployOptions{Name: "blog", NumUnits: 2}); err != nil {
			t.Fatalf("Deploy: %v", err)
		}

		var first []string
		s := settle(t, srv, m, &status.WaitForIdleOptions{Apps: []string{"blog"}, Status: "active", Progress: func(p status.WaitProgress) {
			if first == nil {
				first = append([]string{}, p.Busy...)
			}
		}})
		if len(first) == 0 {
			t.Error("the wait right after deploy passed on its first snapshot")
		}
		if got := len(s.Units("blog")); got != 2 {
			t.Errorf("blog has %d units, want 2", got)
		}
		checkSettled(t, s, "blog")
	})
}

func TestSimWaitGuardAfterConfigChange(t *testing.T) {
	forVersions(t, func(t *testing.T, version string) {
		srv, m := startSim(t, version)
		seed(t, srv, map[string]int{"wordpress": 1})
		settle(t, srv, m, nil)

		// A change through the same client, then a wait at once, with the
		// clock still: the state from before the change must not pass.
		ctx := testCtx(t)
		if err := m.Application("wordpress").SetConfig(ctx, map[string]any{"blog-name": "changed"}); err != nil {
			t.Fatalf("SetConfig: %v", err)
		}

		var d *driver
		polls := 0
		var first []string
		s, err := m.WaitForIdle(ctx, &status.WaitForIdleOptions{Interval: testPoll, Progress: func(p status.WaitProgress) {
			polls++
			if polls == 1 {
				first = p.Busy
				d = drive(t, srv, time.Second)
			}
		}})
		if d != nil {
			d.stop()
		}
		if err != nil {
			t.Fatal(err)
		}
		if len(first) == 0 || !strings.HasPrefix(first[0], "wordpress/0: ") {
			t.Errorf("first snapshot after the change: busy %q, want wordpress/0 held", first)
		}
		checkSettled(t, s, "wordpress")
	})
}

func TestSimWaitSubordinates(t *testing.T) {
	forVersions(t, func(t *testing.T, version string) {
		srv, m := startSim(t, version)
		seed(t, srv, map[string]int{"ubuntu": 2, "ntp": 0})
		settle(t, srv, m, &status.WaitForIdleOptions{Apps: []string{"ubuntu"}})
		ctx := testCtx(t)
		if _, err := m.Integrate(ctx, "ntp:juju-info", "ubuntu:juju-info", nil); err != nil {
			t.Fatalf("Integrate: %v", err)
		}

		s := settle(t, srv, m, &status.WaitForIdleOptions{Apps: []string{"ntp"}, ExactUnits: 2})
		units := s.Units("ntp")
		if len(units) != 2 {
			t.Fatalf("ntp units = %d, want 2", len(units))
		}
		for _, u := range units {
			if !strings.HasPrefix(u.Principal, "ubuntu/") || s.Unit(u.Principal).Subordinates[u.Name] != u {
				t.Errorf("%s: principal %q", u.Name, u.Principal)
			}
		}
		if !s.Applications["ntp"].Subordinate() {
			t.Error("ntp is not a subordinate")
		}
		checkSettled(t, s, "ntp")
	})
}

func TestSimWaitAppStatusUnknown(t *testing.T) {
	forVersions(t, func(t *testing.T, version string) {
		srv, m := startSim(t, version)
		srv.SetBehaviour(srv.DefaultModelUUID(), "u", jujusim.Behaviour{AppStatus: "unknown"})
		seed(t, srv, map[string]int{"u": 2})
		s := settle(t, srv, m, &status.WaitForIdleOptions{Status: "active"})
		a := s.Applications["u"]
		if a.Status.Current != "unknown" {
			t.Fatalf("application status %q: the simulator did not reproduce Juju 4's underived status", a.Status.Current)
		}
		if eff := a.EffectiveStatus(); eff.Current != "active" {
			t.Errorf("effective status %q, want active", eff.Current)
		}
		if ok, why := status.AllActive("u")(s); !ok {
			t.Errorf("AllActive(u) = false: %q", why)
		}
	})
}

func TestSimWaitRidesThroughDropAndRestart(t *testing.T) {
	forVersions(t, func(t *testing.T, version string) {
		srv, m := startSim(t, version)
		srv.SetBehaviour(srv.DefaultModelUUID(), "pg", jujusim.Behaviour{MaintenanceFor: time.Minute})
		seed(t, srv, map[string]int{"pg": 2})
		ctx := testCtx(t)
		d := drive(t, srv, time.Second)
		defer d.stop()
		polls := 0
		dropped, restarted := 0, false
		s, err := m.WaitForIdle(ctx, &status.WaitForIdleOptions{Status: "active", Interval: testPoll, Progress: func(p status.WaitProgress) {
			polls++
			switch polls {
			case 1:
				dropped = srv.DropConnections()
			case 2:
				if err := srv.Restart(ctx); err != nil {
					t.Errorf("Restart: %v", err)
				}
				restarted = true
			}
		}})
		if err != nil {
			t.Fatalf("WaitForIdle through a drop and a restart = %v", err)
		}
		if dropped == 0 || !restarted {
			t.Errorf("faults not exercised: dropped %d connections, restarted %v", dropped, restarted)
		}
		checkSettled(t, s, "pg")
	})
}

func TestSimWaitThousandUnits(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping a 1,000-unit model in -short mode")
	}
	forVersions(t, func(t *testing.T, version string) {
		srv, m := startSim(t, version)
		apps := map[string]int{}
		for i := range 10 {
			apps[fmt.Sprintf("app%c", 'a'+i)] = 100
		}
		seed(t, srv, apps)
		s := settle(t, srv, m, &status.WaitForIdleOptions{Status: "active", Interval: 50 * time.Millisecond})
		if got := len(s.AllUnits()); got != 1000 {
			t.Errorf("units = %d, want 1000", got)
		}
		for name := range apps {
			checkSettled(t, s, name)
		}
	})
}

func TestSimStatus(t *testing.T) {
	forVersions(t, func(t *testing.T, version string) {
		srv, m := startSim(t, version)
		seed(t, srv, map[string]int{"pg": 1, "web": 1})
		settle(t, srv, m, nil)
		ctx := testCtx(t)
		s, err := m.Status(ctx, &status.Options{Patterns: []string{"web"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := s.Applications["web"]; !ok || s.Applications["pg"] != nil {
			t.Errorf("Status(web) applications = %v", s.ApplicationNames())
		}
		if s.ControllerTimestamp.IsZero() || s.Model.Name != "default" {
			t.Errorf("snapshot model %+v at %v", s.Model, s.ControllerTimestamp)
		}
		if addr := s.Address("web/0"); addr == "" {
			t.Error("web/0 has no address")
		}
		all, err := m.Status(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(all.Applications) != 2 {
			t.Errorf("Status(nil) applications = %v", all.ApplicationNames())
		}
		m.Close()
		if _, err := m.Status(ctx, nil); err == nil || !strings.HasPrefix(err.Error(), `cannot get status of model "admin/default": `) {
			t.Errorf("Status on a closed model = %v", err)
		}
	})
}

// TestSimWaitThroughModelAPI checks the transient-state guard end to end:
// the Model's own mutating methods record their changes, so a wait right
// after them cannot pass on the state from before.
func TestSimWaitThroughModelAPI(t *testing.T) {
	forVersions(t, func(t *testing.T, version string) {
		srv, m := startSim(t, version)
		ctx := testCtx(t)
		app, err := m.Deploy(ctx, "wordpress", &juju.DeployOptions{NumUnits: 2})
		if err != nil {
			t.Fatalf("Deploy: %v", err)
		}
		s := settle(t, srv, m, &status.WaitForIdleOptions{Apps: []string{"wordpress"}, Status: "active"})
		checkSettled(t, s, "wordpress")

		// Long settled by now; change the config with the clock standing
		// still and wait at once.
		d := drive(t, srv, time.Second)
		if _, err := m.WaitForIdle(ctx, &status.WaitForIdleOptions{Interval: testPoll, IdlePeriod: 40 * time.Second}); err != nil {
			t.Fatal(err)
		}
		d.stop()
		if err := app.SetConfig(ctx, map[string]any{"blog-name": "guarded"}); err != nil {
			t.Fatalf("SetConfig: %v", err)
		}
		var first []string
		polls := 0
		var drv *driver
		s, err = m.WaitForIdle(ctx, &status.WaitForIdleOptions{Interval: testPoll, Progress: func(p status.WaitProgress) {
			if polls++; polls == 1 {
				first = p.Busy
				drv = drive(t, srv, time.Second)
			}
		}})
		if drv != nil {
			drv.stop()
		}
		if err != nil {
			t.Fatal(err)
		}
		if len(first) != 2 || !strings.HasPrefix(first[0], "wordpress/0: ") || !strings.HasPrefix(first[1], "wordpress/1: ") {
			t.Errorf("first snapshot after SetConfig: busy %q, want both units held", first)
		}
		checkSettled(t, s, "wordpress")
	})
}

// TestSimOneFullStatusPerPoll counts the FullStatus calls of waits that
// watch a subordinate application, found in the first snapshot or named:
// one per snapshot, the principals' units coming with the subordinate's.
// The simulator's clock starts moving after the first snapshot, so that
// each wait sees the model busy first.
func TestSimOneFullStatusPerPoll(t *testing.T) {
	forVersions(t, func(t *testing.T, version string) {
		srv, m, r := startSimRecorded(t, version)
		seed(t, srv, map[string]int{"ubuntu": 2, "ntp": 0})
		ctx := testCtx(t)
		if _, err := m.Integrate(ctx, "ntp:juju-info", "ubuntu:juju-info", nil); err != nil {
			t.Fatalf("Integrate: %v", err)
		}
		for i, apps := range [][]string{nil, {"ntp"}} {
			units := 2 + i
			if i > 0 {
				if _, err := m.Application("ubuntu").AddUnits(ctx, 1, nil); err != nil {
					t.Fatalf("AddUnits: %v", err)
				}
			}
			before := r.count()
			snapshots := 0
			var d *driver
			s, err := m.WaitForIdle(ctx, &status.WaitForIdleOptions{Apps: apps, ExactUnits: units, Interval: testPoll,
				Progress: func(status.WaitProgress) {
					snapshots++
					if d == nil {
						d = drive(t, srv, time.Second)
					}
				}})
			if d != nil {
				d.stop()
			}
			if err != nil {
				t.Fatalf("apps %v: WaitForIdle: %v", apps, err)
			}
			if got := len(s.Units("ntp")); got != units {
				t.Errorf("apps %v: ntp has %d units at the end, want %d", apps, got, units)
			}
			if calls := r.countOf(before, "Client.FullStatus"); calls != snapshots || snapshots < 2 {
				t.Errorf("apps %v: %d FullStatus calls for %d snapshots, want one each (and more than one snapshot)", apps, calls, snapshots)
			}
		}
	})
}

// TestSimDecodeMatchesEncodingJSON holds the streaming decoder of
// Model.Status to what encoding/json and the conversion made of the same
// reply, on a model with subordinates, containers, a failed hook (status
// data), blocked units with messages and opened ports, offers and
// relations, with and without storage, in both Juju modes (3.6's
// FullStatus shape differs a little).
func TestSimDecodeMatchesEncodingJSON(t *testing.T) {
	forVersions(t, func(t *testing.T, version string) {
		srv, m := startSim(t, version)
		ctx := testCtx(t)
		uuid := srv.DefaultModelUUID()
		srv.SetBehaviour(uuid, "broken", jujusim.Behaviour{FailHook: "install"})
		srv.SetBehaviour(uuid, "blocked", jujusim.Behaviour{Status: "blocked", Message: "needs a database — ünïcode", WorkloadVersion: "1.2.3", OpenPorts: []string{"80/tcp", "443/tcp"}})
		seed(t, srv, map[string]int{"ubuntu": 2, "ntp": 0, "broken": 1, "blocked": 3})
		if _, err := m.Integrate(ctx, "ntp:juju-info", "ubuntu:juju-info", nil); err != nil {
			t.Fatalf("Integrate: %v", err)
		}
		if _, err := m.AddMachines(ctx, 1, &juju.AddMachineOptions{To: "lxd:0"}); err != nil {
			t.Fatalf("AddMachines: %v", err)
		}
		for range 30 {
			if err := srv.Advance(time.Second); err != nil {
				t.Fatal(err)
			}
		}
		for _, storage := range []bool{false, true} {
			var raw json.RawMessage
			if err := m.CallVersion(ctx, "Client", 8, "FullStatus", "", facades.StatusParams{IncludeStorage: storage}, &raw); err != nil {
				t.Fatal(err)
			}
			got, err := status.ParseFullStatus(raw)
			if err != nil {
				t.Fatal(err)
			}
			want, err := status.ParseFullStatusV1(raw)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got, cmp.Exporter(func(reflect.Type) bool { return true }), cmpopts.EquateErrors()); diff != "" {
				t.Errorf("storage %v: streaming decoder differs from encoding/json (-json +stream):\n%s", storage, diff)
			}
			if len(got.Units("ntp")) != 2 || got.Applications["broken"].Units["broken/0"].WorkloadStatus.Current != "error" {
				t.Errorf("storage %v: the model is not as the test means it (ntp units %d, broken %+v)", storage, len(got.Units("ntp")), got.Applications["broken"])
			}
			// Model.Status decodes the same reply the same way.
			s, err := m.Status(ctx, &status.Options{IncludeStorage: storage})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want.AllUnits(), s.AllUnits()); diff != "" {
				t.Errorf("storage %v: Model.Status units differ (-json +status):\n%s", storage, diff)
			}
		}
	})
}
