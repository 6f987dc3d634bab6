package juju

import (
	"testing"

	"github.com/gojuju/juju/jujusim"
	"github.com/gojuju/juju/status"
)

// Each offer and SAAS write whose reply is lost resolves, by reading the
// offer or the consuming model's status, into a definite success, and
// its change is made once (a second Offer or Consume would be refused or
// a no-op; a second grant would be refused as already granted).
func TestOfferLostReplyResolved(t *testing.T) {
	for _, v := range []string{jujusim.Juju40, jujusim.Juju36} {
		t.Run(v, func(t *testing.T) {
			parallel(t)
			srv, c, m, cm := cmrModels(t, v)
			ctx := testCtx(t)
			if err := srv.AddUser("bob", "bob-pass"); err != nil {
				t.Fatal(err)
			}
			steps := []struct {
				facade, method string
				do             func() error
			}{
				{"ApplicationOffers", "Offer", func() error { _, err := m.Offer(ctx, "db", []string{"database"}, nil); return err }},
				{"ApplicationOffers", "ModifyOfferAccess", func() error { return c.GrantOffer(ctx, "bob", "consume", "admin/default.db") }},
				{"ApplicationOffers", "ModifyOfferAccess", func() error { return c.RevokeOffer(ctx, "bob", "consume", "admin/default.db") }},
				{"Application", "Consume", func() error { _, err := cm.Consume(ctx, "admin/default.db", nil); return err }},
				{"Application", "DestroyConsumedApplications", func() error { return cm.RemoveSAAS(ctx, "db", nil) }},
				{"ApplicationOffers", "DestroyOffers", func() error { return c.RemoveOffer(ctx, "admin/default.db", nil) }},
			}
			for _, s := range steps {
				sent := dropReplyOf(c, srv, s.facade, s.method)
				if err := s.do(); err != nil {
					t.Fatalf("%s.%s with its reply lost: %v, want a definite success", s.facade, s.method, err)
				}
				if sent.Load() == 0 {
					t.Fatalf("%s.%s was never sent", s.facade, s.method)
				}
				c.requestHook.Store(nil)
				switch s.method {
				case "ModifyOfferAccess":
					o, err := c.ShowOffer(ctx, "admin/default.db")
					if err != nil {
						t.Fatal(err)
					}
					got := ""
					for _, u := range o.Users {
						if u.User == "bob" {
							got = u.Access
						}
					}
					if want := map[bool]string{true: "consume", false: "read"}[len(o.Users) == 2 && got == "consume"]; got != want {
						t.Errorf("bob's access %q after a lost %s reply", got, s.method)
					}
				case "DestroyConsumedApplications":
					if _, err := cm.Wait(ctx, status.Gone("db"), nil); err != nil {
						t.Fatal(err)
					}
				}
			}
			if list, err := c.Offers(ctx, nil); err != nil || len(list) != 0 {
				t.Errorf("offers after the removal succeeded: %+v, %v", list, err)
			}
		})
	}
}
