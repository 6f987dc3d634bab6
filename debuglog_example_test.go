package juju_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"

	"github.com/gojuju/juju"
	"github.com/gojuju/juju/status"
)

// Read the first records a unit's agent logged, as juju debug-log --replay
// --include pg/0 --level INFO --limit 3 prints them.
func ExampleModel_DebugLog() {
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
	if _, err := m.WaitForIdle(ctx, &status.WaitForIdleOptions{IdlePeriod: -1}); err != nil {
		log.Fatal(err)
	}

	logs, err := m.DebugLog(ctx, &juju.DebugLogOptions{
		IncludeEntities: []string{"pg/0"},
		Level:           "INFO",
		Replay:          true,
		Limit:           3,
	})
	if err != nil {
		log.Fatal(err)
	}
	defer logs.Close()
	for {
		r, err := logs.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(r.Entity, r.Severity, r.Message)
	}
	// Output:
	// unit-pg-0 INFO unit "pg/0" started
	// unit-pg-0 INFO ran "pgdata-storage-attached" hook (via hook dispatching script: dispatch)
	// unit-pg-0 INFO ran "install" hook (via hook dispatching script: dispatch)
}
