// Package apisuite holds no code: its tests are gojuju's real-controller
// suite. Each test runs the library's public API on two test beds, as
// subtests "sim" and "real":
//
//   - sim: the model jujutest gives by default (the shared in-process
//     simulator, or the controller GOJUJU_CONTROLLER names);
//   - real: the genuine Juju 4.0.15 API server of ../shared/realjuju,
//     started once for the package (see package realjuju) and reached
//     through the JUJU_DATA realjuju.sh writes for it, as GOJUJU_CONTROLLER
//     would.
//
// The same test body runs on both; what a bed cannot do (the real server
// runs no agents: machines stay pending, units allocating, actions pending,
// removals dying) is declared once, in the bed's limits, and the tests
// branch on those limits rather than on the bed's name. The real subtests
// skip with one line when ../shared/realjuju is absent or unusable.
package apisuite
