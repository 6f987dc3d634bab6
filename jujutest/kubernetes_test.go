package jujutest_test

import (
	"context"
	"testing"
	"time"

	"github.com/gojuju/juju"
	"github.com/gojuju/juju/jujusim"
	"github.com/gojuju/juju/jujutest"
)

// One option gives a Kubernetes model, on the shared simulator (which
// gets a Kubernetes cloud on demand) and on a simulator that registered
// its own at start.
func TestKubernetesModel(t *testing.T) {
	t.Run("shared", func(t *testing.T) {
		m := jujutest.NewModel(t, &jujutest.Options{Kubernetes: true})
		checkKubernetesModel(t, m, jujusim.DefaultKubernetesCloud)
	})
	t.Run("own", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		sim, err := jujusim.Start(ctx, jujusim.Config{Speed: jujusim.SpeedInstant, KubernetesCloud: "microk8s", JujuVersion: jujusim.Juju36})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { sim.Close() }) // after the model's cleanup
		m := jujutest.NewModel(t, &jujutest.Options{Kubernetes: true, Simulator: sim})
		checkKubernetesModel(t, m, "microk8s")
	})
}

func checkKubernetesModel(t *testing.T, m *juju.Model, cloud string) {
	t.Helper()
	if m.Type() != juju.ModelCAAS {
		t.Fatalf("model type %q, want %q", m.Type(), juju.ModelCAAS)
	}
	info, err := m.Controller().ModelInfo(t.Context(), m.QualifiedName())
	if err != nil {
		t.Fatal(err)
	}
	if info.Cloud != cloud {
		t.Errorf("model on cloud %q, want %q", info.Cloud, cloud)
	}
	app, err := m.Deploy(t.Context(), "postgresql-k8s", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := app.Scale(t.Context(), 3); err != nil {
		t.Fatal(err)
	}
	st, err := m.Status(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Applications["postgresql-k8s"].Scale; got != 3 {
		t.Errorf("scale %d, want 3", got)
	}
}
