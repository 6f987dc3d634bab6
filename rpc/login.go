package rpc

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// AdminVersion is the version of the Admin facade used to log in.
const AdminVersion = 3

// LoginProvider authenticates a new connection. Dial calls Login once, on a
// connection that is open but not yet logged in, on which only the Admin
// facade may be called (with CallVersion). The password provider is built in;
// the interface leaves room for others (macaroons with a discharge round
// trip, tokens) without changing Config or Conn.
//
// Implementations must never log credentials.
type LoginProvider interface {
	// Login performs the login exchange on c and returns the server's result.
	// A result that still asks for a macaroon discharge is refused by Dial.
	Login(ctx context.Context, c *Conn) (*LoginResult, error)
	// AuthHeader returns the headers that authenticate HTTP requests to the
	// controller (charm upload, debug-log), without X-Juju-ClientVersion,
	// which the Conn adds.
	AuthHeader() http.Header
}

// PasswordLogin logs in a local user with a password (Admin.Login v3), as the
// juju CLI does for a user whose password is in accounts.yaml.
type PasswordLogin struct {
	// Username is "admin" or "user-admin"; it is sent as the tag user-<name>.
	Username string
	// Password is sent as the login credentials and never logged.
	Password string
	// ClientVersion is sent as client-version; empty means DefaultClientVersion.
	ClientVersion string
}

// UserTag returns the user's tag: "user-<name>".
func (p *PasswordLogin) UserTag() string { return userTag(p.Username) }

func userTag(name string) string {
	if strings.HasPrefix(name, "user-") {
		return name
	}
	return "user-" + name
}

// Login calls Admin.Login with the user tag and password.
func (p *PasswordLogin) Login(ctx context.Context, c *Conn) (*LoginResult, error) {
	version := p.ClientVersion
	if version == "" {
		version = DefaultClientVersion
	}
	req := LoginRequest{
		AuthTag:       p.UserTag(),
		Credentials:   p.Password,
		BakeryVersion: 3,
		ClientVersion: version,
	}
	var res LoginResult
	if err := c.CallVersion(ctx, "Admin", AdminVersion, "Login", "", &req, &res); err != nil {
		return nil, err
	}
	return &res, nil
}

// AuthHeader returns Basic authentication with the user tag and password.
func (p *PasswordLogin) AuthHeader() http.Header {
	h := http.Header{}
	h.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(p.UserTag()+":"+p.Password)))
	return h
}

// LogValue hides the password.
func (p *PasswordLogin) LogValue() slog.Value {
	return slog.GroupValue(slog.String("user", p.Username), slog.String("password", redacted(p.Password)))
}

// String hides the password.
func (p *PasswordLogin) String() string {
	return fmt.Sprintf("PasswordLogin{Username:%q Password:%s}", p.Username, redacted(p.Password))
}

func redacted(s string) string {
	if s == "" {
		return ""
	}
	return "REDACTED"
}

// LoginRequest is the Admin.Login v3 request (Juju's params.LoginRequest).
type LoginRequest struct {
	AuthTag     string `json:"auth-tag"`
	Credentials string `json:"credentials"`
	Nonce       string `json:"nonce"`
	// Macaroons holds macaroon slices, each macaroon as JSON; nil is sent as null.
	Macaroons     [][]json.RawMessage `json:"macaroons"`
	BakeryVersion int                 `json:"bakery-version,omitempty"`
	Token         string              `json:"token,omitempty"`
	CLIArgs       string              `json:"cli-args,omitempty"`
	UserData      string              `json:"user-data"`
	ClientVersion string              `json:"client-version,omitempty"`
}

// String hides the credentials and token.
func (r LoginRequest) String() string {
	return fmt.Sprintf("LoginRequest{AuthTag:%q Credentials:%s Macaroons:%d Token:%s ClientVersion:%q}",
		r.AuthTag, redacted(r.Credentials), len(r.Macaroons), redacted(r.Token), r.ClientVersion)
}

// LogValue hides the credentials and token.
func (r LoginRequest) LogValue() slog.Value { return slog.StringValue(r.String()) }

// LoginResult is the Admin.Login v3 result (Juju's params.LoginResult).
type LoginResult struct {
	DischargeRequired       json.RawMessage  `json:"discharge-required,omitempty"`
	BakeryDischargeRequired json.RawMessage  `json:"bakery-discharge-required,omitempty"`
	DischargeRequiredReason string           `json:"discharge-required-error,omitempty"`
	Servers                 [][]HostPort     `json:"servers,omitempty"`
	PublicDNSName           string           `json:"public-dns-name,omitempty"`
	ModelTag                string           `json:"model-tag,omitempty"`
	ControllerTag           string           `json:"controller-tag"`
	UserInfo                *UserInfo        `json:"user-info,omitempty"`
	Facades                 []FacadeVersions `json:"facades,omitempty"`
	ServerVersion           string           `json:"server-version,omitempty"`
}

// FacadeVersions is one entry of the login result's facade list.
type FacadeVersions struct {
	Name     string `json:"name"`
	Versions []int  `json:"versions"`
}

// UserInfo describes the logged-in user.
type UserInfo struct {
	DisplayName      string     `json:"display-name"`
	Identity         string     `json:"identity"`
	LastConnection   *time.Time `json:"last-connection,omitempty"`
	ControllerAccess string     `json:"controller-access"`
	ModelAccess      string     `json:"model-access"`
}

// LoginInfo is what a Conn keeps from its login result.
type LoginInfo struct {
	// ServerVersion is the controller's version, e.g. "4.0.15".
	ServerVersion string
	// ControllerTag is "controller-<uuid>".
	ControllerTag string
	// ModelTag is "model-<uuid>" on a model connection, "" on a controller one.
	ModelTag string
	// User is the logged-in user and their access.
	User UserInfo
	// Facades maps each facade callable on this connection to its versions.
	Facades map[string][]int
	// Servers holds the controller's API addresses, one list per node.
	Servers [][]HostPort
	// PublicDNSName is the controller's public host name, if it has one.
	PublicDNSName string
}

var errDischargeRequired = errors.New("the controller requires a macaroon discharge, which this login does not support")

func newLoginInfo(res *LoginResult) (LoginInfo, error) {
	if len(res.DischargeRequired) > 0 && string(res.DischargeRequired) != "null" ||
		len(res.BakeryDischargeRequired) > 0 && string(res.BakeryDischargeRequired) != "null" {
		reason := res.DischargeRequiredReason
		if reason == "" {
			reason = "discharge required"
		}
		return LoginInfo{}, &Error{Message: reason + ": " + errDischargeRequired.Error(), Code: CodeUnauthorized}
	}
	info := LoginInfo{
		ServerVersion: res.ServerVersion,
		ControllerTag: res.ControllerTag,
		ModelTag:      res.ModelTag,
		Facades:       make(map[string][]int, len(res.Facades)),
		Servers:       res.Servers,
		PublicDNSName: res.PublicDNSName,
	}
	if res.UserInfo != nil {
		info.User = *res.UserInfo
	}
	for _, f := range res.Facades {
		info.Facades[f.Name] = append(info.Facades[f.Name], f.Versions...)
	}
	return info, nil
}

// GoString hides the password.
func (p *PasswordLogin) GoString() string { return p.String() }

// GoString hides the credentials and token.
func (r LoginRequest) GoString() string { return r.String() }
