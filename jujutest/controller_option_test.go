package jujutest_test

import (
	"strings"
	"testing"
	"time"

	"github.com/gojuju/juju"
	"github.com/gojuju/juju/jujusim"
	"github.com/gojuju/juju/jujutest"
)

// Options.Controller creates the model on the controller it names (here an
// explicit connection to a simulator of the test's own), and with
// DestroyNoWait the cleanup only asks for the destruction: on a clock that
// does not move, the model is still there, dying, after the test.
func TestControllerOptionAndDestroyNoWait(t *testing.T) {
	sim, err := jujusim.Start(t.Context(), jujusim.Config{Clock: jujusim.NewFakeClock(time.Time{})})
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	cfg := &juju.Config{Addrs: sim.APIAddresses(), CACert: sim.CACert(), Username: sim.AdminUser(), Password: sim.AdminPassword(), Model: "ignored"}
	var name string
	rec := &recordingTB{}
	t.Run("explicit", func(t *testing.T) {
		rec.TB = t
		m := jujutest.NewModel(rec, &jujutest.Options{Controller: cfg, DestroyNoWait: true, DestroyTimeout: 5 * time.Second})
		name = m.Name()
		if _, ok := sim.ModelUUID("admin", name); !ok {
			t.Fatalf("model %q is not on the given controller", name)
		}
		c := jujutest.NewController(t, &jujutest.Options{Controller: cfg})
		if c.UUID() != sim.ControllerUUID() {
			t.Errorf("NewController reached %s, want the given controller %s", c.UUID(), sim.ControllerUUID())
		}
	})
	if strings.Contains(rec.String(), "still being destroyed") {
		t.Errorf("cleanup waited despite DestroyNoWait:\n%s", rec.String())
	}
	if _, ok := sim.ModelUUID("admin", name); !ok {
		t.Fatalf("model %q is gone before the clock moved", name)
	}
	ctrl, err := juju.Connect(t.Context(), *cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer ctrl.Close()
	info, err := ctrl.ModelInfo(t.Context(), "admin/"+name)
	if err != nil {
		t.Fatal(err)
	}
	if info.Life != "dying" {
		t.Errorf("after the cleanup the model is %q, want dying (destruction asked for)", info.Life)
	}
}
