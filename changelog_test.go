package juju

import (
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestChangeLogRecordsMutatingCalls runs every operation that changes a
// model through the Model's API and checks which entries of the model's
// change log (the wait's transient-state guard) it moved: the applications
// the operation touches, "" for the whole model, none for an operation no
// agent reacts to. The entries are read from the calls' params by the
// connection's mutation hook, not placed by hand in each operation.
func TestChangeLogRecordsMutatingCalls(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			parallel(t)
			_, _, m := simModel(t, v)
			ctx := testCtx(t)
			keys := []string{"", "pg", "ubuntu", "ntp", "blog", "web"}
			log := m.ChangeLog()
			snapshot := func() map[string]time.Time {
				out := map[string]time.Time{}
				for _, k := range keys {
					out[k] = log.LastChange(k)
				}
				return out
			}
			var secret SecretURI
			steps := []struct {
				name string
				op   func() error
				want []string
			}{
				{"deploy", func() error { deployPG(t, m, 2); return nil }, []string{"pg"}},
				{"deploy with a name", func() error {
					_, err := m.Deploy(ctx, "wordpress", &DeployOptions{Name: "blog", Base: "ubuntu@22.04"})
					return err
				}, []string{"blog"}},
				{"deploy ubuntu", func() error { _, err := m.Deploy(ctx, "ubuntu", &DeployOptions{Base: "ubuntu@22.04"}); return err }, []string{"ubuntu"}},
				{"deploy ntp", func() error { _, err := m.Deploy(ctx, "ntp", &DeployOptions{Base: "ubuntu@22.04"}); return err }, []string{"ntp"}},
				{"add units", func() error { _, err := m.Application("pg").AddUnits(ctx, 1, nil); return err }, []string{"pg"}},
				{"set config", func() error { return m.Application("blog").SetConfig(ctx, map[string]any{"blog-name": "x"}) }, []string{"blog"}},
				{"unset config", func() error { return m.Application("blog").UnsetConfig(ctx, "blog-name") }, []string{"blog"}},
				{"set constraints", func() error { return m.Application("pg").SetConstraints(ctx, Constraints{Mem: 4 * 1024}) }, []string{"pg"}},
				{"expose", func() error { return m.Application("blog").Expose(ctx, nil) }, []string{"blog"}},
				{"unexpose", func() error { return m.Application("blog").Unexpose(ctx) }, []string{"blog"}},
				{"integrate", func() error { _, err := m.Integrate(ctx, "ntp:juju-info", "ubuntu:juju-info", nil); return err }, []string{"ntp", "ubuntu"}},
				{"remove relation", func() error { return m.RemoveRelation(ctx, "ntp:juju-info", "ubuntu:juju-info", nil) }, []string{"ntp", "ubuntu"}},
				{"run action", func() error { _, err := m.RunAction(ctx, "pg/0", "get-password", nil, nil); return err }, []string{"pg"}},
				{"remove unit", func() error { return m.RemoveUnits(ctx, []string{"pg/2"}, nil) }, []string{"pg"}},
				{"add secret (nobody granted: no agent reacts)", func() error {
					var err error
					secret, err = m.AddSecret(ctx, "creds", map[string]string{"token": "x"}, nil)
					return err
				}, nil},
				{"grant secret", func() error { return m.GrantSecret(ctx, secret.String(), "blog") }, []string{"blog"}},
				{"update secret", func() error { return m.UpdateSecret(ctx, secret.String(), map[string]string{"token": "y"}, nil) }, []string{""}},
				{"revoke secret", func() error { return m.RevokeSecret(ctx, secret.String(), "blog") }, []string{"blog"}},
				{"remove secret", func() error { return m.RemoveSecret(ctx, secret.String(), nil) }, []string{""}},
				{"add machine", func() error { _, err := m.AddMachines(ctx, 1, nil); return err }, []string{""}},
				{"model constraints (only new machines)", func() error { return m.SetConstraints(ctx, Constraints{Mem: 2 * 1024}) }, nil},
				{"raw Model.Call", func() error {
					return m.Call(ctx, "Application", "SetConfigs", "", map[string]any{
						"Args": []map[string]any{{"application": "pg", "config": map[string]string{"application-web": "unit-web-0"}}},
					}, nil)
				}, []string{"pg"}},
				{"remove application", func() error { return m.Application("blog").Remove(ctx, nil) }, []string{"blog"}},
			}
			for _, st := range steps {
				before := snapshot()
				if err := st.op(); err != nil {
					t.Fatalf("%s: %v", st.name, err)
				}
				after := snapshot()
				var moved []string
				for _, k := range keys {
					if !after[k].Equal(before[k]) {
						moved = append(moved, k)
					}
				}
				slices.Sort(moved)
				if diff := cmp.Diff(st.want, moved); diff != "" {
					t.Errorf("%s: change log entries moved (-want +got):\n%s", st.name, diff)
				}
			}
		})
	}
}

// TestChangedApplications checks how the applications a call touches are
// read from params of any shape, as Model.Call passes them.
func TestChangedApplications(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name           string
		facade, method string
		params         any
		want           []string
		touches        bool
	}{
		{"application key", "Application", "SetConfigs", map[string]any{"args": []any{map[string]any{"application": "pg", "config": map[string]any{"x": "application-nope"}}}}, []string{"pg"}, true},
		{"tags", "Application", "DestroyUnit", map[string]any{"units": []any{map[string]any{"unit-tag": "unit-pg-k8s-10"}}}, []string{"pg-k8s"}, true},
		{"unit names", "Action", "Run", map[string]any{"units": []string{"web/0", "pg/1"}, "commands": "unit-x-0"}, []string{"pg", "web"}, true},
		{"endpoints", "Application", "AddRelation", map[string]any{"endpoints": []string{"web:db", "pg"}}, []string{"pg", "web"}, true},
		{"application names", "Secrets", "GrantSecret", map[string]any{"uri": "secret:x", "applications": []string{"blog"}}, []string{"blog"}, true},
		{"nothing named: the whole model", "MachineManager", "AddMachines", map[string]any{"params": []any{map[string]any{"base": map[string]any{"name": "ubuntu"}}}}, nil, true},
		{"unreadable params: the whole model", "X", "Y", func() {}, nil, true},
		{"quiet method", "Secrets", "CreateSecrets", map[string]any{"args": []any{map[string]any{"owner-tag": "application-pg"}}}, nil, false},
		{"invalid names are ignored", "Application", "Expose", map[string]any{"application": "Not_Valid"}, nil, true},
	}
	for _, tt := range tests {
		apps, touches := changedApplications(tt.facade, tt.method, tt.params)
		if touches != tt.touches || !slices.Equal(apps, tt.want) {
			t.Errorf("%s: changedApplications = %v, %v; want %v, %v", tt.name, apps, touches, tt.want, tt.touches)
		}
	}
}
