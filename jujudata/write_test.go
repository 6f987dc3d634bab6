package jujudata_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"

	"github.com/gojuju/juju/jujudata"
)

// generic decodes a file into plain maps, to see every key.
func generic(t *testing.T, path string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := yaml.Unmarshal(data, &m); err != nil {
		t.Fatalf("%s does not parse: %v\n%s", path, err, data)
	}
	return m
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

const controllersWithExtras = `# managed by juju; comment kept
controllers:
  prod:
    uuid: u-prod
    api-endpoints: ['10.0.0.2:17070']
    ca-cert: CERT
    cloud: aws
    controller-machine-count: 1
    active-controller-machine-count: 1
    future-key: {nested: [1, 2]}  # line comment kept
  other:
    uuid: u-other
    api-endpoints: ['10.0.0.3:17070']
    ca-cert: OTHER
    cloud: lxd
    controller-machine-count: 1
    active-controller-machine-count: 1
    another-future-key: x
current-controller: other
some-future-top-level: 42
`

func TestUpdateControllerPreservesUnknown(t *testing.T) {
	s := newStore(t, map[string]string{jujudata.ControllersFileName: controllersWithExtras}, nil)
	ctx := context.Background()
	three := 3
	details := jujudata.ControllerDetails{
		UUID:                         "u-prod",
		APIEndpoints:                 []string{"10.0.0.2:17070", "10.0.0.4:17070"},
		DNSCache:                     map[string][]string{"h": {"1.1.1.1"}},
		CACert:                       "-----BEGIN CERTIFICATE-----\nAAA\n-----END CERTIFICATE-----\n",
		Cloud:                        "aws",
		AgentVersion:                 "4.0.15",
		ControllerMachineCount:       3,
		ActiveControllerMachineCount: 3,
		MachineCount:                 &three,
		ProxyConfig:                  map[string]any{"type": "kubernetes-port-forward", "config": map[string]any{"port": 1}},
	}
	if err := s.UpdateController(ctx, "prod", details); err != nil {
		t.Fatal(err)
	}
	got, err := s.Controller("prod")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&details, got); diff != "" {
		t.Errorf("round trip mismatch (-want +got):\n%s", diff)
	}
	path := s.Path(jujudata.ControllersFileName)
	m := generic(t, path)
	ctrls := m["controllers"].(map[string]any)
	if diff := cmp.Diff(map[string]any{"nested": []any{1, 2}}, ctrls["prod"].(map[string]any)["future-key"]); diff != "" {
		t.Errorf("unknown key of updated entry not kept (-want +got):\n%s", diff)
	}
	if ctrls["other"].(map[string]any)["another-future-key"] != "x" {
		t.Errorf("unknown key of other entry not kept: %v", ctrls["other"])
	}
	if m["some-future-top-level"] != 42 || m["current-controller"] != "other" {
		t.Errorf("top-level keys not kept: %v", m)
	}
	text := readFile(t, path)
	for _, want := range []string{"# managed by juju; comment kept", "# line comment kept", "api-endpoints: ['10.0.0.2:17070', '10.0.0.4:17070']", "ca-cert: |"} {
		if !strings.Contains(text, want) {
			t.Errorf("written file lacks %q:\n%s", want, text)
		}
	}
	// Order of entries is kept: prod before other.
	if strings.Index(text, "prod:") > strings.Index(text, "other:") {
		t.Errorf("entry order changed:\n%s", text)
	}

	// Clearing optional fields removes their keys but not unknown ones.
	details.DNSCache, details.MachineCount, details.ProxyConfig, details.AgentVersion = nil, nil, nil, ""
	if err := s.UpdateController(ctx, "prod", details); err != nil {
		t.Fatal(err)
	}
	prod := generic(t, path)["controllers"].(map[string]any)["prod"].(map[string]any)
	for _, k := range []string{"dns-cache", "machine-count", "proxy-config", "agent-version"} {
		if _, ok := prod[k]; ok {
			t.Errorf("key %q still present after clearing: %v", k, prod)
		}
	}
	if _, ok := prod["future-key"]; !ok {
		t.Errorf("unknown key lost: %v", prod)
	}
}

