package juju

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseConstraints(t *testing.T) {
	yes := true
	tests := []struct {
		in      string
		want    Constraints
		str     string
		wantErr string
	}{
		{in: "", want: Constraints{}, str: ""},
		{in: "   ", want: Constraints{}, str: ""},
		{in: "mem=4G cores=2 arch=amd64", want: Constraints{Mem: 4096, Cores: 2, Arch: "amd64"}, str: "arch=amd64 cores=2 mem=4G"},
		{in: "cpu-cores=4", want: Constraints{Cores: 4}, str: "cores=4"},
		{in: "mem=512 root-disk=1.5G", want: Constraints{Mem: 512, RootDisk: 1536}, str: "mem=512M root-disk=1536M"},
		{in: "root-disk=2T", want: Constraints{RootDisk: 2 * 1024 * 1024}, str: "root-disk=2T"},
		{in: "mem=0.5M", want: Constraints{Mem: 1}, str: "mem=1M"},
		{in: "zones=a,b spaces=db,^dmz tags=x", want: Constraints{Zones: []string{"a", "b"}, Spaces: []string{"db", "^dmz"}, Tags: []string{"x"}}, str: "tags=x spaces=db,^dmz zones=a,b"},
		{in: "instance-type=m5.large virt-type=kvm container=lxd", want: Constraints{InstanceType: "m5.large", VirtType: "kvm", Container: "lxd"}, str: "container=lxd instance-type=m5.large virt-type=kvm"},
		{in: "allocate-public-ip=true image-id=ami-1 cpu-power=100 instance-role=auto root-disk-source=ds1", want: Constraints{AllocatePublicIP: &yes, ImageID: "ami-1", CPUPower: 100, InstanceRole: "auto", RootDiskSource: "ds1"}, str: "cpu-power=100 instance-role=auto root-disk-source=ds1 allocate-public-ip=true image-id=ami-1"},
		{in: `tags=a\ b`, want: Constraints{Tags: []string{"a b"}}, str: `tags=a\ b`},
		{in: "mem=", want: Constraints{}, str: ""},
		{in: "mem", wantErr: `invalid constraints "mem": "mem" is not key=value`},
		{in: "=4G", wantErr: `invalid constraints "=4G": "=4G" is not key=value`},
		{in: "mem=4G mem=2G", wantErr: `invalid constraints "mem=4G mem=2G": "mem" is given twice`},
		{in: "cores=2 cpu-cores=2", wantErr: `invalid constraints "cores=2 cpu-cores=2": "cores" is given twice`},
		{in: "mem=-1", wantErr: `invalid constraints "mem=-1": bad "mem": must be a non-negative number with an optional M, G, T or P suffix`},
		{in: "mem=4X", wantErr: `invalid constraints "mem=4X": bad "mem": must be a non-negative number with an optional M, G, T or P suffix`},
		{in: "cores=1.5", wantErr: `invalid constraints "cores=1.5": bad "cores": must be a non-negative integer`},
		{in: "arch=i386", wantErr: `invalid constraints "arch=i386": bad "arch": unknown architecture "i386"; want one of amd64, arm64, ppc64el, s390x, riscv64`},
		{in: "container=docker", wantErr: `invalid constraints "container=docker": bad "container": unknown container type "docker"`},
		{in: "spaces=Bad", wantErr: `invalid constraints "spaces=Bad": bad "spaces": "Bad" is not a valid space name`},
		{in: "allocate-public-ip=maybe", wantErr: `invalid constraints "allocate-public-ip=maybe": bad "allocate-public-ip": must be true or false`},
		{in: "gpus=1", wantErr: `invalid constraints "gpus=1": bad "gpus": unknown constraint`},
	}
	for _, tt := range tests {
		got, err := ParseConstraints(tt.in)
		if tt.wantErr != "" {
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("ParseConstraints(%q) error:\n got %v\nwant %s", tt.in, err, tt.wantErr)
			}
			if !errors.Is(err, ErrInvalidConstraints) {
				t.Errorf("ParseConstraints(%q) error does not match ErrInvalidConstraints", tt.in)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseConstraints(%q): %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseConstraints(%q) (-want +got):\n%s", tt.in, diff)
		}
		if got.String() != tt.str {
			t.Errorf("ParseConstraints(%q).String() = %q, want %q", tt.in, got.String(), tt.str)
		}
		if got.IsEmpty() != (tt.str == "") {
			t.Errorf("IsEmpty = %v for %q", got.IsEmpty(), tt.in)
		}
	}
}

