package core

import (
	"context"
	"encoding/json"
	"sort"
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

// servedMethods lists every facade method of the dispatch tables of both
// modes, implemented or not.
func servedMethods() [][2]string {
	seen := map[[2]string]bool{}
	var out [][2]string
	for _, table := range []map[string]map[string][]dispatchEntry{dispatch40, dispatch36} {
		for f, ms := range table {
			if f == "StringsWatcher" || f == "NotifyWatcher" || f == "AllWatcher" {
				continue // Next blocks by design
			}
			for m := range ms {
				if k := [2]string{f, m}; !seen[k] {
					seen[k] = true
					out = append(out, k)
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0]+"."+out[i][1] < out[j][0]+"."+out[j][1] })
	return out
}

// FuzzCall throws arbitrary params at every served method, in both
// modes: nothing may panic, failures must be *Error values and results
// must encode.
func FuzzCall(f *testing.F) {
	f.Add(uint16(0), false, `{"applications":[{"application":"x","charm-url":"local:x-0","num-units":1}]}`)
	f.Add(uint16(7), true, `{"patterns":["*"]}`)
	f.Add(uint16(20), false, `{"args":[{"content":{"data":{"k":"dg=="}}}]}`)
	f.Add(uint16(33), false, `{"actions":[{"receiver":"x/leader","name":"y"}]}`)
	f.Add(uint16(41), true, `{"params":[{"placement":{"scope":"lxd","directive":""}}]}`)
	f.Add(uint16(3), false, `{"endpoints":["a:b","c"]}`)
	f.Add(uint16(5), false, `{"relation-id":-1}`)
	f.Add(uint16(9), false, `null`)
	methods := servedMethods()
	f.Fuzz(func(t *testing.T, idx uint16, juju36 bool, params string) {
		fm := methods[int(idx)%len(methods)]
		version := ""
		if juju36 {
			version = "3.6.28"
		}
		c, err := New(Config{Clock: NewFakeClock(zeroTime), AdminPassword: "pw", Timing: Instant(), JujuVersion: version})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if err := c.Seed(c.DefaultModelUUID(), map[string]int{"x": 1, "postgresql": 1}); err != nil {
			t.Fatal(err)
		}
		controllerConn := controllerOnly[fm[0]]
		model := c.DefaultModelUUID()
		if controllerConn {
			model = ""
		}
		_, sess, err := c.Login(context.Background(), model, json.RawMessage(`{"auth-tag":"user-admin","credentials":"pw"}`), nil)
		if err != nil {
			t.Fatal(err)
		}
		ver := 0
		for _, fv := range c.facadeList(controllerConn) {
			if fv.Name == fm[0] {
				ver = fv.Versions[len(fv.Versions)-1]
			}
		}
		res, err := c.Call(context.Background(), sess, fm[0], ver, fm[1], "", json.RawMessage(params))
		if err != nil {
			// The handler must return the *Error itself, not wrap it: the
			// transport's AsError would drop a wrapper's text on the wire.
			if _, ok := err.(*Error); !ok { //nolint:errorlint // see above: a wrapped *Error is the defect looked for
				t.Fatalf("%s.%s: error %T %v", fm[0], fm[1], err, err)
			}
			return
		}
		if _, err := json.Marshal(res); err != nil {
			t.Fatalf("%s.%s: result does not encode: %v", fm[0], fm[1], err)
		}
		// The model must still be reportable, its status encoded by
		// AppendResult as by encoding/json.
		if _, err := c.Call(context.Background(), sess, "Pinger", 1, "Ping", "", nil); err != nil {
			t.Fatal(err)
		}
		if !controllerConn {
			checkStatusEncoding(t, c, sess)
		}
	})
}
