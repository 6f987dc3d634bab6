package juju_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/gojuju/juju"
	"github.com/gojuju/juju/status"
)

// Offer a database in one model, consume it in another, relate to it and
// wait for the relation; then take it all down.
func ExampleModel_Consume() {
	ctx := context.Background()
	sim := startSim(ctx)
	defer sim.Close()
	c, err := juju.Connect(ctx, simConfig(sim, ""))
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	db, err := c.Model(ctx, "admin/default")
	if err != nil {
		log.Fatal(err)
	}
	if _, err := db.Deploy(ctx, "mysql", &juju.DeployOptions{Name: "mysql"}); err != nil {
		log.Fatal(err)
	}
	offer, err := db.Offer(ctx, "mysql", []string{"database"}, &juju.OfferOptions{Name: "shared-db"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("offered at", offer.URL, "endpoint", offer.Endpoints[0].Name, offer.Endpoints[0].Interface)

	web, err := c.AddModel(ctx, "web", nil)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := web.Deploy(ctx, "wordpress", &juju.DeployOptions{Name: "wp"}); err != nil {
		log.Fatal(err)
	}
	saas, err := web.Consume(ctx, offer.URL, nil)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := web.Integrate(ctx, "wp:database", saas, nil); err != nil {
		log.Fatal(err)
	}
	st, err := web.Wait(ctx, status.Integrated("wp", saas), nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("SAAS", saas, "from", st.RemoteApplications[saas].OfferURL)

	// An offer in use is not removed without Force.
	err = c.RemoveOffer(ctx, offer.URL, nil)
	fmt.Println(errors.Is(err, juju.ErrOfferInUse))

	if err := web.RemoveSAAS(ctx, saas, nil); err != nil {
		log.Fatal(err)
	}
	if _, err := web.Wait(ctx, status.Gone(saas), nil); err != nil {
		log.Fatal(err)
	}
	if err := c.RemoveOffer(ctx, offer.URL, nil); err != nil {
		log.Fatal(err)
	}
	// Output:
	// offered at admin/default.shared-db endpoint database mysql_client
	// SAAS shared-db from admin/default.shared-db
	// true
}
