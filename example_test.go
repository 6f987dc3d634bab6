package juju_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/gojuju/juju"
	"github.com/gojuju/juju/jujusim"
)

// startSim starts a simulated Juju 4.0 controller for the examples.
func startSim(ctx context.Context) *jujusim.Server {
	sim, err := jujusim.Start(ctx, jujusim.Config{Speed: jujusim.SpeedInstant})
	if err != nil {
		log.Fatal(err)
	}
	return sim
}

// simConfig connects to the simulator explicitly, without JUJU_DATA.
func simConfig(sim *jujusim.Server, model string) juju.Config {
	return juju.Config{
		Addrs:    sim.APIAddresses(),
		CACert:   sim.CACert(),
		Username: sim.AdminUser(),
		Password: sim.AdminPassword(),
		Model:    model,
	}
}

// Deploy two applications, relate them, configure one and scale it.
func Example() {
	ctx := context.Background()
	sim := startSim(ctx)
	defer sim.Close()

	m, err := juju.ConnectModel(ctx, simConfig(sim, "admin/default"))
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()
	fmt.Println("connected to", m.QualifiedName(), "on Juju", m.Controller().ServerVersion())

	db, err := m.Deploy(ctx, "mysql", &juju.DeployOptions{
		Channel:  "8.0/stable",
		Base:     "ubuntu@22.04",
		NumUnits: 2,
		Config:   map[string]any{"profile": "testing"},
	})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := m.Deploy(ctx, "wordpress", nil); err != nil {
		log.Fatal(err)
	}
	rel, err := m.Integrate(ctx, "wordpress:database", "mysql", nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("integrated", rel.Endpoints[0], "with", rel.Endpoints[1])
	units, err := db.AddUnits(ctx, 1, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("added", units)
	cfg, err := db.Config(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("profile =", cfg["profile"].Value)
	// Output:
	// connected to admin/default on Juju 4.0.15
	// integrated mysql:database with wordpress:database
	// added [mysql/2]
	// profile = testing
}

// On a Juju 4 controller a series is refused before anything is sent, with
// an error that names the base to use.
func ExampleModel_Deploy_series() {
	ctx := context.Background()
	sim := startSim(ctx)
	defer sim.Close()

	m, err := juju.ConnectModel(ctx, simConfig(sim, "default"))
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()

	_, err = m.Deploy(ctx, "ubuntu", &juju.DeployOptions{Series: "jammy"})
	fmt.Println(err)
	fmt.Println(errors.Is(err, juju.ErrSeriesNotSupported))

	app, err := m.Deploy(ctx, "ubuntu", &juju.DeployOptions{Base: "ubuntu@22.04"})
	if err != nil {
		log.Fatal(err)
	}
	info, err := app.Info(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(info.Name, "runs on", info.Base)
	// Output:
	// cannot deploy "ubuntu": series "jammy" is not supported by Juju 4 controllers, which only know bases: use base "ubuntu@22.04" instead
	// true
	// ubuntu runs on ubuntu@22.04
}

// Errors name what could not be done and match the sentinels of the
// controller's error codes.
func ExampleOperationError() {
	ctx := context.Background()
	sim := startSim(ctx)
	defer sim.Close()

	m, err := juju.ConnectModel(ctx, simConfig(sim, "default"))
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()

	_, err = m.Application("pg").AddUnits(ctx, 1, nil)
	fmt.Println(err)
	fmt.Println(errors.Is(err, juju.ErrNotFound))

	_, err = m.Application("Bad_Name").AddUnits(ctx, 1, nil)
	fmt.Println(err)
	fmt.Println(errors.Is(err, juju.ErrInvalidName))
	// Output:
	// cannot add unit to "pg": application "pg" not found
	// true
	// cannot add unit to "Bad_Name": invalid application name "Bad_Name": must be lower-case letters and digits in hyphen-separated parts, start with a letter, and have a letter in every part
	// true
}

// Models are created, listed and destroyed through the Controller;
// DestroyModel returns once the model is gone.
func ExampleController_AddModel() {
	ctx := context.Background()
	sim := startSim(ctx)
	defer sim.Close()

	c, err := juju.Connect(ctx, simConfig(sim, ""))
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	m, err := c.AddModel(ctx, "dev", &juju.AddModelOptions{Config: map[string]any{"default-base": "ubuntu@24.04"}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("added", m.QualifiedName(), m.Type())
	models, err := c.Models(ctx)
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range models {
		fmt.Println(s.QualifiedName(), s.Life)
	}
	if err := c.DestroyModel(ctx, "dev", nil); err != nil {
		log.Fatal(err)
	}
	_, err = c.ModelInfo(ctx, "dev")
	fmt.Println(errors.Is(err, juju.ErrNotFound))
	// Output:
	// added admin/dev iaas
	// admin/controller alive
	// admin/default alive
	// admin/dev alive
	// true
}

func ExampleParseBase() {
	for _, s := range []string{"ubuntu@22.04", "ubuntu@24.04/edge", "ubuntu@jammy"} {
		b, err := juju.ParseBase(s)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(b.OS, b.Track(), b.Risk())
	}
	// Output:
	// ubuntu 22.04 stable
	// ubuntu 24.04 edge
	// invalid base "ubuntu@jammy": "jammy" is a series, not a version; use ubuntu@22.04
}

func ExampleBaseForSeries() {
	b, _ := juju.BaseForSeries("noble")
	fmt.Println(b)
	// Output: ubuntu@24.04
}

func ExampleParseConstraints() {
	c, err := juju.ParseConstraints("mem=4G cores=2 arch=amd64 spaces=db,^dmz")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(c.Mem, c.Cores, c.Arch, c.Spaces)
	fmt.Println(c)
	// Output:
	// 4096 2 amd64 [db ^dmz]
	// arch=amd64 cores=2 mem=4G spaces=db,^dmz
}

func ExampleParsePlacement() {
	for _, s := range []string{"3", "lxd:0", "lxd", "zone=us-east-1a"} {
		p, _ := juju.ParsePlacement(s)
		fmt.Printf("%q -> scope %q directive %q\n", s, p.Scope, p.Directive)
	}
	// Output:
	// "3" -> scope "#" directive "3"
	// "lxd:0" -> scope "lxd" directive "0"
	// "lxd" -> scope "lxd" directive ""
	// "zone=us-east-1a" -> scope "" directive "zone=us-east-1a"
}

func ExampleParseEndpoint() {
	e, _ := juju.ParseEndpoint("wordpress:db")
	fmt.Println(e.Application, e.Name)
	_, err := juju.ParseEndpoint("wordpress:")
	fmt.Println(err)
	// Output:
	// wordpress db
	// invalid relation endpoint "wordpress:": "" is not a valid endpoint name
}
