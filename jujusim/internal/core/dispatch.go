package core

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"

	"github.com/gojuju/juju/internal/facades"
)

// dispatchEntry is one version range of a facade method in a generated
// dispatch table (dispatch40, dispatch36 in server_gen.go).
type dispatchEntry struct {
	minV, maxV int  // lowest and highest facade version of the range (0 = open)
	nolock     bool // the method does its own locking (blocking calls)
	// call decodes the params into the method's typed params and calls
	// the method of s that serves the range.
	call func(s *facadeServers, cx *callCtx, p json.RawMessage) (any, error)
}

// callCtx is what a handler sees.
type callCtx struct {
	ctx     context.Context
	c       *Controller
	s       *Session
	u       *user
	m       *model // the connection's model; the controller model for controller connections
	facade  string
	method  string
	id      string
	version int
}

func (cx *callCtx) is4() bool { return cx.c.major >= 4 }

// need checks the user's access to the connection's model.
func (cx *callCtx) need(access string) error {
	if cx.u.controllerAccess == "superuser" {
		return nil
	}
	if accessRank[cx.m.access[cx.u.name]] < accessRank[access] {
		return errPermissionDenied
	}
	return nil
}

// needSuperuser checks for controller superuser access.
func (cx *callCtx) needSuperuser() error {
	if cx.u.controllerAccess != "superuser" {
		return errPermissionDenied
	}
	return nil
}

func decode(p json.RawMessage, v any) error {
	if len(p) == 0 || string(p) == "null" {
		return nil
	}
	if err := json.Unmarshal(p, v); err != nil {
		return errBadRequest("cannot decode params: %v", err)
	}
	return nil
}

// check checks that the caller has the given access to the model, or for
// access "superuser" controller superuser access: the start of most
// facade methods.
func (cx *callCtx) check(access string) error {
	if access == "superuser" {
		return cx.needSuperuser()
	}
	return cx.need(access)
}

// errUnimplemented is the error of a facade method the simulator does not
// implement (see unimplemented_gen.go).
func errUnimplemented(cx *callCtx) error {
	return errNotSupported("%s.%s (facade version %d) is not simulated by jujusim", cx.facade, cx.method, cx.version)
}

// facadeList returns the login facade list for a connection kind.
func (c *Controller) facadeList(controllerConn bool) []facadeVersions {
	switch {
	case c.major >= 4 && controllerConn:
		return controllerFacades40
	case c.major >= 4:
		return modelFacades40
	case controllerConn:
		return controllerFacades36
	default:
		return modelFacades36
	}
}

func (c *Controller) hasFacade(controllerConn bool, facade string, version int) (known, ok bool) {
	for _, f := range c.facadeList(controllerConn) {
		if f.Name == facade {
			for _, v := range f.Versions {
				if v == version {
					return true, true
				}
			}
			return true, false
		}
	}
	return false, false
}

// Call runs one RPC request on a logged-in session. Errors are *Error with
// the code and message the real controller gives. The result is a value the
// transport encodes as JSON.
func (c *Controller) Call(ctx context.Context, sess *Session, facade string, version int, method, id string, params json.RawMessage) (any, error) {
	if sess == nil {
		if facade == "Admin" {
			return nil, c.NotImplemented(facade, version, method)
		}
		return nil, c.NotImplemented(facade, version, "")
	}
	if facade == "Admin" {
		switch method {
		case "Login":
			return nil, &Error{Message: "already logged in"}
		case "RedirectInfo":
			return nil, &Error{Message: "not redirected"}
		}
		return nil, c.NotImplemented(facade, version, method)
	}
	if sess.controllerConn {
		if known, _ := c.hasFacade(true, facade, version); !known {
			return nil, errNotSupported("facade %q not supported for controller API connection", facade)
		}
	} else if controllerOnly[facade] {
		return nil, errNotSupported("facade %q not supported for model API connection", facade)
	}
	if _, ok := c.hasFacade(sess.controllerConn, facade, version); !ok {
		return nil, c.NotImplemented(facade, version, "")
	}
	h, ok := c.findEntry(facade, version, method)
	if !ok {
		if _, typed := c.dispatch[facade]; !typed && slices.Contains(schemaMethods[facade], method) {
			return nil, errNotSupported("%s.%s (facade version %d) is not simulated by jujusim", facade, method, version)
		}
		return nil, c.NotImplemented(facade, version, method)
	}
	if h.nolock {
		cx, err := c.newCallCtx(ctx, sess, facade, version, method, id)
		if err != nil {
			return nil, err
		}
		return h.call(served, cx, params)
	}
	c.mu.Lock()
	// A read-only call leaves the state generation as it is (scheduled
	// steps that run at its end move it themselves): see statuscache.go.
	if facades.Mutating(facade, method) {
		defer c.mu.Unlock()
	} else {
		defer c.mu.unlockRead()
	}
	if c.closed {
		return nil, &Error{Code: CodeTryAgain, Message: "controller is shutting down"}
	}
	if ctx.Err() != nil {
		// The connection went before the call ran: it never will (a
		// call that got the lock first has run entirely, so that a
		// client reading the state after the drop sees every call
		// that will ever run).
		return nil, &Error{Message: "connection closed"}
	}
	cx, err := c.newCallCtxLocked(ctx, sess, facade, version, method, id)
	if err != nil {
		return nil, err
	}
	var res any
	if facade == "Client" && method == "FullStatus" {
		res, err = c.fullStatusCall(h, cx, params)
	} else {
		res, err = h.call(served, cx, params)
	}
	c.sched.kick()
	if err != nil {
		return nil, AsError(err)
	}
	return olderShape(facade, version, method, res), nil
}

