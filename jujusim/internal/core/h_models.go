package core

import (
	"sort"
	"strings"
	"time"

	"github.com/gojuju/juju/internal/facades"
)

// This file: ModelManager, Controller, Cloud and UserManager (controller
// connection facades).

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

// credentialTag is the tag of the model's cloud credential; "" when it
// has none (its credential was revoked with force).
func credentialTag(m *model) string {
	if m.credential == "" {
		return ""
	}
	owner := m.credOwner
	if owner == "" {
		owner = m.qualifier
	}
	return credTag(m.cloud, owner, m.credential)
}

func (c *Controller) modelFeatures() []facades.SupportedFeature {
	return []facades.SupportedFeature{{Name: "juju", Description: "the version of Juju used by the model", Version: c.version}}
}

// modelInfo is a model's ModelInfo in the qualifier shape (ModelManager
// v11 and later).
func (c *Controller) modelInfo(m *model) *facades.ModelInfo {
	return &facades.ModelInfo{
		AgentVersion: facades.Number(c.version), CloudCredentialTag: credentialTag(m), CloudRegion: m.region,
		CloudTag: "cloud-" + m.cloud, ControllerUUID: c.uuid, IsController: m.isController, Life: m.life,
		Machines: c.modelMachines(m), Name: m.name, ProviderType: m.providerType, Qualifier: m.qualifier,
		Status: c.modelStatusInfo(m), SupportedFeatures: c.modelFeatures(), Type: m.typ, UUID: m.uuid, Users: c.modelUsers(m),
	}
}

// modelInfoV10 is a model's ModelInfo in the owner-tag shape (ModelManager
// v10 and before).
func (c *Controller) modelInfoV10(m *model) *facades.ModelInfoJuju36 {
	var ms []facades.ModelMachineInfoJuju36
	for _, x := range c.modelMachines(m) {
		ms = append(ms, facades.ModelMachineInfoJuju36{ID: x.ID, Status: x.Status, Message: x.Message, InstanceID: x.InstanceID, Hardware: x.Hardware, DisplayName: x.DisplayName})
	}
	return &facades.ModelInfoJuju36{
		AgentVersion: facades.Number(c.version), CloudCredentialTag: credentialTag(m), CloudRegion: m.region,
		CloudTag: "cloud-" + m.cloud, ControllerUUID: c.uuid, IsController: m.isController, Life: m.life,
		Machines: ms, Name: m.name, ProviderType: m.providerType, OwnerTag: "user-" + m.qualifier,
		DefaultBase: configString(m, "default-base"), SLA: facades.ModelSLAInfo{Level: "unsupported"},
		Status: c.modelStatusInfo(m), SupportedFeatures: c.modelFeatures(), Type: m.typ, UUID: m.uuid, Users: c.modelUsers(m),
	}
}

func configString(m *model, key string) string {
	if v, ok := m.config[key].(string); ok {
		return v
	}
	return ""
}

// ---- ModelManager ----

func (modelManagerFacade) CreateModel(cx *callCtx, a facades.ModelCreateArgs) (facades.ModelInfo, error) {
	m, err := cx.c.createModel(cx, a.Name, a.Qualifier, a.CloudTag, a.Region, a.Credential, a.Config)
	if err != nil {
		return facades.ModelInfo{}, err
	}
	return *cx.c.modelInfo(m), nil
}

func (modelManagerFacade) CreateModelJuju36(cx *callCtx, a facades.ModelCreateArgsJuju36) (facades.ModelInfoJuju36, error) {
	owner, ok := parseTag(a.OwnerTag, "user")
	if !ok {
		return facades.ModelInfoJuju36{}, errNotValid("%q is not a valid user tag", a.OwnerTag)
	}
	m, err := cx.c.createModel(cx, a.Name, owner, a.CloudTag, a.Region, a.Credential, a.Config)
	if err != nil {
		return facades.ModelInfoJuju36{}, err
	}
	return *cx.c.modelInfoV10(m), nil
}

