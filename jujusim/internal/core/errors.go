package core

import (
	"errors"
	"fmt"
)

// Error is an error with a Juju error code, as the real controller returns it.
// The transport frames it as {"error": Message, "error-code": Code,
// "error-info": Info, "response": {}}. Inside bulk results it appears as
// {"message","code","info"}.
type Error struct {
	Code    string
	Message string
	Info    map[string]any
}

// Error implements error.
func (e *Error) Error() string { return e.Message }

// Is reports whether target is an *Error with the same non-empty code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code != "" && t.Code == e.Code && t.Message == ""
}

// Juju error codes (the wire strings of rpc/params/apierror.go) used by the
// simulator.
const (
	CodeNotFound                   = "not found"
	CodeModelNotFound              = "model not found"
	CodeUserNotFound               = "user not found"
	CodeSecretNotFound             = "secret not found"
	CodeSecretBackendNotFound      = "secret backend not found"
	CodeUnauthorized               = "unauthorized access"
	CodeNotImplemented             = "not implemented"
	CodeNotSupported               = "not supported"
	CodeNotValid                   = "not valid"
	CodeBadRequest                 = "bad request"
	CodeAlreadyExists              = "already exists"
	CodeSecretBackendAlreadyExists = "secret backend already exists"
	CodeSecretBackendNotValid      = "secret backend not valid"
	CodeSecretBackendForbidden     = "secret backend forbidden"
	CodeStopped                    = "stopped"
	CodeTryAgain                   = "try again"
	CodeNotAssigned                = "not assigned"
	CodeHasAssignedUnits           = "machine has assigned units"
	CodeHasHostedModels            = "controller has hosted models"
	CodeModelNotEmpty              = "model not empty"
	CodeIncompatibleBase           = "incompatible base"
	CodeForbidden                  = "forbidden"
	CodeQuotaLimitExceeded         = "quota limit exceeded"
	CodeActionNotAvailable         = "action no longer available"
)

func newErr(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

func errNotFound(format string, args ...any) *Error { return newErr(CodeNotFound, format, args...) }
func errNotValid(format string, args ...any) *Error { return newErr(CodeNotValid, format, args...) }
func errAlreadyExists(format string, args ...any) *Error {
	return newErr(CodeAlreadyExists, format, args...)
}
func errNotSupported(format string, args ...any) *Error {
	return newErr(CodeNotSupported, format, args...)
}
func errNotImplemented(format string, args ...any) *Error {
	return newErr(CodeNotImplemented, format, args...)
}
func errBadRequest(format string, args ...any) *Error { return newErr(CodeBadRequest, format, args...) }

var errPermissionDenied = &Error{Code: CodeUnauthorized, Message: "permission denied"}

// AsError converts any error to an *Error, keeping the code of a wrapped
// *Error and using no code otherwise, as the real server does for plain
// errors. It returns nil for a nil error.
func AsError(err error) *Error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Message: err.Error()}
}
