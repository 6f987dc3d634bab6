package juju

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/gojuju/juju/internal/facades"
	"github.com/gojuju/juju/internal/facades/apiclient"
	"github.com/gojuju/juju/rpc"
)

// ModelSummary describes a model as Controller.Models lists it.
type ModelSummary struct {
	Name         string // "dev"
	Qualifier    string // "admin"; the owner's name on Juju 3.6
	UUID         string // the model's UUID
	Type         string // ModelIAAS or ModelCAAS
	Cloud        string // "aws"
	Region       string // the cloud region
	Credential   string // "<cloud>/<owner>/<name>"
	Life         string // "alive", "dying", "dead"
	Status       string // "available", "busy", "destroying", ...
	AgentVersion string // the model's agent version ("4.0.15")
	IsController bool   // whether this is the controller model
	UserAccess   string // "read", "write", "admin"
	Machines     int    // number of machines
	Cores        int    // number of CPU cores of the machines
	Units        int    // number of units
}

// QualifiedName returns "qualifier/name".
func (s ModelSummary) QualifiedName() string { return s.Qualifier + "/" + s.Name }

// ModelInfo describes one model in detail.
type ModelInfo struct {
	Name           string // "dev"
	Qualifier      string // "admin"; the owner's name on Juju 3.6
	UUID           string // the model's UUID
	Type           string // ModelIAAS or ModelCAAS
	ControllerUUID string // the controller's UUID
	IsController   bool   // whether this is the controller model
	Cloud          string // "aws"
	Region         string // the cloud region
	Credential     string // "<cloud>/<owner>/<name>"
	ProviderType   string // "ec2", "lxd", "kubernetes", ...
	Life           string // "alive", "dying", "dead"
	Status         string // "available", "busy", "destroying", ...
	StatusInfo     string // the status message
	AgentVersion   string // the model's agent version ("4.0.15")
	// DefaultBase is the model's default base, from its config
	// ("default-base"); empty when none is set.
	DefaultBase string
	Users       []ModelUser    // users with access to the model
	Machines    []ModelMachine // the model's machines
}

// QualifiedName returns "qualifier/name".
func (i *ModelInfo) QualifiedName() string { return i.Qualifier + "/" + i.Name }

// ModelUser is a user's access to a model.
type ModelUser struct {
	User        string // "admin", "bob@external"
	DisplayName string // the user's full name
	Access      string // "read", "write", "admin"
}

// ModelMachine is a machine as ModelInfo lists it.
type ModelMachine struct {
	ID         string // machine id ("0")
	InstanceID string // the cloud's instance id
	Status     string // "pending", "started", ...
	Message    string // the status message
}

// credentialName turns "cloudcred-aws_admin_default" into
// "aws/admin/default".
func credentialName(tag string) string {
	id, ok := tagID(tag, "cloudcred")
	if !ok {
		return tag
	}
	return strings.ReplaceAll(id, "_", "/")
}

// Models lists the models the logged-in user can see
// (ModelManager.ListModelSummaries), sorted by qualified name.
func (c *Controller) Models(ctx context.Context) ([]ModelSummary, error) {
	out, err := c.models(ctx)
	return out, opError("list models", "", err)
}

func (c *Controller) models(ctx context.Context) ([]ModelSummary, error) {
	conn, err := c.controllerConn(ctx)
	if err != nil {
		return nil, err
	}
	mm := apiclient.NewModelManagerClient(conn)
	req := facades.ModelSummariesRequest{UserTag: userTag(c.user)}
	var out []ModelSummary
	counts := func(s *ModelSummary, cs []facades.ModelEntityCount) {
		for _, n := range cs {
			switch n.Entity {
			case "machines":
				s.Machines = n.Count
			case "cores":
				s.Cores = n.Count
			case "units":
				s.Units = n.Count
			}
		}
	}
	res, err := mm.ListModelSummaries(ctx, req)
	if err != nil {
		return nil, err
	}
	for _, r := range res.Results {
		if r.Error != nil {
			return nil, apiclient.ServerError(r.Error)
		}
		if r.Result == nil {
			continue
		}
		m := r.Result
		s := ModelSummary{Name: m.Name, Qualifier: qualifierOf(m.Qualifier, m.OwnerTag), UUID: m.UUID, Type: m.Type,
			Cloud: tagOrID(m.CloudTag, "cloud"), Region: m.CloudRegion, Credential: credentialName(m.CloudCredentialTag),
			Life: m.Life, AgentVersion: string(m.AgentVersion), IsController: m.IsController, UserAccess: m.UserAccess}
		if m.Status != nil {
			s.Status = m.Status.Status
		}
		counts(&s, m.Counts)
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b ModelSummary) int { return strings.Compare(a.QualifiedName(), b.QualifiedName()) })
	return out, nil
}

