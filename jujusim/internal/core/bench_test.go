package core

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/gojuju/juju/internal/facades"
)

// seeded returns a settled model with apps x units units.
func seededSim(b *testing.B, apps, units int) (*Controller, *Session) {
	b.Helper()
	fc := NewFakeClock(time.Time{})
	c, err := New(Config{Clock: fc, AdminPassword: "pw", Timing: Instant()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Close() })
	spec := map[string]int{}
	for i := 0; i < apps; i++ {
		spec[fmt.Sprintf("app%d", i)] = units
	}
	if err := c.Seed(c.DefaultModelUUID(), spec); err != nil {
		b.Fatal(err)
	}
	_, sess, err := c.Login(context.Background(), c.DefaultModelUUID(), json.RawMessage(`{"auth-tag":"user-admin","credentials":"pw"}`), nil)
	if err != nil {
		b.Fatal(err)
	}
	return c, sess
}

// benchFullStatus polls FullStatus; changed says whether the state
// changes between polls (so that every poll builds and encodes the status)
// or not (so that polls after the first are served from the cache).
func benchFullStatus(b *testing.B, apps, units int, changed bool) {
	benchFullStatusChecked(b, apps, units, changed, false)
}

// benchFullStatusChecked is benchFullStatus with the cached replies
// checked against fresh ones or not.
func benchFullStatusChecked(b *testing.B, apps, units int, changed, check bool) {
	SetStatusCache(true, check)
	defer SetStatusCache(true, true)
	c, sess := seededSim(b, apps, units)
	params := json.RawMessage(`{"patterns":null}`)
	checkSettled(b, c, sess, apps*units)
	b.ReportAllocs()
	b.ResetTimer()
	var size int
	var buf []byte
	for i := 0; i < b.N; i++ {
		if changed {
			c.mu.Lock()
			c.mu.gen++ // a change of state, as far as the cache knows
			c.mu.Unlock()
		}
		res, err := c.Call(context.Background(), sess, "Client", 8, "FullStatus", "", params)
		if err != nil {
			b.Fatal(err)
		}
		// Encoded as the transport does, into a buffer it reuses.
		out, ok, err := AppendResult(buf[:0], res)
		if !ok || err != nil {
			b.Fatal(ok, err)
		}
		buf, size = out, len(out)
	}
	b.ReportMetric(float64(size), "bytes/status")
}

// checkSettled fails the benchmark unless FullStatus shows want units,
// every one idle and active on a started machine, so that the benchmark
// measures a correct status.
func checkSettled(b *testing.B, c *Controller, sess *Session, want int) {
	b.Helper()
	res, err := c.Call(context.Background(), sess, "Client", 8, "FullStatus", "", json.RawMessage(`{"patterns":null}`))
	if err != nil {
		b.Fatal(err)
	}
	fs := res.(*statusReply).v.(facades.FullStatus)
	n := 0
	for _, a := range fs.Applications {
		for name, u := range a.Units {
			n++
			if u.AgentStatus.Status != "idle" || u.WorkloadStatus.Status != "active" || fs.Machines[u.Machine].AgentStatus.Status != "started" {
				b.Fatalf("%s: agent %q, workload %q, machine %q", name, u.AgentStatus.Status, u.WorkloadStatus.Status, fs.Machines[u.Machine].AgentStatus.Status)
			}
		}
	}
	if n != want || len(fs.Machines) != want {
		b.Fatalf("FullStatus has %d units on %d machines, want %d", n, len(fs.Machines), want)
	}
}

// BenchmarkFullStatus1000 builds and encodes the status of 1,000 units
// (encoded as the transport does, with AppendResult), changed since the
// last poll.
func BenchmarkFullStatus1000(b *testing.B) { benchFullStatus(b, 10, 100, true) }

// BenchmarkFullStatus10000 builds and encodes the status of 10,000 units,
// changed since the last poll.
func BenchmarkFullStatus10000(b *testing.B) { benchFullStatus(b, 50, 200, true) }

// BenchmarkFullStatusUnchanged1000 polls the status of 1,000 settled units
// that do not change between polls (served from the cache).
func BenchmarkFullStatusUnchanged1000(b *testing.B) { benchFullStatus(b, 10, 100, false) }

// BenchmarkFullStatusUnchanged10000 polls the status of 10,000 settled
// units that do not change between polls (served from the cache).
func BenchmarkFullStatusUnchanged10000(b *testing.B) { benchFullStatus(b, 50, 200, false) }

// BenchmarkFullStatusUnchangedChecked10000 is
// BenchmarkFullStatusUnchanged10000 as test binaries run it: the first
// reply served from the cache and every eighth after it is checked
// against a fresh one.
func BenchmarkFullStatusUnchangedChecked10000(b *testing.B) {
	benchFullStatusChecked(b, 50, 200, false, true)
}

