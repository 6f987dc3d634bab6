package juju

import (
	"context"
	"slices"

	"github.com/gojuju/juju/internal/facades"
	"github.com/gojuju/juju/internal/facades/apiclient"
)

// readOnlyControllerConfig are controller-config keys set at bootstrap
// that the controller never lets a client change.
var readOnlyControllerConfig = []string{"api-port", "state-port", "ca-cert", "controller-uuid", "controller-name"}

// ControllerConfig returns the controller's configuration
// (Controller.ControllerConfig, as "juju controller-config").
func (c *Controller) ControllerConfig(ctx context.Context) (map[string]any, error) {
	cfg, err := c.controllerConfig(ctx)
	return cfg, opError("get config of controller", c.displayName(), err)
}

func (c *Controller) controllerConfig(ctx context.Context) (map[string]any, error) {
	conn, err := c.controllerConn(ctx)
	if err != nil {
		return nil, err
	}
	res, err := apiclient.NewControllerClient(conn).ControllerConfig(ctx)
	if err != nil {
		return nil, err
	}
	return res.Config, nil
}

// SetControllerConfig sets writable controller-config keys
// (Controller.ConfigSet, as "juju controller-config key=value"). The
// keys fixed at bootstrap ("api-port", "ca-cert", "controller-uuid", ...)
// are refused before sending; the controller refuses any other key it
// does not let clients change, naming them all, and changes nothing.
func (c *Controller) SetControllerConfig(ctx context.Context, settings map[string]any) error {
	return opError("set config of controller", c.displayName(), c.setControllerConfig(ctx, settings))
}

func (c *Controller) setControllerConfig(ctx context.Context, settings map[string]any) error {
	if len(settings) == 0 {
		return invalid(ErrInvalidConfig, "controller config", "", "name at least one key")
	}
	for k := range settings {
		if k == "" || slices.Contains(readOnlyControllerConfig, k) {
			return invalid(ErrInvalidConfig, "controller config key", k, "cannot be changed")
		}
	}
	conn, err := c.controllerConn(ctx)
	if err != nil {
		return err
	}
	return resolveWrite(ctx, func() error {
		return apiclient.NewControllerClient(conn).ConfigSet(ctx, facades.ControllerConfigSet{Config: settings})
	}, nil)
}
