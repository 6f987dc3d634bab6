package juju

import (
	"encoding/json"
	"errors"
	"testing"
)

func TestModelDefaults(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			parallel(t)
			_, c, _ := simModel(t, v)
			r := record(c)
			ctx := testCtx(t)

			d, err := c.ModelDefaults(ctx, "dummy")
			if err != nil {
				t.Fatal(err)
			}
			sameJSON(t, "ModelDefaultsForClouds params", lastParams(t, r, "ModelManager", "ModelDefaultsForClouds"), wave2Request(t, "model-default", "ModelDefaultsForClouds"))
			if got := d["update-status-hook-interval"]; got.Default != "5m" || got.Controller != nil || got.Regions != nil {
				t.Errorf("update-status-hook-interval = %+v", got)
			}
			if err := c.SetModelDefaults(ctx, "dummy", "", map[string]any{"update-status-hook-interval": "7m"}); err != nil {
				t.Fatal(err)
			}
			if err := c.SetModelDefaults(ctx, "dummy", "dummy-region", map[string]any{"update-status-hook-interval": "9m"}); err != nil {
				t.Fatal(err)
			}
			sameJSON(t, "SetModelDefaults params", lastParams(t, r, "ModelManager", "SetModelDefaults"),
				[]byte(`{"config":[{"cloud-region":"dummy-region","cloud-tag":"cloud-dummy","config":{"update-status-hook-interval":"9m"}}]}`))
			d, err = c.ModelDefaults(ctx, "dummy")
			if got := d["update-status-hook-interval"]; err != nil || got.Default != "5m" || got.Controller != "7m" || got.Regions["dummy-region"] != "9m" {
				t.Errorf("after setting: %+v, %v", got, err)
			}
			if err := c.SetModelDefaults(ctx, "dummy", "nowhere", map[string]any{"update-status-hook-interval": "9m"}); err == nil {
				t.Error("setting defaults of a region the cloud lacks succeeded")
			}
			if err := c.SetModelDefaults(ctx, "nosuch", "", map[string]any{"update-status-hook-interval": "9m"}); !errors.Is(err, ErrNotFound) {
				t.Errorf("setting defaults of a missing cloud: %v, want ErrNotFound", err)
			}
			if err := c.UnsetModelDefaults(ctx, "dummy", "", "update-status-hook-interval"); err != nil {
				t.Fatal(err)
			}
			if err := c.UnsetModelDefaults(ctx, "dummy", "dummy-region", "update-status-hook-interval"); err != nil {
				t.Fatal(err)
			}
			d, err = c.ModelDefaults(ctx, "dummy")
			if got := d["update-status-hook-interval"]; err != nil || got.Controller != nil || got.Regions != nil {
				t.Errorf("after unsetting: %+v, %v", got, err)
			}

			expectNothingSent(t, r, func() {
				for _, k := range []string{""} {
					if err := c.SetModelDefaults(ctx, "dummy", "", map[string]any{k: "x"}); !errors.Is(err, ErrInvalidConfig) {
						t.Errorf("setting default %q: %v, want ErrInvalidConfig", k, err)
					}
				}
				if _, err := c.ModelDefaults(ctx, "Bad Cloud"); !errors.Is(err, ErrInvalidName) {
					t.Errorf("ModelDefaults of a bad cloud name: %v", err)
				}
				if err := c.UnsetModelDefaults(ctx, "dummy", ""); !errors.Is(err, ErrInvalidConfig) {
					t.Errorf("UnsetModelDefaults without keys: %v", err)
				}
			})
		})
	}
}

