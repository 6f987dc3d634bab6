package juju

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/gojuju/juju/internal/testshared"
	"github.com/gojuju/juju/jujusim"
)

// recordingProxy is a TLS reverse proxy in front of a simulator that
// records the plain HTTP requests (not the websocket upgrades) passing
// through, the way the conformance transcripts were recorded.
type recordingProxy struct {
	srv    *httptest.Server
	caPEM  string
	mu     sync.Mutex
	seen   []*http.Request
	target *url.URL
}

func newRecordingProxy(t *testing.T, sim *jujusim.Server) *recordingProxy {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "juju-apiserver"},
		DNSNames: []string{"juju-apiserver"}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM([]byte(sim.CACert())) {
		t.Fatal("bad simulator CA")
	}
	target := &url.URL{Scheme: "https", Host: sim.Addr()}
	p := &recordingProxy{target: target, caPEM: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))}
	rp := httputil.NewSingleHostReverseProxy(target)
	rp.Transport = &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, ServerName: "juju-apiserver"}}
	p.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Upgrade") == "" {
			p.mu.Lock()
			p.seen = append(p.seen, r.Clone(r.Context()))
			p.mu.Unlock()
		}
		rp.ServeHTTP(w, r)
	}))
	p.srv.TLS = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
	p.srv.StartTLS()
	t.Cleanup(p.srv.Close)
	return p
}

func (p *recordingProxy) addr() string { return p.srv.Listener.Addr().(*net.TCPAddr).String() }

// TestConformanceCharmUpload checks our local charm upload against the
// real CLI's: method, path shape and the headers the controller reads.
func TestConformanceCharmUpload(t *testing.T) {
	f, err := os.Open(filepath.Join(testshared.Conformance(t), "deploy.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cli struct {
		Method  string              `json:"method"`
		Path    string              `json:"path"`
		Headers map[string][]string `json:"headers"`
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var rec struct {
			Kind string `json:"kind"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("deploy.jsonl: %v", err)
		}
		if rec.Kind == "http-request" {
			if err := json.Unmarshal(sc.Bytes(), &cli); err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	if cli.Method == "" {
		t.Fatal("no HTTP request in deploy.jsonl")
	}

	sim := startSim(t, jujusim.Juju40)
	proxy := newRecordingProxy(t, sim)
	cfg := simConfig(sim)
	cfg.Addrs, cfg.CACert = []string{proxy.addr()}, proxy.caPEM
	cfg.Model = "default"
	m, err := ConnectModel(testCtx(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if _, err := m.Deploy(testCtx(t), charmArchive(t, "tiny-db"), nil); err != nil {
		t.Fatal(err)
	}
	proxy.mu.Lock()
	defer proxy.mu.Unlock()
	if len(proxy.seen) != 1 {
		t.Fatalf("%d HTTP requests, want 1", len(proxy.seen))
	}
	ours := proxy.seen[0]
	pathShape := regexp.MustCompile(`^/model-[0-9a-f-]{36}/charms/[a-z][a-z0-9-]*-[0-9a-f]{7}$`)
	if !pathShape.MatchString(cli.Path) {
		t.Fatalf("the CLI's path %q does not have the expected shape", cli.Path)
	}
	if ours.Method != cli.Method || !pathShape.MatchString(ours.URL.Path) {
		t.Errorf("we send %s %s, the CLI %s %s", ours.Method, ours.URL.Path, cli.Method, cli.Path)
	}
	if want := "/model-" + m.UUID() + "/charms/tiny-db-"; len(ours.URL.Path) < len(want) || ours.URL.Path[:len(want)] != want {
		t.Errorf("path %q, want prefix %q", ours.URL.Path, want)
	}
	for _, h := range []string{"Content-Type", "Juju-Curl", "Authorization", "X-Juju-Clientversion"} {
		if len(cli.Headers[h]) == 0 {
			t.Errorf("the CLI sent no %s", h)
		}
		if ours.Header.Get(h) == "" {
			t.Errorf("we send no %s header (the CLI sends %v)", h, cli.Headers[h])
		}
	}
	if got, want := ours.Header.Get("Content-Type"), cli.Headers["Content-Type"][0]; got != want {
		t.Errorf("Content-Type %q, the CLI sends %q", got, want)
	}
	if got := ours.Header.Get("Juju-Curl"); got != "local:tiny-db-0" {
		t.Errorf("Juju-Curl %q", got)
	}
}
