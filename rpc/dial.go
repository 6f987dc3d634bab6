package rpc

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/gojuju/juju/internal/corkconn"
)

// DialError is returned by Dial when no address could be connected and
// logged in to. It lists every address's failure; errors.Is and errors.As
// look into each of them (so errors.Is(err, ErrUnauthorized) reports a
// refused login and errors.As finds a *RedirectError).
type DialError struct {
	Errors []*AddrError
}

// AddrError is the failure of one address.
type AddrError struct {
	Addr string
	Err  error
}

// Error returns "<addr>: <error>".
func (e *AddrError) Error() string { return e.Addr + ": " + e.Err.Error() }

// Unwrap returns the address's error.
func (e *AddrError) Unwrap() error { return e.Err }

// Error lists each address's failure.
func (e *DialError) Error() string {
	if len(e.Errors) == 1 {
		return "cannot connect to the controller at " + e.Errors[0].Error()
	}
	parts := make([]string, len(e.Errors))
	for i, ae := range e.Errors {
		parts[i] = ae.Error()
	}
	return "cannot connect to the controller: " + strings.Join(parts, "; ")
}

// Unwrap returns each address's error.
func (e *DialError) Unwrap() []error {
	errs := make([]error, len(e.Errors))
	for i, ae := range e.Errors {
		errs[i] = ae
	}
	return errs
}

var (
	errAbandoned = errors.New("dial abandoned: the login failed on another address")
	errNotTried  = errors.New("not tried: the login failed on another address")
)

// Dial connects and logs in to a controller (Config.ModelUUID "") or to one
// of its models. It starts a dial to each address in turn, Config.DialStagger
// apart (sooner when the previous one has failed), keeps the first that
// completes the TLS and websocket handshakes and the login, and cancels the
// others. A login refused by the controller (a server error) ends the dial at
// once. When no address works it returns a *DialError; an unusable Config
// gives an error matching ErrInvalidConfig.
//
// ctx bounds the whole dial, login included; the connection itself outlives
// it. There are no retries: an address that refuses or fails is reported.
func Dial(ctx context.Context, cfg Config) (*Conn, error) {
	d, err := newDialer(&cfg)
	if err != nil {
		return nil, fmt.Errorf("cannot connect to the controller: %w: %w", ErrInvalidConfig, err)
	}
	return d.dial(ctx)
}

type dialer struct {
	cfg     *Config
	eps     []endpoint
	tls     *tlsSetup
	login   LoginProvider
	path    string
	stagger time.Duration
}

func newDialer(cfg *Config) (*dialer, error) {
	if len(cfg.Addrs) == 0 {
		return nil, errors.New("no API addresses")
	}
	d := &dialer{cfg: cfg, login: cfg.LoginProvider, path: apiPath(cfg.ModelUUID), stagger: durationOr(cfg.DialStagger, DefaultDialStagger)}
	seen := make(map[string]bool)
	for _, a := range cfg.Addrs {
		ep, err := parseAddr(a)
		if err != nil {
			return nil, err
		}
		key := ep.scheme + "://" + ep.host + ep.prefix
		if seen[key] {
			continue
		}
		seen[key] = true
		d.eps = append(d.eps, ep)
	}
	if cfg.ModelUUID != "" && !validUUID(cfg.ModelUUID) {
		return nil, fmt.Errorf("model UUID %q is not a UUID", cfg.ModelUUID)
	}
	if d.login == nil {
		if cfg.Username == "" {
			return nil, errors.New("no user name")
		}
		d.login = &PasswordLogin{Username: cfg.Username, Password: cfg.Password, ClientVersion: cfg.ClientVersion}
	}
	ts, err := newTLSSetup(cfg)
	if err != nil {
		return nil, err
	}
	d.tls = ts
	return d, nil
}

type attempt struct {
	i    int
	conn *Conn
	err  error
}

