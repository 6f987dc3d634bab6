package apisuite_test

import (
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gojuju/juju"
	"github.com/gojuju/juju/status"
)

// charmArchive packs the test charm name into a .charm archive, as
// juju.PackCharm does for a charm author.
func charmArchive(t *testing.T, name string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), name+".charm")
	if _, err := juju.PackCharm(charmDir(t, name), out); err != nil {
		t.Fatal(err)
	}
	return out
}

// Deploy a local charm directory with config, constraints, base, storage
// and two units, and check what the controller made of it.
func TestDeployDirectory(t *testing.T) {
	run(t, func(t *testing.T, b *bed) {
		ctx := testCtx(t)
		m := b.newModel(t)
		app, err := m.Deploy(ctx, charmDir(t, "suite-store"), &juju.DeployOptions{
			Name:        "db",
			Base:        "ubuntu@24.04",
			NumUnits:    2,
			Config:      map[string]any{"greeting": "hi", "workers": 3},
			Constraints: juju.Constraints{Mem: 1024},
			Storage:     map[string]string{"data": b.storagePool(t, m) + ",1M"},
		})
		if err != nil {
			t.Fatalf("Deploy: %v", err)
		}
		info, err := app.Info(ctx)
		if err != nil {
			t.Fatalf("Info: %v", err)
		}
		if info.Charm != "suite-store" || !strings.HasPrefix(info.CharmURL, "local:suite-store-") || info.Base.String() != "ubuntu@24.04" || info.Life != "alive" {
			t.Errorf("info = %+v", info)
		}
		// The controller adds the architecture (amd64 by default).
		if info.Constraints.String() != "arch=amd64 mem=1G" {
			t.Errorf("constraints = %q", info.Constraints.String())
		}
		cfg, err := app.Config(ctx)
		if err != nil {
			t.Fatalf("Config: %v", err)
		}
		if v := cfg["greeting"]; v.Value != "hi" || v.Source != "user" || v.Default != "hello" || v.Type != "string" {
			t.Errorf("greeting = %+v", v)
		}
		if v := cfg["workers"]; v.Value != float64(3) && v.Value != 3 {
			t.Errorf("workers = %+v (%T)", v, v.Value)
		}
		st, err := m.Status(ctx, &status.Options{IncludeStorage: true})
		if err != nil {
			t.Fatalf("Status: %v", err)
		}
		as := st.Applications["db"]
		if as == nil || len(as.Units) != 2 {
			t.Fatalf("status has %+v", st.Applications)
		}
		// The channel as the library sent it, with its risk.
		if as.Base.Name != "ubuntu" || as.Base.Channel != "24.04/stable" {
			t.Errorf("status base = %#v", as.Base)
		}
		for name, u := range as.Units {
			if !b.Agents && (u.AgentStatus.Current != "allocating" || u.WorkloadStatus.Current != "waiting") {
				t.Errorf("unit %s without agents: agent %v, workload %v", name, u.AgentStatus, u.WorkloadStatus)
			}
		}
		if len(st.Machines) != 2 {
			t.Errorf("status has %d machines, want 2", len(st.Machines))
		}
		if b.StorageInstances && len(st.Storage) != 2 {
			t.Errorf("status has %d storage instances, want one per unit: %+v", len(st.Storage), st.Storage)
		}
	})
}

// Deploy a .charm archive, to an existing machine.
func TestDeployArchivePlacement(t *testing.T) {
	run(t, func(t *testing.T, b *bed) {
		ctx := testCtx(t)
		m := b.newModel(t)
		ids, err := m.AddMachines(ctx, 1, &juju.AddMachineOptions{Base: "ubuntu@22.04", Constraints: juju.Constraints{Cores: 2}})
		if err != nil {
			t.Fatalf("AddMachines: %v", err)
		}
		if len(ids) != 1 {
			t.Fatalf("AddMachines = %v", ids)
		}
		if _, err := m.Deploy(ctx, charmArchive(t, "suite-app"), &juju.DeployOptions{To: []string{ids[0]}}); err != nil {
			t.Fatalf("Deploy: %v", err)
		}
		st, err := m.Status(ctx, nil)
		if err != nil {
			t.Fatalf("Status: %v", err)
		}
		as := st.Applications["suite-app"]
		if as == nil || len(as.Units) != 1 {
			t.Fatalf("status has %+v", st.Applications)
		}
		for _, u := range as.Units {
			if u.Machine != ids[0] {
				t.Errorf("unit %s is on machine %q, want %q", u.Name, u.Machine, ids[0])
			}
		}
		ms := st.Machines[ids[0]]
		if ms == nil {
			t.Fatalf("no machine %s in status", ids[0])
		}
		if ms.Base.Channel != "22.04/stable" {
			t.Errorf("machine base = %#v", ms.Base)
		}
		if !b.Agents && ms.AgentStatus.Current != "pending" {
			t.Errorf("machine agent status without agents = %v", ms.AgentStatus)
		}
		// Machines: add one more and remove it (accepted; it stays dying
		// without agents).
		more, err := m.AddMachines(ctx, 1, nil)
		if err != nil {
			t.Fatalf("AddMachines: %v", err)
		}
		if err := m.RemoveMachines(ctx, more, nil); err != nil {
			t.Fatalf("RemoveMachines: %v", err)
		}
		st, _ = m.Status(ctx, nil)
		if ms := st.Machines[more[0]]; ms != nil && !b.RemovalsComplete && ms.AgentStatus.Life != "dying" && ms.AgentStatus.Life != "dead" {
			t.Errorf("removed machine %s: agent status %+v", more[0], ms.AgentStatus)
		}
	})
}

