package jujusim

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/gojuju/juju/jujudata"
)

// IssueMacaroonCookies mints a login macaroon for the user, valid for ttl
// on the simulator's clock, and returns a cookie jar holding it, in the
// format the juju CLI keeps in JUJU_DATA/cookies/<controller>.json
// (github.com/juju/persistent-cookiejar): one "macaroon-..." cookie for
// the cookie URL https://<controller UUID>/, path "/", expiring ttl from
// now on the wall clock. Write it to that file next to an accounts.yaml
// entry without a password to log in as a user who ran "juju login".
// A ttl <= 0 gives an already expired jar (and macaroon).
func (s *Server) IssueMacaroonCookies(user string, ttl time.Duration) ([]byte, error) {
	m, err := s.core.IssueMacaroon(user, ttl)
	if err != nil {
		return nil, fmt.Errorf("cannot issue a macaroon for %q: %w", user, err)
	}
	value, err := jujudata.EncodeMacaroonCookie([]json.RawMessage{m})
	if err != nil {
		return nil, err
	}
	var sig struct {
		S64 string `json:"s64"`
	}
	_ = json.Unmarshal(m, &sig)
	now := time.Now().UTC()
	host := s.ControllerUUID()
	jar := []jujudata.Cookie{{
		Name:          jujudata.MacaroonCookiePrefix + hex.EncodeToString([]byte(sig.S64)),
		Value:         value,
		Domain:        host,
		Path:          "/",
		Persistent:    true,
		HostOnly:      true,
		Expires:       now.Add(ttl),
		Creation:      now,
		LastAccess:    now,
		Updated:       now,
		CanonicalHost: host,
	}}
	return json.MarshalIndent(jar, "", "\t")
}
