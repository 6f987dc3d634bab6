package rpc_test

import (
	"context"
	"errors"
	"fmt"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gojuju/juju/rpc"
)

func TestBulkError(t *testing.T) {
	notFound := &rpc.Error{Message: `unit "x/0" not found`, Code: rpc.CodeNotFound}
	exists := &rpc.Error{Message: `application "y" already exists`, Code: rpc.CodeAlreadyExists}
	tests := []struct {
		name    string
		errs    []*rpc.Error
		wantNil bool
		wantMsg string
		is      []error
		isNot   []error
	}{
		{name: "nil slice", wantNil: true},
		{name: "all nil", errs: []*rpc.Error{nil, nil}, wantNil: true},
		{name: "single", errs: []*rpc.Error{notFound}, wantMsg: `unit "x/0" not found`, is: []error{rpc.ErrNotFound}, isNot: []error{rpc.ErrAlreadyExists}},
		{name: "some", errs: []*rpc.Error{nil, notFound, nil, exists}, wantMsg: `2 of 4 failed: [1] unit "x/0" not found; [3] application "y" already exists`,
			is: []error{rpc.ErrNotFound, rpc.ErrAlreadyExists}, isNot: []error{rpc.ErrUnauthorized}},
		{name: "one of two", errs: []*rpc.Error{exists, nil}, wantMsg: `1 of 2 failed: [0] application "y" already exists`, is: []error{rpc.ErrAlreadyExists}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := rpc.BulkError(tt.errs)
			if tt.wantNil {
				if err != nil {
					t.Fatalf("BulkError = %#v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatal("BulkError = nil")
			}
			if err.Error() != tt.wantMsg {
				t.Errorf("BulkError message = %q, want %q", err.Error(), tt.wantMsg)
			}
			for _, target := range tt.is {
				if !errors.Is(err, target) {
					t.Errorf("errors.Is(%q, %v) = false", err, target)
				}
			}
			for _, target := range tt.isNot {
				if errors.Is(err, target) {
					t.Errorf("errors.Is(%q, %v) = true", err, target)
				}
			}
			var se *rpc.Error
			if !errors.As(err, &se) {
				t.Errorf("errors.As(%q, *rpc.Error) = false", err)
			}
		})
	}
	var be *rpc.BulkErrors
	if err := rpc.BulkError([]*rpc.Error{nil, notFound}); !errors.As(err, &be) ||
		!cmp.Equal(be.Failed, []rpc.IndexedError{{Index: 1, Err: notFound}}) || be.Total != 2 {
		t.Errorf("BulkError = %#v, want a *BulkErrors with index 1", err)
	}
}

func TestErrorMessage(t *testing.T) {
	for _, tt := range []struct {
		err  *rpc.Error
		want string
	}{
		{&rpc.Error{Message: "boom", Code: "not found"}, "boom"},
		{&rpc.Error{Code: "not found"}, "not found"},
		{&rpc.Error{}, "unknown server error"},
	} {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("%#v.Error() = %q, want %q", tt.err, got, tt.want)
		}
	}
	// Wrapped server errors still match.
	err := fmt.Errorf("cannot deploy %q: %w", "pg", &rpc.Error{Message: "quota", Code: rpc.CodeQuotaExceeded})
	if !errors.Is(err, rpc.ErrQuotaExceeded) {
		t.Errorf("errors.Is(wrapped quota error, ErrQuotaExceeded) = false")
	}
}

func TestIsRetryable(t *testing.T) {
	refused := &rpc.AddrError{Addr: "10.0.0.1:17070", Err: syscall.ECONNREFUSED}
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"try again", &rpc.Error{Code: rpc.CodeTryAgain}, true},
		{"wrapped upgrade", fmt.Errorf("cannot x: %w", &rpc.Error{Code: rpc.CodeUpgradeInProgress}), true},
		{"migration quirk", &rpc.Error{Message: "model migration in progress"}, true},
		{"not found", &rpc.Error{Code: rpc.CodeNotFound}, false},
		{"broken", fmt.Errorf("cannot call: %w", rpc.ErrBroken), true},
		{"closed", rpc.ErrClosed, false},
		{"canceled", context.Canceled, false},
		{"deadline", fmt.Errorf("x: %w", context.DeadlineExceeded), false},
		{"plain", errors.New("odd"), false},
		{"dial refused", &rpc.DialError{Errors: []*rpc.AddrError{refused}}, true},
		{"dial unauthorized", &rpc.DialError{Errors: []*rpc.AddrError{refused, {Addr: "b", Err: &rpc.Error{Code: rpc.CodeUnauthorized}}}}, false},
		{"dial upgrading", &rpc.DialError{Errors: []*rpc.AddrError{{Addr: "b", Err: &rpc.Error{Code: rpc.CodeUpgradeInProgress}}}}, true},
		{"dial empty", &rpc.DialError{}, false},
	}
	for _, tt := range tests {
		if got := rpc.IsRetryable(tt.err); got != tt.want {
			t.Errorf("%s: IsRetryable(%v) = %t, want %t", tt.name, tt.err, got, tt.want)
		}
	}
}

func TestDialErrorMessage(t *testing.T) {
	one := &rpc.DialError{Errors: []*rpc.AddrError{{Addr: "a:1", Err: errors.New("refused")}}}
	if got, want := one.Error(), "cannot connect to the controller at a:1: refused"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	two := &rpc.DialError{Errors: []*rpc.AddrError{{Addr: "a:1", Err: errors.New("refused")}, {Addr: "b:2", Err: errors.New("timeout")}}}
	if got, want := two.Error(), "cannot connect to the controller: a:1: refused; b:2: timeout"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}
