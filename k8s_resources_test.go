package juju

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gojuju/juju/internal/testshared"
	"github.com/google/go-cmp/cmp"
)

// k8sCharmDir writes a local Kubernetes charm directory like the recorded
// k8sapp.charm: a container "app" running the OCI image resource
// "app-image", plus a file resource "conf".
func k8sCharmDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "k8sapp")
	files := map[string]string{
		"metadata.yaml": "name: k8sapp\nsummary: tiny test charm\ndescription: tiny test charm\n" +
			"containers:\n  app:\n    resource: app-image\n" +
			"resources:\n  app-image:\n    type: oci-image\n    description: x\n  conf:\n    type: file\n    filename: conf.txt\n    description: a file\n",
		"manifest.yaml": "bases:\n  - name: ubuntu\n    channel: \"22.04\"\n    architectures: [amd64]\n",
		"dispatch":      "#!/bin/sh\n",
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestParseImageReference(t *testing.T) {
	good := []struct {
		in   string
		want ImageReference
	}{
		{"ubuntu", ImageReference{Path: "ubuntu"}},
		{"ubuntu:22.04", ImageReference{Path: "ubuntu", Tag: "22.04"}},
		{"ghcr.io/canonical/charmed-postgresql:14.11-22.04_edge", ImageReference{Domain: "ghcr.io", Path: "canonical/charmed-postgresql", Tag: "14.11-22.04_edge"}},
		{"localhost:32000/app@sha256:" + strings.Repeat("ab", 32), ImageReference{Domain: "localhost:32000", Path: "app", Digest: "sha256:" + strings.Repeat("ab", 32)}},
		{"localhost/a__b/c-d.e:v1@sha512:" + strings.Repeat("0", 128), ImageReference{Domain: "localhost", Path: "a__b/c-d.e", Tag: "v1", Digest: "sha512:" + strings.Repeat("0", 128)}},
		{"registry.jujucharms.com/charm/abc/postgresql-image@sha256:" + strings.Repeat("f", 64), ImageReference{Domain: "registry.jujucharms.com", Path: "charm/abc/postgresql-image", Digest: "sha256:" + strings.Repeat("f", 64)}},
	}
	for _, tt := range good {
		got, err := ParseImageReference(tt.in)
		if err != nil {
			t.Errorf("ParseImageReference(%q): %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseImageReference(%q) (-want +got):\n%s", tt.in, diff)
		}
		if got.String() != tt.in {
			t.Errorf("String() = %q, want %q", got.String(), tt.in)
		}
	}
	for _, in := range []string{"", "Ubuntu", "ubuntu:", "ubuntu:.x", "ubuntu@sha256:abc", "a//b", "/abs/path", "./file.txt", "a b", "-a", "a-", "bad_host_/x", "ubuntu:" + strings.Repeat("x", 129), strings.Repeat("a", 256)} {
		_, err := ParseImageReference(in)
		if !errors.Is(err, ErrInvalidResource) || !errors.Is(err, ErrInvalidInput) || !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("ParseImageReference(%q) = %v, want ErrInvalidResource", in, err)
		}
	}
}

func FuzzParseImageReference(f *testing.F) {
	for _, s := range []string{"ubuntu:22.04", "ghcr.io/a/b@sha256:" + strings.Repeat("ab", 32), "localhost:5000/x:y", "a//b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseImageReference(s)
		if err != nil {
			return
		}
		if r.String() != s {
			t.Errorf("String() = %q, input %q", r.String(), s)
		}
		if _, err := ParseImageReference(r.String()); err != nil {
			t.Errorf("reparse of %q: %v", r.String(), err)
		}
	})
}

