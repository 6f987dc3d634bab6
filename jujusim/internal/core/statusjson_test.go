package core

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gojuju/juju/internal/facades"
)

// checkAppendResult fails unless AppendResult encodes v exactly as
// encoding/json does (or fails where encoding/json fails).
func checkAppendResult(t *testing.T, what string, v any) {
	t.Helper()
	want, wantErr := json.Marshal(v)
	got, ok, err := AppendResult([]byte("prefix"), v)
	if !ok {
		t.Fatalf("%s: AppendResult has no appender for %T", what, v)
	}
	if wantErr != nil {
		if err == nil {
			t.Fatalf("%s: encoding/json fails (%v), AppendResult does not", what, wantErr)
		}
		return
	}
	if err != nil {
		t.Fatalf("%s: AppendResult: %v", what, err)
	}
	if !bytes.HasPrefix(got, []byte("prefix")) {
		t.Fatalf("%s: AppendResult did not append to its buffer", what)
	}
	got = got[len("prefix"):]
	if !bytes.Equal(got, want) {
		i := 0
		for i < len(got) && i < len(want) && got[i] == want[i] {
			i++
		}
		lo := max(i-200, 0)
		t.Fatalf("%s: AppendResult differs from encoding/json at byte %d of %d:\n got: ...%s\nwant: ...%s", what, i, len(want),
			got[lo:min(i+100, len(got))], want[lo:min(i+100, len(want))])
	}
}

// filler sets the fields of a value at random: each field zero or filled
// with values that exercise escaping, omitempty, nil against empty maps and
// slices, and times in several zones.
type filler struct {
	r     *rand.Rand
	depth int
}

var fillStrings = []string{"", "a", "active", "ubuntu@22.04", `q"uote`, `back\slash`, "<html>&amp;", "tab\tnew\nline\x01", "é ü 日本",
	"\u2028\u2029", "a<b", "x>y", "bad\xffutf8", "10.0.0.1", "app/0"}

var fillZones = []*time.Location{time.UTC, time.FixedZone("X", 3600), time.FixedZone("Y", -5*3600-30*60), time.FixedZone("S", 37)}

func (f *filler) time() time.Time {
	t := time.Date(2000+f.r.IntN(30), time.Month(1+f.r.IntN(12)), 1+f.r.IntN(28), f.r.IntN(24), f.r.IntN(60), f.r.IntN(60), f.r.IntN(3)*int(f.r.Int32()), time.UTC)
	if f.r.IntN(20) == 0 {
		t = t.AddDate(9000, 0, 0) // beyond what JSON times carry: both encoders must fail
	}
	return t.In(fillZones[f.r.IntN(len(fillZones))])
}

func (f *filler) fill(v reflect.Value) {
	if f.r.IntN(3) == 0 {
		return // zero
	}
	f.fillValue(v)
}

func (f *filler) fillValue(v reflect.Value) {
	if v.Type() == reflect.TypeFor[time.Time]() {
		v.Set(reflect.ValueOf(f.time()))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(fillStrings[f.r.IntN(len(fillStrings))])
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int64, reflect.Int32, reflect.Int16, reflect.Int8:
		v.SetInt(f.r.Int64N(2000) - 1000)
	case reflect.Uint, reflect.Uint64, reflect.Uint32, reflect.Uint16, reflect.Uint8:
		v.SetUint(f.r.Uint64N(200))
	case reflect.Float64, reflect.Float32:
		v.SetFloat(f.r.Float64() * 1e6)
	case reflect.Pointer:
		if f.depth > 6 {
			return
		}
		p := reflect.New(v.Type().Elem())
		f.depth++
		f.fillValue(p.Elem())
		f.depth--
		v.Set(p)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				f.fill(v.Field(i))
			}
		}
	case reflect.Slice:
		n := f.r.IntN(4)
		if f.depth > 6 {
			n = 0
		}
		s := reflect.MakeSlice(v.Type(), n, n)
		f.depth++
		for i := range n {
			f.fillValue(s.Index(i))
		}
		f.depth--
		v.Set(s)
	case reflect.Map:
		n := f.r.IntN(4)
		if f.depth > 6 {
			n = 0
		}
		m := reflect.MakeMapWithSize(v.Type(), n)
		f.depth++
		for range n {
			k := reflect.New(v.Type().Key()).Elem()
			f.fillValue(k)
			e := reflect.New(v.Type().Elem()).Elem()
			f.fillValue(e)
			m.SetMapIndex(k, e)
		}
		f.depth--
		v.Set(m)
	case reflect.Interface:
		switch f.r.IntN(4) {
		case 0:
			v.Set(reflect.ValueOf(fillStrings[f.r.IntN(len(fillStrings))]))
		case 1:
			v.Set(reflect.ValueOf(f.r.Float64()))
		case 2:
			v.Set(reflect.ValueOf(map[string]any{"k": "<v>", "n": 1.5}))
		default:
			v.Set(reflect.ValueOf([]any{true, nil, "x"}))
		}
	}
}

