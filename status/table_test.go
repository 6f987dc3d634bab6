package status

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// tableLines splits a table into lines with trailing spaces removed.
func tableLines(text string) []string {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return lines
}

var settledTable = []string{
	"Model  Controller  Cloud/Region   Version  Timestamp",
	"m1     ctrl        lxd/localhost  4.0.15   12:00:30Z",
	"",
	"SAAS   Status  Store  URL",
	"mysql  active  local  admin/other.mysql",
	"",
	"App  Version  Status   Scale  Charm       Channel    Rev  Exposed  Message",
	"pg   14.11    active       2  postgresql  14/stable  345  no",
	"tel  14.11    unknown      2  telegraf    14/stable  345  no",
	"web  14.11    active       1  web                      7  yes",
	"",
	"Unit      Workload  Agent  Machine  Public address  Ports     Message",
	"pg/0*     active    idle   0        10.0.0.10       5432/tcp",
	"  tel/0*  active    idle                                      ready",
	"pg/1      active    idle   1        10.0.0.11       5432/tcp",
	"  tel/1   active    idle                                      ready",
	"web/10*   active    idle   0/lxd/0",
	"",
	"Machine    State    Address    Inst id       Base          AZ  Message",
	"0          started  10.0.0.10  juju-0        ubuntu@22.04",
	"  0/lxd/0  started  10.0.3.5   juju-0-lxd-0  ubuntu@22.04",
	"1          started  10.0.0.11  juju-1        ubuntu@22.04",
	"",
	"Offer  Application  Charm       Rev  Connected  Endpoint  Interface  Role",
	"pgdb   pg           postgresql  345  1/2        db        pgsql      provider",
}

var settledRelations = []string{
	"",
	"Integration provider  Requirer       Interface  Type         Message",
	"pg:juju-info          tel:juju-info  juju-info  subordinate",
	"pg:db                 web:db         pgsql      regular",
	"pg:replicas           pg:replicas    pg-peers   peer",
}

func TestStatusWriteTable(t *testing.T) {
	noController := slices.Clone(settledTable)
	noController[1] = "m1                 lxd/localhost  4.0.15   12:00:30Z"
	for _, tc := range []struct {
		name   string
		status func(t *testing.T) *Status
		opts   *TableOptions
		want   []string
	}{{
		name:   "settled, nil options",
		status: func(t *testing.T) *Status { return fixture(t, "settled") },
		want:   noController,
	}, {
		name:   "settled, controller name",
		status: func(t *testing.T) *Status { return fixture(t, "settled") },
		opts:   &TableOptions{Controller: "ctrl"},
		want:   settledTable,
	}, {
		name:   "settled, relations",
		status: func(t *testing.T) *Status { return fixture(t, "settled") },
		opts:   &TableOptions{Controller: "ctrl", Relations: true},
		want:   append(slices.Clone(settledTable), settledRelations...),
	}, {
		name: "empty model",
		status: func(*testing.T) *Status {
			return &Status{Model: Model{Name: "e", Cloud: "k8s", Version: "3.6.28"}}
		},
		opts: &TableOptions{Relations: true},
		want: []string{
			"Model  Controller  Cloud/Region  Version  Timestamp",
			"e                  k8s           3.6.28",
		},
	}, {
		name: "allocating units, numeric machine order, offer without endpoints",
		status: func(*testing.T) *Status {
			return &Status{
				Model: Model{Name: "m", Cloud: "c"},
				Applications: map[string]*Application{
					"a": {Name: "a", CharmName: "a", Scale: 3, Status: Info{Current: "waiting"}, Units: map[string]*Unit{
						"a/0": {Name: "a/0", Machine: "10", AgentStatus: Info{Current: "idle"}},
						"a/1": {Name: "a/1", Machine: "2", AgentStatus: Info{Current: "allocating", Message: "waiting for machine"}},
					}},
				},
				Machines: map[string]*Machine{
					"10": {ID: "10", Hardware: "arch=amd64 availability-zone=z1"},
					"2":  {ID: "2", IPAddresses: []string{"10.1.1.2", "10.1.1.3"}},
				},
				Offers: map[string]*Offer{"o": {Application: "a", Charm: "ch:amd64/a-1"}},
			}
		},
		want: []string{
			"Model  Controller  Cloud/Region  Version  Timestamp",
			"m                  c",
			"",
			"App  Version  Status   Scale  Charm  Channel  Rev  Exposed  Message",
			"a             waiting    1/3  a                 0  no",
			"",
			"Unit  Workload  Agent       Machine  Public address  Ports  Message",
			"a/0             idle        10",
			"a/1             allocating  2                               waiting for machine",
			"",
			"Machine  State  Address   Inst id  Base  AZ  Message",
			"2               10.1.1.2",
			"10                                       z1",
			"",
			"Offer  Application  Charm  Rev  Connected  Endpoint  Interface  Role",
			"o      a            a      1    0/0",
		},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			var b strings.Builder
			if err := tc.status(t).WriteTable(&b, tc.opts); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, tableLines(b.String())); diff != "" {
				t.Errorf("table (-want +got):\n%s", diff)
			}
		})
	}
}

type failingWriter struct{ err error }

func (w failingWriter) Write([]byte) (int, error) { return 0, w.err }

func TestStatusWriteTableWriterError(t *testing.T) {
	errDisk := errors.New("disk full")
	err := fixture(t, "settled").WriteTable(failingWriter{errDisk}, nil)
	if !errors.Is(err, errDisk) {
		t.Fatalf("WriteTable to a failing writer = %v, want an error wrapping %v", err, errDisk)
	}
	if !strings.HasPrefix(err.Error(), "cannot write the status table: ") {
		t.Errorf("error %q does not say what could not be done", err)
	}
}
