package juju

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/gojuju/juju/internal/facades"
	"github.com/gojuju/juju/internal/facades/apiclient"
)

// SecretBackend is a secret backend of the controller (SecretBackends,
// as "juju secret-backends" and "juju show-secret-backend" show it). Its
// config holds the backend's access token and keys: printing or logging
// a SecretBackend shows the config's key names only.
type SecretBackend struct {
	// ID is the backend's id (the controller's UUID for the built-in
	// "internal" backend on 3.6).
	ID string
	// Name is the backend's name ("internal", "myvault").
	Name string
	// Type is the backend's type: "controller" (the built-in backend),
	// "kubernetes" or "vault".
	Type string
	// Config is the backend's config. Without Reveal, the controller
	// leaves out the secret values (a vault token).
	Config map[string]any
	// TokenRotateInterval is how often the controller rotates the
	// backend's access token (0: never).
	TokenRotateInterval time.Duration
	// NumSecrets is the number of secrets stored in the backend.
	NumSecrets int
	// Status is the backend's status ("active", "error").
	Status string
	// Message explains an error status.
	Message string
}

// String shows the backend with its config values hidden.
func (b SecretBackend) String() string {
	return fmt.Sprintf("juju.SecretBackend{ID:%q Name:%q Type:%q Config:[%s] TokenRotateInterval:%s NumSecrets:%d Status:%q Message:%q}",
		b.ID, b.Name, b.Type, configKeys(b.Config), b.TokenRotateInterval, b.NumSecrets, b.Status, b.Message)
}

// GoString is String, so that %#v hides the config values too.
func (b SecretBackend) GoString() string { return b.String() }

// LogValue logs the backend without its config values.
func (b SecretBackend) LogValue() slog.Value { return slog.StringValue(b.String()) }

func configKeys(m map[string]any) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(keys, " ")
}

// SecretBackendsOptions are the options of Controller.SecretBackends and
// Controller.SecretBackend.
type SecretBackendsOptions struct {
	// Reveal includes the secret config values (as "juju secret-backends
	// --reveal"); the controller allows it to superusers only.
	Reveal bool
}

// SecretBackends lists the controller's secret backends, the built-in
// "internal" one first (SecretBackends.ListSecretBackends).
func (c *Controller) SecretBackends(ctx context.Context, opts *SecretBackendsOptions) ([]SecretBackend, error) {
	if opts == nil {
		opts = &SecretBackendsOptions{}
	}
	bs, err := c.secretBackends(ctx, nil, opts.Reveal)
	return bs, opError("list secret backends of controller", c.displayName(), err)
}

// SecretBackend shows one secret backend (as "juju show-secret-backend");
// one the controller does not have is ErrNotFound.
func (c *Controller) SecretBackend(ctx context.Context, name string, opts *SecretBackendsOptions) (*SecretBackend, error) {
	if opts == nil {
		opts = &SecretBackendsOptions{}
	}
	b, err := c.secretBackend(ctx, name, opts.Reveal)
	return b, opError("show secret backend", name, err)
}

func (c *Controller) secretBackend(ctx context.Context, name string, reveal bool) (*SecretBackend, error) {
	if name == "" {
		return nil, invalid(ErrInvalidName, "secret backend name", name, "must not be empty")
	}
	bs, err := c.secretBackends(ctx, []string{name}, reveal)
	if err != nil {
		return nil, err
	}
	for i := range bs {
		if bs[i].Name == name {
			return &bs[i], nil
		}
	}
	// The controller answers no result for a name it does not have.
	return nil, fmt.Errorf("secret backend %q: %w", name, ErrNotFound)
}

