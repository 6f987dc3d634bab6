package rpc

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"time"
)

// DefaultClientVersion is the client version sent at login and in the
// X-Juju-ClientVersion header when Config.ClientVersion is empty: the Juju CLI
// version whose protocol this package speaks.
const DefaultClientVersion = "4.0.15"

// DefaultAPIPort is the port assumed for an address without one.
const DefaultAPIPort = "17070"

// CAServerName is the TLS server name verified against a pinned controller CA;
// controller certificates carry it as a DNS name.
const CAServerName = "juju-apiserver"

// Defaults of the Config durations.
const (
	DefaultPingInterval = 60 * time.Second
	DefaultPingTimeout  = 30 * time.Second
	DefaultDialStagger  = 50 * time.Millisecond
)

// Config says how to reach and log in to a controller. The zero value of
// every field is valid except Addrs (at least one address is needed) and
// Username (unless LoginProvider is set).
type Config struct {
	// Addrs are the controller's API addresses, as in controllers.yaml:
	// "host:port" with an optional path prefix ("lb.example.com:443/juju").
	// A "wss://" or (insecure, no TLS) "ws://" prefix is accepted.
	Addrs []string
	// CACert is the controller's CA certificate (PEM). When set, the server
	// must present a certificate issued by this CA alone, for the name
	// "juju-apiserver" whatever address is dialled.
	CACert string
	// ServerName is the name to verify when CACert is "", against the
	// system roots; the default is the address's host.
	ServerName string
	// InsecureSkipVerify disables all verification of the server's
	// certificate. Never set it outside tests.
	InsecureSkipVerify bool
	// ModelUUID selects a model connection (/model/<uuid>/api); "" means a
	// controller connection (/api).
	ModelUUID string
	// Username is the local user to log in as: "admin" or "user-admin".
	Username string
	// Password is the user's password. It is never logged.
	Password string
	// LoginProvider replaces the password login when set (Username and
	// Password are then ignored). This is where macaroon and token logins
	// plug in.
	LoginProvider LoginProvider
	// ClientVersion is sent at login and in the X-Juju-ClientVersion header;
	// the default is DefaultClientVersion.
	ClientVersion string
	// FacadeVersions holds the versions of each facade the client speaks.
	// nil means the highest version the controller offers of any facade;
	// with a non-nil map, a facade missing from it cannot be called with Call.
	FacadeVersions map[string][]int
	// Logger receives debug logs of dials and calls; nil is silent.
	Logger *slog.Logger
	// Tracer is called at the start and end of every call; nil is none.
	Tracer Tracer
	// PingInterval is the period of the Pinger.Ping liveness check: 0 means
	// DefaultPingInterval, a negative value disables pinging.
	PingInterval time.Duration
	// PingTimeout bounds each ping; 0 means DefaultPingTimeout.
	PingTimeout time.Duration
	// DialStagger is the delay between starting dials to successive
	// addresses; 0 means DefaultDialStagger.
	DialStagger time.Duration
}

// String describes the config without the password.
func (c Config) String() string {
	return fmt.Sprintf("rpc.Config{Addrs:%q ModelUUID:%q Username:%q Password:%s CACert:%t InsecureSkipVerify:%t}",
		c.Addrs, c.ModelUUID, c.Username, redacted(c.Password), c.CACert != "", c.InsecureSkipVerify)
}

// GoString is String, so that %#v does not print the password either.
func (c Config) GoString() string { return c.String() }

// LogValue logs the config without the password.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Any("addrs", c.Addrs),
		slog.String("model-uuid", c.ModelUUID),
		slog.String("user", c.Username),
		slog.String("password", redacted(c.Password)),
		slog.Bool("ca-cert", c.CACert != ""),
		slog.Bool("insecure-skip-verify", c.InsecureSkipVerify),
	)
}

func (c *Config) clientVersion() string {
	if c.ClientVersion == "" {
		return DefaultClientVersion
	}
	return c.ClientVersion
}

