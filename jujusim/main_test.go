package jujusim

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// startServer starts a simulator for one test and closes it at the end.
func startServer(t testing.TB, cfg Config) *Server {
	t.Helper()
	s, err := Start(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// testTLSConfig trusts only the simulator's CA, with the server name every
// Juju client verifies.
func testTLSConfig(t testing.TB, s *Server) *tls.Config {
	t.Helper()
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM([]byte(s.CACert())) {
		t.Fatal("CACert is not a PEM certificate")
	}
	return &tls.Config{RootCAs: pool, ServerName: "juju-apiserver", MinVersion: tls.VersionTLS12}
}

func testHTTPClient(t testing.TB, s *Server) *http.Client {
	t.Helper()
	tr := &http.Transport{TLSClientConfig: testTLSConfig(t, s)}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

// testConn is a deliberately small client for the Juju v1 RPC framing,
// independent of package rpc.
type testConn struct {
	t      testing.TB
	ws     *websocket.Conn
	nextID atomic.Uint64
}

func dialPath(t testing.TB, s *Server, path string, header http.Header) (*websocket.Conn, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, "wss://"+s.Addr()+path, &websocket.DialOptions{
		HTTPClient: testHTTPClient(t, s),
		HTTPHeader: header,
	})
	if err != nil {
		return nil, err
	}
	ws.SetReadLimit(-1)
	t.Cleanup(func() { _ = ws.CloseNow() })
	return ws, nil
}

func dial(t testing.TB, s *Server, modelUUID string) *testConn {
	t.Helper()
	path := "/api"
	if modelUUID != "" {
		path = "/model/" + modelUUID + "/api"
	}
	ws, err := dialPath(t, s, path, nil)
	if err != nil {
		t.Fatalf("dial %s: %v", path, err)
	}
	return &testConn{t: t, ws: ws}
}

// frame is a decoded server frame.
type frame map[string]json.RawMessage

func (f frame) String() string {
	data, _ := json.Marshal(map[string]json.RawMessage(f))
	return string(data)
}

func (f frame) str(key string) string {
	var s string
	_ = json.Unmarshal(f[key], &s)
	return s
}

func (f frame) id() uint64 {
	var n uint64
	_ = json.Unmarshal(f["request-id"], &n)
	return n
}

func (c *testConn) send(facade string, version int, method string, params any) uint64 {
	c.t.Helper()
	id := c.nextID.Add(1)
	msg := map[string]any{"request-id": id, "type": facade, "version": version, "request": method}
	if params != nil {
		msg["params"] = params
	}
	c.sendRaw(msg)
	return id
}

func (c *testConn) sendRaw(msg any) {
	c.t.Helper()
	data, ok := msg.([]byte)
	if !ok {
		var err error
		if data, err = json.Marshal(msg); err != nil {
			c.t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.ws.Write(ctx, websocket.MessageText, data); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

// read reads one frame, failing the test on error.
func (c *testConn) read() frame {
	c.t.Helper()
	f, err := c.tryRead(10 * time.Second)
	if err != nil {
		c.t.Fatalf("read: %v", err)
	}
	return f
}

func (c *testConn) tryRead(timeout time.Duration) (frame, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	_, data, err := c.ws.Read(ctx)
	if err != nil {
		return nil, err
	}
	if !bytes.HasSuffix(data, []byte("\n")) {
		return nil, fmt.Errorf("frame %q does not end with a newline", data)
	}
	var f frame
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("frame %q: %w", data, err)
	}
	return f, nil
}

// call sends a request and reads its reply (no other call may be pending).
func (c *testConn) call(facade string, version int, method string, params any) frame {
	c.t.Helper()
	id := c.send(facade, version, method, params)
	f := c.read()
	if f.id() != id {
		c.t.Fatalf("reply for request %d, want %d", f.id(), id)
	}
	return f
}

func loginParams(user, password string) map[string]any {
	return map[string]any{
		"auth-tag": "user-" + user, "credentials": password, "nonce": "",
		"macaroons": nil, "bakery-version": 3, "cli-args": "jujusim test",
		"user-data": "", "client-version": "4.0.15",
	}
}

func (c *testConn) login(s *Server) frame {
	c.t.Helper()
	f := c.call("Admin", 3, "Login", loginParams(s.AdminUser(), s.AdminPassword()))
	if f["error"] != nil {
		c.t.Fatalf("login failed: %s (%s)", f.str("error"), f.str("error-code"))
	}
	return f
}

// expectClosed waits for the server to end the connection.
func (c *testConn) expectClosed() {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		_, data, err := c.ws.Read(ctx)
		if err != nil {
			if errors.Is(err, context.DeadlineExceeded) {
				c.t.Fatal("connection still open")
			}
			return
		}
		c.t.Logf("frame before close: %s", data)
	}
}

func frameKeys(f frame) []string {
	var ks []string
	for k := range f {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}
