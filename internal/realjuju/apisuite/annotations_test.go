package apisuite_test

import (
	"errors"
	"maps"
	"testing"

	"github.com/gojuju/juju"
)

// Annotations of a model, an application, a unit and a machine: set,
// unset by an empty value, read back; a bad key is refused before
// sending, a missing entity by the controller.
func TestAnnotations(t *testing.T) {
	run(t, func(t *testing.T, b *bed) {
		ctx := testCtx(t)
		m, calls := b.tracedModel(t)
		db, err := m.Deploy(ctx, charmDir(t, "suite-db"), &juju.DeployOptions{Name: "db", NumUnits: 1})
		if err != nil {
			t.Fatalf("Deploy: %v", err)
		}
		ids, err := m.AddMachines(ctx, 1, nil)
		if err != nil {
			t.Fatalf("AddMachines: %v", err)
		}
		type target struct {
			what string
			get  func() (map[string]string, error)
			set  func(map[string]string) error
		}
		for _, tg := range []target{
			{"model", func() (map[string]string, error) { return m.Annotations(ctx) }, func(a map[string]string) error { return m.SetAnnotations(ctx, a) }},
			{"application", func() (map[string]string, error) { return db.Annotations(ctx) }, func(a map[string]string) error { return db.SetAnnotations(ctx, a) }},
			{"unit", func() (map[string]string, error) { return m.Unit("db/0").Annotations(ctx) }, func(a map[string]string) error { return m.Unit("db/0").SetAnnotations(ctx, a) }},
			{"machine", func() (map[string]string, error) { return m.Machine(ids[0]).Annotations(ctx) }, func(a map[string]string) error { return m.Machine(ids[0]).SetAnnotations(ctx, a) }},
		} {
			if err := tg.set(map[string]string{"owner": "team-" + tg.what, "gui-x": "10"}); err != nil {
				t.Fatalf("set %s annotations: %v", tg.what, err)
			}
			if err := tg.set(map[string]string{"gui-x": ""}); err != nil {
				t.Fatalf("unset %s annotation: %v", tg.what, err)
			}
			a, err := tg.get()
			if want := map[string]string{"owner": "team-" + tg.what}; err != nil || !maps.Equal(a, want) {
				t.Errorf("%s annotations = %v, %v; want %v", tg.what, a, err, want)
			}
		}
		calls.expectNone(t, "a key with a period", func() {
			if err := m.SetAnnotations(ctx, map[string]string{"a.b": "x"}); !errors.Is(err, juju.ErrInvalidArgument) {
				t.Errorf("SetAnnotations(a.b) = %v, want ErrInvalidArgument", err)
			}
		})
		if _, err := m.Application("nosuch").Annotations(ctx); !errors.Is(err, juju.ErrNotFound) {
			t.Errorf("annotations of a missing application = %s, want ErrNotFound", errCode(err))
		}
		if err := m.Machine("99").SetAnnotations(ctx, map[string]string{"a": "b"}); !errors.Is(err, juju.ErrNotFound) {
			t.Errorf("annotating a missing machine = %s, want ErrNotFound", errCode(err))
		}
	})
}
