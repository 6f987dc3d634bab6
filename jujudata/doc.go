// Package jujudata reads, and on request writes, the local store that the
// juju command-line client keeps in its data directory (JUJU_DATA):
// controllers.yaml, accounts.yaml and models.yaml.
//
// The directory is found as the juju CLI finds it: $JUJU_DATA, else
// $XDG_DATA_HOME/juju, else ~/.local/share/juju (see [DefaultDir]).
// A missing file is an empty store, not an error. A file that cannot be
// read or parsed gives a [*FileError] naming the file and, when the YAML
// decoder reports one, the line.
//
// Names are resolved as the CLI resolves them (see [Store.ResolveModel]
// and [Store.ResolveController]): "controller:model", "qualifier/model",
// a bare model name qualified with the logged-in user of the controller
// ("mymodel" for user bob becomes "bob/mymodel"), the JUJU_CONTROLLER and
// JUJU_MODEL environment variables, then current-controller and
// current-model.
//
// Writes (UpdateController, UpdateModel, SetCurrentModel, ...) take an
// exclusive lock on a lock file in the store directory, re-read the file
// under the lock, change only their own entry, keep every other entry and
// every key this package does not know, and replace the file atomically
// (temporary file in the same directory, fsync, rename) with mode 0600.
// The lock is this package's own: it serialises gojuju processes, not a
// juju CLI writing at the same moment (the CLI uses a different mutex).
// Because every write is an atomic rename, readers never see a partial
// file and reads take no lock.
//
// Credentials (credentials.yaml) and the cookie jars (cookies/*.json) are
// not read by this package yet.
package jujudata
