// Package rpc is the connection layer of gojuju: a websocket JSON-RPC
// connection to a Juju controller (Juju 4.0, and 3.6 LTS).
//
// Dial connects to one of a controller's API addresses (dialling them
// staggered and keeping the first that works), verifies TLS against the
// controller's CA with the server name "juju-apiserver", and logs in with
// Admin.Login v3. The login result tells which facades and versions the
// connection offers; BestVersion picks, for each facade, the highest version
// that both sides speak.
//
// A *Conn multiplexes any number of concurrent calls over one websocket,
// matching responses to requests by request id. Call is the untyped escape
// hatch that every typed facade client is built on:
//
//	var status json.RawMessage
//	err := conn.Call(ctx, "Client", "FullStatus", "", map[string]any{"patterns": nil}, &status)
//
// Errors from the controller are *Error values whose codes errors.Is maps to
// the sentinels ErrNotFound, ErrUnauthorized, ErrAlreadyExists,
// ErrNotSupported, ErrNotImplemented, ErrNotValid, ErrTryAgain,
// ErrUpgradeInProgress, ErrMigrationInProgress, ErrRedirect,
// ErrQuotaExceeded and ErrForbidden; BulkError does the same for the
// per-entry errors of bulk results, and errors.As with a *RedirectError
// decodes where a migrated model went. Transport failures match ErrBroken
// (the connection failed) or ErrClosed (it was closed); Dial failures are a
// *DialError listing each address's failure. IsRetryable says whether an
// error is transient.
//
// A connection pings the controller (Pinger.Ping) every minute and breaks if
// a ping fails; Broken lets the caller notice and reconnect. Logging goes to
// an optional *slog.Logger (debug level: dials, and every call with its
// facade, version, method, request id and duration; never credentials), and a
// Tracer can observe the start and end of each call.
//
// The wire protocol is the v1 (kebab-case) framing:
//
//	{"request-id":7,"type":"Application","version":20,"request":"Deploy","params":{...}}
//	{"request-id":7,"response":{...}}
//	{"request-id":7,"error":"...","error-code":"not found","error-info":{...},"response":{}}
package rpc
