package status_test

import (
	"log"
	"os"
	"time"

	"github.com/gojuju/juju/status"
)

// Print a status snapshot as "juju status --relations" does. The snapshot
// here is built by hand; it normally comes from Model.Status.
func ExampleStatus_WriteTable() {
	unit := &status.Unit{
		Name: "pg/0", Application: "pg", Leader: true, Machine: "0",
		WorkloadStatus: status.Info{Current: "active", Message: "primary"},
		AgentStatus:    status.Info{Current: "idle"},
		PublicAddress:  "10.0.0.10", OpenedPorts: []string{"5432/tcp"},
	}
	s := &status.Status{
		Model: status.Model{Name: "dev", Cloud: "lxd", Region: "localhost", Version: "4.0.15"},
		Applications: map[string]*status.Application{
			"pg": {
				Name: "pg", CharmName: "postgresql", CharmChannel: "14/stable", CharmRev: 345,
				WorkloadVersion: "14.11", Status: status.Info{Current: "active", Message: "primary ready"},
				Units: map[string]*status.Unit{"pg/0": unit},
			},
		},
		Machines: map[string]*status.Machine{
			"0": {
				ID: "0", AgentStatus: status.Info{Current: "started"}, DNSName: "10.0.0.10",
				InstanceID: "juju-0", Base: status.Base{Name: "ubuntu", Channel: "22.04"},
				InstanceStatus: status.Info{Current: "running", Message: "Running"},
			},
		},
		Relations: []*status.Relation{{
			ID: 0, Interface: "pgpeer", Scope: "global",
			Endpoints: []status.Endpoint{{Application: "pg", Name: "replicas", Role: "peer"}},
			Status:    status.Info{Current: "joining", Message: "waiting for peers"},
		}},
		ControllerTimestamp: time.Date(2026, 1, 2, 12, 0, 30, 0, time.UTC),
	}
	err := s.WriteTable(os.Stdout, &status.TableOptions{Controller: "lxd-ctrl", Relations: true})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// Model  Controller  Cloud/Region   Version  Timestamp
	// dev    lxd-ctrl    lxd/localhost  4.0.15   12:00:30Z
	//
	// App  Version  Status  Scale  Charm       Channel    Rev  Exposed  Message
	// pg   14.11    active      1  postgresql  14/stable  345  no       primary ready
	//
	// Unit   Workload  Agent  Machine  Public address  Ports     Message
	// pg/0*  active    idle   0        10.0.0.10       5432/tcp  primary
	//
	// Machine  State    Address    Inst id  Base          AZ  Message
	// 0        started  10.0.0.10  juju-0   ubuntu@22.04      Running
	//
	// Integration provider  Requirer     Interface  Type  Message
	// pg:replicas           pg:replicas  pgpeer     peer  joining: waiting for peers
}
