package jujudata

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// CookiesDirName is the store directory holding one cookie jar per
// controller: cookies/<controller>.json.
const CookiesDirName = "cookies"

// MacaroonCookiePrefix starts the name of every cookie that holds
// macaroons.
const MacaroonCookiePrefix = "macaroon-"

// Cookie is one entry of a juju CLI cookie jar, in the JSON format of
// github.com/juju/persistent-cookiejar. Field names are those of the file.
type Cookie struct {
	// Name and Value are the cookie's. A macaroon cookie's name starts
	// with MacaroonCookiePrefix and its value is base64 of a JSON array
	// of macaroons: the primary first, then its discharges.
	Name  string
	Value string
	// Domain is the host (HostOnly) or domain the cookie is sent to.
	Domain string
	// Path is the path prefix the cookie is sent for.
	Path string
	// Secure cookies are sent over https only.
	Secure bool
	// HttpOnly is kept as read; it does not affect matching here.
	HttpOnly bool
	// Persistent is false for session cookies, which have no expiry.
	Persistent bool
	// HostOnly cookies are sent to exactly Domain, not its subdomains.
	HostOnly bool
	// Expires is when a persistent cookie stops being sent.
	Expires time.Time
	// Creation, LastAccess and Updated are the jar's bookkeeping times.
	Creation   time.Time
	LastAccess time.Time
	Updated    time.Time
	// CanonicalHost is the host the cookie was received from.
	CanonicalHost string
}

// IsMacaroon reports whether the cookie holds macaroons.
func (c Cookie) IsMacaroon() bool { return strings.HasPrefix(c.Name, MacaroonCookiePrefix) }

// Expired reports whether the cookie is expired at now. Session cookies
// and cookies without an expiry time never expire.
func (c Cookie) Expired(now time.Time) bool {
	return c.Persistent && !c.Expires.IsZero() && !c.Expires.After(now)
}

// Matches reports whether a browser would send the cookie with a request
// to u (ignoring expiry): the host matches Domain (exactly for a host-only
// cookie, else as Domain or one of its subdomains), the request path is
// within Path, and a Secure cookie needs https (or wss).
func (c Cookie) Matches(u *url.URL) bool {
	if u == nil {
		return false
	}
	if c.Secure && u.Scheme != "https" && u.Scheme != "wss" {
		return false
	}
	host := strings.ToLower(u.Hostname())
	domain := strings.ToLower(strings.TrimPrefix(c.Domain, "."))
	if host == "" || domain == "" {
		return false
	}
	if host != domain {
		if c.HostOnly || net.ParseIP(host) != nil || !strings.HasSuffix(host, "."+domain) {
			return false
		}
	}
	return pathMatch(u.EscapedPath(), c.Path)
}

// pathMatch is RFC 6265's path-match of a request path and a cookie path.
func pathMatch(reqPath, cookiePath string) bool {
	if reqPath == "" || reqPath[0] != '/' {
		reqPath = "/"
	}
	if cookiePath == "" || cookiePath[0] != '/' {
		cookiePath = "/"
	}
	if reqPath == cookiePath {
		return true
	}
	if !strings.HasPrefix(reqPath, cookiePath) {
		return false
	}
	return cookiePath[len(cookiePath)-1] == '/' || reqPath[len(cookiePath)] == '/'
}

// ParseCookies parses a cookie jar file. An empty file or "null" gives no
// cookies. A file that is not a JSON array of cookie entries gives a
// *FileError.
func ParseCookies(data []byte) ([]Cookie, error) {
	if len(strings.TrimSpace(string(data))) == 0 {
		return nil, nil
	}
	var cookies []Cookie
	if err := json.Unmarshal(data, &cookies); err != nil {
		return nil, &FileError{Path: "cookie jar", Err: err, parse: true}
	}
	return cookies, nil
}

// CookieJarPath returns the path of the controller's cookie jar:
// <dir>/cookies/<controller>.json.
func (s *Store) CookieJarPath(controller string) string {
	return filepath.Join(s.dir, CookiesDirName, controller+".json")
}

// Cookies reads the controller's cookie jar. A missing jar gives no
// cookies and no error; an unreadable or corrupt one gives a *FileError.
// A controller name that could not be a file name gives ErrNotValid.
func (s *Store) Cookies(controller string) ([]Cookie, error) {
	if err := validName("controller", controller); err != nil {
		return nil, fmt.Errorf("cannot read cookies: %w", err)
	}
	if controller == "." || controller == ".." || strings.ContainsRune(controller, '\\') {
		return nil, fmt.Errorf("cannot read cookies: %w: controller name %q", ErrNotValid, controller)
	}
	name := filepath.Join(CookiesDirName, controller+".json")
	data, err := s.readFile(name)
	if err != nil {
		return nil, err
	}
	cookies, err := ParseCookies(data)
	return cookies, s.withPath(name, err)
}

// CookieURL returns the URL under which the juju CLI stores a controller's
// macaroon cookies: https://<public hostname>/ when the controller has
// one, else https://<controller UUID>/.
func CookieURL(details ControllerDetails) *url.URL {
	host := details.PublicHostname
	if host == "" {
		host = details.UUID
	}
	return &url.URL{Scheme: "https", Host: host, Path: "/"}
}

// MacaroonsForURL returns the macaroon slices of the cookies a browser
// would send to u at time now: macaroon cookies that match u and are not
// expired, longest path first, then oldest first. Each slice holds the
// primary macaroon then its discharges, each macaroon as raw JSON. Cookie
// values that are not base64 (standard or URL, padded or not) of a JSON
// array of objects are skipped, as the juju CLI skips them.
func MacaroonsForURL(cookies []Cookie, u *url.URL, now time.Time) [][]json.RawMessage {
	var matched []Cookie
	for _, c := range cookies {
		if c.IsMacaroon() && !c.Expired(now) && c.Matches(u) {
			matched = append(matched, c)
		}
	}
	sort.SliceStable(matched, func(i, j int) bool {
		if len(matched[i].Path) != len(matched[j].Path) {
			return len(matched[i].Path) > len(matched[j].Path)
		}
		return matched[i].Creation.Before(matched[j].Creation)
	})
	var out [][]json.RawMessage
	for _, c := range matched {
		if ms, ok := DecodeMacaroonCookie(c.Value); ok {
			out = append(out, ms)
		}
	}
	return out
}

// DecodeMacaroonCookie decodes a macaroon cookie's value: base64
// (standard or URL alphabet, padded or not) of a non-empty JSON array of
// macaroon objects. ok is false when the value is not one.
func DecodeMacaroonCookie(value string) (macaroons []json.RawMessage, ok bool) {
	value = strings.TrimSpace(value)
	var data []byte
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		if d, err := enc.DecodeString(value); err == nil {
			data = d
			break
		}
	}
	if data == nil {
		return nil, false
	}
	if err := json.Unmarshal(data, &macaroons); err != nil || len(macaroons) == 0 {
		return nil, false
	}
	for _, m := range macaroons {
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(m, &obj); err != nil || obj == nil {
			return nil, false
		}
	}
	return macaroons, true
}

// EncodeMacaroonCookie encodes macaroons (the primary then its
// discharges, each as JSON) as a macaroon cookie value: standard base64 of
// the JSON array.
func EncodeMacaroonCookie(macaroons []json.RawMessage) (string, error) {
	data, err := json.Marshal(macaroons)
	if err != nil {
		return "", fmt.Errorf("cannot encode macaroons: %w", err)
	}
	return base64.StdEncoding.EncodeToString(data), nil
}
