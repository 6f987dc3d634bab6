package juju

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gojuju/juju/internal/facades"
	"github.com/gojuju/juju/internal/testshared"
	"github.com/google/go-cmp/cmp"
)

// lxdCloud is a cloud the simulator and the real test bed both take with
// Force.
var lxdCloud = Cloud{Name: "lxdcloud", Type: "lxd", AuthTypes: []string{"certificate"}, Endpoint: "https://10.0.0.1:8443", Regions: []string{"default"}}

func TestCloudAdmin(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			parallel(t)
			srv, c, m := simModel(t, v)
			r := record(c)
			ctx := testCtx(t)
			if err := srv.AddUser("bob", "bob-pass"); err != nil {
				t.Fatal(err)
			}

			// show-cloud: Cloud.CloudInfo, its details flat beside the users.
			cl, err := c.ShowCloud(ctx, "dummy")
			if err != nil {
				t.Fatal(err)
			}
			sameJSON(t, "CloudInfo params", lastParams(t, r, "Cloud", "CloudInfo"), wave2Request(t, "show-cloud", "CloudInfo"))
			want := &Cloud{Name: "dummy", Type: "dummy", Regions: []string{"dummy-region"}, AuthTypes: []string{"access-key", "userpass", "empty"}, Users: map[string]string{"admin": "admin"}}
			if diff := cmp.Diff(want, cl); diff != "" {
				t.Errorf("ShowCloud (-want +got):\n%s", diff)
			}

			// add-cloud: the dummy controller whitelists no cloud type.
			if err := c.AddCloud(ctx, lxdCloud, nil); !errors.Is(err, ErrIncompatibleCloud) || !errors.Is(err, ErrRefused) {
				t.Errorf("AddCloud without force: %v, want ErrIncompatibleCloud", err)
			}
			if _, err := c.ShowCloud(ctx, lxdCloud.Name); !errors.Is(err, ErrNotFound) {
				t.Errorf("a refused cloud was added: %v", err)
			}
			if err := c.AddCloud(ctx, Cloud{Name: "bogus", Type: "nosuch", AuthTypes: []string{"userpass"}}, &AddCloudOptions{Force: true}); !errors.Is(err, ErrNotValid) {
				t.Errorf("AddCloud of an unknown type: %v, want ErrNotValid", err)
			}
			if err := c.AddCloud(ctx, lxdCloud, &AddCloudOptions{Force: true}); err != nil {
				t.Fatal(err)
			}
			if err := c.AddCloud(ctx, lxdCloud, &AddCloudOptions{Force: true}); !errors.Is(err, ErrAlreadyExists) {
				t.Errorf("AddCloud twice: %v, want ErrAlreadyExists", err)
			}
			cl, err = c.ShowCloud(ctx, lxdCloud.Name)
			if err != nil || cl.Type != "lxd" || cl.Endpoint != lxdCloud.Endpoint || cl.Users["admin"] != "admin" {
				t.Fatalf("ShowCloud(lxdcloud) = %+v, %v", cl, err)
			}
			clouds, err := c.Clouds(ctx)
			if err != nil || len(clouds) != 2 {
				t.Fatalf("Clouds = %+v, %v", clouds, err)
			}
			upd := lxdCloud
			upd.Endpoint = "https://10.0.0.2:8443"
			if err := c.UpdateCloud(ctx, upd); err != nil {
				t.Fatal(err)
			}
			if cl, err := c.ShowCloud(ctx, upd.Name); err != nil || cl.Endpoint != upd.Endpoint {
				t.Errorf("after UpdateCloud: %+v, %v", cl, err)
			}

			// grant-cloud / revoke-cloud.
			if err := c.GrantCloud(ctx, "bob", "add-model", lxdCloud.Name); err != nil {
				t.Fatal(err)
			}
			if err := c.GrantCloud(ctx, "bob", "add-model", lxdCloud.Name); !errors.Is(err, ErrAlreadyExists) {
				t.Errorf("a grant bob has: %v, want ErrAlreadyExists", err)
			}
			if err := c.GrantCloud(ctx, "bob", "admin", lxdCloud.Name); err != nil {
				t.Fatal(err)
			}
			if err := c.GrantCloud(ctx, "bob", "add-model", lxdCloud.Name); !errors.Is(err, ErrAlreadyExists) {
				t.Errorf("a grant bob exceeds: %v, want ErrAlreadyExists (never a downgrade)", err)
			}
			if got := cloudUsers(t, c, lxdCloud.Name)["bob"]; got != "admin" {
				t.Errorf("bob's access after the refused downgrade: %q", got)
			}
			if err := c.RevokeCloud(ctx, "bob", "admin", lxdCloud.Name); err != nil {
				t.Fatal(err)
			}
			if got := cloudUsers(t, c, lxdCloud.Name)["bob"]; got != "add-model" {
				t.Errorf("bob's access after revoking admin: %q, want add-model", got)
			}
			if err := c.RevokeCloud(ctx, "bob", "add-model", lxdCloud.Name); err != nil {
				t.Fatal(err)
			}
			if _, ok := cloudUsers(t, c, lxdCloud.Name)["bob"]; ok {
				t.Errorf("bob still has access after revoking add-model")
			}

			// Credentials: wrong auth type, unknown cloud, add, update.
			cred := Credential{Cloud: lxdCloud.Name, Name: "mine", AuthType: "userpass", Attributes: map[string]string{"username": "u", "password": "p"}}
			if err := c.AddCredential(ctx, cred, nil); !errors.Is(err, ErrNotSupported) {
				t.Errorf("a userpass credential for a certificate cloud: %v, want ErrNotSupported", err)
			}
			cred.Cloud = "nosuch"
			if err := c.AddCredential(ctx, cred, nil); !errors.Is(err, ErrNotFound) {
				t.Errorf("a credential for an unknown cloud: %v, want ErrNotFound", err)
			}
			cred.Cloud = "dummy"
			if err := c.UpdateCredential(ctx, cred, nil); !errors.Is(err, ErrNotFound) {
				t.Errorf("UpdateCredential of a missing credential: %v, want ErrNotFound", err)
			}
			if err := c.AddCredential(ctx, cred, nil); err != nil {
				t.Fatal(err)
			}
			if err := c.AddCredential(ctx, cred, nil); !errors.Is(err, ErrAlreadyExists) {
				t.Errorf("AddCredential twice: %v, want ErrAlreadyExists", err)
			}
			cred.Attributes = map[string]string{"username": "u2", "password": "p2"}
			if err := c.UpdateCredential(ctx, cred, nil); err != nil {
				t.Fatal(err)
			}
			got, err := c.Credential(ctx, "dummy", "mine", &CredentialsOptions{IncludeSecrets: true})
			if err != nil || got.Attributes["username"] != "u2" || got.Attributes["password"] != "p2" || len(got.Models) != 0 {
				t.Fatalf("Credential(mine) = %v, %v", got, err)
			}

			// set-credential, then revoke-credential of one in use.
			if err := m.ChangeCredential(ctx, "mine"); err != nil {
				t.Fatal(err)
			}
			if info, err := c.ModelInfo(ctx, m.Name()); err != nil || info.Credential != "dummy/admin/mine" {
				t.Fatalf("model credential after ChangeCredential: %+v, %v", info, err)
			}
			if err := m.ChangeCredential(ctx, "nosuch"); !errors.Is(err, ErrNotFound) {
				t.Errorf("ChangeCredential(nosuch): %v, want ErrNotFound", err)
			}
			if err := c.RevokeCredential(ctx, "dummy", "mine", nil); !errors.Is(err, ErrCredentialInUse) {
				t.Errorf("revoking a credential in use: %v, want ErrCredentialInUse", err)
			}
			if _, err := c.Credential(ctx, "dummy", "mine", nil); err != nil {
				t.Errorf("a refused revoke removed the credential: %v", err)
			}
			if err := m.ChangeCredential(ctx, "default"); err != nil {
				t.Fatal(err)
			}
			if err := c.RevokeCredential(ctx, "dummy", "mine", nil); err != nil {
				t.Fatal(err)
			}
			if err := c.RevokeCredential(ctx, "dummy", "mine", nil); !errors.Is(err, ErrNotFound) {
				t.Errorf("revoking it again: %v, want ErrNotFound", err)
			}
			// With force, one in use goes and leaves its models without.
			cred.Name = "forced"
			if err := c.AddCredential(ctx, cred, nil); err != nil {
				t.Fatal(err)
			}
			if err := m.ChangeCredential(ctx, "forced"); err != nil {
				t.Fatal(err)
			}
			if err := c.RevokeCredential(ctx, "dummy", "forced", &RevokeCredentialOptions{Force: true}); err != nil {
				t.Fatal(err)
			}
			if _, err := c.Credential(ctx, "dummy", "forced", nil); !errors.Is(err, ErrNotFound) {
				t.Errorf("after a forced revoke: %v, want ErrNotFound", err)
			}

			// remove-cloud: not one that models are on.
			if err := c.RemoveCloud(ctx, "dummy"); !errors.Is(err, ErrCloudInUse) {
				t.Errorf("RemoveCloud(dummy): %v, want ErrCloudInUse", err)
			}
			if err := c.RemoveCloud(ctx, lxdCloud.Name); err != nil {
				t.Fatal(err)
			}
			if _, err := c.ShowCloud(ctx, lxdCloud.Name); !errors.Is(err, ErrNotFound) {
				t.Errorf("ShowCloud after RemoveCloud: %v, want ErrNotFound", err)
			}
			if err := c.RemoveCloud(ctx, lxdCloud.Name); !errors.Is(err, ErrNotFound) {
				t.Errorf("RemoveCloud twice: %v, want ErrNotFound", err)
			}
		})
	}
}

