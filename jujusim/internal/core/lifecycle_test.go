package core

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestDeployLocalLifecycle(t *testing.T) {
	s := newSim(t, Config{})
	m := s.c.DefaultModelUUID()
	ms := s.admin(m)
	purl := s.uploadLocal(m, providerMeta)
	curl := s.uploadLocal(m, consumerMeta)
	if purl != "local:rj-provider-0" || curl != "local:rj-consumer-0" {
		t.Fatalf("urls = %q %q", purl, curl)
	}
	info := s.mustCall(ms, "Charms", 7, "CharmInfo", map[string]any{"url": purl})
	if info["url"] != "local:amd64/rj-provider-0" || get(info, "meta", "provides", "db", "interface") != "rj-db" ||
		get(info, "meta", "provides", "juju-info", "role") != "provider" || get(info, "config", "workers", "default") != 1.0 ||
		get(info, "manifest", "bases", 0, "channel") != "22.04/stable" || get(info, "actions", "specs", "backup", "description") != "Take a backup." {
		t.Fatalf("CharmInfo = %v", info)
	}
	s.deployLocal(ms, purl, "rj-provider", 1)
	s.deployLocal(ms, curl, "rj-consumer", 1)
	add := s.mustCall(ms, "Application", 22, "AddUnits", map[string]any{"application": "rj-provider", "num-units": 1, "placement": nil})
	if get(add, "units", 0) != "rj-provider/1" {
		t.Fatalf("AddUnits = %v", add)
	}
	rel := s.mustCall(ms, "Application", 22, "AddRelation", map[string]any{"endpoints": []string{"rj-provider", "rj-consumer"}})
	if get(rel, "endpoints", "rj-consumer", "role") != "requirer" || get(rel, "endpoints", "rj-provider", "name") != "db" {
		t.Fatalf("AddRelation = %v", rel)
	}

	// Right after deploy: what the real server shows with no agents.
	st := s.status(ms)
	u0 := get(st, "applications", "rj-provider", "units", "rj-provider/0")
	if get(u0, "agent-status", "status") != "allocating" || get(u0, "workload-status", "status") != "waiting" ||
		get(u0, "workload-status", "info") != "waiting for machine" || get(u0, "machine") != "0" || get(u0, "agent-status", "version") != "" ||
		get(st, "machines", "0", "agent-status", "status") != "pending" || get(st, "machines", "0", "agent-status", "version") != "" {
		t.Fatalf("unit after deploy = %v", u0)
	}
	if get(st, "applications", "rj-provider", "status", "status") != "waiting" {
		t.Errorf("app status = %v", get(st, "applications", "rj-provider", "status"))
	}
	if get(st, "machines", "0", "agent-status", "status") != "pending" || get(st, "machines", "0", "instance-id") != "pending" ||
		get(st, "machines", "0", "constraints") != "arch=amd64" || get(st, "machines", "0", "base", "channel") != "22.04" {
		t.Errorf("machine after deploy = %v", get(st, "machines", "0"))
	}
	r0 := get(st, "relations", 0)
	if get(r0, "key") != "rj-consumer:db rj-provider:db" || get(r0, "status", "status") != "joining" || get(r0, "interface") != "rj-db" ||
		get(r0, "endpoints", 0, "role") != "requirer" {
		t.Errorf("relation = %v", r0)
	}
	if get(st, "applications", "rj-provider", "relations", "db", 0) != "rj-consumer" {
		t.Errorf("app relations = %v", get(st, "applications", "rj-provider", "relations"))
	}
	sinceDeploy := get(u0, "agent-status", "since")

	// Machines provision and start.
	f := Fast()
	s.advance(f.MachineProvision + f.MachineStart)
	st = s.status(ms)
	if get(st, "machines", "0", "agent-status", "status") != "started" || get(st, "machines", "0", "instance-status", "status") != "running" ||
		get(st, "machines", "0", "dns-name") == "" {
		t.Fatalf("machine after start = %v", get(st, "machines", "0"))
	}
	u0 = get(st, "applications", "rj-provider", "units", "rj-provider/0")
	if get(u0, "agent-status", "status") != "executing" || get(u0, "agent-status", "info") != "running install hook" ||
		get(u0, "workload-status", "status") != "maintenance" || get(u0, "public-address") == "" {
		t.Fatalf("unit installing = %v", u0)
	}
	if get(u0, "agent-status", "since") == sinceDeploy {
		t.Errorf("since did not change")
	}

	// Everything settles.
	s.advance(5 * time.Second)
	st = s.status(ms)
	for _, app := range []string{"rj-provider", "rj-consumer"} {
		a := get(st, "applications", app)
		if get(a, "status", "status") != "active" {
			t.Errorf("%s status = %v", app, get(a, "status"))
		}
		for name, u := range get(a, "units").(map[string]any) {
			if get(u, "agent-status", "status") != "idle" || get(u, "workload-status", "status") != "active" {
				t.Errorf("%s = agent %v workload %v", name, get(u, "agent-status"), get(u, "workload-status"))
			}
			// A running agent reports its version, the controller's.
			if get(u, "agent-status", "version") != s.c.version {
				t.Errorf("%s agent version = %v, want %q", name, get(u, "agent-status", "version"), s.c.version)
			}
		}
	}
	for id, mc := range get(st, "machines").(map[string]any) {
		if get(mc, "agent-status", "status") != "started" || get(mc, "agent-status", "version") != s.c.version {
			t.Errorf("machine %s agent = %v, want started with version %q", id, get(mc, "agent-status"), s.c.version)
		}
	}
	if get(st, "applications", "rj-provider", "units", "rj-provider/0", "leader") != true ||
		get(st, "applications", "rj-provider", "units", "rj-provider/1", "leader") != nil {
		t.Errorf("leader flags wrong: %v", get(st, "applications", "rj-provider", "units"))
	}
	if get(st, "relations", 0, "status", "status") != "joined" {
		t.Errorf("relation = %v", get(st, "relations", 0, "status"))
	}
	ts, err := time.Parse(time.RFC3339Nano, get(st, "controller-timestamp").(string))
	if err != nil || !ts.Equal(s.clock.Now()) {
		t.Errorf("controller-timestamp = %v (%v), want %v", ts, err, s.clock.Now())
	}
	leader := s.mustCall(ms, "Application", 22, "Leader", map[string]any{"tag": "application-rj-provider"})
	if leader["result"] != "rj-provider/0" {
		t.Errorf("Leader = %v", leader)
	}

	// Config: set, get (typed), unset.
	res := s.mustCall(ms, "Application", 22, "SetConfigs", map[string]any{"Args": []any{map[string]any{"application": "rj-provider", "config": map[string]string{"greeting": "bonjour", "workers": "3"}, "config-yaml": "", "generation": ""}}})
	if get(res, "results", 0, "error") != nil {
		t.Fatal(res)
	}
	cfg := s.mustCall(ms, "Application", 22, "Get", map[string]any{"application": "rj-provider", "branch": ""})
	if get(cfg, "config", "workers", "value") != 3.0 || get(cfg, "config", "workers", "source") != "user" ||
		get(cfg, "config", "greeting", "value") != "bonjour" || get(cfg, "constraints", "arch") != "amd64" ||
		get(cfg, "base", "channel") != "22.04" || get(cfg, "endpoint-bindings", "db") != "alpha" || get(cfg, "application-config", "trust", "value") != false {
		t.Errorf("Get = %v", cfg)
	}
	res = s.mustCall(ms, "Application", 22, "SetConfigs", map[string]any{"Args": []any{map[string]any{"application": "rj-provider", "config": map[string]string{"workers": "many"}}}})
	if get(res, "results", 0, "error", "code") != CodeNotValid {
		t.Errorf("bad int: %v", res)
	}
	s.mustCall(ms, "Application", 22, "UnsetApplicationsConfig", map[string]any{"Args": []any{map[string]any{"application": "rj-provider", "branch": "", "options": []string{"workers"}}}})
	cfg = s.mustCall(ms, "Application", 22, "Get", map[string]any{"application": "rj-provider", "branch": ""})
	if get(cfg, "config", "workers", "source") != "default" || get(cfg, "config", "workers", "value") != 1.0 {
		t.Errorf("after unset = %v", get(cfg, "config", "workers"))
	}

	// Errors as the real server gives them.
	_, err = s.call(ms, "Application", 22, "Get", map[string]any{"application": "no-such-app", "branch": ""})
	wantErr(t, err, CodeNotFound, "application no-such-app not found")
	_, err = s.call(ms, "Application", 22, "AddUnits", map[string]any{"application": "no-such-app", "num-units": 1, "placement": nil})
	wantErr(t, err, CodeNotFound, `application "no-such-app" not found`)
	// The real 4.0.15 server sends these two without a code (seen by
	// internal/realjuju/apisuite).
	res = s.mustCall(ms, "Application", 22, "Deploy", map[string]any{"applications": []any{map[string]any{"application": "rj-provider", "charm-url": purl, "num-units": 1}}})
	if get(res, "results", 0, "error", "code") != "" || !strings.HasSuffix(get(res, "results", 0, "error", "message").(string), `checking if application "rj-provider" exists: application already exists`) {
		t.Errorf("duplicate deploy: %v", res)
	}
	_, err = s.call(ms, "Application", 22, "AddRelation", map[string]any{"endpoints": []string{"rj-provider", "rj-consumer"}})
	wantErr(t, err, "", `adding relation between endpoints "rj-provider" and "rj-consumer": cannot add relation "rj-provider", "rj-consumer": relation rj-consumer:db rj-provider:db: already exists`)

	// Removal: dying, then gone, machine too.
	dr := s.mustCall(ms, "Application", 22, "DestroyApplication", map[string]any{"applications": []any{map[string]any{"application-tag": "application-rj-consumer", "force": false}}})
	if get(dr, "results", 0, "info", "destroyed-units", 0, "tag") != "unit-rj-consumer-0" {
		t.Fatalf("DestroyApplication = %v", dr)
	}
	st = s.status(ms)
	if get(st, "applications", "rj-consumer", "life") != "dying" {
		t.Errorf("app life = %v", get(st, "applications", "rj-consumer", "life"))
	}
	s.advance(2 * time.Second)
	st = s.status(ms)
	if get(st, "applications", "rj-consumer") != nil || get(st, "machines", "1") != nil || get(st, "relations") != nil {
		t.Errorf("after removal: apps=%v machines=%v relations=%v", get(st, "applications"), len(get(st, "machines").(map[string]any)), get(st, "relations"))
	}
	du := s.mustCall(ms, "Application", 22, "DestroyUnit", map[string]any{"units": []any{map[string]any{"unit-tag": "unit-rj-provider-0"}, map[string]any{"unit-tag": "unit-rj-provider-9"}}})
	if get(du, "results", 1, "error", "code") != CodeNotFound {
		t.Errorf("DestroyUnit = %v", du)
	}
	s.advance(2 * time.Second)
	st = s.status(ms)
	units := get(st, "applications", "rj-provider", "units").(map[string]any)
	if len(units) != 1 || get(units, "rj-provider/1", "leader") != true {
		t.Errorf("after unit removal, units = %v", units)
	}
}

