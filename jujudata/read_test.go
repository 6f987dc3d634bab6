package jujudata_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gojuju/juju/jujudata"
)

func TestReadControllers(t *testing.T) {
	s := fullStore(t, nil)
	f, err := s.ReadControllers()
	if err != nil {
		t.Fatal(err)
	}
	seven := 7
	want := &jujudata.ControllersFile{
		Controllers: map[string]jujudata.ControllerDetails{
			"prod": {
				UUID:                         "0b3a8e5c-0000-4000-8000-000000000001",
				APIEndpoints:                 []string{"10.0.0.2:17070", "ctrl.example.com:443/path"},
				DNSCache:                     map[string][]string{"ctrl.example.com": {"1.2.3.4", "1.2.3.5"}},
				PublicHostname:               "ctrl.example.com",
				CACert:                       "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
				Cloud:                        "aws",
				Region:                       "us-east-1",
				CloudType:                    "ec2",
				AgentVersion:                 "4.0.15",
				ControllerMachineCount:       3,
				ActiveControllerMachineCount: 2,
				MachineCount:                 &seven,
				OIDCLogin:                    true,
				ProxyConfig: map[string]any{
					"type":   "kubernetes-port-forward",
					"config": map[string]any{"namespace": "controller-k8s", "remote-port": "17070"},
				},
			},
			"dev": {
				UUID:                         "0b3a8e5c-0000-4000-8000-000000000002",
				APIEndpoints:                 []string{"10.0.0.9:17070"},
				CACert:                       "CERT",
				Cloud:                        "lxd",
				ControllerMachineCount:       1,
				ActiveControllerMachineCount: 1,
			},
		},
		CurrentController:                    "prod",
		PreviousController:                   "dev",
		HasControllerChangedOnPreviousSwitch: true,
	}
	if diff := cmp.Diff(want, f); diff != "" {
		t.Errorf("ReadControllers mismatch (-want +got):\n%s", diff)
	}

	c, err := s.Controller("dev")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want.Controllers["dev"], *c); diff != "" {
		t.Errorf("Controller(dev) mismatch (-want +got):\n%s", diff)
	}
	all, err := s.Controllers()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want.Controllers, all); diff != "" {
		t.Errorf("Controllers mismatch (-want +got):\n%s", diff)
	}
	cur, err := s.CurrentController()
	if err != nil || cur != "prod" {
		t.Errorf("CurrentController = %q, %v; want prod", cur, err)
	}
}

func TestReadAccountsAndModels(t *testing.T) {
	s := fullStore(t, nil)
	a, err := s.Account("dev")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&jujudata.AccountDetails{User: "admin", Password: "s3cret", LastKnownAccess: "superuser"}, a); diff != "" {
		t.Errorf("Account mismatch (-want +got):\n%s", diff)
	}
	models, err := s.Models("dev")
	if err != nil {
		t.Fatal(err)
	}
	wantModels := map[string]jujudata.ModelDetails{
		"admin/default":    {UUID: "cccccccc-0000-4000-8000-000000000003", Type: "iaas", Branch: "master"},
		"admin/controller": {UUID: "dddddddd-0000-4000-8000-000000000004", Type: "iaas"},
	}
	if diff := cmp.Diff(wantModels, models); diff != "" {
		t.Errorf("Models mismatch (-want +got):\n%s", diff)
	}
	// Bare names are qualified with the account user.
	m, err := s.Model("prod", "web")
	if err != nil {
		t.Fatal(err)
	}
	if m.UUID != "aaaaaaaa-0000-4000-8000-000000000001" {
		t.Errorf("Model(prod, web).UUID = %q", m.UUID)
	}
	m, err = s.Model("prod", "alice/shared")
	if err != nil || m.Type != "caas" {
		t.Errorf("Model(prod, alice/shared) = %+v, %v", m, err)
	}
	cur, err := s.CurrentModel("dev")
	if err != nil || cur != "admin/default" {
		t.Errorf("CurrentModel(dev) = %q, %v", cur, err)
	}
	none, err := s.Models("nosuch")
	if err != nil || len(none) != 0 {
		t.Errorf("Models(nosuch) = %v, %v; want empty, nil", none, err)
	}
}

