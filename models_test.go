package juju

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func modelNames(t *testing.T, c *Controller) []string {
	t.Helper()
	ms, err := c.Models(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range ms {
		out = append(out, m.QualifiedName())
	}
	return out
}

func TestModelLifecycle(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			parallel(t)
			srv := startSim(t, v)
			c := connectSim(t, srv)
			ctx := testCtx(t)
			if diff := cmp.Diff([]string{"admin/controller", "admin/default"}, modelNames(t, c)); diff != "" {
				t.Errorf("models (-want +got):\n%s", diff)
			}
			m, err := c.AddModel(ctx, "m1", &AddModelOptions{Config: map[string]any{"logging-config": "<root>=DEBUG"}})
			if err != nil {
				t.Fatal(err)
			}
			if m.Name() != "m1" || m.Qualifier() != "admin" || m.Type() != ModelIAAS || !isUUID(m.UUID()) {
				t.Errorf("added model %q %q %q %q", m.Name(), m.Qualifier(), m.Type(), m.UUID())
			}
			info, err := c.ModelInfo(ctx, "m1")
			if err != nil {
				t.Fatal(err)
			}
			if info.UUID != m.UUID() || info.QualifiedName() != "admin/m1" || info.Life != "alive" || info.Cloud != "dummy" || info.AgentVersion != v {
				t.Errorf("info %+v", info)
			}
			cfg, err := m.Config(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got := cfg["logging-config"].Value; got != "<root>=DEBUG" {
				t.Errorf("logging-config = %v", got)
			}

			// Duplicates are refused by the controller.
			_, err = c.AddModel(ctx, "m1", nil)
			if !errors.Is(err, ErrAlreadyExists) {
				t.Errorf("duplicate AddModel: %v", err)
			}
			var oe *OperationError
			if !errors.As(err, &oe) || oe.Op != "add model" || oe.Entity != "m1" {
				t.Errorf("error %v is not an OperationError for m1", err)
			}

			if err := c.DestroyModel(ctx, "m1", nil); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]string{"admin/controller", "admin/default"}, modelNames(t, c)); diff != "" {
				t.Errorf("models after destroy (-want +got):\n%s", diff)
			}
			if _, err := c.ModelInfo(ctx, "m1"); !errors.Is(err, ErrNotFound) {
				t.Errorf("ModelInfo of destroyed model: %v", err)
			}
			if err := c.DestroyModel(ctx, "m1", nil); !errors.Is(err, ErrNotFound) {
				t.Errorf("destroying a destroyed model: %v", err)
			}
		})
	}
}

func TestModelInputRefused(t *testing.T) {
	srv := startSim(t, "")
	c := connectSim(t, srv)
	r := record(c)
	ctx := testCtx(t)
	zero := time.Duration(0)
	tests := []struct {
		name  string
		f     func() error
		match error
		msg   string
	}{
		{"bad model name", func() error { _, err := c.AddModel(ctx, "Bad", nil); return err }, ErrInvalidName,
			`cannot add model "Bad": invalid model name "Bad": model names may only contain lowercase letters, digits and hyphens`},
		{"empty model name", func() error { _, err := c.AddModel(ctx, "", nil); return err }, ErrInvalidName,
			`cannot add model: invalid model name "": must not be empty`},
		{"bad qualifier", func() error { _, err := c.AddModel(ctx, "ok", &AddModelOptions{Qualifier: "x"}); return err }, ErrInvalidName,
			`cannot add model "ok": invalid model qualifier "x": must be at least two letters, digits, '.', '+' or '-', starting and ending with a letter or digit, optionally followed by @domain`},
		{"empty config key", func() error {
			_, err := c.AddModel(ctx, "ok", &AddModelOptions{Config: map[string]any{"": 1}})
			return err
		}, ErrInvalidConfig,
			`cannot add model "ok": invalid model config key "": must not be empty`},
		{"max-wait without force", func() error { return c.DestroyModel(ctx, "default", &DestroyModelOptions{MaxWait: &zero}) }, ErrInvalidArgument,
			`cannot destroy model "default": invalid option "MaxWait": needs Force`},
		{"destroy bad name", func() error { return c.DestroyModel(ctx, "a/B", nil) }, ErrInvalidName,
			`cannot destroy model "a/B": invalid model qualifier "a": must be at least two letters, digits, '.', '+' or '-', starting and ending with a letter or digit, optionally followed by @domain`},
		{"info bad name", func() error { _, err := c.ModelInfo(ctx, "-x"); return err }, ErrInvalidName,
			`cannot get model info for "-x": invalid model name "-x": model names may only contain lowercase letters, digits and hyphens`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			expectNothingSent(t, r, func() {
				err := tt.f()
				if !errors.Is(err, tt.match) || !errors.Is(err, ErrInvalidInput) || err.Error() != tt.msg {
					t.Errorf("error:\n got %v\nwant %s (matching %v)", err, tt.msg, tt.match)
				}
			})
		})
	}
	if diff := cmp.Diff([]string{"admin/controller", "admin/default"}, modelNames(t, c)); diff != "" {
		t.Errorf("models changed (-want +got):\n%s", diff)
	}
}

