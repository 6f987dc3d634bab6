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

// Actions run through the Action facade (version 7 on Juju 4.0 and 3.6) on
// the model connection. An operation groups the tasks enqueued together; a
// task (an Action here) is one action running on one unit.

// ErrInvalidAction is returned, before anything is enqueued, for an action
// the application's charm does not define or an empty action name. It
// matches ErrInvalidInput too.
var ErrInvalidAction = errors.New("invalid action")

// ErrActionFailed is matched by the error Action.Wait returns when the
// action ended in any status but "completed" (see *ActionError).
var ErrActionFailed = errors.New("action failed")

// Action statuses, as the controller reports them.
const (
	ActionStatusPending   = "pending"
	ActionStatusRunning   = "running"
	ActionStatusCompleted = "completed"
	ActionStatusFailed    = "failed"
	ActionStatusCancelled = "cancelled"
	ActionStatusAborting  = "aborting"
	ActionStatusAborted   = "aborted"
	ActionStatusError     = "error"
)

// actionDone reports whether an action status is final.
func actionDone(status string) bool {
	switch status {
	case ActionStatusPending, ActionStatusRunning, ActionStatusAborting, "":
		return false
	}
	return true
}

// Action is a handle on one task: an action enqueued on one unit. It holds
// no state from the controller; Result and Wait ask for it. It is safe for
// concurrent use.
type Action struct {
	m         *Model
	id        string
	unit      string
	name      string
	operation string
}

// ID returns the task's ID ("13", from the tag "action-13").
func (a *Action) ID() string { return a.id }

// Unit returns the unit the action runs on ("pg/0"); "" for a handle from
// Model.Action.
func (a *Action) Unit() string { return a.unit }

// Name returns the action's name ("backup"); "" for a handle from
// Model.Action.
func (a *Action) Name() string { return a.name }

// Operation returns the ID of the operation the task belongs to ("12");
// "" for a handle from Model.Action.
func (a *Action) Operation() string { return a.operation }

// ActionResult is the state of one task (Action.Actions).
type ActionResult struct {
	// ID is the task's ID ("13").
	ID string
	// Unit is the unit the task ran on ("pg/0").
	Unit string
	// Name is the action's name.
	Name string
	// Parameters are the action's parameters.
	Parameters map[string]any
	// Status is one of the ActionStatusXxx constants.
	Status string
	// Message is what the action said (the failure reason, for one that
	// failed).
	Message string
	// Output is what the action set with action-set, decoded from JSON
	// (nested maps for dotted keys; exec's return-code is a number).
	Output map[string]any
	// Log holds the lines the action logged with action-log.
	Log []ActionLogEntry
	// Enqueued, Started and Completed are when the task was queued,
	// started and finished (zero until then).
	Enqueued, Started, Completed time.Time
}

// Done reports whether the task has finished, successfully or not.
func (r *ActionResult) Done() bool { return actionDone(r.Status) }

// ActionLogEntry is one line an action logged.
type ActionLogEntry struct {
	Time    time.Time
	Message string
}

// ActionError is the error Action.Wait returns for an action that ended in
// any status but "completed". It matches ErrActionFailed.
type ActionError struct {
	// Result is the task's final state.
	Result *ActionResult
}

// Error implements error.
func (e *ActionError) Error() string {
	msg := fmt.Sprintf("action %q on %q %s", e.Result.Name, e.Result.Unit, e.Result.Status)
	if e.Result.Message != "" {
		msg += ": " + e.Result.Message
	}
	return msg
}

// Is makes errors.Is(err, ErrActionFailed) true.
func (e *ActionError) Is(target error) bool { return target == ErrActionFailed }

func actionResultFromWire(r facades.ActionResult) *ActionResult {
	out := &ActionResult{Status: r.Status, Message: r.Message, Output: r.Output,
		Enqueued: timeOf(r.Enqueued), Started: timeOf(r.Started), Completed: timeOf(r.Completed)}
	if r.Action != nil {
		out.ID, _ = tagID(r.Action.Tag, "action")
		out.Name, out.Parameters = r.Action.Name, r.Action.Parameters
		out.Unit = unitFromTag(r.Action.Receiver)
	}
	for _, l := range r.Log {
		out.Log = append(out.Log, ActionLogEntry{Time: timeOf(l.Timestamp), Message: l.Message})
	}
	return out
}

