package juju

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"maps"
	"strconv"
	"strings"
	"time"

	"github.com/gojuju/juju/internal/facades"
	"github.com/gojuju/juju/internal/facades/apiclient"
	"github.com/gojuju/juju/internal/lazyregexp"
)

// User secrets (Juju 3.3 and later), served by the Secrets facade version 2
// on the model connection. Secret content never reaches a log line: the
// methods here log nothing, and the request hooks and the rpc layer log
// only the facade, method and request id.

// ErrInvalidSecret is returned, before anything is sent, for malformed
// secret input: empty content, a content key that breaks Juju's rule, a
// value too large, an empty name or a malformed secret URI. It matches
// ErrInvalidInput too.
var ErrInvalidSecret = errors.New("invalid secret")

// Limits of secret content, as the juju CLI enforces them: each value and
// the whole content, both measured base64-encoded as they travel.
const (
	MaxSecretValueSize   = 1_000_000
	MaxSecretContentSize = 1_000_000
)

// secretKeyPattern is Juju's rule for content keys: lower-case letters and
// digits, starting with a letter, at least three characters, single
// hyphens between.
var secretKeyPattern = lazyregexp.New(`^[a-z](?:-?[a-z0-9]){2,}$`)

// IsValidSecretKey reports whether key may name a value in a secret's
// content ("password", "api-key"; not "pw", "API_KEY" or "a--b").
func IsValidSecretKey(key string) bool { return secretKeyPattern.MatchString(key) }

// SecretURI identifies a secret: its 20-character ID and, for a secret of
// another model, that model's UUID.
type SecretURI struct {
	// ID is the secret's ID (20 characters of [0-9a-v]).
	ID string
	// SourceModel is the UUID of the model holding the secret; empty for
	// a secret of the model it is used in.
	SourceModel string
}

// ParseSecretURI parses "secret:<id>", "secret://<model-uuid>/<id>" or a
// bare "<id>". A malformed URI gets an error matching ErrInvalidSecret.
func ParseSecretURI(s string) (SecretURI, error) {
	var u SecretURI
	rest := s
	switch {
	case strings.HasPrefix(s, "secret://"):
		rest = strings.TrimPrefix(s, "secret://")
		model, id, ok := strings.Cut(rest, "/")
		if !ok || model == "" {
			return SecretURI{}, invalid(ErrInvalidSecret, "secret URI", s, `want "secret:<id>" or "secret://<model-uuid>/<id>"`)
		}
		u.SourceModel, rest = model, id
	case strings.HasPrefix(s, "secret:"):
		rest = strings.TrimPrefix(s, "secret:")
	}
	if !isSecretID(rest) {
		return SecretURI{}, invalid(ErrInvalidSecret, "secret URI", s, "the ID must be 20 characters of 0-9 and a-v")
	}
	u.ID = rest
	return u, nil
}

func isSecretID(s string) bool {
	if len(s) != 20 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'v') {
			return false
		}
	}
	return true
}

// String returns the URI as Juju writes it: "secret:<id>", or
// "secret://<model-uuid>/<id>" with a source model; "" for the zero URI.
func (u SecretURI) String() string {
	switch {
	case u.ID == "":
		return ""
	case u.SourceModel != "":
		return "secret://" + u.SourceModel + "/" + u.ID
	}
	return "secret:" + u.ID
}

// IsZero reports whether u is the zero SecretURI.
func (u SecretURI) IsZero() bool { return u == SecretURI{} }

