package juju

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/crypto/ssh"

	"github.com/gojuju/juju/internal/facades"
	"github.com/gojuju/juju/internal/facades/apiclient"
	"github.com/gojuju/juju/jujudata"
)

// SSH to units and machines, with golang.org/x/crypto/ssh (no ssh binary
// is run). The SSHClient facade says where a target is (AllAddresses),
// which host keys it has (PublicKeys; every connection is checked against
// them) and whether to go through the controller as a jump host (Proxy;
// the jump host's keys are those the controller model reports for its
// machine 0).

// ErrSSHHostKey is matched by the error of a connection whose host did not
// present a key the controller reports for it.
var ErrSSHHostKey = errors.New("host key not verified")

// ErrNoSSHKey is matched when no private key was given and none was found
// in JUJU_DATA's ssh directory. It matches ErrInvalidInput.
var ErrNoSSHKey = errors.New("no ssh key")

// ErrSSHUnreachable is matched when the controller knows no address for
// the target (as "juju ssh" says "no available address(es)").
var ErrSSHUnreachable = errors.New("no available address")

// SSHOptions are the options of Model.SSH; nil means the defaults.
type SSHOptions struct {
	// User is the remote user; "" means "ubuntu".
	User string
	// Keys are the private keys to authenticate with; nil means the keys
	// the juju CLI uses, from JUJU_DATA's ssh directory (juju_id_ed25519,
	// juju_id_rsa).
	Keys []ssh.Signer
	// JumpHost is the "host:port" of the controller's SSH server when the
	// controller says to go through it; "" means the controller's API
	// host, port 22. (jujusim's is Server.SSHAddr.)
	JumpHost string
	// Port is the targets' SSH port; 0 means 22.
	Port int
}

// SSHClient is an SSH connection to a unit's machine (or a Kubernetes
// unit) or a machine. It is safe for concurrent use; Close it when done.
type SSHClient struct {
	target  string
	unit    string
	machine string
	client  *ssh.Client
	jump    *ssh.Client // nil without a jump host

	closeOnce sync.Once
	closeErr  error
}

// Client returns the underlying connection, for interactive sessions
// (NewSession, RequestPty, Shell) and anything else x/crypto/ssh offers.
func (s *SSHClient) Client() *ssh.Client { return s.client }

// Close closes the connection (and the jump host's). It is idempotent.
func (s *SSHClient) Close() error {
	s.closeOnce.Do(func() {
		err := s.client.Close()
		if s.jump != nil {
			_ = s.jump.Close()
		}
		if err != nil && !errors.Is(err, net.ErrClosed) && !errors.Is(err, io.EOF) {
			s.closeErr = err
		}
	})
	return s.closeErr
}

// sshTarget turns "pg/0", "pg/leader" or "0" into a tag.
func sshTargetTag(target string) (tag string, err error) {
	switch {
	case IsValidMachineID(target):
		return machineTag(target), nil
	case IsValidUnitName(target):
		return unitTag(target), nil
	}
	return "", invalid(ErrInvalidName, "ssh target", target, `must be a unit ("pg/0", "pg/leader") or a machine ("0")`)
}

// SSH opens an SSH connection to target: a unit ("pg/0", "pg/leader")
// or a machine ("0", "0/lxd/1"). The host key is checked against the keys
// the controller reports; the connection goes through the controller when
// it says so. Run commands with Run, copy files with Upload and Download.
// Machine models only: Juju reaches the units of a Kubernetes model
// through the Kubernetes API, not SSH (ErrNotSupported; use Exec).
func (m *Model) SSH(ctx context.Context, target string, opts *SSHOptions) (*SSHClient, error) {
	c, err := m.ssh(ctx, target, opts)
	return c, opError("ssh to", target, err)
}

