// Package juju is the Go client library for Juju controllers, built for
// Juju 4 first and Juju 3.6 LTS second.
//
// Connect to the juju CLI's current controller and model (from
// $JUJU_DATA), to a named "controller:model", or to explicit addresses with
// a CA certificate and credentials:
//
//	m, err := juju.ConnectModel(ctx, juju.Config{Model: "prod:admin/dev"})
//	if err != nil { ... }
//	defer m.Close()
//	app, err := m.Deploy(ctx, "postgresql", &juju.DeployOptions{Channel: "14/stable", Base: "ubuntu@22.04"})
//
// A Controller opens its controller connection and its model connections
// lazily, shares them between all Models, replaces connections that broke,
// and resolves model names to UUIDs (models.yaml first, then the
// controller). Model manages applications (Deploy, Application), units,
// machines (AddMachines, RemoveMachines), relations (Integrate,
// RemoveRelation), model config and constraints; Application manages one
// application's units, config, constraints, exposure, charm and leader;
// Unit and Machine handles (Model.Unit, Model.Machine) resolve, remove and
// report on one unit or machine.
// Model.Call and Controller.Call call any facade method over the same
// connections, for what gojuju has not wrapped.
// Status snapshots and waits (Model.Status, Model.WaitForIdle, Model.Wait)
// poll Client.FullStatus, the only way to see state on Juju 4; their types,
// predicates and engine are in package status:
//
//	_, err = m.Wait(ctx, status.AllActive("pg"), &status.WaitOptions{Error: status.AnyError("pg")})
//
// # Juju 4 and Juju 3.6
//
// The package learns the server version at the first login
// (Controller.ServerVersion, Controller.IsJuju4) and decides everything
// version-dependent from it in one place, so callers write the same code
// for both:
//   - Bases, never series: every operation that provisions or deploys takes
//     a base ("ubuntu@22.04", optionally with a risk). A series given to a
//     Juju 4 controller is refused before anything is sent, with an error
//     matching ErrSeriesNotSupported that names the base to use; for Juju
//     3.6 it is translated to its base and the deprecation is logged once.
//   - Model qualifiers: Juju 4 qualifies model names with a qualifier, 3.6
//     with the owner; both appear as Qualifier ("admin/dev").
//   - Facade shapes that changed (ModelManager 10 and 11, SetCharm's storage
//     key, DeployFromRepository's storage key) are chosen per connection.
//   - Units of Kubernetes models are scaled, those of machine models added
//     and removed; AddUnits and Scale pick the right call by model type.
//
// # Errors
//
// Every operation returns an *OperationError saying what could not be done
// ("cannot add unit to \"pg\": application \"pg\" not found"). Errors from
// the controller match the sentinels of their codes (ErrNotFound,
// ErrAlreadyExists, ErrUnauthorized, ...); IsRetryable says whether trying
// again may help. Bad input is refused before anything is sent, with an
// error matching ErrInvalidInput and a more specific sentinel
// (ErrInvalidName, ErrInvalidBase, ErrInvalidEndpoint, ErrInvalidConfig,
// ErrInvalidPlacement, ErrInvalidConstraints, ErrInvalidArgument,
// ErrInvalidCharm).
//
// # Dropped connections
//
// A failed operation has one of three outcomes, told apart with errors.Is:
//   - ErrNotSent: nothing reached the controller (the connection could not
//     be made or had failed before the request left). Safe to try again.
//   - ErrRefused: the controller answered and refused (the error also
//     matches the sentinel of its code: ErrNotFound, ...).
//   - ErrOutcomeUnknown: the request was sent but the connection failed, or
//     ctx ended, before the answer came: the change may have been made.
//
// IsRetryable is true only when trying again cannot repeat a change.
//
// Every call goes through one wrapper around the Controller's connections.
// Read-only facade methods are retried transparently on a new connection
// (redialled once, by the first caller that needs it; the others wait for
// it), with a capped, jittered back-off that never sleeps past ctx's
// deadline, for at most Config.RetryTimeout. A request that never left the
// client is sent again the same way, whatever the method. A mutating
// request that was sent is never repeated blindly: where the model's state
// answers whether it was applied, the operation reads it and returns a
// definite answer (sending the change again if the state shows it was not
// made); elsewhere the error matches ErrOutcomeUnknown (errors.As gives
// an *OutcomeUnknownError naming the call, inside the *OperationError
// naming the operation). When ctx has ended nothing can be read, and any
// write that was sent says its outcome is unknown. The read happens after
// reconnecting, so it sees every request the controller ran on the dropped
// connection; a controller that still ran a request of a dead connection
// after that read would escape it (jujusim never does: it runs no request
// of a connection after the drop). Per operation:
//
//	operation                          an unknown outcome is resolved by
//	Deploy                             reading status: the application exists
//	Integrate                          reading status: the relation exists
//	AddSecret                          reading the secret of that name and content
//	UpdateSecret                       reading the secret: content, name, description as asked
//	Application.Remove                 reading status: the application is gone or dying
//	RemoveUnits, Unit.Remove           reading status: the units are gone or dying
//	RemoveMachines, Machine.Remove     reading status: the machines are gone or dying
//	RemoveRelation, RemoveRelationByID reading status: the relation is gone or dying
//	RemoveSecret                       reading the secret: it (or the revision) is gone
//	Offer                              reading the offer: it exists for that application
//	                                   with as many endpoints
//	RemoveOffer                        reading the offer: it is not found
//	GrantOffer, RevokeOffer            reading the offer: the user has the access the
//	                                   change leaves (at least it for a grant, less
//	                                   for a revoke)
//	Consume                            reading status: the SAAS exists and is alive
//	RemoveSAAS                         reading status: the SAAS is gone or dying
//	AttachStorage                      reading the storage: attached to the unit
//	DetachStorage                      reading the storage: its attachments are dying or gone
//	RemoveStorage                      reading the storage: it is gone or dying
//	CreateStoragePool,                 reading the pools: the pool exists (with that
//	RemoveStoragePool                  provider) or is gone
//	RemoveUser                         reading the user: it is not found
//	GrantController, RevokeController  reading the user: the access the change leaves
//	GrantModel, RevokeModel            reading the models: the user has the access the
//	                                   change leaves
//	AddSpace                           reading the spaces: the space exists
//	MoveSubnets                        reading the spaces: the CIDRs are in the space
//	RenameSpace                        reading the spaces: the new name exists, the old
//	                                   one does not
//	RemoveSpace                        reading the spaces: it is gone
//	AddSecretBackend                   reading the backend: it exists with that type
//	UpdateSecretBackend with NewName   reading the backends: the new name exists, the
//	                                   old one does not
//	RemoveSecretBackend                reading the backend: it is not found
//	AddCloud                           reading the cloud: it exists, of that type
//	RemoveCloud                        reading the cloud: it is not found
//	GrantCloud, RevokeCloud            reading the clouds: the user has the access the
//	                                   change leaves
//	RevokeCredential                   reading the credential: it is not found
//	UpdateCloud, AddCredential,        sending it again: they set the cloud, the
//	UpdateCredential,                  credential or the model's credential to the
//	Model.ChangeCredential             values given
//	SetPassword, DisableUser,          sending it again: they set state to the values
//	EnableUser, SetModelDefaults,      given
//	UnsetModelDefaults,
//	SetControllerConfig,
//	UpdateSecretBackend (no NewName),
//	SetAnnotations (Model,
//	Application, Unit, Machine)
//	SetConfig, UnsetConfig (model and  sending it again: they set state to the
//	application), SetConstraints,      values given, so applying them twice is
//	SetTrust, Expose, Unexpose, Scale  applying them once
//	(Kubernetes), GrantSecret,
//	RevokeSecret, UpdateStoragePool
//	AddUnits, AddMachines, RunAction,  nothing: the error matches ErrOutcomeUnknown
//	EnqueueActions, Exec, Refresh,     (state cannot tell the change from another
//	AddModel, DestroyModel, AddUser,   one like it, or the secret key it made)
//	ResetPassword, AddStorage, Call
//	DeployBundle                       each change as its operation above; an addUnit
//	                                   change by reading status: the unit it makes
//	                                   (numbered on from the application's) exists.
//	                                   An unresolved change stops the deployment with
//	                                   a *BundleDeployError: Applied lists what was
//	                                   made, Failed the change whose outcome is unknown
//
// The layers below are package rpc (the websocket JSON-RPC connection),
// package jujudata (the juju CLI's local store) and the facade clients
// generated from Juju's schemas; jujusim is an in-memory controller that
// speaks the real protocol, used by this package's tests and examples.
package juju
