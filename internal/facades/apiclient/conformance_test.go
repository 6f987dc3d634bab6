package apiclient

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gojuju/juju/internal/testshared"
)

// transcriptRecord is one line of a conformance transcript.
type transcriptRecord struct {
	Seq  int             `json:"seq"`
	Kind string          `json:"kind"`
	Conn int             `json:"conn"`
	Dir  string          `json:"dir"`
	Msg  json.RawMessage `json:"msg"`
}

type frame struct {
	RequestID int             `json:"request-id"`
	Type      string          `json:"type"`
	Version   int             `json:"version"`
	Request   string          `json:"request"`
	Params    json.RawMessage `json:"params"`
	Response  json.RawMessage `json:"response"`
	Error     string          `json:"error"`
}

// TestConformanceRoundTrip decodes every request's params and every
// successful response of the real 4.0 transcripts into the generated types
// (unknown fields refused) and re-encodes them: requests must come back
// with the same keys and values, responses without losing a key or value.
func TestConformanceRoundTrip(t *testing.T) {
	dir := testshared.Conformance(t)
	files, err := filepath.Glob(filepath.Join(dir, "*.jsonl"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no transcripts in %s: %v", dir, err)
	}
	methods := discover(t)
	for _, path := range files {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".jsonl"), func(t *testing.T) {
			checkTranscript(t, path, methods)
		})
	}
}

func checkTranscript(t *testing.T, path string, methods map[[2]string]map[int][]methodInfo) {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pending := map[[2]int]methodInfo{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 16<<20)
	requests, responses := 0, 0
	for sc.Scan() {
		var rec transcriptRecord
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("bad transcript line: %v", err)
		}
		if rec.Kind != "ws-frame" {
			continue
		}
		var fr frame
		if err := json.Unmarshal(rec.Msg, &fr); err != nil {
			t.Fatalf("seq %d: bad frame: %v", rec.Seq, err)
		}
		key := [2]int{rec.Conn, fr.RequestID}
		if strings.HasPrefix(rec.Dir, "client") {
			cands := methods[[2]string{fr.Type, fr.Request}][fr.Version]
			if len(cands) == 0 {
				t.Errorf("seq %d: no generated method for %s.%s at version %d", rec.Seq, fr.Type, fr.Request, fr.Version)
				continue
			}
			m := cands[0] // the newest shape
			pending[key] = m
			requests++
			what := fmt.Sprintf("seq %d: %s.%s v%d params (%s)", rec.Seq, fr.Type, fr.Request, fr.Version, m.goName)
			roundTrip(t, what, fr.Params, m.params, true)
			continue
		}
		m, ok := pending[key]
		if !ok {
			t.Errorf("seq %d: response to an unknown request %d", rec.Seq, fr.RequestID)
			continue
		}
		delete(pending, key)
		if fr.Error != "" {
			continue
		}
		responses++
		what := fmt.Sprintf("seq %d: %s.%s v%d result (%s)", rec.Seq, m.facade, m.wire, m.version, m.goName)
		roundTrip(t, what, fr.Response, m.result, false)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if requests == 0 {
		t.Fatal("no requests in the transcript")
	}
	t.Logf("%d requests, %d responses round-tripped", requests, responses)
}

// roundTrip decodes data into a new value of typ with unknown fields refused
// and re-encodes it. exact requires the same JSON back; otherwise every key
// and value of data must survive (keys the encoder adds are allowed).
func roundTrip(t *testing.T, what string, data json.RawMessage, typ reflect.Type, exact bool) {
	t.Helper()
	if len(bytes.TrimSpace(data)) == 0 {
		data = json.RawMessage("{}")
	}
	if typ == nil {
		if !bytes.Equal(bytes.TrimSpace(data), []byte("{}")) {
			t.Errorf("%s: the method takes/returns nothing but the wire has %s", what, data)
		}
		return
	}
	v := reflect.New(typ)
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v.Interface()); err != nil {
		t.Errorf("%s: cannot decode: %v\n%s", what, err, data)
		return
	}
	out, err := json.Marshal(v.Interface())
	if err != nil {
		t.Errorf("%s: cannot encode: %v", what, err)
		return
	}
	want, got := generic(t, data), generic(t, out)
	if exact {
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: re-encoded params differ (-wire +ours):\n%s", what, diff)
		}
		return
	}
	var lost []string
	contained("", want, got, &lost)
	if len(lost) > 0 {
		sort.Strings(lost)
		t.Errorf("%s: re-encoding lost or changed:\n  %s", what, strings.Join(lost, "\n  "))
	}
}

func generic(t *testing.T, data []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("invalid JSON %s: %v", data, err)
	}
	return v
}

// contained records in lost every path of want missing from or different in got.
func contained(path string, want, got any, lost *[]string) {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			*lost = append(*lost, fmt.Sprintf("%s: %v became %v", path, want, got))
			return
		}
		for k, wv := range w {
			gv, ok := g[k]
			if !ok {
				*lost = append(*lost, fmt.Sprintf("%s/%s: key lost (was %v)", path, k, wv))
				continue
			}
			contained(path+"/"+k, wv, gv, lost)
		}
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			*lost = append(*lost, fmt.Sprintf("%s: %v became %v", path, want, got))
			return
		}
		for i := range w {
			contained(fmt.Sprintf("%s[%d]", path, i), w[i], g[i], lost)
		}
	default:
		if !reflect.DeepEqual(want, got) {
			*lost = append(*lost, fmt.Sprintf("%s: %v became %v", path, want, got))
		}
	}
}
