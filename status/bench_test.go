package status_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	juju "github.com/gojuju/juju"
	"github.com/gojuju/juju/internal/facades"
	"github.com/gojuju/juju/internal/facades/apiclient"
	"github.com/gojuju/juju/internal/testshared"
	"github.com/gojuju/juju/jujusim"
	"github.com/gojuju/juju/status"
)

// Benchmarks of status snapshots and waits against the simulator.
//
//	go test -run '^$' -bench 'Status|Wait' -benchmem .

// benchSim starts a simulator on a fake clock with units units spread
// over applications of 100 (or fewer), settled.
func benchSim(b testing.TB, units int) (*jujusim.Server, *juju.Model) {
	b.Helper()
	ctx := context.Background()
	srv, err := jujusim.Start(ctx, jujusim.Config{Clock: jujusim.NewFakeClock(time.Time{}), Speed: jujusim.SpeedFast})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { srv.Close() })
	apps := map[string]int{}
	for i := 0; units > 0; i++ {
		n := min(units, 100)
		apps[fmt.Sprintf("app%d", i)] = n
		units -= n
	}
	if err := srv.Seed(srv.DefaultModelUUID(), apps); err != nil {
		b.Fatal(err)
	}
	for range 30 {
		if err := srv.Advance(time.Second); err != nil {
			b.Fatal(err)
		}
	}
	m, err := juju.ConnectModel(ctx, juju.Config{
		Addrs: srv.APIAddresses(), CACert: srv.CACert(), Username: srv.AdminUser(),
		Password: srv.AdminPassword(), ModelUUID: srv.DefaultModelUUID(), PingInterval: -1,
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { m.Close() })
	return srv, m
}

var benchSizes = []int{10, 100, 1000, 10000}

// BenchmarkStatusFetch measures Model.Status end to end: the FullStatus
// call over the loopback websocket (the simulator building the reply
// included) and the decoding into a Status.
func BenchmarkStatusFetch(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("units=%d", n), func(b *testing.B) {
			_, m := benchSim(b, n)
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				s, err := m.Status(ctx, nil)
				if err != nil {
					b.Fatal(err)
				}
				if got := len(s.AllUnits()); got != n {
					b.Fatalf("%d units, want %d", got, n)
				}
			}
		})
	}
}

// BenchmarkStatusDecode measures the client side only: JSON bytes of a
// FullStatus reply to a Status as Model.Status and every wait poll decode
// it, from the response value the connection validated already
// ("result"), with ParseFullStatus (which validates it first: "json"), and
// as before the streaming decoder (encoding/json into the wire FullStatus,
// then the conversion: "json-v1"), the conversion alone of an already decoded wire FullStatus,
// and a wait's evaluation of a snapshot. cpu-ms/op is the process's CPU
// time (user and system, the garbage collector's included) per snapshot.
func BenchmarkStatusDecode(b *testing.B) {
	for _, n := range benchSizes {
		_, m := benchSim(b, n)
		ctx := context.Background()
		var raw json.RawMessage
		if err := m.CallVersion(ctx, "Client", 8, "FullStatus", "", facades.StatusParams{}, &raw); err != nil {
			b.Fatal(err)
		}
		for _, dec := range []struct {
			name  string
			parse func([]byte) (*status.Status, error)
		}{{"result", status.DecodeResult}, {"json", status.ParseFullStatus}, {"json-v1", status.ParseFullStatusV1}} {
			b.Run(fmt.Sprintf("%s/units=%d", dec.name, n), func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(raw)))
				cpu0, cpuOK := testshared.ProcessCPU()
				for b.Loop() {
					s, err := dec.parse(raw)
					if err != nil {
						b.Fatal(err)
					}
					if got := len(s.AllUnits()); got != n {
						b.Fatalf("%d units, want %d", got, n)
					}
				}
				if cpu1, ok := testshared.ProcessCPU(); ok && cpuOK {
					b.ReportMetric(float64(cpu1-cpu0)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
				}
			})
		}
		var fs apiclient.FullStatus
		if err := json.Unmarshal(raw, &fs); err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("convert/units=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = status.FromWire(&fs)
			}
		})
		b.Run(fmt.Sprintf("evaluate/units=%d", n), func(b *testing.B) {
			s := status.FromWire(&fs)
			prev := status.FromWire(&fs)
			b.ReportAllocs()
			for b.Loop() {
				status.EvaluateIdle(s, prev)
			}
		})
	}
}

