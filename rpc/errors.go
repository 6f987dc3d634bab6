package rpc

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/gojuju/juju/internal/errcode"
)

// Sentinel errors. Server errors (*Error) match the sentinels of their codes
// (see Error.Is); transport errors match ErrClosed or ErrBroken.
var (
	// ErrNotFound matches the code "not found" and every code ending in
	// " not found" ("model not found", "user not found", "secret not found", ...).
	ErrNotFound = errcode.ErrNotFound
	// ErrUnauthorized matches "unauthorized access", "no credentials provided",
	// "login expired" and "session token invalid".
	ErrUnauthorized = errcode.ErrUnauthorized
	// ErrAlreadyExists matches "already exists" and codes ending in " already exists".
	ErrAlreadyExists = errcode.ErrAlreadyExists
	// ErrNotSupported matches "not supported" and codes ending in " not supported".
	// It is also matched by *VersionError, returned when the client and the
	// controller have no facade version in common.
	ErrNotSupported = errcode.ErrNotSupported
	// ErrNotImplemented matches "not implemented", and a code-less error whose
	// message starts with "no such request " (an unknown method on old servers).
	ErrNotImplemented = errcode.ErrNotImplemented
	// ErrNotValid matches "not valid", "bad request", codes ending in " not valid"
	// and codes starting with "invalid " (4.0's "invalid tag", ...).
	ErrNotValid = errcode.ErrNotValid
	// ErrTryAgain matches "try again" and "not yet available; try again later".
	ErrTryAgain = errcode.ErrTryAgain
	// ErrUpgradeInProgress matches "upgrade in progress".
	ErrUpgradeInProgress = errcode.ErrUpgradeInProgress
	// ErrMigrationInProgress matches "model migration in progress", including the
	// controller's code-less variant that carries only that message.
	ErrMigrationInProgress = errcode.ErrMigrationInProgress
	// ErrRedirect matches "redirection required"; use errors.As with a
	// *RedirectError to get the new controller's addresses.
	ErrRedirect = errcode.ErrRedirect
	// ErrQuotaExceeded matches "quota limit exceeded".
	ErrQuotaExceeded = errcode.ErrQuotaExceeded
	// ErrForbidden matches "forbidden" and codes ending in " forbidden".
	ErrForbidden = errcode.ErrForbidden
	// ErrClosed is matched by the errors of calls made on, or pending during,
	// Close.
	ErrClosed = errors.New("connection closed")
	// ErrBroken is matched by the errors of calls that failed because the
	// connection failed (read or write error, malformed frame, failed ping).
	// Whether the call may have been executed is told by ErrNotSent and
	// ErrOutcomeUnknown, which the same error matches.
	ErrBroken = errors.New("connection broken")
	// ErrInvalidConfig is matched by the error Dial returns for an unusable Config.
	ErrInvalidConfig = errors.New("invalid configuration")
)

// Wire codes used by the mapping in Error.Is and by tests.
const (
	CodeNotFound            = errcode.CodeNotFound
	CodeUnauthorized        = errcode.CodeUnauthorized
	CodeNoCredentials       = errcode.CodeNoCredentials
	CodeLoginExpired        = errcode.CodeLoginExpired
	CodeSessionTokenInvalid = errcode.CodeSessionTokenInvalid
	CodeAlreadyExists       = errcode.CodeAlreadyExists
	CodeNotSupported        = errcode.CodeNotSupported
	CodeNotImplemented      = errcode.CodeNotImplemented
	CodeNotValid            = errcode.CodeNotValid
	CodeBadRequest          = errcode.CodeBadRequest
	CodeTryAgain            = errcode.CodeTryAgain
	CodeNotYetAvailable     = errcode.CodeNotYetAvailable
	CodeUpgradeInProgress   = errcode.CodeUpgradeInProgress
	CodeMigrationInProgress = errcode.CodeMigrationInProgress
	CodeRedirect            = errcode.CodeRedirect
	CodeQuotaExceeded       = errcode.CodeQuotaExceeded
	CodeForbidden           = errcode.CodeForbidden
	CodeDischargeRequired   = errcode.CodeDischargeRequired
	CodeModelNotFound       = errcode.CodeModelNotFound
	CodeOperationBlocked    = errcode.CodeOperationBlocked
)

