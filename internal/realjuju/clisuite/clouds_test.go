package clisuite_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gojuju/juju/internal/realjuju"
)

// cloudsTargets run the clouds table each on a controller of its own: it
// adds a cloud, and on a controller with two clouds "add-model" needs one
// named, which would break the other tables on the shared real server.
var cloudsTargets = []struct {
	bit int
	target
}{
	{sim40, target{name: "sim-4.0", cli: realjuju.CLI40, start: startSim("4.0.15"), agents: true}},
	{sim36, target{name: "sim-3.6", cli: realjuju.CLI36, start: startSim("3.6.28"), agents: true}},
	{real40, target{name: "real-4.0", cli: realjuju.CLI40, start: startPrivateReal, agents: false}},
}

// startPrivateReal starts a real server for this test alone.
func startPrivateReal(t *testing.T) (string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	srv, err := realjuju.Start(ctx, realjuju.Dir(t), nil)
	if err != nil {
		if realjuju.IsUnavailable(err) {
			t.Skip(err)
		}
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := srv.Stop(); err != nil {
			t.Errorf("stopping the real server: %v", err)
		}
	})
	return srv.JujuData, realjuju.ControllerName
}

// cloudsTable is the clouds and credentials table: clouds listed and
// shown, a cloud added from a YAML file and removed, cloud access granted
// and revoked, a controller credential added from a YAML file, updated,
// set on a model and removed. The controller's own cloud is the dummy
// provider, which whitelists no other cloud type: the lxd cloud is added
// with --force, as on the real test bed.
var cloudsTable = []step{
	{args: []string{"add-model", "{model}"}, out: []string{"Added '{model}' model"}},
	{args: []string{"clouds", "--controller", "{controller}"}, out: []string{"Clouds available on the controller:", "dummy", "dummy-region"}, compare: true},
	{args: []string{"clouds"}, out: []string{"Clouds available on the controller:", "dummy"}},
	{args: []string{"show-cloud", "dummy", "--controller", "{controller}"}, out: []string{"type: dummy", "auth-types: [access-key, userpass, empty]", "admin:", "access: admin"}, compare: true},
	{args: []string{"show-cloud", "nosuch", "--controller", "{controller}"}, exit: 1, out: []string{"cloud nosuch not found"}},

	// add-cloud from a YAML file.
	// Without --force the CLI only warns (it asks the controller nothing).
	{args: []string{"add-cloud", "--controller", "{controller}", "lxdcloud", "-f", "{cloudfile}"}, out: []string{"might not function correctly", "--force"}, compare: true},
	{args: []string{"add-cloud", "--controller", "{controller}", "lxdcloud", "-f", "{cloudfile}", "--force"}, out: []string{`Cloud "lxdcloud" added to controller`}},
	{args: []string{"add-cloud", "--controller", "{controller}", "lxdcloud", "-f", "{cloudfile}", "--force"}, out: []string{`Cloud "lxdcloud" already exists on the controller`}, compare: true},
	{args: []string{"clouds", "--controller", "{controller}"}, out: []string{"lxdcloud", "lxd"}, compare: true},
	{args: []string{"show-cloud", "lxdcloud", "--controller", "{controller}"}, out: []string{"type: lxd", "auth-types: [certificate]", "endpoint: https://10.0.0.1:8443"}, compare: true},
	{args: []string{"update-cloud", "lxdcloud", "--controller", "{controller}", "-f", "{cloudfile2}"}, out: []string{`Cloud "lxdcloud" updated on controller`}, compare: true},
	{args: []string{"show-cloud", "lxdcloud", "--controller", "{controller}"}, out: []string{"endpoint: https://10.0.0.7:8443"}, compare: true},

	// Cloud access.
	{args: []string{"add-user", "carol"}, out: []string{`User "carol" added`}},
	{args: []string{"grant-cloud", "carol", "add-model", "lxdcloud"}, compare: true},
	{args: []string{"grant-cloud", "carol", "add-model", "lxdcloud"}, only: sim40 | real40, exit: 1, out: []string{`user "carol" already has "add-model" access or greater`}, compare: true},
	{args: []string{"grant-cloud", "carol", "bogus", "lxdcloud"}, exit: 2, out: []string{`"bogus" cloud access not valid`}, compare: true},
	{args: []string{"show-cloud", "lxdcloud", "--controller", "{controller}"}, out: []string{"carol:", "access: add-model"}, compare: true},
	{args: []string{"grant-cloud", "carol", "admin", "lxdcloud"}, compare: true},
	{args: []string{"revoke-cloud", "carol", "admin", "lxdcloud"}, compare: true},
	{args: []string{"show-cloud", "lxdcloud", "--controller", "{controller}"}, out: []string{"carol:", "access: add-model"}},
	{args: []string{"revoke-cloud", "carol", "add-model", "lxdcloud"}, compare: true},
	{args: []string{"show-cloud", "lxdcloud", "--controller", "{controller}"}, absent: []string{"carol"}, compare: true},

	// Credentials on the controller, from a YAML file.
	{args: []string{"add-credential", "lxdcloud", "--controller", "{controller}", "-f", "{credfile}"},
		out: []string{`Controller credential "lxcred" for user "admin" for cloud "lxdcloud" on controller`, "added"}, compare: true},
	{args: []string{"show-credential", "--controller", "{controller}", "lxdcloud", "lxcred"}, out: []string{"auth-type: certificate"}, absent: []string{"BEGIN"}, compare: true},
	{args: []string{"update-credential", "lxdcloud", "lxcred", "--controller", "{controller}", "-f", "{credfile}"}, out: []string{"updated"}, compare: true},
	{args: []string{"set-credential", "-m", "{model}", "lxdcloud", "lxcred"}, exit: 1, out: []string{`has different cloud to credential "lxdcloud/admin/lxcred"`}, compare: true},
	{args: []string{"set-credential", "-m", "{model}", "dummy", "default"}, out: []string{`Changed cloud credential on model "{model}" to "default".`}, compare: true},
	{args: []string{"remove-credential", "dummy", "default", "--controller", "{controller}"}, exit: 1,
		out: []string{"cannot revoke credential dummy/admin/default: it is still used by"}},
	{args: []string{"remove-credential", "lxdcloud", "lxcred", "--controller", "{controller}"}, out: []string{`Credential "lxcred" for cloud "lxdcloud" removed from the controller`}, compare: true},
	{args: []string{"remove-credential", "lxdcloud", "lxcred", "--controller", "{controller}"}, exit: 1, out: []string{"credential cloudcred-lxdcloud_admin_lxcred not found"}, compare: true},
	// With --force, one in use goes too (the model is left without).
	{args: []string{"remove-credential", "dummy", "default", "--controller", "{controller}", "--force"}, out: []string{`Credential "default" for cloud "dummy" removed from the controller`}, compare: true},
	// The CLI reports that the user has no credential left, and exits 0.
	{args: []string{"show-credential", "--controller", "{controller}", "dummy", "default"}, out: []string{`cloud credentials for "admin" not found`}, compare: true},

	// remove-cloud: not one that models are on.
	{args: []string{"remove-cloud", "dummy", "--controller", "{controller}"}, exit: 1, out: []string{`cannot delete cloud "dummy" as it is still referenced by models`}, compare: true},
	{args: []string{"remove-cloud", "lxdcloud", "--controller", "{controller}"}, out: []string{`Removed details of cloud "lxdcloud" from controller`}, compare: true},
	// The real 4.0.15 server answers a cloud it does not have with a
	// code-less "still in use"; the simulator says it is not found, which
	// the CLI reports without failing.
	{args: []string{"remove-cloud", "lxdcloud", "--controller", "{controller}"}, only: real40, exit: 1, out: []string{"cannot delete cloud as it is still in use"}},
	{args: []string{"remove-cloud", "lxdcloud", "--controller", "{controller}"}, only: sim40 | sim36, out: []string{`No cloud called "lxdcloud" exists on controller`}},
	{args: []string{"clouds", "--controller", "{controller}"}, absent: []string{"lxdcloud"}, compare: true},
}