// unitFromTag turns "unit-pg-0" into "pg/0" (anything else is returned as
// it is).
func unitFromTag(tag string) string {
	id, ok := strings.CutPrefix(tag, "unit-")
	if !ok {
		return tag
	}
	i := strings.LastIndex(id, "-")
	if i < 0 {
		return tag
	}
	return id[:i] + "/" + id[i+1:]
}

// RunActionOptions are the options of Model.RunAction and
// Model.EnqueueActions.
type RunActionOptions struct {
	// Parallel, when not nil, says whether the task may run in parallel
	// with other actions on the unit (the charm's setting otherwise).
	Parallel *bool
	// ExecutionGroup, when set, is the group the task runs in; tasks of
	// one group run one at a time.
	ExecutionGroup string
	// NoCheck skips looking the action up in the charm's actions
	// (Action.ApplicationsCharmsActions) before enqueuing it.
	NoCheck bool
}

// receiver checks a unit name or "<app>/leader" and returns it as the
// controller takes it (a unit tag, or the leader form as it is), with the
// application's name.
func actionReceiver(unit string) (receiver, app string, err error) {
	if app, ok := strings.CutSuffix(unit, "/leader"); ok {
		if err := checkApplicationName(app); err != nil {
			return "", "", err
		}
		return unit, app, nil
	}
	if err := checkUnitName(unit); err != nil {
		return "", "", invalid(ErrInvalidName, "unit name", unit, `must be "<application>/<number>" or "<application>/leader"`)
	}
	return unitTag(unit), unitApplication(unit), nil
}

// RunAction enqueues action on unit ("pg/0", or "pg/leader" for the
// application's leader) with params (Action.EnqueueOperation) and returns
// the task without waiting for it: call Wait. Unless opts.NoCheck, the
// action is first looked up in the charm's actions, and an action the charm
// does not define is refused with ErrInvalidAction.
func (m *Model) RunAction(ctx context.Context, unit, action string, params map[string]any, opts *RunActionOptions) (*Action, error) {
	op, err := m.enqueueActions(ctx, []string{unit}, action, params, opts)
	if err != nil {
		return nil, opError("run action "+strconv.Quote(action)+" on", unit, err)
	}
	return op[0], nil
}

// EnqueueActions enqueues action on each of units in one operation, as
// "juju run pg/0 pg/1 backup" does, and returns one task per unit in the
// same order. See RunAction.
func (m *Model) EnqueueActions(ctx context.Context, units []string, action string, params map[string]any, opts *RunActionOptions) ([]*Action, error) {
	tasks, err := m.enqueueActions(ctx, units, action, params, opts)
	if err != nil {
		return nil, opError("run action "+strconv.Quote(action)+" on", strings.Join(units, ","), err)
	}
	return tasks, nil
}

// RunAction enqueues action on unit of the application ("pg/0"; "leader"
// or "" for the leader). See Model.RunAction.
func (a *Application) RunAction(ctx context.Context, unit, action string, params map[string]any, opts *RunActionOptions) (*Action, error) {
	switch {
	case unit == "" || unit == "leader":
		unit = a.name + "/leader"
	case !strings.Contains(unit, "/"):
		unit = a.name + "/" + unit
	}
	if unitApplication(unit) != a.name {
		return nil, opError("run action "+strconv.Quote(action)+" on", unit,
			invalidf(ErrInvalidArgument, "unit", unit, "is not a unit of %q", a.name))
	}
	return a.m.RunAction(ctx, unit, action, params, opts)
}