func (m *Model) ssh(ctx context.Context, target string, opts *SSHOptions) (*SSHClient, error) {
	if opts == nil {
		opts = &SSHOptions{}
	}
	if opts.Port < 0 || opts.Port > 65535 {
		return nil, invalid(ErrInvalidArgument, "port", strconv.Itoa(opts.Port), "must be 0-65535")
	}
	if app, ok := strings.CutSuffix(target, "/leader"); ok {
		if err := checkApplicationName(app); err != nil {
			return nil, err
		}
	} else if _, err := sshTargetTag(target); err != nil {
		return nil, err
	}
	if m.modelType == ModelCAAS {
		// Juju reaches Kubernetes units through the Kubernetes API (exec
		// in the pod), not SSH, and Kubernetes models have no KeyManager.
		return nil, &codeError{msg: fmt.Sprintf("model %q is a Kubernetes model: its units are not reached with SSH; use Exec", m.QualifiedName()), kind: ErrNotSupported}
	}
	keys := opts.Keys
	if len(keys) == 0 {
		var err error
		if keys, err = m.ctrl.jujuSSHKeys(); err != nil {
			return nil, err
		}
	}
	user := opts.User
	if user == "" {
		user = "ubuntu"
	}
	port := opts.Port
	if port == 0 {
		port = 22
	}
	unit := ""
	if strings.HasSuffix(target, "/leader") {
		u, err := m.leaderUnit(ctx, strings.TrimSuffix(target, "/leader"))
		if err != nil {
			return nil, err
		}
		unit = u
	} else if !IsValidMachineID(target) {
		unit = target
	}
	tag := machineTag(target)
	if unit != "" {
		tag = unitTag(unit)
	}
	conn, err := m.conn(ctx)
	if err != nil {
		return nil, err
	}
	sc := apiclient.NewSSHClientClient(conn)
	ents := facades.Entities{Entities: []facades.Entity{{Tag: tag}}}
	addrs, err := sc.AllAddresses(ctx, ents)
	if err != nil {
		return nil, err
	}
	if len(addrs.Results) != 1 {
		return nil, fmt.Errorf("the controller returned %d address results for 1 target", len(addrs.Results))
	}
	if e := addrs.Results[0].Error; e != nil {
		return nil, apiclient.ServerError(e)
	}
	if len(addrs.Results[0].Addresses) == 0 {
		return nil, fmt.Errorf("%w(es) for %s", ErrSSHUnreachable, target)
	}
	hostKeys, err := sshPublicKeys(ctx, sc, tag)
	if err != nil {
		return nil, err
	}
	proxy, err := sc.Proxy(ctx)
	if err != nil {
		return nil, err
	}
	cfg := &ssh.ClientConfig{User: user, Auth: []ssh.AuthMethod{ssh.PublicKeys(keys...)}, HostKeyCallback: hostKeyCheck(target, hostKeys)}
	out := &SSHClient{target: target, unit: unit}
	if unit == "" {
		out.machine = target
	}
	var dial func(ctx context.Context, addr string) (net.Conn, error)
	if proxy.UseProxy {
		jump, err := m.sshJumpHost(ctx, opts, user, keys)
		if err != nil {
			return nil, err
		}
		out.jump = jump
		dial = func(ctx context.Context, addr string) (net.Conn, error) { return jump.DialContext(ctx, "tcp", addr) }
	} else {
		var d net.Dialer
		dial = func(ctx context.Context, addr string) (net.Conn, error) { return d.DialContext(ctx, "tcp", addr) }
	}
	var errs []error
	for _, a := range addrs.Results[0].Addresses {
		addr := net.JoinHostPort(a, strconv.Itoa(port))
		c, err := sshHandshake(ctx, dial, addr, cfg)
		if err == nil {
			out.client = c
			return out, nil
		}
		errs = append(errs, fmt.Errorf("%s: %w", addr, err))
	}
	if out.jump != nil {
		_ = out.jump.Close()
	}
	return nil, errors.Join(errs...)
}

// sshHandshake dials addr and completes the SSH handshake, within ctx.
func sshHandshake(ctx context.Context, dial func(context.Context, string) (net.Conn, error), addr string, cfg *ssh.ClientConfig) (*ssh.Client, error) {
	nc, err := dial(ctx, addr)
	if err != nil {
		return nil, err
	}
	stop := context.AfterFunc(ctx, func() { _ = nc.Close() })
	sconn, chans, reqs, err := ssh.NewClientConn(nc, addr, cfg)
	if !stop() {
		if err == nil {
			_ = sconn.Close()
		}
		return nil, ctx.Err()
	}
	if err != nil {
		_ = nc.Close()
		return nil, err
	}
	return ssh.NewClient(sconn, chans, reqs), nil
}

