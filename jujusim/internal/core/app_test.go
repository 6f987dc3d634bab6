package core

import (
	"context"
	"testing"
	"time"
)

func TestExposeConstraints(t *testing.T) {
	s := newSim(t, Config{})
	ms := s.admin(s.c.DefaultModelUUID())
	deployHub(s, ms, "haproxy", "lb", 1)
	s.mustCall(ms, "Application", 22, "Expose", map[string]any{"application": "lb", "exposed-endpoints": map[string]any{"": map[string]any{}, "website": map[string]any{"expose-to-cidrs": []string{"10.0.0.0/8"}}}})
	st := s.status(ms)
	if get(st, "applications", "lb", "exposed") != true || get(st, "applications", "lb", "exposed-endpoints", "website", "expose-to-cidrs", 0) != "10.0.0.0/8" ||
		get(st, "applications", "lb", "exposed-endpoints", "", "expose-to-cidrs", 1) != "::/0" {
		t.Errorf("exposed = %v", get(st, "applications", "lb"))
	}
	_, err := s.call(ms, "Application", 22, "Expose", map[string]any{"application": "lb", "exposed-endpoints": map[string]any{"nope": map[string]any{}}})
	if errCode(err) != CodeNotValid {
		t.Errorf("expose unknown endpoint: %v", err)
	}
	s.mustCall(ms, "Application", 22, "Unexpose", map[string]any{"application": "lb", "exposed-endpoints": []string{}})
	if get(s.status(ms), "applications", "lb", "exposed") != false {
		t.Errorf("still exposed")
	}
	s.mustCall(ms, "Application", 22, "SetConstraints", map[string]any{"application": "lb", "constraints": map[string]any{"mem": 8192}})
	c := s.mustCall(ms, "Application", 22, "GetConstraints", map[string]any{"entities": []any{map[string]any{"tag": "application-lb"}, map[string]any{"tag": "application-x"}}})
	if get(c, "results", 0, "constraints", "mem") != 8192.0 || get(c, "results", 1, "error", "code") != CodeNotFound {
		t.Errorf("GetConstraints = %v", c)
	}
	res := s.mustCall(ms, "Application", 22, "AddUnits", map[string]any{"application": "lb", "num-units": 1})
	s.advance(time.Second)
	u1 := get(res, "units", 0).(string)
	mid := get(s.status(ms), "applications", "lb", "units", u1, "machine").(string)
	if get(s.status(ms), "machines", mid, "constraints") != "mem=8192M" {
		t.Errorf("new machine constraints = %v", get(s.status(ms), "machines", mid, "constraints"))
	}
}

