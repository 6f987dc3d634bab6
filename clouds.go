package juju

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/gojuju/juju/internal/facades"
	"github.com/gojuju/juju/internal/facades/apiclient"
)

// Cloud is a cloud the controller manages models on.
type Cloud struct {
	// Name is the cloud's name ("dummy", "aws", "microk8s").
	Name string
	// Type is the provider type ("ec2", "lxd", "kubernetes"; "k8s" on
	// some controllers).
	Type string
	// Regions lists the cloud's regions; a Kubernetes cloud may have none.
	Regions []string
	// AuthTypes lists the credential types the cloud takes.
	AuthTypes []string
	// Endpoint, IdentityEndpoint and StorageEndpoint are the cloud's
	// API endpoints, where it has them.
	Endpoint         string
	IdentityEndpoint string
	StorageEndpoint  string
	// CACertificates are the PEM certificates the cloud's endpoints use
	// (AddCloud and UpdateCloud send them; the controller does not show
	// them).
	CACertificates []string `json:",omitempty"`
	// Users are the users with access to the cloud and their access
	// ("add-model" or "admin"); ShowCloud fills it in.
	Users map[string]string `json:",omitempty"`
}

// IsKubernetes reports whether models on the cloud are Kubernetes
// (container) models.
func (c Cloud) IsKubernetes() bool { return c.Type == "kubernetes" || c.Type == "k8s" }

// Clouds lists the clouds of the controller (Cloud.Clouds), in name
// order.
func (c *Controller) Clouds(ctx context.Context) ([]Cloud, error) {
	cl, err := c.clouds(ctx)
	return cl, opError("list clouds of controller", c.displayName(), err)
}

func (c *Controller) clouds(ctx context.Context) ([]Cloud, error) {
	conn, err := c.controllerConn(ctx)
	if err != nil {
		return nil, err
	}
	res, err := apiclient.NewCloudClient(conn).Clouds(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Cloud, 0, len(res.Clouds))
	for tag, w := range res.Clouds {
		cl := Cloud{Name: tagOrID(tag, "cloud"), Type: w.Type, AuthTypes: w.AuthTypes,
			Endpoint: w.Endpoint, IdentityEndpoint: w.IdentityEndpoint, StorageEndpoint: w.StorageEndpoint}
		for _, r := range w.Regions {
			cl.Regions = append(cl.Regions, r.Name)
		}
		out = append(out, cl)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// CloudCredentials lists the names of the logged-in user's credentials
// for cloud (Cloud.UserCredentials), as AddModelOptions.Credential takes
// them.
func (c *Controller) CloudCredentials(ctx context.Context, cloud string) ([]string, error) {
	names, err := c.cloudCredentials(ctx, cloud)
	return names, opError("list credentials of cloud", cloud, err)
}

func (c *Controller) cloudCredentials(ctx context.Context, cloud string) ([]string, error) {
	if err := validateCloudName(cloud); err != nil {
		return nil, err
	}
	conn, err := c.controllerConn(ctx)
	if err != nil {
		return nil, err
	}
	res, err := apiclient.NewCloudClient(conn).UserCredentials(ctx, facades.UserClouds{UserClouds: []facades.UserCloud{{
		CloudTag: cloudTag(cloud), UserTag: userTag(c.user)}}})
	if err != nil {
		return nil, err
	}
	if len(res.Results) != 1 {
		return nil, fmt.Errorf("expected 1 result, got %d", len(res.Results))
	}
	if res.Results[0].Error != nil {
		return nil, apiclient.ServerError(res.Results[0].Error)
	}
	var out []string
	for _, tag := range res.Results[0].Result {
		// cloudcred-<cloud>_<owner>_<name>
		if id, ok := tagID(tag, "cloudcred"); ok {
			if i := strings.LastIndexByte(id, '_'); i >= 0 {
				out = append(out, id[i+1:])
				continue
			}
		}
		out = append(out, tag)
	}
	sort.Strings(out)
	return out, nil
}
