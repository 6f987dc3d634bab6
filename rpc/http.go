package rpc

import (
	"net"
	"net/http"
)

// HTTPClient returns an HTTP client for the controller's HTTP endpoints
// (charm upload, debug-log, ...). Requests to the connected controller's
// host use the same TLS configuration as the websocket (the pinned CA);
// requests to any other host (an identity provider, say) use
// http.DefaultTransport. It adds no authentication: set AuthHeader's headers
// on each request. The client is shared; Close releases its idle connections.
func (c *Conn) HTTPClient() *http.Client {
	c.httpMu.Lock()
	defer c.httpMu.Unlock()
	if c.http == nil {
		c.httpTr = &http.Transport{
			Proxy:           http.ProxyFromEnvironment,
			TLSClientConfig: c.tlsCfg.Clone(),
		}
		c.http = &http.Client{Transport: &hostSwitch{host: c.ep.host, controller: c.httpTr}}
	}
	return c.http
}

// BaseURL returns "https://host:port[/prefix]" of the connected controller
// ("http://" for a ws:// address). Append "/model/<uuid>/..." or other
// endpoint paths to it.
func (c *Conn) BaseURL() string { return c.ep.httpURL() }

// AuthHeader returns the headers that authenticate an HTTP request to the
// controller as the logged-in user (Basic authentication with the user tag
// and password for a password login) plus X-Juju-ClientVersion. The result is
// a new header each time; it holds credentials, so never log it.
func (c *Conn) AuthHeader() http.Header {
	h := http.Header{}
	if c.login != nil {
		for k, v := range c.login.AuthHeader() {
			h[k] = append([]string(nil), v...)
		}
	}
	h.Set("X-Juju-ClientVersion", c.version)
	return h
}

// hostSwitch sends requests for the controller's host through the controller
// transport and the rest through http.DefaultTransport.
type hostSwitch struct {
	host       string // host:port
	controller http.RoundTripper
}

func (h *hostSwitch) RoundTrip(req *http.Request) (*http.Response, error) {
	if h.isController(req) {
		return h.controller.RoundTrip(req)
	}
	return http.DefaultTransport.RoundTrip(req)
}

func (h *hostSwitch) isController(req *http.Request) bool {
	port := req.URL.Port()
	if port == "" {
		switch req.URL.Scheme {
		case "https", "wss":
			port = "443"
		default:
			port = "80"
		}
	}
	return net.JoinHostPort(req.URL.Hostname(), port) == h.host
}
