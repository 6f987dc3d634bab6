package core

import (
	"encoding/json"
	"sort"
	"strings"
	"time"

	"github.com/gojuju/juju/internal/facades"
)

// This file: ModelManager, Controller, Cloud and UserManager (controller
// connection facades).

type cloudDef struct {
	name      string
	typ       string
	authTypes []string
	regions   []string
}

func (c *Controller) clouds() []cloudDef {
	out := []cloudDef{{name: "dummy", typ: "dummy", authTypes: []string{"empty", "access-key", "userpass"}, regions: []string{"dummy-region"}}}
	return append(out, c.extraClouds...)
}

func (c *Controller) cloud(name string) (cloudDef, bool) {
	for _, cl := range c.clouds() {
		if cl.name == name {
			return cl, true
		}
	}
	return cloudDef{}, false
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
	if len(regions) == 0 {
		regions = []string{"default"}
	}
	auth := []string{"empty", "access-key", "userpass"}
	if typ == "kubernetes" {
		auth = []string{"certificate", "clientcertificate", "oauth2", "oauth2withcert", "userpass"}
	}
	c.extraClouds = append(c.extraClouds, cloudDef{name: name, typ: typ, authTypes: auth, regions: regions})
	return nil
}

func (c *Controller) modelFromTag(tag string) (*model, error) {
	uuid, ok := parseTag(tag, "model")
	if !ok {
		return nil, errNotValid("%q is not a valid model tag", tag)
	}
	m, ok := c.models[uuid]
	if !ok {
		return nil, errNotFound("model %q not found", uuid)
	}
	return m, nil
}

func (c *Controller) qualifierOrOwner(cx *callCtx) bool {
	// true: use qualifier shapes (ModelManager >= 11, Controller >= 13).
	switch cx.facade {
	case "ModelManager":
		return cx.version >= 11
	case "Controller":
		return cx.version >= 13
	}
	return cx.is4()
}

func (c *Controller) modelStatusInfo(m *model) *facades.EntityStatus {
	return &facades.EntityStatus{Status: m.status.Status, Info: m.status.Message, Since: timePtr(m.status.Since), Data: m.status.Data}
}

func (c *Controller) modelUsers(m *model) []facades.ModelUserInfo {
	names := make([]string, 0, len(m.access))
	for n := range m.access {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]facades.ModelUserInfo, 0, len(names))
	for _, n := range names {
		u := c.users[n]
		if u == nil {
			continue
		}
		out = append(out, facades.ModelUserInfo{Access: m.access[n], DisplayName: u.displayName, User: n, LastConnection: timePtr(m.lastConn[n])})
	}
	return out
}

func (c *Controller) modelMachines(m *model) []facades.ModelMachineInfo {
	var out []facades.ModelMachineInfo
	for _, mc := range m.sortedMachines() {
		mi := facades.ModelMachineInfo{ID: mc.id, Status: mc.agent.Status, Message: mc.agent.Message, DisplayName: mc.displayName}
		if mc.instanceID != "pending" {
			mi.InstanceID = mc.instanceID
			mi.Hardware = &facades.MachineHardware{Arch: "amd64", Cores: 2, Mem: 4096, RootDisk: 20480}
		}
		out = append(out, mi)
	}
	return out
}

func credentialTag(m *model) string {
	return "cloudcred-" + m.cloud + "_" + m.qualifier + "_" + m.credential
}

