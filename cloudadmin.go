package juju

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/gojuju/juju/internal/facades"
	"github.com/gojuju/juju/internal/facades/apiclient"
	"github.com/gojuju/juju/internal/lazyregexp"
	"github.com/gojuju/juju/rpc"
)

// Clouds and credentials on the controller: add, update and remove
// clouds, grant and revoke cloud access, add, update and revoke
// credentials, and set a model's credential.

var (
	// ErrIncompatibleCloud is matched by the controller's refusal of a
	// cloud whose type the controller's own cloud type does not support
	// (code "incompatible clouds"); AddCloudOptions.Force adds it anyway.
	ErrIncompatibleCloud = errors.New("cloud type not supported by the controller's cloud")
	// ErrCloudInUse is matched by the controller's refusal to remove a
	// cloud that models are on.
	ErrCloudInUse = errors.New("cloud in use by models")
	// ErrCredentialInUse is matched by the controller's refusal to
	// revoke a credential that models use (RevokeCredentialOptions.Force
	// revokes it anyway).
	ErrCredentialInUse = errors.New("credential in use by models")
)

// validCloudName is what the controller takes as a cloud name.
var validCloudName = lazyregexp.New(`^[a-zA-Z0-9][a-zA-Z0-9.-]*$`)

// validCredentialName is what the controller takes as a credential name.
var validCredentialName = lazyregexp.New(`^[a-zA-Z0-9][a-zA-Z0-9.@_-]*$`)

func validateCloudName(name string) error {
	if !validCloudName.MatchString(name) {
		return invalid(ErrInvalidName, "cloud name", name, "must be letters, digits, '.' and '-', starting with a letter or digit")
	}
	return nil
}

func checkCredentialName(name string) error {
	if !validCredentialName.MatchString(name) {
		return invalid(ErrInvalidName, "credential name", name, "must be letters, digits, '.', '@', '_' and '-', starting with a letter or digit")
	}
	return nil
}

// cloudAuthTypes are the credential types a cloud may take.
var cloudAuthTypes = []string{"access-key", "instance-role", "userpass", "oauth1", "oauth2", "jsonfile",
	"clientcertificate", "httpsig", "interactive", "empty", "certificate", "oauth2withcert",
	"service-principal-secret", "managed-identity"}

// cloudAccessLevels are the cloud access levels, lowest first.
var cloudAccessLevels = []string{"add-model", "admin"}

// cloudError makes the controller's code-less cloud refusals match their
// sentinels.
func cloudError(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "not whitelisted") || hasCode(err, "incompatible clouds"):
		return &matchedError{err: err, kind: ErrIncompatibleCloud}
	case strings.Contains(msg, "still referenced by models") || strings.Contains(msg, "cloud is used by"):
		// 4.0's words; "cloud is used by N model(s)" is 3.6's.
		return &matchedError{err: err, kind: ErrCloudInUse}
	case strings.Contains(msg, "still used by"):
		return &matchedError{err: err, kind: ErrCredentialInUse}
	}
	return userError(err)
}

// hasCode reports whether the server error in err's chain has the code.
func hasCode(err error, code string) bool {
	var se *rpc.Error
	return errors.As(err, &se) && se.Code == code
}

// checkCloudSpec refuses a cloud definition the controller would refuse.
func checkCloudSpec(cl Cloud) error {
	if err := validateCloudName(cl.Name); err != nil {
		return err
	}
	if cl.Type == "" {
		return invalid(ErrInvalidArgument, "cloud type", "", "must be set (\"lxd\", \"maas\", \"openstack\", ...)")
	}
	if len(cl.AuthTypes) == 0 {
		return invalid(ErrInvalidArgument, "cloud auth types", "", "name at least one")
	}
	for _, a := range cl.AuthTypes {
		if !slices.Contains(cloudAuthTypes, a) {
			return invalid(ErrInvalidArgument, "cloud auth type", a, "must be one of "+strings.Join(cloudAuthTypes, ", "))
		}
	}
	for _, r := range cl.Regions {
		if r == "" || strings.ContainsAny(r, " \t\n/") {
			return invalid(ErrInvalidName, "cloud region", r, "must be non-empty, without '/' or spaces")
		}
	}
	return nil
}

func cloudToWire(cl Cloud) facades.Cloud {
	w := facades.Cloud{Type: cl.Type, AuthTypes: cl.AuthTypes, Endpoint: cl.Endpoint, IdentityEndpoint: cl.IdentityEndpoint,
		StorageEndpoint: cl.StorageEndpoint, CACertificates: cl.CACertificates}
	for _, r := range cl.Regions {
		w.Regions = append(w.Regions, facades.CloudRegion{Name: r})
	}
	return w
}

