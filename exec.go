package juju

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gojuju/juju/internal/facades"
	"github.com/gojuju/juju/internal/facades/apiclient"
)

// Exec runs a shell command on units or machines through the Action
// facade, as "juju exec" does: Action.Run (or Action.RunOnAllMachines)
// enqueues one "juju-exec" task per target in one operation, and
// Action.Actions is polled until every task has finished. The same calls
// serve Juju 4.0 and 3.6 (Action version 7 on both).

// ErrExecFailed is matched by the error of a command that exited with a
// non-zero code or whose task did not complete (see *ExecError).
var ErrExecFailed = errors.New("command failed")

// ErrExecTimeout is matched by the error Exec returns when the results
// were not all in by ExecOptions.Timeout; the tasks are left to run.
var ErrExecTimeout = errors.New("timed out waiting for exec results")

// DefaultExecTimeout is the timeout of an Exec whose options set none, as
// the juju CLI's default --wait.
const DefaultExecTimeout = 5 * time.Minute

// ExecOptions are the options of Exec and its variants; nil means the
// defaults.
type ExecOptions struct {
	// Timeout is how long the command may run: the controller is asked
	// to stop it after that, and the call stops waiting for its result
	// then (error matching ErrExecTimeout). 0 means DefaultExecTimeout.
	Timeout time.Duration
	// Parallel, when not nil, says whether the task may run in parallel
	// with other tasks on the same target.
	Parallel *bool
	// ExecutionGroup, when set, is the group the tasks run in; tasks of
	// one group run one at a time.
	ExecutionGroup string
}

// ExecTargets says where a command runs. At least one field must be set;
// everything named is a target, in the order Units, Applications,
// Machines (or every machine).
type ExecTargets struct {
	// Units are unit names ("pg/0") or an application's leader
	// ("pg/leader").
	Units []string
	// Applications run the command on every unit of each.
	Applications []string
	// Machines are machine IDs ("0", "0/lxd/1"). Machine models only.
	Machines []string
	// AllMachines runs the command on every machine of the model
	// (Action.RunOnAllMachines); it excludes the other fields. Machine
	// models only.
	AllMachines bool
}

// ExecResult is the outcome of a command on one target.
type ExecResult struct {
	// Unit is the unit the command ran on ("pg/0", also when "pg/leader"
	// was asked for); "" on a machine target.
	Unit string
	// Machine is the machine of a machine target ("0"); "" on a unit.
	Machine string
	// TaskID and OperationID identify the task ("juju show-task") and
	// its operation.
	TaskID, OperationID string
	// Status is the task's status (ActionStatusCompleted, ...). A command
	// that exits non-zero is "failed" on current controllers.
	Status string
	// Message is the task's message ("exit status 1" for a non-zero exit,
	// the reason for a task that could not run).
	Message string
	// Code is the command's exit code.
	Code int
	// Stdout and Stderr are the command's output.
	Stdout, Stderr string
	// Enqueued, Started and Completed are when the task was queued,
	// started and finished (zero until then).
	Enqueued, Started, Completed time.Time
}

// Target returns where the command ran: the unit, or "machine N".
func (r *ExecResult) Target() string {
	if r.Unit != "" {
		return r.Unit
	}
	return "machine " + r.Machine
}

// Done reports whether the task has finished.
func (r *ExecResult) Done() bool { return actionDone(r.Status) }

// Success reports whether the command ran and exited with code 0.
func (r *ExecResult) Success() bool { return r.Status == ActionStatusCompleted && r.Code == 0 }

// ExecError is the error of a command that exited with a non-zero code or
// whose task did not complete. It matches ErrExecFailed and carries the
// result.
type ExecError struct {
	// Command is the command line.
	Command string
	// Result is the task's final state, output included.
	Result *ExecResult
}

// Error implements error.
func (e *ExecError) Error() string {
	r := e.Result
	var msg string
	if r.Status == ActionStatusCompleted || (r.Status == ActionStatusFailed && r.Code != 0) {
		msg = fmt.Sprintf("command %q on %s exited with code %d", e.Command, r.Target(), r.Code)
		if s := firstLine(r.Stderr); s != "" {
			msg += ": " + s
		}
		return msg
	}
	msg = fmt.Sprintf("command %q on %s %s", e.Command, r.Target(), r.Status)
	if r.Message != "" {
		msg += ": " + r.Message
	}
	return msg
}

