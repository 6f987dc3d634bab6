package juju

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gojuju/juju/jujusim"
	"github.com/gojuju/juju/status"
)

func TestParseOfferURL(t *testing.T) {
	good := []struct {
		in   string
		want OfferURL
	}{
		{"admin/prod.db", OfferURL{Qualifier: "admin", Model: "prod", Name: "db"}},
		{"prod.db", OfferURL{Model: "prod", Name: "db"}},
		{"ctrl:admin/prod.db-1a", OfferURL{Controller: "ctrl", Qualifier: "admin", Model: "prod", Name: "db-1a"}},
		{"my_ctrl.x:w2.myoffer", OfferURL{Controller: "my_ctrl.x", Model: "w2", Name: "myoffer"}},
		// The Juju 3.6 owner form: a user name with a domain.
		{"bob@external/prod.db", OfferURL{Qualifier: "bob@external", Model: "prod", Name: "db"}},
		{"c:bob@external/prod.db", OfferURL{Controller: "c", Qualifier: "bob@external", Model: "prod", Name: "db"}},
	}
	for _, g := range good {
		got, err := ParseOfferURL(g.in)
		if err != nil {
			t.Errorf("ParseOfferURL(%q): %v", g.in, err)
			continue
		}
		if got != g.want {
			t.Errorf("ParseOfferURL(%q) = %+v, want %+v", g.in, got, g.want)
		}
		if got.String() != g.in {
			t.Errorf("%+v.String() = %q, want %q", got, got.String(), g.in)
		}
	}
	for _, bad := range []string{"", "prod", "admin/prod", "admin/prod.", "admin/.db", "admin/Prod.db", "admin/prod.DB",
		"admin/prod.1db", ":admin/prod.db", "a b:prod.db", "-x/prod.db", "admin/prod.db.x", "admin/x/prod.db", "admin/prod.db_x"} {
		_, err := ParseOfferURL(bad)
		if !errors.Is(err, ErrInvalidOfferURL) || !errors.Is(err, ErrInvalidInput) {
			t.Errorf("ParseOfferURL(%q) error %v, want ErrInvalidOfferURL", bad, err)
		}
	}
}

func FuzzParseOfferURL(f *testing.F) {
	for _, s := range []string{"admin/prod.db", "c:bob@external/m.o", "prod.db", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := ParseOfferURL(s)
		if err != nil {
			return
		}
		again, err := ParseOfferURL(u.String())
		if err != nil || again != u {
			t.Fatalf("%q parsed to %+v, which renders as %q and parses to %+v, %v", s, u, u.String(), again, err)
		}
	})
}

func TestOfferRefOtherController(t *testing.T) {
	c := &Controller{name: "here", user: "bob@local"}
	u, err := c.offerRef("here:prod.db")
	if err != nil || u.String() != "bob/prod.db" {
		t.Errorf("offerRef = %v, %v", u, err)
	}
	if _, err := c.offerRef("elsewhere:admin/prod.db"); !errors.Is(err, ErrInvalidOfferURL) {
		t.Errorf("offerRef of another controller's offer: %v, want ErrInvalidOfferURL", err)
	}
}

