package apisuite_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/gojuju/juju"
)

// Controller config: read, set a writable key (put back at cleanup), an
// unknown key refused with nothing changed, a bootstrap key refused
// before sending.
func TestControllerConfig(t *testing.T) {
	run(t, func(t *testing.T, b *bed) {
		ctx := testCtx(t)
		c := b.newController(t)
		cfg, err := c.ControllerConfig(ctx)
		if err != nil {
			t.Fatalf("ControllerConfig: %v", err)
		}
		if cfg["controller-uuid"] != c.UUID() || cfg["api-port"] == nil {
			t.Errorf("ControllerConfig = %v", cfg)
		}
		const key = "model-logfile-max-backups"
		old := cfg[key]
		if err := c.SetControllerConfig(ctx, map[string]any{key: 3}); err != nil {
			t.Fatalf("SetControllerConfig: %v", err)
		}
		if old != nil {
			t.Cleanup(func() { _ = c.SetControllerConfig(testCtx(t), map[string]any{key: old}) })
		}
		if cfg, err := c.ControllerConfig(ctx); err != nil || fmt.Sprint(cfg[key]) != "3" {
			t.Errorf("after setting: %v, %v", cfg[key], err)
		}
		err = c.SetControllerConfig(ctx, map[string]any{"no-such-key": 1, key: 4})
		if err == nil || !strings.Contains(err.Error(), "no-such-key") {
			t.Errorf("setting an unknown key = %s", errCode(err))
		}
		if cfg, _ := c.ControllerConfig(ctx); fmt.Sprint(cfg[key]) != "3" {
			t.Errorf("a refused set changed %s to %v", key, cfg[key])
		}
		if err := c.SetControllerConfig(ctx, map[string]any{"api-port": 1}); !errors.Is(err, juju.ErrInvalidConfig) {
			t.Errorf("setting api-port = %v, want ErrInvalidConfig", err)
		}
	})
}
