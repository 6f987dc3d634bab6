package libjujusuite_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/gojuju/juju/internal/realjuju"
	"github.com/gojuju/juju/internal/realjuju/simcli"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(realjuju.Main(m))
}

// libjujuDir finds python-libjuju's source (the directory holding the juju
// package), skipping the test when it is nowhere to be found.
func libjujuDir(t *testing.T) string {
	t.Helper()
	var dirs []string
	if d := os.Getenv("GOJUJU_PYTHON_LIBJUJU"); d != "" {
		dirs = append(dirs, d)
	}
	if root, err := moduleRoot(); err == nil {
		dirs = append(dirs, filepath.Join(filepath.Dir(root), "shared", "clients", "python-libjuju"))
	}
	if d, err := os.UserCacheDir(); err == nil {
		dirs = append(dirs, filepath.Join(d, "gojuju", "python-libjuju"))
	}
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "juju", "controller.py")); err == nil {
			return d
		}
	}
	t.Skipf("skipping: python-libjuju's source is not in %s (see the package doc)", strings.Join(dirs, ", "))
	return ""
}

// moduleRoot is the directory holding go.mod above the working directory.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory")
		}
		dir = parent
	}
}

// python finds a python3 that imports python-libjuju (Debian's
// /usr/bin/python3 first: its packages carry the dependencies), skipping
// the test when none does.
func python(t *testing.T, lib string) string {
	t.Helper()
	var candidates []string
	if _, err := os.Stat("/usr/bin/python3"); err == nil {
		candidates = append(candidates, "/usr/bin/python3")
	}
	if p, err := exec.LookPath("python3"); err == nil && p != "/usr/bin/python3" {
		candidates = append(candidates, p)
	}
	if len(candidates) == 0 {
		t.Skip("skipping: python3 is not installed")
	}
	var why string
	for _, py := range candidates {
		cmd := exec.Command(py, "-c", "import sys; sys.path.insert(0, sys.argv[1]); import juju.controller, juju.model", lib)
		out, err := cmd.CombinedOutput()
		if err == nil {
			return py
		}
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		why = py + ": " + lines[len(lines)-1]
	}
	t.Skipf("skipping: no python3 imports python-libjuju (Debian: apt-get install python3-websockets python3-macaroonbakery python3-rfc3339 python3-toposort python3-typing-inspect python3-paramiko python3-kubernetes python3-hvac): %s", why)
	return ""
}

// charmhub serves the one Charmhub question python-libjuju's deploy asks
// itself, GET /v2/charms/info/<name>: every charm is a principal.
func charmhub(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name, ok := strings.CutPrefix(r.URL.Path, "/v2/charms/info/")
		if !ok || name == "" || strings.Contains(name, "/") {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"id": name + "-id", "name": name, "type": "charm",
			"default-release": map[string]any{"revision": map[string]any{"subordinate": false}, "resources": []any{}}})
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// steps are what testdata/flow.py prints, in order, when all pass.
var steps = []string{
	"connect", "add_model", "list_models", "deploy charmhub", "config", "integrate", "wait_for_idle",
	"status", "action", "secrets", "config and constraints", "expose", "relations and leadership", "action with params", "ssh", "scale", "deploy local", "offer and consume", "remove", "destroy_model", "disconnect",
}

// TestLibjuju runs testdata/flow.py against the simulator in 3.6 mode.
// python-libjuju 3.x refuses a 4.x controller itself at connect ("juju
// server-version 4.0.15 not supported": its major version must be the
// server's), so 4.0 mode is not run.
func TestLibjuju(t *testing.T) {
	lib := libjujuDir(t)
	py := python(t, lib)
	var abs [3]string
	for i, p := range []string{"flow.py", filepath.Join("charms", "libjuju-local"), "behaviour.yaml"} {
		a, err := filepath.Abs(filepath.Join("testdata", p))
		if err != nil {
			t.Fatal(err)
		}
		abs[i] = a
	}
	flow, charm, behaviour := abs[0], abs[1], abs[2]
	sim := simcli.Start(t, "3.6.28", "--behaviour", behaviour)
	jujuData, controller := sim.JujuData, sim.Controller
	jump := regexp.MustCompile(`SSH jump host[^:]*: (\S+)`).FindStringSubmatch(sim.Banner)
	if jump == nil {
		t.Fatalf("gojuju sim printed no SSH jump host:\n%s", sim.Banner)
	}
	// python-libjuju reads the controller's cookie jar and the client's
	// public key from JUJU_DATA, which the juju CLI writes; written here
	// where gojuju sim has not.
	for name, content := range map[string]string{
		filepath.Join("cookies", controller+".json"): "[]",
		filepath.Join("ssh", "juju_id_rsa.pub"):      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f libjujusuite\n",
	} {
		p := filepath.Join(jujuData, name)
		if _, err := os.Stat(p); err == nil {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, py, flow, lib, charm, charmhub(t), jump[1])
	cmd.Env = append(os.Environ(), "JUJU_DATA="+jujuData, "PYTHONDONTWRITEBYTECODE=1", "HOME="+t.TempDir())
	cmd.Dir = t.TempDir()
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.WaitDelay = time.Second
	runErr := cmd.Run()
	passed := map[string]bool{}
	for _, line := range strings.Split(out.String(), "\n") {
		if s, ok := strings.CutPrefix(line, "ok: "); ok {
			passed[s] = true
		}
		// A step the machine cannot run (ssh without an OpenSSH client).
		if s, ok := strings.CutPrefix(line, "skip: "); ok {
			t.Logf("step skipped: %s", s)
			passed[strings.Fields(s)[0]] = true
		}
	}
	for _, s := range steps {
		if !passed[s] {
			t.Errorf("step %q did not pass", s)
		}
	}
	if runErr != nil || t.Failed() {
		t.Fatalf("flow.py: %v\n%s", runErr, out.String())
	}
}
