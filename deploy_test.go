package juju

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gojuju/juju/jujusim"
)

// simModel connects to the simulator's default model.
func simModel(t *testing.T, version string) (*jujusim.Server, *Controller, *Model) {
	t.Helper()
	srv := startSim(t, version)
	c := connectSim(t, srv)
	m, err := c.Model(testCtx(t), "default")
	if err != nil {
		t.Fatal(err)
	}
	return srv, c, m
}

// charmArchive zips a test charm directory into a .charm file.
func charmArchive(t *testing.T, name string) string {
	t.Helper()
	data, err := zipCharmDir(filepath.Join("testdata", "charms", name))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), name+".charm")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// appNames lists the applications in the model's status.
func appNames(t *testing.T, m *Model) []string {
	t.Helper()
	conn, err := m.conn(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	var fs struct {
		Applications map[string]json.RawMessage `json:"applications"`
	}
	if err := conn.Call(testCtx(t), "Client", "FullStatus", "", map[string]any{"patterns": []string{}}, &fs); err != nil {
		t.Fatal(err)
	}
	return sortedKeys(fs.Applications)
}

func TestDeployCharmhub(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			parallel(t)
			_, c, m := simModel(t, v)
			r := record(c)
			ctx := testCtx(t)
			rev := 468
			app, err := m.Deploy(ctx, "postgresql", &DeployOptions{
				Name: "pg", Channel: "14/stable", Revision: &rev, Base: "ubuntu@22.04", NumUnits: 2,
				Config:      map[string]any{"profile": "testing", "plugin_pg_trgm_enable": true, "experimental_max_connections": 50},
				Constraints: Constraints{Mem: 2 * 1024}, Trust: true,
			})
			if err != nil {
				t.Fatal(err)
			}
			if app.Name() != "pg" {
				t.Errorf("app name %q", app.Name())
			}
			call, ok := r.last("Application", "DeployFromRepository")
			if !ok {
				t.Fatalf("no DeployFromRepository call: %v", r.methods(0))
			}
			b, _ := json.Marshal(call.Params)
			var sent struct {
				Args []map[string]any `json:"Args"`
			}
			if err := json.Unmarshal(b, &sent); err != nil || len(sent.Args) != 1 {
				t.Fatalf("params %s", b)
			}
			a := sent.Args[0]
			if a["CharmName"] != "postgresql" || a["ApplicationName"] != "pg" || a["channel"] != "14/stable" || a["revision"] != float64(468) ||
				a["num-units"] != float64(2) || a["Trust"] != true {
				t.Errorf("sent %s", b)
			}
			if diff := cmp.Diff(map[string]any{"name": "ubuntu", "channel": "22.04"}, a["base"]); diff != "" {
				t.Errorf("base (-want +got):\n%s", diff)
			}
			if !strings.Contains(a["ConfigYAML"].(string), "pg:") || !strings.Contains(a["ConfigYAML"].(string), `experimental_max_connections: "50"`) {
				t.Errorf("ConfigYAML %q", a["ConfigYAML"])
			}
			info, err := app.Info(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if info.Charm != "postgresql" || info.Base.Track() != "22.04" || info.Constraints.Mem != 2048 || !info.Principal {
				t.Errorf("info %+v", info)
			}
			cfg, err := app.Config(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if cfg["profile"].Value != "testing" || cfg["trust"].Value != true || cfg["plugin_pg_trgm_enable"].Value != true {
				t.Errorf("config %+v", cfg)
			}
			if diff := cmp.Diff([]string{"pg"}, appNames(t, m)); diff != "" {
				t.Errorf("apps (-want +got):\n%s", diff)
			}
			// Deploying the same name again is refused by the controller.
			_, err = m.Deploy(ctx, "postgresql", &DeployOptions{Name: "pg"})
			if !errors.Is(err, ErrAlreadyExists) && !errors.Is(err, ErrNotValid) {
				t.Errorf("second deploy: %v", err)
			}
			if err == nil || !strings.HasPrefix(err.Error(), `cannot deploy "pg": `) {
				t.Errorf("second deploy message: %v", err)
			}
		})
	}
}

