package rpc

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
)

// MacaroonLogin logs in with macaroons a previous login stored, as the juju
// CLI does for every user who ran "juju login" (their macaroons are in the
// cookie jar JUJU_DATA/cookies/<controller>.json, see jujudata). It sends
// the macaroons with empty credentials and bakery version 3. Reusing stored
// macaroons needs no cryptography on the client; obtaining new ones (the
// interactive discharge) is not supported: when the controller asks for a
// discharge, Login returns a *DischargeRequiredError.
//
// The macaroons are credentials: they are never logged, and String,
// GoString and LogValue only count them.
type MacaroonLogin struct {
	// Username is the user: "bob" or "user-bob" for a local user, sent as
	// the auth-tag "user-bob". For an external user ("bob@external") or ""
	// no auth-tag is sent and the controller learns the user from the
	// macaroons, as the juju CLI does.
	Username string
	// Macaroons are the macaroon slices to present, each the primary
	// macaroon then its discharges, each macaroon as JSON.
	Macaroons [][]json.RawMessage
	// ClientVersion is sent as client-version; empty means DefaultClientVersion.
	ClientVersion string
	// Controller names the controller in the hint of a
	// DischargeRequiredError ("run juju login -c <Controller>"); optional.
	Controller string
}

// AuthTag returns the auth-tag sent at login: "user-<name>" for a local
// user, "" for an external user or no user.
func (m *MacaroonLogin) AuthTag() string {
	name := strings.TrimPrefix(m.Username, "user-")
	name = strings.TrimSuffix(name, "@local")
	if name == "" || strings.Contains(name, "@") {
		return ""
	}
	return "user-" + name
}

// Login calls Admin.Login with the macaroons. A result asking for a
// discharge gives a *DischargeRequiredError.
func (m *MacaroonLogin) Login(ctx context.Context, c *Conn) (*LoginResult, error) {
	version := m.ClientVersion
	if version == "" {
		version = DefaultClientVersion
	}
	req := LoginRequest{
		AuthTag:       m.AuthTag(),
		Macaroons:     m.Macaroons,
		BakeryVersion: 3,
		ClientVersion: version,
	}
	var res LoginResult
	if err := c.CallVersion(ctx, "Admin", AdminVersion, "Login", "", &req, &res); err != nil {
		return nil, err
	}
	if mac, ok := dischargeMacaroon(&res); ok {
		return nil, &DischargeRequiredError{Reason: res.DischargeRequiredReason, Macaroon: mac, Controller: m.Controller, NoMacaroons: len(m.Macaroons) == 0}
	}
	return &res, nil
}

// dischargeMacaroon returns the macaroon a login result asks to discharge:
// bakery-discharge-required, else the legacy discharge-required.
func dischargeMacaroon(res *LoginResult) (json.RawMessage, bool) {
	for _, m := range []json.RawMessage{res.BakeryDischargeRequired, res.DischargeRequired} {
		if len(m) > 0 && string(m) != "null" {
			return m, true
		}
	}
	return nil, false
}

// AuthHeader returns the headers that authenticate HTTP requests with the
// macaroons: each slice as a "macaroon-..." cookie (standard base64 of its
// JSON array), Bakery-Protocol-Version 3 and, for a local user, Basic
// authentication with the user tag and an empty password, as the juju CLI
// sends them.
func (m *MacaroonLogin) AuthHeader() http.Header {
	h := http.Header{}
	if tag := m.AuthTag(); tag != "" {
		h.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(tag+":")))
	}
	var cookies []string
	for i, ms := range m.Macaroons {
		if len(ms) == 0 {
			continue
		}
		data, err := json.Marshal(ms)
		if err != nil {
			continue // not JSON: the server could not read it either
		}
		ck := &http.Cookie{Name: macaroonCookieName(ms[0], i), Value: base64.StdEncoding.EncodeToString(data)}
		cookies = append(cookies, ck.String())
	}
	if len(cookies) > 0 {
		h.Set("Cookie", strings.Join(cookies, "; "))
	}
	h.Set("Bakery-Protocol-Version", "3")
	return h
}

// macaroonCookieName names a macaroon cookie as httpbakery does,
// "macaroon-<hex signature of the primary>", or "macaroon-<i>" when the
// signature cannot be read.
func macaroonCookieName(primary json.RawMessage, i int) string {
	var m struct {
		Signature string `json:"signature"` // v1 JSON: hex
		S64       string `json:"s64"`       // v2 JSON: base64 (URL, unpadded)
	}
	if json.Unmarshal(primary, &m) == nil {
		if _, err := hex.DecodeString(m.Signature); err == nil && m.Signature != "" {
			return "macaroon-" + strings.ToLower(m.Signature)
		}
		for _, enc := range []*base64.Encoding{base64.RawURLEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.StdEncoding} {
			if sig, err := enc.DecodeString(m.S64); err == nil && len(sig) > 0 {
				return "macaroon-" + hex.EncodeToString(sig)
			}
		}
	}
	return "macaroon-" + strconv.Itoa(i)
}

// String hides the macaroons.
func (m *MacaroonLogin) String() string {
	return fmt.Sprintf("MacaroonLogin{Username:%q Macaroons:%d}", m.Username, len(m.Macaroons))
}

// GoString hides the macaroons.
func (m *MacaroonLogin) GoString() string { return m.String() }

// LogValue hides the macaroons.
func (m *MacaroonLogin) LogValue() slog.Value {
	return slog.GroupValue(slog.String("user", m.Username), slog.Int("macaroons", len(m.Macaroons)))
}

// DischargeRequiredError is returned by MacaroonLogin when the controller
// refuses the stored macaroons (missing, expired or revoked) and asks for a
// discharge, which needs an interactive login this package does not do. It
// matches ErrUnauthorized and unwraps to an *Error with code
// CodeUnauthorized, so that Dial stops at it and IsRetryable is false.
type DischargeRequiredError struct {
	// Reason is the server's discharge-required-error text.
	Reason string
	// Macaroon is the macaroon the server asks to discharge (its JSON);
	// it is not part of the message.
	Macaroon json.RawMessage
	// Controller is the controller name for the hint, "" if unknown.
	Controller string
	// NoMacaroons is set when the login offered no macaroons at all (no
	// password and no cookie jar): the controller refused nothing stored,
	// it asked for a login.
	NoMacaroons bool
}

// Error says that the stored login is not valid and how to renew it.
func (e *DischargeRequiredError) Error() string {
	reason := e.Reason
	if reason == "" {
		reason = "discharge required"
	}
	hint := `run "juju login"`
	if e.Controller != "" {
		hint = fmt.Sprintf(`run "juju login -c %s"`, e.Controller)
	}
	if e.NoMacaroons {
		return fmt.Sprintf("no password, and no unexpired macaroons stored, to log in with (%s); interactive login is not supported: %s to log in", reason, hint)
	}
	return fmt.Sprintf("the controller refused the stored macaroons (%s) and interactive login is not supported: %s to log in again", reason, hint)
}

// Unwrap returns the equivalent server error (code CodeUnauthorized).
func (e *DischargeRequiredError) Unwrap() error {
	return &Error{Code: CodeUnauthorized, Message: e.Error()}
}

// Is matches ErrUnauthorized.
func (e *DischargeRequiredError) Is(target error) bool { return target == ErrUnauthorized }