func cloudUsers(t *testing.T, c *Controller, cloud string) map[string]string {
	t.Helper()
	cl, err := c.ShowCloud(testCtx(t), cloud)
	if err != nil {
		t.Fatal(err)
	}
	return cl.Users
}

func TestCloudAdminBadInput(t *testing.T) {
	parallel(t)
	_, c, m := simModel(t, simVersions[0])
	r := record(c)
	ctx := testCtx(t)
	good := Credential{Cloud: "dummy", Name: "mine", AuthType: "userpass", Attributes: map[string]string{"username": "u", "password": "p"}}
	tests := []struct {
		name string
		do   func() error
		want error
	}{
		{"cloud name", func() error {
			return c.AddCloud(ctx, Cloud{Name: "bad_name", Type: "lxd", AuthTypes: []string{"certificate"}}, nil)
		}, ErrInvalidName},
		{"empty cloud name", func() error { return c.AddCloud(ctx, Cloud{Type: "lxd", AuthTypes: []string{"certificate"}}, nil) }, ErrInvalidName},
		{"no type", func() error { return c.AddCloud(ctx, Cloud{Name: "x", AuthTypes: []string{"certificate"}}, nil) }, ErrInvalidArgument},
		{"no auth types", func() error { return c.AddCloud(ctx, Cloud{Name: "x", Type: "lxd"}, nil) }, ErrInvalidArgument},
		{"unknown auth type", func() error { return c.AddCloud(ctx, Cloud{Name: "x", Type: "lxd", AuthTypes: []string{"bogus"}}, nil) }, ErrInvalidArgument},
		{"region", func() error {
			return c.AddCloud(ctx, Cloud{Name: "x", Type: "lxd", AuthTypes: []string{"certificate"}, Regions: []string{"a b"}}, nil)
		}, ErrInvalidName},
		{"update cloud name", func() error {
			return c.UpdateCloud(ctx, Cloud{Name: "a/b", Type: "lxd", AuthTypes: []string{"certificate"}})
		}, ErrInvalidName},
		{"remove cloud name", func() error { return c.RemoveCloud(ctx, "") }, ErrInvalidName},
		{"grant access", func() error { return c.GrantCloud(ctx, "bob", "superuser", "dummy") }, ErrInvalidArgument},
		{"grant user", func() error { return c.GrantCloud(ctx, "Bad User", "add-model", "dummy") }, ErrInvalidName},
		{"grant no cloud", func() error { return c.GrantCloud(ctx, "bob", "add-model") }, ErrInvalidArgument},
		{"revoke cloud name", func() error { return c.RevokeCloud(ctx, "bob", "admin", "bad cloud") }, ErrInvalidName},
		{"credential name", func() error { g := good; g.Name = "a/b"; return c.AddCredential(ctx, g, nil) }, ErrInvalidName},
		{"credential cloud", func() error { g := good; g.Cloud = ""; return c.UpdateCredential(ctx, g, nil) }, ErrInvalidName},
		{"credential auth type", func() error { g := good; g.AuthType = "bogus"; return c.AddCredential(ctx, g, nil) }, ErrInvalidArgument},
		{"revoke credential name", func() error { return c.RevokeCredential(ctx, "dummy", "", nil) }, ErrInvalidName},
		{"change credential", func() error { return m.ChangeCredential(ctx, "a b") }, ErrInvalidName},
		{"change credential owner", func() error { return m.ChangeCredential(ctx, "Bad Owner/x") }, ErrInvalidName},
	}
	for _, tt := range tests {
		expectNothingSent(t, r, func() {
			if err := tt.do(); !errors.Is(err, tt.want) || !errors.Is(err, ErrInvalidInput) {
				t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
			}
		})
	}
}

