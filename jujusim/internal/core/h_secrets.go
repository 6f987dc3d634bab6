package core

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/gojuju/juju/internal/facades"
)

var xidEncoding = base32.NewEncoding("0123456789abcdefghijklmnopqrstuv").WithPadding(base32.NoPadding)

// newSecretID returns a 20-character xid-style id ([0-9a-v]).
func newSecretID() string {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	return xidEncoding.EncodeToString(b[:])
}

func secretChecksum(data map[string]string) string {
	b, _ := json.Marshal(data)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func (cx *callCtx) secretNotFound(format string, args ...any) *Error {
	if cx.is4() {
		return newErr(CodeSecretNotFound, format, args...)
	}
	return errNotFound(format, args...)
}

// parseSecretURI accepts "secret:<id>", "secret://<model>/<id>" and "<id>".
func parseSecretURI(s string) (string, bool) {
	id := s
	switch {
	case strings.HasPrefix(s, "secret://"):
		rest := strings.TrimPrefix(s, "secret://")
		i := strings.LastIndex(rest, "/")
		if i < 0 {
			return "", false
		}
		id = rest[i+1:]
	case strings.HasPrefix(s, "secret:"):
		id = strings.TrimPrefix(s, "secret:")
	}
	if len(id) != 20 {
		return "", false
	}
	for _, r := range id {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'v') {
			return "", false
		}
	}
	return id, true
}

// findSecret resolves a secret by URI or label.
func (cx *callCtx) findSecret(uri, label string) (*secret, error) {
	m := cx.m
	if uri != "" {
		id, ok := parseSecretURI(uri)
		if !ok {
			return nil, errNotValid("secret URI %q not valid", uri)
		}
		s, ok := m.secrets[id]
		if !ok {
			return nil, cx.secretNotFound("secret %q not found", id)
		}
		return s, nil
	}
	if label == "" {
		return nil, errNotValid("must specify either URI or label")
	}
	for _, id := range m.secretOrder {
		if s := m.secrets[id]; s != nil && s.label == label {
			return s, nil
		}
	}
	return nil, cx.secretNotFound("secret %q not found", label)
}

func (cx *callCtx) labelTaken(label string, except *secret) bool {
	for _, s := range cx.m.secrets {
		if s != except && s.label == label {
			return true
		}
	}
	return false
}

func (secretsFacade) CreateSecrets(cx *callCtx, a facades.CreateSecretArgs) (facades.StringResults, error) {
	if err := cx.check("write"); err != nil {
		return facades.StringResults{}, err
	}
	m := cx.m
	out := facades.StringResults{Results: eachItem(a.Args, func(arg facades.CreateSecretArg) (facades.StringResult, error) {
		var r facades.StringResult
		if cx.is4() && arg.OwnerTag != "" && arg.OwnerTag != m.uuid && arg.OwnerTag != "model-"+m.uuid {
			return r, errNotValid("owner tag %q not valid for a user secret", arg.OwnerTag)
		}
		if arg.Content == nil || len(arg.Content.Data) == 0 {
			return r, errNotValid("empty secret value")
		}
		label := ""
		if arg.Label != nil {
			label = *arg.Label
		}
		if label != "" && cx.labelTaken(label, nil) {
			return r, errAlreadyExists("secret with name %q already exists", label)
		}
		now := cx.c.now()
		s := &secret{id: newSecretID(), label: label, ownerTag: "model-" + m.uuid, rotatePolicy: "never", created: now, updated: now,
			access: map[string]string{}}
		if arg.Description != nil {
			s.description = *arg.Description
		}
		data := copyStrings(arg.Content.Data)
		s.revisions = []*secretRevision{{rev: 1, data: data, checksum: secretChecksum(data), created: now, updated: now}}
		m.secrets[s.id] = s
		m.secretOrder = append(m.secretOrder, s.id)
		r.Result = "secret:" + s.id
		return r, nil
	})}
	m.notify()
	return out, nil
}

func copyStrings(in map[string]string) map[string]string {
	out := make(map[string]string, len(in))
	for k, v := range in {
		out[k] = v
	}
	return out
}

