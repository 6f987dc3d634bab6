package juju

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gojuju/juju/internal/facades"
	"github.com/gojuju/juju/internal/facades/apiclient"
	"github.com/gojuju/juju/jujusim"
	"github.com/gojuju/juju/status"
)

// unitNames lists an application's units, in order.
func unitNames(t *testing.T, m *Model, app string) []string {
	t.Helper()
	conn, err := m.conn(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	units, err := m.unitsOf(testCtx(t), conn, app)
	if err != nil {
		t.Fatal(err)
	}
	return units
}

func TestApplicationUnits(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			parallel(t)
			_, c, m := simModel(t, v)
			ctx := testCtx(t)
			app, err := m.Deploy(ctx, "ubuntu", nil)
			if err != nil {
				t.Fatal(err)
			}
			units, err := app.AddUnits(ctx, 2, nil)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]string{"ubuntu/1", "ubuntu/2"}, units); diff != "" {
				t.Errorf("added units (-want +got):\n%s", diff)
			}
			ids, err := m.AddMachines(ctx, 1, nil)
			if err != nil || len(ids) != 1 {
				t.Fatalf("AddMachines = %v, %v", ids, err)
			}
			r := record(c)
			units, err = app.AddUnits(ctx, 2, &AddUnitsOptions{To: []string{ids[0], "lxd:" + ids[0]}})
			if err != nil {
				t.Fatal(err)
			}
			call, _ := r.last("Application", "AddUnits")
			b, _ := json.Marshal(call.Params)
			want := `{"application":"ubuntu","num-units":2,"placement":[{"directive":"` + ids[0] + `","scope":"#"},{"directive":"` + ids[0] + `","scope":"lxd"}]}`
			if string(b) != want {
				t.Errorf("AddUnits params\n got %s\nwant %s", b, want)
			}
			if len(units) != 2 {
				t.Errorf("units %v", units)
			}
			if diff := cmp.Diff([]string{"ubuntu/0", "ubuntu/1", "ubuntu/2", "ubuntu/3", "ubuntu/4"}, unitNames(t, m, "ubuntu")); diff != "" {
				t.Errorf("units (-want +got):\n%s", diff)
			}
			if err := m.RemoveUnits(ctx, []string{"ubuntu/3", "ubuntu/4"}, &RemoveOptions{Wait: true}); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]string{"ubuntu/0", "ubuntu/1", "ubuntu/2"}, unitNames(t, m, "ubuntu")); diff != "" {
				t.Errorf("units after removal (-want +got):\n%s", diff)
			}
			// Scale on a machine model adds or removes units.
			if err := app.Scale(ctx, 1); err != nil {
				t.Fatal(err)
			}
			if err := pollUntil(ctx, func() (bool, error) { return len(unitNames(t, m, "ubuntu")) == 1, nil }); err != nil {
				t.Fatal(err)
			}
			if err := app.Scale(ctx, 2); err != nil {
				t.Fatal(err)
			}
			if n := len(unitNames(t, m, "ubuntu")); n != 2 {
				t.Errorf("after scaling to 2: %d units", n)
			}
			leader, err := app.Leader(ctx)
			if err != nil || leader != "ubuntu/0" {
				t.Errorf("Leader = %q, %v", leader, err)
			}
			// Errors from the controller name what failed.
			_, err = m.Application("nosuch").AddUnits(ctx, 1, nil)
			if !errors.Is(err, ErrNotFound) || !strings.HasPrefix(err.Error(), `cannot add unit to "nosuch": `) {
				t.Errorf("AddUnits(nosuch) = %v", err)
			}
			err = m.RemoveUnits(ctx, []string{"ubuntu/99"}, nil)
			if !errors.Is(err, ErrNotFound) || !strings.HasPrefix(err.Error(), `cannot remove unit "ubuntu/99": `) {
				t.Errorf("RemoveUnits(ubuntu/99) = %v", err)
			}
			if err := app.Remove(ctx, &RemoveOptions{Wait: true}); err != nil {
				t.Fatal(err)
			}
			if apps := appNames(t, m); len(apps) != 0 {
				t.Errorf("apps after removal: %v", apps)
			}
			if _, err := app.Info(ctx); !errors.Is(err, ErrNotFound) {
				t.Errorf("Info of removed app: %v", err)
			}
		})
	}
}

