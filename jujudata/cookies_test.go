package jujudata_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gojuju/juju/jujudata"
)

const ctrlUUID = "0b3a8e5c-0000-4000-8000-000000000002"

// cookieJSON is a jar as persistent-cookiejar writes it: one macaroon
// cookie for the controller UUID (std base64), one for another host, one
// expired, one non-macaroon, and one URL-encoded unpadded macaroon cookie
// on a deeper path.
var cookieJSON = `[
 {"Name":"macaroon-aaaa","Value":"` + b64(base64.StdEncoding, `[{"i":"id1","l":"ctrl","c":[],"s64":"c2ln"},{"i":"d1","c":[],"s64":"ZA"}]`) + `",
  "Domain":"` + ctrlUUID + `","Path":"/","Secure":false,"HttpOnly":false,"Persistent":true,"HostOnly":true,
  "Expires":"2030-01-01T00:00:00Z","Creation":"2025-01-01T00:00:00Z","LastAccess":"2025-01-02T00:00:00Z",
  "Updated":"2025-01-02T00:00:00Z","CanonicalHost":"` + ctrlUUID + `"},
 {"Name":"macaroon-other","Value":"` + b64(base64.StdEncoding, `[{"i":"other"}]`) + `",
  "Domain":"other.example.com","Path":"/","Persistent":true,"HostOnly":true,"Expires":"2030-01-01T00:00:00Z"},
 {"Name":"macaroon-old","Value":"` + b64(base64.StdEncoding, `[{"i":"old"}]`) + `",
  "Domain":"` + ctrlUUID + `","Path":"/","Persistent":true,"HostOnly":true,"Expires":"2024-01-01T00:00:00Z"},
 {"Name":"session","Value":"xyz","Domain":"` + ctrlUUID + `","Path":"/","HostOnly":true},
 {"Name":"macaroon-deep","Value":"` + b64(base64.RawURLEncoding, `[{"i":"deep"}]`) + `",
  "Domain":"` + ctrlUUID + `","Path":"/auth","Persistent":false,"HostOnly":true,"Creation":"2025-06-01T00:00:00Z"},
 {"Name":"macaroon-junk","Value":"!!!not base64","Domain":"` + ctrlUUID + `","Path":"/","HostOnly":true}
]`

func b64(enc *base64.Encoding, s string) string { return enc.EncodeToString([]byte(s)) }

func TestCookies(t *testing.T) {
	s := newStore(t, nil, nil)
	if err := os.MkdirAll(filepath.Join(s.Dir(), jujudata.CookiesDirName), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(s.CookieJarPath("dev"), []byte(cookieJSON), 0o600); err != nil {
		t.Fatal(err)
	}
	cookies, err := s.Cookies("dev")
	if err != nil {
		t.Fatal(err)
	}
	if len(cookies) != 6 {
		t.Fatalf("got %d cookies, want 6", len(cookies))
	}
	want := jujudata.Cookie{
		Name: "macaroon-aaaa", Value: cookies[0].Value, Domain: ctrlUUID, Path: "/", Persistent: true, HostOnly: true,
		Expires:    time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC),
		Creation:   time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
		LastAccess: time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC),
		Updated:    time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC), CanonicalHost: ctrlUUID,
	}
	if diff := cmp.Diff(want, cookies[0]); diff != "" {
		t.Errorf("first cookie (-want +got):\n%s", diff)
	}

	// No jar at all: no cookies, no error.
	if got, err := s.Cookies("prod"); err != nil || got != nil {
		t.Errorf("missing jar: %v, %v", got, err)
	}

	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ids := func(u string) []string {
		pu, err := url.Parse(u)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, ms := range jujudata.MacaroonsForURL(cookies, pu, now) {
			var m struct {
				I string `json:"i"`
			}
			if err := json.Unmarshal(ms[0], &m); err != nil {
				t.Fatal(err)
			}
			out = append(out, m.I)
		}
		return out
	}
	tests := []struct {
		url  string
		want []string
	}{
		{"https://" + ctrlUUID + "/", []string{"id1"}},
		{"https://" + strings.ToUpper(ctrlUUID) + "/", []string{"id1"}},
		{"https://" + ctrlUUID + "/auth/discharge", []string{"deep", "id1"}},
		{"https://" + ctrlUUID + "/authx", []string{"id1"}},
		{"https://sub." + ctrlUUID + "/", nil}, // host-only
		{"https://other.example.com/", []string{"other"}},
		{"https://example.com/", nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, ids(tt.url)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.url, diff)
		}
	}
	// The expired cookie comes back before it expires.
	old := jujudata.MacaroonsForURL(cookies, jujudata.CookieURL(jujudata.ControllerDetails{UUID: ctrlUUID}), time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC))
	if len(old) != 2 {
		t.Errorf("in 2023 got %d macaroon slices, want 2", len(old))
	}
	// Discharges follow the primary.
	ms := jujudata.MacaroonsForURL(cookies, jujudata.CookieURL(jujudata.ControllerDetails{UUID: ctrlUUID}), now)
	if len(ms) != 1 || len(ms[0]) != 2 || string(ms[0][1]) != `{"i":"d1","c":[],"s64":"ZA"}` {
		t.Errorf("macaroons = %s", ms)
	}
}

