package main

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

// TestMain runs main itself when the test binary is started by runMain, so
// the tests below exercise the real program: its output and exit status.
func TestMain(m *testing.M) {
	if os.Getenv("GOJUJU_RUN_MAIN") == "1" {
		os.Args = append([]string{"gojuju"}, strings.Fields(os.Getenv("GOJUJU_ARGS"))...)
		main()
		os.Exit(0)
	}
	goleak.VerifyTestMain(m)
}

// runMain runs the program with args and returns its combined output and
// exit status.
func runMain(t *testing.T, args string) (string, int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "GOJUJU_RUN_MAIN=1", "GOJUJU_ARGS="+args)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return string(out), 0
	case errors.As(err, &exit):
		return string(out), exit.ExitCode()
	default:
		t.Fatalf("running gojuju %s: %v", args, err)
		return "", -1
	}
}

func TestExitStatus(t *testing.T) {
	tests := []struct {
		args     string
		wantCode int
		wantOut  string
	}{
		{"help", 0, "usage: gojuju"},
		{"", 2, "no command given"},
		{"frobnicate", 2, `unknown command "frobnicate"`},
	}
	for _, tt := range tests {
		out, code := runMain(t, tt.args)
		if code != tt.wantCode || !strings.Contains(out, tt.wantOut) {
			t.Errorf("gojuju %s: exit %d, output %q; want exit %d and output containing %q", tt.args, code, out, tt.wantCode, tt.wantOut)
		}
	}
}
