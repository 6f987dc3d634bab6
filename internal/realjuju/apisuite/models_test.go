package apisuite_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/gojuju/juju"
)

// Models: add (with config), list, info, config get/set/unset,
// constraints, destroy.
func TestModelLifecycle(t *testing.T) {
	run(t, func(t *testing.T, b *bed) {
		ctx := testCtx(t)
		c := b.newController(t)
		name := "suite-models-" + time.Now().Format("150405.000000")[7:] + b.name
		m, err := c.AddModel(ctx, name, &juju.AddModelOptions{Config: map[string]any{"logging-config": "<root>=DEBUG"}})
		if err != nil {
			t.Fatalf("AddModel: %v", err)
		}
		destroyed := false
		t.Cleanup(func() {
			if !destroyed {
				_ = c.DestroyModel(testCtx(t), m.QualifiedName(), &juju.DestroyModelOptions{Force: true, NoWait: true})
			}
		})
		models, err := c.Models(ctx)
		if err != nil {
			t.Fatalf("Models: %v", err)
		}
		i := slices.IndexFunc(models, func(s juju.ModelSummary) bool { return s.UUID == m.UUID() })
		if i < 0 {
			t.Fatalf("Models does not list %s (%s)", m.QualifiedName(), m.UUID())
		}
		if s := models[i]; s.Name != name || s.Qualifier != m.Qualifier() || s.Life != "alive" || s.Type != juju.ModelIAAS || s.IsController {
			t.Errorf("summary = %+v", s)
		}
		info, err := c.ModelInfo(ctx, m.QualifiedName())
		if err != nil {
			t.Fatalf("ModelInfo: %v", err)
		}
		if info.UUID != m.UUID() || info.Cloud != "dummy" || info.Life != "alive" || info.ControllerUUID != c.UUID() || info.ProviderType != "dummy" {
			t.Errorf("info = %+v", info)
		}
		if !slices.ContainsFunc(info.Users, func(u juju.ModelUser) bool { return u.Access == "admin" }) {
			t.Errorf("info lists no admin user: %+v", info.Users)
		}

		cfg, err := m.Config(ctx)
		if err != nil {
			t.Fatalf("Config: %v", err)
		}
		if v := cfg["logging-config"]; v.Value != "<root>=DEBUG" || v.Source != "model" {
			t.Errorf("logging-config = %+v, want <root>=DEBUG from model", v)
		}
		if v := cfg["name"]; v.Value != name {
			t.Errorf("name = %+v", v)
		}
		if err := m.SetConfig(ctx, map[string]any{"update-status-hook-interval": "7m"}); err != nil {
			t.Fatalf("SetConfig: %v", err)
		}
		cfg, _ = m.Config(ctx)
		if v := cfg["update-status-hook-interval"]; v.Value != "7m" || v.Source != "model" {
			t.Errorf("after SetConfig: %+v", v)
		}
		if err := m.UnsetConfig(ctx, "update-status-hook-interval"); err != nil {
			t.Fatalf("UnsetConfig: %v", err)
		}
		cfg, _ = m.Config(ctx)
		if v := cfg["update-status-hook-interval"]; v.Value == "7m" || v.Source == "model" {
			t.Errorf("after UnsetConfig: %+v", v)
		}

		if err := m.SetConstraints(ctx, juju.Constraints{Mem: 2 * 1024, Cores: 2}); err != nil {
			t.Fatalf("SetConstraints: %v", err)
		}
		cons, err := m.Constraints(ctx)
		if err != nil {
			t.Fatalf("Constraints: %v", err)
		}
		if cons.String() != "cores=2 mem=2G" {
			t.Errorf("Constraints = %q, want cores=2 mem=2G", cons.String())
		}

		// Destroy: accepted at once; the model is dying, or gone when
		// the controller's agents complete the destruction.
		if err := c.DestroyModel(ctx, m.QualifiedName(), &juju.DestroyModelOptions{NoWait: true}); err != nil {
			t.Fatalf("DestroyModel: %v", err)
		}
		destroyed = true
		info, err = c.ModelInfo(ctx, m.QualifiedName())
		switch {
		case errors.Is(err, juju.ErrNotFound) && b.RemovalsComplete:
		case err != nil:
			t.Fatalf("ModelInfo after DestroyModel: %v", err)
		case info.Life != "dying" && info.Life != "dead":
			t.Errorf("after DestroyModel the model's life is %q", info.Life)
		}
		if b.RemovalsComplete {
			if err := c.DestroyModel(ctx, m.QualifiedName(), nil); err != nil && !errors.Is(err, juju.ErrNotFound) {
				t.Errorf("DestroyModel waiting for the end: %v", err)
			}
		}
	})
}

// Bad input is refused with a typed error before anything is sent.
func TestModelBadInput(t *testing.T) {
	run(t, func(t *testing.T, b *bed) {
		ctx := testCtx(t)
		m, calls := b.tracedModel(t)
		c := m.Controller()
		for _, tc := range []struct {
			name string
			err  error
			f    func() error
		}{
			{"model name", juju.ErrInvalidName, func() error { _, err := c.AddModel(ctx, "Bad_Name", nil); return err }},
			{"qualifier", juju.ErrInvalidInput, func() error {
				_, err := c.AddModel(ctx, "ok", &juju.AddModelOptions{Qualifier: "no/slash"})
				return err
			}},
			{"empty config key", juju.ErrInvalidConfig, func() error {
				_, err := c.AddModel(ctx, "ok", &juju.AddModelOptions{Config: map[string]any{"": 1}})
				return err
			}},
			{"destroy model ref", juju.ErrInvalidInput, func() error { return c.DestroyModel(ctx, "a/b/c", nil) }},
		} {
			calls.expectNone(t, tc.name, func() {
				err := tc.f()
				if !errors.Is(err, tc.err) || !errors.Is(err, juju.ErrInvalidInput) {
					t.Errorf("%s: err = %v, want %v (and ErrInvalidInput)", tc.name, err, tc.err)
				}
			})
		}
	})
}
