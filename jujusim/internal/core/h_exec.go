package core

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gojuju/juju/internal/facades"
)

// Exec (Action.Run, Action.RunOnAllMachines) enqueues "juju-exec" tasks
// on units and machines. The simulator runs nothing on the host: each
// command goes to a handler chosen by target (see SetExecHandler), and
// without one to DefaultExec, which answers common probes.

// ExecRequest is one command the simulated agent is asked to run.
type ExecRequest struct {
	// ModelUUID is the model the target is in.
	ModelUUID string
	// Application and Unit name the unit the command runs on ("pg",
	// "pg/0"); both are empty for a machine target.
	Application, Unit string
	// Machine is the machine the command runs on ("0", "0/lxd/1"); empty
	// for a unit without a machine (Kubernetes).
	Machine string
	// Hostname is the target's host name.
	Hostname string
	// Command is the command line as given.
	Command string
	// Timeout is the timeout the client asked for; 0 means none.
	Timeout time.Duration
}

// ExecResult is what a simulated command produced.
type ExecResult struct {
	// Code is the exit code.
	Code int
	// Stdout and Stderr are the command's output.
	Stdout, Stderr string
	// Fail, when set, makes the task fail with this message and no
	// output, as a command that could not run does.
	Fail string
}

// ExecHandler answers a simulated command. It runs with the simulator
// locked and must not call back into it.
type ExecHandler func(ExecRequest) ExecResult

// execKey is the key of the handler for target in a model.
func execKey(modelUUID, target string) string { return modelUUID + "\x00" + target }

// SetExecHandler sets the handler of commands run on target in the model
// (AnyModel: every model without one of its own):
// a unit ("pg/0"), an application ("pg"), a machine ID ("0", "0/lxd/1"),
// or "" for every target without a handler of its own. A nil h removes
// the handler.
func (c *Controller) SetExecHandler(modelUUID, target string, h ExecHandler) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.execHandlers == nil {
		c.execHandlers = map[string]ExecHandler{}
	}
	if h == nil {
		delete(c.execHandlers, execKey(modelUUID, target))
		return
	}
	c.execHandlers[execKey(modelUUID, target)] = h
}

// execTarget is what a juju-exec task runs on: a unit or a machine.
type execTarget struct {
	unit    *unit
	machine *machine
}

func (t execTarget) tag() string {
	if t.unit != nil {
		return unitTag(t.unit.name)
	}
	return machineTag(t.machine.id)
}

// runExec picks the handler for the task's target and runs it: the unit's,
// the application's, the behaviour's canned results, the machine's, the
// model's, then DefaultExec.
func (c *Controller) runExec(m *model, t execTarget, command string, timeout time.Duration) ExecResult {
	req := ExecRequest{ModelUUID: m.uuid, Command: command, Timeout: timeout}
	mc := t.machine
	if t.unit != nil {
		req.Application, req.Unit = t.unit.app.name, t.unit.name
		mc = t.unit.machine
		req.Hostname = strings.ReplaceAll(t.unit.name, "/", "-")
	}
	if mc != nil {
		req.Machine = mc.id
		if mc.hostname != "" {
			req.Hostname = mc.hostname
		} else {
			req.Hostname = "juju-" + shortUUID(m.uuid) + "-" + strings.ReplaceAll(mc.id, "/", "-")
		}
	}
	var keys []string
	if t.unit != nil {
		keys = append(keys, t.unit.name, t.unit.app.name)
	}
	for _, k := range keys {
		if h := c.execHandler(m.uuid, k); h != nil {
			return h(req)
		}
	}
	if t.unit != nil {
		b := t.unit.app.behaviour
		if r, ok := b.ExecResults[strings.TrimSpace(command)]; ok {
			return r
		}
		if b.Exec != nil {
			return b.Exec(req)
		}
	}
	if t.unit == nil && mc != nil {
		if h := c.execHandler(m.uuid, mc.id); h != nil {
			return h(req)
		}
	}
	if h := c.execHandler(m.uuid, ""); h != nil {
		return h(req)
	}
	return DefaultExec(req)
}

