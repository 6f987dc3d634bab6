package core

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strings"
	"time"
)

// issuedMacaroon is a macaroon the simulator minted for a user.
type issuedMacaroon struct {
	user    string
	sig     string // s64
	expires time.Time
}

// macaroonLocation is the location of the macaroons the simulator mints.
const macaroonLocation = "juju model"

// IssueMacaroon mints a login macaroon for the user, valid for ttl on the
// controller's clock (a ttl <= 0 gives one that is already expired), and
// returns it in the JSON form of gopkg.in/macaroon.v2:
// {"i": id, "l": location, "c": [], "s64": signature}. The simulator
// keeps the id; a Login presenting it (within a macaroon slice) logs in as
// the user until it expires. No real cryptography is involved.
func (c *Controller) IssueMacaroon(user string, ttl time.Duration) (json.RawMessage, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	u, ok := c.users[user]
	if !ok {
		return nil, newErr(CodeUserNotFound, "user %q not found", user)
	}
	id := make([]byte, 16)
	sig := make([]byte, 32)
	_, _ = rand.Read(id)
	_, _ = rand.Read(sig)
	m := issuedMacaroon{user: u.name, sig: base64.RawURLEncoding.EncodeToString(sig), expires: c.clock.Now().Add(ttl)}
	if c.macaroons == nil {
		c.macaroons = map[string]issuedMacaroon{}
	}
	idStr := "jujusim-" + hex.EncodeToString(id)
	c.macaroons[idStr] = m
	return json.Marshal(map[string]any{"i": idStr, "l": macaroonLocation, "c": []any{}, "s64": m.sig})
}

// macaroonLoginRequest is the part of Admin.Login's params a macaroon
// login uses.
type macaroonLoginRequest struct {
	AuthTag     string              `json:"auth-tag"`
	Credentials string              `json:"credentials"`
	Macaroons   [][]json.RawMessage `json:"macaroons"`
}

// checkMacaroonLogin is Login's macaroon step, called with c.mu held. A
// login with credentials, or with neither an auth-tag nor macaroons, is
// not a macaroon login: it returns ("", nil). A known, unexpired macaroon
// minted for the auth-tag's user (any user without an auth-tag) gives that
// user's tag. Otherwise, as a real controller does, the login succeeds at
// the RPC level with a result asking for a discharge, returned as
// discharge.
func (c *Controller) checkMacaroonLogin(params json.RawMessage) (tag string, discharge map[string]any) {
	var req macaroonLoginRequest
	if json.Unmarshal(params, &req) != nil || req.Credentials != "" || req.AuthTag == "" && len(req.Macaroons) == 0 {
		return "", nil
	}
	want := ""
	if req.AuthTag != "" {
		name, ok := parseTag(req.AuthTag, "user")
		if !ok {
			return "", nil // the password path refuses it
		}
		want = strings.TrimSuffix(name, "@local")
	}
	now := c.clock.Now()
	for _, ms := range req.Macaroons {
		if len(ms) == 0 {
			continue
		}
		var m struct {
			I   string `json:"i"`
			S64 string `json:"s64"`
		}
		if json.Unmarshal(ms[0], &m) != nil {
			continue
		}
		im, ok := c.macaroons[m.I]
		if !ok || im.sig != m.S64 || !im.expires.After(now) || want != "" && im.user != want {
			continue
		}
		if u, ok := c.users[im.user]; !ok || u.disabled {
			continue
		}
		return "user-" + im.user, nil
	}
	third := map[string]any{
		"i":   "jujusim-discharge-" + c.uuid,
		"l":   macaroonLocation,
		"c":   []any{map[string]any{"i": "is-authenticated-user", "l": "https://" + c.uuid + "/auth", "v64": "AA"}},
		"s64": "AA",
	}
	return "", map[string]any{
		"bakery-discharge-required": third,
		"discharge-required-error":  "macaroon discharge required: authentication required",
		"controller-tag":            "controller-" + c.uuid,
	}
}

// CheckHTTPMacaroons authenticates an HTTP request that carries login
// macaroons (from its "macaroon-..." cookies) instead of a password:
// authTag is the user tag of its Basic authentication ("" if none), and
// the macaroons must be ones IssueMacaroon minted, unexpired, for that
// user (or any user when authTag is ""), who needs access to modelUUID
// unless it is "".
func (c *Controller) CheckHTTPMacaroons(authTag string, macaroons [][]json.RawMessage, modelUUID string) error {
	params, err := json.Marshal(macaroonLoginRequest{AuthTag: authTag, Macaroons: macaroons})
	if err != nil {
		return &Error{Code: CodeUnauthorized, Message: "invalid macaroons"}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	tag, _ := c.checkMacaroonLogin(params)
	if tag == "" {
		return &Error{Code: CodeUnauthorized, Message: "invalid entity name or password"}
	}
	if modelUUID == "" {
		return nil
	}
	m, ok := c.models[modelUUID]
	if !ok {
		return newErr(CodeModelNotFound, "unknown model: %q", modelUUID)
	}
	if c.modelAccess(c.users[strings.TrimPrefix(tag, "user-")], m) == "" {
		return errPermissionDenied
	}
	return nil
}