func durationOr(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}

// endpoint is one parsed API address.
type endpoint struct {
	addr     string // as configured
	scheme   string // "wss" or "ws"
	host     string // host:port
	hostname string // host without port or brackets
	prefix   string // path prefix without trailing slash, "" or "/juju"
}

func (e endpoint) secure() bool { return e.scheme == "wss" }

// wsURL returns the websocket URL of path on this endpoint.
func (e endpoint) wsURL(path string) string {
	return e.scheme + "://" + e.host + e.prefix + path
}

// httpURL returns the HTTP(S) base URL of this endpoint.
func (e endpoint) httpURL() string {
	scheme := "https"
	if !e.secure() {
		scheme = "http"
	}
	return scheme + "://" + e.host + e.prefix
}

func parseAddr(addr string) (endpoint, error) {
	s := strings.TrimSpace(addr)
	scheme := "wss"
	switch {
	case strings.HasPrefix(s, "wss://"):
		s = strings.TrimPrefix(s, "wss://")
	case strings.HasPrefix(s, "ws://"):
		scheme, s = "ws", strings.TrimPrefix(s, "ws://")
	case strings.Contains(s, "://"):
		return endpoint{}, fmt.Errorf("address %q: unsupported scheme", addr)
	}
	hostport, prefix, _ := strings.Cut(s, "/")
	if hostport == "" {
		return endpoint{}, fmt.Errorf("address %q: no host", addr)
	}
	if strings.ContainsAny(prefix, "?#") {
		return endpoint{}, fmt.Errorf("address %q: query or fragment not allowed", addr)
	}
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		// No port: take the whole thing as the host.
		host, port = strings.TrimSuffix(strings.TrimPrefix(hostport, "["), "]"), DefaultAPIPort
	}
	if host == "" || strings.ContainsAny(host, " /") {
		return endpoint{}, fmt.Errorf("address %q: invalid host", addr)
	}
	u, err := url.Parse(scheme + "://" + net.JoinHostPort(host, port))
	if err != nil || u.Port() == "" {
		return endpoint{}, fmt.Errorf("address %q: invalid host or port", addr)
	}
	prefix = strings.TrimRight(prefix, "/")
	if prefix != "" {
		prefix = "/" + prefix
	}
	return endpoint{addr: addr, scheme: scheme, host: net.JoinHostPort(host, port), hostname: host, prefix: prefix}, nil
}

// apiPath returns the RPC path for the model (or the controller).
func apiPath(modelUUID string) string {
	if modelUUID == "" {
		return "/api"
	}
	return "/model/" + modelUUID + "/api"
}

func validUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, r := range s {
		switch i {
		case 8, 13, 18, 23:
			if r != '-' {
				return false
			}
		default:
			if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
				return false
			}
		}
	}
	return true
}

// tlsSetup is the part of the TLS configuration shared by every address.
type tlsSetup struct {
	pool       *x509.CertPool // nil: system roots
	serverName string         // fixed name, or "" for the address's host
	insecure   bool
}

func newTLSSetup(cfg *Config) (*tlsSetup, error) {
	s := &tlsSetup{insecure: cfg.InsecureSkipVerify, serverName: cfg.ServerName}
	if cfg.CACert != "" {
		s.pool = x509.NewCertPool()
		if !s.pool.AppendCertsFromPEM([]byte(cfg.CACert)) {
			return nil, fmt.Errorf("CA certificate: no PEM certificate found")
		}
		s.serverName = CAServerName
	}
	return s, nil
}

// config returns the TLS config for dialling ep.
func (s *tlsSetup) config(ep endpoint) *tls.Config {
	name := s.serverName
	if name == "" {
		name = ep.hostname
	}
	return &tls.Config{
		MinVersion:         tls.VersionTLS12,
		RootCAs:            s.pool,
		ServerName:         name,
		InsecureSkipVerify: s.insecure, //nolint:gosec // explicitly requested by the caller
	}
}
