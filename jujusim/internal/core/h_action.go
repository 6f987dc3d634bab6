package core

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gojuju/juju/internal/facades"
)

// SetActionResult sets how future runs of an action on the application's
// units end (status, message, output, log lines). Without one, an action
// completes with an empty output.
func (c *Controller) SetActionResult(modelUUID, app, actionName string, out ActionOutcome) {
	c.mu.Lock()
	defer c.mu.Unlock()
	key := modelUUID + "/" + app
	b := c.behaviours[key]
	results := make(map[string]ActionOutcome, len(b.ActionResults)+1)
	for k, v := range b.ActionResults {
		results[k] = v
	}
	results[actionName] = out
	b.ActionResults = results
	c.behaviours[key] = b
	if m, ok := c.models[modelUUID]; ok {
		if a, ok := m.apps[app]; ok {
			a.behaviour.ActionResults = results
		}
	}
}

func (c *Controller) actionResult(m *model, a *action) facades.ActionResult {
	r := facades.ActionResult{
		Action:    &facades.Action{Tag: "action-" + strconv.Itoa(a.id), Receiver: a.receiver, Name: a.name, Parameters: a.params, Parallel: a.parallel, ExecutionGroup: a.group},
		Enqueued:  wireTime(a.enqueued),
		Started:   wireTime(a.started),
		Completed: wireTime(a.completed),
		Status:    a.status,
		Message:   a.message,
		Output:    a.output,
	}
	for _, l := range a.log {
		r.Log = append(r.Log, facades.ActionMessage{Message: l.Message, Timestamp: timePtr(l.Time)})
	}
	return r
}

// resolveReceiver turns "unit-pg-0", "pg/0" or "pg/leader" into a unit.
func (c *Controller) resolveReceiver(m *model, recv string) (*unit, error) {
	if strings.HasSuffix(recv, "/leader") {
		app := strings.TrimSuffix(recv, "/leader")
		a, ok := m.apps[app]
		if !ok {
			return nil, errAppNotFound(app)
		}
		if a.leader == "" {
			return nil, errNotFound("could not determine leader for %q", app)
		}
		return a.units[a.leader], nil
	}
	if strings.HasPrefix(recv, "unit-") {
		return c.unitByTag(m, recv)
	}
	return c.unitByName(m, recv)
}

// enqueue creates an operation with one task per receiver and schedules
// the tasks.
func (c *Controller) enqueue(m *model, summary string, reqs []facades.Action) facades.EnqueuedActions {
	now := c.now()
	m.actionSeq++
	op := &operation{id: m.actionSeq, summary: summary, enqueued: now}
	m.operations[op.id] = op
	out := facades.EnqueuedActions{Operation: "operation-" + strconv.Itoa(op.id)}
	for _, req := range reqs {
		u, err := c.resolveReceiver(m, req.Receiver)
		if e := AsError(err); e != nil && e.Code == CodeNotFound && c.is4() && !strings.HasSuffix(req.Receiver, "/leader") {
			// As the real 4.0.15 server: the domain error, without a code.
			name := strings.TrimPrefix(req.Receiver, "unit-")
			if i := strings.LastIndex(name, "-"); i > 0 && strings.HasPrefix(req.Receiver, "unit-") {
				name = name[:i] + "/" + name[i+1:]
			}
			err = newErr("", "linking task to unit: getting unit UUID for %q: unit %q not found", name, name)
		}
		if err != nil {
			var r facades.ActionResult
			setErr(&r.Error, err)
			out.Actions = append(out.Actions, r)
			continue
		}
		if req.Name != "juju-exec" {
			if _, ok := u.app.charm.actions[req.Name]; !ok {
				var r facades.ActionResult
				setErr(&r.Error, errNotValid("no action %q defined for unit %q", req.Name, u.name))
				out.Actions = append(out.Actions, r)
				continue
			}
		}
		m.actionSeq++
		a := &action{id: m.actionSeq, opID: op.id, receiver: unitTag(u.name), name: req.Name, params: req.Parameters,
			parallel: req.Parallel, group: req.ExecutionGroup, status: "pending", enqueued: now}
		m.actions[a.id] = a
		op.actions = append(op.actions, a.id)
		c.scheduleAction(m, u, a)
		out.Actions = append(out.Actions, c.actionResult(m, a))
	}
	m.notify()
	return out
}

func (c *Controller) scheduleAction(m *model, u *unit, a *action) {
	t := c.timingFor(u.app)
	a.ev = c.sched.after(t.Hook, func() {
		if a.status != "pending" {
			return
		}
		if u.life == lifeDead {
			a.status, a.message, a.completed = "failed", "unit removed", c.now()
			m.notify()
			return
		}
		a.status = "running"
		a.started = c.now()
		outcome := u.app.behaviour.ActionResults[a.name]
		for _, l := range outcome.Log {
			a.log = append(a.log, actionLog{Time: c.now(), Message: l})
		}
		c.logf(m, unitTag(u.name), "INFO", modOp, "running action %q", a.name)
		m.notify()
		a.ev = c.sched.after(t.Action, func() {
			if a.status != "running" {
				return
			}
			st := outcome.Status
			if st == "" {
				st = "completed"
			}
			a.status, a.message, a.completed = st, outcome.Message, c.now()
			a.output = outcome.Output
			if a.output == nil {
				a.output = map[string]any{}
			}
			c.logf(m, unitTag(u.name), "INFO", modOp, "action %q %s", a.name, st)
			m.notify()
		})
	})
}

