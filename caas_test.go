package juju

import (
	"errors"
	"testing"
)

// k8sModel adds a Kubernetes cloud to the simulator (when it can) and a
// container model on it.
func k8sModel(t *testing.T, version string) (*Controller, *Model) {
	t.Helper()
	srv := startSim(t, version)
	if err := srv.AddCloud("k8s", "kubernetes"); err != nil {
		t.Fatal(err)
	}
	c := connectSim(t, srv)
	m, err := c.AddModel(testCtx(t), "k", &AddModelOptions{Cloud: "k8s"})
	if err != nil {
		t.Fatal(err)
	}
	if m.Type() != ModelCAAS {
		t.Fatalf("model type %q", m.Type())
	}
	return c, m
}

func TestKubernetesModelScales(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			c, m := k8sModel(t, v)
			ctx := testCtx(t)
			app, err := m.Deploy(ctx, "postgresql-k8s", &DeployOptions{Name: "pg"})
			if err != nil {
				t.Fatal(err)
			}
			r := record(c)
			units, err := app.AddUnits(ctx, 2, nil)
			if err != nil || units != nil {
				t.Fatalf("AddUnits = %v, %v", units, err)
			}
			if got := r.methods(0); len(got) != 1 || got[0] != "Application.ScaleApplications" {
				t.Errorf("calls %v", got)
			}
			if got := appScale(t, m, "pg"); got != 3 {
				t.Errorf("scale after AddUnits(2) = %d, want 3", got)
			}
			if err := app.Scale(ctx, 1); err != nil {
				t.Fatal(err)
			}
			if got := appScale(t, m, "pg"); got != 1 {
				t.Errorf("scale after Scale(1) = %d, want 1", got)
			}
			if err := m.RemoveUnits(ctx, []string{"pg/0"}, nil); !errors.Is(err, ErrNotSupported) {
				t.Errorf("RemoveUnits on k8s: %v", err)
			}
			if _, err := m.AddMachines(ctx, 1, nil); !errors.Is(err, ErrNotSupported) {
				t.Errorf("AddMachines on k8s: %v", err)
			}
			if _, err := app.AddUnits(ctx, 1, &AddUnitsOptions{To: []string{"0"}}); !errors.Is(err, ErrInvalidPlacement) {
				t.Errorf("placement on k8s: %v", err)
			}
		})
	}
}

// appScale returns the scale status reports for application app.
func appScale(t *testing.T, m *Model, app string) int {
	t.Helper()
	s, err := m.Status(testCtx(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	a, ok := s.Applications[app]
	if !ok {
		t.Fatalf("no application %q in status", app)
	}
	return a.Scale
}

// On a Kubernetes model, Scale and AddUnits go through ScaleApplications,
// whose per-application error must not be lost.
func TestKubernetesScaleBulkError(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			_, m := k8sModel(t, v)
			ctx := testCtx(t)
			app := m.Application("nope")
			if err := app.Scale(ctx, 2); !errors.Is(err, ErrNotFound) {
				t.Errorf("Scale of a missing application: err = %v, want ErrNotFound", err)
			}
			if _, err := app.AddUnits(ctx, 1, nil); !errors.Is(err, ErrNotFound) {
				t.Errorf("AddUnits to a missing application: err = %v, want ErrNotFound", err)
			}
		})
	}
}
