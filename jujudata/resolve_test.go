package jujudata_test

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gojuju/juju/jujudata"
)

func TestResolveModel(t *testing.T) {
	prodWeb := &jujudata.Resolved{Controller: "prod", Model: "bob@external/web", ModelUUID: "aaaaaaaa-0000-4000-8000-000000000001", ModelType: "iaas"}
	prodShared := &jujudata.Resolved{Controller: "prod", Model: "alice/shared", ModelUUID: "bbbbbbbb-0000-4000-8000-000000000002", ModelType: "caas"}
	devDefault := &jujudata.Resolved{Controller: "dev", Model: "admin/default", ModelUUID: "cccccccc-0000-4000-8000-000000000003", ModelType: "iaas"}
	devController := &jujudata.Resolved{Controller: "dev", Model: "admin/controller", ModelUUID: "dddddddd-0000-4000-8000-000000000004", ModelType: "iaas"}
	tests := []struct {
		name string
		arg  string
		env  map[string]string
		want *jujudata.Resolved
		err  error
	}{
		{name: "current controller and model", want: prodWeb},
		{name: "bare name qualified with external user", arg: "web", want: prodWeb},
		{name: "qualified name", arg: "alice/shared", want: prodShared},
		{name: "controller:bare", arg: "dev:default", want: devDefault},
		{name: "controller:qualified", arg: "dev:admin/controller", want: devController},
		{name: "controller: means its current model", arg: "dev:", want: devDefault},
		{name: "unknown model is not an error", arg: "dev:admin/new", want: &jujudata.Resolved{Controller: "dev", Model: "admin/new"}},
		{name: "unknown bare model is qualified", arg: "dev:new", want: &jujudata.Resolved{Controller: "dev", Model: "admin/new"}},
		{name: "uuid prefix", arg: "dev:dddddddd-00", want: devController},
		{name: "full uuid", arg: "bbbbbbbb-0000-4000-8000-000000000002", want: prodShared},
		{name: "short uuid prefix is a name", arg: "dev:ddddd", want: &jujudata.Resolved{Controller: "dev", Model: "admin/ddddd"}},
		{name: "JUJU_MODEL bare", env: map[string]string{"JUJU_MODEL": "alice/shared"}, want: prodShared},
		{name: "JUJU_MODEL with controller", env: map[string]string{"JUJU_MODEL": "dev:controller"}, want: devController},
		{name: "JUJU_MODEL controller only", env: map[string]string{"JUJU_MODEL": "dev:"}, want: devDefault},
		{name: "JUJU_CONTROLLER", env: map[string]string{"JUJU_CONTROLLER": "dev"}, want: devDefault},
		{name: "JUJU_CONTROLLER with bare JUJU_MODEL", env: map[string]string{"JUJU_CONTROLLER": "dev", "JUJU_MODEL": "controller"}, want: devController},
		{name: "JUJU_MODEL and JUJU_CONTROLLER agree", env: map[string]string{"JUJU_CONTROLLER": "dev", "JUJU_MODEL": "dev:controller"}, want: devController},
		{name: "conflict", env: map[string]string{"JUJU_CONTROLLER": "prod", "JUJU_MODEL": "dev:controller"}, err: jujudata.ErrConflict},
		{name: "flag overrides env model", arg: "prod:web", env: map[string]string{"JUJU_MODEL": "dev:controller"}, want: prodWeb},
		{name: "flag model without controller uses env controller", arg: "default", env: map[string]string{"JUJU_CONTROLLER": "dev"}, want: devDefault},
		{name: "flag without controller still sees env conflict", arg: "default", env: map[string]string{"JUJU_CONTROLLER": "prod", "JUJU_MODEL": "dev:x"}, err: jujudata.ErrConflict},
		{name: "unknown controller", arg: "nosuch:m", err: jujudata.ErrNotFound},
		{name: "unknown env controller", env: map[string]string{"JUJU_CONTROLLER": "nosuch"}, err: jujudata.ErrNotFound},
		{name: "controller without current model", env: map[string]string{"JUJU_CONTROLLER": "lonely"}, err: jujudata.ErrNoCurrentModel},
		{name: "bare name without account", arg: "lonely:m", err: jujudata.ErrNotFound},
		{name: "qualified name without account", arg: "lonely:bob/m", want: &jujudata.Resolved{Controller: "lonely", Model: "bob/m"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStore(t, map[string]string{
				jujudata.ControllersFileName: strings.Replace(controllersYAML, "controllers:\n", "controllers:\n  lonely:\n    uuid: u\n", 1),
				jujudata.AccountsFileName:    accountsYAML,
				jujudata.ModelsFileName:      modelsYAML,
			}, tt.env)
			got, err := s.ResolveModel(tt.arg)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("ResolveModel(%q) error = %v, want %v", tt.arg, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ResolveModel(%q): %v", tt.arg, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ResolveModel(%q) mismatch (-want +got):\n%s", tt.arg, diff)
			}
		})
	}
}

