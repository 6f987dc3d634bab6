package juju

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestCredentialsAndClouds(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			parallel(t)
			_, c, m := simModel(t, v)
			r := record(c)
			ctx := testCtx(t)

			cs, err := c.Credentials(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			sameJSON(t, "CredentialContents params", lastParams(t, r, "Cloud", "CredentialContents"), wave2Request(t, "credentials", "CredentialContents"))
			if len(cs) != 1 || cs[0].Cloud != "dummy" || cs[0].Name != "default" || cs[0].AuthType != "userpass" || !cs[0].Valid ||
				cs[0].Attributes["username"] != "dummy" || cs[0].Attributes["password"] != "" || cs[0].Models["admin/"+m.Name()] != "admin" {
				t.Fatalf("Credentials = %+v", cs)
			}
			withSecrets, err := c.Credential(ctx, "dummy", "default", &CredentialsOptions{IncludeSecrets: true})
			if err != nil {
				t.Fatal(err)
			}
			secret := withSecrets.Attributes["password"]
			if secret == "" {
				t.Fatalf("IncludeSecrets gave no password: %v", withSecrets)
			}
			sameJSON(t, "CredentialContents (one) params", lastParams(t, r, "Cloud", "CredentialContents"),
				[]byte(`{"credentials":[{"cloud-name":"dummy","credential-name":"default"}],"include-secrets":true}`))
			for _, s := range []string{fmt.Sprint(*withSecrets), fmt.Sprintf("%+v", *withSecrets), fmt.Sprintf("%#v", *withSecrets), fmt.Sprint(withSecrets)} {
				if strings.Contains(s, secret) {
					t.Errorf("printing a credential shows its secret: %s", s)
				}
			}
			if _, err := c.Credential(ctx, "dummy", "nosuch", nil); !errors.Is(err, ErrNotFound) {
				t.Errorf("Credential(nosuch): %v, want ErrNotFound", err)
			}

			cl, err := c.ShowCloud(ctx, "dummy")
			if err != nil || cl.Type != "dummy" || len(cl.Regions) != 1 || cl.Regions[0] != "dummy-region" {
				t.Fatalf("ShowCloud = %+v, %v", cl, err)
			}
			if _, err := c.ShowCloud(ctx, "nosuch"); !errors.Is(err, ErrNotFound) {
				t.Errorf("ShowCloud(nosuch): %v, want ErrNotFound", err)
			}

			// The dummy provider has no spaces, on the simulator as on
			// the real test bed.
			if _, err := m.Spaces(ctx); !errors.Is(err, ErrNotSupported) {
				t.Errorf("Spaces: %v, want ErrNotSupported", err)
			}
			if err := m.AddSpace(ctx, "myspace"); !errors.Is(err, ErrNotSupported) {
				t.Errorf("AddSpace: %v, want ErrNotSupported", err)
			}
			sameJSON(t, "CreateSpaces params", lastParams(t, r, "Spaces", "CreateSpaces"), wave2Request(t, "add-space", "CreateSpaces"))
		})
	}
}

func TestCredentialsBadInput(t *testing.T) {
	parallel(t)
	_, c, m := simModel(t, simVersions[0])
	r := record(c)
	ctx := testCtx(t)
	expectNothingSent(t, r, func() {
		if _, err := c.Credential(ctx, "Bad Cloud", "default", nil); !errors.Is(err, ErrInvalidName) {
			t.Errorf("Credential of a bad cloud name: %v", err)
		}
		if _, err := c.Credential(ctx, "dummy", "a/b", nil); !errors.Is(err, ErrInvalidName) {
			t.Errorf("Credential of a bad name: %v", err)
		}
		if _, err := c.ShowCloud(ctx, ""); !errors.Is(err, ErrInvalidName) {
			t.Errorf("ShowCloud(\"\"): %v", err)
		}
		if err := m.AddSpace(ctx, "Bad_Space"); !errors.Is(err, ErrInvalidName) {
			t.Errorf("AddSpace bad name: %v", err)
		}
		if err := m.AddSpace(ctx, "db", "10.0.0.0/33"); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("AddSpace bad CIDR: %v", err)
		}
	})
}

// A credential's secrets never reach the log.
func TestCredentialSecretsNotLogged(t *testing.T) {
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
	cr, err := c.Credential(testCtx(t), "dummy", "default", &CredentialsOptions{IncludeSecrets: true})
	if err != nil {
		t.Fatal(err)
	}
	newTestLogger(&buf).Info("credential", "cred", *cr)
	if !strings.Contains(buf.String(), "juju.Credential{") {
		t.Fatalf("the credential was not logged; the test would prove nothing:\n%s", buf.String())
	}
	if strings.Contains(buf.String(), cr.Attributes["password"]) {
		t.Errorf("log shows the credential's secret:\n%s", buf.String())
	}
}
