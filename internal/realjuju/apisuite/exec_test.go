package apisuite_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gojuju/juju"
	"github.com/gojuju/juju/status"
)

// Exec: commands on a unit, the leader, a machine and every machine. With
// agents they complete; without them the tasks stay pending and the wait
// ends with ErrExecTimeout naming the targets, as "juju exec --wait" does.
func TestExec(t *testing.T) {
	run(t, func(t *testing.T, b *bed) {
		ctx := testCtx(t)
		m := b.newModel(t)
		if _, err := m.Deploy(ctx, charmDir(t, "suite-db"), &juju.DeployOptions{Name: "db", NumUnits: 2}); err != nil {
			t.Fatalf("Deploy: %v", err)
		}
		opts := &juju.ExecOptions{Timeout: 2 * time.Second}
		if b.Agents {
			opts.Timeout = time.Minute
		}
		res, err := m.Exec(ctx, "db/0", "hostname", opts)
		switch {
		case b.Agents && (err != nil || !res.Success() || res.Stdout == "" || res.Unit != "db/0"):
			t.Errorf("Exec(db/0) = %+v, %v", res, err)
		case !b.Agents && (!errors.Is(err, juju.ErrExecTimeout) || res == nil || res.Status != "pending" || res.Unit != "db/0" ||
			res.TaskID == "" || !strings.Contains(err.Error(), "from: db/0")):
			t.Errorf("Exec(db/0) without agents = %+v, %v; want a pending task and ErrExecTimeout", res, err)
		}
		if res != nil && res.OperationID != "" {
			op, err := m.Operation(ctx, res.OperationID)
			if err != nil || op.Summary != `exec "hostname"` || len(op.Tasks) != 1 || op.Tasks[0].Name != "juju-exec" ||
				op.Tasks[0].Parameters["command"] != "hostname" {
				t.Errorf("Operation(%s) = %+v, %v", res.OperationID, op, err)
			}
		}

		tasks, err := m.StartExec(ctx, juju.ExecTargets{Machines: []string{"0", "1"}}, "uptime", nil)
		if err != nil || len(tasks) != 2 || tasks[0].Operation() != tasks[1].Operation() {
			t.Fatalf("StartExec(machines) = %+v, %v", tasks, err)
		}
		r, err := tasks[1].Result(ctx)
		if err != nil || r.Name != "juju-exec" || r.ExecResult().Machine != "1" || r.Parameters["command"] != "uptime" {
			t.Errorf("machine task = %+v, %v", r, err)
		}
		all, err := m.StartExec(ctx, juju.ExecTargets{AllMachines: true}, "uptime", nil)
		if err != nil || len(all) != 2 {
			t.Errorf("StartExec(all machines) = %+v, %v", all, err)
		}
		ops, _, err := m.Operations(ctx, &juju.ListOperationsOptions{})
		if err != nil || len(ops) < 2 {
			t.Errorf("Operations = %+v, %v", ops, err)
		}
		if b.Agents {
			if _, err := m.WaitForIdle(ctx, &status.WaitForIdleOptions{IdlePeriod: -1}); err != nil {
				t.Fatalf("WaitForIdle: %v", err)
			}
			if res, err := m.Exec(ctx, "db/leader", "true", opts); err != nil || (res.Unit != "db/0" && res.Unit != "db/1") {
				t.Errorf("Exec(db/leader) = %+v, %v", res, err)
			}
		}
	})
}

