package core

import (
	"strings"
	"testing"
	"time"
)

func TestCreateModelAndList(t *testing.T) {
	s := newSim(t, Config{})
	cs := s.admin("")
	clouds := s.mustCall(cs, "Cloud", 8, "Clouds", nil)
	if get(clouds, "clouds", "cloud-dummy", "type") != "dummy" || get(clouds, "clouds", "cloud-dummy", "regions", 0, "name") != "dummy-region" {
		t.Fatalf("Clouds = %v", clouds)
	}
	info := s.mustCall(cs, "ModelManager", 11, "CreateModel", map[string]any{"name": "m1", "qualifier": "admin", "cloud-tag": "cloud-dummy"})
	uuid, _ := info["uuid"].(string)
	if uuid == "" || info["name"] != "m1" || info["qualifier"] != "admin" || info["life"] != "alive" ||
		info["cloud-credential-tag"] != "cloudcred-dummy_admin_default" || info["cloud-region"] != "dummy-region" ||
		get(info, "status", "status") != "available" || info["agent-version"] != "4.0.15" {
		t.Fatalf("CreateModel = %v", info)
	}
	if _, ok := info["owner-tag"]; ok {
		t.Errorf("v11 result has owner-tag")
	}
	_, err := s.call(cs, "ModelManager", 11, "CreateModel", map[string]any{"name": "m1", "qualifier": "admin", "cloud-tag": "cloud-dummy"})
	wantErr(t, err, CodeAlreadyExists, "model admin/m1 already exists")
	_, err = s.call(cs, "ModelManager", 11, "CreateModel", map[string]any{"name": "Bad_Name", "qualifier": "admin"})
	wantErr(t, err, CodeNotValid, `"Bad_Name" is not a valid name: model names may only contain lowercase letters, digits and hyphens`)

	// v10 speaks owner-tag.
	v10 := s.mustCall(cs, "ModelManager", 10, "CreateModel", map[string]any{"name": "m2", "owner-tag": "user-admin"})
	if v10["owner-tag"] != "user-admin" || v10["qualifier"] != nil {
		t.Errorf("v10 CreateModel = %v", v10)
	}

	sums := s.mustCall(cs, "ModelManager", 11, "ListModelSummaries", map[string]any{"user-tag": "user-admin"})
	var names []string
	for _, r := range get(sums, "results").([]any) {
		names = append(names, get(r, "result", "qualifier").(string)+"/"+get(r, "result", "name").(string))
	}
	want := []string{"admin/controller", "admin/default", "admin/m1", "admin/m2"}
	if len(names) != len(want) {
		t.Fatalf("summaries = %v, want %v", names, want)
	}
	for i := range want {
		if names[i] != want[i] {
			t.Errorf("summaries = %v, want %v", names, want)
		}
	}
	lm := s.mustCall(cs, "ModelManager", 11, "ListModels", map[string]any{"tag": "user-admin"})
	if n := len(get(lm, "user-models").([]any)); n != 4 {
		t.Errorf("ListModels: %d models", n)
	}
	mi := s.mustCall(cs, "ModelManager", 11, "ModelInfo", map[string]any{"entities": []any{map[string]any{"tag": "model-" + uuid}, map[string]any{"tag": "model-nope"}}})
	if get(mi, "results", 0, "result", "uuid") != uuid || get(mi, "results", 1, "error", "code") != CodeNotFound {
		t.Errorf("ModelInfo = %v", mi)
	}
}

