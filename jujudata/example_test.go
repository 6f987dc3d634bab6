package jujudata_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/gojuju/juju/jujudata"
)

// A store as the juju CLI leaves it after bootstrapping "prod" and adding
// a model, resolved the way "juju status -m web" would resolve it.
func ExampleStore_ResolveModel() {
	dir, err := os.MkdirTemp("", "jujudata-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	write := func(name, content string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			log.Fatal(err)
		}
	}
	write("controllers.yaml", `controllers:
  prod:
    uuid: 7f0c1d2e-0000-4000-8000-000000000001
    api-endpoints: ['10.0.0.2:17070']
    ca-cert: CERT
    cloud: aws
current-controller: prod
`)
	write("accounts.yaml", "controllers:\n  prod:\n    user: bob\n")
	write("models.yaml", `controllers:
  prod:
    models:
      bob/web:
        uuid: 1a2b3c4d-0000-4000-8000-000000000002
        type: iaas
    current-model: bob/web
`)

	// Getenv stands in for the process environment.
	environ := map[string]string{}
	store, err := jujudata.New(jujudata.Config{Dir: dir, Getenv: func(k string) string { return environ[k] }})
	if err != nil {
		log.Fatal(err)
	}
	for _, name := range []string{"web", "prod:bob/web", "", "alice/shared"} {
		r, err := store.ResolveModel(name)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%q -> %s uuid=%q\n", name, r, r.ModelUUID)
	}
	environ["JUJU_MODEL"] = "prod:web"
	environ["JUJU_CONTROLLER"] = "staging"
	_, err = store.ResolveModel("")
	fmt.Println(err)
	// Output:
	// "web" -> prod:bob/web uuid="1a2b3c4d-0000-4000-8000-000000000002"
	// "prod:bob/web" -> prod:bob/web uuid="1a2b3c4d-0000-4000-8000-000000000002"
	// "" -> prod:bob/web uuid="1a2b3c4d-0000-4000-8000-000000000002"
	// "alice/shared" -> prod:alice/shared uuid=""
	// cannot resolve model: conflicting environment variables: controller name from JUJU_MODEL (prod) conflicts with value in JUJU_CONTROLLER (staging)
}

// Registering a controller and a model, as "gojuju sim" does, then reading
// back what the juju CLI would see.
func ExampleStore_UpdateController() {
	dir, err := os.MkdirTemp("", "jujudata-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	store, err := jujudata.New(jujudata.Config{Dir: dir})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	err = store.UpdateController(ctx, "sim", jujudata.ControllerDetails{
		UUID:         "5e1d0000-0000-4000-8000-000000000001",
		APIEndpoints: []string{"127.0.0.1:17070"},
		CACert:       "-----BEGIN CERTIFICATE-----\n...\n-----END CERTIFICATE-----\n",
		Cloud:        "sim",
		AgentVersion: "4.0.15",
	})
	if err != nil {
		log.Fatal(err)
	}
	if err := store.SetCurrentController(ctx, "sim"); err != nil {
		log.Fatal(err)
	}
	if err := store.UpdateAccount(ctx, "sim", jujudata.AccountDetails{User: "admin", LastKnownAccess: "superuser"}); err != nil {
		log.Fatal(err)
	}
	if err := store.UpdateModel(ctx, "sim", "admin/default", jujudata.ModelDetails{UUID: "5e1d0000-0000-4000-8000-000000000002", Type: "iaas"}); err != nil {
		log.Fatal(err)
	}
	if err := store.SetCurrentModel(ctx, "sim", "admin/default"); err != nil {
		log.Fatal(err)
	}
	data, err := os.ReadFile(store.Path(jujudata.ControllersFileName))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(string(data))
	r, err := store.ResolveModel("")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(r, r.ModelUUID)
	// Output:
	// controllers:
	//   sim:
	//     uuid: 5e1d0000-0000-4000-8000-000000000001
	//     api-endpoints: ['127.0.0.1:17070']
	//     ca-cert: |
	//       -----BEGIN CERTIFICATE-----
	//       ...
	//       -----END CERTIFICATE-----
	//     cloud: sim
	//     agent-version: 4.0.15
	//     controller-machine-count: 0
	//     active-controller-machine-count: 0
	// current-controller: sim
	// has-controller-changed-on-previous-switch: true
	// sim:admin/default 5e1d0000-0000-4000-8000-000000000002
}

// A corrupt file gives an error naming the file and line.
func ExampleFileError() {
	_, err := jujudata.ParseAccounts([]byte("controllers:\n  prod:\n    user: bob\n    password: [oops\n"))
	fmt.Println(err)
	// Output:
	// cannot parse accounts.yaml: line 4: did not find expected ',' or ']'
}
