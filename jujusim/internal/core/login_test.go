package core

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLogin(t *testing.T) {
	s := newSim(t, Config{ControllerUUID: "deadbeef-1bad-500d-9000-4b1d0d06f00d"})
	model := s.c.DefaultModelUUID()
	if err := s.c.AddUser("bob", "bobpw", Grant{ModelUUID: model, Access: "read"}); err != nil {
		t.Fatal(err)
	}
	if err := s.c.AddUser("eve", "evepw"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		model      string
		user, pass string
		code, msg  string
		ctrlAccess string
		modelAcc   string
	}{
		{name: "admin model", model: model, user: "admin", pass: "s3cret", ctrlAccess: "superuser", modelAcc: "admin"},
		{name: "admin controller", user: "admin", pass: "s3cret", ctrlAccess: "superuser"},
		{name: "bad password", model: model, user: "admin", pass: "nope", code: CodeUnauthorized, msg: "invalid entity name or password"},
		{name: "unknown user", user: "mallory", pass: "x", code: CodeUnauthorized, msg: "invalid entity name or password"},
		{name: "unknown model", model: "0f0f0f0f-0000-4000-8000-000000000000", user: "admin", pass: "s3cret",
			code: CodeModelNotFound, msg: `unknown model: "0f0f0f0f-0000-4000-8000-000000000000"`},
		{name: "reader", model: model, user: "bob", pass: "bobpw", ctrlAccess: "login", modelAcc: "read"},
		{name: "no model access", model: model, user: "eve", pass: "evepw", code: CodeUnauthorized, msg: "permission denied"},
		{name: "eve controller", user: "eve", pass: "evepw", ctrlAccess: "login"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sess, res, err := s.login(tt.model, tt.user, tt.pass)
			if tt.code != "" {
				wantErr(t, err, tt.code, tt.msg)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if sess.User() != tt.user || sess.ModelUUID() != tt.model {
				t.Errorf("session = %q/%q", sess.User(), sess.ModelUUID())
			}
			if got := get(res, "user-info", "controller-access"); got != tt.ctrlAccess {
				t.Errorf("controller-access = %v, want %v", got, tt.ctrlAccess)
			}
			if got := get(res, "user-info", "model-access"); got != tt.modelAcc {
				t.Errorf("model-access = %v, want %v", got, tt.modelAcc)
			}
			if got := get(res, "controller-tag"); got != "controller-deadbeef-1bad-500d-9000-4b1d0d06f00d" {
				t.Errorf("controller-tag = %v", got)
			}
			wantModelTag := any(nil)
			if tt.model != "" {
				wantModelTag = "model-" + tt.model
			}
			if got := get(res, "model-tag"); got != wantModelTag {
				t.Errorf("model-tag = %v, want %v", got, wantModelTag)
			}
			if got := get(res, "servers", 0, 0); !cmp.Equal(got, map[string]any{"value": "127.0.0.1", "type": "ipv4", "scope": "local-machine", "port": float64(17070)}) {
				t.Errorf("servers = %v", got)
			}
			if got := get(res, "server-version"); got != "4.0.15" {
				t.Errorf("server-version = %v", got)
			}
		})
	}
}

// facadeNames returns name -> versions from a login result.
func facadeNames(res map[string]any) map[string][]int {
	out := map[string][]int{}
	for _, f := range get(res, "facades").([]any) {
		fm := f.(map[string]any)
		var vs []int
		for _, v := range fm["versions"].([]any) {
			vs = append(vs, int(v.(float64)))
		}
		out[fm["name"].(string)] = vs
	}
	return out
}

func TestLoginFacadeLists(t *testing.T) {
	tests := []struct {
		version    string
		controller bool
		want       map[string][]int // a sample that must be there
		absent     []string
		count      int
	}{
		{"4.0.15", true, map[string][]int{"ModelManager": {10, 11}, "Controller": {12, 13, 14}, "Cloud": {7, 8}, "Pinger": {1}}, []string{"Client", "Admin", "AllModelWatcher"}, 14},
		{"4.0.15", false, map[string][]int{"Client": {8}, "Application": {19, 20, 21, 22}, "MachineManager": {11}, "ModelConfig": {3, 4}}, []string{"AllWatcher", "ModelManager", "Admin"}, 76},
		{"3.6.28", true, map[string][]int{"ModelManager": {9, 10}, "Controller": {11, 12}, "AllModelWatcher": {4}}, []string{"Client"}, 0},
		{"3.6.28", false, map[string][]int{"Client": {6, 7, 8}, "AllWatcher": {3}, "MachineManager": {9, 10}, "ModelConfig": {3}}, []string{"ModelManager"}, 0},
	}
	for _, tt := range tests {
		s := newSim(t, Config{JujuVersion: tt.version})
		model := s.c.DefaultModelUUID()
		if tt.controller {
			model = ""
		}
		_, res, err := s.login(model, "admin", "s3cret")
		if err != nil {
			t.Fatal(err)
		}
		got := facadeNames(res)
		for n, vs := range tt.want {
			if !cmp.Equal(got[n], vs) {
				t.Errorf("%s controller=%v: %s versions = %v, want %v", tt.version, tt.controller, n, got[n], vs)
			}
		}
		for _, n := range tt.absent {
			if _, ok := got[n]; ok {
				t.Errorf("%s controller=%v: %s listed", tt.version, tt.controller, n)
			}
		}
		if tt.count != 0 && len(got) != tt.count {
			t.Errorf("%s controller=%v: %d facades, want %d", tt.version, tt.controller, len(got), tt.count)
		}
		if get(res, "server-version") != tt.version {
			t.Errorf("server-version = %v", get(res, "server-version"))
		}
	}
}

