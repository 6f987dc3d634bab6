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

// The simulator answers Controller.ControllerAPIInfoForModels with its
// own addresses and CA certificate, in both modes; a missing model is an
// error result.
func TestControllerAPIInfoForModels(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			parallel(t)
			srv, c, m := simModel(t, v)
			var res struct {
				Results []struct {
					Addresses []string `json:"addresses"`
					CACert    string   `json:"cacert"`
					Error     *struct {
						Message string `json:"message"`
					} `json:"error"`
				} `json:"results"`
			}
			params := map[string]any{"entities": []map[string]string{{"tag": "model-" + m.UUID()}, {"tag": "model-00000000-0000-4000-8000-000000000000"}}}
			if err := c.Call(testCtx(t), "Controller", "ControllerAPIInfoForModels", "", params, &res); err != nil {
				t.Fatal(err)
			}
			if len(res.Results) != 2 {
				t.Fatalf("results %+v", res)
			}
			got := res.Results[0]
			if got.Error != nil || len(got.Addresses) == 0 || !strings.Contains(srv.APIAddresses()[0], got.Addresses[0]) || got.CACert != srv.CACert() {
				t.Errorf("first result %+v, want the addresses %v and the CA certificate", got, srv.APIAddresses())
			}
			if res.Results[1].Error == nil {
				t.Errorf("a missing model gave %+v", res.Results[1])
			}
		})
	}
}
