package core

import (
	"context"
	"crypto/sha512"
	"encoding/hex"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gojuju/juju/internal/facades"
)

// Resources: charms declare them (metadata.yaml "resources:"), clients add
// local files as pending resources (Resources.AddPendingResources) and
// upload them (PUT /model/<uuid>/applications/<app>/resources/<name>
// [?pendingid=<id>]); Application.Deploy resolves the pending ids, and
// DeployFromRepository lists the local files still to upload.

// charmResource is a resource a charm declares.
type charmResource struct {
	Name        string
	Type        string // file | oci-image
	Path        string // the file name units see
	Description string
}

// yamlResource is one entry of metadata.yaml "resources:".
type yamlResource struct {
	Type        string `yaml:"type"`
	Filename    string `yaml:"filename"`
	Description string `yaml:"description"`
}

// charmResources converts the metadata's resources; the type defaults to
// "file".
func charmResources(in map[string]yamlResource) map[string]charmResource {
	if len(in) == 0 {
		return nil
	}
	out := make(map[string]charmResource, len(in))
	for n, r := range in {
		t := r.Type
		if t == "" {
			t = "file"
		}
		out[n] = charmResource{Name: n, Type: t, Path: r.Filename, Description: r.Description}
	}
	return out
}

// resourceRecord is a resource of an application, or a pending one.
type resourceRecord struct {
	id          string
	pendingID   string
	app         string
	name        string
	typ         string
	path        string
	description string
	origin      string // store | upload
	revision    int
	fingerprint []byte
	size        int
	username    string
	timestamp   time.Time
	content     []byte // an OCI image resource's stored document
}

func (r *resourceRecord) wire() facades.Resource {
	out := facades.Resource{
		CharmResource: facades.CharmResource{
			Name: r.name, Type: r.typ, Path: r.path, Description: r.description, Origin: r.origin,
			Revision: r.revision, Fingerprint: r.fingerprint, Size: r.size,
		},
		Application: r.app, ID: r.id, Username: r.username,
	}
	if r.pendingID != "" {
		// A pending resource is not yet the application's: the real
		// server answers its upload with the pending id as its id and no
		// application.
		out.Application, out.ID = "", r.pendingID
	}
	if out.Fingerprint == nil {
		out.Fingerprint = []byte{}
	}
	if !r.timestamp.IsZero() {
		out.Timestamp = timePtr(r.timestamp)
	}
	return out
}

// modelResources holds a model's resources.
type modelResources struct {
	pending map[string]*resourceRecord            // by pending id
	apps    map[string]map[string]*resourceRecord // application -> name -> resource
}

func (m *model) res() *modelResources {
	if m.resources == nil {
		m.resources = &modelResources{pending: map[string]*resourceRecord{}, apps: map[string]map[string]*resourceRecord{}}
	}
	return m.resources
}

// storeResource is the record of a charm resource taken from Charmhub.
func storeResource(app string, cr charmResource, revision int) *resourceRecord {
	sum := sha512.Sum384([]byte(app + "/" + cr.Name + "/" + strconv.Itoa(revision)))
	return &resourceRecord{
		id: newUUID(), app: app, name: cr.Name, typ: cr.Type, path: cr.Path, description: cr.Description,
		origin: "store", revision: revision, fingerprint: sum[:], size: 1024,
	}
}

// checkPendingResources checks the pending ids of an Application.Deploy
// before anything changes.
func checkPendingResources(m *model, app string, ch *charm, ids map[string]string) error {
	for name, id := range ids {
		if _, ok := ch.resources[name]; !ok {
			return errNotValid("cannot deploy %q: resource %q not found in charm %q", app, name, ch.name)
		}
		r, ok := m.res().pending[id]
		if !ok || r.name != name || r.app != app {
			return errNotFound("cannot deploy %q: pending resource %q (%s) not found", app, name, id)
		}
	}
	return nil
}