// AddCloudOptions are the options of Controller.AddCloud.
type AddCloudOptions struct {
	// Force adds a cloud whose type the controller's cloud does not
	// support (which the controller otherwise refuses with
	// ErrIncompatibleCloud), as "juju add-cloud --force".
	Force bool
}

// AddCloud adds a cloud to the controller (Cloud.AddCloud, as "juju
// add-cloud --controller"): cl.Name, Type and AuthTypes are needed;
// Regions, the endpoints and CACertificates are sent as given. A cloud of
// that name is ErrAlreadyExists; a definition the controller refuses
// (an unknown type or auth type) matches ErrNotValid, and nothing is
// added. The logged-in user gets "admin" access to the cloud.
func (c *Controller) AddCloud(ctx context.Context, cl Cloud, opts *AddCloudOptions) error {
	return opError("add cloud", cl.Name, c.addCloud(ctx, cl, opts))
}

func (c *Controller) addCloud(ctx context.Context, cl Cloud, opts *AddCloudOptions) error {
	if opts == nil {
		opts = &AddCloudOptions{}
	}
	if err := checkCloudSpec(cl); err != nil {
		return err
	}
	conn, err := c.controllerConn(ctx)
	if err != nil {
		return err
	}
	return resolveWrite(ctx, func() error {
		return cloudError(apiclient.NewCloudClient(conn).AddCloud(ctx, facades.AddCloudArgs{Name: cl.Name, Cloud: cloudToWire(cl), Force: opts.Force}))
	}, func() (bool, error) {
		got, err := c.showCloud(ctx, cl.Name)
		if isNotFound(err) {
			return false, nil
		}
		return err == nil && got.Type == cl.Type, err
	})
}

// UpdateCloud replaces the definition of a cloud of the controller
// (Cloud.UpdateCloud, as "juju update-cloud --controller"); the fields
// are those of AddCloud. A cloud the controller does not have is
// ErrNotFound.
func (c *Controller) UpdateCloud(ctx context.Context, cl Cloud) error {
	return opError("update cloud", cl.Name, c.updateCloud(ctx, cl))
}

func (c *Controller) updateCloud(ctx context.Context, cl Cloud) error {
	if err := checkCloudSpec(cl); err != nil {
		return err
	}
	conn, err := c.controllerConn(ctx)
	if err != nil {
		return err
	}
	return resolveWrite(ctx, func() error {
		return cloudError(errorResults(apiclient.NewCloudClient(conn).UpdateCloud(ctx, facades.UpdateCloudArgs{Clouds: []facades.AddCloudArgs{{Name: cl.Name, Cloud: cloudToWire(cl)}}})))
	}, nil)
}

// RemoveCloud removes a cloud from the controller (Cloud.RemoveClouds,
// as "juju remove-cloud --controller"). A cloud that models are on is
// refused with ErrCloudInUse.
func (c *Controller) RemoveCloud(ctx context.Context, name string) error {
	return opError("remove cloud", name, c.removeCloud(ctx, name))
}

func (c *Controller) removeCloud(ctx context.Context, name string) error {
	if err := validateCloudName(name); err != nil {
		return err
	}
	conn, err := c.controllerConn(ctx)
	if err != nil {
		return err
	}
	return resolveWrite(ctx, func() error {
		err := cloudError(errorResults(apiclient.NewCloudClient(conn).RemoveClouds(ctx, facades.Entities{Entities: []facades.Entity{{Tag: cloudTag(name)}}})))
		if err != nil && strings.Contains(err.Error(), "cannot delete cloud as it is still in use") {
			// The real 4.0.15 server's code-less answer for a cloud it
			// does not have.
			if _, serr := c.showCloud(ctx, name); isNotFound(serr) {
				return &matchedError{err: err, kind: ErrNotFound}
			}
		}
		return err
	}, func() (bool, error) {
		_, err := c.showCloud(ctx, name)
		if isNotFound(err) {
			return true, nil
		}
		return false, err
	})
}

// GrantCloud gives user access ("add-model" or "admin") to the clouds
// (Cloud.ModifyCloudAccess, as "juju grant-cloud"). Access the user
// already has, or exceeds, is refused by the controller with
// ErrAlreadyExists, never a silent downgrade.
func (c *Controller) GrantCloud(ctx context.Context, user, access string, clouds ...string) error {
	return opError("grant "+strconv.Quote(access)+" on clouds to", user, c.modifyCloudAccess(ctx, "grant", user, access, clouds))
}

