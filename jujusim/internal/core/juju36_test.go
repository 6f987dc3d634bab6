package core

import (
	"context"
	"encoding/json"
	"testing"
	"time"
)

func TestJuju36Mode(t *testing.T) {
	s := newSim(t, Config{JujuVersion: "3.6.28"})
	m := s.c.DefaultModelUUID()
	ms := s.admin(m)
	cs := s.admin("")
	// ModelManager v10 shapes.
	info := s.mustCall(cs, "ModelManager", 10, "CreateModel", map[string]any{"name": "m36", "owner-tag": "user-admin"})
	if info["owner-tag"] != "user-admin" || info["agent-version"] != "3.6.28" {
		t.Errorf("CreateModel v10 = %v", info)
	}
	_, err := s.call(cs, "ModelManager", 11, "CreateModel", map[string]any{"name": "x", "qualifier": "admin"})
	wantErr(t, err, CodeNotImplemented, `unknown version (11) of interface "ModelManager"`) // as the 3.6.28 binaries word it
	// 3.6 has EnableHA: refused as not supported (once "not implemented",
	// which the juju CLI reports as an incompatible client).
	_, err = s.call(cs, "HighAvailability", 2, "EnableHA", map[string]any{"specs": []any{map[string]any{"num-controllers": 3}}})
	wantErr(t, err, CodeNotSupported, "enable-ha is not supported")
	_, err = s.call(ms, "Application", 20, "Get", map[string]any{"application": "nosuch"})
	wantErr(t, err, CodeNotFound, `application "nosuch" not found`) // 4.0.15 leaves the quotes out

	w := s.mustCall(ms, "Client", 8, "WatchAll", nil)
	wid, _ := w["watcher-id"].(string)
	if wid == "" {
		t.Fatalf("WatchAll = %v", w)
	}
	next := func() []any {
		t.Helper()
		res, err := s.callID(ms, "AllWatcher", 3, "Next", wid, nil)
		if err != nil {
			t.Fatal(err)
		}
		d, _ := res["deltas"].([]any)
		return d
	}
	first := next()
	if len(first) != 1 || get(first, 0, 0) != "model" || get(first, 0, 1) != "change" || get(first, 0, 2, "name") != "default" {
		t.Fatalf("first Next = %v", first)
	}
	deployHub(s, ms, "ubuntu", "u", 1)
	d := next()
	kinds := map[string]bool{}
	for _, x := range d {
		kinds[get(x, 0).(string)] = true
	}
	if !kinds["application"] || !kinds["unit"] || !kinds["machine"] {
		t.Errorf("deltas after deploy = %v", kinds)
	}
	s.advance(5 * time.Second)
	var unitDoc any
	for _, x := range next() {
		if get(x, 0) == "unit" {
			unitDoc = get(x, 2)
		}
	}
	if get(unitDoc, "workload-status", "current") != "active" || get(unitDoc, "agent-status", "current") != "idle" || get(unitDoc, "machine-id") != "0" {
		t.Errorf("unit delta = %v", unitDoc)
	}
	st := s.status(ms)
	if _, ok := get(st, "model").(map[string]any)["sla"]; !ok {
		t.Errorf("3.6 FullStatus model has no sla: %v", get(st, "model"))
	}
	if _, ok := get(st, "applications", "u").(map[string]any)["meter-statuses"]; !ok {
		t.Errorf("3.6 application status has no meter-statuses")
	}
	s.mustCall(ms, "Application", 20, "DestroyApplication", map[string]any{"applications": []any{map[string]any{"application-tag": "application-u"}}})
	s.advance(5 * time.Second)
	removed := map[string]bool{}
	for _, x := range next() {
		if get(x, 1) == "remove" {
			removed[get(x, 0).(string)] = true
		}
	}
	if !removed["unit"] || !removed["application"] || !removed["machine"] {
		t.Errorf("remove deltas = %v", removed)
	}
	// Stop unblocks a waiting Next.
	errc := make(chan error, 1)
	go func() {
		_, err := s.c.Call(context.Background(), ms, "AllWatcher", 3, "Next", wid, json.RawMessage(`{}`))
		errc <- err
	}()
	s.mustCallID(ms, "AllWatcher", 3, "Stop", wid)
	if err := <-errc; errCode(err) != CodeStopped && errCode(err) != CodeNotFound {
		t.Errorf("Next after Stop: %v", err)
	}
	// Secrets use the generic not-found code on 3.6.
	res := s.mustCall(ms, "Secrets", 2, "RemoveSecrets", map[string]any{"args": []any{map[string]any{"label": "nope"}}})
	if get(res, "results", 0, "error", "code") != CodeNotFound {
		t.Errorf("3.6 secret not found = %v", res)
	}
}