func (secretsFacade) UpdateSecrets(cx *callCtx, a facades.UpdateUserSecretArgs) (facades.ErrorResults, error) {
	if err := cx.check("write"); err != nil {
		return facades.ErrorResults{}, err
	}
	res := eachErr(a.Args, func(arg facades.UpdateUserSecretArg) error {
		if (arg.URI == "") == (arg.ExistingLabel == "") {
			return errNotValid("must specify either URI or label")
		}
		s, err := cx.findSecret(arg.URI, arg.ExistingLabel)
		if err != nil {
			return err
		}
		// The CLI sends "content": {} when only the name, description or
		// auto-prune changes (`juju update-secret S --name N`); like the
		// real controller, content without data updates nothing.
		if arg.Content != nil && len(arg.Content.Data) == 0 && arg.Content.ValueRef == nil {
			arg.Content = nil
		}
		if arg.Label == nil && arg.Description == nil && arg.Content == nil && arg.AutoPrune == nil {
			return errNotValid("at least one attribute to update must be specified")
		}
		if arg.Label != nil && *arg.Label != s.label && cx.labelTaken(*arg.Label, s) {
			return errAlreadyExists("secret with name %q already exists", *arg.Label)
		}
		now := cx.c.now()
		if arg.Label != nil {
			s.label = *arg.Label
		}
		if arg.Description != nil {
			s.description = *arg.Description
		}
		if arg.AutoPrune != nil {
			s.autoPrune = *arg.AutoPrune
		}
		if arg.Content != nil {
			data := copyStrings(arg.Content.Data)
			sum := secretChecksum(data)
			if sum != s.latest().checksum {
				s.revisions = append(s.revisions, &secretRevision{rev: s.latest().rev + 1, data: data, checksum: sum, created: now, updated: now})
				if s.autoPrune && len(s.revisions) > 1 {
					s.revisions = s.revisions[len(s.revisions)-1:]
				}
			}
		}
		s.updated = now
		return nil
	})
	cx.m.notify()
	return res, nil
}

func (secretsFacade) RemoveSecrets(cx *callCtx, a facades.DeleteSecretArgs) (facades.ErrorResults, error) {
	if err := cx.check("write"); err != nil {
		return facades.ErrorResults{}, err
	}
	m := cx.m
	res := eachErr(a.Args, func(arg facades.DeleteSecretArg) error {
		s, err := cx.findSecret(arg.URI, arg.Label)
		if err != nil {
			return err
		}
		if len(arg.Revisions) == 0 {
			// Like the real controller, removal is scheduled: the secret
			// is listed until the (simulated) worker deletes it.
			cx.c.scheduleSecretRemoval(m, s)
			return nil
		}
		// Check every requested revision first, so that a bad request
		// changes nothing.
		for _, rv := range arg.Revisions {
			found := false
			for _, r := range s.revisions {
				found = found || r.rev == rv
			}
			if !found {
				if cx.is4() {
					return newErr("secret revision not found", "secret revision %d not found", rv)
				}
				return errNotFound("secret revision %d not found", rv)
			}
		}
		keep := make([]*secretRevision, 0, len(s.revisions))
		for _, r := range s.revisions {
			if !slices.Contains(arg.Revisions, r.rev) {
				keep = append(keep, r)
			}
		}
		s.revisions = keep
		if len(s.revisions) == 0 {
			cx.c.deleteSecret(m, s)
		}
		return nil
	})
	m.notify()
	return res, nil
}

func (c *Controller) scheduleSecretRemoval(m *model, s *secret) {
	if s.removeEv != nil {
		return
	}
	s.removeEv = c.sched.after(c.timing.Removal, func() { c.deleteSecret(m, s) })
}

func (c *Controller) deleteSecret(m *model, s *secret) {
	s.removeEv.cancel()
	delete(m.secrets, s.id)
	var order []string
	for _, id := range m.secretOrder {
		if _, ok := m.secrets[id]; ok {
			order = append(order, id)
		}
	}
	m.secretOrder = order
	m.notify()
}

func (secretsFacade) GrantSecret(cx *callCtx, a facades.GrantRevokeUserSecretArg) (facades.ErrorResults, error) {
	return grantRevokeSecret(cx, a, true)
}

func (secretsFacade) RevokeSecret(cx *callCtx, a facades.GrantRevokeUserSecretArg) (facades.ErrorResults, error) {
	return grantRevokeSecret(cx, a, false)
}