// Application flows on a deployed charm: config, constraints, trust,
// expose, units, relations, removal.
func TestApplicationFlows(t *testing.T) {
	run(t, func(t *testing.T, b *bed) {
		ctx := testCtx(t)
		m := b.newModel(t)
		db, err := m.Deploy(ctx, charmDir(t, "suite-db"), &juju.DeployOptions{Name: "db"})
		if err != nil {
			t.Fatalf("Deploy db: %v", err)
		}
		app, err := m.Deploy(ctx, charmDir(t, "suite-app"), &juju.DeployOptions{Name: "web"})
		if err != nil {
			t.Fatalf("Deploy web: %v", err)
		}

		// Config set/unset.
		if err := db.SetConfig(ctx, map[string]any{"greeting": "yo", "debug": true}); err != nil {
			t.Fatalf("SetConfig: %v", err)
		}
		cfg, _ := db.Config(ctx)
		if cfg["greeting"].Value != "yo" || cfg["debug"].Value != true {
			t.Errorf("after SetConfig: greeting %+v debug %+v", cfg["greeting"], cfg["debug"])
		}
		if err := db.UnsetConfig(ctx, "greeting"); err != nil {
			t.Fatalf("UnsetConfig: %v", err)
		}
		cfg, _ = db.Config(ctx)
		if v := cfg["greeting"]; v.Value != "hello" || v.Source != "default" {
			t.Errorf("after UnsetConfig: %+v", v)
		}
		if err := db.SetConfig(ctx, map[string]any{"workers": "many"}); !errors.Is(err, juju.ErrInvalidConfig) {
			t.Errorf("SetConfig(workers=many) = %v, want ErrInvalidConfig", err)
		}
		if err := db.SetConfig(ctx, map[string]any{"no-such-option": 1}); err == nil {
			t.Error("SetConfig(no-such-option) succeeded")
		}

		// Trust.
		if err := db.SetTrust(ctx, true); err != nil {
			t.Fatalf("SetTrust: %v", err)
		}
		cfg, _ = db.Config(ctx)
		if cfg["trust"].Value != true {
			t.Errorf("trust = %+v", cfg["trust"])
		}

		// Constraints.
		if err := db.SetConstraints(ctx, juju.Constraints{Cores: 4, Mem: 4 * 1024}); err != nil {
			t.Fatalf("SetConstraints: %v", err)
		}
		cons, err := db.Constraints(ctx)
		if err != nil {
			t.Fatalf("Constraints: %v", err)
		}
		if cons.String() != "cores=4 mem=4G" {
			t.Errorf("Constraints = %q", cons.String())
		}

		// Expose, on all endpoints and then on one with CIDRs; unexpose.
		if err := db.Expose(ctx, nil); err != nil {
			t.Fatalf("Expose: %v", err)
		}
		if err := db.Expose(ctx, &juju.ExposeOptions{Endpoints: []string{"db"}, CIDRs: []string{"10.0.0.0/8"}}); err != nil {
			t.Fatalf("Expose db: %v", err)
		}
		info, err := db.Info(ctx)
		if err != nil {
			t.Fatalf("Info: %v", err)
		}
		if !info.Exposed || !slices.Equal(info.ExposedEndpoints["db"].CIDRs, []string{"10.0.0.0/8"}) {
			t.Errorf("after Expose: exposed %v, endpoints %+v", info.Exposed, info.ExposedEndpoints)
		}
		if err := db.Unexpose(ctx); err != nil {
			t.Fatalf("Unexpose: %v", err)
		}
		if info, _ := db.Info(ctx); info != nil && info.Exposed {
			t.Errorf("after Unexpose: exposed %+v", info.ExposedEndpoints)
		}

		// Units.
		added, err := db.AddUnits(ctx, 2, nil)
		if err != nil {
			t.Fatalf("AddUnits: %v", err)
		}
		if !slices.Equal(added, []string{"db/1", "db/2"}) {
			t.Errorf("AddUnits = %v", added)
		}
		if err := m.RemoveUnits(ctx, []string{"db/2"}, nil); err != nil {
			t.Fatalf("RemoveUnits: %v", err)
		}
		st, err := m.Status(ctx, nil)
		if err != nil {
			t.Fatalf("Status: %v", err)
		}
		if u := st.Applications["db"].Units["db/2"]; u != nil && !b.RemovalsComplete && u.AgentStatus.Life != "dying" && u.WorkloadStatus.Life != "dying" {
			t.Errorf("removed unit db/2: %+v", u.AgentStatus)
		}

		// Relations.
		rel, err := m.Integrate(ctx, "web", "db", nil)
		if err != nil {
			t.Fatalf("Integrate: %v", err)
		}
		if len(rel.Endpoints) != 2 || rel.Endpoints[0].String() != "db:db" || rel.Endpoints[1].String() != "web:db" {
			t.Errorf("relation = %+v", rel.Endpoints)
		}
		if _, err := m.Integrate(ctx, "web", "db", nil); !errors.Is(err, juju.ErrAlreadyExists) {
			t.Errorf("Integrate again = %s, want ErrAlreadyExists", errCode(err))
		}
		st, _ = m.Status(ctx, nil)
		if !slices.Equal(st.Applications["web"].Relations["db"], []string{"db"}) {
			t.Errorf("web's relations = %v", st.Applications["web"].Relations)
		}
		if err := m.RemoveRelation(ctx, "web:db", "db:db", nil); err != nil {
			t.Fatalf("RemoveRelation: %v", err)
		}
		if err := app.Remove(ctx, nil); err != nil {
			t.Fatalf("Remove: %v", err)
		}
		st, _ = m.Status(ctx, nil)
		if as := st.Applications["web"]; as != nil && !b.RemovalsComplete && as.Life != "dying" {
			t.Errorf("removed application: life %q", as.Life)
		}
	})
}

