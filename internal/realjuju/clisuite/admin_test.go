package clisuite_test

import (
	"testing"

	"github.com/gojuju/juju/internal/realjuju"
)

// adminTable is the administration table: users and access, clouds,
// credentials, spaces and controller config, on the model "{model}".
var adminTable = []step{
	{args: []string{"add-model", "{model}"}, out: []string{"Added '{model}' model"}},

	// Users and access.
	{args: []string{"add-user", "dave"}, out: []string{`User "dave" added`, "juju register "}},
	{args: []string{"add-user", "dave"}, exit: 1, out: []string{"already exists"}},
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
	vars := map[string]string{"model": "suiteadm"}
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
