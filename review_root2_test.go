package juju

import (
	"errors"
	"testing"
)

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

// DestroyModel without NoWait returns only after the controller said the
// model is gone (ModelManager.ModelStatus for it answered "not found");
// with NoWait it does not ask.
func TestDestroyModelWaitsUntilGone(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			parallel(t)
			srv := startSim(t, v)
			c := connectSim(t, srv)
			ctx := testCtx(t)
			for _, noWait := range []bool{false, true} {
				name := "wait"
				if noWait {
					name = "nowait"
				}
				if _, err := c.AddModel(ctx, name, nil); err != nil {
					t.Fatal(err)
				}
				r := record(c)
				if err := c.DestroyModel(ctx, name, &DestroyModelOptions{NoWait: noWait}); err != nil {
					t.Fatal(err)
				}
				_, asked := r.last("ModelManager", "ModelStatus")
				if asked == noWait {
					t.Errorf("DestroyModel(NoWait=%v) asked ModelStatus: %v", noWait, asked)
				}
			}
		})
	}
}

// Application.Remove must return the per-application error of
// DestroyApplication.
func TestRemoveApplicationBulkError(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			parallel(t)
			_, _, m := simModel(t, v)
			err := m.Application("nope").Remove(testCtx(t), nil)
			if !errors.Is(err, ErrNotFound) {
				t.Errorf("Remove of a missing application: err = %v, want ErrNotFound", err)
			}
		})
	}
}