func grantRevokeSecret(cx *callCtx, a facades.GrantRevokeUserSecretArg, grant bool) (facades.ErrorResults, error) {
	if err := cx.need("write"); err != nil {
		return facades.ErrorResults{}, err
	}
	s, err := cx.findSecret(a.URI, a.Label)
	if err != nil {
		return facades.ErrorResults{}, err
	}
	res := eachErr(a.Applications, func(app string) error {
		if _, ok := cx.m.apps[app]; !ok {
			if cx.is4() {
				// As the real 4.0.15 server: without a code.
				return newErr("", "cannot change access to %q for %q: application %q not found", "secret:"+s.id, app, app)
			}
			return errAppNotFound(app)
		}
		tag := "application-" + app
		if grant {
			if _, ok := s.access[tag]; !ok {
				s.accessOrder = append(s.accessOrder, tag)
			}
			s.access[tag] = "view"
		} else {
			delete(s.access, tag)
		}
		return nil
	})
	cx.m.notify()
	return res, nil
}

func (secretsFacade) ListSecrets(cx *callCtx, a facades.ListSecretsArgs) (facades.ListSecretResults, error) {
	if err := cx.check("read"); err != nil {
		return facades.ListSecretResults{}, err
	}
	m := cx.m
	if a.ShowSecrets {
		if err := cx.need("admin"); err != nil {
			return facades.ListSecretResults{}, err
		}
	}
	f := a.Filter
	if f.OwnerTag != nil && cx.is4() && !strings.HasPrefix(*f.OwnerTag, "application-") && !strings.HasPrefix(*f.OwnerTag, "unit-") {
		return facades.ListSecretResults{}, errNotValid("owner tag %q not valid", *f.OwnerTag)
	}
	var fid string
	if f.URI != nil {
		id, ok := parseSecretURI(*f.URI)
		if !ok {
			return facades.ListSecretResults{}, errNotValid("secret URI %q not valid", *f.URI)
		}
		fid = id
	}
	out := facades.ListSecretResults{Results: []facades.ListSecretResult{}}
	for _, id := range m.secretOrder {
		s := m.secrets[id]
		if s == nil || (fid != "" && id != fid) || (f.Label != nil && s.label != *f.Label) || (f.OwnerTag != nil && s.ownerTag != *f.OwnerTag) {
			continue
		}
		latest := s.latest()
		r := facades.ListSecretResult{
			URI: "secret:" + s.id, Version: 1, OwnerTag: s.ownerTag, RotatePolicy: s.rotatePolicy, Description: s.description,
			Label: s.label, LatestRevision: latest.rev, LatestRevisionChecksum: latest.checksum,
			CreateTime: timePtr(s.created), UpdateTime: timePtr(s.updated),
		}
		for _, rv := range s.revisions {
			r.Revisions = append(r.Revisions, facades.SecretRevision{Revision: rv.rev, BackendName: "internal", CreateTime: timePtr(rv.created), UpdateTime: timePtr(rv.updated)})
		}
		tags := append([]string(nil), s.accessOrder...)
		sort.Strings(tags)
		for _, t := range tags {
			if role, ok := s.access[t]; ok {
				r.Access = append(r.Access, facades.AccessInfo{Role: role, ScopeTag: "model-" + m.uuid, TargetTag: t})
			}
		}
		if a.ShowSecrets {
			rev := latest
			if f.Revision != nil {
				rev = nil
				for _, x := range s.revisions {
					if x.rev == *f.Revision {
						rev = x
					}
				}
			}
			if rev == nil {
				r.Value = &facades.SecretValueResult{}
				setErr(&r.Value.Error, cx.secretNotFound("secret revision %d not found", *f.Revision))
			} else {
				r.Value = &facades.SecretValueResult{Data: copyStrings(rev.data)}
			}
		}
		out.Results = append(out.Results, r)
	}
	return out, nil
}

// ---- SecretBackends (controller connection) ----

func (c *Controller) secretCount(backend string) int {
	if backend != "internal" {
		return 0
	}
	n := 0
	for _, m := range c.models {
		n += len(m.secrets)
	}
	return n
}

// backendConfigKeys are the config keys of each secret backend type the
// controller can add, true for the required ones, as the real 4.0.15
// controller checks them.
var backendConfigKeys = map[string]map[string]bool{
	"vault": {"endpoint": true, "namespace": false, "mount-path": false, "token": false,
		"ca-cert": false, "client-cert": false, "client-key": false, "tls-server-name": false},
	"kubernetes": {"endpoint": true, "namespace": true, "token": false, "ca-certs": false, "ca-cert": false,
		"client-cert": false, "client-key": false, "service-account": false, "prefer-incluster-address": false,
		"skip-tls-verify": false, "username": false, "password": false},
}