// sshPublicKeys returns the host keys the controller reports for tag.
func sshPublicKeys(ctx context.Context, sc *apiclient.SSHClientClient, tag string) ([]ssh.PublicKey, error) {
	res, err := sc.PublicKeys(ctx, facades.Entities{Entities: []facades.Entity{{Tag: tag}}})
	if err != nil {
		return nil, err
	}
	if len(res.Results) != 1 {
		return nil, fmt.Errorf("the controller returned %d key results for 1 target", len(res.Results))
	}
	if e := res.Results[0].Error; e != nil {
		return nil, apiclient.ServerError(e)
	}
	var keys []ssh.PublicKey
	for _, line := range res.Results[0].PublicKeys {
		k, _, _, _, err := ssh.ParseAuthorizedKey([]byte(line))
		if err != nil {
			continue
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("%w: the controller reports no host keys for %s", ErrSSHHostKey, tag)
	}
	return keys, nil
}

// hostKeyCheck accepts only one of keys.
func hostKeyCheck(target string, keys []ssh.PublicKey) ssh.HostKeyCallback {
	return func(hostname string, _ net.Addr, key ssh.PublicKey) error {
		for _, k := range keys {
			if bytes.Equal(k.Marshal(), key.Marshal()) {
				return nil
			}
		}
		return fmt.Errorf("%w: %s (%s) presented %s %s, which the controller does not report for it",
			ErrSSHHostKey, target, hostname, key.Type(), ssh.FingerprintSHA256(key))
	}
}

// sshJumpHost connects to the controller's SSH server, checking its key
// against the host keys of machine 0 of the controller model.
func (m *Model) sshJumpHost(ctx context.Context, opts *SSHOptions, user string, keys []ssh.Signer) (*ssh.Client, error) {
	addr := opts.JumpHost
	if addr == "" {
		conn, err := m.conn(ctx)
		if err != nil {
			return nil, err
		}
		host, _, err := net.SplitHostPort(conn.Addr())
		if err != nil {
			host = conn.Addr()
		}
		addr = net.JoinHostPort(host, "22")
	}
	e, err := m.ctrl.lookupModel(ctx, func(e modelEntry) bool { return e.name == "controller" }, "controller")
	if err != nil {
		return nil, fmt.Errorf("cannot verify the controller's host key: %w", err)
	}
	conn, err := m.ctrl.conn(ctx, e.uuid)
	if err != nil {
		return nil, err
	}
	hostKeys, err := sshPublicKeys(ctx, apiclient.NewSSHClientClient(conn), "machine-0")
	if err != nil {
		return nil, fmt.Errorf("cannot verify the controller's host key: %w", err)
	}
	var d net.Dialer
	cfg := &ssh.ClientConfig{User: user, Auth: []ssh.AuthMethod{ssh.PublicKeys(keys...)}, HostKeyCallback: hostKeyCheck("the controller", hostKeys)}
	dial := func(ctx context.Context, a string) (net.Conn, error) { return d.DialContext(ctx, "tcp", a) }
	c, err := sshHandshake(ctx, dial, addr, cfg)
	if err != nil {
		return nil, fmt.Errorf("cannot connect to the controller's SSH server at %s: %w", addr, err)
	}
	return c, nil
}

// jujuSSHKeys reads the private keys the juju CLI uses from JUJU_DATA.
func (c *Controller) jujuSSHKeys() ([]ssh.Signer, error) {
	dir := ""
	if c.store != nil {
		dir = c.store.Dir()
	} else if s, err := jujudata.New(jujudata.Config{}); err == nil {
		dir = s.Dir()
	}
	var signers []ssh.Signer
	for _, name := range []string{"juju_id_ed25519", "juju_id_rsa"} {
		data, err := os.ReadFile(filepath.Join(dir, "ssh", name))
		if err != nil {
			continue
		}
		s, err := ssh.ParsePrivateKey(data)
		if err != nil {
			return nil, fmt.Errorf("cannot read %s: %w", filepath.Join(dir, "ssh", name), err)
		}
		signers = append(signers, s)
	}
	if len(signers) == 0 {
		return nil, invalidf(ErrNoSSHKey, "ssh keys", filepath.Join(dir, "ssh"), "no juju_id_ed25519 or juju_id_rsa there; give SSHOptions.Keys")
	}
	return signers, nil
}

// leaderUnit returns the name of app's leader.
func (m *Model) leaderUnit(ctx context.Context, app string) (string, error) {
	st, err := m.Status(ctx, nil)
	if err != nil {
		return "", err
	}
	a, ok := st.Applications[app]
	if !ok {
		return "", notFoundf("application %q not found", app)
	}
	for name, u := range a.Units {
		if u.Leader {
			return name, nil
		}
	}
	return "", notFoundf("application %q has no leader", app)
}

// Run runs command on the target and waits for it. The result carries the
// exit code, stdout and stderr; a non-zero exit returns it with an
// *ExecError (matching ErrExecFailed). ctx ending closes the session.
func (s *SSHClient) Run(ctx context.Context, command string) (*ExecResult, error) {
	if strings.TrimSpace(command) == "" {
		return nil, opError("run over ssh on", s.target, invalid(ErrInvalidArgument, "command", command, "must not be empty"))
	}
	sess, err := s.client.NewSession()
	if err != nil {
		return nil, opError("run over ssh on", s.target, err)
	}
	defer sess.Close()
	stop := context.AfterFunc(ctx, func() { _ = sess.Close() })
	defer stop()
	var stdout, stderr bytes.Buffer
	sess.Stdout, sess.Stderr = &stdout, &stderr
	err = sess.Run(command)
	res := &ExecResult{Unit: s.unit, Machine: s.machine, Status: ActionStatusCompleted, Stdout: stdout.String(), Stderr: stderr.String()}
	var ee *ssh.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		res.Code = ee.ExitStatus()
		res.Status, res.Message = ActionStatusFailed, fmt.Sprintf("exit status %d", res.Code)
		return res, opError("run over ssh on", s.target, &ExecError{Command: command, Result: res})
	case ctx.Err() != nil:
		return nil, opError("run over ssh on", s.target, ctx.Err())
	default:
		return nil, opError("run over ssh on", s.target, err)
	}
	return res, nil
}