// cmrModels gives a simulator with the model "default" holding mysql as
// "db" and a second model "cmr" holding wordpress as "wp".
func cmrModels(t *testing.T, version string) (*jujusim.Server, *Controller, *Model, *Model) {
	t.Helper()
	srv, c, m := simModel(t, version)
	ctx := testCtx(t)
	if _, err := m.Deploy(ctx, "mysql", &DeployOptions{Name: "db", Base: "ubuntu@22.04"}); err != nil {
		t.Fatal(err)
	}
	cm, err := c.AddModel(ctx, "cmr", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cm.Deploy(ctx, "wordpress", &DeployOptions{Name: "wp", Base: "ubuntu@22.04"}); err != nil {
		t.Fatal(err)
	}
	return srv, c, m, cm
}

func TestOffersLifecycle(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			parallel(t)
			_, c, m, cm := cmrModels(t, v)
			r := record(c)
			ctx := testCtx(t)

			o, err := m.Offer(ctx, "db", []string{"database"}, &OfferOptions{Name: "dbo"})
			if err != nil {
				t.Fatal(err)
			}
			wantEPs := []OfferEndpoint{{Name: "database", Role: "provider", Interface: "mysql_client"}}
			if o.Name != "dbo" || o.URL != "admin/default.dbo" || o.Application != "db" || o.ModelUUID != m.UUID() || o.UUID == "" ||
				o.CharmURL == "" || len(o.Users) != 1 || o.Users[0].User != "admin" || o.Users[0].Access != "admin" {
				t.Errorf("offer %+v", o)
			}
			if diff := cmp.Diff(wantEPs, o.Endpoints); diff != "" {
				t.Errorf("endpoints (-want +got):\n%s", diff)
			}
			if b := lastParams(t, r, "ApplicationOffers", "Offer"); string(b) != `{"Offers":[{"application-description":"","application-name":"db","endpoints":{"database":"database"},"model-tag":"model-`+m.UUID()+`","offer-name":"dbo","owner-tag":"user-admin"}]}` {
				t.Errorf("Offer params %s", b)
			}
			// Offering again updates the offer; an alias names the
			// endpoint as consumers see it.
			if o, err = m.Offer(ctx, "db", []string{"database", "legacy=mysql"}, &OfferOptions{Name: "dbo"}); err != nil {
				t.Fatal(err)
			}
			if len(o.Endpoints) != 2 || o.Endpoints[1].Name != "legacy" || o.Endpoints[1].Interface != "mysql" {
				t.Errorf("updated offer endpoints %+v", o.Endpoints)
			}

			list, err := c.Offers(ctx, nil)
			if err != nil || len(list) != 1 || list[0].URL != "admin/default.dbo" {
				t.Fatalf("Offers = %+v, %v", list, err)
			}
			if list, err := m.Offers(ctx); err != nil || len(list) != 1 {
				t.Errorf("Model.Offers = %+v, %v", list, err)
			}
			if list, err := cm.Offers(ctx); err != nil || len(list) != 0 {
				t.Errorf("cmr offers = %+v, %v", list, err)
			}
			for _, f := range []*OfferFilter{nil, {Interface: "mysql_client"}, {URL: "admin/default.dbo"}, {URL: "default"}, {Endpoint: "legacy"}, {Application: "db"}} {
				found, err := c.FindOffers(ctx, f)
				if err != nil || len(found) != 1 || found[0].Name != "dbo" {
					t.Errorf("FindOffers(%+v) = %+v, %v", f, found, err)
				}
			}
			for _, f := range []*OfferFilter{{Interface: "pgsql"}, {URL: "admin/cmr"}, {Model: "nope"}} {
				if found, err := c.FindOffers(ctx, f); err != nil || len(found) != 0 {
					t.Errorf("FindOffers(%+v) = %+v, %v", f, found, err)
				}
			}
			shown, err := c.ShowOffer(ctx, "default.dbo")
			if err != nil || shown.UUID != o.UUID {
				t.Fatalf("ShowOffer = %+v, %v", shown, err)
			}
			if _, err := c.ShowOffer(ctx, "admin/default.nope"); !errors.Is(err, ErrNotFound) {
				t.Errorf("ShowOffer of a missing offer: %v, want ErrNotFound", err)
			}

			// Consume into the other model and relate to the SAAS.
			name, err := cm.Consume(ctx, "admin/default.dbo", nil)
			if err != nil || name != "dbo" {
				t.Fatalf("Consume = %q, %v", name, err)
			}
			rel, err := cm.Integrate(ctx, "wp:database", "dbo", nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(rel.Endpoints) != 2 || rel.Endpoints[0].String() != "dbo:database" || rel.Endpoints[0].Role != "provider" {
				t.Errorf("relation %+v", rel)
			}
			st, err := cm.WaitForIdle(ctx, &status.WaitForIdleOptions{Apps: []string{"wp", "dbo"}, IdlePeriod: time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			saas := st.RemoteApplications["dbo"]
			if saas == nil || saas.OfferURL != "admin/default.dbo" || saas.Life != liveLife(v) || len(saas.Endpoints) != 3 ||
				saas.Relations["database"] == nil || saas.Status.Current == "" {
				t.Fatalf("SAAS in status %+v", saas)
			}
			if _, err := cm.Wait(ctx, status.Integrated("wp", "dbo:database"), nil); err != nil {
				t.Fatal(err)
			}
			// The simulator's agents join the relation.
			if _, err := cm.Wait(ctx, status.Cond("relation joined", func(s *status.Status) bool {
				return len(s.Relations) == 1 && s.Relations[0].Key == "wp:database dbo:database" && s.Relations[0].Status.Current == "joined"
			}), nil); err != nil {
				t.Fatal(err)
			}

			// The offering side sees the connection.
			shown, err = c.ShowOffer(ctx, "admin/default.dbo")
			if err != nil || len(shown.Connections) != 1 || shown.Connections[0].ModelUUID != cm.UUID() || shown.Connections[0].Endpoint != "database" {
				t.Fatalf("connections %+v, %v", shown, err)
			}
			// The offering model has the relation's other half, with a
			// stand-in for the consumer (not listed as a SAAS), and the
			// offered application's units join it.
			ost, err := m.Wait(ctx, status.Cond("offering side joined", func(s *status.Status) bool {
				return len(s.Relations) == 2 && s.Relations[1].Status.Current == "joined"
			}), nil)
			if err != nil {
				t.Fatal(err)
			}
			if r := ost.Relations[1]; len(r.Endpoints) != 2 || !strings.HasPrefix(r.Key, "remote-") || !strings.HasSuffix(r.Key, " db:database") {
				t.Errorf("offering side relation %+v", r)
			}
			if len(ost.RemoteApplications) != 0 || len(ost.Applications["db"].Relations["database"]) != 1 {
				t.Errorf("offering side: SAAS %+v, db relations %+v", ost.RemoteApplications, ost.Applications["db"].Relations)
			}
			if of := ost.Offers["dbo"]; of == nil || of.Application != "db" || of.TotalConnected != 1 || of.ActiveConnected != 1 || len(of.Endpoints) != 2 {
				t.Errorf("offer in status %+v", ost.Offers["dbo"])
			}

			// Removing an offer in use is refused before sending, and
			// nothing changes.
			before := r.count()
			err = c.RemoveOffer(ctx, "admin/default.dbo", nil)
			if !errors.Is(err, ErrOfferInUse) {
				t.Fatalf("RemoveOffer in use: %v, want ErrOfferInUse", err)
			}
			for _, call := range r.methods(before) {
				if call == "ApplicationOffers.DestroyOffers" {
					t.Errorf("DestroyOffers sent for an offer in use")
				}
			}
			if _, err := c.ShowOffer(ctx, "admin/default.dbo"); err != nil {
				t.Errorf("offer gone after a refused removal: %v", err)
			}

			// Remove the SAAS, then the offer.
			if err := cm.RemoveSAAS(ctx, "dbo", nil); err != nil {
				t.Fatal(err)
			}
			if b := lastParams(t, r, "Application", "DestroyConsumedApplications"); string(b) != `{"applications":[{"application-tag":"application-dbo"}]}` {
				t.Errorf("DestroyConsumedApplications params %s", b)
			}
			if _, err := cm.Wait(ctx, status.Gone("dbo", "wp:database dbo:database"), nil); err != nil {
				t.Fatal(err)
			}
			if _, err := m.Wait(ctx, status.Cond("offering side gone", func(s *status.Status) bool { return len(s.Relations) == 1 }), nil); err != nil {
				t.Fatal(err)
			}
			if err := cm.RemoveSAAS(ctx, "dbo", nil); !errors.Is(err, ErrNotFound) {
				t.Errorf("removing a removed SAAS: %v, want ErrNotFound", err)
			}
			if err := c.RemoveOffer(ctx, "admin/default.dbo", nil); err != nil {
				t.Fatal(err)
			}
			if _, err := c.ShowOffer(ctx, "admin/default.dbo"); !errors.Is(err, ErrNotFound) {
				t.Errorf("ShowOffer after removal: %v, want ErrNotFound", err)
			}
			if err := c.RemoveOffer(ctx, "admin/default.dbo", &RemoveOfferOptions{Force: true}); !errors.Is(err, ErrNotFound) {
				t.Errorf("removing a removed offer: %v, want ErrNotFound", err)
			}
			if list, err := c.Offers(ctx, nil); err != nil || len(list) != 0 {
				t.Errorf("Offers after removal = %+v, %v", list, err)
			}
		})
	}
}

func TestOfferForceRemoveInUse(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			parallel(t)
			_, c, m, cm := cmrModels(t, v)
			ctx := testCtx(t)
			if _, err := m.Offer(ctx, "db", []string{"database"}, nil); err != nil {
				t.Fatal(err)
			}
			if _, err := cm.Consume(ctx, "admin/default.db", &ConsumeOptions{Alias: "mydb"}); err != nil {
				t.Fatal(err)
			}
			if _, err := cm.Integrate(ctx, "wp", "mydb:database", nil); err != nil {
				t.Fatal(err)
			}
			if err := c.RemoveOffer(ctx, "admin/default.db", &RemoveOfferOptions{Force: true}); err != nil {
				t.Fatal(err)
			}
			st, err := cm.Wait(ctx, status.Gone("wp:database mydb:database"), nil)
			if err != nil {
				t.Fatal(err)
			}
			if s := st.RemoteApplications["mydb"]; s == nil || s.Status.Current != "terminated" {
				t.Errorf("SAAS of a removed offer: %+v", s)
			}
		})
	}
}

