package juju

import (
	"context"
	"fmt"
	"time"

	"github.com/gojuju/juju/internal/facades"
	"github.com/gojuju/juju/internal/facades/apiclient"
)

// Resource is a resource of an application: a file or OCI image its charm
// declares, taken from Charmhub or uploaded from a local file (see
// DeployOptions.Resources).
type Resource struct {
	// Name is the resource's name in the charm's metadata.
	Name string
	// Type is "file" or "oci-image".
	Type string
	// Path is the file name the charm sees.
	Path string
	// Description is the charm's description of the resource.
	Description string
	// Origin is "store" (Charmhub) or "upload" (a local file).
	Origin string
	// Revision is the Charmhub revision (store resources).
	Revision int
	// Fingerprint is the SHA-384 of the content; empty while an upload is
	// awaited.
	Fingerprint []byte
	// Size is the content's size in bytes.
	Size int64
	// Username is who uploaded it.
	Username string
	// Timestamp is when it was uploaded; zero if never.
	Timestamp time.Time
}

// Resources lists the application's resources (Resources.ListResources),
// in name order.
func (a *Application) Resources(ctx context.Context) ([]Resource, error) {
	rs, err := a.resources(ctx)
	return rs, opError("list resources of application", a.name, err)
}

func (a *Application) resources(ctx context.Context) ([]Resource, error) {
	if err := checkApplicationName(a.name); err != nil {
		return nil, err
	}
	conn, err := a.m.conn(ctx)
	if err != nil {
		return nil, err
	}
	res, err := apiclient.NewResourcesClient(conn).ListResources(ctx, facades.ListResourcesArgs{Entities: []facades.Entity{{Tag: applicationTag(a.name)}}})
	if err != nil {
		return nil, err
	}
	if len(res.Results) != 1 {
		return nil, fmt.Errorf("expected 1 result, got %d", len(res.Results))
	}
	r := res.Results[0]
	if r.Error != nil {
		return nil, apiclient.ServerError(r.Error)
	}
	out := make([]Resource, 0, len(r.Resources))
	for _, w := range r.Resources {
		rs := Resource{Name: w.Name, Type: w.Type, Path: w.Path, Description: w.Description, Origin: w.Origin,
			Revision: w.Revision, Fingerprint: w.Fingerprint, Size: int64(w.Size), Username: w.Username}
		if len(rs.Fingerprint) == 0 {
			rs.Fingerprint = nil
		}
		if w.Timestamp != nil {
			rs.Timestamp = *w.Timestamp
		}
		out = append(out, rs)
	}
	return out, nil
}