// TestStatusLifeAndModificationStatus: Juju 3.6 leaves a live entity's
// life empty in FullStatus and reports a machine's modification status
// idle since the machine was added; Juju 4.0 sends life "alive" and an
// empty modification status (as the real 4.0.15 server does).
func TestStatusLifeAndModificationStatus(t *testing.T) {
	for _, tc := range []struct {
		version, life, mod string
	}{
		{"3.6.28", "", "idle"},
		{"4.0.15", "alive", ""},
	} {
		t.Run(tc.version, func(t *testing.T) {
			s := newSim(t, Config{JujuVersion: tc.version})
			ms := s.admin(s.c.DefaultModelUUID())
			added := s.clock.Now()
			deployHub(s, ms, "ubuntu", "u", 1)
			s.advance(5 * time.Second)
			st := s.status(ms)
			for _, path := range [][]any{
				{"applications", "u", "life"},
				{"applications", "u", "units", "u/0", "agent-status", "life"},
				{"machines", "0", "agent-status", "life"},
				{"machines", "0", "instance-status", "life"},
			} {
				if got := get(st, path...); got != tc.life {
					t.Errorf("%v = %#v, want %q", path, got, tc.life)
				}
			}
			mod, _ := get(st, "machines", "0", "modification-status").(map[string]any)
			if mod["status"] != tc.mod {
				t.Errorf("modification-status = %v, want status %q", mod, tc.mod)
			}
			since, _ := mod["since"].(string)
			switch {
			case tc.mod == "" && mod["since"] != nil:
				t.Errorf("empty modification-status has since %v", mod["since"])
			case tc.mod != "" && since != added.UTC().Format(time.RFC3339):
				t.Errorf("modification-status since = %v, want the machine's creation %v", mod["since"], added)
			}
			if get(st, "machines", "0", "agent-status", "version") != tc.version {
				t.Errorf("machine agent version = %v", get(st, "machines", "0", "agent-status", "version"))
			}
		})
	}
}

// TestJuju36CharmsAndDeployShapes: what python-libjuju 3.x sends a 3.6
// controller. Charms v6 ResolveCharms answers supported series (v7
// supported bases); DeployFromRepository takes the charm URL ResolveCharms
// gave, series and revision in it.
func TestJuju36CharmsAndDeployShapes(t *testing.T) {
	s := newSim(t, Config{JujuVersion: "3.6.28"})
	ms := s.admin(s.c.DefaultModelUUID())
	resolve := map[string]any{"resolve": []any{map[string]any{"reference": "ch:postgresql", "charm-origin": map[string]any{"source": "charm-hub", "risk": "stable", "track": "14"}}}}
	v6 := s.mustCall(ms, "Charms", 6, "ResolveCharms", resolve)
	r6, _ := get(v6, "Results", 0).(map[string]any)
	if _, ok := r6["supported-bases"]; ok || get(r6, "supported-series", 0) != "jammy" || get(r6, "url") != "ch:amd64/postgresql-468" || get(r6, "charm-origin", "source") != "charm-hub" {
		t.Errorf("Charms v6 ResolveCharms = %v, want supported-series [jammy] and no supported-bases", v6)
	}
	v7 := s.mustCall(ms, "Charms", 7, "ResolveCharms", resolve)
	if r7, _ := get(v7, "Results", 0).(map[string]any); r7["supported-series"] != nil || get(r7, "supported-bases", 0, "channel") == nil {
		t.Errorf("Charms v7 ResolveCharms = %v, want supported-bases", v7)
	}

	res := s.mustCall(ms, "Application", 19, "DeployFromRepository", map[string]any{"Args": []any{map[string]any{
		"CharmName": "ch:amd64/jammy/postgresql-468", "ApplicationName": "pg", "num-units": 1}}})
	if e := get(res, "Results", 0, "Errors"); e != nil {
		t.Fatalf("DeployFromRepository with a charm URL: %v", e)
	}
	s.advance(5 * time.Second)
	st := s.status(ms)
	if get(st, "applications", "pg", "charm") != "ch:amd64/postgresql-468" || get(st, "applications", "pg", "base", "channel") != "22.04/stable" {
		t.Errorf("deployed from a charm URL: %v", get(st, "applications", "pg"))
	}
	res = s.mustCall(ms, "Application", 19, "DeployFromRepository", map[string]any{"Args": []any{map[string]any{
		"CharmName": "local:jammy/postgresql-0", "ApplicationName": "pg2"}}})
	if get(res, "Results", 0, "Errors", 0, "code") != CodeNotValid {
		t.Errorf("DeployFromRepository with a local charm URL = %v, want not valid", res)
	}

	// Unknown facades, versions and methods in Juju 3.6's words.
	for _, tc := range []struct {
		facade  string
		version int
		method  string
		want    string
	}{
		{"Charms", 99, "ResolveCharms", `unknown version (99) of interface "Charms"`},
		{"NoSuchFacade", 1, "Foo", `unknown version (1) of interface "NoSuchFacade"`},
		{"Charms", 7, "NoSuchMethod", `no such request - method Charms(7).NoSuchMethod is not implemented`},
	} {
		_, err := s.call(ms, tc.facade, tc.version, tc.method, nil)
		wantErr(t, err, CodeNotImplemented, tc.want)
	}
}

