package jujusim

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestParseBehaviourFile(t *testing.T) {
	f, err := ParseBehaviourFile([]byte(`applications:
  pg:
    status: blocked
    message: needs a client
    app-status: unknown
    fail-hook: install
    maintenance-for: 2s
    open-ports: [5432/tcp]
    timing: {hook: 1s, action: 500ms}
    exec:
      hostname: {stdout: "pg-0\n"}
      sleep 99: {fail: command timed out}
    actions:
      get-password: {status: failed, message: locked, output: {a: {b: 1}}, log: [one]}
    relation-app-data:
      database: {user: u}
  web: {}
`))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Behaviour{
		"pg": {
			Status: "blocked", Message: "needs a client", AppStatus: "unknown", FailHook: "install",
			MaintenanceFor: 2 * time.Second, OpenPorts: []string{"5432/tcp"},
			Timing:      &Timing{Name: "behaviour file", Hook: time.Second, Action: 500 * time.Millisecond},
			ExecResults: map[string]ExecResult{"hostname": {Stdout: "pg-0\n"}, "sleep 99": {Fail: "command timed out"}},
			ActionResults: map[string]ActionOutcome{"get-password": {Status: "failed", Message: "locked",
				Output: map[string]any{"a": map[string]any{"b": 1}}, Log: []string{"one"}}},
			RelationAppData: map[string]map[string]string{"database": {"user": "u"}},
		},
		"web": {},
	}
	if diff := cmp.Diff(want, f.Applications, cmpopts.IgnoreFields(Behaviour{}, "Exec")); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if f, err := ParseBehaviourFile(nil); err != nil || len(f.Applications) != 0 {
		t.Errorf("empty file: %v, %v", f, err)
	}
	if _, err := ParseBehaviourFile([]byte("applications:\n  pg:\n    timing: {hook: -1s}\n")); !errors.Is(err, ErrBadBehaviourFile) {
		t.Errorf("negative duration: %v", err)
	}
}