func TestDeployLocal(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			parallel(t)
			_, c, m := simModel(t, v)
			r := record(c)
			ctx := testCtx(t)
			// An archive, with config checked against config.yaml.
			db, err := m.Deploy(ctx, charmArchive(t, "tiny-db"), &DeployOptions{
				Config: map[string]any{"greeting": "bonjour", "workers": 3, "ratio": 0.25, "debug": "true"},
			})
			if err != nil {
				t.Fatal(err)
			}
			if db.Name() != "tiny-db" {
				t.Errorf("name %q", db.Name())
			}
			if diff := cmp.Diff([]string{"ModelConfig.GetModelConstraints", "ModelConfig.ModelGet", "Charms.CharmInfo", "Application.Deploy"}, r.methods(0)); diff != "" {
				t.Errorf("calls (-want +got):\n%s", diff)
			}
			call, _ := r.last("Application", "Deploy")
			b, _ := json.Marshal(call.Params)
			for _, want := range []string{`"charm-url":"local:tiny-db-0"`, `"source":"local"`, `"channel":"24.04/stable"`, `"workers":"3"`, `"debug":"true"`, `"ratio":"0.25"`} {
				if !strings.Contains(string(b), want) {
					t.Errorf("Deploy params %s lack %s", b, want)
				}
			}
			cfg, err := db.Config(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if cfg["greeting"].Value != "bonjour" || cfg["greeting"].Source != "user" || cfg["workers"].Type != OptionInt {
				t.Errorf("config %+v %+v", cfg["greeting"], cfg["workers"])
			}
			// A directory, zipped by gojuju, with another name and base.
			app, err := m.Deploy(ctx, filepath.Join("testdata", "charms", "tiny-app"), &DeployOptions{Name: "web", Base: "ubuntu@22.04"})
			if err != nil {
				t.Fatal(err)
			}
			info, err := app.CharmInfo(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if info.Name != "tiny-app" || info.Requires["db"].Interface != "tiny-db" || !strings.HasPrefix(info.URL, "local:") {
				t.Errorf("charm info %+v", info)
			}
			// An already uploaded charm, by URL.
			if _, err := m.Deploy(ctx, "local:tiny-db-0", &DeployOptions{Name: "db2", Config: map[string]any{"workers": 2}}); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]string{"db2", "tiny-db", "web"}, appNames(t, m)); diff != "" {
				t.Errorf("apps (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDeployRefusesBadInput(t *testing.T) {
	_, c, m := simModel(t, "")
	r := record(c)
	ctx := testCtx(t)
	neg := -1
	db := charmArchive(t, "tiny-db")
	notCharm := filepath.Join(t.TempDir(), "x.charm")
	if err := os.WriteFile(notCharm, []byte("not a zip"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		charm string
		opts  *DeployOptions
		match error
		msg   string
	}{
		{"bad app name", "postgresql", &DeployOptions{Name: "Pg"}, ErrInvalidName,
			`cannot deploy "Pg": invalid application name "Pg": must be lower-case letters and digits in hyphen-separated parts, start with a letter, and have a letter in every part`},
		{"app name with digit part", "postgresql", &DeployOptions{Name: "pg-1"}, ErrInvalidName, `cannot deploy "pg-1": invalid application name "pg-1"`},
		{"bad charm name", "Postgres", nil, ErrInvalidName, `cannot deploy "Postgres": invalid charm name "Postgres"`},
		{"charm store", "cs:mysql", nil, ErrInvalidArgument, `cannot deploy "cs:mysql": invalid charm "cs:mysql": the charm store is gone`},
		{"negative units", "postgresql", &DeployOptions{NumUnits: -2}, ErrInvalidArgument, `cannot deploy "postgresql": invalid number of units "-2": must not be negative`},
		{"bad base", "postgresql", &DeployOptions{Base: "ubuntu@jammy"}, ErrInvalidBase, `cannot deploy "postgresql": invalid base "ubuntu@jammy": "jammy" is a series, not a version; use ubuntu@22.04`},
		{"base and series", "postgresql", &DeployOptions{Base: "ubuntu@22.04", Series: "jammy"}, ErrInvalidArgument, `cannot deploy "postgresql": invalid arguments "base=ubuntu@22.04 series=jammy": give a base or a series, not both`},
		{"revision without channel", "postgresql", &DeployOptions{Revision: new(int)}, ErrInvalidArgument, `cannot deploy "postgresql": invalid revision "0": needs a channel too`},
		{"negative revision", "postgresql", &DeployOptions{Revision: &neg, Channel: "stable"}, ErrInvalidArgument, `cannot deploy "postgresql": invalid revision "-1"`},
		{"bad constraints", "postgresql", &DeployOptions{Constraints: Constraints{Container: "docker"}}, ErrInvalidConstraints, `cannot deploy "postgresql": invalid constraints "container=docker"`},
		{"bad placement", "postgresql", &DeployOptions{To: []string{"lxd:x"}}, ErrInvalidPlacement, `cannot deploy "postgresql": invalid placement "lxd:x"`},
		{"too many placements", "postgresql", &DeployOptions{To: []string{"0", "1"}}, ErrInvalidPlacement, `cannot deploy "postgresql": invalid placement "0,1": 2 directives for 1 units`},
		{"bad storage", "postgresql", &DeployOptions{Storage: map[string]string{"data": "ebs,ten"}}, ErrInvalidArgument, `cannot deploy "postgresql": invalid storage directive "ebs,ten"`},
		{"bad binding", "postgresql", &DeployOptions{Bindings: map[string]string{"db": "Bad Space"}}, ErrInvalidName, `cannot deploy "postgresql": invalid space name "Bad Space"`},
		{"bad config type", "postgresql", &DeployOptions{Config: map[string]any{"x": []int{1}}}, ErrInvalidConfig, `cannot deploy "postgresql": invalid config value for "x": a []int cannot be a config value`},
		{"bad resource", "postgresql", &DeployOptions{Resources: map[string]string{"img": "/no/such/file"}}, ErrInvalidArgument, `cannot deploy "postgresql": invalid resource "img"`},
		{"attach storage to many", "postgresql", &DeployOptions{NumUnits: 2, AttachStorage: []string{"data/0"}}, ErrInvalidArgument, `cannot deploy "postgresql": invalid attach-storage "data/0"`},
		{"local config of wrong type", db, &DeployOptions{Config: map[string]any{"workers": "many"}}, ErrInvalidConfig,
			`cannot deploy "tiny-db": invalid config value for "workers": option is an integer; got "many"`},
		{"local config unknown key", db, &DeployOptions{Config: map[string]any{"colour": "red"}}, ErrInvalidConfig,
			`cannot deploy "tiny-db": invalid config key "colour": the charm has no such option (it has debug, greeting, ratio, workers)`},
		{"local base not supported", db, &DeployOptions{Base: "ubuntu@20.04"}, ErrInvalidBase, ``},
		{"local with channel", db, &DeployOptions{Channel: "edge"}, ErrInvalidArgument, `cannot deploy "tiny-db": invalid option "Channel/Revision": only for Charmhub charms`},
		{"not a charm", notCharm, nil, ErrInvalidCharm, `cannot deploy "` + notCharm + `": invalid charm "` + notCharm + `": not a zip archive`},
		{"missing path", "./nosuch", nil, ErrInvalidCharm, `cannot deploy "./nosuch": invalid charm "./nosuch"`},
		{"charm without hooks", filepath.Join("testdata", "charms"), nil, ErrInvalidCharm, ``},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			expectNothingSent(t, r, func() {
				_, err := m.Deploy(ctx, tt.charm, tt.opts)
				if !errors.Is(err, tt.match) || !errors.Is(err, ErrInvalidInput) || !strings.HasPrefix(err.Error(), tt.msg) {
					t.Errorf("error:\n got %v\nwant prefix %s (matching %v)", err, tt.msg, tt.match)
				}
			})
		})
	}
	if apps := appNames(t, m); len(apps) != 0 {
		t.Errorf("applications appeared: %v", apps)
	}
}

func TestSeriesAndBase(t *testing.T) {
	t.Run("juju4", func(t *testing.T) {
		_, c, m := simModel(t, jujusim.Juju40)
		r := record(c)
		ctx := testCtx(t)
		tests := []struct {
			series string
			msg    string
		}{
			{"jammy", `cannot deploy "postgresql": series "jammy" is not supported by Juju 4 controllers, which only know bases: use base "ubuntu@22.04" instead`},
			{"noble", `cannot deploy "postgresql": series "noble" is not supported by Juju 4 controllers, which only know bases: use base "ubuntu@24.04" instead`},
			{"bogus", `cannot deploy "postgresql": series "bogus" is not supported by Juju 4 controllers, which only know bases: use a base such as "ubuntu@24.04" instead`},
		}
		for _, tt := range tests {
			expectNothingSent(t, r, func() {
				_, err := m.Deploy(ctx, "postgresql", &DeployOptions{Series: tt.series})
				if !errors.Is(err, ErrSeriesNotSupported) || !errors.Is(err, ErrNotSupported) || err.Error() != tt.msg {
					t.Errorf("series %s:\n got %v\nwant %s", tt.series, err, tt.msg)
				}
				_, err = m.AddMachines(ctx, 1, &AddMachineOptions{Series: tt.series})
				if !errors.Is(err, ErrSeriesNotSupported) {
					t.Errorf("AddMachines series %s: %v", tt.series, err)
				}
			})
		}
		if apps := appNames(t, m); len(apps) != 0 {
			t.Errorf("applications appeared: %v", apps)
		}
	})
	t.Run("juju3.6", func(t *testing.T) {
		srv := startSim(t, jujusim.Juju36)
		var logs strings.Builder
		cfg := simConfig(srv)
		cfg.Logger = newTestLogger(&logs)
		c, err := Connect(testCtx(t), cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		r := record(c)
		ctx := testCtx(t)
		m, err := c.Model(ctx, "default")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.Deploy(ctx, "ubuntu", &DeployOptions{Series: "focal"}); err != nil {
			t.Fatal(err)
		}
		call, _ := r.last("Application", "DeployFromRepository")
		b, _ := json.Marshal(call.Params)
		if !strings.Contains(string(b), `"base":{"channel":"20.04","name":"ubuntu"}`) || strings.Contains(string(b), "series") {
			t.Errorf("sent %s", b)
		}
		if _, err := m.AddMachines(ctx, 1, &AddMachineOptions{Series: "jammy"}); err != nil {
			t.Fatal(err)
		}
		call, _ = r.last("MachineManager", "AddMachines")
		b, _ = json.Marshal(call.Params)
		if !strings.Contains(string(b), `"base":{"channel":"22.04","name":"ubuntu"}`) {
			t.Errorf("sent %s", b)
		}
		if n := strings.Count(logs.String(), "series is deprecated"); n != 1 {
			t.Errorf("deprecation logged %d times:\n%s", n, logs.String())
		}
		_, err = m.Deploy(ctx, "ubuntu", &DeployOptions{Name: "u2", Series: "bogus"})
		if !errors.Is(err, ErrInvalidBase) {
			t.Errorf("unknown series on 3.6: %v", err)
		}
	})
}

func TestDeployStorageBindingsPlacementShapes(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			parallel(t)
			_, c, m := simModel(t, v)
			ctx := testCtx(t)
			ids, err := m.AddMachines(ctx, 1, nil)
			if err != nil {
				t.Fatal(err)
			}
			r := record(c)
			_, err = m.Deploy(ctx, "postgresql", &DeployOptions{
				NumUnits: 2, To: []string{ids[0], "zone=z1"},
				Storage:  map[string]string{"pgdata": "rootfs,2G"},
				Bindings: map[string]string{"": "alpha"},
			})
			call, ok := r.last("Application", "DeployFromRepository")
			if !ok {
				t.Fatalf("not sent: %v (%v)", r.methods(0), err)
			}
			b, _ := json.Marshal(call.Params)
			key := `"storage":`
			if v == jujusim.Juju36 {
				key = `"Storage":`
			}
			for _, want := range []string{
				key + `{"pgdata":{"Count":0,"Pool":"rootfs","Size":2048}}`,
				`"Placement":[{"directive":"` + ids[0] + `","scope":"#"},{"directive":"zone=z1","scope":"` + m.UUID() + `"}]`,
				`"endpoint-bindings":{"":"alpha"}`,
			} {
				if !strings.Contains(string(b), want) {
					t.Errorf("DeployFromRepository params %s lack %s", b, want)
				}
			}
		})
	}
}