// The controller's refusals map to our sentinels.
func TestApplicationServerErrors(t *testing.T) {
	run(t, func(t *testing.T, b *bed) {
		ctx := testCtx(t)
		m := b.newModel(t)
		if _, err := m.Deploy(ctx, charmDir(t, "suite-db"), &juju.DeployOptions{Name: "db"}); err != nil {
			t.Fatalf("Deploy: %v", err)
		}
		if _, err := m.Deploy(ctx, charmDir(t, "suite-db"), &juju.DeployOptions{Name: "db"}); !errors.Is(err, juju.ErrAlreadyExists) {
			t.Errorf("Deploy db again = %s, want ErrAlreadyExists", errCode(err))
		}
		ghost := m.Application("ghost")
		if _, err := ghost.Config(ctx); !errors.Is(err, juju.ErrNotFound) {
			t.Errorf("Config of a missing application = %v, want ErrNotFound", err)
		}
		if err := ghost.SetConstraints(ctx, juju.Constraints{Mem: 1024}); !errors.Is(err, juju.ErrNotFound) {
			t.Errorf("SetConstraints of a missing application = %v, want ErrNotFound", err)
		}
		if _, err := ghost.AddUnits(ctx, 1, nil); !errors.Is(err, juju.ErrNotFound) {
			t.Errorf("AddUnits to a missing application = %v, want ErrNotFound", err)
		}
		if _, err := m.Integrate(ctx, "db", "ghost", nil); !errors.Is(err, juju.ErrNotFound) {
			t.Errorf("Integrate with a missing application = %v, want ErrNotFound", err)
		}
		if _, err := m.Integrate(ctx, "db:nope", "db", nil); err == nil {
			t.Error("Integrate on a missing endpoint succeeded")
		}
		if err := m.RemoveRelation(ctx, "db", "db:cluster", nil); err == nil {
			t.Error("RemoveRelation of a missing relation succeeded")
		}
	})
}

// Bad deploy input is refused with a typed error before anything is sent;
// a series is refused on Juju 4 with the base to use.
func TestDeployBadInput(t *testing.T) {
	run(t, func(t *testing.T, b *bed) {
		ctx := testCtx(t)
		m, calls := b.tracedModel(t)
		// Connected and logged in before counting.
		if _, err := m.Status(ctx, nil); err != nil {
			t.Fatalf("Status: %v", err)
		}
		dir := charmDir(t, "suite-db")
		for _, tc := range []struct {
			name string
			opts *juju.DeployOptions
			err  error
		}{
			{"series", &juju.DeployOptions{Series: "jammy"}, juju.ErrSeriesNotSupported},
			{"base", &juju.DeployOptions{Base: "ubuntu22.04"}, juju.ErrInvalidBase},
			{"constraints", &juju.DeployOptions{Constraints: juju.Constraints{Arch: "i386"}}, juju.ErrInvalidConstraints},
			{"placement", &juju.DeployOptions{To: []string{"lxd:"}, NumUnits: 1}, juju.ErrInvalidPlacement},
			{"name", &juju.DeployOptions{Name: "Bad_Name"}, juju.ErrInvalidName},
			{"units", &juju.DeployOptions{NumUnits: -1}, juju.ErrInvalidArgument},
		} {
			calls.expectNone(t, tc.name, func() {
				_, err := m.Deploy(ctx, dir, tc.opts)
				if !errors.Is(err, tc.err) || !errors.Is(err, juju.ErrInvalidInput) {
					t.Errorf("%s: err = %v, want %v (and ErrInvalidInput)", tc.name, err, tc.err)
				}
				if tc.name == "series" && !strings.Contains(err.Error(), "ubuntu@22.04") {
					t.Errorf("series: %q does not name the base to use", err)
				}
			})
		}
	})
}
