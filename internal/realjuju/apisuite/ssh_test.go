package apisuite_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/gojuju/juju"
	"github.com/gojuju/juju/jujutest"
)

// SSH keys: add, list, add again, remove, as "juju add-ssh-key",
// "ssh-keys" and "remove-ssh-key" do.
func TestSSHKeys(t *testing.T) {
	run(t, func(t *testing.T, b *bed) {
		ctx := testCtx(t)
		m := b.newModel(t)
		_, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		signer, err := ssh.NewSignerFromKey(priv)
		if err != nil {
			t.Fatal(err)
		}
		line := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(signer.PublicKey()))) + " suite@" + b.name
		if err := m.AddSSHKeys(ctx, line); err != nil {
			t.Fatalf("AddSSHKeys: %v", err)
		}
		if err := m.AddSSHKeys(ctx, line); !errors.Is(err, juju.ErrAlreadyExists) {
			t.Errorf("AddSSHKeys again = %s, want ErrAlreadyExists", errCode(err))
		}
		keys, err := m.SSHKeys(ctx)
		if err != nil {
			t.Fatalf("SSHKeys: %v", err)
		}
		found := false
		for _, k := range keys {
			if k.Key == line && k.Comment == "suite@"+b.name && k.Fingerprint == ssh.FingerprintSHA256(signer.PublicKey()) {
				found = true
			}
		}
		if !found {
			t.Errorf("SSHKeys = %+v, lacks %q", keys, line)
		}
		if err := m.RemoveSSHKeys(ctx, "suite@"+b.name); err != nil {
			t.Fatalf("RemoveSSHKeys: %v", err)
		}
		if keys, err := m.SSHKeys(ctx); err != nil || len(keys) != 0 {
			t.Errorf("after removal: %+v, %v", keys, err)
		}

		// SSH to a unit: with agents the unit has an address and the
		// command runs; without, the controller knows no address.
		if err := m.AddSSHKeys(ctx, line); err != nil {
			t.Fatalf("AddSSHKeys: %v", err)
		}
		if _, err := m.Deploy(ctx, charmDir(t, "suite-db"), &juju.DeployOptions{Name: "db"}); err != nil {
			t.Fatalf("Deploy: %v", err)
		}
		opts := &juju.SSHOptions{Keys: []ssh.Signer{signer}}
		if b.Agents {
			opts.JumpHost = jujutest.Simulator(t).SSHAddr()
			if _, err := m.Exec(ctx, "db/0", "true", nil); err != nil { // the machine is up once this ran
				t.Fatalf("Exec: %v", err)
			}
		}
		sc, err := m.SSH(ctx, "db/0", opts)
		switch {
		case !b.Agents:
			if !errors.Is(err, juju.ErrSSHUnreachable) {
				t.Errorf("SSH without agents = %v, want ErrSSHUnreachable", err)
			}
		case err != nil:
			t.Errorf("SSH: %v", err)
		default:
			defer sc.Close()
			if res, err := sc.Run(ctx, "whoami"); err != nil || res.Stdout != "root\n" {
				t.Errorf("Run(whoami) = %+v, %v", res, err)
			}
		}
		if _, err := m.SSH(ctx, "db/7", opts); !errors.Is(err, juju.ErrNotFound) {
			t.Errorf("SSH(db/7) = %s, want ErrNotFound", errCode(err))
		}
	})
}
