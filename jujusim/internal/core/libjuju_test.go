package core

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// Differences python-libjuju 3.x trips on (issue 18); its flow runs in
// internal/realjuju/libjujusuite.

// TestAllWatcherRemoveCarriesLastDocument: a "remove" delta carries the
// entity's last document, as Juju's multiwatcher sends it; python-libjuju
// finds the entity by the relation's or machine's "id" in it and failed
// with KeyError: 'id' when the simulator sent only the key.
func TestAllWatcherRemoveCarriesLastDocument(t *testing.T) {
	s := newSim(t, Config{JujuVersion: "3.6.28"})
	m := s.c.DefaultModelUUID()
	ms := s.admin(m)
	w := s.mustCall(ms, "Client", 8, "WatchAll", nil)
	wid, _ := w["watcher-id"].(string)
	next := func() []any {
		t.Helper()
		res, err := s.callID(ms, "AllWatcher", 3, "Next", wid, nil)
		if err != nil {
			t.Fatal(err)
		}
		d, _ := res["deltas"].([]any)
		return d
	}
	next()
	deployHub(s, ms, "mysql", "db", 1)
	deployHub(s, ms, "wordpress", "wp", 1)
	s.mustCall(ms, "Application", 20, "AddRelation", map[string]any{"endpoints": []string{"db", "wp:db"}})
	s.advance(5 * time.Second)
	next()
	s.mustCall(ms, "Application", 20, "DestroyRelation", map[string]any{"endpoints": []string{"db", "wp:db"}})
	s.mustCall(ms, "Application", 20, "DestroyApplication", map[string]any{"applications": []any{map[string]any{"application-tag": "application-wp"}}})
	s.advance(5 * time.Second)
	removed := map[string]any{}
	for _, x := range next() {
		if get(x, 1) == "remove" {
			removed[get(x, 0).(string)+"/"+docID(get(x, 2))] = get(x, 2)
		}
	}
	rel := removed["relation/wp:db db:mysql"]
	if _, ok := get(rel, "id").(float64); !ok || get(rel, "endpoints", 0, "application-name") == nil {
		t.Errorf("relation remove delta = %v (all: %v)", rel, removed)
	}
	if u := removed["unit/wp/0"]; get(u, "application") != "wp" || get(u, "machine-id") == nil {
		t.Errorf("unit remove delta = %v", u)
	}
	if a := removed["application/wp"]; get(a, "charm-url") == nil {
		t.Errorf("application remove delta = %v", a)
	}
	mc := removed["machine/1"]
	if get(mc, "id") != "1" || get(mc, "base") == nil {
		t.Errorf("machine remove delta = %v (all: %v)", mc, removed)
	}
}

// docID is the identity python-libjuju reads from an AllWatcher document.
func docID(doc any) string {
	for _, k := range []string{"key", "name", "id"} {
		if v, ok := get(doc, k).(string); ok {
			return v
		}
	}
	return ""
}

// TestDeployFromRepositoryRevisionWithoutChannel: a revision without a
// channel is taken, in both modes, as the real servers' DeployFromRepository
// takes it (the default channel; refusing it is the juju CLI's check, not
// the server's). python-libjuju sends the resolved revision and no channel
// when a charm is deployed without one.
func TestDeployFromRepositoryRevisionWithoutChannel(t *testing.T) {
	for _, v := range []string{"4.0.15", "3.6.28"} {
		t.Run(v, func(t *testing.T) {
			s := newSim(t, Config{JujuVersion: v})
			ms := s.admin(s.c.DefaultModelUUID())
			res := s.mustCall(ms, "Application", 20, "DeployFromRepository", map[string]any{"Args": []any{map[string]any{
				"CharmName": "wordpress", "ApplicationName": "wp", "revision": 7}}})
			if e := get(res, "Results", 0, "Errors"); e != nil {
				t.Fatalf("DeployFromRepository with a revision and no channel: %v", e)
			}
			st := s.status(ms)
			if rev := get(st, "applications", "wp", "charm-rev"); rev != float64(7) {
				t.Errorf("charm-rev = %v, want 7 (%v)", rev, get(st, "applications", "wp"))
			}
		})
	}
}

