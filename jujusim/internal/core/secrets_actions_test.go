package core

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestSecrets(t *testing.T) {
	s := newSim(t, Config{})
	m := s.c.DefaultModelUUID()
	ms := s.admin(m)
	deployHub(s, ms, "ubuntu", "rj-consumer", 1)
	res := s.mustCall(ms, "Secrets", 2, "CreateSecrets", map[string]any{"args": []any{
		map[string]any{"content": map[string]any{"data": map[string]string{"token": "czNjcjN0LXZhbHVl"}}, "description": "test-secret", "label": "mysecret", "owner-tag": ""},
		map[string]any{"content": map[string]any{"data": map[string]string{}}, "label": "empty"},
		map[string]any{"content": map[string]any{"data": map[string]string{"a": "Yg=="}}, "label": "mysecret"},
	}})
	uri, _ := get(res, "results", 0, "result").(string)
	if !strings.HasPrefix(uri, "secret:") || len(uri) != len("secret:")+20 {
		t.Fatalf("CreateSecrets = %v", res)
	}
	if get(res, "results", 1, "error", "code") != CodeNotValid || get(res, "results", 1, "error", "message") != "empty secret value" {
		t.Errorf("empty secret: %v", get(res, "results", 1))
	}
	if get(res, "results", 2, "error", "code") != CodeAlreadyExists {
		t.Errorf("duplicate label: %v", get(res, "results", 2))
	}
	g := s.mustCall(ms, "Secrets", 2, "GrantSecret", map[string]any{"applications": []string{"rj-consumer", "nope"}, "label": "mysecret", "uri": ""})
	// The real 4.0.15 server names the missing application with an empty code.
	if get(g, "results", 0, "error") != nil || get(g, "results", 1, "error", "code") != "" ||
		!strings.HasSuffix(get(g, "results", 1, "error", "message").(string), `for "nope": application "nope" not found`) {
		t.Errorf("GrantSecret = %v", g)
	}
	list := s.mustCall(ms, "Secrets", 2, "ListSecrets", map[string]any{"filter": map[string]any{}, "show-secrets": false})
	r := get(list, "results", 0)
	if get(r, "uri") != uri || get(r, "latest-revision") != 1.0 ||
		get(r, "latest-revision-checksum") != "783740f316751f92c334438b040672f09501941125cacf787e85d1842433d648" ||
		get(r, "owner-tag") != "model-"+m || get(r, "access", 0, "target-tag") != "application-rj-consumer" ||
		get(r, "access", 0, "role") != "view" || get(r, "revisions", 0, "backend-name") != "internal" || get(r, "value") != nil || get(r, "rotate-policy") != "never" {
		t.Errorf("ListSecrets = %v", r)
	}
	shown := s.mustCall(ms, "Secrets", 2, "ListSecrets", map[string]any{"filter": map[string]any{"label": "mysecret"}, "show-secrets": true})
	if get(shown, "results", 0, "value", "data", "token") != "czNjcjN0LXZhbHVl" {
		t.Errorf("reveal = %v", shown)
	}
	up := s.mustCall(ms, "Secrets", 2, "UpdateSecrets", map[string]any{"args": []any{
		map[string]any{"existing-label": "mysecret", "content": map[string]any{"data": map[string]string{"token": "bmV3"}}},
		map[string]any{"uri": uri},
		map[string]any{"uri": uri, "content": map[string]any{}},
	}})
	if get(up, "results", 0, "error") != nil || get(up, "results", 1, "error", "code") != CodeNotValid || get(up, "results", 2, "error", "code") != CodeNotValid {
		t.Errorf("UpdateSecrets = %v", up)
	}
	// `juju update-secret S --name N` sends empty content: a rename,
	// accepted without a new revision.
	ren := s.mustCall(ms, "Secrets", 2, "UpdateSecrets", map[string]any{"args": []any{
		map[string]any{"uri": uri, "label": "renamed", "content": map[string]any{}},
		map[string]any{"existing-label": "renamed", "label": "mysecret", "content": map[string]any{"data": map[string]string{}}},
	}})
	if get(ren, "results", 0, "error") != nil || get(ren, "results", 1, "error") != nil {
		t.Errorf("rename = %v", ren)
	}
	list = s.mustCall(ms, "Secrets", 2, "ListSecrets", map[string]any{"filter": map[string]any{"uri": uri}, "show-secrets": true})
	if get(list, "results", 0, "latest-revision") != 2.0 || get(list, "results", 0, "value", "data", "token") != "bmV3" {
		t.Errorf("after update = %v", list)
	}
	rm := s.mustCall(ms, "Secrets", 2, "RemoveSecrets", map[string]any{"args": []any{map[string]any{"label": "mysecret", "uri": ""}, map[string]any{"label": "gone"}}})
	if get(rm, "results", 0, "error") != nil || get(rm, "results", 1, "error", "code") != CodeSecretNotFound {
		t.Errorf("RemoveSecrets = %v", rm)
	}
	// Removal is scheduled, as on the real controller.
	list = s.mustCall(ms, "Secrets", 2, "ListSecrets", map[string]any{"filter": map[string]any{}})
	if n := len(get(list, "results").([]any)); n != 1 {
		t.Errorf("%d secrets right after removal, want 1", n)
	}
	s.advance(time.Second)
	list = s.mustCall(ms, "Secrets", 2, "ListSecrets", map[string]any{"filter": map[string]any{}})
	if n := len(get(list, "results").([]any)); n != 0 {
		t.Errorf("%d secrets left", n)
	}
	// Readers may list but not reveal.
	if err := s.c.AddUser("bob", "pw", Grant{ModelUUID: m, Access: "read"}); err != nil {
		t.Fatal(err)
	}
	bob, _, _ := s.login(m, "bob", "pw")
	_, err := s.call(bob, "Secrets", 2, "ListSecrets", map[string]any{"show-secrets": true})
	wantErr(t, err, CodeUnauthorized, "permission denied")
	_, err = s.call(ms, "Secrets", 1, "CreateSecrets", map[string]any{"args": []any{}})
	wantErr(t, err, CodeNotImplemented, `unknown method "CreateSecrets" at version 1 for facade type "Secrets"`)
}

