package juju

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gojuju/juju/jujusim"
	"github.com/gojuju/juju/rpc"
)

// deployPG deploys postgresql as "pg" with n units.
func deployPG(t *testing.T, m *Model, n int) *Application {
	t.Helper()
	app, err := m.Deploy(testCtx(t), "postgresql", &DeployOptions{Name: "pg", Base: "ubuntu@22.04", NumUnits: n})
	if err != nil {
		t.Fatal(err)
	}
	return app
}

func TestRunAction(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			parallel(t)
			srv, c, m := simModel(t, v)
			r := record(c)
			ctx := testCtx(t)
			app := deployPG(t, m, 2)
			srv.SetActionResult(m.UUID(), "pg", "get-password", jujusim.ActionOutcome{
				Output: map[string]any{"password": "hunter2", "nested": map[string]any{"n": 1}}, Log: []string{"fetching password"},
			})
			srv.SetActionResult(m.UUID(), "pg", "create-backup", jujusim.ActionOutcome{Status: "failed", Message: "disk full"})

			specs, err := app.Actions(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got := sortedKeys(specs); !cmp.Equal(got, []string{"create-backup", "get-password", "list-backups", "set-password"}) || specs["get-password"].Description == "" {
				t.Errorf("Actions = %v", specs)
			}

			a, err := m.RunAction(ctx, "pg/0", "get-password", map[string]any{"username": "operator"}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if a.Unit() != "pg/0" || a.Name() != "get-password" || a.ID() == "" || a.Operation() == "" || a.ID() == a.Operation() {
				t.Errorf("action %+v", a)
			}
			call, _ := r.last("Action", "EnqueueOperation")
			b, _ := json.Marshal(call.Params)
			if want := `{"actions":[{"name":"get-password","parameters":{"username":"operator"},"receiver":"unit-pg-0","tag":""}]}`; string(b) != want || call.Version != 7 {
				t.Errorf("EnqueueOperation v%d %s, want %s", call.Version, b, want)
			}
			res, err := a.Wait(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != ActionStatusCompleted || res.Unit != "pg/0" || res.ID != a.ID() || res.Name != "get-password" || !res.Done() ||
				res.Output["password"] != "hunter2" || res.Parameters["username"] != "operator" || res.Completed.IsZero() {
				t.Errorf("result %+v", res)
			}
			if len(res.Log) != 1 || res.Log[0].Message != "fetching password" || res.Log[0].Time.IsZero() {
				t.Errorf("log %+v", res.Log)
			}
			again, err := m.Action("action-" + a.ID()).Result(ctx)
			if err != nil || again.Status != ActionStatusCompleted || again.Unit != "pg/0" {
				t.Errorf("Result by id: %+v, %v", again, err)
			}

			op, err := m.Operation(ctx, a.Operation())
			if err != nil {
				t.Fatal(err)
			}
			if op.ID != a.Operation() || op.Status != "completed" || len(op.Tasks) != 1 || op.Tasks[0].ID != a.ID() || op.Summary == "" {
				t.Errorf("operation %+v", op)
			}

			// A failed action: typed error carrying the result.
			fa, err := app.RunAction(ctx, "0", "create-backup", nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			res, err = fa.Wait(ctx)
			var ae *ActionError
			if !errors.Is(err, ErrActionFailed) || !errors.As(err, &ae) || ae.Result.Message != "disk full" || ae.Result.Status != ActionStatusFailed {
				t.Fatalf("Wait on a failing action: %v", err)
			}
			if res == nil || res != ae.Result || !strings.Contains(err.Error(), `action "create-backup" on "pg/0" failed: disk full`) {
				t.Errorf("result %+v, error %q", res, err)
			}

			// On the leader, through the application.
			if err := pollUntil(ctx, func() (bool, error) { l, err := app.Leader(ctx); return l != "", err }); err != nil {
				t.Fatal(err)
			}
			leader, _ := app.Leader(ctx)
			la, err := app.RunAction(ctx, "", "get-password", nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			call, _ = r.last("Action", "EnqueueOperation")
			if b, _ := json.Marshal(call.Params); !strings.Contains(string(b), `"receiver":"pg/leader"`) {
				t.Errorf("leader receiver: %s", b)
			}
			if res, err := la.Wait(ctx); err != nil || res.Unit != leader {
				t.Errorf("leader action: %+v, %v (leader %s)", res, err, leader)
			}

			// Several units, one operation.
			tasks, err := m.EnqueueActions(ctx, []string{"pg/0", "pg/1"}, "list-backups", nil, &RunActionOptions{ExecutionGroup: "backups"})
			if err != nil {
				t.Fatal(err)
			}
			if len(tasks) != 2 || tasks[0].Operation() != tasks[1].Operation() || tasks[1].Unit() != "pg/1" {
				t.Fatalf("tasks %+v", tasks)
			}
			for _, tk := range tasks {
				if _, err := tk.Wait(ctx); err != nil {
					t.Fatal(err)
				}
			}
			ops, truncated, err := m.Operations(ctx, nil)
			if err != nil || truncated || len(ops) != 4 {
				t.Fatalf("Operations = %d, %v, %v", len(ops), truncated, err)
			}
			if ops[0].ID != a.Operation() || ops[1].Status != "failed" || len(ops[3].Tasks) != 2 {
				t.Errorf("operations %+v %+v %+v", ops[0], ops[1], ops[3])
			}
			ops, _, err = m.Operations(ctx, &ListOperationsOptions{Actions: []string{"create-backup"}})
			if err != nil || len(ops) != 1 || ops[0].Tasks[0].Name != "create-backup" {
				t.Errorf("filtered Operations = %+v, %v", ops, err)
			}
			ops, truncated, err = m.Operations(ctx, &ListOperationsOptions{Limit: 1})
			if err != nil || len(ops) != 1 || !truncated {
				t.Errorf("limited Operations = %d, %v, %v", len(ops), truncated, err)
			}

			// The controller's refusals.
			_, err = m.RunAction(ctx, "pg/7", "get-password", nil, nil)
			var se *rpc.Error
			if !errors.Is(err, ErrNotFound) || !errors.As(err, &se) {
				t.Errorf("missing unit: %v", err)
			} else if want := `cannot run action "get-password" on "pg/7": ` + se.Error(); err.Error() != want {
				// The unit is named once by the operation (and by the
				// controller's message), not a third time in between.
				t.Errorf("missing unit: error %q\nwant  %q", err, want)
			}
			// With several units, each failure names its unit once.
			// (The 4.0 message names it twice itself, as the real
			// server's does.)
			_, err = m.EnqueueActions(ctx, []string{"pg/0", "pg/7"}, "get-password", nil, nil)
			if !errors.Is(err, ErrNotFound) || !errors.As(err, &se) || strings.Count(err.Error(), "pg/7") != 1+strings.Count(se.Message, "pg/7") {
				t.Errorf("missing unit among two: %v", err)
			}
			if _, err := m.RunAction(ctx, "pg/0", "no-such-action", nil, &RunActionOptions{NoCheck: true}); !errors.Is(err, ErrNotValid) {
				t.Errorf("unchecked unknown action: %v", err)
			}
			if _, err := m.Operation(ctx, "999"); !errors.Is(err, ErrNotFound) {
				t.Errorf("missing operation: %v", err)
			}
			if _, err := m.Action("999").Result(ctx); !errors.Is(err, ErrNotFound) {
				t.Errorf("missing action: %v", err)
			}
			if _, err := m.RunAction(ctx, "nope/0", "get-password", nil, nil); !errors.Is(err, ErrNotFound) {
				t.Errorf("missing application: %v", err)
			}
		})
	}
}

// TestRunActionRefusesBadInput checks that bad input is refused with typed
// errors before anything is enqueued.
func TestRunActionRefusesBadInput(t *testing.T) {
	parallel(t)
	_, c, m := simModel(t, jujusim.Juju40)
	ctx := testCtx(t)
	app := deployPG(t, m, 1)
	r := record(c)
	tests := []struct {
		name string
		run  func() error
		want error
		// sent lists what may be sent: the lookup of the charm's actions.
		sent []string
	}{
		{name: "empty action", run: func() error { _, err := m.RunAction(ctx, "pg/0", "", nil, nil); return err }, want: ErrInvalidAction},
		{name: "unit without number", run: func() error { _, err := m.RunAction(ctx, "pg", "get-password", nil, nil); return err }, want: ErrInvalidName},
		{name: "bad unit", run: func() error { _, err := m.RunAction(ctx, "Pg/0", "get-password", nil, nil); return err }, want: ErrInvalidName},
		{name: "bad leader", run: func() error { _, err := m.RunAction(ctx, "Pg/leader", "get-password", nil, nil); return err }, want: ErrInvalidName},
		{name: "no units", run: func() error { _, err := m.EnqueueActions(ctx, nil, "get-password", nil, nil); return err }, want: ErrInvalidArgument},
		{name: "other app's unit", run: func() error { _, err := app.RunAction(ctx, "mysql/0", "get-password", nil, nil); return err }, want: ErrInvalidArgument},
		{name: "unknown action", run: func() error { _, err := m.RunAction(ctx, "pg/0", "backup", nil, nil); return err }, want: ErrInvalidAction,
			sent: []string{"Action.ApplicationsCharmsActions"}},
		{name: "bad operation id", run: func() error { _, err := m.Operation(ctx, "op-1"); return err }, want: ErrInvalidArgument},
		{name: "bad action id", run: func() error { _, err := m.Action("x").Result(ctx); return err }, want: ErrInvalidArgument},
		{name: "bad cancel id", run: func() error { _, err := m.Action("-1").Cancel(ctx); return err }, want: ErrInvalidArgument},
		{name: "negative limit", run: func() error { _, _, err := m.Operations(ctx, &ListOperationsOptions{Limit: -1}); return err }, want: ErrInvalidArgument},
		{name: "bad unit filter", run: func() error {
			_, _, err := m.Operations(ctx, &ListOperationsOptions{Units: []string{"pg"}})
			return err
		}, want: ErrInvalidName},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := r.count()
			err := tt.run()
			if !errors.Is(err, tt.want) || !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("error %v, want %v and ErrInvalidInput", err, tt.want)
			}
			var oe *OperationError
			if !errors.As(err, &oe) {
				t.Errorf("error %T is not an *OperationError", err)
			}
			if got := r.methods(before); !cmp.Equal(got, tt.sent, cmp.Comparer(func(a, b []string) bool { return strings.Join(a, ",") == strings.Join(b, ",") })) {
				t.Errorf("sent %v, want %v", got, tt.sent)
			}
		})
	}
	_, err := m.RunAction(ctx, "pg/0", "backup", nil, nil)
	if want := `cannot run action "backup" on "pg/0": invalid action "backup": the charm of "pg" defines no such action (it has create-backup, get-password, list-backups, set-password)`; err == nil || err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
}