func TestWriteToEmptyStore(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new", "juju")
	s, err := jujudata.New(jujudata.Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ctrl := jujudata.ControllerDetails{UUID: "u1", APIEndpoints: []string{"127.0.0.1:17070"}, CACert: "CA", Cloud: "sim"}
	if err := s.UpdateController(ctx, "sim", ctrl); err != nil {
		t.Fatal(err)
	}
	if err := s.SetCurrentController(ctx, "sim"); err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateAccount(ctx, "sim", jujudata.AccountDetails{User: "admin", Password: "pw", LastKnownAccess: "superuser"}); err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateModel(ctx, "sim", "admin/default", jujudata.ModelDetails{UUID: "m1", Type: "iaas"}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetCurrentModel(ctx, "sim", "admin/default"); err != nil {
		t.Fatal(err)
	}
	r, err := s.ResolveModel("")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&jujudata.Resolved{Controller: "sim", Model: "admin/default", ModelUUID: "m1", ModelType: "iaas"}, r); diff != "" {
		t.Errorf("ResolveModel mismatch (-want +got):\n%s", diff)
	}
	for _, name := range []string{jujudata.ControllersFileName, jujudata.AccountsFileName, jujudata.ModelsFileName} {
		fi, err := os.Stat(s.Path(name))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s mode = %v, want 0600", name, fi.Mode().Perm())
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	want := []string{jujudata.LockFileName, jujudata.AccountsFileName, jujudata.ControllersFileName, jujudata.ModelsFileName}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("store directory holds unexpected files (-want +got):\n%s", diff)
	}
	// The written files look like the CLI's: two-space indentation.
	const wantModels = "controllers:\n  sim:\n    models:\n      admin/default:\n        uuid: m1\n        type: iaas\n    current-model: admin/default\n"
	if got := readFile(t, s.Path(jujudata.ModelsFileName)); got != wantModels {
		t.Errorf("models.yaml =\n%s\nwant\n%s", got, wantModels)
	}
}

func TestCurrentSelection(t *testing.T) {
	s := fullStore(t, nil)
	ctx := context.Background()
	if err := s.SetCurrentController(ctx, "dev"); err != nil {
		t.Fatal(err)
	}
	f, err := s.ReadControllers()
	if err != nil {
		t.Fatal(err)
	}
	if f.CurrentController != "dev" || f.PreviousController != "prod" || !f.HasControllerChangedOnPreviousSwitch {
		t.Errorf("after switch to dev: %+v", f)
	}
	if err := s.SetCurrentController(ctx, "dev"); err != nil {
		t.Fatal(err)
	}
	if f, _ = s.ReadControllers(); f.HasControllerChangedOnPreviousSwitch || f.PreviousController != "prod" {
		t.Errorf("after switch to the same controller: %+v", f)
	}
	if err := s.SetCurrentController(ctx, "nosuch"); !errors.Is(err, jujudata.ErrNotFound) {
		t.Errorf("SetCurrentController(nosuch) = %v, want ErrNotFound", err)
	}

	if err := s.SetCurrentModel(ctx, "dev", "admin/controller"); err != nil {
		t.Fatal(err)
	}
	mf, err := s.ReadModels()
	if err != nil {
		t.Fatal(err)
	}
	if cm := mf.Controllers["dev"]; cm.CurrentModel != "admin/controller" || cm.PreviousModel != "admin/default" {
		t.Errorf("after SetCurrentModel: %+v", cm)
	}
	if err := s.SetCurrentModel(ctx, "dev", "admin/nosuch"); !errors.Is(err, jujudata.ErrNotFound) {
		t.Errorf("SetCurrentModel(nosuch) = %v, want ErrNotFound", err)
	}
	if err := s.SetCurrentModel(ctx, "dev", "bare"); !errors.Is(err, jujudata.ErrNotValid) {
		t.Errorf("SetCurrentModel(bare) = %v, want ErrNotValid", err)
	}
	if err := s.SetCurrentModel(ctx, "dev", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CurrentModel("dev"); !errors.Is(err, jujudata.ErrNoCurrentModel) {
		t.Errorf("CurrentModel after clearing = %v, want ErrNoCurrentModel", err)
	}
}

func TestRemove(t *testing.T) {
	s := fullStore(t, nil)
	ctx := context.Background()
	cookies := filepath.Join(s.Dir(), jujudata.CookiesDirName)
	if err := os.MkdirAll(cookies, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"prod.json", "dev.json"} {
		if err := os.WriteFile(filepath.Join(cookies, n), []byte("[]"), 0o600); err != nil {
			t.Fatal(err)
		}
	}

	if err := s.RemoveModel(ctx, "prod", "bob@external/web"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Model("prod", "bob@external/web"); !errors.Is(err, jujudata.ErrNotFound) {
		t.Errorf("model still there: %v", err)
	}
	if _, err := s.CurrentModel("prod"); !errors.Is(err, jujudata.ErrNoCurrentModel) {
		t.Errorf("current model not cleared: %v", err)
	}
	if err := s.RemoveModel(ctx, "prod", "bob@external/web"); !errors.Is(err, jujudata.ErrNotFound) {
		t.Errorf("second RemoveModel = %v, want ErrNotFound", err)
	}

	if err := s.RemoveController(ctx, "prod"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Controller("prod"); !errors.Is(err, jujudata.ErrNotFound) {
		t.Errorf("controller still there: %v", err)
	}
	if _, err := s.Account("prod"); !errors.Is(err, jujudata.ErrNotFound) {
		t.Errorf("account still there: %v", err)
	}
	if mf, _ := s.ReadModels(); mf.Controllers["prod"] != nil {
		t.Errorf("models still there: %+v", mf.Controllers["prod"])
	}
	if _, err := s.CurrentController(); !errors.Is(err, jujudata.ErrNoCurrentController) {
		t.Errorf("current controller not cleared: %v", err)
	}
	if _, err := os.Stat(filepath.Join(cookies, "prod.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("cookie jar not removed: %v", err)
	}
	// dev is untouched.
	if _, err := os.Stat(filepath.Join(cookies, "dev.json")); err != nil {
		t.Errorf("dev cookie jar: %v", err)
	}
	if r, err := s.ResolveModel("dev:"); err != nil || r.ModelUUID != "cccccccc-0000-4000-8000-000000000003" {
		t.Errorf("dev after removing prod: %+v, %v", r, err)
	}
	if err := s.RemoveController(ctx, "prod"); !errors.Is(err, jujudata.ErrNotFound) {
		t.Errorf("second RemoveController = %v, want ErrNotFound", err)
	}
	if err := s.RemoveAccount(ctx, "dev"); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveAccount(ctx, "dev"); !errors.Is(err, jujudata.ErrNotFound) {
		t.Errorf("second RemoveAccount = %v, want ErrNotFound", err)
	}
}

func TestSetModels(t *testing.T) {
	s := newStore(t, map[string]string{jujudata.ModelsFileName: `controllers:
  c:
    models:
      a/keep:
        uuid: k
        type: iaas
        extra: yes
      a/gone:
        uuid: g
        type: iaas
    current-model: a/gone
    previous-model: a/keep
  other:
    models:
      x/y: {uuid: o, type: caas}
`}, nil)
	err := s.SetModels(context.Background(), "c", map[string]jujudata.ModelDetails{
		"a/keep": {UUID: "k", Type: "iaas"},
		"a/new":  {UUID: "n", Type: "caas"},
	})
	if err != nil {
		t.Fatal(err)
	}
	m := generic(t, s.Path(jujudata.ModelsFileName))
	want := map[string]any{"controllers": map[string]any{
		"c": map[string]any{
			"models": map[string]any{
				"a/keep": map[string]any{"uuid": "k", "type": "iaas", "extra": "yes"},
				"a/new":  map[string]any{"uuid": "n", "type": "caas"},
			},
			"previous-model": "a/keep",
		},
		"other": map[string]any{"models": map[string]any{"x/y": map[string]any{"uuid": "o", "type": "caas"}}},
	}}
	if diff := cmp.Diff(want, m); diff != "" {
		t.Errorf("SetModels result mismatch (-want +got):\n%s", diff)
	}
}

func TestWriteValidation(t *testing.T) {
	s := newStore(t, nil, nil)
	ctx := context.Background()
	tests := []struct {
		name string
		call func() error
	}{
		{"empty controller name", func() error { return s.UpdateController(ctx, "", jujudata.ControllerDetails{UUID: "u"}) }},
		{"colon in controller name", func() error { return s.UpdateController(ctx, "a:b", jujudata.ControllerDetails{UUID: "u"}) }},
		{"space in controller name", func() error { return s.UpdateController(ctx, "a b", jujudata.ControllerDetails{UUID: "u"}) }},
		{"controller without uuid", func() error { return s.UpdateController(ctx, "a", jujudata.ControllerDetails{}) }},
		{"account without user", func() error { return s.UpdateAccount(ctx, "a", jujudata.AccountDetails{}) }},
		{"bare model name", func() error { return s.UpdateModel(ctx, "a", "m", jujudata.ModelDetails{UUID: "u"}) }},
		{"empty qualifier", func() error { return s.UpdateModel(ctx, "a", "/m", jujudata.ModelDetails{UUID: "u"}) }},
		{"two slashes", func() error { return s.UpdateModel(ctx, "a", "q/m/x", jujudata.ModelDetails{UUID: "u"}) }},
		{"model without uuid", func() error { return s.UpdateModel(ctx, "a", "q/m", jujudata.ModelDetails{}) }},
		{"SetModels bad name", func() error {
			return s.SetModels(ctx, "a", map[string]jujudata.ModelDetails{"m": {UUID: "u"}})
		}},
		{"RemoveModel bare", func() error { return s.RemoveModel(ctx, "a", "m") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.call(); !errors.Is(err, jujudata.ErrNotValid) {
				t.Fatalf("error = %v, want ErrNotValid", err)
			}
		})
	}
	if entries, _ := os.ReadDir(s.Dir()); len(entries) != 0 {
		t.Errorf("invalid writes left files: %v", entries)
	}
	if err := s.UpdateController(ctx, "a", jujudata.ControllerDetails{UUID: "same"}); err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateController(ctx, "b", jujudata.ControllerDetails{UUID: "same"}); !errors.Is(err, jujudata.ErrAlreadyExists) {
		t.Fatalf("duplicate UUID: %v, want ErrAlreadyExists", err)
	}
}

func TestWriteRefusesCorruptFile(t *testing.T) {
	const corrupt = "controllers:\n  a:\n    user: x\n  b: [\n"
	tests := []struct {
		name string
		file string
		call func(s *jujudata.Store) error
	}{
		{"UpdateController", jujudata.ControllersFileName, func(s *jujudata.Store) error {
			return s.UpdateController(context.Background(), "c", jujudata.ControllerDetails{UUID: "u"})
		}},
		{"SetCurrentController", jujudata.ControllersFileName, func(s *jujudata.Store) error {
			return s.SetCurrentController(context.Background(), "a")
		}},
		{"UpdateAccount", jujudata.AccountsFileName, func(s *jujudata.Store) error {
			return s.UpdateAccount(context.Background(), "c", jujudata.AccountDetails{User: "u"})
		}},
		{"UpdateModel", jujudata.ModelsFileName, func(s *jujudata.Store) error {
			return s.UpdateModel(context.Background(), "c", "q/m", jujudata.ModelDetails{UUID: "u"})
		}},
		{"RemoveController with corrupt models", jujudata.ModelsFileName, func(s *jujudata.Store) error {
			return s.RemoveController(context.Background(), "prod")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := fullStore(t, nil)
			before := map[string]string{}
			for _, n := range []string{jujudata.ControllersFileName, jujudata.AccountsFileName, jujudata.ModelsFileName} {
				if n == tt.file {
					if err := os.WriteFile(s.Path(n), []byte(corrupt), 0o600); err != nil {
						t.Fatal(err)
					}
				}
				before[n] = readFile(t, s.Path(n))
			}
			err := tt.call(s)
			var fe *jujudata.FileError
			if !errors.As(err, &fe) || fe.Path != s.Path(tt.file) || fe.Line == 0 {
				t.Fatalf("error = %v, want *FileError for %s with a line", err, tt.file)
			}
			for n, content := range before {
				if got := readFile(t, s.Path(n)); got != content {
					t.Errorf("%s changed despite the error", n)
				}
			}
		})
	}
}

func TestRefuseUnreadableResult(t *testing.T) {
	// An anchor shared between two entries: removing the anchored entry
	// would leave a dangling alias, which must not be written.
	const shared = `controllers:
  a: &base
    user: x
  b: *base
`
	s := newStore(t, map[string]string{jujudata.AccountsFileName: shared}, nil)
	err := s.RemoveAccount(context.Background(), "a")
	if err == nil {
		t.Fatal("RemoveAccount wrote a file with a dangling alias")
	}
	if got := readFile(t, s.Path(jujudata.AccountsFileName)); got != shared {
		t.Errorf("file changed:\n%s", got)
	}
	// Editing through an alias copies the target and leaves the anchor.
	s2 := newStore(t, map[string]string{jujudata.ModelsFileName: `controllers:
  a: &base
    models:
      q/one: {uuid: "1", type: iaas}
  b: *base
`}, nil)
	if err := s2.UpdateModel(context.Background(), "b", "q/two", jujudata.ModelDetails{UUID: "2", Type: "iaas"}); err != nil {
		t.Fatal(err)
	}
	a, _ := s2.Models("a")
	b, _ := s2.Models("b")
	if len(a) != 1 || len(b) != 2 {
		t.Errorf("after editing through an alias: a=%v b=%v", a, b)
	}
}

func TestConcurrentWriters(t *testing.T) {
	s := newStore(t, nil, nil)
	// A second Store on the same directory, as another process would
	// have.
	s2, err := jujudata.New(jujudata.Config{Dir: s.Dir()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	const writers, each = 6, 4
	var wg sync.WaitGroup
	errs := make(chan error, writers*each*2)
	for w := range writers {
		st := s
		if w%2 == 1 {
			st = s2
		}
		wg.Go(func() {
			for i := range each {
				name := fmt.Sprintf("q/m%d-%d", w, i)
				errs <- st.UpdateModel(ctx, "c", name, jujudata.ModelDetails{UUID: name, Type: "iaas"})
				errs <- st.UpdateController(ctx, fmt.Sprintf("c%d-%d", w, i), jujudata.ControllerDetails{UUID: name})
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	models, err := s.Models("c")
	if err != nil {
		t.Fatal(err)
	}
	ctrls, err := s.Controllers()
	if err != nil {
		t.Fatal(err)
	}
	if len(models) != writers*each || len(ctrls) != writers*each {
		t.Fatalf("got %d models and %d controllers, want %d of each", len(models), len(ctrls), writers*each)
	}
	for w := range writers {
		for i := range each {
			name := fmt.Sprintf("q/m%d-%d", w, i)
			if models[name].UUID != name {
				t.Errorf("model %s lost or wrong: %+v", name, models[name])
			}
		}
	}
}

func TestLockRespectsContext(t *testing.T) {
	s := newStore(t, nil, nil)
	release := holdLock(t, s.Path(jujudata.LockFileName))
	defer release()
	// The writer polls the held lock until its deadline passes.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	if err := s.UpdateAccount(ctx, "c", jujudata.AccountDetails{User: "u"}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("UpdateAccount with the lock held elsewhere = %v, want context.DeadlineExceeded", err)
	}
	cctx, ccancel := context.WithCancel(context.Background())
	ccancel()
	if err := s.UpdateAccount(cctx, "c", jujudata.AccountDetails{User: "u"}); !errors.Is(err, context.Canceled) {
		t.Fatalf("UpdateAccount with a cancelled context = %v, want context.Canceled", err)
	}
	if _, err := os.Stat(s.Path(jujudata.AccountsFileName)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("accounts.yaml written without the lock: %v", err)
	}
	release()
	if err := s.UpdateAccount(context.Background(), "c", jujudata.AccountDetails{User: "u"}); err != nil {
		t.Fatal(err)
	}
}

// TestWriteReplacesByRename checks that a write never changes the old file
// in place: a reader holding the old file (here a hard link to it) still
// sees the old content, and no temporary file is left behind.
func TestWriteReplacesByRename(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, nil, nil)
	if err := s.UpdateModel(ctx, "ctrl", "admin/one", jujudata.ModelDetails{UUID: "u-one", Type: "iaas"}); err != nil {
		t.Fatal(err)
	}
	path := s.Path(jujudata.ModelsFileName)
	before := readFile(t, path)
	link := filepath.Join(t.TempDir(), "old-models.yaml")
	if err := os.Link(path, link); err != nil {
		t.Skipf("cannot hard-link the store file: %v", err)
	}
	if err := s.UpdateModel(ctx, "ctrl", "admin/two", jujudata.ModelDetails{UUID: "u-two", Type: "iaas"}); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, link); got != before {
		t.Errorf("the old file was modified in place:\n%s\nwant it unchanged:\n%s", got, before)
	}
	if after := readFile(t, path); !strings.Contains(after, "admin/two") {
		t.Errorf("%s lacks the new model:\n%s", path, after)
	}
	entries, err := os.ReadDir(s.Dir())
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file %s left in the store", e.Name())
		}
	}
}