// findEntry returns the dispatch entry serving method at version of facade
// in the controller's mode.
func (c *Controller) findEntry(facade string, version int, method string) (dispatchEntry, bool) {
	for _, e := range c.dispatch[facade][method] {
		if e.minV != 0 && version < e.minV {
			continue
		}
		if e.maxV != 0 && version > e.maxV {
			continue
		}
		return e, true
	}
	return dispatchEntry{}, false
}

func (c *Controller) newCallCtx(ctx context.Context, sess *Session, facade string, version int, method, id string) (*callCtx, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.newCallCtxLocked(ctx, sess, facade, version, method, id)
}

func (c *Controller) newCallCtxLocked(ctx context.Context, sess *Session, facade string, version int, method, id string) (*callCtx, error) {
	u, ok := c.users[sess.user]
	if !ok || u.disabled {
		return nil, &Error{Code: CodeUnauthorized, Message: "invalid entity name or password"}
	}
	cx := &callCtx{ctx: ctx, c: c, s: sess, u: u, facade: facade, method: method, id: id, version: version}
	muuid := sess.modelUUID
	if sess.controllerConn {
		muuid = c.ctrlModel
	}
	m, ok := c.models[muuid]
	if !ok {
		return nil, newErr(CodeModelNotFound, "model %q not found", muuid)
	}
	cx.m = m
	if !sess.controllerConn && m.typ == "caas" && caasRefused[facade] {
		return nil, errNotSupported("facade %q not supported on container models", facade)
	}
	return cx, nil
}

// NotImplemented is the error ("not implemented") the real controller of
// the simulated version gives for an unknown facade (version 0 and no
// method), facade version (no method) or method: Juju 4's words, or
// Juju 3.6's (as its rpcreflect package words them).
func (c *Controller) NotImplemented(facade string, version int, method string) *Error {
	return errNotImplemented("%s", c.callNotImplemented(facade, version, method))
}

func (c *Controller) callNotImplemented(facade string, version int, method string) string {
	if c.major < 4 {
		switch {
		case method == "" && version != 0:
			return fmt.Sprintf("unknown version (%d) of interface %q", version, facade)
		case method == "":
			return fmt.Sprintf("unknown object type %q", facade)
		case version != 0:
			return fmt.Sprintf("no such request - method %s(%d).%s is not implemented", facade, version, method)
		}
		return fmt.Sprintf("no such request - method %s.%s is not implemented", facade, method)
	}
	if method == "" {
		if version != 0 {
			return fmt.Sprintf("unknown version %d for facade type %q", version, facade)
		}
		return fmt.Sprintf("unknown facade type %q", facade)
	}
	return fmt.Sprintf("unknown method %q at version %d for facade type %q", method, version, facade)
}

