package juju

import (
	"context"
	"encoding/json"
	"slices"
	"strings"

	"github.com/gojuju/juju/status"
)

// The wait engine's transient-state guard (package status) must know when
// this client last changed each application, so that a wait started right
// after a change cannot pass on the state from before it. Every change is
// recorded in one place: the mutation hook of the connection wrapper
// (apiConn, caller.go), which runs after each mutating call (by the
// generator's facades.Mutating table) that the controller accepted or whose
// outcome is unknown, on every path: the typed operations, Model.Call and
// tests' raw calls alike. The applications a call touches are read from its
// params (changedApplications), so that a change to one application does
// not hold a wait for another.

// recordChange is the Controller's mutation hook: it records an accepted
// mutating call on a model connection in that model's change log.
func (c *Controller) recordChange(_ context.Context, mu mutation) {
	if mu.Model == "" {
		return // controller connection: models added or destroyed, users, clouds
	}
	apps, touches := changedApplications(mu.Facade, mu.Method, mu.Params)
	if !touches {
		return
	}
	c.changeLog(mu.Model).Record(apps...)
}

// changeLog returns the change log of a model, which every Model on it from
// this Controller shares.
func (c *Controller) changeLog(uuid string) *status.ChangeRecorder {
	c.mu.Lock()
	defer c.mu.Unlock()
	l := c.changeLogs[uuid]
	if l == nil {
		if c.changeLogs == nil {
			c.changeLogs = make(map[string]*status.ChangeRecorder)
		}
		l = &status.ChangeRecorder{}
		c.changeLogs[uuid] = l
	}
	return l
}

// quietMethods are mutating methods after which no agent of the model
// reacts, so that a wait need not hold for them: a charm added but not yet
// used, a resource staged for a deploy (the deploy itself is recorded), a
// secret nobody was granted yet, annotations, and model settings that only
// apply to what is created later.
var quietMethods = map[string]bool{
	"Charms.AddCharm":                   true,
	"Resources.AddPendingResources":     true,
	"Secrets.CreateSecrets":             true,
	"Annotations.Set":                   true,
	"ModelConfig.ModelSet":              true,
	"ModelConfig.ModelUnset":            true,
	"ModelConfig.SetModelConstraints":   true,
	"ModelConfig.SetModelSecretBackend": true,
	"ModelConfig.SetSLALevel":           true,
}

// changedApplications returns the applications a mutating call touches,
// read from its params, and whether it touches the model at all. No
// applications with touches true means the whole model (machines, secret
// updates, a relation removed by id, or params it cannot read).
//
// It reads the params as JSON and collects: application tags and unit tags
// wherever they appear ("application-pg", "unit-pg-0"); the values of the
// keys "application", "application-name" and "applications" (strings);
// unit names under "units" ("pg/0"); and the applications of endpoints
// under "endpoints" ("pg:db"). It does not look inside config, content,
// parameters, constraints or annotations, whose values are the user's.
func changedApplications(facade, method string, params any) (apps []string, touches bool) {
	if quietMethods[facade+"."+method] {
		return nil, false
	}
	data, err := json.Marshal(params)
	if err != nil {
		return nil, true
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, true
	}
	found := map[string]bool{}
	collectApplications(v, "", found)
	for app := range found {
		apps = append(apps, app)
	}
	slices.Sort(apps)
	return apps, true
}

// skippedKeys hold user data, never names of what a call changes.
var skippedKeys = map[string]bool{
	"config": true, "config-yaml": true, "config-settings": true, "settings": true,
	"content": true, "data": true, "parameters": true, "params-yaml": true,
	"constraints": true, "annotations": true, "commands": true,
}

// collectApplications walks a decoded JSON value (key is the object key
// it was found under) and adds the applications it names to found.
func collectApplications(v any, key string, found map[string]bool) {
	add := func(app string) {
		if IsValidApplicationName(app) {
			found[app] = true
		}
	}
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			if !skippedKeys[strings.ToLower(k)] {
				collectApplications(e, strings.ToLower(k), found)
			}
		}
	case []any:
		for _, e := range v {
			collectApplications(e, key, found)
		}
	case string:
		if app, ok := tagID(v, "application"); ok {
			add(app)
			return
		}
		if unit, ok := tagID(v, "unit"); ok {
			if i := strings.LastIndexByte(unit, '-'); i > 0 {
				add(unit[:i])
			}
			return
		}
		switch key {
		case "application", "application-name", "applicationname", "applications":
			add(v)
		case "units":
			if app, _, ok := strings.Cut(v, "/"); ok {
				add(app)
			}
		case "endpoints":
			app, _, _ := strings.Cut(v, ":")
			add(app)
		}
	}
}
