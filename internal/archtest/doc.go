// Package archtest holds tests that keep the project's architecture true:
// the layering between packages, the ban on importing github.com/juju/juju,
// and a doc comment on every package. It has no non-test code.
package archtest