// createModel creates a model for ModelManager.CreateModel.
func (c *Controller) createModel(cx *callCtx, name, qualifier, cloudTag, region, cred string, cfg map[string]any) (*model, error) {
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
		if len(cl.regions) > 0 {
			region = cl.regions[0]
		}
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
	m.credOwner = cx.u.name
	if cred != "" {
		if _, owner, n, ok := parseCredTag(cred); ok {
			m.credential, m.credOwner = n, owner
		}
	}
	// A new model takes the model defaults stored for its cloud and
	// region (ModelManager.SetModelDefaults) as they are now, as on a
	// real controller; later changes to them do not reach it.
	for _, scope := range []string{cloudName, cloudName + "/" + region} {
		for k, v := range c.defaults[scope] {
			if !readOnlyConfig[k] {
				m.config[k] = v
			}
		}
	}
	for k, v := range cfg {
		if k == authorizedKeysConfig {
			if c.major < 4 {
				c.setConfigKeys(m, v)
				c.ensureSystemKey(m)
			}
			continue
		}
		m.config[k] = v
	}
	c.logf(m, "machine-0", "INFO", "juju.apiserver", "model %s/%s created", qualifier, name)
	return m, nil
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

func (modelManagerFacade) ListModels(cx *callCtx, a facades.Entity) (facades.UserModelList, error) {
	u, err := cx.c.userFromTag(a.Tag)
	if err != nil {
		return facades.UserModelList{}, err
	}
	if u != cx.u && cx.u.controllerAccess != "superuser" {
		return facades.UserModelList{}, errPermissionDenied
	}
	return userModelList(u, cx.c.visibleModels(u, false)), nil
}

func (modelManagerFacade) ListModelsJuju36(cx *callCtx, a facades.Entity) (facades.UserModelListJuju36, error) {
	u, err := cx.c.userFromTag(a.Tag)
	if err != nil {
		return facades.UserModelListJuju36{}, err
	}
	if u != cx.u && cx.u.controllerAccess != "superuser" {
		return facades.UserModelListJuju36{}, errPermissionDenied
	}
	return userModelListV10(u, cx.c.visibleModels(u, false)), nil
}

// userModelList lists models ms as u sees them, in the qualifier shape.
func userModelList(u *user, ms []*model) facades.UserModelList {
	out := facades.UserModelList{UserModels: []facades.UserModel{}}
	for _, m := range ms {
		out.UserModels = append(out.UserModels, facades.UserModel{LastConnection: timePtr(m.lastConn[u.name]),
			Model: facades.Model{Name: m.name, Qualifier: m.qualifier, Type: m.typ, UUID: m.uuid}})
	}
	return out
}

// userModelListV10 is userModelList in the owner-tag shape.
func userModelListV10(u *user, ms []*model) facades.UserModelListJuju36 {
	out := facades.UserModelListJuju36{UserModels: []facades.UserModelJuju36{}}
	for _, m := range ms {
		out.UserModels = append(out.UserModels, facades.UserModelJuju36{LastConnection: timePtr(m.lastConn[u.name]),
			Model: facades.ModelJuju36{Name: m.name, OwnerTag: "user-" + m.qualifier, Type: m.typ, UUID: m.uuid}})
	}
	return out
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

func (modelManagerFacade) ListModelSummaries(cx *callCtx, a facades.ModelSummariesRequest) (facades.ModelSummaryResults, error) {
	c := cx.c
	u, err := c.userFromTag(a.UserTag)
	if err != nil {
		return facades.ModelSummaryResults{}, err
	}
	if u != cx.u && cx.u.controllerAccess != "superuser" {
		return facades.ModelSummaryResults{}, errPermissionDenied
	}
	out := facades.ModelSummaryResults{Results: []facades.ModelSummaryResult{}}
	for _, m := range c.visibleModels(u, a.All) {
		out.Results = append(out.Results, facades.ModelSummaryResult{Result: &facades.ModelSummary{
			AgentVersion: facades.Number(c.version), CloudRegion: m.region, CloudTag: "cloud-" + m.cloud,
			ControllerUUID: c.uuid, Counts: c.counts(m), IsController: m.isController, LastConnection: timePtr(m.lastConn[u.name].Truncate(time.Second)),
			Life: m.life, Name: m.name, ProviderType: m.providerType, Qualifier: m.qualifier, Status: c.modelStatusInfo(m),
			Type: m.typ, UUID: m.uuid, UserAccess: c.modelAccess(u, m),
		}})
	}
	return out, nil
}

func (modelManagerFacade) ListModelSummariesJuju36(cx *callCtx, a facades.ModelSummariesRequest) (facades.ModelSummaryResultsJuju36, error) {
	c := cx.c
	u, err := c.userFromTag(a.UserTag)
	if err != nil {
		return facades.ModelSummaryResultsJuju36{}, err
	}
	if u != cx.u && cx.u.controllerAccess != "superuser" {
		return facades.ModelSummaryResultsJuju36{}, errPermissionDenied
	}
	out := facades.ModelSummaryResultsJuju36{Results: []facades.ModelSummaryResultJuju36{}}
	for _, m := range c.visibleModels(u, a.All) {
		out.Results = append(out.Results, facades.ModelSummaryResultJuju36{Result: &facades.ModelSummaryJuju36{
			AgentVersion: facades.Number(c.version), CloudRegion: m.region, CloudTag: "cloud-" + m.cloud,
			CloudCredentialTag: credentialTag(m),
			ControllerUUID:     c.uuid, Counts: c.counts(m), IsController: m.isController, LastConnection: timePtr(m.lastConn[u.name].Truncate(time.Second)),
			Life: m.life, Name: m.name, ProviderType: m.providerType, OwnerTag: "user-" + m.qualifier, Status: c.modelStatusInfo(m),
			Type: m.typ, UUID: m.uuid, UserAccess: c.modelAccess(u, m), SLA: facades.ModelSLAInfo{Level: "unsupported"},
		}})
	}
	return out, nil
}

func (modelManagerFacade) ModelInfo(cx *callCtx, a facades.Entities) (facades.ModelInfoResults, error) {
	c := cx.c
	return facades.ModelInfoResults{Results: eachItem(a.Entities, func(e facades.Entity) (facades.ModelInfoResult, error) {
		m, err := c.modelForUser(cx, e.Tag, "read")
		if err != nil {
			return facades.ModelInfoResult{}, err
		}
		info := c.modelInfo(m)
		// As the real 4.0.15 server's ModelInfo (CreateModel's reply has
		// neither): the credential's validity and the model's secret
		// backend.
		info.CloudCredentialValidity = true
		info.SecretBackends = []facades.SecretBackendResult{{NumSecrets: len(m.secrets), Status: "active",
			Result: facades.SecretBackend{Name: "internal", BackendType: "controller"}}}
		return facades.ModelInfoResult{Result: info}, nil
	})}, nil
}

func (modelManagerFacade) ModelInfoJuju36(cx *callCtx, a facades.Entities) (facades.ModelInfoResultsJuju36, error) {
	c := cx.c
	return facades.ModelInfoResultsJuju36{Results: eachItem(a.Entities, func(e facades.Entity) (facades.ModelInfoResultJuju36, error) {
		m, err := c.modelForUser(cx, e.Tag, "read")
		if err != nil {
			return facades.ModelInfoResultJuju36{}, err
		}
		return facades.ModelInfoResultJuju36{Result: c.modelInfoV10(m)}, nil
	})}, nil
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

// modelStatus is ModelStatus of the models tags, in the qualifier shape
// (ModelManager v11, Controller v13 and later) when qual is set, else in
// the owner-tag shape; the other result is empty.
func (c *Controller) modelStatus(cx *callCtx, tags []string, qual bool) (facades.ModelStatusResults, facades.ModelStatusResultsJuju36) {
	res4 := facades.ModelStatusResults{Models: make([]facades.ModelStatus, len(tags))}
	res3 := facades.ModelStatusResultsJuju36{Models: make([]facades.ModelStatusJuju36, len(tags))}
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
			var ms []facades.ModelMachineInfoJuju36
			for _, x := range machines {
				ms = append(ms, facades.ModelMachineInfoJuju36{ID: x.ID, Status: x.Status, Message: x.Message, InstanceID: x.InstanceID, Hardware: x.Hardware})
			}
			res3.Models[i] = facades.ModelStatusJuju36{ApplicationCount: len(m.apps), Applications: apps, HostedMachineCount: hosted,
				Life: m.life, Machines: ms, ModelTag: "model-" + m.uuid, OwnerTag: "user-" + m.qualifier, Type: m.typ, UnitCount: m.unitCount}
		}
	}
	return res4, res3
}

func entityTags(es []facades.Entity) []string {
	tags := make([]string, len(es))
	for i, e := range es {
		tags[i] = e.Tag
	}
	return tags
}

func (modelManagerFacade) ModelStatus(cx *callCtx, a facades.Entities) (facades.ModelStatusResults, error) {
	res, _ := cx.c.modelStatus(cx, entityTags(a.Entities), true)
	return res, nil
}

func (modelManagerFacade) ModelStatusJuju36(cx *callCtx, a facades.Entities) (facades.ModelStatusResultsJuju36, error) {
	_, res := cx.c.modelStatus(cx, entityTags(a.Entities), false)
	return res, nil
}

func (controllerFacade) ModelStatus(cx *callCtx, a facades.Entities) (facades.ModelStatusResults, error) {
	return modelManagerFacade{}.ModelStatus(cx, a)
}

func (controllerFacade) ModelStatusJuju36(cx *callCtx, a facades.Entities) (facades.ModelStatusResultsJuju36, error) {
	return modelManagerFacade{}.ModelStatusJuju36(cx, a)
}

func (modelManagerFacade) DestroyModels(cx *callCtx, a facades.DestroyModelsParams) (facades.ErrorResults, error) {
	c := cx.c
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

func (modelManagerFacade) ModifyModelAccess(cx *callCtx, a facades.ModifyModelAccessRequest) (facades.ErrorResults, error) {
	c := cx.c
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
				if cx.is4() {
					// Juju 4.0 sends it without a code (the CLI prints it
					// as an error; 3.6's code makes it a warning).
					return newErr("", "user %q already has %q access or greater", u.name, ch.Access)
				}
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

func (controllerFacade) ControllerVersion(cx *callCtx) (facades.ControllerVersionResults, error) {
	return facades.ControllerVersionResults{Version: cx.c.version, GitCommit: "jujusim"}, nil
}

// controllerConfig40 is the controller config of a Juju 4.0.15
// controller, as the real one reports it (controller-config.jsonl), less
// what each controller has of its own (controller-uuid, ca-cert, api-port).
var controllerConfig40 = map[string]any{
	"agent-logfile-max-backups": 2, "agent-logfile-max-size": "100M",
	"audit-log-capture-args": true, "audit-log-exclude-methods": "ReadOnlyMethods",
	"audit-log-max-backups": 5, "audit-log-max-size": "200M", "auditing-enabled": false,
	"dqlite-busy-timeout": "1s", "http-server-read-timeout": 0, "http-server-write-timeout": 0,
	"idle-connection-timeout": 30000000000, "jujud-controller-snap-source": "legacy",
	"max-agent-state-size": 524288, "max-charm-state-size": 2097152, "max-debug-log-duration": "24h0m0s",
	"max-prune-txn-batch-size": 1000000, "max-prune-txn-passes": 100, "max-txn-log-size": "10M",
	"migration-agent-wait-time": "15m0s", "model-logfile-max-backups": 1, "model-logfile-max-size": "1M",
	"object-store-type": "file", "open-telemetry-enabled": false, "open-telemetry-insecure": false,
	"open-telemetry-sample-ratio": "0.10", "open-telemetry-stack-traces": false,
	"open-telemetry-tail-sampling-threshold": "1ms", "prune-txn-query-count": 1000,
	"prune-txn-sleep-time": "10ms", "query-tracing-enabled": false, "query-tracing-threshold": "1s",
	"set-numa-control-policy": false, "ssh-max-concurrent-connections": 100, "ssh-server-port": 17022,
}

func (controllerFacade) ControllerConfig(cx *callCtx) (facades.ControllerConfigResult, error) {
	c := cx.c
	cfg := map[string]any{"controller-uuid": c.uuid, "api-port": 17070}
	if c.major >= 4 {
		for k, v := range controllerConfig40 {
			cfg[k] = v
		}
		cfg["ca-cert"] = c.caCert
	} else {
		cfg["controller-name"], cfg["state-port"] = c.name, 37017
		cfg["audit-log-enabled"], cfg["agent-logfile-max-backups"], cfg["max-debug-log-duration"] = true, 2, "24h0m0s"
	}
	for k, v := range c.ctrlConfig {
		cfg[k] = v
	}
	return facades.ControllerConfigResult{Config: cfg}, nil
}

func (controllerFacade) AllModels(cx *callCtx) (facades.UserModelList, error) {
	if err := cx.needSuperuser(); err != nil {
		return facades.UserModelList{}, err
	}
	return userModelList(cx.u, cx.c.sortedModels()), nil
}

func (controllerFacade) AllModelsJuju36(cx *callCtx) (facades.UserModelListJuju36, error) {
	if err := cx.needSuperuser(); err != nil {
		return facades.UserModelListJuju36{}, err
	}
	return userModelListV10(cx.u, cx.c.sortedModels()), nil
}

func (controllerFacade) GetControllerAccess(cx *callCtx, a facades.Entities) (facades.UserAccessResults, error) {
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

func (controllerFacade) ModifyControllerAccess(cx *callCtx, a facades.ModifyControllerAccessRequest) (facades.ErrorResults, error) {
	if err := cx.check("superuser"); err != nil {
		return facades.ErrorResults{}, err
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
			// Access the user has or exceeds is refused, never lowered.
			if accessRank[u.controllerAccess] >= accessRank[ch.Access] {
				return errAlreadyExists("user %q already has %q access or greater", u.name, ch.Access)
			}
			u.controllerAccess = ch.Access
		case "revoke":
			// Revoking superuser leaves login; revoking login leaves none.
			if ch.Access == "superuser" {
				u.controllerAccess = "login"
			} else {
				u.controllerAccess = ""
			}
		default:
			return errNotValid("unknown action %q", ch.Action)
		}
		return nil
	}), nil
}

// ---- UserManager ----

func (userManagerFacade) UserInfo(cx *callCtx, a facades.UserInfoRequest) (facades.UserInfoResults, error) {
	c := cx.c
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

func (userManagerFacade) AddUser(cx *callCtx, a facades.AddUsers) (facades.AddUserResults, error) {
	c := cx.c
	if err := cx.check("superuser"); err != nil {
		return facades.AddUserResults{}, err
	}
	out := facades.AddUserResults{Results: eachItem(a.Users, func(au facades.AddUser) (facades.AddUserResult, error) {
		var r facades.AddUserResult
		if !validUserName(au.Username) {
			return r, errNotValid("failed to create user: invalid user name %q", au.Username)
		}
		if _, ok := c.users[au.Username]; ok {
			if c.is4() {
				// As the real 4.0.15 server: the domain error, without a code.
				return r, newErr("", "creating user: adding user %q: user already exists", au.Username)
			}
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

func (userManagerFacade) SetPassword(cx *callCtx, a facades.EntityPasswords) (facades.ErrorResults, error) {
	c := cx.c
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

func (userManagerFacade) DisableUser(cx *callCtx, a facades.Entities) (facades.ErrorResults, error) {
	return cx.c.enableDisableUsers(cx, a, true)
}

func (userManagerFacade) EnableUser(cx *callCtx, a facades.Entities) (facades.ErrorResults, error) {
	return cx.c.enableDisableUsers(cx, a, false)
}

func (c *Controller) enableDisableUsers(cx *callCtx, a facades.Entities, disable bool) (facades.ErrorResults, error) {
	if err := cx.needSuperuser(); err != nil {
		return facades.ErrorResults{}, err
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

func (controllerFacade) IdentityProviderURL(*callCtx) (facades.StringResult, error) {
	return facades.StringResult{}, nil
}

func (controllerFacade) WatchAllModels(*callCtx) (facades.AllWatcherId, error) {
	return facades.AllWatcherId{}, errNotImplemented("WatchAllModels not implemented")
}

func (controllerFacade) DashboardConnectionInfo(*callCtx) (facades.DashboardConnectionInfo, error) {
	return facades.DashboardConnectionInfo{}, errNotImplemented("dashboard is not supported")
}

// ControllerDetails: the 4.0 CLI asks for every controller node before
// streaming the debug log; the simulator is one node at the addresses of
// the login.
func (highAvailabilityFacade) ControllerDetails(cx *callCtx) (facades.ControllerDetailsResults, error) {
	addrs := []string{}
	for _, a := range cx.s.addrs {
		addrs = append(addrs, strings.TrimPrefix(strings.TrimPrefix(a, "wss://"), "ws://"))
	}
	return facades.ControllerDetailsResults{Results: []facades.ControllerDetails{{ControllerID: "0", APIAddresses: addrs}}}, nil
}

func (highAvailabilityFacade) EnableHA(*callCtx, facades.ControllersSpecs) (facades.ControllersChangeResults, error) {
	return facades.ControllersChangeResults{}, errNotSupported("enable-ha is not supported")
}

func (pingerFacade) Ping(*callCtx) error { return nil }