// Error is an error returned by the controller: the error of an RPC response
// (its error, error-code and error-info fields) or a per-item error of a bulk
// result. Its JSON shape is Juju's params.Error, which the generated wire
// types carry as an error type of their own with the same fields and the same
// code matching (the library converts one to the other).
//
// errors.Is maps the Code to the package's sentinels (ErrNotFound,
// ErrUnauthorized, ...); errors.As with a **RedirectError decodes the
// redirect info of a "redirection required" error.
type Error struct {
	Message string         `json:"message"`
	Code    string         `json:"code"`
	Info    map[string]any `json:"info,omitempty"`
}

// Error returns the server's message (or the code if there is no message).
func (e *Error) Error() string {
	switch {
	case e.Message != "":
		return e.Message
	case e.Code != "":
		return e.Code
	default:
		return "unknown server error"
	}
}

// Is reports whether the error's code maps to target. Every *Error matches
// ErrRefused.
func (e *Error) Is(target error) bool { return errcode.Is(e.Code, e.Message, target) }

// As decodes the redirect info of a "redirection required" error when target
// is a **RedirectError.
func (e *Error) As(target any) bool {
	t, ok := target.(**RedirectError)
	if !ok || !e.Is(ErrRedirect) {
		return false
	}
	r, err := decodeRedirect(e)
	if err != nil {
		return false
	}
	*t = r
	return true
}

// HostPort is one API address of a controller node, as sent in the login
// result and in redirect info.
type HostPort struct {
	Value       string `json:"value"`
	Type        string `json:"type"`  // "ipv4", "ipv6" or "hostname"
	Scope       string `json:"scope"` // "public", "local-cloud", "local-machine", ...
	CIDR        string `json:"cidr,omitempty"`
	SpaceName   string `json:"space-name,omitempty"`
	SpaceID     string `json:"space-id,omitempty"`
	ConfigType  string `json:"config-type,omitempty"`
	IsSecondary bool   `json:"is-secondary,omitempty"`
	Port        int    `json:"port"`
}

// String returns "value:port" (IPv6 values in brackets).
func (h HostPort) String() string {
	host := h.Value
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	return host + ":" + strconv.Itoa(h.Port)
}

// RedirectError is the decoded info of a "redirection required" error: the
// model was migrated to another controller (or a JAAS-style redirect). Get it
// with errors.As from any error whose chain holds the server's *Error.
type RedirectError struct {
	// Servers holds the new controller's API addresses, one list per node.
	Servers [][]HostPort `json:"servers"`
	// CACert is the new controller's CA certificate (PEM).
	CACert string `json:"ca-cert"`
	// ControllerTag is "controller-<uuid>" of the new controller.
	ControllerTag string `json:"controller-tag"`
	// ControllerAlias is the new controller's name, if the server knows it.
	ControllerAlias string `json:"controller-alias,omitempty"`
	// Err is the server error the info was decoded from.
	Err *Error `json:"-"`
}

// Error describes the redirect.
func (r *RedirectError) Error() string {
	target := r.ControllerAlias
	if target == "" {
		target = r.ControllerTag
	}
	if target == "" {
		return "model migrated to another controller"
	}
	return fmt.Sprintf("model migrated to controller %q", target)
}

// Is matches ErrRedirect.
func (r *RedirectError) Is(target error) bool { return target == ErrRedirect }

// Unwrap returns the server error.
func (r *RedirectError) Unwrap() error {
	if r.Err == nil {
		return nil
	}
	return r.Err
}

func decodeRedirect(e *Error) (*RedirectError, error) {
	r := &RedirectError{Err: e}
	if len(e.Info) == 0 {
		return r, nil
	}
	data, err := json.Marshal(e.Info)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(data, r); err != nil {
		return nil, err
	}
	r.Err = e
	return r, nil
}