func (m *Model) enqueueActions(ctx context.Context, units []string, action string, params map[string]any, opts *RunActionOptions) ([]*Action, error) {
	if opts == nil {
		opts = &RunActionOptions{}
	}
	if action == "" {
		return nil, invalid(ErrInvalidAction, "action name", action, "must not be empty")
	}
	if len(units) == 0 {
		return nil, invalid(ErrInvalidArgument, "units", "", "give at least one unit")
	}
	reqs := make([]facades.Action, len(units))
	apps := map[string]bool{}
	for i, u := range units {
		recv, app, err := actionReceiver(u)
		if err != nil {
			return nil, err
		}
		apps[app] = true
		reqs[i] = facades.Action{Receiver: recv, Name: action, Parameters: params, Parallel: opts.Parallel}
		if opts.ExecutionGroup != "" {
			g := opts.ExecutionGroup
			reqs[i].ExecutionGroup = &g
		}
	}
	conn, err := m.conn(ctx)
	if err != nil {
		return nil, err
	}
	client := apiclient.NewActionClient(conn)
	appNames := sortedKeys(apps)
	if !opts.NoCheck {
		if err := checkCharmActions(ctx, client, appNames, action); err != nil {
			return nil, err
		}
	}
	res, err := client.EnqueueOperation(ctx, facades.Actions{Actions: reqs})
	if err != nil {
		return nil, err
	}
	if len(res.Actions) != len(reqs) {
		return nil, fmt.Errorf("the controller returned %d tasks for %d units", len(res.Actions), len(reqs))
	}
	opID, _ := tagID(res.Operation, "operation")
	tasks := make([]*Action, len(reqs))
	var errs []error
	for i, r := range res.Actions {
		if r.Error != nil {
			// Name the unit unless the operation's error names it (one
			// unit) or the controller's message does.
			if len(units) == 1 || strings.Contains(r.Error.Error(), units[i]) {
				errs = append(errs, apiclient.ServerError(r.Error))
			} else {
				errs = append(errs, fmt.Errorf("%s: %w", units[i], r.Error))
			}
			continue
		}
		ar := actionResultFromWire(r)
		unit := ar.Unit
		if unit == "" {
			unit = units[i]
		}
		tasks[i] = &Action{m: m, id: ar.ID, unit: unit, name: action, operation: opID}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return tasks, nil
}

// checkCharmActions refuses an action that the charm of one of apps does
// not define.
func checkCharmActions(ctx context.Context, client *apiclient.ActionClient, apps []string, action string) error {
	ents := facades.Entities{Entities: make([]facades.Entity, len(apps))}
	for i, app := range apps {
		ents.Entities[i] = facades.Entity{Tag: applicationTag(app)}
	}
	res, err := client.ApplicationsCharmsActions(ctx, ents)
	if err != nil {
		return err
	}
	if len(res.Results) != len(apps) {
		return fmt.Errorf("the controller returned %d results for %d applications", len(res.Results), len(apps))
	}
	for i, r := range res.Results {
		if r.Error != nil {
			return apiclient.ServerError(r.Error)
		}
		if _, ok := r.Actions[action]; !ok {
			names := sortedKeys(r.Actions)
			reason := fmt.Sprintf("the charm of %q defines no such action", apps[i])
			if len(names) > 0 {
				reason += " (it has " + strings.Join(names, ", ") + ")"
			} else {
				reason = fmt.Sprintf("the charm of %q defines no actions", apps[i])
			}
			return invalid(ErrInvalidAction, "action", action, reason)
		}
	}
	return nil
}

// Action returns a handle on the existing task id ("13" or "action-13").
func (m *Model) Action(id string) *Action {
	if s, ok := strings.CutPrefix(id, "action-"); ok {
		id = s
	}
	return &Action{m: m, id: id}
}

func checkNumericID(what, id string) error {
	if n, err := strconv.Atoi(id); err != nil || n < 0 || strconv.Itoa(n) != id {
		return invalid(ErrInvalidArgument, what, id, "must be a number")
	}
	return nil
}

// Result returns the task's current state (Action.Actions).
func (a *Action) Result(ctx context.Context) (*ActionResult, error) {
	r, err := a.result(ctx)
	return r, opError("get result of action", a.id, err)
}

func (a *Action) result(ctx context.Context) (*ActionResult, error) {
	if err := checkNumericID("action id", a.id); err != nil {
		return nil, err
	}
	conn, err := a.m.conn(ctx)
	if err != nil {
		return nil, err
	}
	res, err := apiclient.NewActionClient(conn).Actions(ctx, facades.Entities{Entities: []facades.Entity{{Tag: "action-" + a.id}}})
	if err != nil {
		return nil, err
	}
	return a.single(res)
}

func (a *Action) single(res facades.ActionResults) (*ActionResult, error) {
	if len(res.Results) != 1 {
		return nil, fmt.Errorf("the controller returned %d results for 1 action", len(res.Results))
	}
	if res.Results[0].Error != nil {
		return nil, apiclient.ServerError(res.Results[0].Error)
	}
	r := actionResultFromWire(res.Results[0])
	if r.ID == "" {
		r.ID = a.id
	}
	return r, nil
}

// Wait polls the task (Action.Actions, every 20 ms at first, growing to
// 1 s) until it has finished, or ctx ends. It returns the final result; if
// the action ended in any status but "completed" the error wraps an
// *ActionError (matching ErrActionFailed, found with errors.As) carrying
// the same result. When ctx
// ends first, the error wraps ctx's error and the result is the last one
// seen.
func (a *Action) Wait(ctx context.Context) (*ActionResult, error) {
	r, err := a.wait(ctx)
	return r, opError("wait for action", a.id, err)
}

func (a *Action) wait(ctx context.Context) (*ActionResult, error) {
	delay := 20 * time.Millisecond
	var last *ActionResult
	for {
		r, err := a.result(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return last, fmt.Errorf("action not finished: %w", ctx.Err())
			}
			return last, err
		}
		last = r
		if r.Done() {
			if r.Status != ActionStatusCompleted {
				return r, &ActionError{Result: r}
			}
			return r, nil
		}
		if err := sleepCtx(ctx, delay); err != nil {
			return last, fmt.Errorf("action still %s: %w", r.Status, err)
		}
		delay = min(delay*3/2, time.Second)
	}
}

