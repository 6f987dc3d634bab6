// Package clisuite holds no code: its tests are gojuju's real-CLI suite.
// The genuine juju CLIs of ../shared/realjuju run the everyday commands,
// one table of steps (steps_test.go), against three targets:
//
//   - sim-4.0: juju 4.0.15 against `gojuju sim --juju-version 4.0.15`, run
//     in-process through cli.Run and registered in a JUJU_DATA of its own;
//   - sim-3.6: juju 3.6.28 against `gojuju sim --juju-version 3.6.28`;
//   - real-4.0: juju 4.0.15 against the real Juju 4.0.15 API server (no
//     agents: what needs them is marked per step).
//
// Each step checks the exit status and what the CLI prints; steps marked
// for comparison also check that juju 4.0 prints the same thing (once
// identifiers, times and addresses are normalised) against the simulator
// as against the real server. Later issues add their commands as rows of
// the table. The tests skip with one line when ../shared/realjuju is
// absent; the real-4.0 target also needs the real server to start.
package clisuite