func TestApplicationConfigConstraintsExpose(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			parallel(t)
			_, c, m := simModel(t, v)
			ctx := testCtx(t)
			app, err := m.Deploy(ctx, charmArchive(t, "tiny-db"), &DeployOptions{Name: "db"})
			if err != nil {
				t.Fatal(err)
			}
			r := record(c)
			if err := app.SetConfig(ctx, map[string]any{"greeting": "bonjour", "workers": 3, "debug": true, "ratio": 2}); err != nil {
				t.Fatal(err)
			}
			call, _ := r.last("Application", "SetConfigs")
			b, _ := json.Marshal(call.Params)
			want := `{"Args":[{"application":"db","config":{"debug":"true","greeting":"bonjour","ratio":"2","workers":"3"},"config-yaml":"","generation":""}]}`
			if string(b) != want {
				t.Errorf("SetConfigs params\n got %s\nwant %s", b, want)
			}
			cfg, err := app.Config(ctx)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]any{}
			for k, v := range cfg {
				got[k] = v.Value
			}
			if got["greeting"] != "bonjour" || got["debug"] != true || got["trust"] != false {
				t.Errorf("config %v", got)
			}
			// A type the charm does not declare is refused after reading
			// the charm's options, before anything changes.
			before := r.count()
			err = app.SetConfig(ctx, map[string]any{"workers": "many"})
			if !errors.Is(err, ErrInvalidConfig) || err.Error() != `cannot set config of application "db": invalid config value for "workers": option is an integer; got "many"` {
				t.Errorf("bad config: %v", err)
			}
			if diff := cmp.Diff([]string{"Application.Get"}, r.methods(before)); diff != "" {
				t.Errorf("calls for a refused config (-want +got):\n%s", diff)
			}
			if err := app.UnsetConfig(ctx, "greeting"); err != nil {
				t.Fatal(err)
			}
			cfg, _ = app.Config(ctx)
			if cfg["greeting"].Value != "hello" {
				t.Errorf("after unset: %+v", cfg["greeting"])
			}
			if err := app.SetTrust(ctx, true); err != nil {
				t.Fatal(err)
			}
			cfg, _ = app.Config(ctx)
			if cfg["trust"].Value != true {
				t.Errorf("trust: %+v", cfg["trust"])
			}
			if err := app.SetConstraints(ctx, Constraints{Cores: 4, Mem: 8 * 1024}); err != nil {
				t.Fatal(err)
			}
			cons, err := app.Constraints(ctx)
			if err != nil || cons.String() != "cores=4 mem=8G" {
				t.Errorf("constraints %q, %v", cons.String(), err)
			}
			if err := app.Expose(ctx, &ExposeOptions{Endpoints: []string{"db"}, CIDRs: []string{"10.0.0.0/8"}}); err != nil {
				t.Fatal(err)
			}
			call, _ = r.last("Application", "Expose")
			b, _ = json.Marshal(call.Params)
			if string(b) != `{"application":"db","exposed-endpoints":{"db":{"expose-to-cidrs":["10.0.0.0/8"]}}}` {
				t.Errorf("Expose params %s", b)
			}
			info, err := app.Info(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !info.Exposed || info.Charm != "tiny-db" {
				t.Errorf("info after expose %+v", info)
			}
			if err := app.Unexpose(ctx); err != nil {
				t.Fatal(err)
			}
			if info, _ := app.Info(ctx); info.Exposed {
				t.Errorf("still exposed")
			}
			ci, err := app.CharmInfo(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if ci.Config["workers"].Type != OptionInt || ci.Provides["db"].Interface != "tiny-db" {
				t.Errorf("charm info %+v", ci)
			}
		})
	}
}

