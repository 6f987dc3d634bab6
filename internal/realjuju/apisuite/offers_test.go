package apisuite_test

import (
	"errors"
	"testing"

	"github.com/gojuju/juju"
	"github.com/gojuju/juju/status"
)

// Cross-model relations: offer an application's endpoint, list, show and
// find the offer, consume it into a second model, relate to the SAAS,
// see both sides in status, remove the SAAS and the offer.
func TestOffers(t *testing.T) {
	run(t, func(t *testing.T, b *bed) {
		ctx := testCtx(t)
		m := b.newModel(t)
		cm := b.newModel(t)
		c := m.Controller()
		if _, err := m.Deploy(ctx, charmDir(t, "suite-db"), &juju.DeployOptions{Name: "db"}); err != nil {
			t.Fatalf("Deploy: %v", err)
		}
		if _, err := cm.Deploy(ctx, charmDir(t, "suite-app"), &juju.DeployOptions{Name: "web"}); err != nil {
			t.Fatalf("Deploy: %v", err)
		}
		url := m.QualifiedName() + ".dbo"

		o, err := m.Offer(ctx, "db", []string{"db"}, &juju.OfferOptions{Name: "dbo"})
		if err != nil {
			t.Fatalf("Offer: %v", err)
		}
		if o.URL != url || o.Application != "db" || o.ModelUUID != m.UUID() || len(o.Endpoints) != 1 ||
			o.Endpoints[0] != (juju.OfferEndpoint{Name: "db", Role: "provider", Interface: "suite-db"}) {
			t.Errorf("offer = %+v", o)
		}
		if _, err := m.Offer(ctx, "db", []string{"nope"}, nil); !errors.Is(err, juju.ErrInvalidEndpoint) {
			t.Errorf("Offer of a missing endpoint = %s, want ErrInvalidEndpoint", errCode(err))
		}
		if _, err := m.Offer(ctx, "ghost", []string{"db"}, nil); !errors.Is(err, juju.ErrNotFound) {
			t.Errorf("Offer of a missing application = %s, want ErrNotFound", errCode(err))
		}
		list, err := m.Offers(ctx)
		if err != nil || len(list) != 1 || list[0].URL != url {
			t.Fatalf("Offers = %+v, %v", list, err)
		}
		for _, f := range []*juju.OfferFilter{{URL: url}, {Interface: "suite-db", Model: m.Name()}} {
			found, err := c.FindOffers(ctx, f)
			if err != nil || len(found) != 1 || found[0].UUID != o.UUID {
				t.Errorf("FindOffers(%+v) = %+v, %v", f, found, err)
			}
		}
		if _, err := c.ShowOffer(ctx, m.QualifiedName()+".nope"); !errors.Is(err, juju.ErrNotFound) {
			t.Errorf("ShowOffer of a missing offer = %s, want ErrNotFound", errCode(err))
		}

		// Consume into the other model and relate to the SAAS.
		name, err := cm.Consume(ctx, url, nil)
		if err != nil || name != "dbo" {
			t.Fatalf("Consume = %q, %v", name, err)
		}
		if _, err := cm.Integrate(ctx, "web", "dbo", nil); err != nil {
			t.Fatalf("Integrate with the SAAS: %v", err)
		}
		st, err := cm.Wait(ctx, status.Integrated("web:db", "dbo:db"), nil)
		if err != nil {
			t.Fatalf("Wait for the relation: %v", err)
		}
		saas := st.RemoteApplications["dbo"]
		if saas == nil || saas.OfferURL != url || saas.OfferName != "dbo" || saas.Life != "alive" || len(saas.Relations["db"]) != 1 {
			t.Fatalf("SAAS in status = %+v", saas)
		}
		if a := st.Applications["web"]; a == nil || len(a.Relations["db"]) != 1 || a.Relations["db"][0] != "dbo" {
			t.Errorf("web's relations = %+v", st.Applications["web"])
		}
		ost, err := m.Status(ctx, nil)
		if err != nil {
			t.Fatalf("Status: %v", err)
		}
		of := ost.Offers["dbo"]
		if of == nil || of.Application != "db" || of.Endpoints["db"].Interface != "suite-db" {
			t.Fatalf("offer in status = %+v", of)
		}
		wantConns := 0
		if b.OfferConnections {
			wantConns = 1
		}
		if of.TotalConnected != wantConns {
			t.Errorf("offer's connected count = %d, want %d", of.TotalConnected, wantConns)
		}
		if shown, err := c.ShowOffer(ctx, url); err != nil || len(shown.Connections) != wantConns {
			t.Errorf("ShowOffer = %+v, %v; want %d connections", shown, err, wantConns)
		}
		if b.OfferConnections {
			if err := c.RemoveOffer(ctx, url, nil); !errors.Is(err, juju.ErrOfferInUse) {
				t.Errorf("RemoveOffer in use = %s, want ErrOfferInUse", errCode(err))
			}
		}

		// Remove the SAAS, then the offer.
		if err := cm.RemoveSAAS(ctx, "dbo", nil); err != nil {
			t.Fatalf("RemoveSAAS: %v", err)
		}
		if b.RemovalsComplete {
			if _, err := cm.Wait(ctx, status.Gone("dbo"), nil); err != nil {
				t.Fatalf("Wait for the SAAS to go: %v", err)
			}
		} else {
			st, err := cm.Status(ctx, nil)
			if err != nil {
				t.Fatalf("Status: %v", err)
			}
			if s := st.RemoteApplications["dbo"]; s == nil || s.Life != "dying" {
				t.Errorf("SAAS after RemoveSAAS = %+v, want dying", s)
			}
		}
		if err := c.RemoveOffer(ctx, url, nil); err != nil {
			t.Fatalf("RemoveOffer: %v", err)
		}
		if _, err := c.ShowOffer(ctx, url); !errors.Is(err, juju.ErrNotFound) {
			t.Errorf("ShowOffer after RemoveOffer = %s, want ErrNotFound", errCode(err))
		}
		if err := c.RemoveOffer(ctx, url, &juju.RemoveOfferOptions{Force: true}); !errors.Is(err, juju.ErrNotFound) {
			t.Errorf("RemoveOffer of a removed offer = %s, want ErrNotFound", errCode(err))
		}
	})
}

