package juju

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gojuju/juju/internal/facades"
	"github.com/gojuju/juju/jujusim"
)

// These tests run the wait engine against the simulator over a real
// loopback websocket, in Juju 4.0 and 3.6 modes. The simulator runs on a
// fake clock that a driver goroutine moves forward while a wait polls, so
// that idle periods of 15 s cost milliseconds of real time. They do not run
// in parallel: simulators advanced concurrently share a global counter in
// the simulator's core (a data race reported to its owner).

var wtSimVersions = []string{jujusim.Juju40, jujusim.Juju36}

// wtTestPoll is the polling interval the sim tests use.
const wtTestPoll = 5 * time.Millisecond

// wtSim starts a simulator on a fake clock and connects to its default
// model.
func wtSim(t *testing.T, version string) (*jujusim.Server, *Model) {
	t.Helper()
	ctx := wtCtx(t)
	srv, err := jujusim.Start(ctx, jujusim.Config{
		JujuVersion: version,
		Clock:       jujusim.NewFakeClock(time.Time{}),
		Speed:       jujusim.SpeedFast,
	})
	if err != nil {
		t.Fatalf("cannot start simulator: %v", err)
	}
	t.Cleanup(func() { srv.Close() })
	m, err := ConnectModel(ctx, Config{
		Addrs:        srv.APIAddresses(),
		CACert:       srv.CACert(),
		Username:     srv.AdminUser(),
		Password:     srv.AdminPassword(),
		ModelUUID:    srv.DefaultModelUUID(),
		PingInterval: -1,
	})
	if err != nil {
		t.Fatalf("ConnectModel: %v", err)
	}
	t.Cleanup(func() { m.Close() })
	return srv, m
}

func wtCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// wtDriver moves the simulator's fake clock by step every millisecond of
// real time until stopped.
type wtDriver struct {
	stopOnce sync.Once
	stopCh   chan struct{}
	done     chan struct{}
}

