// Package realjuju puts genuine Juju in the loop of gojuju's own tests: the
// real Juju 4.0.15 API server and the real juju CLIs 4.0.15 and 3.6.28 kept,
// compressed, in ../shared/realjuju next to the module root (the project's
// workspace; see its README.md). They are test tools, not part of the
// module: this package only runs ../shared/realjuju/realjuju.sh, which
// unpacks them into a cache and starts and stops the server.
//
// A user's clone has no ../shared/realjuju: every function here then skips
// the calling test with one line saying so, as it does when the directory
// is there but unusable (a binary that does not unpack, a server that does
// not start), so that `go test ./...` never fails for that reason alone.
//
// One server is shared by every test of a test binary (starting one costs
// one to three seconds); the package's TestMain stops it by wrapping its
// testing.M with Main:
//
//	func TestMain(m *testing.M) { os.Exit(realjuju.Main(m).Run()) }
//
// Should the test binary die without running Main (a -timeout panic, a
// kill), a watchdog process started with the server stops it once the test
// binary is gone, so that nothing is left running.
package realjuju

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// ControllerName is the name realjuju.sh gives the server's controller in
// the JUJU_DATA it writes.
const ControllerName = "realjuju"

// CLI versions that CLI accepts.
const (
	CLI40 = "juju-4.0"
	CLI36 = "juju-3.6"
)

// Info is the server's info.json: who it is and how to log in.
type Info struct {
	ControllerUUID      string `json:"controller-uuid"`
	ControllerModelName string `json:"controller-model-name"` // "prod/controller"
	ControllerModelUUID string `json:"controller-model-uuid"`
	DefaultModelName    string `json:"default-model-name"` // "prod/test"
	DefaultModelUUID    string `json:"default-model-uuid"`
	AdminUser           string `json:"admin-user"`
	AdminPassword       string `json:"admin-password"`
	Cloud               string `json:"cloud"`
	Region              string `json:"region"`
	CACert              string `json:"ca-cert"`
	ServerVersion       string `json:"server-version"`
	TLSServerName       string `json:"tls-server-name"`
	ListenAddress       string `json:"listen-address"`
}

// Server is a running real Juju API server.
type Server struct {
	// Info is the server's info.json.
	Info Info
	// Addr is its API address, "127.0.0.1:PORT".
	Addr string
	// Port is its port.
	Port int
	// JujuData is a JUJU_DATA directory holding it as the current
	// controller (ControllerName), logged in as admin, current model
	// Info.ControllerModelName.
	JujuData string
	// State is the server's state directory (its log is server.log).
	State string

	script   string
	watchdog *exec.Cmd
	stdin    io.WriteCloser
	stopOnce sync.Once
	stopErr  error
}

// unavailable is the error of everything here when ../shared/realjuju is
// absent or unusable; the test helpers turn it into a skip.
type unavailable struct{ reason string }

func (u *unavailable) Error() string { return u.reason }

// IsUnavailable reports whether err says the real Juju tools cannot be
// used here (rather than that something went wrong with them).
func IsUnavailable(err error) bool {
	var u *unavailable
	return errors.As(err, &u)
}

// skip turns an unavailable error into a one-line skip and anything else
// into a failure.
func skip(t testing.TB, err error) {
	t.Helper()
	if IsUnavailable(err) {
		t.Skip(err.Error())
	}
	t.Fatalf("realjuju: %v", err)
}

// FindDir returns ../shared/realjuju next to the module root holding the
// working directory, or an unavailable error.
func FindDir() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", &unavailable{"skipping: no module root (go.mod) above the working directory, so no ../shared/realjuju"}
		}
		dir = parent
	}
	return checkDir(filepath.Join(filepath.Dir(dir), "shared", "realjuju"))
}

// checkDir checks that dir holds the real Juju tools.
func checkDir(dir string) (string, error) {
	if _, err := os.Stat(dir); err != nil {
		return "", &unavailable{fmt.Sprintf("skipping: %s is absent (the real Juju test tools; only the project's workspace has them)", dir)}
	}
	for _, f := range []string{"realjuju.sh", "server.xz", "juju-4.0.xz", "juju-3.6.xz"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			return "", &unavailable{fmt.Sprintf("skipping: %s is incomplete (no %s)", dir, f)}
		}
	}
	return dir, nil
}

// Dir returns the real Juju tools' directory, skipping the test when it is
// absent.
func Dir(t testing.TB) string {
	t.Helper()
	dir, err := FindDir()
	if err != nil {
		skip(t, err)
	}
	return dir
}

// unpackMu serialises unpacking within the process (realjuju.sh is safe
// across processes; this only avoids doing the work twice here).
var unpackMu sync.Mutex