func TestRefreshFlow(t *testing.T) {
	s := newSim(t, Config{})
	ms := s.admin(s.c.DefaultModelUUID())
	// The bundle/refresh path: ResolveCharms, AddCharm, Deploy, SetCharm.
	rc := s.mustCall(ms, "Charms", 7, "ResolveCharms", map[string]any{"resolve": []any{
		map[string]any{"reference": "ch:postgresql", "charm-origin": map[string]any{"source": "charm-hub", "type": "charm", "risk": "edge", "track": "16"}},
		map[string]any{"reference": "ch:Bad_Name", "charm-origin": map[string]any{"source": "charm-hub"}},
	}})
	url, _ := get(rc, "Results", 0, "url").(string)
	if url != "ch:amd64/postgresql-468" || get(rc, "Results", 0, "charm-origin", "risk") != "edge" || get(rc, "Results", 0, "charm-origin", "track") != "16" ||
		get(rc, "Results", 0, "supported-bases", 0, "name") != "ubuntu" || get(rc, "Results", 1, "error", "code") != CodeNotValid {
		t.Fatalf("ResolveCharms = %v", rc)
	}
	origin := get(rc, "Results", 0, "charm-origin")
	ac := s.mustCall(ms, "Charms", 7, "AddCharm", map[string]any{"url": url, "charm-origin": origin, "force": false})
	if get(ac, "error") != nil || get(ac, "charm-origin", "revision") != 468.0 {
		t.Fatalf("AddCharm = %v", ac)
	}
	dep := s.mustCall(ms, "Application", 22, "Deploy", map[string]any{"applications": []any{map[string]any{
		"application": "db", "charm-url": url, "charm-origin": origin, "num-units": 1, "config": map[string]string{"profile": "testing", "trust": "true"},
	}}})
	if get(dep, "results", 0, "error") != nil {
		t.Fatalf("Deploy = %v", dep)
	}
	g := s.mustCall(ms, "Application", 22, "Get", map[string]any{"application": "db"})
	if get(g, "config", "profile", "value") != "testing" || get(g, "application-config", "trust", "value") != true {
		t.Errorf("Get = %v", g)
	}
	s.advance(3 * time.Second)
	o := s.mustCall(ms, "Application", 22, "GetCharmURLOrigin", map[string]any{"application": "db"})
	if o["url"] != url {
		t.Errorf("GetCharmURLOrigin = %v", o)
	}
	// Refresh to a new revision.
	rev := 470
	origin.(map[string]any)["revision"] = rev
	ac = s.mustCall(ms, "Charms", 7, "AddCharm", map[string]any{"url": "ch:amd64/postgresql-470", "charm-origin": origin})
	if get(ac, "error") != nil {
		t.Fatal(ac)
	}
	s.mustCall(ms, "Application", 22, "SetCharm", map[string]any{"application": "db", "charm-url": "ch:amd64/postgresql-470", "charm-origin": get(ac, "charm-origin")})
	st := s.status(ms)
	if get(st, "applications", "db", "charm") != "ch:amd64/postgresql-470" || get(st, "applications", "db", "units", "db/0", "agent-status", "info") != "running upgrade-charm hook" {
		t.Errorf("after SetCharm: %v %v", get(st, "applications", "db", "charm"), get(st, "applications", "db", "units", "db/0", "agent-status"))
	}
	s.advance(time.Second)
	if get(s.status(ms), "applications", "db", "units", "db/0", "agent-status", "status") != "idle" {
		t.Errorf("not idle after refresh")
	}
	_, err := s.call(ms, "Application", 22, "SetCharm", map[string]any{"application": "db", "charm-url": "ch:amd64/postgresql-999"})
	wantErr(t, err, CodeNotFound, `charm "ch:amd64/postgresql-999" not found`)
}

