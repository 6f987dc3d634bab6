package core

import (
	"strconv"
	"testing"
	"time"
)

func deployHub(s *sim, sess *Session, charm, app string, units int) {
	s.t.Helper()
	res := s.mustCall(sess, "Application", 22, "DeployFromRepository", map[string]any{"Args": []any{map[string]any{"CharmName": charm, "ApplicationName": app, "num-units": units}}})
	if e := get(res, "Results", 0, "Errors"); e != nil {
		s.t.Fatalf("deploy %s: %v", app, e)
	}
}

func unitOf(st map[string]any, app, unit string) any {
	if u := get(st, "applications", app, "units", unit); u != nil {
		return u
	}
	return nil
}

func TestBehaviourBlocked(t *testing.T) {
	s := newSim(t, Config{})
	m := s.c.DefaultModelUUID()
	s.c.SetBehaviour(m, "pg", Behaviour{Status: "blocked", Message: "needs a relation"})
	ms := s.admin(m)
	deployHub(s, ms, "postgresql", "pg", 2)
	s.advance(5 * time.Second)
	st := s.status(ms)
	u := unitOf(st, "pg", "pg/1")
	if get(u, "workload-status", "status") != "blocked" || get(u, "workload-status", "info") != "needs a relation" || get(u, "agent-status", "status") != "idle" {
		t.Errorf("unit = %v", u)
	}
	if get(st, "applications", "pg", "status", "status") != "blocked" {
		t.Errorf("derived app status = %v", get(st, "applications", "pg", "status"))
	}
	// Changing the behaviour of a running application takes effect.
	s.c.SetBehaviour(m, "pg", Behaviour{})
	s.advance(time.Second)
	st = s.status(ms)
	if get(unitOf(st, "pg", "pg/1"), "workload-status", "status") != "active" {
		t.Errorf("after new behaviour = %v", unitOf(st, "pg", "pg/1"))
	}
}

func TestBehaviourFailHookAndResolve(t *testing.T) {
	for _, hook := range []string{"install", "config-changed", "start", "database-peers-relation-created"} {
		t.Run(hook, func(t *testing.T) {
			s := newSim(t, Config{})
			m := s.c.DefaultModelUUID()
			s.c.SetBehaviour(m, "pg", Behaviour{FailHook: hook})
			ms := s.admin(m)
			deployHub(s, ms, "postgresql", "pg", 1)
			s.advance(5 * time.Second)
			st := s.status(ms)
			u := unitOf(st, "pg", "pg/0")
			want := `hook failed: "` + hook + `"`
			if get(u, "workload-status", "status") != "error" || get(u, "workload-status", "info") != want ||
				get(u, "workload-status", "data", "hook") != hook || get(u, "agent-status", "status") != "idle" {
				t.Fatalf("unit = %v", u)
			}
			if get(st, "applications", "pg", "status", "status") != "error" {
				t.Errorf("app = %v", get(st, "applications", "pg", "status"))
			}
			// Stays in error while time passes.
			s.advance(time.Minute)
			if got := get(unitOf(s.status(ms), "pg", "pg/0"), "workload-status", "status"); got != "error" {
				t.Fatalf("recovered on its own: %v", got)
			}
			res := s.mustCall(ms, "Application", 22, "ResolveUnitErrors", map[string]any{"retry": true, "tags": map[string]any{"entities": []any{map[string]any{"tag": "unit-pg-0"}}}})
			if get(res, "results", 0, "error") != nil {
				t.Fatal(res)
			}
			s.advance(5 * time.Second)
			u = unitOf(s.status(ms), "pg", "pg/0")
			if get(u, "workload-status", "status") != "active" || get(u, "agent-status", "status") != "idle" {
				t.Errorf("after resolve = %v", u)
			}
			res = s.mustCall(ms, "Application", 22, "ResolveUnitErrors", map[string]any{"tags": map[string]any{"entities": []any{map[string]any{"tag": "unit-pg-0"}}}})
			if get(res, "results", 0, "error", "code") != CodeNotValid {
				t.Errorf("resolving a healthy unit: %v", res)
			}
		})
	}
}