// Secret describes a secret as Secrets.ListSecrets reports it.
type Secret struct {
	// URI identifies the secret.
	URI SecretURI
	// Name is the secret's name (Juju's "label"); user secrets are
	// usually named, charm secrets may not be.
	Name string
	// Description is the secret's description ("info" in the CLI).
	Description string
	// Owner is the owner's tag: "model-<uuid>" for user secrets,
	// "application-<name>" or "unit-<name>-<n>" for charm secrets.
	Owner string
	// RotatePolicy is the rotation policy of a charm secret ("never",
	// "hourly", ...).
	RotatePolicy string
	// LatestRevision is the number of the newest revision.
	LatestRevision int
	// Checksum is the checksum of the newest revision's content; it changes
	// when the content does.
	Checksum string
	// Created and Updated are when the secret was created and last changed.
	Created, Updated time.Time
	// LatestExpires is when the newest revision expires (zero: never).
	LatestExpires time.Time
	// NextRotate is when a charm secret rotates next (zero: not scheduled).
	NextRotate time.Time
	// Revisions lists the secret's revisions, oldest first.
	Revisions []SecretRevision
	// Access lists who was granted access.
	Access []SecretAccess
	// Content is the decoded content of the newest revision (or of the
	// revision asked for); nil unless it was revealed.
	Content map[string]string
}

// IsUserSecret reports whether the secret is a user secret (owned by the
// model) rather than a charm secret.
func (s *Secret) IsUserSecret() bool { return strings.HasPrefix(s.Owner, "model-") }

// SecretRevision is one revision of a secret.
type SecretRevision struct {
	Revision int       // revision number, from 1
	Backend  string    // where the content is stored ("internal", a vault backend's name)
	Created  time.Time // when the revision was created
	Updated  time.Time // when it last changed
	Expires  time.Time // when it expires (zero: never)
}

// SecretAccess is one grant of access to a secret.
type SecretAccess struct {
	// Target is the tag of who has access ("application-pg").
	Target string
	// Scope is the tag of what the grant is bound to ("model-<uuid>" for
	// user secrets, a relation for charm secrets).
	Scope string
	// Role is "view" or "manage".
	Role string
}

// Application returns the name of the application the access was granted
// to, or "" when the target is not an application.
func (a SecretAccess) Application() string {
	name, _ := strings.CutPrefix(a.Target, "application-")
	if name == a.Target {
		return ""
	}
	return name
}

// AddSecretOptions are the options of Model.AddSecret.
type AddSecretOptions struct {
	// Description describes the secret ("info" in the CLI).
	Description string
}

// secretRef is a secret named by URI or by name, as the Secrets facade
// takes it (exactly one of uri and label set).
type secretRef struct {
	uri   string
	label string
}

func (r secretRef) String() string {
	if r.uri != "" {
		return r.uri
	}
	return r.label
}

// parseSecretRef reads a secret's URI ("secret:<id>", a bare 20-character
// ID) or name, as the juju CLI does: what parses as a URI is one.
func parseSecretRef(s string) (secretRef, error) {
	if s == "" {
		return secretRef{}, invalid(ErrInvalidSecret, "secret name or URI", s, "must not be empty")
	}
	if strings.HasPrefix(s, "secret:") || isSecretID(s) {
		u, err := ParseSecretURI(s)
		if err != nil {
			return secretRef{}, err
		}
		return secretRef{uri: u.String()}, nil
	}
	if err := checkSecretName(s); err != nil {
		return secretRef{}, err
	}
	return secretRef{label: s}, nil
}

func checkSecretName(name string) error {
	switch {
	case name == "":
		return invalid(ErrInvalidSecret, "secret name", name, "must not be empty")
	case strings.HasPrefix(name, "secret:"):
		return invalid(ErrInvalidSecret, "secret name", name, `must not start with "secret:"`)
	case isSecretID(name):
		return invalid(ErrInvalidSecret, "secret name", name, "must not look like a secret ID")
	}
	for _, r := range name {
		if r < ' ' || r == 0x7f {
			return invalid(ErrInvalidSecret, "secret name", name, "must not contain control characters")
		}
	}
	return nil
}

