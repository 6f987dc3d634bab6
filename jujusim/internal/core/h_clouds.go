package core

import (
	"slices"
	"sort"
	"strings"

	"github.com/gojuju/juju/internal/facades"
)

// This file: the Cloud facade (clouds, cloud access, credentials) and
// ModelManager.ChangeModelCredential, with the real 4.0.15 server's
// answers and refusal texts.

// cloudDef is one cloud of the controller.
type cloudDef struct {
	name      string
	typ       string
	authTypes []string // in the order Cloud.Clouds lists them
	regions   []string
	// spec holds the endpoints and certificates a Cloud.AddCloud gave
	// (its Type, AuthTypes and Regions are the fields above).
	spec facades.Cloud
	// regionEndpoints are the regions' own endpoints, by region.
	regionEndpoints map[string]facades.CloudRegion
	access          map[string]string // user -> "add-model" or "admin"
	// seedDefault gives every user an implicit "default" userpass
	// credential on the cloud (the built-in cloud and those added with
	// the Go API), made the first time the user's credentials are read.
	seedDefault bool
}

// cloudCred is a cloud credential stored on the controller.
type cloudCred struct {
	cloud, owner, name string
	authType           string
	attrs              map[string]string
}

// cloudStore holds the clouds and credentials.
type cloudStore struct {
	list   []*cloudDef
	creds  map[string]*cloudCred // by credKey
	seeded map[string]bool       // "cloud/owner": the implicit default was made
}

func credKey(cloud, owner, name string) string { return cloud + "/" + owner + "/" + name }

func credTag(cloud, owner, name string) string {
	return "cloudcred-" + cloud + "_" + owner + "_" + name
}

// parseCredTag splits cloudcred-<cloud>_<owner>_<name>.
func parseCredTag(tag string) (cloud, owner, name string, ok bool) {
	id, ok := parseTag(tag, "cloudcred")
	if !ok {
		return "", "", "", false
	}
	parts := strings.SplitN(id, "_", 3)
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] == "" {
		return "", "", "", false
	}
	return parts[0], strings.ReplaceAll(parts[1], "%40", "@"), parts[2], true
}

// authTypeOrder is the order in which Cloud.CloudInfo lists a cloud's
// auth types on the real 4.0.15 server (clouds.jsonl: "access-key",
// "userpass", "empty"); every name in it is a valid auth type.
var authTypeOrder = []string{"access-key", "instance-role", "userpass", "oauth1", "oauth2", "jsonfile",
	"clientcertificate", "httpsig", "interactive", "empty", "certificate", "oauth2withcert",
	"service-principal-secret", "managed-identity"}

// cloudTypes are the provider types a Cloud.AddCloud may name.
var cloudTypes = []string{"azure", "dummy", "ec2", "equinix", "gce", "kubernetes", "lxd", "maas", "manual", "oci", "openstack", "vsphere"}

// cloudWhitelist is what the real server answers to a Cloud.AddCloud
// without force on a controller whose cloud is the dummy provider.
const cloudWhitelist = `controller cloud type "dummy" is not whitelisted, current whitelist: 
 - controller cloud type "kubernetes" supports [lxd maas openstack]
 - controller cloud type "lxd" supports [lxd maas openstack]
 - controller cloud type "maas" supports [maas openstack]
 - controller cloud type "openstack" supports [openstack]`

// CodeIncompatibleClouds is the code of the whitelist refusal.
const CodeIncompatibleClouds = "incompatible clouds"

func (c *Controller) cst() *cloudStore {
	if c.cloudsState == nil {
		c.cloudsState = &cloudStore{
			list: []*cloudDef{{name: "dummy", typ: "dummy", authTypes: []string{"empty", "access-key", "userpass"},
				regions: []string{"dummy-region"}, access: map[string]string{"admin": "admin"}, seedDefault: true}},
			creds:  map[string]*cloudCred{},
			seeded: map[string]bool{},
		}
	}
	return c.cloudsState
}

func (c *Controller) clouds() []*cloudDef { return c.cst().list }

func (c *Controller) cloud(name string) (*cloudDef, bool) {
	for _, cl := range c.clouds() {
		if cl.name == name {
			return cl, true
		}
	}
	return nil, false
}

