//go:build unix

package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestSimStopsOnSIGTERM starts gojuju sim as a test harness does, stops it
// with SIGTERM and checks that it exits cleanly after unregistering itself
// from JUJU_DATA (before, only an interrupt stopped it; SIGTERM killed it
// and left its entries behind).
func TestSimStopsOnSIGTERM(t *testing.T) {
	jujuData := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "GOJUJU_RUN_MAIN=1",
		"GOJUJU_ARGS=sim --listen 127.0.0.1:0 --speed instant --juju-data "+jujuData)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill() }()
	lines := bufio.NewScanner(stdout)
	var out strings.Builder
	for lines.Scan() {
		out.WriteString(lines.Text() + "\n")
		if strings.HasPrefix(lines.Text(), "Press Ctrl+C") {
			break
		}
	}
	if _, err := os.Stat(filepath.Join(jujuData, "controllers.yaml")); err != nil {
		t.Fatalf("gojuju sim did not register itself: %v\n%s%s", err, out.String(), stderr.String())
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	for lines.Scan() {
		out.WriteString(lines.Text() + "\n")
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("gojuju sim after SIGTERM: %v\n%s%s", err, out.String(), stderr.String())
	}
	if !strings.Contains(out.String(), "Stopping the simulated controller.") {
		t.Errorf("gojuju sim did not stop itself:\n%s", out.String())
	}
	data, err := os.ReadFile(filepath.Join(jujuData, "controllers.yaml"))
	if err == nil && strings.Contains(string(data), "jujusim") {
		t.Errorf("gojuju sim left its controller in JUJU_DATA after SIGTERM:\n%s", data)
	}
}
