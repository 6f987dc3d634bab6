package juju

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/gojuju/juju/jujusim"
	"github.com/gojuju/juju/status"
)

// newSSHKey makes a key pair: the signer and its authorized_keys line.
func newSSHKey(t *testing.T, comment string) (ssh.Signer, string) {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s, strings.TrimSpace(string(ssh.MarshalAuthorizedKey(s.PublicKey()))) + " " + comment
}

func TestSSHKeys(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			parallel(t)
			_, c, m := simModel(t, v)
			r := record(c)
			ctx := testCtx(t)
			signer, line := newSSHKey(t, "bob@host")
			if err := m.AddSSHKeys(ctx, line); err != nil {
				t.Fatal(err)
			}
			if b := lastParams(t, r, "KeyManager", "AddKeys"); string(b) != `{"ssh-keys":["`+line+`"],"user":"admin"}` {
				t.Errorf("AddKeys params %s", b)
			}
			keys, err := m.SSHKeys(ctx)
			if err != nil || len(keys) != 1 || keys[0].Key != line || keys[0].Comment != "bob@host" ||
				keys[0].Fingerprint != ssh.FingerprintSHA256(signer.PublicKey()) {
				t.Fatalf("SSHKeys = %+v, %v", keys, err)
			}
			if b := lastParams(t, r, "KeyManager", "ListKeys"); string(b) != `{"entities":{"entities":[{"tag":"admin"}]},"mode":true}` {
				t.Errorf("ListKeys params %s", b)
			}
			if err := m.AddSSHKeys(ctx, line); !errors.Is(err, ErrAlreadyExists) {
				t.Errorf("adding it again: %v", err)
			}
			expectNothingSent(t, r, func() {
				for _, bad := range []string{"garbage", "", line + "\n" + line} {
					if err := m.AddSSHKeys(ctx, bad); !errors.Is(err, ErrInvalidInput) {
						t.Errorf("AddSSHKeys(%q) = %v", bad, err)
					}
				}
				if err := m.AddSSHKeys(ctx); !errors.Is(err, ErrInvalidInput) {
					t.Errorf("AddSSHKeys() = %v", err)
				}
				if err := m.ImportSSHKeys(ctx, "bob"); !errors.Is(err, ErrInvalidInput) {
					t.Errorf("ImportSSHKeys(bob) = %v", err)
				}
			})
			if err := m.ImportSSHKeys(ctx, "gh:bob"); err == nil {
				t.Error("ImportSSHKeys on the simulator (no network) succeeded")
			}
			if err := m.RemoveSSHKeys(ctx, "nobody@x", "bob@host"); err != nil {
				t.Fatal(err)
			}
			if keys, err := m.SSHKeys(ctx); err != nil || len(keys) != 0 {
				t.Errorf("after removal: %+v, %v", keys, err)
			}
			// By SHA256 fingerprint and by whole key (translated to the MD5
			// fingerprints Juju 3.6 takes).
			signer2, line2 := newSSHKey(t, "carol@host")
			_, line3 := newSSHKey(t, "dan@host")
			if err := m.AddSSHKeys(ctx, line2, line3); err != nil {
				t.Fatal(err)
			}
			if err := m.RemoveSSHKeys(ctx, ssh.FingerprintSHA256(signer2.PublicKey()), line3); err != nil {
				t.Fatal(err)
			}
			if keys, err := m.SSHKeys(ctx); err != nil || len(keys) != 0 {
				t.Errorf("after removal by fingerprint and by key: %+v, %v", keys, err)
			}
		})
	}
}

