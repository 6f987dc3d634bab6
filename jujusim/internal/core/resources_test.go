package core

import (
	"context"
	"crypto/sha512"
	"encoding/hex"
	"testing"
)

func sha384Hex(b []byte) string {
	s := sha512.Sum384(b)
	return hex.EncodeToString(s[:])
}

func TestResourcesDeployFromRepository(t *testing.T) {
	for _, v := range []string{"4.0.15", "3.6.28"} {
		t.Run(v, func(t *testing.T) {
			s := newSim(t, Config{JujuVersion: v})
			m := s.c.DefaultModelUUID()
			ms := s.admin(m)
			res := s.mustCall(ms, "Application", 19, "DeployFromRepository", map[string]any{"Args": []any{map[string]any{
				"CharmName": "wordpress", "ApplicationName": "wp", "resources": map[string]string{"theme": "/tmp/my-theme.zip", "plugins": "3"},
			}}})
			if get(res, "Results", 0, "Errors") != nil || get(res, "Results", 0, "PendingResourceUploads", 0, "Name") != "theme" ||
				get(res, "Results", 0, "PendingResourceUploads", 0, "Filename") != "/tmp/my-theme.zip" || get(res, "Results", 0, "PendingResourceUploads", 0, "Type") != "file" ||
				get(res, "Results", 0, "PendingResourceUploads", 1) != nil {
				t.Fatalf("DeployFromRepository = %v", res)
			}
			data := []byte("theme bytes")
			if _, err := s.c.UploadResource(context.Background(), "admin", m, "wp", "theme", "", "my-theme.zip", sha384Hex([]byte("other")), data); errCode(err) != CodeBadRequest {
				t.Errorf("upload with a wrong sha384: %v", err)
			}
			if _, err := s.c.UploadResource(context.Background(), "admin", m, "wp", "nope", "", "x", sha384Hex(data), data); errCode(err) != CodeNotFound {
				t.Errorf("upload of an undeclared resource: %v", err)
			}
			if _, err := s.c.UploadResource(context.Background(), "admin", m, "wp", "theme", "", "my-theme.zip", sha384Hex(data), data); err != nil {
				t.Fatalf("UploadResource: %v", err)
			}
			lr := s.mustCall(ms, "Resources", 3, "ListResources", map[string]any{"entities": []any{map[string]any{"tag": "application-wp"}, map[string]any{"tag": "application-zz"}}})
			if get(lr, "results", 0, "resources", 0, "name") != "plugins" || get(lr, "results", 0, "resources", 0, "origin") != "store" || get(lr, "results", 0, "resources", 0, "revision") != 3.0 ||
				get(lr, "results", 0, "resources", 1, "name") != "theme" || get(lr, "results", 0, "resources", 1, "origin") != "upload" || get(lr, "results", 0, "resources", 1, "size") != float64(len(data)) ||
				get(lr, "results", 0, "resources", 1, "username") != "admin" || get(lr, "results", 1, "error", "code") != CodeNotFound {
				t.Errorf("ListResources = %v", lr)
			}
			// An undeclared resource fails the deploy and creates nothing.
			res = s.mustCall(ms, "Application", 19, "DeployFromRepository", map[string]any{"Args": []any{map[string]any{
				"CharmName": "wordpress", "ApplicationName": "wp2", "resources": map[string]string{"nope": "1"},
			}}})
			if get(res, "Results", 0, "Errors", 0, "code") != CodeNotValid || get(s.status(ms), "applications", "wp2") != nil {
				t.Errorf("deploy with an undeclared resource = %v", res)
			}
		})
	}
}

