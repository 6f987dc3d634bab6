package jujusim

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/gojuju/juju/internal/corkconn"
	"github.com/gojuju/juju/jujusim/internal/core"
)

// ErrClosed is returned by calls on a Server after Close.
var ErrClosed = errors.New("jujusim: server closed")

// Server is a running simulated Juju controller: an HTTPS/websocket server
// on a real loopback TCP port in front of an in-memory controller. All its
// methods are safe for concurrent use.
type Server struct {
	cfg     Config
	logger  *slog.Logger
	core    *core.Controller
	certs   *certs
	tlsConf *tls.Config

	// baseCtx is cancelled by Close; every connection derives from it.
	baseCtx context.Context
	cancel  context.CancelFunc

	faults faults

	mu       sync.Mutex
	closed   bool
	stopped  chan struct{} // closed when Close has finished
	addr     string        // host:port actually bound, kept across restarts
	gen      *generation
	handlers sync.WaitGroup // every HTTP handler invocation, across generations
	sshSrv   *sshServer     // the SSH jump host (sshserver.go)
}

// generation is one listener with its HTTP server and websocket connections.
// Restart ends a generation and starts the next on the same address.
type generation struct {
	ln      net.Listener
	httpSrv *http.Server
	served  chan struct{} // closed when httpSrv.Serve returned

	mu    sync.Mutex
	conns map[*websocket.Conn]func()
	wg    sync.WaitGroup // handlers of this generation
	done  bool
}

// Start starts a simulated controller as cfg describes and returns once it
// accepts connections. ctx bounds the start only; the server runs until
// Close.
func Start(ctx context.Context, cfg Config) (*Server, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	ctrl, err := newController(cfg)
	if err != nil {
		return nil, fmt.Errorf("cannot start simulator: %w", err)
	}
	if cfg.KubernetesCloud != "" {
		if err := ctrl.AddCloud(cfg.KubernetesCloud, "kubernetes"); err != nil {
			_ = ctrl.Close()
			return nil, fmt.Errorf("cannot start simulator: %w", err)
		}
	}
	s, err := startWith(ctx, cfg, ctrl)
	if err != nil {
		_ = ctrl.Close()
		return nil, err
	}
	for _, p := range cfg.Charms {
		if _, err := s.AddCharmhubCharm(p); err != nil {
			_ = s.Close()
			return nil, fmt.Errorf("cannot start simulator: %w", err)
		}
	}
	return s, nil
}

// startWith starts the transport in front of ctrl. On error the caller
// keeps ownership of ctrl.
func startWith(ctx context.Context, cfg Config, ctrl *core.Controller) (*Server, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("cannot start simulator: %w", err)
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	host, _, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("cannot start simulator: bad listen address %q: %w", cfg.Addr, err)
	}
	var extraIPs []net.IP
	if ip := net.ParseIP(host); ip != nil {
		extraIPs = append(extraIPs, ip)
	}
	certs, err := newCerts(cfg.CACert, cfg.CAKey, extraIPs)
	if err != nil {
		return nil, fmt.Errorf("cannot start simulator: %w", err)
	}
	ctrl.SetCACert(certs.caPEM)
	baseCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s := &Server{
		cfg:    cfg,
		logger: logger,
		core:   ctrl,
		certs:  certs,
		tlsConf: &tls.Config{
			MinVersion:   tls.VersionTLS12,
			Certificates: []tls.Certificate{certs.server},
		},
		baseCtx: baseCtx,
		cancel:  cancel,
		stopped: make(chan struct{}),
	}
	s.faults.init()
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", cfg.Addr)
	if err != nil {
		cancel()
		return nil, fmt.Errorf("cannot start simulator: %w", err)
	}
	s.addr = ln.Addr().String()
	if err := s.startSSH(ctx, host); err != nil {
		_ = ln.Close()
		cancel()
		return nil, fmt.Errorf("cannot start simulator: %w", err)
	}
	s.gen = s.serve(ln)
	logger.Info("jujusim started", "addr", s.addr, "juju-version", cfg.JujuVersion,
		"controller", ctrl.Name(), "controller-uuid", ctrl.UUID())
	return s, nil
}

