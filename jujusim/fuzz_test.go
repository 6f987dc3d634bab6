package jujusim

import (
	"encoding/json"
	"net/url"
	"testing"

	"github.com/gojuju/juju/jujusim/internal/core"
)

func FuzzDecodeFrame(f *testing.F) {
	for _, seed := range []string{
		`{"request-id":1,"type":"Admin","version":3,"request":"Login","params":{"auth-tag":"user-admin"}}`,
		`{"request-id":2,"type":"Client","version":8,"id":"","request":"FullStatus","params":{"patterns":[]}}`,
		`{"request-id":9,"type":"Pinger","version":1,"request":"Ping","params":{}}`,
		`{"request-id":9,"Type":"Pinger","version":1,"request":"Ping","params":null}`,
		`{"request-id":9,"type":"Pinger","version":01,"request":"P\u0069ng","params":{}}`,
		`{"request-id":9,"type":"Pinger","request":"Ping","params":{},"version":1}`,
		`{"RequestId":3,"Type":"Pinger","Version":1,"Request":"Ping","Params":{}}`,
		`{"request-id":4,"response":{}}`,
		`{"request-id":0}`,
		`{"request-id":-1}`,
		`{"request-id":18446744073709551616}`,
		`[]`, `null`, `{`, ``,
	} {
		f.Add([]byte(seed), false)
		f.Add([]byte(seed), true)
	}
	f.Fuzz(func(t *testing.T, data []byte, legacy bool) {
		if fast, ok := decodeRequestFast(data); ok {
			var slow request
			if err := json.Unmarshal(data, &slow); err != nil {
				t.Fatalf("decodeRequestFast accepted %q, json.Unmarshal: %v", data, err)
			}
			if fast.RequestID != slow.RequestID || fast.Type != slow.Type || fast.Version != slow.Version ||
				fast.ID != slow.ID || fast.Request != slow.Request || string(fast.Params) != string(slow.Params) {
				t.Fatalf("decodeRequestFast(%q) = %+v, json.Unmarshal %+v", data, fast, slow)
			}
		}
		req, v0, kind := decodeFrame(data, legacy)
		switch kind {
		case frameRequest:
			if req.RequestID == 0 {
				t.Fatalf("request without id from %q", data)
			}
			if req.Type == "" && req.Request == "" {
				t.Fatalf("request with neither type nor method from %q", data)
			}
			if v0 && !legacy {
				t.Fatalf("v0 frame accepted on Juju 4: %q", data)
			}
		case frameFatal:
			var probe request
			if json.Unmarshal(data, &probe) == nil && probe.RequestID != 0 {
				t.Fatalf("decodable frame with id %d refused: %q", probe.RequestID, data)
			}
		}
	})
}

func FuzzParseLogQuery(f *testing.F) {
	for _, seed := range []string{
		"level=INFO&replay=true&noTail=true&backlog=10",
		"version=2&includeEntity=unit-pg-*&excludeModule=juju.api&includeLabels=a=b",
		"maxLines=x", "level=LOUD", "includeLabel=http&excludeLabel=x", "startTime=2026-01-01T00:00:00Z",
		"includeLabels=nokey", "%zz",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		q, err := parseLogQuery(v)
		if err != nil {
			if core.AsError(err).Message == "" {
				t.Fatalf("empty error message for %q", raw)
			}
			return
		}
		if q.Version == 0 && v.Get("version") == "" {
			t.Fatalf("default version lost for %q", raw)
		}
	})
}
