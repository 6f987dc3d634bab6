package jujudata

// File names inside the store directory.
const (
	ControllersFileName = "controllers.yaml"
	AccountsFileName    = "accounts.yaml"
	ModelsFileName      = "models.yaml"
)

// Environment variables that select a controller or model, as the juju CLI
// reads them.
const (
	// EnvData names the store directory.
	EnvData = "JUJU_DATA"
	// EnvController names the controller to use when none is given.
	EnvController = "JUJU_CONTROLLER"
	// EnvModel names the model to use when none is given; it may be
	// "controller:model".
	EnvModel = "JUJU_MODEL"
)

// ControllerDetails is one controller's entry in controllers.yaml.
type ControllerDetails struct {
	// UUID is the controller's UUID.
	UUID string `yaml:"uuid"`
	// APIEndpoints are the API addresses, "host:port" with an optional
	// path prefix and no scheme.
	APIEndpoints []string `yaml:"api-endpoints,flow"`
	// DNSCache maps host names from APIEndpoints to the IP addresses they
	// last resolved to.
	DNSCache map[string][]string `yaml:"dns-cache,omitempty,flow"`
	// PublicHostname, when set, is the host name the controller presents a
	// publicly signed certificate for.
	PublicHostname string `yaml:"public-hostname,omitempty"`
	// CACert is the PEM certificate of the controller's CA.
	CACert string `yaml:"ca-cert"`
	// Cloud is the cloud the controller runs in.
	Cloud string `yaml:"cloud"`
	// Region is the cloud region, empty for clouds without regions.
	Region string `yaml:"region,omitempty"`
	// CloudType is the type of the cloud (ec2, lxd, kubernetes, ...).
	CloudType string `yaml:"type,omitempty"`
	// AgentVersion is the controller's agent version as last seen.
	AgentVersion string `yaml:"agent-version,omitempty"`
	// ControllerMachineCount is the cached number of controller machines.
	ControllerMachineCount int `yaml:"controller-machine-count"`
	// ActiveControllerMachineCount is the cached number of active
	// controller machines.
	ActiveControllerMachineCount int `yaml:"active-controller-machine-count"`
	// MachineCount is the cached number of machines in all models the
	// user can see; nil when unknown.
	MachineCount *int `yaml:"machine-count,omitempty"`
	// OIDCLogin is true when the controller logs users in through an
	// external OIDC identity provider (JAAS).
	OIDCLogin bool `yaml:"oidc-login,omitempty"`
	// ProxyConfig, when set, describes a proxy to reach the controller
	// (for example {type: kubernetes-port-forward, config: {...}}). It is
	// kept as decoded, uninterpreted.
	ProxyConfig map[string]any `yaml:"proxy-config,omitempty"`
}

// ControllersFile is the content of controllers.yaml.
type ControllersFile struct {
	// Controllers maps controller names to their details.
	Controllers map[string]ControllerDetails `yaml:"controllers"`
	// CurrentController is the controller selected with "juju switch".
	CurrentController string `yaml:"current-controller,omitempty"`
	// PreviousController is the controller selected before it.
	PreviousController string `yaml:"previous-controller,omitempty"`
	// HasControllerChangedOnPreviousSwitch records whether the last switch
	// changed the controller (rather than only the model).
	HasControllerChangedOnPreviousSwitch bool `yaml:"has-controller-changed-on-previous-switch,omitempty"`
}

// AccountDetails is one controller's entry in accounts.yaml: the user the
// CLI is logged in as.
type AccountDetails struct {
	// User is the user name: local users without "@local" ("admin"),
	// external users with their domain ("bob@external").
	User string `yaml:"user"`
	// Password is set only for users whose password the CLI keeps,
	// usually the bootstrap admin.
	Password string `yaml:"password,omitempty"`
	// LastKnownAccess is the user's controller access as last seen
	// (login, add-model, superuser).
	LastKnownAccess string `yaml:"last-known-access,omitempty"`
	// AccessToken is a session token used for OIDC (JAAS) logins.
	AccessToken string `yaml:"access-token,omitempty"`
}

// AccountsFile is the content of accounts.yaml.
type AccountsFile struct {
	// Controllers maps controller names to the account used on them.
	Controllers map[string]AccountDetails `yaml:"controllers"`
}

// ModelDetails is one model's entry in models.yaml.
type ModelDetails struct {
	// UUID is the model's UUID.
	UUID string `yaml:"uuid"`
	// Type is "iaas" or "caas".
	Type string `yaml:"type"`
	// Branch is the active model generation branch (Juju 3.6 only).
	Branch string `yaml:"branch,omitempty"`
}

// ControllerModels is one controller's entry in models.yaml.
type ControllerModels struct {
	// Models maps qualified model names ("admin/default") to details.
	Models map[string]ModelDetails `yaml:"models"`
	// CurrentModel is the qualified name of the model selected with
	// "juju switch".
	CurrentModel string `yaml:"current-model,omitempty"`
	// PreviousModel is the qualified name of the model selected before it.
	PreviousModel string `yaml:"previous-model,omitempty"`
}

// ModelsFile is the content of models.yaml.
type ModelsFile struct {
	// Controllers maps controller names to their models.
	Controllers map[string]*ControllerModels `yaml:"controllers"`
}