// The content uploaded for an image reference is the juju CLI's, byte for
// byte: deploy-k8s-charm.jsonl records its length and SHA-384.
func TestOCIResourceUploadMatchesRecordedCLI(t *testing.T) {
	up, err := prepareResource("app-image", ResourceOCIImage, "ubuntu:22.04")
	if err != nil {
		t.Fatal(err)
	}
	if want := "registrypath: ubuntu:22.04\nusername: \"\"\npassword: \"\"\n"; string(up.data) != want {
		t.Errorf("upload content %q, want %q", up.data, want)
	}
	p := filepath.Join(testshared.ConformanceWave2(t), "deploy-k8s-charm.jsonl")
	f, err := os.Open(p)
	if err != nil {
		t.Skipf("no recorded traffic: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	found := false
	for sc.Scan() {
		var rec struct {
			Kind    string              `json:"kind"`
			Method  string              `json:"method"`
			Path    string              `json:"path"`
			Headers map[string][]string `json:"headers"`
		}
		if json.Unmarshal(sc.Bytes(), &rec) != nil || rec.Kind != "http-request" || !strings.Contains(rec.Path, "/resources/") {
			continue
		}
		found = true
		if got, want := rec.Headers["Content-Sha384"], fmtHex(sha384(up.data)); len(got) != 1 || got[0] != want {
			t.Errorf("recorded Content-Sha384 %v, ours %s", got, want)
		}
		if got := rec.Headers["Content-Length"]; len(got) != 1 || got[0] != "53" || len(up.data) != 53 {
			t.Errorf("recorded Content-Length %v, ours %d", got, len(up.data))
		}
		if got := rec.Headers["Content-Disposition"]; len(got) != 1 || got[0] != `form-data; filename="ubuntu:22.04"` {
			t.Errorf("recorded Content-Disposition %v", got)
		}
	}
	if !found {
		t.Error("no resource upload in the recorded traffic")
	}
}

func fmtHex(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}

// Deploying a local Kubernetes charm with an image reference, as
// "juju deploy ./k8sapp.charm --resource app-image=ubuntu:22.04": the
// calls and the stored resource are the real server's.
func TestDeployKubernetesCharmWithImage(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			c, m := k8sModel(t, v)
			ctx := testCtx(t)
			r := record(c)
			app, err := m.Deploy(ctx, k8sCharmDir(t), &DeployOptions{Resources: map[string]string{"app-image": "ubuntu:22.04"}})
			if err != nil {
				t.Fatal(err)
			}
			want := []string{"ModelConfig.GetModelConstraints", "ModelConfig.ModelGet", "Charms.CharmInfo", "Resources.AddPendingResources", "Application.Deploy"}
			if diff := cmp.Diff(want, r.methods(0)); diff != "" {
				t.Errorf("calls (-want +got):\n%s", diff)
			}
			add, _ := r.last("Resources", "AddPendingResources")
			b, _ := json.Marshal(add.Params)
			var sent struct {
				Resources []struct {
					Name, Type, Origin, Description string
				} `json:"resources"`
			}
			if err := json.Unmarshal(b, &sent); err != nil || len(sent.Resources) != 2 || sent.Resources[0].Name != "app-image" ||
				sent.Resources[0].Type != "oci-image" || sent.Resources[0].Origin != "upload" || sent.Resources[0].Description != "x" ||
				sent.Resources[1].Name != "conf" || sent.Resources[1].Origin != "store" {
				t.Errorf("AddPendingResources params %s", b)
			}
			rs, err := app.Resources(ctx)
			if err != nil {
				t.Fatal(err)
			}
			stored := []byte(`{"ImageName":"ubuntu:22.04","Username":"","Password":""}`)
			var img *Resource
			for i := range rs {
				if rs[i].Name == "app-image" {
					img = &rs[i]
				}
			}
			// The size the real server reports (resources-k8s.jsonl: 56).
			if img == nil || img.Type != "oci-image" || img.Origin != "upload" || img.Size != 56 || !bytes.Equal(img.Fingerprint, sha384(stored)) || img.Username != "admin" {
				t.Errorf("image resource %+v", img)
			}
			info, err := app.CharmInfo(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got := info.Containers["app"].Resource; got != "app-image" || info.Resources["app-image"].Type != ResourceOCIImage || info.Resources["conf"].Path != "conf.txt" {
				t.Errorf("CharmInfo containers %v resources %v", info.Containers, info.Resources)
			}
		})
	}
}

// A registry file with credentials: the upload carries them, but no log
// line and no error ever shows the password.
func TestDeployImageRegistryFileKeepsCredentialsSecret(t *testing.T) {
	const password = "s3cr3t-registry-pass"
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			srv := startSim(t, v)
			if err := srv.AddCloud("k8s", "kubernetes"); err != nil {
				t.Fatal(err)
			}
			var logs bytes.Buffer
			cfg := simConfig(srv)
			cfg.Logger = newTestLogger(&logs)
			c, err := Connect(testCtx(t), cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			ctx := testCtx(t)
			m, err := c.AddModel(ctx, "k", &AddModelOptions{Cloud: "k8s"})
			if err != nil {
				t.Fatal(err)
			}
			yamlFile := tempFile(t, "reg.yaml", []byte("registrypath: ghcr.io/me/private:1.0\nusername: me\npassword: "+password+"\n"))
			jsonFile := tempFile(t, "reg.json", []byte(`{"registrypath":"ghcr.io/me/private:1.0","username":"me","password":"`+password+`"}`))
			app, err := m.Deploy(ctx, k8sCharmDir(t), &DeployOptions{Resources: map[string]string{"app-image": yamlFile}})
			if err != nil {
				t.Fatal(err)
			}
			rs, err := app.Resources(ctx)
			if err != nil {
				t.Fatal(err)
			}
			stored := []byte(`{"ImageName":"ghcr.io/me/private:1.0","Username":"me","Password":"` + password + `"}`)
			if len(rs) == 0 || rs[0].Name != "app-image" || !bytes.Equal(rs[0].Fingerprint, sha384(stored)) {
				t.Errorf("resources %+v", rs)
			}
			if err := app.AttachResource(ctx, "app-image", jsonFile); err != nil {
				t.Fatal(err)
			}
			// A broken registry file: the error names the file, not its content.
			broken := tempFile(t, "broken.yaml", []byte("registrypath: [\npassword: "+password+"\n"))
			err = app.AttachResource(ctx, "app-image", broken)
			if !errors.Is(err, ErrInvalidResource) || strings.Contains(err.Error(), password) {
				t.Errorf("broken registry file: %v", err)
			}
			if strings.Contains(logs.String(), password) {
				t.Errorf("the password reached the log:\n%s", logs.String())
			}
			if logs.Len() == 0 {
				t.Error("nothing was logged at all: the check above proves nothing")
			}
		})
	}
}

