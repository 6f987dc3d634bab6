package juju_test

import (
	"context"
	"fmt"
	"time"

	juju "github.com/gojuju/juju"
	"github.com/gojuju/juju/jujusim"
	"github.com/gojuju/juju/status"
)

// Wait for a freshly deployed application to settle, against the
// simulator (whose agents settle at once at instant speed).
func ExampleModel_WaitForIdle() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	sim, err := jujusim.Start(ctx, jujusim.Config{Speed: jujusim.SpeedInstant})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer sim.Close()
	m, err := juju.ConnectModel(ctx, juju.Config{
		Addrs: sim.APIAddresses(), CACert: sim.CACert(),
		Username: sim.AdminUser(), Password: sim.AdminPassword(),
		ModelUUID: sim.DefaultModelUUID(),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer m.Close()

	if _, err := m.Deploy(ctx, "postgresql", &juju.DeployOptions{NumUnits: 2}); err != nil {
		fmt.Println(err)
		return
	}
	s, err := m.WaitForIdle(ctx, &status.WaitForIdleOptions{
		Apps:       []string{"postgresql"},
		Status:     "active",
		IdlePeriod: -1, // the simulated agents are idle at once
		Interval:   10 * time.Millisecond,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, u := range s.Units("postgresql") {
		fmt.Println(u.Name, u.WorkloadStatus.Current, u.AgentStatus.Current)
	}
	// Output:
	// postgresql/0 active idle
	// postgresql/1 active idle
}

// Compose predicates for Wait, in the style of jubilant.
func ExampleModel_Wait() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	sim, err := jujusim.Start(ctx, jujusim.Config{Speed: jujusim.SpeedInstant})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer sim.Close()
	sim.SetBehaviour(sim.DefaultModelUUID(), "web", jujusim.Behaviour{Status: "blocked", Message: "needs a database"})
	m, err := juju.ConnectModel(ctx, juju.Config{
		Addrs: sim.APIAddresses(), CACert: sim.CACert(),
		Username: sim.AdminUser(), Password: sim.AdminPassword(),
		ModelUUID: sim.DefaultModelUUID(),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer m.Close()
	if _, err := m.Deploy(ctx, "web", nil); err != nil {
		fmt.Println(err)
		return
	}
	s, err := m.Wait(ctx,
		status.All(status.AllBlocked("web"), status.AllAgentsIdle("web")),
		&status.WaitOptions{Error: status.AnyError(), Interval: 10 * time.Millisecond})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.Unit("web/0").WorkloadStatus)
	// Output:
	// blocked: needs a database
}