// BenchmarkStatusOverhead measures what the library adds to the raw
// FullStatus round trip: on the same connection to the same simulated
// model, each iteration makes the raw call (the reply kept as
// json.RawMessage, undecoded) and a Model.Status (the same call decoded
// into a snapshot), alternately, so that both see the same load. It
// reports both times and the overhead, (status - raw) / raw, in percent,
// in wall time and in the process's CPU time (the in-process simulator's
// included: the round trip as a whole), which a loaded machine disturbs
// less.
func BenchmarkStatusOverhead(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("units=%d", n), func(b *testing.B) {
			_, m := benchSim(b, n)
			ctx := context.Background()
			var rawTime, statusTime, rawCPU, statusCPU time.Duration
			b.ReportAllocs()
			for b.Loop() {
				t0 := time.Now()
				c0, _ := testshared.ProcessCPU()
				var raw json.RawMessage
				if err := m.CallVersion(ctx, "Client", 8, "FullStatus", "", facades.StatusParams{}, &raw); err != nil {
					b.Fatal(err)
				}
				t1 := time.Now()
				c1, _ := testshared.ProcessCPU()
				s, err := m.Status(ctx, nil)
				if err != nil {
					b.Fatal(err)
				}
				t2 := time.Now()
				c2, _ := testshared.ProcessCPU()
				rawTime += t1.Sub(t0)
				statusTime += t2.Sub(t1)
				rawCPU += c1 - c0
				statusCPU += c2 - c1
				if got := len(s.AllUnits()); got != n {
					b.Fatalf("%d units, want %d", got, n)
				}
			}
			ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) / float64(b.N) }
			b.ReportMetric(ms(rawTime), "raw-ms/op")
			b.ReportMetric(ms(statusTime), "status-ms/op")
			b.ReportMetric(100*float64(statusTime-rawTime)/float64(rawTime), "overhead-%")
			if rawCPU > 0 {
				b.ReportMetric(ms(rawCPU), "raw-cpu-ms/op")
				b.ReportMetric(ms(statusCPU), "status-cpu-ms/op")
				b.ReportMetric(100*float64(statusCPU-rawCPU)/float64(rawCPU), "cpu-overhead-%")
			}
		})
	}
}

// BenchmarkWaitSettled measures WaitForIdle with the default 15 s idle
// period on a model that has been settled for longer than that: it must
// return after one poll (milliseconds), not after 15 s.
func BenchmarkWaitSettled(b *testing.B) {
	for _, n := range []int{10, 1000} {
		b.Run(fmt.Sprintf("units=%d", n), func(b *testing.B) {
			_, m := benchSim(b, n)
			ctx := context.Background()
			polls := 0
			b.ResetTimer()
			for b.Loop() {
				if _, err := m.WaitForIdle(ctx, &status.WaitForIdleOptions{Progress: func(status.WaitProgress) { polls++ }}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(polls)/float64(b.N), "polls/op")
		})
	}
}

// BenchmarkWaitDetectionLatency measures the time from the simulator
// reaching the awaited condition (the end of the clock advance that
// settles a freshly deployed application) to Wait returning, at polling
// intervals of 1 s and 100 ms.
func BenchmarkWaitDetectionLatency(b *testing.B) {
	for _, interval := range []time.Duration{time.Second, 100 * time.Millisecond} {
		b.Run(fmt.Sprintf("interval=%s", interval), func(b *testing.B) {
			srv, m := benchSim(b, 10)
			ctx := context.Background()
			var total time.Duration
			i := 0
			for b.Loop() {
				i++
				app := fmt.Sprintf("fresh%d", i)
				if err := srv.Seed(srv.DefaultModelUUID(), map[string]int{app: 1}); err != nil {
					b.Fatal(err)
				}
				reached := make(chan time.Time, 1)
				first := true
				_, err := m.Wait(ctx, status.All(status.AllActive(app), status.AllAgentsIdle(app)), &status.WaitOptions{
					Successes: 1, Interval: interval, Apps: []string{app},
					Progress: func(p status.WaitProgress) {
						if first {
							// The wait is polling and sees the application
							// busy: settle it in one clock advance.
							first = false
							go func() {
								_ = srv.Advance(30 * time.Second)
								reached <- time.Now()
							}()
						}
					},
				})
				done := time.Now()
				if err != nil {
					b.Fatal(err)
				}
				total += done.Sub(<-reached)
			}
			b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "latency-ms/op")
		})
	}
}
