package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gojuju/juju/status"
)

// streamJSON returns what writeStatusJSON writes for s.
func streamJSON(t *testing.T, s *status.Status) string {
	t.Helper()
	var b bytes.Buffer
	if err := writeStatusJSON(&b, s, "realjuju"); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestStatusJSONBytesMatchRealCLI checks that "gojuju status
// --format=json" prints, byte for byte, what the real juju 4.0.15 CLI
// printed for the same FullStatus reply.
func TestStatusJSONBytesMatchRealCLI(t *testing.T) {
	s, stdout := recordedFlow(t, "status-json")
	if got := streamJSON(t, s); got != stdout {
		t.Errorf("gojuju status --format=json differs from the real CLI's bytes:\nreal:   %s\ngojuju: %s", stdout, got)
	}
}

// TestStatusJSONStreamMatchesDocument checks that the streamed JSON is
// byte for byte json.Marshal of the status document (the YAML's too), on
// a snapshot with every section and field filled, strings that need
// escaping included.
func TestStatusJSONStreamMatchesDocument(t *testing.T) {
	s := richStatus()
	want, err := json.Marshal(statusDocument(s, "realjuju"))
	if err != nil {
		t.Fatal(err)
	}
	got := streamJSON(t, s)
	if got != string(want)+"\n" {
		t.Errorf("streamed JSON differs from json.Marshal of the document:\nwant: %s\ngot:  %s", want, got)
	}
	// Recorded snapshots too.
	for _, flow := range []string{"status-json", "status-m1"} {
		s, _ := recordedFlow(t, flow)
		want, err := json.Marshal(statusDocument(s, "realjuju"))
		if err != nil {
			t.Fatal(err)
		}
		if got := streamJSON(t, s); got != string(want)+"\n" {
			t.Errorf("%s: streamed JSON differs from json.Marshal of the document:\nwant: %s\ngot:  %s", flow, want, got)
		}
	}
	// An empty snapshot.
	empty := &status.Status{}
	want, _ = json.Marshal(statusDocument(empty, "c"))
	var b bytes.Buffer
	if err := writeStatusJSON(&b, empty, "c"); err != nil || b.String() != string(want)+"\n" {
		t.Errorf("empty: got %q, %v; want %q", b.String(), err, want)
	}
}

// TestStatusJSONCharmhubAlias: juju status shows a Charmhub charm by its
// name and a local one by its URL.
func TestStatusJSONCharmhubAlias(t *testing.T) {
	s := &status.Status{Applications: map[string]*status.Application{
		"pg": {Name: "pg", Charm: "ch:amd64/postgresql-345", CharmName: "postgresql", CharmRev: 345},
		"lc": {Name: "lc", Charm: "local:mycharm-0", CharmName: "mycharm"},
	}}
	got := streamJSON(t, s)
	for _, want := range []string{`"pg":{"charm":"postgresql","charm-origin":"charmhub"`, `"lc":{"charm":"local:mycharm-0","charm-origin":"local"`} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %s:\n%s", want, got)
		}
	}
}

// failWriter fails every write after the first n bytes.
type failWriter struct{ n int }

func (w *failWriter) Write(p []byte) (int, error) {
	if w.n < len(p) {
		return 0, errors.New("disk full")
	}
	w.n -= len(p)
	return len(p), nil
}

func TestStatusJSONWriteError(t *testing.T) {
	s := richStatus()
	for i := range 200 {
		s.Machines[string(rune('a'+i%26))+strings.Repeat("x", i)] = &status.Machine{Hardware: strings.Repeat("h", 400)}
	}
	if err := writeStatusJSON(&failWriter{n: 40 << 10}, s, "c"); err == nil || err.Error() != "disk full" {
		t.Errorf("writeStatusJSON on a failing writer = %v, want disk full", err)
	}
}

