// Package core is the semantic heart of jujusim, the simulated Juju
// controller: users and access, models, applications, units, machines,
// relations, charms, secrets, actions, status history and debug log, with
// simulated agents that a scheduler drives through the lifecycle a real
// controller shows, on a real or fake clock.
//
// core knows nothing of sockets, TLS or HTTP. Package jujusim serves it over
// the wire: it calls Controller.Login when a connection logs in,
// Controller.Call for every other request, Controller.UploadCharm for the
// charm upload endpoint, Controller.Logs for the debug-log stream and
// Controller.CheckHTTPAuth for HTTP authentication. Results are values the
// transport encodes as JSON; errors are *Error values carrying the code and
// message the real controller gives.
//
// # Versions
//
// By default the controller behaves like Juju 4.0.15: its login result
// lists the 4.0.15 facade set, ModelManager serves v10 (owner-tag shapes)
// and v11 (qualifier), Client.WatchAll is not implemented, a stray "series"
// in params is ignored. With Config.JujuVersion "3.6.28" it lists the 3.6
// facade versions, serves Client.WatchAll and the AllWatcher with the real
// delta format, and uses 3.6 error codes for secrets.
//
// # Simulated agents
//
// Machines go pending -> (instance allocating -> running) -> started. Units
// go allocating ("waiting for machine") -> executing install, leader-elected
// (on the leader), config-changed, start and the relation hooks -> idle,
// with the workload going waiting -> maintenance -> active (or what the
// application's Behaviour asks). Settled units run update-status now and
// then. Relations go joining -> joined once a unit on each side ran its
// relation hooks. Removals go through dying (departure, stop and remove
// hooks) to gone; a dying model goes away once it is empty. Timing decides
// how long each step takes, from Realistic() to Instant().
//
// The application status is the one the charm sets (Behaviour.AppStatus);
// when the charm sets none it is derived from the units by severity, which
// is what the real 4.0.15 server does (see the recorded status-json.jsonl,
// where an application with no charm-set status shows its units' "waiting").
//
// # Served
//
// Pinger; Client FullStatus (with patterns), StatusHistory and (3.6)
// WatchAll with the AllWatcher; ModelManager, Controller, Cloud and
// UserManager basics; ModelConfig; Application (deploy from Charmhub or a
// local upload, units, relations, config, expose, constraints, leader,
// resolve, scale on k8s, refresh, info); Charms; MachineManager; Secrets and
// SecretBackends; Action (operations, tasks, exec on units, leaders and
// machines with a steerable handler — see SetExecHandler — progress watcher);
// Annotations; KeyManager (keys per model; ImportKeys refused); SSHClient
// (addresses, host keys, proxy through jujusim's SSH server);
// HighAvailability.ControllerDetails. A method that exists in the real
// schema but is not simulated answers code "not supported" with a message
// naming facade, version and method (the real CLI reads "not implemented" as
// a client too old for the server); an unknown facade, version or method
// gets the real server's error.
//
// # Dispatch
//
// Each facade the client knows (internal/facades) has a generated server
// interface, <facade>Server in server_gen.go, with one method per wire
// shape taking and returning the generated wire types. <facade>Facade
// (facades.go) implements it and embeds the generated
// unimplemented<Facade> (unimplemented_gen.go), which lists the methods it
// does not implement and answers them "not supported". The generated
// tables dispatch40 and dispatch36 route a call by mode, facade, method and
// version to the shape serving it, with the simulator's own version and
// mode restrictions (simRules in internal/cmd/facadegen/simserver.go); Call
// decodes the params into the typed params, then runs the method with the
// controller lock held unless the rule says the method locks itself.
// Regenerate with `go generate ./internal/facades` after adding or
// removing a method.
//
// # Not simulated
//
// Storage import and cloud storage providers (a machine model has the
// rootfs, tmpfs and loop providers and their default pools, a Kubernetes
// model kubernetes), spaces (a dummy provider has none: Spaces answers
// "spaces not supported", or in 4.0 mode the real test bed's refusals,
// h_credentials.go) and subnets (Subnets answers none), the offering
// side of cross-controller relations and offer macaroons (offers, access,
// consumption and relations with SAAS applications are simulated, see
// h_offers.go and h_saas.go), resources and their upload,
// bundles, Backups, HighAvailability (except ControllerDetails), KeyManager.ImportKeys, Block,
// model migration, upgrades, macaroon, JWT and OIDC logins, external users,
// agent (machine/unit) logins and all agent facades, model branches,
// running commands for real (exec answers come from handlers), agent
// "lost"/"down" states, unit and machine errors other than hook failures,
// k8s pod details beyond addresses, hook retries (automatically-retry-hooks
// is not honoured: a failed hook waits for ResolveUnitErrors), Charmhub
// itself (a small built-in catalogue; any other valid name deploys a
// generic charm), charm downloads, and secret backends other than the
// built-in one (backends can be added and listed but store nothing).
package core