// backendImmutable are the config keys an update cannot change.
var backendImmutable = map[string][]string{"vault": {"endpoint", "namespace"}}

// backendSecretKeys are the config keys listed only with reveal.
var backendSecretKeys = map[string]bool{"token": true, "password": true, "client-key": true}

func (secretBackendsFacade) ListSecretBackends(cx *callCtx, a facades.ListSecretBackendsArgs) (facades.ListSecretBackendsResults, error) {
	c := cx.c
	if a.Reveal {
		if err := cx.needSuperuser(); err != nil {
			return facades.ListSecretBackendsResults{}, err
		}
	}
	names := make([]string, 0, len(c.backends))
	for n := range c.backends {
		names = append(names, n)
	}
	sort.Strings(names)
	out := facades.ListSecretBackendsResults{Results: []facades.SecretBackendResult{}}
	for _, n := range names {
		if len(a.Names) > 0 && !slices.Contains(a.Names, n) {
			continue
		}
		b := c.backends[n]
		id := b.id
		if b.builtin {
			id = c.uuid
		}
		var cfg map[string]any
		for k, v := range b.config {
			if !a.Reveal && backendSecretKeys[k] {
				continue
			}
			if cfg == nil {
				cfg = map[string]any{}
			}
			cfg[k] = v
		}
		out.Results = append(out.Results, facades.SecretBackendResult{ID: id, NumSecrets: c.secretCount(n), Status: "active",
			Result: facades.SecretBackend{Name: n, BackendType: b.typ, Config: cfg, TokenRotateInterval: b.tokenRotateInterval}})
	}
	return out, nil
}

// backendErr is a secret backend refusal: Juju 4 gives the secret
// backend codes, 3.6 the general ones.
func (cx *callCtx) backendErr(code4, code36, format string, args ...any) *Error {
	if cx.is4() {
		return newErr(code4, format, args...)
	}
	return newErr(code36, format, args...)
}

func (cx *callCtx) backendNotFound(name string) *Error {
	if cx.is4() {
		return newErr(CodeSecretBackendNotFound, "secret backend not found: %q", name)
	}
	return errNotFound("secret backend %q not found", name)
}

func (cx *callCtx) backendNotValid(format string, args ...any) *Error {
	return cx.backendErr(CodeSecretBackendNotValid, CodeNotValid, "secret backend not valid: "+format, args...)
}

func (cx *callCtx) checkBackendName(name string) error {
	if name == "" {
		return cx.backendNotValid("missing name")
	}
	if name == "internal" || name == "auto" {
		return cx.backendNotValid("reserved name %q", name)
	}
	return nil
}

func (cx *callCtx) checkBackendConfig(typ string, cfg map[string]any) error {
	keys := backendConfigKeys[typ]
	if keys == nil {
		return nil // the controller type takes no config
	}
	for k, v := range cfg {
		if _, ok := keys[k]; !ok {
			return cx.backendNotValid("config for provider %q: unknown key %q (value %q)", typ, k, fmt.Sprint(v))
		}
	}
	req := make([]string, 0, 2)
	for k, r := range keys {
		if r {
			req = append(req, k)
		}
	}
	sort.Strings(req)
	for _, k := range req {
		if s, ok := cfg[k].(string); !ok || s == "" {
			return cx.backendNotValid("config for provider %q: %s: expected string, got nothing", typ, k)
		}
	}
	_, cert := cfg["client-cert"]
	_, key := cfg["client-key"]
	switch {
	case cert && !key:
		return errNotValid("secret backend not valid: config for provider %q: %s config missing client key not valid", typ, backendShort(typ))
	case key && !cert:
		return errNotValid("secret backend not valid: config for provider %q: %s config missing client certificate not valid", typ, backendShort(typ))
	}
	return nil
}

func backendShort(typ string) string {
	if typ == "kubernetes" {
		return "k8s"
	}
	return typ
}

func checkTokenRotate(d *time.Duration) error {
	if d != nil && *d != 0 && *d < time.Hour {
		return errNotValid("token rotate interval %q less than 1h not valid", d.String())
	}
	return nil
}

