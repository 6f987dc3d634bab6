package jujusim

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/gojuju/juju/jujusim/internal/core"
)

// The simulator's SSH server is a real SSH server (golang.org/x/crypto/ssh)
// on loopback, standing for the controller as a jump host: SSHClient.Proxy
// tells clients to go through it, and it serves each machine (and
// Kubernetes unit) reached through it (a direct-tcpip channel to the
// machine's address, port 22) as a nested SSH server with that machine's
// own host key, as SSHClient.PublicKeys reports it. Both accept the public
// keys added to a model with KeyManager.AddKeys (the jump host: those of
// any model). Commands go to the exec handlers (see ExecHandler; a machine
// with one unit answers as that unit); "scp -t" and "scp -f" copy files
// to and from an in-memory file tree per machine (see Server.WriteFile);
// an interactive shell runs each line as a command.

type sshServer struct {
	s    *Server
	ln   net.Listener
	addr string

	mu    sync.Mutex
	conns map[net.Conn]struct{}
	done  bool
	wg    sync.WaitGroup

	files fileTrees
}

// fileTrees holds the simulated machines' files.
type fileTrees struct {
	mu    sync.Mutex
	trees map[string]map[string]simFile // target key -> path -> file
}

type simFile struct {
	data []byte
	mode uint32
}

func fileTreeKey(modelUUID, target string) string { return modelUUID + "\x00" + target }

func (s *Server) startSSH(ctx context.Context, host string) error {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return fmt.Errorf("cannot start the SSH server: %w", err)
	}
	ss := &sshServer{s: s, ln: ln, addr: ln.Addr().String(), conns: map[net.Conn]struct{}{}}
	ss.files.trees = map[string]map[string]simFile{}
	s.sshSrv = ss
	s.core.SetSSHProxy(true)
	ss.wg.Add(1)
	go ss.accept()
	return nil
}

// SSHAddr returns the address ("127.0.0.1:port") of the simulator's SSH
// server, the jump host that clients go through to reach machines (give
// it to juju.SSHOptions.JumpHost).
func (s *Server) SSHAddr() string { return s.sshSrv.addr }

func (ss *sshServer) close() {
	ss.mu.Lock()
	ss.done = true
	_ = ss.ln.Close()
	for c := range ss.conns {
		_ = c.Close()
	}
	ss.mu.Unlock()
	ss.wg.Wait()
}

func (ss *sshServer) track(c net.Conn) bool {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.done {
		return false
	}
	ss.conns[c] = struct{}{}
	return true
}

func (ss *sshServer) untrack(c net.Conn) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	delete(ss.conns, c)
}

func (ss *sshServer) accept() {
	defer ss.wg.Done()
	for {
		c, err := ss.ln.Accept()
		if err != nil {
			return
		}
		if !ss.track(c) {
			_ = c.Close()
			return
		}
		ss.wg.Add(1)
		go func() {
			defer ss.wg.Done()
			defer ss.untrack(c)
			defer c.Close()
			ss.serveJump(c)
		}()
	}
}

// serveJump serves one connection to the jump host.
func (ss *sshServer) serveJump(c net.Conn) {
	cfg := &ssh.ServerConfig{
		PublicKeyCallback: func(_ ssh.ConnMetadata, key ssh.PublicKey) (*ssh.Permissions, error) {
			if ss.s.core.SSHAuthorized("", key) {
				return nil, nil
			}
			return nil, errors.New("public key not authorised in any model")
		},
		ServerVersion: "SSH-2.0-jujusim",
	}
	cfg.AddHostKey(ss.s.core.SSHJumpHostKey())
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	sc, chans, reqs, err := ssh.NewServerConn(c, cfg)
	if err != nil {
		return
	}
	_ = c.SetDeadline(time.Time{})
	defer sc.Close()
	go ssh.DiscardRequests(reqs)
	var wg sync.WaitGroup
	defer wg.Wait()
	for nc := range chans {
		if nc.ChannelType() != "direct-tcpip" {
			_ = nc.Reject(ssh.Prohibited, "the jump host only forwards to machines")
			continue
		}
		host, port, ok := parseDirectTCPIP(nc.ExtraData())
		if !ok || port != 22 {
			_ = nc.Reject(ssh.ConnectionFailed, "only port 22 of a machine can be reached")
			continue
		}
		target, ok := ss.s.core.SSHTargetByAddress(host)
		if !ok {
			_ = nc.Reject(ssh.ConnectionFailed, fmt.Sprintf("no machine has the address %s", host))
			continue
		}
		ch, creqs, err := nc.Accept()
		if err != nil {
			continue
		}
		go ssh.DiscardRequests(creqs)
		wg.Add(1)
		go func() {
			defer wg.Done()
			conn := &channelConn{Channel: ch, local: c.LocalAddr(), remote: c.RemoteAddr()}
			defer conn.Close()
			ss.serveTarget(conn, target)
		}()
	}
}

// parseDirectTCPIP reads the host and port of a direct-tcpip channel.
func parseDirectTCPIP(b []byte) (string, uint32, bool) {
	var p struct {
		Host       string
		Port       uint32
		OriginHost string
		OriginPort uint32
	}
	if err := ssh.Unmarshal(b, &p); err != nil {
		return "", 0, false
	}
	return p.Host, p.Port, true
}

