package realjuju

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestMain(m *testing.M) { os.Exit(Main(m).Run()) }

// A missing directory is an unavailable error of one line naming it.
func TestMissingDirIsUnavailable(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "realjuju")
	_, err := checkDir(missing)
	if !IsUnavailable(err) {
		t.Fatalf("checkDir(missing) = %v, want an unavailable error", err)
	}
	if msg := err.Error(); strings.Contains(msg, "\n") || !strings.Contains(msg, missing) || !strings.HasPrefix(msg, "skipping: ") {
		t.Errorf("message %q: want one line starting with \"skipping: \" naming %s", msg, missing)
	}
}

// A directory with a corrupt archive is unavailable too: the test that
// needs it skips, it does not fail.
func TestCorruptDirIsUnavailable(t *testing.T) {
	real := Dir(t)
	corrupt := t.TempDir()
	script, err := os.ReadFile(filepath.Join(real, "realjuju.sh"))
	if err != nil {
		t.Fatal(err)
	}
	// The script from the real directory, next to archives that are not xz.
	if err := os.WriteFile(filepath.Join(corrupt, "realjuju.sh"), script, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"server.xz", "juju-4.0.xz", "juju-3.6.xz"} {
		if err := os.WriteFile(filepath.Join(corrupt, f), []byte("not xz"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("REALJUJU_CACHE", t.TempDir())
	if _, err := checkDir(corrupt); err != nil {
		t.Fatalf("checkDir: %v", err)
	}
	_, err = Start(t.Context(), corrupt, nil)
	if !IsUnavailable(err) {
		t.Fatalf("Start(corrupt) = %v, want an unavailable error", err)
	}
	if strings.Contains(err.Error(), "\n") {
		t.Errorf("message %q spans several lines", err)
	}
	_, err = Path(t.Context(), corrupt, CLI40)
	if !IsUnavailable(err) {
		t.Fatalf("Path(corrupt, %s) = %v, want an unavailable error", CLI40, err)
	}
}

// A port in use is retried on another; Stop leaves nothing behind.
func TestStartRetriesPortInUse(t *testing.T) {
	dir := Dir(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	busy := ln.Addr().(*net.TCPAddr).Port
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	s, err := Start(ctx, dir, &StartOptions{Port: busy})
	if err != nil {
		t.Fatalf("Start on busy port %d: %v", busy, err)
	}
	defer func() {
		if err := s.Stop(); err != nil {
			t.Error(err)
		}
	}()
	if s.Port == busy {
		t.Fatalf("server claims the busy port %d", busy)
	}
	if !portBusy(s.Port) {
		t.Fatalf("nothing listens on %s", s.Addr)
	}
	for _, f := range []string{"controllers.yaml", "accounts.yaml", "models.yaml"} {
		if _, err := os.Stat(filepath.Join(s.JujuData, f)); err != nil {
			t.Errorf("JUJU_DATA: %v", err)
		}
	}
	if s.Info.ServerVersion == "" || s.Info.AdminUser != "admin" {
		t.Errorf("info = %+v", s.Info)
	}
	pid := serverPID(t, s)
	if err := s.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if err := s.Stop(); err != nil {
		t.Fatalf("second Stop: %v", err)
	}
	if portBusy(s.Port) {
		t.Errorf("something still listens on %s after Stop", s.Addr)
	}
	if _, err := os.Stat("/proc/" + strconv.Itoa(pid)); err == nil {
		t.Errorf("server process %d still exists after Stop", pid)
	}
	if _, err := os.Stat(s.State); err == nil {
		t.Errorf("state directory %s left behind", s.State)
	}
}

func serverPID(t *testing.T, s *Server) int {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(s.State, "server.pid"))
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	return pid
}

// The shared server is one per test binary.
func TestShared(t *testing.T) {
	a, b := Shared(t), Shared(t)
	if a != b {
		t.Fatal("Shared started two servers")
	}
	if !portBusy(a.Port) {
		t.Fatalf("nothing listens on %s", a.Addr)
	}
}

func TestParseExports(t *testing.T) {
	got := parseExports("noise\nexport A=1\nexport JUJU_DATA=/x/y\n  export B='q'\n")
	if got["A"] != "1" || got["JUJU_DATA"] != "/x/y" || got["B"] != "q" || len(got) != 3 {
		t.Errorf("parseExports = %v", got)
	}
}
