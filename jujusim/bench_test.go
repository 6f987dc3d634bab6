package jujusim

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/gojuju/juju/internal/testshared"
	"github.com/gojuju/juju/jujusim/internal/core"
)

// BenchmarkLogin measures complete logins: TCP and TLS handshake,
// websocket upgrade, Admin.Login and close.
func BenchmarkLogin(b *testing.B) {
	s := startServer(b, Config{})
	b.ReportAllocs()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		ws, err := dialPath(b, s, "/model/"+s.DefaultModelUUID()+"/api", nil)
		if err != nil {
			b.Fatal(err)
		}
		c := &testConn{t: b, ws: ws}
		c.login(s)
		_ = ws.CloseNow()
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "logins/s")
}

// BenchmarkLoginParallel measures logins from several clients at once.
func BenchmarkLoginParallel(b *testing.B) {
	s := startServer(b, Config{})
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			ws, err := dialPath(b, s, "/api", nil)
			if err != nil {
				b.Error(err)
				return
			}
			c := &testConn{t: b, ws: ws}
			c.login(s)
			_ = ws.CloseNow()
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "logins/s")
}

// BenchmarkFullStatus measures Client.FullStatus of a settled model served
// over the socket, including reading the whole reply, as a test's poll
// sees it when something in the model changed since the last poll (an
// annotation set on a unit before each poll: the reply is built and
// encoded again), in both modes.
func BenchmarkFullStatus(b *testing.B) { benchFullStatus(b, true) }

// BenchmarkFullStatusUnchanged is BenchmarkFullStatus for a model that does
// not change between polls, whose polls after the first are served from
// the simulator's cache of the encoded reply.
func BenchmarkFullStatusUnchanged(b *testing.B) { benchFullStatus(b, false) }

func benchFullStatus(b *testing.B, changed bool) {
	// Replies served from the cache are not checked against fresh ones
	// here, as in users' programs (test binaries check every eighth).
	core.SetStatusCache(true, false)
	defer core.SetStatusCache(true, true)
	for _, version := range []string{Juju40, Juju36} {
		for _, units := range []int{1000, 10000} {
			b.Run(fmt.Sprintf("juju=%s/units=%d", version[:3], units), func(b *testing.B) {
				s := startServer(b, Config{Speed: SpeedInstant, JujuVersion: version})
				apps := map[string]int{}
				const perApp = 100
				for i := 0; i < units/perApp; i++ {
					apps[fmt.Sprintf("app%d", i)] = perApp
				}
				if err := s.Seed(s.DefaultModelUUID(), apps); err != nil {
					b.Fatal(err)
				}
				c := dial(b, s, s.DefaultModelUUID())
				c.login(s)
				// Warm up and check the size once.
				f := c.call("Client", 8, "FullStatus", map[string]any{"patterns": []string{}})
				if f["error"] != nil {
					b.Fatalf("FullStatus: %s", f)
				}
				b.SetBytes(int64(len(f["response"])))
				b.ReportAllocs()
				b.ResetTimer()
				var reply bytes.Buffer
				start := time.Now()
				cpu0, cpuOK := testshared.ProcessCPU()
				for i := 0; i < b.N; i++ {
					if changed {
						b.StopTimer()
						f := c.call("Annotations", 2, "Set", map[string]any{"annotations": []map[string]any{
							{"entity": "unit-app0-0", "annotations": map[string]string{"poll": strconv.Itoa(i)}},
						}})
						if f["error"] != nil {
							b.Fatalf("Annotations.Set: %s", f)
						}
						b.StartTimer()
					}
					c.send("Client", 8, "FullStatus", map[string]any{"patterns": []string{}})
					// Read into a buffer kept between polls, as clients
					// read frames (rpc reads them into pooled buffers).
					ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
					_, r, err := c.ws.Reader(ctx)
					if err == nil {
						reply.Reset()
						_, err = reply.ReadFrom(r)
					}
					cancel()
					if err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "calls/s")
				// CPU time of both ends (and their garbage collection):
				// steadier than the time per call on a busy machine.
				if cpu1, ok := testshared.ProcessCPU(); ok && cpuOK {
					b.ReportMetric(float64(cpu1-cpu0)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
				}
			})
		}
	}
}
