package rpc_test

// A small controller for the tests: TLS with its own CA (server certificate
// for "juju-apiserver"), websocket on /api and /model/<uuid>/api (under any
// path prefix), the real v1 framing, Admin.Login v3 with a password, and a
// "Test" facade whose methods exercise the client.

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/gojuju/juju/rpc"
)

const (
	testUser       = "admin"
	testPassword   = "s3cr3t-Pa55word-xyzzy"
	testModelUUID  = "deadbeef-0bad-400d-8000-4b1d0d06f00d"
	testController = "controller-deadbeef-1bad-500d-9000-4b1d0d06f00d"
	testServerVer  = "4.0.15"
	testServerName = "juju-apiserver"
)

// testCA is a certificate authority for test certificates.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	PEM  string
}

func newTestCA() (*testCA, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "juju-generated CA for tests"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &testCA{cert: cert, key: key, PEM: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))}, nil
}

// serverCert issues a server certificate for the DNS names.
func (ca *testCA) serverCert(names ...string) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "*"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     names,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der, ca.cert.Raw}, PrivateKey: key}, nil
}

type wireRequest struct {
	RequestID uint64          `json:"request-id"`
	Type      string          `json:"type"`
	Version   int             `json:"version"`
	ID        string          `json:"id"`
	Request   string          `json:"request"`
	Params    json.RawMessage `json:"params"`
}

type wireResponse struct {
	RequestID uint64         `json:"request-id"`
	Error     string         `json:"error,omitempty"`
	ErrorCode string         `json:"error-code,omitempty"`
	ErrorInfo map[string]any `json:"error-info,omitempty"`
	Response  any            `json:"response"`
}

// testServer is the test controller.
type testServer struct {
	srv    *httptest.Server
	CA     *testCA
	Addr   string // host:port
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	// LoginError, when set, is returned by Admin.Login.
	LoginError *rpc.Error
	// DropPings makes Pinger.Ping never answer.
	DropPings atomic.Bool

	mu      sync.Mutex
	conns   map[*websocket.Conn]bool
	paths   []string
	headers []http.Header
	logins  []rpc.LoginRequest
	holds   map[string][]wireRequest
	blocked chan uint64   // request ids of Test.Block calls as they arrive
	pinged  chan struct{} // a ping arrived
}

func startTestServer() (*testServer, error) {
	ca, err := newTestCA()
	if err != nil {
		return nil, err
	}
	cert, err := ca.serverCert(testServerName)
	if err != nil {
		return nil, err
	}
	s := &testServer{
		CA:      ca,
		conns:   make(map[*websocket.Conn]bool),
		holds:   make(map[string][]wireRequest),
		blocked: make(chan uint64, 100),
		pinged:  make(chan struct{}, 1),
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.srv = httptest.NewUnstartedServer(http.HandlerFunc(s.serveHTTP))
	s.srv.Config.ErrorLog = log.New(io.Discard, "", 0) // expected TLS failures
	s.srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	s.srv.StartTLS()
	s.Addr = s.srv.Listener.Addr().String()
	return s, nil
}

// newTestServer starts a test server closed at the end of the test.
func newTestServer(t testing.TB) *testServer {
	t.Helper()
	s, err := startTestServer()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// Close drops every connection and stops the server.
func (s *testServer) Close() {
	s.cancel()
	s.DropConns()
	s.wg.Wait()
	s.srv.Close()
}

// DropConns closes every websocket abruptly (no closing handshake).
func (s *testServer) DropConns() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		_ = c.CloseNow()
	}
}

// config returns a client config for a controller connection.
func (s *testServer) config() rpc.Config {
	return rpc.Config{Addrs: []string{s.Addr}, CACert: s.CA.PEM, Username: testUser, Password: testPassword}
}

func (s *testServer) Paths() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.paths)
}

func (s *testServer) Headers() []http.Header {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.headers)
}

func (s *testServer) Logins() []rpc.LoginRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.logins)
}