// RevokeCloud takes cloud access away: revoking "admin" leaves
// "add-model", revoking "add-model" leaves none (as "juju revoke-cloud").
func (c *Controller) RevokeCloud(ctx context.Context, user, access string, clouds ...string) error {
	return opError("revoke "+strconv.Quote(access)+" on clouds from", user, c.modifyCloudAccess(ctx, "revoke", user, access, clouds))
}

func (c *Controller) modifyCloudAccess(ctx context.Context, action, user, access string, clouds []string) error {
	if err := checkUserName("user name", user); err != nil {
		return err
	}
	if !slices.Contains(cloudAccessLevels, access) {
		return invalid(ErrInvalidArgument, "cloud access", access, `must be "add-model" or "admin"`)
	}
	if len(clouds) == 0 {
		return invalid(ErrInvalidArgument, "clouds", "", "name at least one cloud")
	}
	var changes []facades.ModifyCloudAccess
	for _, cl := range clouds {
		if err := validateCloudName(cl); err != nil {
			return err
		}
		changes = append(changes, facades.ModifyCloudAccess{UserTag: userTag(user), CloudTag: cloudTag(cl), Action: action, Access: access})
	}
	conn, err := c.controllerConn(ctx)
	if err != nil {
		return err
	}
	return resolveWrite(ctx, func() error {
		return userError(errorResults(apiclient.NewCloudClient(conn).ModifyCloudAccess(ctx, facades.ModifyCloudAccessRequest{Changes: changes})))
	}, func() (bool, error) {
		// Applied when every cloud shows the user at the level the
		// action leaves.
		want := slices.Index(cloudAccessLevels, access)
		for _, name := range clouds {
			cl, err := c.showCloud(ctx, name)
			if err != nil {
				return false, err
			}
			have := slices.Index(cloudAccessLevels, cl.Users[user])
			if action == "grant" && have < want || action == "revoke" && have >= want {
				return false, nil
			}
		}
		return true, nil
	})
}

// UpdateCredentialOptions are the options of AddCredential and
// UpdateCredential.
type UpdateCredentialOptions struct {
	// Force stores the credential even when it is not valid for some of
	// the models that use it (as "juju update-credential --force").
	Force bool
}

// AddCredential uploads a new credential of the logged-in user to the
// controller (Cloud.UpdateCredentialsCheckModels, as "juju
// add-credential --controller"): cred.Cloud, Name, AuthType and
// Attributes are sent; a credential of that name is ErrAlreadyExists
// (use UpdateCredential). An unknown cloud is ErrNotFound and an auth
// type the cloud does not take ErrNotSupported, and nothing is stored.
// The attributes are secrets: they are never logged.
func (c *Controller) AddCredential(ctx context.Context, cred Credential, opts *UpdateCredentialOptions) error {
	return opError("add credential", cred.Cloud+"/"+cred.Name, c.updateCredential(ctx, cred, opts, true))
}

// UpdateCredential replaces a credential of the logged-in user on the
// controller (Cloud.UpdateCredentialsCheckModels, as "juju
// update-credential --controller"); the models that use it use the new
// attributes. A credential the controller does not have is ErrNotFound.
// A credential that some of its models reject is refused unless
// opts.Force is set.
func (c *Controller) UpdateCredential(ctx context.Context, cred Credential, opts *UpdateCredentialOptions) error {
	return opError("update credential", cred.Cloud+"/"+cred.Name, c.updateCredential(ctx, cred, opts, false))
}

func (c *Controller) credentialTag(cloud, name string) string {
	return "cloudcred-" + cloud + "_" + c.user + "_" + name
}