func TestBehaviourMaintenanceFor(t *testing.T) {
	s := newSim(t, Config{})
	m := s.c.DefaultModelUUID()
	s.c.SetBehaviour(m, "app", Behaviour{MaintenanceFor: 30 * time.Second})
	ms := s.admin(m)
	deployHub(s, ms, "ubuntu", "app", 1)
	s.advance(10 * time.Second)
	if got := get(unitOf(s.status(ms), "app", "app/0"), "workload-status", "status"); got != "maintenance" {
		t.Fatalf("at 10s: %v", got)
	}
	s.advance(25 * time.Second)
	if got := get(unitOf(s.status(ms), "app", "app/0"), "workload-status", "status"); got != "active" {
		t.Fatalf("at 35s: %v", got)
	}
}

func TestBehaviourNeverSettle(t *testing.T) {
	s := newSim(t, Config{})
	m := s.c.DefaultModelUUID()
	s.c.SetBehaviour(m, "busy", Behaviour{NeverSettle: true})
	ms := s.admin(m)
	deployHub(s, ms, "ubuntu", "busy", 1)
	for i := 0; i < 5; i++ {
		s.advance(7 * time.Second)
		if got := get(unitOf(s.status(ms), "busy", "busy/0"), "agent-status", "status"); got != "executing" {
			t.Fatalf("agent idle at step %d: %v", i, got)
		}
	}
}

func TestBehaviourFlap(t *testing.T) {
	s := newSim(t, Config{Timing: Instant()})
	m := s.c.DefaultModelUUID()
	s.c.SetBehaviour(m, "flappy", Behaviour{Flap: 10 * time.Second})
	ms := s.admin(m)
	deployHub(s, ms, "ubuntu", "flappy", 1)
	seen := map[string]bool{}
	for i := 0; i < 6; i++ {
		s.advance(10 * time.Second)
		seen[get(unitOf(s.status(ms), "flappy", "flappy/0"), "workload-status", "status").(string)] = true
	}
	if !seen["active"] || !seen["maintenance"] {
		t.Errorf("statuses seen while flapping = %v", seen)
	}
}

func TestBehaviourAppStatus(t *testing.T) {
	s := newSim(t, Config{})
	m := s.c.DefaultModelUUID()
	s.c.SetBehaviour(m, "app", Behaviour{AppStatus: "unknown", WorkloadVersion: "1.2.3", OpenPorts: []string{"80/tcp"}})
	ms := s.admin(m)
	deployHub(s, ms, "ubuntu", "app", 1)
	s.advance(5 * time.Second)
	st := s.status(ms)
	if get(st, "applications", "app", "status", "status") != "unknown" || get(unitOf(st, "app", "app/0"), "workload-status", "status") != "active" {
		t.Errorf("charm-set app status = %v", get(st, "applications", "app", "status"))
	}
	if get(unitOf(st, "app", "app/0"), "opened-ports", 0) != "80/tcp" {
		t.Errorf("opened-ports = %v", get(unitOf(st, "app", "app/0"), "opened-ports"))
	}
	if get(st, "applications", "app", "workload-version") != "1.2.3" {
		t.Errorf("workload-version = %v", get(st, "applications", "app", "workload-version"))
	}
}

func TestBehaviourTimingOverride(t *testing.T) {
	s := newSim(t, Config{})
	m := s.c.DefaultModelUUID()
	slow := Realistic()
	s.c.SetBehaviour(m, "slow", Behaviour{Timing: &slow})
	ms := s.admin(m)
	deployHub(s, ms, "ubuntu", "slow", 1)
	deployHub(s, ms, "ubuntu", "quick", 1)
	s.advance(5 * time.Second)
	st := s.status(ms)
	if get(unitOf(st, "quick", "quick/0"), "workload-status", "status") != "active" {
		t.Errorf("quick not active")
	}
	if get(unitOf(st, "slow", "slow/0"), "workload-status", "status") == "active" {
		t.Errorf("slow already active")
	}
	s.advance(2 * time.Minute)
	if get(unitOf(s.status(ms), "slow", "slow/0"), "workload-status", "status") != "active" {
		t.Errorf("slow never settled")
	}
}

