package core

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gojuju/juju/internal/testshared"
)

func TestDefaultExec(t *testing.T) {
	unit := ExecRequest{Unit: "pg/0", Application: "pg", Machine: "0", Hostname: "juju-abc123-0", Timeout: 5 * time.Second}
	machine := ExecRequest{Machine: "0", Hostname: "juju-abc123-0"}
	cases := []struct {
		req  ExecRequest
		cmd  string
		want ExecResult
	}{
		{unit, "hostname", ExecResult{Stdout: "juju-abc123-0\n"}},
		{unit, " cat /etc/hostname ", ExecResult{Stdout: "juju-abc123-0\n"}},
		{unit, "whoami", ExecResult{Stdout: "root\n"}},
		{unit, "id -u", ExecResult{Stdout: "0\n"}},
		{unit, "true", ExecResult{}},
		{unit, "false", ExecResult{Code: 1}},
		{unit, "exit 3", ExecResult{Code: 3}},
		{unit, "exit 300", ExecResult{Code: 44}},
		{unit, "exit x", ExecResult{Code: 2, Stderr: "bash: line 1: exit: x: numeric argument required\n"}},
		{unit, "echo 'a  b'", ExecResult{Stdout: "a  b\n"}},
		{unit, "pwd", ExecResult{Stdout: "/var/lib/juju/agents/unit-pg-0/charm\n"}},
		{machine, "pwd", ExecResult{Stdout: "/\n"}},
		{unit, "sleep 1", ExecResult{}},
		{unit, "sleep 10", ExecResult{Fail: "command timed out"}},
		{machine, "sleep 10", ExecResult{}},
		{unit, "sleep x", ExecResult{Code: 1, Stderr: "sleep: invalid time interval 'x'\n"}},
		{unit, "frobnicate --all", ExecResult{}},
	}
	for _, tc := range cases {
		tc.req.Command = tc.cmd
		if got := DefaultExec(tc.req); got != tc.want {
			t.Errorf("%q on %q: got %+v, want %+v", tc.cmd, tc.req.Unit, got, tc.want)
		}
	}
}

func TestExecOutput(t *testing.T) {
	out, st, msg := execOutput(ExecResult{Code: 2, Stdout: "o", Stderr: "e"})
	if st != "failed" || msg != "exit status 2" || out["return-code"] != 2 || out["stdout"] != "o" || out["stderr"] != "e" {
		t.Errorf("exit 2: %v %q %q", out, st, msg)
	}
	out, st, msg = execOutput(ExecResult{Stdout: "o"})
	if _, ok := out["stderr"]; ok || st != "completed" || msg != "" || out["return-code"] != 0 || out["stdout"] != "o" {
		t.Errorf("exit 0: %v %q %q", out, st, msg)
	}
	out, st, msg = execOutput(ExecResult{Fail: "nope", Code: 3})
	if st != "failed" || msg != "nope" || len(out) != 0 {
		t.Errorf("fail: %v %q %q", out, st, msg)
	}
}

func TestValidMachineID(t *testing.T) {
	for id, want := range map[string]bool{"0": true, "12": true, "0/lxd/1": true, "01": false, "": false, "0/lxd": false, "a": false, "0//1": false} {
		if got := validMachineID(id); got != want {
			t.Errorf("validMachineID(%q) = %v", id, got)
		}
	}
}

// shapeOf replaces every scalar of a decoded JSON value by its kind, so
// that two replies can be compared without their IDs and times.
func shapeOf(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = shapeOf(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = shapeOf(e)
		}
		return out
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "bool"
	}
	return nil
}

// wave2Reply returns the reply to the first request to method in a flow
// recorded against the real Juju 4.0 controller.
func wave2Reply(t *testing.T, flow, method string) map[string]any {
	t.Helper()
	path := filepath.Join(testshared.ConformanceWave2(t), flow+".jsonl")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("skipping: %v", err)
	}
	id := -1.0
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var rec struct {
			Kind, Dir string
			Msg       map[string]any
		}
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatal(err)
		}
		if rec.Kind != "ws-frame" {
			continue
		}
		if rec.Dir == "client->server" && rec.Msg["request"] == method && id < 0 {
			id = rec.Msg["request-id"].(float64)
		}
		if rec.Dir == "server->client" && rec.Msg["request-id"] == id {
			return rec.Msg["response"].(map[string]any)
		}
	}
	t.Fatalf("no %s reply in %s", method, path)
	return nil
}

