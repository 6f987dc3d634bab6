package juju

import (
	"encoding/base64"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// bundleDir copies the test charms next to a bundle file and returns the
// bundle's path.
func bundleDir(t *testing.T, bundleYAML string, extra map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for _, c := range []string{"tiny-db", "tiny-app"} {
		if out, err := exec.Command("cp", "-r", filepath.Join("testdata", "charms", c), filepath.Join(dir, c)).CombinedOutput(); err != nil {
			t.Fatalf("copy charm: %v %s", err, out)
		}
	}
	for name, content := range extra {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	p := filepath.Join(dir, "bundle.yaml")
	if err := os.WriteFile(p, []byte(bundleYAML), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const testBundle = `default-base: ubuntu@22.04
applications:
  db:
    charm: ./tiny-db
    num_units: 2
    to: ["0", "new"]
    options:
      greeting: hola
      workers: 4
    expose: true
  web:
    charm: ./tiny-app
    num_units: 1
machines:
  "0": {}
relations:
- - web:db
  - db:db
`

func descriptions(cs []BundleChange) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Description
	}
	return out
}

func TestDeployBundle(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			parallel(t)
			_, c, m := simModel(t, v)
			ctx := testCtx(t)
			path := bundleDir(t, testBundle, nil)
			r := record(c)
			dry, err := m.DeployBundle(ctx, path, &BundleOptions{DryRun: true})
			if err != nil {
				t.Fatal(err)
			}
			want := []string{
				"upload charm ./tiny-db for base ubuntu@22.04/stable",
				"deploy application db on ubuntu@22.04/stable",
				"expose all endpoints of db and allow access from CIDRs 0.0.0.0/0 and ::/0",
				"upload charm ./tiny-app for base ubuntu@22.04/stable",
				"deploy application web on ubuntu@22.04/stable",
				"add new machine 0",
				"add relation web:db - db:db",
				"add unit db/0 to new machine 0",
				"add unit db/1 to new machine 1",
				"add unit web/0 to new machine 2",
			}
			if diff := cmp.Diff(want, descriptions(dry.Changes)); diff != "" {
				t.Errorf("dry run (-want +got):\n%s", diff)
			}
			if len(dry.Applied) != 0 {
				t.Errorf("dry run applied %v", dry.Applied)
			}
			if diff := cmp.Diff([]string{"Client.FullStatus"}, r.methods(0)); diff != "" {
				t.Errorf("a dry run only reads (-want +got):\n%s", diff)
			}
			res, err := m.DeployBundle(ctx, path, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Applied) != len(want) {
				t.Errorf("applied %v", res.Applied)
			}
			st, err := m.Status(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(st.Applications["db"].Units) != 2 || len(st.Applications["web"].Units) != 1 {
				t.Errorf("units: db %d web %d", len(st.Applications["db"].Units), len(st.Applications["web"].Units))
			}
			if !st.Applications["db"].Exposed {
				t.Error("db not exposed")
			}
			if len(st.Relations) != 1 {
				t.Errorf("relations %d", len(st.Relations))
			}
			if u := st.Applications["db"].Units["db/0"]; u == nil || u.Machine != "0" {
				t.Errorf("db/0 not on machine 0: %+v", u)
			}
			cfg, err := m.Application("db").Config(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if cfg["greeting"].Value != "hola" {
				t.Errorf("greeting %v", cfg["greeting"].Value)
			}
			// Deployed again: nothing left to do but the bundle's machine.
			again, err := m.DeployBundle(ctx, path, &BundleOptions{DryRun: true})
			if err != nil {
				t.Fatal(err)
			}
			for _, ch := range again.Changes {
				if ch.Method != "addMachines" && ch.Method != "addUnit" {
					t.Errorf("second dry run: %s", ch.Description)
				}
			}
			d, err := m.DiffBundle(ctx, path, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(d.Applications) != 0 || len(d.BundleOnly) != 0 || len(d.ModelOnly) != 0 {
				t.Errorf("diff after deploy: %+v", d)
			}
			// A different bundle differs.
			other := bundleDir(t, strings.Replace(testBundle, "workers: 4", "workers: 5", 1), nil)
			d, err = m.DiffBundle(ctx, other, nil)
			if err != nil {
				t.Fatal(err)
			}
			if ad := d.Applications["db"]; ad == nil || ad.Options["workers"].Bundle != 5 {
				t.Errorf("diff: %+v", d.Applications["db"])
			}
		})
	}
}

func TestDeployBundleOverlays(t *testing.T) {
	_, _, m := simModel(t, simVersions[0])
	ctx := testCtx(t)
	bundleYAML := testBundle + `--- # overlay in the same file
applications:
  web:
`
	path := bundleDir(t, bundleYAML, map[string]string{
		"overlay.yaml": "applications:\n  db:\n    options:\n      greeting: include-file://greeting.txt\n      workers: 7\n",
		"greeting.txt": "salut",
	})
	res, err := m.DeployBundle(ctx, path, &BundleOptions{Overlays: []string{filepath.Join(filepath.Dir(path), "overlay.yaml")}})
	if err != nil {
		t.Fatal(err)
	}
	for _, ch := range res.Changes {
		if strings.Contains(ch.Description, "web") {
			t.Errorf("removed application still in the changes: %s", ch.Description)
		}
	}
	cfg, err := m.Application("db").Config(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if cfg["greeting"].Value != "salut" || cfg["workers"].Value != 7 && cfg["workers"].Value != int64(7) && cfg["workers"].Value != float64(7) {
		t.Errorf("config %v %v", cfg["greeting"].Value, cfg["workers"].Value)
	}
	// include-base64.
	p2 := bundleDir(t, "applications:\n  b64:\n    charm: ./tiny-db\n    num_units: 0\n    options:\n      greeting: include-base64://g.txt\n", map[string]string{"g.txt": "hi"})
	if _, err := m.DeployBundle(ctx, p2, nil); err != nil {
		t.Fatal(err)
	}
	cfg, err = m.Application("b64").Config(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if cfg["greeting"].Value != base64.StdEncoding.EncodeToString([]byte("hi")) {
		t.Errorf("base64 greeting %v", cfg["greeting"].Value)
	}
}

func TestDeployBundleRefusals(t *testing.T) {
	_, c, m := simModel(t, simVersions[0])
	ctx := testCtx(t)
	cases := []struct {
		name, yaml string
		overlay    string
		kind       error
		line       int
	}{
		{"not yaml", "applications: [\n", "", ErrInvalidBundle, 1},
		{"not a bundle", "foo: bar\n", "", ErrInvalidBundle, 1},
		{"no applications", "machines: {}\n", "", ErrInvalidBundle, 1},
		{"unknown field", "applications:\n  a:\n    charm: ./tiny-db\n    colour: red\n", "", ErrInvalidBundle, 4},
		{"missing local charm", "applications:\n  a:\n    charm: ./nope\n", "", ErrBundleCharm, 3},
		{"relation to unknown app", "applications:\n  a:\n    charm: ./tiny-db\nrelations:\n- [a:db, b:db]\n", "", ErrBundleUnknownApplication, 5},
		{"undeclared endpoint", "applications:\n  a:\n    charm: ./tiny-db\n  w:\n    charm: ./tiny-app\nrelations:\n- [a:nosuch, w:db]\n", "", ErrBundleUnknownEndpoint, 7},
		{"placement on undeclared machine", "applications:\n  a:\n    charm: ./tiny-db\n    num_units: 1\n    to: [\"3\"]\n", "", ErrBundlePlacement, 5},
		{"bad placement", "applications:\n  a:\n    charm: ./tiny-db\n    num_units: 1\n    to: [\"zone=x\"]\n", "", ErrBundlePlacement, 5},
		{"placement with unknown app", "applications:\n  a:\n    charm: ./tiny-db\n    num_units: 1\n    to: [\"other/0\"]\n", "", ErrBundleUnknownApplication, 5},
		{"overlay removes absent app", "applications:\n  a:\n    charm: ./tiny-db\n", "applications:\n  ghost:\n", ErrBundleOverlay, 2},
		{"missing include", "applications:\n  a:\n    charm: ./tiny-db\n    options:\n      greeting: include-file://nope.txt\n", "", ErrBundleInclude, 5},
		{"negative units", "applications:\n  a:\n    charm: ./tiny-db\n    num_units: -1\n", "", ErrInvalidBundle, 4},
		{"bad constraints", "applications:\n  a:\n    charm: ./tiny-db\n    constraints: mem=lots\n", "", ErrInvalidBundle, 2},
		{"bad machine base", "applications:\n  a:\n    charm: ./tiny-db\nmachines:\n  \"0\":\n    base: plan9\n", "", ErrInvalidBundle, 5},
		{"series", "series: jammy\napplications:\n  a:\n    charm: ./tiny-db\n", "", ErrInvalidBundle, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			extra := map[string]string{}
			var opts *BundleOptions
			if tc.overlay != "" {
				extra["ov.yaml"] = tc.overlay
			}
			path := bundleDir(t, tc.yaml, extra)
			if tc.overlay != "" {
				opts = &BundleOptions{Overlays: []string{filepath.Join(filepath.Dir(path), "ov.yaml")}}
			}
			r := record(c)
			_, err := m.DeployBundle(ctx, path, opts)
			if !errors.Is(err, tc.kind) || !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("err %v, want %v", err, tc.kind)
			}
			var be *BundleError
			if !errors.As(err, &be) || be.Line != tc.line {
				t.Errorf("error %v: line %d, want %d", err, be.Line, tc.line)
			}
			if !strings.HasSuffix(be.File, ".yaml") {
				t.Errorf("error names file %q", be.File)
			}
			if n := r.count(); n != 0 {
				t.Errorf("%d calls sent", n)
			}
		})
	}
}

func TestDeployBundleCharmhubName(t *testing.T) {
	_, c, m := simModel(t, simVersions[0])
	r := record(c)
	_, err := m.DeployBundle(testCtx(t), "kubeflow", nil)
	if !errors.Is(err, ErrNotSupported) || !errors.Is(err, ErrInvalidInput) || r.count() != 0 {
		t.Errorf("err %v, %d calls", err, r.count())
	}
	_, err = m.DeployBundle(testCtx(t), "./missing.yaml", nil)
	if !errors.Is(err, ErrInvalidBundle) {
		t.Errorf("missing file: %v", err)
	}
}

func TestDeployBundleFailsHalfway(t *testing.T) {
	_, _, m := simModel(t, simVersions[0])
	ctx := testCtx(t)
	// "web" is taken by an application of another charm: the bundle
	// deploys db and its units, then fails on web's relation.
	if _, err := m.Deploy(ctx, charmArchive(t, "tiny-db"), &DeployOptions{Name: "web", NumUnits: 1}); err != nil {
		t.Fatal(err)
	}
	path := bundleDir(t, testBundle, nil)
	_, err := m.DeployBundle(ctx, path, nil)
	var de *BundleDeployError
	if !errors.As(err, &de) {
		t.Fatalf("err %v, want a *BundleDeployError", err)
	}
	if de.Failed.Method != "addRelation" || de.Unknown {
		t.Errorf("failed %+v unknown %v", de.Failed, de.Unknown)
	}
	var ids []string
	for _, a := range de.Applied {
		ids = append(ids, a.Method)
	}
	if diff := cmp.Diff([]string{"addCharm", "deploy", "expose", "addMachines"}, ids); diff != "" {
		t.Errorf("applied (-want +got):\n%s", diff)
	}
	if !errors.Is(err, ErrRefused) {
		t.Errorf("err %v does not match ErrRefused", err)
	}
}

func TestExportBundle(t *testing.T) {
	_, _, m := simModel(t, simVersions[0])
	_, err := m.ExportBundle(testCtx(t))
	if !errors.Is(err, ErrNotSupported) || !errors.Is(err, ErrNotImplemented) {
		t.Fatalf("err %v, want ErrNotSupported", err)
	}
	if !strings.Contains(err.Error(), "Juju 4.0 doesn't support exporting bundles") {
		t.Errorf("err %v", err)
	}
	// Juju 3.6 exports; the export deploys again as the same model.
	_, _, m36 := simModel(t, simVersions[1])
	ctx := testCtx(t)
	if _, err := m36.DeployBundle(ctx, bundleDir(t, testBundle, nil), nil); err != nil {
		t.Fatal(err)
	}
	y, err := m36.ExportBundle(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"db:", "web:", "num_units: 2", "greeting: hola", "- web:db", "expose: true"} {
		if !strings.Contains(y, want) {
			t.Errorf("export lacks %q:\n%s", want, y)
		}
	}
}

func TestBundleChangesFromController(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			parallel(t)
			_, _, m := simModel(t, v)
			ctx := testCtx(t)
			cs, err := m.BundleChanges(ctx, []byte("applications:\n  pg:\n    charm: postgresql\n    channel: 14/stable\n    num_units: 1\n    base: ubuntu@22.04\n  app:\n    charm: tiny-app\n    num_units: 1\nrelations:\n- [app:db, pg:db]\n"))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range cs {
				got = append(got, c.ID)
			}
			want := []string{"addCharm-0", "deploy-1", "addCharm-2", "deploy-3", "addRelation-4", "addUnit-5", "addUnit-6"}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("changes (-want +got):\n%s", diff)
			}
			if cs[3].Args["charm"] != "$addCharm-2" || cs[3].Args["application"] != "pg" || cs[4].Args["endpoint2"] != "$deploy-3:db" {
				t.Errorf("args %v %v", cs[3].Args, cs[4].Args)
			}
			_, err = m.BundleChanges(ctx, []byte("applications:\n  a:\n    charm: x\nrelations:\n- [a, b]\n"))
			if !errors.Is(err, ErrInvalidBundle) || !strings.Contains(err.Error(), `application "b"`) {
				t.Errorf("err %v", err)
			}
		})
	}
}