// attachDeployResources records a new application's resources: the
// pending ones named by ids, and the charm's other resources (from the
// store for Charmhub charms, placeholders awaiting an upload for local
// ones). It returns the resources of files the client still has to upload
// (DeployFromRepository's PendingResourceUploads), given files, the
// client's resource name -> file name or revision map.
func (c *Controller) attachDeployResources(m *model, a *application, ids, files map[string]string) []facades.PendingResourceUpload {
	mr := m.res()
	recs := map[string]*resourceRecord{}
	mr.apps[a.name] = recs
	var uploads []facades.PendingResourceUpload
	for _, name := range sortedResourceNames(a.charm) {
		cr := a.charm.resources[name]
		if id, ok := ids[name]; ok {
			r := mr.pending[id]
			delete(mr.pending, id)
			r.id, r.pendingID = id, ""
			recs[name] = r
			continue
		}
		if a.charm.schema != "ch" {
			recs[name] = &resourceRecord{id: newUUID(), app: a.name, name: name, typ: cr.Type, path: cr.Path, description: cr.Description, origin: "upload"}
			continue
		}
		v, given := files[name]
		rev, err := strconv.Atoi(v)
		switch {
		case !given:
			recs[name] = storeResource(a.name, cr, 1)
		case err == nil:
			recs[name] = storeResource(a.name, cr, rev)
		default:
			recs[name] = &resourceRecord{id: newUUID(), app: a.name, name: name, typ: cr.Type, path: cr.Path, description: cr.Description, origin: "upload"}
			uploads = append(uploads, facades.PendingResourceUpload{Name: name, Type: cr.Type, Filename: v})
		}
	}
	return uploads
}

// checkRepoResources checks DeployFromRepository's resources argument.
func checkRepoResources(app string, ch *charm, files map[string]string) error {
	for name, v := range files {
		if _, ok := ch.resources[name]; !ok {
			return errNotValid("cannot deploy %q: resource %q not found in charm %q", app, name, ch.name)
		}
		if n, err := strconv.Atoi(v); err == nil && n < 0 {
			return errNotValid("cannot deploy %q: resource %q: invalid revision %d", app, name, n)
		}
	}
	return nil
}

