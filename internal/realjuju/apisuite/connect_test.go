package apisuite_test

import (
	"crypto/tls"
	"errors"
	"strings"
	"testing"

	"github.com/gojuju/juju"
	"github.com/gojuju/juju/internal/realjuju"
)

// An explicit connection logs in and learns the server's version.
func TestConnectExplicit(t *testing.T) {
	run(t, func(t *testing.T, b *bed) {
		ctx := testCtx(t)
		c, err := juju.Connect(ctx, b.explicit(t))
		if err != nil {
			t.Fatalf("Connect: %v", err)
		}
		defer c.Close()
		if v := c.ServerVersion(); !strings.HasPrefix(v, "4.0.") {
			t.Errorf("ServerVersion = %q, want 4.0.x", v)
		}
		if !c.IsJuju4() {
			t.Error("IsJuju4 = false")
		}
		if c.UUID() == "" {
			t.Error("no controller UUID")
		}
		models, err := c.Models(ctx)
		if err != nil {
			t.Fatalf("Models: %v", err)
		}
		var controller bool
		for _, m := range models {
			controller = controller || m.IsController
		}
		if !controller {
			t.Errorf("Models lists no controller model: %+v", models)
		}
	})
}

// A connection through JUJU_DATA uses the current controller and model.
func TestConnectJujuData(t *testing.T) {
	run(t, func(t *testing.T, b *bed) {
		ctx := testCtx(t)
		cfg := b.store(t)
		c, err := juju.Connect(ctx, cfg)
		if err != nil {
			t.Fatalf("Connect: %v", err)
		}
		defer c.Close()
		if c.Name() != realjuju.ControllerName {
			t.Errorf("Name = %q, want %q", c.Name(), realjuju.ControllerName)
		}
		// The store's current model ("prod/controller").
		m, err := juju.ConnectModel(ctx, cfg)
		if err != nil {
			t.Fatalf("ConnectModel: %v", err)
		}
		defer m.Controller().Close()
		if m.QualifiedName() != realjuju.Shared(t).Info.ControllerModelName {
			t.Errorf("current model = %q", m.QualifiedName())
		}
		// And a named one, through the controller's name.
		cfg.Model = realjuju.ControllerName + ":" + realjuju.Shared(t).Info.DefaultModelName
		m2, err := juju.ConnectModel(ctx, cfg)
		if err != nil {
			t.Fatalf("ConnectModel(%q): %v", cfg.Model, err)
		}
		defer m2.Controller().Close()
		if m2.UUID() != realjuju.Shared(t).Info.DefaultModelUUID {
			t.Errorf("model %q has UUID %s, want %s", cfg.Model, m2.UUID(), realjuju.Shared(t).Info.DefaultModelUUID)
		}
		if _, err := m2.Status(ctx, nil); err != nil {
			t.Errorf("Status: %v", err)
		}
	})
}

// A wrong password is ErrUnauthorized, and not worth retrying.
func TestConnectWrongPassword(t *testing.T) {
	run(t, func(t *testing.T, b *bed) {
		cfg := b.explicit(t)
		cfg.Password = "not-the-password"
		c, err := juju.Connect(testCtx(t), cfg)
		if err == nil {
			c.Close()
			t.Fatal("Connect with a wrong password succeeded")
		}
		if !errors.Is(err, juju.ErrUnauthorized) {
			t.Errorf("err = %v, want ErrUnauthorized", err)
		}
		if juju.IsRetryable(err) {
			t.Errorf("IsRetryable(%v) = true", err)
		}
		if strings.Contains(err.Error(), cfg.Password) {
			t.Errorf("the error shows the password: %v", err)
		}
	})
}

// A CA that did not issue the server's certificate is refused before any
// login, and not worth retrying.
func TestConnectWrongCA(t *testing.T) {
	run(t, func(t *testing.T, b *bed) {
		cfg := b.explicit(t)
		// The other bed's CA: a valid CA, just not this server's.
		other := realBed
		if b == realBed {
			other = simBed
		}
		cfg.CACert = other.explicit(t).CACert
		c, err := juju.Connect(testCtx(t), cfg)
		if err == nil {
			c.Close()
			t.Fatal("Connect with the wrong CA succeeded")
		}
		var ve *tls.CertificateVerificationError
		if !errors.As(err, &ve) {
			t.Errorf("err = %v, want a certificate verification error", err)
		}
		if juju.IsRetryable(err) {
			t.Errorf("IsRetryable(%v) = true", err)
		}
	})
}

// A model that does not exist is ErrNotFound; one that does is
// ErrAlreadyExists when added again.
func TestModelNotFoundAndAlreadyExists(t *testing.T) {
	run(t, func(t *testing.T, b *bed) {
		ctx := testCtx(t)
		m := b.newModel(t)
		c := m.Controller()
		if _, err := c.Model(ctx, "no-such-model"); !errors.Is(err, juju.ErrNotFound) {
			t.Errorf("Model(no-such-model) = %v, want ErrNotFound", err)
		}
		if _, err := c.ModelInfo(ctx, "no-such-model"); !errors.Is(err, juju.ErrNotFound) {
			t.Errorf("ModelInfo(no-such-model) = %v, want ErrNotFound", err)
		}
		if _, err := c.AddModel(ctx, m.Name(), nil); !errors.Is(err, juju.ErrAlreadyExists) {
			t.Errorf("AddModel(%q) again = %v, want ErrAlreadyExists", m.Name(), err)
		}
	})
}
