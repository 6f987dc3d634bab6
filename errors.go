package juju

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/gojuju/juju/rpc"
	"github.com/gojuju/juju/status"
)

// Errors the controller returns, matched by their error code. They are the
// rpc package's sentinels, re-exported so that users of this package need
// not import rpc: errors.Is(err, juju.ErrNotFound) works on every error this
// package returns for a "not found" answer.
var (
	ErrNotFound            = rpc.ErrNotFound
	ErrUnauthorized        = rpc.ErrUnauthorized
	ErrAlreadyExists       = rpc.ErrAlreadyExists
	ErrNotSupported        = rpc.ErrNotSupported
	ErrNotImplemented      = rpc.ErrNotImplemented
	ErrNotValid            = rpc.ErrNotValid
	ErrTryAgain            = rpc.ErrTryAgain
	ErrUpgradeInProgress   = rpc.ErrUpgradeInProgress
	ErrMigrationInProgress = rpc.ErrMigrationInProgress
	ErrRedirect            = rpc.ErrRedirect
	ErrQuotaExceeded       = rpc.ErrQuotaExceeded
	ErrForbidden           = rpc.ErrForbidden
	ErrBroken              = rpc.ErrBroken
)

// The three outcomes of a failed operation (see the package documentation,
// "Dropped connections"): every error an operation returns matches at most
// one of them; client-side refusals of bad input match none.
var (
	// ErrNotSent: nothing reached the controller; safe to try again.
	ErrNotSent = rpc.ErrNotSent
	// ErrOutcomeUnknown: the request was sent but no answer came; the
	// change may or may not have been made.
	ErrOutcomeUnknown = rpc.ErrOutcomeUnknown
	// ErrRefused: the controller answered with an error.
	ErrRefused = rpc.ErrRefused
)

// OutcomeUnknownError is the error (found with errors.As) of a call that
// was sent but got no answer; it names the call. Operations return it
// inside their *OperationError, which names the operation.
type OutcomeUnknownError = rpc.OutcomeUnknownError

// NotSentError is the error (found with errors.As) of a call whose request
// never left the client; it names the call.
type NotSentError = rpc.NotSentError

// IsRetryable reports whether err is transient and trying the same
// operation again cannot repeat a change: nothing was sent because the
// connection could not be made or had failed, the controller said "try
// again", or an upgrade or migration is in progress. It is false for an
// error matching ErrOutcomeUnknown, for ErrClosed and for the caller's
// own context ending.
func IsRetryable(err error) bool { return rpc.IsRetryable(err) }

// Errors for input that gojuju refuses before anything is sent to the
// controller. Every such refusal matches one of these with errors.Is, and
// also matches ErrInvalidInput.
var (
	// ErrInvalidInput is matched by every client-side refusal of bad input
	// (each of the more specific errors below also matches it).
	ErrInvalidInput = errors.New("invalid input")

	// ErrSeriesNotSupported is returned when a series is given to a Juju 4
	// controller, which only knows bases. The error names the base to use.
	ErrSeriesNotSupported = errors.New("series not supported")

	// ErrInvalidBase is returned for a base that does not parse
	// (bases look like "ubuntu@22.04" or "ubuntu@24.04/edge").
	ErrInvalidBase = errors.New("invalid base")

	// ErrInvalidName is returned for an application, unit, machine, model or
	// user name that breaks Juju's naming rules.
	ErrInvalidName = errors.New("invalid name")

	// ErrInvalidEndpoint is returned for a relation endpoint that does not
	// parse as "application[:endpoint]". It is also matched by the
	// controller's refusal of an endpoint that the application does not
	// have, or of endpoints that fit several relations or none.
	ErrInvalidEndpoint = errors.New("invalid relation endpoint")

	// ErrInvalidConfig is returned for a config value of a type the charm does
	// not declare, or of a Go type that has no config representation.
	ErrInvalidConfig = errors.New("invalid config")

	// ErrInvalidPlacement is returned for a placement directive ("--to")
	// that does not parse.
	ErrInvalidPlacement = errors.New("invalid placement")

	// ErrInvalidConstraints is returned for a constraints string that does
	// not parse.
	ErrInvalidConstraints = errors.New("invalid constraints")

	// ErrInvalidArgument is returned for other bad arguments: negative unit
	// counts, options that exclude each other, and the like. It is package
	// status's sentinel, so that the refusals of its sources and waits
	// match it too.
	ErrInvalidArgument = status.ErrInvalidArgument
)

// inputError is a client-side refusal of bad input. Its message names what
// was wrong ("invalid application name \"Pg\": ..."); it matches its kind
// (one of the ErrInvalidXxx sentinels), ErrInvalidInput and ErrNotValid, so
// that one errors.Is check covers bad input whichever side noticed it.
type inputError struct {
	kind   error  // ErrInvalidName, ErrInvalidBase, ...
	what   string // "application name", "base", ...
	value  string // the offending input, quoted in the message
	reason string // optional explanation
}

