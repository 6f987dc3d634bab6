package rpc_test

// Replays the real juju 4.0.15 CLI <-> controller transcripts in
// testdata/conformance/juju-4.0: for every recorded websocket connection, a
// replay server answers with the recorded responses while this package's
// client makes the same calls; the client's frames must match the CLI's.

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/google/go-cmp/cmp"

	"github.com/gojuju/juju/internal/testshared"
	"github.com/gojuju/juju/rpc"
)

type transcriptRecord struct {
	Conn    int                 `json:"conn"`
	Kind    string              `json:"kind"`
	Dir     string              `json:"dir"`
	Path    string              `json:"path"`
	Headers map[string][]string `json:"headers"`
	Msg     json.RawMessage     `json:"msg"`
}

type recordedConn struct {
	path     string
	headers  http.Header
	requests map[uint64]json.RawMessage // client frames by request id
	replies  map[uint64]json.RawMessage // server frames by request id
}

func readTranscript(t *testing.T, file string) map[int]*recordedConn {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	conns := make(map[int]*recordedConn)
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		var r transcriptRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if !strings.HasPrefix(r.Kind, "ws-") {
			continue // HTTP requests (charm upload) are not this package's
		}
		c := conns[r.Conn]
		if c == nil {
			c = &recordedConn{requests: make(map[uint64]json.RawMessage), replies: make(map[uint64]json.RawMessage)}
			conns[r.Conn] = c
		}
		switch r.Kind {
		case "ws-open":
			c.path = r.Path
			c.headers = http.Header(r.Headers)
		case "ws-frame":
			var id struct {
				RequestID uint64 `json:"request-id"`
			}
			if err := json.Unmarshal(r.Msg, &id); err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			if r.Dir == "client->server" {
				c.requests[id.RequestID] = r.Msg
			} else {
				c.replies[id.RequestID] = r.Msg
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return conns
}

// replayServer answers each request with the recorded reply of the same
// request id and keeps what the client sent.
type replayServer struct {
	srv     *httptest.Server
	replies map[uint64]json.RawMessage
	mu      sync.Mutex
	path    string
	headers http.Header
	got     map[uint64]json.RawMessage
}

func newReplayServer(t *testing.T, ca *testCA, replies map[uint64]json.RawMessage) *replayServer {
	t.Helper()
	cert, err := ca.serverCert(testServerName)
	if err != nil {
		t.Fatal(err)
	}
	rs := &replayServer{replies: replies, got: make(map[uint64]json.RawMessage)}
	rs.srv = httptest.NewUnstartedServer(http.HandlerFunc(rs.serve))
	rs.srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	rs.srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	rs.srv.StartTLS()
	t.Cleanup(rs.srv.Close)
	return rs
}

func (rs *replayServer) serve(w http.ResponseWriter, r *http.Request) {
	ws, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	defer func() { _ = ws.CloseNow() }() // the client may have closed it already
	ws.SetReadLimit(-1)
	rs.mu.Lock()
	rs.path, rs.headers = r.URL.Path, r.Header.Clone()
	rs.mu.Unlock()
	for {
		_, data, err := ws.Read(r.Context())
		if err != nil {
			return
		}
		var id struct {
			RequestID uint64 `json:"request-id"`
		}
		_ = json.Unmarshal(data, &id)
		rs.mu.Lock()
		rs.got[id.RequestID] = data
		rs.mu.Unlock()
		reply, ok := rs.replies[id.RequestID]
		if !ok {
			return
		}
		if err := ws.Write(r.Context(), websocket.MessageText, reply); err != nil {
			return
		}
	}
}

// normalizeRequest decodes a request frame for comparison: the login
// credentials (redacted in the transcripts) and cli-args (the CLI's command
// line) are dropped, and a missing object id equals "".
func normalizeRequest(t *testing.T, data json.RawMessage) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("request %s: %v", data, err)
	}
	if m["id"] == nil {
		m["id"] = ""
	}
	if m["type"] == "Admin" {
		if p, ok := m["params"].(map[string]any); ok {
			delete(p, "credentials")
			delete(p, "cli-args")
		}
	}
	return m
}

func TestConformanceTranscripts(t *testing.T) {
	dir := testshared.Conformance(t)
	files, err := filepath.Glob(filepath.Join(dir, "*.jsonl"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no transcripts in %s: %v", dir, err)
	}
	ca, err := newTestCA()
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".jsonl")
		t.Run(name, func(t *testing.T) {
			conns := readTranscript(t, file)
			for n, rc := range conns {
				replayConn(t, ca, name, n, rc)
			}
		})
	}
}