// wireTime is t as the controller sends task and operation times: the
// zero time ("0001-01-01T00:00:00Z") for one that has not happened.
func wireTime(t time.Time) *time.Time { return &t }

// execHandler returns the handler set for target in the model, or for
// every model (AnyModel).
func (c *Controller) execHandler(modelUUID, target string) ExecHandler {
	if h := c.execHandlers[execKey(modelUUID, target)]; h != nil {
		return h
	}
	return c.execHandlers[execKey(AnyModel, target)]
}

func shortUUID(uuid string) string {
	if len(uuid) >= 6 {
		return uuid[len(uuid)-6:]
	}
	return uuid
}

// DefaultExec answers the probes charm tests commonly run, as a fresh
// Ubuntu machine would: hostname (also "cat /etc/hostname", "uname -n"),
// whoami and "id -u" (root), true, false, "exit N", echo, pwd, uname,
// uptime, and "sleep N" (which fails as timed out when N seconds exceed
// the request's timeout). Any other command succeeds with no output.
func DefaultExec(req ExecRequest) ExecResult {
	cmd := strings.TrimSpace(req.Command)
	word, rest, _ := strings.Cut(cmd, " ")
	rest = strings.TrimSpace(rest)
	switch {
	case cmd == "hostname" || cmd == "cat /etc/hostname" || cmd == "uname -n" || cmd == "hostname -s":
		return ExecResult{Stdout: req.Hostname + "\n"}
	case cmd == "whoami" || cmd == "id -un":
		return ExecResult{Stdout: "root\n"}
	case cmd == "id -u" || cmd == "id -g":
		return ExecResult{Stdout: "0\n"}
	case cmd == "true" || cmd == ":":
		return ExecResult{}
	case cmd == "false":
		return ExecResult{Code: 1}
	case word == "exit":
		n, err := strconv.Atoi(rest)
		if err != nil || n < 0 {
			return ExecResult{Code: 2, Stderr: fmt.Sprintf("bash: line 1: exit: %s: numeric argument required\n", rest)}
		}
		return ExecResult{Code: n % 256}
	case word == "echo":
		return ExecResult{Stdout: unquoteShell(rest) + "\n"}
	case cmd == "pwd":
		if req.Unit != "" {
			return ExecResult{Stdout: "/var/lib/juju/agents/" + unitTag(req.Unit) + "/charm\n"}
		}
		return ExecResult{Stdout: "/\n"}
	case cmd == "uname" || cmd == "uname -s":
		return ExecResult{Stdout: "Linux\n"}
	case cmd == "uptime":
		return ExecResult{Stdout: " 00:00:00 up 5 min,  0 users,  load average: 0.00, 0.00, 0.00\n"}
	case word == "sleep":
		secs, err := strconv.ParseFloat(rest, 64)
		if err != nil {
			return ExecResult{Code: 1, Stderr: fmt.Sprintf("sleep: invalid time interval '%s'\n", rest)}
		}
		if req.Timeout > 0 && time.Duration(secs*float64(time.Second)) > req.Timeout {
			return ExecResult{Fail: "command timed out"}
		}
		return ExecResult{}
	}
	return ExecResult{}
}

// unquoteShell removes one level of simple shell quoting from echo's
// arguments ("'a b'" -> "a b").
func unquoteShell(s string) string {
	if len(s) >= 2 && (s[0] == '\'' || s[0] == '"') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}