func (e *inputError) Error() string {
	msg := "invalid " + e.what + " " + strconv.Quote(e.value)
	if e.reason != "" {
		msg += ": " + e.reason
	}
	return msg
}

func (e *inputError) Unwrap() error { return e.kind }

func (e *inputError) Is(target error) bool {
	return target == ErrInvalidInput || target == ErrNotValid
}

func invalid(kind error, what, value, reason string) error {
	return &inputError{kind: kind, what: what, value: value, reason: reason}
}

func invalidf(kind error, what, value, format string, args ...any) error {
	return &inputError{kind: kind, what: what, value: value, reason: fmt.Sprintf(format, args...)}
}

// OperationError is returned by every operation that fails, whether the
// controller refused it or gojuju refused the input before sending it. Its
// message says what could not be done and why, for example
//
//	cannot add unit to "pg": application "pg" not found
//
// It unwraps to the cause, so errors.Is(err, juju.ErrNotFound) and
// errors.Is(err, juju.ErrInvalidName) work through it.
type OperationError struct {
	// Op is what could not be done, as a verb phrase: "deploy",
	// "add unit to", "destroy model".
	Op string
	// Entity names what the operation was about ("pg", "pg/0", "admin/dev");
	// empty when the operation is not about one entity.
	Entity string
	// Err is the cause.
	Err error
}

// Error implements error.
func (e *OperationError) Error() string {
	cause := "unknown error"
	if e.Err != nil {
		cause = e.Err.Error()
	}
	prefix := "cannot " + e.Op + ": "
	if e.Entity != "" {
		prefix = "cannot " + e.Op + " " + strconv.Quote(e.Entity) + ": "
	}
	if strings.HasPrefix(cause, prefix) {
		// The controller said it already (Juju 4.0's "cannot deploy
		// \"db\": ..."): once is enough.
		return cause
	}
	return prefix + cause
}

// Unwrap returns the cause.
func (e *OperationError) Unwrap() error { return e.Err }

// codeIncompatibleBase is the code of a base the charm does not support.
const codeIncompatibleBase = "incompatible base"

// Is matches the sentinels of controller refusals that the rpc package's
// code mapping does not cover: the code "incompatible base" (a base the
// charm does not support) matches ErrNotSupported, and the relation
// refusals that controllers send without a code match ErrInvalidEndpoint
// (an endpoint that does not exist also matches ErrNotFound).
func (e *OperationError) Is(target error) bool {
	var se *rpc.Error
	if target == nil || !errors.As(e.Err, &se) {
		return false
	}
	switch se.Code {
	case codeIncompatibleBase:
		return target == ErrNotSupported
	case "", rpc.CodeNotValid:
		// Juju 4.0 wraps its relation domain errors and 3.6 its state
		// errors without a code, or with "not valid"; their text is all
		// there is.
		msg := se.Message
		switch {
		case strings.Contains(msg, "relation endpoint not found"), isNoSuchEndpoint(msg):
			return target == ErrInvalidEndpoint || target == ErrNotFound
		case strings.Contains(msg, "ambiguous relation"),
			strings.Contains(msg, "no relations found"),
			strings.Contains(msg, "no compatible endpoints found"):
			return target == ErrInvalidEndpoint
		// Juju 4.0 also sends its domain errors for an application,
		// relation, unit or operation that already exists or is not
		// found without a code ("... checking if application \"db\"
		// exists: application already exists", "... unit \"db/7\" not
		// found"), as the real server shows.
		case strings.HasSuffix(msg, " already exists"):
			return target == ErrAlreadyExists
		case strings.HasSuffix(msg, " not found"):
			return target == ErrNotFound
		}
	}
	return false
}

// isNoSuchEndpoint reports Juju 3.6's `application "wp" has no "nope"
// relation`.
func isNoSuchEndpoint(msg string) bool {
	_, rest, ok := strings.Cut(msg, `" has no "`)
	return ok && strings.Contains(rest, `" relation`)
}

// opError wraps err (if not nil) in an *OperationError.
func opError(op, entity string, err error) error {
	if err == nil {
		return nil
	}
	return &OperationError{Op: op, Entity: entity, Err: err}
}

// codeError is an error found on the client side that means the same as a
// controller error code: its message is complete ("model \"admin/x\" not
// found", without the sentinel's text repeated) and it matches the
// sentinel.
type codeError struct {
	msg  string
	kind error
}

func (e *codeError) Error() string        { return e.msg }
func (e *codeError) Is(target error) bool { return target == e.kind }

// notFoundf returns an error saying what was not found ("model %q not
// found"); it matches ErrNotFound.
func notFoundf(format string, args ...any) error {
	return &codeError{msg: fmt.Sprintf(format, args...), kind: ErrNotFound}
}