func TestDeployFromRepository(t *testing.T) {
	s := newSim(t, Config{})
	ms := s.admin(s.c.DefaultModelUUID())
	res := s.mustCall(ms, "Application", 22, "DeployFromRepository", map[string]any{"Args": []any{
		map[string]any{"CharmName": "postgresql", "ApplicationName": "pg", "num-units": 2, "base": map[string]any{"name": "ubuntu", "channel": "22.04"}, "series": "jammy"},
		map[string]any{"CharmName": "wordpress"},
		map[string]any{"CharmName": "postgresql", "ApplicationName": "pg"},
		map[string]any{"CharmName": "postgresql", "ApplicationName": "pg2", "base": map[string]any{"name": "ubuntu", "channel": "18.04"}},
		map[string]any{"CharmName": "ntp", "num-units": 3},
	}})
	r := get(res, "Results").([]any)
	if get(r[0], "Errors") != nil || get(r[0], "Info", "name") != "pg" || get(r[0], "Info", "channel") != "14/stable" || get(r[0], "Info", "revision") != 468.0 {
		t.Errorf("pg = %v", r[0])
	}
	if get(r[2], "Errors", 0, "code") != CodeAlreadyExists {
		t.Errorf("duplicate = %v", r[2])
	}
	if get(r[3], "Errors", 0, "code") != CodeIncompatibleBase {
		t.Errorf("bad base = %v", r[3])
	}
	s.advance(3 * time.Second)
	st := s.status(ms)
	pg := get(st, "applications", "pg")
	if get(pg, "charm") != "ch:amd64/postgresql-468" || get(pg, "charm-channel") != "14/stable" || get(pg, "charm-rev") != 468.0 ||
		len(get(pg, "units").(map[string]any)) != 2 || get(pg, "status", "status") != "active" {
		t.Errorf("pg status = %v", pg)
	}
	// Peer relation from the charm.
	foundPeer := false
	for _, rel := range get(st, "relations").([]any) {
		if get(rel, "key") == "pg:database-peers" && get(rel, "status", "status") == "joined" {
			foundPeer = true
		}
	}
	if !foundPeer {
		t.Errorf("no joined peer relation: %v", get(st, "relations"))
	}
	if get(st, "applications", "wordpress", "units", "wordpress/0") == nil {
		t.Errorf("wordpress unit missing")
	}
	// Subordinate: no units until related.
	if n := len(get(st, "applications", "ntp", "units").(map[string]any)); n != 0 {
		t.Errorf("ntp has %d units", n)
	}
	s.mustCall(ms, "Application", 22, "AddRelation", map[string]any{"endpoints": []string{"ntp", "wordpress"}})
	s.advance(3 * time.Second)
	st = s.status(ms)
	sub := get(st, "applications", "wordpress", "units", "wordpress/0", "subordinates", "ntp/0")
	if get(sub, "workload-status", "status") != "active" || get(sub, "agent-status", "status") != "idle" {
		t.Errorf("subordinate = %v", sub)
	}
	if get(st, "applications", "ntp", "subordinate-to", 0) != "wordpress" {
		t.Errorf("subordinate-to = %v", get(st, "applications", "ntp", "subordinate-to"))
	}
	_, err := s.call(ms, "Application", 22, "AddRelation", map[string]any{"endpoints": []string{"pg", "ntp:ntpmaster"}})
	if errCode(err) != CodeNotValid {
		t.Errorf("incompatible relation: %v", err)
	}
	// Patterns.
	st = s.status(ms, "pg/1")
	if len(get(st, "applications").(map[string]any)) != 1 || len(get(st, "applications", "pg", "units").(map[string]any)) != 1 ||
		len(get(st, "machines").(map[string]any)) != 1 {
		t.Errorf("pattern pg/1: apps=%v", get(st, "applications"))
	}
	st = s.status(ms, "wordpress")
	if get(st, "applications", "wordpress") == nil || get(st, "applications", "pg") != nil {
		t.Errorf("pattern wordpress: %v", get(st, "applications"))
	}
}