// TestUnitCountRefusals: what a model refuses about its units, as the real
// servers word it: 4.0.15 (checked against the real server) and 3.6 (Juju
// 3's words, "... not supported"); a Kubernetes model takes neither
// AddUnits nor DestroyUnit (clients scale it) nor a command on all
// machines, a machine model does not scale.
func TestUnitCountRefusals(t *testing.T) {
	for _, tc := range []struct {
		version, addUnits string
		app               int
	}{
		{"4.0.15", "adding units to a container-based model is not supported", 22},
		{"3.6.28", "adding units to a container-based model not supported", 20},
	} {
		t.Run(tc.version, func(t *testing.T) {
			s := newSim(t, Config{JujuVersion: tc.version})
			if err := s.c.AddCloud("microk8s", "kubernetes"); err != nil {
				t.Fatal(err)
			}
			cs := s.admin("")
			create := map[string]any{"name": "k", "qualifier": "admin", "cloud-tag": "cloud-microk8s"}
			mm := 11
			if tc.version == "3.6.28" {
				create, mm = map[string]any{"name": "k", "owner-tag": "user-admin", "cloud-tag": "cloud-microk8s"}, 10
			}
			info := s.mustCall(cs, "ModelManager", mm, "CreateModel", create)
			ks := s.admin(info["uuid"].(string))
			deployHub(s, ks, "postgresql-k8s", "pg", 1)
			_, err := s.call(ks, "Application", tc.app, "AddUnits", map[string]any{"application": "pg", "num-units": 1})
			wantErr(t, err, CodeNotSupported, tc.addUnits)
			_, err = s.call(ks, "Application", tc.app, "DestroyUnit", map[string]any{"units": []any{map[string]any{"unit-tag": "unit-pg-0"}}})
			wantErr(t, err, CodeNotSupported, "removing units on a non-container model not supported")
			_, err = s.call(ks, "Action", 7, "RunOnAllMachines", map[string]any{"commands": "true", "timeout": 1e9})
			wantErr(t, err, "", "cannot run on all machines with a caas model")
			res := s.mustCall(ks, "Application", tc.app, "ScaleApplications", map[string]any{"applications": []any{map[string]any{"application-tag": "application-pg", "scale": -1}}})
			if get(res, "results", 0, "error", "message") != "scale < 0 not valid" {
				t.Errorf("ScaleApplications to -1 = %v", res)
			}
			ms := s.admin(s.c.DefaultModelUUID())
			deployHub(s, ms, "ubuntu", "u", 1)
			_, err = s.call(ms, "Application", tc.app, "ScaleApplications", map[string]any{"applications": []any{map[string]any{"application-tag": "application-u", "scale": 2}}})
			wantErr(t, err, CodeNotSupported, "scaling applications on a non-container model not supported")
		})
	}
}
