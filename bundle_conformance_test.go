package juju

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gojuju/juju/internal/testshared"
)

// wave2Writes returns the write calls (Facade.Method and params) a
// recorded wave-2 flow sent, in order.
func wave2Writes(t *testing.T, flow string, writes map[string]bool) ([]string, []string) {
	t.Helper()
	f, err := os.Open(filepath.Join(testshared.ConformanceWave2(t), flow+".jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var names, params []string
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var rec struct {
			Dir string `json:"dir"`
			Msg struct {
				Type    string          `json:"type"`
				Request string          `json:"request"`
				Params  json.RawMessage `json:"params"`
			} `json:"msg"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatal(err)
		}
		name := rec.Msg.Type + "." + rec.Msg.Request
		if rec.Dir == "client->server" && writes[name] {
			names = append(names, name)
			params = append(params, string(rec.Msg.Params))
		}
	}
	return names, params
}

// The recorded bundle (inputs/bundle.yaml, local charms beside it): the
// dry run prints what juju deploy --dry-run printed against the real
// server, and the deployment sends the same writes, in the same order,
// as the real CLI did.
func TestDeployBundleConformance(t *testing.T) {
	inputs := filepath.Join(testshared.ConformanceWave2(t), "inputs")
	var results struct {
		Flows map[string]struct {
			Stdout string `json:"stdout"`
			Stderr string `json:"stderr"`
		} `json:"flows"`
	}
	data, err := os.ReadFile(filepath.Join(testshared.ConformanceWave2(t), "cli-results.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &results); err != nil {
		t.Fatal(err)
	}
	_, c, m := simModel(t, simVersions[0])
	ctx := testCtx(t)
	path := filepath.Join(inputs, "bundle.yaml")
	dry, err := m.DeployBundle(ctx, path, &BundleOptions{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, l := range strings.Split(strings.TrimSpace(results.Flows["deploy-bundle-dry-run-before"].Stdout), "\n")[1:] {
		want = append(want, strings.TrimPrefix(l, "- "))
	}
	if diff := cmp.Diff(want, descriptions(dry.Changes)); diff != "" {
		t.Errorf("dry run (-juju CLI +gojuju):\n%s", diff)
	}

	writes := map[string]bool{"Application.Deploy": true, "Resources.AddPendingResources": true, "Application.AddRelation": true, "Application.AddUnits": true}
	recNames, recParams := wave2Writes(t, "deploy-bundle", writes)
	r := record(c)
	if _, err := m.DeployBundle(ctx, path, nil); err != nil {
		t.Fatal(err)
	}
	var names, params []string
	r.mu.Lock()
	for _, call := range r.calls {
		name := call.Facade + "." + call.Method
		if writes[name] {
			names = append(names, name)
			b, _ := json.Marshal(call.Params)
			params = append(params, string(b))
		}
	}
	r.mu.Unlock()
	if diff := cmp.Diff(recNames, names); diff != "" {
		t.Fatalf("writes (-juju CLI +gojuju):\n%s", diff)
	}
	// Relation and unit writes carry the same parameters.
	for i, n := range names {
		if n == "Application.AddRelation" || n == "Application.AddUnits" {
			var a, b any
			_ = json.Unmarshal([]byte(recParams[i]), &a)
			_ = json.Unmarshal([]byte(params[i]), &b)
			if diff := cmp.Diff(a, b); diff != "" {
				t.Errorf("%s params (-juju CLI +gojuju):\n%s", n, diff)
			}
		}
	}
}