func TestNotFound(t *testing.T) {
	s := fullStore(t, nil)
	empty := newStore(t, nil, nil)
	tests := []struct {
		name string
		call func() error
		also error
	}{
		{"controller", func() error { _, err := s.Controller("nosuch"); return err }, nil},
		{"account", func() error { _, err := s.Account("nosuch"); return err }, nil},
		{"model", func() error { _, err := s.Model("dev", "admin/nosuch"); return err }, nil},
		{"model bare without account", func() error { _, err := s.Model("nosuch", "m"); return err }, nil},
		{"current model", func() error { _, err := s.CurrentModel("nosuch"); return err }, jujudata.ErrNoCurrentModel},
		{"current controller", func() error { _, err := empty.CurrentController(); return err }, jujudata.ErrNoCurrentController},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if !errors.Is(err, jujudata.ErrNotFound) {
				t.Fatalf("error %v does not match ErrNotFound", err)
			}
			if tt.also != nil && !errors.Is(err, tt.also) {
				t.Fatalf("error %v does not match %v", err, tt.also)
			}
		})
	}
}

func TestMissingFilesAreEmpty(t *testing.T) {
	s, err := jujudata.New(jujudata.Config{Dir: filepath.Join(t.TempDir(), "does", "not", "exist")})
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.Controllers()
	if err != nil || len(c) != 0 {
		t.Errorf("Controllers = %v, %v; want empty, nil", c, err)
	}
	a, err := s.ReadAccounts()
	if err != nil || len(a.Controllers) != 0 {
		t.Errorf("ReadAccounts = %v, %v; want empty, nil", a, err)
	}
	m, err := s.ReadModels()
	if err != nil || len(m.Controllers) != 0 {
		t.Errorf("ReadModels = %v, %v; want empty, nil", m, err)
	}
}

func TestEmptyAndNullContent(t *testing.T) {
	for _, content := range []string{"", "\n", "# only a comment\n", "~\n", "null", "---\n", "controllers:\n", "controllers: {}\n",
		"controllers:\n  x:\n", "controllers:\n  x:\n    models:\n"} {
		s := newStore(t, map[string]string{
			jujudata.ControllersFileName: content,
			jujudata.AccountsFileName:    content,
			jujudata.ModelsFileName:      content,
		}, nil)
		if _, err := s.ReadControllers(); err != nil {
			t.Errorf("ReadControllers(%q): %v", content, err)
		}
		if _, err := s.ReadAccounts(); err != nil {
			t.Errorf("ReadAccounts(%q): %v", content, err)
		}
		if _, err := s.Models("x"); err != nil {
			t.Errorf("Models(%q): %v", content, err)
		}
		if _, err := s.Model("x", "a/b"); !errors.Is(err, jujudata.ErrNotFound) {
			t.Errorf("Model(%q) = %v, want ErrNotFound", content, err)
		}
	}
}