// encodeSecretContent checks content as the juju CLI does and encodes each
// value in standard base64, as the controller expects. Errors name the
// offending key, never a value.
func encodeSecretContent(content map[string]string) (map[string]string, error) {
	if len(content) == 0 {
		return nil, invalid(ErrInvalidSecret, "secret content", "", "must have at least one key")
	}
	out := make(map[string]string, len(content))
	total := 0
	for _, k := range sortedKeys(content) {
		if !IsValidSecretKey(k) {
			return nil, invalid(ErrInvalidSecret, "secret key", k, "must be at least 3 lower-case letters and digits, starting with a letter, with single hyphens between")
		}
		enc := base64.StdEncoding.EncodeToString([]byte(content[k]))
		if len(enc) > MaxSecretValueSize {
			return nil, invalidf(ErrInvalidSecret, "secret value of key", k, "%d bytes encoded, more than %d", len(enc), MaxSecretValueSize)
		}
		total += len(enc)
		out[k] = enc
	}
	if total > MaxSecretContentSize {
		return nil, invalidf(ErrInvalidSecret, "secret content", "", "%d bytes encoded, more than %d", total, MaxSecretContentSize)
	}
	return out, nil
}

// decodeSecretContent decodes the base64 values the controller returns.
func decodeSecretContent(data map[string]string) (map[string]string, error) {
	out := make(map[string]string, len(data))
	for k, v := range data {
		b, err := base64.StdEncoding.DecodeString(v)
		if err != nil {
			// Never quote the value: it is secret.
			return nil, fmt.Errorf("the controller sent a value for key %q that is not base64", k)
		}
		out[k] = string(b)
	}
	return out, nil
}

// AddSecret creates a user secret called name with content (keys as
// IsValidSecretKey allows; values are any bytes, base64-encoded on the
// wire) through Secrets.CreateSecrets, and returns its URI. The secret is
// granted to no application; see GrantSecret.
func (m *Model) AddSecret(ctx context.Context, name string, content map[string]string, opts *AddSecretOptions) (SecretURI, error) {
	uri, err := m.addSecret(ctx, name, content, opts)
	return uri, opError("add secret", name, err)
}

func (m *Model) addSecret(ctx context.Context, name string, content map[string]string, opts *AddSecretOptions) (SecretURI, error) {
	if opts == nil {
		opts = &AddSecretOptions{}
	}
	if err := checkSecretName(name); err != nil {
		return SecretURI{}, err
	}
	data, err := encodeSecretContent(content)
	if err != nil {
		return SecretURI{}, err
	}
	conn, err := m.conn(ctx)
	if err != nil {
		return SecretURI{}, err
	}
	arg := facades.CreateSecretArg{UpsertSecretArg: facades.UpsertSecretArg{
		Label: &name, Content: &facades.SecretContentParams{Data: data},
	}}
	if opts.Description != "" {
		arg.Description = &opts.Description
	}
	var uri SecretURI
	err = resolveWrite(ctx, func() error {
		res, err := apiclient.NewSecretsClient(conn).CreateSecrets(ctx, facades.CreateSecretArgs{Args: []facades.CreateSecretArg{arg}})
		if err != nil {
			return err
		}
		if len(res.Results) != 1 {
			return fmt.Errorf("the controller returned %d results for 1 secret", len(res.Results))
		}
		if res.Results[0].Error != nil {
			return apiclient.ServerError(res.Results[0].Error)
		}
		uri, err = ParseSecretURI(res.Results[0].Result)
		if err != nil {
			return fmt.Errorf("the controller returned a malformed secret URI: %w", err)
		}
		return nil
	}, func() (bool, error) {
		// The name is unique in the model: a secret of that name with
		// the content asked for is the one this call created.
		s, err := m.Secret(ctx, name, &SecretOptions{Reveal: true})
		if isNotFound(err) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		if !maps.Equal(s.Content, content) {
			return false, nil
		}
		uri = s.URI
		return true, nil
	})
	// CreateSecrets is one of the quiet methods of the wait's change log
	// (changelog.go): a secret nobody was granted makes no agent react.
	return uri, err
}