// Cancel cancels the task (Action.Cancel): a pending one is cancelled, a
// running one aborted. It returns the task's state after the request.
func (a *Action) Cancel(ctx context.Context) (*ActionResult, error) {
	r, err := a.cancel(ctx)
	return r, opError("cancel action", a.id, err)
}

func (a *Action) cancel(ctx context.Context) (*ActionResult, error) {
	if err := checkNumericID("action id", a.id); err != nil {
		return nil, err
	}
	conn, err := a.m.conn(ctx)
	if err != nil {
		return nil, err
	}
	res, err := apiclient.NewActionClient(conn).Cancel(ctx, facades.Entities{Entities: []facades.Entity{{Tag: "action-" + a.id}}})
	if err != nil {
		return nil, err
	}
	r, err := a.single(res)
	if err != nil {
		return nil, err
	}
	return r, nil
}

// Operation is a group of tasks enqueued together.
type Operation struct {
	// ID is the operation's ID ("12").
	ID string
	// Summary describes it ("backup run on pg/0").
	Summary string
	// Status sums up the tasks' statuses.
	Status string
	// Fail says why the operation failed, if it did.
	Fail string
	// Enqueued, Started and Completed are when the operation was queued,
	// started and finished.
	Enqueued, Started, Completed time.Time
	// Tasks holds the state of each task.
	Tasks []*ActionResult
}

func operationFromWire(r facades.OperationResult) (*Operation, error) {
	if r.Error != nil {
		return nil, apiclient.ServerError(r.Error)
	}
	op := &Operation{Summary: r.Summary, Status: r.Status, Fail: r.Fail,
		Enqueued: timeOf(r.Enqueued), Started: timeOf(r.Started), Completed: timeOf(r.Completed)}
	op.ID, _ = tagID(r.Operation, "operation")
	for _, a := range r.Actions {
		op.Tasks = append(op.Tasks, actionResultFromWire(a))
	}
	return op, nil
}

// Operation returns the operation id ("12" or "operation-12")
// (Action.Operations). One that does not exist gets an error matching
// ErrNotFound.
func (m *Model) Operation(ctx context.Context, id string) (*Operation, error) {
	op, err := m.operation(ctx, id)
	return op, opError("get operation", id, err)
}