func (c *Controller) updateCredential(ctx context.Context, cred Credential, opts *UpdateCredentialOptions, add bool) error {
	if opts == nil {
		opts = &UpdateCredentialOptions{}
	}
	if err := validateCloudName(cred.Cloud); err != nil {
		return err
	}
	if err := checkCredentialName(cred.Name); err != nil {
		return err
	}
	if !slices.Contains(cloudAuthTypes, cred.AuthType) {
		return invalid(ErrInvalidArgument, "credential auth type", cred.AuthType, "must be one of "+strings.Join(cloudAuthTypes, ", "))
	}
	// Whether it exists already: add refuses an existing credential,
	// update a missing one.
	_, err := c.credential(ctx, cred.Cloud, cred.Name, &CredentialsOptions{})
	switch {
	case add && err == nil:
		return fmt.Errorf("credential %q of cloud %q exists already (update it instead): %w", cred.Name, cred.Cloud, ErrAlreadyExists)
	case !add && isNotFound(err):
		return fmt.Errorf("credential %q of cloud %q: %w", cred.Name, cred.Cloud, ErrNotFound)
	case err != nil && !isNotFound(err):
		return err
	}
	conn, err := c.controllerConn(ctx)
	if err != nil {
		return err
	}
	args := facades.UpdateCredentialArgs{Force: opts.Force, Credentials: []facades.TaggedCredential{{
		Tag: c.credentialTag(cred.Cloud, cred.Name), Credential: facades.CloudCredential{AuthType: cred.AuthType, Attrs: cred.Attributes}}}}
	// Sending it again sets the same attributes: resent after an
	// unknown outcome.
	return resolveWrite(ctx, func() error {
		res, err := apiclient.NewCloudClient(conn).UpdateCredentialsCheckModels(ctx, args)
		if err != nil {
			return err
		}
		if len(res.Results) != 1 {
			return fmt.Errorf("expected 1 result, got %d", len(res.Results))
		}
		r := res.Results[0]
		if r.Error != nil {
			return cloudError(apiclient.ServerError(r.Error))
		}
		var errs []error
		for _, m := range r.Models {
			for _, e := range m.Errors {
				if e.Error != nil {
					errs = append(errs, fmt.Errorf("model %q: %w", m.Name, apiclient.ServerError(e.Error)))
				}
			}
		}
		return errors.Join(errs...)
	}, nil)
}

// RevokeCredentialOptions are the options of Controller.RevokeCredential.
type RevokeCredentialOptions struct {
	// Force revokes a credential that models use; they are left without
	// one (as "juju remove-credential --controller --force").
	Force bool
}

// RevokeCredential removes a credential of the logged-in user from the
// controller (Cloud.RevokeCredentialsCheckModels, as "juju
// remove-credential --controller"). One that models use is refused with
// ErrCredentialInUse unless opts.Force is set; one the controller does
// not have is ErrNotFound.
func (c *Controller) RevokeCredential(ctx context.Context, cloud, name string, opts *RevokeCredentialOptions) error {
	return opError("revoke credential", cloud+"/"+name, c.revokeCredential(ctx, cloud, name, opts))
}

func (c *Controller) revokeCredential(ctx context.Context, cloud, name string, opts *RevokeCredentialOptions) error {
	if opts == nil {
		opts = &RevokeCredentialOptions{}
	}
	if err := validateCloudName(cloud); err != nil {
		return err
	}
	if err := checkCredentialName(name); err != nil {
		return err
	}
	conn, err := c.controllerConn(ctx)
	if err != nil {
		return err
	}
	return resolveWrite(ctx, func() error {
		return cloudError(errorResults(apiclient.NewCloudClient(conn).RevokeCredentialsCheckModels(ctx, facades.RevokeCredentialArgs{Credentials: []facades.RevokeCredentialArg{{
			Tag: c.credentialTag(cloud, name), Force: opts.Force}}})))
	}, func() (bool, error) {
		_, err := c.credential(ctx, cloud, name, &CredentialsOptions{})
		if isNotFound(err) {
			return true, nil
		}
		return false, err
	})
}

// ChangeCredential makes the model use another of its owner's
// credentials for its cloud (ModelManager.ChangeModelCredential, as
// "juju set-credential"). name is the credential's name; a credential of
// another user is "owner/name". A credential the controller does not have
// is ErrNotFound.
func (m *Model) ChangeCredential(ctx context.Context, name string) error {
	return opError("change credential of model", m.name, m.changeCredential(ctx, name))
}

func (m *Model) changeCredential(ctx context.Context, name string) error {
	owner, cred, ok := strings.Cut(name, "/")
	if !ok {
		owner, cred = m.ctrl.user, name
	} else if err := checkUserName("credential owner", owner); err != nil {
		return err
	}
	if err := checkCredentialName(cred); err != nil {
		return err
	}
	info, err := m.ctrl.modelInfo(ctx, m.uuid)
	if err != nil {
		return err
	}
	conn, err := m.ctrl.controllerConn(ctx)
	if err != nil {
		return err
	}
	args := facades.ChangeModelCredentialsParams{ModelCredentials: []facades.ChangeModelCredentialParams{{
		ModelTag: modelTag(m.uuid), CredentialTag: "cloudcred-" + info.Cloud + "_" + owner + "_" + cred}}}
	// It sets the model's credential: resent after an unknown outcome.
	return resolveWrite(ctx, func() error {
		return errorResults(apiclient.NewModelManagerClient(conn).ChangeModelCredential(ctx, args))
	}, nil)
}
