package core

import (
	"crypto/ed25519"
	"crypto/rand"
	"slices"
	"strings"

	"golang.org/x/crypto/ssh"

	"github.com/gojuju/juju/internal/facades"
)

// SSH keys (KeyManager) and what a client needs to reach a machine with
// ssh (SSHClient): host keys, addresses, and whether to go through the
// controller. The SSH server itself is jujusim's (sshserver.go); it asks
// the core for host keys, authorised keys and exec results.

// sshKey is one authorised key of a model.
type sshKey struct {
	user        string
	line        string // the key as given, in authorized_keys format
	key         ssh.PublicKey
	fingerprint string // "SHA256:..."
	md5         string // "86:ed:1b:...", as Juju 3.6 names keys
	comment     string
}

// sshState holds the simulator's SSH keys; it lives in Controller.ssh.
type sshState struct {
	keys     map[string][]sshKey   // model UUID -> authorised keys
	hostKeys map[string]ssh.Signer // "<model uuid>/<machine id>" -> host key
	jumpKey  ssh.Signer            // the controller's (the jump host's)
	proxy    bool                  // SSHClient.Proxy's answer
}

func (c *Controller) sshs() *sshState {
	if c.ssh == nil {
		c.ssh = &sshState{keys: map[string][]sshKey{}, hostKeys: map[string]ssh.Signer{}}
	}
	return c.ssh
}

func newHostKey() ssh.Signer {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		panic(err) // crypto/rand does not fail
	}
	s, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		panic(err)
	}
	return s
}

// machineHostKey returns the host key of machine id in the model (made on
// first use).
func (c *Controller) machineHostKey(modelUUID, id string) ssh.Signer {
	st := c.sshs()
	k := modelUUID + "/" + id
	if s, ok := st.hostKeys[k]; ok {
		return s
	}
	s := newHostKey()
	st.hostKeys[k] = s
	return s
}

// SSHJumpHostKey returns the host key of the controller, the jump host
// through which clients reach machines (also reported by SSHClient.PublicKeys
// for machine 0 of the controller model).
func (c *Controller) SSHJumpHostKey() ssh.Signer {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.jumpHostKey()
}

func (c *Controller) jumpHostKey() ssh.Signer {
	st := c.sshs()
	if st.jumpKey == nil {
		st.jumpKey = newHostKey()
	}
	return st.jumpKey
}

// SetSSHProxy sets what SSHClient.Proxy answers: whether clients must go
// through the controller (jujusim's SSH server) to reach machines.
func (c *Controller) SetSSHProxy(proxy bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sshs().proxy = proxy
}

// SSHTarget is a machine or Kubernetes unit that the SSH server serves.
type SSHTarget struct {
	// ModelUUID is the target's model.
	ModelUUID string
	// Machine is the machine ID; "" for a Kubernetes unit.
	Machine string
	// Unit is the Kubernetes unit ("" for a machine).
	Unit string
	// HostKey is the target's host key.
	HostKey ssh.Signer
}

// SSHTargetByAddress finds the machine (or Kubernetes unit) with address
// addr in any model.
func (c *Controller) SSHTargetByAddress(addr string) (SSHTarget, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, m := range c.models {
		for _, mc := range m.machines {
			if mc.address == addr && mc.life != lifeDead {
				return SSHTarget{ModelUUID: m.uuid, Machine: mc.id, HostKey: c.machineHostKey(m.uuid, mc.id)}, true
			}
		}
		if m.typ != "caas" {
			continue
		}
		for _, a := range m.apps {
			for _, u := range a.units {
				if u.address == addr && u.life != lifeDead {
					return SSHTarget{ModelUUID: m.uuid, Unit: u.name, HostKey: c.machineHostKey(m.uuid, "unit-"+u.name)}, true
				}
			}
		}
	}
	return SSHTarget{}, false
}

// SSHAuthorized reports whether key is an authorised key of the model
// ("" = of any model, as for the jump host).
func (c *Controller) SSHAuthorized(modelUUID string, key ssh.PublicKey) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	fp := ssh.FingerprintSHA256(key)
	for uuid, keys := range c.sshs().keys {
		if modelUUID != "" && uuid != modelUUID {
			continue
		}
		for _, k := range keys {
			if k.fingerprint == fp {
				return true
			}
		}
	}
	return false
}