// TestExecRepliesHaveTheRealShape compares the simulator's replies to
// Action.Run, RunOnAllMachines, Actions and Operations for exec tasks with
// the real controller's (pending tasks, as the recorded controller ran no
// agents).
func TestExecRepliesHaveTheRealShape(t *testing.T) {
	s := newSim(t, Config{})
	m := s.c.DefaultModelUUID()
	ms := s.admin(m)
	deployHub(s, ms, "postgresql", "app", 2)
	run := s.mustCall(ms, "Action", 7, "Run", map[string]any{"commands": "hostname", "timeout": 5000000000, "units": []string{"app/0"}})
	tag := get(run, "actions", 0, "action", "tag")
	opTag := get(run, "operation")
	acts := s.mustCall(ms, "Action", 7, "Actions", map[string]any{"entities": []any{map[string]any{"tag": tag}}})
	ops := s.mustCall(ms, "Action", 7, "Operations", map[string]any{"entities": []any{map[string]any{"tag": opTag}}})
	all := s.mustCall(ms, "Action", 7, "RunOnAllMachines", map[string]any{"commands": "uptime", "timeout": 5000000000})
	for _, tc := range []struct {
		flow, method string
		got          map[string]any
	}{
		{"exec-unit", "Run", run},
		{"exec-unit", "Actions", acts},
		{"show-operation", "Operations", ops},
		{"exec-all", "RunOnAllMachines", all},
	} {
		want := shapeOf(wave2Reply(t, tc.flow, tc.method))
		if diff := cmp.Diff(want, shapeOf(tc.got)); diff != "" {
			t.Errorf("%s reply shape (-real +sim):\n%s", tc.method, diff)
		}
	}
	if get(acts, "results", 0, "action", "name") != "juju-exec" || get(acts, "results", 0, "action", "parameters", "command") != "hostname" ||
		get(run, "actions", 0, "action", "name") != "" || get(ops, "results", 0, "summary") != `exec "hostname"` {
		t.Errorf("Run = %v\nActions = %v\nOperations = %v", run, acts, ops)
	}
}

// A task waits for its target's agent: pending while the unit is still
// allocating, run once the agent is up.
func TestExecWaitsForTheAgent(t *testing.T) {
	s := newSim(t, Config{})
	m := s.c.DefaultModelUUID()
	ms := s.admin(m)
	deployHub(s, ms, "postgresql", "pg", 1)
	run := s.mustCall(ms, "Action", 7, "Run", map[string]any{"commands": "hostname", "timeout": 0, "units": []string{"pg/0"}})
	mrun := s.mustCall(ms, "Action", 7, "Run", map[string]any{"commands": "hostname", "timeout": 0, "machines": []string{"0"}})
	tags := []any{map[string]any{"tag": get(run, "actions", 0, "action", "tag")}, map[string]any{"tag": get(mrun, "actions", 0, "action", "tag")}}
	s.advance(Fast().Hook * 2)
	res := s.mustCall(ms, "Action", 7, "Actions", map[string]any{"entities": tags})
	if get(res, "results", 0, "status") != "pending" || get(res, "results", 1, "status") != "pending" {
		t.Fatalf("tasks ran before the agents were up: %v", res)
	}
	s.advance(10 * time.Second)
	res = s.mustCall(ms, "Action", 7, "Actions", map[string]any{"entities": tags})
	if get(res, "results", 0, "status") != "completed" || get(res, "results", 1, "status") != "completed" ||
		get(res, "results", 1, "output", "stdout") == nil {
		t.Fatalf("tasks after the agents came up: %v", res)
	}
}
