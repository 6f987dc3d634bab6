package core

import (
	"context"
	"encoding/json"
	"testing"
)

func FuzzParseCurl(f *testing.F) {
	for _, s := range []string{"ch:amd64/jammy/postgresql-345", "local:rj-provider-0", "postgresql", "ch:pg", "cs:::", "ch:a/b/c/d", "local:x-", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := parseCurl(s)
		if err != nil {
			return
		}
		// A parsed URL prints as something that parses to the same URL.
		again, err := parseCurl(u.String())
		if err != nil {
			t.Fatalf("%q -> %q does not parse: %v", s, u.String(), err)
		}
		if again.name != u.name || again.revision != u.revision || again.schema != u.schema {
			t.Fatalf("%q -> %+v -> %+v", s, u, again)
		}
	})
}

func FuzzCharmMetadata(f *testing.F) {
	f.Add(providerMeta, testConfig, testManifest)
	f.Add("name: x\nprovides: {a: b}\n", "options: {o: {type: float, default: 1.5}}", "bases: [{name: ubuntu, channel: '24.04'}]")
	f.Add("name: [", "", "")
	f.Add("name: ok\nrequires:\n  r:\n    interface: i\n    limit: -1\n", "options: {o: {type: weird}}", "")
	f.Fuzz(func(t *testing.T, meta, config, manifest string) {
		ch, err := charmFromFiles(map[string][]byte{"metadata.yaml": []byte(meta), "config.yaml": []byte(config), "manifest.yaml": []byte(manifest)})
		if err != nil {
			return
		}
		if !validCharmName(ch.name) {
			t.Fatalf("accepted invalid name %q", ch.name)
		}
		if _, ok := ch.relations["juju-info"]; !ok {
			t.Fatalf("no implicit juju-info")
		}
	})
}

// FuzzCall throws arbitrary params at every registered method: nothing may
// panic, and failures must be *Error values.
func FuzzCall(f *testing.F) {
	f.Add("Application", "Deploy", `{"applications":[{"application":"x","charm-url":"local:x-0","num-units":1}]}`)
	f.Add("Client", "FullStatus", `{"patterns":["*"]}`)
	f.Add("Secrets", "CreateSecrets", `{"args":[{"content":{"data":{"k":"dg=="}}}]}`)
	f.Add("Action", "EnqueueOperation", `{"actions":[{"receiver":"x/leader","name":"y"}]}`)
	f.Add("MachineManager", "AddMachines", `{"params":[{"placement":{"scope":"lxd","directive":""}}]}`)
	f.Add("Application", "AddRelation", `{"endpoints":["a:b","c"]}`)
	f.Add("Application", "DestroyRelation", `{"relation-id":-1}`)
	f.Fuzz(func(t *testing.T, facade, method, params string) {
		c, err := New(Config{Clock: NewFakeClock(zeroTime), AdminPassword: "pw", Timing: Instant()})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if err := c.Seed(c.DefaultModelUUID(), map[string]int{"x": 1}); err != nil {
			t.Fatal(err)
		}
		_, sess, err := c.Login(context.Background(), c.DefaultModelUUID(), json.RawMessage(`{"auth-tag":"user-admin","credentials":"pw"}`), nil)
		if err != nil {
			t.Fatal(err)
		}
		ver := 0
		for _, fv := range c.facadeList(false) {
			if fv.Name == facade {
				ver = fv.Versions[len(fv.Versions)-1]
			}
		}
		if facade == "StringsWatcher" || facade == "NotifyWatcher" || facade == "AllWatcher" {
			return // Next blocks by design
		}
		res, err := c.Call(context.Background(), sess, facade, ver, method, "", json.RawMessage(params))
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("%s.%s: error %T %v", facade, method, err, err)
			}
			return
		}
		if _, err := json.Marshal(res); err != nil {
			t.Fatalf("%s.%s: result does not encode: %v", facade, method, err)
		}
	})
}
