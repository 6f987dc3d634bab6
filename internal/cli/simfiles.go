package cli

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/crypto/ssh"

	"github.com/gojuju/juju/jujudata"
)

// sshKeyBits is the size of the RSA key pair gojuju sim leaves in
// JUJU_DATA/ssh when there is none, as a bootstrap does.
const sshKeyBits = 2048

// writeClientFiles writes what a bootstrap leaves in JUJU_DATA besides
// the controller's entries, so that other clients start without setup:
// the controller's cookie jar cookies/<controller>.json (an empty jar:
// the simulator logs in with the admin password; python-libjuju reads the
// jar when it connects) and the client's SSH key pair ssh/juju_id_rsa and
// ssh/juju_id_rsa.pub (python-libjuju sends the public key as a new
// model's authorized-keys). An existing jar or key pair is never
// replaced. The jar goes with the controller's entries when the
// simulator unregisters (jujudata.Store.RemoveController); the key pair
// stays, as a bootstrap's does.
func writeClientFiles(store *jujudata.Store, controller string) error {
	jar := store.CookieJarPath(controller)
	if _, err := os.Stat(jar); errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(filepath.Dir(jar), 0o700); err != nil {
			return fmt.Errorf("cannot write the cookie jar: %w", err)
		}
		if err := writeNewFile(jar, []byte("[]"), 0o600); err != nil && !errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("cannot write the cookie jar: %w", err)
		}
	}
	return ensureSSHKeyPair(filepath.Join(store.Dir(), "ssh"))
}

// ensureSSHKeyPair writes juju_id_rsa (mode 0600) and juju_id_rsa.pub
// (0644) into dir (0700) unless either exists.
func ensureSSHKeyPair(dir string) error {
	priv, pub := filepath.Join(dir, "juju_id_rsa"), filepath.Join(dir, "juju_id_rsa.pub")
	for _, p := range []string{priv, pub} {
		if _, err := os.Lstat(p); !errors.Is(err, fs.ErrNotExist) {
			return nil // there is a key (or something in its place): leave it
		}
	}
	key, err := rsa.GenerateKey(rand.Reader, sshKeyBits)
	if err != nil {
		return fmt.Errorf("cannot generate the SSH key pair: %w", err)
	}
	sshPub, err := ssh.NewPublicKey(&key.PublicKey)
	if err != nil {
		return fmt.Errorf("cannot generate the SSH key pair: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("cannot write the SSH key pair: %w", err)
	}
	privPEM := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	if err := writeNewFile(priv, privPEM, 0o600); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return nil // written meanwhile by another process
		}
		return fmt.Errorf("cannot write the SSH key pair: %w", err)
	}
	line := strings.TrimSuffix(string(ssh.MarshalAuthorizedKey(sshPub)), "\n") + " juju-client-key\n"
	if err := writeNewFile(pub, []byte(line), 0o644); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("cannot write the SSH key pair: %w", err)
	}
	return nil
}

// writeNewFile creates path with data and mode, failing with fs.ErrExist
// if it exists.
func writeNewFile(path string, data []byte, mode fs.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		_ = f.Close()
		_ = os.Remove(path)
		return err
	}
	return f.Close()
}
