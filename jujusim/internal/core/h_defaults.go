package core

import (
	"sort"
	"strconv"
	"strings"

	"github.com/gojuju/juju/internal/facades"
)

// ---- ModelManager: model defaults per cloud and region ----

// defaultsScope checks a cloud tag and region and returns the key of
// their defaults ("cloud" or "cloud/region").
func (c *Controller) defaultsScope(cloudTag, region string) (string, error) {
	n, ok := parseTag(cloudTag, "cloud")
	if !ok {
		return "", errNotValid("%q is not a valid cloud tag", cloudTag)
	}
	cl, ok := c.cloud(n)
	if !ok {
		return "", errNotFound("cloud %q not found", n)
	}
	if region == "" {
		return n, nil
	}
	for _, r := range cl.regions {
		if r == region {
			return n + "/" + region, nil
		}
	}
	return "", errNotValid("region %q not found in cloud %q", region, n)
}

// emptyDefaults are keys a new model sets itself (modelConfig) that the
// real 4.0.15 server lists among the model defaults with an empty default
// (model-default.jsonl).
var emptyDefaults = map[string]any{"logging-config": "", "resource-tags": ""}

// ModelDefaultsForClouds answers with every model-config key's default,
// the controller-wide value set for the cloud and the per-region values.
func (modelManagerFacade) ModelDefaultsForClouds(cx *callCtx, a facades.Entities) (facades.ModelDefaultsResults, error) {
	c := cx.c
	out := facades.ModelDefaultsResults{Results: eachItem(a.Entities, func(e facades.Entity) (facades.ModelDefaultsResult, error) {
		var r facades.ModelDefaultsResult
		scope, err := c.defaultsScope(e.Tag, "")
		if err != nil {
			return r, err
		}
		cl, _ := c.cloud(scope)
		r.Config = map[string]facades.ModelDefaults{}
		get := func(k string) facades.ModelDefaults {
			d, ok := r.Config[k]
			if !ok {
				d.Default = modelConfigDefaults[k]
				if v, ok := emptyDefaults[k]; ok {
					d.Default = v
				}
			}
			return d
		}
		for _, defaults := range []map[string]any{modelConfigDefaults, emptyDefaults} {
			for k := range defaults {
				r.Config[k] = get(k)
			}
		}
		for k, v := range c.defaults[scope] {
			d := get(k)
			d.Controller = v
			r.Config[k] = d
		}
		for _, reg := range cl.regions {
			keys := make([]string, 0, len(c.defaults[scope+"/"+reg]))
			for k := range c.defaults[scope+"/"+reg] {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				d := get(k)
				d.Regions = append(d.Regions, facades.RegionDefaults{RegionName: reg, Value: c.defaults[scope+"/"+reg][k]})
				r.Config[k] = d
			}
		}
		return r, nil
	})}
	return out, nil
}

// SetModelDefaults sets defaults for a cloud (or one of its regions);
// values of the wrong type are refused as ModelSet refuses them (keys
// models cannot change are taken, as the real server takes them).
func (modelManagerFacade) SetModelDefaults(cx *callCtx, a facades.SetModelDefaults) (facades.ErrorResults, error) {
	c := cx.c
	if err := cx.needSuperuser(); err != nil {
		return facades.ErrorResults{}, err
	}
	return eachErr(a.Config, func(v facades.ModelDefaultValues) error {
		scope, err := c.defaultsScope(v.CloudTag, v.CloudRegion)
		if err != nil {
			return err
		}
		for k, val := range v.Config {
			if readOnlyConfig[k] {
				continue // taken as the real 4.0.15 server takes it
			}
			if err := checkConfigValue(k, val); err != nil {
				return err
			}
		}
		if c.defaults == nil {
			c.defaults = map[string]map[string]any{}
		}
		if c.defaults[scope] == nil {
			c.defaults[scope] = map[string]any{}
		}
		for k, val := range v.Config {
			c.defaults[scope][k] = val
		}
		return nil
	}), nil
}