// TestConsumeMacaroonFollowsBakeryVersion: GetConsumeDetails mints the
// offer macaroon in the JSON form of the bakery version asked for, in both
// modes: macaroon V1 for bakery versions 0 and 1 (python-libjuju sends
// none and reads "caveats"), V2 from 2 on (the juju CLI sends 3).
func TestConsumeMacaroonFollowsBakeryVersion(t *testing.T) {
	for _, v := range []string{"4.0.15", "3.6.28"} {
		t.Run(v, func(t *testing.T) {
			s := newSim(t, Config{JujuVersion: v})
			m := s.c.DefaultModelUUID()
			ms := s.admin(m)
			s.deployLocal(ms, s.uploadLocal(m, providerMeta), "db", 0)
			cs := s.admin("")
			ver := 6
			if v == "3.6.28" {
				ver = 5
			}
			s.mustCall(cs, "ApplicationOffers", ver, "Offer", map[string]any{"Offers": []any{map[string]any{
				"model-tag": "model-" + m, "offer-name": "dbo", "application-name": "db", "endpoints": map[string]string{"db": "db"}, "owner-tag": "user-admin",
			}}})
			for _, c := range []struct {
				bakery     any
				keys, none []string
			}{
				{nil, []string{"identifier", "location", "caveats", "signature"}, []string{"i", "c", "s64"}},
				{1, []string{"identifier", "location", "caveats", "signature"}, []string{"i", "c", "s64"}},
				{3, []string{"i", "l", "c", "s64"}, []string{"identifier", "caveats", "signature"}},
			} {
				args := map[string]any{"offer-urls": []string{"admin/default.dbo"}}
				if c.bakery != nil {
					args["bakery-version"] = c.bakery
				}
				res := s.mustCall(cs, "ApplicationOffers", ver, "GetConsumeDetails", map[string]any{"offer-urls": args})
				mac, _ := get(res, "results", 0, "macaroon").(map[string]any)
				for _, k := range c.keys {
					if _, ok := mac[k]; !ok {
						t.Errorf("bakery-version %v: macaroon %v has no %q", c.bakery, mac, k)
					}
				}
				for _, k := range c.none {
					if _, ok := mac[k]; ok {
						t.Errorf("bakery-version %v: macaroon %v has %q", c.bakery, mac, k)
					}
				}
			}
		})
	}
}