// BulkErrors is returned by BulkError when entries of a bulk result failed.
type BulkErrors struct {
	// Total is the number of entries in the bulk result.
	Total int
	// Failed holds the failed entries in index order.
	Failed []IndexedError
}

// IndexedError is one failed entry of a bulk result.
type IndexedError struct {
	Index int
	Err   *Error
}

// Error lists each failed index.
func (b *BulkErrors) Error() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%d of %d failed: ", len(b.Failed), b.Total)
	for i, f := range b.Failed {
		if i > 0 {
			sb.WriteString("; ")
		}
		fmt.Fprintf(&sb, "[%d] %s", f.Index, f.Err.Error())
	}
	return sb.String()
}

// Unwrap returns every entry's error, so errors.Is and errors.As match any.
func (b *BulkErrors) Unwrap() []error {
	errs := make([]error, len(b.Failed))
	for i, f := range b.Failed {
		errs[i] = f.Err
	}
	return errs
}

// BulkError surfaces the per-entry errors of a bulk result
// (results[i].error). It returns nil when every entry is nil, the *Error
// itself when errs has a single entry, and otherwise a *BulkErrors listing
// each failed index, which errors.Is and errors.As match against any entry.
func BulkError(errs []*Error) error {
	var failed []IndexedError
	for i, e := range errs {
		if e != nil {
			failed = append(failed, IndexedError{Index: i, Err: e})
		}
	}
	switch {
	case len(failed) == 0:
		return nil
	case len(errs) == 1:
		return errs[0]
	}
	return &BulkErrors{Total: len(errs), Failed: failed}
}

// VersionError is returned by BestVersion (and so by Call) when the client and
// the controller have no version of a facade in common. It matches
// ErrNotSupported.
type VersionError struct {
	Facade string
	// Client holds the versions the client speaks (nil: any).
	Client []int
	// Server holds the versions the controller offers on this connection
	// (nil: the facade is not available on it).
	Server []int
}

// Error names the facade and both version sets.
func (e *VersionError) Error() string {
	client := "any"
	if e.Client != nil {
		client = fmt.Sprint(e.Client)
	}
	server := "none"
	if len(e.Server) > 0 {
		server = fmt.Sprint(e.Server)
	}
	return fmt.Sprintf("facade %q not supported: client versions %s, controller versions %s", e.Facade, client, server)
}

// Is matches ErrNotSupported.
func (e *VersionError) Is(target error) bool { return target == ErrNotSupported }

// FrameError reports a frame from the controller that could not be decoded
// or made no sense (not JSON, no request id, a binary message). It breaks the
// connection: the error of the failed calls matches ErrBroken and holds the
// *FrameError.
type FrameError struct {
	// Frame holds the start of the offending frame (at most 256 bytes).
	Frame []byte
	// Err says what is wrong with it.
	Err error
}

const maxFrameInError = 256

func newFrameError(frame []byte, err error) *FrameError {
	if len(frame) > maxFrameInError {
		frame = frame[:maxFrameInError]
	}
	return &FrameError{Frame: slices.Clone(frame), Err: err}
}

// Error describes the malformed frame.
func (e *FrameError) Error() string {
	return fmt.Sprintf("malformed frame %q: %v", e.Frame, e.Err)
}

// Unwrap returns the decoding error.
func (e *FrameError) Unwrap() error { return e.Err }

// brokenError is the error of a connection that failed; it matches ErrBroken
// and unwraps to the cause.
type brokenError struct{ cause error }

func (e *brokenError) Error() string { return "connection broken: " + e.cause.Error() }
func (e *brokenError) Is(target error) bool {
	return target == ErrBroken
}
func (e *brokenError) Unwrap() error { return e.cause }