func (c *Controller) secretBackends(ctx context.Context, names []string, reveal bool) ([]SecretBackend, error) {
	conn, err := c.controllerConn(ctx)
	if err != nil {
		return nil, err
	}
	res, err := apiclient.NewSecretBackendsClient(conn).ListSecretBackends(ctx, facades.ListSecretBackendsArgs{Names: names, Reveal: reveal})
	if err != nil {
		return nil, err
	}
	out := make([]SecretBackend, 0, len(res.Results))
	for _, r := range res.Results {
		if r.Error != nil {
			return nil, apiclient.ServerError(r.Error)
		}
		b := SecretBackend{ID: r.ID, Name: r.Result.Name, Type: r.Result.BackendType, Config: r.Result.Config,
			NumSecrets: r.NumSecrets, Status: r.Status, Message: r.Message}
		if r.Result.TokenRotateInterval != nil {
			b.TokenRotateInterval = *r.Result.TokenRotateInterval
		}
		out = append(out, b)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if bi, bj := out[i].Type == "controller", out[j].Type == "controller"; bi != bj {
			return bi
		}
		return out[i].Name < out[j].Name
	})
	return out, nil
}

// The secret backend types a controller can add, and the config keys each
// needs (the controller refuses a backend without them).
var secretBackendRequired = map[string][]string{
	"vault":      {"endpoint"},
	"kubernetes": {"endpoint", "namespace"},
}

// minTokenRotateInterval is the shortest token rotation interval a
// controller accepts.
const minTokenRotateInterval = time.Hour

// AddSecretBackendOptions are the options of Controller.AddSecretBackend.
type AddSecretBackendOptions struct {
	// ImportID gives the backend this id (as "juju add-secret-backend
	// --import-id", for a backend moved from another controller).
	ImportID string
	// TokenRotateInterval makes the controller rotate the backend's
	// access token this often (at least an hour; 0: never).
	TokenRotateInterval time.Duration
}

// AddSecretBackend adds a secret backend of type backendType ("vault" or
// "kubernetes") to the controller (SecretBackends.AddSecretBackends, as
// "juju add-secret-backend"). config is the backend's config ("endpoint",
// "token", "namespace", ...); the values are never logged. The
// controller checks that it can reach the backend. A name the controller
// has is ErrAlreadyExists; bad input (an empty or reserved name, another
// type, a config without the keys the type needs, a token rotation
// shorter than an hour) is refused before sending.
func (c *Controller) AddSecretBackend(ctx context.Context, name, backendType string, config map[string]any, opts *AddSecretBackendOptions) error {
	return opError("add secret backend", name, c.addSecretBackend(ctx, name, backendType, config, opts))
}

func checkSecretBackendName(name string) error {
	switch {
	case name == "":
		return invalid(ErrInvalidName, "secret backend name", name, "must not be empty")
	case name == "internal" || name == "auto":
		return invalid(ErrInvalidName, "secret backend name", name, "is reserved for the controller's own backend")
	case strings.ContainsAny(name, "\x00\n\r\t"):
		return invalid(ErrInvalidName, "secret backend name", name, "must not contain control characters")
	}
	return nil
}

func checkTokenRotateInterval(d time.Duration) error {
	if d != 0 && d < minTokenRotateInterval {
		return invalid(ErrInvalidArgument, "token rotate interval", d.String(), "must be at least 1h (or 0 for none)")
	}
	return nil
}

func checkSecretBackendConfig(backendType string, config map[string]any) error {
	required, ok := secretBackendRequired[backendType]
	if !ok {
		return invalid(ErrInvalidArgument, "secret backend type", backendType, `must be "vault" or "kubernetes"`)
	}
	for _, k := range required {
		if s, ok := config[k].(string); !ok || s == "" {
			return invalid(ErrInvalidConfig, backendType+" secret backend config", "", fmt.Sprintf("needs %q (a non-empty string)", k))
		}
	}
	for k := range config {
		if k == "" {
			return invalid(ErrInvalidConfig, "secret backend config key", k, "must not be empty")
		}
	}
	// A client certificate needs its key, and the key its certificate.
	if _, cert := config["client-cert"]; cert != hasKey(config, "client-key") {
		return invalid(ErrInvalidConfig, backendType+" secret backend config", "", `needs both "client-cert" and "client-key", or neither`)
	}
	return nil
}