// UnsetModelDefaults removes defaults set for a cloud (or region).
func (modelManagerFacade) UnsetModelDefaults(cx *callCtx, a facades.UnsetModelDefaults) (facades.ErrorResults, error) {
	c := cx.c
	if err := cx.needSuperuser(); err != nil {
		return facades.ErrorResults{}, err
	}
	return eachErr(a.Keys, func(u facades.ModelUnsetKeys) error {
		scope, err := c.defaultsScope(u.CloudTag, u.CloudRegion)
		if err != nil {
			return err
		}
		for _, k := range u.Keys {
			delete(c.defaults[scope], k)
		}
		return nil
	}), nil
}

// ---- Controller: setting controller config ----

// writableControllerConfig are the controller-config keys ConfigSet
// takes, with the kind of value each takes ("int", "bool", "string").
var writableControllerConfig = map[string]string{
	"agent-logfile-max-backups": "int", "agent-logfile-max-size": "string",
	"audit-log-capture-args": "bool", "audit-log-exclude-methods": "string",
	"audit-log-max-backups": "int", "audit-log-max-size": "string", "auditing-enabled": "bool",
	"idle-connection-timeout": "string", "max-agent-state-size": "int", "max-charm-state-size": "int",
	"max-debug-log-duration": "string", "migration-agent-wait-time": "string",
	"model-logfile-max-backups": "int", "model-logfile-max-size": "string",
	"open-telemetry-enabled": "bool", "query-tracing-enabled": "bool", "query-tracing-threshold": "string",
	"ssh-max-concurrent-connections": "int",
}

// ConfigSet sets writable controller-config keys; read-only and unknown
// keys are refused, all of them named, as the real controller refuses
// them, and nothing is changed.
func (controllerFacade) ConfigSet(cx *callCtx, a facades.ControllerConfigSet) error {
	c := cx.c
	if err := cx.needSuperuser(); err != nil {
		return err
	}
	var bad []string
	for k := range a.Config {
		if _, ok := writableControllerConfig[k]; !ok {
			bad = append(bad, k)
		}
	}
	if len(bad) > 0 {
		sort.Strings(bad)
		return newErr("", "invalid or read-only controller config values cannot be updated: %v", bad)
	}
	for k, v := range a.Config {
		ok := false
		switch writableControllerConfig[k] {
		case "int":
			switch n := v.(type) {
			case float64:
				ok = n == float64(int64(n))
			case string:
				_, err := strconv.Atoi(n)
				ok = err == nil
				if ok {
					a.Config[k], _ = strconv.Atoi(n)
				}
			}
		case "bool":
			switch b := v.(type) {
			case bool:
				ok = true
			case string:
				pb, err := strconv.ParseBool(b)
				ok = err == nil
				a.Config[k] = pb
			}
		default:
			_, ok = v.(string)
		}
		if !ok {
			return errNotValid("%s: expected %s, got %T(%v)", k, writableControllerConfig[k], v, v)
		}
	}
	if c.ctrlConfig == nil {
		c.ctrlConfig = map[string]any{}
	}
	for k, v := range a.Config {
		c.ctrlConfig[k] = v
	}
	return nil
}

// ControllerAPIInfoForModels answers, for each model the user can read,
// the controller's API addresses (those of the connection's listener,
// without scheme) and CA certificate: every model lives on this one
// controller.
func (controllerFacade) ControllerAPIInfoForModels(cx *callCtx, a facades.Entities) (facades.ControllerAPIInfoResults, error) {
	c := cx.c
	out := facades.ControllerAPIInfoResults{Results: eachItem(a.Entities, func(e facades.Entity) (facades.ControllerAPIInfoResult, error) {
		var r facades.ControllerAPIInfoResult
		if _, err := c.modelForUser(cx, e.Tag, "read"); err != nil {
			return r, err
		}
		r.Addresses = []string{}
		for _, a := range cx.s.addrs {
			r.Addresses = append(r.Addresses, strings.TrimPrefix(strings.TrimPrefix(a, "wss://"), "ws://"))
		}
		r.Cacert = c.caCert
		return r, nil
	})}
	return out, nil
}
