package jujutest

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/gojuju/juju"
	"github.com/gojuju/juju/jujusim"
)

// SSH opens an SSH connection to target (a unit such as "pg/0" or
// "pg/leader", or a machine ID) of m for the test, and closes it at
// cleanup. It authorises a fresh key in the model for the test (removed at
// cleanup) and, when m is on the shared simulator or on sim (nil: none),
// goes through the simulator's SSH server; on a real controller it goes
// where the controller says. It fails the test when the connection cannot
// be made.
func SSH(t testing.TB, m *juju.Model, target string, sim *jujusim.Server) *juju.SSHClient {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatalf("jujutest: %v", err)
	}
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatalf("jujutest: %v", err)
	}
	comment := "jujutest-" + strings.ReplaceAll(t.Name(), "/", "-")
	line := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(signer.PublicKey()))) + " " + comment
	if err := m.AddSSHKeys(ctx, line); err != nil {
		t.Fatalf("jujutest: %v", err)
	}
	t.Cleanup(func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(t.Context()), 30*time.Second)
		defer cancel()
		if err := m.RemoveSSHKeys(cctx, ssh.FingerprintSHA256(signer.PublicKey())); err != nil {
			t.Logf("jujutest: %v", err)
		}
	})
	opts := &juju.SSHOptions{Keys: []ssh.Signer{signer}}
	if sim == nil {
		shared.mu.Lock()
		sim = shared.sim
		shared.mu.Unlock()
	}
	if sim != nil && sim.ControllerUUID() == m.Controller().UUID() {
		opts.JumpHost = sim.SSHAddr()
	}
	sc, err := m.SSH(ctx, target, opts)
	if err != nil {
		t.Fatalf("jujutest: %v", err)
	}
	t.Cleanup(func() { _ = sc.Close() })
	return sc
}