// slowSim starts a simulator whose hooks or actions take an hour, so that
// actions stay pending or running.
func slowSim(t *testing.T, version string, timing jujusim.Timing) (*jujusim.Server, *Model) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	timing.Name = "slow-" + t.Name()
	srv, err := jujusim.Start(ctx, jujusim.Config{JujuVersion: version, Timing: timing})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	c := connectSim(t, srv)
	m, err := c.Model(testCtx(t), "default")
	if err != nil {
		t.Fatal(err)
	}
	return srv, m
}

func TestActionCancel(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			parallel(t)
			ctx := testCtx(t)

			// Pending: cancelled.
			_, m := slowSim(t, v, jujusim.Timing{Hook: time.Hour})
			deployPG(t, m, 1)
			a, err := m.RunAction(ctx, "pg/0", "get-password", nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
			res, err := a.Wait(short)
			cancel()
			if !errors.Is(err, context.DeadlineExceeded) || res == nil || res.Status != ActionStatusPending {
				t.Errorf("Wait on a pending action with a short context: %+v, %v", res, err)
			}
			res, err = a.Cancel(ctx)
			if err != nil || res.Status != ActionStatusCancelled {
				t.Fatalf("Cancel: %+v, %v", res, err)
			}
			if _, err := a.Wait(ctx); !errors.Is(err, ErrActionFailed) || !strings.Contains(err.Error(), "cancelled") {
				t.Errorf("Wait on a cancelled action: %v", err)
			}

			// Running: aborted.
			_, m = slowSim(t, v, jujusim.Timing{Action: time.Hour})
			deployPG(t, m, 1)
			a, err = m.RunAction(ctx, "pg/0", "get-password", nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := pollUntil(ctx, func() (bool, error) {
				r, err := a.Result(ctx)
				return err == nil && r.Status == ActionStatusRunning, err
			}); err != nil {
				t.Fatal(err)
			}
			res, err = m.Action(a.ID()).Cancel(ctx)
			if err != nil || res.Status != ActionStatusAborted {
				t.Fatalf("Cancel: %+v, %v", res, err)
			}
			var ae *ActionError
			if _, err := a.Wait(ctx); !errors.As(err, &ae) || ae.Result.Status != ActionStatusAborted {
				t.Errorf("Wait on an aborted action: %v", err)
			}
		})
	}
}

func TestUnitFromTag(t *testing.T) {
	for in, want := range map[string]string{"unit-pg-0": "pg/0", "unit-my-app-12": "my-app/12", "pg/leader": "pg/leader", "unit-x": "unit-x", "": ""} {
		if got := unitFromTag(in); got != want {
			t.Errorf("unitFromTag(%q) = %q, want %q", in, got, want)
		}
	}
}
