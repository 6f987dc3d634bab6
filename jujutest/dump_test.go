package jujutest_test

import (
	"context"
	"encoding/json"
	"github.com/gojuju/juju/status"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gojuju/juju"
	"github.com/gojuju/juju/jujutest"
)

// TestDumpOnFailure checks that a failed test's model is dumped to the
// directory GOJUJU_DUMP_DIR names: status, show-unit of every unit with its
// relation data, debug log; and that a passing test dumps nothing.
func TestDumpOnFailure(t *testing.T) {
	t.Setenv(jujutest.EnvController, "")
	t.Setenv(jujutest.EnvKeepModels, "")
	t.Setenv(jujutest.EnvModel, "")
	dir := t.TempDir()
	t.Setenv(jujutest.EnvDumpDir, dir)
	var name string
	rec := &recordingTB{}
	t.Run("failing", func(t *testing.T) {
		rec.TB = t
		rec.failed = true
		m := jujutest.NewModel(rec, &jujutest.Options{DebugLogLines: -1})
		name = m.Name()
		settle(t, m)
	})
	out := filepath.Join(dir, name)
	if !strings.Contains(rec.String(), "dumped model \"admin/"+name+"\" to "+out) {
		t.Errorf("log does not say where the dump is:\n%s", rec.String())
	}
	read := func(file string) string {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(out, file))
		if err != nil {
			t.Error(err)
		}
		return string(b)
	}
	if s := read("status.txt"); !strings.Contains(s, "ubuntu/0*") || !strings.Contains(s, "Model ") {
		t.Errorf("status.txt:\n%s", s)
	}
	if s := read("status.json"); !strings.Contains(s, `"ubuntu/0"`) {
		t.Errorf("status.json lacks the unit:\n%s", s)
	}
	var units map[string]juju.UnitInfo
	if err := json.Unmarshal([]byte(read("show-unit.json")), &units); err != nil {
		t.Fatal(err)
	}
	if u, ok := units["ubuntu/0"]; !ok || !u.Leader || u.Machine == "" {
		t.Errorf("show-unit.json: %+v", units)
	}
	if s := read("debug-log.txt"); !strings.Contains(s, "unit-ubuntu-0: ") {
		t.Errorf("debug-log.txt lacks the unit's lines:\n%s", s)
	}

	t.Run("passing", func(t *testing.T) {
		m := jujutest.NewModel(t, nil)
		name = m.Name()
	})
	if _, err := os.Stat(filepath.Join(dir, name)); !os.IsNotExist(err) {
		t.Errorf("a passing test was dumped: %v", err)
	}
}

// TestDumpOption checks Options.DumpDir, with relation data in the dump.
func TestDumpOption(t *testing.T) {
	t.Setenv(jujutest.EnvController, "")
	t.Setenv(jujutest.EnvDumpDir, "")
	t.Setenv(jujutest.EnvModel, "")
	dir := t.TempDir()
	var name string
	rec := &recordingTB{}
	t.Run("failing", func(t *testing.T) {
		rec.TB = t
		rec.failed = true
		m := jujutest.NewModel(rec, &jujutest.Options{DumpDir: dir, DebugLogLines: -1})
		name = m.Name()
		ctx := t.Context()
		if _, err := m.Deploy(ctx, "mysql", nil); err != nil {
			t.Fatal(err)
		}
		if _, err := m.Deploy(ctx, "wordpress", nil); err != nil {
			t.Fatal(err)
		}
		if _, err := m.Integrate(ctx, "wordpress:database", "mysql:database", nil); err != nil {
			t.Fatal(err)
		}
		settleAll(t, m)
	})
	b, err := os.ReadFile(filepath.Join(dir, name, "show-unit.json"))
	if err != nil {
		t.Fatal(err)
	}
	var units map[string]juju.UnitInfo
	if err := json.Unmarshal(b, &units); err != nil {
		t.Fatal(err)
	}
	wp, ok := units["wordpress/0"]
	if !ok {
		t.Fatalf("show-unit.json lacks wordpress/0:\n%s", b)
	}
	rel := wp.Relation("database")
	if rel == nil || len(rel.RelatedUnits) == 0 {
		t.Errorf("show-unit.json has no relation data for wordpress/0:\n%s", b)
	}
}

// settleAll waits until every application is active and idle.
func settleAll(t testing.TB, m *juju.Model) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	if _, err := m.WaitForIdle(ctx, &status.WaitForIdleOptions{Status: "active", IdlePeriod: -1, Interval: 50 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
}
