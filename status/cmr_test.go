package status

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gojuju/juju/internal/testshared"
)

func cmrStatus(relStatus, saasLife, saasStatus string) *Status {
	return &Status{
		Applications: map[string]*Application{},
		RemoteApplications: map[string]*RemoteApplication{
			"dbo": {Name: "dbo", OfferURL: "admin/default.dbo", Life: saasLife, Status: Info{Current: saasStatus}},
		},
		Relations: []*Relation{
			{ID: 0, Key: "wp:database dbo:database", Status: Info{Current: relStatus}, Endpoints: []Endpoint{
				{Application: "wp", Name: "database", Role: "requirer"}, {Application: "dbo", Name: "database", Role: "provider"},
			}},
			{ID: 1, Key: "wp:db pg:db", Status: Info{Current: "joining"}, Endpoints: []Endpoint{
				{Application: "wp", Name: "db", Role: "requirer"}, {Application: "pg", Name: "db", Role: "provider"},
			}},
		},
	}
}

func TestIntegrated(t *testing.T) {
	for _, tc := range []struct {
		s    *Status
		a, b string
		want bool
	}{
		{cmrStatus("joined", "alive", "active"), "wp", "dbo", true},
		{cmrStatus("joined", "alive", "active"), "dbo:database", "wp:database", true},
		// A cross-model relation counts as joined while joining.
		{cmrStatus("joining", "alive", "unknown"), "wp:database", "dbo", true},
		{cmrStatus("joining", "alive", "unknown"), "wp:db", "dbo", false},
		{cmrStatus("error", "alive", "unknown"), "wp", "dbo", false},
		// A local relation must have joined.
		{cmrStatus("joined", "alive", "active"), "wp", "pg", false},
		{cmrStatus("joined", "alive", "active"), "wp", "nope", false},
	} {
		ok, why := Integrated(tc.a, tc.b)(tc.s)
		if ok != tc.want {
			t.Errorf("Integrated(%q, %q) on relation %q = %v %v, want %v", tc.a, tc.b, tc.s.Relations[0].Status.Current, ok, why, tc.want)
		}
		if !ok && len(why) == 0 {
			t.Errorf("Integrated(%q, %q) gives no reason", tc.a, tc.b)
		}
	}
}

func TestGoneSAAS(t *testing.T) {
	s := cmrStatus("joined", "dying", "active")
	if ok, _ := Gone("dbo")(s); ok {
		t.Error("Gone(dbo) holds while the SAAS is listed")
	}
	delete(s.RemoteApplications, "dbo")
	if ok, why := Gone("dbo")(s); !ok {
		t.Errorf("Gone(dbo) after removal: %v", why)
	}
}

func TestWaitForIdleSAAS(t *testing.T) {
	ev := func(life, st string) verdict {
		e := &idleEval{apps: []string{"dbo"}, fixed: true, errorSince: map[string]time.Time{}, idleSeen: map[string]time.Time{}}
		return e.eval(cmrStatus("joined", life, st))
	}
	if v := ev("alive", "active"); !v.done {
		t.Errorf("an alive SAAS is not idle: %+v", v)
	}
	if v := ev("alive", "unknown"); !v.done {
		t.Errorf("a SAAS waiting for its first status update is not idle: %+v", v)
	}
	if v := ev("dying", "active"); v.done || len(v.busy) != 1 {
		t.Errorf("a dying SAAS is idle: %+v", v)
	}
	if v := ev("alive", "error"); !errors.Is(v.fail, ErrError) {
		t.Errorf("a SAAS in error does not fail the wait: %+v", v)
	}
}

// wave2Flow returns the FullStatus reply and the CLI's stdout of a flow
// recorded on the real Juju 4.0.15 controller (conformance/juju-4.0-wave2).
func wave2Flow(t *testing.T, flow string) (*Status, string) {
	t.Helper()
	dir := testshared.ConformanceWave2(t)
	f, err := os.Open(filepath.Join(dir, flow+".jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var reply json.RawMessage
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var rec struct {
			Kind, Dir string
			Msg       struct {
				Response json.RawMessage `json:"response"`
			} `json:"msg"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatal(err)
		}
		if rec.Kind == "ws-frame" && rec.Dir == "server->client" && bytes.Contains(rec.Msg.Response, []byte(`"controller-timestamp"`)) {
			reply = rec.Msg.Response
		}
	}
	s, err := ParseFullStatus(reply)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "cli-results.json"))
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		Flows map[string]struct {
			Stdout string `json:"stdout"`
		} `json:"flows"`
	}
	if err := json.Unmarshal(data, &res); err != nil {
		t.Fatal(err)
	}
	return s, res.Flows[flow].Stdout
}

// The SAAS and Offer sections print as "juju status" printed the real
// server's replies for both sides of a cross-model relation.
func TestCMRTableMatchesRealCLI(t *testing.T) {
	for _, tc := range []struct {
		flow      string
		relations bool
	}{{"status-cmr-saas", true}, {"status-w2-offers", true}, {"status-cmr-after-remove-saas", false}} {
		t.Run(tc.flow, func(t *testing.T) {
			s, stdout := wave2Flow(t, tc.flow)
			var b strings.Builder
			if err := s.WriteTable(&b, &TableOptions{Controller: "realjuju", Relations: tc.relations}); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tableLines(stdout), tableLines(b.String())); diff != "" {
				t.Errorf("table differs from the real CLI's (-real +gojuju):\n%s", diff)
			}
		})
	}
}
