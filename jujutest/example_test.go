package jujutest_test

import (
	"context"
	"testing"
	"time"

	"github.com/gojuju/juju"
	"github.com/gojuju/juju/jujutest"
	"github.com/gojuju/juju/status"
)

// This example is a whole charm integration test, deployTest. An Example
// function has no *testing.T to give NewModel, so it is compiled but not
// run here; the package's own tests run deployTest (TestExampleDeploy).
//
// Run as is, the test deploys on the in-process simulator; with
// GOJUJU_CONTROLLER=mycontroller it deploys on that real controller, and
// with GOJUJU_KEEP_MODELS=failed a failing run leaves its model behind for
// a look with the juju CLI.
func ExampleNewModel() {
	_ = deployTest
}

func deployTest(t *testing.T) {
	m := jujutest.NewModel(t, nil) // destroyed when the test ends, pass or fail
	ctx := t.Context()

	if _, err := m.Deploy(ctx, "postgresql", &juju.DeployOptions{Channel: "14/stable", Base: "ubuntu@22.04", NumUnits: 2}); err != nil {
		t.Fatal(err)
	}
	st, err := m.WaitForIdle(ctx, &status.WaitForIdleOptions{
		Apps:       []string{"postgresql"},
		Status:     "active",
		IdlePeriod: time.Second, // the default, 15 s, suits real clouds
		Timeout:    10 * time.Minute,
	})
	if err != nil {
		t.Fatal(err) // the test log gets the status and debug log too
	}
	if leader := st.Leader("postgresql"); leader == nil {
		t.Error("postgresql has no leader")
	}
	if n := len(st.Units("postgresql")); n != 2 {
		t.Errorf("postgresql has %d units, want 2", n)
	}
}

// NewController serves tests of controller-level calls. Like ExampleNewModel,
// this is compiled but not run (it needs a *testing.T).
func ExampleNewController() {
	_ = func(t *testing.T) {
		c := jujutest.NewController(t, nil) // closed when the test ends
		ctx := t.Context()
		m, err := c.AddModel(ctx, "staging-test", nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.DestroyModel(context.WithoutCancel(ctx), m.Name(), nil) })
		models, err := c.Models(ctx)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%d models", len(models))
	}
}