// TestAppendResultFilledValues compares AppendResult with encoding/json on
// FullStatus values of both modes filled field by field at random, so that
// a field the appenders do not write (for instance one added to the
// schema) fails here.
func TestAppendResultFilledValues(t *testing.T) {
	for seed := range uint64(400) {
		f := &filler{r: rand.New(rand.NewPCG(seed, 19))}
		var fs facades.FullStatus
		f.fillValue(reflect.ValueOf(&fs).Elem())
		checkAppendResult(t, fmt.Sprintf("FullStatus seed %d", seed), fs)
		var fs36 facades.FullStatusJuju36
		f.fillValue(reflect.ValueOf(&fs36).Elem())
		checkAppendResult(t, fmt.Sprintf("FullStatusJuju36 seed %d", seed), &fs36)
	}
	// Every field of every type the appenders write, filled at once.
	for _, v := range []any{&facades.FullStatus{}, &facades.FullStatusJuju36{}} {
		f := &filler{r: rand.New(rand.NewPCG(1, 2))}
		all := &allFiller{f}
		all.fillAll(reflect.ValueOf(v).Elem())
		checkAppendResult(t, fmt.Sprintf("%T all fields", v), v)
	}
	if _, ok, _ := AppendResult(nil, facades.StatusParams{}); ok {
		t.Error("AppendResult took a type it has no appender for")
	}
}

// allFiller fills every field, with short strings that need no escaping.
type allFiller struct{ f *filler }

func (a *allFiller) fillAll(v reflect.Value) {
	if v.Type() == reflect.TypeFor[time.Time]() {
		v.Set(reflect.ValueOf(time.Date(2026, 12, 4, 20, 0, 0, 5, time.UTC)))
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				a.fillAll(v.Field(i))
			}
		}
	case reflect.Pointer:
		if a.f.depth > 4 {
			return
		}
		p := reflect.New(v.Type().Elem())
		a.f.depth++
		a.fillAll(p.Elem())
		a.f.depth--
		v.Set(p)
	case reflect.Slice:
		if a.f.depth > 4 {
			return
		}
		s := reflect.MakeSlice(v.Type(), 2, 2)
		a.f.depth++
		a.fillAll(s.Index(0))
		a.fillAll(s.Index(1))
		a.f.depth--
		v.Set(s)
	case reflect.Map:
		if a.f.depth > 4 {
			return
		}
		m := reflect.MakeMap(v.Type())
		a.f.depth++
		for _, key := range []string{"b", "a"} {
			k := reflect.New(v.Type().Key()).Elem()
			if k.Kind() == reflect.String {
				k.SetString(key)
			} else {
				a.f.fillValue(k)
			}
			e := reflect.New(v.Type().Elem()).Elem()
			a.fillAll(e)
			m.SetMapIndex(k, e)
		}
		a.f.depth--
		v.Set(m)
	case reflect.String:
		v.SetString("s")
	default:
		a.f.fillValue(v)
	}
}