// TestCLIClouds runs the clouds table on every target, then compares
// what juju 4.0 printed against the simulator and against the real
// server.
func TestCLIClouds(t *testing.T) {
	_ = realjuju.Dir(t)
	files := t.TempDir()
	vars := map[string]string{"model": "suitecld"}
	write := func(name, content string) string {
		p := filepath.Join(files, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	vars["cloudfile"] = write("clouds.yaml", "clouds:\n  lxdcloud:\n    type: lxd\n    auth-types: [certificate]\n    endpoint: https://10.0.0.1:8443\n    regions:\n      default: {}\n")
	vars["cloudfile2"] = write("clouds2.yaml", "clouds:\n  lxdcloud:\n    type: lxd\n    auth-types: [certificate]\n    endpoint: https://10.0.0.7:8443\n    regions:\n      default: {}\n")
	cert, key := selfSignedPair(t)
	indent := func(s string) string {
		return "        " + strings.ReplaceAll(strings.TrimSpace(s), "\n", "\n        ")
	}
	vars["credfile"] = write("credentials.yaml", "credentials:\n  lxdcloud:\n    lxcred:\n      auth-type: certificate\n"+
		"      client-cert: |\n"+indent(cert)+"\n      client-key: |\n"+indent(key)+"\n      server-cert: |\n"+indent(cert)+"\n")
	got := &outputs{by: map[int]map[string]string{}}
	t.Run("targets", func(t *testing.T) {
		for _, tg := range cloudsTargets {
			t.Run(tg.name, func(t *testing.T) {
				t.Parallel()
				runTable(t, cloudsTable, tg.bit, tg.target, vars, got)
			})
		}
	})
	compareOutputs(t, cloudsTable, got)
}

// selfSignedPair makes the certificate and key of an LXD credential: the
// CLI checks that the server certificate is signed for server
// authentication.
func selfSignedPair(t *testing.T) (certPEM, keyPEM string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "gojuju-suite"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}))
}
