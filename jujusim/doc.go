// Package jujusim is a simulated Juju controller for tests. It serves the
// real Juju wire protocol — JSON-RPC over TLS websockets, the charm upload
// and debug-log endpoints — on a real loopback TCP port, in front of an
// in-memory controller that behaves like Juju 4.0 (or, in a second mode,
// Juju 3.6).
//
// Start one per test; the zero Config is valid:
//
//	sim, err := jujusim.Start(ctx, jujusim.Config{})
//	if err != nil { ... }
//	defer sim.Close()
//	// dial sim.APIAddresses() trusting sim.CACert() (server name
//	// "juju-apiserver"), log in as sim.AdminUser() / sim.AdminPassword().
//
// A test steers the simulator through methods on *Server. Faults:
// DropConnections, DropAfterFrames, Restart, SetLatency, Stall, FailMethod
// and RefuseLogins.
//
// The transport behaves as the real API server does: requests on one
// connection run concurrently and their replies may come back out of
// order; the first call must be Admin.Login v3; a frame that is not JSON,
// or (on Juju 4) has no request-id, tears the connection down without a
// reply; Juju 3.6 mode also accepts the legacy v0 framing.
package jujusim