// channelConn is an ssh.Channel seen as a net.Conn, for the nested SSH
// connection to a machine.
type channelConn struct {
	ssh.Channel
	local, remote net.Addr
}

func (c *channelConn) LocalAddr() net.Addr                { return c.local }
func (c *channelConn) RemoteAddr() net.Addr               { return c.remote }
func (c *channelConn) SetDeadline(t time.Time) error      { return nil }
func (c *channelConn) SetReadDeadline(t time.Time) error  { return nil }
func (c *channelConn) SetWriteDeadline(t time.Time) error { return nil }

// serveTarget serves the nested SSH connection to a machine.
func (ss *sshServer) serveTarget(c net.Conn, t core.SSHTarget) {
	cfg := &ssh.ServerConfig{
		PublicKeyCallback: func(_ ssh.ConnMetadata, key ssh.PublicKey) (*ssh.Permissions, error) {
			if ss.s.core.SSHAuthorized(t.ModelUUID, key) {
				return nil, nil
			}
			return nil, errors.New("public key not authorised in the model")
		},
		ServerVersion: "SSH-2.0-jujusim-machine",
	}
	cfg.AddHostKey(t.HostKey)
	sc, chans, reqs, err := ssh.NewServerConn(c, cfg)
	if err != nil {
		return
	}
	defer sc.Close()
	go ssh.DiscardRequests(reqs)
	var wg sync.WaitGroup
	defer wg.Wait()
	for nc := range chans {
		if nc.ChannelType() != "session" {
			_ = nc.Reject(ssh.UnknownChannelType, "only sessions")
			continue
		}
		ch, creqs, err := nc.Accept()
		if err != nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer ch.Close()
			ss.serveSession(ch, creqs, t)
		}()
	}
}

func exitStatus(ch ssh.Channel, code int) {
	_, _ = ch.SendRequest("exit-status", false, binary.BigEndian.AppendUint32(nil, uint32(code)))
}

// serveSession serves one session: exec (a command or scp) or shell.
func (ss *sshServer) serveSession(ch ssh.Channel, reqs <-chan *ssh.Request, t core.SSHTarget) {
	for req := range reqs {
		switch req.Type {
		case "pty-req", "env", "window-change":
			_ = req.Reply(true, nil)
		case "exec":
			var p struct{ Command string }
			if err := ssh.Unmarshal(req.Payload, &p); err != nil {
				_ = req.Reply(false, nil)
				continue
			}
			_ = req.Reply(true, nil)
			exitStatus(ch, ss.runCommand(ch, t, p.Command))
			return
		case "shell":
			_ = req.Reply(true, nil)
			exitStatus(ch, ss.shell(ch, t))
			return
		default:
			_ = req.Reply(false, nil)
		}
	}
}

// runCommand runs one command line and returns its exit code.
func (ss *sshServer) runCommand(ch ssh.Channel, t core.SSHTarget, command string) int {
	if args, ok := scpArgs(command); ok {
		return ss.scp(ch, t, args)
	}
	r := ss.s.core.SSHExec(t, command)
	if r.Fail != "" {
		_, _ = io.WriteString(ch.Stderr(), r.Fail+"\n")
		return 255
	}
	_, _ = io.WriteString(ch, r.Stdout)
	_, _ = io.WriteString(ch.Stderr(), r.Stderr)
	return r.Code
}

// shell runs each line read as a command until "exit" or the end of input.
func (ss *sshServer) shell(ch ssh.Channel, t core.SSHTarget) int {
	sc := bufio.NewScanner(ch)
	code := 0
	for sc.Scan() {
		line := strings.TrimSpace(strings.TrimSuffix(sc.Text(), "\r"))
		switch {
		case line == "":
			continue
		case line == "exit" || strings.HasPrefix(line, "exit "):
			if n, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(line, "exit"))); err == nil {
				return n
			}
			return code
		}
		code = ss.runCommand(ch, t, line)
	}
	return code
}

// scpArgs recognises "scp -t [flags] PATH" and "scp -f [flags] PATH".
func scpArgs(command string) ([]string, bool) {
	f := strings.Fields(command)
	if len(f) < 3 || f[0] != "scp" {
		return nil, false
	}
	return f[1:], true
}

func fileTarget(t core.SSHTarget) string {
	if t.Unit != "" {
		return t.Unit
	}
	return t.Machine
}