// Bad resource input is refused before anything is sent.
func TestKubernetesResourcesRefuseBadInput(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			c, m := k8sModel(t, v)
			ctx := testCtx(t)
			r := record(c)
			dir := k8sCharmDir(t)
			conf := tempFile(t, "conf.txt", []byte("x"))
			noRegistry := tempFile(t, "reg.yaml", []byte("username: me\npassword: p\n"))
			unreadable := tempFile(t, "unreadable.yaml", []byte("registrypath: a\n"))
			if err := os.Chmod(unreadable, 0); err != nil {
				t.Fatal(err)
			}
			tests := []struct {
				name string
				res  map[string]string
				msg  string
			}{
				{"malformed image", map[string]string{"app-image": "Ubuntu:22.04"}, `invalid resource "app-image": "Ubuntu:22.04" is neither a revision number, a readable file nor a valid image reference`},
				{"bad digest", map[string]string{"app-image": "ubuntu@sha256:12"}, `invalid resource "app-image": "ubuntu@sha256:12" is neither a revision number, a readable file nor a valid image reference`},
				{"registry file without path", map[string]string{"app-image": noRegistry}, `has no registrypath`},
				{"undeclared", map[string]string{"nope": "ubuntu"}, `invalid resource "nope": the charm declares no such resource`},
				{"image for a file resource", map[string]string{"conf": "ubuntu:22.04", "app-image": "ubuntu"}, `invalid resource "conf": a file resource takes a file, not an image reference ("ubuntu:22.04")`},
				{"revision for a local charm", map[string]string{"app-image": "3"}, `a local charm's resources are files to upload, not revisions`},
			}
			if os.Geteuid() != 0 { // root reads any file
				tests = append(tests, struct {
					name string
					res  map[string]string
					msg  string
				}{"unreadable registry file", map[string]string{"app-image": unreadable}, `cannot read registry file`})
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					expectNothingSent(t, r, func() {
						_, err := m.Deploy(ctx, dir, &DeployOptions{Resources: tt.res})
						if !errors.Is(err, ErrInvalidResource) || !errors.Is(err, ErrInvalidInput) || !strings.Contains(err.Error(), tt.msg) {
							t.Errorf("error %v, want ErrInvalidResource containing %q", err, tt.msg)
						}
					})
				})
			}
			app, err := m.Deploy(ctx, dir, &DeployOptions{Resources: map[string]string{"app-image": "ubuntu", "conf": conf}})
			if err != nil {
				t.Fatal(err)
			}
			// attach-resource: a read to learn the resource's type, nothing else.
			for _, tt := range []struct{ name, value, msg string }{
				{"nope", "ubuntu", "declares no such resource"},
				{"conf", "ubuntu:22.04", "a file resource takes a file"},
				{"app-image", "UPPER", "nor a valid image reference"},
				{"app-image", "7", "not a Charmhub revision"},
			} {
				before := r.count()
				err := app.AttachResource(ctx, tt.name, tt.value)
				if !errors.Is(err, ErrInvalidResource) || !strings.Contains(err.Error(), tt.msg) {
					t.Errorf("AttachResource(%s=%s) = %v", tt.name, tt.value, err)
				}
				for _, got := range r.methods(before) {
					if got != "Resources.ListResources" {
						t.Errorf("AttachResource(%s=%s) sent %s", tt.name, tt.value, got)
					}
				}
			}
			// A Kubernetes charm on a machine model, as the juju CLI refuses it.
			im, err := c.Model(ctx, "default")
			if err != nil {
				t.Fatal(err)
			}
			r2 := record(c)
			expectNothingSent(t, r2, func() {
				_, err := im.Deploy(ctx, dir, &DeployOptions{Resources: map[string]string{"app-image": "ubuntu"}})
				if !errors.Is(err, ErrNotSupported) || !errors.Is(err, ErrInvalidInput) || !strings.Contains(err.Error(), `"k8sapp" is a Kubernetes charm (it declares containers) but "default" is a machine model`) {
					t.Errorf("Kubernetes charm on a machine model: %v", err)
				}
			})
		})
	}
}

