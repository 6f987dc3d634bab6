package juju

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestControllerConfig(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			parallel(t)
			_, c, _ := simModel(t, v)
			r := record(c)
			ctx := testCtx(t)
			cfg, err := c.ControllerConfig(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if cfg["controller-uuid"] != c.UUID() || cfg["api-port"] == nil {
				t.Errorf("ControllerConfig = %v", cfg)
			}
			if err := c.SetControllerConfig(ctx, map[string]any{"audit-log-max-backups": 7}); err != nil {
				t.Fatal(err)
			}
			if cfg, err := c.ControllerConfig(ctx); err != nil || fmt.Sprint(cfg["audit-log-max-backups"]) != "7" {
				t.Errorf("after setting: %v, %v", cfg["audit-log-max-backups"], err)
			}
			err = c.SetControllerConfig(ctx, map[string]any{"no-such-key": 1, "audit-log-max-backups": 9})
			if err == nil || !strings.Contains(err.Error(), "no-such-key") {
				t.Errorf("setting an unknown key: %v", err)
			}
			if cfg, _ := c.ControllerConfig(ctx); fmt.Sprint(cfg["audit-log-max-backups"]) != "7" {
				t.Errorf("a refused set changed the config: %v", cfg["audit-log-max-backups"])
			}
			expectNothingSent(t, r, func() {
				for _, k := range []string{"api-port", "ca-cert", "controller-uuid", ""} {
					if err := c.SetControllerConfig(ctx, map[string]any{k: "1"}); !errors.Is(err, ErrInvalidConfig) {
						t.Errorf("setting %q: %v, want ErrInvalidConfig", k, err)
					}
				}
				if err := c.SetControllerConfig(ctx, nil); !errors.Is(err, ErrInvalidConfig) {
					t.Errorf("setting nothing: %v", err)
				}
			})
		})
	}
}