func replayConn(t *testing.T, ca *testCA, name string, n int, rc *recordedConn) {
	t.Helper()
	if rc.path == "" || len(rc.requests) == 0 {
		return
	}
	login, ok := rc.requests[1]
	if !ok || !bytes.Contains(login, []byte(`"Login"`)) {
		t.Fatalf("%s conn %d: request 1 is not the login", name, n)
	}
	var lr rpc.LoginRequest
	if err := json.Unmarshal(normalizeLogin(login), &lr); err != nil {
		t.Fatal(err)
	}
	rs := newReplayServer(t, ca, rc.replies)
	cfg := rpc.Config{
		Addrs:         []string{rs.srv.Listener.Addr().String()},
		CACert:        ca.PEM,
		Username:      strings.TrimPrefix(lr.AuthTag, "user-"),
		Password:      "REDACTED",
		ClientVersion: lr.ClientVersion,
		PingInterval:  -1,
	}
	if uuid, ok := strings.CutPrefix(rc.path, "/model/"); ok {
		cfg.ModelUUID = strings.TrimSuffix(uuid, "/api")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := rpc.Dial(ctx, cfg)
	if err != nil {
		t.Fatalf("%s conn %d: Dial: %v", name, n, err)
	}
	defer conn.Close()

	// The login result as the client kept it.
	var recordedLogin struct {
		Response rpc.LoginResult `json:"response"`
	}
	if err := json.Unmarshal(rc.replies[1], &recordedLogin); err != nil {
		t.Fatal(err)
	}
	info := conn.Login()
	if info.ServerVersion != recordedLogin.Response.ServerVersion || info.ControllerTag != recordedLogin.Response.ControllerTag ||
		info.ModelTag != recordedLogin.Response.ModelTag || len(info.Facades) != len(recordedLogin.Response.Facades) || len(info.Facades) == 0 {
		t.Errorf("%s conn %d: Login() = %+v, want the recorded result", name, n, info)
	}

	// The rest of the calls, in request id order.
	ids := make([]uint64, 0, len(rc.requests))
	for id := range rc.requests {
		if id != 1 {
			ids = append(ids, id)
		}
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		var req struct {
			Type    string          `json:"type"`
			Version int             `json:"version"`
			ID      string          `json:"id"`
			Request string          `json:"request"`
			Params  json.RawMessage `json:"params"`
		}
		if err := json.Unmarshal(rc.requests[id], &req); err != nil {
			t.Fatal(err)
		}
		reply, answered := rc.replies[id]
		if !answered {
			continue // the CLI closed the connection before the answer
		}
		var params any = req.Params
		if len(req.Params) == 0 {
			params = nil
		}
		var result json.RawMessage
		err := conn.CallVersion(ctx, req.Type, req.Version, req.Request, req.ID, params, &result)
		var want struct {
			Error     string          `json:"error"`
			ErrorCode string          `json:"error-code"`
			Response  json.RawMessage `json:"response"`
		}
		if err := json.Unmarshal(reply, &want); err != nil {
			t.Fatal(err)
		}
		if want.Error != "" {
			var se *rpc.Error
			if !errors.As(err, &se) || se.Message != want.Error || se.Code != want.ErrorCode {
				t.Errorf("%s conn %d: %s.%s = %v, want server error %q (%s)", name, n, req.Type, req.Request, err, want.Error, want.ErrorCode)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s conn %d: %s.%s: %v", name, n, req.Type, req.Request, err)
			continue
		}
		if !jsonEqual(result, want.Response) {
			t.Errorf("%s conn %d: %s.%s result differs from the recording", name, n, req.Type, req.Request)
		}
	}

	// What the client sent must be what the CLI sent.
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if rs.path != rc.path {
		t.Errorf("%s conn %d: path %q, want %q", name, n, rs.path, rc.path)
	}
	if got, want := rs.headers.Get("X-Juju-ClientVersion"), rc.headers.Get("X-Juju-ClientVersion"); got != want || got == "" {
		t.Errorf("%s conn %d: X-Juju-ClientVersion %q, want %q", name, n, got, want)
	}
	for id, want := range rc.requests {
		if _, answered := rc.replies[id]; !answered && id != 1 {
			continue
		}
		got, ok := rs.got[id]
		if !ok {
			t.Errorf("%s conn %d: request %d not sent", name, n, id)
			continue
		}
		if diff := cmp.Diff(normalizeRequest(t, want), normalizeRequest(t, got)); diff != "" {
			t.Errorf("%s conn %d: request %d differs from the CLI's (-cli +ours):\n%s", name, n, id, diff)
		}
	}
}

// normalizeLogin extracts the params of a recorded login frame.
func normalizeLogin(frame json.RawMessage) json.RawMessage {
	var f struct {
		Params json.RawMessage `json:"params"`
	}
	_ = json.Unmarshal(frame, &f)
	return f.Params
}

func jsonEqual(a, b json.RawMessage) bool {
	var x, y any
	if len(a) == 0 {
		a = json.RawMessage("{}")
	}
	if len(b) == 0 {
		b = json.RawMessage("{}")
	}
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return cmp.Equal(x, y)
}