// Offer access: a user without access cannot see or consume an offer;
// read lets them see it, consume lets them consume it; revoking takes it
// back.
func TestOfferAccess(t *testing.T) {
	run(t, func(t *testing.T, b *bed) {
		ctx := testCtx(t)
		m := b.newModel(t)
		cm := b.newModel(t)
		c := m.Controller()
		if _, err := m.Deploy(ctx, charmDir(t, "suite-db"), &juju.DeployOptions{Name: "db"}); err != nil {
			t.Fatalf("Deploy: %v", err)
		}
		url := m.QualifiedName() + ".db"
		if _, err := m.Offer(ctx, "db", []string{"db"}, nil); err != nil {
			t.Fatalf("Offer: %v", err)
		}
		t.Cleanup(func() { _ = c.RemoveOffer(ctx, url, &juju.RemoveOfferOptions{Force: true}) })

		// A user of the consuming model (the library has no user
		// management: the escape hatch).
		user, password := "cmr-"+cm.Name(), "cmr-pass-1"
		var added struct {
			Results []struct {
				Error *struct{ Message string } `json:"error"`
			} `json:"results"`
		}
		if err := c.Call(ctx, "UserManager", "AddUser", "", map[string]any{"users": []map[string]any{{"username": user, "display-name": "", "password": password}}}, &added); err != nil {
			t.Fatalf("UserManager.AddUser: %v", err)
		}
		if len(added.Results) != 1 || added.Results[0].Error != nil {
			t.Fatalf("UserManager.AddUser: %+v", added.Results)
		}
		var granted struct {
			Results []struct {
				Error *struct{ Message string } `json:"error"`
			} `json:"results"`
		}
		if err := c.Call(ctx, "ModelManager", "ModifyModelAccess", "", map[string]any{"changes": []map[string]any{{
			"user-tag": "user-" + user, "action": "grant", "access": "write", "model-tag": "model-" + cm.UUID(),
		}}}, &granted); err != nil || len(granted.Results) != 1 || granted.Results[0].Error != nil {
			t.Fatalf("ModelManager.ModifyModelAccess: %+v, %v", granted.Results, err)
		}
		cfg := b.explicit(t)
		cfg.Username, cfg.Password = user, password
		uc, err := juju.Connect(ctx, cfg)
		if err != nil {
			t.Fatalf("Connect as %s: %v", user, err)
		}
		defer uc.Close()
		um, err := uc.Model(ctx, cm.QualifiedName())
		if err != nil {
			t.Fatalf("Model: %v", err)
		}

		if _, err := uc.ShowOffer(ctx, url); !errors.Is(err, juju.ErrNotFound) && !errors.Is(err, juju.ErrUnauthorized) {
			t.Errorf("ShowOffer without access = %s, want ErrNotFound or ErrUnauthorized", errCode(err))
		}
		if _, err := um.Consume(ctx, url, nil); !errors.Is(err, juju.ErrNotFound) && !errors.Is(err, juju.ErrUnauthorized) {
			t.Errorf("Consume without access = %s, want ErrNotFound or ErrUnauthorized", errCode(err))
		}
		if err := c.GrantOffer(ctx, user, "read", url); err != nil {
			t.Fatalf("GrantOffer read: %v", err)
		}
		if shown, err := uc.ShowOffer(ctx, url); err != nil || shown.UUID == "" {
			t.Errorf("ShowOffer with read access = %+v, %v", shown, err)
		}
		if _, err := um.Consume(ctx, url, nil); !errors.Is(err, juju.ErrUnauthorized) {
			t.Errorf("Consume with read access = %s, want ErrUnauthorized", errCode(err))
		}
		if err := c.GrantOffer(ctx, user, "consume", url); err != nil {
			t.Fatalf("GrantOffer consume: %v", err)
		}
		if name, err := um.Consume(ctx, url, &juju.ConsumeOptions{Alias: "mydb"}); err != nil || name != "mydb" {
			t.Fatalf("Consume with consume access = %q, %v", name, err)
		}
		st, err := cm.Status(ctx, nil)
		if err != nil {
			t.Fatalf("Status: %v", err)
		}
		if s := st.RemoteApplications["mydb"]; s == nil || s.OfferURL != url {
			t.Errorf("SAAS consumed by %s = %+v", user, s)
		}
		if err := c.RevokeOffer(ctx, user, "consume", url); err != nil {
			t.Fatalf("RevokeOffer consume: %v", err)
		}
		shown, err := c.ShowOffer(ctx, url)
		if err != nil {
			t.Fatalf("ShowOffer: %v", err)
		}
		access := ""
		for _, u := range shown.Users {
			if u.User == user {
				access = u.Access
			}
		}
		if access != "read" {
			t.Errorf("%s's access after revoking consume = %q, want read (users %+v)", user, access, shown.Users)
		}
		if err := c.GrantOffer(ctx, "nobody-here", "read", url); !errors.Is(err, juju.ErrNotFound) {
			t.Errorf("GrantOffer to a missing user = %s, want ErrNotFound", errCode(err))
		}
		if err := cm.RemoveSAAS(ctx, "mydb", nil); err != nil {
			t.Errorf("RemoveSAAS: %v", err)
		}
	})
}
