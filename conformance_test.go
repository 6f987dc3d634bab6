package juju

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/gojuju/juju/internal/testshared"
	"github.com/gojuju/juju/jujusim"
)

// cliRequest is one RPC request the real juju CLI sent.
type cliRequest struct {
	Facade  string          `json:"type"`
	Version int             `json:"version"`
	Method  string          `json:"request"`
	Params  json.RawMessage `json:"params"`
}

// cliRequests reads the non-login requests of one recorded flow.
func cliRequests(t *testing.T, flow string) []cliRequest {
	t.Helper()
	f, err := os.Open(filepath.Join(testshared.Conformance(t), flow+".jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []cliRequest
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var rec struct {
			Kind string          `json:"kind"`
			Dir  string          `json:"dir"`
			Msg  json.RawMessage `json:"msg"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("%s: %v", flow, err)
		}
		if rec.Kind != "ws-frame" || rec.Dir != "client->server" {
			continue
		}
		var req cliRequest
		if err := json.Unmarshal(rec.Msg, &req); err != nil {
			t.Fatalf("%s: %v", flow, err)
		}
		if req.Facade == "Admin" {
			continue
		}
		out = append(out, req)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// isZeroJSON reports whether a decoded JSON value is null, "", 0, false or
// an empty object or array: a value that omitempty may leave out.
func isZeroJSON(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case float64:
		return x == 0
	case bool:
		return !x
	case map[string]any:
		return len(x) == 0
	case []any:
		return len(x) == 0
	}
	return false
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "bool"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	}
	return fmt.Sprintf("%T", v)
}

// shapeDiff lists where two JSON values differ in shape: keys one side
// has with a meaningful value that the other lacks, and values of
// different kinds. A key left out on one side and zero on the other is the
// same shape (omitempty).
func shapeDiff(path string, cli, ours any) []string {
	if isZeroJSON(cli) && isZeroJSON(ours) {
		return nil
	}
	if jsonKind(cli) != jsonKind(ours) {
		return []string{fmt.Sprintf("%s: the CLI sends %s %v, we send %s %v", path, jsonKind(cli), cli, jsonKind(ours), ours)}
	}
	var diffs []string
	switch c := cli.(type) {
	case map[string]any:
		o := ours.(map[string]any)
		keys := map[string]bool{}
		for k := range c {
			keys[k] = true
		}
		for k := range o {
			keys[k] = true
		}
		for _, k := range sortedKeys(keys) {
			cv, cok := c[k]
			ov, ook := o[k]
			switch {
			case cok && !ook:
				if !isZeroJSON(cv) {
					diffs = append(diffs, fmt.Sprintf("%s.%s: the CLI sends %v, we leave it out", path, k, cv))
				}
			case !cok && ook:
				if !isZeroJSON(ov) {
					diffs = append(diffs, fmt.Sprintf("%s.%s: we send %v, the CLI leaves it out", path, k, ov))
				}
			default:
				diffs = append(diffs, shapeDiff(path+"."+k, cv, ov)...)
			}
		}
	case []any:
		o := ours.([]any)
		if len(c) > 0 && len(o) > 0 {
			diffs = append(diffs, shapeDiff(path+"[0]", c[0], o[0])...)
		}
	}
	return diffs
}

func toJSONValue(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestConformance runs each recorded juju CLI flow of testdata/conformance
// with gojuju against a simulated Juju 4.0 controller and checks that every
// request the CLI made (of the facades gojuju calls for that operation) has
// a counterpart of ours with the same facade version and the same shape.
func TestConformance(t *testing.T) {
	srv := startSim(t, jujusim.Juju40)
	c := connectSim(t, srv)
	r := record(c)
	ctx := testCtx(t)
	var m *Model

	flows := []struct {
		flow string
		run  func(t *testing.T) error
		// skip lists "Facade.Method" requests of the CLI gojuju does not
		// make for this operation (with the reason in a comment).
		skip []string
		// wantErr, when set, is the sentinel the operation must fail with.
		wantErr error
	}{
		{flow: "models", run: func(t *testing.T) error { _, err := c.Models(ctx); return err }},
		{flow: "add-model", run: func(t *testing.T) error {
			var err error
			m, err = c.AddModel(ctx, "m1", nil)
			return err
		}},
		{flow: "deploy", run: func(t *testing.T) error {
			_, err := m.Deploy(ctx, charmArchive(t, "tiny-db"), &DeployOptions{Base: "ubuntu@22.04"})
			return err
		}},
		{flow: "deploy-consumer", run: func(t *testing.T) error {
			_, err := m.Deploy(ctx, charmArchive(t, "tiny-app"), &DeployOptions{Base: "ubuntu@22.04"})
			return err
		}},
		{flow: "add-unit", run: func(t *testing.T) error { _, err := m.Application("tiny-db").AddUnits(ctx, 1, nil); return err }},
		{flow: "integrate", run: func(t *testing.T) error { _, err := m.Integrate(ctx, "tiny-db", "tiny-app", nil); return err }},
		{flow: "config-set", run: func(t *testing.T) error {
			return m.Application("tiny-db").SetConfig(ctx, map[string]any{"greeting": "bonjour", "workers": 3})
		}},
		{flow: "config-get", run: func(t *testing.T) error { _, err := m.Application("tiny-db").Config(ctx); return err }},
		{flow: "error-config-missing-app", wantErr: ErrNotFound, run: func(t *testing.T) error {
			_, err := m.Application("no-such-app").Config(ctx)
			return err
		}},
		{flow: "error-add-unit-missing-app", wantErr: ErrNotFound, run: func(t *testing.T) error {
			_, err := m.Application("no-such-app").AddUnits(ctx, 1, nil)
			return err
		}},
		{flow: "error-add-model-duplicate", wantErr: ErrAlreadyExists, run: func(t *testing.T) error {
			_, err := c.AddModel(ctx, "m1", nil)
			return err
		}},
		// The CLI refuses charm directories; gojuju zips them and deploys.
		{flow: "error-deploy-charm-dir", run: func(t *testing.T) error {
			_, err := m.Deploy(ctx, filepath.Join("testdata", "charms", "tiny-db"), &DeployOptions{Name: "rj-dir", Base: "ubuntu@22.04"})
			return err
		}},
		{flow: "remove-application", run: func(t *testing.T) error { return m.Application("tiny-app").Remove(ctx, nil) }},
		// The CLI asks ModelStatus first to print what the model holds.
		{flow: "destroy-model", run: func(t *testing.T) error { return c.DestroyModel(ctx, "m1", nil) }},
		{flow: "models-after-destroy", run: func(t *testing.T) error { _, err := c.Models(ctx); return err }},
	}
	for _, f := range flows {
		t.Run(f.flow, func(t *testing.T) {
			cli := cliRequests(t, f.flow)
			if len(cli) == 0 {
				t.Fatalf("flow %s has no requests", f.flow)
			}
			from := r.count()
			err := f.run(t)
			switch {
			case f.wantErr == nil && err != nil:
				t.Fatal(err)
			case f.wantErr != nil && !errors.Is(err, f.wantErr):
				t.Fatalf("error %v, want %v", err, f.wantErr)
			}
			r.mu.Lock()
			ours := append([]recordedCall(nil), r.calls[from:]...)
			r.mu.Unlock()
			skip := map[string]bool{}
			for _, s := range f.skip {
				skip[s] = true
			}
			compared := 0
			for _, req := range cli {
				key := req.Facade + "." + req.Method
				if skip[key] {
					continue
				}
				var match *recordedCall
				for i := range ours {
					if ours[i].Facade == req.Facade && ours[i].Method == req.Method {
						match = &ours[i]
					}
				}
				if match == nil {
					if req.Facade == "ModelManager" && req.Method == "ModelStatus" && f.flow == "destroy-model" {
						// We poll ModelStatus after DestroyModels, but with
						// the simulator the model may be gone before the
						// first poll shows it.
						continue
					}
					t.Errorf("the CLI calls %s v%d; gojuju does not (calls: %v)", key, req.Version, callNames(ours))
					continue
				}
				compared++
				if match.Version != req.Version {
					t.Errorf("%s: the CLI uses version %d, we use %d", key, req.Version, match.Version)
				}
				var cliParams any
				if len(req.Params) > 0 {
					if err := json.Unmarshal(req.Params, &cliParams); err != nil {
						t.Fatal(err)
					}
				}
				for _, d := range shapeDiff(key, cliParams, toJSONValue(t, match.Params)) {
					t.Error(d)
				}
			}
			if compared == 0 {
				t.Errorf("nothing compared for flow %s", f.flow)
			}
		})
	}
}

func callNames(calls []recordedCall) []string {
	var out []string
	for _, c := range calls {
		out = append(out, c.Facade+"."+c.Method)
	}
	sort.Strings(out)
	return out
}

func TestShapeDiff(t *testing.T) {
	var cli, ours any
	if err := json.Unmarshal([]byte(`{"a":1,"b":"","c":{"d":[{"e":true}]},"f":null,"g":"x"}`), &cli); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(`{"a":2,"c":{"d":[{"e":false,"x":1}]},"f":[],"h":0}`), &ours); err != nil {
		t.Fatal(err)
	}
	got := shapeDiff("P", cli, ours)
	want := []string{
		"P.c.d[0].x: we send 1, the CLI leaves it out",
		"P.g: the CLI sends x, we leave it out",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("shapeDiff =\n%q\nwant\n%q", got, want)
	}
	if d := shapeDiff("P", map[string]any{"a": "1"}, map[string]any{"a": 1.0}); len(d) != 1 {
		t.Errorf("kind mismatch not found: %v", d)
	}
}
