package main

// This file is the one place that says which facades gojuju generates clients
// for, which facade versions the client speaks, and which schema describes the
// wire shape of each version. Edit it (and rerun `make client`) when Juju adds
// a facade version.

// release identifies a schema file by the Juju release it came from: the file
// named juju-<release>.<patch>.json (for example "4.0" for juju-4.0.15.json).
// "supplement" is the generator's own schema file
// (testdata/schemas/supplement.json) for the watcher facades that upstream's
// schema does not describe.
type release string

const (
	juju40     release = "4.0"
	juju36     release = "3.6"
	supplement release = "supplement"
)

// variant is one wire shape of a facade: the versions whose requests and
// responses look like the schema of that facade in the given release.
type variant struct {
	Release  release
	Versions []int
	// Since restricts a method to versions >= the given one within this
	// variant (methods added after the oldest version of the variant).
	Since map[string]int
}

// facade is one generated client.
type facade struct {
	Name string
	// WatcherID marks watcher facades whose calls carry the watcher id.
	WatcherID bool
	// Variants, newest first. The newest variant's shapes keep the plain
	// names; see naming.go for the rules for older shapes.
	Variants []variant
}

// facadeList is the list of facades a client uses (docs/juju-protocol.md
// section 13), with the versions the client speaks. The versions include the
// older versions real 3.6 controllers offer where the wire shape is the
// same as the schema's (the 4.0 Go client accepts the same sets).
var facadeList = []facade{
	{Name: "Admin", Variants: []variant{
		{Release: juju40, Versions: []int{3}},
		{Release: juju36, Versions: []int{3}},
	}},
	{Name: "Pinger", Variants: []variant{
		{Release: juju40, Versions: []int{1}},
		{Release: juju36, Versions: []int{1}},
	}},
	{Name: "Client", Variants: []variant{
		{Release: juju40, Versions: []int{8}},
		{Release: juju36, Versions: []int{8}},
	}},
	{Name: "AllWatcher", WatcherID: true, Variants: []variant{
		{Release: juju36, Versions: []int{3}},
	}},
	{Name: "Application", Variants: []variant{
		// 4.0 v19 still sends SetCharm's storage-constraints (3.6 shape).
		{Release: juju40, Versions: []int{19, 20, 21, 22}, Since: map[string]int{
			"SetCharm": 20, "ScaleApplications": 21,
			"GetApplicationStorage": 22, "UpdateApplicationStorage": 22,
		}},
		// 3.6.0 to 3.6.9 offer at most v20.
		{Release: juju36, Versions: []int{19, 20, 21, 22}, Since: map[string]int{
			"ScaleApplications":     21,
			"GetApplicationStorage": 22, "UpdateApplicationStorage": 22,
		}},
	}},
	{Name: "Charms", Variants: []variant{
		{Release: juju40, Versions: []int{7}},
		{Release: juju36, Versions: []int{7}},
	}},
	{Name: "Action", Variants: []variant{
		{Release: juju40, Versions: []int{7}},
		{Release: juju36, Versions: []int{7}},
	}},
	{Name: "Resources", Variants: []variant{
		{Release: juju40, Versions: []int{3}},
		{Release: juju36, Versions: []int{3}},
	}},
	{Name: "ModelManager", Variants: []variant{
		{Release: juju40, Versions: []int{11}},
		// 4.0 controllers also serve v10 with the 3.6 (owner-tag) shape.
		{Release: juju36, Versions: []int{9, 10}},
	}},
	{Name: "Controller", Variants: []variant{
		{Release: juju40, Versions: []int{13, 14}, Since: map[string]int{"CloudSpec": 14}},
		{Release: juju36, Versions: []int{12}},
	}},
	{Name: "ApplicationOffers", Variants: []variant{
		{Release: juju40, Versions: []int{6}},
		{Release: juju36, Versions: []int{5}},
	}},
	{Name: "ModelConfig", Variants: []variant{
		{Release: juju40, Versions: []int{4}},
		{Release: juju36, Versions: []int{3}},
	}},
	{Name: "Secrets", Variants: []variant{
		{Release: juju40, Versions: []int{1, 2}, Since: secretsV2},
		{Release: juju36, Versions: []int{1, 2}, Since: secretsV2},
	}},
	{Name: "SecretBackends", Variants: []variant{
		{Release: juju40, Versions: []int{1}},
		{Release: juju36, Versions: []int{1}},
	}},
	{Name: "MachineManager", Variants: []variant{
		{Release: juju40, Versions: []int{11}},
		{Release: juju36, Versions: []int{10}},
	}},
	{Name: "Storage", Variants: []variant{
		{Release: juju40, Versions: []int{6, 7}},
		{Release: juju36, Versions: []int{6, 7}},
	}},
	{Name: "UserManager", Variants: []variant{
		{Release: juju40, Versions: []int{3}},
		{Release: juju36, Versions: []int{3}},
	}},
	{Name: "Cloud", Variants: []variant{
		{Release: juju40, Versions: []int{7, 8}, Since: map[string]int{"ModelConfigSchema": 8}},
		{Release: juju36, Versions: []int{7}},
	}},
	{Name: "Annotations", Variants: []variant{
		{Release: juju40, Versions: []int{2}},
		{Release: juju36, Versions: []int{2}},
	}},
	{Name: "KeyManager", Variants: []variant{
		{Release: juju40, Versions: []int{1}},
		{Release: juju36, Versions: []int{1}},
	}},
	{Name: "Spaces", Variants: []variant{
		{Release: juju40, Versions: []int{6}},
		{Release: juju36, Versions: []int{6}},
	}},
	{Name: "Subnets", Variants: []variant{
		{Release: juju40, Versions: []int{5}},
		{Release: juju36, Versions: []int{5}},
	}},
	{Name: "SSHClient", Variants: []variant{
		{Release: juju40, Versions: []int{4, 5}, Since: map[string]int{"VirtualHostname": 5}},
		{Release: juju36, Versions: []int{4}},
	}},
	{Name: "Block", Variants: []variant{
		{Release: juju40, Versions: []int{2}},
		{Release: juju36, Versions: []int{2}},
	}},
	{Name: "HighAvailability", Variants: []variant{
		{Release: juju40, Versions: []int{2, 3}, Since: map[string]int{"ControllerDetails": 3}},
		{Release: juju36, Versions: []int{2}},
	}},
	{Name: "ModelUpgrader", Variants: []variant{
		{Release: juju40, Versions: []int{2}},
		{Release: juju36, Versions: []int{1}},
	}},
	{Name: "Bundle", Variants: []variant{
		{Release: juju40, Versions: []int{8}},
		{Release: juju36, Versions: []int{6}},
	}},
	{Name: "StringsWatcher", WatcherID: true, Variants: []variant{
		{Release: supplement, Versions: []int{1}},
	}},
	{Name: "NotifyWatcher", WatcherID: true, Variants: []variant{
		{Release: supplement, Versions: []int{1}},
	}},
}

