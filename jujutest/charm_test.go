package jujutest_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gojuju/juju"
	"github.com/gojuju/juju/jujutest"
	"github.com/gojuju/juju/status"
)

var tinyDB = filepath.Join("..", "testdata", "charms", "tiny-db")

// TestDeployCharmFromDirectory packs a charm source directory, deploys it
// and waits for it in one call, as a charm's own integration test would.
func TestDeployCharmFromDirectory(t *testing.T) {
	m := jujutest.NewModel(t, nil)
	app, st := jujutest.DeployCharm(t, m, tinyDB, &jujutest.DeployOptions{
		Deploy: &juju.DeployOptions{Name: "db", NumUnits: 2, Base: "ubuntu@24.04"},
	})
	if app.Name() != "db" {
		t.Errorf("application %q, want db", app.Name())
	}
	a := st.Applications["db"]
	if a == nil || len(a.Units) != 2 {
		t.Fatalf("status after DeployCharm: %+v", st.Applications)
	}
	for _, u := range a.UnitList() {
		if u.WorkloadStatus.Current != "active" || u.AgentStatus.Current != "idle" {
			t.Errorf("unit %s is %s/%s after DeployCharm", u.Name, u.WorkloadStatus.Current, u.AgentStatus.Current)
		}
	}
	if !strings.HasPrefix(a.Charm, "local:tiny-db") {
		t.Errorf("charm %q, want the local tiny-db", a.Charm)
	}
}

// TestPackCharm checks the archive PackCharm makes, and that it deploys.
func TestPackCharm(t *testing.T) {
	p := jujutest.PackCharm(t, tinyDB)
	if filepath.Base(p) != "tiny-db.charm" {
		t.Errorf("packed to %s, want tiny-db.charm", p)
	}
	m := jujutest.NewModel(t, nil)
	app, _ := jujutest.DeployCharm(t, m, p, &jujutest.DeployOptions{Deploy: &juju.DeployOptions{Base: "ubuntu@24.04"}})
	if app.Name() != "tiny-db" {
		t.Errorf("application %q", app.Name())
	}

	ft := &fatalTB{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		jujutest.PackCharm(ft, t.TempDir())
	}()
	<-done
	if !strings.Contains(ft.msg, "invalid charm") {
		t.Errorf("PackCharm of an empty directory: %q", ft.msg)
	}
}

// TestDeployCharmWaitFails checks that a wait that cannot succeed fails the
// test with the status it last saw.
func TestDeployCharmWaitFails(t *testing.T) {
	m := jujutest.NewModel(t, nil)
	ft := &fatalTB{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		jujutest.DeployCharm(ft, m, tinyDB, &jujutest.DeployOptions{
			Deploy: &juju.DeployOptions{Base: "ubuntu@24.04"},
			Wait:   &status.WaitForIdleOptions{Status: "blocked", Timeout: time.Second, Interval: 50 * time.Millisecond, IdlePeriod: -1},
		})
	}()
	<-done
	for _, want := range []string{"deployed tiny-db, but:", "the status the wait last saw:", "tiny-db/0*"} {
		if !strings.Contains(ft.msg, want) {
			t.Errorf("failure lacks %q:\n%s", want, ft.msg)
		}
	}
}
