package cli

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	juju "github.com/gojuju/juju"
)

const testBehaviourFile = `applications:
  pg:
    status: blocked
    message: needs a client
    workload-version: "14.9"
    exec:
      hostname: {stdout: "pg-primary\n"}
      pg_isready: {code: 2, stderr: "no response\n"}
    actions:
      get-password: {output: {password: s3cr3t}}
    relation-unit-data:
      database-peers: {member: "yes"}
`

func TestSimBehaviourFile(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(t.TempDir(), "behaviour.yaml")
	if err := os.WriteFile(file, []byte(testBehaviourFile), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _ := startSim(t, "--listen", "127.0.0.1:0", "--juju-data", dir, "--speed", "instant", "--behaviour", file)
	if !strings.Contains(out.String(), "Behaviours from "+file+" for: pg") {
		t.Errorf("output does not list the behaviours:\n%s", out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	m, err := juju.ConnectModel(ctx, juju.Config{JujuData: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if _, err := m.Deploy(ctx, "postgresql", &juju.DeployOptions{Name: "pg", Base: "ubuntu@22.04"}); err != nil {
		t.Fatal(err)
	}
	res, err := m.Exec(ctx, "pg/0", "hostname", nil)
	if err != nil || res.Stdout != "pg-primary\n" {
		t.Errorf("hostname = %+v, %v", res, err)
	}
	res, err = m.Exec(ctx, "pg/0", "pg_isready", nil)
	if !errors.Is(err, juju.ErrExecFailed) || res.Code != 2 || res.Stderr != "no response\n" {
		t.Errorf("pg_isready = %+v, %v", res, err)
	}
	u, err := m.Unit("pg/0").Status(ctx)
	if err != nil || u.WorkloadStatus.Current != "blocked" || u.WorkloadStatus.Message != "needs a client" {
		t.Errorf("unit status %+v, %v", u, err)
	}
	a, err := m.RunAction(ctx, "pg/0", "get-password", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r, err := a.Wait(ctx); err != nil || r.Output["password"] != "s3cr3t" {
		t.Errorf("action = %+v, %v", r, err)
	}
	// The file applies to models created later too.
	m2, err := m.Controller().AddModel(ctx, "later", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m2.Deploy(ctx, "postgresql", &juju.DeployOptions{Name: "pg", Base: "ubuntu@22.04"}); err != nil {
		t.Fatal(err)
	}
	res, err = m2.Exec(ctx, "pg/0", "hostname", nil)
	if err != nil || res.Stdout != "pg-primary\n" {
		t.Errorf("hostname in a later model = %+v, %v", res, err)
	}
	info, err := m2.Unit("pg/0").Info(ctx)
	if err != nil || info.Relation("database-peers") == nil || info.Relation("database-peers").LocalUnit.Data["member"] != "yes" {
		t.Errorf("peer data in a later model = %+v, %v", info, err)
	}
}

func TestSimBehaviourFileRefused(t *testing.T) {
	for _, body := range []string{
		"applications:\n  pg:\n    statis: active\n",
		"applications:\n  pg:\n    status: happy\n",
		"applications:\n  pg:\n    flap: soon\n",
		"applications:\n  pg:\n    exec:\n      x: {code: 300}\n",
		"applications:\n  pg:\n    actions:\n      x: {status: done}\n",
		"- not a map\n",
	} {
		file := filepath.Join(t.TempDir(), "b.yaml")
		if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := parseSimFlags([]string{"--behaviour", file}, &strings.Builder{})
		if !errors.Is(err, ErrUsage) || !strings.Contains(err.Error(), "invalid behaviour file") {
			t.Errorf("%q: %v, want a usage error naming the file's problem", body, err)
		}
	}
	if _, err := parseSimFlags([]string{"--behaviour", filepath.Join(t.TempDir(), "missing.yaml")}, &strings.Builder{}); !errors.Is(err, ErrUsage) {
		t.Errorf("missing file: %v", err)
	}
}