func TestDestroyModel(t *testing.T) {
	s := newSim(t, Config{})
	cs := s.admin("")
	info := s.mustCall(cs, "ModelManager", 11, "CreateModel", map[string]any{"name": "doomed", "qualifier": "admin"})
	uuid := info["uuid"].(string)
	if err := s.c.Seed(uuid, map[string]int{"pg": 2}); err != nil {
		t.Fatal(err)
	}
	s.advance(5 * time.Second)
	st := s.mustCall(cs, "ModelManager", 11, "ModelStatus", map[string]any{"entities": []any{map[string]any{"tag": "model-" + uuid}}})
	if get(st, "models", 0, "unit-count") != 2.0 || get(st, "models", 0, "hosted-machine-count") != 2.0 || get(st, "models", 0, "qualifier") != "admin" {
		t.Fatalf("ModelStatus = %v", st)
	}
	res := s.mustCall(cs, "ModelManager", 11, "DestroyModels", map[string]any{"models": []any{map[string]any{"model-tag": "model-" + uuid}}})
	if get(res, "results", 0, "error") != nil {
		t.Fatalf("DestroyModels = %v", res)
	}
	st = s.mustCall(cs, "ModelManager", 11, "ModelStatus", map[string]any{"entities": []any{map[string]any{"tag": "model-" + uuid}}})
	if get(st, "models", 0, "life") != "dying" {
		t.Fatalf("after destroy: %v", st)
	}
	sums := s.mustCall(cs, "ModelManager", 11, "ListModelSummaries", map[string]any{"user-tag": "user-admin"})
	for _, r := range get(sums, "results").([]any) {
		if get(r, "result", "uuid") == uuid && (get(r, "result", "status", "status") != "destroying" || get(r, "result", "life") != "dying") {
			t.Errorf("summary of dying model = %v", r)
		}
	}
	s.advance(10 * time.Second)
	st = s.mustCall(cs, "ModelManager", 11, "ModelStatus", map[string]any{"entities": []any{map[string]any{"tag": "model-" + uuid}}})
	if get(st, "models", 0, "error", "code") != CodeNotFound {
		t.Fatalf("after destruction: %v", st)
	}
	if _, _, err := s.login(uuid, "admin", "s3cret"); errCode(err) != CodeModelNotFound {
		t.Errorf("login to destroyed model: %v", err)
	}
}

func TestDestroyModelForceNoWait(t *testing.T) {
	s := newSim(t, Config{Timing: Realistic()})
	cs := s.admin("")
	uuid := s.mustCall(cs, "ModelManager", 11, "CreateModel", map[string]any{"name": "quick", "qualifier": "admin"})["uuid"].(string)
	if err := s.c.Seed(uuid, map[string]int{"pg": 3}); err != nil {
		t.Fatal(err)
	}
	s.mustCall(cs, "ModelManager", 11, "DestroyModels", map[string]any{"models": []any{map[string]any{"model-tag": "model-" + uuid, "force": true, "max-wait": 0}}})
	s.advance(Realistic().ModelDestroy)
	st := s.mustCall(cs, "ModelManager", 11, "ModelStatus", map[string]any{"entities": []any{map[string]any{"tag": "model-" + uuid}}})
	if get(st, "models", 0, "error", "code") != CodeNotFound {
		t.Fatalf("forced destroy: %v", st)
	}
}

func TestModelConfig(t *testing.T) {
	s := newSim(t, Config{})
	ms := s.admin(s.c.DefaultModelUUID())
	cfg := s.mustCall(ms, "ModelConfig", 4, "ModelGet", nil)
	if get(cfg, "config", "name", "value") != "default" || get(cfg, "config", "name", "source") != "controller" ||
		get(cfg, "config", "automatically-retry-hooks", "value") != true || get(cfg, "config", "agent-version", "value") != "4.0.15" {
		t.Fatalf("ModelGet = %v", get(cfg, "config", "name"))
	}
	s.mustCall(ms, "ModelConfig", 4, "ModelSet", map[string]any{"config": map[string]any{"http-proxy": "http://proxy:3128", "development": true}})
	cfg = s.mustCall(ms, "ModelConfig", 4, "ModelGet", nil)
	if get(cfg, "config", "http-proxy", "value") != "http://proxy:3128" || get(cfg, "config", "http-proxy", "source") != "model" {
		t.Errorf("after set: %v", get(cfg, "config", "http-proxy"))
	}
	_, err := s.call(ms, "ModelConfig", 4, "ModelSet", map[string]any{"config": map[string]any{"development": "notabool"}})
	if errCode(err) != CodeNotValid {
		t.Errorf("bad value: %v", err)
	}
	_, err = s.call(ms, "ModelConfig", 4, "ModelSet", map[string]any{"config": map[string]any{"name": "renamed"}})
	if errCode(err) != CodeNotValid {
		t.Errorf("read-only key: %v", err)
	}
	s.mustCall(ms, "ModelConfig", 4, "ModelUnset", map[string]any{"keys": []string{"http-proxy"}})
	cfg = s.mustCall(ms, "ModelConfig", 4, "ModelGet", nil)
	if get(cfg, "config", "http-proxy", "source") != "default" {
		t.Errorf("after unset: %v", get(cfg, "config", "http-proxy"))
	}
	s.mustCall(ms, "ModelConfig", 4, "SetModelConstraints", map[string]any{"application": "", "constraints": map[string]any{"mem": 4096, "cores": 2}})
	c := s.mustCall(ms, "ModelConfig", 4, "GetModelConstraints", nil)
	if get(c, "constraints", "mem") != 4096.0 || get(c, "constraints", "cores") != 2.0 {
		t.Errorf("constraints = %v", c)
	}
	// Controller connections act on the controller model.
	cc := s.mustCall(s.admin(""), "ModelConfig", 4, "ModelGet", nil)
	if get(cc, "config", "name", "value") != "controller" {
		t.Errorf("controller ModelGet name = %v", get(cc, "config", "name"))
	}
}

