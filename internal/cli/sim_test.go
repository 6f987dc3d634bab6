package cli

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/google/go-cmp/cmp"
	"golang.org/x/crypto/ssh"

	"github.com/gojuju/juju/jujudata"
)

// readyWriter collects output and closes ready once it holds marker.
type readyWriter struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	marker string
	ready  chan struct{}
	once   sync.Once
}

func newReadyWriter(marker string) *readyWriter {
	return &readyWriter{marker: marker, ready: make(chan struct{})}
}

func (w *readyWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n, err := w.buf.Write(p)
	if strings.Contains(w.buf.String(), w.marker) {
		w.once.Do(func() { close(w.ready) })
	}
	return n, err
}

func (w *readyWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// startSim runs "gojuju sim args..." until the returned stop is called,
// which returns Run's error.
func startSim(t *testing.T, args ...string) (stdout *readyWriter, stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdout = newReadyWriter("Press Ctrl+C to stop.")
	var stderr bytes.Buffer
	done := make(chan error, 1)
	go func() { done <- Run(ctx, append([]string{"sim"}, args...), nil, stdout, &stderr) }()
	select {
	case <-stdout.ready:
	case err := <-done:
		cancel()
		t.Fatalf("gojuju sim exited early: %v\nstdout: %s\nstderr: %s", err, stdout, stderr.String())
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatalf("gojuju sim not ready\nstdout: %s", stdout)
	}
	var once sync.Once
	var err error
	stop = func() error {
		once.Do(func() {
			cancel()
			err = <-done
		})
		return err
	}
	t.Cleanup(func() { _ = stop() })
	return stdout, stop
}

func TestSimRegistersAndCleansUp(t *testing.T) {
	dir := t.TempDir()
	store, err := jujudata.New(jujudata.Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	other := jujudata.ControllerDetails{UUID: "11111111-2222-4333-8444-555555555555", APIEndpoints: []string{"10.0.0.1:17070"}, CACert: "x", Cloud: "lxd"}
	if err := store.UpdateController(ctx, "other", other); err != nil {
		t.Fatal(err)
	}
	if err := store.SetCurrentController(ctx, "other"); err != nil {
		t.Fatal(err)
	}

	out, stop := startSim(t, "--listen", "127.0.0.1:0", "--juju-data", dir, "--controller", "simtest", "--speed", "instant")
	if cur, err := store.CurrentController(); err != nil || cur != "simtest" {
		t.Fatalf("current controller %q (%v), want simtest", cur, err)
	}
	d, err := store.Controller("simtest")
	if err != nil {
		t.Fatal(err)
	}
	if len(d.APIEndpoints) != 1 || !strings.HasPrefix(d.APIEndpoints[0], "127.0.0.1:") || d.UUID == "" || d.CACert == "" {
		t.Fatalf("controller entry %+v", d)
	}
	if !strings.Contains(out.String(), d.APIEndpoints[0]) {
		t.Errorf("output does not name the address %s:\n%s", d.APIEndpoints[0], out)
	}
	acct, err := store.Account("simtest")
	if err != nil || acct.User != "admin" || acct.Password == "" {
		t.Fatalf("account %+v (%v)", acct, err)
	}
	models, err := store.Models("simtest")
	if err != nil {
		t.Fatal(err)
	}
	if len(models) != 2 || models["admin/default"].Type != "iaas" || models["admin/default"].UUID == "" || models["admin/controller"].UUID == "" {
		t.Errorf("models %+v", models)
	}
	if cur, err := store.CurrentModel("simtest"); err != nil || cur != "admin/default" {
		t.Errorf("current model %q (%v)", cur, err)
	}
	// What was registered is enough to log in, as the juju CLI would.
	loginWith(t, d, acct, models["admin/default"].UUID)

	if err := stop(); err != nil {
		t.Fatalf("gojuju sim returned %v", err)
	}
	if _, err := store.Controller("simtest"); !errors.Is(err, jujudata.ErrNotFound) {
		t.Errorf("simtest still registered after exit: %v", err)
	}
	if _, err := store.Account("simtest"); !errors.Is(err, jujudata.ErrNotFound) {
		t.Errorf("simtest account still there: %v", err)
	}
	if got, err := store.Controller("other"); err != nil || !cmp.Equal(*got, other) {
		t.Errorf("other controller disturbed: %+v (%v)", got, err)
	}
	if cur, err := store.CurrentController(); err != nil || cur != "other" {
		t.Errorf("current controller after exit %q (%v), want other", cur, err)
	}
}

func TestSimKeep(t *testing.T) {
	dir := t.TempDir()
	_, stop := startSim(t, "--listen", "127.0.0.1:0", "--juju-data", dir, "--keep")
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	store, _ := jujudata.New(jujudata.Config{Dir: dir})
	if _, err := store.Controller("jujusim"); err != nil {
		t.Errorf("--keep: controller gone: %v", err)
	}
	// A second run replaces the stale entry of the first.
	_, stop = startSim(t, "--listen", "127.0.0.1:0", "--juju-data", dir)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Controller("jujusim"); !errors.Is(err, jujudata.ErrNotFound) {
		t.Errorf("controller still registered: %v", err)
	}
}

func TestSimRemovesTheDirectoryItCreated(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "juju-data")
	out, stop := startSim(t, "--listen", "127.0.0.1:0", "--juju-data", dir)
	if _, err := os.Stat(filepath.Join(dir, "controllers.yaml")); err != nil {
		t.Fatalf("the simulator is not registered in %s: %v", dir, err)
	}
	if !strings.Contains(out.String(), "JUJU_DATA="+dir+" gojuju status") {
		t.Errorf("banner does not suggest gojuju status:\n%s", out)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("JUJU_DATA directory created by gojuju sim still there after exit: %v", err)
	}
}

func TestSimBusyPort(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var stdout, stderr bytes.Buffer
	err = Run(context.Background(), []string{"sim", "--juju-data", t.TempDir(), "--listen", l.Addr().String()}, nil, &stdout, &stderr)
	if !errors.Is(err, syscall.EADDRINUSE) || !strings.Contains(err.Error(), "--listen 127.0.0.1:0") {
		t.Fatalf("sim on a busy port = %v, want EADDRINUSE with a hint", err)
	}
}

func TestSimSeed(t *testing.T) {
	out, stop := startSim(t, "--listen", "127.0.0.1:0", "--juju-data", t.TempDir(), "--speed", "instant",
		"--seed", "pg=2,web=1", "--juju-version", "3.6.28")
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Seeded: pg (2 units), web (1 unit)", "Simulated Juju 3.6.28 controller"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestSimUsageErrors(t *testing.T) {
	dir := t.TempDir()
	store, _ := jujudata.New(jujudata.Config{Dir: dir})
	real := jujudata.ControllerDetails{UUID: "11111111-2222-4333-8444-555555555555", APIEndpoints: []string{"10.0.0.1:17070"}}
	if err := store.UpdateController(context.Background(), "prod", real); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"--speed", "ludicrous"},
		{"--juju-version", "2.9.0"},
		{"--seed", "pg"},
		{"--seed", "pg=x"},
		{"--seed", "pg=-1"},
		{"--seed", "pg=1,pg=2"},
		{"--listen", "nonsense"},
		{"--controller", ""},
		{"--no-such-flag"},
		{"extra"},
		{"--controller", "prod"},
	} {
		var stdout, stderr bytes.Buffer
		err := Run(context.Background(), append([]string{"sim", "--juju-data", dir, "--listen", "127.0.0.1:0"}, args...), nil, &stdout, &stderr)
		if !errors.Is(err, ErrUsage) {
			t.Errorf("gojuju sim %q = %v, want a usage error", args, err)
		}
	}
	if got, err := store.Controller("prod"); err != nil || !cmp.Equal(*got, real) {
		t.Errorf("prod controller disturbed: %+v (%v)", got, err)
	}
}