func (c *Controller) modelInfo(cx *callCtx, m *model) any {
	features := []facades.SupportedFeature{{Name: "juju", Description: "the version of Juju used by the model", Version: c.version}}
	if c.qualifierOrOwner(cx) {
		return &facades.ModelInfo{
			AgentVersion: facades.Number(c.version), CloudCredentialTag: credentialTag(m), CloudRegion: m.region,
			CloudTag: "cloud-" + m.cloud, ControllerUUID: c.uuid, IsController: m.isController, Life: m.life,
			Machines: c.modelMachines(m), Name: m.name, ProviderType: m.providerType, Qualifier: m.qualifier,
			Status: c.modelStatusInfo(m), SupportedFeatures: features, Type: m.typ, UUID: m.uuid, Users: c.modelUsers(m),
		}
	}
	var ms []facades.ModelMachineInfoV10
	for _, x := range c.modelMachines(m) {
		ms = append(ms, facades.ModelMachineInfoV10{ID: x.ID, Status: x.Status, Message: x.Message, InstanceID: x.InstanceID, Hardware: x.Hardware, DisplayName: x.DisplayName})
	}
	return &facades.ModelInfoV10{
		AgentVersion: facades.Number(c.version), CloudCredentialTag: credentialTag(m), CloudRegion: m.region,
		CloudTag: "cloud-" + m.cloud, ControllerUUID: c.uuid, IsController: m.isController, Life: m.life,
		Machines: ms, Name: m.name, ProviderType: m.providerType, OwnerTag: "user-" + m.qualifier,
		DefaultBase: configString(m, "default-base"), SLA: facades.ModelSLAInfo{Level: "unsupported"},
		Status: c.modelStatusInfo(m), SupportedFeatures: features, Type: m.typ, UUID: m.uuid, Users: c.modelUsers(m),
	}
}

func configString(m *model, key string) string {
	if v, ok := m.config[key].(string); ok {
		return v
	}
	return ""
}

// ---- ModelManager ----

func mmCreateModel(cx *callCtx, p json.RawMessage) (any, error) {
	c := cx.c
	var name, qualifier, cloudTag, region, cred string
	var cfg map[string]any
	if c.qualifierOrOwner(cx) {
		var a facades.ModelCreateArgs
		if err := decode(p, &a); err != nil {
			return nil, err
		}
		name, qualifier, cloudTag, region, cred, cfg = a.Name, a.Qualifier, a.CloudTag, a.Region, a.Credential, a.Config
	} else {
		var a facades.ModelCreateArgsV10
		if err := decode(p, &a); err != nil {
			return nil, err
		}
		owner, ok := parseTag(a.OwnerTag, "user")
		if !ok {
			return nil, errNotValid("%q is not a valid user tag", a.OwnerTag)
		}
		name, qualifier, cloudTag, region, cred, cfg = a.Name, owner, a.CloudTag, a.Region, a.Credential, a.Config
	}
	if err := cx.needSuperuser(); err != nil {
		return nil, err
	}
	if qualifier == "" {
		qualifier = cx.u.name
	}
	if !validModelName(name) {
		return nil, errNotValid("%q is not a valid name: model names may only contain lowercase letters, digits and hyphens", name)
	}
	if _, ok := c.users[qualifier]; !ok {
		return nil, newErr(CodeUserNotFound, "user %q not found", qualifier)
	}
	for _, m := range c.models {
		if m.name == name && m.qualifier == qualifier {
			return nil, errAlreadyExists("model %s/%s already exists", qualifier, name)
		}
	}
	cloudName := "dummy"
	if cloudTag != "" {
		n, ok := parseTag(cloudTag, "cloud")
		if !ok {
			return nil, errNotValid("%q is not a valid cloud tag", cloudTag)
		}
		cloudName = n
	}
	cl, ok := c.cloud(cloudName)
	if !ok {
		return nil, errNotFound("cloud %q not found", cloudName)
	}
	if region == "" {
		region = cl.regions[0]
	} else {
		found := false
		for _, r := range cl.regions {
			found = found || r == region
		}
		if !found {
			return nil, errNotValid("cloud region %q not found in cloud %q", region, cloudName)
		}
	}
	typ := "iaas"
	if cl.typ == "kubernetes" {
		typ = "caas"
	}
	for k := range cfg {
		if readOnlyConfig[k] {
			return nil, errNotValid("config key %q not valid: cannot be set", k)
		}
	}
	m := c.newModel(name, qualifier, cloudName, region, typ)
	m.providerType = cl.typ
	if cred != "" {
		if n, ok := parseTag(cred, "cloudcred"); ok {
			if i := lastIndexByte(n, '_'); i >= 0 {
				m.credential = n[i+1:]
			}
		}
	}
	for k, v := range cfg {
		m.config[k] = v
	}
	c.logf(m, "machine-0", "INFO", "juju.apiserver", "model %s/%s created", qualifier, name)
	return c.modelInfo(cx, m), nil
}