func TestCharmcraftUpload(t *testing.T) {
	s := newSim(t, Config{})
	m := s.c.DefaultModelUUID()
	archive, sha := charmZip(t, map[string]string{
		"charmcraft.yaml": `name: webapp
type: charm
summary: A web app
description: Serves things.
base: ubuntu@24.04
platforms:
  amd64:
  arm64:
requires:
  database:
    interface: postgresql_client
    limit: 1
peers:
  cluster:
    interface: webapp_peers
config:
  options:
    port:
      type: int
      default: 8080
      description: Port.
actions:
  restart:
    description: Restart the service.
`,
		"dispatch": "#!/bin/sh\n",
	})
	url, err := s.c.UploadCharm(context.Background(), m, "webapp-"+sha, "local:webapp-0", archive)
	if err != nil || url != "local:webapp-0" {
		t.Fatalf("UploadCharm = %q, %v", url, err)
	}
	// Every upload is a new revision, the same content too, as on the
	// real 4.0.15 server (refresh-path-resource.jsonl).
	if again, err := s.c.UploadCharm(context.Background(), m, "webapp-"+sha, "local:webapp-0", archive); err != nil || again != "local:webapp-1" {
		t.Errorf("re-upload = %q, %v", again, err)
	}
	other, sha2 := charmZip(t, map[string]string{"metadata.yaml": "name: webapp\nsummary: v2\n"})
	if u2, err := s.c.UploadCharm(context.Background(), m, "webapp-"+sha2, "local:webapp-0", other); err != nil || u2 != "local:webapp-2" {
		t.Errorf("new content = %q, %v", u2, err)
	}
	ms := s.admin(m)
	info := s.mustCall(ms, "Charms", 7, "CharmInfo", map[string]any{"url": url})
	if get(info, "meta", "requires", "database", "limit") != 1.0 || get(info, "meta", "peers", "cluster", "role") != "peer" ||
		get(info, "config", "port", "default") != 8080.0 || get(info, "actions", "specs", "restart", "description") != "Restart the service." ||
		get(info, "manifest", "bases", 0, "channel") != "24.04/stable" || len(get(info, "manifest", "bases", 0, "architectures").([]any)) != 2 {
		t.Errorf("CharmInfo = %v", info)
	}
	tests := []struct {
		name, object, curl string
		archive            []byte
		code               string
	}{
		{"bad sha", "webapp-0000000", "local:webapp-0", archive, CodeBadRequest},
		{"short object", "webapp-12", "local:webapp-0", archive, CodeBadRequest},
		{"name mismatch", "other-" + sha, "local:other-0", archive, CodeBadRequest},
		{"not a zip", "webapp-" + sha, "local:webapp-0", []byte("nope"), CodeBadRequest},
		{"bad curl", "webapp-" + sha, "cs:::", archive, CodeBadRequest},
	}
	for _, tt := range tests {
		if _, err := s.c.UploadCharm(context.Background(), m, tt.object, tt.curl, tt.archive); errCode(err) != tt.code {
			t.Errorf("%s: %v, want code %q", tt.name, err, tt.code)
		}
	}
	if _, err := s.c.UploadCharm(context.Background(), "nope", "webapp-"+sha, "local:webapp-0", archive); errCode(err) != CodeModelNotFound {
		t.Errorf("unknown model: %v", err)
	}
}

func TestK8sModel(t *testing.T) {
	s := newSim(t, Config{})
	if err := s.c.AddCloud("microk8s", "kubernetes"); err != nil {
		t.Fatal(err)
	}
	cs := s.admin("")
	info := s.mustCall(cs, "ModelManager", 11, "CreateModel", map[string]any{"name": "k", "qualifier": "admin", "cloud-tag": "cloud-microk8s"})
	if info["type"] != "caas" {
		t.Fatalf("CreateModel on k8s = %v", info)
	}
	ks := s.admin(info["uuid"].(string))
	deployHub(s, ks, "postgresql-k8s", "pg", 2)
	s.advance(5 * time.Second)
	st := s.status(ks)
	if get(st, "applications", "pg", "int") != 2.0 || get(st, "applications", "pg", "units", "pg/1", "address") == nil ||
		get(st, "applications", "pg", "units", "pg/1", "workload-status", "status") != "active" || len(get(st, "machines").(map[string]any)) != 0 {
		t.Errorf("k8s status = %v", get(st, "applications", "pg"))
	}
	_, err := s.call(ks, "Application", 22, "AddUnits", map[string]any{"application": "pg", "num-units": 1})
	wantErr(t, err, CodeNotSupported, "adding units to a container-based model is not supported")
	_, err = s.call(ks, "MachineManager", 11, "AddMachines", map[string]any{"params": []any{map[string]any{}}})
	wantErr(t, err, CodeNotSupported, `facade "MachineManager" not supported on container models`)
	sc := s.mustCall(ks, "Application", 22, "ScaleApplications", map[string]any{"applications": []any{map[string]any{"application-tag": "application-pg", "scale": 0, "scale-change": 1}}})
	if get(sc, "results", 0, "info", "num-units") != 3.0 {
		t.Fatalf("ScaleApplications = %v", sc)
	}
	s.mustCall(ks, "Application", 22, "ScaleApplications", map[string]any{"applications": []any{map[string]any{"application-tag": "application-pg", "scale": 1}}})
	s.advance(5 * time.Second)
	if n := len(get(s.status(ks), "applications", "pg", "units").(map[string]any)); n != 1 {
		t.Errorf("units after scaling to 1: %d", n)
	}
	ms := s.admin(s.c.DefaultModelUUID())
	deployHub(s, ms, "ubuntu", "u", 1)
	_, err = s.call(ms, "Application", 22, "ScaleApplications", map[string]any{"applications": []any{map[string]any{"application-tag": "application-u", "scale": 2}}})
	if errCode(err) != CodeNotSupported {
		t.Errorf("scale on iaas: %v", err)
	}
}

