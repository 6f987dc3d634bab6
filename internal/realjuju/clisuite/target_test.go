package clisuite_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/gojuju/juju/internal/realjuju"
	"github.com/gojuju/juju/internal/realjuju/simcli"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(realjuju.Main(m))
}

// target is a juju CLI and the controller it talks to.
type target struct {
	name string
	// cli is the CLI version (realjuju.CLI40 or CLI36).
	cli string
	// start returns the JUJU_DATA of a running controller, registered as
	// the current controller, and its name; the test's cleanup stops it.
	start func(t *testing.T) (jujuData, controller string)
	// agents: the controller runs agents (units settle, actions
	// complete, removals finish).
	agents bool
}

// The targets, and their bits in step.only and step.hangs.
const (
	sim40 = 1 << iota
	sim36
	real40
	all = sim40 | sim36 | real40
)

var targets = []struct {
	bit int
	target
}{
	{sim40, target{name: "sim-4.0", cli: realjuju.CLI40, start: startSim("4.0.15"), agents: true}},
	{sim36, target{name: "sim-3.6", cli: realjuju.CLI36, start: startSim("3.6.28"), agents: true}},
	{real40, target{name: "real-4.0", cli: realjuju.CLI40, start: startReal, agents: false}},
}

// startSim runs `gojuju sim` in-process until the test ends, with extra
// flags if any (see simcli.StartSim).
func startSim(version string, extra ...string) func(t *testing.T) (string, string) {
	return func(t *testing.T) (string, string) {
		t.Helper()
		return simcli.StartSim(t, version, extra...)
	}
}

// startReal uses the package's real server (started once).
func startReal(t *testing.T) (string, string) {
	t.Helper()
	srv := realjuju.Shared(t)
	return srv.JujuData, realjuju.ControllerName
}

// result is what one CLI command did.
type result struct {
	exit   int
	stdout string
	stderr string
	killed bool // it did not return and was killed
}

// runJuju runs the CLI at path with JUJU_DATA dir, killing it after
// timeout.
func runJuju(path, dir string, timeout time.Duration, args ...string) result {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Env = append(os.Environ(), "JUJU_DATA="+dir, "NO_COLOR=1", "TERM=dumb")
	cmd.Stdin = strings.NewReader("")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = time.Second
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String()}
	var ee *exec.ExitError
	switch {
	case ctx.Err() != nil:
		r.killed, r.exit = true, -1
	case errors.As(err, &ee):
		r.exit = ee.ExitCode()
	case err != nil:
		r.exit, r.stderr = -1, r.stderr+err.Error()
	}
	return r
}
