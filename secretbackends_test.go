package juju

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
)

var vaultConfig = map[string]any{"endpoint": "http://vault.example:8200", "token": "s.vault-token-1"}

func TestSecretBackendsLifecycle(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			parallel(t)
			_, c, _ := simModel(t, v)
			r := record(c)
			ctx := testCtx(t)

			bs, err := c.SecretBackends(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			sameJSON(t, "ListSecretBackends params", lastParams(t, r, "SecretBackends", "ListSecretBackends"), wave2Request(t, "secret-backends", "ListSecretBackends"))
			if len(bs) != 1 || bs[0].Name != "internal" || bs[0].Type != "controller" || bs[0].Status != "active" || bs[0].ID == "" {
				t.Fatalf("SecretBackends = %v", bs)
			}
			b, err := c.SecretBackend(ctx, "internal", nil)
			if err != nil || b.Name != "internal" {
				t.Fatalf("SecretBackend(internal) = %v, %v", b, err)
			}
			sameJSON(t, "show ListSecretBackends params", lastParams(t, r, "SecretBackends", "ListSecretBackends"), wave2Request(t, "show-secret-backend", "ListSecretBackends"))
			if _, err := c.SecretBackend(ctx, "nosuch", nil); !errors.Is(err, ErrNotFound) {
				t.Errorf("SecretBackend(nosuch) = %v, want ErrNotFound", err)
			}

			if err := c.AddSecretBackend(ctx, "myvault", "vault", vaultConfig, &AddSecretBackendOptions{TokenRotateInterval: 2 * time.Hour}); err != nil {
				t.Fatal(err)
			}
			sameJSON(t, "AddSecretBackends params", lastParams(t, r, "SecretBackends", "AddSecretBackends"),
				[]byte(`{"args":[{"name":"myvault","backend-type":"vault","config":{"endpoint":"http://vault.example:8200","token":"s.vault-token-1"},"token-rotate-interval":7200000000000}]}`))
			if err := c.AddSecretBackend(ctx, "myvault", "vault", vaultConfig, nil); !errors.Is(err, ErrAlreadyExists) || !errors.Is(err, ErrRefused) {
				t.Errorf("adding myvault again: %v, want ErrAlreadyExists", err)
			}
			// The controller checks what the client cannot: the keys of
			// the type.
			if err := c.AddSecretBackend(ctx, "v2", "vault", map[string]any{"endpoint": "http://x", "bogus": "1"}, nil); !errors.Is(err, ErrNotValid) || !errors.Is(err, ErrRefused) {
				t.Errorf("an unknown config key: %v, want the controller's ErrNotValid", err)
			}
			b, err = c.SecretBackend(ctx, "myvault", nil)
			if err != nil || b.Type != "vault" || b.Config["endpoint"] != "http://vault.example:8200" || b.Config["token"] != nil || b.TokenRotateInterval != 2*time.Hour {
				t.Fatalf("SecretBackend(myvault) = %v, %v (config %d keys)", b, err, len(b.Config))
			}
			b, err = c.SecretBackend(ctx, "myvault", &SecretBackendsOptions{Reveal: true})
			if err != nil || b.Config["token"] != "s.vault-token-1" {
				t.Fatalf("revealed: %v, %v", b, err)
			}
			bs, err = c.SecretBackends(ctx, &SecretBackendsOptions{Reveal: true})
			if err != nil || len(bs) != 2 || bs[0].Name != "internal" || bs[1].Name != "myvault" || bs[1].Config["token"] == nil {
				t.Fatalf("SecretBackends(reveal) = %v, %v", bs, err)
			}

			// Update: config, then a rename with a new rotation.
			if err := c.UpdateSecretBackend(ctx, "myvault", &UpdateSecretBackendOptions{Config: map[string]any{"token": "s.vault-token-2"}, Force: true}); err != nil {
				t.Fatal(err)
			}
			sameJSON(t, "UpdateSecretBackends params", lastParams(t, r, "SecretBackends", "UpdateSecretBackends"),
				[]byte(`{"args":[{"name":"myvault","config":{"token":"s.vault-token-2"},"reset":null,"token-rotate-interval":null,"force":true}]}`))
			if err := c.UpdateSecretBackend(ctx, "myvault", &UpdateSecretBackendOptions{Config: map[string]any{"endpoint": "http://other:8200"}}); !errors.Is(err, ErrNotValid) {
				t.Errorf("changing a vault endpoint: %v, want the controller's ErrNotValid", err)
			}
			zero := time.Duration(0)
			if err := c.UpdateSecretBackend(ctx, "myvault", &UpdateSecretBackendOptions{NewName: "vault2", TokenRotateInterval: &zero}); err != nil {
				t.Fatal(err)
			}
			if _, err := c.SecretBackend(ctx, "myvault", nil); !errors.Is(err, ErrNotFound) {
				t.Errorf("old name after the rename: %v, want ErrNotFound", err)
			}
			b, err = c.SecretBackend(ctx, "vault2", &SecretBackendsOptions{Reveal: true})
			if err != nil || b.Config["token"] != "s.vault-token-2" || b.TokenRotateInterval != 0 {
				t.Fatalf("after the update: %v, %v", b, err)
			}
			if err := c.UpdateSecretBackend(ctx, "nosuch", &UpdateSecretBackendOptions{Config: map[string]any{"token": "x"}}); !errors.Is(err, ErrNotFound) {
				t.Errorf("updating a missing backend: %v, want ErrNotFound", err)
			}

			if err := c.RemoveSecretBackend(ctx, "vault2", &RemoveSecretBackendOptions{Force: true}); err != nil {
				t.Fatal(err)
			}
			sameJSON(t, "RemoveSecretBackends params", lastParams(t, r, "SecretBackends", "RemoveSecretBackends"), []byte(`{"args":[{"name":"vault2","force":true}]}`))
			if err := c.RemoveSecretBackend(ctx, "vault2", nil); !errors.Is(err, ErrNotFound) {
				t.Errorf("removing it again: %v, want ErrNotFound", err)
			}
			if err := c.AddSecretBackend(ctx, "k8s", "kubernetes", map[string]any{"endpoint": "https://k8s:6443", "namespace": "secrets", "token": "t"}, nil); err != nil {
				t.Fatalf("adding a kubernetes backend: %v", err)
			}
			if err := c.RemoveSecretBackend(ctx, "k8s", nil); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestSecretBackendsBadInput(t *testing.T) {
	parallel(t)
	_, c, _ := simModel(t, simVersions[0])
	r := record(c)
	ctx := testCtx(t)
	day := 24 * time.Hour
	short := 10 * time.Minute
	expectNothingSent(t, r, func() {
		for _, tc := range []struct {
			name, typ string
			cfg       map[string]any
			opts      *AddSecretBackendOptions
			want      error
		}{
			{"", "vault", vaultConfig, nil, ErrInvalidName},
			{"internal", "vault", vaultConfig, nil, ErrInvalidName},
			{"auto", "vault", vaultConfig, nil, ErrInvalidName},
			{"v", "bogus", vaultConfig, nil, ErrInvalidArgument},
			{"v", "controller", nil, nil, ErrInvalidArgument},
			{"v", "vault", map[string]any{"token": "x"}, nil, ErrInvalidConfig},
			{"v", "vault", map[string]any{"endpoint": ""}, nil, ErrInvalidConfig},
			{"v", "kubernetes", map[string]any{"endpoint": "https://k"}, nil, ErrInvalidConfig},
			{"v", "vault", map[string]any{"endpoint": "http://x", "client-cert": "c"}, nil, ErrInvalidConfig},
			{"v", "vault", vaultConfig, &AddSecretBackendOptions{TokenRotateInterval: short}, ErrInvalidArgument},
			{"v", "vault", vaultConfig, &AddSecretBackendOptions{TokenRotateInterval: -day}, ErrInvalidArgument},
		} {
			if err := c.AddSecretBackend(ctx, tc.name, tc.typ, tc.cfg, tc.opts); !errors.Is(err, tc.want) || !errors.Is(err, ErrInvalidInput) {
				t.Errorf("AddSecretBackend(%q, %q, %v): %v, want %v", tc.name, tc.typ, tc.cfg, err, tc.want)
			}
		}
		for _, tc := range []struct {
			name string
			opts *UpdateSecretBackendOptions
			want error
		}{
			{"v", nil, ErrInvalidArgument},
			{"v", &UpdateSecretBackendOptions{Force: true}, ErrInvalidArgument},
			{"internal", &UpdateSecretBackendOptions{Config: map[string]any{"token": "x"}}, ErrInvalidName},
			{"v", &UpdateSecretBackendOptions{NewName: "auto"}, ErrInvalidName},
			{"v", &UpdateSecretBackendOptions{TokenRotateInterval: &short}, ErrInvalidArgument},
			{"v", &UpdateSecretBackendOptions{Config: map[string]any{"token": "x"}, Reset: []string{"token"}}, ErrInvalidConfig},
			{"v", &UpdateSecretBackendOptions{Reset: []string{""}}, ErrInvalidConfig},
		} {
			if err := c.UpdateSecretBackend(ctx, tc.name, tc.opts); !errors.Is(err, tc.want) {
				t.Errorf("UpdateSecretBackend(%q, %v): %v, want %v", tc.name, tc.opts, err, tc.want)
			}
		}
		for _, n := range []string{"", "internal"} {
			if err := c.RemoveSecretBackend(ctx, n, nil); !errors.Is(err, ErrInvalidName) {
				t.Errorf("RemoveSecretBackend(%q): %v, want ErrInvalidName", n, err)
			}
		}
		if _, err := c.SecretBackend(ctx, "", nil); !errors.Is(err, ErrInvalidName) {
			t.Errorf("SecretBackend(\"\"): %v, want ErrInvalidName", err)
		}
	})
}

// Backend config values (tokens) never reach the log or printed values.
func TestSecretBackendsConfigNotLogged(t *testing.T) {
	parallel(t)
	srv := startSim(t, simVersions[0])
	var buf bytes.Buffer
	cfg := simConfig(srv)
	cfg.Logger = newTestLogger(&buf)
	c, err := Connect(testCtx(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := testCtx(t)
	const token, token2 = "s.never-logged-1", "s.never-logged-2"
	if err := c.AddSecretBackend(ctx, "v", "vault", map[string]any{"endpoint": "http://vault:8200", "token": token}, nil); err != nil {
		t.Fatal(err)
	}
	opts := &UpdateSecretBackendOptions{Config: map[string]any{"token": token2}}
	if err := c.UpdateSecretBackend(ctx, "v", opts); err != nil {
		t.Fatal(err)
	}
	if err := c.UpdateSecretBackend(ctx, "nosuch", opts); err == nil {
		t.Fatal("updating a missing backend succeeded")
	} else if strings.Contains(err.Error(), token2) {
		t.Errorf("error shows the token: %v", err)
	}
	b, err := c.SecretBackend(ctx, "v", &SecretBackendsOptions{Reveal: true})
	if err != nil || b.Config["token"] != token2 {
		t.Fatalf("revealed backend = %v, %v", b, err)
	}
	c.logger.Info("backend", "b", *b, "opts", *opts)
	if buf.Len() == 0 {
		t.Fatal("nothing was logged; the test would prove nothing")
	}
	if log := buf.String(); strings.Contains(log, token) || strings.Contains(log, token2) {
		t.Errorf("log shows a token:\n%s", log)
	}
	var printed bytes.Buffer
	fmt.Fprintf(&printed, "%v %+v %#v %s %v %+v %#v", *b, *b, *b, b, *opts, *opts, *opts)
	slog.New(slog.NewJSONHandler(&printed, nil)).Info("x", "b", *b, "o", *opts)
	if s := printed.String(); strings.Contains(s, token2) || !strings.Contains(s, "endpoint") {
		t.Errorf("printing shows the token (or no key names): %s", s)
	}
}

// Each secret backend write whose reply is lost resolves into a definite
// success made once: the backend's state answers (add, rename, remove),
// or the update is sent again.
func TestSecretBackendsLostReplyResolved(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			parallel(t)
			srv, c, _ := simModel(t, v)
			ctx := testCtx(t)
			steps := []struct {
				method string
				do     func() error
			}{
				{"AddSecretBackends", func() error { return c.AddSecretBackend(ctx, "v", "vault", vaultConfig, nil) }},
				{"UpdateSecretBackends", func() error {
					return c.UpdateSecretBackend(ctx, "v", &UpdateSecretBackendOptions{Config: map[string]any{"token": "t2"}})
				}},
				{"UpdateSecretBackends", func() error {
					return c.UpdateSecretBackend(ctx, "v", &UpdateSecretBackendOptions{NewName: "v2"})
				}},
				{"RemoveSecretBackends", func() error { return c.RemoveSecretBackend(ctx, "v2", nil) }},
			}
			for _, s := range steps {
				sent := dropReplyOf(c, srv, "SecretBackends", s.method)
				if err := s.do(); err != nil {
					t.Fatalf("%s with its reply lost: %v, want a definite success", s.method, err)
				}
				if sent.Load() == 0 {
					t.Fatalf("%s was never sent", s.method)
				}
				c.requestHook.Store(nil)
			}
			bs, err := c.SecretBackends(ctx, nil)
			if err != nil || len(bs) != 1 {
				t.Errorf("backends at the end: %v, %v; want internal only", bs, err)
			}
		})
	}
}