func TestInstantTiming(t *testing.T) {
	s := newSim(t, Config{Timing: Instant()})
	ms := s.admin(s.c.DefaultModelUUID())
	s.mustCall(ms, "Application", 22, "DeployFromRepository", map[string]any{"Args": []any{map[string]any{"CharmName": "mysql", "num-units": 3}}})
	st := s.status(ms)
	for name, u := range get(st, "applications", "mysql", "units").(map[string]any) {
		if get(u, "agent-status", "status") != "idle" || get(u, "workload-status", "status") != "active" {
			t.Errorf("%s not settled at once: %v %v", name, get(u, "agent-status"), get(u, "workload-status"))
		}
	}
}

func TestMachines(t *testing.T) {
	s := newSim(t, Config{})
	ms := s.admin(s.c.DefaultModelUUID())
	res := s.mustCall(ms, "MachineManager", 11, "AddMachines", map[string]any{"params": []any{
		map[string]any{"base": map[string]any{"name": "ubuntu", "channel": "24.04"}, "jobs": []string{"JobHostUnits"}},
		map[string]any{"placement": map[string]any{"scope": "lxd", "directive": "0"}, "jobs": []string{"JobHostUnits"}},
		map[string]any{"placement": map[string]any{"scope": "lxd", "directive": "7"}},
	}})
	if get(res, "machines", 0, "machine") != "0" || get(res, "machines", 1, "machine") != "0/lxd/0" || get(res, "machines", 2, "error", "code") != CodeNotFound {
		t.Fatalf("AddMachines = %v", res)
	}
	s.advance(2 * time.Second)
	st := s.status(ms)
	if get(st, "machines", "0", "containers", "0/lxd/0", "agent-status", "status") != "started" {
		t.Errorf("container = %v", get(st, "machines", "0", "containers"))
	}
	s.mustCall(ms, "Application", 22, "DeployFromRepository", map[string]any{"Args": []any{map[string]any{"CharmName": "ubuntu", "Placement": []any{map[string]any{"scope": "#", "directive": "0"}}}}})
	d := s.mustCall(ms, "MachineManager", 11, "DestroyMachineWithParams", map[string]any{"machine-tags": []string{"machine-0"}})
	if get(d, "results", 0, "error", "code") != CodeHasAssignedUnits {
		t.Errorf("destroy with units = %v", d)
	}
	d = s.mustCall(ms, "MachineManager", 11, "DestroyMachineWithParams", map[string]any{"machine-tags": []string{"machine-0"}, "force": true})
	if get(d, "results", 0, "info", "destroyed-units", 0, "tag") != "unit-ubuntu-0" || get(d, "results", 0, "info", "destroyed-containers", 0, "info", "machine-id") != "0/lxd/0" {
		t.Errorf("forced destroy = %v", d)
	}
	s.advance(3 * time.Second)
	st = s.status(ms)
	if len(get(st, "machines").(map[string]any)) != 0 || len(get(st, "applications", "ubuntu", "units").(map[string]any)) != 0 {
		t.Errorf("after destroy: machines=%v units=%v", get(st, "machines"), get(st, "applications", "ubuntu", "units"))
	}
}