func TestModelAccess(t *testing.T) {
	s := newSim(t, Config{})
	m := s.c.DefaultModelUUID()
	if err := s.c.AddUser("bob", "pw", Grant{ModelUUID: m, Access: "read"}); err != nil {
		t.Fatal(err)
	}
	bob, _, err := s.login(m, "bob", "pw")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.call(bob, "Client", 8, "FullStatus", map[string]any{}); err != nil {
		t.Errorf("reader FullStatus: %v", err)
	}
	_, err = s.call(bob, "Application", 22, "DeployFromRepository", map[string]any{"Args": []any{map[string]any{"CharmName": "ubuntu"}}})
	wantErr(t, err, CodeUnauthorized, "permission denied")
	cs := s.admin("")
	s.mustCall(cs, "ModelManager", 11, "ModifyModelAccess", map[string]any{"changes": []any{map[string]any{"user-tag": "user-bob", "action": "grant", "access": "write", "model-tag": "model-" + m}}})
	res := s.mustCall(bob, "Application", 22, "DeployFromRepository", map[string]any{"Args": []any{map[string]any{"CharmName": "ubuntu"}}})
	if get(res, "Results", 0, "Errors") != nil {
		t.Errorf("writer deploy: %v", res)
	}
	bobCtl, _, err := s.login("", "bob", "pw")
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.call(bobCtl, "ModelManager", 11, "CreateModel", map[string]any{"name": "x", "qualifier": "bob"})
	wantErr(t, err, CodeUnauthorized, "permission denied")
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
	if !s.c.ModelExists(m) {
		t.Fatalf("model went before its machine did")
	}
	s.advance(20 * time.Second)
	if s.c.ModelExists(m) {
		t.Fatalf("model still there after its machine went")
	}
}

// TestModelNameHasNoLengthLimit: Juju's model name rule is lower-case
// letters, digits and non-leading hyphens, of any length (the real 4.0.15
// server takes a 300-character name), in both modes.
func TestModelNameHasNoLengthLimit(t *testing.T) {
	for _, tc := range []struct {
		version string
		v       int
		args    map[string]any
	}{
		{"4.0.15", 11, map[string]any{"qualifier": "admin"}},
		{"3.6.28", 10, map[string]any{"owner-tag": "user-admin"}},
	} {
		s := newSim(t, Config{JujuVersion: tc.version})
		cs := s.admin("")
		for _, name := range []string{strings.Repeat("m", 64), strings.Repeat("m", 300), "1abc", "x-"} {
			tc.args["name"] = name
			if info := s.mustCall(cs, "ModelManager", tc.v, "CreateModel", tc.args); info["name"] != name {
				t.Errorf("%s: CreateModel %q = %v", tc.version, name, info)
			}
		}
		tc.args["name"] = "-x"
		_, err := s.call(cs, "ModelManager", tc.v, "CreateModel", tc.args)
		wantErr(t, err, CodeNotValid, `"-x" is not a valid name: model names may only contain lowercase letters, digits and hyphens`)
	}
}
