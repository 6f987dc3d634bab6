package juju

import (
	"errors"
	"fmt"
	"testing"
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
