package juju

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/gojuju/juju/internal/facades"
	"github.com/gojuju/juju/internal/facades/apiclient"
	"github.com/gojuju/juju/rpc"
)

// The model types.
const (
	// ModelIAAS is a machine model (clouds such as AWS, LXD, MAAS).
	ModelIAAS = "iaas"
	// ModelCAAS is a container model (Kubernetes).
	ModelCAAS = "caas"
)

// Model is one model on a controller: the handle through which
// applications, machines and relations are managed. It shares its
// Controller's connections. It is safe for concurrent use.
type Model struct {
	ctrl      *Controller
	uuid      string
	name      string
	qualifier string
	modelType string
	owner     bool // Close closes ctrl (ConnectModel)
}

// UUID returns the model's UUID.
func (m *Model) UUID() string { return m.uuid }

// Name returns the model's name without its qualifier ("dev").
func (m *Model) Name() string { return m.name }

// Qualifier returns what qualifies the model's name: on Juju 4 the model's
// qualifier, on Juju 3.6 its owner's user name ("admin"). Both have the
// same shape, so "qualifier/name" identifies a model on either version.
func (m *Model) Qualifier() string { return m.qualifier }

// QualifiedName returns "qualifier/name" ("admin/dev").
func (m *Model) QualifiedName() string {
	if m.qualifier == "" {
		return m.name
	}
	return m.qualifier + "/" + m.name
}

// Type returns the model type, ModelIAAS or ModelCAAS.
func (m *Model) Type() string { return m.modelType }

// Controller returns the Controller the model belongs to.
func (m *Model) Controller() *Controller { return m.ctrl }

// Close closes the model's Controller if ConnectModel opened it; a Model
// obtained from Controller.Model shares its Controller's connections, and
// its Close does nothing. It is idempotent.
func (m *Model) Close() error {
	if m.owner {
		return m.ctrl.Close()
	}
	return nil
}

// conn returns the model connection.
func (m *Model) conn(ctx context.Context) (*apiConn, error) {
	return m.ctrl.conn(ctx, m.uuid)
}

// Model returns the model called name ("", "dev", "admin/dev"; "" means
// the model Config selected). The name is resolved to a UUID through the
// local store's models.yaml first, then by asking the controller
// (ModelManager.ListModels). It opens no connection to the model itself;
// that happens at its first use.
func (c *Controller) Model(ctx context.Context, name string) (*Model, error) {
	display := name
	if display == "" {
		display = c.defaultRef.qualified()
	}
	if c.isClosed() {
		return nil, opError("open model", display, ErrClosed)
	}
	e, err := c.resolveModel(ctx, name)
	if err != nil {
		return nil, opError("open model", display, err)
	}
	return &Model{ctrl: c, uuid: e.uuid, name: e.name, qualifier: e.qualifier, modelType: e.modelType}, nil
}

// resolveModel finds a model by name ("" = the Config's model).
func (c *Controller) resolveModel(ctx context.Context, name string) (modelEntry, error) {
	var ref modelRef
	if name == "" {
		ref = c.defaultRef
		if c.defaultUUID != "" {
			if ref.name != "" && c.defaultType != "" {
				return modelEntry{uuid: c.defaultUUID, modelType: c.defaultType, qualifier: ref.qualifier, name: ref.name}, nil
			}
			return c.lookupModel(ctx, func(e modelEntry) bool { return e.uuid == c.defaultUUID }, c.defaultUUID)
		}
		if ref.name == "" {
			return modelEntry{}, fmt.Errorf("no model selected and no current model: %w", ErrNotFound)
		}
	} else {
		var err error
		ref, err = parseModelRef(name)
		if err != nil {
			return modelEntry{}, err
		}
		if ref.controller != "" && ref.controller != c.name {
			return modelEntry{}, invalidf(ErrInvalidArgument, "model", name, "names controller %q, not %q", ref.controller, c.name)
		}
		if ref.name == "" {
			return c.resolveModel(ctx, "")
		}
	}
	if ref.qualifier == "" {
		ref.qualifier = strings.TrimSuffix(c.user, "@local")
	}
	qualified := ref.qualified()
	c.mu.Lock()
	e, ok := c.known[qualified]
	c.mu.Unlock()
	if ok {
		return e, nil
	}
	if c.store != nil {
		if d, err := c.store.Model(c.name, qualified); err == nil && d.UUID != "" && d.Type != "" {
			return modelEntry{uuid: d.UUID, modelType: d.Type, qualifier: ref.qualifier, name: ref.name}, nil
		}
	}
	return c.lookupModel(ctx, func(e modelEntry) bool { return e.qualifier == ref.qualifier && e.name == ref.name }, qualified)
}

// lookupModel asks the controller for the user's models and returns the
// one match selects.
func (c *Controller) lookupModel(ctx context.Context, match func(modelEntry) bool, what string) (modelEntry, error) {
	entries, err := c.listModels(ctx)
	if err != nil {
		return modelEntry{}, err
	}
	for _, e := range entries {
		if match(e) {
			return e, nil
		}
	}
	return modelEntry{}, notFoundf("model %q not found", what)
}

// listModels calls ModelManager.ListModels for the logged-in user and
// refreshes the Controller's cache of names.
func (c *Controller) listModels(ctx context.Context) ([]modelEntry, error) {
	conn, err := c.controllerConn(ctx)
	if err != nil {
		return nil, err
	}
	mm := apiclient.NewModelManagerClient(conn)
	res, err := mm.ListModels(ctx, facades.Entity{Tag: userTag(c.user)})
	if err != nil {
		return nil, err
	}
	var entries []modelEntry
	for _, um := range res.UserModels {
		entries = append(entries, modelEntry{uuid: um.Model.UUID, modelType: um.Model.Type, qualifier: qualifierOf(um.Model.Qualifier, um.Model.OwnerTag), name: um.Model.Name})
	}
	c.mu.Lock()
	for _, e := range entries {
		c.known[e.qualifier+"/"+e.name] = e
	}
	c.mu.Unlock()
	return entries, nil
}

// ownerQualifier turns a 3.6 owner tag ("user-bob") into the qualifier
// users see ("bob").
func ownerQualifier(ownerTag string) string {
	if id, ok := tagID(ownerTag, "user"); ok {
		return strings.TrimSuffix(id, "@local")
	}
	return ownerTag
}

// qualifierOf returns a model's qualifier from whichever of the two shapes
// the controller sent: Juju 4's qualifier, or the qualifier of Juju 3.6's
// owner tag.
func qualifierOf(qualifier, ownerTag string) string {
	if qualifier != "" {
		return qualifier
	}
	return ownerQualifier(ownerTag)
}

// forgetModel drops a model from the name cache.
func (c *Controller) forgetModel(uuid string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, e := range c.known {
		if e.uuid == uuid {
			delete(c.known, k)
		}
	}
}

// errorResults returns the errors of an ErrorResults as one error: nil,
// the single *rpc.Error, or an error listing each failure.
func errorResults(res facades.ErrorResults, err error) error {
	if err != nil {
		return err
	}
	errs := make([]*rpc.Error, len(res.Results))
	for i, r := range res.Results {
		errs[i] = apiclient.ServerError(r.Error)
	}
	return rpc.BulkError(errs)
}

// isNotFound reports whether err says that something does not exist.
func isNotFound(err error) bool { return errors.Is(err, ErrNotFound) }