// ListSecretsOptions are the options of Model.Secrets.
type ListSecretsOptions struct {
	// Reveal includes each secret's content (the newest revision's, or
	// Revision's). It needs model admin access.
	Reveal bool
	// Name, URI and Owner restrict the list to the secret of that name,
	// that URI, or owned by that tag ("application-pg"; on Juju 4 only
	// application and unit tags are accepted).
	Name  string
	URI   string
	Owner string
	// Revision, with Reveal, selects the revision whose content is
	// returned.
	Revision int
}

// Secrets lists the model's secrets, user and charm secrets alike
// (Secrets.ListSecrets), in the controller's order.
func (m *Model) Secrets(ctx context.Context, opts *ListSecretsOptions) ([]Secret, error) {
	if opts == nil {
		opts = &ListSecretsOptions{}
	}
	list, err := m.listSecrets(ctx, opts)
	return list, opError("list secrets", "", err)
}

func (m *Model) listSecrets(ctx context.Context, opts *ListSecretsOptions) ([]Secret, error) {
	args := facades.ListSecretsArgs{ShowSecrets: opts.Reveal}
	if opts.Name != "" {
		name := opts.Name
		args.Filter.Label = &name
	}
	if opts.URI != "" {
		u, err := ParseSecretURI(opts.URI)
		if err != nil {
			return nil, err
		}
		s := u.String()
		args.Filter.URI = &s
	}
	if opts.Owner != "" {
		owner := opts.Owner
		args.Filter.OwnerTag = &owner
	}
	if opts.Revision < 0 {
		return nil, invalid(ErrInvalidArgument, "secret revision", strconv.Itoa(opts.Revision), "must be positive")
	}
	if opts.Revision > 0 {
		rev := opts.Revision
		args.Filter.Revision = &rev
	}
	conn, err := m.conn(ctx)
	if err != nil {
		return nil, err
	}
	res, err := apiclient.NewSecretsClient(conn).ListSecrets(ctx, args)
	if err != nil {
		return nil, err
	}
	out := make([]Secret, 0, len(res.Results))
	for _, r := range res.Results {
		s, err := secretFromWire(r)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

func timeOf(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

func secretFromWire(r facades.ListSecretResult) (Secret, error) {
	s := Secret{
		Name: r.Label, Description: r.Description, Owner: r.OwnerTag, RotatePolicy: r.RotatePolicy,
		LatestRevision: r.LatestRevision, Checksum: r.LatestRevisionChecksum,
		Created: timeOf(r.CreateTime), Updated: timeOf(r.UpdateTime),
		LatestExpires: timeOf(r.LatestExpireTime), NextRotate: timeOf(r.NextRotateTime),
	}
	uri, err := ParseSecretURI(r.URI)
	if err != nil {
		return Secret{}, fmt.Errorf("the controller returned a malformed secret URI: %w", err)
	}
	s.URI = uri
	for _, rv := range r.Revisions {
		s.Revisions = append(s.Revisions, SecretRevision{Revision: rv.Revision, Backend: rv.BackendName,
			Created: timeOf(rv.CreateTime), Updated: timeOf(rv.UpdateTime), Expires: timeOf(rv.ExpireTime)})
	}
	for _, a := range r.Access {
		s.Access = append(s.Access, SecretAccess{Target: a.TargetTag, Scope: a.ScopeTag, Role: a.Role})
	}
	if r.Value != nil {
		if r.Value.Error != nil {
			return Secret{}, fmt.Errorf("cannot read the content of secret %s: %w", r.URI, r.Value.Error)
		}
		content, err := decodeSecretContent(r.Value.Data)
		if err != nil {
			return Secret{}, fmt.Errorf("secret %s: %w", r.URI, err)
		}
		s.Content = content
	}
	return s, nil
}

// SecretOptions are the options of Model.Secret.
type SecretOptions struct {
	// Reveal includes the secret's content (Secret.Content). It needs
	// model admin access.
	Reveal bool
	// Revision, with Reveal, selects the revision whose content is
	// returned; 0 means the newest.
	Revision int
}

// Secret returns the secret called nameOrURI (a name, "secret:<id>" or a
// bare ID), with its content when opts.Reveal is set. A secret that does not
// exist gets an error matching ErrNotFound.
func (m *Model) Secret(ctx context.Context, nameOrURI string, opts *SecretOptions) (*Secret, error) {
	s, err := m.secret(ctx, nameOrURI, opts)
	return s, opError("get secret", nameOrURI, err)
}

func (m *Model) secret(ctx context.Context, nameOrURI string, opts *SecretOptions) (*Secret, error) {
	if opts == nil {
		opts = &SecretOptions{}
	}
	ref, err := parseSecretRef(nameOrURI)
	if err != nil {
		return nil, err
	}
	list, err := m.listSecrets(ctx, &ListSecretsOptions{Reveal: opts.Reveal, Name: ref.label, URI: ref.uri, Revision: opts.Revision})
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, notFoundf("secret %q not found", ref.String())
	}
	return &list[0], nil
}

// UpdateSecretOptions are the options of Model.UpdateSecret.
type UpdateSecretOptions struct {
	// Name, when set, renames the secret.
	Name string
	// Description, when not nil, replaces the description.
	Description *string
	// AutoPrune, when not nil, sets whether revisions no application
	// still tracks are removed automatically.
	AutoPrune *bool
}

// UpdateSecret changes the user secret nameOrURI (Secrets.UpdateSecrets):
// a non-nil content becomes a new revision (the whole content, not a
// patch), and opts can rename it, change its description or its
// auto-prune setting. Something must change.
func (m *Model) UpdateSecret(ctx context.Context, nameOrURI string, content map[string]string, opts *UpdateSecretOptions) error {
	return opError("update secret", nameOrURI, m.updateSecret(ctx, nameOrURI, content, opts))
}

func (m *Model) updateSecret(ctx context.Context, nameOrURI string, content map[string]string, opts *UpdateSecretOptions) error {
	if opts == nil {
		opts = &UpdateSecretOptions{}
	}
	ref, err := parseSecretRef(nameOrURI)
	if err != nil {
		return err
	}
	arg := facades.UpdateUserSecretArg{URI: ref.uri, ExistingLabel: ref.label, AutoPrune: opts.AutoPrune}
	if content != nil {
		data, err := encodeSecretContent(content)
		if err != nil {
			return err
		}
		arg.Content = &facades.SecretContentParams{Data: data}
	}
	if opts.Name != "" {
		if err := checkSecretName(opts.Name); err != nil {
			return err
		}
		name := opts.Name
		arg.Label = &name
	}
	if opts.Description != nil {
		d := *opts.Description
		arg.Description = &d
	}
	if arg.Content == nil && arg.Label == nil && arg.Description == nil && arg.AutoPrune == nil {
		return invalid(ErrInvalidArgument, "secret update", nameOrURI, "nothing to change: give content, a name, a description or auto-prune")
	}
	conn, err := m.conn(ctx)
	if err != nil {
		return err
	}
	applied := func() (bool, error) {
		// Applied when the secret shows every change asked for.
		target := nameOrURI
		if opts.Name != "" && ref.uri == "" {
			target = opts.Name
		}
		s, err := m.Secret(ctx, target, &SecretOptions{Reveal: content != nil})
		if isNotFound(err) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		ok := (content == nil || maps.Equal(s.Content, content)) &&
			(opts.Name == "" || s.Name == opts.Name) &&
			(opts.Description == nil || s.Description == *opts.Description)
		return ok, nil
	}
	if content == nil && opts.Name == "" && opts.Description == nil {
		// Only auto-prune, which a read does not show: setting it
		// again is harmless.
		applied = nil
	}
	return resolveWrite(ctx, func() error {
		return errorResults(apiclient.NewSecretsClient(conn).UpdateSecrets(ctx, facades.UpdateUserSecretArgs{Args: []facades.UpdateUserSecretArg{arg}}))
	}, applied)
}

// RemoveSecretOptions are the options of Model.RemoveSecret.
type RemoveSecretOptions struct {
	// Revision, when positive, removes only that revision; 0 removes the
	// whole secret.
	Revision int
}

// RemoveSecret removes the user secret nameOrURI, or one of its revisions
// (Secrets.RemoveSecrets). The controller removes a secret in the
// background: it may still be listed for a moment.
func (m *Model) RemoveSecret(ctx context.Context, nameOrURI string, opts *RemoveSecretOptions) error {
	return opError("remove secret", nameOrURI, m.removeSecret(ctx, nameOrURI, opts))
}

func (m *Model) removeSecret(ctx context.Context, nameOrURI string, opts *RemoveSecretOptions) error {
	if opts == nil {
		opts = &RemoveSecretOptions{}
	}
	ref, err := parseSecretRef(nameOrURI)
	if err != nil {
		return err
	}
	arg := facades.DeleteSecretArg{URI: ref.uri, Label: ref.label}
	switch {
	case opts.Revision < 0:
		return invalid(ErrInvalidArgument, "secret revision", strconv.Itoa(opts.Revision), "must be positive")
	case opts.Revision > 0:
		arg.Revisions = []int{opts.Revision}
	}
	conn, err := m.conn(ctx)
	if err != nil {
		return err
	}
	if err := resolveWrite(ctx, func() error {
		return errorResults(apiclient.NewSecretsClient(conn).RemoveSecrets(ctx, facades.DeleteSecretArgs{Args: []facades.DeleteSecretArg{arg}}))
	}, func() (bool, error) {
		s, err := m.Secret(ctx, nameOrURI, nil)
		if isNotFound(err) {
			return true, nil
		}
		if err != nil {
			return false, err
		}
		if opts.Revision == 0 {
			return false, nil
		}
		for _, r := range s.Revisions {
			if r.Revision == opts.Revision {
				return false, nil
			}
		}
		return true, nil
	}); err != nil {
		return err
	}
	return nil
}

// GrantSecret grants applications view access to the user secret
// nameOrURI (Secrets.GrantSecret).
func (m *Model) GrantSecret(ctx context.Context, nameOrURI string, apps ...string) error {
	return opError("grant secret", nameOrURI, m.grantRevoke(ctx, true, nameOrURI, apps))
}

// RevokeSecret revokes applications' access to the user secret nameOrURI
// (Secrets.RevokeSecret).
func (m *Model) RevokeSecret(ctx context.Context, nameOrURI string, apps ...string) error {
	return opError("revoke secret", nameOrURI, m.grantRevoke(ctx, false, nameOrURI, apps))
}

func (m *Model) grantRevoke(ctx context.Context, grant bool, nameOrURI string, apps []string) error {
	ref, err := parseSecretRef(nameOrURI)
	if err != nil {
		return err
	}
	if len(apps) == 0 {
		return invalid(ErrInvalidArgument, "applications", "", "give at least one application")
	}
	for _, app := range apps {
		if err := checkApplicationName(app); err != nil {
			return err
		}
	}
	conn, err := m.conn(ctx)
	if err != nil {
		return err
	}
	arg := facades.GrantRevokeUserSecretArg{URI: ref.uri, Label: ref.label, Applications: append([]string(nil), apps...)}
	client := apiclient.NewSecretsClient(conn)
	if grant {
		err = errorResults(client.GrantSecret(ctx, arg))
	} else {
		err = errorResults(client.RevokeSecret(ctx, arg))
	}
	return err
}
