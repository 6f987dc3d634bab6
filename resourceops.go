package juju

import (
	"context"
	"fmt"
	"os"

	"github.com/gojuju/juju/internal/facades"
	"github.com/gojuju/juju/internal/facades/apiclient"
)

// prepareLocalResources checks the resource values given for a local
// charm against what it declares and reads their content.
func prepareLocalResources(local *localCharm, values map[string]string) (map[string]*resourceUpload, error) {
	if len(values) == 0 {
		return nil, nil
	}
	out := make(map[string]*resourceUpload, len(values))
	for name, v := range values {
		lr, ok := local.resources[name]
		if !ok {
			return nil, invalidf(ErrInvalidResource, "resource", name, "the charm declares no such resource")
		}
		if _, ok := isRevision(v); ok {
			if st, err := os.Stat(v); err != nil || st.IsDir() {
				return nil, invalidf(ErrInvalidResource, "resource", name, "a local charm's resources are files to upload, not revisions (%q)", v)
			}
		}
		up, err := prepareResource(name, lr.typ, v)
		if err != nil {
			return nil, err
		}
		up.path, up.description = lr.path, lr.description
		out[name] = up
	}
	return out, nil
}

// refreshResources registers the new resource values of a refresh to the
// charm url as pending resources (Charmhub revisions with origin "store",
// the rest uploaded) and returns name -> pending id for SetCharm. uploads
// holds a local charm's prepared content; for a Charmhub charm the types
// come from the charm's metadata now that the controller has it.
func (a *Application) refreshResources(ctx context.Context, conn *apiConn, url string, origin facades.CharmOrigin, values map[string]string, uploads map[string]*resourceUpload) (map[string]string, error) {
	if len(values) == 0 {
		return nil, nil
	}
	ids := map[string]string{}
	if uploads == nil {
		info, err := a.m.charmInfo(ctx, conn, url)
		if err != nil {
			return nil, err
		}
		uploads = map[string]*resourceUpload{}
		var store []facades.CharmResource
		var storeNames []string
		for _, name := range sortedKeys(values) {
			v := values[name]
			cr, ok := info.Resources[name]
			if !ok {
				return nil, invalidf(ErrInvalidResource, "resource", name, "the charm declares no such resource")
			}
			if rev, ok := isRevision(v); ok {
				if st, err := os.Stat(v); err != nil || st.IsDir() {
					store = append(store, facades.CharmResource{Name: name, Type: cr.Type, Path: cr.Path, Description: cr.Description,
						Origin: "store", Revision: rev, Fingerprint: []byte{}})
					storeNames = append(storeNames, name)
					continue
				}
			}
			up, err := prepareResource(name, cr.Type, v)
			if err != nil {
				return nil, err
			}
			up.path, up.description = cr.Path, cr.Description
			uploads[name] = up
		}
		if len(store) > 0 {
			res, err := apiclient.NewResourcesClient(conn).AddPendingResources(ctx, facades.AddPendingResourcesArgsV2{
				Entity: facades.Entity{Tag: applicationTag(a.name)}, URL: url, CharmOrigin: origin, Resources: store})
			if err != nil {
				return nil, err
			}
			if res.Error != nil {
				return nil, apiclient.ServerError(res.Error)
			}
			if len(res.PendingIds) != len(store) {
				return nil, fmt.Errorf("expected %d pending resource ids, got %d", len(store), len(res.PendingIds))
			}
			for i, name := range storeNames {
				ids[name] = res.PendingIds[i]
			}
		}
	}
	if len(uploads) > 0 {
		up, err := a.m.pendingUploads(ctx, conn, a.name, url, origin, uploads)
		if err != nil {
			return nil, err
		}
		for k, v := range up {
			ids[k] = v
		}
	}
	return ids, nil
}

// AttachResource uploads a new value for a resource of the application,
// as "juju attach-resource" does: value is a file for a file resource,
// and an image reference ("ghcr.io/org/image:tag") or a registry file
// (JSON or YAML with registrypath, username, password) for an OCI image
// resource. The resource's type comes from the application's resources
// (Resources.ListResources); the content is then uploaded with
// PUT /model/<uuid>/applications/<app>/resources/<name>. A resource the
// charm does not declare, or a value that does not fit its type, is
// refused with ErrInvalidResource before anything is uploaded. Registry
// credentials are never logged.
func (a *Application) AttachResource(ctx context.Context, name, value string) error {
	return opError("attach resource to application", a.name, a.attachResource(ctx, name, value))
}

func (a *Application) attachResource(ctx context.Context, name, value string) error {
	if err := checkApplicationName(a.name); err != nil {
		return err
	}
	if err := checkResourceValue(name, value); err != nil {
		return err
	}
	if _, ok := isRevision(value); ok {
		if st, err := os.Stat(value); err != nil || st.IsDir() {
			return invalidf(ErrInvalidResource, "resource", name, "attach takes a file or an image, not a Charmhub revision (%q); refresh with Resources to change a revision", value)
		}
	}
	rs, err := a.resources(ctx)
	if err != nil {
		return err
	}
	var cur *Resource
	for i := range rs {
		if rs[i].Name == name {
			cur = &rs[i]
		}
	}
	if cur == nil {
		return invalidf(ErrInvalidResource, "resource", name, "the charm of application %q declares no such resource", a.name)
	}
	up, err := prepareResource(name, cur.Type, value)
	if err != nil {
		return err
	}
	conn, err := a.m.conn(ctx)
	if err != nil {
		return err
	}
	return a.m.uploadResource(ctx, conn, a.name, up, "")
}
