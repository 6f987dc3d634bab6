package juju_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/gojuju/juju"
)

// Add a user secret, grant it to an application, read it back and remove
// it.
func ExampleModel_AddSecret() {
	ctx := context.Background()
	sim := startSim(ctx)
	defer sim.Close()
	m, err := juju.ConnectModel(ctx, simConfig(sim, "admin/default"))
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()
	if _, err := m.Deploy(ctx, "postgresql", &juju.DeployOptions{Name: "pg"}); err != nil {
		log.Fatal(err)
	}

	uri, err := m.AddSecret(ctx, "db-creds", map[string]string{"username": "admin", "password": "hunter2"},
		&juju.AddSecretOptions{Description: "database credentials"})
	if err != nil {
		log.Fatal(err)
	}
	if err := m.GrantSecret(ctx, "db-creds", "pg"); err != nil {
		log.Fatal(err)
	}
	if err := m.UpdateSecret(ctx, uri.String(), map[string]string{"username": "admin", "password": "correct horse"}, nil); err != nil {
		log.Fatal(err)
	}
	s, err := m.Secret(ctx, "db-creds", &juju.SecretOptions{Reveal: true})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(s.Name, "revision", s.LatestRevision, "granted to", s.Access[0].Application())
	fmt.Println("password:", s.Content["password"])

	// Bad keys are refused before anything is sent.
	_, err = m.AddSecret(ctx, "other", map[string]string{"API_KEY": "x"}, nil)
	fmt.Println(errors.Is(err, juju.ErrInvalidSecret), err)

	if err := m.RemoveSecret(ctx, "db-creds", nil); err != nil {
		log.Fatal(err)
	}
	// Output:
	// db-creds revision 2 granted to pg
	// password: correct horse
	// true cannot add secret "other": invalid secret key "API_KEY": must be at least 3 lower-case letters and digits, starting with a letter, with single hyphens between
}
