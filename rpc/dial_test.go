package rpc_test

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/goleak"

	"github.com/gojuju/juju/rpc"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestDialPathsAndLogin(t *testing.T) {
	s := newTestServer(t)
	tests := []struct {
		name          string
		addr          string
		model         string
		clientVersion string
		wantPath      string
		wantModelTag  string
		wantVersion   string
	}{
		{name: "controller", addr: s.Addr, wantPath: "/api", wantVersion: rpc.DefaultClientVersion},
		{name: "model", addr: s.Addr, model: testModelUUID, wantPath: "/model/" + testModelUUID + "/api", wantModelTag: "model-" + testModelUUID, wantVersion: rpc.DefaultClientVersion},
		{name: "prefix", addr: s.Addr + "/juju/", model: testModelUUID, wantPath: "/juju/model/" + testModelUUID + "/api", wantModelTag: "model-" + testModelUUID, wantVersion: rpc.DefaultClientVersion},
		{name: "wss scheme", addr: "wss://" + s.Addr, clientVersion: "3.6.28", wantPath: "/api", wantVersion: "3.6.28"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := s.config()
			cfg.Addrs = []string{tt.addr}
			cfg.ModelUUID = tt.model
			cfg.ClientVersion = tt.clientVersion
			c := dial(t, cfg)
			if got := c.Addr(); got != tt.addr {
				t.Errorf("Addr() = %q, want %q", got, tt.addr)
			}
			info := c.Login()
			want := rpc.LoginInfo{
				ServerVersion: testServerVer,
				ControllerTag: testController,
				ModelTag:      tt.wantModelTag,
				User:          rpc.UserInfo{Identity: "user-admin", ControllerAccess: "superuser", ModelAccess: "admin"},
				Facades:       map[string][]int{"Application": {19, 20, 21, 22}, "Client": {8}, "Pinger": {1}, "Test": {1, 2, 3}},
				Servers:       [][]rpc.HostPort{{{Value: "127.0.0.1", Type: "ipv4", Scope: "local-machine", Port: 17070}}},
			}
			if diff := cmp.Diff(want, info); diff != "" {
				t.Errorf("Login() mismatch (-want +got):\n%s", diff)
			}
			paths, headers, logins := s.Paths(), s.Headers(), s.Logins()
			if len(paths) != i+1 || len(logins) != i+1 {
				t.Fatalf("server saw %d connections and %d logins, want %d", len(paths), len(logins), i+1)
			}
			if got := paths[i]; got != tt.wantPath {
				t.Errorf("path = %q, want %q", got, tt.wantPath)
			}
			if got := headers[i].Get("X-Juju-ClientVersion"); got != tt.wantVersion {
				t.Errorf("X-Juju-ClientVersion = %q, want %q", got, tt.wantVersion)
			}
			wantLogin := rpc.LoginRequest{AuthTag: "user-admin", Credentials: testPassword, BakeryVersion: 3, ClientVersion: tt.wantVersion}
			if diff := cmp.Diff(wantLogin, logins[i]); diff != "" {
				t.Errorf("login request mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoginRequestWireShape(t *testing.T) {
	// The request carries "macaroons": null and "user-data": "" like the CLI's.
	data, err := json.Marshal(rpc.LoginRequest{AuthTag: "user-admin", Credentials: "x", BakeryVersion: 3, ClientVersion: "4.0.15"})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"auth-tag":"user-admin","credentials":"x","nonce":"","macaroons":null,"bakery-version":3,"user-data":"","client-version":"4.0.15"}`
	if string(data) != want {
		t.Errorf("LoginRequest JSON = %s, want %s", data, want)
	}
}

func TestDialUserTag(t *testing.T) {
	s := newTestServer(t)
	cfg := s.config()
	cfg.Username = "user-admin"
	dial(t, cfg)
	if got := s.Logins()[0].AuthTag; got != "user-admin" {
		t.Errorf("auth-tag = %q, want user-admin", got)
	}
}

func TestDialBadPassword(t *testing.T) {
	s := newTestServer(t)
	cfg := s.config()
	cfg.Password = "wrong"
	_, err := rpc.Dial(context.Background(), cfg)
	var de *rpc.DialError
	if !errors.As(err, &de) || len(de.Errors) != 1 || de.Errors[0].Addr != s.Addr {
		t.Fatalf("Dial error = %#v, want a *DialError for %s", err, s.Addr)
	}
	if !errors.Is(err, rpc.ErrUnauthorized) {
		t.Errorf("errors.Is(%v, ErrUnauthorized) = false", err)
	}
	if rpc.IsRetryable(err) {
		t.Errorf("IsRetryable(%v) = true for a refused login", err)
	}
	if !strings.Contains(err.Error(), "cannot log in: invalid entity name or password") {
		t.Errorf("error %q does not say the login failed", err)
	}
}

func TestDialTLS(t *testing.T) {
	s := newTestServer(t)
	other, err := newTestCA()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		mod     func(*rpc.Config)
		wantErr bool
	}{
		{name: "pinned CA", mod: func(*rpc.Config) {}},
		{name: "wrong CA", mod: func(c *rpc.Config) { c.CACert = other.PEM }, wantErr: true},
		{name: "no CA uses system roots", mod: func(c *rpc.Config) { c.CACert = "" }, wantErr: true},
		{name: "no CA with server name uses system roots", mod: func(c *rpc.Config) { c.CACert = ""; c.ServerName = testServerName }, wantErr: true},
		{name: "wrong CA whatever the server name", mod: func(c *rpc.Config) { c.CACert = other.PEM; c.ServerName = testServerName }, wantErr: true},
		{name: "insecure", mod: func(c *rpc.Config) { c.CACert = ""; c.InsecureSkipVerify = true }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := s.config()
			tt.mod(&cfg)
			c, err := rpc.Dial(context.Background(), cfg)
			if !tt.wantErr {
				if err != nil {
					t.Fatalf("Dial: %v", err)
				}
				_ = c.Close()
				return
			}
			if err == nil {
				_ = c.Close()
				t.Fatal("Dial succeeded, want a certificate verification failure")
			}
			var de *rpc.DialError
			var ve *tls.CertificateVerificationError
			if !errors.As(err, &de) || !errors.As(err, &ve) {
				t.Errorf("Dial error = %v, want a *DialError holding a *tls.CertificateVerificationError", err)
			}
			if rpc.IsRetryable(err) {
				t.Errorf("IsRetryable(%v) = true for a certificate failure", err)
			}
		})
	}
}

func TestDialSomeAddressesDeadOrHanging(t *testing.T) {
	s := newTestServer(t)
	hang := newHangingListener(t)
	dead := deadAddr(t)
	cfg := s.config()
	cfg.Addrs = []string{dead, hang.Addr(), s.Addr}
	cfg.DialStagger = 10 * time.Millisecond
	c := dial(t, cfg)
	if c.Addr() != s.Addr {
		t.Errorf("Addr() = %q, want the live server %q", c.Addr(), s.Addr)
	}
	if err := c.Call(context.Background(), "Test", "Echo", "", nil, nil); err != nil {
		t.Errorf("Call: %v", err)
	}
}

func TestDialAllAddressesDeadOrHanging(t *testing.T) {
	hang := newHangingListener(t)
	dead := deadAddr(t)
	cfg := rpc.Config{Addrs: []string{dead, hang.Addr()}, Username: "admin", DialStagger: time.Millisecond}
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	_, err := rpc.Dial(ctx, cfg)
	var de *rpc.DialError
	if !errors.As(err, &de) {
		t.Fatalf("Dial error = %v, want a *DialError", err)
	}
	got := make([]string, len(de.Errors))
	for i, ae := range de.Errors {
		got[i] = ae.Addr
	}
	if diff := cmp.Diff([]string{dead, hang.Addr()}, got); diff != "" {
		t.Fatalf("DialError addresses mismatch (-want +got):\n%s", diff)
	}
	if !errors.Is(de.Errors[0].Err, syscall.ECONNREFUSED) {
		t.Errorf("dead address error = %v, want connection refused", de.Errors[0].Err)
	}
	if !errors.Is(de.Errors[1].Err, context.DeadlineExceeded) {
		t.Errorf("hanging address error = %v, want the context deadline", de.Errors[1].Err)
	}
	if !strings.Contains(err.Error(), dead) || !strings.Contains(err.Error(), hang.Addr()) {
		t.Errorf("error %q does not name both addresses", err)
	}
	if rpc.IsRetryable(err) {
		t.Errorf("IsRetryable = true for a dial cut short by the caller's deadline")
	}
}

func TestDialRefusedEverywhere(t *testing.T) {
	cfg := rpc.Config{Addrs: []string{deadAddr(t), deadAddr(t)}, Username: "admin", DialStagger: time.Hour}
	_, err := rpc.Dial(context.Background(), cfg)
	var de *rpc.DialError
	if !errors.As(err, &de) || len(de.Errors) != 2 {
		t.Fatalf("Dial error = %v, want a *DialError with two addresses", err)
	}
	for _, ae := range de.Errors {
		if !errors.Is(ae, syscall.ECONNREFUSED) {
			t.Errorf("%s: %v, want connection refused", ae.Addr, ae.Err)
		}
	}
	if !rpc.IsRetryable(err) {
		t.Errorf("IsRetryable(%v) = false, want true (nothing listening yet)", err)
	}
}

func TestDialLoginRefusalStopsOtherAttempts(t *testing.T) {
	s := newTestServer(t)
	hang := newHangingListener(t)
	cfg := s.config()
	cfg.Password = "wrong"
	cfg.Addrs = []string{hang.Addr(), s.Addr, deadAddr(t)}
	cfg.DialStagger = time.Millisecond
	_, err := rpc.Dial(context.Background(), cfg) // no deadline: must not wait for the hanging address
	var de *rpc.DialError
	if !errors.As(err, &de) || len(de.Errors) != 3 {
		t.Fatalf("Dial error = %v, want a *DialError with 3 addresses", err)
	}
	if !errors.Is(de.Errors[0].Err, context.Canceled) && !strings.Contains(de.Errors[0].Err.Error(), "abandoned") {
		t.Errorf("hanging address error = %v, want it abandoned", de.Errors[0].Err)
	}
	if errors.Is(de.Errors[0].Err, context.Canceled) {
		t.Errorf("hanging address error %v matches context.Canceled though the caller cancelled nothing", de.Errors[0].Err)
	}
	if !errors.Is(de.Errors[1].Err, rpc.ErrUnauthorized) {
		t.Errorf("live address error = %v, want unauthorized", de.Errors[1].Err)
	}
	if !errors.Is(err, rpc.ErrUnauthorized) {
		t.Errorf("errors.Is(DialError, ErrUnauthorized) = false")
	}
}

func TestDialInvalidConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  rpc.Config
	}{
		{"no addresses", rpc.Config{Username: "admin"}},
		{"no user", rpc.Config{Addrs: []string{"127.0.0.1:17070"}}},
		{"bad model uuid", rpc.Config{Addrs: []string{"127.0.0.1:17070"}, Username: "admin", ModelUUID: "../etc"}},
		{"bad CA", rpc.Config{Addrs: []string{"127.0.0.1:17070"}, Username: "admin", CACert: "not a certificate"}},
		{"bad scheme", rpc.Config{Addrs: []string{"https://127.0.0.1:17070"}, Username: "admin"}},
		{"bad address", rpc.Config{Addrs: []string{":17070"}, Username: "admin"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := rpc.Dial(context.Background(), tt.cfg)
			if err == nil {
				_ = c.Close()
				t.Fatal("Dial succeeded")
			}
			if !errors.Is(err, rpc.ErrInvalidConfig) {
				t.Errorf("Dial error = %v, want ErrInvalidConfig", err)
			}
		})
	}
}

func TestDialRedirect(t *testing.T) {
	s := newTestServer(t)
	s.LoginError = &rpc.Error{
		Message: "redirection to alternative server required",
		Code:    rpc.CodeRedirect,
		Info: map[string]any{
			"servers": []any{
				[]any{map[string]any{"value": "10.0.0.1", "type": "ipv4", "scope": "public", "port": 17070}},
				[]any{map[string]any{"value": "ctrl.example.com", "type": "hostname", "scope": "public", "port": 443}},
			},
			"ca-cert":          "-----BEGIN CERTIFICATE-----\nXYZ\n-----END CERTIFICATE-----\n",
			"controller-tag":   "controller-1a2b3c4d-0000-4000-8000-000000000001",
			"controller-alias": "prod",
		},
	}
	cfg := s.config()
	cfg.ModelUUID = testModelUUID
	_, err := rpc.Dial(context.Background(), cfg)
	if !errors.Is(err, rpc.ErrRedirect) {
		t.Fatalf("Dial error = %v, want ErrRedirect", err)
	}
	var re *rpc.RedirectError
	if !errors.As(err, &re) {
		t.Fatalf("errors.As(%v, *RedirectError) = false", err)
	}
	want := &rpc.RedirectError{
		Servers: [][]rpc.HostPort{
			{{Value: "10.0.0.1", Type: "ipv4", Scope: "public", Port: 17070}},
			{{Value: "ctrl.example.com", Type: "hostname", Scope: "public", Port: 443}},
		},
		CACert:          "-----BEGIN CERTIFICATE-----\nXYZ\n-----END CERTIFICATE-----\n",
		ControllerTag:   "controller-1a2b3c4d-0000-4000-8000-000000000001",
		ControllerAlias: "prod",
	}
	if diff := cmp.Diff(want, re, cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Err" }, cmp.Ignore())); diff != "" {
		t.Errorf("RedirectError mismatch (-want +got):\n%s", diff)
	}
	if re.Err == nil || re.Err.Code != rpc.CodeRedirect {
		t.Errorf("RedirectError.Err = %v, want the server error", re.Err)
	}
	if got, want := re.Servers[1][0].String(), "ctrl.example.com:443"; got != want {
		t.Errorf("HostPort.String() = %q, want %q", got, want)
	}
	if !strings.Contains(re.Error(), `"prod"`) {
		t.Errorf("RedirectError.Error() = %q, want it to name the controller", re.Error())
	}
}

func TestRedirectWithoutInfo(t *testing.T) {
	err := error(&rpc.Error{Message: "redirect", Code: rpc.CodeRedirect})
	var re *rpc.RedirectError
	if !errors.As(err, &re) || re.Servers != nil || re.Err == nil {
		t.Errorf("errors.As(redirect without info) = %v, %+v", errors.As(err, &re), re)
	}
	bad := error(&rpc.Error{Message: "redirect", Code: rpc.CodeRedirect, Info: map[string]any{"servers": "not a list"}})
	if errors.As(bad, &re) {
		t.Errorf("errors.As decoded malformed redirect info")
	}
	if errors.As(error(&rpc.Error{Code: rpc.CodeNotFound}), &re) {
		t.Errorf("errors.As(not found, *RedirectError) = true")
	}
}

func TestHTTPClientAndAuthHeader(t *testing.T) {
	s := newTestServer(t)
	cfg := s.config()
	cfg.Addrs = []string{s.Addr + "/"}
	c := dial(t, cfg)
	if got, want := c.BaseURL(), "https://"+s.Addr; got != want {
		t.Errorf("BaseURL() = %q, want %q", got, want)
	}
	req, err := http.NewRequestWithContext(context.Background(), "GET", c.BaseURL()+"/echo-auth", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header = c.AuthHeader()
	resp, err := c.HTTPClient().Do(req)
	if err != nil {
		t.Fatalf("GET with the controller CA: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if got, want := string(body), "user-admin true "+rpc.DefaultClientVersion; got != want {
		t.Errorf("server saw %q, want %q", got, want)
	}
	if first, second := c.HTTPClient(), c.HTTPClient(); first != second {
		t.Errorf("HTTPClient() is not shared")
	}
}

func TestBaseURLPrefix(t *testing.T) {
	s := newTestServer(t)
	cfg := s.config()
	cfg.Addrs = []string{s.Addr + "/juju"}
	c := dial(t, cfg)
	if got, want := c.BaseURL(), "https://"+s.Addr+"/juju"; got != want {
		t.Errorf("BaseURL() = %q, want %q", got, want)
	}
}

// TestDialFirstSuccessCancelsOthers checks that Dial keeps the first
// address that logs in and abandons the others at once, rather than waiting
// for an address that hangs.
func TestDialFirstSuccessCancelsOthers(t *testing.T) {
	s := newTestServer(t)
	hang := newHangingListener(t)
	cfg := s.config()
	cfg.Addrs = []string{hang.Addr(), s.Addr}
	cfg.DialStagger = time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := rpc.Dial(ctx, cfg)
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	defer c.Close()
	if ctx.Err() != nil {
		t.Errorf("Dial returned only when its context expired: the hanging address was not abandoned")
	}
	if c.Addr() != s.Addr {
		t.Errorf("Addr() = %q, want the live server %q", c.Addr(), s.Addr)
	}
}