func tagOrID(tag, kind string) string {
	if id, ok := tagID(tag, kind); ok {
		return id
	}
	return tag
}

// ModelInfo returns details of the model called name ("" = the model
// Config selected).
func (c *Controller) ModelInfo(ctx context.Context, name string) (*ModelInfo, error) {
	display := name
	if display == "" {
		display = c.defaultRef.qualified()
	}
	e, err := c.resolveModel(ctx, name)
	if err != nil {
		return nil, opError("get model info for", display, err)
	}
	info, err := c.modelInfo(ctx, e.uuid)
	return info, opError("get model info for", display, err)
}

func (c *Controller) modelInfo(ctx context.Context, uuid string) (*ModelInfo, error) {
	conn, err := c.controllerConn(ctx)
	if err != nil {
		return nil, err
	}
	mm := apiclient.NewModelManagerClient(conn)
	args := facades.Entities{Entities: []facades.Entity{{Tag: modelTag(uuid)}}}
	res, err := mm.ModelInfo(ctx, args)
	if err != nil {
		return nil, err
	}
	if len(res.Results) != 1 {
		return nil, fmt.Errorf("expected 1 result, got %d", len(res.Results))
	}
	if res.Results[0].Error != nil {
		return nil, apiclient.ServerError(res.Results[0].Error)
	}
	m := res.Results[0].Result
	if m == nil {
		return nil, fmt.Errorf("empty result")
	}
	info := ModelInfo{Name: m.Name, Qualifier: qualifierOf(m.Qualifier, m.OwnerTag), UUID: m.UUID, Type: m.Type, ControllerUUID: m.ControllerUUID,
		IsController: m.IsController, Cloud: tagOrID(m.CloudTag, "cloud"), Region: m.CloudRegion,
		Credential: credentialName(m.CloudCredentialTag), ProviderType: m.ProviderType, Life: m.Life,
		AgentVersion: string(m.AgentVersion), DefaultBase: m.DefaultBase}
	if m.Status != nil {
		info.Status, info.StatusInfo = m.Status.Status, m.Status.Info
	}
	for _, u := range m.Users {
		info.Users = append(info.Users, ModelUser{User: u.User, DisplayName: u.DisplayName, Access: u.Access})
	}
	for _, mm := range m.Machines {
		info.Machines = append(info.Machines, ModelMachine{ID: mm.ID, InstanceID: mm.InstanceID, Status: mm.Status, Message: mm.Message})
	}
	return &info, nil
}

// AddModelOptions are the options of Controller.AddModel. The zero value
// creates the model in the controller's default cloud and region, with
// the server's choice of credential, qualified by the logged-in user.
type AddModelOptions struct {
	// Cloud names the cloud to create the model in.
	Cloud string
	// Region names the cloud region.
	Region string
	// Credential names the cloud credential to use ("mycred"); it belongs
	// to Cloud (or the only cloud the controller has).
	Credential string
	// Config holds model config values (native types: strings, numbers,
	// booleans).
	Config map[string]any
	// Qualifier qualifies the model name; "" means the logged-in user.
	// (On Juju 3.6 this is the owner.)
	Qualifier string
}

// AddModel creates a model called name and returns it. Bad names are
// refused before anything is sent.
func (c *Controller) AddModel(ctx context.Context, name string, opts *AddModelOptions) (*Model, error) {
	m, err := c.addModel(ctx, name, opts)
	return m, opError("add model", name, err)
}

