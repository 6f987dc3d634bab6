package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gojuju/juju"
)

// gojuju sim --k8s-cloud registers a Kubernetes cloud that models can be
// added on, through the JUJU_DATA it writes.
func TestSimKubernetesCloud(t *testing.T) {
	dir := t.TempDir()
	out, _ := startSim(t, "--listen", "127.0.0.1:0", "--juju-data", dir, "--speed", "instant", "--k8s-cloud", "microk8s")
	if !strings.Contains(out.String(), `Kubernetes cloud "microk8s": juju add-model NAME microk8s`) {
		t.Errorf("output:\n%s", out)
	}
	ctx := t.Context()
	c, err := juju.Connect(ctx, juju.Config{JujuData: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	clouds, err := c.Clouds(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, cl := range clouds {
		names = append(names, cl.Name+"/"+cl.Type)
	}
	if strings.Join(names, " ") != "dummy/dummy microk8s/kubernetes" {
		t.Errorf("clouds %v", names)
	}
	m, err := c.AddModel(ctx, "k", &juju.AddModelOptions{Cloud: "microk8s"})
	if err != nil {
		t.Fatal(err)
	}
	if m.Type() != juju.ModelCAAS {
		t.Errorf("model type %q", m.Type())
	}
}

func TestSimKubernetesCloudClash(t *testing.T) {
	err := Run(t.Context(), []string{"sim", "--listen", "127.0.0.1:0", "--juju-data", t.TempDir(), "--k8s-cloud", "dummy"}, nil, &strings.Builder{}, &strings.Builder{})
	if err == nil || !strings.Contains(err.Error(), `cloud "dummy" already exists`) {
		t.Errorf("--k8s-cloud dummy: %v", err)
	}
}

// gojuju sim --charm adds a charm's real metadata to the simulated
// Charmhub; a path that is not a charm stops the start.
func TestSimCharmFlag(t *testing.T) {
	meta := filepath.Join(t.TempDir(), "metadata.yaml")
	if err := os.WriteFile(meta, []byte("name: my-real-charm\nsummary: s\nprovides:\n  api:\n    interface: my_api\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	startSim(t, "--listen", "127.0.0.1:0", "--juju-data", dir, "--speed", "instant", "--charm", meta)
	ctx := t.Context()
	m, err := juju.ConnectModel(ctx, juju.Config{JujuData: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	app, err := m.Deploy(ctx, "my-real-charm", nil)
	if err != nil {
		t.Fatal(err)
	}
	info, err := app.CharmInfo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.Provides["api"].Interface != "my_api" {
		t.Errorf("endpoints %+v", info.Provides)
	}
	err = Run(ctx, []string{"sim", "--listen", "127.0.0.1:0", "--juju-data", t.TempDir(), "--charm", filepath.Join(dir, "nope")}, nil, &strings.Builder{}, &strings.Builder{})
	if err == nil || !strings.Contains(err.Error(), "cannot add charm") {
		t.Errorf("--charm with a missing path: %v", err)
	}
}
