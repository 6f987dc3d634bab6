package core

import (
	"encoding/json"
	"errors"

	"github.com/gojuju/juju/internal/facades"

	"go.yaml.in/yaml/v3"
)

// ociDocument turns the uploaded content of an OCI image resource (YAML
// or JSON with registrypath, username, password, as the juju CLI sends
// it) into the document the controller stores, {"ImageName", "Username",
// "Password"}. Its errors never quote the content.
func ociDocument(data []byte) ([]byte, error) {
	var in struct {
		RegistryPath string `yaml:"registrypath"`
		Username     string `yaml:"username"`
		Password     string `yaml:"password"`
	}
	if err := yaml.Unmarshal(data, &in); err != nil {
		return nil, errors.New("the content is not a YAML or JSON document with registrypath, username and password")
	}
	if in.RegistryPath == "" {
		return nil, errors.New("docker image path \"\" not valid")
	}
	return json.Marshal(struct {
		ImageName string
		Username  string
		Password  string
	}{in.RegistryPath, in.Username, in.Password})
}

// checkSetCharmResources checks the pending ids of an Application.SetCharm
// before anything changes.
func checkSetCharmResources(m *model, app string, ch *charm, ids map[string]string) error {
	for name, id := range ids {
		if _, ok := ch.resources[name]; !ok {
			return errNotValid("cannot upgrade application %q: resource %q not found in charm %q", app, name, ch.name)
		}
		r, ok := m.res().pending[id]
		if !ok || r.name != name || r.app != app {
			return errNotFound("cannot upgrade application %q: pending resource %q (%s) not found", app, name, id)
		}
	}
	return nil
}

// attachSetCharmResources makes the pending resources named by ids the
// application's, after a SetCharm; the resource takes its pending id as
// its id, as on the real server. Resources of the new charm that the
// application had none of get placeholders (local charms) or store
// records (Charmhub).
func attachSetCharmResources(m *model, a *application, ids map[string]string) {
	mr := m.res()
	recs := mr.apps[a.name]
	if recs == nil {
		recs = map[string]*resourceRecord{}
		mr.apps[a.name] = recs
	}
	for name, id := range ids {
		r := mr.pending[id]
		delete(mr.pending, id)
		r.id, r.pendingID = id, ""
		recs[name] = r
	}
	for _, name := range sortedResourceNames(a.charm) {
		if _, ok := recs[name]; ok {
			continue
		}
		cr := a.charm.resources[name]
		if a.charm.schema == "ch" {
			recs[name] = storeResource(a.name, cr, 1)
		} else {
			recs[name] = &resourceRecord{id: newUUID(), app: a.name, name: name, typ: cr.Type, path: cr.Path, description: cr.Description, origin: "upload"}
		}
	}
}

// checkAllPending refuses, as the real 4.0.15 server does (without an
// error code), the deploy of a local charm that does not name a pending
// resource for each resource it declares; the juju CLI adds the ones not
// supplied as placeholders (origin store, revision -1).
func checkAllPending(c *Controller, ch *charm, ids map[string]string) error {
	if ch.schema != "local" || c.major < 4 {
		return nil
	}
	for name := range ch.resources {
		if _, ok := ids[name]; !ok {
			return newErr("", "not all pending resources for charm provided")
		}
	}
	return nil
}

// addPendingUnbound adds pending resources that name no charm, as the
// 3.6 CLI sends an OCI image resource: the records take their type and
// description from the request; Deploy checks them against the charm.
func (c *Controller) addPendingUnbound(cx *callCtx, app string, rs []facades.CharmResource) ([]string, error) {
	ids := make([]string, 0, len(rs))
	for _, r := range rs {
		if r.Origin != "upload" {
			return nil, errNotValid("resource %q: a pending resource without a charm must be uploaded, not %q", r.Name, r.Origin)
		}
		rec := &resourceRecord{id: newUUID(), pendingID: newUUID(), app: app, name: r.Name, typ: r.Type, path: r.Path,
			description: r.Description, origin: "upload", username: cx.u.name}
		cx.m.res().pending[rec.pendingID] = rec
		ids = append(ids, rec.pendingID)
	}
	return ids, nil
}