func (d *dialer) dial(parent context.Context) (*Conn, error) {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()

	results := make(chan attempt, len(d.eps))
	errs := make([]error, len(d.eps))
	started, running := 0, 0
	start := func() {
		i := started
		started++
		running++
		go func() {
			c, err := d.dialOne(ctx, d.eps[i])
			results <- attempt{i: i, conn: c, err: err}
		}()
	}
	start()
	timer := time.NewTimer(d.stagger)
	defer timer.Stop()

	var winner *Conn
	refused := false // a login was refused: stop everything
	for running > 0 {
		var tick <-chan time.Time
		if winner == nil && !refused && started < len(d.eps) {
			tick = timer.C
		}
		select {
		case r := <-results:
			running--
			switch {
			case r.err == nil && winner == nil && !refused:
				winner = r.conn
				cancel()
			case r.err == nil:
				r.conn.closeNow()
			default:
				errs[r.i] = r.err
				var se *Error
				if winner == nil && !refused && errors.As(r.err, &se) {
					refused = true
					cancel()
				}
			}
			if winner == nil && !refused && started < len(d.eps) && ctx.Err() == nil && r.err != nil {
				// Do not wait for the stagger after a failure.
				start()
				timer.Reset(d.stagger)
			}
		case <-tick:
			if ctx.Err() == nil {
				start()
				timer.Reset(d.stagger)
			}
		}
	}
	if winner != nil {
		return winner, nil
	}
	de := &DialError{}
	for i, ep := range d.eps {
		err := errs[i]
		switch {
		case i >= started && refused:
			err = errNotTried
		case i >= started:
			err = fmt.Errorf("not tried: %w", context.Cause(parent))
		case refused && parent.Err() == nil && errors.Is(err, context.Canceled):
			err = errAbandoned
		}
		de.Errors = append(de.Errors, &AddrError{Addr: ep.addr, Err: err})
	}
	return nil, de
}

// dialOne opens the websocket to ep and logs in.
func (d *dialer) dialOne(ctx context.Context, ep endpoint) (*Conn, error) {
	var tlsCfg *tls.Config
	if ep.secure() {
		tlsCfg = d.tls.config(ep)
	}
	log := d.cfg.Logger
	url := ep.wsURL(d.path)
	if log != nil {
		log.LogAttrs(ctx, slog.LevelDebug, "rpc dialling", slog.String("addr", ep.addr), slog.String("url", url))
	}
	// The websocket's TCP connection (to the controller, or to a proxy)
	// is wrapped so that the writer can send several frames at once.
	var (
		ccMu sync.Mutex
		cc   *corkconn.Conn
	)
	var nd net.Dialer
	tr := &http.Transport{
		Proxy:           http.ProxyFromEnvironment,
		TLSClientConfig: tlsCfg,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			nc, err := nd.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			c := corkconn.New(nc)
			ccMu.Lock()
			cc = c
			ccMu.Unlock()
			return c, nil
		},
	}
	defer tr.CloseIdleConnections()
	hdr := http.Header{}
	hdr.Set("X-Juju-ClientVersion", d.cfg.clientVersion())
	ws, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{HTTPClient: &http.Client{Transport: tr}, HTTPHeader: hdr})
	if err != nil {
		if log != nil {
			log.LogAttrs(ctx, slog.LevelDebug, "rpc dial failed", slog.String("addr", ep.addr), slog.String("error", err.Error()))
		}
		if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
			err = fmt.Errorf("%w (%w)", ctxErr, err)
		}
		return nil, err
	}
	ccMu.Lock()
	wc := cc
	ccMu.Unlock()
	c := newConn(ctx, ws, wc, ep, tlsCfg, d.cfg, d.login)
	res, err := d.login.Login(ctx, c)
	if err == nil {
		c.info, err = newLoginInfo(res)
	}
	if err != nil {
		c.closeNow()
		if log != nil {
			log.LogAttrs(ctx, slog.LevelDebug, "rpc login failed", slog.String("addr", ep.addr), slog.String("error", err.Error()))
		}
		var ue *OutcomeUnknownError
		if errors.As(err, &ue) {
			// A login has no outcome to be unknown: the connection it
			// was on is discarded.
			err = ue.Err
		}
		return nil, fmt.Errorf("cannot log in: %w", err)
	}
	c.startPinger(ctx)
	if log != nil {
		log.LogAttrs(ctx, slog.LevelDebug, "rpc connected", slog.String("addr", ep.addr), slog.String("server-version", c.info.ServerVersion),
			slog.String("controller", c.info.ControllerTag), slog.String("model", c.info.ModelTag))
	}
	return c, nil
}