// TestAppendJSONString compares the string encoder with encoding/json.
func TestAppendJSONString(t *testing.T) {
	for _, s := range jsonStrings {
		checkJSONString(t, s)
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range jsonStrings {
		f.Add(s)
	}
	f.Fuzz(checkJSONString)
}

var jsonStrings = []string{
	"", "plain", `quote " and \ backslash`, "<script>&amp;</script>", "tab\tnl\ncr\rbs\bff\f",
	"\x00\x01\x1f\x7f", "héllo wörld ✓ 日本", "line\u2028sep\u2029para", "bad \xff utf8 \xc3", "\xed\xa0\x80 surrogate",
	"emoji 🙂",
}

func checkJSONString(t *testing.T, s string) {
	want, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if got := appendJSONString(nil, s); string(got) != string(want) {
		t.Errorf("appendJSONString(%q) = %s, want %s", s, got, want)
	}
}

// richStatus is a snapshot with every section the JSON document has.
func richStatus() *status.Status {
	since := time.Date(2026, 11, 25, 23, 2, 44, 0, time.UTC)
	info := func(cur, msg string) status.Info {
		return status.Info{Current: cur, Message: msg, Since: since, Version: "4.0.15", Life: "alive"}
	}
	sub := &status.Unit{Name: "logs/0", Application: "logs", Principal: "web/0",
		WorkloadStatus: info("active", "shipping <logs> & more"), AgentStatus: info("idle", ""), Charm: "ch:logs-2"}
	web0 := &status.Unit{Name: "web/0", Application: "web", WorkloadStatus: info("blocked", "needs \"db\"\n"),
		AgentStatus: info("executing", "running hook"), Leader: true, Machine: "0", OpenedPorts: []string{"80/tcp", "443/tcp"},
		PublicAddress: "10.0.0.1", Address: "192.168.0.1", ProviderID: "p-1",
		Subordinates: map[string]*status.Unit{"logs/0": sub}}
	web10 := &status.Unit{Name: "web/10", Application: "web", WorkloadStatus: status.Info{}, AgentStatus: info("allocating", "")}
	return &status.Status{
		Model: status.Model{Name: "m1", Type: "iaas", Cloud: "dummy", Region: "dummy-region", Version: "4.0.15",
			AvailableVersion: "4.0.16", Status: info("available", "")},
		Machines: map[string]*status.Machine{
			"0": {ID: "0", AgentStatus: info("started", ""), InstanceStatus: info("running", "Running"),
				Hostname: "juju-0", DNSName: "10.0.0.1", IPAddresses: []string{"10.0.0.1", "192.168.0.1"}, InstanceID: "i-0",
				DisplayName: "zero", Base: status.Base{Name: "ubuntu", Channel: "22.04/stable"},
				Constraints: "arch=amd64 mem=4G", Hardware: "arch=amd64 cores=2",
				NetworkInterfaces: map[string]status.NetworkInterface{
					"eth1": {MACAddress: "00:16:3e:00:00:02"},
					"eth0": {IPAddresses: []string{"10.0.0.1"}, MACAddress: "00:16:3e:00:00:01", Gateway: "10.0.0.254",
						DNSNameservers: []string{"10.0.0.53"}, Space: "alpha", IsUp: true},
				},
				Containers: map[string]*status.Machine{
					"0/lxd/1": {ID: "0/lxd/1", AgentStatus: info("pending", ""), Base: status.Base{Name: "ubuntu", Channel: "24.04/edge"}},
					"0/lxd/0": {ID: "0/lxd/0", AgentStatus: info("started", ""), LXDProfiles: []string{"p2", "p1", "p2"}},
				},
				LXDProfiles: []string{"default"}},
			"10": {ID: "10", AgentStatus: info("pending", "")},
			"2":  {ID: "2"},
		},
		Applications: map[string]*status.Application{
			"web": {Name: "web", Charm: "ch:amd64/web-7", CharmName: "web", CharmChannel: "latest/stable", CharmRev: 7,
				CharmVersion: "v1", CharmProfile: "profile", CanUpgradeTo: "ch:amd64/web-8", Scale: 2, ProviderID: "pid",
				PublicAddress: "1.2.3.4", Exposed: true, Life: "alive", Base: status.Base{Name: "ubuntu", Channel: "22.04"},
				Status: info("blocked", ""), WorkloadVersion: "2.4",
				EndpointBindings: map[string]string{"": "alpha", "db": "beta", "logs": "alpha"},
				ExposedEndpoints: map[string]status.ExposedEndpoint{
					"":     {ToCIDRs: []string{"0.0.0.0/0", "::/0"}},
					"http": {ToSpaces: []string{"alpha"}},
				},
				Units: map[string]*status.Unit{"web/0": web0, "web/10": web10, "logs/0": sub}},
			"logs": {Name: "logs", Charm: "local:logs-0", CharmName: "logs", SubordinateTo: []string{"web"},
				Status: info("active", "")},
			"db": {Name: "db", Charm: "ch:db-1", CharmName: "db", Status: info("waiting", "")},
		},
		Relations: []*status.Relation{
			{ID: 1, Interface: "http", Scope: "global", Endpoints: []status.Endpoint{
				{Application: "web", Name: "db", Role: "requirer"}, {Application: "db", Name: "db", Role: "provider"}}},
			{ID: 2, Interface: "logs", Scope: "container", Endpoints: []status.Endpoint{
				{Application: "web", Name: "logs", Role: "provider"}, {Application: "logs", Name: "src", Role: "requirer"}}},
			{ID: 3, Interface: "web-peers", Scope: "global", Endpoints: []status.Endpoint{{Application: "web", Name: "peers", Role: "peer"}}},
		},
		Offers: map[string]*status.Offer{"dbo": {Name: "dbo", Application: "db", Charm: "ch:db-1", ActiveConnected: 1, TotalConnected: 2,
			Endpoints: map[string]status.RemoteEndpoint{"database": {Name: "db", Role: "provider", Interface: "pg"}}}},
		RemoteApplications: map[string]*status.RemoteApplication{"ext": {Name: "ext", OfferURL: "other:admin/m.ext", Life: "alive",
			Endpoints: []status.RemoteEndpoint{{Name: "api", Role: "provider", Interface: "rest"}}, Status: info("active", ""),
			Relations: map[string][]string{"api": {"web"}}}},
		Storage: []*status.StorageInstance{{ID: "data/0", Owner: "unit-web-0", Kind: "filesystem", Status: info("attached", ""),
			Persistent: true, Life: "alive", Attachments: map[string]status.StorageAttachment{"web/0": {Unit: "web/0", Machine: "0", Location: "/srv", Life: "alive"}}}},
		Filesystems: []*status.Filesystem{{ID: "0/0", VolumeID: "0/1", Storage: "data/0", ProviderID: "fs-0", Pool: "rootfs", SizeMiB: 1024,
			Life: "alive", Status: info("attached", ""), MachineAttachments: map[string]string{"0": "/srv"}}},
		Volumes: []*status.Volume{{ID: "0/1", Storage: "data/0", ProviderID: "vol-1", Pool: "ebs", SizeMiB: 2048, Persistent: true,
			Life: "alive", Status: info("attached", ""), MachineAttachments: map[string]string{"0": "/dev/sdb"}}},
		ControllerTimestamp: since.Add(time.Minute),
	}
}

// BenchmarkStatusJSON measures the JSON output of a snapshot of 1,000 and
// 10,000 units (one machine each, 100 per application), streamed as
// "gojuju status --format=json" does and, for comparison, built as a
// document and encoded with encoding/json as it did before.
//
//	go test -run '^$' -bench StatusJSON -benchmem ./internal/cli
func BenchmarkStatusJSON(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		s := bigStatus(n)
		b.Run(fmt.Sprintf("stream/units=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := writeStatusJSON(io.Discard, s, "c"); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("document/units=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				data, err := json.Marshal(statusDocument(s, "c"))
				if err != nil {
					b.Fatal(err)
				}
				if _, err := fmt.Fprintf(io.Discard, "%s\n", data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// bigStatus is a settled snapshot of units units, each on its machine,
// in applications of 100, as gojuju sim --seed makes.
func bigStatus(units int) *status.Status {
	t0 := time.Date(2026, 12, 4, 19, 50, 27, 0, time.UTC)
	s := &status.Status{
		Model:        status.Model{Name: "default", Type: "iaas", Cloud: "dummy", Region: "dummy-region", Version: "4.0.15", Status: status.Info{Current: "available", Since: t0}},
		Machines:     map[string]*status.Machine{},
		Applications: map[string]*status.Application{},
	}
	for i := range units {
		id := strconv.Itoa(i)
		since := t0.Add(time.Duration(i%7) * time.Second)
		addr := fmt.Sprintf("10.10.%d.%d", i/250, i%250+3)
		s.Machines[id] = &status.Machine{ID: id,
			AgentStatus:    status.Info{Current: "started", Since: since, Version: "4.0.15", Life: "alive"},
			InstanceStatus: status.Info{Current: "running", Message: "Running", Since: since, Life: "alive"},
			Hostname:       "juju-b78e6c-" + id, DNSName: addr, IPAddresses: []string{addr}, InstanceID: "juju-b78e6c-" + id,
			Base: status.Base{Name: "ubuntu", Channel: "24.04"}, Constraints: "arch=amd64", Hardware: "arch=amd64 cores=2 mem=4096M root-disk=20480M",
			NetworkInterfaces: map[string]status.NetworkInterface{"eth0": {IPAddresses: []string{addr}, MACAddress: "00:16:3e:0a:00:03",
				Gateway: "10.10.0.1", DNSNameservers: []string{"10.10.0.1"}, Space: "alpha", IsUp: true}}}
		app := fmt.Sprintf("app%d", i/100)
		a := s.Applications[app]
		if a == nil {
			a = &status.Application{Name: app, Charm: "ch:amd64/" + app + "-1", CharmName: app, CharmRev: 1, CharmChannel: "latest/stable",
				Base: status.Base{Name: "ubuntu", Channel: "24.04"}, Life: "alive", Status: status.Info{Current: "active", Since: t0},
				EndpointBindings: map[string]string{"": "alpha"}, Units: map[string]*status.Unit{}}
			s.Applications[app] = a
		}
		name := fmt.Sprintf("%s/%d", app, i%100)
		a.Units[name] = &status.Unit{Name: name, Application: app, Leader: i%100 == 0, Machine: id, PublicAddress: addr,
			WorkloadStatus: status.Info{Current: "active", Since: since},
			AgentStatus:    status.Info{Current: "idle", Since: since, Version: "4.0.15"}}
	}
	return s
}
