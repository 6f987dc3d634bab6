package juju

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gojuju/juju/internal/lazyregexp"
)

func TestNameRules(t *testing.T) {
	tests := []struct {
		name  string
		check func(string) bool
		ok    []string
		bad   []string
	}{{
		name:  "application",
		check: IsValidApplicationName,
		ok:    []string{"pg", "postgresql", "pg-k8s", "my-app2", "a-1b", "a1-b2", "x"},
		bad:   []string{"", "Pg", "1pg", "pg-", "-pg", "pg-1", "pg--k8s", "pg_k8s", "pg/0", "pg k8s", "pg-k8s-2"},
	}, {
		name:  "unit",
		check: IsValidUnitName,
		ok:    []string{"pg/0", "pg-k8s/12", "a/1"},
		bad:   []string{"", "pg", "pg/", "pg/01", "pg/-1", "Pg/0", "pg/0/1", "/0", "pg-1/0"},
	}, {
		name:  "machine",
		check: IsValidMachineID,
		ok:    []string{"0", "12", "0/lxd/1", "3/lxd/0/kvm/2"},
		bad:   []string{"", "01", "-1", "0/lxd", "0/lxd/", "0/LXD/1", "lxd", "0/lxd/01", "a"},
	}, {
		name:  "model",
		check: IsValidModelName,
		ok:    []string{"default", "m1", "my-model", "1model", "a--b", "x-", strings.Repeat("a", 64), strings.Repeat("a", 300)},
		bad:   []string{"", "-m", "My", "m_1", "m/1", "m 1", "Bad_Name"},
	}, {
		name:  "user",
		check: IsValidUserName,
		ok:    []string{"admin", "bob", "bob@external", "b.o-b+1", "ab"},
		bad:   []string{"", "a", "-bob", "bob-", "bob@", "@x", "bob@x@y", "bo b"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, s := range tt.ok {
				if !tt.check(s) {
					t.Errorf("%q refused, want accepted", s)
				}
			}
			for _, s := range tt.bad {
				if tt.check(s) {
					t.Errorf("%q accepted, want refused", s)
				}
			}
		})
	}
}

func TestCheckNameErrors(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{checkApplicationName("Pg"), `invalid application name "Pg": must be lower-case letters and digits in hyphen-separated parts, start with a letter, and have a letter in every part`},
		{checkApplicationName(""), `invalid application name "": must not be empty`},
		{checkUnitName("pg"), `invalid unit name "pg": must be "<application>/<number>", such as "pg/0"`},
		{checkMachineID("0/lxd"), `invalid machine id "0/lxd": must be a number such as "3", or a container such as "3/lxd/0"`},
		{checkModelName("My"), `invalid model name "My": model names may only contain lowercase letters, digits and hyphens`},
	}
	for _, tt := range tests {
		if tt.err == nil {
			t.Errorf("got nil error, want %q", tt.want)
			continue
		}
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("message:\n got %s\nwant %s", got, tt.want)
		}
		if !errors.Is(tt.err, ErrInvalidName) || !errors.Is(tt.err, ErrInvalidInput) {
			t.Errorf("%v does not match ErrInvalidName and ErrInvalidInput", tt.err)
		}
	}
	for _, err := range []error{checkApplicationName("pg"), checkUnitName("pg/0"), checkMachineID("0/lxd/0"), checkModelName("m"), checkUserName("user", "bob")} {
		if err != nil {
			t.Errorf("unexpected error %v", err)
		}
	}
}

func TestTags(t *testing.T) {
	tests := []struct{ got, want string }{
		{applicationTag("pg"), "application-pg"},
		{unitTag("pg-k8s/3"), "unit-pg-k8s-3"},
		{machineTag("0/lxd/1"), "machine-0-lxd-1"},
		{modelTag("abc"), "model-abc"},
		{userTag("bob@external"), "user-bob@external"},
		{cloudTag("aws"), "cloud-aws"},
		{machineFromTag("machine-0-lxd-1"), "0/lxd/1"},
		{machineFromTag("3"), "3"},
		{unitApplication("pg-k8s/3"), "pg-k8s"},
	}
	for i, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%d: got %q, want %q", i, tt.got, tt.want)
		}
	}
	if n := unitNumber("pg/12"); n != 12 {
		t.Errorf("unitNumber = %d, want 12", n)
	}
}