func TestModelConfigAndConstraints(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			parallel(t)
			srv := startSim(t, v)
			c := connectSim(t, srv)
			ctx := testCtx(t)
			m, err := c.Model(ctx, "default")
			if err != nil {
				t.Fatal(err)
			}
			if err := m.SetConfig(ctx, map[string]any{"update-status-hook-interval": "10m", "automatically-retry-hooks": false}); err != nil {
				t.Fatal(err)
			}
			cfg, err := m.Config(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got := cfg["update-status-hook-interval"]; got.Value != "10m" || got.Source != "model" {
				t.Errorf("update-status-hook-interval = %+v", got)
			}
			if got := cfg["automatically-retry-hooks"]; got.Value != false {
				t.Errorf("automatically-retry-hooks = %+v", got)
			}
			if err := m.UnsetConfig(ctx, "update-status-hook-interval"); err != nil {
				t.Fatal(err)
			}
			cfg, err = m.Config(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got := cfg["update-status-hook-interval"]; got.Source == "model" {
				t.Errorf("after unset: %+v", got)
			}
			r := record(c)
			expectNothingSent(t, r, func() {
				if err := m.SetConfig(ctx, map[string]any{"x": []int{1}}); !errors.Is(err, ErrInvalidConfig) {
					t.Errorf("SetConfig with a slice: %v", err)
				}
				if err := m.UnsetConfig(ctx, ""); !errors.Is(err, ErrInvalidConfig) {
					t.Errorf("UnsetConfig(\"\"): %v", err)
				}
				if err := m.SetConstraints(ctx, Constraints{Tags: []string{""}}); !errors.Is(err, ErrInvalidConstraints) {
					t.Errorf("SetConstraints(an empty tag): %v", err)
				}
			})
			if err := m.SetConstraints(ctx, Constraints{Mem: 4 * 1024, Cores: 2}); err != nil {
				t.Fatal(err)
			}
			cons, err := m.Constraints(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if cons.String() != "cores=2 mem=4G" {
				t.Errorf("constraints = %q", cons.String())
			}
			if err := m.SetConstraints(ctx, Constraints{}); err != nil {
				t.Fatal(err)
			}
			if cons, err := m.Constraints(ctx); err != nil || !cons.IsEmpty() {
				t.Errorf("cleared constraints = %q, %v", cons.String(), err)
			}
		})
	}
}

// TestDestroyModelStorageParam checks that destroy-storage is left out,
// sent false or sent true as DestroyModelOptions.DestroyStorage says.
func TestDestroyModelStorageParam(t *testing.T) {
	no, yes := false, true
	tests := []struct {
		name    string
		storage *bool
		want    string
	}{
		{"unset", nil, `{"models":[{"model-tag":"model-UUID"}]}`},
		{"release", &no, `{"models":[{"destroy-storage":false,"model-tag":"model-UUID"}]}`},
		{"destroy", &yes, `{"models":[{"destroy-storage":true,"model-tag":"model-UUID"}]}`},
	}
	srv := startSim(t, simVersions[0])
	c := connectSim(t, srv)
	r := record(c)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := testCtx(t)
			m, err := c.AddModel(ctx, "d-"+tt.name, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := c.DestroyModel(ctx, "d-"+tt.name, &DestroyModelOptions{DestroyStorage: tt.storage, NoWait: true}); err != nil {
				t.Fatal(err)
			}
			call, ok := r.last("ModelManager", "DestroyModels")
			if !ok {
				t.Fatal("no DestroyModels call")
			}
			b, err := json.Marshal(call.Params)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := string(b), strings.ReplaceAll(tt.want, "UUID", m.UUID()); got != want {
				t.Errorf("DestroyModels params\n got %s\nwant %s", got, want)
			}
		})
	}
}

// TestModelConfigUnknownKeyWarns checks that a key the model's config does
// not have is set (controllers accept any key) and logged as a warning, as
// the juju CLI does, and that known keys are not.
func TestModelConfigUnknownKeyWarns(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			parallel(t)
			srv := startSim(t, v)
			var logs strings.Builder
			cfg := simConfig(srv)
			cfg.Logger = newTestLogger(&logs)
			cfg.Model = "default"
			ctx := testCtx(t)
			m, err := ConnectModel(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			if err := m.SetConfig(ctx, map[string]any{"no-such-model-key": 1, "update-status-hook-interval": "10m"}); err != nil {
				t.Fatalf("SetConfig with an unknown key: %v", err)
			}
			if err := m.UnsetConfig(ctx, "update-status-hook-interval", "another-unknown-key"); err != nil {
				t.Fatalf("UnsetConfig with an unknown key: %v", err)
			}
			var warnings []string
			for line := range strings.Lines(logs.String()) {
				if strings.Contains(line, "level=WARN") {
					warnings = append(warnings, line)
				}
			}
			want := []string{
				`key \"no-such-model-key\" is not defined in the current model configuration: possible misspelling`,
				`key \"another-unknown-key\" is not defined in the current model configuration: possible misspelling`,
			}
			if len(warnings) != len(want) {
				t.Fatalf("warnings:\n%s\nwant %d", strings.Join(warnings, ""), len(want))
			}
			for i, w := range want {
				if !strings.Contains(warnings[i], w) {
					t.Errorf("warning %d = %q, want it to say %s", i, warnings[i], w)
				}
			}
		})
	}
}

// DestroyModel without NoWait returns only after the controller said the
// model is gone (ModelManager.ModelStatus for it answered "not found");
// with NoWait it does not ask.
func TestDestroyModelWaitsUntilGone(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			parallel(t)
			srv := startSim(t, v)
			c := connectSim(t, srv)
			ctx := testCtx(t)
			for _, noWait := range []bool{false, true} {
				name := "wait"
				if noWait {
					name = "nowait"
				}
				if _, err := c.AddModel(ctx, name, nil); err != nil {
					t.Fatal(err)
				}
				r := record(c)
				if err := c.DestroyModel(ctx, name, &DestroyModelOptions{NoWait: noWait}); err != nil {
					t.Fatal(err)
				}
				_, asked := r.last("ModelManager", "ModelStatus")
				if asked == noWait {
					t.Errorf("DestroyModel(NoWait=%v) asked ModelStatus: %v", noWait, asked)
				}
			}
		})
	}
}