// Is makes errors.Is(err, ErrExecFailed) true.
func (e *ExecError) Is(target error) bool { return target == ErrExecFailed }

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// ExecResult returns the task's state as a command's result: exit code,
// stdout and stderr read from the output "juju-exec" sets. Use it on the
// result of an Action from StartExec.
func (r *ActionResult) ExecResult() *ExecResult {
	out := &ExecResult{TaskID: r.ID, Status: r.Status, Message: r.Message,
		Enqueued: r.Enqueued, Started: r.Started, Completed: r.Completed}
	if mid, ok := strings.CutPrefix(r.Unit, "machine-"); ok {
		out.Machine = strings.ReplaceAll(mid, "-", "/")
	} else {
		out.Unit = r.Unit
	}
	out.Stdout, _ = r.Output["stdout"].(string)
	out.Stderr, _ = r.Output["stderr"].(string)
	switch c := r.Output["return-code"].(type) {
	case float64:
		out.Code = int(c)
	case string: // older agents
		out.Code, _ = strconv.Atoi(c)
	case int:
		out.Code = c
	}
	if out.Code == 0 && r.Status == ActionStatusFailed {
		// "exit status N" without a return-code in the output.
		if n, ok := strings.CutPrefix(r.Message, "exit status "); ok {
			out.Code, _ = strconv.Atoi(n)
		}
	}
	return out
}

// Exec runs command on one target: a unit ("pg/0"), an application's
// leader ("pg/leader") or a machine ("0", "0/lxd/1"), and waits for the
// result. A command that exits non-zero, or whose task fails, returns the
// result and an *ExecError (matching ErrExecFailed). When
// ExecOptions.Timeout passes first the error matches ErrExecTimeout; when
// ctx ends first it wraps ctx's error; either way with the last result
// seen.
func (m *Model) Exec(ctx context.Context, target, command string, opts *ExecOptions) (*ExecResult, error) {
	var t ExecTargets
	if IsValidMachineID(target) {
		t.Machines = []string{target}
	} else {
		t.Units = []string{target}
	}
	res, err := m.execMany(ctx, t, command, opts)
	var r *ExecResult
	if len(res) == 1 {
		r = res[0]
	}
	return r, opError("exec "+strconv.Quote(command)+" on", target, err)
}

// Exec runs command on the unit. See Model.Exec.
func (u *Unit) Exec(ctx context.Context, command string, opts *ExecOptions) (*ExecResult, error) {
	if IsValidMachineID(u.name) {
		return nil, opError("exec "+strconv.Quote(command)+" on", u.name, invalid(ErrInvalidName, "unit name", u.name, `must be "<application>/<number>"`))
	}
	return u.m.Exec(ctx, u.name, command, opts)
}

// Exec runs command on the machine. See Model.Exec.
func (x *Machine) Exec(ctx context.Context, command string, opts *ExecOptions) (*ExecResult, error) {
	if !IsValidMachineID(x.id) {
		return nil, opError("exec "+strconv.Quote(command)+" on", x.id, invalid(ErrInvalidName, "machine ID", x.id, `must be like "0" or "0/lxd/1"`))
	}
	return x.m.Exec(ctx, x.id, command, opts)
}

// ExecMany runs command on every target in one operation and waits for
// all the results, returned in the order the controller enqueued the
// tasks. The error joins an *ExecError for each command that failed (the
// results are returned too), or is the timeout or ctx error.
func (m *Model) ExecMany(ctx context.Context, targets ExecTargets, command string, opts *ExecOptions) ([]*ExecResult, error) {
	res, err := m.execMany(ctx, targets, command, opts)
	return res, opError("exec "+strconv.Quote(command)+" on", targets.String(), err)
}

// String describes the targets ("pg/0,pg/1 machine 0", "all machines").
func (t ExecTargets) String() string {
	if t.AllMachines {
		return "all machines"
	}
	var parts []string
	parts = append(parts, t.Units...)
	parts = append(parts, t.Applications...)
	for _, id := range t.Machines {
		parts = append(parts, "machine "+id)
	}
	return strings.Join(parts, ",")
}

