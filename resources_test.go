package juju

import (
	"crypto/sha512"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// resourceCharmDir writes a local charm directory declaring a file
// resource "blob" and an OCI image resource "img".
func resourceCharmDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "res-charm")
	files := map[string]string{
		"metadata.yaml": "name: res-charm\nsummary: A charm with resources.\ndescription: Used by gojuju's tests.\n" +
			"resources:\n  blob:\n    type: file\n    filename: blob.bin\n    description: A blob.\n  img:\n    type: oci-image\n    description: An image.\n",
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

// tempFile writes data to a new file and returns its path.
func tempFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func sha384(data []byte) []byte {
	s := sha512.Sum384(data)
	return s[:]
}

// resourceSummary keeps the fields of a Resource a test can predict.
type resourceSummary struct {
	Name, Type, Origin, Username string
	Revision                     int
	Size                         int64
	Fingerprint                  []byte
	Uploaded                     bool
}

func summarise(rs []Resource) []resourceSummary {
	var out []resourceSummary
	for _, r := range rs {
		s := resourceSummary{Name: r.Name, Type: r.Type, Origin: r.Origin, Revision: r.Revision, Uploaded: !r.Timestamp.IsZero()}
		if r.Origin == "upload" {
			s.Size, s.Fingerprint, s.Username = r.Size, r.Fingerprint, r.Username
		}
		out = append(out, s)
	}
	return out
}

func TestDeployLocalWithResources(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			parallel(t)
			_, c, m := simModel(t, v)
			r := record(c)
			ctx := testCtx(t)
			blob := []byte("some resource content\n")
			file := tempFile(t, "my-blob.bin", blob)
			app, err := m.Deploy(ctx, resourceCharmDir(t), &DeployOptions{Name: "res", Resources: map[string]string{"blob": file}})
			if err != nil {
				t.Fatal(err)
			}
			want := []string{"ModelConfig.GetModelConstraints", "ModelConfig.ModelGet", "Charms.CharmInfo", "Resources.AddPendingResources", "Application.Deploy"}
			if diff := cmp.Diff(want, r.methods(0)); diff != "" {
				t.Errorf("calls (-want +got):\n%s", diff)
			}
			add, _ := r.last("Resources", "AddPendingResources")
			b, _ := json.Marshal(add.Params)
			var sentAdd struct {
				Tag       string `json:"tag"`
				URL       string `json:"url"`
				Resources []struct {
					Name, Type, Path, Origin string
					Fingerprint              []byte
					Size, Revision           int
				} `json:"resources"`
			}
			if err := json.Unmarshal(b, &sentAdd); err != nil {
				t.Fatal(err)
			}
			// Every resource of a local charm is pending, as the real server
			// wants ("not all pending resources for charm provided"); the one
			// not supplied goes as the juju CLI sends it (setup-deploy-app.jsonl):
			// origin store, revision -1.
			if sentAdd.Tag != "application-res" || !strings.HasPrefix(sentAdd.URL, "local:") || len(sentAdd.Resources) != 2 ||
				sentAdd.Resources[0].Name != "blob" || sentAdd.Resources[0].Origin != "upload" || sentAdd.Resources[0].Size != 0 ||
				len(sentAdd.Resources[0].Fingerprint) != 0 ||
				sentAdd.Resources[1].Name != "img" || sentAdd.Resources[1].Origin != "store" || sentAdd.Resources[1].Revision != -1 {
				t.Errorf("AddPendingResources params %s", b)
			}
			dep, _ := r.last("Application", "Deploy")
			b, _ = json.Marshal(dep.Params)
			var sentDep struct {
				Applications []struct {
					Resources map[string]string `json:"resources"`
				} `json:"applications"`
			}
			if err := json.Unmarshal(b, &sentDep); err != nil || len(sentDep.Applications) != 1 || sentDep.Applications[0].Resources["blob"] == "" {
				t.Errorf("Deploy params %s", b)
			}
			rs, err := app.Resources(ctx)
			if err != nil {
				t.Fatal(err)
			}
			wantRes := []resourceSummary{
				{Name: "blob", Type: "file", Origin: "upload", Size: int64(len(blob)), Fingerprint: sha384(blob), Username: "admin", Uploaded: true},
				// A placeholder awaiting an upload, stamped when it was added
				// (resources.jsonl).
				{Name: "img", Type: "oci-image", Origin: "upload", Uploaded: true},
			}
			if diff := cmp.Diff(wantRes, summarise(rs)); diff != "" {
				t.Errorf("resources (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDeployCharmhubWithResources(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			parallel(t)
			_, c, m := simModel(t, v)
			r := record(c)
			ctx := testCtx(t)
			theme := []byte("PK fake theme")
			file := tempFile(t, "theme.zip", theme)
			app, err := m.Deploy(ctx, "wordpress", &DeployOptions{Resources: map[string]string{"theme": file, "plugins": "3"}})
			if err != nil {
				t.Fatal(err)
			}
			call, _ := r.last("Application", "DeployFromRepository")
			b, _ := json.Marshal(call.Params)
			if !strings.Contains(string(b), `"resources":{"plugins":"3","theme":"`+strings.ReplaceAll(file, `\`, `\\`)+`"}`) {
				t.Errorf("DeployFromRepository params %s", b)
			}
			rs, err := app.Resources(ctx)
			if err != nil {
				t.Fatal(err)
			}
			wantRes := []resourceSummary{
				{Name: "plugins", Type: "file", Origin: "store", Revision: 3},
				{Name: "theme", Type: "file", Origin: "upload", Size: int64(len(theme)), Fingerprint: sha384(theme), Username: "admin", Uploaded: true},
			}
			if diff := cmp.Diff(wantRes, summarise(rs)); diff != "" {
				t.Errorf("resources (-want +got):\n%s", diff)
			}
			// A name the charm does not declare: the controller refuses
			// the deploy and nothing is created.
			_, err = m.Deploy(ctx, "wordpress", &DeployOptions{Name: "wp2", Resources: map[string]string{"nope": "1"}})
			if !errors.Is(err, ErrNotValid) || !strings.HasPrefix(err.Error(), `cannot deploy "wp2": `) {
				t.Errorf("undeclared resource: %v", err)
			}
			if diff := cmp.Diff([]string{"wordpress"}, appNames(t, m)); diff != "" {
				t.Errorf("apps (-want +got):\n%s", diff)
			}
			// Listing the resources of a missing application.
			if _, err := m.Application("ghost").Resources(ctx); !errors.Is(err, ErrNotFound) {
				t.Errorf("resources of a missing application: %v", err)
			}
		})
	}
}

func TestDeployResourcesRefusesBadInput(t *testing.T) {
	_, c, m := simModel(t, "")
	r := record(c)
	ctx := testCtx(t)
	dir := resourceCharmDir(t)
	file := tempFile(t, "blob.bin", []byte("x"))
	tests := []struct {
		name  string
		charm string
		res   map[string]string
		match error
		msg   string
	}{
		{"missing file", "wordpress", map[string]string{"theme": "/no/such/theme.zip"}, ErrInvalidArgument,
			`cannot deploy "wordpress": invalid resource "theme": "/no/such/theme.zip" is neither a revision number, a readable file nor a valid image reference`},
		{"directory", "wordpress", map[string]string{"theme": t.TempDir()}, ErrInvalidArgument, `cannot deploy "wordpress": invalid resource "theme"`},
		{"bad name", "wordpress", map[string]string{"Bad Name": file}, ErrInvalidName, `cannot deploy "wordpress": invalid resource name "Bad Name"`},
		{"local undeclared", dir, map[string]string{"nope": file}, ErrInvalidArgument,
			`cannot deploy "res-charm": invalid resource "nope": the charm declares no such resource`},
		{"local missing file", dir, map[string]string{"blob": "/no/such/blob"}, ErrInvalidArgument, `cannot deploy "res-charm": invalid resource "blob"`},
		{"local revision", dir, map[string]string{"blob": "3"}, ErrInvalidArgument,
			`cannot deploy "res-charm": invalid resource "blob": a local charm's resources are files to upload, not revisions ("3")`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			expectNothingSent(t, r, func() {
				_, err := m.Deploy(ctx, tt.charm, &DeployOptions{Resources: tt.res})
				if !errors.Is(err, tt.match) || !errors.Is(err, ErrInvalidInput) || !strings.HasPrefix(err.Error(), tt.msg) {
					t.Errorf("error:\n got %v\nwant prefix %s (matching %v)", err, tt.msg, tt.match)
				}
			})
		})
	}
	if apps := appNames(t, m); len(apps) != 0 {
		t.Errorf("applications appeared: %v", apps)
	}
}