// IsRetryable reports whether err is transient and trying the same call
// again cannot repeat its effect: the request was not sent (ErrNotSent)
// because the connection had failed, the controller refused it with "try
// again", an upgrade or model migration in progress, or every address of
// a dial failed for a reason other than a definitive server answer or a
// certificate that failed verification.
//
// It is false for a nil error, for an outcome-unknown error
// (ErrOutcomeUnknown: the call may have been executed, so only a call
// that is safe to repeat may be retried), for a closed connection
// (ErrClosed) and for the caller's own context cancellation or deadline.
func IsRetryable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, ErrClosed) || errors.Is(err, ErrOutcomeUnknown) {
		return false
	}
	var de *DialError
	if errors.As(err, &de) {
		for _, ae := range de.Errors {
			var se *Error
			if errors.As(ae.Err, &se) && !isRetryableServer(se) || isCertificateError(ae.Err) {
				return false
			}
		}
		return len(de.Errors) > 0
	}
	if errors.Is(err, ErrNotSent) || errors.Is(err, ErrBroken) {
		return true
	}
	var se *Error
	if errors.As(err, &se) {
		return isRetryableServer(se)
	}
	return false
}

// isCertificateError reports whether err is a failed verification of the
// server's certificate, which retrying cannot fix.
func isCertificateError(err error) bool {
	var (
		ve *tls.CertificateVerificationError
		ua x509.UnknownAuthorityError
		he x509.HostnameError
		ci x509.CertificateInvalidError
	)
	return errors.As(err, &ve) || errors.As(err, &ua) || errors.As(err, &he) || errors.As(err, &ci)
}

func isRetryableServer(e *Error) bool {
	return e.Is(ErrTryAgain) || e.Is(ErrUpgradeInProgress) || e.Is(ErrMigrationInProgress)
}

// The three outcomes of a failed call (see Conn.Call).
var (
	// ErrNotSent is matched by the error of a call whose request never
	// left the client: nothing was executed, and the call is safe to try
	// again (on a new connection if this one failed).
	ErrNotSent = errors.New("request not sent")
	// ErrOutcomeUnknown is matched by the error of a call whose request
	// was sent (or was being sent) when the connection failed or was
	// closed, or the caller's context ended, before the answer came: the
	// controller may or may not have executed it. Repeating such a call
	// may repeat its effect.
	ErrOutcomeUnknown = errors.New("outcome unknown")
	// ErrRefused is matched by every error the controller returned (a
	// *Error, including the per-entity errors of bulk results): the
	// controller answered, and refused.
	ErrRefused = errcode.ErrRefused
)

// CallRef names a call: its facade, version, method and object id.
type CallRef struct {
	Facade  string
	Version int
	Method  string
	ID      string // "" except for watcher facades
}

// String returns "Facade.Method".
func (r CallRef) String() string { return r.Facade + "." + r.Method }

// NotSentError is the error of a call whose request never left the
// client. It matches ErrNotSent and unwraps to the cause: the
// connection's failure (ErrBroken), its closing (ErrClosed), or the
// caller's ctx.Err().
type NotSentError struct {
	Call CallRef
	Err  error
}

// Error says which call was not sent, and why.
func (e *NotSentError) Error() string {
	return "cannot call " + e.Call.String() + ": request not sent: " + e.Err.Error()
}

// Is matches ErrNotSent.
func (e *NotSentError) Is(target error) bool { return target == ErrNotSent }

// Unwrap returns the cause.
func (e *NotSentError) Unwrap() error { return e.Err }

// OutcomeUnknownError is the error of a call that was sent but got no
// answer: the controller may have executed it. It matches
// ErrOutcomeUnknown and unwraps to the cause: the connection's failure
// (ErrBroken), its closing (ErrClosed), or the caller's ctx.Err() (a reply
// that outlived the caller's deadline).
type OutcomeUnknownError struct {
	Call CallRef
	Err  error
}

// Error names the call whose outcome is unknown, and why.
func (e *OutcomeUnknownError) Error() string {
	return "cannot call " + e.Call.String() + ": outcome unknown: " + e.Err.Error()
}

// Is matches ErrOutcomeUnknown.
func (e *OutcomeUnknownError) Is(target error) bool { return target == ErrOutcomeUnknown }

// Unwrap returns the cause.
func (e *OutcomeUnknownError) Unwrap() error { return e.Err }
