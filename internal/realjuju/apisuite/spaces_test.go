package apisuite_test

import (
	"errors"
	"testing"

	"github.com/gojuju/juju"
)

// Subnets and space changes on a provider without spaces (both beds' dummy
// provider): no subnets; showing, moving subnets, renaming and removing a
// space are ErrNotSupported (the library reads the spaces first: the real
// server answers the changes themselves with code-less errors).
func TestSubnetsAndSpaceChanges(t *testing.T) {
	run(t, func(t *testing.T, b *bed) {
		ctx := testCtx(t)
		m := b.newModel(t)
		sn, err := m.Subnets(ctx, nil)
		if err != nil || len(sn) != 0 {
			t.Fatalf("Subnets = %v, %v; want none", sn, err)
		}
		if sn, err := m.Subnets(ctx, &juju.SubnetsOptions{Space: "alpha"}); err != nil || len(sn) != 0 {
			t.Errorf("Subnets of alpha = %v, %v; want none", sn, err)
		}
		for what, f := range map[string]func() error{
			"ShowSpace":   func() error { _, err := m.ShowSpace(ctx, "alpha"); return err },
			"MoveSubnets": func() error { return m.MoveSubnets(ctx, "alpha", "10.0.0.0/24") },
			"RenameSpace": func() error { return m.RenameSpace(ctx, "alpha", "beta") },
			"RemoveSpace": func() error { return m.RemoveSpace(ctx, "alpha", nil) },
		} {
			if err := f(); !errors.Is(err, juju.ErrNotSupported) {
				t.Errorf("%s = %s, want ErrNotSupported", what, errCode(err))
			}
		}
	})
}