// AddSecretBackends adds backends as the real controller does, except that
// it does not try to reach them.
func (secretBackendsFacade) AddSecretBackends(cx *callCtx, a facades.AddSecretBackendArgs) (facades.ErrorResults, error) {
	if err := cx.check("superuser"); err != nil {
		return facades.ErrorResults{}, err
	}
	c := cx.c
	return eachErr(a.Args, func(arg facades.AddSecretBackendArg) error {
		if err := cx.checkBackendName(arg.Name); err != nil {
			return err
		}
		if _, ok := c.backends[arg.Name]; ok {
			return cx.backendErr(CodeSecretBackendAlreadyExists, CodeAlreadyExists, "secret backend already exists: name %q", arg.Name)
		}
		if _, ok := backendConfigKeys[arg.BackendType]; !ok && arg.BackendType != "controller" {
			return errNotFound("getting backend provider type %q: no registered provider for %q", arg.BackendType, arg.BackendType)
		}
		if err := cx.checkBackendConfig(arg.BackendType, arg.Config); err != nil {
			return err
		}
		if err := checkTokenRotate(arg.TokenRotateInterval); err != nil {
			return err
		}
		id := arg.ID
		if id == "" {
			id = newUUID()
		}
		c.backends[arg.Name] = &secretBackend{id: id, name: arg.Name, typ: arg.BackendType, config: copyAny(arg.Config), tokenRotateInterval: arg.TokenRotateInterval}
		return nil
	}), nil
}

func copyAny(m map[string]any) map[string]any {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func (secretBackendsFacade) UpdateSecretBackends(cx *callCtx, a facades.UpdateSecretBackendArgs) (facades.ErrorResults, error) {
	if err := cx.check("superuser"); err != nil {
		return facades.ErrorResults{}, err
	}
	c := cx.c
	return eachErr(a.Args, func(arg facades.UpdateSecretBackendArg) error {
		if arg.NameChange != nil {
			if err := cx.checkBackendName(*arg.NameChange); err != nil {
				return err
			}
		}
		b, ok := c.backends[arg.Name]
		if !ok {
			return cx.backendNotFound(arg.Name)
		}
		if b.builtin {
			id := b.id
			if id == "" {
				id = c.uuid
			}
			return cx.backendErr(CodeSecretBackendForbidden, CodeForbidden, "secret backend %q is immutable", id)
		}
		if err := checkTokenRotate(arg.TokenRotateInterval); err != nil {
			return err
		}
		cfg := copyAny(b.config)
		if cfg == nil {
			cfg = map[string]any{}
		}
		for k, v := range arg.Config {
			cfg[k] = v
		}
		for _, k := range arg.Reset {
			delete(cfg, k)
		}
		if err := cx.checkBackendConfig(b.typ, cfg); err != nil {
			return err
		}
		for _, k := range backendImmutable[b.typ] {
			old, had := b.config[k]
			v, has := cfg[k]
			if had != has || fmt.Sprint(old) != fmt.Sprint(v) {
				return cx.backendNotValid("config for provider %q: cannot change immutable field %q", b.typ, k)
			}
		}
		if arg.NameChange != nil && *arg.NameChange != arg.Name {
			if _, ok := c.backends[*arg.NameChange]; ok {
				return cx.backendErr(CodeSecretBackendAlreadyExists, CodeAlreadyExists, "secret backend already exists: name %q", *arg.NameChange)
			}
		}
		b.config = cfg
		if arg.TokenRotateInterval != nil {
			b.tokenRotateInterval = arg.TokenRotateInterval // 0 is kept, and listed, as the real controller does
		}
		if arg.NameChange != nil && *arg.NameChange != arg.Name {
			delete(c.backends, arg.Name)
			b.name = *arg.NameChange
			c.backends[b.name] = b
		}
		return nil
	}), nil
}

func (secretBackendsFacade) RemoveSecretBackends(cx *callCtx, a facades.RemoveSecretBackendArgs) (facades.ErrorResults, error) {
	if err := cx.check("superuser"); err != nil {
		return facades.ErrorResults{}, err
	}
	c := cx.c
	return eachErr(a.Args, func(arg facades.RemoveSecretBackendArg) error {
		if arg.Name == "" {
			return cx.backendNotValid("both ID and name are missing")
		}
		b, ok := c.backends[arg.Name]
		if !ok {
			return cx.backendNotFound(arg.Name)
		}
		if b.builtin || c.secretCount(arg.Name) > 0 && !arg.Force {
			return errNotSupported("deleting in use secret backend not supported")
		}
		delete(c.backends, arg.Name)
		return nil
	}), nil
}