// loginWith logs in to the model over the registered endpoint, CA and
// account, with the v1 RPC framing.
func loginWith(t *testing.T, d *jujudata.ControllerDetails, acct *jujudata.AccountDetails, modelUUID string) {
	t.Helper()
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM([]byte(d.CACert)) {
		t.Fatal("registered ca-cert is not PEM")
	}
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, ServerName: "juju-apiserver", MinVersion: tls.VersionTLS12}}
	defer tr.CloseIdleConnections()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, _, err := net.SplitHostPort(d.APIEndpoints[0]); err != nil {
		t.Fatal(err)
	}
	ws, _, err := websocket.Dial(ctx, "wss://"+d.APIEndpoints[0]+"/model/"+modelUUID+"/api", &websocket.DialOptions{HTTPClient: &http.Client{Transport: tr}})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer func() { _ = ws.CloseNow() }()
	ws.SetReadLimit(-1)
	req, _ := json.Marshal(map[string]any{
		"request-id": 1, "type": "Admin", "version": 3, "request": "Login",
		"params": map[string]any{"auth-tag": "user-" + acct.User, "credentials": acct.Password},
	})
	if err := ws.Write(ctx, websocket.MessageText, req); err != nil {
		t.Fatal(err)
	}
	_, data, err := ws.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var reply struct {
		Error    string `json:"error"`
		Response struct {
			ModelTag string `json:"model-tag"`
		} `json:"response"`
	}
	if err := json.Unmarshal(data, &reply); err != nil || reply.Error != "" || reply.Response.ModelTag != "model-"+modelUUID {
		t.Fatalf("login reply %s (%v)", data, err)
	}
}

