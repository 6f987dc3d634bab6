// Package errcode holds the error codes of Juju's API, the sentinel errors
// they match and the matching rule, shared by the client's server error
// (rpc.Error, whose package re-exports the sentinels and codes) and the wire
// types' own error (facades.Error), so that both match the same sentinels
// with errors.Is while the wire types, and the simulator built on them, do
// not depend on the client's connection package. It is a leaf: it imports
// only the standard library.
package errcode

import (
	"errors"
	"strings"
)

// Sentinel errors of server error codes. rpc re-exports each under the same
// name (rpc.ErrNotFound is ErrNotFound); its documentation says what each
// matches.
var (
	ErrNotFound            = errors.New("not found")
	ErrUnauthorized        = errors.New("unauthorized access")
	ErrAlreadyExists       = errors.New("already exists")
	ErrNotSupported        = errors.New("not supported")
	ErrNotImplemented      = errors.New("not implemented")
	ErrNotValid            = errors.New("not valid")
	ErrTryAgain            = errors.New("try again")
	ErrUpgradeInProgress   = errors.New("upgrade in progress")
	ErrMigrationInProgress = errors.New("model migration in progress")
	ErrRedirect            = errors.New("redirection required")
	ErrQuotaExceeded       = errors.New("quota limit exceeded")
	ErrForbidden           = errors.New("forbidden")
	// ErrRefused is matched by every server error, whatever its code: the
	// controller answered, and refused.
	ErrRefused = errors.New("refused by the controller")
)

// Wire codes (the error-code field of a response, the code of a params.Error).
const (
	CodeNotFound            = "not found"
	CodeUnauthorized        = "unauthorized access"
	CodeNoCredentials       = "no credentials provided"
	CodeLoginExpired        = "login expired"
	CodeSessionTokenInvalid = "session token invalid"
	CodeAlreadyExists       = "already exists"
	CodeNotSupported        = "not supported"
	CodeNotImplemented      = "not implemented"
	CodeNotValid            = "not valid"
	CodeBadRequest          = "bad request"
	CodeTryAgain            = "try again"
	CodeNotYetAvailable     = "not yet available; try again later"
	CodeUpgradeInProgress   = "upgrade in progress"
	CodeMigrationInProgress = "model migration in progress"
	CodeRedirect            = "redirection required"
	CodeQuotaExceeded       = "quota limit exceeded"
	CodeForbidden           = "forbidden"
	CodeDischargeRequired   = "macaroon discharge required"
	CodeModelNotFound       = "model not found"
	CodeOperationBlocked    = "operation is blocked"
)

// noSuchRequestMessage starts the code-less error of an unknown method on
// old servers.
const noSuchRequestMessage = "no such request "

// Is reports whether a server error with the given code and message matches
// target, one of the sentinels of this package. Every server error matches
// ErrRefused. It is the body of rpc.Error.Is and facades.Error.Is, and so
// compares target by identity.
//
//nolint:errorlint // an Is method's body: target is the sentinel asked about
func Is(code, message string, target error) bool {
	if target == ErrRefused {
		return true
	}
	if code == "" {
		// Quirks of codes that the controller leaves out.
		switch {
		case strings.HasPrefix(message, noSuchRequestMessage):
			code = CodeNotImplemented
		case strings.Contains(message, CodeMigrationInProgress):
			code = CodeMigrationInProgress
		}
	}
	switch target {
	case ErrNotFound:
		return code == CodeNotFound || strings.HasSuffix(code, " not found")
	case ErrUnauthorized:
		return code == CodeUnauthorized || code == CodeNoCredentials || code == CodeLoginExpired || code == CodeSessionTokenInvalid
	case ErrAlreadyExists:
		return code == CodeAlreadyExists || strings.HasSuffix(code, " already exists")
	case ErrNotSupported:
		return code == CodeNotSupported || strings.HasSuffix(code, " not supported")
	case ErrNotImplemented:
		return code == CodeNotImplemented
	case ErrNotValid:
		return code == CodeNotValid || code == CodeBadRequest || strings.HasSuffix(code, " not valid") || strings.HasPrefix(code, "invalid ")
	case ErrTryAgain:
		return code == CodeTryAgain || code == CodeNotYetAvailable
	case ErrUpgradeInProgress:
		return code == CodeUpgradeInProgress
	case ErrMigrationInProgress:
		return code == CodeMigrationInProgress
	case ErrRedirect:
		return code == CodeRedirect
	case ErrQuotaExceeded:
		return code == CodeQuotaExceeded
	case ErrForbidden:
		return code == CodeForbidden || strings.HasSuffix(code, " forbidden")
	}
	return false
}