// Path unpacks (once, cached) the named tool of dir, "juju-4.0", "juju-3.6"
// or "server", and returns its path.
func Path(ctx context.Context, dir, name string) (string, error) {
	unpackMu.Lock()
	defer unpackMu.Unlock()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, filepath.Join(dir, "realjuju.sh"), "path", name)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", &unavailable{fmt.Sprintf("skipping: %s cannot unpack %s: %v: %s", dir, name, err, oneLine(stderr.String()))}
	}
	p := strings.TrimSpace(stdout.String())
	if st, err := os.Stat(p); err != nil || st.Mode()&0o111 == 0 {
		return "", &unavailable{fmt.Sprintf("skipping: %s unpacked %s to %q, which is not an executable", dir, name, p)}
	}
	return p, nil
}

// CLI returns the path of the real juju CLI, CLI40 or CLI36, skipping the
// test when it is unavailable.
func CLI(t testing.TB, version string) string {
	t.Helper()
	dir := Dir(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	p, err := Path(ctx, dir, version)
	if err != nil {
		skip(t, err)
	}
	return p
}

// StartOptions are the options of Start; nil means defaults.
type StartOptions struct {
	// Port is the port to try first; 0 means a free one. When the port is
	// in use (or taken before the server binds it), Start retries on
	// free ports.
	Port int
	// Attempts is how many ports to try; 0 means 5.
	Attempts int
	// KubernetesCloud adds the Kubernetes cloud "caascloud" (credential
	// "dummy-credential") next to "dummy" (REALJUJU_K8S_CLOUD=1); models
	// then need a cloud named, as on any controller with two clouds.
	KubernetesCloud bool
}

// KubernetesCloud and KubernetesCredential are the Kubernetes cloud a
// server started with StartOptions.KubernetesCloud has, and its
// credential.
const (
	KubernetesCloud      = "caascloud"
	KubernetesCredential = "dummy-credential"
)

// Start starts a real Juju API server from dir (see FindDir). The caller
// stops it with Stop.
func Start(ctx context.Context, dir string, opts *StartOptions) (*Server, error) {
	if opts == nil {
		opts = &StartOptions{}
	}
	attempts := opts.Attempts
	if attempts <= 0 {
		attempts = 5
	}
	if _, err := Path(ctx, dir, "server"); err != nil {
		return nil, err
	}
	var errs []error
	port := opts.Port
	for range attempts {
		if port == 0 || portBusy(port) {
			p, err := freePort()
			if err != nil {
				return nil, err
			}
			port = p
		}
		s, err := startOn(ctx, dir, port, opts.KubernetesCloud)
		if err == nil {
			return s, nil
		}
		if ctx.Err() != nil {
			return nil, err
		}
		errs = append(errs, err)
		port = 0
	}
	return nil, &unavailable{fmt.Sprintf("skipping: the real Juju server of %s does not start: %v", dir, oneLine(errors.Join(errs...).Error()))}
}

// startOn runs realjuju.sh start on port.
func startOn(ctx context.Context, dir string, port int, k8s bool) (*Server, error) {
	script := filepath.Join(dir, "realjuju.sh")
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, script, "start", "--port", strconv.Itoa(port))
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if k8s {
		cmd.Env = append(os.Environ(), "REALJUJU_K8S_CLOUD=1")
	}
	// The server runs on in the background, holding the script's output
	// pipes open: give them up once the script has exited.
	cmd.WaitDelay = time.Second
	runErr := cmd.Run()
	vars := parseExports(stdout.String())
	if runErr != nil && vars["REALJUJU_PORT"] == "" {
		return nil, fmt.Errorf("port %d: %w: %s", port, runErr, oneLine(stderr.String()))
	}
	s := &Server{script: script, Port: port, Addr: "127.0.0.1:" + strconv.Itoa(port), JujuData: vars["JUJU_DATA"], State: vars["REALJUJU_STATE"]}
	// From here on the server may be running: stop it on any failure.
	s.startWatchdog()
	fail := func(err error) (*Server, error) {
		_ = s.Stop()
		return nil, fmt.Errorf("port %d: %w", port, err)
	}
	if vars["REALJUJU_PORT"] != strconv.Itoa(port) || s.JujuData == "" || vars["REALJUJU_INFO"] == "" {
		return fail(fmt.Errorf("realjuju.sh start printed %q", stdout.String()))
	}
	raw, err := os.ReadFile(vars["REALJUJU_INFO"])
	if err != nil {
		return fail(err)
	}
	if err := json.Unmarshal(raw, &s.Info); err != nil {
		return fail(fmt.Errorf("cannot read %s: %w", vars["REALJUJU_INFO"], err))
	}
	if s.Info.AdminPassword == "" || s.Info.CACert == "" {
		return fail(fmt.Errorf("%s lacks the admin password or CA", vars["REALJUJU_INFO"]))
	}
	return s, nil
}