func (actionFacade) EnqueueOperation(cx *callCtx, a facades.Actions) (facades.EnqueuedActions, error) {
	if err := cx.check("write"); err != nil {
		return facades.EnqueuedActions{}, err
	}
	if len(a.Actions) == 0 {
		return facades.EnqueuedActions{}, errBadRequest("no actions specified")
	}
	names := map[string]bool{}
	for _, x := range a.Actions {
		names[x.Name] = true
	}
	var ns []string
	for n := range names {
		ns = append(ns, n)
	}
	sort.Strings(ns)
	summary := fmt.Sprintf("%s run on %s", strings.Join(ns, ","), receiversSummary(a.Actions))
	if cx.is4() {
		// As the real 4.0.15 server: `action "backup"`, whatever the
		// receivers.
		summary = fmt.Sprintf("action %q", strings.Join(ns, ","))
	}
	return cx.c.enqueue(cx.m, summary, a.Actions), nil
}

func receiversSummary(as []facades.Action) string {
	var rs []string
	for _, a := range as {
		r := a.Receiver
		if n, ok := unitNameFromTag(r); ok {
			r = n
		}
		rs = append(rs, r)
	}
	return strings.Join(rs, ",")
}

func (cx *callCtx) actionByTag(tag string) (*action, error) {
	id, ok := parseTag(tag, "action")
	if !ok {
		return nil, errNotValid("%q is not a valid action tag", tag)
	}
	n, err := strconv.Atoi(id)
	if err != nil {
		return nil, errNotValid("%q is not a valid action tag", tag)
	}
	a, ok := cx.m.actions[n]
	if !ok {
		return nil, errNotFound("action %s not found", id)
	}
	return a, nil
}

func (actionFacade) Actions(cx *callCtx, a facades.Entities) (facades.ActionResults, error) {
	if err := cx.check("read"); err != nil {
		return facades.ActionResults{}, err
	}
	return facades.ActionResults{Results: eachItem(a.Entities, func(e facades.Entity) (facades.ActionResult, error) {
		act, err := cx.actionByTag(e.Tag)
		if err != nil {
			return facades.ActionResult{}, err
		}
		return cx.c.actionResult(cx.m, act), nil
	})}, nil
}

func (actionFacade) Cancel(cx *callCtx, a facades.Entities) (facades.ActionResults, error) {
	if err := cx.check("write"); err != nil {
		return facades.ActionResults{}, err
	}
	out := facades.ActionResults{Results: eachItem(a.Entities, func(e facades.Entity) (facades.ActionResult, error) {
		act, err := cx.actionByTag(e.Tag)
		if err != nil {
			return facades.ActionResult{}, err
		}
		switch act.status {
		case "pending":
			act.ev.cancel()
			act.status, act.completed = "cancelled", cx.c.now()
		case "running":
			act.ev.cancel()
			act.status, act.completed = "aborted", cx.c.now()
		}
		return cx.c.actionResult(cx.m, act), nil
	})}
	cx.m.notify()
	return out, nil
}

func (c *Controller) operationResult(m *model, op *operation) facades.OperationResult {
	r := facades.OperationResult{Operation: "operation-" + strconv.Itoa(op.id), Summary: op.summary, Enqueued: wireTime(op.enqueued)}
	var started, completed time.Time
	counts := map[string]int{}
	done := true
	for _, id := range op.actions {
		a := m.actions[id]
		r.Actions = append(r.Actions, c.actionResult(m, a))
		counts[a.status]++
		if !a.started.IsZero() && (started.IsZero() || a.started.Before(started)) {
			started = a.started
		}
		if a.completed.After(completed) {
			completed = a.completed
		}
		if a.completed.IsZero() {
			done = false
		}
	}
	r.Started = wireTime(started)
	switch {
	case len(op.actions) == 0:
		r.Status = "error"
		r.Fail = "no tasks could be enqueued"
	case counts["running"] > 0:
		r.Status = "running"
	case counts["pending"] > 0 && counts["pending"] == len(op.actions):
		r.Status = "pending"
	case counts["pending"] > 0:
		r.Status = "running"
	case counts["failed"] > 0:
		r.Status = "failed"
	case counts["cancelled"] == len(op.actions):
		r.Status = "cancelled"
	case counts["aborted"] > 0:
		r.Status = "aborted"
	default:
		r.Status = "completed"
	}
	if !done {
		completed = time.Time{}
	}
	r.Completed = wireTime(completed)
	return r
}

