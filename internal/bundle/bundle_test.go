package bundle

import (
	"encoding/json"
	"errors"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The change list computed here is, change for change and argument for
// argument, the one the real 4.0.15 controller answered for the same
// bundle (machines, containers, placement, options, channel, expose).
func TestChangesMatchRealController(t *testing.T) {
	for _, f := range []string{"getchanges-real-4.0.15.json", "getchanges-real-4.0.15-saas.json", "getchanges-real-4.0.15-overlay-offers.json"} {
		t.Run(f, func(t *testing.T) { matchReal(t, "testdata/"+f) })
	}
}

func matchReal(t *testing.T, file string) {
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var rec struct {
		YAML     string          `json:"yaml"`
		Response json.RawMessage `json:"response"`
	}
	if err := json.Unmarshal(data, &rec); err != nil {
		t.Fatal(err)
	}
	b, err := Read(Source{Data: []byte(rec.YAML), File: "bundle"})
	if err != nil {
		t.Fatal(err)
	}
	type wire struct {
		ID       string         `json:"id"`
		Method   string         `json:"method"`
		Args     map[string]any `json:"args"`
		Requires []string       `json:"requires"`
	}
	var got []wire
	for _, c := range Changes(b, nil, nil) {
		got = append(got, wire{c.ID, c.Method, c.Args, c.Requires})
	}
	// Compare as JSON values.
	gj, _ := json.Marshal(got)
	var gv, wv any
	_ = json.Unmarshal(gj, &gv)
	var resp struct {
		Changes json.RawMessage `json:"changes"`
	}
	if err := json.Unmarshal(rec.Response, &resp); err != nil {
		t.Fatal(err)
	}
	_ = json.Unmarshal(resp.Changes, &wv)
	if diff := cmp.Diff(wv, gv); diff != "" {
		t.Errorf("changes (-real +computed):\n%s", diff)
	}
}

func TestReadErrorsNameLines(t *testing.T) {
	cases := []struct {
		yaml string
		kind error
		line int
	}{
		{"applications:\n  a:\n    charm: x\n    num_units: many\n", ErrSyntax, 4},
		{"applications:\n  a:\n    charm: x\n    num_units: 1\n    to: [\"lxd:9\"]\n", ErrPlacement, 5},
		{"applications:\n  a:\n    charm: x\nrelations:\n- [a:db, b:db]\n", ErrUnknownApplication, 5},
		{"applications:\n  a:\n    charm: x\n---\napplications:\n  zz:\n", ErrOverlay, 6},
		{"applications:\n  a:\n    charm: x\n---\nmachines:\n  \"4\":\n", ErrOverlay, 6},
		{"- a\n- b\n", ErrSyntax, 1},
	}
	for _, tc := range cases {
		_, err := Read(Source{Data: []byte(tc.yaml), File: "b.yaml"})
		var be *Error
		if !errors.Is(err, tc.kind) || !errors.As(err, &be) || be.Line != tc.line || be.File != "b.yaml" {
			t.Errorf("%q: %v, want %v at line %d", tc.yaml, err, tc.kind, tc.line)
		}
	}
}

func TestOverlayRemovesRelations(t *testing.T) {
	b, err := Read(Source{Data: []byte("applications:\n  a:\n    charm: x\n  b:\n    charm: y\nrelations:\n- [a, b]\n")},
		Source{Data: []byte("applications:\n  b:\n")})
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Applications) != 1 || len(b.Relations) != 0 {
		t.Errorf("after overlay: %d apps, %d relations", len(b.Applications), len(b.Relations))
	}
}