// TestConstraintsCheck checks what the methods taking Constraints refuse
// before sending: what ParseConstraints refuses and what the constraints
// language cannot carry.
func TestConstraintsCheck(t *testing.T) {
	no := false
	ok := []Constraints{
		{},
		{Arch: "arm64", Container: "lxd", Cores: 2, CPUPower: 100, Mem: 1536, RootDisk: 1 << 20, RootDiskSource: "ds",
			Tags: []string{"a b", "c"}, InstanceRole: "auto", InstanceType: "m5.large", Spaces: []string{"db", "^dmz"},
			VirtType: "kvm", Zones: []string{"z1"}, AllocatePublicIP: &no, ImageID: "ami-1"},
		{Tags: []string{}},
		{InstanceType: "m5=large"},
	}
	for _, c := range ok {
		if err := c.check(); err != nil {
			t.Errorf("check(%q): %v", c.String(), err)
		}
	}
	bad := []struct {
		c    Constraints
		want string
	}{
		{Constraints{Arch: "i386"}, `invalid constraints "arch=i386": bad "arch": unknown architecture "i386"`},
		{Constraints{Container: "docker"}, `invalid constraints "container=docker": bad "container"`},
		{Constraints{Spaces: []string{"Bad"}}, `invalid constraints "spaces=Bad": bad "spaces"`},
		{Constraints{Mem: math.MaxUint64}, `invalid constraints "mem=18446744073709551615M": bad "mem"`},
		{Constraints{Tags: []string{"a,b"}}, `invalid constraints "tags=a,b": a value holds what the constraints language cannot carry`},
		{Constraints{Tags: []string{""}}, `invalid constraints "": a value holds`},
		{Constraints{InstanceType: "m5\tlarge"}, `invalid constraints "instance-type=m5\tlarge": "large" is not key=value`},
	}
	for _, tt := range bad {
		err := tt.c.check()
		if !errors.Is(err, ErrInvalidConstraints) || !strings.HasPrefix(fmt.Sprint(err), tt.want) {
			t.Errorf("check(%#v):\n got %v\nwant prefix %s (matching ErrInvalidConstraints)", tt.c, err, tt.want)
		}
	}
}

func FuzzParseConstraints(f *testing.F) {
	for _, s := range []string{"mem=4G cores=2", `tags=a\ b,c`, "zones=a,,b", "allocate-public-ip=false", "root-disk=1.5P", "spaces=^x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseConstraints(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidConstraints) {
				t.Fatalf("error %v does not match ErrInvalidConstraints", err)
			}
			return
		}
		again, err := ParseConstraints(c.String())
		if err != nil {
			t.Fatalf("String() %q of %q does not parse: %v", c.String(), s, err)
		}
		if again.String() != c.String() {
			t.Fatalf("round trip of %q: %q != %q", s, again.String(), c.String())
		}
	})
}

func TestConstraintsWireAllocatePublicIP(t *testing.T) {
	no, yes := false, true
	tests := []struct {
		cons Constraints
		want string
	}{
		{Constraints{}, `{}`},
		{Constraints{AllocatePublicIP: &no}, `{"allocate-public-ip":false}`},
		{Constraints{AllocatePublicIP: &yes}, `{"allocate-public-ip":true}`},
	}
	for _, tt := range tests {
		b, err := json.Marshal(tt.cons.wire())
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != tt.want {
			t.Errorf("wire(%v) = %s, want %s", tt.cons, b, tt.want)
		}
		if diff := cmp.Diff(tt.cons, constraintsFromWire(tt.cons.wire())); diff != "" {
			t.Errorf("round trip (-want +got):\n%s", diff)
		}
	}
}

// TestAllocatePublicIPFalseOverridesModel checks that an application can
// turn off a public address that the model's constraints ask for.
func TestAllocatePublicIPFalseOverridesModel(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			_, c, m := simModel(t, v)
			ctx := testCtx(t)
			yes, no := true, false
			if err := m.SetConstraints(ctx, Constraints{AllocatePublicIP: &yes}); err != nil {
				t.Fatal(err)
			}
			app, err := m.Deploy(ctx, "postgresql", &DeployOptions{Name: "pg", NumUnits: 0})
			if err != nil {
				t.Fatal(err)
			}
			r := record(c)
			if err := app.SetConstraints(ctx, Constraints{AllocatePublicIP: &no}); err != nil {
				t.Fatal(err)
			}
			call, ok := r.last("Application", "SetConstraints")
			if !ok {
				t.Fatalf("no SetConstraints call in %v", r.methods(0))
			}
			if b, _ := json.Marshal(call.Params); !strings.Contains(string(b), `"allocate-public-ip":false`) {
				t.Errorf("SetConstraints params %s", b)
			}
			cons, err := app.Constraints(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if cons.AllocatePublicIP == nil || *cons.AllocatePublicIP {
				t.Errorf("application constraints %q, want allocate-public-ip=false", cons.String())
			}
		})
	}
}