func TestDispatchErrors(t *testing.T) {
	s := newSim(t, Config{})
	msess := s.admin(s.c.DefaultModelUUID())
	csess := s.admin("")
	tests := []struct {
		name      string
		sess      *Session
		facade    string
		version   int
		method    string
		code, msg string
	}{
		{"unknown facade", msess, "NoSuchFacade", 1, "Foo", CodeNotImplemented, `unknown version 1 for facade type "NoSuchFacade"`},
		{"unknown version", msess, "Client", 99, "FullStatus", CodeNotImplemented, `unknown version 99 for facade type "Client"`},
		{"version zero", msess, "NoSuchFacade", 0, "Foo", CodeNotImplemented, `unknown facade type "NoSuchFacade"`},
		{"unknown method", msess, "Client", 8, "NoSuchMethod", CodeNotImplemented, `unknown method "NoSuchMethod" at version 8 for facade type "Client"`},
		{"controller facade on model", msess, "ModelManager", 11, "ListModels", CodeNotSupported, `facade "ModelManager" not supported for model API connection`},
		{"model facade on controller", csess, "Client", 8, "FullStatus", CodeNotSupported, `facade "Client" not supported for controller API connection`},
		{"before login", nil, "Client", 8, "FullStatus", CodeNotImplemented, `unknown version 8 for facade type "Client"`},
		{"watchall on 4.0", msess, "Client", 8, "WatchAll", CodeNotImplemented, "WatchAll not implemented"},
		{"allwatcher absent on 4.0", msess, "AllWatcher", 3, "Next", CodeNotImplemented, `unknown version 3 for facade type "AllWatcher"`},
		{"second login", msess, "Admin", 3, "Login", "", "already logged in"},
		{"real but not simulated", msess, "Block", 2, "List", CodeNotSupported, "Block.List (facade version 2) is not simulated by jujusim"},
		{"not simulated in a simulated facade", msess, "Application", 20, "MergeBindings", CodeNotSupported, "Application.MergeBindings (facade version 20) is not simulated by jujusim"},
		{"not simulated, facade without a server", msess, "Backups", 3, "Create", CodeNotSupported, "Backups.Create (facade version 3) is not simulated by jujusim"},
		{"below a method's first version", msess, "Secrets", 1, "CreateSecrets", CodeNotImplemented, `unknown method "CreateSecrets" at version 1 for facade type "Secrets"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.c.Call(context.Background(), tt.sess, tt.facade, tt.version, tt.method, "", json.RawMessage(`{}`))
			wantErr(t, err, tt.code, tt.msg)
		})
	}
}

func TestControllerDetails(t *testing.T) {
	s := newSim(t, Config{})
	res := s.mustCall(s.admin(s.c.DefaultModelUUID()), "HighAvailability", 3, "ControllerDetails", nil)
	if get(res, "results", 0, "controller-id") != "0" || get(res, "results", 0, "api-addresses", 0) != "127.0.0.1:17070" {
		t.Errorf("ControllerDetails = %v", res)
	}
}

func TestPinger(t *testing.T) {
	s := newSim(t, Config{})
	for _, sess := range []*Session{s.admin(""), s.admin(s.c.DefaultModelUUID())} {
		res := s.mustCall(sess, "Pinger", 1, "Ping", nil)
		if len(res) != 0 {
			t.Errorf("Ping = %v, want {}", res)
		}
	}
}

func TestCheckHTTPAuth(t *testing.T) {
	s := newSim(t, Config{})
	m := s.c.DefaultModelUUID()
	if err := s.c.CheckHTTPAuth("user-admin", "s3cret", m); err != nil {
		t.Errorf("admin: %v", err)
	}
	if err := s.c.CheckHTTPAuth("admin", "s3cret", ""); err != nil {
		t.Errorf("admin controller: %v", err)
	}
	wantErr(t, s.c.CheckHTTPAuth("user-admin", "bad", m), CodeUnauthorized, "invalid entity name or password")
	wantErr(t, s.c.CheckHTTPAuth("user-admin", "s3cret", "nope"), CodeModelNotFound, `unknown model: "nope"`)
}
