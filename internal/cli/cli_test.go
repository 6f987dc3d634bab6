package cli

import (
	"bytes"
	"context"
	"errors"
	"testing"
)

func TestRunUnknownCommandIsUsageError(t *testing.T) {
	var out, errOut bytes.Buffer
	err := Run(context.Background(), []string{"frobnicate"}, nil, &out, &errOut)
	if !errors.Is(err, ErrUsage) || ExitCode(err) != 2 {
		t.Fatalf("Run(frobnicate) = %v (exit %d), want usage error with exit 2", err, ExitCode(err))
	}
}

func TestRunDemo(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := Run(context.Background(), []string{"demo"}, nil, &out, &errOut); err != nil {
		t.Fatalf("demo: %v\n%s", err, errOut.String())
	}
	if out.Len() == 0 {
		t.Fatal("demo printed nothing")
	}
}
