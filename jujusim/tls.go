package jujusim

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"time"
)

// serverName is the DNS name every Juju controller certificate carries and
// clients verify when they pin the controller CA.
const serverName = "juju-apiserver"

// certs holds the CA (PEM, for users) and the server's TLS certificate.
type certs struct {
	caPEM  string
	server tls.Certificate
}

// newCerts returns the simulator's certificates: the given CA when caCert
// and caKey are set (both PEM), otherwise a freshly generated ECDSA CA; and
// a server certificate signed by that CA for "juju-apiserver", "localhost",
// 127.0.0.1, ::1 and any extra IPs.
func newCerts(caCertPEM, caKeyPEM string, extraIPs []net.IP) (*certs, error) {
	var (
		caCert *x509.Certificate
		caKey  crypto.Signer
		err    error
	)
	switch {
	case caCertPEM == "" && caKeyPEM == "":
		caCert, caKey, caCertPEM, err = generateCA()
		if err != nil {
			return nil, err
		}
	case caCertPEM == "" || caKeyPEM == "":
		return nil, errors.New("cannot use CA: CACert and CAKey must be given together")
	default:
		caCert, caKey, err = parseCA(caCertPEM, caKeyPEM)
		if err != nil {
			return nil, err
		}
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("cannot generate server key: %w", err)
	}
	ips := []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}
	for _, ip := range extraIPs {
		if ip != nil && !ip.IsUnspecified() {
			ips = append(ips, ip)
		}
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: randomSerial(),
		Subject:      pkix.Name{CommonName: "*", Organization: []string{"jujusim"}},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(10 * 365 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     []string{serverName, "localhost"},
		IPAddresses:  ips,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &key.PublicKey, caKey)
	if err != nil {
		return nil, fmt.Errorf("cannot sign server certificate: %w", err)
	}
	return &certs{
		caPEM: caCertPEM,
		server: tls.Certificate{
			Certificate: [][]byte{der},
			PrivateKey:  key,
		},
	}, nil
}

func generateCA() (*x509.Certificate, crypto.Signer, string, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, "", fmt.Errorf("cannot generate CA key: %w", err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          randomSerial(),
		Subject:               pkix.Name{CommonName: "jujusim CA", Organization: []string{"jujusim"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(10 * 365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLen:            0,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, "", fmt.Errorf("cannot create CA certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, "", fmt.Errorf("cannot parse CA certificate: %w", err)
	}
	return cert, key, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})), nil
}

func parseCA(certPEM, keyPEM string) (*x509.Certificate, crypto.Signer, error) {
	block, _ := pem.Decode([]byte(certPEM))
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, nil, errors.New("cannot use CA: CACert holds no PEM CERTIFICATE block")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, nil, fmt.Errorf("cannot use CA: %w", err)
	}
	if !cert.IsCA {
		return nil, nil, errors.New("cannot use CA: CACert is not a CA certificate")
	}
	kblock, _ := pem.Decode([]byte(keyPEM))
	if kblock == nil {
		return nil, nil, errors.New("cannot use CA: CAKey holds no PEM block")
	}
	var key any
	switch kblock.Type {
	case "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(kblock.Bytes)
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(kblock.Bytes)
	default:
		key, err = x509.ParsePKCS8PrivateKey(kblock.Bytes)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("cannot use CA key: %w", err)
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, nil, fmt.Errorf("cannot use CA key: unsupported key type %T", key)
	}
	if !publicKeysEqual(cert.PublicKey, signer.Public()) {
		return nil, nil, errors.New("cannot use CA: CAKey does not match CACert")
	}
	return cert, signer, nil
}

func publicKeysEqual(a, b crypto.PublicKey) bool {
	type equaler interface{ Equal(crypto.PublicKey) bool }
	switch k := a.(type) {
	case *ecdsa.PublicKey:
		return k.Equal(b)
	case *rsa.PublicKey:
		return k.Equal(b)
	case equaler:
		return k.Equal(b)
	}
	return false
}

func randomSerial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 126))
	if err != nil {
		// crypto/rand does not fail on supported platforms.
		panic(err)
	}
	return n.Add(n, big.NewInt(1))
}