// attach-resource and refresh --resource, as in attach-resource.jsonl and
// refresh-path-resource.jsonl.
func TestAttachAndRefreshResources(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			c, m := k8sModel(t, v)
			ctx := testCtx(t)
			dir := k8sCharmDir(t)
			app, err := m.Deploy(ctx, dir, &DeployOptions{Resources: map[string]string{"app-image": "ubuntu:22.04"}})
			if err != nil {
				t.Fatal(err)
			}
			r := record(c)
			file := tempFile(t, "file.txt", []byte("resource content 1"))
			if err := app.AttachResource(ctx, "conf", file); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]string{"Resources.ListResources"}, r.methods(0)); diff != "" {
				t.Errorf("attach calls (-want +got):\n%s", diff)
			}
			got := resourceByName(t, app, "conf")
			if got.Size != 18 || !bytes.Equal(got.Fingerprint, sha384([]byte("resource content 1"))) || got.Username != "admin" || got.Timestamp.IsZero() {
				t.Errorf("after attach: %+v", got)
			}

			file2 := tempFile(t, "file2.txt", []byte("resource content 22"))
			before := r.count()
			if err := app.Refresh(ctx, &RefreshOptions{Path: dir, Resources: map[string]string{"conf": file2, "app-image": "ghcr.io/x/y:2"}}); err != nil {
				t.Fatal(err)
			}
			want := []string{"Application.GetCharmURLOrigin", "Charms.CharmInfo", "Resources.AddPendingResources", "Application.SetCharm"}
			if diff := cmp.Diff(want, r.methods(before)); diff != "" {
				t.Errorf("refresh calls (-want +got):\n%s", diff)
			}
			sc, _ := r.last("Application", "SetCharm")
			b, _ := json.Marshal(sc.Params)
			var sent struct {
				IDs map[string]string `json:"resource-ids"`
			}
			if json.Unmarshal(b, &sent) != nil || len(sent.IDs) != 2 {
				t.Errorf("SetCharm params %s", b)
			}
			got = resourceByName(t, app, "conf")
			if got.Size != 19 || !bytes.Equal(got.Fingerprint, sha384([]byte("resource content 22"))) {
				t.Errorf("after refresh: %+v", got)
			}
			img := resourceByName(t, app, "app-image")
			if !bytes.Equal(img.Fingerprint, sha384([]byte(`{"ImageName":"ghcr.io/x/y:2","Username":"","Password":""}`))) {
				t.Errorf("image after refresh: %+v", img)
			}
			// A resource the new charm does not declare: refused before anything is sent.
			expectNothingSent(t, r, func() {
				err := app.Refresh(ctx, &RefreshOptions{Path: dir, Resources: map[string]string{"nope": file}})
				if !errors.Is(err, ErrInvalidResource) {
					t.Errorf("refresh with an undeclared resource: %v", err)
				}
			})
		})
	}
}

// Refreshing a Charmhub charm with a resource revision and a file.
func TestRefreshCharmhubResources(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			_, c, m := simModel(t, v)
			ctx := testCtx(t)
			app, err := m.Deploy(ctx, "wordpress", nil)
			if err != nil {
				t.Fatal(err)
			}
			r := record(c)
			theme := tempFile(t, "theme.zip", []byte("zip"))
			if err := app.Refresh(ctx, &RefreshOptions{Resources: map[string]string{"plugins": "7", "theme": theme}}); err != nil {
				t.Fatal(err)
			}
			if got := resourceByName(t, app, "plugins"); got.Origin != "store" || got.Revision != 7 {
				t.Errorf("plugins after refresh: %+v", got)
			}
			if got := resourceByName(t, app, "theme"); got.Origin != "upload" || got.Size != 3 {
				t.Errorf("theme after refresh: %+v", got)
			}
			n := 0
			for _, m := range r.methods(0) {
				if m == "Resources.AddPendingResources" {
					n++
				}
			}
			if n != 2 {
				t.Errorf("calls %v: want one AddPendingResources for the revision and one for the upload", r.methods(0))
			}
			err = app.Refresh(ctx, &RefreshOptions{Resources: map[string]string{"nope": "3"}})
			if !errors.Is(err, ErrInvalidResource) {
				t.Errorf("refresh with an undeclared Charmhub resource: %v", err)
			}
		})
	}
}

func resourceByName(t *testing.T, app *Application, name string) Resource {
	t.Helper()
	rs, err := app.Resources(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("no resource %q in %+v", name, rs)
	return Resource{}
}
