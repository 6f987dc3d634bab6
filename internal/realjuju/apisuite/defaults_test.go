package apisuite_test

import (
	"errors"
	"testing"

	"github.com/gojuju/juju"
)

// Model defaults of the model's cloud: set for the cloud and a region,
// read back, unset. (A key no other test reads, as the defaults are the
// controller's.)
func TestModelDefaults(t *testing.T) {
	run(t, func(t *testing.T, b *bed) {
		ctx := testCtx(t)
		m := b.newModel(t)
		c := m.Controller()
		info, err := c.ModelInfo(ctx, m.QualifiedName())
		if err != nil {
			t.Fatal(err)
		}
		const key = "apt-mirror"
		if err := c.SetModelDefaults(ctx, info.Cloud, "", map[string]any{key: "http://mirror.example/cloud"}); err != nil {
			t.Fatalf("SetModelDefaults: %v", err)
		}
		t.Cleanup(func() { _ = c.UnsetModelDefaults(testCtx(t), info.Cloud, "", key) })
		if err := c.SetModelDefaults(ctx, info.Cloud, info.Region, map[string]any{key: "http://mirror.example/region"}); err != nil {
			t.Fatalf("SetModelDefaults (region): %v", err)
		}
		t.Cleanup(func() { _ = c.UnsetModelDefaults(testCtx(t), info.Cloud, info.Region, key) })
		d, err := c.ModelDefaults(ctx, info.Cloud)
		if err != nil {
			t.Fatalf("ModelDefaults: %v", err)
		}
		if got := d[key]; got.Controller != "http://mirror.example/cloud" || got.Regions[info.Region] != "http://mirror.example/region" {
			t.Errorf("%s defaults = %+v", key, got)
		}
		if err := c.UnsetModelDefaults(ctx, info.Cloud, "", key); err != nil {
			t.Fatalf("UnsetModelDefaults: %v", err)
		}
		if err := c.UnsetModelDefaults(ctx, info.Cloud, info.Region, key); err != nil {
			t.Fatalf("UnsetModelDefaults (region): %v", err)
		}
		d, err = c.ModelDefaults(ctx, info.Cloud)
		if got := d[key]; err != nil || got.Controller != nil || len(got.Regions) != 0 {
			t.Errorf("after unsetting: %+v, %v", got, err)
		}
	})
}

// Keys a model's config cannot change are refused before sending (the
// real 4.0.15 server takes "type" and breaks the model).
func TestModelConfigImmutableKeys(t *testing.T) {
	run(t, func(t *testing.T, b *bed) {
		ctx := testCtx(t)
		m, calls := b.tracedModel(t)
		for _, k := range []string{"name", "type", "uuid", "agent-version", "charmhub-url"} {
			calls.expectNone(t, "SetConfig "+k, func() {
				if err := m.SetConfig(ctx, map[string]any{k: "x"}); !errors.Is(err, juju.ErrInvalidConfig) {
					t.Errorf("SetConfig %q = %v, want ErrInvalidConfig", k, err)
				}
			})
		}
		if err := m.SetConfig(ctx, map[string]any{"update-status-hook-interval": "13m"}); err != nil {
			t.Fatalf("SetConfig of a mutable key: %v", err)
		}
	})
}

// A model created after defaults are set takes them, with their sources;
// a model created before does not. (Keys no other test reads, as the
// defaults are the controller's.)
func TestNewModelTakesModelDefaults(t *testing.T) {
	run(t, func(t *testing.T, b *bed) {
		ctx := testCtx(t)
		old := b.newModel(t)
		c := old.Controller()
		info, err := c.ModelInfo(ctx, old.QualifiedName())
		if err != nil {
			t.Fatal(err)
		}
		const cloudKey, regionKey = "apt-ftp-proxy", "snap-http-proxy"
		if err := c.SetModelDefaults(ctx, info.Cloud, "", map[string]any{cloudKey: "http://cloud.example", regionKey: "http://cloud.example"}); err != nil {
			t.Fatalf("SetModelDefaults: %v", err)
		}
		t.Cleanup(func() { _ = c.UnsetModelDefaults(testCtx(t), info.Cloud, "", cloudKey, regionKey) })
		if err := c.SetModelDefaults(ctx, info.Cloud, info.Region, map[string]any{regionKey: "http://region.example"}); err != nil {
			t.Fatalf("SetModelDefaults (region): %v", err)
		}
		t.Cleanup(func() { _ = c.UnsetModelDefaults(testCtx(t), info.Cloud, info.Region, regionKey) })
		m := b.newModel(t)
		cfg, err := m.Config(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got := cfg[cloudKey]; got.Value != "http://cloud.example" || got.Source != "controller" {
			t.Errorf("new model's %s = %+v, want the cloud's default", cloudKey, got)
		}
		if got := cfg[regionKey]; got.Value != "http://region.example" || got.Source != "region" {
			t.Errorf("new model's %s = %+v, want the region's default", regionKey, got)
		}
		cfg, err = old.Config(ctx)
		if got := cfg[cloudKey]; err != nil || got.Value != "" || got.Source != "default" {
			t.Errorf("older model's %s = %+v, %v; want Juju's default", cloudKey, got, err)
		}
	})
}