func TestSeedErrors(t *testing.T) {
	s := newSim(t, Config{})
	m := s.c.DefaultModelUUID()
	if err := s.c.Seed("nope", map[string]int{"a": 1}); errCode(err) != CodeModelNotFound {
		t.Errorf("unknown model: %v", err)
	}
	if err := s.c.Seed(m, map[string]int{"Bad": 1}); errCode(err) != CodeNotValid {
		t.Errorf("bad name: %v", err)
	}
	if err := s.c.Seed(m, map[string]int{"a": 2, "b": 3}); err != nil {
		t.Fatal(err)
	}
	if err := s.c.Seed(m, map[string]int{"a": 1}); errCode(err) != CodeAlreadyExists {
		t.Errorf("duplicate: %v", err)
	}
	st := s.status(s.admin(m))
	if len(get(st, "applications", "a", "units").(map[string]any)) != 2 || len(get(st, "applications", "b", "units").(map[string]any)) != 3 ||
		len(get(st, "machines").(map[string]any)) != 5 {
		t.Errorf("seeded status = %v", get(st, "applications"))
	}
}

func TestSubordinateBeforePrincipalSettles(t *testing.T) {
	for _, version := range []string{"4.0.15", "3.6.28"} {
		s := newSim(t, Config{JujuVersion: version})
		m := s.c.DefaultModelUUID()
		if err := s.c.Seed(m, map[string]int{"ubuntu": 2, "ntp": 0}); err != nil {
			t.Fatal(err)
		}
		ms := s.admin(m)
		s.mustCall(ms, "Application", 20, "AddRelation", map[string]any{"endpoints": []string{"ntp:juju-info", "ubuntu:juju-info"}})
		s.advance(5 * time.Second)
		st := s.status(ms)
		for _, pu := range []string{"ubuntu/0", "ubuntu/1"} {
			subs := get(st, "applications", "ubuntu", "units", pu, "subordinates").(map[string]any)
			if len(subs) != 1 {
				t.Fatalf("%s: %s subordinates = %v", version, pu, subs)
			}
			for n, su := range subs {
				if get(su, "agent-status", "status") != "idle" || get(su, "workload-status", "status") != "active" {
					t.Errorf("%s: %s = %v / %v", version, n, get(su, "agent-status"), get(su, "workload-status"))
				}
			}
		}
		// A principal unit added later gets its subordinate too.
		s.mustCall(ms, "Application", 20, "AddUnits", map[string]any{"application": "ubuntu", "num-units": 1})
		s.advance(5 * time.Second)
		subs := get(s.status(ms), "applications", "ubuntu", "units", "ubuntu/2", "subordinates").(map[string]any)
		if len(subs) != 1 {
			t.Errorf("%s: new principal subordinates = %v", version, subs)
		}
	}
}