// A lost reply in the middle of a bundle: a deployment's, a relation's
// and a unit's are resolved by reading the model (each made once, the
// deployment goes on).
func TestDeployBundleLostReplies(t *testing.T) {
	for _, method := range []string{"Deploy", "AddRelation", "AddUnits"} {
		t.Run(method, func(t *testing.T) {
			srv := startSim(t, simVersions[0])
			c := connectSim(t, srv)
			m := defaultModel(t, c)
			ctx := testCtx(t)
			facade := "Application"
			if method == "AddMachines" {
				facade = "MachineManager"
			}
			sent := dropReplyOf(c, srv, facade, method)
			res, err := m.DeployBundle(ctx, bundleDir(t, testBundle, nil), nil)
			if err != nil {
				t.Fatal(err)
			}
			if sent.Load() == 0 {
				t.Fatalf("%s never sent", method)
			}
			if len(res.Applied) != len(res.Changes) {
				t.Errorf("applied %d of %d", len(res.Applied), len(res.Changes))
			}
			st, err := m.Status(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(st.Applications["db"].Units) != 2 || len(st.Applications["web"].Units) != 1 || len(st.Relations) != 1 || len(st.Machines) != 3 {
				t.Errorf("after the lost reply: db %d units, web %d, %d relations, %d machines",
					len(st.Applications["db"].Units), len(st.Applications["web"].Units), len(st.Relations), len(st.Machines))
			}
		})
	}
}

// A lost AddMachines reply cannot be resolved (which machine is the
// bundle's is not in the model): the error says exactly what was applied
// and which change is unknown, and nothing after it was attempted.
func TestDeployBundleUnknownOutcome(t *testing.T) {
	srv := startSim(t, simVersions[0])
	c := connectSim(t, srv)
	m := defaultModel(t, c)
	ctx := testCtx(t)
	dropReplyOf(c, srv, "MachineManager", "AddMachines")
	_, err := m.DeployBundle(ctx, bundleDir(t, testBundle, nil), nil)
	var de *BundleDeployError
	if !errors.As(err, &de) || !de.Unknown || de.Failed.ID != "addMachines-5" || len(de.Applied) != 5 {
		t.Fatalf("err %v", err)
	}
	if !errors.Is(err, ErrOutcomeUnknown) {
		t.Errorf("err %v does not match ErrOutcomeUnknown", err)
	}
	st, err := m.Status(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Relations) != 0 || len(st.Applications["db"].Units) != 0 {
		t.Errorf("changes after the unknown one were made: %d relations, %d units", len(st.Relations), len(st.Applications["db"].Units))
	}
}

// A Charmhub bundle: channels, a pinned revision, a machine with a
// container on it, placement beside another application's unit, trust
// and constraints.
func TestDeployBundleCharmhub(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			parallel(t)
			_, _, m := simModel(t, v)
			ctx := testCtx(t)
			data := []byte(`default-base: ubuntu@22.04
applications:
  pg:
    charm: mysql
    channel: 8.0/stable
    revision: 313
    num_units: 2
    to: ["0", "lxd:0"]
    constraints: mem=2G
    trust: true
  wp:
    charm: wordpress
    num_units: 1
    to: ["pg/0"]
machines:
  "0":
    constraints: cores=2
relations:
- [wp:db, pg:mysql]
`)
			res, err := m.DeployBundleData(ctx, data, "", nil)
			if err != nil {
				t.Fatal(err)
			}
			want := []string{
				"upload charm mysql from charm-hub for base ubuntu@22.04/stable with channel 8.0/stable",
				"deploy application pg on ubuntu@22.04/stable with 8.0/stable",
				"upload charm wordpress from charm-hub for base ubuntu@22.04/stable",
				"deploy application wp on ubuntu@22.04/stable",
				"add new machine 0",
				"add relation wp:db - pg:mysql",
				"add unit pg/0 to new machine 0",
				"add lxd container on new machine 0",
				"add unit pg/1 to new lxd container on new machine 0",
				"add unit wp/0 to new machine 0",
			}
			if diff := cmp.Diff(want, descriptions(res.Changes)); diff != "" {
				t.Errorf("changes (-want +got):\n%s", diff)
			}
			st, err := m.Status(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			pg, wp := st.Applications["pg"], st.Applications["wp"]
			if pg == nil || wp == nil || len(pg.Units) != 2 || len(wp.Units) != 1 {
				t.Fatalf("status %+v", st.Applications)
			}
			if pg.CharmChannel != "8.0/stable" || pg.CharmRev != 313 {
				t.Errorf("pg channel %q", pg.CharmChannel)
			}
			if pg.Units["pg/0"].Machine != "0" || pg.Units["pg/1"].Machine != "0/lxd/0" || wp.Units["wp/0"].Machine != "0" {
				t.Errorf("machines: pg/0 %s pg/1 %s wp/0 %s", pg.Units["pg/0"].Machine, pg.Units["pg/1"].Machine, wp.Units["wp/0"].Machine)
			}
			cons, err := m.Application("pg").Constraints(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(cons.String(), "mem=2048M") && !strings.Contains(cons.String(), "mem=2G") {
				t.Errorf("pg constraints %s", cons)
			}
		})
	}
}

