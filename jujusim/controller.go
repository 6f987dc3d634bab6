package jujusim

import (
	"fmt"

	"github.com/gojuju/juju/jujusim/internal/core"
)

// newController creates the in-memory controller (package internal/core)
// that the transport serves. The transport knows nothing of Juju
// semantics: it frames requests, runs faults and hands each decoded call
// to the controller.
func newController(cfg Config) (*core.Controller, error) {
	timing := cfg.Timing
	if timing == (Timing{}) {
		var ok bool
		if timing, ok = core.TimingByName(string(cfg.Speed)); !ok {
			return nil, fmt.Errorf("unknown speed %q", cfg.Speed)
		}
	}
	return core.New(core.Config{
		JujuVersion:    cfg.JujuVersion,
		Clock:          cfg.Clock,
		Timing:         timing,
		Logger:         cfg.Logger,
		ControllerUUID: cfg.ControllerUUID,
		ControllerName: cfg.ControllerName,
		AdminPassword:  cfg.AdminPassword,
		DefaultModel:   cfg.DefaultModel,
	})
}
