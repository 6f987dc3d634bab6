package juju

import (
	"errors"
	"testing"
	"time"

	"github.com/gojuju/juju/status"
)

// Exec and SSH reach a Kubernetes unit itself (it has no machine).
func TestExecAndSSHOnKubernetes(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			parallel(t)
			srv := startSim(t, v)
			if err := srv.AddCloud("k8s", "kubernetes"); err != nil {
				t.Fatal(err)
			}
			c := connectSim(t, srv)
			ctx := testCtx(t)
			m, err := c.AddModel(ctx, "k", &AddModelOptions{Cloud: "k8s"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := m.Deploy(ctx, "postgresql-k8s", &DeployOptions{Name: "pg", NumUnits: 1}); err != nil {
				t.Fatal(err)
			}
			if _, err := m.WaitForIdle(ctx, &status.WaitForIdleOptions{Apps: []string{"pg"}, IdlePeriod: time.Millisecond}); err != nil {
				t.Fatal(err)
			}
			res, err := m.Exec(ctx, "pg/0", "hostname", nil)
			if err != nil || res.Stdout != "pg-0\n" || res.Unit != "pg/0" || res.Machine != "" {
				t.Fatalf("Exec = %+v, %v", res, err)
			}
			if _, err := m.ExecMany(ctx, ExecTargets{AllMachines: true}, "true", nil); !errors.Is(err, ErrInvalidArgument) {
				t.Errorf("all machines on k8s: %v", err)
			}
			r := record(c)
			expectNothingSent(t, r, func() {
				if _, err := m.SSH(ctx, "pg/0", nil); !errors.Is(err, ErrNotSupported) {
					t.Errorf("SSH to a Kubernetes unit: %v", err)
				}
			})
			if _, err := m.SSH(ctx, "0", nil); !errors.Is(err, ErrNotSupported) {
				t.Errorf("SSH to a machine on k8s: %v", err)
			}
		})
	}
}
