package juju

import (
	"errors"
	"fmt"
	"testing"

	"github.com/gojuju/juju/rpc"
)

func TestOperationError(t *testing.T) {
	cause := errors.New(`application "pg" not found`)
	tests := []struct {
		err  error
		want string
	}{
		{&OperationError{Op: "add unit to", Entity: "pg", Err: cause}, `cannot add unit to "pg": application "pg" not found`},
		{&OperationError{Op: "list models", Err: cause}, `cannot list models: application "pg" not found`},
		{&OperationError{Op: "deploy", Entity: "pg"}, `cannot deploy "pg": unknown error`},
		{opError("deploy", "Pg", checkApplicationName("Pg")), `cannot deploy "Pg": invalid application name "Pg": must be lower-case letters and digits in hyphen-separated parts, start with a letter, and have a letter in every part`},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("got  %s\nwant %s", got, tt.want)
		}
	}
	wrapped := fmt.Errorf("outer: %w", &OperationError{Op: "add unit to", Entity: "pg", Err: cause})
	if !errors.Is(wrapped, cause) {
		t.Errorf("OperationError does not unwrap to its cause")
	}
	var oe *OperationError
	if !errors.As(wrapped, &oe) || oe.Entity != "pg" {
		t.Errorf("errors.As failed")
	}
	if opError("x", "y", nil) != nil {
		t.Errorf("opError(nil) should be nil")
	}
	inv := opError("deploy", "Pg", checkApplicationName("Pg"))
	if !errors.Is(inv, ErrInvalidName) || !errors.Is(inv, ErrInvalidInput) || errors.Is(inv, ErrInvalidBase) {
		t.Errorf("input error matching is wrong")
	}
}

// TestServerRefusalSentinels checks the sentinels of controller refusals
// that the rpc code mapping does not cover: codes, and the code-less
// relation refusals of real controllers (messages as 4.0.15 and 3.6 send
// them).
func TestServerRefusalSentinels(t *testing.T) {
	tests := []struct {
		name string
		err  *rpc.Error
		want []error // matched
		not  []error // not matched
	}{
		{"incompatible base", &rpc.Error{Code: "incompatible base", Message: `base "ubuntu@99.99" not supported by charm "pg"`},
			[]error{ErrNotSupported}, []error{ErrNotFound, ErrInvalidEndpoint}},
		{"4.0 unknown endpoint", &rpc.Error{Message: `adding relation between endpoints "wp:nope" and "db": relation endpoint not found`},
			[]error{ErrInvalidEndpoint, ErrNotFound}, []error{ErrNotSupported, ErrInvalidInput}},
		{"3.6 unknown endpoint", &rpc.Error{Message: `application "wp" has no "nope" relation`},
			[]error{ErrInvalidEndpoint, ErrNotFound}, []error{ErrNotSupported}},
		{"4.0 ambiguous", &rpc.Error{Message: `adding relation between endpoints "wp" and "db": ambiguous relation`},
			[]error{ErrInvalidEndpoint}, []error{ErrNotFound}},
		{"3.6 ambiguous", &rpc.Error{Message: `ambiguous relation: "wp db" could refer to "wp:a db:a"; "wp:b db:b"`},
			[]error{ErrInvalidEndpoint}, []error{ErrNotFound}},
		{"4.0 no compatible endpoints", &rpc.Error{Message: `adding relation between endpoints "wp" and "x": no compatible endpoints found between applications`},
			[]error{ErrInvalidEndpoint}, []error{ErrNotFound}},
		{"3.6 no relations", &rpc.Error{Message: "no relations found"},
			[]error{ErrInvalidEndpoint}, []error{ErrNotFound}},
		{"not valid ambiguous", &rpc.Error{Code: "not valid", Message: "ambiguous relation"},
			[]error{ErrNotValid, ErrInvalidEndpoint}, []error{ErrNotFound}},
		{"not valid unknown endpoint", &rpc.Error{Code: "not valid", Message: `application "wp" has no "nope" relation`},
			[]error{ErrNotValid, ErrInvalidEndpoint, ErrNotFound}, []error{ErrNotSupported}},
		{"another code wins over the text", &rpc.Error{Code: "forbidden", Message: "ambiguous relation"},
			[]error{ErrForbidden}, []error{ErrInvalidEndpoint}},
		{"other code-less error", &rpc.Error{Message: "something else"},
			nil, []error{ErrInvalidEndpoint, ErrNotFound, ErrNotSupported}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := opError("integrate \"wp\" with", "db", tt.err)
			for _, s := range tt.want {
				if !errors.Is(err, s) {
					t.Errorf("%v does not match %v", err, s)
				}
			}
			for _, s := range tt.not {
				if errors.Is(err, s) {
					t.Errorf("%v matches %v", err, s)
				}
			}
		})
	}
}

// TestDeployIncompatibleBase checks that the controller's "incompatible
// base" refusal matches ErrNotSupported.
func TestDeployIncompatibleBase(t *testing.T) {
	srv := startSim(t, "")
	c := connectSim(t, srv)
	ctx := testCtx(t)
	m, err := c.Model(ctx, "default")
	if err != nil {
		t.Fatal(err)
	}
	_, err = m.Deploy(ctx, "postgresql", &DeployOptions{Base: "ubuntu@99.99"})
	var se *rpc.Error
	if !errors.Is(err, ErrNotSupported) || !errors.As(err, &se) || se.Code != "incompatible base" {
		t.Errorf("Deploy(base ubuntu@99.99) = %v; want an \"incompatible base\" refusal matching ErrNotSupported", err)
	}
}