// StartExec enqueues command on the targets and returns the tasks without
// waiting, as "juju exec --background" does: a zero ExecOptions.Timeout
// sets no limit. Wait on each and read its ActionResult.ExecResult (a
// machine task's Action.Unit is its receiver, "machine-0").
func (m *Model) StartExec(ctx context.Context, targets ExecTargets, command string, opts *ExecOptions) ([]*Action, error) {
	tasks, _, err := m.startExec(ctx, targets, command, opts, true)
	return tasks, opError("exec "+strconv.Quote(command)+" on", targets.String(), err)
}

// checkExec refuses bad input before anything is sent.
func (m *Model) checkExec(t ExecTargets, command string, opts *ExecOptions) error {
	if strings.TrimSpace(command) == "" {
		return invalid(ErrInvalidArgument, "command", command, "must not be empty")
	}
	if opts != nil && opts.Timeout < 0 {
		return invalid(ErrInvalidArgument, "timeout", opts.Timeout.String(), "must not be negative")
	}
	if t.AllMachines && (len(t.Units) > 0 || len(t.Applications) > 0 || len(t.Machines) > 0) {
		return invalid(ErrInvalidArgument, "targets", t.String(), "AllMachines excludes units, applications and machines")
	}
	if !t.AllMachines && len(t.Units) == 0 && len(t.Applications) == 0 && len(t.Machines) == 0 {
		return invalid(ErrInvalidArgument, "targets", "", "give at least one unit, application or machine")
	}
	for _, u := range t.Units {
		if app, ok := strings.CutSuffix(u, "/leader"); ok {
			if err := checkApplicationName(app); err != nil {
				return err
			}
			continue
		}
		if !IsValidUnitName(u) {
			return invalid(ErrInvalidName, "unit name", u, `must be "<application>/<number>" or "<application>/leader"`)
		}
	}
	for _, a := range t.Applications {
		if err := checkApplicationName(a); err != nil {
			return err
		}
	}
	for _, id := range t.Machines {
		if err := checkMachineID(id); err != nil {
			return err
		}
	}
	if (t.AllMachines || len(t.Machines) > 0) && m.modelType == ModelCAAS {
		return invalidf(ErrInvalidArgument, "targets", t.String(), "model %q is a Kubernetes model, which has no machines", m.QualifiedName())
	}
	return nil
}

// startExec enqueues the tasks. In the background (StartExec) a zero
// Timeout is sent as it is, no limit, as "juju exec --background" does;
// otherwise it means DefaultExecTimeout.
func (m *Model) startExec(ctx context.Context, t ExecTargets, command string, opts *ExecOptions, background bool) ([]*Action, time.Duration, error) {
	if err := m.checkExec(t, command, opts); err != nil {
		return nil, 0, err
	}
	if opts == nil {
		opts = &ExecOptions{}
	}
	timeout := opts.Timeout
	if timeout == 0 && !background {
		timeout = DefaultExecTimeout
	}
	args := apiclient.RunParams{Commands: command, Timeout: timeout, Units: t.Units, Applications: t.Applications,
		Machines: t.Machines, Parallel: opts.Parallel}
	if opts.ExecutionGroup != "" {
		g := opts.ExecutionGroup
		args.ExecutionGroup = &g
	}
	conn, err := m.conn(ctx)
	if err != nil {
		return nil, 0, err
	}
	client := apiclient.NewActionClient(conn)
	var res facades.EnqueuedActions
	if t.AllMachines {
		res, err = client.RunOnAllMachines(ctx, apiclient.RunParams{Commands: command, Timeout: timeout, Parallel: opts.Parallel, ExecutionGroup: args.ExecutionGroup})
	} else {
		res, err = client.Run(ctx, args)
	}
	if err != nil {
		if strings.HasSuffix(err.Error(), "no application found") {
			// Juju 4.0 refuses an unknown application without a code.
			err = notFoundErr{err}
		}
		return nil, 0, err
	}
	opID, _ := tagID(res.Operation, "operation")
	var (
		tasks []*Action
		errs  []error
	)
	for _, r := range res.Actions {
		if r.Error != nil {
			errs = append(errs, apiclient.ServerError(r.Error))
			continue
		}
		ar := actionResultFromWire(r)
		tasks = append(tasks, &Action{m: m, id: ar.ID, unit: ar.Unit, name: "juju-exec", operation: opID})
	}
	if len(errs) > 0 {
		return tasks, 0, errors.Join(errs...)
	}
	if len(tasks) == 0 {
		return nil, 0, fmt.Errorf("the controller enqueued no tasks (operation %s)", opID)
	}
	return tasks, timeout, nil
}