// Upload copies data to the remote file remotePath with mode (scp -t).
func (s *SSHClient) Upload(ctx context.Context, remotePath string, data []byte, mode os.FileMode) error {
	return opError("copy to", s.target+":"+remotePath, s.upload(ctx, remotePath, data, mode))
}

func (s *SSHClient) upload(ctx context.Context, remotePath string, data []byte, mode os.FileMode) error {
	if remotePath == "" || strings.ContainsAny(remotePath, "\n\x00") {
		return invalid(ErrInvalidArgument, "remote path", remotePath, "must be a file name")
	}
	sess, err := s.client.NewSession()
	if err != nil {
		return err
	}
	defer sess.Close()
	stop := context.AfterFunc(ctx, func() { _ = sess.Close() })
	defer stop()
	in, err := sess.StdinPipe()
	if err != nil {
		return err
	}
	outp, err := sess.StdoutPipe()
	if err != nil {
		return err
	}
	var stderr bytes.Buffer
	sess.Stderr = &stderr
	if err := sess.Start("scp -t " + shellQuote(remotePath)); err != nil {
		return err
	}
	r := bufio.NewReader(outp)
	step := func() error {
		if err := scpAck(r); err != nil {
			return err
		}
		return nil
	}
	if err := step(); err != nil {
		return err
	}
	if _, err := fmt.Fprintf(in, "C%04o %d %s\n", mode.Perm(), len(data), path.Base(remotePath)); err != nil {
		return err
	}
	if err := step(); err != nil {
		return err
	}
	if _, err := in.Write(append(append([]byte(nil), data...), 0)); err != nil {
		return err
	}
	if err := step(); err != nil {
		return err
	}
	_ = in.Close()
	if err := sess.Wait(); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("scp: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// Download returns the content of the remote file remotePath (scp -f).
func (s *SSHClient) Download(ctx context.Context, remotePath string) ([]byte, error) {
	data, err := s.download(ctx, remotePath)
	return data, opError("copy from", s.target+":"+remotePath, err)
}

func (s *SSHClient) download(ctx context.Context, remotePath string) ([]byte, error) {
	if remotePath == "" || strings.ContainsAny(remotePath, "\n\x00") {
		return nil, invalid(ErrInvalidArgument, "remote path", remotePath, "must be a file name")
	}
	sess, err := s.client.NewSession()
	if err != nil {
		return nil, err
	}
	defer sess.Close()
	stop := context.AfterFunc(ctx, func() { _ = sess.Close() })
	defer stop()
	in, err := sess.StdinPipe()
	if err != nil {
		return nil, err
	}
	outp, err := sess.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := sess.Start("scp -f " + shellQuote(remotePath)); err != nil {
		return nil, err
	}
	r := bufio.NewReader(outp)
	if _, err := in.Write([]byte{0}); err != nil {
		return nil, err
	}
	line, err := r.ReadString('\n')
	if err != nil {
		return nil, fmt.Errorf("scp: %w", err)
	}
	if line[0] == 1 || line[0] == 2 {
		return nil, fmt.Errorf("%s", strings.TrimSpace(line[1:]))
	}
	if line[0] != 'C' {
		return nil, fmt.Errorf("scp: unexpected %q", line)
	}
	parts := strings.SplitN(strings.TrimSuffix(line[1:], "\n"), " ", 3)
	if len(parts) != 3 {
		return nil, fmt.Errorf("scp: unexpected %q", line)
	}
	size, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil || size < 0 {
		return nil, fmt.Errorf("scp: unexpected %q", line)
	}
	if _, err := in.Write([]byte{0}); err != nil {
		return nil, err
	}
	data := make([]byte, size)
	if _, err := io.ReadFull(r, data); err != nil {
		return nil, err
	}
	if err := scpAck(r); err != nil {
		return nil, err
	}
	if _, err := in.Write([]byte{0}); err != nil {
		return nil, err
	}
	_ = in.Close()
	if err := sess.Wait(); err != nil && ctx.Err() == nil {
		var ee *ssh.ExitError
		if !errors.As(err, &ee) {
			return nil, err
		}
	}
	return data, nil
}

// scpAck reads one scp acknowledgement: 0, or 1/2 and a message.
func scpAck(r *bufio.Reader) error {
	b, err := r.ReadByte()
	if err != nil {
		return fmt.Errorf("scp: %w", err)
	}
	if b == 0 {
		return nil
	}
	msg, _ := r.ReadString('\n')
	return fmt.Errorf("%s", strings.TrimSpace(msg))
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-~") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
