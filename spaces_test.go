package juju

import (
	"errors"
	"testing"
)

// The simulator's clouds have no spaces and no subnets, as the real test
// bed's dummy provider: subnets list empty, and every space change or
// lookup is ErrNotSupported, found by listing the spaces (nothing else is
// sent).
func TestSubnetsAndSpaceChanges(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			parallel(t)
			_, c, m := simModel(t, v)
			r := record(c)
			ctx := testCtx(t)
			sn, err := m.Subnets(ctx, nil)
			if err != nil || len(sn) != 0 {
				t.Fatalf("Subnets = %v, %v; want none", sn, err)
			}
			sameJSON(t, "ListSubnets params", lastParams(t, r, "Subnets", "ListSubnets"), []byte(`{}`))
			if _, err := m.Subnets(ctx, &SubnetsOptions{Space: "alpha", Zone: "z1"}); err != nil {
				t.Fatal(err)
			}
			sameJSON(t, "ListSubnets filtered params", lastParams(t, r, "Subnets", "ListSubnets"), []byte(`{"space-tag":"space-alpha","zone":"z1"}`))
			for what, f := range map[string]func() error{
				"ShowSpace":   func() error { _, err := m.ShowSpace(ctx, "alpha"); return err },
				"MoveSubnets": func() error { return m.MoveSubnets(ctx, "alpha", "10.0.0.0/24") },
				"RenameSpace": func() error { return m.RenameSpace(ctx, "alpha", "beta") },
				"RemoveSpace": func() error { return m.RemoveSpace(ctx, "alpha", nil) },
			} {
				before := r.count()
				if err := f(); !errors.Is(err, ErrNotSupported) || !errors.Is(err, ErrRefused) {
					t.Errorf("%s = %v, want ErrNotSupported", what, err)
				}
				if got := r.methods(before); len(got) != 1 || got[0] != "Spaces.ListSpaces" {
					t.Errorf("%s sent %v, want Spaces.ListSpaces only", what, got)
				}
			}
		})
	}
}

func TestSpacesBadInput(t *testing.T) {
	parallel(t)
	_, c, m := simModel(t, simVersions[0])
	r := record(c)
	ctx := testCtx(t)
	expectNothingSent(t, r, func() {
		for what, f := range map[string]func() error{
			"MoveSubnets bad space":  func() error { return m.MoveSubnets(ctx, "Bad Space", "10.0.0.0/24") },
			"MoveSubnets no CIDRs":   func() error { return m.MoveSubnets(ctx, "alpha") },
			"MoveSubnets bad CIDR":   func() error { return m.MoveSubnets(ctx, "alpha", "10.0.0.0") },
			"RenameSpace bad target": func() error { return m.RenameSpace(ctx, "alpha", "") },
			"RemoveSpace bad name":   func() error { return m.RemoveSpace(ctx, "-x", nil) },
			"ShowSpace bad name":     func() error { _, err := m.ShowSpace(ctx, "A"); return err },
			"Subnets bad space":      func() error { _, err := m.Subnets(ctx, &SubnetsOptions{Space: "Bad"}); return err },
		} {
			if err := f(); !errors.Is(err, ErrInvalidInput) {
				t.Errorf("%s: %v, want ErrInvalidInput", what, err)
			}
		}
	})
}