func hasKey(m map[string]any, k string) bool {
	_, ok := m[k]
	return ok
}

func (c *Controller) addSecretBackend(ctx context.Context, name, backendType string, config map[string]any, opts *AddSecretBackendOptions) error {
	if opts == nil {
		opts = &AddSecretBackendOptions{}
	}
	if err := checkSecretBackendName(name); err != nil {
		return err
	}
	if err := checkSecretBackendConfig(backendType, config); err != nil {
		return err
	}
	if err := checkTokenRotateInterval(opts.TokenRotateInterval); err != nil {
		return err
	}
	conn, err := c.controllerConn(ctx)
	if err != nil {
		return err
	}
	arg := facades.AddSecretBackendArg{ID: opts.ImportID,
		SecretBackend: facades.SecretBackend{Name: name, BackendType: backendType, Config: config}}
	if opts.TokenRotateInterval != 0 {
		d := opts.TokenRotateInterval
		arg.TokenRotateInterval = &d
	}
	return resolveWrite(ctx, func() error {
		return errorResults(apiclient.NewSecretBackendsClient(conn).AddSecretBackends(ctx, facades.AddSecretBackendArgs{Args: []facades.AddSecretBackendArg{arg}}))
	}, func() (bool, error) {
		b, err := c.secretBackend(ctx, name, false)
		if err != nil {
			return false, ignoreNotFound(err)
		}
		return b.Type == backendType && (opts.ImportID == "" || b.ID == opts.ImportID), nil
	})
}

// ignoreNotFound is nil for an error matching ErrNotFound.
func ignoreNotFound(err error) error {
	if isNotFound(err) {
		return nil
	}
	return err
}

// UpdateSecretBackendOptions say what Controller.UpdateSecretBackend
// changes; at least one field must be set. Printing them shows the
// config's key names only.
type UpdateSecretBackendOptions struct {
	// Config are config values to set (the controller refuses to change
	// a vault backend's endpoint or namespace).
	Config map[string]any
	// Reset are config keys to remove.
	Reset []string
	// NewName renames the backend.
	NewName string
	// TokenRotateInterval, when not nil, sets the token rotation
	// interval (at least an hour; 0: never).
	TokenRotateInterval *time.Duration
	// Force skips the controller's check that it can reach the backend
	// with the new config.
	Force bool
}

// String shows the options with the config values hidden.
func (o UpdateSecretBackendOptions) String() string {
	tri := "unchanged"
	if o.TokenRotateInterval != nil {
		tri = o.TokenRotateInterval.String()
	}
	return fmt.Sprintf("juju.UpdateSecretBackendOptions{Config:[%s] Reset:%v NewName:%q TokenRotateInterval:%s Force:%t}",
		configKeys(o.Config), o.Reset, o.NewName, tri, o.Force)
}

// GoString is String, so that %#v hides the config values too.
func (o UpdateSecretBackendOptions) GoString() string { return o.String() }

// LogValue logs the options without the config values.
func (o UpdateSecretBackendOptions) LogValue() slog.Value { return slog.StringValue(o.String()) }

// UpdateSecretBackend changes a secret backend's config, name or token
// rotation (SecretBackends.UpdateSecretBackends, as "juju
// update-secret-backend"). A backend the controller does not have is
// ErrNotFound; the built-in "internal" backend cannot be changed, and
// options that change nothing are refused before sending.
func (c *Controller) UpdateSecretBackend(ctx context.Context, name string, opts *UpdateSecretBackendOptions) error {
	return opError("update secret backend", name, c.updateSecretBackend(ctx, name, opts))
}