func TestApplicationInputRefused(t *testing.T) {
	_, c, m := simModel(t, "")
	ctx := testCtx(t)
	if _, err := m.Deploy(ctx, "ubuntu", nil); err != nil {
		t.Fatal(err)
	}
	r := record(c)
	bad := m.Application("Bad")
	app := m.Application("ubuntu")
	one := time.Second
	tests := []struct {
		name  string
		f     func() error
		match error
		msg   string
	}{
		{"add units bad name", func() error { _, err := bad.AddUnits(ctx, 1, nil); return err }, ErrInvalidName, `cannot add unit to "Bad": invalid application name "Bad"`},
		{"add zero units", func() error { _, err := app.AddUnits(ctx, 0, nil); return err }, ErrInvalidArgument, `cannot add unit to "ubuntu": invalid number of units "0": must be at least 1`},
		{"add negative units", func() error { _, err := app.AddUnits(ctx, -1, nil); return err }, ErrInvalidArgument, `cannot add unit to "ubuntu": invalid number of units "-1"`},
		{"bad placement", func() error { _, err := app.AddUnits(ctx, 1, &AddUnitsOptions{To: []string{"lxd:"}}); return err }, ErrInvalidPlacement, `cannot add unit to "ubuntu": invalid placement "lxd:"`},
		{"negative scale", func() error { return app.Scale(ctx, -1) }, ErrInvalidArgument, `cannot scale "ubuntu": invalid scale "-1": must not be negative`},
		{"remove bad unit", func() error { return m.RemoveUnits(ctx, []string{"ubuntu"}, nil) }, ErrInvalidName, `cannot remove unit "ubuntu": invalid unit name "ubuntu"`},
		{"remove no units", func() error { return m.RemoveUnits(ctx, nil, nil) }, ErrInvalidArgument, `cannot remove unit: invalid units "": none given`},
		{"max-wait without force", func() error { return app.Remove(ctx, &RemoveOptions{MaxWait: &one}) }, ErrInvalidArgument, `cannot remove application "ubuntu": invalid option "MaxWait": needs Force`},
		{"remove bad app", func() error { return bad.Remove(ctx, nil) }, ErrInvalidName, `cannot remove application "Bad"`},
		{"config bad name", func() error { return bad.SetConfig(ctx, map[string]any{"a": "b"}) }, ErrInvalidName, `cannot set config of application "Bad"`},
		{"config empty key", func() error { return app.SetConfig(ctx, map[string]any{"": "b"}) }, ErrInvalidConfig, `cannot set config of application "ubuntu": invalid config key ""`},
		{"unset empty key", func() error { return app.UnsetConfig(ctx, "") }, ErrInvalidConfig, `cannot unset config of application "ubuntu": invalid config key ""`},
		{"bad constraints", func() error { return app.SetConstraints(ctx, Constraints{Arch: "i386"}) }, ErrInvalidConstraints, `cannot set constraints of application "ubuntu": invalid constraints "arch=i386"`},
		{"expose bad cidr", func() error { return app.Expose(ctx, &ExposeOptions{CIDRs: []string{"10.0.0.0"}}) }, ErrInvalidArgument, `cannot expose "ubuntu": invalid CIDR "10.0.0.0"`},
		{"expose bad endpoint", func() error { return app.Expose(ctx, &ExposeOptions{Endpoints: []string{"Web"}}) }, ErrInvalidEndpoint, `cannot expose "ubuntu": invalid endpoint "Web"`},
		{"unexpose bad endpoint", func() error { return app.Unexpose(ctx, "a b") }, ErrInvalidEndpoint, `cannot unexpose "ubuntu": invalid endpoint "a b"`},
		{"leader bad name", func() error { _, err := bad.Leader(ctx); return err }, ErrInvalidName, `cannot get leader of "Bad"`},
		{"refresh bad channel", func() error { return app.Refresh(ctx, &RefreshOptions{Channel: "14/unstable"}) }, ErrInvalidArgument, `cannot refresh "ubuntu": invalid channel "14/unstable"`},
		{"refresh bad base", func() error { return app.Refresh(ctx, &RefreshOptions{Base: "jammy"}) }, ErrInvalidBase, `cannot refresh "ubuntu": invalid base "jammy"`},
		{"integrate bad endpoint", func() error { _, err := m.Integrate(ctx, "ubuntu:", "x", nil); return err }, ErrInvalidEndpoint, `cannot integrate "ubuntu:" with "x": invalid relation endpoint "ubuntu:"`},
		{"integrate bad app", func() error { _, err := m.Integrate(ctx, "ubuntu", "X:db", nil); return err }, ErrInvalidEndpoint, `cannot integrate "ubuntu" with "X:db"`},
		{"remove relation bad", func() error { return m.RemoveRelation(ctx, "a:b:c", "x", nil) }, ErrInvalidEndpoint, `cannot remove relation "a:b:c" with "x"`},
		{"remove relation negative id", func() error { return m.RemoveRelationByID(ctx, -1, nil) }, ErrInvalidArgument, `cannot remove relation "-1"`},
		{"add no machines", func() error { _, err := m.AddMachines(ctx, 0, nil); return err }, ErrInvalidArgument, `cannot add machine to model "admin/default": invalid number of machines "0"`},
		{"add machine bad base", func() error { _, err := m.AddMachines(ctx, 1, &AddMachineOptions{Base: "ubuntu@22"}); return err }, ErrInvalidBase, `cannot add machine to model "admin/default": invalid base "ubuntu@22"`},
		{"add machine onto machine", func() error { _, err := m.AddMachines(ctx, 1, &AddMachineOptions{To: "0"}); return err }, ErrInvalidPlacement, `cannot add machine to model "admin/default": invalid placement "0": machine 0 exists already`},
		{"add machine bad disk", func() error {
			_, err := m.AddMachines(ctx, 1, &AddMachineOptions{Disks: []string{"x,y,z"}})
			return err
		}, ErrInvalidArgument, `cannot add machine to model "admin/default": invalid storage directive "x,y,z"`},
		{"add machine bad constraints", func() error {
			_, err := m.AddMachines(ctx, 1, &AddMachineOptions{Constraints: Constraints{Zones: []string{"a,b"}}})
			return err
		}, ErrInvalidConstraints, `cannot add machine to model "admin/default": invalid constraints "zones=a,b"`},
		{"remove bad machine", func() error { return m.RemoveMachines(ctx, []string{"0/lxd"}, nil) }, ErrInvalidName, `cannot remove machine "0/lxd": invalid machine id "0/lxd"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			expectNothingSent(t, r, func() {
				err := tt.f()
				if !errors.Is(err, tt.match) || !errors.Is(err, ErrInvalidInput) || !strings.HasPrefix(err.Error(), tt.msg) {
					t.Errorf("error:\n got %v\nwant prefix %s (matching %v)", err, tt.msg, tt.match)
				}
			})
		})
	}
	if diff := cmp.Diff([]string{"ubuntu/0"}, unitNames(t, m, "ubuntu")); diff != "" {
		t.Errorf("units changed (-want +got):\n%s", diff)
	}
}

func TestRelations(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			parallel(t)
			_, _, m := simModel(t, v)
			ctx := testCtx(t)
			if _, err := m.Deploy(ctx, charmArchive(t, "tiny-db"), nil); err != nil {
				t.Fatal(err)
			}
			if _, err := m.Deploy(ctx, charmArchive(t, "tiny-app"), nil); err != nil {
				t.Fatal(err)
			}
			rel, err := m.Integrate(ctx, "tiny-app", "tiny-db", nil)
			if err != nil {
				t.Fatal(err)
			}
			want := &Relation{Endpoints: []RelationEndpoint{
				{Application: "tiny-app", Name: "db", Role: "requirer", Interface: "tiny-db", Scope: "global"},
				{Application: "tiny-db", Name: "db", Role: "provider", Interface: "tiny-db", Scope: "global"},
			}}
			if diff := cmp.Diff(want, rel); diff != "" {
				t.Errorf("relation (-want +got):\n%s", diff)
			}
			if _, err := m.Integrate(ctx, "tiny-app:db", "tiny-db:db", nil); !errors.Is(err, ErrAlreadyExists) {
				t.Errorf("integrating twice: %v", err)
			}
			if err := m.RemoveRelation(ctx, "tiny-app:db", "tiny-db:db", nil); err != nil {
				t.Fatal(err)
			}
			if _, err := m.Integrate(ctx, "tiny-app", "nosuch", nil); !errors.Is(err, ErrNotFound) {
				t.Errorf("integrating with a missing app: %v", err)
			}
			if err := m.RemoveRelationByID(ctx, 999, nil); !errors.Is(err, ErrNotFound) {
				t.Errorf("removing relation 999: %v", err)
			}
			// Integrate again and remove the relation by the id status shows.
			if _, err := m.Integrate(ctx, "tiny-app", "tiny-db:db", nil); err != nil {
				t.Fatal(err)
			}
			ids := relationIDs(t, m)
			if len(ids) != 1 {
				t.Fatalf("relations %v", ids)
			}
			if err := m.RemoveRelationByID(ctx, ids[0], nil); err != nil {
				t.Fatal(err)
			}
			if err := pollUntil(ctx, func() (bool, error) { return len(relationIDs(t, m)) == 0, nil }); err != nil {
				t.Errorf("relation still there: %v", err)
			}
		})
	}
}

func TestMachines(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			parallel(t)
			_, c, m := simModel(t, v)
			ctx := testCtx(t)
			r := record(c)
			ids, err := m.AddMachines(ctx, 2, &AddMachineOptions{Base: "ubuntu@24.04", Constraints: Constraints{Mem: 4 * 1024}})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]string{"0", "1"}, ids); diff != "" {
				t.Errorf("machines (-want +got):\n%s", diff)
			}
			call, _ := r.last("MachineManager", "AddMachines")
			b, _ := json.Marshal(call.Params)
			if !strings.Contains(string(b), `"base":{"channel":"24.04","name":"ubuntu"}`) || !strings.Contains(string(b), `"constraints":{"mem":4096}`) || !strings.Contains(string(b), `"jobs":["JobHostUnits"]`) {
				t.Errorf("AddMachines params %s", b)
			}
			cids, err := m.AddMachines(ctx, 1, &AddMachineOptions{To: "lxd:0"})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]string{"0/lxd/0"}, cids); diff != "" {
				t.Errorf("container (-want +got):\n%s", diff)
			}
			if err := m.RemoveMachines(ctx, []string{"0/lxd/0", "1"}, &RemoveMachineOptions{Wait: true}); err != nil {
				t.Fatal(err)
			}
			if err := m.RemoveMachines(ctx, []string{"42"}, nil); !errors.Is(err, ErrNotFound) || !strings.HasPrefix(err.Error(), `cannot remove machine "42": `) {
				t.Errorf("removing machine 42: %v", err)
			}
		})
	}
}

func TestRefresh(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			parallel(t)
			_, c, m := simModel(t, v)
			ctx := testCtx(t)
			rev := 400
			app, err := m.Deploy(ctx, "postgresql", &DeployOptions{Channel: "14/stable", Revision: &rev})
			if err != nil {
				t.Fatal(err)
			}
			r := record(c)
			if err := app.Refresh(ctx, &RefreshOptions{Channel: "14/edge", Storage: map[string]string{"pgdata": "rootfs,1G"}}); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]string{"Application.GetCharmURLOrigin", "Charms.ResolveCharms", "Charms.AddCharm", "Application.SetCharm"}, r.methods(0)); diff != "" {
				t.Errorf("calls (-want +got):\n%s", diff)
			}
			call, _ := r.last("Application", "SetCharm")
			b, _ := json.Marshal(call.Params)
			key := "storage-constraints"
			if v == jujusim.Juju40 {
				key = "storage-directives"
			}
			if !strings.Contains(string(b), `"`+key+`":{"pgdata":{"pool":"rootfs","size":1024}}`) {
				t.Errorf("SetCharm params lack %s: %s", key, b)
			}
			info, err := app.Info(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if info.Channel != "14/edge" {
				t.Errorf("channel after refresh %q", info.Channel)
			}
			// A local charm.
			if _, err := m.Deploy(ctx, charmArchive(t, "tiny-db"), nil); err != nil {
				t.Fatal(err)
			}
			db := m.Application("tiny-db")
			if err := db.Refresh(ctx, nil); !errors.Is(err, ErrInvalidArgument) {
				t.Errorf("refreshing a local charm without a path: %v", err)
			}
			if err := db.Refresh(ctx, &RefreshOptions{Path: charmArchive(t, "tiny-db")}); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestSubordinate(t *testing.T) {
	_, c, m := simModel(t, "")
	ctx := testCtx(t)
	if _, err := m.Deploy(ctx, "ubuntu", nil); err != nil {
		t.Fatal(err)
	}
	r := record(c)
	ntp, err := m.Deploy(ctx, "ntp", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Integrate(ctx, "ntp", "ubuntu", nil); err != nil {
		t.Fatal(err)
	}
	info, err := ntp.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.Principal {
		t.Errorf("ntp is reported as a principal: %+v", info)
	}
	if got := r.methods(0); len(got) < 2 || got[0] != "Application.DeployFromRepository" {
		t.Errorf("calls %v", got)
	}
}

func TestAddModelOptions(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			srv := startSim(t, v)
			c := connectSim(t, srv)
			r := record(c)
			ctx := testCtx(t)
			if _, err := c.AddModel(ctx, "m2", &AddModelOptions{Cloud: "dummy", Region: "dummy-region", Credential: "default"}); err != nil {
				t.Fatal(err)
			}
			call, _ := r.last("ModelManager", "CreateModel")
			b, _ := json.Marshal(call.Params)
			want := `{"cloud-tag":"cloud-dummy","credential":"cloudcred-dummy_admin_default","name":"m2","qualifier":"admin","region":"dummy-region"}`
			if v == jujusim.Juju36 {
				want = `{"cloud-tag":"cloud-dummy","credential":"cloudcred-dummy_admin_default","name":"m2","owner-tag":"user-admin","region":"dummy-region"}`
			}
			if string(b) != want {
				t.Errorf("CreateModel params\n got %s\nwant %s", b, want)
			}
			if diff := cmp.Diff([]string{"ModelManager.CreateModel"}, r.methods(0)); diff != "" {
				t.Errorf("calls (-want +got):\n%s", diff)
			}
			info, err := c.ModelInfo(ctx, "admin/m2")
			if err != nil {
				t.Fatal(err)
			}
			if info.Region != "dummy-region" || info.Credential != "dummy/admin/default" || info.Qualifier != "admin" {
				t.Errorf("info %+v", info)
			}
			_, err = c.AddModel(ctx, "m3", &AddModelOptions{Cloud: "nosuch"})
			if !errors.Is(err, ErrNotFound) {
				t.Errorf("unknown cloud: %v", err)
			}
			// Destroy with options, without waiting.
			yes := true
			if err := c.DestroyModel(ctx, "m2", &DestroyModelOptions{DestroyStorage: &yes, NoWait: true}); err != nil {
				t.Fatal(err)
			}
			call, _ = r.last("ModelManager", "DestroyModels")
			b, _ = json.Marshal(call.Params)
			if !strings.Contains(string(b), `"destroy-storage":true`) {
				t.Errorf("DestroyModels params %s", b)
			}
		})
	}
}

// relationIDs lists the ids of the model's relations.
func relationIDs(t *testing.T, m *Model) []int {
	t.Helper()
	conn, err := m.conn(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	fs, err := apiclient.NewClientClient(conn).FullStatus(testCtx(t), facades.StatusParams{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []int
	for _, r := range fs.Relations {
		ids = append(ids, r.ID)
	}
	return ids
}

// TestRemoveThenWaitGone checks that a removal returns once accepted, that
// Wait with status.Gone returns once the application, its units and its relation
// are gone, and that RemoveOptions.Wait does the same for an application.
func TestRemoveThenWaitGone(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			parallel(t)
			_, m := slowSim(t, v, jujusim.Timing{Install: 10 * time.Millisecond, Hook: 10 * time.Millisecond, Removal: 300 * time.Millisecond})
			ctx := testCtx(t)
			if _, err := m.Deploy(ctx, "wordpress", nil); err != nil {
				t.Fatal(err)
			}
			if _, err := m.Deploy(ctx, "mysql", nil); err != nil {
				t.Fatal(err)
			}
			rel, err := m.Integrate(ctx, "wordpress:db", "mysql", nil)
			if err != nil {
				t.Fatal(err)
			}
			key := rel.Endpoints[0].String() + " " + rel.Endpoints[1].String()
			if err := m.Application("mysql").Remove(ctx, nil); err != nil {
				t.Fatal(err)
			}
			s, err := m.Status(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			if ok, _ := status.Gone("mysql")(s); ok {
				t.Fatal("mysql gone as soon as its removal was accepted; the test cannot tell whether Wait waits")
			}
			s, err = m.Wait(ctx, status.Gone("mysql", "mysql/0", key), nil)
			if err != nil {
				t.Fatalf("Wait(status.Gone): %v", err)
			}
			for _, r := range s.Relations {
				if r.Key == key {
					t.Errorf("after Wait(status.Gone): relation %q still there", key)
				}
			}
			if s.Applications["mysql"] != nil {
				t.Errorf("after Wait(status.Gone): mysql still there")
			}
			if err := m.Application("wordpress").Remove(ctx, &RemoveOptions{Wait: true}); err != nil {
				t.Fatalf("Remove(Wait): %v", err)
			}
			s, err = m.Status(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			if ok, still := status.Gone("wordpress", "wordpress/0")(s); !ok {
				t.Errorf("after Remove(Wait): %v", still)
			}
		})
	}
}

// Application.Remove must return the per-application error of
// DestroyApplication.
func TestRemoveApplicationBulkError(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			parallel(t)
			_, _, m := simModel(t, v)
			err := m.Application("nope").Remove(testCtx(t), nil)
			if !errors.Is(err, ErrNotFound) {
				t.Errorf("Remove of a missing application: err = %v, want ErrNotFound", err)
			}
		})
	}
}
