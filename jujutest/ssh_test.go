package jujutest_test

import (
	"testing"

	"github.com/gojuju/juju"
	"github.com/gojuju/juju/jujutest"
	"github.com/gojuju/juju/status"
)

func TestSSH(t *testing.T) {
	m := jujutest.NewModel(t, nil)
	ctx := t.Context()
	if _, err := m.Deploy(ctx, "postgresql", &juju.DeployOptions{Name: "pg"}); err != nil {
		t.Fatal(err)
	}
	if _, err := m.WaitForIdle(ctx, &status.WaitForIdleOptions{IdlePeriod: -1}); err != nil {
		t.Fatal(err)
	}
	sc := jujutest.SSH(t, m, "pg/0", nil)
	res, err := sc.Run(ctx, "whoami")
	if err != nil || res.Stdout != "root\n" {
		t.Errorf("Run = %+v, %v", res, err)
	}
	keys, err := m.SSHKeys(ctx)
	if err != nil || len(keys) != 1 || keys[0].Comment != "jujutest-TestSSH" {
		t.Errorf("keys %+v, %v", keys, err)
	}
}