// SSHExec runs command on t through the exec handlers (see runExec), as
// the simulated machine's shell would.
func (c *Controller) SSHExec(t SSHTarget, command string) ExecResult {
	c.mu.Lock()
	defer c.mu.Unlock()
	m, ok := c.models[t.ModelUUID]
	if !ok {
		return ExecResult{Code: 255, Stderr: "model gone\n"}
	}
	var et execTarget
	if t.Unit != "" {
		u, err := c.unitByName(m, t.Unit)
		if err != nil {
			return ExecResult{Code: 255, Stderr: "unit gone\n"}
		}
		et.unit = u
	} else {
		mc, ok := m.machines[t.Machine]
		if !ok {
			return ExecResult{Code: 255, Stderr: "machine gone\n"}
		}
		et.machine = mc
		// A machine with one unit answers as that unit.
		if len(mc.units) == 1 {
			for _, u := range mc.units {
				et = execTarget{unit: u}
			}
		}
	}
	return c.runExec(m, et, command, 0)
}

// ---- KeyManager ----

// authorizedKeysConfig is the model-config key that holds a Juju 3.6
// model's authorised keys, one authorized_keys line each: KeyManager
// reads and writes it there, and clients (the juju CLI's add-model,
// python-libjuju's add_model) send the client's key in it when they
// create a model. Juju 4 keeps keys apart from model config: it ignores
// the key at model creation and refuses to set it.
const authorizedKeysConfig = "authorized-keys"

// setConfigKeys makes the authorized_keys lines of an authorized-keys
// config value the model's keys (3.6), replacing the ones it had; lines
// that do not parse are dropped, as a machine's sshd would ignore them.
func (c *Controller) setConfigKeys(m *model, v any) {
	text, _ := v.(string)
	var keys []sshKey
	for _, line := range strings.Split(text, "\n") {
		if k, err := parseKey("admin", line); err == nil {
			keys = append(keys, k)
		}
	}
	c.sshs().keys[m.uuid] = keys
}

// internalKeyComment tells Juju 3.6's own keys by their comment: the
// client's key that add-model sends and the controller's (see
// ensureSystemKey); KeyManager does not list, add or delete them.
func internalKeyComment(comment string) bool {
	return comment == "juju-client-key" || comment == "juju-system-key"
}

// parseKey parses one authorized_keys line.
func parseKey(user, line string) (sshKey, error) {
	line = strings.TrimSpace(line)
	k, comment, _, _, err := ssh.ParseAuthorizedKey([]byte(line))
	if err != nil {
		return sshKey{}, err
	}
	return sshKey{user: user, line: line, key: k, fingerprint: ssh.FingerprintSHA256(k), md5: ssh.FingerprintLegacyMD5(k), comment: comment}, nil
}

// ensureSystemKey gives a Juju 3.6 model the controller's own key
// (comment juju-system-key), which 3.6 adds to every model's
// authorized-keys: never listed, and the reason a user can remove the
// last key of their own.
func (c *Controller) ensureSystemKey(m *model) {
	st := c.sshs()
	if c.major >= 4 || slices.ContainsFunc(st.keys[m.uuid], func(k sshKey) bool { return k.comment == "juju-system-key" }) {
		return
	}
	k, err := parseKey("juju-system-key", authorizedLine(c.jumpHostKey())+" juju-system-key")
	if err != nil {
		panic(err) // the controller's own key parses
	}
	st.keys[m.uuid] = append(st.keys[m.uuid], k)
}

// addKeys36 is Juju 3.6's KeyManager.AddKeys: each key is checked on its
// own (a code-less error per refused key, in 3.6's words) and the others
// are added.
func (c *Controller) addKeys36(m *model, lines []string) facades.ErrorResults {
	st := c.sshs()
	out := facades.ErrorResults{Results: make([]facades.ErrorResult, len(lines))}
	for i, line := range lines {
		k, err := parseKey("admin", line)
		var refusal string
		switch {
		case err != nil:
			refusal = "invalid ssh key: " + line
		case internalKeyComment(k.comment):
			refusal = "may not add key with comment " + k.comment + ": " + line
		case slices.ContainsFunc(st.keys[m.uuid], func(have sshKey) bool { return have.fingerprint == k.fingerprint }):
			refusal = "duplicate ssh key: " + line
		}
		if refusal != "" {
			out.Results[i].Error = &facades.Error{Message: refusal}
			continue
		}
		st.keys[m.uuid] = append(st.keys[m.uuid], k)
	}
	return out
}