// A credential's attributes never reach the log, whatever the level.
func TestAddCredentialNotLogged(t *testing.T) {
	parallel(t)
	srv := startSim(t, simVersions[0])
	var buf bytes.Buffer
	cfg := simConfig(srv)
	cfg.Logger = newTestLogger(&buf)
	c, err := Connect(testCtx(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	const secret = "hunter2-credential"
	cred := Credential{Cloud: "dummy", Name: "mine", AuthType: "userpass", Attributes: map[string]string{"username": "u", "password": secret}}
	if err := c.AddCredential(testCtx(t), cred, nil); err != nil {
		t.Fatal(err)
	}
	if err := c.UpdateCredential(testCtx(t), cred, nil); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "UpdateCredentialsCheckModels") {
		t.Fatalf("the calls were not logged; the test would prove nothing:\n%s", buf.String())
	}
	if strings.Contains(buf.String(), secret) {
		t.Errorf("the log shows the credential's secret:\n%s", buf.String())
	}
}

// Each cloud and credential write resolves a lost reply into a definite
// answer and makes its change once.
func TestCloudAdminLostReplyResolved(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			parallel(t)
			srv, c, m := simModel(t, v)
			ctx := testCtx(t)
			if err := srv.AddUser("bob", "bob-pass"); err != nil {
				t.Fatal(err)
			}
			cred := Credential{Cloud: "dummy", Name: "mine", AuthType: "userpass", Attributes: map[string]string{"username": "u", "password": "p"}}
			upd := lxdCloud
			upd.Endpoint = "https://10.0.0.9:8443"
			steps := []struct {
				facade, method string
				do             func() error
			}{
				{"Cloud", "AddCloud", func() error { return c.AddCloud(ctx, lxdCloud, &AddCloudOptions{Force: true}) }},
				{"Cloud", "UpdateCloud", func() error { return c.UpdateCloud(ctx, upd) }},
				{"Cloud", "ModifyCloudAccess", func() error { return c.GrantCloud(ctx, "bob", "admin", lxdCloud.Name) }},
				{"Cloud", "ModifyCloudAccess", func() error { return c.RevokeCloud(ctx, "bob", "add-model", lxdCloud.Name) }},
				{"Cloud", "UpdateCredentialsCheckModels", func() error { return c.AddCredential(ctx, cred, nil) }},
				{"Cloud", "UpdateCredentialsCheckModels", func() error { return c.UpdateCredential(ctx, cred, nil) }},
				{"ModelManager", "ChangeModelCredential", func() error { return m.ChangeCredential(ctx, "mine") }},
				{"ModelManager", "ChangeModelCredential", func() error { return m.ChangeCredential(ctx, "default") }},
				{"Cloud", "RevokeCredentialsCheckModels", func() error { return c.RevokeCredential(ctx, "dummy", "mine", nil) }},
				{"Cloud", "RemoveClouds", func() error { return c.RemoveCloud(ctx, lxdCloud.Name) }},
			}
			for _, s := range steps {
				sent := dropReplyOf(c, srv, s.facade, s.method)
				if err := s.do(); err != nil {
					t.Fatalf("%s.%s with its reply lost: %v, want a definite success", s.facade, s.method, err)
				}
				if sent.Load() == 0 {
					t.Fatalf("%s.%s was never sent", s.facade, s.method)
				}
				c.requestHook.Store(nil)
				if s.method == "UpdateCloud" {
					if cl, err := c.ShowCloud(ctx, lxdCloud.Name); err != nil || cl.Endpoint != upd.Endpoint {
						t.Errorf("after UpdateCloud: %+v, %v", cl, err)
					}
				}
			}
			if _, err := c.ShowCloud(ctx, lxdCloud.Name); !errors.Is(err, ErrNotFound) {
				t.Errorf("the cloud after its removal: %v, want ErrNotFound", err)
			}
			if _, err := c.Credential(ctx, "dummy", "mine", nil); !errors.Is(err, ErrNotFound) {
				t.Errorf("the credential after its revocation: %v, want ErrNotFound", err)
			}
			if info, err := c.ModelInfo(ctx, m.Name()); err != nil || info.Credential != "dummy/admin/default" {
				t.Errorf("the model's credential: %+v, %v", info, err)
			}
		})
	}
}

