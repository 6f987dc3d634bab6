package juju

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gojuju/juju/jujusim"
	"github.com/gojuju/juju/status"
)

func inError(us *status.Unit) bool {
	return us.AgentStatus.Current == "error" || us.WorkloadStatus.Current == "error"
}

func TestUnitResolve(t *testing.T) {
	for _, v := range simVersions {
		for _, retry := range []bool{false, true} {
			name := v + "/skip"
			if retry {
				name = v + "/retry"
			}
			t.Run(name, func(t *testing.T) {
				parallel(t)
				srv, _, m := simModel(t, v)
				ctx := testCtx(t)
				srv.SetBehaviour(m.UUID(), "pg", jujusim.Behaviour{FailHook: "config-changed"})
				app := deployPG(t, m, 2)
				u := m.Unit("pg/0")
				if u.Name() != "pg/0" || u.Application().Name() != "pg" || u.Model() != m {
					t.Errorf("handle = %q of %q", u.Name(), u.Application().Name())
				}
				// Both units fail their config-changed hook.
				if _, err := m.Wait(ctx, status.AllError("pg"), &status.WaitOptions{Successes: 1}); err != nil {
					t.Fatal(err)
				}
				us, err := u.Status(ctx)
				if err != nil || !inError(us) {
					t.Fatalf("Status = %+v, %v; want error", us, err)
				}

				if err := u.Resolve(ctx, &ResolveOptions{Retry: retry}); err != nil {
					t.Fatal(err)
				}
				if err := pollUntil(ctx, func() (bool, error) {
					us, err := u.Status(ctx)
					return err == nil && !inError(us) && us.AgentStatus.Current == "idle", err
				}); err != nil {
					t.Fatal(err)
				}
				// pg/1 is still in error; ResolveErrors finds it.
				units, err := app.ResolveErrors(ctx, &ResolveOptions{Retry: retry})
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff([]string{"pg/1"}, units); diff != "" {
					t.Errorf("ResolveErrors (-want +got):\n%s", diff)
				}
				if _, err := m.Wait(ctx, status.All(status.AllAgentsIdle("pg"), status.Not(status.AnyError("pg"))), &status.WaitOptions{Successes: 1}); err != nil {
					t.Fatal(err)
				}
				// Nothing in error: nothing to resolve; a unit not in
				// error is refused.
				units, err = app.ResolveErrors(ctx, nil)
				if err != nil || len(units) != 0 {
					t.Errorf("ResolveErrors with none in error = %v, %v", units, err)
				}
				if err := u.Resolve(ctx, nil); !errors.Is(err, ErrNotValid) {
					t.Errorf("Resolve of a unit not in error: %v, want ErrNotValid", err)
				}
			})
		}
	}
}

func TestUnitMachineHandles(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			parallel(t)
			_, _, m := simModel(t, v)
			ctx := testCtx(t)
			deployPG(t, m, 2)
			u := m.Unit("pg/1")
			us, err := u.Status(ctx)
			if err != nil || us.Name != "pg/1" || us.Machine == "" {
				t.Fatalf("Status = %+v, %v", us, err)
			}
			if ms, err := m.Machine(us.Machine).Status(ctx); err != nil || ms.ID != us.Machine {
				t.Fatalf("machine Status = %+v, %v", ms, err)
			}
			ids, err := m.AddMachines(ctx, 1, nil)
			if err != nil {
				t.Fatal(err)
			}
			mach := m.Machine(ids[0])
			if mach.ID() != ids[0] || mach.Model() != m {
				t.Errorf("machine handle = %q", mach.ID())
			}
			if err := u.Remove(ctx, &RemoveOptions{Wait: true}); err != nil {
				t.Fatal(err)
			}
			if _, err := u.Status(ctx); !errors.Is(err, ErrNotFound) || err.Error() != `cannot get status of "pg/1": unit "pg/1" not found` {
				t.Errorf("Status of a removed unit: %v, want ErrNotFound", err)
			}
			if _, err := m.Controller().Model(ctx, "nosuch"); !errors.Is(err, ErrNotFound) || strings.Count(err.Error(), "not found") != 1 {
				t.Errorf("missing model: %v, want ErrNotFound said once", err)
			}
			if err := mach.Remove(ctx, &RemoveMachineOptions{Force: true, KeepInstance: true, Wait: true}); err != nil {
				t.Fatal(err)
			}
			if _, err := mach.Status(ctx); !errors.Is(err, ErrNotFound) {
				t.Errorf("Status of a removed machine: %v, want ErrNotFound", err)
			}

			// Bad names are refused before anything is sent.
			for _, err := range []error{
				m.Unit("pg").Resolve(ctx, nil),
				m.Unit("Pg/0").Remove(ctx, nil),
				m.Machine("x").Remove(ctx, nil),
			} {
				if !errors.Is(err, ErrInvalidName) {
					t.Errorf("bad name: %v, want ErrInvalidName", err)
				}
			}
			if _, err := m.Machine("0/lxd").Status(ctx); !errors.Is(err, ErrInvalidName) {
				t.Errorf("bad machine id: %v, want ErrInvalidName", err)
			}
			if _, err := m.Application("nosuch").ResolveErrors(ctx, nil); !errors.Is(err, ErrNotFound) {
				t.Errorf("ResolveErrors of a missing application: %v, want ErrNotFound", err)
			}
		})
	}
}
