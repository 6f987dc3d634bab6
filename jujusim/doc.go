// Package jujusim is a simulated Juju controller for tests. It serves the
// real Juju wire protocol — JSON-RPC over TLS websockets, the charm upload
// and debug-log endpoints — on a real loopback TCP port, in front of an
// in-memory controller that behaves like Juju 4.0.15 (or, with
// Config.JujuVersion Juju36, like Juju 3.6.28). It shares no client logic
// with this module's client packages, so it cannot silently agree with a
// client bug; its fidelity is checked against transcripts of the real CLI
// talking to a real controller.
//
// # Using it in a test
//
// Start one simulator per test; the zero Config is valid (Juju 4.0.15, a
// free port on 127.0.0.1, a fresh CA, fast agents, the real clock):
//
//	sim, err := jujusim.Start(ctx, jujusim.Config{})
//	if err != nil {
//		t.Fatal(err)
//	}
//	defer sim.Close()
//
// With this module's client (package juju), connect with:
//
//	m, err := juju.ConnectModel(ctx, juju.Config{
//		Addrs:    sim.APIAddresses(),
//		CACert:   sim.CACert(),
//		Username: sim.AdminUser(), // "admin", the default
//		Password: sim.AdminPassword(),
//		Model:    "admin/default",
//	})
//
// (juju.Connect with the same Config, minus Model, gives the controller;
// package jujutest does all of this, and the cleanup, in one call.)
//
// Any other client connects as to any controller: dial sim.APIAddresses()
// (or sim.Addr()) over TLS trusting only sim.CACert() with the server name
// "juju-apiserver", open /api or /model/<uuid>/api and log in with
// Admin.Login as sim.AdminUser() with sim.AdminPassword(). At start the
// controller has two models owned by admin: "controller"
// (ControllerModelUUID) and "default" (DefaultModelUUID), on the cloud
// "dummy", region "dummy-region". `gojuju sim` runs the same simulator in
// the foreground and registers it in a JUJU_DATA directory, so the real
// juju CLI can drive it too.
//
// # Steering
//
// Time: Config.Timing (or Config.Speed) sets how long each lifecycle step
// takes, from RealisticTiming to InstantTiming. With Config.Clock set to a
// FakeClock nothing moves until the test calls Server.Advance, which runs
// every due step before it returns.
//
// Agents: SetBehaviour makes an application's units end blocked, fail a
// hook until resolved, flap, stay in maintenance or never settle;
// SetActionResult decides how actions end; Seed deploys N applications of
// M units in one call; AddUser adds users with model access.
//
// Faults, each a method on *Server: DropConnections (every websocket
// drops at once), DropAfterFrames (the next connection drops after
// exactly n frames), DropInFrames (whichever connection carries the nth
// frame from now drops after it: a request in that frame runs, its reply
// is lost), Restart (listener and connections closed, then the same
// address is served again with the state kept), SetLatency (every reply
// delayed), Stall (calls of a method block until released), FailMethod
// (the next n calls of a method fail with a chosen error code) and
// RefuseLogins.
//
// # Wire behaviour
//
// As on the real API server, requests on one connection run concurrently
// and replies may come back out of order; before a successful login only
// the Admin facade exists (other calls fail with "not implemented"); a
// frame that is not JSON, or on Juju 4 has no request-id, tears the
// connection down without a reply; Juju 3.6 mode also accepts the legacy
// v0 (CamelCase) framing. Replies are encoded with Go's encoding/json and
// end with a newline, as the real server's are. The charm upload
// (PUT /model-<uuid>/charms/<name>-<sha256 prefix>) takes Basic
// credentials and answers with the real headers and bodies. The debug-log
// websocket (/model/<uuid>/log) takes the real query parameters (level,
// includeEntity, excludeEntity, includeModule, excludeModule,
// includeLabels, excludeLabels, replay, backlog, maxLines, noTail,
// startTime, version), sends the initial error frame first and then one
// record per frame in the version-1 or version-2 format. GET /health
// answers "running".
//
// # Exec, SSH and relation data
//
// Commands run with exec or over SSH go to steerable handlers
// (SetExecHandler, Behaviour.ExecResults and Exec, then DefaultExec); no
// command runs on the host. The SSH server is real (golang.org/x/crypto/ssh
// on loopback, SSHAddr): SSHClient.Proxy sends clients through it as the
// controller's jump host, each machine has its own host key as
// SSHClient.PublicKeys reports it, the keys added with KeyManager are the
// authorised ones, and scp reads and writes an in-memory file tree per
// machine (WriteFile, ReadFile). Machines' addresses are made up and
// unreachable: a client that runs OpenSSH straight to one (python-libjuju's
// unit.ssh) must go through the jump host, e.g. with
// -o ProxyCommand="ssh -p PORT -W %h:%p ubuntu@127.0.0.1" (gojuju sim
// prints the jump host's address). On Juju 3.6 a model's keys are its
// authorized-keys config, with the key its creator's client sent there.
// Units in a relation's scope carry the address keys a real agent writes
// in their databags; charms add to them with Behaviour.RelationAppData and
// RelationUnitData, and tests with SetRelationData.
//
// # Not simulated
//
// Transport: macaroon, JWT, OIDC (Admin v4) and agent logins, macaroon
// discharge and cookies, redirects of migrated models, JAAS; the legacy
// charm upload (POST /model/<uuid>/charms), charm download, resource
// upload and download, agent binaries, /register and the /auth
// discharger, the embedded CLI endpoint (/commands), the controller-wide
// /log stream and the debug-log firehose; HA (one controller node, so no
// debug-log fan-out); ping timeouts for agent connections; trace ids are
// ignored.
//
// Controller: storage import (Storage.Import), storage providers other
// than rootfs, tmpfs and loop (kubernetes on a Kubernetes model), spaces
// (the simulated clouds are the dummy provider, which has none: listing,
// showing and adding spaces answer "spaces not supported", and in 4.0
// mode renaming and removing the "alpha" space are refused as the real
// test bed refuses them; Server.EnableSpaces gives a model a provider
// with spaces and subnets, whose spaces can be listed, added, renamed and
// removed and subnets moved, but Spaces.ShowSpace and ReloadSpaces are not
// simulated), subnets (listed as none without EnableSpaces), checking a cloud's endpoints or a credential's attributes
// against its provider (clouds added with Cloud.AddCloud are stored as
// given; without force they are refused as the real dummy controller
// refuses them; each user starts with one "default" userpass credential
// on the built-in clouds), the offering side of a relation with a
// consumer on another controller (its connections and relation; the
// consuming side works: a Server consumes another Server's offers with
// the consume details the other one gives), the macaroons of offers
// (any consume macaroon is accepted), resource downloads by units and
// Charmhub resource content (resources are stored and listed: uploads,
// OCI images, revisions), bundle URLs (Bundle.GetChangesMapArgs
// computes the change list of a bundle's YAML as the controller does; GetChanges,
// the 3.6-only older form, is not served; ExportBundle answers "not implemented"
// on 4.0 as the real server does and exports on 3.6), backups, HighAvailability,
// importing SSH keys from Launchpad or GitHub, SFTP and port forwarding
// other than to machines' port 22 through the jump host (SSH, scp and
// KeyManager are served: see SSHAddr), Annotations, Block, model migration, upgrades, external
// users, agent facades, model branches, Kubernetes pod details beyond
// addresses, automatic hook retries (a failed hook waits for
// ResolveUnitErrors), Charmhub itself (a small built-in catalogue, charms
// given with their real metadata through Config.Charms or
// AddCharmhubCharm, and any other valid name deploys a generic charm),
// and secret backends other
// than the built-in one. A method of the real schema that the simulator
// does not implement answers with code "not supported" and a message
// naming facade, version and method, e.g. "Subnets.AllZones (facade
// version 5) is not simulated by jujusim"; internal/core/unimplemented_gen.go
// lists them.
package jujusim