// execOutput turns a result into the task's output map as the agent sets
// it, and the task's final status and message.
func execOutput(r ExecResult) (output map[string]any, status, message string) {
	if r.Fail != "" {
		return map[string]any{}, "failed", r.Fail
	}
	// As the unit agent sets them: stdout and stderr only when not empty.
	output = map[string]any{"return-code": r.Code}
	if r.Stdout != "" {
		output["stdout"] = r.Stdout
	}
	if r.Stderr != "" {
		output["stderr"] = r.Stderr
	}
	if r.Code != 0 {
		return output, "failed", fmt.Sprintf("exit status %d", r.Code)
	}
	return output, "completed", ""
}

// enqueueExec creates one operation with a juju-exec task per target.
// Targets that could not be resolved get a per-task error, as on a real
// controller.
func (c *Controller) enqueueExec(m *model, command string, timeout time.Duration, parallel *bool, group *string, targets []string) facades.EnqueuedActions {
	now := c.now()
	m.actionSeq++
	op := &operation{id: m.actionSeq, summary: "exec " + strconv.Quote(command), enqueued: now}
	m.operations[op.id] = op
	out := facades.EnqueuedActions{Operation: "operation-" + strconv.Itoa(op.id)}
	f := false
	if parallel == nil {
		parallel = &f
	}
	if group == nil {
		g := ""
		group = &g
	}
	params := map[string]any{"command": command, "timeout": int64(timeout)}
	for _, tgt := range targets {
		t, err := c.resolveExecTarget(m, tgt)
		if err != nil {
			z := time.Time{}
			r := facades.ActionResult{Enqueued: &z, Started: &z, Completed: &z}
			setErr(&r.Error, err)
			out.Actions = append(out.Actions, r)
			continue
		}
		m.actionSeq++
		a := &action{id: m.actionSeq, opID: op.id, receiver: t.tag(), name: "juju-exec", params: params,
			parallel: parallel, group: group, status: "pending", enqueued: now}
		m.actions[a.id] = a
		op.actions = append(op.actions, a.id)
		c.scheduleExec(m, t, a, command, timeout)
		// The real controller answers Run with the task's tag and
		// receiver but no name or parameters (Actions has them).
		r := c.actionResult(m, a)
		r.Action.Name, r.Action.Parameters = "", nil
		out.Actions = append(out.Actions, r)
	}
	m.notify()
	return out
}

// resolveExecTarget finds a unit ("pg/0", "unit-pg-0") or a machine
// ("machine:0", see actRun) in the model.
func (c *Controller) resolveExecTarget(m *model, tgt string) (execTarget, error) {
	if id, ok := strings.CutPrefix(tgt, "machine:"); ok {
		mc, ok := m.machines[id]
		if !ok || mc.life == lifeDead {
			return execTarget{}, newErr("", "getting machine UUID for %q: machine %q not found", id, id)
		}
		return execTarget{machine: mc}, nil
	}
	u, err := c.resolveReceiver(m, tgt)
	if err != nil {
		name := tgt
		if n, ok := unitNameFromTag(tgt); ok {
			name = n
		}
		return execTarget{}, newErr("", "linking task to unit: getting unit UUID for %q: unit %q not found", name, name)
	}
	return execTarget{unit: u}, nil
}

// scheduleExec runs task a on t once the target's agent is up (a unit
// whose agent runs hooks, a started machine): pending until then and for
// Timing.Hook, running for Timing.Action, then completed with the
// handler's result (failed for a non-zero exit code).
func (c *Controller) scheduleExec(m *model, t execTarget, a *action, command string, timeout time.Duration) {
	var tm Timing
	if t.unit != nil {
		tm = c.timingFor(t.unit.app)
	} else {
		tm = c.timing
	}
	entity := t.tag()
	var pickUp func()
	pickUp = func() {
		if a.status != "pending" {
			return
		}
		if (t.unit != nil && t.unit.life == lifeDead) || (t.machine != nil && t.machine.life == lifeDead) {
			a.status, a.message, a.completed = "failed", "target removed", c.now()
			m.notify()
			return
		}
		if !execAgentUp(t) {
			// Look again later, as an agent picks its tasks up once it
			// has started.
			a.ev = c.sched.after(max(tm.Hook, 50*time.Millisecond), pickUp)
			return
		}
		a.status, a.started = "running", c.now()
		res := c.runExec(m, t, command, timeout)
		c.logf(m, entity, "INFO", modOp, "running juju-exec")
		m.notify()
		a.ev = c.sched.after(tm.Action, func() {
			if a.status != "running" {
				return
			}
			a.output, a.status, a.message = execOutput(res)
			a.completed = c.now()
			c.logf(m, entity, "INFO", modOp, "juju-exec %s", a.status)
			m.notify()
		})
	}
	a.ev = c.sched.after(tm.Hook, pickUp)
}