func (s *testServer) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/echo-auth" {
		// An HTTP endpoint for HTTPClient/AuthHeader tests.
		user, pass, _ := r.BasicAuth()
		fmt.Fprintf(w, "%s %t %s", user, pass == testPassword, r.Header.Get("X-Juju-ClientVersion"))
		return
	}
	if !strings.HasSuffix(r.URL.Path, "/api") {
		http.NotFound(w, r)
		return
	}
	s.wg.Add(1)
	defer s.wg.Done()
	ws, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	ws.SetReadLimit(-1)
	s.mu.Lock()
	s.conns[ws] = true
	s.paths = append(s.paths, r.URL.Path)
	s.headers = append(s.headers, r.Header.Clone())
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.conns, ws)
		s.mu.Unlock()
		_ = ws.CloseNow()
	}()
	sc := &serverConn{s: s, ws: ws, model: strings.Contains(r.URL.Path, "/model/")}
	ctx, cancel := context.WithCancel(s.ctx)
	defer cancel()
	var hwg sync.WaitGroup
	defer hwg.Wait()
	defer cancel()
	for {
		typ, data, err := ws.Read(ctx)
		if err != nil {
			return
		}
		var req wireRequest
		if typ != websocket.MessageText || json.Unmarshal(data, &req) != nil || req.RequestID == 0 {
			// Like Juju 4.0: a bad frame is fatal.
			return
		}
		hwg.Add(1)
		go func() {
			defer hwg.Done()
			sc.handle(ctx, cancel, req)
		}()
	}
}

type serverConn struct {
	s        *testServer
	ws       *websocket.Conn
	model    bool
	loggedIn atomic.Bool
}

func (sc *serverConn) write(ctx context.Context, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	_ = sc.ws.Write(ctx, websocket.MessageText, data)
}

func (sc *serverConn) reply(ctx context.Context, req wireRequest, resp any) {
	if resp == nil {
		resp = struct{}{}
	}
	sc.write(ctx, wireResponse{RequestID: req.RequestID, Response: resp})
}

func (sc *serverConn) replyError(ctx context.Context, req wireRequest, e *rpc.Error) {
	sc.write(ctx, wireResponse{RequestID: req.RequestID, Error: e.Message, ErrorCode: e.Code, ErrorInfo: e.Info, Response: struct{}{}})
}

var testFacades = []rpc.FacadeVersions{
	{Name: "Application", Versions: []int{19, 20, 21, 22}},
	{Name: "Client", Versions: []int{8}},
	{Name: "Pinger", Versions: []int{1}},
	{Name: "Test", Versions: []int{1, 2, 3}},
}