// Exec on targets that do not exist is refused by the controller (per
// task, for units and machines); bad input is refused before sending.
func TestExecErrors(t *testing.T) {
	run(t, func(t *testing.T, b *bed) {
		ctx := testCtx(t)
		m, calls := b.tracedModel(t)
		if _, err := m.Deploy(ctx, charmDir(t, "suite-db"), &juju.DeployOptions{Name: "db"}); err != nil {
			t.Fatalf("Deploy: %v", err)
		}
		if _, err := m.Exec(ctx, "db/7", "true", nil); !errors.Is(err, juju.ErrNotFound) || !strings.Contains(err.Error(), `unit "db/7" not found`) {
			t.Errorf("Exec(db/7) = %s, want ErrNotFound", errCode(err))
		}
		if _, err := m.Exec(ctx, "9", "true", nil); !errors.Is(err, juju.ErrNotFound) || !strings.Contains(err.Error(), `machine "9" not found`) {
			t.Errorf("Exec(9) = %s, want ErrNotFound", errCode(err))
		}
		if _, err := m.ExecMany(ctx, juju.ExecTargets{Applications: []string{"nope"}}, "true", nil); !errors.Is(err, juju.ErrNotFound) {
			t.Errorf("Exec on application nope = %s, want ErrNotFound", errCode(err))
		}
		if _, err := m.Exec(ctx, "nope/leader", "true", nil); !errors.Is(err, juju.ErrNotFound) {
			t.Errorf("Exec(nope/leader) = %s, want ErrNotFound", errCode(err))
		}
		calls.expectNone(t, "bad exec input", func() {
			for _, tc := range []struct {
				t   juju.ExecTargets
				cmd string
			}{
				{juju.ExecTargets{Units: []string{"db/0"}}, ""},
				{juju.ExecTargets{}, "true"},
				{juju.ExecTargets{Units: []string{"db"}}, "true"},
				{juju.ExecTargets{Machines: []string{"x"}}, "true"},
			} {
				if _, err := m.ExecMany(ctx, tc.t, tc.cmd, nil); !errors.Is(err, juju.ErrInvalidInput) {
					t.Errorf("ExecMany(%+v, %q) = %v, want ErrInvalidInput", tc.t, tc.cmd, err)
				}
			}
		})
	})
}

// Unit.Info is "juju show-unit": the relations of the unit with the
// related units and the databags it can read. Without agents no unit is in
// scope and the databags are empty.
func TestUnitInfo(t *testing.T) {
	run(t, func(t *testing.T, b *bed) {
		ctx := testCtx(t)
		m := b.newModel(t)
		if _, err := m.Deploy(ctx, charmDir(t, "suite-db"), &juju.DeployOptions{Name: "db"}); err != nil {
			t.Fatalf("Deploy(db): %v", err)
		}
		if _, err := m.Deploy(ctx, charmDir(t, "suite-app"), &juju.DeployOptions{Name: "web"}); err != nil {
			t.Fatalf("Deploy(web): %v", err)
		}
		if _, err := m.Integrate(ctx, "web", "db", nil); err != nil {
			t.Fatalf("Integrate: %v", err)
		}
		if b.Agents {
			if _, err := m.WaitForIdle(ctx, &status.WaitForIdleOptions{IdlePeriod: -1}); err != nil {
				t.Fatalf("WaitForIdle: %v", err)
			}
		}
		info, err := m.Unit("web/0").Info(ctx)
		if err != nil {
			t.Fatalf("Info(web/0): %v", err)
		}
		if info.Name != "web/0" || info.Life != "alive" || info.Machine == "" || !strings.Contains(info.Charm, "suite-app") {
			t.Errorf("info = %+v", info)
		}
		rel := info.Relation("db")
		if rel == nil || rel.RelatedEndpoint != "db" || rel.CrossModel {
			t.Fatalf("relation db = %+v (relations %+v)", rel, info.Relations)
		}
		db0, ok := rel.RelatedUnits["db/0"]
		if !ok {
			t.Errorf("related units %+v lack db/0", rel.RelatedUnits)
		}
		if b.Agents && (!db0.InScope || db0.Data["private-address"] == "" || !rel.LocalUnit.InScope) {
			t.Errorf("with agents: %+v", rel)
		}
		if !b.Agents && (db0.InScope || len(db0.Data) != 0 || rel.LocalUnit.InScope || len(rel.ApplicationData) != 0) {
			t.Errorf("without agents: %+v", rel)
		}
		if _, err := m.Unit("db/7").Info(ctx); !errors.Is(err, juju.ErrNotFound) {
			t.Errorf("Info(db/7) = %s, want ErrNotFound", errCode(err))
		}
	})
}