func TestSSHAndSCP(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			parallel(t)
			srv, c, m := simModel(t, v)
			r := record(c)
			ctx := testCtx(t)
			deployPG(t, m, 2)
			if _, err := m.WaitForIdle(ctx, &status.WaitForIdleOptions{Apps: []string{"pg"}, IdlePeriod: time.Millisecond}); err != nil {
				t.Fatal(err)
			}
			signer, line := newSSHKey(t, "tester@ci")
			opts := &SSHOptions{Keys: []ssh.Signer{signer}, JumpHost: srv.SSHAddr()}

			// Not yet authorised.
			if _, err := m.SSH(ctx, "pg/0", opts); err == nil || errors.Is(err, ErrSSHHostKey) {
				t.Fatalf("SSH with an unknown key = %v, want an authentication failure", err)
			}
			if err := m.AddSSHKeys(ctx, line); err != nil {
				t.Fatal(err)
			}
			sc, err := m.SSH(ctx, "pg/0", opts)
			if err != nil {
				t.Fatal(err)
			}
			defer sc.Close()
			if got := r.methods(0); !slices.Contains(got, "SSHClient.AllAddresses") || !slices.Contains(got, "SSHClient.PublicKeys") || !slices.Contains(got, "SSHClient.Proxy") {
				t.Errorf("calls %v", got)
			}
			exec, err := m.Exec(ctx, "pg/0", "hostname", nil)
			if err != nil {
				t.Fatal(err)
			}
			res, err := sc.Run(ctx, "hostname")
			if err != nil || res.Stdout != exec.Stdout || res.Unit != "pg/0" || !res.Success() {
				t.Errorf("Run(hostname) = %+v, %v; exec said %q", res, err, exec.Stdout)
			}
			srv.SetExecHandler(m.UUID(), "pg/0", func(req jujusim.ExecRequest) jujusim.ExecResult {
				if req.Command == "psql -c 'select 1'" {
					return jujusim.ExecResult{Code: 2, Stdout: "partial\n", Stderr: "refused\n"}
				}
				return jujusim.DefaultExec(req)
			})
			res, err = sc.Run(ctx, "psql -c 'select 1'")
			var ee *ExecError
			if !errors.As(err, &ee) || res.Code != 2 || res.Stdout != "partial\n" || res.Stderr != "refused\n" {
				t.Errorf("Run(psql) = %+v, %v", res, err)
			}

			// Files both ways.
			if err := sc.Upload(ctx, "/tmp/config.yaml", []byte("a: 1\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			if data, ok := srv.ReadFile(m.UUID(), "0", "/tmp/config.yaml"); !ok || string(data) != "a: 1\n" {
				t.Errorf("uploaded file = %q, %v (files %v)", data, ok, srv.Files(m.UUID(), "0"))
			}
			srv.WriteFile(m.UUID(), "0", "/var/log/app.log", []byte("line 1\nline 2\n"))
			if data, err := sc.Download(ctx, "/var/log/app.log"); err != nil || string(data) != "line 1\nline 2\n" {
				t.Errorf("Download = %q, %v", data, err)
			}
			if data, err := sc.Download(ctx, "/tmp/config.yaml"); err != nil || string(data) != "a: 1\n" {
				t.Errorf("Download of the uploaded file = %q, %v", data, err)
			}
			if data, err := sc.Download(ctx, "/etc/hostname"); err != nil || string(data) != exec.Stdout {
				t.Errorf("Download(/etc/hostname) = %q, %v", data, err)
			}
			if _, err := sc.Download(ctx, "/nonexistent"); err == nil || !strings.Contains(err.Error(), "No such file") {
				t.Errorf("Download(/nonexistent) = %v", err)
			}

			// An interactive shell.
			sess, err := sc.Client().NewSession()
			if err != nil {
				t.Fatal(err)
			}
			if err := sess.RequestPty("xterm", 24, 80, ssh.TerminalModes{}); err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			sess.Stdout = &out
			in, err := sess.StdinPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := sess.Shell(); err != nil {
				t.Fatal(err)
			}
			_, _ = io.WriteString(in, "echo hello\nwhoami\nexit 3\n")
			err = sess.Wait()
			var xe *ssh.ExitError
			if !errors.As(err, &xe) || xe.ExitStatus() != 3 || out.String() != "hello\nroot\n" {
				t.Errorf("shell: %q, %v", out.String(), err)
			}
			sess.Close()

			// The leader and a machine.
			lc, err := m.SSH(ctx, "pg/leader", opts)
			if err != nil {
				t.Fatal(err)
			}
			if res, err := lc.Run(ctx, "whoami"); err != nil || res.Stdout != "root\n" || (res.Unit != "pg/0" && res.Unit != "pg/1") {
				t.Errorf("leader: %+v, %v", res, err)
			}
			lc.Close()
			mc, err := m.SSH(ctx, "1", opts)
			if err != nil {
				t.Fatal(err)
			}
			if res, err := mc.Run(ctx, "echo on 1"); err != nil || res.Stdout != "on 1\n" || res.Machine != "1" {
				t.Errorf("machine: %+v, %v", res, err)
			}
			if err := mc.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
			if err := mc.Close(); err != nil {
				t.Errorf("second Close: %v", err)
			}

			// Bad input, refused before anything is sent.
			expectNothingSent(t, r, func() {
				for _, target := range []string{"pg", "", "0/lxd", "Pg/leader"} {
					if _, err := m.SSH(ctx, target, opts); !errors.Is(err, ErrInvalidInput) {
						t.Errorf("SSH(%q) = %v", target, err)
					}
				}
				if _, err := m.SSH(ctx, "pg/0", &SSHOptions{Keys: opts.Keys, Port: 70000}); !errors.Is(err, ErrInvalidInput) {
					t.Errorf("bad port: %v", err)
				}
				if _, err := sc.Run(ctx, " "); !errors.Is(err, ErrInvalidInput) {
					t.Errorf("empty command: %v", err)
				}
			})
			if _, err := m.SSH(ctx, "pg/9", opts); !errors.Is(err, ErrNotFound) {
				t.Errorf("SSH(pg/9) = %v, want ErrNotFound", err)
			}
		})
	}
}

func TestSSHHostKeyCheck(t *testing.T) {
	good, _ := newSSHKey(t, "")
	bad, _ := newSSHKey(t, "")
	check := hostKeyCheck("pg/0", []ssh.PublicKey{good.PublicKey()})
	if err := check("10.0.0.1:22", nil, good.PublicKey()); err != nil {
		t.Errorf("the reported key was refused: %v", err)
	}
	if err := check("10.0.0.1:22", nil, bad.PublicKey()); !errors.Is(err, ErrSSHHostKey) || !strings.Contains(err.Error(), ssh.FingerprintSHA256(bad.PublicKey())) {
		t.Errorf("another key: %v", err)
	}
}

func TestSSHWithoutKeys(t *testing.T) {
	srv, _, m := simModel(t, jujusim.Juju40)
	t.Setenv("JUJU_DATA", t.TempDir())
	if _, err := m.SSH(testCtx(t), "0", &SSHOptions{JumpHost: srv.SSHAddr()}); !errors.Is(err, ErrNoSSHKey) || !errors.Is(err, ErrInvalidInput) {
		t.Errorf("SSH without keys = %v, want ErrNoSSHKey", err)
	}
}
