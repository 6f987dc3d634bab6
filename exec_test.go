package juju

import (
	"bufio"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gojuju/juju/internal/testshared"
	"github.com/gojuju/juju/jujusim"
	"github.com/gojuju/juju/status"
)

// wave2Request returns the params of the first request to method in a flow
// recorded against the real Juju 4.0 controller (conformance/juju-4.0-wave2).
func wave2Request(t *testing.T, flow, method string) json.RawMessage {
	t.Helper()
	path := filepath.Join(testshared.ConformanceWave2(t), flow+".jsonl")
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("skipping: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var rec struct {
			Kind, Dir string
			Msg       struct {
				Request string          `json:"request"`
				Params  json.RawMessage `json:"params"`
			} `json:"msg"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("cannot read %s: %v", path, err)
		}
		if rec.Kind == "ws-frame" && rec.Dir == "client->server" && rec.Msg.Request == method {
			return rec.Msg.Params
		}
	}
	t.Fatalf("no %s request in %s", method, path)
	return nil
}

// sameJSON fails unless a and b are the same JSON value.
func sameJSON(t *testing.T, what string, a, b []byte) {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	xb, _ := json.Marshal(x)
	yb, _ := json.Marshal(y)
	if string(xb) != string(yb) {
		t.Errorf("%s:\n got %s\nwant %s", what, xb, yb)
	}
}

// lastParams returns the JSON of the last facade.method request recorded.
func lastParams(t *testing.T, r *recorder, facade, method string) []byte {
	t.Helper()
	call, ok := r.last(facade, method)
	if !ok {
		t.Fatalf("no %s.%s sent", facade, method)
	}
	b, err := json.Marshal(call.Params)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestExecRequestsMatchRealCLI(t *testing.T) {
	parallel(t)
	srv, c, m := simModel(t, jujusim.Juju40)
	_ = srv
	r := record(c)
	ctx := testCtx(t)
	if _, err := m.Deploy(ctx, "postgresql", &DeployOptions{Name: "app", Base: "ubuntu@22.04", NumUnits: 2}); err != nil {
		t.Fatal(err)
	}
	opts := &ExecOptions{Timeout: 5 * time.Second}
	if _, err := m.Exec(ctx, "app/0", "hostname", opts); err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "exec --unit app/0", lastParams(t, r, "Action", "Run"), wave2Request(t, "exec-unit", "Run"))
	if _, err := m.Exec(ctx, "0", "ls", opts); err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "exec --machine 0", lastParams(t, r, "Action", "Run"), wave2Request(t, "exec-machine", "Run"))
	if _, err := m.ExecMany(ctx, ExecTargets{AllMachines: true}, "uptime", opts); err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "exec --all", lastParams(t, r, "Action", "RunOnAllMachines"), wave2Request(t, "exec-all", "RunOnAllMachines"))
	if _, err := m.StartExec(ctx, ExecTargets{Units: []string{"app/0"}}, "hostname", nil); err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "exec --background", lastParams(t, r, "Action", "Run"), wave2Request(t, "exec-background", "Run"))

	// The options the CLI did not use, as the schema spells them; the
	// controller echoes them in the tasks.
	yes := true
	res, err := m.Exec(ctx, "app/1", "true", &ExecOptions{Timeout: time.Second, Parallel: &yes, ExecutionGroup: "db"})
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "parallel and execution group", lastParams(t, r, "Action", "Run"),
		[]byte(`{"commands":"true","execution-group":"db","parallel":true,"timeout":1000000000,"units":["app/1"]}`))
	op, err := m.Operation(ctx, res.OperationID)
	if err != nil || len(op.Tasks) != 1 || op.Tasks[0].Parameters["timeout"] != float64(time.Second) {
		t.Errorf("operation %+v, %v", op, err)
	}
}

func TestExec(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			parallel(t)
			srv, c, m := simModel(t, v)
			r := record(c)
			ctx := testCtx(t)
			deployPG(t, m, 3)
			if _, err := m.WaitForIdle(ctx, &status.WaitForIdleOptions{Apps: []string{"pg"}, IdlePeriod: time.Millisecond}); err != nil {
				t.Fatal(err)
			}

			// The default handler answers common probes.
			res, err := m.Exec(ctx, "pg/0", "hostname", nil)
			if err != nil {
				t.Fatal(err)
			}
			if !res.Success() || res.Unit != "pg/0" || res.Machine != "" || res.Code != 0 || !strings.HasSuffix(res.Stdout, "\n") ||
				len(res.Stdout) < 2 || res.TaskID == "" || res.OperationID == "" || res.Completed.IsZero() || res.Status != ActionStatusCompleted {
				t.Errorf("hostname = %+v", res)
			}
			if b := lastParams(t, r, "Action", "Run"); string(b) != `{"commands":"hostname","timeout":300000000000,"units":["pg/0"]}` {
				t.Errorf("Run params %s", b)
			}
			op, err := m.Operation(ctx, res.OperationID)
			if err != nil || op.Summary != `exec "hostname"` || len(op.Tasks) != 1 || op.Tasks[0].Name != "juju-exec" ||
				op.Tasks[0].Parameters["command"] != "hostname" {
				t.Errorf("operation = %+v, %v", op, err)
			}

			// A handler per unit, per application and canned results.
			srv.SetExecHandler(m.UUID(), "pg/1", func(req jujusim.ExecRequest) jujusim.ExecResult {
				if req.Unit != "pg/1" || req.Application != "pg" || req.Machine == "" || req.Timeout != 7*time.Second {
					return jujusim.ExecResult{Code: 99, Stderr: "bad request"}
				}
				return jujusim.ExecResult{Code: 3, Stdout: "partial\n", Stderr: "psql: connection refused\n"}
			})
			srv.SetExecHandler(m.UUID(), "pg", func(req jujusim.ExecRequest) jujusim.ExecResult {
				return jujusim.ExecResult{Stdout: req.Unit + " ok\n"}
			})
			results, err := m.ExecMany(ctx, ExecTargets{Applications: []string{"pg"}}, "psql -c 'select 1'", &ExecOptions{Timeout: 7 * time.Second})
			if len(results) != 3 {
				t.Fatalf("ExecMany = %v, %v", results, err)
			}
			var ee *ExecError
			if !errors.Is(err, ErrExecFailed) || !errors.As(err, &ee) || ee.Result.Unit != "pg/1" || ee.Result.Code != 3 ||
				ee.Result.Stderr != "psql: connection refused\n" || ee.Result.Stdout != "partial\n" || ee.Result.Status != ActionStatusFailed {
				t.Fatalf("ExecMany error = %v (%+v)", err, ee)
			}
			if !strings.Contains(err.Error(), `exited with code 3: psql: connection refused`) {
				t.Errorf("error text %q", err)
			}
			for _, res := range results {
				if res.Unit != "pg/1" && (res.Stdout != res.Unit+" ok\n" || !res.Success()) {
					t.Errorf("result %+v", res)
				}
			}

			// The leader: the result names the unit.
			srv.SetExecHandler(m.UUID(), "pg", nil)
			srv.SetExecHandler(m.UUID(), "pg/1", nil)
			st, err := m.Status(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			leader := ""
			for name, u := range st.Applications["pg"].Units {
				if u.Leader {
					leader = name
				}
			}
			res, err = m.Exec(ctx, "pg/leader", "whoami", nil)
			if err != nil || res.Unit != leader || leader == "" || res.Stdout != "root\n" {
				t.Errorf("leader exec = %+v, %v (leader %q)", res, err, leader)
			}

			// Machines, one and all.
			res, err = m.Machine("0").Exec(ctx, "echo hi", nil)
			if err != nil || res.Machine != "0" || res.Unit != "" || res.Stdout != "hi\n" || res.Target() != "machine 0" {
				t.Errorf("machine exec = %+v, %v", res, err)
			}
			srv.SetExecHandler(m.UUID(), "2", func(req jujusim.ExecRequest) jujusim.ExecResult {
				return jujusim.ExecResult{Stdout: "machine " + req.Machine + "\n"}
			})
			all, err := m.ExecMany(ctx, ExecTargets{AllMachines: true}, "uptime", nil)
			if err != nil || len(all) != len(st.Machines) || len(all) < 3 {
				t.Fatalf("all machines = %v, %v (machines %d)", all, err, len(st.Machines))
			}
			for _, res := range all {
				want := "up 5 min"
				if res.Machine == "2" {
					want = "machine 2"
				}
				if !strings.Contains(res.Stdout, want) {
					t.Errorf("all machines: %+v", res)
				}
			}
			ops, _, err := m.Operations(ctx, &ListOperationsOptions{})
			if err != nil || len(ops) == 0 || len(ops[len(ops)-1].Tasks) != len(all) {
				t.Errorf("operations %v, %v", ops, err)
			}

			// A non-zero exit on one unit.
			res, err = m.Unit("pg/2").Exec(ctx, "false", nil)
			if !errors.As(err, &ee) || res == nil || res.Code != 1 || ee.Result != res || res.Message != "exit status 1" {
				t.Errorf("false = %+v, %v", res, err)
			}
			var oe *OperationError
			if !errors.As(err, &oe) || !strings.HasPrefix(err.Error(), `cannot exec "false" on "pg/2": command "false" on pg/2 exited with code 1`) {
				t.Errorf("error %q is not an operation error", err)
			}

			// The controller's timeout, as the agent enforces it.
			res, err = m.Exec(ctx, "pg/0", "sleep 30", &ExecOptions{Timeout: time.Second})
			if !errors.As(err, &ee) || res.Status != ActionStatusFailed || res.Message != "command timed out" {
				t.Errorf("sleep 30 = %+v, %v", res, err)
			}

			// Background: tasks to wait on.
			tasks, err := m.StartExec(ctx, ExecTargets{Units: []string{"pg/0", "pg/1"}}, "echo bg", nil)
			if err != nil || len(tasks) != 2 {
				t.Fatalf("StartExec = %v, %v", tasks, err)
			}
			for _, a := range tasks {
				ar, err := a.Wait(ctx)
				if err != nil || ar.ExecResult().Stdout != "bg\n" || ar.ExecResult().Unit != a.Unit() {
					t.Errorf("background task %s: %+v, %v", a.ID(), ar, err)
				}
			}

			// Behaviour's canned results.
			srv.SetBehaviour(m.UUID(), "pg", jujusim.Behaviour{ExecResults: map[string]jujusim.ExecResult{
				"systemctl is-active postgresql": {Code: 3, Stdout: "inactive\n"},
			}})
			res, err = m.Exec(ctx, "pg/0", " systemctl is-active postgresql ", nil)
			if !errors.Is(err, ErrExecFailed) || res.Stdout != "inactive\n" || res.Code != 3 {
				t.Errorf("canned = %+v, %v", res, err)
			}
		})
	}
}

func TestExecUnknownTargets(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			parallel(t)
			_, _, m := simModel(t, v)
			ctx := testCtx(t)
			deployPG(t, m, 1)
			_, err := m.Exec(ctx, "pg/7", "hostname", nil)
			if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), `unit "pg/7" not found`) {
				t.Errorf("unknown unit: %v", err)
			}
			_, err = m.Exec(ctx, "9", "hostname", nil)
			if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), `machine "9" not found`) {
				t.Errorf("unknown machine: %v", err)
			}
			// One known, one unknown: the known one still ran.
			_, err = m.ExecMany(ctx, ExecTargets{Units: []string{"pg/0", "pg/7"}}, "hostname", nil)
			if err == nil || !strings.Contains(err.Error(), "were enqueued on the other targets") {
				t.Errorf("mixed: %v", err)
			}
			_, err = m.ExecMany(ctx, ExecTargets{Applications: []string{"nope"}}, "hostname", nil)
			if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "no application found") {
				t.Errorf("unknown application: %v", err)
			}
			_, err = m.Exec(ctx, "nope/leader", "hostname", nil)
			if !errors.Is(err, ErrNotFound) {
				t.Errorf("leader of unknown application: %v", err)
			}
		})
	}
}

func TestExecTimeoutWhileTasksPending(t *testing.T) {
	parallel(t)
	srv, _, m := simModel(t, jujusim.Juju40)
	ctx := testCtx(t)
	deployPG(t, m, 1)
	if _, err := m.WaitForIdle(ctx, &status.WaitForIdleOptions{Apps: []string{"pg"}, IdlePeriod: time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	// The agent never picks the task up, as on a controller without agents.
	srv.SetBehaviour(m.UUID(), "pg", jujusim.Behaviour{Timing: &jujusim.Timing{Name: "stuck", Hook: time.Hour}})
	res, err := m.Exec(ctx, "pg/0", "hostname", &ExecOptions{Timeout: 100 * time.Millisecond})
	if !errors.Is(err, ErrExecTimeout) || errors.Is(err, ErrExecFailed) || res == nil || res.Status != ActionStatusPending || res.Unit != "pg/0" {
		t.Fatalf("Exec = %+v, %v", res, err)
	}
	if !strings.Contains(err.Error(), "from: pg/0") {
		t.Errorf("error %q does not name the target", err)
	}
}

func TestExecRefusesBadInput(t *testing.T) {
	parallel(t)
	srv, c, m := simModel(t, jujusim.Juju40)
	r := record(c)
	ctx := testCtx(t)
	if err := srv.AddCloud("k8s", "kubernetes"); err != nil {
		t.Fatal(err)
	}
	k8s, err := c.AddModel(ctx, "k", &AddModelOptions{Cloud: "k8s"})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		m    *Model
		t    ExecTargets
		cmd  string
		opts *ExecOptions
		kind error
	}{
		{"empty command", m, ExecTargets{Units: []string{"pg/0"}}, "  ", nil, ErrInvalidArgument},
		{"no targets", m, ExecTargets{}, "hostname", nil, ErrInvalidArgument},
		{"bad unit", m, ExecTargets{Units: []string{"pg"}}, "hostname", nil, ErrInvalidName},
		{"bad leader", m, ExecTargets{Units: []string{"Pg/leader"}}, "hostname", nil, ErrInvalidName},
		{"bad application", m, ExecTargets{Applications: []string{"pg/0"}}, "hostname", nil, ErrInvalidName},
		{"bad machine", m, ExecTargets{Machines: []string{"0/lxd"}}, "hostname", nil, ErrInvalidName},
		{"all and units", m, ExecTargets{AllMachines: true, Units: []string{"pg/0"}}, "hostname", nil, ErrInvalidArgument},
		{"negative timeout", m, ExecTargets{Units: []string{"pg/0"}}, "hostname", &ExecOptions{Timeout: -time.Second}, ErrInvalidArgument},
		{"machine on k8s", k8s, ExecTargets{Machines: []string{"0"}}, "hostname", nil, ErrInvalidArgument},
		{"all machines on k8s", k8s, ExecTargets{AllMachines: true}, "hostname", nil, ErrInvalidArgument},
	}
	for _, tc := range cases {
		expectNothingSent(t, r, func() {
			_, err := tc.m.ExecMany(ctx, tc.t, tc.cmd, tc.opts)
			if !errors.Is(err, tc.kind) || !errors.Is(err, ErrInvalidInput) {
				t.Errorf("%s: %v, want %v", tc.name, err, tc.kind)
			}
		})
	}
	expectNothingSent(t, r, func() {
		if _, err := m.Unit("0").Exec(ctx, "hostname", nil); !errors.Is(err, ErrInvalidName) {
			t.Errorf("Unit(0).Exec: %v", err)
		}
		if _, err := m.Machine("pg/0").Exec(ctx, "hostname", nil); !errors.Is(err, ErrInvalidName) {
			t.Errorf("Machine(pg/0).Exec: %v", err)
		}
	})
}

// Exec is a write whose outcome the model's state cannot answer (the
// tasks may have been enqueued): a connection that drops while Action.Run
// is in flight gives ErrOutcomeUnknown, and Run is not repeated.
func TestExecOutcomeUnknownAfterDrop(t *testing.T) {
	parallel(t)
	srv, c, m := simModel(t, jujusim.Juju40)
	ctx := testCtx(t)
	deployPG(t, m, 1)
	r := record(c)
	release := srv.Stall("Action", "Run")
	defer release()
	done := make(chan error, 1)
	go func() {
		_, err := m.Exec(ctx, "pg/0", "hostname", nil)
		done <- err
	}()
	for r.count() == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond) // let the request reach the stalled handler
	srv.DropConnections()
	err := <-done
	if !errors.Is(err, ErrOutcomeUnknown) || errors.Is(err, ErrNotSent) || IsRetryable(err) {
		t.Fatalf("exec whose connection dropped mid-call: %v, want ErrOutcomeUnknown", err)
	}
	if got := r.methods(0); len(got) != 1 || got[0] != "Action.Run" {
		t.Errorf("calls %v, want one Action.Run", got)
	}
}