func lastIndexByte(s string, b byte) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == b {
			return i
		}
	}
	return -1
}

func (c *Controller) userFromTag(tag string) (*user, error) {
	n, ok := parseTag(tag, "user")
	if !ok {
		return nil, errNotValid("%q is not a valid user tag", tag)
	}
	u, ok := c.users[n]
	if !ok {
		return nil, newErr(CodeUserNotFound, "user %q not found", n)
	}
	return u, nil
}

// visibleModels returns the models u can see (all when all is set and u is
// a superuser).
func (c *Controller) visibleModels(u *user, all bool) []*model {
	var out []*model
	for _, m := range c.sortedModels() {
		if (all && u.controllerAccess == "superuser") || m.access[u.name] != "" {
			out = append(out, m)
		}
	}
	return out
}

func mmListModels(cx *callCtx, p json.RawMessage) (any, error) {
	var a facades.Entity
	if err := decode(p, &a); err != nil {
		return nil, err
	}
	u, err := cx.c.userFromTag(a.Tag)
	if err != nil {
		return nil, err
	}
	if u != cx.u && cx.u.controllerAccess != "superuser" {
		return nil, errPermissionDenied
	}
	ms := cx.c.visibleModels(u, false)
	if cx.c.qualifierOrOwner(cx) {
		out := facades.UserModelList{UserModels: []facades.UserModel{}}
		for _, m := range ms {
			out.UserModels = append(out.UserModels, facades.UserModel{LastConnection: timePtr(m.lastConn[u.name]),
				Model: facades.Model{Name: m.name, Qualifier: m.qualifier, Type: m.typ, UUID: m.uuid}})
		}
		return out, nil
	}
	out := facades.UserModelListV10{UserModels: []facades.UserModelV10{}}
	for _, m := range ms {
		out.UserModels = append(out.UserModels, facades.UserModelV10{LastConnection: timePtr(m.lastConn[u.name]),
			Model: facades.ModelV10{Name: m.name, OwnerTag: "user-" + m.qualifier, Type: m.typ, UUID: m.uuid}})
	}
	return out, nil
}

func (c *Controller) counts(m *model) []facades.ModelEntityCount {
	counts := []facades.ModelEntityCount{}
	if n := len(m.machines); n > 0 {
		counts = append(counts, facades.ModelEntityCount{Entity: "machines", Count: n})
	}
	if m.unitCount > 0 {
		counts = append(counts, facades.ModelEntityCount{Entity: "units", Count: m.unitCount})
	}
	return counts
}