func (c *Controller) addModel(ctx context.Context, name string, opts *AddModelOptions) (*Model, error) {
	if opts == nil {
		opts = &AddModelOptions{}
	}
	if err := checkModelName(name); err != nil {
		return nil, err
	}
	qualifier := opts.Qualifier
	if qualifier == "" {
		qualifier = strings.TrimSuffix(c.user, "@local")
	}
	if err := checkUserName("model qualifier", qualifier); err != nil {
		return nil, err
	}
	for k := range opts.Config {
		if k == "" {
			return nil, invalid(ErrInvalidConfig, "model config key", k, "must not be empty")
		}
	}
	conn, err := c.controllerConn(ctx)
	if err != nil {
		return nil, err
	}
	cloud := opts.Cloud
	if cloud == "" {
		// As the juju CLI does: with one cloud on the controller, use it.
		res, err := apiclient.NewCloudClient(conn).Clouds(ctx)
		if err != nil {
			return nil, err
		}
		if len(res.Clouds) == 1 {
			for tag := range res.Clouds {
				cloud = tagOrID(tag, "cloud")
			}
		}
	}
	var credTag string
	if opts.Credential != "" {
		if cloud == "" {
			return nil, invalid(ErrInvalidArgument, "credential", opts.Credential, "name the cloud it belongs to (the controller has several)")
		}
		credTag = "cloudcred-" + cloud + "_" + qualifier + "_" + opts.Credential
	}
	var cloudT string
	if cloud != "" {
		cloudT = cloudTag(cloud)
	}
	mm := apiclient.NewModelManagerClient(conn)
	// Each shape takes its own of the qualifier and the owner tag.
	info, err := mm.CreateModel(ctx, apiclient.ModelCreateArgs{Name: name, Qualifier: qualifier, OwnerTag: userTag(qualifier),
		Config: opts.Config, CloudTag: cloudT, Region: opts.Region, Credential: credTag})
	if err != nil {
		return nil, err
	}
	e := modelEntry{uuid: info.UUID, modelType: info.Type, qualifier: qualifierOf(info.Qualifier, info.OwnerTag), name: info.Name}
	if e.qualifier == "" {
		e.qualifier = qualifier
	}
	c.mu.Lock()
	c.known[e.qualifier+"/"+e.name] = e
	c.mu.Unlock()
	c.logger.InfoContext(ctx, "model added", "model", e.qualifier+"/"+e.name, "uuid", e.uuid)
	return &Model{ctrl: c, uuid: e.uuid, name: e.name, qualifier: e.qualifier, modelType: e.modelType}, nil
}

// DestroyModelOptions are the options of Controller.DestroyModel. The zero
// value destroys a model that has no persistent storage, without force.
type DestroyModelOptions struct {
	// DestroyStorage says what to do with persistent storage: nil means
	// the model must have none (the controller refuses otherwise), true
	// destroys it, false releases it from the model.
	DestroyStorage *bool
	// Force removes the model even if some of its resources cannot be
	// cleaned up.
	Force bool
	// MaxWait, with Force, is how long to wait for each step before
	// forcing it; nil means the controller's default, 0 means no wait.
	MaxWait *time.Duration
	// Timeout bounds the whole destruction on the controller side; nil
	// means none.
	Timeout *time.Duration
	// NoWait returns as soon as the controller accepted the destruction,
	// instead of waiting until the model is gone.
	NoWait bool
}

// DestroyModel destroys the model called name and, unless opts.NoWait,
// returns only when the controller no longer knows the model (or ctx
// ends). The connections to the model are closed.
func (c *Controller) DestroyModel(ctx context.Context, name string, opts *DestroyModelOptions) error {
	return opError("destroy model", name, c.destroyModel(ctx, name, opts))
}

