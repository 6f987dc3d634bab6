package rpc_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gojuju/juju/jujudata"
	"github.com/gojuju/juju/jujusim"
	"github.com/gojuju/juju/rpc"
)

const secretSig = "c2VjcmV0LW1hY2Fyb29uLXNpZ25hdHVyZQ"

var testMacaroons = [][]json.RawMessage{{
	json.RawMessage(`{"i":"id-1","l":"juju model","c":[],"s64":"` + secretSig + `"}`),
	json.RawMessage(`{"i":"discharge-1","c":[],"s64":"ZGlzY2hhcmdl"}`),
}}

// TestMacaroonLoginWire checks the login request's shape and that neither
// the request, the provider nor the logs show the macaroons.
func TestMacaroonLoginWire(t *testing.T) {
	s := newTestServer(t)
	var logs syncBuffer
	cfg := s.config()
	cfg.Logger = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ml := &rpc.MacaroonLogin{Username: "bob", Macaroons: testMacaroons}
	cfg.LoginProvider = ml
	if _, err := rpc.Dial(context.Background(), cfg); !errors.Is(err, rpc.ErrUnauthorized) {
		t.Fatalf("Dial = %v, want the test server's refusal", err)
	}
	logins := s.Logins()
	if len(logins) != 1 {
		t.Fatalf("%d logins", len(logins))
	}
	got := logins[0]
	want := rpc.LoginRequest{AuthTag: "user-bob", Macaroons: testMacaroons, BakeryVersion: 3, ClientVersion: rpc.DefaultClientVersion}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("login request (-want +got):\n%s", diff)
	}
	cfg.Logger.Debug("values", "login", ml, "request", got, "cfg", cfg)
	if out := logs.String(); strings.Contains(out, secretSig) || !strings.Contains(out, `"method":"Login"`) {
		t.Errorf("log shows the macaroons or no login:\n%s", out)
	}
	for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
		for _, v := range []any{ml, got, cfg} {
			if s := fmt.Sprintf(format, v); strings.Contains(s, secretSig) {
				t.Errorf("fmt %s of %T shows the macaroons: %s", format, v, s)
			}
		}
	}
}

func TestMacaroonLoginAuthTag(t *testing.T) {
	for user, want := range map[string]string{"bob": "user-bob", "user-bob": "user-bob", "bob@local": "user-bob", "bob@external": "", "": ""} {
		if got := (&rpc.MacaroonLogin{Username: user}).AuthTag(); got != want {
			t.Errorf("AuthTag(%q) = %q, want %q", user, got, want)
		}
	}
}

func TestMacaroonLoginAuthHeader(t *testing.T) {
	h := (&rpc.MacaroonLogin{Username: "bob", Macaroons: testMacaroons}).AuthHeader()
	req := &http.Request{Header: h}
	user, pass, ok := req.BasicAuth()
	if !ok || user != "user-bob" || pass != "" {
		t.Errorf("basic auth = %q %q %t", user, pass, ok)
	}
	if h.Get("Bakery-Protocol-Version") != "3" {
		t.Errorf("Bakery-Protocol-Version = %q", h.Get("Bakery-Protocol-Version"))
	}
	cookies := req.Cookies()
	if len(cookies) != 1 || !strings.HasPrefix(cookies[0].Name, "macaroon-") {
		t.Fatalf("cookies = %v", cookies)
	}
	sig, _ := base64.RawURLEncoding.DecodeString(secretSig)
	if cookies[0].Name != fmt.Sprintf("macaroon-%x", sig) {
		t.Errorf("cookie name %q is not named after the signature", cookies[0].Name)
	}
	ms, ok := jujudata.DecodeMacaroonCookie(cookies[0].Value)
	if !ok {
		t.Fatalf("cookie value %q is not a macaroon slice", cookies[0].Value)
	}
	var a, b bytes.Buffer
	_ = json.Compact(&a, mustJSON(t, ms))
	_ = json.Compact(&b, mustJSON(t, testMacaroons[0]))
	if a.String() != b.String() {
		t.Errorf("cookie macaroons %s, want %s", a.String(), b.String())
	}
	// An external user sends no Basic authentication.
	if h := (&rpc.MacaroonLogin{Username: "bob@external", Macaroons: testMacaroons}).AuthHeader(); h.Get("Authorization") != "" {
		t.Errorf("external user Authorization = %q", h.Get("Authorization"))
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestMacaroonLoginSimulator logs in to the simulator with macaroons it
// issued, and gets a *DischargeRequiredError for expired ones.
func TestMacaroonLoginSimulator(t *testing.T) {
	sim, err := jujusim.Start(context.Background(), jujusim.Config{Speed: jujusim.SpeedInstant})
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	macaroons := func(ttl time.Duration) [][]json.RawMessage {
		data, err := sim.IssueMacaroonCookies("admin", ttl)
		if err != nil {
			t.Fatal(err)
		}
		cookies, err := jujudata.ParseCookies(data)
		if err != nil {
			t.Fatal(err)
		}
		u := jujudata.CookieURL(jujudata.ControllerDetails{UUID: sim.ControllerUUID()})
		return jujudata.MacaroonsForURL(cookies, u, cookies[0].Creation)
	}
	cfg := rpc.Config{Addrs: sim.APIAddresses(), CACert: sim.CACert(), ModelUUID: sim.DefaultModelUUID()}

	cfg.LoginProvider = &rpc.MacaroonLogin{Username: "admin", Macaroons: macaroons(time.Hour)}
	c, err := rpc.Dial(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Login().User.Identity; got != "user-admin" {
		t.Errorf("identity = %q", got)
	}
	if err := c.Call(context.Background(), "Client", "FullStatus", "", map[string]any{}, nil); err != nil {
		t.Errorf("FullStatus: %v", err)
	}
	_ = c.Close()

	for name, ms := range map[string][][]json.RawMessage{"expired": macaroons(-time.Minute), "none": nil} {
		cfg.LoginProvider = &rpc.MacaroonLogin{Username: "admin", Macaroons: ms, Controller: "sim"}
		_, err = rpc.Dial(context.Background(), cfg)
		var dre *rpc.DischargeRequiredError
		if !errors.As(err, &dre) || !errors.Is(err, rpc.ErrUnauthorized) || rpc.IsRetryable(err) {
			t.Fatalf("%s: Dial = %v (%T), want a non-retryable *DischargeRequiredError matching ErrUnauthorized", name, err, err)
		}
		if len(dre.Macaroon) == 0 || dre.Reason == "" || !strings.Contains(err.Error(), `juju login -c sim`) {
			t.Errorf("%s: error %q (macaroon %d bytes)", name, err, len(dre.Macaroon))
		}
	}
}
