package core

// The simulator's facades: each <facade>Facade implements the generated
// <facade>Server interface (server_gen.go) and, unless it implements every
// method, embeds the generated unimplemented<Facade> (unimplemented_gen.go),
// which answers the methods it does not implement with a "not supported"
// error. Run `go generate ./internal/facades` after adding or removing a
// method here.

type actionFacade struct{}
type allWatcherFacade struct{}
type annotationsFacade struct{}
type applicationFacade struct{ unimplementedApplication }
type applicationOffersFacade struct{}
type charmsFacade struct{ unimplementedCharms }
type bundleFacade struct{ unimplementedBundle }
type clientFacade struct{}
type cloudFacade struct{ unimplementedCloud }
type controllerFacade struct{ unimplementedController }
type highAvailabilityFacade struct{}
type keyManagerFacade struct{}
type machineManagerFacade struct{ unimplementedMachineManager }
type modelConfigFacade struct{ unimplementedModelConfig }
type modelManagerFacade struct{ unimplementedModelManager }
type notifyWatcherFacade struct{}
type pingerFacade struct{ unimplementedPinger }
type resourcesFacade struct{}
type secretBackendsFacade struct{}
type spacesFacade struct{}
type subnetsFacade struct{}
type sshClientFacade struct{ unimplementedSSHClient }
type secretsFacade struct{}
type storageFacade struct{}
type stringsWatcherFacade struct{}
type userManagerFacade struct{ unimplementedUserManager }

// served is the implementation of every facade with a server interface;
// the facades the simulator implements nothing of are their generated
// unimplemented<Facade>.
var served = &facadeServers{
	Action:            actionFacade{},
	AllWatcher:        allWatcherFacade{},
	Annotations:       annotationsFacade{},
	Application:       applicationFacade{},
	ApplicationOffers: applicationOffersFacade{},
	Block:             unimplementedBlock{},
	Bundle:            bundleFacade{},
	Charms:            charmsFacade{},
	Client:            clientFacade{},
	Cloud:             cloudFacade{},
	Controller:        controllerFacade{},
	HighAvailability:  highAvailabilityFacade{},
	KeyManager:        keyManagerFacade{},
	MachineManager:    machineManagerFacade{},
	ModelConfig:       modelConfigFacade{},
	ModelManager:      modelManagerFacade{},
	ModelUpgrader:     unimplementedModelUpgrader{},
	NotifyWatcher:     notifyWatcherFacade{},
	Pinger:            pingerFacade{},
	Resources:         resourcesFacade{},
	SSHClient:         sshClientFacade{},
	SecretBackends:    secretBackendsFacade{},
	Secrets:           secretsFacade{},
	Spaces:            spacesFacade{},
	Storage:           storageFacade{},
	StringsWatcher:    stringsWatcherFacade{},
	Subnets:           subnetsFacade{},
	UserManager:       userManagerFacade{},
}
