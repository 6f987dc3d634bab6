package jujutest

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gojuju/juju"
	"github.com/gojuju/juju/status"
)

// PackCharm packs the charm source directory dir into a .charm archive in
// the test's temporary directory, with juju.PackCharm, and returns the
// archive's path, for a test that deploys it several times or inspects it.
// It fails the test with t.Fatal when dir is not a deployable charm.
//
// Packing zips the directory as it is, with the metadata files charmcraft
// generates from a unified charmcraft.yaml: a charm whose source needs a build
// step (charmcraft pack installing Python dependencies) must be built
// first; its built directory, or the .charm charmcraft made, is deployed
// the same way.
func PackCharm(t testing.TB, dir string) string {
	t.Helper()
	tmp := t.TempDir()
	name, err := juju.PackCharm(dir, filepath.Join(tmp, "charm.charm"))
	if err != nil {
		t.Fatalf("jujutest: %v", err)
	}
	p := filepath.Join(tmp, name+".charm")
	if err := os.Rename(filepath.Join(tmp, "charm.charm"), p); err != nil {
		t.Fatalf("jujutest: %v", err)
	}
	return p
}

// DeployOptions are the options of DeployCharm; nil means defaults.
type DeployOptions struct {
	// Deploy holds the deploy's options (application name, base, units,
	// config, resources, trust...); nil means the defaults of
	// juju.Model.Deploy.
	Deploy *juju.DeployOptions
	// Wait holds the options of the wait that follows; nil waits until the
	// deployed application is active and its agents idle, with an idle
	// period of DefaultSimulatorIdlePeriod on a simulator and
	// status.DefaultIdlePeriod elsewhere. Its Apps, when empty, is the
	// deployed application.
	Wait *status.WaitForIdleOptions
}

// DefaultSimulatorIdlePeriod is the idle period of DeployCharm's default
// wait on a simulator, whose agents settle in milliseconds.
const DefaultSimulatorIdlePeriod = 500 * time.Millisecond

// DeployCharm deploys a charm and waits for its application to settle, in
// one call, failing the test with t.Fatal when either fails (a wait's
// failure comes with the status it last saw). charm is what
// juju.Model.Deploy takes: a charm source directory, packed on the way
// (PackCharm), a .charm archive, or a Charmhub name. It returns the
// application and the status the wait ended on.
func DeployCharm(t testing.TB, m *juju.Model, charm string, opts *DeployOptions) (*juju.Application, *status.Status) {
	t.Helper()
	if opts == nil {
		opts = &DeployOptions{}
	}
	ctx := t.Context()
	if st, err := os.Stat(charm); err == nil && st.IsDir() {
		charm = PackCharm(t, charm)
	}
	app, err := m.Deploy(ctx, charm, opts.Deploy)
	if err != nil {
		t.Fatalf("jujutest: %v", err)
	}
	var wait status.WaitForIdleOptions
	if opts.Wait != nil {
		wait = *opts.Wait
	} else {
		wait.Status = "active"
		if isSimulatorModel(m) {
			wait.IdlePeriod = DefaultSimulatorIdlePeriod
			wait.Interval = 100 * time.Millisecond
		}
	}
	if len(wait.Apps) == 0 {
		wait.Apps = []string{app.Name()}
	}
	st, err := m.WaitForIdle(ctx, &wait)
	if err != nil {
		t.Fatalf("jujutest: deployed %s, but: %v", app.Name(), waitFailure(err))
	}
	return app, st
}

// waitFailure renders a failed wait's error with the status it last saw.
func waitFailure(err error) string {
	var we *status.WaitError
	if !errors.As(err, &we) || we.Last == nil {
		return err.Error()
	}
	var b strings.Builder
	_ = we.Last.WriteTable(&b, &status.TableOptions{Relations: true}) // a strings.Builder does not fail
	return err.Error() + "\nthe status the wait last saw:\n" + b.String()
}

// simulatorModels holds the models jujutest made or reused on a simulator.
var simulatorModels sync.Map // *juju.Model -> true

func isSimulatorModel(m *juju.Model) bool {
	_, ok := simulatorModels.Load(m)
	return ok
}