// TestSinceKeptWhileStatusUnchanged checks that a hook that leaves the
// workload status as it was does not move its since timestamp, while the
// agent's (which ran the hook) moves.
func TestSinceKeptWhileStatusUnchanged(t *testing.T) {
	s := newSim(t, Config{})
	m := s.c.DefaultModelUUID()
	ms := s.admin(m)
	deployHub(s, ms, "ubuntu", "u", 1)
	s.advance(5 * time.Second)
	unit := func() any { return get(s.status(ms), "applications", "u", "units", "u/0") }
	before := unit()
	if get(before, "workload-status", "status") != "active" || get(before, "agent-status", "status") != "idle" {
		t.Fatalf("unit not settled: %v", before)
	}
	s.c.SetBehaviour(m, "u", Behaviour{}) // runs config-changed, workload stays active
	s.advance(5 * time.Second)
	after := unit()
	if get(after, "workload-status", "status") != "active" {
		t.Fatalf("workload = %v", get(after, "workload-status"))
	}
	if b, a := get(before, "workload-status", "since"), get(after, "workload-status", "since"); b != a {
		t.Errorf("workload since moved from %v to %v with an unchanged status", b, a)
	}
	if b, a := get(before, "agent-status", "since"), get(after, "agent-status", "since"); b == a {
		t.Errorf("agent since stayed %v although the agent ran a hook", b)
	}
}