func (c *Controller) updateSecretBackend(ctx context.Context, name string, opts *UpdateSecretBackendOptions) error {
	if err := checkSecretBackendName(name); err != nil {
		return err
	}
	if opts == nil || len(opts.Config) == 0 && len(opts.Reset) == 0 && opts.NewName == "" && opts.TokenRotateInterval == nil {
		return invalid(ErrInvalidArgument, "secret backend update", name, "set config, reset keys, a new name or a token rotate interval")
	}
	if opts.NewName != "" {
		if err := checkSecretBackendName(opts.NewName); err != nil {
			return err
		}
	}
	for k := range opts.Config {
		if k == "" || slices.Contains(opts.Reset, k) {
			return invalid(ErrInvalidConfig, "secret backend config key", k, "must be non-empty and not also reset")
		}
	}
	if slices.Contains(opts.Reset, "") {
		return invalid(ErrInvalidConfig, "secret backend reset key", "", "must not be empty")
	}
	if opts.TokenRotateInterval != nil {
		if err := checkTokenRotateInterval(*opts.TokenRotateInterval); err != nil {
			return err
		}
	}
	conn, err := c.controllerConn(ctx)
	if err != nil {
		return err
	}
	arg := facades.UpdateSecretBackendArg{Name: name, Config: opts.Config, Reset: opts.Reset, Force: opts.Force,
		TokenRotateInterval: opts.TokenRotateInterval}
	if arg.Config == nil {
		arg.Config = map[string]any{}
	}
	if opts.NewName != "" && opts.NewName != name {
		nn := opts.NewName
		arg.NameChange = &nn
	}
	var applied func() (bool, error)
	if arg.NameChange != nil {
		// Sent again after a rename was made, the update would not find
		// the old name: read which name the backend has.
		applied = func() (bool, error) {
			bs, err := c.secretBackends(ctx, []string{name, opts.NewName}, false)
			if err != nil {
				return false, err
			}
			renamed := false
			for _, b := range bs {
				if b.Name == name {
					return false, nil
				}
				renamed = renamed || b.Name == opts.NewName
			}
			return renamed, nil
		}
	}
	// Without a rename, the update sets the values given: sent again, it
	// changes nothing the first send did not.
	return resolveWrite(ctx, func() error {
		return errorResults(apiclient.NewSecretBackendsClient(conn).UpdateSecretBackends(ctx, facades.UpdateSecretBackendArgs{Args: []facades.UpdateSecretBackendArg{arg}}))
	}, applied)
}

// RemoveSecretBackendOptions are the options of
// Controller.RemoveSecretBackend.
type RemoveSecretBackendOptions struct {
	// Force removes the backend even when it stores secrets in use.
	Force bool
}

// RemoveSecretBackend removes a secret backend from the controller
// (SecretBackends.RemoveSecretBackends, as "juju remove-secret-backend").
// A backend the controller does not have is ErrNotFound; the built-in
// "internal" backend cannot be removed.
func (c *Controller) RemoveSecretBackend(ctx context.Context, name string, opts *RemoveSecretBackendOptions) error {
	return opError("remove secret backend", name, c.removeSecretBackend(ctx, name, opts))
}

func (c *Controller) removeSecretBackend(ctx context.Context, name string, opts *RemoveSecretBackendOptions) error {
	if opts == nil {
		opts = &RemoveSecretBackendOptions{}
	}
	if err := checkSecretBackendName(name); err != nil {
		return err
	}
	conn, err := c.controllerConn(ctx)
	if err != nil {
		return err
	}
	return resolveWrite(ctx, func() error {
		return errorResults(apiclient.NewSecretBackendsClient(conn).RemoveSecretBackends(ctx, facades.RemoveSecretBackendArgs{Args: []facades.RemoveSecretBackendArg{{Name: name, Force: opts.Force}}}))
	}, func() (bool, error) {
		_, err := c.secretBackend(ctx, name, false)
		if isNotFound(err) {
			return true, nil
		}
		return false, err
	})
}