// TestAuthorizedKeysConfig: a Juju 3.6 model's authorised SSH keys are its
// authorized-keys config, which python-libjuju's add_model (and the juju
// CLI's) fills with the client's key: KeyManager lists it, the SSH server
// accepts it, and model-config reads and writes the same keys. Juju 4
// keeps keys apart: the config key is ignored at model creation and
// refused by ModelSet, in the real 4.0.15 server's words.
func TestAuthorizedKeysConfig(t *testing.T) {
	const (
		key1 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f one@test"
		key2 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB8eHRwbGhkYFxYVFBMSERAPDg0MCwoJCAcGBQQDAgEA two@test"
	)
	for _, tc := range []struct {
		version string
		mm      int
		create  map[string]any
		mcfg    int
	}{
		{"3.6.28", 10, map[string]any{"name": "keys", "owner-tag": "user-admin"}, 3},
		{"4.0.15", 11, map[string]any{"name": "keys", "qualifier": "admin"}, 4},
	} {
		t.Run(tc.version, func(t *testing.T) {
			s := newSim(t, Config{JujuVersion: tc.version})
			tc.create["config"] = map[string]any{"authorized-keys": key1 + "\n"}
			info := s.mustCall(s.admin(""), "ModelManager", tc.mm, "CreateModel", tc.create)
			ms := s.admin(info["uuid"].(string))
			listed := func() any {
				res := s.mustCall(ms, "KeyManager", 1, "ListKeys", map[string]any{"entities": map[string]any{"entities": []any{map[string]any{"tag": "user-admin"}}}, "mode": true})
				return get(res, "results", 0, "result")
			}
			configured := func() any {
				return get(s.mustCall(ms, "ModelConfig", tc.mcfg, "ModelGet", nil), "config", "authorized-keys", "value")
			}
			pub, _, _, _, err := ssh.ParseAuthorizedKey([]byte(key1))
			if err != nil {
				t.Fatal(err)
			}
			authorised := s.c.SSHAuthorized(info["uuid"].(string), pub)
			if tc.version == "4.0.15" {
				if got := listed(); got != nil || authorised || configured() != nil {
					t.Errorf("4.0: keys after CreateModel with authorized-keys = %v, authorised %v, config %v; want none", got, authorised, configured())
				}
				_, err := s.call(ms, "ModelConfig", tc.mcfg, "ModelSet", map[string]any{"config": map[string]any{"authorized-keys": key2}})
				wantErr(t, err, CodeNotValid, `config key ["authorized-keys"] not valid: attributes not allowed in model config`)
				return
			}
			// 3.6 adds the controller's own key (juju-system-key), which
			// it does not list.
			system := authorizedLine(s.c.SSHJumpHostKey()) + " juju-system-key"
			if got := listed(); !reflect.DeepEqual(got, []any{key1}) || !authorised || configured() != key1+"\n"+system {
				t.Errorf("3.6: keys after CreateModel = %v, authorised %v, config %q; want the config's key and the system key", got, authorised, configured())
			}
			res := s.mustCall(ms, "KeyManager", 1, "AddKeys", map[string]any{"user": "admin", "ssh-keys": []string{key2, key1, "nonsense"}})
			if get(res, "results", 0, "error") != nil || get(res, "results", 1, "error", "message") != "duplicate ssh key: "+key1 ||
				get(res, "results", 2, "error", "message") != "invalid ssh key: nonsense" {
				t.Errorf("3.6: AddKeys of a new, a duplicate and an invalid key = %v", res)
			}
			if got := configured(); got != key1+"\n"+system+"\n"+key2 {
				t.Errorf("3.6: authorized-keys after AddKeys = %q", got)
			}
			// 3.6 names keys by MD5 fingerprint and comment, and deletes
			// by either.
			pub2, _, _, _, _ := ssh.ParseAuthorizedKey([]byte(key2))
			res = s.mustCall(ms, "KeyManager", 1, "ListKeys", map[string]any{"entities": map[string]any{"entities": []any{map[string]any{"tag": "user-admin"}}}})
			if got := get(res, "results", 0, "result"); !reflect.DeepEqual(got, []any{ssh.FingerprintLegacyMD5(pub) + " (one@test)", ssh.FingerprintLegacyMD5(pub2) + " (two@test)"}) {
				t.Errorf("3.6: ListKeys by fingerprint = %v, want MD5 fingerprint (comment)", got)
			}
			res = s.mustCall(ms, "KeyManager", 1, "DeleteKeys", map[string]any{"user": "admin", "ssh-keys": []string{ssh.FingerprintLegacyMD5(pub), ssh.FingerprintSHA256(pub2), "juju-system-key"}})
			if get(res, "results", 0, "error") != nil || get(res, "results", 1, "error", "message") != "invalid ssh key: "+ssh.FingerprintSHA256(pub2) ||
				get(res, "results", 2, "error", "message") != "may not delete internal key: juju-system-key" || !reflect.DeepEqual(listed(), []any{key2}) {
				t.Errorf("3.6: DeleteKeys by MD5, by SHA256, of the system key = %v; then %v", res, listed())
			}
			s.mustCall(ms, "ModelConfig", tc.mcfg, "ModelSet", map[string]any{"config": map[string]any{"authorized-keys": key2}})
			if got := listed(); !reflect.DeepEqual(got, []any{key2}) {
				t.Errorf("3.6: keys after ModelSet authorized-keys = %v", got)
			}
			_, err = s.call(ms, "KeyManager", 1, "DeleteKeys", map[string]any{"user": "admin", "ssh-keys": []string{"two@test"}})
			wantErr(t, err, "", "cannot delete all keys")
			// The client's key (add-model's) is authorised but not listed.
			client := strings.Replace(key1, "one@test", "juju-client-key", 1)
			s.mustCall(ms, "ModelConfig", tc.mcfg, "ModelSet", map[string]any{"config": map[string]any{"authorized-keys": client + "\n" + key2}})
			if got := listed(); !reflect.DeepEqual(got, []any{key2}) || !s.c.SSHAuthorized(info["uuid"].(string), pub) {
				t.Errorf("3.6: keys with the client's = %v, client's authorised %v", got, s.c.SSHAuthorized(info["uuid"].(string), pub))
			}
			s.mustCall(ms, "ModelConfig", tc.mcfg, "ModelUnset", map[string]any{"keys": []string{"authorized-keys"}})
			if got := listed(); got != nil || configured() != nil {
				t.Errorf("3.6: keys after ModelUnset authorized-keys = %v, config %v", got, configured())
			}
		})
	}
}
