package juju

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParsePlacement(t *testing.T) {
	tests := []struct {
		in      string
		want    Placement
		str     string
		wantErr string
	}{
		{in: "3", want: Placement{Scope: MachineScope, Directive: "3"}, str: "3"},
		{in: "0/lxd/1", want: Placement{Scope: MachineScope, Directive: "0/lxd/1"}, str: "0/lxd/1"},
		{in: "lxd:3", want: Placement{Scope: "lxd", Directive: "3"}, str: "lxd:3"},
		{in: "lxd:0/lxd/2", want: Placement{Scope: "lxd", Directive: "0/lxd/2"}, str: "lxd:0/lxd/2"},
		{in: "lxd", want: Placement{Scope: "lxd"}, str: "lxd"},
		{in: "kvm:1", want: Placement{Scope: "kvm", Directive: "1"}, str: "kvm:1"},
		{in: "#:4", want: Placement{Scope: MachineScope, Directive: "4"}, str: "4"},
		{in: "zone=us-east-1a", want: Placement{Scope: ModelScope, Directive: "zone=us-east-1a"}, str: "zone=us-east-1a"},
		{in: "system-id=abc", want: Placement{Scope: ModelScope, Directive: "system-id=abc"}, str: "system-id=abc"},
		{in: "node1.maas", want: Placement{Scope: ModelScope, Directive: "node1.maas"}, str: "node1.maas"},
		{in: "maas:node1", want: Placement{Scope: "maas", Directive: "node1"}, str: "maas:node1"},
		{in: "new", want: Placement{}, str: "new"},
		{in: "", wantErr: `invalid placement "": must not be empty`},
		{in: "lxd:", wantErr: `invalid placement "lxd:": "" is not a machine id`},
		{in: "lxd:x", wantErr: `invalid placement "lxd:x": "x" is not a machine id`},
		{in: ":3", wantErr: `invalid placement ":3": the scope before ":" is empty`},
		{in: "maas:", wantErr: `invalid placement "maas:": nothing follows scope "maas"`},
		{in: "01", wantErr: `invalid placement "01": not a machine id (machines look like "3" or "0/lxd/1")`},
		{in: "0/lxd", wantErr: `invalid placement "0/lxd": not a machine id (machines look like "3" or "0/lxd/1")`},
		{in: "-1", wantErr: `invalid placement "-1": not a machine id (machines look like "3" or "0/lxd/1")`},
		{in: "0,1", wantErr: `invalid placement "0,1": must be a single directive without spaces or commas`},
		{in: "zone=a b", wantErr: `invalid placement "zone=a b": must be a single directive without spaces or commas`},
	}
	for _, tt := range tests {
		got, err := ParsePlacement(tt.in)
		if tt.wantErr != "" {
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("ParsePlacement(%q) error:\n got %v\nwant %s", tt.in, err, tt.wantErr)
			}
			if !errors.Is(err, ErrInvalidPlacement) {
				t.Errorf("ParsePlacement(%q) error does not match ErrInvalidPlacement", tt.in)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParsePlacement(%q): %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParsePlacement(%q) (-want +got):\n%s", tt.in, diff)
		}
		if got.String() != tt.str {
			t.Errorf("String() = %q, want %q", got.String(), tt.str)
		}
	}
}

func TestParsePlacements(t *testing.T) {
	got, err := parsePlacements([]string{"0", "lxd:1", "new", "new"})
	if err != nil {
		t.Fatal(err)
	}
	want := []Placement{{Scope: MachineScope, Directive: "0"}, {Scope: "lxd", Directive: "1"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if _, err := parsePlacements([]string{"new", "0"}); !errors.Is(err, ErrInvalidPlacement) {
		t.Errorf("new before a directive: err = %v", err)
	}
	if _, err := parsePlacements([]string{"0", "lxd:"}); !errors.Is(err, ErrInvalidPlacement) {
		t.Errorf("bad directive: err = %v", err)
	}
	if got, err := parsePlacements(nil); err != nil || len(got) != 0 {
		t.Errorf("nil: %v %v", got, err)
	}
}

func FuzzParsePlacement(f *testing.F) {
	for _, s := range []string{"3", "0/lxd/1", "lxd:3", "lxd", "zone=a", "new", ":", "maas:x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePlacement(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidPlacement) {
				t.Fatalf("error %v does not match ErrInvalidPlacement", err)
			}
			return
		}
		again, err := ParsePlacement(p.String())
		if err != nil {
			t.Fatalf("String() %q of %q does not parse: %v", p.String(), s, err)
		}
		if again != p {
			t.Fatalf("round trip %q: %+v != %+v", s, again, p)
		}
	})
}
