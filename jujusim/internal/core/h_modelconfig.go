package core

import (
	"fmt"
	"sort"

	"github.com/gojuju/juju/internal/facades"
)

// modelConfigDefaults are the dummy provider's model-config defaults as
// the real 4.0.15 server reports them (deploy.jsonl, ModelGet).
var modelConfigDefaults = map[string]any{
	"agent-metadata-url": "", "apt-ftp-proxy": "", "apt-http-proxy": "", "apt-https-proxy": "",
	"apt-mirror": "", "apt-no-proxy": "", "automatically-retry-hooks": true, "backup-dir": "",
	"broken": "", "charmhub-url": "https://api.charmhub.io", "cloudinit-userdata": "",
	"container-image-metadata-defaults-disabled": false, "container-image-metadata-url": "",
	"container-image-stream": "released", "container-inherit-properties": "",
	"container-networking-method": "", "default-base": "", "default-space": "", "development": false,
	"disable-network-management": false, "disable-telemetry": false, "egress-subnets": "",
	"enable-os-refresh-update": true, "enable-os-upgrade": true, "firewall-mode": "instance",
	"ftp-proxy": "", "http-proxy": "", "https-proxy": "", "image-metadata-defaults-disabled": false,
	"image-metadata-url": "", "image-stream": "released", "juju-ftp-proxy": "", "juju-http-proxy": "",
	"juju-https-proxy": "", "juju-no-proxy": "127.0.0.1,localhost,::1", "lxd-snap-channel": "5.0/stable",
	"max-action-results-age": "336h", "max-action-results-size": "5G", "mode": "requires-prompts",
	"net-bond-reconfigure-delay": 17, "no-proxy": "127.0.0.1,localhost,::1",
	"num-container-provision-workers": 4, "num-provision-workers": 16, "proxy-ssh": false,
	"saas-ingress-allow": "0.0.0.0/0,::/0", "secret": "pork", "snap-http-proxy": "", "snap-https-proxy": "",
	"snap-store-assertions": "", "snap-store-proxy": "", "snap-store-proxy-url": "", "somebool": false,
	"ssh-allow": "0.0.0.0/0,::/0", "ssl-hostname-verification": true, "test-mode": false,
	"transmit-vendor-metrics": true, "update-status-hook-interval": "5m",
}

// dummyProviderConfig are the keys of modelConfigDefaults that are the
// dummy provider's own: a model of another provider, such as a Kubernetes
// one, has none of them (deploy-k8s-charm.jsonl, ModelGet).
var dummyProviderConfig = map[string]bool{"broken": true, "secret": true, "somebool": true}

// Keys whose values are set from the model itself (source "model" or
// "controller").
var readOnlyConfig = map[string]bool{"name": true, "type": true, "uuid": true, "agent-version": true}

func (c *Controller) modelConfig(m *model) map[string]facades.ConfigValue {
	out := make(map[string]facades.ConfigValue, len(modelConfigDefaults)+8)
	for k, v := range modelConfigDefaults {
		if dummyProviderConfig[k] && m.providerType != "dummy" {
			continue
		}
		out[k] = facades.ConfigValue{Source: "default", Value: v}
	}
	if c.major < 4 {
		out["default-series"] = facades.ConfigValue{Source: "default", Value: ""}
		out["secret-backend"] = facades.ConfigValue{Source: "default", Value: "auto"}
	}
	out["agent-stream"] = facades.ConfigValue{Source: "model", Value: "released"}
	out["agent-version"] = facades.ConfigValue{Source: "model", Value: c.version}
	out["logging-config"] = facades.ConfigValue{Source: "model", Value: "<root>=INFO"}
	out["resource-tags"] = facades.ConfigValue{Source: "model", Value: map[string]any{}}
	out["name"] = facades.ConfigValue{Source: "controller", Value: m.name}
	out["type"] = facades.ConfigValue{Source: "controller", Value: m.providerType}
	out["uuid"] = facades.ConfigValue{Source: "controller", Value: m.uuid}
	if keys := c.configKeys(m); keys != "" && c.major < 4 {
		out[authorizedKeysConfig] = facades.ConfigValue{Source: "model", Value: keys}
	}
	for k, v := range m.config {
		src := "model"
		if d, dsrc, ok := c.storedDefault(m, k); ok && fmt.Sprint(d) == fmt.Sprint(v) {
			src = dsrc
		}
		out[k] = facades.ConfigValue{Source: src, Value: v}
	}
	return out
}

// storedDefault returns the model default stored for key k on m's region
// (source "region") or, failing that, its cloud (source "controller").
// A model value equal to it is reported with that source, as the real
// controller reports it.
func (c *Controller) storedDefault(m *model, k string) (v any, source string, ok bool) {
	if v, ok := c.defaults[m.cloud+"/"+m.region][k]; ok && m.region != "" {
		return v, "region", true
	}
	if v, ok := c.defaults[m.cloud][k]; ok {
		return v, "controller", true
	}
	return nil, "", false
}

