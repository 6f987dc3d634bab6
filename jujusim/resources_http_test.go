package jujusim

import (
	"bytes"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestResourceUpload(t *testing.T) {
	s := startServer(t, Config{})
	client := testHTTPClient(t, s)
	model := s.DefaultModelUUID()
	c := dial(t, s, model)
	c.login(s)
	res := c.call("Application", 19, "DeployFromRepository", map[string]any{"Args": []any{map[string]any{
		"CharmName": "wordpress", "ApplicationName": "wp", "resources": map[string]string{"theme": "theme.zip"},
	}}})
	if !strings.Contains(string(res["response"]), `"PendingResourceUploads":[{"Filename":"theme.zip","Name":"theme","Type":"file"}]`) {
		t.Fatalf("DeployFromRepository = %s", res)
	}
	data := []byte("theme content")
	sum := sha512.Sum384(data)
	good := http.Header{
		"Content-Type":        {"application/octet-stream"},
		"Content-Sha384":      {hex.EncodeToString(sum[:])},
		"Content-Disposition": {`form-data; filename="theme.zip"`},
	}
	with := func(k, v string) http.Header {
		h := good.Clone()
		h.Set(k, v)
		return h
	}
	path := "/model/" + model + "/applications/wp/resources/theme"
	tests := []struct {
		name       string
		method     string
		path       string
		header     http.Header
		noAuth     bool
		wantStatus int
		wantCode   string
	}{
		{name: "ok", path: path, header: good, wantStatus: 200},
		{name: "no auth", path: path, header: good, noAuth: true, wantStatus: 401, wantCode: "unauthorized access"},
		{name: "content type", path: path, header: with("Content-Type", "text/plain"), wantStatus: 400, wantCode: "bad request"},
		{name: "wrong sha384", path: path, header: with("Content-Sha384", strings.Repeat("0", 96)), wantStatus: 400, wantCode: "bad request"},
		{name: "no sha384", path: path, header: with("Content-Sha384", ""), wantStatus: 400, wantCode: "bad request"},
		{name: "undeclared resource", path: "/model/" + model + "/applications/wp/resources/nope", header: good, wantStatus: 404, wantCode: "not found"},
		{name: "unknown application", path: "/model/" + model + "/applications/ghost/resources/theme", header: good, wantStatus: 404, wantCode: "not found"},
		{name: "unknown pending id", path: path + "?pendingid=nope", header: good, wantStatus: 404, wantCode: "not found"},
		{name: "method", method: http.MethodPost, path: path, header: good, wantStatus: 405, wantCode: "method not allowed"},
		{name: "path", path: "/model/" + model + "/applications/wp/theme", header: good, wantStatus: 404},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			method := tc.method
			if method == "" {
				method = http.MethodPut
			}
			req, err := http.NewRequest(method, "https://"+s.Addr()+tc.path, bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			req.Header = tc.header.Clone()
			if !tc.noAuth {
				req.SetBasicAuth("user-admin", s.AdminPassword())
			}
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			if resp.StatusCode != tc.wantStatus {
				t.Fatalf("status %d (%s), want %d", resp.StatusCode, body, tc.wantStatus)
			}
			if tc.wantStatus == 200 {
				var r struct {
					Resource struct {
						Name, Application, Origin, Username string
						Size                                int
						Fingerprint                         []byte
					} `json:"resource"`
				}
				if err := json.Unmarshal(body, &r); err != nil || r.Resource.Name != "theme" || r.Resource.Application != "wp" ||
					r.Resource.Origin != "upload" || r.Resource.Size != len(data) || !bytes.Equal(r.Resource.Fingerprint, sum[:]) || r.Resource.Username != "admin" {
					t.Errorf("body %s (%v)", body, err)
				}
			}
			if tc.wantCode != "" {
				var e struct {
					Error struct{ Message, Code string } `json:"error"`
				}
				if err := json.Unmarshal(body, &e); err != nil || e.Error.Code != tc.wantCode || e.Error.Message == "" {
					t.Errorf("error body %s, want code %q", body, tc.wantCode)
				}
			}
		})
	}
}
