package juju

import (
	"errors"
	"testing"

	"github.com/gojuju/juju/rpc"
)

func TestCall(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			parallel(t)
			_, c, m := simModel(t, v)
			ctx := testCtx(t)
			deployPG(t, m, 2)

			// A model facade on the model connection.
			var fs struct {
				Model struct {
					Name string `json:"name"`
				} `json:"model"`
				Applications map[string]struct {
					Units map[string]any `json:"units"`
				} `json:"applications"`
			}
			if err := m.Call(ctx, "Client", "FullStatus", "", map[string]any{"patterns": []string{"pg"}}, &fs); err != nil {
				t.Fatal(err)
			}
			if fs.Model.Name != "default" || len(fs.Applications["pg"].Units) != 2 {
				t.Errorf("FullStatus through Call = %+v, want model default with 2 pg units", fs)
			}

			// A controller facade on the controller connection, pinned.
			var models struct {
				UserModels []struct {
					Model struct {
						Name string `json:"name"`
						UUID string `json:"uuid"`
					} `json:"model"`
				} `json:"user-models"`
			}
			if err := c.Call(ctx, "ModelManager", "ListModels", "", map[string]string{"tag": "user-admin"}, &models); err != nil {
				t.Fatal(err)
			}
			found := false
			for _, um := range models.UserModels {
				found = found || um.Model.UUID == m.UUID()
			}
			if !found {
				t.Errorf("ListModels through Call = %+v, want model %s", models, m.UUID())
			}

			// Refusals.
			err := m.Call(ctx, "NoSuchFacade", "Anything", "", nil, nil)
			if !errors.Is(err, ErrNotSupported) {
				t.Errorf("unknown facade: %v, want ErrNotSupported", err)
			}
			err = c.CallVersion(ctx, "ModelManager", 999, "ListModels", "", nil, nil)
			if !errors.Is(err, ErrNotSupported) {
				t.Errorf("unknown version: %v, want ErrNotSupported", err)
			}
			err = m.Call(ctx, "", "FullStatus", "", nil, nil)
			if !errors.Is(err, ErrInvalidArgument) {
				t.Errorf("empty facade: %v, want ErrInvalidArgument", err)
			}
			err = m.Call(ctx, "Application", "NoSuchMethod", "", nil, nil)
			var re *rpc.Error
			var oe *OperationError
			if !errors.As(err, &re) || !errors.As(err, &oe) || oe.Entity != "Application.NoSuchMethod" {
				t.Errorf("server refusal: %v (%T), want an *OperationError wrapping an *rpc.Error", err, err)
			}
			if !errors.Is(err, ErrNotImplemented) {
				t.Errorf("server refusal: %v, want ErrNotImplemented", err)
			}
		})
	}
}
