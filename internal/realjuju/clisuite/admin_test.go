package clisuite_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gojuju/juju/internal/realjuju"
)

// adminTable is the administration table: users and access, clouds,
// credentials, spaces and controller config, on the model "{model}".
var adminTable = []step{
	{args: []string{"add-model", "{model}"}, out: []string{"Added '{model}' model"}},
	// Model names: Juju's rule has no length limit (the real server takes
	// 64 characters and more); the CLI refuses other characters itself.
	{args: []string{"add-model", "--no-switch", "{model}-" + strings.Repeat("x", 64)}, out: []string{"Added '{model}-" + strings.Repeat("x", 64) + "' model"}, compare: true},
	{args: []string{"add-model", "--no-switch", "Bad_Name"}, exit: 2, out: []string{`"Bad_Name" is not a valid name: model names may only contain lowercase letters, digits and hyphens`}, compare: true},

	// Users and access.
	{args: []string{"add-user", "dave"}, out: []string{`User "dave" added`, "juju register "}},
	{args: []string{"add-user", "dave"}, exit: 1, out: []string{"already exists"}, compare: true},
	{args: []string{"add-user", "Bad_Name"}, exit: 1, out: []string{`invalid user name "Bad_Name"`}, compare: true},
	{args: []string{"users"}, out: []string{"admin", "dave", "login"}},
	{args: []string{"show-user", "dave"}, out: []string{"user-name: dave", "access: login"}},
	{args: []string{"show-user", "nosuch"}, exit: 1, out: []string{`user "nosuch" not found`}, compare: true},
	{args: []string{"grant", "dave", "superuser"}, compare: true},
	{args: []string{"grant", "dave", "login"}, exit: 1, out: []string{`already has "login" access or greater`}, compare: true},
	{args: []string{"show-user", "dave"}, out: []string{"access: superuser"}},
	{args: []string{"revoke", "dave", "superuser"}, compare: true},
	{args: []string{"show-user", "dave"}, out: []string{"access: login"}},
	{args: []string{"grant", "dave", "read", "{model}"}, compare: true},
	// Juju 4.0 refuses a grant the user has as an error; 3.6 answers
	// with code "already exists", which its CLI prints as a warning.
	{args: []string{"grant", "dave", "read", "{model}"}, only: sim40 | real40, exit: 1, out: []string{`user "dave" already has "read" access or greater`}, compare: true},
	{args: []string{"grant", "dave", "read", "{model}"}, only: sim36, out: []string{`is already shared with "dave"`}},
	{args: []string{"grant", "dave", "bogus", "{model}"}, exit: 2, out: []string{`"bogus" model access not valid`}, compare: true},
	{args: []string{"grant", "dave", "admin", "{model}"}, compare: true},
	{args: []string{"show-model", "{model}"}, out: []string{"dave:", "access: admin"}},
	{args: []string{"revoke", "dave", "admin", "{model}"}, compare: true},
	{args: []string{"show-model", "{model}"}, out: []string{"dave:", "access: write"}},
	{args: []string{"revoke", "dave", "read", "{model}"}, compare: true},
	{args: []string{"change-user-password", "dave", "--reset"}, out: []string{"juju register "}},
	{args: []string{"disable-user", "dave"}, out: []string{`User "dave" disabled`}, compare: true},
	{args: []string{"users"}, absent: []string{"dave"}},
	{args: []string{"users", "--all"}, out: []string{"dave"}},
	{args: []string{"enable-user", "dave"}, out: []string{`User "dave" enabled`}, compare: true},
	{args: []string{"remove-user", "dave", "-y"}, out: []string{`User "dave" removed`}, compare: true},
	{args: []string{"show-user", "dave"}, exit: 1, out: []string{`user "dave" not found`}, compare: true},

	// Clouds, credentials and spaces (the dummy provider has none).
	{args: []string{"credentials", "--controller", "{controller}", "--format", "yaml"}, out: []string{"dummy:", "default:", "auth-type: userpass"}},
	{args: []string{"show-credential", "--controller", "{controller}", "dummy", "default"}, out: []string{"auth-type: userpass", "username: dummy"}, absent: []string{"password:"}},
	{args: []string{"spaces", "-m", "{model}"}, exit: 1, out: []string{"spaces not supported"}, compare: true},
	{args: []string{"add-space", "-m", "{model}", "myspace"}, exit: 1, out: []string{"spaces not supported"}, compare: true},
	{args: []string{"subnets", "-m", "{model}"}, out: []string{"No subnets to display."}, compare: true},
	{args: []string{"show-space", "-m", "{model}", "alpha"}, exit: 1, out: []string{"spaces not supported"}, compare: true},
	{args: []string{"move-to-space", "-m", "{model}", "alpha", "10.0.0.0/24"}, exit: 1, out: []string{"10.0.0.0/24"}, compare: true},
	// Juju 4.0's dummy provider looks the space up; 3.6 refuses changes
	// on a provider without spaces.
	{args: []string{"rename-space", "-m", "{model}", "alpha", "beta"}, exit: 1, outBy: map[int][]string{
		sim40: {`the "alpha" space cannot be renamed`}, real40: {`the "alpha" space cannot be renamed`}, sim36: {"spaces not supported"}}, compare: true},
	{args: []string{"remove-space", "-m", "{model}", "alpha", "-y"}, exit: 1, outBy: map[int][]string{
		sim40: {`the "alpha" space cannot be removed`}, real40: {`the "alpha" space cannot be removed`}, sim36: {"spaces not supported"}}, compare: true},
	{args: []string{"remove-space", "-m", "{model}", "nosuch", "-y"}, only: sim40 | real40, exit: 1, out: []string{"space not found"}, compare: true},

	// Model defaults of the cloud.
	{args: []string{"model-defaults", "apt-mirror=http://mirror.example"}, compare: true},
	{args: []string{"model-defaults", "apt-mirror"}, out: []string{"http://mirror.example"}, compare: true},
	{args: []string{"model-defaults", "--region", "dummy-region", "apt-mirror=http://region.example"}, compare: true},
	{args: []string{"model-defaults", "apt-mirror"}, out: []string{"dummy-region", "http://region.example"}, compare: true},
	{args: []string{"model-defaults", "--reset", "apt-mirror"}, compare: true},
	{args: []string{"model-defaults", "--region", "dummy-region", "--reset", "apt-mirror"}, compare: true},
	{args: []string{"model-defaults", "apt-mirror"}, absent: []string{"mirror.example", "region.example"}, compare: true},
	// The real server takes even a key models cannot change (with the
	// CLI's warning); the simulator the same.
	{args: []string{"model-defaults", "--reset", "uuid"}, compare: true},

	// New models take the stored model defaults, with their sources;
	// after a default goes, the model keeps the value as its own.
	{args: []string{"model-defaults", "ftp-proxy=http://ftp.example"}, compare: true},
	{args: []string{"model-defaults", "--region", "dummy-region", "apt-ftp-proxy=http://region.example"}, compare: true},
	{args: []string{"add-model", "{model}-md"}, out: []string{"Added '{model}-md' model"}},
	{args: []string{"model-config", "-m", "{model}-md", "--format", "yaml"}, out: []string{
		"ftp-proxy:\n  value: http://ftp.example\n  source: controller", "apt-ftp-proxy:\n  value: http://region.example\n  source: region"}},
	{args: []string{"model-config", "-m", "{model}", "--format", "yaml"}, out: []string{"ftp-proxy:\n  value: \"\"\n  source: default"}},
	{args: []string{"model-defaults", "--reset", "ftp-proxy"}, compare: true},
	{args: []string{"model-defaults", "--region", "dummy-region", "--reset", "apt-ftp-proxy"}, compare: true},
	{args: []string{"model-config", "-m", "{model}-md", "--format", "yaml"}, out: []string{"ftp-proxy:\n  value: http://ftp.example\n  source: model"}},
	{args: []string{"destroy-model", "{model}-md", "--no-prompt"}, hangs: real40, out: []string{"Destroying model"}},

	// Secret backends ({vault} answers the real server's reachability
	// check; the simulator does not call it).
	{args: []string{"secret-backends"}, out: []string{"internal", "controller"}},
	{args: []string{"add-secret-backend", "cv", "vault", "endpoint={vault}", "token=s.cli-token"}, compare: true},
	{args: []string{"add-secret-backend", "cv", "vault", "endpoint={vault}", "token=x"}, exit: 1, out: []string{"already exists"}, compare: true},
	{args: []string{"add-secret-backend", "internal", "vault", "endpoint={vault}"}, exit: 1, out: []string{`reserved name "internal"`}, compare: true},
	{args: []string{"add-secret-backend", "cv2", "vault", "endpoint={vault}", "token-rotate=10m"}, exit: 1, out: []string{`token rotate interval "10m0s" less than 1h not valid`}, compare: true},
	{args: []string{"show-secret-backend", "cv"}, out: []string{"backend: vault", "endpoint: {vault}", "status: active"}, absent: []string{"s.cli-token"}, compare: true},
	{args: []string{"secret-backends", "--format", "yaml"}, out: []string{"cv:", "backend: vault"}, absent: []string{"s.cli-token"}},
	{args: []string{"update-secret-backend", "cv", "token=s.cli-token2"}, compare: true},
	{args: []string{"update-secret-backend", "cv", "endpoint=http://other.example"}, exit: 1, out: []string{`cannot change immutable field "endpoint"`}, compare: true},
	{args: []string{"update-secret-backend", "cv", "name=cv2", "token-rotate=2h"}, compare: true},
	{args: []string{"show-secret-backend", "cv2", "--reveal"}, out: []string{"token-rotate-interval: 2h0m0s", "token: s.cli-token2"}, compare: true},
	{args: []string{"update-secret-backend", "cv2", "token-rotate=0"}, compare: true},
	{args: []string{"show-secret-backend", "cv2"}, out: []string{"token-rotate-interval: 0s"}, compare: true},
	{args: []string{"update-secret-backend", "internal", "token=x"}, exit: 1, out: []string{"is immutable"}},
	{args: []string{"remove-secret-backend", "cv2"}, compare: true},
	{args: []string{"remove-secret-backend", "cv2"}, exit: 1, out: []string{"not found"}, compare: true},
	{args: []string{"remove-secret-backend", "internal"}, exit: 1, out: []string{`backend "internal" still contains secret content`}, compare: true},
	{args: []string{"show-secret-backend", "nosuch"}, out: []string{"no secret backends have been added to this controller"}, compare: true},

	// Controller config.
	{args: []string{"controller-config", "api-port"}},
	{args: []string{"controller-config", "model-logfile-max-backups=4"}, compare: true},
	{args: []string{"controller-config", "model-logfile-max-backups"}, out: []string{"4"}, compare: true},
	{args: []string{"controller-config", "api-port=1234"}, exit: 1, out: []string{"invalid or read-only controller config values cannot be updated: [api-port]"}, compare: true},
	{args: []string{"controller-config", "no-such-key=1"}, exit: 1, out: []string{"[no-such-key]"}, compare: true},
	{args: []string{"controller-config"}, out: []string{"Attribute", "controller-uuid", "api-port"}},
}

// TestCLIAdmin runs the administration table on every target, then
// compares what juju 4.0 printed against the simulator and against the
// real server.
func TestCLIAdmin(t *testing.T) {
	_ = realjuju.Dir(t)
	vars := map[string]string{"model": "suiteadm", "vault": vaultStandIn(t)}
	got := &outputs{by: map[int]map[string]string{}}
	t.Run("targets", func(t *testing.T) {
		for _, tg := range targets {
			t.Run(tg.name, func(t *testing.T) {
				t.Parallel()
				runTable(t, adminTable, tg.bit, tg.target, vars, got)
			})
		}
	})
	compareOutputs(t, adminTable, got)
}

// vaultStandIn answers the two requests a controller makes to check that it
// can reach a vault backend (its health and its key status), so that the
// real server adds one; it returns its URL.
func vaultStandIn(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/v1/sys/key-status" {
			_, _ = w.Write([]byte(`{"term":1,"install_time":"2020-01-01T00:00:00Z","data":{"term":1,"install_time":"2020-01-01T00:00:00Z"}}`))
			return
		}
		_, _ = w.Write([]byte(`{"initialized":true,"sealed":false,"standby":false,"version":"1.15.0"}`))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}