func TestUpdateStatusRuns(t *testing.T) {
	s := newSim(t, Config{})
	ms := s.admin(s.c.DefaultModelUUID())
	deployHub(s, ms, "ubuntu", "u", 1)
	s.advance(5 * time.Second)
	before := get(unitOf(s.status(ms), "u", "u/0"), "agent-status", "since")
	s.advance(Fast().UpdateStatusInterval + time.Second)
	after := get(unitOf(s.status(ms), "u", "u/0"), "agent-status", "since")
	if before == after {
		t.Errorf("agent since unchanged after the update-status interval: %v", after)
	}
	h := s.mustCall(ms, "Client", 8, "StatusHistory", map[string]any{"requests": []any{map[string]any{"historyKind": "juju-unit", "size": 50, "tag": "unit-u-0", "filter": map[string]any{"size": 50}}}})
	found := false
	for _, st := range get(h, "results", 0, "history", "statuses").([]any) {
		if get(st, "info") == "running update-status hook" {
			found = true
		}
	}
	if !found {
		t.Errorf("no update-status in history: %v", h)
	}
}

func TestDeterministic(t *testing.T) {
	run := func() string {
		s := newSim(t, Config{})
		m := s.c.DefaultModelUUID()
		s.c.SetBehaviour(m, "b", Behaviour{MaintenanceFor: 3 * time.Second})
		ms := s.admin(m)
		deployHub(s, ms, "mysql", "a", 3)
		deployHub(s, ms, "wordpress", "b", 2)
		s.mustCall(ms, "Application", 22, "AddRelation", map[string]any{"endpoints": []string{"a", "b:db"}})
		var trace string
		for i := 0; i < 40; i++ {
			s.advance(100 * time.Millisecond)
			st := s.status(ms)
			for _, app := range []string{"a", "b"} {
				units := get(st, "applications", app, "units").(map[string]any)
				for _, n := range []string{app + "/0", app + "/1", app + "/2"} {
					if u, ok := units[n]; ok {
						trace += n + ":" + get(u, "agent-status", "status").(string) + "/" + get(u, "agent-status", "since").(string) + "/" + get(u, "workload-status", "status").(string) + ";"
					}
				}
			}
		}
		return trace
	}
	first := run()
	for i := 0; i < 3; i++ {
		if run() != first {
			t.Fatal("two runs with the fake clock differ")
		}
	}
}

// TestNoTimerBuildUp checks that repeated config changes and flapping do
// not pile up scheduled steps.
func TestNoTimerBuildUp(t *testing.T) {
	s := newSim(t, Config{})
	m := s.c.DefaultModelUUID()
	s.c.SetBehaviour(m, "f", Behaviour{Flap: 2 * time.Second})
	ms := s.admin(m)
	deployHub(s, ms, "ubuntu", "u", 1)
	deployHub(s, ms, "ubuntu", "f", 1)
	s.advance(5 * time.Second)
	pending := func() int {
		s.c.mu.Lock()
		defer s.c.mu.Unlock()
		n := 0
		for _, e := range s.c.sched.q {
			if !e.cancelled {
				n++
			}
		}
		return n
	}
	base := pending()
	for i := 0; i < 20; i++ {
		s.mustCall(ms, "Application", 22, "SetConfigs", map[string]any{"Args": []any{map[string]any{"application": "u", "config": map[string]string{"hostname": "h" + strconv.Itoa(i)}}}})
		s.advance(3 * time.Second)
	}
	if got := pending(); got > base {
		t.Errorf("pending steps grew from %d to %d", base, got)
	}
}

// TestDyingUnitInErrorInstant: with instant timing, a unit in error blocks
// its removal (and its machine's) until resolved, without spinning.
func TestDyingUnitInErrorInstant(t *testing.T) {
	s := newSim(t, Config{Timing: Instant()})
	m := s.c.DefaultModelUUID()
	s.c.SetBehaviour(m, "bad", Behaviour{FailHook: "start"})
	ms := s.admin(m)
	deployHub(s, ms, "ubuntu", "bad", 1)
	s.mustCall(ms, "Application", 22, "DestroyApplication", map[string]any{"applications": []any{map[string]any{"application-tag": "application-bad"}}})
	s.advance(time.Minute)
	st := s.status(ms)
	if get(st, "applications", "bad", "life") != "dying" || get(st, "machines", "0", "agent-status", "life") != "dying" {
		t.Fatalf("dying app in error: %v / %v", get(st, "applications", "bad"), get(st, "machines"))
	}
	s.mustCall(ms, "Application", 22, "ResolveUnitErrors", map[string]any{"all": true})
	st = s.status(ms)
	if len(get(st, "applications").(map[string]any)) != 0 || len(get(st, "machines").(map[string]any)) != 0 {
		t.Errorf("after resolve: %v / %v", get(st, "applications"), get(st, "machines"))
	}
}