// wave2Reply returns the response to the first request to method in a
// flow recorded against the real Juju 4.0 controller.
func wave2Reply(t *testing.T, flow, method string) json.RawMessage {
	t.Helper()
	path := filepath.Join(testshared.ConformanceWave2(t), flow+".jsonl")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("skipping: %v", err)
	}
	id := -1
	for _, line := range bytes.Split(data, []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		var rec struct {
			Kind, Dir string
			Msg       struct {
				Request   string          `json:"request"`
				RequestID int             `json:"request-id"`
				Response  json.RawMessage `json:"response"`
			} `json:"msg"`
		}
		if err := json.Unmarshal(line, &rec); err != nil {
			t.Fatalf("cannot read %s: %v", path, err)
		}
		switch {
		case rec.Kind != "ws-frame":
		case rec.Dir == "client->server" && rec.Msg.Request == method && id < 0:
			id = rec.Msg.RequestID
		case rec.Dir == "server->client" && id >= 0 && rec.Msg.RequestID == id:
			return rec.Msg.Response
		}
	}
	t.Fatalf("no reply to %s in %s", method, path)
	return nil
}

// The simulator's Cloud.CloudInfo and Cloud.Clouds replies are the real
// server's once decoded: the cloud's details flat beside its users.
func TestCloudInfoConformance(t *testing.T) {
	for _, flow := range []string{"show-cloud", "clouds", "clouds-with-k8s"} {
		t.Run(flow, func(t *testing.T) {
			parallel(t)
			srv := startSim(t, simVersions[0])
			if err := srv.AddCloud("caascloud", "kubernetes"); err != nil {
				t.Fatal(err)
			}
			c := connectSim(t, srv)
			var params any
			if err := json.Unmarshal(wave2Request(t, flow, "CloudInfo"), &params); err != nil {
				t.Fatal(err)
			}
			var got json.RawMessage
			if err := c.Call(testCtx(t), "Cloud", "CloudInfo", "", params, &got); err != nil {
				t.Fatal(err)
			}
			sameJSON(t, "CloudInfo reply", got, wave2Reply(t, flow, "CloudInfo"))
			if flow != "show-cloud" {
				var clouds json.RawMessage
				if err := c.Call(testCtx(t), "Cloud", "Clouds", "", nil, &clouds); err != nil {
					t.Fatal(err)
				}
				want := wave2Reply(t, flow, "Clouds")
				if flow == "clouds" {
					// Recorded before the test bed had a Kubernetes cloud.
					var m map[string]map[string]any
					if err := json.Unmarshal(clouds, &m); err != nil {
						t.Fatal(err)
					}
					delete(m["clouds"], "cloud-caascloud")
					clouds, _ = json.Marshal(m)
				}
				sameJSON(t, "Clouds reply", clouds, want)
			}
			// The generated wire type decodes it: the details are not
			// nested under "CloudDetails".
			var res facades.CloudInfoResults
			if err := json.Unmarshal(got, &res); err != nil || len(res.Results) == 0 || res.Results[0].Result == nil || res.Results[0].Result.Type == "" {
				t.Errorf("facades.CloudInfoResults of %s = %+v, %v", got, res, err)
			}
		})
	}
}
