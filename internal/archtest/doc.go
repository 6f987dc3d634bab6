// Package archtest holds tests that keep the project's architecture true:
// the import rules between packages (followed transitively, over non-test
// code: the root package never links the simulator, the simulator shares only
// the generated wire types with the client, each layer knows nothing of the
// layers above it, the library links no test support), the ban on importing
// github.com/juju/juju, and a doc comment on every package. It has no
// non-test code.
package archtest
