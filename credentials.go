package juju

import (
	"context"
	"fmt"
	"log/slog"
	"net/netip"
	"sort"
	"strings"

	"github.com/gojuju/juju/internal/facades"
	"github.com/gojuju/juju/internal/facades/apiclient"
)

// Credential is a cloud credential stored on the controller
// (Cloud.CredentialContents, as "juju credentials --controller" and "juju
// show-credential" show them).
type Credential struct {
	// Cloud is the credential's cloud.
	Cloud string
	// Name is the credential's name ("default").
	Name string
	// AuthType is its authentication type ("userpass", "access-key").
	AuthType string
	// Attributes are its attributes; the secret ones ("password", keys)
	// only when asked for with IncludeSecrets. They are never logged:
	// printing or logging a Credential shows their names only.
	Attributes map[string]string
	// Valid reports whether the controller considers the credential
	// valid.
	Valid bool
	// Models are the models using the credential, with the logged-in
	// user's access to each ("prod/test": "admin").
	Models map[string]string
}

// String shows the credential with its attribute values hidden.
func (c Credential) String() string {
	keys := make([]string, 0, len(c.Attributes))
	for k := range c.Attributes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return fmt.Sprintf("juju.Credential{Cloud:%q Name:%q AuthType:%q Attributes:[%s] Valid:%t Models:%v}",
		c.Cloud, c.Name, c.AuthType, strings.Join(keys, " "), c.Valid, c.Models)
}

// GoString is String, so that %#v hides the attribute values too.
func (c Credential) GoString() string { return c.String() }

// LogValue logs the credential without its attribute values.
func (c Credential) LogValue() slog.Value { return slog.StringValue(c.String()) }

// CredentialsOptions are the options of Controller.Credentials.
type CredentialsOptions struct {
	// IncludeSecrets includes the secret attributes (as "juju credentials
	// --show-secrets").
	IncludeSecrets bool
}

// Credentials lists the logged-in user's credentials on the controller,
// for every cloud (Cloud.CredentialContents).
func (c *Controller) Credentials(ctx context.Context, opts *CredentialsOptions) ([]Credential, error) {
	if opts == nil {
		opts = &CredentialsOptions{}
	}
	cs, err := c.credentials(ctx, facades.CloudCredentialArgs{IncludeSecrets: opts.IncludeSecrets})
	return cs, opError("list credentials of controller", c.displayName(), err)
}

// Credential shows one of the logged-in user's credentials on the
// controller (as "juju show-credential --controller"); one that does not
// exist is ErrNotFound.
func (c *Controller) Credential(ctx context.Context, cloud, name string, opts *CredentialsOptions) (*Credential, error) {
	if opts == nil {
		opts = &CredentialsOptions{}
	}
	cr, err := c.credential(ctx, cloud, name, opts)
	return cr, opError("show credential", cloud+"/"+name, err)
}

func (c *Controller) credential(ctx context.Context, cloud, name string, opts *CredentialsOptions) (*Credential, error) {
	if err := validateCloudName(cloud); err != nil {
		return nil, err
	}
	if err := checkCredentialName(name); err != nil {
		return nil, err
	}
	cs, err := c.credentials(ctx, facades.CloudCredentialArgs{IncludeSecrets: opts.IncludeSecrets,
		Credentials: []facades.CloudCredentialArg{{CloudName: cloud, CredentialName: name}}})
	if err != nil {
		return nil, err
	}
	if len(cs) != 1 {
		return nil, fmt.Errorf("credential %q of cloud %q: %w", name, cloud, ErrNotFound)
	}
	return &cs[0], nil
}

func (c *Controller) credentials(ctx context.Context, args facades.CloudCredentialArgs) ([]Credential, error) {
	conn, err := c.controllerConn(ctx)
	if err != nil {
		return nil, err
	}
	res, err := apiclient.NewCloudClient(conn).CredentialContents(ctx, args)
	if err != nil {
		return nil, err
	}
	out := []Credential{}
	for _, r := range res.Results {
		if r.Error != nil {
			return nil, apiclient.ServerError(r.Error)
		}
		if r.Result == nil || r.Result.Content == nil {
			continue
		}
		w := r.Result.Content
		cr := Credential{Cloud: w.Cloud, Name: w.Name, AuthType: w.AuthType, Attributes: w.Attrs, Valid: w.Valid, Models: map[string]string{}}
		for _, m := range r.Result.Models {
			cr.Models[m.Model] = m.Access
		}
		out = append(out, cr)
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].Cloud < out[j].Cloud || out[i].Cloud == out[j].Cloud && out[i].Name < out[j].Name
	})
	return out, nil
}

