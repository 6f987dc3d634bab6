package core

import (
	"fmt"
	"testing"
)

// TestOfferRefusalsAsJuju40 checks the refusals of the offer calls for a
// missing application, endpoint, offer or model against what the real
// 4.0.15 server answers (each call says a missing offer in its own words,
// some without an error code; ApplicationOffers fails the whole call for
// a missing model), and that 3.6 mode keeps 3.6's words.
func TestOfferRefusalsAsJuju40(t *testing.T) {
	s := newSim(t, Config{})
	m := s.c.DefaultModelUUID()
	ms := s.admin(m)
	s.deployLocal(ms, s.uploadLocal(m, providerMeta), "db", 0)
	cs := s.admin("") // ApplicationOffers is a controller facade

	offer := func(app string, eps ...string) error {
		t.Helper()
		endpoints := map[string]string{}
		for _, ep := range eps {
			endpoints[ep] = ep
		}
		res := s.mustCall(cs, "ApplicationOffers", 6, "Offer", map[string]any{"Offers": []any{map[string]any{
			"model-tag": "model-" + m, "offer-name": "dbo", "application-name": app, "endpoints": endpoints, "owner-tag": "user-admin",
		}}})
		return resultErr(t, res)
	}
	perURL := func(method string, params map[string]any) error {
		t.Helper()
		return resultErr(t, s.mustCall(cs, "ApplicationOffers", 6, method, params))
	}
	urls := func(u string) map[string]any { return map[string]any{"offer-urls": []string{u}, "bakery-version": 3} }

	appUUID := appUUID(s.c.models[m].apps["db"])
	for _, c := range []struct {
		name      string
		err       error
		code, msg string
	}{
		{"offer of a missing application", offer("nosuch", "db"), CodeNotFound, fmt.Sprintf(`application "nosuch" not found in model %q`, m)},
		{"offer of a missing endpoint", offer("db", "nope"), "", `creating offer "dbo": "nope": endpoint not found`},
		{"offer of some missing endpoints", offer("db", "nope", "db"), "", `creating offer "dbo": not all endpoints found "db, nope" for application "` + appUUID + `"`},
		{"show a missing offer", perURL("ApplicationOffers", urls("admin/default.nope")), CodeNotFound, `application offer "admin/default.nope"`},
		{"consume a missing offer", perURL("GetConsumeDetails", map[string]any{"offer-urls": urls("admin/default.nope")}), CodeNotFound, `application offer "admin/default.nope" not found`},
		{"consume from a missing model", perURL("GetConsumeDetails", map[string]any{"offer-urls": urls("admin/none.x")}), CodeNotFound, `model "admin/none": not found`},
		{"remove a missing offer", perURL("DestroyOffers", urls("admin/default.nope")), "", `"nope": offer not found`},
		{"remove from a missing model", perURL("DestroyOffers", urls("admin/none.x")), CodeNotFound, `model "admin/none": not found`},
		{"grant on a missing offer", perURL("ModifyOfferAccess", map[string]any{"changes": []any{map[string]any{
			"user-tag": "user-admin", "action": "grant", "access": "read", "offer-url": "admin/default.nope"}}}), CodeNotFound, `offer "admin/default.nope" not found`},
	} {
		t.Run(c.name, func(t *testing.T) { wantErr(t, c.err, c.code, c.msg) })
	}
	// Showing offers of a missing model fails the whole call.
	_, err := s.call(cs, "ApplicationOffers", 6, "ApplicationOffers", urls("admin/none.x"))
	wantErr(t, err, CodeNotFound, `model "admin/none": not found`)

	s36 := newSim(t, Config{JujuVersion: "3.6.28"})
	cs36 := s36.admin("")
	for _, method := range []string{"ApplicationOffers", "DestroyOffers"} {
		res := s36.mustCall(cs36, "ApplicationOffers", 5, method, urls("admin/none.x"))
		wantErr(t, resultErr(t, res), CodeNotFound, `application offer "admin/none.x" not found`)
	}
}

// resultErr is the error of the only result of a bulk call's reply.
func resultErr(t *testing.T, res map[string]any) error {
	t.Helper()
	e, ok := get(res, "results", 0, "error").(map[string]any)
	if !ok {
		return nil
	}
	code, _ := e["code"].(string)
	msg, _ := e["message"].(string)
	return &Error{Code: code, Message: msg}
}
