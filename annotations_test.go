package juju

import (
	"errors"
	"maps"
	"strings"
	"testing"
)

// Annotations on a model, an application, a unit and a machine: set,
// read, unset by an empty value; 3.6 exports an application's in its
// bundle.
func TestAnnotations(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			parallel(t)
			srv, c, m := simModel(t, v)
			r := record(c)
			ctx := testCtx(t)
			if err := srv.Seed(m.UUID(), map[string]int{"pg": 1}); err != nil {
				t.Fatal(err)
			}
			ids, err := m.AddMachines(ctx, 1, nil)
			if err != nil {
				t.Fatal(err)
			}
			targets := []struct {
				what string
				tag  string
				get  func() (map[string]string, error)
				set  func(map[string]string) error
			}{
				{"model", "model-" + m.UUID(), func() (map[string]string, error) { return m.Annotations(ctx) },
					func(a map[string]string) error { return m.SetAnnotations(ctx, a) }},
				{"application", "application-pg", func() (map[string]string, error) { return m.Application("pg").Annotations(ctx) },
					func(a map[string]string) error { return m.Application("pg").SetAnnotations(ctx, a) }},
				{"unit", "unit-pg-0", func() (map[string]string, error) { return m.Unit("pg/0").Annotations(ctx) },
					func(a map[string]string) error { return m.Unit("pg/0").SetAnnotations(ctx, a) }},
				{"machine", "machine-" + ids[0], func() (map[string]string, error) { return m.Machine(ids[0]).Annotations(ctx) },
					func(a map[string]string) error { return m.Machine(ids[0]).SetAnnotations(ctx, a) }},
			}
			for _, tg := range targets {
				if a, err := tg.get(); err != nil || len(a) != 0 {
					t.Fatalf("%s annotations at first: %v, %v", tg.what, a, err)
				}
				if err := tg.set(map[string]string{"owner": "team-" + tg.what, "gui-x": "10"}); err != nil {
					t.Fatalf("set %s annotations: %v", tg.what, err)
				}
				sameJSON(t, tg.what+" Set params", lastParams(t, r, "Annotations", "Set"),
					[]byte(`{"annotations":[{"entity":"`+tg.tag+`","annotations":{"gui-x":"10","owner":"team-`+tg.what+`"}}]}`))
				if err := tg.set(map[string]string{"gui-x": ""}); err != nil {
					t.Fatalf("unset %s annotation: %v", tg.what, err)
				}
				a, err := tg.get()
				if want := map[string]string{"owner": "team-" + tg.what}; err != nil || !maps.Equal(a, want) {
					t.Errorf("%s annotations = %v, %v; want %v", tg.what, a, err, want)
				}
				sameJSON(t, tg.what+" Get params", lastParams(t, r, "Annotations", "Get"), []byte(`{"entities":[{"tag":"`+tg.tag+`"}]}`))
			}
			if _, err := m.Application("nosuch").Annotations(ctx); !errors.Is(err, ErrNotFound) {
				t.Errorf("annotations of a missing application: %v, want ErrNotFound", err)
			}
			if err := m.Unit("pg/9").SetAnnotations(ctx, map[string]string{"a": "b"}); !errors.Is(err, ErrNotFound) {
				t.Errorf("annotating a missing unit: %v, want ErrNotFound", err)
			}
			if v == simVersions[1] {
				y, err := m.ExportBundle(ctx)
				if err != nil || !strings.Contains(y, "owner: team-application") {
					t.Errorf("exported bundle lacks the annotations (%v):\n%s", err, y)
				}
			}
		})
	}
}

func TestAnnotationsBadInput(t *testing.T) {
	parallel(t)
	_, c, m := simModel(t, simVersions[0])
	r := record(c)
	ctx := testCtx(t)
	expectNothingSent(t, r, func() {
		for _, bad := range []map[string]string{nil, {}, {"": "x"}, {"a.b": "x"}} {
			if err := m.SetAnnotations(ctx, bad); !errors.Is(err, ErrInvalidArgument) {
				t.Errorf("SetAnnotations(%v): %v, want ErrInvalidArgument", bad, err)
			}
		}
		if err := m.Application("Bad_App").SetAnnotations(ctx, map[string]string{"a": "b"}); !errors.Is(err, ErrInvalidName) {
			t.Errorf("bad application name: %v", err)
		}
		if _, err := m.Unit("pg").Annotations(ctx); !errors.Is(err, ErrInvalidName) {
			t.Errorf("bad unit name: %v", err)
		}
		if _, err := m.Machine("x").Annotations(ctx); !errors.Is(err, ErrInvalidName) {
			t.Errorf("bad machine id: %v", err)
		}
	})
}

// A lost reply to Annotations.Set is resolved by sending it again: it
// sets the values given.
func TestAnnotationsLostReplyResolved(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			parallel(t)
			srv, c, m := simModel(t, v)
			ctx := testCtx(t)
			sent := dropReplyOf(c, srv, "Annotations", "Set")
			if err := m.SetAnnotations(ctx, map[string]string{"k": "v"}); err != nil {
				t.Fatalf("SetAnnotations with its reply lost: %v, want a definite success", err)
			}
			if sent.Load() < 2 {
				t.Fatalf("Annotations.Set sent %d times, want it sent again", sent.Load())
			}
			c.requestHook.Store(nil)
			if a, err := m.Annotations(ctx); err != nil || a["k"] != "v" {
				t.Errorf("annotations = %v, %v", a, err)
			}
		})
	}
}
