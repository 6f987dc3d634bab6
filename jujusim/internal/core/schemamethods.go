package core

// schemaMethods lists the methods of the client facades in the Juju 4.0.15
// and 3.6.28 schemas (testdata/schemas). For a facade without a generated
// server interface (server_gen.go), a listed method answers "not
// simulated" ("not supported") rather than "unknown method".
var schemaMethods = map[string][]string{
	"Action":               {"Actions", "ApplicationsCharmsActions", "Cancel", "EnqueueOperation", "ListOperations", "Operations", "Run", "RunOnAllMachines", "WatchActionsProgress"},
	"Admin":                {"Login", "RedirectInfo"},
	"AllModelWatcher":      {"Next", "Stop"},
	"AllWatcher":           {"Next", "Stop"},
	"Annotations":          {"Get", "Set"},
	"Application":          {"AddRelation", "AddUnits", "ApplicationsInfo", "CharmConfig", "CharmRelations", "Consume", "Deploy", "DeployFromRepository", "DestroyApplication", "DestroyConsumedApplications", "DestroyRelation", "DestroyUnit", "Expose", "Get", "GetApplicationStorage", "GetCharmURLOrigin", "GetConfig", "GetConstraints", "Leader", "MergeBindings", "ResolveUnitErrors", "ScaleApplications", "SetCharm", "SetConfigs", "SetConstraints", "SetMetricCredentials", "SetRelationsSuspended", "Unexpose", "UnitsInfo", "UnsetApplicationsConfig", "UpdateApplicationBase", "UpdateApplicationStorage"},
	"ApplicationOffers":    {"ApplicationOffers", "DestroyOffers", "FindApplicationOffers", "GetConsumeDetails", "ListApplicationOffers", "ModifyOfferAccess", "Offer", "RemoteApplicationInfo"},
	"Backups":              {"Create"},
	"Block":                {"List", "SwitchBlockOff", "SwitchBlockOn"},
	"Bundle":               {"ExportBundle", "GetChanges", "GetChangesMapArgs"},
	"Charms":               {"AddCharm", "CharmInfo", "CheckCharmPlacement", "GetDownloadInfos", "IsMetered", "List", "ListCharmResources", "ResolveCharms"},
	"Client":               {"FullStatus", "StatusHistory", "WatchAll"},
	"Cloud":                {"AddCloud", "AddCredentials", "CheckCredentialsModels", "Cloud", "CloudInfo", "Clouds", "Credential", "CredentialContents", "InstanceTypes", "ListCloudInfo", "ModelConfigSchema", "ModifyCloudAccess", "RemoveClouds", "RevokeCredentialsCheckModels", "UpdateCloud", "UpdateCredentialsCheckModels", "UserCredentials"},
	"Controller":           {"AllModels", "CloudSpec", "ConfigSet", "ControllerAPIInfoForModels", "ControllerConfig", "ControllerVersion", "DashboardConnectionInfo", "DestroyController", "GetCloudSpec", "GetControllerAccess", "HostedModelConfigs", "IdentityProviderURL", "InitiateMigration", "ListBlockedModels", "ModelStatus", "ModifyControllerAccess", "MongoVersion", "RemoveBlocks", "WatchAllModelSummaries", "WatchAllModels", "WatchCloudSpecsChanges", "WatchModelSummaries"},
	"CredentialManager":    {"InvalidateModelCredential"},
	"HighAvailability":     {"ControllerDetails", "EnableHA"},
	"ImageMetadataManager": {"Delete", "List", "Save"},
	"KeyManager":           {"AddKeys", "DeleteKeys", "ImportKeys", "ListKeys"},
	"MachineManager":       {"AddMachines", "DestroyMachineWithParams", "GetUpgradeSeriesMessages", "InstanceTypes", "ProvisioningScript", "RetryProvisioning", "UpgradeSeriesComplete", "UpgradeSeriesPrepare", "UpgradeSeriesValidate", "WatchUpgradeSeriesNotifications"},
	"ModelConfig":          {"GetModelConstraints", "GetModelSecretBackend", "ModelGet", "ModelSet", "ModelUnset", "SLALevel", "Sequences", "SetModelConstraints", "SetModelSecretBackend", "SetSLALevel"},
	"ModelGeneration":      {"AbortBranch", "AddBranch", "BranchInfo", "CommitBranch", "HasActiveBranch", "ListCommits", "ShowCommit", "TrackBranch"},
	"ModelManager":         {"ChangeModelCredential", "CreateModel", "DestroyModels", "DumpModels", "DumpModelsDB", "ListModelSummaries", "ListModels", "ModelDefaultsForClouds", "ModelInfo", "ModelStatus", "ModifyModelAccess", "SetModelDefaults", "UnsetModelDefaults"},
	"ModelUpgrader":        {"AbortModelUpgrade", "UpgradeModel"},
	"Payloads":             {"List"},
	"Pinger":               {"Ping", "Stop"},
	"Resources":            {"AddPendingResources", "ListResources"},
	"SSHClient":            {"AllAddresses", "ModelCredentialForSSH", "PrivateAddress", "Proxy", "PublicAddress", "PublicKeys", "VirtualHostname"},
	"SecretBackends":       {"AddSecretBackends", "ListSecretBackends", "RemoveSecretBackends", "UpdateSecretBackends"},
	"Secrets":              {"CreateSecrets", "GrantSecret", "ListSecrets", "RemoveSecrets", "RevokeSecret", "UpdateSecrets"},
	"Spaces":               {"CreateSpaces", "ListSpaces", "MoveSubnets", "ReloadSpaces", "RemoveSpace", "RenameSpace", "ShowSpace"},
	"Storage":              {"AddToUnit", "Attach", "CreatePool", "DetachStorage", "Import", "ListFilesystems", "ListPools", "ListStorageDetails", "ListVolumes", "Remove", "RemovePool", "StorageDetails", "UpdatePool"},
	"Subnets":              {"AllZones", "ListSubnets", "SubnetsByCIDR"},
	"UserManager":          {"AddUser", "DisableUser", "EnableUser", "ModelUserInfo", "RemoveUser", "ResetPassword", "SetPassword", "UserInfo"},
}