func TestSecretBackends(t *testing.T) {
	s := newSim(t, Config{})
	cs := s.admin("")
	l := s.mustCall(cs, "SecretBackends", 1, "ListSecretBackends", map[string]any{"names": nil, "reveal": false})
	if get(l, "results", 0, "result", "name") != "internal" || get(l, "results", 0, "status") != "active" {
		t.Fatalf("ListSecretBackends = %v", l)
	}
	a := s.mustCall(cs, "SecretBackends", 1, "AddSecretBackends", map[string]any{"args": []any{
		map[string]any{"name": "myvault", "backend-type": "vault", "config": map[string]any{"endpoint": "http://vault:8200", "token": "t"}},
		map[string]any{"name": "myvault", "backend-type": "vault"},
	}})
	if get(a, "results", 0, "error") != nil || get(a, "results", 1, "error", "code") != CodeSecretBackendAlreadyExists {
		t.Errorf("AddSecretBackends = %v", a)
	}
	l = s.mustCall(cs, "SecretBackends", 1, "ListSecretBackends", map[string]any{"names": []string{"myvault"}})
	if get(l, "results", 0, "result", "config", "endpoint") != "http://vault:8200" || get(l, "results", 0, "result", "config", "token") != nil {
		t.Errorf("list myvault = %v", l)
	}
	rm := s.mustCall(cs, "SecretBackends", 1, "RemoveSecretBackends", map[string]any{"args": []any{map[string]any{"name": "myvault"}, map[string]any{"name": "myvault"}}})
	if get(rm, "results", 0, "error") != nil || get(rm, "results", 1, "error", "code") != CodeSecretBackendNotFound {
		t.Errorf("RemoveSecretBackends = %v", rm)
	}
	ms := s.admin(s.c.DefaultModelUUID())
	sb := s.mustCall(ms, "ModelConfig", 4, "GetModelSecretBackend", nil)
	if sb["result"] != "auto" {
		t.Errorf("GetModelSecretBackend = %v", sb)
	}
}