// loginRequest is Admin.Login's params (LoginRequest).
type loginRequest struct {
	AuthTag       string `json:"auth-tag"`
	Credentials   string `json:"credentials"`
	Nonce         string `json:"nonce"`
	ClientVersion string `json:"client-version"`
	Token         string `json:"token"`
}

// Login runs Admin.Login (v3) for a new connection. modelUUID "" is a
// controller connection (/api). addrs are the server's listening
// addresses ("host:port"), reported as LoginResult.servers.
func (c *Controller) Login(ctx context.Context, modelUUID string, params json.RawMessage, addrs []string) (any, *Session, error) {
	var req loginRequest
	if err := decode(params, &req); err != nil {
		return nil, nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil, nil, &Error{Code: CodeTryAgain, Message: "controller is shutting down"}
	}
	var m *model
	if modelUUID != "" {
		var ok bool
		m, ok = c.models[modelUUID]
		if !ok {
			return nil, nil, newErr(CodeModelNotFound, "unknown model: %q", modelUUID)
		}
	}
	badCreds := &Error{Code: CodeUnauthorized, Message: "invalid entity name or password"}
	macTag, discharge := c.checkMacaroonLogin(params) // macaroons.go
	if discharge != nil {
		return discharge, nil, nil
	}
	if macTag != "" {
		req.AuthTag = macTag
	}
	if req.AuthTag == "" {
		if req.Token != "" {
			return nil, nil, &Error{Code: CodeUnauthorized, Message: "token login not supported by jujusim"}
		}
		return nil, nil, &Error{Code: CodeUnauthorized, Message: "no credentials provided"}
	}
	name, ok := parseTag(req.AuthTag, "user")
	if !ok {
		return nil, nil, badCreds
	}
	name = strings.TrimSuffix(name, "@local")
	u, ok := c.users[name]
	if !ok || u.disabled || macTag == "" && (u.password == "" || req.Credentials != u.password) {
		return nil, nil, badCreds
	}
	sess := &Session{user: u.name, modelUUID: modelUUID, controllerConn: modelUUID == "", ctrlAccess: u.controllerAccess, watchers: map[string]bool{},
		addrs: append([]string(nil), addrs...)}
	now := c.clock.Now()
	if m != nil {
		acc := c.modelAccess(u, m)
		if acc == "" {
			return nil, nil, errPermissionDenied
		}
		sess.modelAccess = acc
		m.lastConn[u.name] = now
	}
	u.lastLogin = now
	facades := c.facadeList(sess.controllerConn)
	fl := make([]map[string]any, len(facades))
	for i, f := range facades {
		fl[i] = map[string]any{"name": f.Name, "versions": f.Versions}
	}
	res := map[string]any{
		"controller-tag": "controller-" + c.uuid,
		"facades":        fl,
		"server-version": c.version,
		"servers":        [][]map[string]any{hostPorts(addrs)},
		"user-info": map[string]any{
			"controller-access": u.controllerAccess,
			"display-name":      displayNameForLogin(u),
			"identity":          "user-" + u.name,
			"model-access":      sess.modelAccess,
		},
	}
	if m != nil {
		res["model-tag"] = "model-" + m.uuid
	}
	c.log.Debug("login", "user", u.name, "model", modelUUID)
	return res, sess, nil
}

func displayNameForLogin(u *user) string {
	if u.name == "admin" {
		return "" // the real bootstrap admin has no display name at login
	}
	return u.displayName
}

// hostPorts converts "host:port" addresses to HostPort JSON objects.
func hostPorts(addrs []string) []map[string]any {
	out := make([]map[string]any, 0, len(addrs))
	for _, a := range addrs {
		a = strings.TrimPrefix(strings.TrimPrefix(a, "wss://"), "ws://")
		host, portS, err := net.SplitHostPort(a)
		if err != nil {
			continue
		}
		port, _ := strconv.Atoi(portS)
		typ, scope := "hostname", "public"
		if ip := net.ParseIP(host); ip != nil {
			typ = "ipv4"
			if ip.To4() == nil {
				typ = "ipv6"
			}
			switch {
			case ip.IsLoopback():
				scope = "local-machine"
			case ip.IsLinkLocalUnicast():
				scope = "link-local"
			case ip.IsPrivate():
				scope = "local-cloud"
			}
		}
		out = append(out, map[string]any{"value": host, "type": typ, "scope": scope, "port": port})
	}
	return out
}