func sortedResourceNames(ch *charm) []string {
	out := make([]string, 0, len(ch.resources))
	for n := range ch.resources {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func (resourcesFacade) AddPendingResources(cx *callCtx, a facades.AddPendingResourcesArgsV2) (facades.AddPendingResourcesResult, error) {
	if err := cx.check("write"); err != nil {
		return facades.AddPendingResourcesResult{}, err
	}
	var out facades.AddPendingResourcesResult
	ids, err := cx.c.addPending(cx, a)
	if err != nil {
		setErr(&out.Error, err)
		return out, nil
	}
	out.PendingIds = ids
	return out, nil
}

func (c *Controller) addPending(cx *callCtx, a facades.AddPendingResourcesArgsV2) ([]string, error) {
	m := cx.m
	app, ok := strings.CutPrefix(a.Tag, "application-")
	if !ok || !validAppName(app) {
		return nil, errNotValid("%q is not a valid application tag", a.Tag)
	}
	if a.URL == "" {
		// The 3.6 CLI uploads an OCI image resource of a local charm as a
		// pending resource named by the application alone, before the
		// charm is known: the resource describes itself.
		return c.addPendingUnbound(cx, app, a.Resources)
	}
	ch, ok := m.charms[a.URL]
	if !ok {
		ch = c.findCharm(m, a.URL)
	}
	if ch == nil {
		return nil, errNotFound("charm %q not found", a.URL)
	}
	for _, r := range a.Resources {
		if _, ok := ch.resources[r.Name]; !ok {
			return nil, errNotValid("resource %q not found in charm %q", r.Name, ch.name)
		}
		switch r.Origin {
		case "upload", "store":
		default:
			return nil, errNotValid("resource %q: unknown origin %q", r.Name, r.Origin)
		}
	}
	ids := make([]string, 0, len(a.Resources))
	for _, r := range a.Resources {
		cr := ch.resources[r.Name]
		rec := &resourceRecord{
			id: newUUID(), pendingID: newUUID(), app: app, name: r.Name, typ: cr.Type, path: cr.Path,
			description: cr.Description, origin: r.Origin, revision: r.Revision, username: cx.u.name,
		}
		if r.Origin == "store" && (r.Revision >= 0 || ch.schema == "ch") {
			rec = storeResource(app, cr, r.Revision)
			rec.pendingID = newUUID()
		} else if r.Origin == "store" {
			// A local charm's resource that the client did not supply
			// (origin store, revision -1, as the juju CLI sends): a
			// placeholder awaiting an upload.
			rec.origin, rec.revision, rec.username = "upload", 0, ""
			rec.timestamp = c.now()
		}
		m.res().pending[rec.pendingID] = rec
		ids = append(ids, rec.pendingID)
	}
	return ids, nil
}

func (resourcesFacade) ListResources(cx *callCtx, a facades.ListResourcesArgs) (facades.ResourcesResults, error) {
	if err := cx.check("read"); err != nil {
		return facades.ResourcesResults{}, err
	}
	return facades.ResourcesResults{Results: eachItem(a.Entities, func(e facades.Entity) (facades.ResourcesResult, error) {
		var res facades.ResourcesResult
		app, err := cx.c.appFromTag(cx.m, e.Tag)
		if err != nil {
			return res, err
		}
		recs := cx.m.res().apps[app.name]
		res.Resources = []facades.Resource{}
		res.CharmStoreResources = []facades.CharmResource{}
		for _, name := range sortedResourceNames(app.charm) {
			if r, ok := recs[name]; ok {
				res.Resources = append(res.Resources, r.wire())
			}
			if app.charm.schema == "ch" {
				res.CharmStoreResources = append(res.CharmStoreResources, storeResource(app.name, app.charm.resources[name], 1).wire().CharmResource)
			} else if !cx.is4() {
				// The 3.6 CLI wants a charm-store entry for each of the
				// application's resources ("have fewer charm store resources
				// than application resources"); a local charm's are its
				// declared resources, uploaded.
				cr := app.charm.resources[name]
				res.CharmStoreResources = append(res.CharmStoreResources, facades.CharmResource{
					Name: name, Type: cr.Type, Path: cr.Path, Description: cr.Description, Origin: "upload", Fingerprint: []byte{}})
			}
		}
		// A unit's resources are those its agent fetched: none here,
		// which the real server sends as null (resources.jsonl).
		res.UnitResources = []facades.UnitResources{}
		for _, u := range sortedUnits(app) {
			res.UnitResources = append(res.UnitResources, facades.UnitResources{Entity: facades.Entity{Tag: unitTag(u)}})
		}
		return res, nil
	})}, nil

}

func sortedUnits(a *application) []string {
	out := make([]string, 0, len(a.units))
	for n := range a.units {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// UploadResource stores the content of a resource uploaded with
// PUT /model/<uuid>/applications/<app>/resources/<name>[?pendingid=<id>]
// by userName (already authenticated). sha384 is the Content-Sha384
// header, filename the Content-Disposition file name. It returns the
// stored resource (the body's "resource").
func (c *Controller) UploadResource(ctx context.Context, userName, modelUUID, app, name, pendingID, filename, sha384 string, data []byte) (facades.Resource, error) {
	sum := sha512.Sum384(data)
	if sha384 == "" {
		return facades.Resource{}, errBadRequest("missing Content-Sha384 header")
	}
	if !strings.EqualFold(sha384, hex.EncodeToString(sum[:])) {
		return facades.Resource{}, errBadRequest("resource %q: sha384 %q does not match the uploaded content", name, sha384)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	m, ok := c.models[modelUUID]
	if !ok {
		return facades.Resource{}, newErr(CodeModelNotFound, "unknown model: %q", modelUUID)
	}
	u, ok := c.users[strings.TrimPrefix(userName, "user-")]
	if !ok || accessRank[c.modelAccess(u, m)] < accessRank["write"] {
		return facades.Resource{}, errPermissionDenied
	}
	mr := m.res()
	var rec *resourceRecord
	if pendingID != "" {
		rec = mr.pending[pendingID]
		if rec == nil || rec.app != app || rec.name != name {
			return facades.Resource{}, errNotFound("pending resource %q of application %q (%s) not found", name, app, pendingID)
		}
	} else {
		a, ok := m.apps[app]
		if !ok {
			return facades.Resource{}, errAppNotFound(app)
		}
		cr, ok := a.charm.resources[name]
		if !ok {
			// The real 4.0.15 server's message (clisuite TestCLIKubernetes).
			return facades.Resource{}, errNotFound("getting resource uuid: application %q, resource %q not found", app, name)
		}
		if mr.apps[app] == nil {
			mr.apps[app] = map[string]*resourceRecord{}
		}
		rec = mr.apps[app][name]
		if rec == nil {
			rec = &resourceRecord{id: newUUID(), app: app, name: name, typ: cr.Type, path: cr.Path, description: cr.Description}
			mr.apps[app][name] = rec
		}
	}
	if rec.typ == "oci-image" {
		// The controller keeps an OCI image resource as its own JSON
		// document (image name and credentials), whose size and
		// fingerprint the resource then reports.
		stored, err := ociDocument(data)
		if err != nil {
			return facades.Resource{}, errBadRequest("resource %q: %v", name, err)
		}
		data = stored
		sum = sha512.Sum384(data)
		rec.content = stored
	}
	rec.origin = "upload"
	rec.revision = 0
	rec.fingerprint = sum[:]
	rec.size = len(data)
	rec.username = u.name
	rec.timestamp = c.now()
	if rec.path == "" {
		rec.path = filename
	}
	c.logf(m, "machine-0", "INFO", "juju.apiserver.resources", "uploaded resource %q of application %q (%d bytes)", name, app, len(data))
	m.notify()
	return rec.wire(), nil
}