// secretsV2 lists the Secrets methods added in version 2 (v1 only lists).
var secretsV2 = map[string]int{
	"CreateSecrets": 2, "UpdateSecrets": 2, "RemoveSecrets": 2,
	"GrantSecret": 2, "RevokeSecret": 2,
}

// opaqueTypes are schema definitions whose Go types marshal themselves, so
// the schema's properties do not describe the wire. They are generated as the
// given Go type instead.
var opaqueTypes = map[string]opaque{
	// A macaroon in its own JSON format (gopkg.in/macaroon.v2).
	"Macaroon": {GoType: "json.RawMessage", Doc: "is a macaroon in its own JSON encoding, passed through unchanged."},
	// names.ModelTag has no exported fields.
	"ModelTag": {GoType: "json.RawMessage", Doc: "is a model tag as the server encodes it, passed through unchanged."},
	// An AllWatcher delta is the array [kind, "change"|"remove", entity].
	"Delta": {GoType: "json.RawMessage", Doc: "is one AllWatcher change: the JSON array [kind, \"change\" or \"remove\", entity]."},
	// version.Number is a string such as "4.0.15" on the wire.
	"Number": {GoType: "string", Defined: true, Doc: "is a Juju version number such as \"4.0.15\"; on the wire it is a string."},
}

