package jujudata_test

import (
	"os"
	"path/filepath"
	"testing"

	"go.uber.org/goleak"

	"github.com/gojuju/juju/jujudata"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// env returns a Getenv function backed by a map.
func env(kv map[string]string) func(string) string {
	return func(k string) string { return kv[k] }
}

// newStore writes files into a fresh directory and opens a store on it
// with the given environment.
func newStore(t testing.TB, files map[string]string, kv map[string]string) *jujudata.Store {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	s, err := jujudata.New(jujudata.Config{Dir: dir, Getenv: env(kv)})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

const controllersYAML = `controllers:
  prod:
    uuid: 0b3a8e5c-0000-4000-8000-000000000001
    api-endpoints: ['10.0.0.2:17070', 'ctrl.example.com:443/path']
    dns-cache: {ctrl.example.com: [1.2.3.4, 1.2.3.5]}
    public-hostname: ctrl.example.com
    ca-cert: |
      -----BEGIN CERTIFICATE-----
      MIIB
      -----END CERTIFICATE-----
    cloud: aws
    region: us-east-1
    type: ec2
    agent-version: 4.0.15
    controller-machine-count: 3
    active-controller-machine-count: 2
    machine-count: 7
    oidc-login: true
    proxy-config:
      type: kubernetes-port-forward
      config:
        namespace: controller-k8s
        remote-port: "17070"
    future-key: kept
  dev:
    uuid: 0b3a8e5c-0000-4000-8000-000000000002
    api-endpoints: ['10.0.0.9:17070']
    ca-cert: CERT
    cloud: lxd
    controller-machine-count: 1
    active-controller-machine-count: 1
current-controller: prod
previous-controller: dev
has-controller-changed-on-previous-switch: true
`

const accountsYAML = `controllers:
  prod:
    user: bob@external
    last-known-access: login
  dev:
    user: admin
    password: s3cret
    last-known-access: superuser
`

const modelsYAML = `controllers:
  prod:
    models:
      bob@external/web:
        uuid: aaaaaaaa-0000-4000-8000-000000000001
        type: iaas
      alice/shared:
        uuid: bbbbbbbb-0000-4000-8000-000000000002
        type: caas
    current-model: bob@external/web
  dev:
    models:
      admin/default:
        uuid: cccccccc-0000-4000-8000-000000000003
        type: iaas
        branch: master
      admin/controller:
        uuid: dddddddd-0000-4000-8000-000000000004
        type: iaas
    current-model: admin/default
    previous-model: admin/controller
`

func fullStore(t testing.TB, kv map[string]string) *jujudata.Store {
	return newStore(t, map[string]string{
		jujudata.ControllersFileName: controllersYAML,
		jujudata.AccountsFileName:    accountsYAML,
		jujudata.ModelsFileName:      modelsYAML,
	}, kv)
}
