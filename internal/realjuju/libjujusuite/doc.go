// Package libjujusuite holds no code: its test runs python-libjuju,
// Canonical's asyncio Python client of the Juju API (Apache-2.0), unchanged,
// against `gojuju sim` started in-process (internal/realjuju/simcli) in
// Juju 3.6 mode (python-libjuju 3.x refuses a 4.x controller at connect:
// its major version must be the server's). The flow (testdata/flow.py) is
// what a python-libjuju user does: connect, add, list and destroy a
// model, deploy from Charmhub and a local charm with a file resource,
// config, integrate, wait_for_idle over the AllWatcher, an action,
// secrets, config reset, model config, constraints and annotations,
// expose, relations and leadership, an action with parameters, unit.ssh,
// scale, an offer consumed from another model, remove.
//
// python-libjuju's unit.ssh runs OpenSSH straight to the machine's
// address, port 22, with the key its add_model put in the model's
// authorized-keys: against a real controller on LXD that address is
// reachable; the simulator's machine addresses are not (a connection to
// one hangs until OpenSSH's connect timeout, ten times over), so the flow
// passes the ssh_opts a user of the simulator passes, a ProxyCommand
// through the simulator's SSH jump host (gojuju sim prints its address),
// and first checks with ssh -G that ssh would never dial the address.
//
// python-libjuju is not in the repository (17 MB of generated facade
// clients, someone else's code): the test looks for its source in
// $GOJUJU_PYTHON_LIBJUJU, ../shared/clients/python-libjuju next to the
// module root, then the user cache directory's gojuju/python-libjuju
// (~/.cache/gojuju/python-libjuju), and needs a python3 with its
// dependencies (Debian: python3-websockets python3-macaroonbakery
// python3-yaml python3-rfc3339 python3-paramiko python3-pyasn1
// python3-toposort python3-typing-inspect python3-kubernetes python3-hvac
// python3-packaging). It skips with one line when either is missing. To
// get the source where GitHub is reachable:
//
//	git clone --depth 1 --branch 3.5.2.0 https://github.com/juju/python-libjuju ~/.cache/gojuju/python-libjuju
//
// python-libjuju's deploy asks Charmhub itself (over HTTP, at the model's
// charmhub-url) whether a charm is a subordinate; the test serves that one
// question from a stand-in and creates its model with charmhub-url
// pointing at it, as a user without network access would.
package libjujusuite