func (actionFacade) Operations(cx *callCtx, a facades.Entities) (facades.OperationResults, error) {
	if err := cx.check("read"); err != nil {
		return facades.OperationResults{}, err
	}
	return facades.OperationResults{Results: eachItem(a.Entities, func(e facades.Entity) (facades.OperationResult, error) {
		id, ok := parseTag(e.Tag, "operation")
		n, err := strconv.Atoi(id)
		if !ok || err != nil {
			return facades.OperationResult{}, errNotValid("%q is not a valid operation tag", e.Tag)
		}
		op, ok := cx.m.operations[n]
		if !ok {
			if cx.is4() {
				// As the real 4.0.15 server: without a code.
				return facades.OperationResult{}, newErr("", "operation %q not found", id)
			}
			return facades.OperationResult{}, errNotFound("operation %d not found", n)
		}
		return cx.c.operationResult(cx.m, op), nil
	})}, nil
}

func (actionFacade) ListOperations(cx *callCtx, a facades.OperationQueryArgs) (facades.OperationResults, error) {
	if err := cx.check("read"); err != nil {
		return facades.OperationResults{}, err
	}
	m := cx.m
	ids := make([]int, 0, len(m.operations))
	for id := range m.operations {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	var all []facades.OperationResult
	for _, id := range ids {
		op := m.operations[id]
		keep := true
		if len(a.Applications) > 0 || len(a.Units) > 0 || len(a.Actions) > 0 || len(a.Machines) > 0 {
			keep = false
			for _, aid := range op.actions {
				act := m.actions[aid]
				un, _ := unitNameFromTag(act.receiver)
				app, _, _ := splitUnitName(un)
				mid, _ := machineIDFromTag(act.receiver)
				if (len(a.Applications) == 0 || slices.Contains(a.Applications, app)) &&
					(len(a.Units) == 0 || slices.Contains(a.Units, un)) &&
					(len(a.Machines) == 0 || slices.Contains(a.Machines, mid)) &&
					(len(a.Actions) == 0 || slices.Contains(a.Actions, act.name)) {
					keep = true
				}
			}
		}
		if !keep {
			continue
		}
		r := cx.c.operationResult(m, op)
		if len(a.Status) > 0 && !slices.Contains(a.Status, r.Status) {
			continue
		}
		all = append(all, r)
	}
	out := facades.OperationResults{}
	if a.Offset > 0 {
		if a.Offset >= len(all) {
			all = nil
		} else {
			all = all[a.Offset:]
		}
	}
	limit := a.Limit
	if limit > 0 && len(all) > limit {
		all = all[:limit]
		out.Truncated = true
	}
	out.Results = all
	return out, nil
}

func (actionFacade) ApplicationsCharmsActions(cx *callCtx, a facades.Entities) (facades.ApplicationsCharmActionsResults, error) {
	if err := cx.check("read"); err != nil {
		return facades.ApplicationsCharmActionsResults{}, err
	}
	return facades.ApplicationsCharmActionsResults{Results: eachItem(a.Entities, func(e facades.Entity) (facades.ApplicationCharmActionsResult, error) {
		app, err := cx.c.appFromTag(cx.m, e.Tag)
		if err != nil {
			return facades.ApplicationCharmActionsResult{}, err
		}
		r := facades.ApplicationCharmActionsResult{ApplicationTag: e.Tag, Actions: map[string]facades.ActionSpec{}}
		for n, ac := range app.charm.actions {
			r.Actions[n] = facades.ActionSpec{Description: ac.Description, Params: ac.Params}
		}
		return r, nil
	})}, nil
}

func actionLogJSON(l actionLog) string {
	b, _ := json.Marshal(map[string]any{"message": l.Message, "timestamp": l.Time.UTC().Format(time.RFC3339Nano)})
	return string(b)
}

func (actionFacade) WatchActionsProgress(cx *callCtx, a facades.Entities) (facades.StringsWatchResults, error) {
	if err := cx.check("read"); err != nil {
		return facades.StringsWatchResults{}, err
	}
	return facades.StringsWatchResults{Results: eachItem(a.Entities, func(e facades.Entity) (facades.StringsWatchResult, error) {
		act, err := cx.actionByTag(e.Tag)
		if err != nil {
			return facades.StringsWatchResult{}, err
		}
		var initial []string
		for _, l := range act.log {
			initial = append(initial, actionLogJSON(l))
		}
		sent := len(act.log)
		w := cx.c.newWatcher(cx.s, "StringsWatcher", cx.m.uuid, func() (any, bool) {
			if len(act.log) <= sent {
				return nil, false
			}
			var changes []string
			for _, l := range act.log[sent:] {
				changes = append(changes, actionLogJSON(l))
			}
			sent = len(act.log)
			return facades.StringsWatchResult{Changes: changes}, true
		})
		return facades.StringsWatchResult{WatcherID: w.id, Changes: initial}, nil
	})}, nil
}
