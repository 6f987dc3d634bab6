package jujusim

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/google/go-cmp/cmp"

	"github.com/gojuju/juju/jujusim/internal/core"
)

// testCharm returns a minimal local charm archive and its object name
// ("<name>-<sha256 prefix>").
func testCharm(t *testing.T, name string) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range []struct{ name, body string }{
		{"metadata.yaml", "name: " + name + "\nsummary: test charm\ndescription: test charm\nprovides:\n  db:\n    interface: rj-db\n"},
		{"manifest.yaml", "bases:\n- name: ubuntu\n  channel: \"22.04\"\n  architectures: [amd64]\n"},
		{"config.yaml", "options:\n  greeting:\n    type: string\n    default: hello\n"},
		{"dispatch", "#!/bin/sh\n"},
	} {
		w, err := zw.Create(f.name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(w, f.body); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(buf.Bytes())
	return buf.Bytes(), name + "-" + hex.EncodeToString(sum[:])[:7]
}

func TestCharmUpload(t *testing.T) {
	s := startServer(t, Config{})
	client := testHTTPClient(t, s)
	model := s.DefaultModelUUID()
	archive, object := testCharm(t, "rj-provider")
	good := http.Header{
		"Content-Type": {"application/zip"},
		"Juju-Curl":    {"local:rj-provider-0"},
	}
	tests := []struct {
		name       string
		path       string
		method     string
		header     http.Header
		noAuth     bool
		password   string
		wantStatus int
		wantBody   string
		wantCode   string
	}{
		{
			name: "ok", path: "/model-" + model + "/charms/" + object, header: good,
			wantStatus: 200, wantBody: `{"charm-url":"local:rj-provider-0"}`,
		},
		{
			name: "no auth", path: "/model-" + model + "/charms/" + object, header: good, noAuth: true,
			wantStatus: 401, wantCode: "unauthorized access",
		},
		{
			name: "bad password", path: "/model-" + model + "/charms/" + object, header: good, password: "nope",
			wantStatus: 401, wantCode: "unauthorized access",
		},
		{
			name: "content type", path: "/model-" + model + "/charms/" + object,
			header:     http.Header{"Content-Type": {"text/plain"}, "Juju-Curl": {"local:x-0"}},
			wantStatus: 400, wantCode: "bad request",
			wantBody: `{"error":"uploading charm: expected Content-Type: application/zip, got: text/plain","error-code":"bad request"}`,
		},
		{
			name: "short sha", path: "/model-" + model + "/charms/rj-provider-475e", header: good,
			wantStatus: 400, wantCode: "bad request",
			wantBody: `{"error":"uploading charm: invalid sha length: \"475e\"","error-code":"bad request"}`,
		},
		{
			name: "no sha", path: "/model-" + model + "/charms/rjprovider", header: good,
			wantStatus: 400, wantCode: "bad request",
		},
		{
			name: "no curl", path: "/model-" + model + "/charms/" + object,
			header:     http.Header{"Content-Type": {"application/zip"}},
			wantStatus: 400, wantCode: "bad request",
			wantBody: `{"error":"uploading charm: missing \"Juju-Curl\" header","error-code":"bad request"}`,
		},
		{
			name: "unknown model", path: "/model-00000000-0000-4000-8000-000000000000/charms/rj-provider-475ea06", header: good,
			wantStatus: 404, wantCode: "model not found",
		},
		{
			name: "method", method: http.MethodPost, path: "/model-" + model + "/charms/" + object, header: good,
			wantStatus: 501,
		},
		{
			name: "path", path: "/model-" + model + "/charms/", header: good,
			wantStatus: 404,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			method := tc.method
			if method == "" {
				method = http.MethodPut
			}
			req, err := http.NewRequest(method, "https://"+s.Addr()+tc.path, io.NopCloser(bytes.NewReader(archive)))
			if err != nil {
				t.Fatal(err)
			}
			req.Header = tc.header.Clone()
			if !tc.noAuth {
				pw := tc.password
				if pw == "" {
					pw = s.AdminPassword()
				}
				req.SetBasicAuth("user-admin", pw)
			}
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			if resp.StatusCode != tc.wantStatus {
				t.Fatalf("status %d (%s), want %d", resp.StatusCode, body, tc.wantStatus)
			}
			if tc.wantBody != "" && string(body) != tc.wantBody {
				t.Errorf("body %s, want %s", body, tc.wantBody)
			}
			if tc.wantStatus == 200 {
				if got := resp.Header.Get("Juju-Curl"); got != "local:rj-provider-0" {
					t.Errorf("Juju-Curl header %q", got)
				}
				if got := resp.Header.Get("Content-Type"); got != "application/json" {
					t.Errorf("Content-Type %q", got)
				}
			}
			if tc.wantCode != "" {
				var cr struct {
					Error     string `json:"error"`
					ErrorCode string `json:"error-code"`
				}
				if err := json.Unmarshal(body, &cr); err != nil {
					t.Fatalf("error body %s: %v", body, err)
				}
				if cr.ErrorCode != tc.wantCode || !strings.HasPrefix(cr.Error, "uploading charm: ") {
					t.Errorf("error body %s, want code %q", body, tc.wantCode)
				}
			}
		})
	}
}

