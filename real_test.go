package juju

import (
	"context"
	"errors"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gojuju/juju/internal/realjuju"
)

// cutProxy forwards TCP connections to a target and can cut them all at
// once, as a network failure would: the client's TLS and websocket run
// through it untouched.
type cutProxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	conns  map[net.Conn]bool
	wg     sync.WaitGroup
}

func startCutProxy(t *testing.T, target string) *cutProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{ln: ln, target: target, conns: map[net.Conn]bool{}}
	p.wg.Add(1)
	go p.accept()
	t.Cleanup(p.close)
	return p
}

func (p *cutProxy) addr() string { return p.ln.Addr().String() }

func (p *cutProxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		up, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns[c], p.conns[up] = true, true
		p.mu.Unlock()
		p.wg.Add(2)
		pipe := func(dst, src net.Conn) {
			defer p.wg.Done()
			_, _ = io.Copy(dst, src)
			dst.Close()
			src.Close()
		}
		go pipe(up, c)
		go pipe(c, up)
	}
}

// cut closes every proxied connection.
func (p *cutProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for c := range p.conns {
		c.Close()
	}
	clear(p.conns)
}

func (p *cutProxy) close() {
	p.ln.Close()
	p.cut()
	p.wg.Wait()
}

// On the real Juju 4.0 server, through a proxy that cuts the connection
// a moment after a write was sent (so that the request reaches the server
// and its reply is lost, or not), every secret write still succeeds
// exactly once, and reads ride through the cuts.
func TestRealServerCutWrites(t *testing.T) {
	srv := realjuju.Shared(t)
	p := startCutProxy(t, srv.Addr)
	c, err := Connect(testCtx(t), Config{Addrs: []string{p.addr()}, CACert: srv.Info.CACert,
		Username: srv.Info.AdminUser, Password: srv.Info.AdminPassword, ModelUUID: srv.Info.DefaultModelUUID, PingInterval: -1})
	if err != nil {
		t.Fatalf("Connect through the proxy: %v", err)
	}
	defer c.Close()
	m, err := c.Model(testCtx(t), "")
	if err != nil {
		t.Fatal(err)
	}
	ctx := testCtx(t)
	var unknown atomic.Int32
	defer c.onMutation(func(_ context.Context, mu mutation) {
		if mu.Unknown {
			unknown.Add(1)
		}
	})()
	// Cut the connection d after the first write of the secrets facade
	// once armed (not after the operation's own resends).
	var delay atomic.Int64
	var armed atomic.Bool
	var cuts sync.WaitGroup
	h := func(f string, _ int, meth string, _ any) {
		if (f == "Secrets" && (meth == "CreateSecrets" || meth == "UpdateSecrets") || f == "ModelConfig" && meth == "ModelSet") && armed.CompareAndSwap(true, false) {
			d := time.Duration(delay.Load())
			cuts.Add(1)
			go func() {
				defer cuts.Done()
				time.Sleep(d)
				p.cut()
			}()
		}
	}
	c.requestHook.Store(&h)
	defer c.requestHook.Store(nil)
	const n = 12
	names := make([]string, n)
	for i := range n {
		delay.Store(int64(time.Duration(i%4) * time.Millisecond))
		names[i] = "rel-cut-" + time.Now().Format("150405") + "-" + string(rune('a'+i))
		armed.Store(true)
		if _, err := m.AddSecret(ctx, names[i], map[string]string{"value": "one"}, nil); err != nil {
			t.Fatalf("AddSecret %d through cuts: %v", i, err)
		}
		cuts.Wait()
		armed.Store(true)
		if err := m.UpdateSecret(ctx, names[i], map[string]string{"value": "two"}, nil); err != nil {
			t.Fatalf("UpdateSecret %d through cuts: %v", i, err)
		}
		cuts.Wait()
		armed.Store(true)
		want := "<root>=WARNING;unit.rel" + string(rune('a'+i)) + "=DEBUG"
		if err := m.SetConfig(ctx, map[string]any{"logging-config": want}); err != nil {
			t.Fatalf("SetConfig %d through cuts: %v", i, err)
		}
		cuts.Wait()
		cfg, err := m.Config(ctx)
		if err != nil {
			t.Fatalf("Config after a cut: %v", err)
		}
		if got, _ := cfg["logging-config"].Value.(string); got != want {
			t.Fatalf("logging-config = %q after SetConfig through a cut, want %q", got, want)
		}
		if _, err := m.Status(ctx, nil); err != nil {
			t.Fatalf("Status after a cut: %v", err)
		}
	}
	c.requestHook.Store(nil)
	for i := range n {
		s, err := m.Secret(ctx, names[i], &SecretOptions{Reveal: true})
		if err != nil {
			t.Fatalf("secret %s: %v", names[i], err)
		}
		if len(s.Revisions) != 2 || s.Content["value"] != "two" {
			t.Errorf("secret %s: %d revisions, content %v; want 2 revisions, the last one updated", names[i], len(s.Revisions), s.Content)
		}
		if err := m.RemoveSecret(ctx, names[i], nil); err != nil && !errors.Is(err, ErrNotFound) {
			t.Errorf("cleanup of %s: %v", names[i], err)
		}
	}
	t.Logf("real server: %d writes through cuts; %d secret writes had an unknown outcome, resolved by reading the secret (config writes are resent)", 3*n, unknown.Load())
}
