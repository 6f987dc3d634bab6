package juju_test

import (
	"context"
	"fmt"
	"log"

	"github.com/gojuju/juju"
	"github.com/gojuju/juju/status"
)

// Give a database unit one more filesystem from a pool of your own, then
// list the unit's storage, as juju create-storage-pool, juju add-storage
// and juju storage do.
func ExampleModel_AddStorage() {
	ctx := context.Background()
	sim := startSim(ctx)
	defer sim.Close()

	m, err := juju.ConnectModel(ctx, simConfig(sim, "admin/default"))
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()
	if err := m.CreateStoragePool(ctx, "fast", "tmpfs", nil); err != nil {
		log.Fatal(err)
	}
	if _, err := m.Deploy(ctx, "postgresql", &juju.DeployOptions{Name: "pg", Storage: map[string]string{"pgdata": "fast,10G"}}); err != nil {
		log.Fatal(err)
	}
	if _, err := m.WaitForIdle(ctx, &status.WaitForIdleOptions{IdlePeriod: -1}); err != nil {
		log.Fatal(err)
	}
	// pgdata is a single filesystem: a second one is refused.
	if _, err := m.AddStorage(ctx, "pg/0", "pgdata", "10G"); err != nil {
		fmt.Println(err)
	}
	st, err := m.ListStorage(ctx)
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range st {
		fmt.Println(s.ID, s.Kind, s.Pool, s.SizeMiB, s.Status.Current, s.Attachments["pg/0"].Location)
	}
	// Output:
	// cannot add storage "pgdata" to "pg/0": storage directive "pgdata" request count 2 exceeds the charm's maximum count of 1
	// pgdata/0 filesystem fast 10240 attached /var/snap/charmed-postgresql/common
}
