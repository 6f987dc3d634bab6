package rpc_test

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gojuju/juju/jujusim"
	"github.com/gojuju/juju/rpc"
)

// simSmallCalls are the small calls BenchmarkSimCall64InFlight makes: the
// cheapest call there is (no params, an empty result; the transport's cost
// alone) and a one-application read with a small result (about 300 bytes
// each way).
var simSmallCalls = []struct {
	name           string
	facade, method string
	params         any
	result         func() any
}{
	{"Ping", "Pinger", "Ping", nil, func() any { return nil }},
	{"ApplicationGet", "Application", "Get", map[string]any{"application": "app0"}, func() any { return new(map[string]any) }},
}

// BenchmarkSimCall64InFlight measures small calls over one rpc.Conn to an
// in-process jujusim (the real wire protocol over a loopback TLS
// websocket), with 64 goroutines each keeping one call in flight. Client
// and simulator share the process's cores. It reports calls/s and the
// 50th and 99th percentiles of the calls' latencies (from the caller's
// Call to its return). B/op and allocs/op include the simulator's.
func BenchmarkSimCall64InFlight(b *testing.B) {
	sim, err := jujusim.Start(b.Context(), jujusim.Config{Speed: jujusim.SpeedInstant})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { sim.Close() })
	if err := sim.Seed(sim.DefaultModelUUID(), map[string]int{"app0": 1}); err != nil {
		b.Fatal(err)
	}
	c := dial(b, rpc.Config{
		Addrs: sim.APIAddresses(), CACert: sim.CACert(), ModelUUID: sim.DefaultModelUUID(),
		Username: sim.AdminUser(), Password: sim.AdminPassword(), PingInterval: -1,
	})
	for _, sc := range simSmallCalls {
		b.Run(sc.name, func(b *testing.B) {
			if err := c.Call(b.Context(), sc.facade, sc.method, "", sc.params, sc.result()); err != nil {
				b.Fatal(err)
			}
			benchInFlight(b, 64, func(ctx context.Context, result any) error {
				return c.Call(ctx, sc.facade, sc.method, "", sc.params, result)
			}, sc.result)
		})
	}
}

// benchInFlight makes b.N calls from n goroutines and reports calls/s and
// the p50 and p99 latencies in µs.
func benchInFlight(b *testing.B, n int, call func(ctx context.Context, result any) error, newResult func() any) {
	ctx := context.Background()
	lat := make([]time.Duration, b.N)
	var next atomic.Int64
	var failed atomic.Value
	var wg sync.WaitGroup
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for range n {
		wg.Go(func() {
			result := newResult()
			for {
				i := next.Add(1) - 1
				if i >= int64(len(lat)) {
					return
				}
				t0 := time.Now()
				if err := call(ctx, result); err != nil {
					failed.Store(err)
					next.Store(int64(len(lat)))
					return
				}
				lat[i] = time.Since(t0)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if err, ok := failed.Load().(error); ok {
		b.Fatal(err)
	}
	slices.Sort(lat)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "calls/s")
	b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds())/1e3, "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds())/1e3, "p99-µs")
}