// startWatchdog starts a process, in a session of its own so that a ^C to
// the test's process group does not reach it first, that stops the server
// once its standard input closes: when Stop closes it, or when the test
// binary dies and the kernel closes it.
func (s *Server) startWatchdog() {
	cmd := exec.Command("/bin/sh", "-c", `cat >/dev/null; "$0" stop --port "$1" >/dev/null 2>&1; rm -rf "$2"`,
		s.script, strconv.Itoa(s.Port), s.State)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	stdin, err := cmd.StdinPipe()
	if err == nil {
		err = cmd.Start()
	}
	if err != nil {
		return // Stop still stops the server itself
	}
	s.watchdog, s.stdin = cmd, stdin
}

// Stop stops the server and removes its state directory. It is idempotent.
func (s *Server) Stop() error {
	s.stopOnce.Do(func() {
		if s.watchdog != nil {
			_ = s.stdin.Close()
			s.stopErr = s.watchdog.Wait()
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		out, err := exec.CommandContext(ctx, s.script, "stop", "--port", strconv.Itoa(s.Port)).CombinedOutput()
		if err != nil {
			s.stopErr = fmt.Errorf("cannot stop the real Juju server on port %d: %w: %s", s.Port, err, oneLine(string(out)))
			return
		}
		if s.State != "" {
			_ = os.RemoveAll(s.State)
		}
	})
	return s.stopErr
}

// The shared server.
var shared struct {
	mu  sync.Mutex
	srv *Server
	err error // a failed start is not retried
}

// Shared returns the server shared by the tests of this test binary,
// starting it the first time; Main stops it. It skips the test when the
// real Juju tools are absent or unusable.
func Shared(t testing.TB) *Server {
	t.Helper()
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.srv == nil && shared.err == nil {
		dir, err := FindDir()
		if err == nil {
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			shared.srv, err = Start(ctx, dir, nil)
			cancel()
		}
		shared.err = err
	}
	if shared.err != nil {
		skip(t, shared.err)
	}
	return shared.srv
}

// The shared server with a Kubernetes cloud.
var sharedK8s struct {
	mu  sync.Mutex
	srv *Server
	err error
}

// SharedKubernetes returns a second shared server, started with
// StartOptions.KubernetesCloud the first time it is asked for; Main stops
// it. It skips the test when the real Juju tools are absent or unusable.
func SharedKubernetes(t testing.TB) *Server {
	t.Helper()
	sharedK8s.mu.Lock()
	defer sharedK8s.mu.Unlock()
	if sharedK8s.srv == nil && sharedK8s.err == nil {
		dir, err := FindDir()
		if err == nil {
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			sharedK8s.srv, err = Start(ctx, dir, &StartOptions{KubernetesCloud: true})
			cancel()
		}
		sharedK8s.err = err
	}
	if sharedK8s.err != nil {
		skip(t, sharedK8s.err)
	}
	return sharedK8s.srv
}

// StopShared stops the shared servers, if they were started.
func StopShared() error {
	var errs []error
	shared.mu.Lock()
	if shared.srv != nil {
		errs = append(errs, shared.srv.Stop())
	}
	shared.srv, shared.err = nil, nil
	shared.mu.Unlock()
	sharedK8s.mu.Lock()
	if sharedK8s.srv != nil {
		errs = append(errs, sharedK8s.srv.Stop())
	}
	sharedK8s.srv, sharedK8s.err = nil, nil
	sharedK8s.mu.Unlock()
	return errors.Join(errs...)
}

// TestingM is what a TestMain runs: *testing.M, or a wrapper of it (the
// shape of goleak.TestingM).
type TestingM interface {
	Run() int
}

// Main wraps m so that running it also stops the shared server once the
// tests have run.
func Main(m TestingM) TestingM { return mainM{m} }

type mainM struct{ m TestingM }

func (w mainM) Run() int {
	code := w.m.Run()
	if err := StopShared(); err != nil {
		fmt.Fprintf(os.Stderr, "realjuju: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// parseExports reads realjuju.sh's "export NAME=VALUE" lines.
func parseExports(s string) map[string]string {
	vars := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		line, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "export ")
		if !ok {
			continue
		}
		if k, v, ok := strings.Cut(line, "="); ok {
			vars[k] = strings.Trim(v, `"'`)
		}
	}
	return vars
}

// freePort asks the kernel for a free loopback port.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// portBusy reports whether something listens on the loopback port.
func portBusy(port int) bool {
	c, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), time.Second)
	if err != nil {
		return false
	}
	_ = c.Close()
	return true
}

// oneLine squeezes s onto one line for a skip or error message.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 300 {
		s = s[:300] + "..."
	}
	return s
}
