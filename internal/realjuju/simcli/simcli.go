// Package simcli runs gojuju sim in-process for tests of real clients.
// It is apart from package realjuju because it imports internal/cli,
// which imports the juju package, whose own tests import realjuju.
package simcli

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gojuju/juju/internal/cli"
)

// SimController is the controller name StartSim registers.
const SimController = "sim"

// StartSim runs `gojuju sim --juju-version version` in-process (cli.Run),
// with extra flags if any, until the test ends. It returns the JUJU_DATA
// in which the simulator registered itself as the current controller, for
// a real CLI to use, and the controller's name (SimController). The
// test's cleanup stops the simulator and fails the test if it did not
// stop cleanly.
func StartSim(t testing.TB, version string, extra ...string) (jujuData, controller string) {
	t.Helper()
	s := Start(t, version, extra...)
	return s.JujuData, s.Controller
}

// Sim is a gojuju sim started by Start.
type Sim struct {
	// JujuData is the JUJU_DATA the simulator registered itself in.
	JujuData string
	// Controller is its controller name there (SimController).
	Controller string
	// Banner is what gojuju sim printed once ready (addresses and hints).
	Banner string
}

// Start is StartSim, also returning what the simulator printed at start.
func Start(t testing.TB, version string, extra ...string) Sim {
	t.Helper()
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	out := &readyWriter{marker: "Press Ctrl+C to stop.", ready: make(chan struct{})}
	var errOut bytes.Buffer
	done := make(chan error, 1)
	go func() {
		done <- cli.Run(ctx, append([]string{"sim", "--listen", "127.0.0.1:0", "--juju-data", dir, "--juju-version", version,
			"--speed", "instant", "--controller", SimController}, extra...), strings.NewReader(""), out, &errOut)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("gojuju sim: %v", err)
		}
	})
	select {
	case <-out.ready:
	case err := <-done:
		done <- err
		t.Fatalf("gojuju sim exited at start: %v\n%s%s", err, out.String(), errOut.String())
	case <-time.After(time.Minute):
		t.Fatalf("gojuju sim did not start:\n%s", out.String())
	}
	return Sim{JujuData: dir, Controller: SimController, Banner: out.String()}
}

// readyWriter collects output and closes ready once it holds marker.
type readyWriter struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	marker string
	ready  chan struct{}
	once   sync.Once
}

func (w *readyWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n, err := w.buf.Write(p)
	if strings.Contains(w.buf.String(), w.marker) {
		w.once.Do(func() { close(w.ready) })
	}
	return n, err
}

func (w *readyWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}