// Offers with an ACL and exposed endpoints (overlay only), annotations,
// and a SAAS the bundle consumes and relates to.
func TestDeployBundleOffersAndSAAS(t *testing.T) {
	_, c, m := simModel(t, simVersions[0])
	ctx := testCtx(t)
	if _, err := c.AddUser(ctx, "bob", nil); err != nil {
		t.Fatal(err)
	}
	data := []byte(`applications:
  db:
    charm: mysql
    num_units: 1
    annotations: {gui-x: "10"}
---
applications:
  db:
    offers:
      dbo:
        endpoints: [database]
        acl:
          bob: consume
    exposed-endpoints:
      database:
        expose-to-cidrs: [10.0.0.0/8]
`)
	if _, err := m.DeployBundleData(ctx, data, "", nil); err != nil {
		t.Fatal(err)
	}
	offers, err := m.Offers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(offers) != 1 || offers[0].Name != "dbo" {
		t.Fatalf("offers %+v", offers)
	}
	st, err := m.Status(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if ee := st.Applications["db"].ExposedEndpoints["database"]; len(ee.ToCIDRs) != 1 || ee.ToCIDRs[0] != "10.0.0.0/8" {
		t.Errorf("exposed endpoints %+v", st.Applications["db"].ExposedEndpoints)
	}
	var ann struct {
		Results []struct {
			Annotations map[string]string `json:"annotations"`
		} `json:"results"`
	}
	if err := m.Call(ctx, "Annotations", "Get", "", map[string]any{"entities": []map[string]string{{"tag": "application-db"}}}, &ann); err != nil {
		t.Fatal(err)
	}
	if len(ann.Results) != 1 || ann.Results[0].Annotations["gui-x"] != "10" {
		t.Errorf("annotations %+v", ann)
	}
	// Offers outside an overlay are refused, as the controller does.
	_, err = m.DeployBundleData(ctx, []byte("applications:\n  x:\n    charm: mysql\n    offers:\n      o:\n        endpoints: [database]\n"), "", nil)
	var be *BundleError
	if !errors.As(err, &be) || be.Line != 4 || !errors.Is(err, ErrInvalidBundle) {
		t.Errorf("offers outside an overlay: %v", err)
	}

	// Another model consumes the offer as a SAAS and relates to it.
	cm, err := c.AddModel(ctx, "cmr", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cm.Close() })
	res, err := cm.DeployBundleData(ctx, []byte("saas:\n  dbo:\n    url: "+m.QualifiedName()+".dbo\napplications:\n  wp:\n    charm: wordpress\n    num_units: 1\nrelations:\n- [wp:database, dbo]\n"), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	var methods []string
	for _, ch := range res.Changes {
		methods = append(methods, ch.Method)
	}
	if diff := cmp.Diff([]string{"addCharm", "deploy", "consumeOffer", "addRelation", "addUnit"}, methods); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	cst, err := cm.Status(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cst.RemoteApplications["dbo"] == nil || len(cst.Relations) != 1 {
		t.Errorf("SAAS %v, %d relations", cst.RemoteApplications, len(cst.Relations))
	}
}