func TestOfferAccess(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			parallel(t)
			srv, c, m, cm := cmrModels(t, v)
			ctx := testCtx(t)
			if _, err := m.Offer(ctx, "db", []string{"database"}, &OfferOptions{Name: "dbo"}); err != nil {
				t.Fatal(err)
			}
			if err := srv.AddUser("bob", "bob-pass", jujusim.Grant{ModelUUID: cm.UUID(), Access: "admin"}); err != nil {
				t.Fatal(err)
			}
			cfg := simConfig(srv)
			cfg.Username, cfg.Password = "bob", "bob-pass"
			bc, err := Connect(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer bc.Close()
			bm, err := bc.Model(ctx, "admin/cmr")
			if err != nil {
				t.Fatal(err)
			}

			// Without access, bob cannot see the offer, let alone
			// consume it; nothing changes in his model.
			if _, err := bc.ShowOffer(ctx, "admin/default.dbo"); !errors.Is(err, ErrNotFound) {
				t.Errorf("ShowOffer without access: %v, want ErrNotFound", err)
			}
			if found, err := bc.FindOffers(ctx, nil); err != nil || len(found) != 0 {
				t.Errorf("FindOffers without access = %+v, %v", found, err)
			}
			if _, err := bm.Consume(ctx, "admin/default.dbo", nil); !errors.Is(err, ErrNotFound) && !errors.Is(err, ErrUnauthorized) {
				t.Errorf("Consume without access: %v, want ErrNotFound or ErrUnauthorized", err)
			}
			// Read access: visible, not consumable.
			if err := c.GrantOffer(ctx, "bob", "read", "admin/default.dbo"); err != nil {
				t.Fatal(err)
			}
			shown, err := bc.ShowOffer(ctx, "admin/default.dbo")
			if err != nil || len(shown.Users) != 1 || shown.Users[0].User != "bob" || shown.Users[0].Access != "read" || shown.Connections != nil {
				t.Errorf("ShowOffer as reader = %+v, %v", shown, err)
			}
			if _, err := bm.Consume(ctx, "admin/default.dbo", nil); !errors.Is(err, ErrUnauthorized) {
				t.Errorf("Consume with read access: %v, want ErrUnauthorized", err)
			}
			if err := c.GrantOffer(ctx, "bob", "read", "admin/default.dbo"); !errors.Is(err, ErrAlreadyExists) {
				t.Errorf("granting read twice: %v, want ErrAlreadyExists", err)
			}
			if err := c.GrantOffer(ctx, "bob", "consume", "admin/default.dbo"); err != nil {
				t.Fatal(err)
			}
			if name, err := bm.Consume(ctx, "admin/default.dbo", nil); err != nil || name != "dbo" {
				t.Fatalf("Consume with consume access = %q, %v", name, err)
			}
			// Revoking consume leaves read.
			if err := c.RevokeOffer(ctx, "bob", "consume", "admin/default.dbo"); err != nil {
				t.Fatal(err)
			}
			shown, err = c.ShowOffer(ctx, "admin/default.dbo")
			if err != nil {
				t.Fatal(err)
			}
			access := map[string]string{}
			for _, u := range shown.Users {
				access[u.User] = u.Access
			}
			if diff := cmp.Diff(map[string]string{"admin": "admin", "bob": "read"}, access); diff != "" {
				t.Errorf("offer users (-want +got):\n%s", diff)
			}
			if err := c.RevokeOffer(ctx, "bob", "read", "admin/default.dbo"); err != nil {
				t.Fatal(err)
			}
			if _, err := bc.ShowOffer(ctx, "admin/default.dbo"); !errors.Is(err, ErrNotFound) {
				t.Errorf("ShowOffer after revoking: %v, want ErrNotFound", err)
			}
			if err := c.GrantOffer(ctx, "nobody", "read", "admin/default.dbo"); !errors.Is(err, ErrNotFound) {
				t.Errorf("granting to a missing user: %v, want ErrNotFound", err)
			}
		})
	}
}

