package jujusim

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/gojuju/juju/jujudata"
)

// TestMacaroonLogin logs in with the macaroons of an issued cookie jar, as
// the juju CLI does after "juju login", and checks that unknown, expired
// or foreign macaroons get a discharge-required result instead.
func TestMacaroonLogin(t *testing.T) {
	s := startServer(t, Config{Speed: SpeedInstant})
	if err := s.AddUser("bob", "bobpw", Grant{ModelUUID: s.DefaultModelUUID(), Access: "read"}); err != nil {
		t.Fatal(err)
	}
	if err := s.AddUser("eve", "evepw"); err != nil {
		t.Fatal(err)
	}
	macaroonsOf := func(user string, ttl time.Duration) [][]json.RawMessage {
		t.Helper()
		data, err := s.IssueMacaroonCookies(user, ttl)
		if err != nil {
			t.Fatal(err)
		}
		cookies, err := jujudata.ParseCookies(data)
		if err != nil {
			t.Fatal(err)
		}
		if len(cookies) != 1 || !cookies[0].IsMacaroon() || cookies[0].Domain != s.ControllerUUID() {
			t.Fatalf("jar = %s", data)
		}
		// Read the jar as a client would, but ignoring its expiry so
		// that expired macaroons reach the server too.
		u := jujudata.CookieURL(jujudata.ControllerDetails{UUID: s.ControllerUUID()})
		return jujudata.MacaroonsForURL(cookies, u, cookies[0].Creation)
	}
	bob := macaroonsOf("bob", time.Hour)
	expired := macaroonsOf("bob", -time.Minute)
	eve := macaroonsOf("eve", time.Hour)
	forged := [][]json.RawMessage{{json.RawMessage(strings.Replace(string(bob[0][0]), `"s64":"`, `"s64":"x`, 1))}}

	tests := []struct {
		name      string
		tag       string
		macaroons [][]json.RawMessage
		identity  string // "" = discharge required
	}{
		{"bob with tag", "user-bob", bob, "user-bob"},
		{"bob without tag", "", bob, "user-bob"},
		{"bob among others", "user-bob", append(append([][]json.RawMessage{}, eve...), bob...), "user-bob"},
		{"expired", "user-bob", expired, ""},
		{"no macaroons", "user-bob", nil, ""},
		{"other user's macaroon", "user-bob", eve, ""},
		{"forged signature", "user-bob", forged, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := dial(t, s, s.DefaultModelUUID())
			p := loginParams("bob", "")
			p["auth-tag"] = tt.tag
			p["macaroons"] = tt.macaroons
			f := c.call("Admin", 3, "Login", p)
			if f["error"] != nil {
				t.Fatalf("login error %s (%s)", f.str("error"), f.str("error-code"))
			}
			var res struct {
				Discharge json.RawMessage `json:"bakery-discharge-required"`
				Reason    string          `json:"discharge-required-error"`
				UserInfo  *struct {
					Identity string `json:"identity"`
				} `json:"user-info"`
			}
			if err := json.Unmarshal(f["response"], &res); err != nil {
				t.Fatal(err)
			}
			if tt.identity == "" {
				if len(res.Discharge) == 0 || res.Reason == "" || res.UserInfo != nil {
					t.Fatalf("want discharge required, got %s", f)
				}
				// Not logged in: other facades stay closed, and the
				// login may be retried on the same connection.
				if g := c.call("Client", 8, "FullStatus", map[string]any{}); g["error"] == nil {
					t.Fatalf("FullStatus after a discharge-required login: %s", g)
				}
				c.login(s)
				return
			}
			if res.UserInfo == nil || res.UserInfo.Identity != tt.identity || len(res.Discharge) != 0 {
				t.Fatalf("login result %s, want identity %s", f, tt.identity)
			}
			if g := c.call("Client", 8, "FullStatus", map[string]any{}); g["error"] != nil {
				t.Fatalf("FullStatus: %s", g)
			}
		})
	}
	if _, err := s.IssueMacaroonCookies("nobody", time.Hour); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Errorf("IssueMacaroonCookies(nobody) = %v, want a not found error", err)
	}
}