// opaque describes the Go type used for an opaque definition.
type opaque struct {
	GoType string
	// Defined makes a defined type (type X string) rather than an alias.
	Defined bool
	Doc     string
}

// durationFields are integer properties that are Go time.Duration values
// (integer nanoseconds on the wire). Keyed by "Definition.wire-key"; "*.key"
// matches the key in any definition.
var durationFields = map[string]bool{
	"*.max-wait":                 true,
	"*.token-rotate-interval":    true,
	"RunParams.timeout":          true,
	"DestroyModelParams.timeout": true,
	"StatusHistoryFilter.delta":  true,
}

// fieldNames overrides the Go name derived from a wire key, keyed like
// durationFields.
var fieldNames = map[string]string{
	"ApplicationStatus.int": "Scale",
}

// bytesFields are integer arrays in the schema that are Go []byte values
// (base64 strings on the wire), keyed like durationFields.
var bytesFields = map[string]bool{
	"*.fingerprint":                                   true,
	"AddUserResult.secret-key":                        true,
	"ApplicationMetricCredential.metrics-credentials": true,
	"ModelSLA.creds":                                  true,
}

// facadesImport is the import path of the wire types' package, which the
// clients' package imports.
const facadesImport = "github.com/gojuju/juju/internal/facades"

// pointerFields are scalar properties whose zero value means something
// different from their absence, so they are Go pointers (nil is omitted, or
// sent as null when required). Keyed like durationFields; "*.key" entries
// apply to optional properties only.
var pointerFields = map[string]bool{
	"*.revision":                                   true, // revision 0 is a real revision
	"CharmOrigin.track":                            true,
	"CharmOrigin.branch":                           true,
	"DeployFromRepositoryArg.channel":              true,
	"DeployFromRepositoryArg.num-units":            true, // nil: one unit
	"*.parallel":                                   true,
	"*.execution-group":                            true,
	"UpsertSecretArg.description":                  true, // "" clears it
	"UpsertSecretArg.label":                        true,
	"UpsertSecretArg.rotate-policy":                true,
	"UpdateUserSecretArg.auto-prune":               true,
	"SecretsFilter.label":                          true,
	"SecretsFilter.owner-tag":                      true,
	"SecretsFilter.uri":                            true,
	"UpdateSecretBackendArg.name-change":           true,
	"UpdateSecretBackendArg.token-rotate-interval": true, // nil: unchanged
	"DestroyModelParams.destroy-storage":           true, // nil: fail if there is storage
	"DestroyControllerArgs.destroy-storage":        true,
	"Value.allocate-public-ip":                     true, // false overrides a model constraint
}

// schemaFixes correct known defects of the upstream schema files before
// generation. Upstream's schema generator names definitions by Go type name
// without package, so two types of one name collapse into one definition.
var schemaFixes = []schemaFix{
	// Juju 3.6: storage.Constraints ({Pool,Size,Count}) and
	// devices.Constraints ({Type,Count,Attributes}) are both "Constraints";
	// the storage shape won, so device constraints are mistyped. Give the
	// storage shape its 4.0 name, Directive, and the devices one back its
	// own shape (identical in 4.0).
	{Release: juju36, Facade: "Application",
		CopyDefs: map[string]defSource{
			"Directive":   {juju36, "Application", "Constraints"},
			"Constraints": {juju40, "Application", "Constraints"},
		},
		Retarget: map[string]string{
			"ApplicationDeploy.storage":       "Directive",
			"DeployFromRepositoryArg.Storage": "Directive",
		}},
	{Release: juju36, Facade: "MachineManager",
		CopyDefs: map[string]defSource{
			"Directive": {juju36, "MachineManager", "Constraints"},
		},
		Retarget: map[string]string{
			"AddMachineParams.disks": "Directive",
		}},
}

// schemaFix is one correction to a facade of one schema file.
type schemaFix struct {
	Release release
	Facade  string
	// CopyDefs sets definitions to copies of definitions of the original
	// (unfixed) schemas.
	CopyDefs map[string]defSource
	// Retarget points the references inside a property ("Definition.key")
	// at another definition.
	Retarget map[string]string
}

// defSource names a definition of a facade in a schema file.
type defSource struct {
	Release release
	Facade  string
	Name    string
}