// deleteKeys36 is Juju 3.6's KeyManager.DeleteKeys: keys named by MD5
// fingerprint or comment, never an internal key nor the last one.
func (c *Controller) deleteKeys36(m *model, ids []string) (facades.ErrorResults, error) {
	st := c.sshs()
	out := facades.ErrorResults{Results: make([]facades.ErrorResult, len(ids))}
	drop := map[string]bool{}
	for i, id := range ids {
		j := slices.IndexFunc(st.keys[m.uuid], func(k sshKey) bool { return k.md5 == id })
		if j < 0 {
			j = slices.IndexFunc(st.keys[m.uuid], func(k sshKey) bool { return k.comment == id && id != "" })
			if j >= 0 && internalKeyComment(id) {
				out.Results[i].Error = &facades.Error{Message: "may not delete internal key: " + id}
				continue
			}
		}
		if j < 0 {
			out.Results[i].Error = &facades.Error{Message: "invalid ssh key: " + id}
			continue
		}
		drop[st.keys[m.uuid][j].fingerprint] = true
	}
	keep := slices.DeleteFunc(slices.Clone(st.keys[m.uuid]), func(k sshKey) bool { return drop[k.fingerprint] })
	if len(keep) == 0 {
		return facades.ErrorResults{}, newErr("", "cannot delete all keys")
	}
	st.keys[m.uuid] = keep
	return out, nil
}

// configKeys is the authorized-keys config value of a 3.6 model ("" when
// it has no keys).
func (c *Controller) configKeys(m *model) string {
	lines := make([]string, 0, len(c.sshs().keys[m.uuid]))
	for _, k := range c.sshs().keys[m.uuid] {
		lines = append(lines, k.line)
	}
	return strings.Join(lines, "\n")
}

func userOf(entity string) string {
	if u, ok := strings.CutPrefix(entity, "user-"); ok {
		return u
	}
	return entity
}

func (keyManagerFacade) AddKeys(cx *callCtx, a facades.ModifyUserSSHKeys) (facades.ErrorResults, error) {
	if err := cx.check("admin"); err != nil {
		return facades.ErrorResults{}, err
	}
	if !cx.is4() {
		return cx.c.addKeys36(cx.m, a.SSHKeys), nil
	}
	st := cx.c.sshs()
	user := userOf(a.User)
	var add []sshKey
	for _, line := range a.SSHKeys {
		k, err := parseKey(user, line)
		if err != nil {
			return facades.ErrorResults{Results: []facades.ErrorResult{{Error: &facades.Error{
				Code: "invalid public key", Message: "one or more public keys to be added for user \"" + user + "\" is invalid"}}}}, nil
		}
		add = append(add, k)
	}
	for _, k := range add {
		for _, have := range st.keys[cx.m.uuid] {
			if have.fingerprint == k.fingerprint {
				return facades.ErrorResults{Results: []facades.ErrorResult{{Error: &facades.Error{
					Code: "public key already exists", Message: "one or more public keys to be added for user \"" + user + "\" already exist"}}}}, nil
			}
		}
	}
	st.keys[cx.m.uuid] = append(st.keys[cx.m.uuid], add...)
	return facades.ErrorResults{}, nil
}

func (keyManagerFacade) DeleteKeys(cx *callCtx, a facades.ModifyUserSSHKeys) (facades.ErrorResults, error) {
	if err := cx.check("admin"); err != nil {
		return facades.ErrorResults{}, err
	}
	if !cx.is4() {
		return cx.c.deleteKeys36(cx.m, a.SSHKeys)
	}
	st := cx.c.sshs()
	keys := st.keys[cx.m.uuid][:0:0]
	for _, k := range st.keys[cx.m.uuid] {
		drop := false
		for _, id := range a.SSHKeys {
			if id == k.fingerprint || (id == k.comment && id != "") || strings.TrimSpace(id) == k.line {
				drop = true
			}
		}
		if !drop {
			keys = append(keys, k)
		}
	}
	st.keys[cx.m.uuid] = keys
	return facades.ErrorResults{}, nil
}

func (keyManagerFacade) ListKeys(cx *callCtx, a facades.ListSSHKeys) (facades.StringsResults, error) {
	if err := cx.check("read"); err != nil {
		return facades.StringsResults{}, err
	}
	out := facades.StringsResults{Results: make([]facades.StringsResult, len(a.Entities.Entities))}
	for i := range a.Entities.Entities {
		// Keys belong to the model, whoever added them. Juju 3.6 leaves
		// out its internal keys and names a key by its fingerprint and
		// comment.
		for _, k := range cx.c.sshs().keys[cx.m.uuid] {
			switch {
			case !cx.is4() && internalKeyComment(k.comment):
			case a.Mode:
				out.Results[i].Result = append(out.Results[i].Result, k.line)
			case !cx.is4() && k.comment != "":
				out.Results[i].Result = append(out.Results[i].Result, k.md5+" ("+k.comment+")")
			case !cx.is4():
				out.Results[i].Result = append(out.Results[i].Result, k.md5)
			default:
				out.Results[i].Result = append(out.Results[i].Result, k.fingerprint)
			}
		}
	}
	return out, nil
}