// serve starts a new generation on ln.
func (s *Server) serve(ln net.Listener) *generation {
	g := &generation{
		ln:     ln,
		served: make(chan struct{}),
		conns:  make(map[*websocket.Conn]func()),
	}
	g.httpSrv = &http.Server{
		Handler:           s.handler(g),
		TLSConfig:         s.tlsConf,
		ReadHeaderTimeout: 30 * time.Second,
		// TLS handshake errors of clients that go away are routine.
		ErrorLog:    slog.NewLogLogger(s.logger.Handler(), slog.LevelDebug),
		BaseContext: func(net.Listener) context.Context { return s.baseCtx },
		ConnContext: withCorkConn,
	}
	tlsLn := tls.NewListener(corkconn.Listener{Listener: ln}, s.tlsConf)
	go func() {
		defer close(g.served)
		_ = g.httpSrv.Serve(tlsLn)
	}()
	return g
}

// stop ends generation g: the listener, idle HTTP connections and every
// websocket connection are closed and its handlers have returned.
func (g *generation) stop() {
	_ = g.httpSrv.Close() // closes the listener and non-hijacked connections
	<-g.served
	g.mu.Lock()
	g.done = true
	conns := make([]*websocket.Conn, 0, len(g.conns))
	for c, abort := range g.conns {
		if abort != nil {
			abort()
		}
		conns = append(conns, c)
	}
	g.mu.Unlock()
	for _, c := range conns {
		_ = c.CloseNow()
	}
	g.wg.Wait()
}

// track registers a websocket connection with g; it returns false when g
// is already stopping, in which case the caller must close c.
func (g *generation) track(c *websocket.Conn) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.done {
		return false
	}
	g.conns[c] = nil
	return true
}

// setAbort records abort, called when c is dropped or the generation
// stops, before c is closed: it stops the connection's requests that have
// not run yet, so that none runs after the client saw the drop.
func (g *generation) setAbort(c *websocket.Conn, abort func()) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if _, ok := g.conns[c]; ok {
		g.conns[c] = abort
	}
}

func (g *generation) untrack(c *websocket.Conn) {
	g.mu.Lock()
	delete(g.conns, c)
	g.mu.Unlock()
}

// dropAll closes every websocket connection of g abruptly.
func (g *generation) dropAll() int {
	g.mu.Lock()
	conns := make([]*websocket.Conn, 0, len(g.conns))
	for c, abort := range g.conns {
		if abort != nil {
			abort()
		}
		conns = append(conns, c)
	}
	g.mu.Unlock()
	for _, c := range conns {
		_ = c.CloseNow()
	}
	return len(conns)
}

// Close stops the server: the listener and every connection are closed,
// the simulated controller stops, and Close returns once all the server's
// goroutines have exited. Close is idempotent; a Close that runs while
// another is in progress waits for it to finish.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		<-s.stopped
		return nil
	}
	s.closed = true
	g := s.gen
	s.mu.Unlock()
	defer close(s.stopped)

	s.cancel()
	g.stop()
	s.sshSrv.close()
	s.handlers.Wait()
	err := s.core.Close()
	s.logger.Info("jujusim stopped", "addr", s.addr)
	return err
}