func (modelConfigFacade) ModelGet(cx *callCtx) (facades.ModelConfigResults, error) {
	if err := cx.need("read"); err != nil {
		return facades.ModelConfigResults{}, err
	}
	return facades.ModelConfigResults{Config: cx.c.modelConfig(cx.m)}, nil
}

// checkConfigValue validates a model-config value against the type of its
// default.
func checkConfigValue(k string, v any) error {
	if readOnlyConfig[k] {
		return errNotValid("config key %q not valid: cannot be changed", k)
	}
	def, ok := modelConfigDefaults[k]
	if !ok || v == nil {
		return nil
	}
	bad := false
	switch def.(type) {
	case bool:
		_, isBool := v.(bool)
		if s, isStr := v.(string); isStr {
			isBool = s == "true" || s == "false"
		}
		bad = !isBool
	case int:
		switch x := v.(type) {
		case float64:
			bad = x != float64(int64(x))
		case string:
			_, err := fmt.Sscanf(x, "%d", new(int))
			bad = err != nil
		default:
			bad = true
		}
	case string:
		_, bad = v.(map[string]any)
	}
	if bad {
		return errNotValid("config key %q not valid: expected %T, got %v", k, def, v)
	}
	return nil
}

func (modelConfigFacade) ModelSet(cx *callCtx, a facades.ModelSet) error {
	if err := cx.check("admin"); err != nil {
		return err
	}
	keys := make([]string, 0, len(a.Config))
	for k := range a.Config {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if k == "agent-stream" && cx.is4() {
			continue // intercepted by 4.0: sets the agent stream, not stored
		}
		if k == authorizedKeysConfig && cx.is4() {
			return errNotValid("config key [%q] not valid: attributes not allowed in model config", k)
		}
		if err := checkConfigValue(k, a.Config[k]); err != nil {
			return err
		}
	}
	for _, k := range keys {
		switch {
		case k == "agent-stream" && cx.is4():
		case k == authorizedKeysConfig:
			cx.c.setConfigKeys(cx.m, a.Config[k])
		default:
			cx.m.config[k] = a.Config[k]
		}
	}
	cx.m.notify()
	return nil
}

func (modelConfigFacade) ModelUnset(cx *callCtx, a facades.ModelUnset) error {
	if err := cx.check("admin"); err != nil {
		return err
	}
	for _, k := range a.Keys {
		if readOnlyConfig[k] {
			return errNotValid("config key %q not valid: cannot be unset", k)
		}
	}
	for _, k := range a.Keys {
		if k == authorizedKeysConfig {
			if !cx.is4() {
				cx.c.setConfigKeys(cx.m, "")
			}
			continue
		}
		// An unset key takes the stored model default again, if any, as
		// on a real controller.
		if v, _, ok := cx.c.storedDefault(cx.m, k); ok {
			cx.m.config[k] = v
		} else {
			delete(cx.m.config, k)
		}
	}
	cx.m.notify()
	return nil
}

func (modelConfigFacade) GetModelConstraints(cx *callCtx) (facades.GetConstraintsResults, error) {
	if err := cx.need("read"); err != nil {
		return facades.GetConstraintsResults{}, err
	}
	return facades.GetConstraintsResults{Constraints: cx.m.constraints}, nil
}

func (modelConfigFacade) SetModelConstraints(cx *callCtx, a facades.SetConstraints) error {
	if err := cx.check("write"); err != nil {
		return err
	}
	if a.Application != "" {
		return errNotValid("cannot set model constraints: application name must be empty")
	}
	cx.m.constraints = a.Constraints
	cx.m.notify()
	return nil
}

func (modelConfigFacade) GetModelSecretBackend(cx *callCtx) (facades.StringResult, error) {
	if err := cx.need("read"); err != nil {
		return facades.StringResult{}, err
	}
	name := configString(cx.m, "secret-backend")
	if name == "" {
		name = "auto"
	}
	return facades.StringResult{Result: name}, nil
}

func (modelConfigFacade) SetModelSecretBackend(cx *callCtx, a facades.SetModelSecretBackendArg) (facades.ErrorResult, error) {
	if err := cx.check("admin"); err != nil {
		return facades.ErrorResult{}, err
	}
	var r facades.ErrorResult
	if a.SecretBackendName != "auto" && a.SecretBackendName != "internal" {
		if _, ok := cx.c.backends[a.SecretBackendName]; !ok {
			setErr(&r.Error, newErr(CodeSecretBackendNotFound, "secret backend %q not found", a.SecretBackendName))
			return r, nil
		}
	}
	cx.m.config["secret-backend"] = a.SecretBackendName
	return r, nil
}