func (m *Model) execMany(ctx context.Context, t ExecTargets, command string, opts *ExecOptions) ([]*ExecResult, error) {
	tasks, timeout, err := m.startExec(ctx, t, command, opts, false)
	if err != nil {
		if len(tasks) > 0 {
			// Some targets were refused: the others run anyway; report
			// the refusal and name the tasks that were enqueued.
			ids := make([]string, len(tasks))
			for i, a := range tasks {
				ids[i] = a.id
			}
			return nil, fmt.Errorf("%w (tasks %s were enqueued on the other targets)", err, strings.Join(ids, ","))
		}
		return nil, err
	}
	wctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	results, err := m.waitExec(wctx, tasks)
	if err != nil {
		if ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded) {
			var pending []string
			for _, r := range results {
				if !r.Done() {
					pending = append(pending, r.Target())
				}
			}
			return results, fmt.Errorf("%w after %s from: %s", ErrExecTimeout, timeout, strings.Join(pending, ", "))
		}
		return results, err
	}
	var errs []error
	for _, r := range results {
		if !r.Success() {
			errs = append(errs, &ExecError{Command: command, Result: r})
		}
	}
	return results, errors.Join(errs...)
}

// waitExec polls the tasks (one Action.Actions call for all of them,
// every 20 ms at first, growing to 1 s) until all have finished or ctx
// ends. It always returns one result per task, the last seen.
func (m *Model) waitExec(ctx context.Context, tasks []*Action) ([]*ExecResult, error) {
	results := make([]*ExecResult, len(tasks))
	ents := facades.Entities{Entities: make([]facades.Entity, len(tasks))}
	for i, a := range tasks {
		ents.Entities[i] = facades.Entity{Tag: "action-" + a.id}
		results[i] = (&ActionResult{ID: a.id, Unit: a.unit, Status: ActionStatusPending}).ExecResult()
		results[i].OperationID = a.operation
	}
	delay := 20 * time.Millisecond
	for {
		conn, err := m.conn(ctx)
		if err != nil {
			return results, err
		}
		res, err := apiclient.NewActionClient(conn).Actions(ctx, ents)
		if err != nil {
			if ctx.Err() != nil {
				return results, fmt.Errorf("exec not finished: %w", ctx.Err())
			}
			return results, err
		}
		if len(res.Results) != len(tasks) {
			return results, fmt.Errorf("the controller returned %d results for %d tasks", len(res.Results), len(tasks))
		}
		done := true
		for i, r := range res.Results {
			if r.Error != nil {
				return results, fmt.Errorf("task %s: %w", tasks[i].id, r.Error)
			}
			ar := actionResultFromWire(r)
			if ar.ID == "" {
				ar.ID = tasks[i].id
			}
			if ar.Unit == "" {
				ar.Unit = tasks[i].unit
			}
			results[i] = ar.ExecResult()
			results[i].OperationID = tasks[i].operation
			if !results[i].Done() {
				done = false
			}
		}
		if done {
			return results, nil
		}
		if err := sleepCtx(ctx, delay); err != nil {
			return results, fmt.Errorf("exec not finished: %w", err)
		}
		delay = min(delay*3/2, time.Second)
	}
}

// notFoundErr is a controller refusal that means "not found" without
// saying so with a code; it matches ErrNotFound and keeps the original.
type notFoundErr struct{ error }

func (e notFoundErr) Unwrap() error        { return e.error }
func (e notFoundErr) Is(target error) bool { return target == ErrNotFound }