func (c *Controller) destroyModel(ctx context.Context, name string, opts *DestroyModelOptions) error {
	if opts == nil {
		opts = &DestroyModelOptions{}
	}
	if opts.MaxWait != nil && !opts.Force {
		return invalid(ErrInvalidArgument, "option", "MaxWait", "needs Force")
	}
	if opts.MaxWait != nil && *opts.MaxWait < 0 || opts.Timeout != nil && *opts.Timeout < 0 {
		return invalid(ErrInvalidArgument, "option", "MaxWait/Timeout", "must not be negative")
	}
	if name != "" {
		if _, err := parseModelRef(name); err != nil {
			return err
		}
	}
	e, err := c.resolveModel(ctx, name)
	if err != nil {
		return err
	}
	conn, err := c.controllerConn(ctx)
	if err != nil {
		return err
	}
	res, err := apiclient.NewModelManagerClient(conn).DestroyModels(ctx, facades.DestroyModelsParams{Models: []facades.DestroyModelParams{{
		ModelTag: modelTag(e.uuid), DestroyStorage: opts.DestroyStorage, Force: opts.Force,
		MaxWait: opts.MaxWait, Timeout: opts.Timeout,
	}}})
	if err := errorResults(res, err); err != nil {
		return err
	}
	c.forgetModel(e.uuid)
	c.dropModelConn(ctx, e.uuid)
	if opts.NoWait {
		return nil
	}
	return c.waitModelGone(ctx, e.uuid)
}

// waitModelGone polls ModelManager.ModelStatus until it answers "not
// found" for the model.
func (c *Controller) waitModelGone(ctx context.Context, uuid string) error {
	delay := 20 * time.Millisecond
	for {
		gone, err := c.modelGone(ctx, uuid)
		if err != nil {
			return err
		}
		if gone {
			return nil
		}
		if err := sleepCtx(ctx, delay); err != nil {
			return fmt.Errorf("model still exists: %w", err)
		}
		delay = min(delay*2, time.Second)
	}
}

func (c *Controller) modelGone(ctx context.Context, uuid string) (bool, error) {
	conn, err := c.controllerConn(ctx)
	if err != nil {
		return false, err
	}
	mm := apiclient.NewModelManagerClient(conn)
	args := facades.Entities{Entities: []facades.Entity{{Tag: modelTag(uuid)}}}
	res, err := mm.ModelStatus(ctx, args)
	var errs []*rpc.Error
	for _, m := range res.Models {
		errs = append(errs, apiclient.ServerError(m.Error))
	}
	if isNotFound(err) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	for _, e := range errs {
		if e != nil {
			if isNotFound(e) {
				return true, nil
			}
			return false, e
		}
	}
	return len(errs) == 0, nil
}

// sleepCtx sleeps for d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ConfigValue is one config setting with where its value comes from.
type ConfigValue struct {
	// Value is the current value (nil when unset and without default).
	Value any
	// Source says where the value comes from: for model config
	// "default", "controller", "region" or "model"; for application
	// config "default", "user" or "unset".
	Source string
	// Type is the option's declared type (application config only):
	// "string", "int", "float", "boolean", "secret".
	Type string
	// Default is the option's default (application config only).
	Default any
	// Description is the option's description (application config only).
	Description string
}

// Config returns the model's config (ModelConfig.ModelGet).
func (m *Model) Config(ctx context.Context) (map[string]ConfigValue, error) {
	out, err := m.config(ctx)
	return out, opError("get config of model", m.QualifiedName(), err)
}

func (m *Model) config(ctx context.Context) (map[string]ConfigValue, error) {
	conn, err := m.conn(ctx)
	if err != nil {
		return nil, err
	}
	res, err := apiclient.NewModelConfigClient(conn).ModelGet(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]ConfigValue, len(res.Config))
	for k, v := range res.Config {
		out[k] = ConfigValue{Value: v.Value, Source: v.Source}
	}
	return out, nil
}

// SetConfig sets model config values (ModelConfig.ModelSet). Values keep
// their native types (string, bool, number). The controller accepts keys
// it does not know; as the juju CLI does, a key that the model's config
// does not have is not refused but logged as a warning ("possible
// misspelling") when Config.Logger logs warnings. Keys a model's config
// cannot change ("name", "type", "uuid", "agent-version", "charmhub-url")
// are refused with ErrInvalidConfig before sending.
func (m *Model) SetConfig(ctx context.Context, settings map[string]any) error {
	return opError("set config of model", m.QualifiedName(), m.setConfig(ctx, settings))
}