// Keys a model's config cannot change are refused before sending, by
// SetConfig and UnsetConfig, in both modes.
func TestModelConfigImmutableKeys(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			parallel(t)
			_, c, m := simModel(t, v)
			r := record(c)
			ctx := testCtx(t)
			expectNothingSent(t, r, func() {
				for _, k := range []string{"name", "type", "uuid", "agent-version", "charmhub-url"} {
					if err := m.SetConfig(ctx, map[string]any{k: "x", "update-status-hook-interval": "13m"}); !errors.Is(err, ErrInvalidConfig) || !errors.Is(err, ErrInvalidInput) {
						t.Errorf("SetConfig %q: %v, want ErrInvalidConfig", k, err)
					}
					if err := m.UnsetConfig(ctx, k); !errors.Is(err, ErrInvalidConfig) {
						t.Errorf("UnsetConfig %q: %v, want ErrInvalidConfig", k, err)
					}
				}
			})
			cfg, err := m.Config(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if cfg["update-status-hook-interval"].Value == "13m" {
				t.Error("a refused SetConfig changed another key")
			}
		})
	}
}

// A new model takes the model defaults stored when it is created, with
// their source ("region" over "controller"); existing models do not, and
// a value whose default is gone is the model's own. Unsetting a key
// brings back its stored default. (As the real 4.0.15 server does.)
func TestNewModelsTakeModelDefaults(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			parallel(t)
			_, c, old := simModel(t, v)
			ctx := testCtx(t)
			if err := c.SetModelDefaults(ctx, "dummy", "", map[string]any{"apt-ftp-proxy": "http://cloud.example", "snap-http-proxy": "http://cloud.example"}); err != nil {
				t.Fatal(err)
			}
			if err := c.SetModelDefaults(ctx, "dummy", "dummy-region", map[string]any{"snap-http-proxy": "http://region.example"}); err != nil {
				t.Fatal(err)
			}
			m, err := c.AddModel(ctx, "takesdefaults", &AddModelOptions{Config: map[string]any{"juju-ftp-proxy": "http://own.example"}})
			if err != nil {
				t.Fatal(err)
			}
			source := func(m *Model, k string) ConfigValue {
				t.Helper()
				cfg, err := m.Config(ctx)
				if err != nil {
					t.Fatal(err)
				}
				return cfg[k]
			}
			for k, want := range map[string]ConfigValue{
				"apt-ftp-proxy":   {Value: "http://cloud.example", Source: "controller"},
				"snap-http-proxy": {Value: "http://region.example", Source: "region"},
				"juju-ftp-proxy":  {Value: "http://own.example", Source: "model"},
				"ftp-proxy":       {Value: "", Source: "default"},
			} {
				if got := source(m, k); got != want {
					t.Errorf("new model's %s = %+v, want %+v", k, got, want)
				}
			}
			if got := source(old, "apt-ftp-proxy"); got.Value != "" || got.Source != "default" {
				t.Errorf("existing model's apt-ftp-proxy = %+v, want the default", got)
			}
			if err := c.UnsetModelDefaults(ctx, "dummy", "", "apt-ftp-proxy"); err != nil {
				t.Fatal(err)
			}
			if got := source(m, "apt-ftp-proxy"); got.Value != "http://cloud.example" || got.Source != "model" {
				t.Errorf("apt-ftp-proxy after its default went = %+v, want the value kept as the model's", got)
			}
			if err := m.SetConfig(ctx, map[string]any{"snap-http-proxy": "http://mine.example"}); err != nil {
				t.Fatal(err)
			}
			if err := m.UnsetConfig(ctx, "snap-http-proxy"); err != nil {
				t.Fatal(err)
			}
			if got := source(m, "snap-http-proxy"); got.Value != "http://region.example" || got.Source != "region" {
				t.Errorf("snap-http-proxy after unsetting = %+v, want the region default", got)
			}
		})
	}
}

// The simulator's ModelDefaultsForClouds reply on a fresh controller is
// the real 4.0.15 server's: every key and its default.
func TestModelDefaultsConformance(t *testing.T) {
	parallel(t)
	_, c, _ := simModel(t, simVersions[0])
	var params any
	if err := json.Unmarshal(wave2Request(t, "model-default", "ModelDefaultsForClouds"), &params); err != nil {
		t.Fatal(err)
	}
	var got json.RawMessage
	if err := c.Call(testCtx(t), "ModelManager", "ModelDefaultsForClouds", "", params, &got); err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "ModelDefaultsForClouds reply", got, wave2Reply(t, "model-default", "ModelDefaultsForClouds"))
}