func (sc *serverConn) handle(ctx context.Context, drop context.CancelFunc, req wireRequest) {
	s := sc.s
	if req.Type == "Admin" {
		if req.Version != 3 || req.Request != "Login" {
			sc.replyError(ctx, req, &rpc.Error{Message: "unknown method", Code: rpc.CodeNotImplemented})
			return
		}
		var lr rpc.LoginRequest
		if err := json.Unmarshal(req.Params, &lr); err != nil {
			sc.replyError(ctx, req, &rpc.Error{Message: err.Error(), Code: rpc.CodeBadRequest})
			return
		}
		s.mu.Lock()
		s.logins = append(s.logins, lr)
		loginErr := s.LoginError
		s.mu.Unlock()
		switch {
		case loginErr != nil:
			sc.replyError(ctx, req, loginErr)
			return
		case lr.AuthTag != "user-"+testUser || lr.Credentials != testPassword:
			sc.replyError(ctx, req, &rpc.Error{Message: "invalid entity name or password", Code: rpc.CodeUnauthorized})
			return
		}
		sc.loggedIn.Store(true)
		res := rpc.LoginResult{
			Servers:       [][]rpc.HostPort{{{Value: "127.0.0.1", Type: "ipv4", Scope: "local-machine", Port: 17070}}},
			ControllerTag: testController,
			UserInfo:      &rpc.UserInfo{Identity: "user-admin", ControllerAccess: "superuser", ModelAccess: "admin"},
			Facades:       testFacades,
			ServerVersion: testServerVer,
		}
		if sc.model {
			res.ModelTag = "model-" + testModelUUID
		}
		sc.reply(ctx, req, res)
		return
	}
	if !sc.loggedIn.Load() {
		sc.replyError(ctx, req, &rpc.Error{Message: fmt.Sprintf("unknown version %d for facade type %q", req.Version, req.Type), Code: rpc.CodeNotImplemented})
		return
	}
	switch req.Type + "." + req.Request {
	case "Pinger.Ping":
		select {
		case s.pinged <- struct{}{}:
		default:
		}
		if s.DropPings.Load() {
			return
		}
		sc.reply(ctx, req, nil)
	case "Client.FullStatus":
		sc.reply(ctx, req, map[string]any{"model": map[string]any{"name": "default", "type": "iaas", "version": testServerVer}, "applications": map[string]any{}})
	case "Test.Echo", "Application.Echo":
		sc.reply(ctx, req, map[string]any{"params": req.Params, "version": req.Version, "id": req.ID})
	case "Test.Error":
		var e rpc.Error
		_ = json.Unmarshal(req.Params, &e)
		sc.replyError(ctx, req, &e)
	case "Test.Block":
		s.blocked <- req.RequestID
		<-ctx.Done()
	case "Test.Hold":
		// Hold requests of a group until n have arrived, then answer them
		// in reverse order of arrival.
		var p struct {
			Group string `json:"group"`
			N     int    `json:"n"`
		}
		_ = json.Unmarshal(req.Params, &p)
		s.mu.Lock()
		s.holds[p.Group] = append(s.holds[p.Group], req)
		held := s.holds[p.Group]
		if len(held) < p.N {
			s.mu.Unlock()
			return
		}
		delete(s.holds, p.Group)
		s.mu.Unlock()
		for _, r := range slices.Backward(held) {
			sc.reply(ctx, r, map[string]any{"params": r.Params})
		}
	case "Test.Stray":
		// A response for a request id nobody asked for, then the real one.
		sc.reply(ctx, wireRequest{RequestID: req.RequestID + 1_000_000}, map[string]any{"stray": true})
		sc.reply(ctx, req, map[string]any{"params": req.Params})
	case "Test.Raw":
		// Send the given frame verbatim (params: {"frame": "...", "binary": bool}).
		var p struct {
			Frame  string `json:"frame"`
			Binary bool   `json:"binary"`
		}
		_ = json.Unmarshal(req.Params, &p)
		typ := websocket.MessageText
		if p.Binary {
			typ = websocket.MessageBinary
		}
		_ = sc.ws.Write(ctx, typ, []byte(p.Frame))
	case "Test.Half":
		// Send the start of the given frame (params: {"frame": "...", "n":
		// bytes}) as the start of a message, then drop the connection.
		var p struct {
			Frame string `json:"frame"`
			N     int    `json:"n"`
		}
		_ = json.Unmarshal(req.Params, &p)
		if w, err := sc.ws.Writer(ctx, websocket.MessageText); err == nil {
			_, _ = w.Write([]byte(p.Frame[:p.N]))
		}
		drop()
		_ = sc.ws.CloseNow()
	case "Test.Drop":
		drop()
		_ = sc.ws.CloseNow()
	default:
		sc.replyError(ctx, req, &rpc.Error{Message: fmt.Sprintf("unknown method %q at version %d for facade type %q", req.Request, req.Version, req.Type), Code: rpc.CodeNotImplemented})
	}
}

// hangingListener accepts TCP connections and never answers.
type hangingListener struct {
	ln    net.Listener
	mu    sync.Mutex
	conns []net.Conn
	done  chan struct{}
}

func newHangingListener(t testing.TB) *hangingListener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h := &hangingListener{ln: ln, done: make(chan struct{})}
	go func() {
		defer close(h.done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			h.mu.Lock()
			h.conns = append(h.conns, c)
			h.mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		<-h.done
		h.mu.Lock()
		for _, c := range h.conns {
			_ = c.Close()
		}
		h.mu.Unlock()
	})
	return h
}

func (h *hangingListener) Addr() string { return h.ln.Addr().String() }

// deadAddr returns a loopback address where nothing listens.
func deadAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return addr
}

// dial dials cfg and closes the connection at the end of the test.
func dial(t testing.TB, cfg rpc.Config) *rpc.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := rpc.Dial(ctx, cfg)
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

var errTimeout = errors.New("timed out")

// waitFor waits for ch or fails after a generous time.
func waitFor[T any](t testing.TB, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(20 * time.Second):
		t.Fatalf("%s: %v", what, errTimeout)
		panic("unreachable")
	}
}