// AddCloud adds a cloud that models can be created on. typ "kubernetes"
// makes models on it container (caas) models. regions default to
// "default".
func (c *Controller) AddCloud(name, typ string, regions ...string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.cloud(name); ok {
		return errAlreadyExists("cloud %q already exists", name)
	}
	// As the real test bed's clouds, "caascloud" too (clouds-with-k8s.jsonl).
	auth := []string{"empty", "access-key", "userpass"}
	if len(regions) == 0 && typ != "kubernetes" {
		// A Kubernetes cloud may have no region, as the real test bed's
		// "caascloud".
		regions = []string{"default"}
	}
	st := c.cst()
	st.list = append(st.list, &cloudDef{name: name, typ: typ, authTypes: auth, regions: regions,
		access: map[string]string{"admin": "admin"}, seedDefault: true})
	return nil
}

// userCreds returns owner's credentials on the cloud, by name, making
// the implicit default first where the cloud has one.
func (c *Controller) userCreds(cl *cloudDef, owner string) []*cloudCred {
	st := c.cst()
	if k := cl.name + "/" + owner; cl.seedDefault && !st.seeded[k] {
		st.seeded[k] = true
		if _, ok := st.creds[credKey(cl.name, owner, "default")]; !ok {
			st.creds[credKey(cl.name, owner, "default")] = &cloudCred{cloud: cl.name, owner: owner, name: "default",
				authType: "userpass", attrs: map[string]string{"username": "dummy", "password": "sim-secret"}}
		}
	}
	var out []*cloudCred
	for _, cr := range st.creds {
		if cr.cloud == cl.name && cr.owner == owner {
			out = append(out, cr)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

func (c *Controller) findCred(cloud, owner, name string) (*cloudCred, bool) {
	cl, ok := c.cloud(cloud)
	if !ok {
		return nil, false
	}
	c.userCreds(cl, owner)
	cr, ok := c.cst().creds[credKey(cloud, owner, name)]
	return cr, ok
}

// credModels lists the models using the credential.
func (c *Controller) credModels(cr *cloudCred) []*model {
	var out []*model
	for _, m := range c.sortedModels() {
		owner := m.credOwner
		if owner == "" {
			owner = m.qualifier
		}
		if m.cloud == cr.cloud && m.credential == cr.name && owner == cr.owner && m.life != lifeDead {
			out = append(out, m)
		}
	}
	return out
}

func (c *Controller) wireCloud(cl *cloudDef) facades.Cloud {
	w := cl.spec
	w.Type, w.AuthTypes, w.Regions = cl.typ, cl.authTypes, nil
	for _, r := range cl.regions {
		reg := cl.regionEndpoints[r]
		reg.Name = r
		if reg.Endpoint == "" {
			reg.Endpoint = cl.spec.Endpoint
		}
		if reg.IdentityEndpoint == "" {
			reg.IdentityEndpoint = cl.spec.IdentityEndpoint
		}
		if reg.StorageEndpoint == "" {
			reg.StorageEndpoint = cl.spec.StorageEndpoint
		}
		w.Regions = append(w.Regions, reg)
	}
	return w
}

// cloudDetails is the cloud as Cloud.CloudInfo and ListCloudInfo show
// it: auth types in the server's table order.
func (c *Controller) cloudDetails(cl *cloudDef) facades.CloudDetails {
	w := c.wireCloud(cl)
	d := facades.CloudDetails{Type: w.Type, Endpoint: w.Endpoint, IdentityEndpoint: w.IdentityEndpoint, StorageEndpoint: w.StorageEndpoint, Regions: w.Regions}
	for _, a := range authTypeOrder {
		if slices.Contains(cl.authTypes, a) {
			d.AuthTypes = append(d.AuthTypes, a)
		}
	}
	return d
}

// cloudAccess is the user's access to the cloud: a superuser has admin.
func (c *Controller) cloudAccess(cl *cloudDef, u *user) string {
	if u.controllerAccess == "superuser" {
		return "admin"
	}
	return cl.access[u.name]
}

func cloudFromTag(c *Controller, tag string) (*cloudDef, error) {
	n, ok := parseTag(tag, "cloud")
	if !ok {
		return nil, newErr("", "%q is not a valid tag", tag)
	}
	cl, ok := c.cloud(n)
	if !ok {
		return nil, errNotFound("cloud %q not found", n)
	}
	return cl, nil
}

func (cloudFacade) Clouds(cx *callCtx) (facades.CloudsResult, error) {
	out := facades.CloudsResult{Clouds: map[string]facades.Cloud{}}
	for _, cl := range cx.c.clouds() {
		if cx.c.cloudAccess(cl, cx.u) == "" {
			continue
		}
		out.Clouds["cloud-"+cl.name] = cx.c.wireCloud(cl)
	}
	return out, nil
}

func (cloudFacade) Cloud(cx *callCtx, a facades.Entities) (facades.CloudResults, error) {
	out := facades.CloudResults{Results: eachItem(a.Entities, func(e facades.Entity) (facades.CloudResult, error) {
		var r facades.CloudResult
		cl, err := cloudFromTag(cx.c, e.Tag)
		if err != nil {
			return r, err
		}
		w := cx.c.wireCloud(cl)
		r.Cloud = &w
		return r, nil
	})}
	return out, nil
}

// CloudInfo answers with the cloud's details flat beside its users (as
// the real server sends them) and the users with access to it.
func (cloudFacade) CloudInfo(cx *callCtx, a facades.Entities) (facades.CloudInfoResults, error) {
	c := cx.c
	out := facades.CloudInfoResults{Results: eachItem(a.Entities, func(e facades.Entity) (facades.CloudInfoResult, error) {
		var r facades.CloudInfoResult
		cl, err := cloudFromTag(c, e.Tag)
		if err != nil {
			return r, err
		}
		info := &facades.CloudInfo{CloudDetails: c.cloudDetails(cl), Users: []facades.CloudUserInfo{}}
		names := make([]string, 0, len(cl.access))
		for n := range cl.access {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			ui := facades.CloudUserInfo{User: n, Access: cl.access[n]}
			if u, ok := c.users[n]; ok {
				ui.DisplayName = u.displayName
			}
			info.Users = append(info.Users, ui)
		}
		r.Result = info
		return r, nil
	})}
	return out, nil
}

// ListCloudInfo lists the clouds the user can see, with its access.
func (cloudFacade) ListCloudInfo(cx *callCtx, a facades.ListCloudsRequest) (facades.ListCloudInfoResults, error) {
	c := cx.c
	u := cx.u
	if a.UserTag != "" {
		var err error
		if u, err = c.userFromTag(a.UserTag); err != nil {
			return facades.ListCloudInfoResults{}, err
		}
	}
	out := facades.ListCloudInfoResults{Results: []facades.ListCloudInfoResult{}}
	for _, cl := range c.clouds() {
		acc := c.cloudAccess(cl, u)
		if acc == "" {
			continue
		}
		out.Results = append(out.Results, facades.ListCloudInfoResult{Result: &facades.ListCloudInfo{CloudDetails: c.cloudDetails(cl), UserAccess: acc}})
	}
	return out, nil
}

// AddCloud adds a cloud (as "juju add-cloud --controller"). Without
// force the controller's dummy provider whitelists no other cloud type,
// as on the real test bed, but a Kubernetes cloud goes on any controller.
func (cloudFacade) AddCloud(cx *callCtx, a facades.AddCloudArgs) error {
	c := cx.c
	if err := cx.needSuperuser(); err != nil {
		return err
	}
	if _, ok := c.cloud(a.Name); ok {
		return errAlreadyExists("cloud %q already exists", a.Name)
	}
	if !a.Force && a.Cloud.Type != "kubernetes" {
		return newErr(CodeIncompatibleClouds, "%s", cloudWhitelist)
	}
	cl, err := c.cloudFromSpec(a.Name, a.Cloud)
	if err != nil {
		return err
	}
	cl.access = map[string]string{cx.u.name: "admin"}
	st := c.cst()
	st.list = append(st.list, cl)
	return nil
}

// cloudFromSpec checks a cloud definition as the real server does.
func (c *Controller) cloudFromSpec(name string, spec facades.Cloud) (*cloudDef, error) {
	if name == "" {
		return nil, errNotValid(`creating cloud "": not valid cloud name cannot be empty`)
	}
	if len(spec.AuthTypes) == 0 {
		return nil, errNotValid("creating cloud %q: empty auth-types not valid", name)
	}
	if !slices.Contains(cloudTypes, spec.Type) {
		return nil, errNotValid("creating cloud %q: cloud type %q not valid", name, spec.Type)
	}
	for _, at := range spec.AuthTypes {
		if !slices.Contains(authTypeOrder, at) {
			return nil, errNotValid("creating cloud %q: auth type %q not valid", name, at)
		}
	}
	cl := &cloudDef{name: name, typ: spec.Type, authTypes: slices.Clone(spec.AuthTypes), spec: spec, regionEndpoints: map[string]facades.CloudRegion{}}
	cl.spec.Regions, cl.spec.AuthTypes = nil, nil
	for _, r := range spec.Regions {
		cl.regions = append(cl.regions, r.Name)
		cl.regionEndpoints[r.Name] = r
	}
	if len(cl.regions) == 0 {
		// The real server gives a cloud without regions one, "default".
		cl.regions = []string{"default"}
	}
	return cl, nil
}

// UpdateCloud replaces the definitions of existing clouds.
func (cloudFacade) UpdateCloud(cx *callCtx, a facades.UpdateCloudArgs) (facades.ErrorResults, error) {
	c := cx.c
	if err := cx.needSuperuser(); err != nil {
		return facades.ErrorResults{}, err
	}
	return eachErr(a.Clouds, func(ca facades.AddCloudArgs) error {
		old, ok := c.cloud(ca.Name)
		if !ok {
			return errNotFound("cloud %q not found", ca.Name)
		}
		cl, err := c.cloudFromSpec(ca.Name, ca.Cloud)
		if err != nil {
			return err
		}
		cl.access, cl.seedDefault = old.access, old.seedDefault
		*old = *cl
		return nil
	}), nil
}

// RemoveClouds removes clouds no model uses. The real 4.0.15 server
// refuses an unknown cloud with a code-less "still in use"; the
// simulator answers "not found".
func (cloudFacade) RemoveClouds(cx *callCtx, a facades.Entities) (facades.ErrorResults, error) {
	c := cx.c
	if err := cx.needSuperuser(); err != nil {
		return facades.ErrorResults{}, err
	}
	return eachErr(a.Entities, func(e facades.Entity) error {
		cl, err := cloudFromTag(c, e.Tag)
		if err != nil {
			return err
		}
		for _, m := range c.models {
			if m.cloud == cl.name && m.life != lifeDead {
				return newErr("", "cannot delete cloud %q as it is still referenced by models", cl.name)
			}
		}
		st := c.cst()
		st.list = slices.DeleteFunc(st.list, func(x *cloudDef) bool { return x == cl })
		for k, cr := range st.creds {
			if cr.cloud == cl.name {
				delete(st.creds, k)
			}
		}
		for k := range st.seeded {
			if strings.HasPrefix(k, cl.name+"/") {
				delete(st.seeded, k)
			}
		}
		return nil
	}), nil
}

// cloudAccessRank orders the cloud access levels.
var cloudAccessRank = map[string]int{"": 0, "add-model": 1, "admin": 2}

// ModifyCloudAccess grants and revokes cloud access. A grant the user
// has or exceeds is refused (code-less on Juju 4.0, "already exists" on
// 3.6); revoking "admin" leaves "add-model", revoking "add-model" none.
func (cloudFacade) ModifyCloudAccess(cx *callCtx, a facades.ModifyCloudAccessRequest) (facades.ErrorResults, error) {
	c := cx.c
	return eachErr(a.Changes, func(ch facades.ModifyCloudAccess) error {
		cl, err := cloudFromTag(c, ch.CloudTag)
		if err != nil {
			return err
		}
		if c.cloudAccess(cl, cx.u) != "admin" {
			return errPermissionDenied
		}
		if ch.Action != "grant" && ch.Action != "revoke" {
			return errNotValid("change %q not valid", ch.Action)
		}
		if ch.Access != "add-model" && ch.Access != "admin" {
			return errNotValid("%q cloud access not valid", ch.Access)
		}
		name, ok := parseTag(ch.UserTag, "user")
		if !ok {
			return newErr("", "%q is not a valid tag", ch.UserTag)
		}
		if name == cx.u.name {
			return newErr("", "cannot change your own cloud access")
		}
		u, ok := c.users[name]
		if !ok {
			return newErr("", "active users %q: user not found", name)
		}
		if ch.Action == "grant" {
			if cloudAccessRank[cl.access[u.name]] >= cloudAccessRank[ch.Access] {
				if cx.is4() {
					return newErr("", "user %q already has %q access or greater", u.name, ch.Access)
				}
				return errAlreadyExists("user already has %q access or greater", ch.Access)
			}
			cl.access[u.name] = ch.Access
			return nil
		}
		switch {
		case ch.Access == "admin" && cl.access[u.name] == "admin":
			cl.access[u.name] = "add-model"
		case ch.Access == "add-model":
			delete(cl.access, u.name)
		}
		return nil
	}), nil
}

func (cloudFacade) UserCredentials(cx *callCtx, a facades.UserClouds) (facades.StringsResults, error) {
	out := facades.StringsResults{Results: eachItem(a.UserClouds, func(uc facades.UserCloud) (facades.StringsResult, error) {
		var r facades.StringsResult
		u, err := cx.c.userFromTag(uc.UserTag)
		if err != nil {
			return r, err
		}
		cl, err := cloudFromTag(cx.c, uc.CloudTag)
		if err != nil {
			return r, err
		}
		r.Result = []string{}
		for _, cr := range cx.c.userCreds(cl, u.name) {
			r.Result = append(r.Result, credTag(cl.name, u.name, cr.name))
		}
		return r, nil
	})}
	return out, nil
}

// checkCred checks a credential for the cloud as the real server does:
// the cloud must exist and take the credential's auth type.
func (c *Controller) checkCred(tag string, cred facades.CloudCredential, update bool) (*cloudDef, string, string, error) {
	cloud, owner, name, ok := parseCredTag(tag)
	if !ok {
		return nil, "", "", newErr("", "%q is not a valid tag", tag)
	}
	cl, ok := c.cloud(cloud)
	if !ok {
		if update {
			return nil, "", "", errNotFound("cloud %q for credential not found", cloud)
		}
		return nil, "", "", errNotFound("updating credential: cloud %q for credential not found", cloud)
	}
	if !slices.Contains(cl.authTypes, cred.AuthType) {
		var quoted []string
		for _, a := range c.cloudDetails(cl).AuthTypes {
			quoted = append(quoted, `"`+a+`"`)
		}
		if update {
			return nil, "", "", errNotSupported("validating credential %q for cloud %q: supported auth-types [%s], %q not supported",
				name, cloud, strings.Join(quoted, " "), cred.AuthType)
		}
		return nil, "", "", errNotSupported("updating credential: validating credential %q owned by %q for cloud %q: supported auth-types [%s], %q not supported",
			name, owner, cloud, strings.Join(quoted, " "), cred.AuthType)
	}
	return cl, owner, name, nil
}

func (c *Controller) storeCred(cl *cloudDef, owner, name string, cred facades.CloudCredential) {
	c.userCreds(cl, owner)
	attrs := map[string]string{}
	for k, v := range cred.Attrs {
		attrs[k] = v
	}
	c.cst().creds[credKey(cl.name, owner, name)] = &cloudCred{cloud: cl.name, owner: owner, name: name, authType: cred.AuthType, attrs: attrs}
}

// canManageCreds reports whether the caller may change owner's
// credentials: their own, or anyone's for a superuser.
func (cx *callCtx) canManageCreds(owner string) error {
	if owner == cx.u.name || cx.u.controllerAccess == "superuser" {
		return nil
	}
	return errPermissionDenied
}

// AddCredentials stores credentials (added or replaced).
func (cloudFacade) AddCredentials(cx *callCtx, a facades.TaggedCredentials) (facades.ErrorResults, error) {
	c := cx.c
	return eachErr(a.Credentials, func(tc facades.TaggedCredential) error {
		cl, owner, name, err := c.checkCred(tc.Tag, tc.Credential, false)
		if err != nil {
			return err
		}
		if err := cx.canManageCreds(owner); err != nil {
			return err
		}
		c.storeCred(cl, owner, name, tc.Credential)
		return nil
	}), nil
}

// UpdateCredentialsCheckModels adds or replaces credentials, answering
// with the models that use each (as "juju add-credential --controller"
// and "juju update-credential --controller").
func (cloudFacade) UpdateCredentialsCheckModels(cx *callCtx, a facades.UpdateCredentialArgs) (facades.UpdateCredentialResults, error) {
	c := cx.c
	out := facades.UpdateCredentialResults{Results: []facades.UpdateCredentialResult{}}
	for _, tc := range a.Credentials {
		r := facades.UpdateCredentialResult{Tag: tc.Tag}
		cl, owner, name, err := c.checkCred(tc.Tag, tc.Credential, true)
		if err == nil {
			err = cx.canManageCreds(owner)
		}
		if err != nil {
			setErr(&r.Error, err)
			out.Results = append(out.Results, r)
			continue
		}
		c.storeCred(cl, owner, name, tc.Credential)
		cr, _ := c.findCred(cl.name, owner, name)
		ms := c.credModels(cr)
		// Newest first, as the real server lists them.
		for i := len(ms) - 1; i >= 0; i-- {
			r.Models = append(r.Models, facades.UpdateCredentialModelResult{UUID: ms[i].uuid, Name: ms[i].name})
		}
		out.Results = append(out.Results, r)
	}
	return out, nil
}

// RevokeCredentialsCheckModels removes credentials; one that models use
// only with force (the models are then left without a credential).
func (cloudFacade) RevokeCredentialsCheckModels(cx *callCtx, a facades.RevokeCredentialArgs) (facades.ErrorResults, error) {
	c := cx.c
	return eachErr(a.Credentials, func(rc facades.RevokeCredentialArg) error {
		cloud, owner, name, ok := parseCredTag(rc.Tag)
		if !ok {
			return newErr("", "%q is not a valid tag", rc.Tag)
		}
		if err := cx.canManageCreds(owner); err != nil {
			return err
		}
		cr, ok := c.findCred(cloud, owner, name)
		if !ok {
			return errNotFound("credential %s not found", rc.Tag)
		}
		ms := c.credModels(cr)
		if len(ms) > 0 && !rc.Force {
			n := "models"
			if len(ms) == 1 {
				n = "model"
			}
			return newErr("", "cannot revoke credential %s/%s/%s: it is still used by %d %s", cloud, owner, name, len(ms), n)
		}
		for _, m := range ms {
			m.credential, m.credOwner = "", ""
		}
		delete(c.cst().creds, credKey(cloud, owner, name))
		return nil
	}), nil
}

// Credential answers with credentials without their attributes' values.
func (cloudFacade) Credential(cx *callCtx, a facades.Entities) (facades.CloudCredentialResults, error) {
	c := cx.c
	out := facades.CloudCredentialResults{Results: eachItem(a.Entities, func(e facades.Entity) (facades.CloudCredentialResult, error) {
		var r facades.CloudCredentialResult
		cloud, owner, name, ok := parseCredTag(e.Tag)
		if !ok {
			return r, newErr("", "%q is not a valid tag", e.Tag)
		}
		if err := cx.canManageCreds(owner); err != nil {
			return r, err
		}
		cr, ok := c.findCred(cloud, owner, name)
		if !ok {
			return r, errNotFound("cloud credential %q not found", cloud+"/"+owner+"/"+name)
		}
		w := &facades.CloudCredential{AuthType: cr.authType, Attrs: map[string]string{}}
		for k, v := range cr.attrs {
			if secretCredAttr(cr.authType, k) {
				w.Redacted = append(w.Redacted, k)
				continue
			}
			w.Attrs[k] = v
		}
		sort.Strings(w.Redacted)
		r.Result = w
		return r, nil
	})}
	return out, nil
}

// secretCredAttr reports whether a credential attribute is a secret that
// is shown only when asked for. The real server shows none of a
// "certificate" credential's attributes (the LXD provider's schema).
func secretCredAttr(authType, k string) bool {
	if authType == "certificate" {
		return true
	}
	switch k {
	case "password", "secret-key", "client-key", "private-key", "token", "application-password", "client-secret", "key":
		return true
	}
	return strings.HasSuffix(k, "-secret") || strings.HasSuffix(k, "-password") || strings.HasSuffix(k, "-key") && k != "access-key"
}

// CredentialContents answers with the logged-in user's credentials, with
// the models that use each. Secret attributes only when asked for.
func (cloudFacade) CredentialContents(cx *callCtx, a facades.CloudCredentialArgs) (facades.CredentialContentResults, error) {
	c := cx.c
	content := func(cr *cloudCred) facades.CredentialContentResult {
		attrs := map[string]string{}
		for k, v := range cr.attrs {
			if a.IncludeSecrets || !secretCredAttr(cr.authType, k) {
				attrs[k] = v
			}
		}
		if len(attrs) == 0 {
			attrs = nil
		}
		info := &facades.ControllerCredentialInfo{Content: &facades.CredentialContent{Cloud: cr.cloud, Name: cr.name, AuthType: cr.authType, Attrs: attrs, Valid: true}}
		for _, m := range c.credModels(cr) {
			acc := m.access[cx.u.name]
			if acc == "" && cx.u.controllerAccess == "superuser" {
				acc = "admin"
			}
			info.Models = append(info.Models, facades.ModelAccess{Model: m.qualifier + "/" + m.name, Access: acc})
		}
		sort.Slice(info.Models, func(i, j int) bool { return info.Models[i].Model < info.Models[j].Model })
		return facades.CredentialContentResult{Result: info}
	}
	out := facades.CredentialContentResults{}
	var all []*cloudCred
	for _, cl := range c.clouds() {
		all = append(all, c.userCreds(cl, cx.u.name)...)
	}
	if len(all) == 0 {
		// As the real server answers a user without any, whatever asked.
		return out, errNotFound("cloud credentials for %q not found", cx.u.name)
	}
	if len(a.Credentials) == 0 {
		for _, cr := range all {
			out.Results = append(out.Results, content(cr))
		}
		return out, nil
	}
	for _, want := range a.Credentials {
		cr, ok := c.findCred(want.CloudName, cx.u.name, want.CredentialName)
		if !ok {
			var r facades.CredentialContentResult
			setErr(&r.Error, errNotFound("cloud credential %q not found", want.CloudName+"/"+cx.u.name+"/"+want.CredentialName))
			out.Results = append(out.Results, r)
			continue
		}
		out.Results = append(out.Results, content(cr))
	}
	return out, nil
}

// ChangeModelCredential sets the credential of models; the credential
// must be of the model's cloud.
func (modelManagerFacade) ChangeModelCredential(cx *callCtx, a facades.ChangeModelCredentialsParams) (facades.ErrorResults, error) {
	c := cx.c
	return eachErr(a.ModelCredentials, func(mc facades.ChangeModelCredentialParams) error {
		cloud, owner, name, ok := parseCredTag(mc.CredentialTag)
		if !ok {
			return newErr("", "%q is not a valid tag", mc.CredentialTag)
		}
		uuid, ok := parseTag(mc.ModelTag, "model")
		if !ok {
			return newErr("", "%q is not a valid tag", mc.ModelTag)
		}
		m, ok := c.models[uuid]
		if !ok || m.cloud != cloud {
			return errNotValid("not valid model %q has different cloud to credential %q", uuid, cloud+"/"+owner+"/"+name)
		}
		if _, err := c.modelForUser(cx, mc.ModelTag, "admin"); err != nil {
			return err
		}
		if _, ok := c.findCred(cloud, owner, name); !ok {
			return errNotFound("not found cloud credential %q", cloud+"/"+owner+"/"+name)
		}
		m.credential, m.credOwner = name, owner
		return nil
	}), nil
}