// Space is a network space of a model.
type Space struct {
	// ID is the space's id ("0" is the alpha space).
	ID string
	// Name is the space's name ("alpha").
	Name string
	// Subnets are the CIDRs of the space's subnets.
	Subnets []string
}

// Spaces lists the model's network spaces (Spaces.ListSpaces, as "juju
// spaces"). A provider without spaces (the dummy provider, LXD without
// a network setup) is ErrNotSupported.
func (m *Model) Spaces(ctx context.Context) ([]Space, error) {
	sp, err := m.spaces(ctx)
	return sp, opError("list spaces of model", m.name, err)
}

func (m *Model) spaces(ctx context.Context) ([]Space, error) {
	conn, err := m.conn(ctx)
	if err != nil {
		return nil, err
	}
	res, err := apiclient.NewSpacesClient(conn).ListSpaces(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Space, 0, len(res.Results))
	for _, s := range res.Results {
		if s.Error != nil {
			return nil, apiclient.ServerError(s.Error)
		}
		sp := Space{ID: s.ID, Name: s.Name}
		for _, sn := range s.Subnets {
			sp.Subnets = append(sp.Subnets, sn.CIDR)
		}
		out = append(out, sp)
	}
	return out, nil
}

// AddSpace adds a network space with the subnets of the CIDRs
// (Spaces.CreateSpaces, as "juju add-space"). A provider without spaces
// is ErrNotSupported.
func (m *Model) AddSpace(ctx context.Context, name string, cidrs ...string) error {
	return opError("add space", name, m.addSpace(ctx, name, cidrs))
}

func (m *Model) addSpace(ctx context.Context, name string, cidrs []string) error {
	if name == "" || !validSpace.MatchString(name) {
		return invalid(ErrInvalidName, "space name", name, "must be lower-case letters and digits in hyphen-separated parts")
	}
	for _, c := range cidrs {
		if !validCIDR(c) {
			return invalid(ErrInvalidArgument, "subnet CIDR", c, "must be an IPv4 or IPv6 CIDR")
		}
	}
	conn, err := m.conn(ctx)
	if err != nil {
		return err
	}
	return resolveWrite(ctx, func() error {
		return errorResults(apiclient.NewSpacesClient(conn).CreateSpaces(ctx, facades.CreateSpacesParams{Spaces: []facades.CreateSpaceParams{{
			SpaceTag: "space-" + name, Cidrs: cidrs, Public: true}}}))
	}, func() (bool, error) {
		sp, err := m.spaces(ctx)
		if err != nil {
			return false, err
		}
		for _, s := range sp {
			if s.Name == name {
				return true, nil
			}
		}
		return false, nil
	})
}

func validCIDR(s string) bool {
	_, err := netip.ParsePrefix(s)
	return err == nil
}

// ShowCloud shows one cloud of the controller with the users who have
// access to it (Cloud.CloudInfo, as "juju show-cloud --controller"); a
// cloud the controller does not have is ErrNotFound.
func (c *Controller) ShowCloud(ctx context.Context, name string) (*Cloud, error) {
	cl, err := c.showCloud(ctx, name)
	return cl, opError("show cloud", name, err)
}

func (c *Controller) showCloud(ctx context.Context, name string) (*Cloud, error) {
	if err := validateCloudName(name); err != nil {
		return nil, err
	}
	conn, err := c.controllerConn(ctx)
	if err != nil {
		return nil, err
	}
	res, err := apiclient.NewCloudClient(conn).CloudInfo(ctx, facades.Entities{Entities: []facades.Entity{{Tag: cloudTag(name)}}})
	if err != nil {
		return nil, err
	}
	if len(res.Results) != 1 {
		return nil, fmt.Errorf("expected 1 result, got %d", len(res.Results))
	}
	if res.Results[0].Error != nil {
		return nil, apiclient.ServerError(res.Results[0].Error)
	}
	if res.Results[0].Result == nil {
		return nil, fmt.Errorf("cloud %q: %w", name, ErrNotFound)
	}
	w := res.Results[0].Result
	cl := &Cloud{Name: name, Type: w.Type, AuthTypes: w.AuthTypes, Endpoint: w.Endpoint,
		IdentityEndpoint: w.IdentityEndpoint, StorageEndpoint: w.StorageEndpoint, Users: map[string]string{}}
	for _, r := range w.Regions {
		cl.Regions = append(cl.Regions, r.Name)
	}
	for _, u := range w.Users {
		cl.Users[strings.TrimSuffix(u.User, "@local")] = u.Access
	}
	return cl, nil
}