func wtDrive(t *testing.T, srv *jujusim.Server, step time.Duration) *wtDriver {
	t.Helper()
	d := &wtDriver{stopCh: make(chan struct{}), done: make(chan struct{})}
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

func (d *wtDriver) stop() {
	d.stopOnce.Do(func() { close(d.stopCh) })
	<-d.done
}

func wtSeed(t *testing.T, srv *jujusim.Server, apps map[string]int) {
	t.Helper()
	if err := srv.Seed(srv.DefaultModelUUID(), apps); err != nil {
		t.Fatalf("Seed: %v", err)
	}
}

// wtSettle drives the clock until the model is idle.
func wtSettle(t *testing.T, srv *jujusim.Server, m *Model, opts *WaitForIdleOptions) *Status {
	t.Helper()
	d := wtDrive(t, srv, time.Second)
	defer d.stop()
	var o WaitForIdleOptions
	if opts != nil {
		o = *opts
	}
	if o.Interval == 0 {
		o.Interval = wtTestPoll
	}
	s, err := m.WaitForIdle(wtCtx(t), &o)
	if err != nil {
		t.Fatalf("WaitForIdle: %v", err)
	}
	return s
}

func wtCheckSettled(t *testing.T, s *Status, apps ...string) {
	t.Helper()
	for _, app := range apps {
		units := s.Units(app)
		if len(units) == 0 {
			t.Errorf("%s has no units in the final snapshot", app)
		}
		for _, u := range units {
			if u.AgentStatus.Current != "idle" || s.IdleFor(u.Name) < DefaultIdlePeriod {
				t.Errorf("%s: agent %s, idle for %v at the end of the wait", u.Name, u.AgentStatus, s.IdleFor(u.Name))
			}
		}
	}
}

func wtForVersions(t *testing.T, f func(t *testing.T, version string)) {
	for _, v := range wtSimVersions {
		t.Run("juju-"+v, func(t *testing.T) { f(t, v) })
	}
}

func TestSimWaitForIdleSettles(t *testing.T) {
	wtForVersions(t, func(t *testing.T, version string) {
		srv, m := wtSim(t, version)
		wtSeed(t, srv, map[string]int{"pg": 2, "web": 1})
		var busySeen bool
		s := wtSettle(t, srv, m, &WaitForIdleOptions{Status: "active", Progress: func(p WaitProgress) {
			busySeen = busySeen || len(p.Busy) > 0
		}})
		if !busySeen {
			t.Error("the wait never saw the model busy: it was not exercised")
		}
		wtCheckSettled(t, s, "pg", "web")
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
		if _, err := m.WaitForIdle(wtCtx(t), &WaitForIdleOptions{Interval: wtTestPoll, Progress: func(WaitProgress) { polls++ }}); err != nil {
			t.Fatal(err)
		}
		if polls != 1 {
			t.Errorf("a settled model took %d snapshots, want 1", polls)
		}
	})
}

func TestSimWaitForIdleSlowUnit(t *testing.T) {
	wtForVersions(t, func(t *testing.T, version string) {
		srv, m := wtSim(t, version)
		srv.SetBehaviour(srv.DefaultModelUUID(), "slow", jujusim.Behaviour{MaintenanceFor: time.Minute, Message: "ready"})
		wtSeed(t, srv, map[string]int{"quick": 1, "slow": 1})
		var sawMaintenance bool
		var quickReadyWhileSlowBusy bool
		s := wtSettle(t, srv, m, &WaitForIdleOptions{Status: "active", Progress: func(p WaitProgress) {
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
		wtCheckSettled(t, s, "quick", "slow")
	})
}

func TestSimWaitBlocked(t *testing.T) {
	wtForVersions(t, func(t *testing.T, version string) {
		srv, m := wtSim(t, version)
		srv.SetBehaviour(srv.DefaultModelUUID(), "b", jujusim.Behaviour{Status: "blocked", Message: "needs a database"})
		wtSeed(t, srv, map[string]int{"b": 1})
		d := wtDrive(t, srv, time.Second)
		ctx := wtCtx(t)
		_, err := m.WaitForIdle(ctx, &WaitForIdleOptions{RaiseOnBlocked: true, Interval: wtTestPoll})
		var we *WaitError
		if !errors.Is(err, ErrStatusBlocked) || !errors.As(err, &we) {
			t.Fatalf("WaitForIdle = %v, want ErrStatusBlocked", err)
		}
		if len(we.Failed) != 1 || !strings.HasPrefix(we.Failed[0], "b/0: workload blocked since ") || !strings.HasSuffix(we.Failed[0], "(needs a database)") {
			t.Errorf("failed = %q", we.Failed)
		}
		if !strings.Contains(err.Error(), "cannot wait for model \"admin/default\" to be idle: blocked status; failed: b/0: workload blocked") {
			t.Errorf("error = %q", err)
		}

		// Waiting for blocked works too.
		if _, err := m.Wait(ctx, All(AllBlocked("b"), AllAgentsIdle("b")), &WaitOptions{Interval: wtTestPoll, Error: AnyError()}); err != nil {
			t.Fatalf("Wait(AllBlocked) = %v", err)
		}
		d.stop()
	})
}

func TestSimWaitHookErrorThenRecovery(t *testing.T) {
	wtForVersions(t, func(t *testing.T, version string) {
		srv, m := wtSim(t, version)
		srv.SetBehaviour(srv.DefaultModelUUID(), "h", jujusim.Behaviour{FailHook: "install"})
		wtSeed(t, srv, map[string]int{"h": 1})
		wtDrive(t, srv, time.Second)
		ctx := wtCtx(t)

		// By default an error fails the wait at once.
		_, err := m.WaitForIdle(ctx, &WaitForIdleOptions{Interval: wtTestPoll})
		var we *WaitError
		if !errors.Is(err, ErrStatusError) || !errors.As(err, &we) {
			t.Fatalf("WaitForIdle = %v, want ErrStatusError", err)
		}
		if len(we.Failed) != 1 || !strings.Contains(we.Failed[0], `h/0: workload error since `) || !strings.Contains(we.Failed[0], `install`) {
			t.Errorf("failed = %q", we.Failed)
		}
		if we.Last == nil || we.Last.Unit("h/0").WorkloadStatus.Current != "error" {
			t.Error("the last snapshot does not show the error")
		}

		// With a grace period, the error is tolerated while it is resolved.
		resolved := false
		s, err := m.WaitForIdle(ctx, &WaitForIdleOptions{Interval: wtTestPoll, ErrorGrace: time.Hour, Progress: func(p WaitProgress) {
			if resolved || !slices.ContainsFunc(p.Busy, func(b string) bool { return strings.Contains(b, "tolerated") }) {
				return
			}
			resolved = true
			conn, err := m.conn(ctx)
			if err != nil {
				t.Errorf("conn: %v", err)
				return
			}
			res, err := facades.NewApplicationClient(conn).ResolveUnitErrors(ctx, facades.UnitsResolved{
				Tags: &facades.Entities{Entities: []facades.Entity{{Tag: "unit-h-0"}}},
			})
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
		wtCheckSettled(t, s, "h")
	})
}

func TestSimWaitFlapping(t *testing.T) {
	wtForVersions(t, func(t *testing.T, version string) {
		srv, m := wtSim(t, version)
		srv.SetBehaviour(srv.DefaultModelUUID(), "f", jujusim.Behaviour{Flap: 5 * time.Second})
		wtSeed(t, srv, map[string]int{"f": 1})
		d := wtDrive(t, srv, time.Second)
		ctx, cancel := context.WithCancel(wtCtx(t))
		defer cancel()
		var start time.Time
		var sawFlap bool
		_, err := m.WaitForIdle(ctx, &WaitForIdleOptions{Status: "active", Interval: wtTestPoll, Timeout: -1, Progress: func(p WaitProgress) {
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
	wtForVersions(t, func(t *testing.T, version string) {
		srv, m := wtSim(t, version)
		wtSeed(t, srv, map[string]int{"pg": 3})
		wtSettle(t, srv, m, nil)

		ctx := wtCtx(t)
		conn, err := m.conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		res, err := facades.NewApplicationClient(conn).DestroyUnit(ctx, facades.DestroyUnitsParams{
			Units: []facades.DestroyUnitParams{{UnitTag: "unit-pg-2"}},
		})
		if err != nil || len(res.Results) != 1 || res.Results[0].Error != nil {
			t.Fatalf("DestroyUnit = %+v, %v", res, err)
		}
		m.changed("pg") // what the Model's own remove-unit does

		var first []string
		s := wtSettle(t, srv, m, &WaitForIdleOptions{Apps: []string{"pg"}, ExactUnits: 2, Progress: func(p WaitProgress) {
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
		wtCheckSettled(t, s, "pg")
	})
}

func TestSimWaitRightAfterDeploy(t *testing.T) {
	wtForVersions(t, func(t *testing.T, version string) {
		srv, m := wtSim(t, version)
		ctx := wtCtx(t)
		conn, err := m.conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n := 2
		if version == jujusim.Juju36 {
			res, err := facades.NewApplicationClient(conn).DeployFromRepositoryJuju36(ctx, facades.DeployFromRepositoryArgsJuju36{
				Args: []facades.DeployFromRepositoryArgJuju36{{ApplicationName: "blog", CharmName: "wordpress", NumUnits: &n}},
			})
			if err != nil || len(res.Results) != 1 || len(res.Results[0].Errors) != 0 {
				t.Fatalf("DeployFromRepository = %+v, %v", res, err)
			}
		} else {
			res, err := facades.NewApplicationClient(conn).DeployFromRepository(ctx, facades.DeployFromRepositoryArgs{
				Args: []facades.DeployFromRepositoryArg{{ApplicationName: "blog", CharmName: "wordpress", NumUnits: &n}},
			})
			if err != nil || len(res.Results) != 1 || len(res.Results[0].Errors) != 0 {
				t.Fatalf("DeployFromRepository = %+v, %v", res, err)
			}
		}
		m.changed("blog")

		var first []string
		s := wtSettle(t, srv, m, &WaitForIdleOptions{Apps: []string{"blog"}, Status: "active", Progress: func(p WaitProgress) {
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
		wtCheckSettled(t, s, "blog")
	})
}

func TestSimWaitGuardAfterConfigChange(t *testing.T) {
	wtForVersions(t, func(t *testing.T, version string) {
		srv, m := wtSim(t, version)
		wtSeed(t, srv, map[string]int{"wordpress": 1})
		wtSettle(t, srv, m, nil)

		// A change through the same client, then a wait at once, with the
		// clock still: the state from before the change must not pass.
		ctx := wtCtx(t)
		conn, err := m.conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		res, err := facades.NewApplicationClient(conn).SetConfigs(ctx, facades.ConfigSetArgs{
			Args: []facades.ConfigSet{{Application: "wordpress", Config: map[string]string{"blog-name": "changed"}}},
		})
		if err != nil || len(res.Results) != 1 || res.Results[0].Error != nil {
			t.Fatalf("SetConfigs = %+v, %v", res, err)
		}
		m.changed("wordpress") // what the Model's own config set does

		var d *wtDriver
		polls := 0
		var first []string
		s, err := m.WaitForIdle(ctx, &WaitForIdleOptions{Interval: wtTestPoll, Progress: func(p WaitProgress) {
			polls++
			if polls == 1 {
				first = p.Busy
				d = wtDrive(t, srv, time.Second)
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
		wtCheckSettled(t, s, "wordpress")
	})
}

func TestSimWaitSubordinates(t *testing.T) {
	wtForVersions(t, func(t *testing.T, version string) {
		srv, m := wtSim(t, version)
		wtSeed(t, srv, map[string]int{"ubuntu": 2, "ntp": 0})
		wtSettle(t, srv, m, &WaitForIdleOptions{Apps: []string{"ubuntu"}})
		ctx := wtCtx(t)
		conn, err := m.conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		res, err := facades.NewApplicationClient(conn).AddRelation(ctx, facades.AddRelation{Endpoints: []string{"ntp:juju-info", "ubuntu:juju-info"}})
		if err != nil {
			t.Fatalf("AddRelation = %+v, %v", res, err)
		}
		m.changed("ntp", "ubuntu")

		s := wtSettle(t, srv, m, &WaitForIdleOptions{Apps: []string{"ntp"}, ExactUnits: 2})
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
		wtCheckSettled(t, s, "ntp")
	})
}

func TestSimWaitAppStatusUnknown(t *testing.T) {
	wtForVersions(t, func(t *testing.T, version string) {
		srv, m := wtSim(t, version)
		srv.SetBehaviour(srv.DefaultModelUUID(), "u", jujusim.Behaviour{AppStatus: "unknown"})
		wtSeed(t, srv, map[string]int{"u": 2})
		s := wtSettle(t, srv, m, &WaitForIdleOptions{Status: "active"})
		a := s.Applications["u"]
		if a.Status.Current != "unknown" {
			t.Fatalf("application status %q: the simulator did not reproduce Juju 4's underived status", a.Status.Current)
		}
		if eff := a.EffectiveStatus(); eff.Current != "active" {
			t.Errorf("effective status %q, want active", eff.Current)
		}
		if ok, why := AllActive("u")(s); !ok {
			t.Errorf("AllActive(u) = false: %q", why)
		}
	})
}

func TestSimWaitRidesThroughDropAndRestart(t *testing.T) {
	wtForVersions(t, func(t *testing.T, version string) {
		srv, m := wtSim(t, version)
		srv.SetBehaviour(srv.DefaultModelUUID(), "pg", jujusim.Behaviour{MaintenanceFor: time.Minute})
		wtSeed(t, srv, map[string]int{"pg": 2})
		ctx := wtCtx(t)
		d := wtDrive(t, srv, time.Second)
		defer d.stop()
		polls := 0
		dropped, restarted := 0, false
		s, err := m.WaitForIdle(ctx, &WaitForIdleOptions{Status: "active", Interval: wtTestPoll, Progress: func(p WaitProgress) {
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
		wtCheckSettled(t, s, "pg")
	})
}

func TestSimWaitThousandUnits(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping a 1,000-unit model in -short mode")
	}
	wtForVersions(t, func(t *testing.T, version string) {
		srv, m := wtSim(t, version)
		apps := map[string]int{}
		for i := range 10 {
			apps[fmt.Sprintf("app%c", 'a'+i)] = 100
		}
		wtSeed(t, srv, apps)
		s := wtSettle(t, srv, m, &WaitForIdleOptions{Status: "active", Interval: 50 * time.Millisecond})
		if got := len(s.AllUnits()); got != 1000 {
			t.Errorf("units = %d, want 1000", got)
		}
		for name := range apps {
			wtCheckSettled(t, s, name)
		}
	})
}

func TestSimStatus(t *testing.T) {
	wtForVersions(t, func(t *testing.T, version string) {
		srv, m := wtSim(t, version)
		wtSeed(t, srv, map[string]int{"pg": 1, "web": 1})
		wtSettle(t, srv, m, nil)
		ctx := wtCtx(t)
		s, err := m.Status(ctx, &StatusOptions{Patterns: []string{"web"}})
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
	wtForVersions(t, func(t *testing.T, version string) {
		srv, m := wtSim(t, version)
		ctx := wtCtx(t)
		app, err := m.Deploy(ctx, "wordpress", &DeployOptions{NumUnits: 2})
		if err != nil {
			t.Fatalf("Deploy: %v", err)
		}
		s := wtSettle(t, srv, m, &WaitForIdleOptions{Apps: []string{"wordpress"}, Status: "active"})
		wtCheckSettled(t, s, "wordpress")

		// Long settled by now; change the config with the clock standing
		// still and wait at once.
		d := wtDrive(t, srv, time.Second)
		if _, err := m.WaitForIdle(ctx, &WaitForIdleOptions{Interval: wtTestPoll, IdlePeriod: 40 * time.Second}); err != nil {
			t.Fatal(err)
		}
		d.stop()
		if err := app.SetConfig(ctx, map[string]any{"blog-name": "guarded"}); err != nil {
			t.Fatalf("SetConfig: %v", err)
		}
		var first []string
		polls := 0
		var drv *wtDriver
		s, err = m.WaitForIdle(ctx, &WaitForIdleOptions{Interval: wtTestPoll, Progress: func(p WaitProgress) {
			if polls++; polls == 1 {
				first = p.Busy
				drv = wtDrive(t, srv, time.Second)
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
		wtCheckSettled(t, s, "wordpress")
	})
}
