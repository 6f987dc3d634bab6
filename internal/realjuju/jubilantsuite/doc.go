// Package jubilantsuite holds no code: its test runs jubilant, Canonical's
// Python library for charm integration tests (Apache-2.0, kept in
// ../shared/clients/jubilant next to the module root), unchanged, with the
// genuine juju CLIs of ../shared/realjuju against `gojuju sim`: juju
// 4.0.15 against the simulator in 4.0 mode and juju 3.6.28 against it in
// 3.6 mode. The flow (testdata/flow.py) is what a charm test does: a
// temporary model, Charmhub deploys, config, integrate, wait for active,
// status parsed into jubilant's types, an action, exec, secrets, scale,
// remove. The test skips with one line when python3, PyYAML,
// ../shared/clients/jubilant or ../shared/realjuju is missing.
package jubilantsuite