func mmListModelSummaries(cx *callCtx, p json.RawMessage) (any, error) {
	c := cx.c
	var a facades.ModelSummariesRequest
	if err := decode(p, &a); err != nil {
		return nil, err
	}
	u, err := c.userFromTag(a.UserTag)
	if err != nil {
		return nil, err
	}
	if u != cx.u && cx.u.controllerAccess != "superuser" {
		return nil, errPermissionDenied
	}
	ms := c.visibleModels(u, a.All)
	if c.qualifierOrOwner(cx) {
		out := facades.ModelSummaryResults{Results: []facades.ModelSummaryResult{}}
		for _, m := range ms {
			out.Results = append(out.Results, facades.ModelSummaryResult{Result: &facades.ModelSummary{
				AgentVersion: facades.Number(c.version), CloudRegion: m.region, CloudTag: "cloud-" + m.cloud,
				ControllerUUID: c.uuid, Counts: c.counts(m), IsController: m.isController, LastConnection: timePtr(m.lastConn[u.name].Truncate(time.Second)),
				Life: m.life, Name: m.name, ProviderType: m.providerType, Qualifier: m.qualifier, Status: c.modelStatusInfo(m),
				Type: m.typ, UUID: m.uuid, UserAccess: c.modelAccess(u, m),
			}})
		}
		return out, nil
	}
	out := facades.ModelSummaryResultsV10{Results: []facades.ModelSummaryResultV10{}}
	for _, m := range ms {
		out.Results = append(out.Results, facades.ModelSummaryResultV10{Result: &facades.ModelSummaryV10{
			AgentVersion: facades.Number(c.version), CloudRegion: m.region, CloudTag: "cloud-" + m.cloud,
			CloudCredentialTag: credentialTag(m),
			ControllerUUID:     c.uuid, Counts: c.counts(m), IsController: m.isController, LastConnection: timePtr(m.lastConn[u.name].Truncate(time.Second)),
			Life: m.life, Name: m.name, ProviderType: m.providerType, OwnerTag: "user-" + m.qualifier, Status: c.modelStatusInfo(m),
			Type: m.typ, UUID: m.uuid, UserAccess: c.modelAccess(u, m), SLA: facades.ModelSLAInfo{Level: "unsupported"},
		}})
	}
	return out, nil
}

func mmModelInfo(cx *callCtx, p json.RawMessage) (any, error) {
	c := cx.c
	var a facades.Entities
	if err := decode(p, &a); err != nil {
		return nil, err
	}
	if c.qualifierOrOwner(cx) {
		out := facades.ModelInfoResults{Results: eachItem(a.Entities, func(e facades.Entity) (facades.ModelInfoResult, error) {
			var r facades.ModelInfoResult
			m, err := c.modelForUser(cx, e.Tag, "read")
			if err != nil {
				return r, err
			}
			r.Result = c.modelInfo(cx, m).(*facades.ModelInfo)
			return r, nil
		})}
		return out, nil
	}
	out := facades.ModelInfoResultsV10{Results: eachItem(a.Entities, func(e facades.Entity) (facades.ModelInfoResultV10, error) {
		var r facades.ModelInfoResultV10
		m, err := c.modelForUser(cx, e.Tag, "read")
		if err != nil {
			return r, err
		}
		r.Result = c.modelInfo(cx, m).(*facades.ModelInfoV10)
		return r, nil
	})}
	return out, nil
}

// modelForUser resolves a model tag and checks the caller's access.
func (c *Controller) modelForUser(cx *callCtx, tag, access string) (*model, error) {
	m, err := c.modelFromTag(tag)
	if err != nil {
		return nil, err
	}
	if accessRank[c.modelAccess(cx.u, m)] < accessRank[access] {
		return nil, errPermissionDenied
	}
	return m, nil
}

func (c *Controller) modelStatus(cx *callCtx, tags []string) any {
	qual := c.qualifierOrOwner(cx)
	res4 := facades.ModelStatusResults{Models: make([]facades.ModelStatus, len(tags))}
	res3 := facades.ModelStatusResultsV10{Models: make([]facades.ModelStatusV10, len(tags))}
	for i, tag := range tags {
		m, err := c.modelForUser(cx, tag, "read")
		if err != nil {
			if qual {
				setErr(&res4.Models[i].Error, err)
			} else {
				setErr(&res3.Models[i].Error, err)
			}
			continue
		}
		var apps []facades.ModelApplicationInfo
		for _, n := range m.sortedApps() {
			apps = append(apps, facades.ModelApplicationInfo{Name: n})
		}
		// Only alive machines count, as on the real server (a machine
		// being removed with its unit, or with the model, drops out).
		hosted := 0
		var machines []facades.ModelMachineInfo
		for _, mi := range c.modelMachines(m) {
			if mc := m.machines[mi.ID]; mc != nil && mc.life == lifeAlive {
				machines = append(machines, mi)
				hosted++
			}
		}
		if qual {
			res4.Models[i] = facades.ModelStatus{ApplicationCount: len(m.apps), Applications: apps, HostedMachineCount: hosted,
				Life: m.life, Machines: machines, ModelTag: "model-" + m.uuid, Qualifier: m.qualifier, Type: m.typ, UnitCount: m.unitCount}
		} else {
			var ms []facades.ModelMachineInfoV10
			for _, x := range machines {
				ms = append(ms, facades.ModelMachineInfoV10{ID: x.ID, Status: x.Status, Message: x.Message, InstanceID: x.InstanceID, Hardware: x.Hardware})
			}
			res3.Models[i] = facades.ModelStatusV10{ApplicationCount: len(m.apps), Applications: apps, HostedMachineCount: hosted,
				Life: m.life, Machines: ms, ModelTag: "model-" + m.uuid, OwnerTag: "user-" + m.qualifier, Type: m.typ, UnitCount: m.unitCount}
		}
	}
	if qual {
		return res4
	}
	return res3
}