// Restart simulates a controller restart: it closes the listener and every
// connection, then listens again on the same address. The controller's
// state (models, applications, users...) is kept. It returns once the new
// listener accepts connections.
func (s *Server) Restart(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return fmt.Errorf("cannot restart simulator: %w", ErrClosed)
	}
	s.gen.stop()
	s.logger.Info("jujusim restarting", "addr", s.addr)
	var lc net.ListenConfig
	var ln net.Listener
	var err error
	// The port was ours a moment ago; binding again can fail briefly only
	// if another process grabbed it, so retry for a short while.
	for attempt := 0; ; attempt++ {
		ln, err = lc.Listen(ctx, "tcp", s.addr)
		if err == nil {
			break
		}
		if attempt >= 50 || ctx.Err() != nil {
			// Leave the server closed for business but consistent:
			// a later Restart may succeed.
			s.gen = &generation{httpSrv: &http.Server{}, served: closedChan(), conns: map[*websocket.Conn]func(){}}
			return fmt.Errorf("cannot restart simulator on %s: %w", s.addr, err)
		}
		select {
		case <-ctx.Done():
		case <-time.After(20 * time.Millisecond):
		}
	}
	s.gen = s.serve(ln)
	return nil
}

func closedChan() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}

// Addr returns the "host:port" the server listens on.
func (s *Server) Addr() string { return s.addr }

// APIAddresses returns the addresses a client should dial, in the form
// controllers.yaml stores them ("host:port", no scheme).
func (s *Server) APIAddresses() []string {
	host, port, err := net.SplitHostPort(s.addr)
	if err != nil {
		return []string{s.addr}
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		return []string{net.JoinHostPort("127.0.0.1", port)}
	}
	return []string{s.addr}
}

// CACert returns the PEM CA certificate clients must trust; the server's
// certificate is valid for the name "juju-apiserver".
func (s *Server) CACert() string { return s.certs.caPEM }

// ControllerUUID returns the controller's UUID.
func (s *Server) ControllerUUID() string { return s.core.UUID() }

// ControllerName returns the controller's name.
func (s *Server) ControllerName() string { return s.core.Name() }

// AdminUser returns the name of the controller's superuser, "admin".
func (s *Server) AdminUser() string { return "admin" }

// AdminPassword returns the admin user's password.
func (s *Server) AdminPassword() string { return s.core.AdminPassword() }

// DefaultModelUUID returns the UUID of the "default" model the admin owns.
func (s *Server) DefaultModelUUID() string { return s.core.DefaultModelUUID() }

// JujuVersion returns the Juju version the server impersonates.
func (s *Server) JujuVersion() string { return s.cfg.JujuVersion }

// handler routes the HTTP requests of generation g.
func (s *Server) handler(g *generation) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.enter(g) {
			http.Error(w, "apiserver shutdown in progress", http.StatusServiceUnavailable)
			return
		}
		defer s.handlers.Done()
		defer g.wg.Done()
		s.route(g, w, r)
	})
}

// enter registers a handler invocation; false once the server or g stops.
func (s *Server) enter(g *generation) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.done {
		return false
	}
	s.handlers.Add(1)
	g.wg.Add(1)
	return true
}

func (s *Server) route(g *generation, w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	switch {
	case p == "/api" || p == "/":
		s.serveAPI(g, w, r, "")
	case strings.HasPrefix(p, "/model/"):
		uuid, tail, _ := strings.Cut(strings.TrimPrefix(p, "/model/"), "/")
		switch tail {
		case "api":
			s.serveAPI(g, w, r, uuid)
		case "log":
			s.serveLog(g, w, r, uuid)
		case "charms":
			s.serveLegacyCharmUpload(w, r, uuid)
		default:
			s.serveResource(w, r, uuid, tail) // 404 unless an application resource
		}
	case strings.HasPrefix(p, "/model-"):
		uuid, tail, _ := strings.Cut(strings.TrimPrefix(p, "/model-"), "/")
		object, ok := strings.CutPrefix(tail, "charms/")
		if !ok || object == "" || strings.Contains(object, "/") {
			http.NotFound(w, r)
			return
		}
		s.serveCharm(w, r, uuid, object)
	case p == "/health":
		_, _ = io.WriteString(w, "running\n")
	default:
		http.NotFound(w, r)
	}
}
