package juju_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/gojuju/juju"
)

// Upload a credential to the controller, switch a model to it, and see
// the controller refuse to revoke it while the model uses it.
func ExampleController_AddCredential() {
	ctx := context.Background()
	sim := startSim(ctx)
	defer sim.Close()
	m, err := juju.ConnectModel(ctx, simConfig(sim, "admin/default"))
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()
	c := m.Controller()

	cred := juju.Credential{Cloud: "dummy", Name: "ci", AuthType: "userpass",
		Attributes: map[string]string{"username": "ci-bot", "password": "hunter2"}}
	if err := c.AddCredential(ctx, cred, nil); err != nil {
		log.Fatal(err)
	}
	if err := m.ChangeCredential(ctx, "ci"); err != nil {
		log.Fatal(err)
	}
	shown, err := c.Credential(ctx, "dummy", "ci", nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(shown) // the attributes' values are never printed

	err = c.RevokeCredential(ctx, "dummy", "ci", nil)
	fmt.Println(errors.Is(err, juju.ErrCredentialInUse))

	// A credential the cloud's auth types do not allow is refused.
	cred.Name, cred.AuthType = "other", "certificate"
	err = c.AddCredential(ctx, cred, nil)
	fmt.Println(errors.Is(err, juju.ErrNotSupported))
	// Output:
	// juju.Credential{Cloud:"dummy" Name:"ci" AuthType:"userpass" Attributes:[username] Valid:true Models:map[admin/default:admin]}
	// true
	// true
}