func TestResolveController(t *testing.T) {
	tests := []struct {
		name string
		arg  string
		env  map[string]string
		want string
		err  error
	}{
		{name: "current", want: "prod"},
		{name: "explicit", arg: "dev", want: "dev"},
		{name: "explicit beats env", arg: "dev", env: map[string]string{"JUJU_CONTROLLER": "prod", "JUJU_MODEL": "prod:x"}, want: "dev"},
		{name: "JUJU_CONTROLLER", env: map[string]string{"JUJU_CONTROLLER": "dev"}, want: "dev"},
		{name: "JUJU_MODEL controller part", env: map[string]string{"JUJU_MODEL": "dev:x"}, want: "dev"},
		{name: "JUJU_MODEL controller-only", env: map[string]string{"JUJU_MODEL": "dev:"}, want: "dev"},
		{name: "JUJU_MODEL beats current", env: map[string]string{"JUJU_MODEL": "dev:x", "JUJU_CONTROLLER": "dev"}, want: "dev"},
		{name: "bare JUJU_MODEL is ignored", env: map[string]string{"JUJU_MODEL": "x", "JUJU_CONTROLLER": "dev"}, want: "dev"},
		{name: "empty controller part ignored", env: map[string]string{"JUJU_MODEL": ":x"}, want: "prod"},
		{name: "conflict", env: map[string]string{"JUJU_MODEL": "dev:x", "JUJU_CONTROLLER": "prod"}, err: jujudata.ErrConflict},
		{name: "unknown", arg: "nosuch", err: jujudata.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := fullStore(t, tt.env)
			got, err := s.ResolveController(tt.arg)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("ResolveController(%q) error = %v, want %v", tt.arg, err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ResolveController(%q) = %q, %v; want %q", tt.arg, got, err, tt.want)
			}
		})
	}
}

func TestResolveNoControllers(t *testing.T) {
	s := newStore(t, nil, nil)
	_, err := s.ResolveController("")
	if !errors.Is(err, jujudata.ErrNoCurrentController) || !errors.Is(err, jujudata.ErrNotFound) {
		t.Fatalf("ResolveController on empty store: %v", err)
	}
	_, err = s.ResolveModel("")
	if !errors.Is(err, jujudata.ErrNoCurrentController) {
		t.Fatalf("ResolveModel on empty store: %v", err)
	}
}

func TestNoControllersNamesTheDirectory(t *testing.T) {
	existing := t.TempDir()
	missing := filepath.Join(t.TempDir(), "nonexist")
	for _, tt := range []struct {
		name string
		cfg  jujudata.Config
		want string
	}{
		{"JUJU_DATA missing", jujudata.Config{Getenv: env(map[string]string{"JUJU_DATA": missing})},
			"cannot resolve controller: no current controller: no controllers registered in " + missing + " ($JUJU_DATA), which does not exist"},
		{"JUJU_DATA empty", jujudata.Config{Getenv: env(map[string]string{"JUJU_DATA": existing})},
			"cannot resolve controller: no current controller: no controllers registered in " + existing + " ($JUJU_DATA)"},
		{"Config.Dir", jujudata.Config{Dir: existing, Getenv: env(nil)},
			"cannot resolve controller: no current controller: no controllers registered in " + existing},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, err := jujudata.New(tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			_, err = s.ResolveController("")
			if !errors.Is(err, jujudata.ErrNoCurrentController) || err.Error() != tt.want {
				t.Fatalf("ResolveController error = %v\nwant                      %s", err, tt.want)
			}
			if _, err := s.ResolveModel(""); err == nil || !strings.Contains(err.Error(), tt.want[len("cannot resolve controller: "):]) {
				t.Errorf("ResolveModel error = %v, want it to contain the directory", err)
			}
		})
	}
}

func TestConflictMessage(t *testing.T) {
	s := fullStore(t, map[string]string{"JUJU_MODEL": "dev:x", "JUJU_CONTROLLER": "prod"})
	_, err := s.ResolveController("")
	const want = "cannot resolve controller: conflicting environment variables: controller name from JUJU_MODEL (dev) conflicts with value in JUJU_CONTROLLER (prod)"
	if err == nil || err.Error() != want {
		t.Fatalf("error = %v\nwant    %s", err, want)
	}
}

func TestNameHelpers(t *testing.T) {
	tests := []struct {
		user, name, want string
	}{
		{"bob", "mymodel", "bob/mymodel"},
		{"bob@external", "mymodel", "bob@external/mymodel"},
		{"admin@local", "default", "admin/default"},
		{"bob", "alice/theirs", "alice/theirs"},
	}
	for _, tt := range tests {
		if got := jujudata.QualifyModelName(tt.user, tt.name); got != tt.want {
			t.Errorf("QualifyModelName(%q, %q) = %q, want %q", tt.user, tt.name, got, tt.want)
		}
	}
	for _, tt := range []struct{ in, c, m string }{
		{"a:b", "a", "b"}, {"b", "", "b"}, {"a:", "a", ""}, {":b", "", "b"}, {"a:b:c", "a", "b:c"}, {"a:q/m", "a", "q/m"},
	} {
		c, m := jujudata.SplitControllerModel(tt.in)
		if c != tt.c || m != tt.m {
			t.Errorf("SplitControllerModel(%q) = %q, %q; want %q, %q", tt.in, c, m, tt.c, tt.m)
		}
	}
	if q, m, ok := jujudata.SplitQualifiedModel("bob/m"); q != "bob" || m != "m" || !ok {
		t.Errorf("SplitQualifiedModel(bob/m) = %q, %q, %v", q, m, ok)
	}
	if _, m, ok := jujudata.SplitQualifiedModel("m"); m != "m" || ok {
		t.Errorf("SplitQualifiedModel(m) = %q, %v", m, ok)
	}
	r := jujudata.Resolved{Controller: "c", Model: "q/m"}
	if r.String() != "c:q/m" || (jujudata.Resolved{Controller: "c"}).String() != "c" {
		t.Errorf("Resolved.String wrong: %q", r.String())
	}
}