func mmModelStatus(cx *callCtx, p json.RawMessage) (any, error) {
	var a facades.Entities
	if err := decode(p, &a); err != nil {
		return nil, err
	}
	tags := make([]string, len(a.Entities))
	for i, e := range a.Entities {
		tags[i] = e.Tag
	}
	return cx.c.modelStatus(cx, tags), nil
}

func mmDestroyModels(cx *callCtx, p json.RawMessage) (any, error) {
	c := cx.c
	var a facades.DestroyModelsParams
	if err := decode(p, &a); err != nil {
		return nil, err
	}
	return eachErr(a.Models, func(d facades.DestroyModelParams) error {
		m, err := c.modelForUser(cx, d.ModelTag, "admin")
		if err != nil {
			return err
		}
		if m.isController {
			return errNotSupported("cannot destroy model %q: the controller model cannot be destroyed", m.name)
		}
		if m.life != lifeAlive {
			return nil
		}
		opts := destroyModelOpts{force: d.Force, destroyStorage: d.DestroyStorage, maxWait: d.MaxWait, timeout: d.Timeout}
		c.destroyModel(m, opts)
		if opts.force && d.MaxWait != nil && *d.MaxWait == 0 {
			c.forceEmptyModel(m)
		}
		return nil
	}), nil
}

// forceEmptyModel removes everything in a dying model at once (force with
// no wait).
func (c *Controller) forceEmptyModel(m *model) {
	for _, n := range m.sortedApps() {
		a := m.apps[n]
		for _, u := range a.sortedUnits() {
			c.removeUnitNow(u)
		}
		c.removeAppNow(a)
	}
	for _, r := range m.sortedRelations() {
		c.removeRelationNow(r, m)
	}
	for _, mc := range m.sortedMachines() {
		for _, ct := range mc.containers {
			c.removeMachineNow(ct)
		}
		c.removeMachineNow(mc)
	}
	c.checkModelEmpty(m)
}

func mmModifyModelAccess(cx *callCtx, p json.RawMessage) (any, error) {
	c := cx.c
	var a facades.ModifyModelAccessRequest
	if err := decode(p, &a); err != nil {
		return nil, err
	}
	return eachErr(a.Changes, func(ch facades.ModifyModelAccess) error {
		m, err := c.modelForUser(cx, ch.ModelTag, "admin")
		if err != nil {
			return err
		}
		u, err := c.userFromTag(ch.UserTag)
		if err != nil {
			return err
		}
		switch ch.Access {
		case "read", "write", "admin":
		default:
			return errNotValid("could not modify model access: %q model access not valid", ch.Access)
		}
		switch ch.Action {
		case "grant":
			if accessRank[m.access[u.name]] >= accessRank[ch.Access] {
				return errAlreadyExists("user already has %q access or greater", ch.Access)
			}
			m.access[u.name] = ch.Access
		case "revoke":
			// Revoking an access level leaves the one below it.
			switch ch.Access {
			case "read":
				delete(m.access, u.name)
			case "write":
				m.access[u.name] = "read"
			case "admin":
				m.access[u.name] = "write"
			}
		default:
			return errNotValid("unknown action %q", ch.Action)
		}
		return nil
	}), nil
}

