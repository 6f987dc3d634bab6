package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"
)

func TestRunUnknownCommandIsUsageError(t *testing.T) {
	var out, errOut bytes.Buffer
	err := Run(context.Background(), []string{"frobnicate"}, nil, &out, &errOut)
	if !errors.Is(err, ErrUsage) || ExitCode(err) != 2 {
		t.Fatalf("Run(frobnicate) = %v (exit %d), want usage error with exit 2", err, ExitCode(err))
	}
}

type codedErr int

func (e codedErr) Error() string { return "coded" }
func (e codedErr) ExitCode() int { return int(e) }

func TestExitCode(t *testing.T) {
	tests := []struct {
		err  error
		want int
	}{
		{nil, 0},
		{errors.New("boom"), 1},
		{ErrUsage, 2},
		{codedErr(3), 3},
		{fmt.Errorf("wrapped: %w", codedErr(5)), 5},
	}
	for _, tt := range tests {
		if got := ExitCode(tt.err); got != tt.want {
			t.Errorf("ExitCode(%v) = %d, want %d", tt.err, got, tt.want)
		}
	}
}