// scp runs the remote side of the scp protocol against the target's file
// tree: -t receives (sink), -f sends (source).
func (ss *sshServer) scp(ch ssh.Channel, t core.SSHTarget, args []string) int {
	var sink, source bool
	var target string
	for _, a := range args {
		switch {
		case a == "-t":
			sink = true
		case a == "-f":
			source = true
		case strings.HasPrefix(a, "-"):
		default:
			target = a
		}
	}
	if len(target) >= 2 && target[0] == '\'' && target[len(target)-1] == '\'' {
		target = strings.ReplaceAll(target[1:len(target)-1], `'\''`, "'")
	}
	key := fileTreeKey(t.ModelUUID, fileTarget(t))
	br := bufio.NewReader(ch)
	fail := func(format string, args ...any) int {
		msg := fmt.Sprintf(format, args...)
		_, _ = ch.Write([]byte("\x01scp: " + msg + "\n"))
		_, _ = io.WriteString(ch.Stderr(), "scp: "+msg+"\n")
		return 1
	}
	switch {
	case sink && target != "":
		if _, err := ch.Write([]byte{0}); err != nil {
			return 1
		}
		dir := path.Clean(target)
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				return 0 // the client is done
			}
			switch line[0] {
			case 'T', 'D', 'E':
				if line[0] == 'D' {
					dir = path.Join(dir, strings.TrimSpace(strings.SplitN(line, " ", 3)[2]))
				}
				if line[0] == 'E' {
					dir = path.Dir(dir)
				}
				if _, err := ch.Write([]byte{0}); err != nil {
					return 1
				}
			case 'C':
				parts := strings.SplitN(strings.TrimSuffix(line[1:], "\n"), " ", 3)
				if len(parts) != 3 {
					return fail("protocol error: %q", line)
				}
				mode, err1 := strconv.ParseUint(parts[0], 8, 32)
				size, err2 := strconv.ParseInt(parts[1], 10, 64)
				if err1 != nil || err2 != nil || size < 0 || size > 64<<20 {
					return fail("protocol error: %q", line)
				}
				if _, err := ch.Write([]byte{0}); err != nil {
					return 1
				}
				data := make([]byte, size)
				if _, err := io.ReadFull(br, data); err != nil {
					return 1
				}
				if b, err := br.ReadByte(); err != nil || b != 0 {
					return 1
				}
				dest := dir
				if ss.files.isDir(key, dir) || strings.HasSuffix(target, "/") {
					dest = path.Join(dir, parts[2])
				}
				ss.files.write(key, dest, data, uint32(mode))
				if _, err := ch.Write([]byte{0}); err != nil {
					return 1
				}
			default:
				return fail("protocol error: %q", line)
			}
		}
	case source && target != "":
		if b, err := br.ReadByte(); err != nil || b != 0 {
			return 1
		}
		f, ok := ss.files.read(key, path.Clean(target))
		if !ok {
			if r := ss.s.core.SSHExec(t, "cat "+target); r.Code == 0 && r.Stdout != "" {
				f = simFile{data: []byte(r.Stdout), mode: 0o644}
			} else {
				return fail("%s: No such file or directory", target)
			}
		}
		if _, err := fmt.Fprintf(ch, "C%04o %d %s\n", f.mode, len(f.data), path.Base(target)); err != nil {
			return 1
		}
		if b, err := br.ReadByte(); err != nil || b != 0 {
			return 1
		}
		if _, err := ch.Write(append(append([]byte(nil), f.data...), 0)); err != nil {
			return 1
		}
		if b, err := br.ReadByte(); err != nil || b != 0 {
			return 1
		}
		return 0
	}
	return fail("usage: scp -t|-f PATH")
}

func (ft *fileTrees) write(key, p string, data []byte, mode uint32) {
	ft.mu.Lock()
	defer ft.mu.Unlock()
	if ft.trees[key] == nil {
		ft.trees[key] = map[string]simFile{}
	}
	ft.trees[key][p] = simFile{data: append([]byte(nil), data...), mode: mode}
}

func (ft *fileTrees) read(key, p string) (simFile, bool) {
	ft.mu.Lock()
	defer ft.mu.Unlock()
	f, ok := ft.trees[key][p]
	return f, ok
}

// isDir reports whether p is a directory: "/", a well-known one, or one
// that holds files.
func (ft *fileTrees) isDir(key, p string) bool {
	switch p {
	case "/", "/tmp", "/home/ubuntu", "/root", "/etc", "/var/log", ".", "~":
		return true
	}
	ft.mu.Lock()
	defer ft.mu.Unlock()
	for f := range ft.trees[key] {
		if strings.HasPrefix(f, p+"/") {
			return true
		}
	}
	return false
}

// WriteFile puts a file in the simulated file tree of target (a machine ID
// such as "0", or a Kubernetes unit such as "pg/0") in the model, where
// scp reads it. Paths are absolute ("/var/log/syslog").
func (s *Server) WriteFile(modelUUID, target, p string, data []byte) {
	s.sshSrv.files.write(fileTreeKey(modelUUID, target), path.Clean(p), data, 0o644)
}

// ReadFile returns a file of target's simulated file tree (one written
// with scp or WriteFile), and whether it exists.
func (s *Server) ReadFile(modelUUID, target, p string) ([]byte, bool) {
	f, ok := s.sshSrv.files.read(fileTreeKey(modelUUID, target), path.Clean(p))
	return f.data, ok
}

// Files lists the paths of target's simulated file tree, sorted.
func (s *Server) Files(modelUUID, target string) []string {
	ft := &s.sshSrv.files
	ft.mu.Lock()
	defer ft.mu.Unlock()
	var out []string
	for p := range ft.trees[fileTreeKey(modelUUID, target)] {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}
