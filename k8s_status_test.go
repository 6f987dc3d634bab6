package juju

import (
	"strings"
	"testing"
	"time"

	"github.com/gojuju/juju/status"
)

// A Kubernetes application's status: its scale, provider id and service
// address; each pod's provider id and address; pods appear when the
// application scales up and terminate when it scales down.
func TestKubernetesStatusAndPods(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			_, m := k8sModel(t, v)
			ctx := testCtx(t)
			app, err := m.Deploy(ctx, "postgresql-k8s", &DeployOptions{NumUnits: 2})
			if err != nil {
				t.Fatal(err)
			}
			st, err := m.WaitForIdle(ctx, &status.WaitForIdleOptions{Apps: []string{"postgresql-k8s"}, Status: "active", IdlePeriod: 10 * time.Millisecond, Interval: 5 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			a := st.Applications["postgresql-k8s"]
			if a.Scale != 2 || a.ProviderID == "" || a.PublicAddress == "" || len(a.Units) != 2 {
				t.Errorf("application status %+v", a)
			}
			for name, u := range a.Units {
				if u.Address == "" || !strings.HasPrefix(u.ProviderID, "postgresql-k8s-") || u.Machine != "" {
					t.Errorf("unit %s: address %q provider id %q machine %q", name, u.Address, u.ProviderID, u.Machine)
				}
			}
			if len(st.Machines) != 0 {
				t.Errorf("machines in a Kubernetes model: %v", st.Machines)
			}
			if err := app.Scale(ctx, 4); err != nil {
				t.Fatal(err)
			}
			if _, err := m.Wait(ctx, status.All(status.AllActive("postgresql-k8s"), status.AllAgentsIdle("postgresql-k8s"), unitCount("postgresql-k8s", 4)), fastWait); err != nil {
				t.Fatal(err)
			}
			if err := app.Scale(ctx, 1); err != nil {
				t.Fatal(err)
			}
			st, err = m.Wait(ctx, status.All(unitCount("postgresql-k8s", 1), status.AllAgentsIdle("postgresql-k8s")), fastWait)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := st.Applications["postgresql-k8s"].Units["postgresql-k8s/0"]; !ok {
				t.Errorf("scaling down removed the first pod: %v", st.Applications["postgresql-k8s"].Units)
			}
		})
	}
}

var fastWait = &status.WaitOptions{Interval: 5 * time.Millisecond}

// unitCount is true when app has exactly n units.
func unitCount(app string, n int) status.Predicate {
	return status.Cond(app+" has the wanted unit count", func(s *status.Status) bool {
		a, ok := s.Applications[app]
		return ok && len(a.Units) == n
	})
}