// dialLog opens a debug-log stream with the admin's Basic credentials.
func dialLog(t *testing.T, s *Server, model string, query url.Values, password string) *testConn {
	t.Helper()
	h := http.Header{}
	if password != "" {
		req, _ := http.NewRequest("GET", "https://x", nil)
		req.SetBasicAuth("user-admin", password)
		h.Set("Authorization", req.Header.Get("Authorization"))
	}
	ws, err := dialPath(t, s, "/model/"+model+"/log?"+query.Encode(), h)
	if err != nil {
		t.Fatalf("dial debug-log: %v", err)
	}
	return &testConn{t: t, ws: ws}
}

func TestDebugLogErrors(t *testing.T) {
	s := startServer(t, Config{})
	tests := []struct {
		name     string
		query    url.Values
		password string
		want     string
	}{
		{"no auth", nil, "", `{"error":{"message":"authentication failed: no credentials provided","code":"unauthorized access"}}`},
		{"bad auth", nil, "wrong", `{"error":{"message":"authentication failed: invalid entity name or password","code":"unauthorized access"}}`},
		{"level", url.Values{"level": {"LOUD"}}, s.AdminPassword(),
			`{"error":{"message":"level value \"LOUD\" is not one of \"TRACE\", \"DEBUG\", \"INFO\", \"WARNING\", \"ERROR\"","code":""}}`},
		{"backlog", url.Values{"backlog": {"-1"}}, s.AdminPassword(),
			`{"error":{"message":"backlog value \"-1\" is not a valid unsigned number","code":""}}`},
		{"replay", url.Values{"replay": {"maybe"}}, s.AdminPassword(),
			`{"error":{"message":"replay value \"maybe\" is not a valid boolean","code":""}}`},
		{"labels", url.Values{"includeLabels": {"nokey"}}, s.AdminPassword(),
			`{"error":{"message":"include label key value \"nokey\" not valid","code":"not valid"}}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := dialLog(t, s, s.DefaultModelUUID(), tc.query, tc.password)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_, data, err := c.ws.Read(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if string(data) != tc.want+"\n" {
				t.Errorf("initial frame %q, want %q", data, tc.want+"\n")
			}
			c.expectClosed()
		})
	}
}

func TestLogFrame(t *testing.T) {
	ts := time.Date(2026, 1, 2, 3, 4, 5, 600, time.UTC)
	recs := []core.LogRecord{
		{ModelUUID: "m-uuid", Entity: "unit-pg-0", Time: ts, Severity: "INFO",
			Module: "juju.worker.uniter", Location: "uniter.go:1", Message: "hello",
			Labels: map[string]string{"logger-tags": "a,b", "domain": "x"}},
		{ModelUUID: "m-uuid", Entity: "machine-0", Time: ts, Severity: "DEBUG",
			Module: "juju.worker", Location: "m.go:2", Message: "<world>"},
	}
	tests := []struct {
		version int
		want    []string
	}{
		{1, []string{
			`{"tag":"unit-pg-0","ts":"2026-01-02T03:04:05.0000006Z","sev":"INFO","mod":"juju.worker.uniter","loc":"uniter.go:1","msg":"hello","lab":["a","b"]}`,
			`{"tag":"machine-0","ts":"2026-01-02T03:04:05.0000006Z","sev":"DEBUG","mod":"juju.worker","loc":"m.go:2","msg":"\u003cworld\u003e","lab":null}`,
		}},
		{2, []string{
			`{"uuid":"m-uuid","tag":"unit-pg-0","ts":"2026-01-02T03:04:05.0000006Z","sev":"INFO","mod":"juju.worker.uniter","loc":"uniter.go:1","msg":"hello","lab":{"domain":"x","logger-tags":"a,b"}}`,
			`{"uuid":"m-uuid","tag":"machine-0","ts":"2026-01-02T03:04:05.0000006Z","sev":"DEBUG","mod":"juju.worker","loc":"m.go:2","msg":"\u003cworld\u003e"}`,
		}},
	}
	for _, tc := range tests {
		var got []string
		for _, r := range recs {
			data, err := encodeFrame(logFrame(r, tc.version))
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, strings.TrimSuffix(string(data), "\n"))
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("version %d (-want +got):\n%s", tc.version, diff)
		}
	}
}

func TestDebugLogStream(t *testing.T) {
	s := startServer(t, Config{})
	c := dial(t, s, "")
	c.login(s)
	f := c.call("ModelManager", 11, "CreateModel", map[string]any{
		"name": "logs", "qualifier": "admin", "cloud-tag": "cloud-dummy",
	})
	if f["error"] != nil {
		t.Fatalf("CreateModel: %s", f["error"])
	}
	var model struct {
		UUID string `json:"uuid"`
	}
	if err := json.Unmarshal(f["response"], &model); err != nil || model.UUID == "" {
		t.Fatalf("CreateModel response %s: %v", f["response"], err)
	}
	for _, version := range []string{"1", "2"} {
		t.Run("v"+version, func(t *testing.T) {
			q := url.Values{"replay": {"true"}, "noTail": {"true"}, "version": {version}}
			c := dialLog(t, s, model.UUID, q, s.AdminPassword())
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			var frames []string
			for {
				_, data, err := c.ws.Read(ctx)
				if err != nil {
					if websocket.CloseStatus(err) != websocket.StatusNormalClosure {
						t.Errorf("stream ended with %v, want a normal close", err)
					}
					break
				}
				if !bytes.HasSuffix(data, []byte("\n")) {
					t.Errorf("frame %q lacks the trailing newline", data)
				}
				frames = append(frames, string(data))
			}
			if len(frames) < 2 || frames[0] != "{}\n" {
				t.Fatalf("frames %q, want {} and at least one record", frames)
			}
			wantKeys := []string{"loc", "mod", "msg", "sev", "tag", "ts"}
			if version == "1" {
				wantKeys = append(wantKeys, "lab")
			} else {
				wantKeys = append(wantKeys, "uuid")
			}
			slices.Sort(wantKeys)
			for _, fr := range frames[1:] {
				var rec map[string]json.RawMessage
				if err := json.Unmarshal([]byte(fr), &rec); err != nil {
					t.Fatalf("record %q: %v", fr, err)
				}
				keys := frameKeys(frame(rec))
				keys = slices.DeleteFunc(keys, func(k string) bool { return version == "2" && k == "lab" })
				if diff := cmp.Diff(wantKeys, keys); diff != "" {
					t.Errorf("record %s keys (-want +got):\n%s", fr, diff)
				}
				if version == "2" && !strings.Contains(fr, `"uuid":"`+model.UUID+`"`) {
					t.Errorf("record %s lacks the model uuid", fr)
				}
			}
		})
	}
}

func TestParseLogQuery(t *testing.T) {
	q, err := parseLogQuery(url.Values{
		"version": {"2"}, "backlog": {"10"}, "maxLines": {"5"}, "level": {"warn"},
		"replay": {"true"}, "noTail": {"1"}, "firehose": {"false"},
		"startTime":     {"2026-01-02T03:04:05.5Z"},
		"includeEntity": {"unit-pg-*", "machine-0"}, "excludeEntity": {"unit-x-0"},
		"includeModule": {"juju.worker"}, "excludeModule": {"juju.api"},
		"includeLabels": {"a=b", "c=d=e"}, "excludeLabel": {"http"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := core.LogQuery{
		Version: 2, Backlog: 5, Level: "WARNING", Replay: true, NoTail: true,
		StartTime:     time.Date(2026, 1, 2, 3, 4, 5, 5e8, time.UTC),
		IncludeEntity: []string{"unit-pg-*", "machine-0"}, ExcludeEntity: []string{"unit-x-0"},
		IncludeModule: []string{"juju.worker"}, ExcludeModule: []string{"juju.api"},
		IncludeLabels: map[string]string{"a": "b", "c": "d"},
		ExcludeLabels: map[string]string{"logger-tags": "http"},
	}
	if diff := cmp.Diff(want, q); diff != "" {
		t.Errorf("parseLogQuery (-want +got):\n%s", diff)
	}
}

// TestHTTPNeedsModelAccess checks that a user with a valid password but no
// access to the model cannot upload charms to it or read its debug log.
func TestHTTPNeedsModelAccess(t *testing.T) {
	s := startServer(t, Config{})
	if err := s.AddUser("eve", "evepw"); err != nil {
		t.Fatal(err)
	}
	model := s.DefaultModelUUID()
	req, err := http.NewRequest(http.MethodPut, "https://"+s.Addr()+"/model-"+model+"/charms/x-0123456", strings.NewReader("PK"))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/zip")
	req.Header.Set("Juju-Curl", "local:x-0")
	req.SetBasicAuth("user-eve", "evepw")
	resp, err := testHTTPClient(t, s).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode == http.StatusOK || !strings.Contains(string(body), `"error-code":"unauthorized access"`) {
		t.Errorf("upload by a user without model access: %d %s", resp.StatusCode, body)
	}

	h := http.Header{}
	auth, _ := http.NewRequest("GET", "https://x", nil)
	auth.SetBasicAuth("user-eve", "evepw")
	h.Set("Authorization", auth.Header.Get("Authorization"))
	ws, err := dialPath(t, s, "/model/"+model+"/log", h)
	if err != nil {
		t.Fatal(err)
	}
	c := &testConn{t: t, ws: ws}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, data, err := c.ws.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"code":"unauthorized access"`) {
		t.Errorf("debug-log for a user without model access: %s", data)
	}
	c.expectClosed()
}

// TestLegacyCharmUpload: Juju 3.6 still serves the Juju 3 local charm
// upload, POST /model/<uuid>/charms?series=<series> (python-libjuju's
// Model.add_local_charm), answering the charm URL with the series; Juju 4
// has no such endpoint.
func TestLegacyCharmUpload(t *testing.T) {
	servers := map[string]*Server{Juju36: startServer(t, Config{JujuVersion: Juju36}), Juju40: startServer(t, Config{JujuVersion: Juju40})}
	for _, tc := range []struct {
		version, query string
		wantStatus     int
		wantBody       string
	}{
		{Juju36, "?series=jammy", 200, `{"charm-url":"local:jammy/rj-provider-0"}`},
		{Juju36, "?series=jammy", 200, `{"charm-url":"local:jammy/rj-provider-1"}`}, // every upload a new revision
		{Juju36, "", 200, `{"charm-url":"local:rj-provider-2"}`},
		{Juju36, "?series=nosuch", 400, `{"error":"series name \"nosuch\" not valid","error-code":"bad request"}`},
		{Juju36, "?schema=ch&series=jammy", 400, `{"error":"unsupported schema \"ch\"","error-code":"bad request"}`},
		{Juju40, "?series=jammy", 404, ""},
	} {
		t.Run(tc.version+tc.query, func(t *testing.T) {
			s := servers[tc.version]
			archive, _ := testCharm(t, "rj-provider")
			req, err := http.NewRequest(http.MethodPost, "https://"+s.Addr()+"/model/"+s.DefaultModelUUID()+"/charms"+tc.query, bytes.NewReader(archive))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/zip")
			req.SetBasicAuth("user-admin", s.AdminPassword())
			resp, err := testHTTPClient(t, s).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			if resp.StatusCode != tc.wantStatus || (tc.wantBody != "" && string(body) != tc.wantBody) {
				t.Errorf("POST charms%s = %d %s, want %d %s", tc.query, resp.StatusCode, body, tc.wantStatus, tc.wantBody)
			}
		})
	}
	// The charm is stored under the URL answered, series and all, as
	// Juju 3.6 stores it: it lists so, and an application deployed from
	// it reports it.
	s := servers[Juju36]
	c := dial(t, s, s.DefaultModelUUID())
	c.login(s)
	if f := c.call("Charms", 6, "List", map[string]any{"names": []string{"rj-provider"}}); !strings.Contains(f.String(),
		`"charm-urls":["local:jammy/rj-provider-0","local:jammy/rj-provider-1","local:rj-provider-2"]`) {
		t.Errorf("Charms.List after legacy uploads: %s", f)
	}
	if f := c.call("Application", 19, "Deploy", map[string]any{"applications": []map[string]any{{"application": "lp", "charm-url": "local:jammy/rj-provider-1",
		"charm-origin": map[string]any{"source": "local", "base": map[string]any{"name": "ubuntu", "channel": "22.04"}}, "num-units": 0}}}); strings.Contains(f.String(), `"error"`) {
		t.Fatalf("Deploy from the legacy upload: %s", f)
	}
	if f := c.call("Client", 7, "FullStatus", map[string]any{}); !strings.Contains(f.String(), `"charm":"local:jammy/rj-provider-1"`) {
		t.Errorf("FullStatus of an application deployed from the legacy upload: %s", f)
	}
	// Unauthenticated: refused.
	resp, err := testHTTPClient(t, s).Post("https://"+s.Addr()+"/model/"+s.DefaultModelUUID()+"/charms?series=jammy", "application/zip", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("unauthenticated POST charms = %d, want 401", resp.StatusCode)
	}
}
