package core

import (
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func sortedKeys(v any) []string {
	m, _ := v.(map[string]any)
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestFullStatusPatternsSubordinatesAndMachines checks that a unit pattern
// brings its subordinates along and that a machine pattern selects the
// units on that machine.
func TestFullStatusPatternsSubordinatesAndMachines(t *testing.T) {
	s := newSim(t, Config{})
	m := s.c.DefaultModelUUID()
	if err := s.c.Seed(m, map[string]int{"ubuntu": 2, "ntp": 0}); err != nil {
		t.Fatal(err)
	}
	ms := s.admin(m)
	s.mustCall(ms, "Application", 20, "AddRelation", map[string]any{"endpoints": []string{"ntp:juju-info", "ubuntu:juju-info"}})
	s.advance(5 * time.Second)

	for _, c := range []struct {
		pattern            string
		apps, units, machs []string
		subsOf             string
		subs               []string
	}{
		{pattern: "ubuntu/0", apps: []string{"ntp", "ubuntu"}, units: []string{"ubuntu/0"}, machs: []string{"0"}, subsOf: "ubuntu/0", subs: []string{"ntp/0"}},
		{pattern: "1", apps: []string{"ntp", "ubuntu"}, units: []string{"ubuntu/1"}, machs: []string{"1"}, subsOf: "ubuntu/1", subs: []string{"ntp/1"}},
	} {
		st := s.status(ms, c.pattern)
		if diff := cmp.Diff(c.apps, sortedKeys(get(st, "applications"))); diff != "" {
			t.Errorf("pattern %q: applications (-want +got):\n%s", c.pattern, diff)
		}
		if diff := cmp.Diff(c.units, sortedKeys(get(st, "applications", "ubuntu", "units"))); diff != "" {
			t.Errorf("pattern %q: ubuntu units (-want +got):\n%s", c.pattern, diff)
		}
		if diff := cmp.Diff(c.machs, sortedKeys(get(st, "machines"))); diff != "" {
			t.Errorf("pattern %q: machines (-want +got):\n%s", c.pattern, diff)
		}
		subs := sortedKeys(get(st, "applications", "ubuntu", "units", c.subsOf, "subordinates"))
		if diff := cmp.Diff(c.subs, subs); diff != "" {
			t.Errorf("pattern %q: subordinates of %s (-want +got):\n%s", c.pattern, c.subsOf, diff)
		}
	}
}

// TestModelDestroyWaitsForMachines checks that a model being destroyed
// stays (dying) while it still has machines, and goes once they are gone.
func TestModelDestroyWaitsForMachines(t *testing.T) {
	s := newSim(t, Config{Timing: Timing{MachineProvision: time.Second, MachineStart: time.Second, Removal: 10 * time.Second, ModelDestroy: time.Second}})
	m := s.c.DefaultModelUUID()
	ms := s.admin(m)
	s.mustCall(ms, "MachineManager", 11, "AddMachines", map[string]any{"params": []map[string]any{{"base": map[string]any{"name": "ubuntu", "channel": "22.04"}, "jobs": []string{"JobHostUnits"}}}})
	s.advance(5 * time.Second)
	cs := s.admin("")
	s.mustCall(cs, "ModelManager", 10, "DestroyModels", map[string]any{"models": []map[string]any{{"model-tag": "model-" + m}}})
	s.advance(5 * time.Second) // past ModelDestroy, not yet past the machine's Removal
	if !s.c.modelExists(m) {
		t.Fatalf("model went before its machine did")
	}
	s.advance(20 * time.Second)
	if s.c.modelExists(m) {
		t.Fatalf("model still there after its machine went")
	}
}

func (c *Controller) modelExists(uuid string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.models[uuid]
	return ok
}

// TestWatcherStopOtherSession checks that a session cannot stop another
// session's watcher.
func TestWatcherStopOtherSession(t *testing.T) {
	s := newSim(t, Config{})
	m := s.c.DefaultModelUUID()
	a, b := s.admin(m), s.admin(m)
	deployHub(s, a, "postgresql", "pg", 1)
	s.advance(5 * time.Second)
	enq := s.mustCall(a, "Action", 7, "EnqueueOperation", map[string]any{"actions": []any{
		map[string]any{"receiver": "pg/0", "name": "get-password", "parameters": map[string]any{}}}})
	tag, _ := get(enq, "actions", 0, "action", "tag").(string)
	res := s.mustCall(a, "Action", 7, "WatchActionsProgress", map[string]any{"entities": []map[string]any{{"tag": tag}}})
	id, _ := get(res, "results", 0, "watcher-id").(string)
	if id == "" {
		t.Fatalf("no watcher id in %v", res)
	}
	_, err := s.callID(b, "StringsWatcher", 1, "Stop", id, nil)
	wantErr(t, err, CodeNotFound, "")
	if _, err := s.callID(a, "StringsWatcher", 1, "Stop", id, nil); err != nil {
		t.Fatalf("owner cannot stop its watcher: %v", err)
	}
}

// TestSecretsNeedWriteAccess checks that a user with read access to the
// model can list secrets but not change them, reveal them or their grants.
func TestSecretsNeedWriteAccess(t *testing.T) {
	s := newSim(t, Config{})
	m := s.c.DefaultModelUUID()
	ms := s.admin(m)
	deployHub(s, ms, "ubuntu", "app", 1)
	s.mustCall(ms, "Secrets", 2, "CreateSecrets", map[string]any{"args": []any{
		map[string]any{"content": map[string]any{"data": map[string]string{"k": "dg=="}}, "label": "s1"}}})
	if err := s.c.AddUser("bob", "pw", Grant{ModelUUID: m, Access: "read"}); err != nil {
		t.Fatal(err)
	}
	bob, _, err := s.login(m, "bob", "pw")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.call(bob, "Secrets", 2, "ListSecrets", map[string]any{"filter": map[string]any{}}); err != nil {
		t.Errorf("reader ListSecrets: %v", err)
	}
	for _, c := range []struct {
		method string
		params map[string]any
	}{
		{"ListSecrets", map[string]any{"filter": map[string]any{}, "show-secrets": true}},
		{"CreateSecrets", map[string]any{"args": []any{map[string]any{"content": map[string]any{"data": map[string]string{"k": "dg=="}}, "label": "s2"}}}},
		{"UpdateSecrets", map[string]any{"args": []any{map[string]any{"existing-label": "s1", "content": map[string]any{"data": map[string]string{"k": "dw=="}}}}}},
		{"RemoveSecrets", map[string]any{"args": []any{map[string]any{"label": "s1"}}}},
		{"GrantSecret", map[string]any{"applications": []string{"app"}, "label": "s1"}},
		{"RevokeSecret", map[string]any{"applications": []string{"app"}, "label": "s1"}},
	} {
		_, err := s.call(bob, "Secrets", 2, c.method, c.params)
		if errCode(err) != CodeUnauthorized {
			t.Errorf("reader %s: error %v, want %q", c.method, err, CodeUnauthorized)
		}
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