func TestResourcesLocalPending(t *testing.T) {
	s := newSim(t, Config{})
	m := s.c.DefaultModelUUID()
	ms := s.admin(m)
	url := s.uploadLocal(m, "name: rj-provider\nresources:\n  blob:\n    type: file\n    filename: blob.bin\n    description: A blob.\n  img:\n    type: oci-image\n")
	origin := map[string]any{"source": "local", "architecture": "amd64", "base": map[string]any{"name": "ubuntu", "channel": "22.04/stable"}}
	bad := s.mustCall(ms, "Resources", 3, "AddPendingResources", map[string]any{"tag": "application-p", "url": url, "charm-origin": origin,
		"resources": []any{map[string]any{"name": "nope", "type": "file", "origin": "upload"}}})
	if get(bad, "error", "code") != CodeNotValid {
		t.Errorf("AddPendingResources of an undeclared resource = %v", bad)
	}
	pr := s.mustCall(ms, "Resources", 3, "AddPendingResources", map[string]any{"tag": "application-p", "url": url, "charm-origin": origin,
		"resources": []any{map[string]any{"name": "blob", "type": "file", "path": "blob.bin", "origin": "upload"}}})
	id, _ := get(pr, "pending-ids", 0).(string)
	if id == "" || get(pr, "error") != nil {
		t.Fatalf("AddPendingResources = %v", pr)
	}
	data := []byte{1, 2, 3}
	if _, err := s.c.UploadResource(context.Background(), "admin", m, "p", "blob", "bogus", "blob.bin", sha384Hex(data), data); errCode(err) != CodeNotFound {
		t.Errorf("upload with an unknown pending id: %v", err)
	}
	r, err := s.c.UploadResource(context.Background(), "admin", m, "p", "blob", id, "blob.bin", sha384Hex(data), data)
	// As the real 4.0 server answers a pending upload (deploy-k8s-charm.jsonl):
	// the pending id as the id, no pending-id, no application yet.
	if err != nil || r.ID != id || r.PendingID != "" || r.Application != "" || r.Size != 3 {
		t.Fatalf("UploadResource = %+v, %v", r, err)
	}
	// img as the juju CLI adds a resource it does not supply: origin store,
	// revision -1 (setup-deploy-app.jsonl).
	ph := s.mustCall(ms, "Resources", 3, "AddPendingResources", map[string]any{"tag": "application-p", "url": url, "charm-origin": origin,
		"resources": []any{map[string]any{"name": "img", "type": "oci-image", "origin": "store", "revision": -1}}})
	imgID, _ := get(ph, "pending-ids", 0).(string)
	deploy := func(app, pid string) map[string]any {
		return s.mustCall(ms, "Application", 22, "Deploy", map[string]any{"applications": []any{map[string]any{
			"application": app, "charm-url": url, "charm-origin": origin, "num-units": 1, "resources": map[string]string{"blob": pid, "img": imgID},
		}}})
	}
	// Without a pending resource for each declared one, the real 4.0.15
	// server refuses, without an error code.
	if res := s.mustCall(ms, "Application", 22, "Deploy", map[string]any{"applications": []any{map[string]any{
		"application": "p", "charm-url": url, "charm-origin": origin, "num-units": 1, "resources": map[string]string{"blob": id},
	}}}); get(res, "results", 0, "error", "message") != "not all pending resources for charm provided" || get(res, "results", 0, "error", "code") != "" {
		t.Errorf("Deploy without img = %v", res)
	}
	if res := deploy("q", id); get(res, "results", 0, "error", "code") != CodeNotFound {
		t.Errorf("Deploy with another application's pending id = %v", res)
	}
	if res := deploy("p", id); get(res, "results", 0, "error") != nil {
		t.Fatalf("Deploy = %v", res)
	}
	lr := s.mustCall(ms, "Resources", 3, "ListResources", map[string]any{"entities": []any{map[string]any{"tag": "application-p"}}})
	if get(lr, "results", 0, "resources", 0, "name") != "blob" || get(lr, "results", 0, "resources", 0, "size") != 3.0 || get(lr, "results", 0, "resources", 0, "pending-id") != "" ||
		get(lr, "results", 0, "resources", 1, "name") != "img" || get(lr, "results", 0, "resources", 1, "type") != "oci-image" || get(lr, "results", 0, "resources", 1, "size") != 0.0 ||
		get(lr, "results", 0, "unit-resources", 0, "tag") != "unit-p-0" {
		t.Errorf("ListResources = %v", lr)
	}
}
