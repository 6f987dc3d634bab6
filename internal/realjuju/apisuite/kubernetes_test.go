package apisuite_test

import (
	"bytes"
	"crypto/sha512"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gojuju/juju"
	"github.com/gojuju/juju/internal/realjuju"
	"github.com/gojuju/juju/jujutest"
)

// k8sModel gives the test a fresh Kubernetes model on the bed: on the
// simulator's Kubernetes cloud, or on the Kubernetes cloud of a real
// server started with one (REALJUJU_K8S_CLOUD=1).
func (b *bed) k8sModel(t *testing.T) *juju.Model {
	t.Helper()
	opts := &jujutest.Options{Kubernetes: true}
	if b == realBed {
		srv := realjuju.SharedKubernetes(t)
		opts.Controller = &juju.Config{Controller: realjuju.ControllerName, JujuData: srv.JujuData}
		opts.DestroyNoWait = true
	}
	return jujutest.NewModel(t, opts)
}

func sha384(b []byte) []byte { s := sha512.Sum384(b); return s[:] }

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func resource(t *testing.T, app *juju.Application, name string) juju.Resource {
	t.Helper()
	rs, err := app.Resources(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("no resource %q in %+v", name, rs)
	return juju.Resource{}
}

// A Kubernetes charm deployed with an OCI image reference, its image
// replaced from a registry file with credentials, refreshed with new
// resources, scaled and trusted: "juju deploy --resource", "juju
// attach-resource", "juju refresh --resource", "juju scale-application"
// and "juju trust --scope=cluster".
func TestKubernetesCharm(t *testing.T) {
	run(t, func(t *testing.T, b *bed) {
		m := b.k8sModel(t)
		ctx := t.Context()
		if m.Type() != juju.ModelCAAS {
			t.Fatalf("model type %q", m.Type())
		}
		app, err := m.Deploy(ctx, charmDir(t, "suite-k8s"), &juju.DeployOptions{Resources: map[string]string{"app-image": "ubuntu:22.04"}})
		if err != nil {
			t.Fatal(err)
		}
		img := resource(t, app, "app-image")
		// The controller stores the image as its own document: 56 bytes
		// for "ubuntu:22.04" without credentials (resources-k8s.jsonl).
		if img.Type != juju.ResourceOCIImage || img.Origin != "upload" || (b.MixedResourceUploads && img.Size != 56) || img.Username != "admin" {
			t.Errorf("image resource after deploy: %+v", img)
		}
		info, err := app.CharmInfo(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if info.Containers["app"].Resource != "app-image" || info.Resources["conf"].Path != "conf.txt" || info.Resources["app-image"].Type != juju.ResourceOCIImage {
			t.Errorf("charm info: containers %+v resources %+v", info.Containers, info.Resources)
		}

		reg := writeFile(t, "reg.yaml", "registrypath: ghcr.io/gojuju/private:1.0\nusername: bot\npassword: hunter2-registry\n")
		if err := app.AttachResource(ctx, "app-image", reg); err != nil {
			t.Fatal(err)
		}
		if got := resource(t, app, "app-image"); bytes.Equal(got.Fingerprint, img.Fingerprint) || got.Size <= 56 {
			t.Errorf("image resource after attach: %+v", got)
		}
		conf := writeFile(t, "conf.txt", "answer: 42\n")
		if err := app.AttachResource(ctx, "conf", conf); err != nil {
			t.Fatal(err)
		}
		got := resource(t, app, "conf")
		if b.MixedResourceUploads && (got.Size != 11 || !bytes.Equal(got.Fingerprint, sha384([]byte("answer: 42\n")))) {
			t.Errorf("file resource after attach: %+v", got)
		}
		if got.Origin != "upload" || got.Username != "admin" {
			t.Errorf("file resource after attach: %+v", got)
		}
		attached := got.Timestamp

		conf2 := writeFile(t, "conf2.txt", "answer: 43, again\n")
		if err := app.Refresh(ctx, &juju.RefreshOptions{Path: charmDir(t, "suite-k8s"), Resources: map[string]string{"conf": conf2, "app-image": "ubuntu:24.04"}}); err != nil {
			t.Fatal(err)
		}
		got = resource(t, app, "conf")
		if b.MixedResourceUploads && (got.Size != 18 || !bytes.Equal(got.Fingerprint, sha384([]byte("answer: 43, again\n")))) {
			t.Errorf("file resource after refresh: %+v", got)
		}
		if !got.Timestamp.After(attached) {
			t.Errorf("file resource not replaced by the refresh: %+v", got)
		}
		if got := resource(t, app, "app-image"); b.MixedResourceUploads && got.Size != 56 {
			t.Errorf("image resource after refresh: %+v", got)
		}

		if err := app.Scale(ctx, 3); err != nil {
			t.Fatal(err)
		}
		st, err := m.Status(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if a := st.Applications[app.Name()]; a.Scale != 3 {
			t.Errorf("scale %d, want 3", a.Scale)
		}
		if _, err := app.AddUnits(ctx, 1, nil); err != nil {
			t.Fatal(err)
		}
		if st, err = m.Status(ctx, nil); err != nil {
			t.Fatal(err)
		}
		if a := st.Applications[app.Name()]; a.Scale != 4 {
			t.Errorf("scale after AddUnits(1) %d, want 4", a.Scale)
		}
		if err := app.SetTrust(ctx, true); err != nil {
			t.Fatal(err)
		}
		cfg, err := app.Config(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if v := cfg["trust"].Value; v != true {
			t.Errorf("trust = %v, want true", v)
		}
	})
}

// What the library refuses on a Kubernetes model or for a Kubernetes
// charm, before anything is sent, and what the controller refuses.
func TestKubernetesRefusals(t *testing.T) {
	run(t, func(t *testing.T, b *bed) {
		m := b.k8sModel(t)
		ctx := t.Context()
		_, err := m.Deploy(ctx, charmDir(t, "suite-k8s"), &juju.DeployOptions{Resources: map[string]string{"app-image": "Not An Image"}})
		if !errors.Is(err, juju.ErrInvalidResource) {
			t.Errorf("malformed image: %v", err)
		}
		_, err = m.Deploy(ctx, charmDir(t, "suite-k8s"), &juju.DeployOptions{Resources: map[string]string{"undeclared": "ubuntu"}})
		if !errors.Is(err, juju.ErrInvalidResource) {
			t.Errorf("undeclared resource: %v", err)
		}
		_, err = m.Deploy(ctx, charmDir(t, "suite-k8s"), &juju.DeployOptions{Resources: map[string]string{"conf": "ubuntu:22.04"}})
		if !errors.Is(err, juju.ErrInvalidResource) || !strings.Contains(err.Error(), "takes a file") {
			t.Errorf("image for a file resource: %v", err)
		}
		if _, err := m.AddMachines(ctx, 1, nil); !errors.Is(err, juju.ErrNotSupported) {
			t.Errorf("AddMachines on a Kubernetes model: %v", err)
		}
	})
}