func TestOffersRefuseBadInput(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			parallel(t)
			_, c, m, cm := cmrModels(t, v)
			r := record(c)
			ctx := testCtx(t)
			checks := []struct {
				name string
				want error
				run  func() error
			}{
				{"offer bad app", ErrInvalidName, func() error { _, err := m.Offer(ctx, "Db", []string{"database"}, nil); return err }},
				{"offer bad offer name", ErrInvalidName, func() error {
					_, err := m.Offer(ctx, "db", []string{"database"}, &OfferOptions{Name: "My_Offer"})
					return err
				}},
				{"offer no endpoints", ErrInvalidEndpoint, func() error { _, err := m.Offer(ctx, "db", nil, nil); return err }},
				{"offer bad endpoint", ErrInvalidEndpoint, func() error { _, err := m.Offer(ctx, "db", []string{"a=b=c"}, nil); return err }},
				{"offer twice", ErrInvalidEndpoint, func() error { _, err := m.Offer(ctx, "db", []string{"database", "database"}, nil); return err }},
				{"show bad url", ErrInvalidOfferURL, func() error { _, err := c.ShowOffer(ctx, "admin/default"); return err }},
				{"find bad pattern", ErrInvalidOfferURL, func() error { _, err := c.FindOffers(ctx, &OfferFilter{URL: "admin/Bad"}); return err }},
				{"remove bad url", ErrInvalidOfferURL, func() error { return c.RemoveOffer(ctx, "nope", nil) }},
				{"grant bad access", ErrInvalidArgument, func() error { return c.GrantOffer(ctx, "bob", "write", "admin/default.db") }},
				{"grant bad user", ErrInvalidName, func() error { return c.GrantOffer(ctx, "-bob", "read", "admin/default.db") }},
				{"grant no offers", ErrInvalidArgument, func() error { return c.RevokeOffer(ctx, "bob", "read") }},
				{"consume bad url", ErrInvalidOfferURL, func() error { _, err := cm.Consume(ctx, "admin/default", nil); return err }},
				{"consume bad alias", ErrInvalidName, func() error {
					_, err := cm.Consume(ctx, "admin/default.db", &ConsumeOptions{Alias: "Bad"})
					return err
				}},
				{"remove-saas bad name", ErrInvalidName, func() error { return cm.RemoveSAAS(ctx, "Bad", nil) }},
				{"remove-saas maxwait", ErrInvalidArgument, func() error {
					d := time.Second
					return cm.RemoveSAAS(ctx, "x", &RemoveSAASOptions{MaxWait: &d})
				}},
			}
			for _, ck := range checks {
				expectNothingSent(t, r, func() {
					if err := ck.run(); !errors.Is(err, ck.want) || !errors.Is(err, ErrInvalidInput) {
						t.Errorf("%s: %v, want %v", ck.name, err, ck.want)
					}
				})
			}
			// An endpoint the application lacks: refused after reading the
			// charm's endpoints, before the offer is sent.
			before := r.count()
			if _, err := m.Offer(ctx, "db", []string{"nope"}, nil); !errors.Is(err, ErrInvalidEndpoint) {
				t.Errorf("offering a missing endpoint: %v, want ErrInvalidEndpoint", err)
			}
			if got := r.methods(before); len(got) != 1 || got[0] != "Application.CharmRelations" {
				t.Errorf("offering a missing endpoint sent %v", got)
			}
			if _, err := m.Offer(ctx, "nope", []string{"database"}, nil); !errors.Is(err, ErrNotFound) {
				t.Errorf("offering a missing application: %v, want ErrNotFound", err)
			}
			if list, err := c.Offers(ctx, nil); err != nil || len(list) != 0 {
				t.Errorf("offers after refusals = %+v, %v", list, err)
			}
		})
	}
}

