package apisuite_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gojuju/juju"
)

// vaultStandIn answers the two requests a controller makes to check that it
// can reach a vault backend (its health and its key status), so that the
// real server adds one. The simulator does not call it.
func vaultStandIn(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/v1/sys/key-status":
			_, _ = w.Write([]byte(`{"term":1,"install_time":"2020-01-01T00:00:00Z","data":{"term":1,"install_time":"2020-01-01T00:00:00Z"}}`))
		default:
			_, _ = w.Write([]byte(`{"initialized":true,"sealed":false,"standby":false,"version":"1.15.0"}`))
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// Secret backends: list and show (with and without reveal), add a vault
// backend, the controller's refusals, update (config, rotation, rename),
// remove.
func TestSecretBackends(t *testing.T) {
	run(t, func(t *testing.T, b *bed) {
		ctx := testCtx(t)
		c := b.newController(t)
		endpoint := vaultStandIn(t)
		name := uniqueUser(t, "vault")
		renamed := name + "-b"
		t.Cleanup(func() {
			_ = c.RemoveSecretBackend(testCtx(t), name, &juju.RemoveSecretBackendOptions{Force: true})
			_ = c.RemoveSecretBackend(testCtx(t), renamed, &juju.RemoveSecretBackendOptions{Force: true})
		})

		bs, err := c.SecretBackends(ctx, nil)
		if err != nil || len(bs) == 0 || bs[0].Name != "internal" || bs[0].Type != "controller" || bs[0].Status != "active" {
			t.Fatalf("SecretBackends = %v, %v", bs, err)
		}
		if _, err := c.SecretBackend(ctx, name, nil); !errors.Is(err, juju.ErrNotFound) {
			t.Errorf("SecretBackend of a missing backend = %s, want ErrNotFound", errCode(err))
		}

		cfg := map[string]any{"endpoint": endpoint, "token": "s.apisuite-token"}
		if err := c.AddSecretBackend(ctx, name, "vault", cfg, &juju.AddSecretBackendOptions{TokenRotateInterval: 2 * time.Hour}); err != nil {
			t.Fatalf("AddSecretBackend: %v", err)
		}
		if err := c.AddSecretBackend(ctx, name, "vault", cfg, nil); !errors.Is(err, juju.ErrAlreadyExists) {
			t.Errorf("AddSecretBackend again = %s, want ErrAlreadyExists", errCode(err))
		}
		bad := map[string]any{"endpoint": endpoint, "role-id": "x"}
		if err := c.AddSecretBackend(ctx, name+"-c", "vault", bad, nil); !errors.Is(err, juju.ErrNotValid) || !errors.Is(err, juju.ErrRefused) {
			t.Errorf("AddSecretBackend with an unknown key = %s, want the controller's ErrNotValid", errCode(err))
		}
		got, err := c.SecretBackend(ctx, name, nil)
		if err != nil || got.Type != "vault" || got.Config["endpoint"] != endpoint || got.Config["token"] != nil || got.TokenRotateInterval != 2*time.Hour || got.NumSecrets != 0 {
			t.Fatalf("SecretBackend = %v, %v", got, err)
		}
		got, err = c.SecretBackend(ctx, name, &juju.SecretBackendsOptions{Reveal: true})
		if err != nil || got.Config["token"] != "s.apisuite-token" {
			t.Fatalf("SecretBackend revealed = %v, %v", got, err)
		}

		if err := c.UpdateSecretBackend(ctx, name, &juju.UpdateSecretBackendOptions{Config: map[string]any{"token": "s.token-2"}}); err != nil {
			t.Fatalf("UpdateSecretBackend: %v", err)
		}
		if err := c.UpdateSecretBackend(ctx, name, &juju.UpdateSecretBackendOptions{Config: map[string]any{"endpoint": endpoint + "/other"}, Force: true}); !errors.Is(err, juju.ErrNotValid) {
			t.Errorf("changing the endpoint = %s, want ErrNotValid (immutable)", errCode(err))
		}
		day := 24 * time.Hour
		if err := c.UpdateSecretBackend(ctx, name, &juju.UpdateSecretBackendOptions{NewName: renamed, TokenRotateInterval: &day, Force: true}); err != nil {
			t.Fatalf("UpdateSecretBackend (rename): %v", err)
		}
		if _, err := c.SecretBackend(ctx, name, nil); !errors.Is(err, juju.ErrNotFound) {
			t.Errorf("old name after the rename = %s, want ErrNotFound", errCode(err))
		}
		got, err = c.SecretBackend(ctx, renamed, &juju.SecretBackendsOptions{Reveal: true})
		if err != nil || got.Config["token"] != "s.token-2" || got.TokenRotateInterval != day {
			t.Fatalf("after the updates: %v, %v", got, err)
		}
		if err := c.UpdateSecretBackend(ctx, name, &juju.UpdateSecretBackendOptions{Config: map[string]any{"token": "x"}}); !errors.Is(err, juju.ErrNotFound) {
			t.Errorf("updating a missing backend = %s, want ErrNotFound", errCode(err))
		}

		if err := c.RemoveSecretBackend(ctx, renamed, nil); err != nil {
			t.Fatalf("RemoveSecretBackend: %v", err)
		}
		if err := c.RemoveSecretBackend(ctx, renamed, nil); !errors.Is(err, juju.ErrNotFound) {
			t.Errorf("RemoveSecretBackend again = %s, want ErrNotFound", errCode(err))
		}
	})
}
