package core

import (
	"github.com/gojuju/juju/internal/facades"
)

// ---- config ----

func (c *Controller) appConfigView(a *application) map[string]any {
	out := make(map[string]any, len(a.charm.config))
	for name, opt := range a.charm.config {
		e := map[string]any{"type": opt.Type}
		if opt.Description != "" {
			e["description"] = opt.Description
		}
		if opt.Default != nil {
			e["default"] = opt.Default
		}
		if v, ok := a.config[name]; ok {
			e["value"] = v
			e["source"] = "user"
		} else if opt.Default != nil {
			e["value"] = opt.Default
			e["source"] = "default"
		} else {
			e["source"] = "unset"
		}
		out[name] = e
	}
	return out
}

func (applicationFacade) Get(cx *callCtx, a facades.ApplicationGet) (facades.ApplicationGetResults, error) {
	if err := cx.check("read"); err != nil {
		return facades.ApplicationGetResults{}, err
	}
	c := cx.c
	app, ok := cx.m.apps[a.Application]
	if !ok {
		// The real 4.0 server words this one without quotes; 3.6 (its
		// state's lookup) with them.
		if !cx.is4() {
			return facades.ApplicationGetResults{}, errNotFound("application %q not found", a.Application)
		}
		return facades.ApplicationGetResults{}, errNotFound("application %s not found", a.Application)
	}
	trustSource := "default"
	if app.trust {
		trustSource = "user"
	}
	return facades.ApplicationGetResults{
		Application: app.name,
		ApplicationConfig: map[string]any{"trust": map[string]any{
			"default": false, "description": "Does this application have access to trusted credentials",
			"source": trustSource, "type": "bool", "value": app.trust,
		}},
		Base:             wireBase(app.base.noRisk()),
		Channel:          app.channel,
		Charm:            app.charm.name,
		Config:           c.appConfigView(app),
		Constraints:      app.cons,
		EndpointBindings: app.bindings,
	}, nil
}

func (applicationFacade) CharmConfig(cx *callCtx, a facades.ApplicationGetArgs) (facades.ApplicationGetConfigResults, error) {
	if err := cx.check("read"); err != nil {
		return facades.ApplicationGetConfigResults{}, err
	}
	return facades.ApplicationGetConfigResults{Results: eachItem(a.Args, func(g facades.ApplicationGet) (facades.ConfigResult, error) {
		app, err := cx.c.app(cx.m, g.Application)
		if err != nil {
			return facades.ConfigResult{}, err
		}
		return facades.ConfigResult{Config: cx.c.appConfigView(app)}, nil
	})}, nil
}

func (applicationFacade) SetConfigs(cx *callCtx, a facades.ConfigSetArgs) (facades.ErrorResults, error) {
	if err := cx.check("write"); err != nil {
		return facades.ErrorResults{}, err
	}
	c := cx.c
	return eachErr(a.Args, func(s facades.ConfigSet) error {
		app, err := c.app(cx.m, s.Application)
		if err != nil {
			return err
		}
		settings := map[string]any{}
		y, err := parseConfigYAML(app.name, s.ConfigYAML)
		if err != nil {
			return err
		}
		for k, v := range y {
			settings[k] = v
		}
		for k, v := range s.Config {
			settings[k] = v
		}
		cfg, hasTrust, trust, err := typedConfig(app.charm, settings)
		if err != nil {
			return err
		}
		for k, v := range cfg {
			app.config[k] = v
		}
		if hasTrust {
			app.trust = *trust
		}
		c.configChanged(app)
		return nil
	}), nil
}

func (c *Controller) configChanged(a *application) {
	for _, u := range a.sortedUnits() {
		if u.life == lifeAlive && u.ready {
			u.settled = false
			c.queueHooks(u, "config-changed")
		}
	}
	a.m.notify()
}

func (applicationFacade) UnsetApplicationsConfig(cx *callCtx, a facades.ApplicationConfigUnsetArgs) (facades.ErrorResults, error) {
	if err := cx.check("write"); err != nil {
		return facades.ErrorResults{}, err
	}
	c := cx.c
	return eachErr(a.Args, func(s facades.ApplicationUnset) error {
		app, err := c.app(cx.m, s.Application)
		if err != nil {
			return err
		}
		for _, k := range s.Options {
			if k == "trust" {
				app.trust = false
				continue
			}
			if _, ok := app.charm.config[k]; !ok {
				return errNotValid("unknown option %q", k)
			}
			delete(app.config, k)
		}
		c.configChanged(app)
		return nil
	}), nil

}
