package juju

import (
	"fmt"
	"time"

	"github.com/gojuju/juju/jujudata"
	"github.com/gojuju/juju/rpc"
)

// macaroonLogin returns the login for an account that has no password in
// accounts.yaml, as for every user who ran "juju login": the macaroons the
// juju CLI keeps in the controller's cookie jar for its cookie URL
// (https://<public hostname or controller UUID>/), expired cookies left
// out. Without usable macaroons the controller asks for a discharge and
// the login fails with an *rpc.DischargeRequiredError telling the user to
// run "juju login".
func macaroonLogin(store *jujudata.Store, controller string, details *jujudata.ControllerDetails, account *jujudata.AccountDetails, clientVersion string) (rpc.LoginProvider, error) {
	cookies, err := store.Cookies(controller)
	if err != nil {
		return nil, fmt.Errorf("cannot read the login macaroons of controller %q: %w", controller, err)
	}
	return &rpc.MacaroonLogin{
		Username:      account.User,
		Macaroons:     jujudata.MacaroonsForURL(cookies, jujudata.CookieURL(*details), time.Now()),
		ClientVersion: clientVersion,
		Controller:    controller,
	}, nil
}