func (m *Model) setConfig(ctx context.Context, settings map[string]any) error {
	if len(settings) == 0 {
		return nil
	}
	for _, k := range sortedKeys(settings) {
		if k == "" {
			return invalid(ErrInvalidConfig, "model config key", k, "must not be empty")
		}
		if err := checkMutableConfig(k); err != nil {
			return err
		}
		if _, err := configString(k, settings[k], nil); err != nil {
			return err
		}
	}
	conn, err := m.conn(ctx)
	if err != nil {
		return err
	}
	client := apiclient.NewModelConfigClient(conn)
	m.warnUnknownConfigKeys(ctx, client, sortedKeys(settings))
	return client.ModelSet(ctx, facades.ModelSet{Config: maps.Clone(settings)})
}

// warnUnknownConfigKeys logs a warning for each key that the model's
// config does not have, as the juju CLI does: controllers accept (and
// keep) any key, so a misspelt one is otherwise silently useless. It costs
// a ModelGet, made only when the logger logs warnings; a failed ModelGet
// only skips the check.
func (m *Model) warnUnknownConfigKeys(ctx context.Context, client *apiclient.ModelConfigClient, keys []string) {
	logger := m.ctrl.logger
	if !logger.Enabled(ctx, slog.LevelWarn) {
		return
	}
	res, err := client.ModelGet(ctx)
	if err != nil {
		logger.DebugContext(ctx, "cannot check model config keys", "model", m.QualifiedName(), "error", err.Error())
		return
	}
	for _, k := range keys {
		if _, ok := res.Config[k]; !ok {
			logger.WarnContext(ctx, fmt.Sprintf("key %q is not defined in the current model configuration: possible misspelling", k), "model", m.QualifiedName())
		}
	}
}

// UnsetConfig resets model config keys to their defaults
// (ModelConfig.ModelUnset). Like SetConfig, it logs a warning for a key
// that the model's config does not have.
func (m *Model) UnsetConfig(ctx context.Context, keys ...string) error {
	return opError("unset config of model", m.QualifiedName(), m.unsetConfig(ctx, keys))
}

func (m *Model) unsetConfig(ctx context.Context, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	for _, k := range keys {
		if k == "" {
			return invalid(ErrInvalidConfig, "model config key", k, "must not be empty")
		}
		if err := checkMutableConfig(k); err != nil {
			return err
		}
	}
	conn, err := m.conn(ctx)
	if err != nil {
		return err
	}
	client := apiclient.NewModelConfigClient(conn)
	m.warnUnknownConfigKeys(ctx, client, keys)
	return client.ModelUnset(ctx, facades.ModelUnset{Keys: slices.Clone(keys)})
}

// Constraints returns the model's constraints
// (ModelConfig.GetModelConstraints).
func (m *Model) Constraints(ctx context.Context) (Constraints, error) {
	conn, err := m.conn(ctx)
	if err != nil {
		return Constraints{}, opError("get constraints of model", m.QualifiedName(), err)
	}
	res, err := apiclient.NewModelConfigClient(conn).GetModelConstraints(ctx)
	if err != nil {
		return Constraints{}, opError("get constraints of model", m.QualifiedName(), err)
	}
	return constraintsFromWire(res.Constraints), nil
}

// SetConstraints replaces the model's constraints with cons
// (ModelConfig.SetModelConstraints); zero Constraints clear them. To set
// them from the CLI's language, see ParseConstraints.
func (m *Model) SetConstraints(ctx context.Context, cons Constraints) error {
	return opError("set constraints of model", m.QualifiedName(), m.setConstraints(ctx, cons))
}

func (m *Model) setConstraints(ctx context.Context, c Constraints) error {
	if err := c.check(); err != nil {
		return err
	}
	conn, err := m.conn(ctx)
	if err != nil {
		return err
	}
	return apiclient.NewModelConfigClient(conn).SetModelConstraints(ctx, facades.SetConstraints{Constraints: c.wire()})
}