// TestAppendResultModels compares AppendResult with encoding/json on the
// FullStatus of simulated models of several shapes, in both modes.
func TestAppendResultModels(t *testing.T) {
	for _, version := range []string{"4.0.15", "3.6.28"} {
		t.Run(version, func(t *testing.T) {
			s := newSim(t, Config{JujuVersion: version})
			if err := s.c.AddCloud("microk8s", "kubernetes"); err != nil {
				t.Fatal(err)
			}
			m := s.c.DefaultModelUUID()
			if err := s.c.Seed(m, map[string]int{"ubuntu": 2, "ntp": 0, "pg": 3}); err != nil {
				t.Fatal(err)
			}
			ms := s.admin(m)
			ver := func(facade string) int { // the mode's newest version of facade
				for _, fv := range append(s.c.facadeList(false), s.c.facadeList(true)...) {
					if fv.Name == facade {
						return fv.Versions[len(fv.Versions)-1]
					}
				}
				return 0
			}
			check := func(what string, sess *Session, params map[string]any) {
				t.Helper()
				res, err := s.c.Call(context.Background(), sess, "Client", 8, "FullStatus", "", mustJSON(t, params))
				if err != nil {
					t.Fatalf("%s: FullStatus: %v", what, err)
				}
				checkAppendResult(t, what, res)
			}
			all := map[string]any{"patterns": nil}
			check("seeded, not settled", ms, all)
			s.advance(5 * time.Second)
			check("seeded", ms, all)

			// Subordinates, relations, exposed endpoints, blocked and
			// erroring units, containers, local charms, offers, storage.
			s.mustCall(ms, "Application", ver("Application"), "AddRelation", map[string]any{"endpoints": []string{"ntp:juju-info", "ubuntu:juju-info"}})
			s.c.SetBehaviour(m, "blocked", Behaviour{Status: "blocked", Message: "needs <a> relation & more"})
			deployHub(s, ms, "postgresql", "blocked", 2)
			s.mustCall(ms, "Application", ver("Application"), "Expose", map[string]any{"application": "ubuntu", "exposed-endpoints": map[string]any{
				"": map[string]any{}, "juju-info": map[string]any{"expose-to-cidrs": []string{"10.0.0.0/8", "0.0.0.0/0"}}}})
			s.mustCall(ms, "MachineManager", ver("MachineManager"), "AddMachines", map[string]any{"params": []any{
				map[string]any{"jobs": []string{"JobHostUnits"}},
				map[string]any{"placement": map[string]any{"scope": "lxd", "directive": "0"}, "jobs": []string{"JobHostUnits"}},
				map[string]any{"placement": map[string]any{"scope": "lxd", "directive": "0"}, "jobs": []string{"JobHostUnits"}},
			}})
			db := s.uploadLocal(m, providerMeta)
			s.deployLocal(ms, db, "db", 1)
			s.deployLocal(ms, s.uploadLocal(m, consumerMeta), "web", 2)
			s.mustCall(ms, "Application", ver("Application"), "AddRelation", map[string]any{"endpoints": []string{"web:db", "db:db"}})
			check("changing", ms, all)
			s.advance(5 * time.Second)
			cs := s.admin("")
			s.mustCall(cs, "ApplicationOffers", ver("ApplicationOffers"), "Offer", map[string]any{"Offers": []any{map[string]any{
				"model-tag": "model-" + m, "offer-name": "dbo", "application-name": "db", "endpoints": map[string]string{"db": "db"}, "owner-tag": "user-admin",
			}}})
			check("settled", ms, all)
			check("with storage", ms, map[string]any{"include-storage": true})
			for _, p := range []string{"ubuntu/0", "0", "pg", "web", "0/lxd/1", "nomatch"} {
				check("pattern "+p, ms, map[string]any{"patterns": []string{p}})
			}

			// A Kubernetes model.
			info := s.mustCall(cs, "ModelManager", ver("ModelManager"), "CreateModel", map[string]any{"name": "k", "qualifier": "admin", "owner-tag": "user-admin", "cloud-tag": "cloud-microk8s"})
			ks := s.admin(info["uuid"].(string))
			deployHub(s, ks, "postgresql-k8s", "pg", 2)
			check("k8s, not settled", ks, all)
			s.advance(5 * time.Second)
			check("k8s", ks, all)
		})
	}
}

// checkStatusEncoding checks AppendResult on sess's model's FullStatus.
func checkStatusEncoding(t *testing.T, c *Controller, sess *Session) {
	t.Helper()
	res, err := c.Call(context.Background(), sess, "Client", 8, "FullStatus", "", json.RawMessage(`{"include-storage":true}`))
	if err != nil {
		t.Fatalf("FullStatus: %v", err)
	}
	checkAppendResult(t, "FullStatus", res)
}

