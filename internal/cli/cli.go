// Package cli implements the gojuju command line. The main package only
// calls Run, so the whole CLI can be driven from tests.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
)

// ErrUsage is returned (wrapped) when the command line cannot be parsed.
var ErrUsage = errors.New("usage error")

// exitCoder is implemented by errors that carry their own exit status, such
// as gojuju wait's timeout (3), error status (4) and connection failure (5).
type exitCoder interface{ ExitCode() int }

// ExitCode maps an error returned by Run to the process exit status: 0 for
// nil, 2 for a usage error, the error's own code where it carries one, and 1
// otherwise.
func ExitCode(err error) int {
	var ec exitCoder
	switch {
	case err == nil:
		return 0
	case errors.Is(err, ErrUsage):
		return 2
	case errors.As(err, &ec):
		return ec.ExitCode()
	default:
		return 1
	}
}

const usage = `usage: gojuju <command> [flags]

commands:
  demo     run the main job against the embedded simulated controller
  sim      run a simulated Juju controller and register it in JUJU_DATA
  status   show the status of a model
  wait     wait until a model's applications have settled
  help     show this help
`

// Run runs the gojuju command line given in args (without the program name).
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("%w: no command given", ErrUsage)
	}
	switch args[0] {
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	case "demo":
		return runDemo(ctx, args[1:], stdout, stderr)
	case "sim":
		return runSim(ctx, args[1:], stdout, stderr)
	case "status":
		return runStatus(ctx, args[1:], stdout, stderr)
	case "wait":
		return runWait(ctx, args[1:], stdout, stderr)
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("%w: unknown command %q", ErrUsage, args[0])
	}
}