// BenchmarkFullStatus10000Pattern asks for one application of 10,000 units.
func BenchmarkFullStatus10000Pattern(b *testing.B) {
	SetStatusCache(false, false)
	defer SetStatusCache(true, true)
	c, sess := seededSim(b, 50, 200)
	params := json.RawMessage(`{"patterns":["app7"]}`)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := c.Call(context.Background(), sess, "Client", 8, "FullStatus", "", params)
		if err != nil {
			b.Fatal(err)
		}
		if _, ok, err := AppendResult(nil, res); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}

// BenchmarkFullStatusEncode10000 measures encoding the FullStatus result of
// 10,000 units, built once, with AppendResult (the transport's encoder)
// and with encoding/json (which it replaces), in both modes.
func BenchmarkFullStatusEncode10000(b *testing.B) {
	for _, version := range []string{"4.0.15", "3.6.28"} {
		fc := NewFakeClock(time.Time{})
		c, err := New(Config{Clock: fc, AdminPassword: "pw", Timing: Instant(), JujuVersion: version})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { c.Close() })
		spec := map[string]int{}
		for i := 0; i < 50; i++ {
			spec[fmt.Sprintf("app%d", i)] = 200
		}
		if err := c.Seed(c.DefaultModelUUID(), spec); err != nil {
			b.Fatal(err)
		}
		_, sess, err := c.Login(context.Background(), c.DefaultModelUUID(), json.RawMessage(`{"auth-tag":"user-admin","credentials":"pw"}`), nil)
		if err != nil {
			b.Fatal(err)
		}
		reply, err := c.Call(context.Background(), sess, "Client", 8, "FullStatus", "", json.RawMessage(`{"patterns":null}`))
		if err != nil {
			b.Fatal(err)
		}
		res := reply.(*statusReply).v
		b.Run("juju="+version[:3]+"/append", func(b *testing.B) {
			b.ReportAllocs()
			var buf []byte
			for i := 0; i < b.N; i++ {
				out, _, err := AppendResult(buf[:0], res)
				if err != nil {
					b.Fatal(err)
				}
				buf = out
			}
			b.SetBytes(int64(len(buf)))
		})
		b.Run("juju="+version[:3]+"/encoding-json", func(b *testing.B) {
			b.ReportAllocs()
			var buf bytes.Buffer
			for i := 0; i < b.N; i++ {
				buf.Reset()
				if err := json.NewEncoder(&buf).Encode(res); err != nil {
					b.Fatal(err)
				}
			}
			b.SetBytes(int64(buf.Len()))
		})
	}
}

// BenchmarkLogin measures logins per second.
func BenchmarkLogin(b *testing.B) {
	c, _ := seededSim(b, 0, 0)
	params := json.RawMessage(`{"auth-tag":"user-admin","credentials":"pw"}`)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, err := c.Login(context.Background(), c.DefaultModelUUID(), params, []string{"127.0.0.1:17070"}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSeed10000 seeds and settles 10,000 units with instant timing.
func BenchmarkSeed10000(b *testing.B) {
	for i := 0; i < b.N; i++ {
		c, err := New(Config{Clock: NewFakeClock(time.Time{}), Timing: Instant()})
		if err != nil {
			b.Fatal(err)
		}
		spec := map[string]int{}
		for j := 0; j < 50; j++ {
			spec[fmt.Sprintf("app%d", j)] = 200
		}
		if err := c.Seed(c.DefaultModelUUID(), spec); err != nil {
			b.Fatal(err)
		}
		c.Close()
	}
}

// BenchmarkFullStatusBuild10000 measures building the FullStatus result
// of 10,000 units, without JSON encoding (the transport's part).
func BenchmarkFullStatusBuild10000(b *testing.B) {
	SetStatusCache(false, false)
	defer SetStatusCache(true, true)
	c, sess := seededSim(b, 50, 200)
	params := json.RawMessage(`{"patterns":null}`)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.Call(context.Background(), sess, "Client", 8, "FullStatus", "", params); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSeedPeers10000 seeds and settles one application of 10,000
// units with peer relations, whose units greet each other as they come up.
func BenchmarkSeedPeers10000(b *testing.B) {
	for i := 0; i < b.N; i++ {
		c, err := New(Config{Clock: NewFakeClock(time.Time{}), Timing: Instant()})
		if err != nil {
			b.Fatal(err)
		}
		if err := c.Seed(c.DefaultModelUUID(), map[string]int{"postgresql": 10000}); err != nil {
			b.Fatal(err)
		}
		c.Close()
	}
}