// ---- Controller facade ----

func ctrlVersion(cx *callCtx, _ json.RawMessage) (any, error) {
	return facades.ControllerVersionResults{Version: cx.c.version, GitCommit: "jujusim"}, nil
}

func ctrlConfig(cx *callCtx, _ json.RawMessage) (any, error) {
	c := cx.c
	return facades.ControllerConfigResult{Config: map[string]any{
		"controller-uuid": c.uuid, "controller-name": c.name, "api-port": 17070, "state-port": 37017,
		"audit-log-enabled": true, "agent-logfile-max-backups": 2, "max-debug-log-duration": "24h0m0s",
	}}, nil
}

func ctrlAllModels(cx *callCtx, _ json.RawMessage) (any, error) {
	if err := cx.needSuperuser(); err != nil {
		return nil, err
	}
	c := cx.c
	ms := c.sortedModels()
	if c.qualifierOrOwner(cx) {
		out := facades.UserModelList{UserModels: []facades.UserModel{}}
		for _, m := range ms {
			out.UserModels = append(out.UserModels, facades.UserModel{LastConnection: timePtr(m.lastConn[cx.u.name]),
				Model: facades.Model{Name: m.name, Qualifier: m.qualifier, Type: m.typ, UUID: m.uuid}})
		}
		return out, nil
	}
	out := facades.UserModelListV10{UserModels: []facades.UserModelV10{}}
	for _, m := range ms {
		out.UserModels = append(out.UserModels, facades.UserModelV10{LastConnection: timePtr(m.lastConn[cx.u.name]),
			Model: facades.ModelV10{Name: m.name, OwnerTag: "user-" + m.qualifier, Type: m.typ, UUID: m.uuid}})
	}
	return out, nil
}

func ctrlGetAccess(cx *callCtx, p json.RawMessage) (any, error) {
	var a facades.Entities
	if err := decode(p, &a); err != nil {
		return nil, err
	}
	out := facades.UserAccessResults{Results: eachItem(a.Entities, func(e facades.Entity) (facades.UserAccessResult, error) {
		var r facades.UserAccessResult
		u, err := cx.c.userFromTag(e.Tag)
		if err != nil {
			return r, err
		}
		if u != cx.u && cx.u.controllerAccess != "superuser" {
			return r, errPermissionDenied
		}
		r.Result = &facades.UserAccess{Access: u.controllerAccess, UserTag: "user-" + u.name}
		return r, nil
	})}
	return out, nil
}

func ctrlModifyAccess(cx *callCtx, p json.RawMessage) (any, error) {
	a, err := params[facades.ModifyControllerAccessRequest](cx, "superuser", p)
	if err != nil {
		return nil, err
	}
	return eachErr(a.Changes, func(ch facades.ModifyControllerAccess) error {
		u, err := cx.c.userFromTag(ch.UserTag)
		if err != nil {
			return err
		}
		if ch.Access != "login" && ch.Access != "superuser" {
			return errNotValid("%q controller access not valid", ch.Access)
		}
		switch ch.Action {
		case "grant":
			u.controllerAccess = ch.Access
		case "revoke":
			u.controllerAccess = "login"
		default:
			return errNotValid("unknown action %q", ch.Action)
		}
		return nil
	}), nil
}

// ---- Cloud ----

func (c *Controller) wireCloud(cl cloudDef) facades.Cloud {
	w := facades.Cloud{Type: cl.typ, AuthTypes: cl.authTypes}
	for _, r := range cl.regions {
		w.Regions = append(w.Regions, facades.CloudRegion{Name: r})
	}
	return w
}

func cloudClouds(cx *callCtx, _ json.RawMessage) (any, error) {
	out := facades.CloudsResult{Clouds: map[string]facades.Cloud{}}
	for _, cl := range cx.c.clouds() {
		out.Clouds["cloud-"+cl.name] = cx.c.wireCloud(cl)
	}
	return out, nil
}

