package juju

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/ssh"

	"github.com/gojuju/juju/internal/facades"
	"github.com/gojuju/juju/internal/facades/apiclient"
)

// SSH keys of a model (KeyManager version 1, Juju 4.0 and 3.6), as
// "juju add-ssh-key", "juju ssh-keys" and "juju remove-ssh-key" manage
// them. The key's owner is the logged-in user.

// SSHKey is an authorised SSH public key of a model.
type SSHKey struct {
	// Key is the key in authorized_keys format ("ssh-ed25519 AAAA... bob@host").
	Key string
	// Fingerprint is its SHA256 fingerprint ("SHA256:9sDy...").
	Fingerprint string
	// Comment is the key's comment ("bob@host"), which also names it.
	Comment string
}

// keyUser is the user name KeyManager takes ("admin").
func (m *Model) keyUser() string { return strings.TrimSuffix(m.ctrl.user, "@local") }

// SSHKeys lists the model's authorised SSH keys (KeyManager.ListKeys).
func (m *Model) SSHKeys(ctx context.Context) ([]SSHKey, error) {
	keys, err := m.sshKeys(ctx)
	return keys, opError("list ssh keys of model", m.QualifiedName(), err)
}

func (m *Model) sshKeys(ctx context.Context) ([]SSHKey, error) {
	conn, err := m.conn(ctx)
	if err != nil {
		return nil, err
	}
	res, err := apiclient.NewKeyManagerClient(conn).ListKeys(ctx, facades.ListSSHKeys{
		Entities: facades.Entities{Entities: []facades.Entity{{Tag: m.keyUser()}}}, Mode: true})
	if err != nil {
		return nil, err
	}
	if len(res.Results) != 1 {
		return nil, fmt.Errorf("the controller returned %d results for 1 user", len(res.Results))
	}
	if e := res.Results[0].Error; e != nil {
		return nil, apiclient.ServerError(e)
	}
	keys := make([]SSHKey, 0, len(res.Results[0].Result))
	for _, line := range res.Results[0].Result {
		k := SSHKey{Key: line}
		if pk, comment, _, _, err := ssh.ParseAuthorizedKey([]byte(line)); err == nil {
			k.Fingerprint, k.Comment = ssh.FingerprintSHA256(pk), comment
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// AddSSHKeys authorises public keys (authorized_keys lines) in the model
// (KeyManager.AddKeys). A key that does not parse is refused before
// anything is sent; one the model already has gets an error matching
// ErrAlreadyExists.
func (m *Model) AddSSHKeys(ctx context.Context, keys ...string) error {
	return opError("add ssh keys to model", m.QualifiedName(), m.modifyKeys(ctx, "add", keys))
}

// RemoveSSHKeys removes keys from the model, each named by its
// fingerprint ("SHA256:..."), its comment or the whole key
// (KeyManager.DeleteKeys; Juju 3.6 takes comments and MD5 fingerprints,
// into which the others are translated). Keys the model does not have
// are ignored.
func (m *Model) RemoveSSHKeys(ctx context.Context, ids ...string) error {
	return opError("remove ssh keys from model", m.QualifiedName(), m.modifyKeys(ctx, "delete", ids))
}

// ImportSSHKeys imports the public keys of Launchpad or GitHub users
// ("lp:name", "gh:name") into the model (KeyManager.ImportKeys); the
// controller fetches them.
func (m *Model) ImportSSHKeys(ctx context.Context, ids ...string) error {
	return opError("import ssh keys to model", m.QualifiedName(), m.modifyKeys(ctx, "import", ids))
}

func (m *Model) modifyKeys(ctx context.Context, op string, keys []string) error {
	if len(keys) == 0 {
		return invalid(ErrInvalidArgument, "ssh keys", "", "give at least one")
	}
	for i, k := range keys {
		switch op {
		case "add":
			pk, _, _, rest, err := ssh.ParseAuthorizedKey([]byte(k))
			if err != nil || pk == nil || len(strings.TrimSpace(string(rest))) > 0 {
				return invalid(ErrInvalidArgument, "ssh public key", shortKey(k), "not one authorized_keys line")
			}
		case "import":
			if !strings.HasPrefix(k, "lp:") && !strings.HasPrefix(k, "gh:") || len(k) < 4 {
				return invalid(ErrInvalidArgument, "key source", k, `must be "lp:<user>" or "gh:<user>"`)
			}
		default:
			if strings.TrimSpace(k) == "" {
				return invalid(ErrInvalidArgument, "ssh key "+strconv.Itoa(i), k, "must not be empty")
			}
		}
	}
	conn, err := m.conn(ctx)
	if err != nil {
		return err
	}
	juju36 := !m.ctrl.features().juju4
	if op == "delete" && juju36 {
		if keys, err = m.md5KeyIDs(ctx, keys); err != nil {
			return err
		}
	}
	km := apiclient.NewKeyManagerClient(conn)
	args := facades.ModifyUserSSHKeys{SSHKeys: keys, User: m.keyUser()}
	var res facades.ErrorResults
	switch op {
	case "add":
		res, err = km.AddKeys(ctx, args)
	case "delete":
		res, err = km.DeleteKeys(ctx, args)
	default:
		res, err = km.ImportKeys(ctx, args)
	}
	if err != nil {
		return err
	}
	for _, r := range res.Results {
		if r.Error == nil {
			continue
		}
		se := apiclient.ServerError(r.Error)
		// Juju 4 refuses with codes; 3.6 with code-less messages, one per
		// key, naming a key it does not have "invalid" too.
		switch {
		case r.Error.Code == "public key already exists", r.Error.Code == "" && strings.HasPrefix(r.Error.Message, "duplicate ssh key: "):
			return codeWrap{se, ErrAlreadyExists}
		case op == "delete" && r.Error.Code == "" && strings.HasPrefix(r.Error.Message, "invalid ssh key: "):
			continue // a key the model does not have
		case r.Error.Code == "invalid public key", r.Error.Code == "" && strings.HasPrefix(r.Error.Message, "invalid ssh key: "):
			return codeWrap{se, ErrNotValid}
		}
		return se
	}
	return nil
}

// md5KeyIDs names keys as Juju 3.6's KeyManager.DeleteKeys takes them, by
// comment or by their MD5 fingerprint ("86:ed:1b:..."): ids given as a
// SHA256 fingerprint or a whole key are looked up among the model's keys
// and replaced by that key's MD5 fingerprint.
func (m *Model) md5KeyIDs(ctx context.Context, ids []string) ([]string, error) {
	var have []SSHKey
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id
		pk, _, _, _, err := ssh.ParseAuthorizedKey([]byte(id))
		if !strings.HasPrefix(id, "SHA256:") && err != nil {
			continue
		}
		if have == nil {
			if have, err = m.sshKeys(ctx); err != nil {
				return nil, err
			}
		}
		for _, k := range have {
			kpk, _, _, _, kerr := ssh.ParseAuthorizedKey([]byte(k.Key))
			if kerr == nil && (k.Fingerprint == id || pk != nil && k.Fingerprint == ssh.FingerprintSHA256(pk)) {
				out[i] = ssh.FingerprintLegacyMD5(kpk)
			}
		}
	}
	return out, nil
}

// shortKey abbreviates a key for an error message.
func shortKey(k string) string {
	if len(k) > 40 {
		return k[:37] + "..."
	}
	return k
}

// codeWrap is a controller error whose code this package knows but the
// common sentinels do not; it also matches kind.
type codeWrap struct {
	error
	kind error
}

func (e codeWrap) Unwrap() error        { return e.error }
func (e codeWrap) Is(target error) bool { return target == e.kind }
