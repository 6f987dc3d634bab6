package jujusim_test

import (
	"context"
	"fmt"
	"log"
	"sort"

	"github.com/gojuju/juju/jujusim"
	"github.com/gojuju/juju/rpc"
)

// Example starts a simulated Juju 4.0 controller, seeds its default model
// with an application of two units, connects to it as the real protocol
// requires (its CA, server name "juju-apiserver", admin password) and
// reads the model's status.
func Example() {
	ctx := context.Background()
	sim, err := jujusim.Start(ctx, jujusim.Config{Speed: jujusim.SpeedInstant})
	if err != nil {
		log.Fatal(err)
	}
	defer sim.Close()
	if err := sim.Seed(sim.DefaultModelUUID(), map[string]int{"pg": 2}); err != nil {
		log.Fatal(err)
	}

	conn, err := rpc.Dial(ctx, rpc.Config{
		Addrs:     sim.APIAddresses(),
		CACert:    sim.CACert(),
		ModelUUID: sim.DefaultModelUUID(),
		Username:  sim.AdminUser(),
		Password:  sim.AdminPassword(),
	})
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	fmt.Println("server version:", conn.Login().ServerVersion)

	var status struct {
		Applications map[string]struct {
			Units map[string]struct {
				WorkloadStatus struct {
					Status string `json:"status"`
				} `json:"workload-status"`
			} `json:"units"`
		} `json:"applications"`
	}
	if err := conn.Call(ctx, "Client", "FullStatus", "", map[string]any{"patterns": []string{}}, &status); err != nil {
		log.Fatal(err)
	}
	var units []string
	for _, app := range status.Applications {
		for name, u := range app.Units {
			units = append(units, name+" "+u.WorkloadStatus.Status)
		}
	}
	sort.Strings(units)
	for _, u := range units {
		fmt.Println(u)
	}
	// Output:
	// server version: 4.0.15
	// pg/0 active
	// pg/1 active
}