func TestApplicationsAndUnitsInfo(t *testing.T) {
	s := newSim(t, Config{})
	m := s.c.DefaultModelUUID()
	ms := s.admin(m)
	deployHub(s, ms, "mysql", "db", 2)
	deployHub(s, ms, "wordpress", "wp", 1)
	s.mustCall(ms, "Application", 22, "AddRelation", map[string]any{"endpoints": []string{"db", "wp:db"}})
	s.advance(5 * time.Second)
	ai := s.mustCall(ms, "Application", 22, "ApplicationsInfo", map[string]any{"entities": []any{map[string]any{"tag": "application-db"}, map[string]any{"tag": "application-nope"}}})
	if get(ai, "results", 0, "result", "charm") != "mysql" || get(ai, "results", 0, "result", "principal") != true ||
		get(ai, "results", 0, "result", "base", "name") != "ubuntu" || get(ai, "results", 1, "error", "code") != CodeNotFound {
		t.Errorf("ApplicationsInfo = %v", ai)
	}
	ui := s.mustCall(ms, "Application", 22, "UnitsInfo", map[string]any{"entities": []any{map[string]any{"tag": "unit-wp-0"}, map[string]any{"tag": "unit-wp-9"}}})
	r := get(ui, "results", 0, "result")
	if get(r, "leader") != true || get(r, "machine") == nil || get(r, "public-address") == nil || get(ui, "results", 1, "error", "code") != CodeNotFound {
		t.Errorf("UnitsInfo = %v", ui)
	}
	var dbRel any
	for _, rd := range get(r, "relation-data").([]any) {
		if get(rd, "endpoint") == "db" {
			dbRel = rd
		}
	}
	// The two related units and the unit itself, all in scope.
	if get(dbRel, "related-endpoint") != "mysql" || len(get(dbRel, "unit-relation-data").(map[string]any)) != 3 ||
		get(dbRel, "unit-relation-data", "wp/0", "InScope") != true {
		t.Errorf("relation data = %v", dbRel)
	}
}

func TestAnnotations(t *testing.T) {
	s := newSim(t, Config{})
	m := s.c.DefaultModelUUID()
	ms := s.admin(m)
	deployHub(s, ms, "ubuntu", "u", 1)
	res := s.mustCall(ms, "Annotations", 2, "Set", map[string]any{"annotations": []any{
		map[string]any{"entity": "application-u", "annotations": map[string]string{"gui-x": "10", "owner": "me"}},
		map[string]any{"entity": "application-nope", "annotations": map[string]string{"a": "b"}},
	}})
	// As the real controller: the errors only.
	if rs, _ := get(res, "results").([]any); len(rs) != 1 || get(res, "results", 0, "error", "code") != CodeNotFound {
		t.Errorf("Set = %v", res)
	}
	s.mustCall(ms, "Annotations", 2, "Set", map[string]any{"annotations": []any{map[string]any{"entity": "application-u", "annotations": map[string]string{"owner": ""}}}})
	g := s.mustCall(ms, "Annotations", 2, "Get", map[string]any{"entities": []any{map[string]any{"tag": "application-u"}, map[string]any{"tag": "model-" + m}}})
	if get(g, "results", 0, "annotations", "gui-x") != "10" || get(g, "results", 0, "annotations", "owner") != nil || get(g, "results", 1, "annotations") == nil {
		t.Errorf("Get = %v", g)
	}
}

func TestDefaultBase(t *testing.T) {
	s := newSim(t, Config{})
	ms := s.admin(s.c.DefaultModelUUID())
	s.mustCall(ms, "ModelConfig", 4, "ModelSet", map[string]any{"config": map[string]any{"default-base": "ubuntu@22.04"}})
	deployHub(s, ms, "ubuntu", "u", 1)
	res := s.mustCall(ms, "MachineManager", 11, "AddMachines", map[string]any{"params": []any{map[string]any{"jobs": []string{"JobHostUnits"}}}})
	st := s.status(ms)
	if get(st, "applications", "u", "base", "channel") != "22.04/stable" || get(st, "machines", get(res, "machines", 0, "machine").(string), "base", "channel") != "22.04" {
		t.Errorf("bases = %v / %v", get(st, "applications", "u", "base"), get(st, "machines"))
	}
}
