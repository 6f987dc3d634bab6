package juju

import (
	"context"
	"fmt"
	"slices"

	"github.com/gojuju/juju/internal/facades"
	"github.com/gojuju/juju/internal/facades/apiclient"
)

// ModelDefault is one model-config key's defaults on a cloud
// (ModelManager.ModelDefaultsForClouds, as "juju model-defaults").
type ModelDefault struct {
	// Default is Juju's own default value (nil if none).
	Default any
	// Controller is the value set for the whole cloud (nil if none).
	Controller any
	// Regions are the values set for regions of the cloud.
	Regions map[string]any
}

// ModelDefaults returns the model-config defaults of cloud, by key.
func (c *Controller) ModelDefaults(ctx context.Context, cloud string) (map[string]ModelDefault, error) {
	d, err := c.modelDefaults(ctx, cloud)
	return d, opError("get model defaults of cloud", cloud, err)
}

func (c *Controller) modelDefaults(ctx context.Context, cloud string) (map[string]ModelDefault, error) {
	if err := checkCloudName(cloud); err != nil {
		return nil, err
	}
	conn, err := c.controllerConn(ctx)
	if err != nil {
		return nil, err
	}
	res, err := apiclient.NewModelManagerClient(conn).ModelDefaultsForClouds(ctx, facades.Entities{Entities: []facades.Entity{{Tag: cloudTag(cloud)}}})
	if err != nil {
		return nil, err
	}
	if len(res.Results) != 1 {
		return nil, fmt.Errorf("expected 1 result, got %d", len(res.Results))
	}
	if res.Results[0].Error != nil {
		return nil, apiclient.ServerError(res.Results[0].Error)
	}
	out := make(map[string]ModelDefault, len(res.Results[0].Config))
	for k, w := range res.Results[0].Config {
		d := ModelDefault{Default: w.Default, Controller: w.Controller}
		for _, r := range w.Regions {
			if d.Regions == nil {
				d.Regions = map[string]any{}
			}
			d.Regions[r.RegionName] = r.Value
		}
		out[k] = d
	}
	return out, nil
}

func checkCloudName(cloud string) error {
	if cloud == "" || !validSpace.MatchString(cloud) {
		return invalid(ErrInvalidName, "cloud name", cloud, "must be lower-case letters and digits in hyphen-separated parts")
	}
	return nil
}

// SetModelDefaults sets model-config defaults for new models on cloud,
// or on one of its regions when region is not empty
// (ModelManager.SetModelDefaults, as "juju model-defaults cloud k=v").
// The controller takes any key, even one models cannot change (the real
// 4.0.15 server does).
func (c *Controller) SetModelDefaults(ctx context.Context, cloud, region string, settings map[string]any) error {
	return opError("set model defaults of cloud", cloud, c.setModelDefaults(ctx, cloud, region, settings))
}

func (c *Controller) setModelDefaults(ctx context.Context, cloud, region string, settings map[string]any) error {
	if err := checkCloudName(cloud); err != nil {
		return err
	}
	if len(settings) == 0 {
		return invalid(ErrInvalidConfig, "model defaults", "", "name at least one key")
	}
	for k := range settings {
		if k == "" {
			return invalid(ErrInvalidConfig, "model default key", k, "must not be empty")
		}
	}
	conn, err := c.controllerConn(ctx)
	if err != nil {
		return err
	}
	return resolveWrite(ctx, func() error {
		return errorResults(apiclient.NewModelManagerClient(conn).SetModelDefaults(ctx, facades.SetModelDefaults{Config: []facades.ModelDefaultValues{{
			CloudTag: cloudTag(cloud), CloudRegion: region, Config: settings}}}))
	}, nil)
}

// UnsetModelDefaults removes defaults set on cloud (or its region) for
// keys (ModelManager.UnsetModelDefaults, as "juju model-defaults
// --reset").
func (c *Controller) UnsetModelDefaults(ctx context.Context, cloud, region string, keys ...string) error {
	return opError("unset model defaults of cloud", cloud, c.unsetModelDefaults(ctx, cloud, region, keys))
}

func (c *Controller) unsetModelDefaults(ctx context.Context, cloud, region string, keys []string) error {
	if err := checkCloudName(cloud); err != nil {
		return err
	}
	if len(keys) == 0 || slices.Contains(keys, "") {
		return invalid(ErrInvalidConfig, "model default keys", "", "name at least one key")
	}
	conn, err := c.controllerConn(ctx)
	if err != nil {
		return err
	}
	return resolveWrite(ctx, func() error {
		return errorResults(apiclient.NewModelManagerClient(conn).UnsetModelDefaults(ctx, facades.UnsetModelDefaults{Keys: []facades.ModelUnsetKeys{{
			CloudTag: cloudTag(cloud), CloudRegion: region, Keys: keys}}}))
	}, nil)
}