// TestFullStatusCache checks that a poll of an unchanged model is served
// from the cache (with its own controller-timestamp), that calls and
// scheduled steps that change state are seen by the next poll, and that
// a change of state behind the generation's back is caught in test
// binaries.
func TestFullStatusCache(t *testing.T) {
	for _, version := range []string{"4.0.15", "3.6.28"} {
		t.Run(version, func(t *testing.T) {
			s := newSim(t, Config{JujuVersion: version})
			m := s.c.DefaultModelUUID()
			if err := s.c.Seed(m, map[string]int{"ubuntu": 2}); err != nil {
				t.Fatal(err)
			}
			ms := s.admin(m)
			poll := func(params string) (any, map[string]any) {
				t.Helper()
				res, err := s.c.Call(context.Background(), ms, "Client", 8, "FullStatus", "", json.RawMessage(params))
				if err != nil {
					t.Fatal(err)
				}
				return res, toMap(t, res)
			}
			_, first := poll(`{}`)
			if get(first, "applications", "ubuntu", "units", "ubuntu/0", "workload-status", "status") == "active" {
				t.Fatal("settled before the clock moved")
			}
			s.advance(5 * time.Second) // the agents settle: scheduled steps
			poll(`{}`)                 // not kept: the last one kept was never served
			res, st := poll(`{}`)
			if _, ok := res.(*statusReply); !ok {
				t.Fatalf("poll after the agents settled: %T, want a fresh reply", res)
			}
			if get(st, "applications", "ubuntu", "units", "ubuntu/0", "workload-status", "status") != "active" {
				t.Fatalf("poll after settling: %v", get(st, "applications", "ubuntu", "units", "ubuntu/0"))
			}
			s.advance(time.Second) // nothing due: update-status runs every minute
			res, again := poll(`{}`)
			if _, ok := res.(*cachedStatus); !ok {
				t.Fatalf("poll of an unchanged model: %T, want a cached reply", res)
			}
			if get(again, "controller-timestamp") == get(st, "controller-timestamp") {
				t.Error("cached reply kept the old controller-timestamp")
			}
			delete(again, "controller-timestamp")
			delete(st, "controller-timestamp")
			if diff := cmp.Diff(st, again); diff != "" {
				t.Errorf("cached reply differs (-fresh +cached):\n%s", diff)
			}
			if res, _ := poll(`{"patterns":["ubuntu/0"]}`); func() bool { _, ok := res.(*cachedStatus); return ok }() {
				t.Error("poll with other params served from the cache")
			}
			// A read-only call leaves the cache; a mutating one does not.
			s.mustCall(ms, "Pinger", 1, "Ping", nil)
			if res, _ := poll(`{"patterns":["ubuntu/0"]}`); func() bool { _, ok := res.(*cachedStatus); return !ok }() {
				t.Errorf("poll after a ping: %T, want a cached reply", res)
			}
			s.mustCall(ms, "Application", 20, "Expose", map[string]any{"application": "ubuntu"})
			if res, st := poll(`{"patterns":["ubuntu/0"]}`); func() bool { _, ok := res.(*cachedStatus); return ok }() ||
				get(st, "applications", "ubuntu", "exposed") != true {
				t.Errorf("poll after expose: %T, exposed %v", res, get(st, "applications", "ubuntu", "exposed"))
			}
			// While the model keeps changing, a reply kept writes over the
			// last one kept when that was never served: the reply served
			// once it stops is the last state's (the first reply served
			// from a kept one is checked against a fresh one).
			for i := range 5 {
				method := []string{"Unexpose", "Expose"}[i%2]
				s.mustCall(ms, "Application", 20, method, map[string]any{"application": "ubuntu"})
				poll(`{}`)
			}
			poll(`{}`) // kept
			if res, st := poll(`{}`); func() bool { _, ok := res.(*cachedStatus); return !ok }() ||
				get(st, "applications", "ubuntu", "exposed") != false {
				t.Errorf("poll after the changes: %T, exposed %v", res, get(st, "applications", "ubuntu", "exposed"))
			}

			// A change behind the generation's back is caught.
			s.mustCall(ms, "Application", 20, "Expose", map[string]any{"application": "ubuntu"})
			poll(`{}`) // kept (the last one kept was served)
			s.c.models[m].apps["ubuntu"].exposed = false
			func() {
				defer func() {
					if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "stale status") {
						t.Errorf("stale cached reply not caught: %v", r)
					}
				}()
				poll(`{}`)
			}()
		})
	}
}