func cloudCloud(cx *callCtx, p json.RawMessage) (any, error) {
	var a facades.Entities
	if err := decode(p, &a); err != nil {
		return nil, err
	}
	out := facades.CloudResults{Results: eachItem(a.Entities, func(e facades.Entity) (facades.CloudResult, error) {
		var r facades.CloudResult
		n, ok := parseTag(e.Tag, "cloud")
		if !ok {
			return r, errNotValid("%q is not a valid cloud tag", e.Tag)
		}
		cl, ok := cx.c.cloud(n)
		if !ok {
			return r, errNotFound("cloud %q not found", n)
		}
		w := cx.c.wireCloud(cl)
		r.Cloud = &w
		return r, nil
	})}
	return out, nil
}

func cloudUserCredentials(cx *callCtx, p json.RawMessage) (any, error) {
	var a facades.UserClouds
	if err := decode(p, &a); err != nil {
		return nil, err
	}
	out := facades.StringsResults{Results: eachItem(a.UserClouds, func(uc facades.UserCloud) (facades.StringsResult, error) {
		var r facades.StringsResult
		u, err := cx.c.userFromTag(uc.UserTag)
		if err != nil {
			return r, err
		}
		n, _ := parseTag(uc.CloudTag, "cloud")
		if _, ok := cx.c.cloud(n); !ok {
			return r, errNotFound("cloud %q not found", n)
		}
		r.Result = []string{"cloudcred-" + n + "_" + u.name + "_default"}
		return r, nil
	})}
	return out, nil
}

// ---- UserManager ----

func umUserInfo(cx *callCtx, p json.RawMessage) (any, error) {
	c := cx.c
	var a facades.UserInfoRequest
	if err := decode(p, &a); err != nil {
		return nil, err
	}
	info := func(u *user) *facades.UserInfo {
		return &facades.UserInfo{Access: u.controllerAccess, CreatedBy: u.createdBy, DateCreated: timePtr(u.created), Disabled: u.disabled,
			DisplayName: u.displayName, LastConnection: timePtr(u.lastLogin), Username: u.name}
	}
	out := facades.UserInfoResults{Results: []facades.UserInfoResult{}}
	if len(a.Entities) == 0 {
		names := make([]string, 0, len(c.users))
		for n := range c.users {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			u := c.users[n]
			if u.disabled && !a.IncludeDisabled {
				continue
			}
			out.Results = append(out.Results, facades.UserInfoResult{Result: info(u)})
		}
		return out, nil
	}
	for _, e := range a.Entities {
		var r facades.UserInfoResult
		u, err := c.userFromTag(e.Tag)
		if err != nil {
			setErr(&r.Error, err)
		} else {
			r.Result = info(u)
		}
		out.Results = append(out.Results, r)
	}
	return out, nil
}

func umAddUser(cx *callCtx, p json.RawMessage) (any, error) {
	c := cx.c
	a, err := params[facades.AddUsers](cx, "superuser", p)
	if err != nil {
		return nil, err
	}
	out := facades.AddUserResults{Results: eachItem(a.Users, func(au facades.AddUser) (facades.AddUserResult, error) {
		var r facades.AddUserResult
		if !validUserName(au.Username) {
			return r, errNotValid("failed to create user: invalid user name %q", au.Username)
		}
		if _, ok := c.users[au.Username]; ok {
			return r, errAlreadyExists("failed to create user: user %q already exists", au.Username)
		}
		c.users[au.Username] = &user{name: au.Username, displayName: au.DisplayName, password: au.Password, controllerAccess: "login", created: c.now(), createdBy: cx.u.name}
		r.Tag = "user-" + au.Username
		if au.Password == "" {
			r.SecretKey = []byte(randomHex(16))
		}
		return r, nil
	})}
	return out, nil
}