// TestSimWritesClientFiles: gojuju sim leaves what a bootstrap leaves in
// JUJU_DATA for other clients (python-libjuju reads both): the
// controller's cookie jar (an empty one, which goes with the controller's
// entries on exit) and an SSH key pair, which it never replaces.
func TestSimWritesClientFiles(t *testing.T) {
	dir := t.TempDir()
	// Another controller keeps the directory after the simulator exits.
	store, err := jujudata.New(jujudata.Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	other := jujudata.ControllerDetails{UUID: "11111111-2222-4333-8444-555555555555", APIEndpoints: []string{"10.0.0.1:17070"}, CACert: "x", Cloud: "lxd"}
	if err := store.UpdateController(context.Background(), "other", other); err != nil {
		t.Fatal(err)
	}
	_, stop := startSim(t, "--listen", "127.0.0.1:0", "--juju-data", dir, "--controller", "simfiles", "--speed", "instant")
	mode := func(p string) fs.FileMode {
		t.Helper()
		fi, err := os.Stat(filepath.Join(dir, p))
		if err != nil {
			t.Fatal(err)
		}
		return fi.Mode().Perm()
	}
	jar, err := os.ReadFile(filepath.Join(dir, "cookies", "simfiles.json"))
	if err != nil || string(jar) != "[]" || mode("cookies/simfiles.json") != 0o600 {
		t.Errorf("cookie jar %q (%v), mode %v", jar, err, mode("cookies/simfiles.json"))
	}
	if cookies, err := store.Cookies("simfiles"); err != nil || len(cookies) != 0 {
		t.Errorf("cookie jar parsed: %v, %v", cookies, err)
	}
	priv, err := os.ReadFile(filepath.Join(dir, "ssh", "juju_id_rsa"))
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.ParsePrivateKey(priv)
	if err != nil {
		t.Fatalf("juju_id_rsa: %v", err)
	}
	pub, err := os.ReadFile(filepath.Join(dir, "ssh", "juju_id_rsa.pub"))
	if err != nil {
		t.Fatal(err)
	}
	pk, comment, _, _, err := ssh.ParseAuthorizedKey(pub)
	if err != nil || pk.Type() != "ssh-rsa" || comment != "juju-client-key" || !bytes.Equal(pk.Marshal(), signer.PublicKey().Marshal()) {
		t.Errorf("juju_id_rsa.pub %q (%v) does not match juju_id_rsa", pub, err)
	}
	if mode("ssh") != 0o700 || mode("ssh/juju_id_rsa") != 0o600 || mode("ssh/juju_id_rsa.pub") != 0o644 {
		t.Errorf("modes: ssh %v, juju_id_rsa %v, juju_id_rsa.pub %v", mode("ssh"), mode("ssh/juju_id_rsa"), mode("ssh/juju_id_rsa.pub"))
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "cookies", "simfiles.json")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the simulator's cookie jar is left after exit: %v", err)
	}

	// A second run keeps the key pair.
	_, stop = startSim(t, "--listen", "127.0.0.1:0", "--juju-data", dir, "--controller", "simfiles", "--speed", "instant")
	priv2, _ := os.ReadFile(filepath.Join(dir, "ssh", "juju_id_rsa"))
	pub2, _ := os.ReadFile(filepath.Join(dir, "ssh", "juju_id_rsa.pub"))
	if !bytes.Equal(priv, priv2) || !bytes.Equal(pub, pub2) {
		t.Error("a second run replaced the key pair")
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}