func TestActions(t *testing.T) {
	s := newSim(t, Config{})
	m := s.c.DefaultModelUUID()
	ms := s.admin(m)
	deployHub(s, ms, "postgresql", "pg", 2)
	s.advance(5 * time.Second)
	s.c.SetActionResult(m, "pg", "get-password", ActionOutcome{Output: map[string]any{"password": "hunter2"}, Log: []string{"fetching password"}})
	s.c.SetActionResult(m, "pg", "create-backup", ActionOutcome{Status: "failed", Message: "disk full"})
	enq := s.mustCall(ms, "Action", 7, "EnqueueOperation", map[string]any{"actions": []any{
		map[string]any{"receiver": "pg/leader", "name": "get-password", "parameters": map[string]any{}},
		map[string]any{"receiver": "unit-pg-1", "name": "create-backup"},
		map[string]any{"receiver": "unit-pg-1", "name": "no-such-action"},
	}})
	// Juju 4.0 numbers operations and tasks from 0, as the real 4.0.15 server.
	if enq["operation"] != "operation-0" || get(enq, "actions", 0, "action", "tag") != "action-1" ||
		get(enq, "actions", 0, "action", "receiver") != "unit-pg-0" || get(enq, "actions", 0, "status") != "pending" ||
		get(enq, "actions", 2, "error", "code") != CodeNotValid {
		t.Fatalf("EnqueueOperation = %v", enq)
	}
	w := s.mustCall(ms, "Action", 7, "WatchActionsProgress", map[string]any{"entities": []any{map[string]any{"tag": "action-1"}}})
	wid, _ := get(w, "results", 0, "watcher-id").(string)
	if wid == "" {
		t.Fatalf("WatchActionsProgress = %v", w)
	}
	s.advance(time.Second)
	next := s.mustCallID(ms, "StringsWatcher", 1, "Next", wid)
	change, _ := get(next, "changes", 0).(string)
	var msg map[string]any
	if err := json.Unmarshal([]byte(change), &msg); err != nil || msg["message"] != "fetching password" || msg["timestamp"] == nil {
		t.Errorf("progress change = %q (%v)", change, err)
	}
	s.mustCallID(ms, "StringsWatcher", 1, "Stop", wid)
	_, err := s.callID(ms, "StringsWatcher", 1, "Next", wid, nil)
	if errCode(err) != CodeNotFound {
		t.Errorf("Next after Stop: %v", err)
	}
	res := s.mustCall(ms, "Action", 7, "Actions", map[string]any{"entities": []any{map[string]any{"tag": "action-1"}, map[string]any{"tag": "action-2"}, map[string]any{"tag": "action-99"}}})
	if get(res, "results", 0, "status") != "completed" || get(res, "results", 0, "output", "password") != "hunter2" ||
		get(res, "results", 1, "status") != "failed" || get(res, "results", 1, "message") != "disk full" ||
		get(res, "results", 2, "error", "code") != CodeNotFound {
		t.Errorf("Actions = %v", res)
	}
	ops := s.mustCall(ms, "Action", 7, "Operations", map[string]any{"entities": []any{map[string]any{"tag": "operation-0"}}})
	if get(ops, "results", 0, "status") != "failed" || len(get(ops, "results", 0, "actions").([]any)) != 2 {
		t.Errorf("Operations = %v", ops)
	}
	lo := s.mustCall(ms, "Action", 7, "ListOperations", map[string]any{"applications": []string{"pg"}, "actions": []string{"get-password"}})
	if len(get(lo, "results").([]any)) != 1 {
		t.Errorf("ListOperations = %v", lo)
	}
	acts := s.mustCall(ms, "Action", 7, "ApplicationsCharmsActions", map[string]any{"entities": []any{map[string]any{"tag": "application-pg"}}})
	if get(acts, "results", 0, "actions", "get-password", "description") == nil {
		t.Errorf("ApplicationsCharmsActions = %v", acts)
	}
	run := s.mustCall(ms, "Action", 7, "Run", map[string]any{"commands": "hostname", "applications": []string{"pg"}, "timeout": 0})
	if len(get(run, "actions").([]any)) != 2 {
		t.Fatalf("Run = %v", run)
	}
	s.advance(time.Second)
	tag := get(run, "actions", 0, "action", "tag")
	res = s.mustCall(ms, "Action", 7, "Actions", map[string]any{"entities": []any{map[string]any{"tag": tag}}})
	if get(res, "results", 0, "output", "return-code") != 0.0 {
		t.Errorf("exec result = %v", res)
	}
}

func (s *sim) mustCallID(sess *Session, facade string, version int, method, id string) map[string]any {
	s.t.Helper()
	res, err := s.callID(sess, facade, version, method, id, nil)
	if err != nil {
		s.t.Fatalf("%s.%s: %v", facade, method, err)
	}
	return res
}

func TestWatcherNextBlocksUntilChange(t *testing.T) {
	s := newSim(t, Config{})
	m := s.c.DefaultModelUUID()
	ms := s.admin(m)
	deployHub(s, ms, "postgresql", "pg", 1)
	s.advance(5 * time.Second)
	s.c.SetActionResult(m, "pg", "get-password", ActionOutcome{Log: []string{"one"}})
	enq := s.mustCall(ms, "Action", 7, "EnqueueOperation", map[string]any{"actions": []any{map[string]any{"receiver": "pg/0", "name": "get-password"}}})
	tag := get(enq, "actions", 0, "action", "tag")
	w := s.mustCall(ms, "Action", 7, "WatchActionsProgress", map[string]any{"entities": []any{map[string]any{"tag": tag}}})
	wid := get(w, "results", 0, "watcher-id").(string)
	done := make(chan map[string]any, 1)
	errc := make(chan error, 1)
	go func() {
		res, err := s.c.Call(context.Background(), ms, "StringsWatcher", 1, "Next", wid, json.RawMessage(`{}`))
		if err != nil {
			errc <- err
			return
		}
		b, _ := json.Marshal(res)
		var out map[string]any
		_ = json.Unmarshal(b, &out)
		done <- out
	}()
	s.advance(time.Second) // the action starts and logs
	select {
	case res := <-done:
		if len(get(res, "changes").([]any)) != 1 {
			t.Errorf("Next = %v", res)
		}
	case err := <-errc:
		t.Fatal(err)
	}
	// A blocked Next returns when the session ends.
	go func() {
		_, err := s.c.Call(context.Background(), ms, "StringsWatcher", 1, "Next", wid, json.RawMessage(`{}`))
		errc <- err
	}()
	s.c.EndSession(ms)
	// Either the Next was already blocked (stopped) or it came after the
	// session ended (the watcher is gone); it must not hang.
	if err := <-errc; errCode(err) != CodeStopped && errCode(err) != CodeNotFound {
		t.Errorf("Next after EndSession: %v", err)
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