func TestCorruptFiles(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		content string
		line    int
		msg     string
	}{
		{"unclosed flow sequence", jujudata.ControllersFileName, "controllers:\n  a:\n    uuid: x\n    api-endpoints: [a, b\n", 4, "did not find expected ',' or ']'"},
		{"unclosed flow mapping", jujudata.ModelsFileName, "controllers: {a: b\n", 2, "did not find expected ',' or '}'"},
		{"bad block mapping", jujudata.AccountsFileName, "controllers:\n  a:\n    user: x\n  - b\n", 2, "did not find expected key"},
		{"syntax", jujudata.ControllersFileName, "controllers:\n  a:\n    uuid: x\n    cloud: a: b\n", 4, "mapping values are not allowed"},
		{"tab indent", jujudata.AccountsFileName, "controllers:\n  a:\n\tuser: bob\n", 3, "found character that cannot start any token"},
		{"wrong type", jujudata.ControllersFileName, "controllers:\n  a:\n    uuid: x\n    controller-machine-count: lots\n", 4, "cannot unmarshal"},
		{"top level list", jujudata.ModelsFileName, "- a\n- b\n", 1, "cannot unmarshal"},
		{"duplicate key", jujudata.AccountsFileName, "controllers:\n  a:\n    user: x\n  a:\n    user: y\n", 4, "already defined"},
		{"models not a map", jujudata.ModelsFileName, "controllers:\n  c:\n    models: [1, 2]\n", 3, "cannot unmarshal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStore(t, map[string]string{tt.file: tt.content}, nil)
			var err error
			switch tt.file {
			case jujudata.ControllersFileName:
				_, err = s.ReadControllers()
			case jujudata.AccountsFileName:
				_, err = s.ReadAccounts()
			case jujudata.ModelsFileName:
				_, err = s.ReadModels()
			}
			var fe *jujudata.FileError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v (%T) is not a *FileError", err, err)
			}
			if fe.Path != s.Path(tt.file) {
				t.Errorf("Path = %q, want %q", fe.Path, s.Path(tt.file))
			}
			if fe.Line != tt.line {
				t.Errorf("Line = %d, want %d (error %q)", fe.Line, tt.line, err)
			}
			if !strings.Contains(err.Error(), tt.msg) || !strings.Contains(err.Error(), s.Path(tt.file)) {
				t.Errorf("error %q does not name the file or contain %q", err, tt.msg)
			}
		})
	}
}

func TestUnreadableFile(t *testing.T) {
	dir := t.TempDir()
	// A directory where a file is expected cannot be read as a file, even
	// by root (unlike a file with mode 0).
	if err := os.Mkdir(filepath.Join(dir, jujudata.ControllersFileName), 0o700); err != nil {
		t.Fatal(err)
	}
	s, err := jujudata.New(jujudata.Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Controllers()
	var fe *jujudata.FileError
	if !errors.As(err, &fe) || fe.Path != s.Path(jujudata.ControllersFileName) || fe.Line != 0 {
		t.Fatalf("error %v, want *FileError for %s with line 0", err, s.Path(jujudata.ControllersFileName))
	}
	if !strings.HasPrefix(err.Error(), "cannot read ") {
		t.Errorf("error %q does not start with \"cannot read\"", err)
	}
}

func TestDefaultDir(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
		err  bool
	}{
		{"JUJU_DATA wins", map[string]string{"JUJU_DATA": "/jd", "XDG_DATA_HOME": "/xdg", "HOME": "/home/u"}, "/jd", false},
		{"XDG next", map[string]string{"XDG_DATA_HOME": "/xdg", "HOME": "/home/u"}, "/xdg/juju", false},
		{"HOME last", map[string]string{"HOME": "/home/u"}, "/home/u/.local/share/juju", false},
		{"nothing", map[string]string{}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := jujudata.DefaultDir(env(tt.env))
			if (err != nil) != tt.err {
				t.Fatalf("DefaultDir error = %v, want error %v", err, tt.err)
			}
			if got != tt.want {
				t.Errorf("DefaultDir = %q, want %q", got, tt.want)
			}
			s, err := jujudata.New(jujudata.Config{Getenv: env(tt.env)})
			if (err != nil) != tt.err {
				t.Fatalf("New error = %v, want error %v", err, tt.err)
			}
			if err == nil && s.Dir() != tt.want {
				t.Errorf("Store.Dir = %q, want %q", s.Dir(), tt.want)
			}
		})
	}
	s, err := jujudata.New(jujudata.Config{Dir: "/explicit", Getenv: env(map[string]string{"JUJU_DATA": "/jd"})})
	if err != nil || s.Dir() != "/explicit" {
		t.Errorf("explicit Dir: %v, %v", s, err)
	}
}