func (m *Model) operation(ctx context.Context, id string) (*Operation, error) {
	if s, ok := strings.CutPrefix(id, "operation-"); ok {
		id = s
	}
	if err := checkNumericID("operation id", id); err != nil {
		return nil, err
	}
	conn, err := m.conn(ctx)
	if err != nil {
		return nil, err
	}
	res, err := apiclient.NewActionClient(conn).Operations(ctx, facades.Entities{Entities: []facades.Entity{{Tag: "operation-" + id}}})
	if err != nil {
		return nil, err
	}
	if len(res.Results) != 1 {
		return nil, fmt.Errorf("the controller returned %d results for 1 operation", len(res.Results))
	}
	return operationFromWire(res.Results[0])
}

// ListOperationsOptions are the options of Model.Operations; empty fields
// do not restrict the list.
type ListOperationsOptions struct {
	Applications []string // operations with tasks on these applications' units
	Units        []string // operations with tasks on these units
	Actions      []string // operations of these actions
	Status       []string // operations in these statuses
	Offset       int      // skip this many operations
	Limit        int      // return at most this many (0: the controller's default)
}

// Operations lists the model's operations, oldest first
// (Action.ListOperations). The bool reports whether the list was cut short
// by the limit.
func (m *Model) Operations(ctx context.Context, opts *ListOperationsOptions) ([]*Operation, bool, error) {
	ops, truncated, err := m.operations(ctx, opts)
	return ops, truncated, opError("list operations", "", err)
}

func (m *Model) operations(ctx context.Context, opts *ListOperationsOptions) ([]*Operation, bool, error) {
	if opts == nil {
		opts = &ListOperationsOptions{}
	}
	if opts.Offset < 0 || opts.Limit < 0 {
		return nil, false, invalid(ErrInvalidArgument, "offset or limit", fmt.Sprint(opts.Offset, opts.Limit), "must not be negative")
	}
	for _, app := range opts.Applications {
		if err := checkApplicationName(app); err != nil {
			return nil, false, err
		}
	}
	for _, u := range opts.Units {
		if err := checkUnitName(u); err != nil {
			return nil, false, err
		}
	}
	conn, err := m.conn(ctx)
	if err != nil {
		return nil, false, err
	}
	res, err := apiclient.NewActionClient(conn).ListOperations(ctx, facades.OperationQueryArgs{
		Applications: opts.Applications, Units: opts.Units, Actions: opts.Actions, Status: opts.Status,
		Offset: opts.Offset, Limit: opts.Limit,
	})
	if err != nil {
		return nil, false, err
	}
	ops := make([]*Operation, 0, len(res.Results))
	for _, r := range res.Results {
		op, err := operationFromWire(r)
		if err != nil {
			return nil, false, err
		}
		ops = append(ops, op)
	}
	return ops, res.Truncated, nil
}

// ActionSpec describes one action a charm defines.
type ActionSpec struct {
	// Description says what the action does.
	Description string
	// Params is the JSON schema of the action's parameters.
	Params map[string]any
}

// Actions returns the actions the application's charm defines, by name
// (Action.ApplicationsCharmsActions).
func (a *Application) Actions(ctx context.Context) (map[string]ActionSpec, error) {
	specs, err := a.actions(ctx)
	return specs, opError("list actions of", a.name, err)
}

func (a *Application) actions(ctx context.Context) (map[string]ActionSpec, error) {
	if err := checkApplicationName(a.name); err != nil {
		return nil, err
	}
	conn, err := a.m.conn(ctx)
	if err != nil {
		return nil, err
	}
	res, err := apiclient.NewActionClient(conn).ApplicationsCharmsActions(ctx, facades.Entities{Entities: []facades.Entity{{Tag: applicationTag(a.name)}}})
	if err != nil {
		return nil, err
	}
	if len(res.Results) != 1 {
		return nil, fmt.Errorf("the controller returned %d results for 1 application", len(res.Results))
	}
	if res.Results[0].Error != nil {
		return nil, apiclient.ServerError(res.Results[0].Error)
	}
	out := make(map[string]ActionSpec, len(res.Results[0].Actions))
	for n, s := range res.Results[0].Actions {
		out[n] = ActionSpec{Description: s.Description, Params: s.Params}
	}
	return out, nil
}