func TestCookieMatches(t *testing.T) {
	tests := []struct {
		name string
		c    jujudata.Cookie
		url  string
		want bool
	}{
		{"exact host", jujudata.Cookie{Domain: "a.example", Path: "/", HostOnly: true}, "https://a.example/", true},
		{"domain cookie subdomain", jujudata.Cookie{Domain: ".example.com", Path: "/"}, "https://a.example.com/x", true},
		{"domain cookie suffix not label", jujudata.Cookie{Domain: "example.com", Path: "/"}, "https://badexample.com/", false},
		{"host-only subdomain", jujudata.Cookie{Domain: "example.com", Path: "/", HostOnly: true}, "https://a.example.com/", false},
		{"secure over http", jujudata.Cookie{Domain: "h", Path: "/", Secure: true}, "http://h/", false},
		{"secure over https", jujudata.Cookie{Domain: "h", Path: "/", Secure: true}, "https://h/", true},
		{"path prefix", jujudata.Cookie{Domain: "h", Path: "/a"}, "https://h/a/b", true},
		{"path not segment", jujudata.Cookie{Domain: "h", Path: "/a"}, "https://h/ab", false},
		{"path slash", jujudata.Cookie{Domain: "h", Path: "/a/"}, "https://h/a/b", true},
		{"empty url path", jujudata.Cookie{Domain: "h", Path: "/"}, "https://h", true},
		{"port ignored", jujudata.Cookie{Domain: "h", Path: "/"}, "https://h:17070/", true},
		{"ip not domain-matched", jujudata.Cookie{Domain: "0.0.1", Path: "/"}, "https://10.0.0.1/", false},
		{"empty domain", jujudata.Cookie{Path: "/"}, "https://h/", false},
	}
	for _, tt := range tests {
		u, err := url.Parse(tt.url)
		if err != nil {
			t.Fatal(err)
		}
		if got := tt.c.Matches(u); got != tt.want {
			t.Errorf("%s: Matches(%s) = %v, want %v", tt.name, tt.url, got, tt.want)
		}
	}
}

func TestCookiesErrors(t *testing.T) {
	s := newStore(t, nil, nil)
	if err := os.MkdirAll(filepath.Join(s.Dir(), jujudata.CookiesDirName), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(s.CookieJarPath("bad"), []byte(`{"not":"an array"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := s.Cookies("bad")
	var fe *jujudata.FileError
	if !errors.As(err, &fe) || fe.Path != s.CookieJarPath("bad") {
		t.Fatalf("corrupt jar: error %v (%T), want *FileError for %s", err, err, s.CookieJarPath("bad"))
	}
	if !strings.HasPrefix(err.Error(), "cannot parse "+s.CookieJarPath("bad")) {
		t.Errorf("message %q", err)
	}
	for _, name := range []string{"", "..", "a/b", `a\b`, "a b"} {
		if _, err := s.Cookies(name); !errors.Is(err, jujudata.ErrNotValid) {
			t.Errorf("Cookies(%q) = %v, want ErrNotValid", name, err)
		}
	}
}

func TestMacaroonCookieRoundTrip(t *testing.T) {
	ms := []json.RawMessage{json.RawMessage(`{"i":"a","c":[]}`), json.RawMessage(`{"i":"b"}`)}
	v, err := jujudata.EncodeMacaroonCookie(ms)
	if err != nil {
		t.Fatal(err)
	}
	got, ok := jujudata.DecodeMacaroonCookie(v)
	if !ok {
		t.Fatal("cannot decode")
	}
	if diff := cmp.Diff(ms, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	for _, bad := range []string{"", "!!", b64(base64.StdEncoding, `[]`), b64(base64.StdEncoding, `[1]`), b64(base64.StdEncoding, `{}`), b64(base64.StdEncoding, `[null]`)} {
		if _, ok := jujudata.DecodeMacaroonCookie(bad); ok {
			t.Errorf("DecodeMacaroonCookie(%q) ok", bad)
		}
	}
}

func FuzzParseCookies(f *testing.F) {
	f.Add(cookieJSON)
	f.Add(`[]`)
	f.Add(`null`)
	f.Add(`[{"Name":"macaroon-x","Value":"W3siaSI6IngifV0=","Domain":"h","Path":"/","Expires":"bad"}]`)
	f.Add(`[{"Name":1}]`)
	f.Fuzz(func(t *testing.T, data string) {
		cookies, err := jujudata.ParseCookies([]byte(data))
		if err != nil {
			var fe *jujudata.FileError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v (%T) is not a *FileError", err, err)
			}
			return
		}
		u := jujudata.CookieURL(jujudata.ControllerDetails{UUID: ctrlUUID})
		for _, ms := range jujudata.MacaroonsForURL(cookies, u, time.Now()) {
			if len(ms) == 0 {
				t.Fatal("empty macaroon slice")
			}
			for _, m := range ms {
				if !json.Valid(m) {
					t.Fatalf("invalid JSON %q", m)
				}
			}
		}
	})
}