func umSetPassword(cx *callCtx, p json.RawMessage) (any, error) {
	c := cx.c
	var a facades.EntityPasswords
	if err := decode(p, &a); err != nil {
		return nil, err
	}
	return eachErr(a.Changes, func(ch facades.EntityPassword) error {
		u, err := c.userFromTag(ch.Tag)
		if err != nil {
			return err
		}
		if u != cx.u && cx.u.controllerAccess != "superuser" {
			return errPermissionDenied
		}
		u.password = ch.Password
		return nil
	}), nil
}

func umEnableDisable(disable bool) handlerFunc {
	return func(cx *callCtx, p json.RawMessage) (any, error) {
		c := cx.c
		if err := cx.needSuperuser(); err != nil {
			return nil, err
		}
		var a facades.Entities
		if err := decode(p, &a); err != nil {
			return nil, err
		}
		return eachErr(a.Entities, func(e facades.Entity) error {
			u, err := c.userFromTag(e.Tag)
			if err != nil {
				return err
			}
			if u.name == "admin" {
				return errNotValid("cannot disable controller model owner")
			}
			u.disabled = disable
			return nil
		}), nil
	}
}

func init() {
	regAll("ModelManager", "CreateModel", mmCreateModel)
	regAll("ModelManager", "ListModels", mmListModels)
	regAll("ModelManager", "ListModelSummaries", mmListModelSummaries)
	regAll("ModelManager", "ModelInfo", mmModelInfo)
	regAll("ModelManager", "ModelStatus", mmModelStatus)
	regAll("ModelManager", "DestroyModels", mmDestroyModels)
	regAll("ModelManager", "ModifyModelAccess", mmModifyModelAccess)

	regAll("Controller", "ControllerVersion", ctrlVersion)
	regAll("Controller", "ControllerConfig", ctrlConfig)
	regAll("Controller", "AllModels", ctrlAllModels)
	regAll("Controller", "ModelStatus", mmModelStatus)
	regAll("Controller", "GetControllerAccess", ctrlGetAccess)
	regAll("Controller", "ModifyControllerAccess", ctrlModifyAccess)
	regAll("Controller", "IdentityProviderURL", func(*callCtx, json.RawMessage) (any, error) { return facades.StringResult{}, nil })
	reg("Controller", "WatchAllModels", handler{major: 4, fn: func(*callCtx, json.RawMessage) (any, error) {
		return nil, errNotImplemented("WatchAllModels not implemented")
	}})
	reg("Controller", "DashboardConnectionInfo", handler{major: 4, fn: func(*callCtx, json.RawMessage) (any, error) {
		return nil, errNotImplemented("dashboard is not supported")
	}})

	regAll("Cloud", "Clouds", cloudClouds)
	regAll("Cloud", "Cloud", cloudCloud)
	regAll("Cloud", "UserCredentials", cloudUserCredentials)

	regAll("UserManager", "UserInfo", umUserInfo)
	regAll("UserManager", "AddUser", umAddUser)
	regAll("UserManager", "SetPassword", umSetPassword)
	regAll("UserManager", "DisableUser", umEnableDisable(true))
	regAll("UserManager", "EnableUser", umEnableDisable(false))

	// The 4.0 CLI asks for every controller node before streaming the
	// debug log; the simulator is one node at the addresses of the login.
	reg("HighAvailability", "ControllerDetails", handler{minV: 3, fn: func(cx *callCtx, _ json.RawMessage) (any, error) {
		addrs := []string{}
		for _, a := range cx.s.addrs {
			addrs = append(addrs, strings.TrimPrefix(strings.TrimPrefix(a, "wss://"), "ws://"))
		}
		return facades.ControllerDetailsResults{Results: []facades.ControllerDetails{{ControllerID: "0", APIAddresses: addrs}}}, nil
	}})
	reg("HighAvailability", "EnableHA", handler{major: 4, fn: func(*callCtx, json.RawMessage) (any, error) {
		return nil, errNotSupported("enable-ha is not supported")
	}})
	regAll("Pinger", "Ping", func(*callCtx, json.RawMessage) (any, error) { return struct{}{}, nil })
}
