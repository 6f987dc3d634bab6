package juju_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/gojuju/juju"
	"github.com/gojuju/juju/jujusim"
)

// Run an action on a unit and wait for its result; a failed action is an
// error that carries the result.
func ExampleModel_RunAction() {
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
	// Decide how the simulated actions end.
	sim.SetActionResult(m.UUID(), "pg", "get-password", jujusim.ActionOutcome{Output: map[string]any{"password": "hunter2"}})
	sim.SetActionResult(m.UUID(), "pg", "create-backup", jujusim.ActionOutcome{Status: "failed", Message: "disk full"})

	a, err := m.RunAction(ctx, "pg/0", "get-password", map[string]any{"username": "operator"}, nil)
	if err != nil {
		log.Fatal(err)
	}
	res, err := a.Wait(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Unit, res.Name, res.Status, res.Output["password"])

	a, err = m.RunAction(ctx, "pg/0", "create-backup", nil, nil)
	if err != nil {
		log.Fatal(err)
	}
	_, err = a.Wait(ctx)
	var failed *juju.ActionError
	if errors.As(err, &failed) {
		fmt.Println(failed.Result.Status+":", failed.Result.Message)
	}

	// Actions the charm does not define are refused before anything is
	// enqueued.
	_, err = m.RunAction(ctx, "pg/0", "vacuum", nil, nil)
	fmt.Println(errors.Is(err, juju.ErrInvalidAction))
	// Output:
	// pg/0 get-password completed hunter2
	// failed: disk full
	// true
}