// TestRelationJoinedOnceLeaderInScope checks that a relation is joined as
// soon as the leader of one of its applications has entered its scope, as
// on a real controller: a lone unit's peer relation, and a relation with an
// application that has no units yet.
func TestRelationJoinedOnceLeaderInScope(t *testing.T) {
	s := newSim(t, Config{})
	m := s.c.DefaultModelUUID()
	ms := s.admin(m)
	deployHub(s, ms, "mysql", "db", 1)
	deployHub(s, ms, "wordpress", "wp", 0)
	s.mustCall(ms, "Application", 22, "AddRelation", map[string]any{"endpoints": []string{"db:database", "wp:database"}})
	relStatus := func() map[string]any {
		out := map[string]any{}
		for _, r := range get(s.status(ms), "relations").([]any) {
			out[get(r, "key").(string)] = get(r, "status", "status")
		}
		return out
	}
	if diff := cmp.Diff(map[string]any{"db:database-peers": "joining", "wp:database db:database": "joining"}, relStatus()); diff != "" {
		t.Errorf("relations before any unit is up (-want +got):\n%s", diff)
	}
	s.advance(5 * time.Second)
	if diff := cmp.Diff(map[string]any{"db:database-peers": "joined", "wp:database db:database": "joined"}, relStatus()); diff != "" {
		t.Errorf("relations once db/0 is up (-want +got):\n%s", diff)
	}
}
