package juju_test

import (
	"context"
	"fmt"
	"log"

	"github.com/gojuju/juju"
)

// Call a facade method gojuju does not wrap: Model.Call uses the model
// connection, Controller.Call the controller connection. Params and
// results are plain Go values encoded as JSON.
func ExampleModel_Call() {
	ctx := context.Background()
	sim := startSim(ctx)
	defer sim.Close()
	m, err := juju.ConnectModel(ctx, simConfig(sim, "admin/default"))
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()
	if _, err := m.Deploy(ctx, "postgresql", &juju.DeployOptions{Name: "pg", NumUnits: 2}); err != nil {
		log.Fatal(err)
	}

	var leader struct {
		Result string `json:"result"`
	}
	err = m.Call(ctx, "Application", "Leader", "", map[string]string{"tag": "application-pg"}, &leader)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("leader:", leader.Result != "")

	var info struct {
		Results []struct {
			Result struct {
				Name string `json:"name"`
			} `json:"result"`
		} `json:"results"`
	}
	err = m.Controller().Call(ctx, "ModelManager", "ModelInfo", "",
		map[string]any{"entities": []map[string]string{{"tag": "model-" + m.UUID()}}}, &info)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("model:", info.Results[0].Result.Name)
	// Output:
	// leader: true
	// model: default
}
