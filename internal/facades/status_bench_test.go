package facades

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// syntheticStatus builds a FullStatus of a model with the given number of
// units: applications of 10 units each, every unit on its own machine, with
// a subordinate on every fifth unit and a relation between neighbouring
// applications.
func syntheticStatus(units int) FullStatus {
	since := time.Date(2026, 11, 25, 23, 2, 35, 582311746, time.UTC)
	st := func(s, info string) DetailedStatus {
		return DetailedStatus{Status: s, Info: info, Since: &since, Data: map[string]any{}, Kind: "", Life: "", Version: ""}
	}
	fs := FullStatus{
		Model: ModelStatusInfo{
			Name: "bench", Type: "iaas", CloudTag: "cloud-dummy", Region: "dummy-region",
			Version: "4.0.15", ModelStatus: st("available", ""),
		},
		Machines:            map[string]MachineStatus{},
		Applications:        map[string]ApplicationStatus{},
		RemoteApplications:  map[string]RemoteApplicationStatus{},
		Offers:              map[string]ApplicationOfferStatus{},
		Branches:            map[string]BranchStatus{},
		ControllerTimestamp: &since,
	}
	const perApp = 10
	for a := 0; a*perApp < units; a++ {
		app := fmt.Sprintf("app-%d", a)
		as := ApplicationStatus{
			Charm: "ch:amd64/" + app + "-42", CharmChannel: "latest/stable", CharmRev: 42,
			Base: Base{Name: "ubuntu", Channel: "22.04/stable"}, Life: "alive", Exposed: a%3 == 0,
			Status: st("active", "ready"), Units: map[string]UnitStatus{}, WorkloadVersion: "1.2.3",
			Relations:        map[string][]string{"db": {fmt.Sprintf("app-%d", a+1)}},
			EndpointBindings: map[string]string{"": "alpha", "db": "alpha"},
		}
		for u := 0; u < perApp && a*perApp+u < units; u++ {
			n := a*perApp + u
			mid := fmt.Sprint(n)
			fs.Machines[mid] = MachineStatus{
				ID: mid, AgentStatus: st("started", ""), InstanceStatus: st("running", "Running"),
				ModificationStatus: st("idle", ""), DNSName: fmt.Sprintf("10.0.%d.%d", n/250, n%250),
				IPAddresses: []string{fmt.Sprintf("10.0.%d.%d", n/250, n%250)}, InstanceID: "i-" + mid,
				DisplayName: "", Base: Base{Name: "ubuntu", Channel: "22.04"}, Jobs: []string{"JobHostUnits"},
				Hardware: "arch=amd64 cores=2 mem=4096M", Constraints: "arch=amd64", Containers: map[string]MachineStatus{},
			}
			us := UnitStatus{
				AgentStatus: st("idle", ""), WorkloadStatus: st("active", "ready"), Machine: mid,
				PublicAddress: fs.Machines[mid].DNSName, OpenedPorts: []string{"80/tcp"}, Charm: "",
				Leader: u == 0, WorkloadVersion: "1.2.3",
			}
			if u%5 == 0 {
				us.Subordinates = map[string]UnitStatus{
					fmt.Sprintf("sub/%d", n): {AgentStatus: st("idle", ""), WorkloadStatus: st("active", ""), PublicAddress: us.PublicAddress},
				}
			}
			as.Units[fmt.Sprintf("%s/%d", app, u)] = us
		}
		fs.Applications[app] = as
		fs.Relations = append(fs.Relations, RelationStatus{
			ID: a, Key: fmt.Sprintf("app-%d:db app-%d:db", a, a+1), Interface: "pgsql", Scope: "global",
			Endpoints: []EndpointStatus{{Application: app, Name: "db", Role: "requirer"}, {Application: fmt.Sprintf("app-%d", a+1), Name: "db", Role: "provider"}},
			Status:    st("joined", ""),
		})
	}
	return fs
}

func TestSyntheticStatusRoundTrip(t *testing.T) {
	want := syntheticStatus(25)
	data, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	var got FullStatus
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("round trip changed the status (-want +got):\n%s", diff)
	}
	if n := len(got.Applications["app-2"].Units); n != 5 {
		t.Fatalf("app-2 has %d units, want 5", n)
	}
}

// BenchmarkDecodeFullStatus measures decoding a FullStatus result with
// encoding/json, per unit.
func BenchmarkDecodeFullStatus(b *testing.B) {
	for _, units := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("units=%d", units), func(b *testing.B) {
			data, err := json.Marshal(syntheticStatus(units))
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				var fs FullStatus
				if err := json.Unmarshal(data, &fs); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(units), "ns/unit")
		})
	}
}
