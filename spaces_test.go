package juju

import (
	"errors"
	"strings"
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

// On a provider with spaces (jujusim's EnableSpaces): list, add, show,
// move subnets, rename and remove spaces; subnets listed with their
// spaces.
func TestSpacesOnAProviderWithSpaces(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			parallel(t)
			srv, c, m := simModel(t, v)
			r := record(c)
			ctx := testCtx(t)
			if err := srv.EnableSpaces(m.UUID(), "10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"); err != nil {
				t.Fatal(err)
			}
			sp, err := m.Spaces(ctx)
			if err != nil || len(sp) != 1 || sp[0].Name != "alpha" || len(sp[0].Subnets) != 3 {
				t.Fatalf("Spaces = %v, %v", sp, err)
			}
			if err := m.AddSpace(ctx, "db", "10.0.1.0/24"); err != nil {
				t.Fatal(err)
			}
			if err := m.MoveSubnets(ctx, "db", "10.0.2.0/24"); err != nil {
				t.Fatal(err)
			}
			if p := string(lastParams(t, r, "Spaces", "MoveSubnets")); !strings.Contains(p, `"space-tag":"space-db"`) || !strings.Contains(p, `"subnets":["subnet-`) {
				t.Errorf("MoveSubnets params %s", p)
			}
			if err := m.MoveSubnets(ctx, "db", "10.9.0.0/24"); !errors.Is(err, ErrNotFound) {
				t.Errorf("moving an unknown subnet: %v, want ErrNotFound", err)
			}
			if err := m.MoveSubnets(ctx, "nosuch", "10.0.0.0/24"); !errors.Is(err, ErrNotFound) {
				t.Errorf("moving to an unknown space: %v, want ErrNotFound", err)
			}
			s, err := m.ShowSpace(ctx, "db")
			if err != nil || len(s.Subnets) != 2 || s.Subnets[0] != "10.0.1.0/24" || s.Subnets[1] != "10.0.2.0/24" {
				t.Fatalf("ShowSpace(db) = %+v, %v", s, err)
			}
			sn, err := m.Subnets(ctx, &SubnetsOptions{Space: "db"})
			if err != nil || len(sn) != 2 || sn[0].Space != "db" || sn[0].Life != "alive" {
				t.Errorf("Subnets of db = %+v, %v", sn, err)
			}
			if err := m.RenameSpace(ctx, "db", "data"); err != nil {
				t.Fatal(err)
			}
			if _, err := m.ShowSpace(ctx, "db"); !errors.Is(err, ErrNotFound) {
				t.Errorf("old name after renaming: %v, want ErrNotFound", err)
			}
			if err := m.RemoveSpace(ctx, "data", nil); err != nil {
				t.Fatal(err)
			}
			sp, err = m.Spaces(ctx)
			if err != nil || len(sp) != 1 || len(sp[0].Subnets) != 3 {
				t.Errorf("after removing: %v, %v; want alpha with every subnet", sp, err)
			}
		})
	}
}

// Each space write whose reply is lost resolves, by reading the spaces,
// into a definite success made once.
func TestSpacesLostReplyResolved(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			parallel(t)
			srv, c, m := simModel(t, v)
			ctx := testCtx(t)
			if err := srv.EnableSpaces(m.UUID(), "10.0.0.0/24", "10.0.1.0/24"); err != nil {
				t.Fatal(err)
			}
			steps := []struct {
				method string
				do     func() error
			}{
				{"CreateSpaces", func() error { return m.AddSpace(ctx, "db") }},
				{"MoveSubnets", func() error { return m.MoveSubnets(ctx, "db", "10.0.1.0/24") }},
				{"RenameSpace", func() error { return m.RenameSpace(ctx, "db", "data") }},
				{"RemoveSpace", func() error { return m.RemoveSpace(ctx, "data", nil) }},
			}
			for _, s := range steps {
				sent := dropReplyOf(c, srv, "Spaces", s.method)
				if err := s.do(); err != nil {
					t.Fatalf("%s with its reply lost: %v, want a definite success", s.method, err)
				}
				if sent.Load() == 0 {
					t.Fatalf("%s was never sent", s.method)
				}
				c.requestHook.Store(nil)
			}
			sp, err := m.Spaces(ctx)
			if err != nil || len(sp) != 1 || len(sp[0].Subnets) != 2 {
				t.Errorf("spaces at the end: %v, %v; want alpha with both subnets", sp, err)
			}
		})
	}
}
