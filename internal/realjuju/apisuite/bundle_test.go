package apisuite_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gojuju/juju"
)

// suiteBundle is a bundle of the suite's charms, with a machine, placement,
// options, a relation and exposure.
const suiteBundle = `default-base: ubuntu@22.04
applications:
  db:
    charm: ./suite-db
    num_units: 2
    to: ["0"]
    options:
      greeting: hola
    expose: true
  web:
    charm: ./suite-app
    num_units: 1
machines:
  "0": {}
relations:
- [web:db, db:db]
`

// bundleFile writes the bundle next to copies of the suite's charms.
func bundleFile(t *testing.T, content string) string {
	t.Helper()
	dir := t.TempDir()
	for _, c := range []string{"suite-db", "suite-app"} {
		if out, err := exec.Command("cp", "-r", charmDir(t, c), filepath.Join(dir, c)).CombinedOutput(); err != nil {
			t.Fatalf("cp: %v %s", err, out)
		}
	}
	p := filepath.Join(dir, "bundle.yaml")
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// Deploy a bundle of local charms: the dry run changes nothing, the
// deployment makes what the bundle says, a second dry run and a diff find
// nothing more to do.
func TestDeployBundle(t *testing.T) {
	run(t, func(t *testing.T, b *bed) {
		ctx := testCtx(t)
		m := b.newModel(t)
		path := bundleFile(t, suiteBundle)
		dry, err := m.DeployBundle(ctx, path, &juju.BundleOptions{DryRun: true})
		if err != nil {
			t.Fatalf("dry run: %v", err)
		}
		if len(dry.Changes) != 10 || len(dry.Applied) != 0 {
			t.Fatalf("dry run: %d changes, %d applied", len(dry.Changes), len(dry.Applied))
		}
		st, err := m.Status(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(st.Applications) != 0 {
			t.Fatalf("the dry run deployed %v", st.Applications)
		}
		res, err := m.DeployBundle(ctx, path, nil)
		if err != nil {
			t.Fatalf("DeployBundle: %v", err)
		}
		if len(res.Applied) != len(res.Changes) {
			t.Errorf("applied %v of %d", res.Applied, len(res.Changes))
		}
		st, err = m.Status(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		db, web := st.Applications["db"], st.Applications["web"]
		if db == nil || web == nil || len(db.Units) != 2 || len(web.Units) != 1 || !db.Exposed {
			t.Fatalf("status: %+v", st.Applications)
		}
		if u := db.Units["db/0"]; u == nil || u.Machine != "0" {
			t.Errorf("db/0: %+v", u)
		}
		if len(st.Relations) != 2 { // db's peer relation and web:db
			t.Errorf("relations: %d", len(st.Relations))
		}
		cfg, err := m.Application("db").Config(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if cfg["greeting"].Value != "hola" {
			t.Errorf("greeting %+v", cfg["greeting"])
		}
		d, err := m.DiffBundle(ctx, path, nil)
		if err != nil {
			t.Fatalf("DiffBundle: %v", err)
		}
		// Peer relations are the charm's own, not the bundle's; the
		// machines made for units placed on "new" ones are the model's
		// only, as the juju CLI reports them.
		if len(d.Applications) != 0 || len(d.BundleOnly) != 0 || len(d.ModelOnly) != 0 || len(d.Machines) != 2 || d.Machines["1"] != "bundle" || d.Machines["2"] != "bundle" {
			t.Errorf("diff after deploy: %+v", d)
		}
		// A bundle with another option value and one more unit differs.
		d, err = m.DiffBundle(ctx, bundleFile(t, strings.Replace(strings.Replace(suiteBundle, "hola", "adios", 1), "num_units: 1", "num_units: 2", 1)), nil)
		if err != nil {
			t.Fatalf("DiffBundle: %v", err)
		}
		if ad := d.Applications["db"]; ad == nil || ad.Options["greeting"] != (juju.DiffPair{Bundle: "adios", Model: "hola"}) {
			t.Errorf("db diff: %+v", d.Applications["db"])
		}
		if ad := d.Applications["web"]; ad == nil || ad.NumUnits == nil || *ad.NumUnits != (juju.DiffPair{Bundle: 2, Model: 1}) {
			t.Errorf("web diff: %+v", d.Applications["web"])
		}
	})
}

// The controller's change list (Bundle.GetChangesMapArgs) for a Charmhub
// bundle: the same changes in the same order on both beds.
func TestBundleChanges(t *testing.T) {
	run(t, func(t *testing.T, b *bed) {
		ctx := testCtx(t)
		m := b.newModel(t)
		cs, err := m.BundleChanges(ctx, []byte(`default-base: ubuntu@22.04
applications:
  pg:
    charm: postgresql
    channel: 14/stable
    num_units: 2
  app:
    charm: wordpress
    num_units: 1
    expose: true
relations:
- [app:db, pg:db]
`))
		if err != nil {
			t.Fatalf("BundleChanges: %v", err)
		}
		var got []string
		for _, c := range cs {
			got = append(got, c.ID)
		}
		want := []string{"addCharm-0", "deploy-1", "expose-2", "addCharm-3", "deploy-4", "addRelation-5", "addUnit-6", "addUnit-7", "addUnit-8"}
		if !slices.Equal(got, want) {
			t.Errorf("changes %v, want %v", got, want)
		}
		_, err = m.BundleChanges(ctx, []byte("applications:\n  a:\n    charm: x\nrelations:\n- [a, b]\n"))
		if !errors.Is(err, juju.ErrInvalidBundle) {
			t.Errorf("bad bundle: %v", err)
		}
	})
}

// Juju 4.0 exports no bundles.
func TestExportBundle(t *testing.T) {
	run(t, func(t *testing.T, b *bed) {
		_, err := b.newModel(t).ExportBundle(testCtx(t))
		if !errors.Is(err, juju.ErrNotSupported) {
			t.Fatalf("ExportBundle: %v, want ErrNotSupported", err)
		}
	})
}

// Offers and exposed endpoints from an overlay, annotations, and a second
// model consuming the offer as a SAAS the bundle relates to.
func TestDeployBundleOffersAndSAAS(t *testing.T) {
	run(t, func(t *testing.T, b *bed) {
		ctx := testCtx(t)
		m := b.newModel(t)
		cm := b.newModel(t)
		p := bundleFile(t, `applications:
  db:
    charm: ./suite-db
    num_units: 1
    annotations: {gui-x: "10"}
---
applications:
  db:
    offers:
      dbo:
        endpoints: [db]
    exposed-endpoints:
      db:
        expose-to-cidrs: [10.0.0.0/8]
`)
		if _, err := m.DeployBundle(ctx, p, nil); err != nil {
			t.Fatalf("DeployBundle: %v", err)
		}
		offers, err := m.Offers(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(offers) != 1 || offers[0].Name != "dbo" {
			t.Errorf("offers %+v", offers)
		}
		st, err := m.Status(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if ee := st.Applications["db"].ExposedEndpoints["db"]; len(ee.ToCIDRs) != 1 || ee.ToCIDRs[0] != "10.0.0.0/8" {
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
		cp := bundleFile(t, "saas:\n  dbo:\n    url: "+m.QualifiedName()+".dbo\napplications:\n  web:\n    charm: ./suite-app\n    num_units: 1\nrelations:\n- [web:db, dbo]\n")
		if _, err := cm.DeployBundle(ctx, cp, nil); err != nil {
			t.Fatalf("DeployBundle with a SAAS: %v", err)
		}
		cst, err := cm.Status(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if cst.RemoteApplications["dbo"] == nil || len(cst.Relations) != 1 {
			t.Errorf("SAAS %v, %d relations", cst.RemoteApplications, len(cst.Relations))
		}
	})
}