// TestOfferRequestsMatchRealCLI compares the requests gojuju sends with
// those the real juju 4.0 CLI sent in the recorded offer flows.
func TestOfferRequestsMatchRealCLI(t *testing.T) {
	_, c, m := simModel(t, jujusim.Juju40)
	ctx := testCtx(t)
	// The recorded flows offer tiny charms' "db" endpoints, as these do.
	if _, err := m.Deploy(ctx, charmArchive(t, "tiny-db"), &DeployOptions{Name: "db", Base: "ubuntu@22.04"}); err != nil {
		t.Fatal(err)
	}
	cm, err := c.AddModel(ctx, "cmr", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cm.Deploy(ctx, charmArchive(t, "tiny-app"), &DeployOptions{Name: "wp", Base: "ubuntu@22.04"}); err != nil {
		t.Fatal(err)
	}
	r := record(c)
	steps := []struct {
		flow, facade, method string
		run                  func() error
	}{
		{"offer", "ApplicationOffers", "Offer", func() error { _, err := m.Offer(ctx, "db", []string{"db"}, nil); return err }},
		{"offers", "ApplicationOffers", "ListApplicationOffers", func() error { _, err := m.Offers(ctx); return err }},
		{"show-offer", "ApplicationOffers", "ApplicationOffers", func() error { _, err := c.ShowOffer(ctx, "admin/default.db"); return err }},
		{"find-offers", "ApplicationOffers", "FindApplicationOffers", func() error { _, err := c.FindOffers(ctx, nil); return err }},
		{"consume", "ApplicationOffers", "GetConsumeDetails", func() error { _, err := cm.Consume(ctx, "admin/default.db", nil); return err }},
		{"consume", "Application", "Consume", func() error { return nil }},
		{"integrate-saas", "Application", "AddRelation", func() error { _, err := cm.Integrate(ctx, "wp", "db", nil); return err }},
		{"remove-saas", "Application", "DestroyConsumedApplications", func() error { return cm.RemoveSAAS(ctx, "db", nil) }},
		{"remove-offer-force-fresh", "ApplicationOffers", "DestroyOffers", func() error {
			return c.RemoveOffer(ctx, "admin/default.db", &RemoveOfferOptions{Force: true})
		}},
	}
	for _, s := range steps {
		if err := s.run(); err != nil {
			t.Fatalf("%s: %v", s.flow, err)
		}
		call, ok := r.last(s.facade, s.method)
		if !ok {
			t.Fatalf("%s: no %s.%s sent", s.flow, s.facade, s.method)
		}
		if call.Version != 6 && s.facade == "ApplicationOffers" || call.Version != 22 && s.facade == "Application" {
			t.Errorf("%s: %s.%s version %d", s.flow, s.facade, s.method, call.Version)
		}
		var cli any
		if err := json.Unmarshal(wave2Request(t, s.flow, s.method), &cli); err != nil {
			t.Fatal(err)
		}
		ours := toJSONValue(t, call.Params)
		if s.method == "Consume" {
			// The recorded macaroon is redacted to a string.
			delete(cli.(map[string]any)["args"].([]any)[0].(map[string]any), "macaroon")
			delete(ours.(map[string]any)["args"].([]any)[0].(map[string]any), "macaroon")
		}
		for _, d := range shapeDiff(s.facade+"."+s.method, cli, ours) {
			t.Error(d)
		}
	}
}