// execAgentUp reports whether the agent that runs t's tasks is up.
func execAgentUp(t execTarget) bool {
	if t.unit != nil {
		return t.unit.ready
	}
	return t.machine.agent.Status == "started"
}

func (actionFacade) Run(cx *callCtx, a facades.RunParams) (facades.EnqueuedActions, error) {
	if err := cx.check("admin"); err != nil {
		return facades.EnqueuedActions{}, err
	}
	m := cx.m
	var targets []string
	for _, u := range a.Units {
		if app, ok := strings.CutSuffix(u, "/leader"); ok {
			ap, ok := m.apps[app]
			if !ok || ap.leader == "" {
				return facades.EnqueuedActions{}, errNotFound("getting leader unit for %s: application %q not found in leases", app, app)
			}
			targets = append(targets, ap.leader)
			continue
		}
		if _, _, ok := splitUnitName(u); !ok {
			return facades.EnqueuedActions{}, newErr("", "%q is not a valid unit name", u)
		}
		targets = append(targets, u)
	}
	var missing []string
	for _, app := range a.Applications {
		ap, ok := m.apps[app]
		if !ok {
			missing = append(missing, app)
			continue
		}
		for _, u := range ap.sortedUnits() {
			targets = append(targets, u.name)
		}
	}
	if len(missing) > 0 {
		return facades.EnqueuedActions{}, newErr("", "starting exec operation: adding exec operation: getting units for applications [%s]: no application found", strings.Join(missing, " "))
	}
	for _, id := range a.Machines {
		if !validMachineID(id) {
			return facades.EnqueuedActions{}, newErr("", "%q is not a valid machine id", id)
		}
		targets = append(targets, "machine:"+id)
	}
	if len(targets) == 0 {
		return facades.EnqueuedActions{}, newErr("", "invalid operation id \"\"")
	}
	return cx.c.enqueueExec(m, a.Commands, a.Timeout, a.Parallel, a.ExecutionGroup, targets), nil
}

func (actionFacade) RunOnAllMachines(cx *callCtx, a facades.RunParams) (facades.EnqueuedActions, error) {
	if err := cx.check("admin"); err != nil {
		return facades.EnqueuedActions{}, err
	}
	m := cx.m
	if m.typ == "caas" {
		// Code-less, as both real servers answer it.
		return facades.EnqueuedActions{}, newErr("", "cannot run on all machines with a caas model")
	}
	var targets []string
	for _, mc := range m.sortedMachines() {
		if mc.life == lifeDead {
			continue
		}
		targets = append(targets, "machine:"+mc.id)
	}
	return cx.c.enqueueExec(m, a.Commands, a.Timeout, a.Parallel, a.ExecutionGroup, targets), nil
}

// validMachineID reports whether id looks like "0" or "0/lxd/1".
func validMachineID(id string) bool {
	parts := strings.Split(id, "/")
	if len(parts)%2 == 0 {
		return false
	}
	for i, p := range parts {
		if p == "" {
			return false
		}
		if i%2 == 0 {
			if _, err := strconv.Atoi(p); err != nil || (len(p) > 1 && p[0] == '0') {
				return false
			}
		}
	}
	return true
}
