package jujusim

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"net"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestStartDefaults(t *testing.T) {
	s := startServer(t, Config{})
	host, port, err := net.SplitHostPort(s.Addr())
	if err != nil || host != "127.0.0.1" || port == "0" {
		t.Errorf("Addr() = %q, want 127.0.0.1:<port>", s.Addr())
	}
	if got := s.APIAddresses(); !cmp.Equal(got, []string{s.Addr()}) {
		t.Errorf("APIAddresses() = %v", got)
	}
	if s.JujuVersion() != Juju40 {
		t.Errorf("JujuVersion() = %q", s.JujuVersion())
	}
	if s.AdminUser() != "admin" || s.AdminPassword() == "" || s.ControllerUUID() == "" ||
		s.ControllerName() != "jujusim" || s.DefaultModelUUID() == "" {
		t.Errorf("accessors: user %q password set %v uuid %q name %q model %q", s.AdminUser(),
			s.AdminPassword() != "", s.ControllerUUID(), s.ControllerName(), s.DefaultModelUUID())
	}
}

func TestConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"version", Config{JujuVersion: "2.9.0"}, "unsupported Juju version"},
		{"speed", Config{Speed: "ludicrous"}, "cannot parse speed"},
		{"addr", Config{Addr: "nonsense"}, "bad listen address"},
		{"half CA", Config{CACert: "x"}, "must be given together"},
		{"bad CA", Config{CACert: "x", CAKey: "y"}, "no PEM CERTIFICATE"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Start(context.Background(), tc.cfg)
			if err == nil {
				_ = s.Close()
				t.Fatal("Start succeeded")
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "cannot") {
				t.Errorf("error %q, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestTLSWithGivenCA(t *testing.T) {
	caCert, caKey := testCA(t)
	s := startServer(t, Config{CACert: caCert, CAKey: caKey})
	if s.CACert() != caCert {
		t.Fatal("CACert() is not the configured CA")
	}
	for _, name := range []string{"juju-apiserver", "localhost"} {
		cfg := testTLSConfig(t, s)
		cfg.ServerName = name
		conn, err := tls.Dial("tcp", s.Addr(), cfg)
		if err != nil {
			t.Errorf("TLS with server name %q: %v", name, err)
			continue
		}
		_ = conn.Close()
	}
	cfg := testTLSConfig(t, s)
	cfg.ServerName = "example.com"
	if conn, err := tls.Dial("tcp", s.Addr(), cfg); err == nil {
		_ = conn.Close()
		t.Error("certificate verified for example.com")
	}
}

func TestHealth(t *testing.T) {
	s := startServer(t, Config{})
	resp, err := testHTTPClient(t, s).Get("https://" + s.Addr() + "/health")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "running\n" {
		t.Errorf("GET /health = %d %q", resp.StatusCode, body)
	}
}

func TestLogin(t *testing.T) {
	s := startServer(t, Config{})
	tests := []struct {
		name      string
		model     string
		user, pw  string
		wantCode  string
		wantModel bool
	}{
		{name: "controller", user: "admin", pw: s.AdminPassword()},
		{name: "model", model: s.DefaultModelUUID(), user: "admin", pw: s.AdminPassword(), wantModel: true},
		{name: "bad password", user: "admin", pw: "wrong", wantCode: "unauthorized access"},
		{name: "unknown model", model: "00000000-0000-4000-8000-000000000000", user: "admin", pw: s.AdminPassword(), wantCode: "model not found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := dial(t, s, tc.model)
			f := c.call("Admin", 3, "Login", loginParams(tc.user, tc.pw))
			if code := f.str("error-code"); code != tc.wantCode {
				t.Fatalf("error-code %q (%s), want %q", code, f.str("error"), tc.wantCode)
			}
			if tc.wantCode != "" {
				if got, want := frameKeys(f), []string{"error", "error-code", "request-id", "response"}; !cmp.Equal(got, want) {
					t.Errorf("error frame keys %v, want %v", got, want)
				}
				if string(f["response"]) != "{}" {
					t.Errorf("error frame response %s, want {}", f["response"])
				}
				return
			}
			if got, want := frameKeys(f), []string{"request-id", "response"}; !cmp.Equal(got, want) {
				t.Errorf("reply keys %v, want %v", got, want)
			}
			var res struct {
				ControllerTag string `json:"controller-tag"`
				ModelTag      string `json:"model-tag"`
				Servers       [][]struct {
					Value string `json:"value"`
				} `json:"servers"`
			}
			if err := json.Unmarshal(f["response"], &res); err != nil {
				t.Fatal(err)
			}
			if res.ControllerTag != "controller-"+s.ControllerUUID() {
				t.Errorf("controller-tag %q", res.ControllerTag)
			}
			if tc.wantModel != (res.ModelTag == "model-"+s.DefaultModelUUID()) {
				t.Errorf("model-tag %q", res.ModelTag)
			}
			if len(res.Servers) == 0 || len(res.Servers[0]) == 0 || !strings.Contains(res.Servers[0][0].Value, strings.Split(s.Addr(), ":")[0]) {
				t.Errorf("servers %+v do not carry the server address %s", res.Servers, s.Addr())
			}
			// A logged-in connection reaches the controller.
			if f := c.call("Pinger", 1, "Ping", nil); f["error"] != nil || string(f["response"]) != "{}" {
				t.Errorf("Ping reply %v", f)
			}
		})
	}
}

func TestUnknownModelFailsEveryCall(t *testing.T) {
	s := startServer(t, Config{})
	const model = "00000000-0000-4000-8000-000000000000"
	c := dial(t, s, model)
	for _, call := range []struct {
		facade  string
		version int
		method  string
		params  any
	}{
		{"Pinger", 1, "Ping", nil},
		{"Admin", 3, "Login", loginParams("admin", s.AdminPassword())},
	} {
		f := c.call(call.facade, call.version, call.method, call.params)
		if f.str("error-code") != "model not found" || f.str("error") != `unknown model: "`+model+`"` {
			t.Errorf("%s.%s: %s", call.facade, call.method, f)
		}
	}
}

func TestLoginJuju36(t *testing.T) {
	s := startServer(t, Config{JujuVersion: Juju36})
	c := dial(t, s, s.DefaultModelUUID())
	f := c.login(s)
	var res struct {
		ServerVersion string `json:"server-version"`
		Facades       []struct {
			Name     string `json:"name"`
			Versions []int  `json:"versions"`
		} `json:"facades"`
	}
	if err := json.Unmarshal(f["response"], &res); err != nil {
		t.Fatal(err)
	}
	if res.ServerVersion != Juju36 {
		t.Errorf("server-version %q, want %q", res.ServerVersion, Juju36)
	}
	found := false
	for _, fc := range res.Facades {
		found = found || fc.Name == "AllWatcher"
	}
	if !found {
		t.Error("3.6 model login lists no AllWatcher facade")
	}
}

func TestCallsBeforeLogin(t *testing.T) {
	s := startServer(t, Config{})
	tests := []struct {
		facade  string
		version int
		method  string
		code    string
		message string
	}{
		{"Pinger", 1, "Ping", "not implemented", `unknown version 1 for facade type "Pinger"`},
		{"Client", 0, "FullStatus", "not implemented", `unknown facade type "Client"`},
		{"Admin", 2, "Login", "not supported", "this version of Juju does not support login from old clients"},
		{"Admin", 3, "RedirectInfo", "", "not redirected"},
		{"Admin", 3, "Frobnicate", "not implemented", `unknown method "Frobnicate" at version 0 for facade type "Admin"`},
	}
	c := dial(t, s, "")
	for _, tc := range tests {
		f := c.call(tc.facade, tc.version, tc.method, nil)
		if f.str("error-code") != tc.code || f.str("error") != tc.message {
			t.Errorf("%s v%d %s: got %q (%q), want %q (%q)", tc.facade, tc.version, tc.method,
				f.str("error"), f.str("error-code"), tc.message, tc.code)
		}
	}
	// After all that, login still works on the same connection.
	c.login(s)
	if f := c.call("Admin", 3, "Login", loginParams("admin", s.AdminPassword())); f["error"] == nil {
		t.Error("second login succeeded")
	}
}

func TestFramingErrors(t *testing.T) {
	tests := []struct {
		name    string
		version string
		frame   string
	}{
		{"invalid json", Juju40, `{"request-id":1,`},
		{"not an object", Juju40, `[1,2,3]`},
		{"request-id zero", Juju40, `{"request-id":0,"type":"Pinger","version":1,"request":"Ping","params":{}}`},
		{"request-id missing", Juju40, `{"type":"Pinger","version":1,"request":"Ping","params":{}}`},
		{"v0 on 4.0", Juju40, `{"RequestId":1,"Type":"Admin","Version":3,"Request":"Login","Params":{}}`},
		{"nothing usable on 3.6", Juju36, `{"type":"Pinger","version":1,"request":"Ping"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := startServer(t, Config{JujuVersion: tc.version})
			c := dial(t, s, "")
			c.sendRaw([]byte(tc.frame))
			c.expectClosed()
		})
	}
}

func TestFramingV0On36(t *testing.T) {
	s := startServer(t, Config{JujuVersion: Juju36})
	c := dial(t, s, "")
	c.sendRaw(map[string]any{"RequestId": 7, "Type": "Pinger", "Version": 1, "Request": "Ping", "Params": map[string]any{}})
	f := c.read()
	if got, want := frameKeys(f), []string{"Error", "ErrorCode", "RequestId", "Response"}; !cmp.Equal(got, want) {
		t.Fatalf("v0 error reply keys %v, want %v", got, want)
	}
	if f.str("ErrorCode") != "not implemented" || string(f["RequestId"]) != "7" {
		t.Errorf("v0 reply %v", f)
	}
	// The same connection still speaks v1.
	if f := c.call("Admin", 3, "Login", loginParams("admin", s.AdminPassword())); f["error"] != nil {
		t.Errorf("v1 login after v0 frame: %v", f)
	}
}

func TestResponseFramesIgnored(t *testing.T) {
	s := startServer(t, Config{})
	c := dial(t, s, "")
	c.sendRaw(map[string]any{"request-id": 99, "response": map[string]any{}})
	c.login(s) // would read the wrong id if the server had answered
}

func TestConcurrentCallsOutOfOrder(t *testing.T) {
	s := startServer(t, Config{})
	c := dial(t, s, "")
	c.login(s)
	release := s.Stall("Pinger", "Ping")
	defer release()
	slow := c.send("Pinger", 1, "Ping", nil)
	fast := c.send("NoSuchFacade", 1, "Nothing", nil)
	if f := c.read(); f.id() != fast {
		t.Fatalf("first reply is for %d, want the unstalled call %d", f.id(), fast)
	}
	release()
	if f := c.read(); f.id() != slow || f["error"] != nil {
		t.Fatalf("second reply %v, want success for %d", f, slow)
	}
}

func TestConcurrentConnections(t *testing.T) {
	s := startServer(t, Config{})
	const n = 20
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		go func() {
			errs <- func() error {
				ws, err := dialPath(t, s, "/model/"+s.DefaultModelUUID()+"/api", nil)
				if err != nil {
					return err
				}
				c := &testConn{t: t, ws: ws}
				for j := 0; j < 5; j++ {
					id := c.send("Pinger", 1, "Ping", nil)
					f, err := c.tryRead(10 * time.Second)
					if err != nil {
						return err
					}
					if f.id() != id || f.str("error-code") != "not implemented" {
						return errors.New("unexpected reply before login")
					}
				}
				id := c.send("Admin", 3, "Login", loginParams("admin", s.AdminPassword()))
				f, err := c.tryRead(10 * time.Second)
				if err != nil {
					return err
				}
				if f.id() != id || f["error"] != nil {
					return errors.New("login failed")
				}
				return nil
			}()
		}()
	}
	for i := 0; i < n; i++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

func TestCloseIdempotent(t *testing.T) {
	s, err := Start(context.Background(), Config{})
	if err != nil {
		t.Fatal(err)
	}
	c := dial(t, s, "")
	c.login(s)
	release := s.Stall("Pinger", "Ping")
	defer release()
	c.send("Pinger", 1, "Ping", nil) // blocked in the server while it closes
	for i := 0; i < 2; i++ {
		if err := s.Close(); err != nil {
			t.Fatalf("Close #%d: %v", i+1, err)
		}
	}
	c.expectClosed()
	if err := s.Restart(context.Background()); !errors.Is(err, ErrClosed) {
		t.Errorf("Restart after Close = %v, want ErrClosed", err)
	}
}

// TestConcurrentCloseWaits checks that a Close made while another is in
// progress returns only once the server has stopped.
func TestConcurrentCloseWaits(t *testing.T) {
	s, err := Start(context.Background(), Config{})
	if err != nil {
		t.Fatal(err)
	}
	c := dial(t, s, "")
	c.login(s)
	first := make(chan error, 1)
	go func() { first <- s.Close() }()
	for {
		s.mu.Lock()
		closing := s.closed
		s.mu.Unlock()
		if closing {
			break
		}
		runtime.Gosched()
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	_, _, err = s.core.Login(context.Background(), "", json.RawMessage(`{"auth-tag":"user-admin","credentials":"`+s.AdminPassword()+`"}`), nil)
	if err == nil || !strings.Contains(err.Error(), "shutting down") {
		t.Errorf("login on the controller after the second Close returned: %v, want it shut down", err)
	}
	if err := <-first; err != nil {
		t.Fatalf("first Close: %v", err)
	}
}

// testCA returns a new CA certificate and its PKCS#8 key, both PEM.
func testCA(t *testing.T) (certPEM, keyPEM string) {
	t.Helper()
	cert, key, certPEM, err := generateCA()
	if err != nil {
		t.Fatal(err)
	}
	_ = cert
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return certPEM, string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}
