package juju

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/gojuju/juju/jujusim"
	"github.com/gojuju/juju/status"
)

// Without SSHOptions.Keys, the key the juju CLI keeps in JUJU_DATA/ssh is
// used.
func TestSSHUsesTheJujuDataKey(t *testing.T) {
	srv, _, m := simModel(t, jujusim.Juju40)
	ctx := testCtx(t)
	deployPG(t, m, 1)
	if _, err := m.WaitForIdle(ctx, &status.WaitForIdleOptions{Apps: []string{"pg"}, IdlePeriod: time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	t.Setenv("JUJU_DATA", dir)
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.NewSignerFromKey(key)
	if err != nil {
		t.Fatal(err)
	}
	line := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(signer.PublicKey()))) + " juju-client-key"
	block, err := ssh.MarshalPrivateKey(key, "")
	if err != nil {
		t.Fatal(err)
	}
	priv := pem.EncodeToMemory(block)
	if err := os.MkdirAll(filepath.Join(dir, "ssh"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "ssh", "juju_id_ed25519"), priv, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := m.AddSSHKeys(ctx, line); err != nil {
		t.Fatal(err)
	}
	sc, err := m.SSH(ctx, "pg/0", &SSHOptions{JumpHost: srv.SSHAddr()})
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close()
	if res, err := sc.Run(ctx, "whoami"); err != nil || res.Stdout != "root\n" {
		t.Errorf("Run = %+v, %v", res, err)
	}
	if err := os.WriteFile(filepath.Join(dir, "ssh", "juju_id_ed25519"), []byte("not a key"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := m.SSH(ctx, "pg/0", &SSHOptions{JumpHost: srv.SSHAddr()}); err == nil || !strings.Contains(err.Error(), "juju_id_ed25519") {
		t.Errorf("SSH with an unreadable key file = %v", err)
	}
}

// A jump host whose key is not the one the controller reports is refused
// before any command runs.
func TestSSHRefusesAnUnverifiedJumpHost(t *testing.T) {
	parallel(t)
	_, _, m := simModel(t, jujusim.Juju40)
	other := startSim(t, jujusim.Juju40)
	ctx := testCtx(t)
	deployPG(t, m, 1)
	if _, err := m.WaitForIdle(ctx, &status.WaitForIdleOptions{Apps: []string{"pg"}, IdlePeriod: time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	signer, line := newSSHKey(t, "x@y")
	if err := m.AddSSHKeys(ctx, line); err != nil {
		t.Fatal(err)
	}
	_, err := m.SSH(ctx, "pg/0", &SSHOptions{Keys: []ssh.Signer{signer}, JumpHost: other.SSHAddr()})
	if !errors.Is(err, ErrSSHHostKey) {
		t.Errorf("SSH through another controller's SSH server = %v, want ErrSSHHostKey", err)
	}
}

// A command's text (which may hold a password) never reaches the log.
func TestExecDoesNotLogCommands(t *testing.T) {
	parallel(t)
	srv := startSim(t, jujusim.Juju40)
	var logs bytes.Buffer
	cfg := simConfig(srv)
	cfg.Logger = newTestLogger(&logs)
	c, err := Connect(testCtx(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := testCtx(t)
	m, err := c.Model(ctx, "default")
	if err != nil {
		t.Fatal(err)
	}
	deployPG(t, m, 1)
	if _, err := m.Exec(ctx, "pg/0", "psql postgres://admin:hunter2-s3cr3t@localhost", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := m.StartExec(ctx, ExecTargets{Units: []string{"pg/9"}}, "echo hunter2-s3cr3t", nil); err == nil {
		t.Fatal("exec on a missing unit succeeded")
	}
	if logs.Len() == 0 {
		t.Fatal("nothing was logged at debug level: the check below proves nothing")
	}
	if strings.Contains(logs.String(), "hunter2-s3cr3t") {
		t.Errorf("a command reached the log:\n%s", logs.String())
	}
}
