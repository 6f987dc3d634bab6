package jujusim

import "github.com/gojuju/juju/jujusim/internal/core"

// The simulator runs nothing on the host. A command run with exec
// (Action.Run, Action.RunOnAllMachines) goes, when the simulated agent
// picks the task up, to the first of: the handler set for its unit, the
// one for its application, Behaviour.ExecResults and Behaviour.Exec of its
// application, the handler set for its machine (machine targets), the
// model's handler (target ""), and DefaultExec. A non-zero exit code makes
// the task fail with the message "exit status N"; its output still holds
// "return-code", "stdout" and "stderr", as a real agent sets them.

// ExecRequest is one command a simulated agent is asked to run: the target
// (unit, application, machine, host name), the command line and the
// timeout the client asked for.
type ExecRequest = core.ExecRequest

// ExecResult is what a simulated command produces: exit code, stdout and
// stderr, or Fail, a message with which the task fails without output (as
// a command that timed out).
type ExecResult = core.ExecResult

// ExecHandler answers the commands run on a target. It is called with the
// simulator locked: it must not call the Server's methods, and should
// return quickly.
type ExecHandler = core.ExecHandler

// DefaultExec answers what no handler answers, as a fresh Ubuntu machine
// would: hostname (and "cat /etc/hostname", "uname -n"), whoami and
// "id -u" (root), true, false, "exit N", echo, pwd, uname, uptime, and
// "sleep N", which fails as timed out when N seconds exceed the request's
// timeout. Any other command succeeds with no output. A handler can fall
// back on it.
func DefaultExec(req ExecRequest) ExecResult { return core.DefaultExec(req) }

// SetExecHandler sets the handler of commands run on target in model
// modelUUID: a unit ("pg/0"), an application ("pg"), a machine ID ("0",
// "0/lxd/1"), or "" for every target of the model without a handler of
// its own. The target need not exist yet. A nil h removes the handler.
func (s *Server) SetExecHandler(modelUUID, target string, h ExecHandler) {
	s.core.SetExecHandler(modelUUID, target, h)
}
