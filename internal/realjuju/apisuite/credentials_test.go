package apisuite_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/gojuju/juju"
)

// Clouds, credentials (with and without secrets) and spaces: both beds'
// clouds are the dummy provider, which has no spaces.
func TestCredentialsAndSpaces(t *testing.T) {
	run(t, func(t *testing.T, b *bed) {
		ctx := testCtx(t)
		m := b.newModel(t)
		c := m.Controller()
		info, err := c.ModelInfo(ctx, m.QualifiedName())
		if err != nil {
			t.Fatal(err)
		}
		cl, err := c.ShowCloud(ctx, info.Cloud)
		if err != nil || cl.Name != info.Cloud || cl.Type == "" || len(cl.AuthTypes) == 0 {
			t.Errorf("ShowCloud(%q) = %+v, %v", info.Cloud, cl, err)
		}
		if _, err := c.ShowCloud(ctx, "no-such-cloud"); !errors.Is(err, juju.ErrNotFound) {
			t.Errorf("ShowCloud of a missing cloud = %s, want ErrNotFound", errCode(err))
		}
		credName := info.Credential[strings.LastIndexByte(info.Credential, '/')+1:] // "<cloud>/<owner>/<name>"
		cs, err := c.Credentials(ctx, nil)
		if err != nil {
			t.Fatalf("Credentials: %v", err)
		}
		var found *juju.Credential
		for i := range cs {
			if cs[i].Cloud == info.Cloud && cs[i].Name == credName {
				found = &cs[i]
			}
		}
		if found == nil || found.AuthType == "" || !found.Valid || found.Models[m.QualifiedName()] == "" {
			t.Fatalf("Credentials = %v, want %s/%s used by %s", cs, info.Cloud, credName, m.QualifiedName())
		}
		secret, err := c.Credential(ctx, info.Cloud, credName, &juju.CredentialsOptions{IncludeSecrets: true})
		if err != nil {
			t.Fatalf("Credential: %v", err)
		}
		if len(secret.Attributes) <= len(found.Attributes) {
			t.Errorf("with secrets %v, without %v: want more attributes with secrets", secret, found)
		}
		if _, err := c.Credential(ctx, info.Cloud, "no-such-cred", nil); !errors.Is(err, juju.ErrNotFound) {
			t.Errorf("Credential of a missing credential = %s, want ErrNotFound", errCode(err))
		}
		if _, err := m.Spaces(ctx); !errors.Is(err, juju.ErrNotSupported) {
			t.Errorf("Spaces = %s, want ErrNotSupported", errCode(err))
		}
		if err := m.AddSpace(ctx, "myspace"); !errors.Is(err, juju.ErrNotSupported) {
			t.Errorf("AddSpace = %s, want ErrNotSupported", errCode(err))
		}
	})
}