func (keyManagerFacade) ImportKeys(cx *callCtx, _ facades.ModifyUserSSHKeys) (facades.ErrorResults, error) {
	if err := cx.check("admin"); err != nil {
		return facades.ErrorResults{}, err
	}
	return facades.ErrorResults{}, errNotSupported("importing keys from Launchpad or GitHub is not simulated by jujusim (it has no network); add them with AddKeys")
}

// ---- SSHClient ----

// sshEntity finds the machine a tag (unit or machine) is reached on; for a
// Kubernetes unit, the unit itself.
func (c *Controller) sshEntity(m *model, tag string) (mc *machine, u *unit, err error) {
	if id, ok := machineIDFromTag(tag); ok {
		mc, ok := m.machines[id]
		if !ok {
			return nil, nil, errNotFound("machine %s not found", id)
		}
		return mc, nil, nil
	}
	u, err = c.unitByTag(m, tag)
	if err != nil {
		return nil, nil, err
	}
	if u.machine == nil {
		return nil, u, nil
	}
	return u.machine, u, nil
}

func (c *Controller) sshAddress(m *model, tag string) (string, error) {
	mc, u, err := c.sshEntity(m, tag)
	if err != nil {
		return "", err
	}
	if mc != nil {
		return mc.address, nil
	}
	return u.address, nil
}

func (sshClientFacade) AllAddresses(cx *callCtx, a facades.Entities) (facades.SSHAddressesResults, error) {
	if err := cx.check("read"); err != nil {
		return facades.SSHAddressesResults{}, err
	}
	out := facades.SSHAddressesResults{Results: make([]facades.SSHAddressesResult, len(a.Entities))}
	for i, e := range a.Entities {
		addr, err := cx.c.sshAddress(cx.m, e.Tag)
		if err != nil {
			setErr(&out.Results[i].Error, err)
			continue
		}
		out.Results[i].Addresses = []string{}
		if addr != "" {
			out.Results[i].Addresses = []string{addr}
		}
	}
	return out, nil
}

func (sshClientFacade) PrivateAddress(cx *callCtx, a facades.Entities) (facades.SSHAddressResults, error) {
	return sshOneAddress(cx, a, "private")
}

func (sshClientFacade) PublicAddress(cx *callCtx, a facades.Entities) (facades.SSHAddressResults, error) {
	return sshOneAddress(cx, a, "public")
}

func sshOneAddress(cx *callCtx, a facades.Entities, kind string) (facades.SSHAddressResults, error) {
	if err := cx.check("read"); err != nil {
		return facades.SSHAddressResults{}, err
	}
	out := facades.SSHAddressResults{Results: make([]facades.SSHAddressResult, len(a.Entities))}
	for i, e := range a.Entities {
		addr, err := cx.c.sshAddress(cx.m, e.Tag)
		if err == nil && addr == "" {
			err = newErr("", "no %s address(es)", kind)
		}
		if err != nil {
			setErr(&out.Results[i].Error, err)
			continue
		}
		out.Results[i].Address = addr
	}
	return out, nil
}

func (sshClientFacade) PublicKeys(cx *callCtx, a facades.Entities) (facades.SSHPublicKeysResults, error) {
	if err := cx.check("read"); err != nil {
		return facades.SSHPublicKeysResults{}, err
	}
	out := facades.SSHPublicKeysResults{Results: make([]facades.SSHPublicKeysResult, len(a.Entities))}
	for i, e := range a.Entities {
		if cx.m.isController && e.Tag == "machine-0" {
			out.Results[i].PublicKeys = []string{authorizedLine(cx.c.jumpHostKey())}
			continue
		}
		mc, u, err := cx.c.sshEntity(cx.m, e.Tag)
		if err != nil {
			setErr(&out.Results[i].Error, err)
			continue
		}
		id := "unit-"
		if mc != nil {
			id = mc.id
		} else {
			id += u.name
		}
		out.Results[i].PublicKeys = []string{authorizedLine(cx.c.machineHostKey(cx.m.uuid, id))}
	}
	return out, nil
}

func authorizedLine(s ssh.Signer) string {
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(s.PublicKey())))
}

func (sshClientFacade) Proxy(cx *callCtx) (facades.SSHProxyResult, error) {
	if err := cx.check("read"); err != nil {
		return facades.SSHProxyResult{}, err
	}
	return facades.SSHProxyResult{UseProxy: cx.c.sshs().proxy}, nil
}

func (sshClientFacade) ModelCredentialForSSH(cx *callCtx) (facades.CloudSpecResult, error) {
	return facades.CloudSpecResult{Error: &facades.Error{Code: CodeNotSupported, Message: "getting secret token not supported"}}, nil
}
