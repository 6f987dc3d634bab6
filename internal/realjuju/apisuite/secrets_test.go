package apisuite_test

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gojuju/juju"
)

// User secrets: add, update, grant, revoke, reveal, list, remove.
func TestSecrets(t *testing.T) {
	run(t, func(t *testing.T, b *bed) {
		ctx := testCtx(t)
		m := b.newModel(t)
		if _, err := m.Deploy(ctx, charmDir(t, "suite-app"), &juju.DeployOptions{Name: "web"}); err != nil {
			t.Fatalf("Deploy: %v", err)
		}
		uri, err := m.AddSecret(ctx, "apikey", map[string]string{"token": "s3cr3t", "user": "bob"}, &juju.AddSecretOptions{Description: "the API key"})
		if err != nil {
			t.Fatalf("AddSecret: %v", err)
		}
		if !strings.HasPrefix(uri.String(), "secret:") {
			t.Errorf("URI = %q", uri)
		}
		if _, err := m.AddSecret(ctx, "apikey", map[string]string{"xyz": "y"}, nil); !errors.Is(err, juju.ErrAlreadyExists) {
			t.Errorf("AddSecret with a taken name = %s, want ErrAlreadyExists", errCode(err))
		}

		s, err := m.Secret(ctx, "apikey", &juju.SecretOptions{Reveal: true})
		if err != nil {
			t.Fatalf("Secret: %v", err)
		}
		if s.URI.ID != uri.ID || s.Name != "apikey" || s.Description != "the API key" || s.LatestRevision != 1 || !s.IsUserSecret() {
			t.Errorf("secret = %+v", s)
		}
		if !maps.Equal(s.Content, map[string]string{"token": "s3cr3t", "user": "bob"}) {
			t.Errorf("revealed content = %v", s.Content)
		}
		hidden, err := m.Secret(ctx, uri.String(), nil)
		if err != nil {
			t.Fatalf("Secret by URI: %v", err)
		}
		if hidden.Content != nil {
			t.Errorf("content without Reveal: %v", hidden.Content)
		}

		if err := m.UpdateSecret(ctx, "apikey", map[string]string{"token": "n3w"}, nil); err != nil {
			t.Fatalf("UpdateSecret: %v", err)
		}
		s, err = m.Secret(ctx, "apikey", &juju.SecretOptions{Reveal: true})
		if err != nil {
			t.Fatalf("Secret: %v", err)
		}
		if s.LatestRevision != 2 || !maps.Equal(s.Content, map[string]string{"token": "n3w"}) {
			t.Errorf("after UpdateSecret: revision %d content %v", s.LatestRevision, s.Content)
		}
		old, err := m.Secret(ctx, "apikey", &juju.SecretOptions{Reveal: true, Revision: 1})
		if err != nil {
			t.Fatalf("Secret revision 1: %v", err)
		}
		if old.Content["token"] != "s3cr3t" {
			t.Errorf("revision 1 content = %v", old.Content)
		}

		if err := m.GrantSecret(ctx, "apikey", "web"); err != nil {
			t.Fatalf("GrantSecret: %v", err)
		}
		s, _ = m.Secret(ctx, "apikey", nil)
		if !slices.ContainsFunc(s.Access, func(a juju.SecretAccess) bool { return a.Target == "application-web" && a.Role == "view" }) {
			t.Errorf("after GrantSecret: access %+v", s.Access)
		}
		if err := m.RevokeSecret(ctx, "apikey", "web"); err != nil {
			t.Fatalf("RevokeSecret: %v", err)
		}
		s, _ = m.Secret(ctx, "apikey", nil)
		if slices.ContainsFunc(s.Access, func(a juju.SecretAccess) bool { return a.Target == "application-web" }) {
			t.Errorf("after RevokeSecret: access %+v", s.Access)
		}
		if err := m.GrantSecret(ctx, "apikey", "ghost"); !errors.Is(err, juju.ErrNotFound) {
			t.Errorf("GrantSecret to a missing application = %s, want ErrNotFound", errCode(err))
		}

		list, err := m.Secrets(ctx, nil)
		if err != nil {
			t.Fatalf("Secrets: %v", err)
		}
		if len(list) != 1 || list[0].Name != "apikey" {
			t.Errorf("Secrets = %+v", list)
		}

		if err := m.RemoveSecret(ctx, "apikey", nil); err != nil {
			t.Fatalf("RemoveSecret: %v", err)
		}
		// The removal is scheduled: the secret is listed until the
		// controller's worker deletes it, which a bed without agents never
		// does.
		for {
			list, err = m.Secrets(ctx, nil)
			if err != nil {
				t.Fatalf("Secrets after RemoveSecret: %v", err)
			}
			if len(list) == 0 || !b.SecretRemovalComplete {
				break
			}
			select {
			case <-ctx.Done():
				t.Fatalf("the removed secret is still listed: %+v", list)
			case <-time.After(50 * time.Millisecond):
			}
		}
		if _, err := m.Secret(ctx, "nope", nil); !errors.Is(err, juju.ErrNotFound) {
			t.Errorf("Secret(nope) = %s, want ErrNotFound", errCode(err))
		}
		if err := m.UpdateSecret(ctx, "nope", map[string]string{"aaa": "b"}, nil); !errors.Is(err, juju.ErrNotFound) {
			t.Errorf("UpdateSecret(nope) = %s, want ErrNotFound", errCode(err))
		}
	})
}

// Bad secret input is refused before anything is sent.
func TestSecretsBadInput(t *testing.T) {
	run(t, func(t *testing.T, b *bed) {
		ctx := testCtx(t)
		m, calls := b.tracedModel(t)
		for _, tc := range []struct {
			name string
			f    func() error
		}{
			{"empty name", func() error { _, err := m.AddSecret(ctx, "", map[string]string{"a": "b"}, nil); return err }},
			{"bad key", func() error { _, err := m.AddSecret(ctx, "ok", map[string]string{"Bad Key": "b"}, nil); return err }},
			{"no content", func() error { _, err := m.AddSecret(ctx, "ok", nil, nil); return err }},
			{"bad URI", func() error { return m.UpdateSecret(ctx, "secret:!!", map[string]string{"a": "b"}, nil) }},
			{"bad application", func() error { return m.GrantSecret(ctx, "ok", "Bad_App") }},
		} {
			calls.expectNone(t, tc.name, func() {
				if err := tc.f(); !errors.Is(err, juju.ErrInvalidInput) {
					t.Errorf("%s: err = %v, want ErrInvalidInput", tc.name, err)
				}
			})
		}
	})
}