func TestParseEndpoint(t *testing.T) {
	tests := []struct {
		in      string
		want    Endpoint
		wantErr string
	}{
		{in: "pg", want: Endpoint{Application: "pg"}},
		{in: "pg:db", want: Endpoint{Application: "pg", Name: "db"}},
		{in: "wordpress:db-admin", want: Endpoint{Application: "wordpress", Name: "db-admin"}},
		{in: "a:b_c", want: Endpoint{Application: "a", Name: "b_c"}},
		{in: "", wantErr: `invalid relation endpoint "": must be "application" or "application:endpoint"`},
		{in: "Pg:db", wantErr: `invalid relation endpoint "Pg:db": "Pg" is not a valid application name`},
		{in: "pg:", wantErr: `invalid relation endpoint "pg:": "" is not a valid endpoint name`},
		{in: "pg:db:x", wantErr: `invalid relation endpoint "pg:db:x": "db:x" is not a valid endpoint name`},
		{in: "pg:1db", wantErr: `invalid relation endpoint "pg:1db": "1db" is not a valid endpoint name`},
		{in: ":db", wantErr: `invalid relation endpoint ":db": "" is not a valid application name`},
	}
	for _, tt := range tests {
		got, err := ParseEndpoint(tt.in)
		if tt.wantErr != "" {
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("ParseEndpoint(%q) error = %v, want %s", tt.in, err, tt.wantErr)
			}
			if !errors.Is(err, ErrInvalidEndpoint) {
				t.Errorf("ParseEndpoint(%q) error does not match ErrInvalidEndpoint", tt.in)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseEndpoint(%q): %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseEndpoint(%q) (-want +got):\n%s", tt.in, diff)
		}
		if got.String() != tt.in {
			t.Errorf("String() = %q, want %q", got.String(), tt.in)
		}
	}
}

func TestParseModelRef(t *testing.T) {
	tests := []struct {
		in      string
		want    modelRef
		wantErr bool
	}{
		{in: "", want: modelRef{}},
		{in: "dev", want: modelRef{name: "dev"}},
		{in: "admin/dev", want: modelRef{qualifier: "admin", name: "dev"}},
		{in: "ctl:dev", want: modelRef{controller: "ctl", name: "dev"}},
		{in: "ctl:bob@external/dev", want: modelRef{controller: "ctl", qualifier: "bob@external", name: "dev"}},
		{in: "ctl:", want: modelRef{controller: "ctl"}},
		{in: ":dev", wantErr: true},
		{in: "Dev", wantErr: true},
		{in: "a/dev", wantErr: true},
		{in: "admin/", wantErr: true},
		{in: "admin/dev/x", wantErr: true},
	}
	for _, tt := range tests {
		got, err := parseModelRef(tt.in)
		if tt.wantErr {
			if !errors.Is(err, ErrInvalidName) {
				t.Errorf("parseModelRef(%q) error = %v, want ErrInvalidName", tt.in, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("parseModelRef(%q): %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(modelRef{})); diff != "" {
			t.Errorf("parseModelRef(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
	if q := (modelRef{qualifier: "admin", name: "dev"}).qualified(); q != "admin/dev" {
		t.Errorf("qualified = %q", q)
	}
}

func FuzzParseEndpoint(f *testing.F) {
	for _, s := range []string{"pg", "pg:db", "", ":", "a:b:c", "wordpress:db-admin"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := ParseEndpoint(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidEndpoint) {
				t.Fatalf("error %v does not match ErrInvalidEndpoint", err)
			}
			return
		}
		if e.String() != s {
			t.Fatalf("round trip: %q -> %q", s, e.String())
		}
	})
}

// Every validation expression of the library (and of jujudata and
// internal/bundle, which it links) compiles: they compile on first use,
// so one that no other test uses would otherwise fail only for a user.
func TestValidationExpressionsCompile(t *testing.T) {
	if err := lazyregexp.CompileAll(); err != nil {
		t.Fatal(err)
	}
}
